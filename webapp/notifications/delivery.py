"""Emailing notifications (H2) after the commit, each exactly once even when several processes send.

`deliver_pending()` is the one way out: after a request, for the notifications it wrote (once its
response is sent, so never inside its transaction); from `flask notifications deliver` and the tick
for everything else (notifications written by deadlines, and retries).
Without MAIL_SERVER nothing is sent: the mail stays readable at /outbox and emailed_at stays NULL.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Collection
from datetime import timedelta

import click
from flask import Flask, current_app, g, has_request_context
from flask.cli import AppGroup
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError
from werkzeug.wrappers import Response

from webapp.accounts.models import User
from webapp.core import clock
from webapp.core.duties import every_minute
from webapp.core.extensions import db
from webapp.disputes.models import Dispute
from webapp.history.models import Notification
from webapp.notifications.mailer import Email, MailSettings, SmtpMailer
from webapp.notifications.services import Item, email_for
from webapp.orders.models import Order

log = logging.getLogger(__name__)
BATCH = 100
_INSERTED = "_notifications_inserted"
# The server refused this one message: skip it for now, keep sending the others.
_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


def _claim(cutoff_days: float, skipped: set[int], only: Collection[int] | None) -> int | None:
    """Lock and mark as emailed the oldest unsent notification; None when there is none left.

    PostgreSQL skips rows another sender holds (SKIP LOCKED). SQLite has no row locks: the
    conditional UPDATE takes its write lock, so a second sender waits and then finds the row taken.
    """
    while True:
        now = clock.now()
        query = select(Notification.id).where(
            Notification.emailed_at.is_(None),
            Notification.created_at >= now - timedelta(days=cutoff_days),
            Notification.id.not_in(skipped),
        )
        if only is not None:
            query = query.where(Notification.id.in_(only))
        candidate = db.session.scalar(
            query.order_by(Notification.id).limit(1).with_for_update(skip_locked=True)
        )
        if candidate is None:
            db.session.rollback()
            return None
        taken = db.session.execute(
            update(Notification)
            .where(Notification.id == candidate, Notification.emailed_at.is_(None))
            .values(emailed_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(taken, "rowcount", 0) == 1:
            return candidate
        db.session.rollback()  # another sender got there first


def _email(notification_id: int, public_url: str) -> Email:
    notification, user, title = db.session.execute(
        select(Notification, User, Order.item_title)
        .join(User, User.id == Notification.user_id)
        .outerjoin(Dispute, Dispute.id == Notification.dispute_id)
        .join(Order, Order.id == func.coalesce(Notification.order_id, Dispute.order_id))
        .where(Notification.id == notification_id)
    ).one()
    return email_for(user, Item(notification, title), public_url)


@every_minute(order=20, done="email(s) sent")
def deliver_pending(limit: int = BATCH, only: Collection[int] | None = None) -> int:
    """Email up to `limit` notifications not emailed yet (of `only` if given); return how many were sent.

    Call it with no transaction of your own open: it commits after each email. A refused connection
    or a server error leaves emailed_at NULL for the next run; nothing older than MAIL_MAX_AGE_DAYS
    is sent.
    """
    settings = MailSettings.from_config(current_app.config)
    if settings is None:
        return 0
    max_age = float(current_app.config.get("MAIL_MAX_AGE_DAYS") or 7)
    public_url = current_app.config.get("PUBLIC_URL") or ""
    sent = 0
    skipped: set[int] = set()
    with SmtpMailer(settings) as mailer:
        while sent + len(skipped) < limit:
            try:
                claimed = _claim(max_age, skipped, only)
            except OperationalError as error:  # SQLite busy past its timeout: the next run retries
                db.session.rollback()
                log.warning("Could not claim notifications to email: %s", error)
                break
            if claimed is None:
                break
            try:
                mailer.send(_email(claimed, public_url))
            except _MESSAGE_ERRORS as error:
                db.session.rollback()
                skipped.add(claimed)
                log.warning("Notification %s was not emailed (will retry): %s", claimed, error)
                continue
            except (OSError, smtplib.SMTPException) as error:
                db.session.rollback()
                log.warning("Emailing notifications failed (will retry): %s", error)
                break
            db.session.commit()
            sent += 1
    return sent


@event.listens_for(Notification, "after_insert")
def _remember_insert(mapper: object, connection: object, target: Notification) -> None:
    if has_request_context():
        g.setdefault(_INSERTED, []).append(target.id)


def _deliver_after_close(app: Flask, ids: list[int]) -> None:
    try:
        with app.app_context():
            deliver_pending(len(ids), only=ids)
    except Exception:  # best effort: the response is already sent, the tick retries
        log.exception("Emailing notifications after a request failed")


def deliver_after_response(response: Response) -> Response:
    """After a request that wrote notifications, email those once the response is sent (so committed)."""
    ids: list[int] = g.pop(_INSERTED, [])
    if ids and response.status_code < 400 and current_app.config.get("MAIL_SERVER"):
        # current_app is typed as the Flask app itself, not as the proxy that it is.
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(lambda: _deliver_after_close(app, ids))
    return response


notifications_cli = AppGroup("notifications", help="Notifications by email (H2).")


@notifications_cli.command("deliver")
@click.option("--limit", type=int, default=BATCH, show_default=True, help="Send at most this many.")
def deliver_command(limit: int) -> None:
    """Email the notifications not emailed yet, each once even with several processes sending."""
    if not current_app.config.get("MAIL_SERVER"):
        click.echo("MAIL_SERVER is not set: nothing is emailed; each user reads their mail at /outbox.")
        return
    click.echo(f"{deliver_pending(limit)} email(s) sent.")
