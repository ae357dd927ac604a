"""The steps every dispute action takes: find, lock, let due clocks act, check the rules and the version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from dispute_engine import Action, Actor, DisputeFacts, check, next_deadline
from webapp.core.extensions import db
from webapp.disputes.facts import dispute_facts
from webapp.disputes.models import Dispute

if TYPE_CHECKING:
    from webapp.accounts.models import User

MAX_DEADLINES_AT_ONCE = 20


class DisputeNotFound(LookupError):
    """No such dispute, or not one this person may see (E4): both look the same from outside."""


class StaleDispute(Exception):
    """The form was made from an older version of the dispute: someone acted first."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "The dispute changed while you were looking at it (the other party acted first). "
            "Nothing was done: look at the page again and decide."
        )


@dataclass
class ActionContext:
    """A locked, up-to-date dispute and who is acting on it."""

    dispute: Dispute
    actor: Actor
    user: User
    now: datetime
    facts: DisputeFacts


def _what_changed(dispute: Dispute) -> str:
    from webapp.history.models import Event  # history imports disputes' models

    latest = db.session.scalar(
        select(Event)
        .where(Event.dispute_id == dispute.id, Event.action != "message")
        .order_by(Event.id.desc())
    )
    said = f" Latest: {latest.summary}" if latest else ""
    return (
        "The dispute changed while you were looking at it, so nothing was done. "
        f"Look at the page again and decide.{said}"
    )


def actor_for(user: User, dispute: Dispute) -> Actor | None:
    """The user's part in this dispute, or None if it is none of their business (E4)."""
    if user.id == dispute.order.buyer_id:
        return Actor.BUYER
    if user.id == dispute.order.seller_id:
        return Actor.SELLER
    if user.is_mediator and dispute.escalated_at is not None:
        return Actor.MEDIATOR
    return None


def lock_dispute(dispute_id: int) -> Dispute | None:
    """Load a dispute fresh from the database with its row locked until the request commits."""
    return db.session.scalar(
        select(Dispute)
        .where(Dispute.id == dispute_id)
        .with_for_update(of=Dispute)
        .execution_options(populate_existing=True)
    )


def refresh_deadline(dispute: Dispute) -> None:
    """Store the dispute's next deadline so `tick` can find it with an index."""
    deadline = next_deadline(dispute_facts(dispute))
    dispute.next_deadline_at = deadline.at if deadline else None
    dispute.next_deadline_kind = deadline.kind if deadline else None


def changed(dispute: Dispute, now: datetime) -> None:
    """Mark a change that makes older forms stale, and recompute the next deadline."""
    dispute.updated_at = now
    db.session.flush()
    refresh_deadline(dispute)
    db.session.flush()


def settle_due_deadlines(dispute: Dispute, now: datetime) -> int:
    """Let every clock that ran out by `now` act, earliest first; return how many acted."""
    from webapp.disputes.closing import apply_deadline  # closing builds on this module

    acted = 0
    while acted < MAX_DEADLINES_AT_ONCE:
        if dispute.next_deadline_at is None or dispute.next_deadline_at > now:
            break
        facts = dispute_facts(dispute)
        deadline = next_deadline(facts)
        if deadline is None or deadline.at > now:
            refresh_deadline(dispute)
            continue
        apply_deadline(dispute, facts, deadline)
        acted += 1
    return acted


def viewable_dispute(user: User, dispute_id: int, now: datetime) -> tuple[Dispute, Actor]:
    """The dispute for a page: 404 for outsiders, and due clocks applied first so nobody sees the past."""
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None:
        raise DisputeNotFound(dispute_id)
    if dispute.next_deadline_at is not None and dispute.next_deadline_at <= now:
        locked = lock_dispute(dispute_id)
        assert locked is not None
        settle_due_deadlines(locked, now)
        dispute = locked
    if (actor := actor_for(user, dispute)) is None:
        raise DisputeNotFound(dispute_id)
    return dispute, actor


def begin(
    user: User, dispute_id: int, action: Action, now: datetime, *, version: int | None
) -> ActionContext:
    """Lock the dispute, apply due clocks, then refuse what the rules or a stale form forbid."""
    dispute = lock_dispute(dispute_id)
    if dispute is None:
        raise DisputeNotFound(dispute_id)
    # Due clocks first: escalation by the clock is what lets a mediator in.
    settle_due_deadlines(dispute, now)
    if (actor := actor_for(user, dispute)) is None:
        raise DisputeNotFound(dispute_id)
    facts = dispute_facts(dispute)
    check(facts, actor, action, now)
    if version is not None and version != dispute.version:
        raise StaleDispute(_what_changed(dispute))
    return ActionContext(dispute, actor, user, now, facts)
