"""Crash test: a web process (the embedded default: `flask run`, JOBS=inline) is killed mid-upload.

A real server on a free port takes a video upload and is held at one point of it (crash_server.py),
then gets SIGKILL. No clock process runs. Once the server is started again, within the stale and
lost delays plus a bounded wait: no half-staged file, no upload note and no stored original
without its row are left, and an item that made it into the database ends ready or failed.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from webapp.core.extensions import db
from webapp.evidence.models import EvidenceItem, ProcessingStatus

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
STALE_AFTER = 2
PASSWORD = "correct horse battery"  # the `make_user` fixture's default
DONE = {ProcessingStatus.READY, ProcessingStatus.FAILED}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(
    condition: Callable[[], object], seconds: float, what: str, state: Callable[[], object] = str
) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds} s waiting for {what}; {state()}")
        time.sleep(0.05)


class Server:
    """`flask --app crash_server run` on a free port, on the test's database, media and scratch folders."""

    def __init__(self, app: Flask, tmp_path: Path) -> None:
        self.app, self.tmp_path = app, tmp_path
        self.port = free_port()
        self.paused = tmp_path / "paused"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def start(self, pause_at: str = "") -> None:
        self.starts += 1
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)]),
            "DATABASE_URL": self.app.config["SQLALCHEMY_DATABASE_URI"],
            "MEDIA_ROOT": self.app.config["MEDIA_ROOT"],
            "TMP_DIR": self.app.config["TMP_DIR"],
            "JOBS": "inline",
            "JOB_STALE_AFTER_SECONDS": str(STALE_AFTER),
            "RUN_CLOCK_THREAD": "",
            "SECRET_KEY": "crash-test",
            "PAUSE_AT": pause_at,
            "PAUSED_FILE": str(self.paused),
        }
        command = [sys.executable, "-m", "flask", "--app", "crash_server", "run", "--no-reload"]
        with open(self.tmp_path / f"server-{self.starts}.log", "wb") as log:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_for(self._answers, 30, "the server to answer")

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"the server exited: {(self.tmp_path / f'server-{self.starts}.log').read_text()}")
        try:
            with self.opener.open(f"http://127.0.0.1:{self.port}/login", timeout=5):
                return True
        except (urllib.error.URLError, OSError):
            return False

    def post(self, path: str, body: bytes, content_type: str, timeout: float = 30) -> int:
        """POST and return the final status; a refusal's page is kept in refused.html to say why."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=body, headers={"Content-Type": content_type}
        )
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            (self.tmp_path / "refused.html").write_bytes(error.read())
            return error.code

    def kill(self) -> None:
        """SIGKILL the server process, as the OOM killer or a `kill -9` would."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()


@pytest.fixture
def server(app: Flask, tmp_path: Path) -> Iterator[Server]:
    running = Server(app, tmp_path)
    yield running
    running.stop()


def originals_on_disk(app: Flask) -> set[str]:
    media_root = Path(app.config["MEDIA_ROOT"])
    return {str(p.relative_to(media_root)) for p in media_root.glob("disputes/*/evidence/*/original")}


def leftovers(app: Flask) -> list[str]:
    """Staging folders, upload notes and job folders: everything that only a running process may hold."""
    roots = [
        Path(app.config["MEDIA_ROOT"]) / ".staging",
        Path(app.config["TMP_DIR"]) / "uploads",
        Path(app.config["TMP_DIR"]) / "jobs",
    ]
    return sorted(str(p) for root in roots if root.exists() for p in root.iterdir())


def items_now() -> list[tuple[str, ProcessingStatus, str]]:
    """(storage key, status, failure reason) of every item, read on a fresh connection."""
    with db.engine.connect() as connection:
        rows = connection.execute(
            select(EvidenceItem.storage_key, EvidenceItem.status, EvidenceItem.failure_reason)
        ).all()
    return [(key, ProcessingStatus(status), reason) for key, status, reason in rows]


@pytest.mark.parametrize("pause_at", ["staging", "stored", "committed"])
def test_a_web_process_killed_mid_upload_leaves_nothing_behind_once_started_again(
    app: Flask, world, dispute, server: Server, clip: bytes, pause_at: str
):
    started = time.monotonic()
    before = {key for key, _, _ in items_now()}
    held_by_the_test = leftovers(app)  # the note of this test's own opening photo, until it ends
    server.start(pause_at)
    login = urllib.parse.urlencode({"email": world.buyer.email, "password": PASSWORD}).encode()
    assert server.post("/login", login, "application/x-www-form-urlencoded") == 200  # after the redirect
    boundary, body = encode_multipart(
        {"evidence": FileStorage(io.BytesIO(clip), "unboxing.mp4"), "caption": ""}
    )

    path = f"/disputes/{dispute.id}/evidence"

    def post_upload() -> None:
        with contextlib.suppress(OSError):  # the server is killed under the request
            server.post(path, body, f"multipart/form-data; boundary={boundary}")

    upload = threading.Thread(target=post_upload)
    upload.start()
    wait_for(server.paused.exists, 30, f"the upload to reach '{pause_at}'")

    server.kill()
    upload.join(timeout=30)
    new_items = [item for item in items_now() if item[0] not in before]
    if pause_at == "committed":
        assert [status for _, status, _ in new_items] == [ProcessingStatus.UPLOADED]
    else:
        assert new_items == [] and leftovers(app) != held_by_the_test  # what only a live process may hold
    stored_without_row = originals_on_disk(app) - {key for key, _, _ in items_now()}
    assert bool(stored_without_row) is (pause_at == "stored")

    server.start()

    def settled() -> bool:
        items = items_now()
        return (
            leftovers(app) == held_by_the_test
            and originals_on_disk(app) == {key for key, _, _ in items}
            and all(status in DONE for _, status, _ in items)
        )

    wait_for(
        settled,
        STALE_AFTER + 60,
        "the restarted server to recover",
        lambda: f"left: {leftovers(app)}, on disk: {originals_on_disk(app)}, items: {items_now()}",
    )
    finished = [item for item in items_now() if item[0] not in before]
    assert [status for _, status, _ in finished] == (
        [ProcessingStatus.READY] if pause_at == "committed" else []
    )
    print(f"killed at '{pause_at}': recovered in {time.monotonic() - started:.1f} s")
