"""Proposals between the parties (N2-N5) and the mediator's decision solutions (M4)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import FormInvalid, RuleViolation
from .facts import Terms
from .money import parse_amount
from .vocabulary import Resolution
from .words import N_, Clause, Words

COMMENT_MAX = 2000


@dataclass(frozen=True)
class ProposalForm:
    """A validated proposal: terms and a comment."""

    terms: Terms
    comment: str


def validate_terms(
    resolution: object,
    amount: object,
    comment: object,
    *,
    total: Decimal,
    currency: str,
    received: bool,
    allow_zero: bool = False,
) -> ProposalForm:
    """Check a proposal's fields; raise FormInvalid naming each wrong one (N2, O6, O7, F6).

    A re-shipment's amount is what the buyer gets back if the seller does not ship in time (F6).
    """
    errors: dict[str, str] = {}
    try:
        chosen = Resolution(str(resolution))
    except ValueError:
        chosen = None
        errors["resolution"] = Words(N_("Choose Refund only, Return goods and refund, or Re-shipment."))
    if chosen is Resolution.RETURN_AND_REFUND and not received:
        errors["resolution"] = Words(N_("Return goods and refund needs goods the buyer received."))
    parsed: Decimal | None = None
    try:
        parsed = parse_amount(amount, currency, total, allow_zero=allow_zero)
    except ValueError as exc:
        errors["amount"] = exc.args[0]
    text = str(comment or "").strip()
    if len(text) > COMMENT_MAX:
        errors["comment"] = Words(N_("Keep the comment under %(limit)s characters."), limit=COMMENT_MAX)
    if errors:
        raise FormInvalid(errors)
    assert chosen is not None and parsed is not None
    return ProposalForm(Terms(chosen, parsed), text)


def check_proposal_slot(
    live: Iterable[Resolution], resolution: Resolution, *, replacing: Resolution | None = None
) -> None:
    """Refuse a proposal that would give a party two live ones of one resolution (N2).

    `live` holds the resolutions of the party's live proposals; `replacing` is the resolution
    of the proposal being changed (N3), whose slot is freed by the change.
    """
    taken = list(live)
    if replacing is not None:
        if replacing not in taken:
            raise RuleViolation("N3", N_("That proposal is no longer live; reload the page."))
        taken.remove(replacing)
    if resolution in taken:
        raise RuleViolation(
            "N2",
            N_("You already have a live %(resolution)s proposal: change it instead of adding another."),
            resolution=resolution.label,
        )
    if len(taken) >= 2:
        raise RuleViolation("N2", N_("Each party has at most two live proposals, one of each kind."))


def validate_decision_solutions(
    solutions: Sequence[tuple[object, object, object]],
    *,
    total: Decimal,
    currency: str,
    received: bool,
) -> list[ProposalForm]:
    """Check the mediator's one or two solutions (M4); a solution may grant nothing (0).

    A solution is there when its amount or its comment was typed: its resolution alone says nothing,
    since a form's choice of resolution always sends one. Errors name the solution by its place.
    """
    filled = [(i, o) for i, o in enumerate(solutions, start=1) if any(str(v or "").strip() for v in o[1:])]
    if not 1 <= len(filled) <= 2:
        raise FormInvalid({"solutions": N_("Offer one or two solutions.")})
    forms: list[ProposalForm] = []
    errors: dict[str, str] = {}
    for place, (resolution, amount, comment) in filled:
        try:
            forms.append(
                validate_terms(
                    resolution,
                    amount,
                    comment,
                    total=total,
                    currency=currency,
                    received=received,
                    allow_zero=True,
                )
            )
        except FormInvalid as exc:
            errors.update({f"solution{place}_{k}": _of_solution(place, v) for k, v in exc.words.items()})
    if errors:
        raise FormInvalid(errors)
    if len(forms) == 2 and forms[0].terms == forms[1].terms:
        raise FormInvalid(
            {"solutions": N_("The two solutions are the same; offer one, or two different ones.")}
        )
    return forms


def _of_solution(place: int, message: str) -> str:
    """`Enter an amount.` as `Solution 2: enter an amount.`, so a refusal says which solution."""
    return Words(N_("Solution %(place)s: %(problem)s"), place=place, problem=Clause(message))
