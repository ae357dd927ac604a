"""The dispute page and its empty poll, each against a trivial route, all through gunicorn over HTTP.

One gunicorn sync worker serves the app on a SQLite file made here (a dispute with 5 messages
and 5 events, `benchmarks.dispute_data.make_dispute`). The trivial route is /healthz (no
database, no template); every request goes through the same middleware, over a fresh connection
as the sync worker wants. Medians of interleaved rounds; a time ratio of 1.25 is 0.8x the trivial
route's throughput (issue 12's target for the empty poll).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.dispute_data import PASSWORD, add_people, make_dispute
from benchmarks.dispute_page import poll_url
from webapp import create_app
from webapp.core.extensions import db

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 200


class Browser:
    """One person's cookie, sending requests to 127.0.0.1:port one at a time."""

    def __init__(self, port: int) -> None:
        self.port, self.cookie = port, ""

    def send(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, str]:
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            if cookie := response.getheader("Set-Cookie"):
                self.cookie = cookie.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()


def prepare(folder: Path) -> tuple[str, int]:
    """A SQLite file with a buyer, a seller and a dispute of 5 messages and 5 events."""
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MEDIA_ROOT": str(folder / "media"),
            "PASSWORD_HASH_METHOD": "pbkdf2",
        }
    )
    with app.app_context():
        db.create_all()
        dispute_id = make_dispute(add_people(), "B-5", datetime.now(UTC), messages=5)
        db.engine.dispose()
    return url, dispute_id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(url: str, folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(folder / "media"),
        "TMP_DIR": str(folder / "tmp"),
        "SECRET_KEY": "bench",
        "JOBS": "eager",
        "RUN_CLOCK_THREAD": "",
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(
        [*command, "webapp.serve:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, dispute_id = prepare(folder)
        port = free_port()
        server = serve(url, folder, port)
        try:
            browser = Browser(port)
            for _ in range(100):
                try:
                    browser.send("GET", "/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            _, login = browser.send("GET", "/login")
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login)
            form = {
                "email": "b@example.com",
                "password": PASSWORD,
                "csrf_token": token.group(1) if token else "",
            }
            assert browser.send("POST", "/login", form)[0] == 303, "not logged in"
            status, page = browser.send("GET", f"/disputes/{dispute_id}")
            assert status == 200, status
            poll = poll_url(page)
            anonymous = Browser(port)
            paths = {
                "trivial": lambda: browser.send("GET", "/healthz"),
                "page": lambda: browser.send("GET", f"/disputes/{dispute_id}"),
                "poll": lambda: browser.send("GET", poll, **{"HX-Request": "true"}),
                "login": lambda: anonymous.send("GET", "/login"),
            }
            assert paths["poll"]()[0] == 204
            times: dict[str, list[float]] = {name: [] for name in paths}
            for _ in range(ROUNDS):
                for name, fn in paths.items():
                    start = time.perf_counter()
                    fn()
                    times[name].append(time.perf_counter() - start)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    median = {name: statistics.median(values) for name, values in times.items()}
    base = median["trivial"]
    notes = {
        "page": "dispute page, 5 messages + 5 events, logged in",
        "poll": "the page's poll, nothing changed (204); target ratio <= 1.25 (0.8x throughput)",
        "login": "login page, logged out",
    }
    return [
        {
            "line": f"{name} vs trivial route (gunicorn)",
            "ours_s": median[name],
            "baseline_s": base,
            "ratio": median[name] / base,
            "note": f"{notes[name]}; median of {ROUNDS} over HTTP",
        }
        for name in ("page", "poll", "login")
    ]


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
