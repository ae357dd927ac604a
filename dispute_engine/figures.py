"""The amounts a dispute went through, in order: requested, then proposed, agreed or decided (C4, M4)."""

from __future__ import annotations

from dataclasses import dataclass

from .facts import DisputeFacts, Terms
from .vocabulary import Outcome, State
from .words import N_, Amount, Clause, Words, join

# The word for the amount a dispute closed on, by how it closed.
CLOSED_ON = {
    Outcome.SELLER_ACCEPTED: Words(N_("accepted")),
    Outcome.AGREED: Words(N_("agreed")),
    Outcome.MEDIATION_AGREED: Words(N_("agreed")),
    Outcome.FINAL_DECISION: Words(N_("decided")),
    Outcome.SELLER_DID_NOT_RESPOND: Words(N_("granted")),  # S1: the request stands
    Outcome.SELLER_MISSED_DEADLINE: Words(N_("decided")),
    Outcome.BUYER_MISSED_DEADLINE: Words(N_("decided")),
    Outcome.CANCELLED: Words(N_("cancelled")),
    Outcome.ARBITRATION_CANCELLED: Words(N_("cancelled")),
}


@dataclass(frozen=True)
class Figure:
    """One step of the money: what it is ("requested", "proposed", "agreed"...) and its terms.

    The mediator's proposal holds one or two solutions; every other step holds one.
    """

    label: str
    terms: tuple[Terms, ...]

    def amounts(self, currency: str) -> str:
        """`10.00 USD`, or `20.00 USD or 45.00 USD` for two solutions."""
        return _either([Amount(t.amount, currency) for t in self.terms])


def figures(facts: DisputeFacts) -> tuple[Figure, ...]:
    """The buyer's request, then how it closed (kept through a complaint, C3), then a live proposal (M4).

    The last one is the figure that stands now.
    """
    shown = [Figure(Words(N_("requested")), (facts.request,))]
    if facts.outcome is not None and facts.outcome_terms is not None:
        shown.append(Figure(CLOSED_ON[facts.outcome], (facts.outcome_terms,)))
    if facts.state is State.ESCALATED and facts.decision is not None:
        shown.append(Figure(Words(N_("proposed")), facts.decision.solutions))
    return tuple(shown)


def describe_figures(shown: tuple[Figure, ...], currency: str) -> str:
    """`Refund only: requested 34.50 USD → agreed 10.00 USD`; each resolution named when they differ."""
    granted = [t for figure in shown for t in figure.terms if t.amount]  # nothing granted has no kind
    kinds = {t.resolution for t in granted}
    if len(kinds) <= 1:
        steps = join(" → ", [_step(figure.label, figure.amounts(currency)) for figure in shown])
        return (
            Words("%(kind)s: %(steps)s", kind=granted[0].resolution.label, steps=steps) if granted else steps
        )

    def one(terms: Terms) -> object:
        money = Amount(terms.amount, currency)
        return (
            Words("%(money)s (%(kind)s)", money=money, kind=Clause(terms.resolution.label))
            if terms.amount
            else money
        )

    return join(" → ", [_step(figure.label, _either([one(t) for t in figure.terms])) for figure in shown])


def _step(label: str, amounts: object) -> str:
    return Words("%(label)s %(amounts)s", label=label, amounts=amounts)


def _either(amounts: list[object]) -> str:
    """`10.00 USD`, or `20.00 USD or 45.00 USD`."""
    if len(amounts) == 1:
        return Words("%(amount)s", amount=amounts[0])
    return Words(N_("%(first)s or %(second)s"), first=amounts[0], second=amounts[1])
