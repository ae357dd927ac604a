"""Notifications in the app (H2): the bell's count, the list, marking read, and the demo outbox.

Every function is scoped to one user: nobody reads or marks another person's notifications.
Services flush; the request commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import force_locale, gettext
from sqlalchemy import Select, func, select, update

from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.core.i18n import DEFAULT_LANGUAGE
from webapp.core.words import say_stored
from webapp.disputes.models import Dispute
from webapp.history.models import Notification
from webapp.notifications.mailer import Email, compose, evidence_lines
from webapp.orders.models import Order

PAGE_SIZE = 30
LAST_PAGE = 100_000  # a larger page number is read as this one (its offset still fits every database)


class NotificationNotFound(LookupError):
    """No such notification, or it belongs to someone else."""


@dataclass(frozen=True)
class Bell:
    """What the bell shows: how many are unread, and the newest notification's id (0 when none)."""

    unread: int
    newest_id: int


@dataclass(frozen=True)
class Item:
    """One notification as the list shows it."""

    notification: Notification
    item_title: str

    @property
    def unread(self) -> bool:
        """True until the user marks it as read."""
        return self.notification.read_at is None


@dataclass(frozen=True)
class Page:
    """One page of a user's notifications, newest first."""

    items: list[Item]
    number: int
    has_older: bool


def bell(user_id: int) -> Bell:
    """The user's unread count and newest notification id, in one query."""
    unread, newest = db.session.execute(
        select(
            func.count(Notification.id).filter(Notification.read_at.is_(None)),
            func.coalesce(func.max(Notification.id), 0),
        ).where(Notification.user_id == user_id)
    ).one()
    return Bell(unread=int(unread), newest_id=int(newest))


def _with_titles(user_id: int) -> Select[Notification, str]:
    """The user's notifications with their order's item title, newest first."""
    return (
        select(Notification, Order.item_title)
        .outerjoin(Dispute, Dispute.id == Notification.dispute_id)
        .join(Order, Order.id == func.coalesce(Notification.order_id, Dispute.order_id))
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def _page_rows(user_id: int, number: int) -> tuple[list[Any], bool]:
    number = max(number, 1)
    rows = db.session.execute(
        _with_titles(user_id).offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ).all()
    return list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def page(user_id: int, number: int = 1) -> Page:
    """Page `number` (from 1) of the user's notifications, newest first."""
    rows, has_older = _page_rows(user_id, number)
    return Page([Item(n, title) for n, title in rows], max(number, 1), has_older)


def item(user_id: int, notification_id: int) -> Item:
    """One of the user's notifications; NotificationNotFound for anyone else's."""
    row = db.session.execute(_with_titles(user_id).where(Notification.id == notification_id)).first()
    if row is None:
        raise NotificationNotFound(notification_id)
    return Item(row[0], row[1])


def mark_read(user_id: int, notification_id: int, now: datetime) -> Item:
    """Mark one of the user's notifications as read (again is harmless) and return it."""
    found = item(user_id, notification_id)
    if found.notification.read_at is None:
        found.notification.read_at = now
        db.session.flush()
    return found


def has_unread(user_id: int, dispute_id: int) -> bool:
    """Whether the user has unread notifications about this dispute (a read: no write lock taken)."""
    found = db.session.scalar(
        select(Notification.id)
        .where(
            Notification.user_id == user_id,
            Notification.dispute_id == dispute_id,
            Notification.read_at.is_(None),
        )
        .limit(1)
    )
    return found is not None


def mark_all_read(
    user_id: int, now: datetime, up_to_id: int | None = None, *, dispute_id: int | None = None
) -> int:
    """Mark the user's unread notifications as read (only up to `up_to_id`, only about `dispute_id`,
    if given); return how many."""
    # `up_to_id` is the newest one the page showed: one arriving meanwhile stays unread.
    statement = (
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if up_to_id is not None:
        statement = statement.where(Notification.id <= up_to_id)
    if dispute_id is not None:
        statement = statement.where(Notification.dispute_id == dispute_id)
    result = db.session.execute(statement)
    db.session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def email_for(user: User, found: Item, public_url: str) -> Email:
    """The email that tells `user` about one notification, in the recipient's language (not the reader's)."""
    notification = found.notification
    with force_locale(user.locale or DEFAULT_LANGUAGE):
        return compose(
            name=user.name,
            address=user.email,
            dispute_id=notification.dispute_id,
            order_id=notification.order_id,
            item_title=found.item_title,
            summary=say_stored(notification.summary),
            at=notification.created_at,
            public_url=public_url,
            details=evidence_lines(notification.event_data, gettext),
            say=gettext,
        )


def outbox(user: User, public_url: str, number: int = 1) -> tuple[list[Email], bool]:
    """Page `number` of the emails addressed to `user`, newest first, and whether older ones exist."""
    rows, has_older = _page_rows(user.id, number)
    return [email_for(user, Item(n, title), public_url) for n, title in rows], has_older
