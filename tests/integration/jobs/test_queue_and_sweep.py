"""Dispatch after commit (never before, never after a rollback), the in-process pool, and the sweep."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from evidence_media import fresh, jpeg_bytes, now
from sqlalchemy import select

from dispute_engine import Actor
from webapp.core.extensions import db
from webapp.evidence import processing
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus
from webapp.evidence.services import PROCESS_JOB, Upload, check_uploads, store_uploads
from webapp.evidence.sweep import LOST_AFTER_SECONDS, sweep
from webapp.jobs import queue

PHOTO = EvidenceKind.PHOTO
UPLOADED, PROCESSING = ProcessingStatus.UPLOADED, ProcessingStatus.PROCESSING
READY = ProcessingStatus.READY


def upload(world, dispute) -> EvidenceItem:
    [item] = store_uploads(
        dispute,
        world.seller,
        Actor.SELLER,
        check_uploads([Upload(io.BytesIO(jpeg_bytes()), "a.jpg")]),
        now=now(),
    )
    return item


@pytest.fixture
def jobs_seen(app, monkeypatch) -> list[tuple[int, str | None]]:
    """Record each job run (item id, the status a separate connection sees then) before running it."""
    real, seen = processing.process_evidence, []

    def spy(item_id: int) -> ProcessingStatus:
        with db.engine.connect() as connection:
            seen.append(
                (item_id, connection.scalar(select(EvidenceItem.status).where(EvidenceItem.id == item_id)))
            )
        return real(item_id)

    monkeypatch.setitem(queue.JOBS, PROCESS_JOB, spy)
    return seen


def test_nothing_runs_when_the_transaction_rolls_back(world, dispute, jobs_seen):
    upload(world, dispute)
    db.session.rollback()
    db.session.commit()  # a later commit does not resurrect the dropped job

    assert jobs_seen == []
    assert db.session.scalars(select(EvidenceItem).where(EvidenceItem.party == Actor.SELLER)).all() == []


def test_the_job_runs_after_the_commit_and_sees_the_committed_row(world, dispute, jobs_seen):
    item = upload(world, dispute)
    db.session.flush()
    assert jobs_seen == []

    db.session.commit()

    assert jobs_seen == [(item.id, UPLOADED)]
    assert fresh(item.id).status is READY


def test_releasing_a_savepoint_does_not_start_the_job_early(world, dispute, jobs_seen):
    with db.session.begin_nested():
        item = upload(world, dispute)
    assert jobs_seen == []

    db.session.commit()

    assert jobs_seen == [(item.id, UPLOADED)]


def test_the_in_process_pool_runs_jobs_in_the_background(app, world, dispute):
    app.config["JOBS"] = "inline"
    try:
        item = upload(world, dispute)
        db.session.commit()
        deadline = time.monotonic() + 20
        while fresh(item.id).status is not READY and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        queue.shutdown(app)
    assert fresh(item.id).status is READY


def test_the_sweep_requeues_an_item_whose_worker_died_and_leaves_a_live_one_alone(add_item):
    dead = add_item(
        PHOTO, jpeg_bytes(), status=PROCESSING, attempts=1, heartbeat_at=now() - timedelta(minutes=3)
    )
    alive = add_item(
        PHOTO, jpeg_bytes(), status=PROCESSING, attempts=1, heartbeat_at=now() - timedelta(seconds=30)
    )

    assert sweep(now()) == 1

    dead, alive = fresh(dead.id), fresh(alive.id)
    assert (dead.status, dead.attempts) == (READY, 2)
    assert (alive.status, alive.attempts) == (PROCESSING, 1)


def test_the_sweep_picks_up_an_upload_whose_job_was_lost_but_not_one_just_queued(add_item):
    lost = add_item(PHOTO, jpeg_bytes(), created_at=now() - timedelta(seconds=LOST_AFTER_SECONDS + 1))
    just_queued = add_item(PHOTO, jpeg_bytes(), created_at=now())
    backing_off = add_item(PHOTO, jpeg_bytes(), attempts=1, next_attempt_at=now() + timedelta(seconds=30))

    assert sweep(now()) == 1

    assert fresh(lost.id).status is READY
    assert fresh(just_queued.id).status is UPLOADED and fresh(backing_off.id).status is UPLOADED


def test_flask_evidence_sweep_queues_what_is_due(runner, add_item):
    item = add_item(
        PHOTO, jpeg_bytes(), status=PROCESSING, attempts=1, heartbeat_at=now() - timedelta(hours=1)
    )

    result = runner.invoke(args=["evidence", "sweep"])

    assert result.output == "1 evidence item(s) queued.\n"
    assert fresh(item.id).status is READY


def test_the_clock_tick_also_sweeps(runner, add_item):
    item = add_item(
        PHOTO, jpeg_bytes(), status=PROCESSING, attempts=1, heartbeat_at=now() - timedelta(hours=1)
    )

    result = runner.invoke(args=["disputes", "tick"])

    assert "1 evidence item(s) queued" in result.output
    assert fresh(item.id).status is READY


def test_the_app_says_at_start_up_how_to_install_ffmpeg_when_it_is_missing(app, monkeypatch, caplog):
    from webapp.evidence.media_tools import warn_if_tools_missing

    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("FFMPEG_BINARY", raising=False)
    monkeypatch.delenv("FFPROBE_BINARY", raising=False)
    with caplog.at_level("WARNING"):
        problems = warn_if_tools_missing(app)
    assert len(problems) == 2 and "apt-get install ffmpeg" in caplog.text
    monkeypatch.undo()
    assert warn_if_tools_missing(app) == []
