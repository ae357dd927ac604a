"""The one place a dispute's state changes: an action or a passed deadline becomes a `Step`.

Callers persist the step (state, closing terms, escalation, reopening) and nothing else moves
a dispute from one state to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .deadlines import Deadline, EffectKind, effect_of
from .errors import FormInvalid
from .facts import NOTHING, REJECTED, DisputeFacts, Terms
from .transitions import TABLE, check, next_state
from .vocabulary import Action, Actor, Outcome, State
from .words import N_


@dataclass(frozen=True)
class Closing:
    """How a dispute ends: its outcome and the terms that start the refund or the return (F1, F2)."""

    outcome: Outcome
    terms: Terms


@dataclass(frozen=True)
class Step:
    """What one action or one passed deadline does to a dispute."""

    rule: str
    before: State
    after: State
    closing: Closing | None = None  # the dispute ends (or is cancelled) on these terms
    escalates: bool = False  # the dispute goes (back) to the platform
    reopens: bool = False  # a cancelled dispute starts again; its clocks restart
    seller_answers: bool = False  # the seller's first answer (S2, S3)
    return_effect: EffectKind | None = None  # a return's clock ran out (F2)
    by_clock: bool = False  # a deadline acted, not a person
    summary: str = ""  # for a deadline: what happened, in a sentence for the history

    @property
    def moves(self) -> bool:
        """Whether the dispute is in another state afterwards."""
        return self.before is not self.after


def take(
    facts: DisputeFacts,
    actor: Actor,
    action: Action,
    now: datetime,
    *,
    terms: Terms | None = None,
    solution: int | None = None,
) -> Step:
    """Check `action` against the rules and say what it does.

    `terms` are the accepted proposal's (ACCEPT_PROPOSAL); `solution` is the solution a party answers
    (ANSWER_DECISION: a number, or REJECTED) or the mediator picks (FINAL_DECISION).
    """
    check(facts, actor, action, now)
    rule = TABLE[action].rule
    before, after = facts.state, next_state(facts, action)
    step = Step(rule, before, after)
    match action:
        case Action.ACCEPT_PROPOSAL:
            if terms is None:
                raise ValueError("accepting needs the accepted proposal's terms")
            seller_answering = before is State.AWAITING_SELLER
            outcome = Outcome.SELLER_ACCEPTED if seller_answering else Outcome.AGREED
            return Step(
                "S2" if seller_answering else rule,
                before,
                after,
                closing=Closing(outcome, terms),
                seller_answers=actor is Actor.SELLER,
            )
        case Action.REJECT_REQUEST:
            return Step(rule, before, after, seller_answers=True)
        case Action.ESCALATE | Action.APPEAL:
            return Step(rule, before, after, escalates=True)
        case Action.REOPEN:
            # C5: a re-shipped parcel that never arrived; C2: a cancelled dispute.
            return Step("C5" if before is State.CLOSED else rule, before, after, reopens=True)
        case Action.CANCEL:
            outcome = Outcome.ARBITRATION_CANCELLED if before is State.ESCALATED else Outcome.CANCELLED
            return Step(rule, before, after, closing=Closing(outcome, NOTHING))
        case Action.ANSWER_DECISION:
            return _answer(facts, actor, solution, step)
        case Action.FINAL_DECISION:
            return _final(facts, solution, step)
    return step


def _answer(facts: DisputeFacts, actor: Actor, solution: int | None, step: Step) -> Step:
    decision = facts.decision
    assert decision is not None  # the table's guard
    if solution is None or not REJECTED <= solution <= len(decision.solutions):
        raise FormInvalid({"solution": N_("Accept one of the solutions, or reject them.")})
    if solution == REJECTED:
        return Step("M6", step.before, step.after)
    if decision.answer(actor.other_party) == solution:
        # M5: both parties accepted the same solution, so it closes the dispute.
        closing = Closing(Outcome.MEDIATION_AGREED, decision.terms(solution))
        return Step("M5", step.before, State.CLOSED, closing=closing)
    return step


def _final(facts: DisputeFacts, solution: int | None, step: Step) -> Step:
    decision = facts.decision
    assert decision is not None  # the table's guard
    if solution is None or not 1 <= solution <= len(decision.solutions):
        raise FormInvalid({"solution": N_("Choose one of the solutions you offered.")})
    return Step(
        step.rule, step.before, step.after, closing=Closing(Outcome.FINAL_DECISION, decision.terms(solution))
    )


def on_deadline(facts: DisputeFacts, deadline: Deadline) -> Step:
    """What a passed deadline does (S1, N1, M3, M4, F2, F6), as a step dated at the deadline."""
    effect = effect_of(facts, deadline)
    before = facts.state
    match effect.kind:
        case EffectKind.CLOSE:
            assert effect.outcome is not None and effect.terms is not None
            closing = Closing(effect.outcome, effect.terms)
            return Step(
                effect.rule, before, State.CLOSED, closing=closing, by_clock=True, summary=effect.summary
            )
        case EffectKind.ESCALATE:
            return Step(
                effect.rule, before, State.ESCALATED, escalates=True, by_clock=True, summary=effect.summary
            )
    return Step(effect.rule, before, before, return_effect=effect.kind, by_clock=True, summary=effect.summary)


def opening_state() -> State:
    """The state a newly opened dispute is in: the seller's turn (S1)."""
    return State.AWAITING_SELLER
