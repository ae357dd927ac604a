"""Deadlines that act on their own: `flask disputes tick`, and the embedded default's clock thread."""

from __future__ import annotations

import logging
import threading
import time

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.core.clock import clock_now
from webapp.core.extensions import db
from webapp.disputes.models import Dispute
from webapp.disputes.pipeline import settle_due_deadlines
from webapp.jobs.sweep import sweep as sweep_evidence
from webapp.notifications.delivery import deliver_pending

log = logging.getLogger(__name__)
BATCH = 50


def tick(batch: int = BATCH) -> int:
    """Apply every deadline due now, each exactly once even with several tickers; return how many acted.

    Each batch locks its disputes with SKIP LOCKED, so concurrent tickers (and web requests acting
    on a dispute) never take the same row; each dispute's deadlines are re-read under the lock.
    """
    acted = 0
    while True:
        now = clock_now(db.session)
        disputes = list(
            db.session.scalars(
                select(Dispute)
                .where(Dispute.next_deadline_at <= now)
                .order_by(Dispute.next_deadline_at)
                .limit(batch)
                .with_for_update(skip_locked=True, of=Dispute)
                .execution_options(populate_existing=True)
            )
        )
        if not disputes:
            db.session.commit()
            return acted
        for dispute in disputes:
            acted += settle_due_deadlines(dispute, now)
        db.session.commit()


def run_clock_thread(
    app: Flask, every: float = 60.0, stop: threading.Event | None = None
) -> threading.Thread:
    """Run `tick` every `every` seconds in a daemon thread (the embedded default), until `stop` is set."""
    stopped = stop or threading.Event()

    def loop() -> None:
        while not stopped.is_set():
            try:
                with app.app_context():
                    tick()
                    deliver_pending()
            except Exception:  # the clock must survive a bad minute; the next tick retries
                log.exception("tick failed")
            try:
                with app.app_context():
                    sweep_evidence(clock_now(db.session))
            except Exception:
                log.exception("evidence sweep failed")
            stopped.wait(every)

    thread = threading.Thread(target=loop, name="dispute-clock", daemon=True)
    thread.start()
    return thread


disputes_cli = AppGroup("disputes", help="Dispute deadlines.")


@disputes_cli.command("tick")
@click.option("--every", type=float, default=None, help="Keep ticking every N seconds.")
def tick_command(every: float | None) -> None:
    """Apply every due deadline once (or keep doing so with --every)."""
    while True:
        acted = tick()
        sent = deliver_pending()  # after tick's commit: emails for what the clock just did
        queued = sweep_evidence(clock_now(db.session))
        click.echo(f"{acted} deadline(s) acted, {sent} email(s) sent, {queued} evidence item(s) queued.")
        if every is None:
            return
        time.sleep(every)
