"""Queue again what nobody is working on: jobs lost before they started, retries that came due,
and items whose worker stopped sending heartbeats (it died mid-job).

Queuing an item twice is harmless: `process_evidence` claims it atomically, so the extra job finds
it taken or done and does nothing. The sweep runs on every clock tick (the embedded default's clock
thread and the production `clock:` process), from `flask evidence sweep [--every N]`, and in
every process that runs jobs, at its start and then periodically (webapp.jobs.recovery).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import and_, or_, select

from webapp.core.clock import clock_now
from webapp.core.duties import every_minute
from webapp.core.extensions import db
from webapp.evidence.models import EvidenceItem, ProcessingStatus
from webapp.evidence.processing import PROCESSED_KINDS, abandoned
from webapp.evidence.services import PROCESS_JOB
from webapp.jobs.queue import enqueue
from webapp.jobs.recovery import on_worker_start

# A job queued at upload normally starts within this time; an item still waiting longer was lost
# (the process died between the commit and the dispatch, or the in-process pool was restarted).
LOST_AFTER_SECONDS = 10.0
BATCH = 500


def sweep(now: datetime) -> int:
    """Queue every evidence item that is due but not being processed; return how many were queued."""
    lost_before = now - timedelta(seconds=LOST_AFTER_SECONDS)
    waiting = and_(
        EvidenceItem.status == ProcessingStatus.UPLOADED,
        or_(
            EvidenceItem.next_attempt_at <= now,
            and_(EvidenceItem.next_attempt_at.is_(None), EvidenceItem.created_at <= lost_before),
        ),
    )
    item_ids = list(
        db.session.scalars(
            select(EvidenceItem.id)
            .where(EvidenceItem.kind.in_(PROCESSED_KINDS), or_(waiting, abandoned(now)))
            .order_by(EvidenceItem.id)
            .limit(BATCH)
        )
    )
    db.session.commit()  # end the read before dispatching: eager jobs run right here
    for item_id in item_ids:
        enqueue(PROCESS_JOB, item_id)
    return len(item_ids)


@every_minute(order=30, done="evidence item(s) queued")
@on_worker_start(done="evidence item(s) queued")
def sweep_now() -> int:
    """The sweep as the clock runs it, at the app's time."""
    return sweep(clock_now(db.session))


evidence_cli = AppGroup("evidence", help="Evidence processing.")


@evidence_cli.command("sweep")
@click.option("--every", type=float, default=None, help="Keep sweeping every N seconds.")
def sweep_command(every: float | None) -> None:
    """Queue every evidence item that is due but not being processed (or keep doing so with --every)."""
    while True:
        queued = sweep(clock_now(db.session))
        click.echo(f"{queued} evidence item(s) queued.")
        if every is None:
            return
        time.sleep(every)
