"""Who holds an escalated case: a mediator takes it, only the holder acts on it, the others read it,
and a lead mediator may hand it to another. The holder is `disputes.mediator_id`.

The engine says when a mediator may act; this says which mediator. The pipeline asks before the
engine does, so a mediator who does not hold the case hears that, not some rule about the state.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dispute_engine import (
    PLATFORM,
    Action,
    Actor,
    DisputeFacts,
    NotPermitted,
    RuleViolation,
    State,
    allowed_actions,
)
from dispute_engine.words import N_

if TYPE_CHECKING:
    from webapp.accounts.models import User
    from webapp.disputes.models import Dispute

CASE_ACTIONS = frozenset({Action.TAKE_CASE, Action.REASSIGN_CASE})


class CaseTaken(RuleViolation):
    """Another mediator took the case first (409): nothing was done."""


def _holder_name(dispute: Dispute) -> str:
    return dispute.mediator.name if dispute.mediator else "another mediator"


def assignment_refusal(user: User, dispute: Dispute, action: Action) -> RuleViolation | None:
    """Why this mediator may not take `action` on the case as it is held now; None if they may."""
    holder = dispute.mediator_id
    if action is Action.TAKE_CASE:
        if holder is None or dispute.state is not State.ESCALATED:
            return None  # free, or the engine says why not now
        if holder == user.id:
            return RuleViolation(PLATFORM, N_("You already hold this case."))
        return CaseTaken(
            PLATFORM, f"{_holder_name(dispute)} took this case first: you can read it, they act on it."
        )
    if action is Action.REASSIGN_CASE:
        if user.is_lead:
            return None
        return NotPermitted(PLATFORM, N_("Only a lead mediator can hand a case to another mediator."))
    if holder is None:
        return NotPermitted(
            PLATFORM, N_("Take this case first: only the mediator who holds a case acts on it.")
        )
    if holder != user.id:
        return NotPermitted(
            PLATFORM, f"{_holder_name(dispute)} holds this case: you can read it, not act on it."
        )
    return None


def check_assignment(user: User, dispute: Dispute, actor: Actor, action: Action) -> None:
    """Raise unless a mediator acting on this case may: parties and the clock pass untouched."""
    if actor is Actor.MEDIATOR and (refusal := assignment_refusal(user, dispute, action)):
        raise refusal


def allowed_for(
    user: User, dispute: Dispute, actor: Actor, facts: DisputeFacts, now: datetime
) -> frozenset[Action]:
    """What the page offers this person: the engine's actions, less what the case's holder keeps."""
    allowed = allowed_actions(facts, actor, now)
    if actor is not Actor.MEDIATOR:
        return allowed
    return frozenset(action for action in allowed if assignment_refusal(user, dispute, action) is None)
