"""Deadline reminders (24 h and 2 h before): planned on every change, sent once by the clock.

Every recorded change of a dispute (`DisputeChanged`, in its transaction) plans a reminder row for
each deadline now running against a party and each lead time, and drops the pending rows of
deadlines that no longer stand. The clock's duty takes due rows by an index, checks the deadline
still stands under the dispute's lock, and writes the notification (emailed by `deliver_pending`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from dispute_engine import Actor, DisputeFacts
from dispute_engine.reminders import PersonDeadline, person_deadlines, reminder_slots
from dispute_engine.words import N_, Moment, Words
from webapp.accounts.models import User
from webapp.core.clock import clock_now
from webapp.core.duties import every_minute
from webapp.core.extensions import db
from webapp.core.i18n import DEFAULT_LANGUAGE
from webapp.core.wording import time_left
from webapp.core.words import say
from webapp.disputes.events import DisputeChanged, subscribe
from webapp.disputes.facts import dispute_facts
from webapp.disputes.models import Dispute
from webapp.history.models import Notification
from webapp.notifications.delivery import notifications_cli
from webapp.notifications.models import DeadlineReminder

BATCH = 200
_CONSEQUENCES = {
    ("seller_response", Actor.SELLER): N_("Without an answer, the dispute closes in the buyer's favour."),
    ("buyer_evidence", Actor.BUYER): N_("Without it, the dispute closes in the seller's favour."),
    ("seller_evidence", Actor.SELLER): N_("Without it, the dispute closes in the buyer's favour."),
    ("decision_answers", Actor.BUYER): N_("Without an answer, the dispute closes in the seller's favour."),
    ("decision_answers", Actor.SELLER): N_("Without an answer, the dispute closes in the buyer's favour."),
    ("return_shipment", Actor.BUYER): N_("Otherwise the return lapses and no refund is due."),
    ("return_confirmation", Actor.SELLER): N_("Otherwise the item counts as received and the refund is due."),
    ("refund_payment", Actor.SELLER): N_("After that the buyer may complain about the unpaid refund."),
}


def _person(dispute: Dispute, party: Actor) -> int:
    return dispute.order.buyer_id if party is Actor.BUYER else dispute.order.seller_id


def _key(dispute: Dispute, deadline: PersonDeadline) -> tuple[str, datetime, int]:
    return deadline.kind, deadline.at, _person(dispute, deadline.party)


def plan(dispute: Dispute, facts: DisputeFacts, at: datetime) -> int:
    """Plan the reminders of every deadline running against a party; drop those of moved deadlines.

    Returns how many rows were offered (a row already planned is left as it is).
    """
    deadlines = person_deadlines(facts)
    standing = {_key(dispute, d) for d in deadlines}
    pending = db.session.scalars(
        select(DeadlineReminder).where(
            DeadlineReminder.dispute_id == dispute.id,
            DeadlineReminder.sent_at.is_(None),
            DeadlineReminder.dropped_at.is_(None),
        )
    )
    for reminder in pending:
        if (reminder.kind, reminder.due_at, reminder.user_id) not in standing:
            reminder.dropped_at = at  # the deadline moved or was met: this reminder is never sent
    rows: list[dict[str, Any]] = []
    for deadline in deadlines:
        for slot in reminder_slots(deadline.at, facts.policy.reminder_lead_hours):
            if slot.expires_at > at:
                kind, due_at, user_id = _key(dispute, deadline)
                rows.append(
                    {
                        "dispute_id": dispute.id,
                        "kind": kind,
                        "due_at": due_at,
                        "user_id": user_id,
                        "lead_minutes": int(slot.lead.total_seconds()) // 60,
                        "send_at": slot.send_at,
                        "expires_at": slot.expires_at,
                    }
                )
    if rows:
        _insert_once(rows)
    return len(rows)


def _insert_once(rows: list[dict[str, Any]]) -> None:
    """Insert the rows; one the unique index already holds is skipped (both databases say so)."""
    db.session.flush()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(DeadlineReminder).values(rows).on_conflict_do_nothing())


@subscribe(DisputeChanged)
def _plan_after_change(event: DisputeChanged) -> None:
    plan(event.dispute, dispute_facts(event.dispute), event.at)


def reminder_text(dispute: Dispute, deadline: PersonDeadline, now: datetime) -> str:
    """What the reminder says, in the current language: the dispute, what must be done, by when and
    what follows if not."""
    consequence = _CONSEQUENCES.get((deadline.kind, deadline.party), "")
    said = Words(
        N_("Reminder for dispute #%(number)s (%(item)s): %(task)s by %(when)s UTC (%(left)s)."),
        number=dispute.id,
        item=dispute.order.item_title,
        task=deadline.task,
        when=Moment(deadline.at),
        left=time_left(deadline.at - now),
    )
    return " ".join(part for part in (say(said), gettext(consequence) if consequence else "") if part)


def _in_language_of(user_id: int, dispute: Dispute, deadline: PersonDeadline, now: datetime) -> str:
    """The reminder in its recipient's language: it is kept as written, and emailed as it is."""
    locale = db.session.scalar(select(User.locale).where(User.id == user_id))
    with force_locale(locale or DEFAULT_LANGUAGE):
        return reminder_text(dispute, deadline, now)


def _send_or_drop(reminder: DeadlineReminder, dispute: Dispute, now: datetime) -> bool:
    """Send the reminder if its deadline still stands and it is not too late; else drop it."""
    standing = None
    if now < reminder.expires_at:
        for deadline in person_deadlines(dispute_facts(dispute)):
            if _key(dispute, deadline) == (reminder.kind, reminder.due_at, reminder.user_id):
                standing = deadline
    if standing is None:
        reminder.dropped_at = now
        return False
    notification = Notification(
        user_id=reminder.user_id,
        dispute_id=dispute.id,
        note=_in_language_of(reminder.user_id, dispute, standing, now),
        created_at=now,
    )
    db.session.add(notification)
    db.session.flush()
    reminder.sent_at = now
    reminder.notification_id = notification.id
    return True


@every_minute(order=15, done="reminder(s) sent")
def send_due_reminders(limit: int = BATCH) -> int:
    """Send every reminder whose time has come, each once even with several clocks; return how many.

    A reminder row and then its dispute are locked (SKIP LOCKED: a dispute a request holds waits for
    the next minute), so the deadline is checked against the dispute as it is when the reminder goes.
    """
    sent = tried = 0
    skipped: set[int] = set()
    while tried < limit:
        now = clock_now(db.session)
        reminder = db.session.scalar(
            select(DeadlineReminder)
            .where(
                DeadlineReminder.sent_at.is_(None),
                DeadlineReminder.dropped_at.is_(None),
                DeadlineReminder.send_at <= now,
                DeadlineReminder.id.not_in(skipped),
            )
            .order_by(DeadlineReminder.send_at, DeadlineReminder.id)
            .limit(1)
            .with_for_update(skip_locked=True, of=DeadlineReminder)
            .execution_options(populate_existing=True)
        )
        if reminder is None:
            db.session.commit()
            return sent
        tried += 1
        dispute = db.session.scalar(
            select(Dispute)
            .where(Dispute.id == reminder.dispute_id)
            .with_for_update(skip_locked=True, of=Dispute)
            .execution_options(populate_existing=True)
        )
        if dispute is None:  # a request is changing it right now: the next minute decides
            skipped.add(reminder.id)
            db.session.rollback()
            continue
        sent += _send_or_drop(reminder, dispute, now)
        db.session.commit()
    return sent


@notifications_cli.command("plan-reminders")
def plan_reminders_command() -> None:
    """Plan the deadline reminders of every dispute (after upgrading; planning twice is harmless)."""
    now = clock_now(db.session)
    offered = 0
    ids = db.session.scalars(select(Dispute.id).order_by(Dispute.id)).all()
    for dispute_id in ids:
        dispute = db.session.scalar(
            select(Dispute).where(Dispute.id == dispute_id).with_for_update(of=Dispute)
        )
        if dispute is not None:
            offered += plan(dispute, dispute_facts(dispute), now)
        db.session.commit()
    click.echo(f"{offered} reminder(s) planned or already planned for {len(ids)} dispute(s).")
