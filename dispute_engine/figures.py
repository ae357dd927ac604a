"""The amounts a dispute went through, in order: requested, then proposed, agreed or decided (C4, M4)."""

from __future__ import annotations

from dataclasses import dataclass

from .facts import DisputeFacts, Terms
from .money import format_money
from .vocabulary import Outcome, State

# The word for the amount a dispute closed on, by how it closed.
CLOSED_ON = {
    Outcome.SELLER_ACCEPTED: "accepted",
    Outcome.AGREED: "agreed",
    Outcome.MEDIATION_AGREED: "agreed",
    Outcome.FINAL_DECISION: "decided",
    Outcome.SELLER_DID_NOT_RESPOND: "granted",  # S1: the request stands
    Outcome.SELLER_MISSED_DEADLINE: "decided",
    Outcome.BUYER_MISSED_DEADLINE: "decided",
    Outcome.CANCELLED: "cancelled",
    Outcome.ARBITRATION_CANCELLED: "cancelled",
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
        return " or ".join(format_money(t.amount, currency) for t in self.terms)


def figures(facts: DisputeFacts) -> tuple[Figure, ...]:
    """The buyer's request, then how it closed (kept through a complaint, C3), then a live proposal (M4).

    The last one is the figure that stands now.
    """
    shown = [Figure("requested", (facts.request,))]
    if facts.outcome is not None and facts.outcome_terms is not None:
        shown.append(Figure(CLOSED_ON[facts.outcome], (facts.outcome_terms,)))
    if facts.state is State.ESCALATED and facts.decision is not None:
        shown.append(Figure("proposed", facts.decision.solutions))
    return tuple(shown)


def describe_figures(shown: tuple[Figure, ...], currency: str) -> str:
    """`Refund only: requested 34.50 USD → agreed 10.00 USD`; each resolution named when they differ."""
    granted = [t for figure in shown for t in figure.terms if t.amount]  # nothing granted has no kind
    kinds = {t.resolution for t in granted}
    if len(kinds) <= 1:
        steps = (f"{figure.label} {figure.amounts(currency)}" for figure in shown)
        lead = f"{granted[0].resolution.label}: " if granted else ""
        return lead + " → ".join(steps)

    def one(terms: Terms) -> str:
        money = format_money(terms.amount, currency)
        return f"{money} ({terms.resolution.label.lower()})" if terms.amount else money

    return " → ".join(f"{figure.label} {' or '.join(one(t) for t in figure.terms)}" for figure in shown)
