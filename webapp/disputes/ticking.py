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
from webapp.core.duties import every_minute, run_duties
from webapp.core.extensions import db
from webapp.disputes.models import Dispute
from webapp.disputes.pipeline import settle_due_deadlines

log = logging.getLogger(__name__)
BATCH = 50


@every_minute(order=10, done="deadline(s) acted")
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
    """Run the clock's duties every `every` seconds in a daemon thread (the embedded default) until `stop`."""
    stopped = stop or threading.Event()

    def loop() -> None:
        while not stopped.is_set():
            try:
                with app.app_context():
                    run_duties()
            except Exception:  # e.g. the database is down: the next minute retries
                log.exception("the clock's round failed")
            stopped.wait(every)

    thread = threading.Thread(target=loop, name="dispute-clock", daemon=True)
    thread.start()
    return thread


disputes_cli = AppGroup("disputes", help="Dispute deadlines.")


@disputes_cli.command("tick")
@click.option("--every", type=float, default=None, help="Keep ticking every N seconds.")
def tick_command(every: float | None) -> None:
    """Apply every due deadline once, then the other duties of the clock (or keep doing so with --every)."""
    while True:
        # In order: deadlines first, then the emails for what they did, then the evidence sweep.
        click.echo(", ".join(run_duties()) + ".")
        if every is None:
            return
        time.sleep(every)
