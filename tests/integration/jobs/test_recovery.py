"""Every process that runs jobs recovers what crashed ones left, at its start and then periodically.

No clock process and no `disputes tick` here: the inline pool, the server entry point and the
Celery worker (test_worker_killed.py) start the recovery themselves.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from evidence_media import fresh, jpeg_bytes, now
from flask import Flask, g

from dispute_engine import Actor
from media import video
from webapp import serve
from webapp.core import storage as core_storage
from webapp.core.extensions import db
from webapp.core.storage import storage
from webapp.evidence import originals_in_flight
from webapp.evidence.models import EvidenceKind, ProcessingStatus
from webapp.evidence.processing import process_evidence
from webapp.evidence.services import Upload, check_uploads, store_uploads
from webapp.jobs import queue, recovery
from webapp.jobs.workspace import JOBS_FOLDER, job_folder

PHOTO, VIDEO = EvidenceKind.PHOTO, EvidenceKind.VIDEO
PROCESSING, READY = ProcessingStatus.PROCESSING, ProcessingStatus.READY
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"JOB_STALE_AFTER_SECONDS": 1}  # a recovery every half second


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.05)


def folders(app: Flask, kind: str) -> list[str]:
    root = Path(app.config["TMP_DIR"]) / kind
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def held_by_a_killed_process(root: Path, name: str) -> None:
    """A scratch folder whose owner was SIGKILLed while holding it, with a file in it."""
    script = (
        "import os, signal, sys\n"
        "from media.scratch import Scratch\n"
        "held = Scratch(sys.argv[1]).hold(sys.argv[2])\n"
        "(held.path / 'video.mp4').write_bytes(b'x' * 4096)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(root), name], cwd=ROOT, timeout=60)
    assert done.returncode == -signal.SIGKILL


def test_the_inline_pool_recovers_an_item_whose_worker_died_as_soon_as_it_starts(app, add_item):
    dead = add_item(
        PHOTO, jpeg_bytes(), status=PROCESSING, attempts=1, heartbeat_at=now() - timedelta(minutes=3)
    )
    app.config["JOBS"] = "inline"
    try:
        queue.pool(app)
        wait_for(lambda: fresh(dead.id).status is READY, 20, "the pool's recovery to redo the item")
    finally:
        queue.shutdown(app)
    assert fresh(dead.id).attempts == 2


def test_the_inline_pool_recovers_again_periodically(app, add_item, monkeypatch):
    rounds: list[int] = []
    monkeypatch.setitem(recovery._recoveries, "test.rounds", ("round(s)", lambda: rounds.append(1) or 0))
    app.config["JOBS"] = "inline"
    try:
        queue.pool(app)
        wait_for(lambda: bool(rounds), 20, "the recovery at start")  # this item dies after it:
        dying = add_item(PHOTO, jpeg_bytes(), status=PROCESSING, attempts=1, heartbeat_at=now())
        wait_for(lambda: fresh(dying.id).status is READY, 20, "a periodic recovery to redo the item")
    finally:
        queue.shutdown(app)


def test_the_server_entry_point_recovers_unless_jobs_are_eager(app: Flask):
    def recovery_threads() -> list[threading.Thread]:
        return [thread for thread in threading.enumerate() if thread.name == "job-recovery"]

    eager = serve.create_app(dict(app.config))
    server = serve.create_app({**app.config, "JOBS": "inline"})
    try:
        assert len(recovery_threads()) == 1
    finally:
        recovery.stop(server)
        for built in (eager, server):
            with built.app_context():
                db.engine.dispose()
    assert recovery_threads() == []


def test_processes_of_one_host_take_turns_and_a_periodic_round_waits_for_its_period(app: Flask, monkeypatch):
    app.config["JOB_STALE_AFTER_SECONDS"] = 120  # a round a minute
    rounds: list[int] = []
    release = threading.Event()

    def held_round() -> int:
        rounds.append(1)
        release.wait(10)  # until the others have found the turn taken
        return 0

    monkeypatch.setattr(recovery, "_recoveries", {"test.held": ("held round(s)", held_round)})
    results: list[bool] = []
    racers = [
        threading.Thread(target=lambda: results.append(recovery.recover(app, at_start=True)))
        for _ in range(3)
    ]
    for racer in racers:
        racer.start()
    wait_for(lambda: results.count(False) == 2, 10, "two of three to find the turn taken")
    release.set()
    for racer in racers:
        racer.join()

    assert sorted(results) == [False, False, True] and len(rounds) == 1
    assert recovery.recover(app) is False  # another process of the host did it within the minute
    assert recovery.recover(app, at_start=True) is True  # a process that starts always looks
    turn = Path(app.config["TMP_DIR"]) / "recovery.lock"
    a_minute_ago = time.time() - recovery.period(app)
    os.utime(turn, (a_minute_ago, a_minute_ago))
    assert recovery.recover(app) is True and len(rounds) == 3


def test_the_folder_of_a_job_whose_process_was_killed_is_removed_and_a_running_ones_kept(app: Flask):
    jobs_root = Path(app.config["TMP_DIR"]) / JOBS_FOLDER
    held_by_a_killed_process(jobs_root, "evidence-item-1-attempt-1")
    with app.app_context(), job_folder("evidence-item-2-attempt-1") as running:
        assert recovery.recover(app, at_start=True)

        assert folders(app, JOBS_FOLDER) == ["evidence-item-2-attempt-1", "evidence-item-2-attempt-1.lock"]
        assert running.is_dir()
    assert folders(app, JOBS_FOLDER) == []


def test_a_video_is_converted_in_a_folder_of_its_own_attempt_removed_afterwards(
    app, add_item, clip, monkeypatch
):
    item = add_item(VIDEO, clip)
    seen: list[list[str]] = []
    real_transcode = video.transcode

    def transcode(path: Path, out: Path, **options: object) -> None:
        seen.append(folders(app, JOBS_FOLDER))
        assert path.parent == out.parent and path.is_file()
        real_transcode(path, out, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(video, "transcode", transcode)

    assert process_evidence(item.id) is READY
    assert seen == [[f"evidence-item-{item.id}-attempt-1", f"evidence-item-{item.id}-attempt-1.lock"]]
    assert folders(app, JOBS_FOLDER) == []


def upload_one(world, dispute, name: str, width: int) -> str:
    """Store one photo in the current app context and return its original's key (nothing committed)."""
    data = io.BytesIO(jpeg_bytes((width, 48)))
    [item] = store_uploads(dispute, world.buyer, Actor.BUYER, check_uploads([Upload(data, name)]), now=now())
    return item.storage_key


def test_an_original_whose_row_rolls_back_is_discarded_when_its_context_ends(app: Flask, world, dispute):
    held_by_the_test = folders(app, originals_in_flight.UPLOADS_FOLDER)  # the opening photo's context
    with app.app_context():
        dropped = upload_one(world, dispute, "dropped.jpg", 65)
        assert storage().exists(dropped)
        db.session.rollback()
    with app.app_context():
        kept = upload_one(world, dispute, "kept.jpg", 66)
        db.session.commit()

    assert not storage().exists(dropped) and storage().exists(kept)
    assert folders(app, originals_in_flight.UPLOADS_FOLDER) == held_by_the_test


def test_the_originals_of_an_upload_killed_before_its_commit_are_discarded_by_the_next_recovery(
    app: Flask, world, dispute
):
    held_by_the_test = folders(app, originals_in_flight.UPLOADS_FOLDER)  # the opening photo's context
    with app.app_context():
        committed = upload_one(world, dispute, "committed.jpg", 67)
        db.session.commit()
        orphan = upload_one(world, dispute, "orphan.jpg", 68)
        # As if the process died here: its note is left, and its lock with it; a killed process
        # runs no rollback hook either (the transaction's own discard never happens).
        held = g.pop(originals_in_flight._G_KEY)
        held.let_go()
        db.session().info.pop(core_storage._UNCOMMITTED, None)
        db.session.rollback()
    assert storage().exists(orphan)
    assert len(folders(app, originals_in_flight.UPLOADS_FOLDER)) == len(held_by_the_test) + 2

    assert recovery.recover(app, at_start=True)

    assert not storage().exists(orphan) and storage().exists(committed)
    assert folders(app, originals_in_flight.UPLOADS_FOLDER) == held_by_the_test
