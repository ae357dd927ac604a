"""The one path every dispute action takes: lock, let due clocks act, check, do, then `finish`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from dispute_engine import Action, Actor, EffectKind, check, next_deadline, on_deadline
from dispute_engine.words import N_, Words
from webapp.core.extensions import db
from webapp.core.refusals import Conflict, NotFound
from webapp.disputes.assignment import check_assignment
from webapp.disputes.facts import dispute_facts
from webapp.disputes.models import Dispute
from webapp.disputes.stamp import role_in
from webapp.disputes.steps import ActionContext, Done, finish, refresh_deadline
from webapp.history.models import Event

if TYPE_CHECKING:
    from webapp.accounts.models import User

MAX_DEADLINES_AT_ONCE = 20
# The history's name for what a passed clock did; a closing is "closed" whatever the clock.
CLOCK_EVENTS = {
    EffectKind.RETURN_LAPSED: "return_lapsed",
    EffectKind.RETURN_ASSUMED_RECEIVED: "return_received",
    EffectKind.RESHIP_NOT_SHIPPED: "reshipment_not_shipped",
}


class DisputeNotFound(NotFound):
    """No such dispute, or not one this person may see (E4): both look the same from outside."""

    explanation: str = Words(N_("There is no such dispute or order, or it is not yours to see."))


class StaleDispute(Conflict):
    """The form was made from an older version of the dispute: someone acted first."""


def _what_changed(dispute: Dispute) -> str:
    latest = db.session.scalar(
        select(Event)
        .where(Event.dispute_id == dispute.id, Event.action != "message")
        .order_by(Event.id.desc())
    )
    if latest is None:
        return Words(
            N_(
                "The dispute changed while you were looking at it, so nothing was done. "
                "Look at the page again and decide."
            )
        )
    return Words(
        N_(
            "The dispute changed while you were looking at it, so nothing was done. "
            "Look at the page again and decide. Latest: %(latest)s"
        ),
        latest=Words(latest.summary),  # a stored sentence: said in Russian when the catalogue has it
    )


def actor_for(user: User, dispute: Dispute) -> Actor | None:
    """The user's part in this dispute, or None if it is none of their business (E4)."""
    order = dispute.order
    return role_in(
        user, order.buyer_id, order.seller_id, dispute.escalated_at is not None, order.marketplace_id
    )


def lock_dispute(dispute_id: int) -> Dispute | None:
    """Load a dispute fresh from the database with its row locked until the request commits."""
    return db.session.scalar(
        select(Dispute)
        .where(Dispute.id == dispute_id)
        .with_for_update(of=Dispute)
        .execution_options(populate_existing=True)
    )


def settle_due_deadlines(dispute: Dispute, now: datetime) -> int:
    """Let every clock that ran out by `now` act, earliest first, each dated at its deadline."""
    acted = 0
    while acted < MAX_DEADLINES_AT_ONCE:
        if dispute.next_deadline_at is None or dispute.next_deadline_at > now:
            break
        facts = dispute_facts(dispute)
        deadline = next_deadline(facts)
        if deadline is None or deadline.at > now:
            refresh_deadline(dispute)
            continue
        step = on_deadline(facts, deadline)
        ctx = ActionContext(dispute, Actor.SYSTEM, None, deadline.at, facts)
        # A closing is named by `finish`; an escalation and a return's clock are named here.
        name = CLOCK_EVENTS[step.return_effect] if step.return_effect else "escalated"
        finish(ctx, Done(name, Words(step.summary), step=step))
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


def _begin(user: User, dispute_id: int, action: Action, now: datetime, version: int | None) -> ActionContext:
    dispute = lock_dispute(dispute_id)
    if dispute is None:
        raise DisputeNotFound(dispute_id)
    # Due clocks first: escalation by the clock is what lets a mediator in.
    settle_due_deadlines(dispute, now)
    if (actor := actor_for(user, dispute)) is None:
        raise DisputeNotFound(dispute_id)
    check_assignment(user, dispute, actor, action)  # which mediator, before the rules say when
    facts = dispute_facts(dispute)
    check(facts, actor, action, now)
    if version is not None and version != dispute.version:
        raise StaleDispute(_what_changed(dispute))
    return ActionContext(dispute, actor, user, now, facts, action)


def perform(
    user: User,
    dispute_id: int,
    action: Action,
    now: datetime,
    work: Callable[[ActionContext], Done],
    *,
    version: int | None = None,
) -> Any:
    """Take one action: lock, settle due clocks, check the rules and the form's version, do `work`,
    then let `finish` move the state, record the history and bump the version; returns work's result.

    The caller commits once (a request on success; the CLI itself); any refusal leaves nothing behind.
    """
    ctx = _begin(user, dispute_id, action, now, version)
    done = work(ctx)
    finish(ctx, done)
    return done.result


def note(user: User, dispute_id: int, now: datetime, work: Callable[[ActionContext], Done]) -> Any:
    """Something a person does with a case that changes nothing in it (a download of the case): the
    lock, due clocks and access check of `perform`, no rule to pass, then `finish` records it."""
    dispute = lock_dispute(dispute_id)
    if dispute is None:
        raise DisputeNotFound(dispute_id)
    settle_due_deadlines(dispute, now)
    if (actor := actor_for(user, dispute)) is None:
        raise DisputeNotFound(dispute_id)
    ctx = ActionContext(dispute, actor, user, now, dispute_facts(dispute))
    done = work(ctx)
    finish(ctx, done)
    return done.result
