"""Crash test: a Celery worker killed mid-transcode loses nothing and leaves nothing, with no clock running.

A real worker (a subprocess on Redis, on its own queue) starts converting a 24 s clip; once the
item shows progress, the worker process alone gets SIGKILL, as the OOM killer would send it. Its
ffmpeg dies with it (PR_SET_PDEATHSIG). A fresh worker is started; nothing else runs, neither
the clock nor a sweep from the test: the new worker's own recovery removes the dead attempt's
folder at start, and queues the item again once its heartbeat is stale.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from evidence_media import make_clip, now, stored_path
from flask import Flask
from sqlalchemy import select

from dispute_engine import Actor
from media import video
from webapp.core.config import DEFAULT_BROKER_URL
from webapp.core.extensions import db
from webapp.evidence.models import EvidenceItem, ProcessingStatus
from webapp.evidence.services import Upload, check_uploads, store_uploads
from webapp.jobs.celery_app import celery_for

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[3]
BROKER_URL = os.environ.get("BROKER_URL") or DEFAULT_BROKER_URL
QUEUE = f"evidence-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
STALE_AFTER = 3


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {
        "JOBS": "celery",
        "BROKER_URL": BROKER_URL,
        "JOB_QUEUE": QUEUE,
        "JOB_STALE_AFTER_SECONDS": STALE_AFTER,
    }


@pytest.fixture
def start_worker(app: Flask, tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start Celery workers on this test's database, media folder and queue; kill them all at the end."""
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MEDIA_ROOT": app.config["MEDIA_ROOT"],
        "BROKER_URL": BROKER_URL,
        "JOBS": "celery",
        "JOB_QUEUE": QUEUE,  # where the workers' own recovery queues items again
        "JOB_STALE_AFTER_SECONDS": str(STALE_AFTER),
        "TMP_DIR": app.config["TMP_DIR"],
        "RUN_CLOCK_THREAD": "",
    }
    workers: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"worker-{len(workers) + 1}.log", "wb")  # noqa: SIM115 (closed at teardown)
        command = [
            sys.executable, "-m", "celery", "-A", "webapp.worker", "worker", "--loglevel=info",
            "--pool=threads", "--concurrency=1", "--without-gossip", "--without-mingle",
            "--without-heartbeat",
            "-Q", QUEUE, "-n", f"{QUEUE}-{len(workers) + 1}@%h",
        ]  # fmt: skip
        # Its own session: SIGKILL to the process group takes ffmpeg down with the worker.
        worker = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        kill_group(worker)
    celery_for(app).close()
    forget_queue(QUEUE)


def kill_group(worker: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def forget_queue(queue: str) -> None:
    """Remove this test's queue and its unacknowledged messages (the killed worker's) from Redis."""
    client = redis.Redis.from_url(BROKER_URL)
    try:
        bindings = [f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
        client.delete(*client.scan_iter(match=f"{queue}*"), *bindings)
        for tag, payload in client.hscan_iter("unacked"):
            if queue in json.loads(payload)[2:]:  # [message, exchange, routing key]
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    finally:
        client.close()


def state(item_id: int) -> tuple[ProcessingStatus, int, int]:
    """(status, progress, attempts) read on a connection of its own, never from a cache."""
    with db.engine.connect() as connection:
        row = connection.execute(
            select(EvidenceItem.status, EvidenceItem.progress, EvidenceItem.attempts).where(
                EvidenceItem.id == item_id
            )
        ).one()
    return ProcessingStatus(row.status), row.progress, row.attempts


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.05)


def ffmpeg_of(item_id: int) -> list[int]:
    """Pids of running ffmpeg processes working on the item's files (zombies have no command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (FileNotFoundError, ProcessLookupError, PermissionError, NotADirectoryError):
            continue
        if argv[0].endswith(b"ffmpeg") and any(
            f"evidence-item-{item_id}-attempt-".encode() in a for a in argv
        ):
            found.append(int(entry.name))
    return found


def job_folders(app: Flask) -> list[str]:
    root = Path(app.config["TMP_DIR"]) / "jobs"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; ffmpeg dies with its parent on Linux")
def test_a_worker_killed_mid_transcode_is_recovered_by_the_next_worker_alone_and_leaves_nothing(
    app, world, dispute, start_worker, tmp_path: Path
):
    started = time.monotonic()
    clip = make_clip(tmp_path / "long.mp4", seconds=24, size="960x540")
    first = start_worker()
    with clip.open("rb") as stream:
        [item] = store_uploads(
            dispute, world.buyer, Actor.BUYER, check_uploads([Upload(stream, "long.mp4")]), now=now()
        )
        db.session.commit()  # queued on Redis once committed

    def transcoding() -> bool:
        status, progress, _ = state(item.id)
        return status is ProcessingStatus.PROCESSING and progress > 0 and bool(ffmpeg_of(item.id))

    wait_for(transcoding, 30, "the first worker to report progress")
    assert job_folders(app) == [
        f"evidence-item-{item.id}-attempt-1",
        f"evidence-item-{item.id}-attempt-1.lock",
    ]

    os.kill(first.pid, signal.SIGKILL)  # the worker process only: not its process group
    first.wait(timeout=10)
    wait_for(lambda: not ffmpeg_of(item.id), 5, "ffmpeg to die with its worker")
    status, progress, attempts = state(item.id)
    assert (status, attempts) == (ProcessingStatus.PROCESSING, 1) and 0 < progress < 95

    start_worker()

    def done() -> bool:
        return state(item.id)[0] in (ProcessingStatus.READY, ProcessingStatus.FAILED)

    wait_for(done, STALE_AFTER + 60, "the second worker to take the item over and finish it")
    status, progress, attempts = state(item.id)
    assert (status, progress) == (ProcessingStatus.READY, 100) and attempts >= 2
    assert ffmpeg_of(item.id) == [] and job_folders(app) == []
    db.session.expire_all()
    item = db.session.get_one(EvidenceItem, item.id)
    info = video.probe(stored_path(item, "video"))
    assert info.video_codec == "h264" and abs(info.duration_s - 24) < 1 and info.height == 540
    assert stored_path(item, "poster").is_file() and stored_path(item, "thumb").is_file()
    print(
        f"worker killed and replaced; READY after {attempts} attempts in {time.monotonic() - started:.1f} s"
    )
