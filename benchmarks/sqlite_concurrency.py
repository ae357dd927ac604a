"""Forty people on one dispute at once on the embedded default (SQLite, the threaded dev server).

Run: .venv/bin/python -m benchmarks.sqlite_concurrency [clients]
Each client logs in, then repeats: the dispute page, a version poll, a message (the message goes
through the pipeline's lock, so messages queue for SQLite's write lock). It prints what came back
(any 5xx or dropped connection is a failure) and latencies as ratios to one client alone.
"""

from __future__ import annotations

import http.client
import logging
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask
from werkzeug.serving import make_server

from benchmarks.dispute_data import EMAILS, PASSWORD, add_people, bench_app, make_dispute
from webapp.accounts.models import Role

ROUNDS = 5


class Client:
    """One browser: a cookie, and the time and status of every request it made."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.results: list[tuple[str, int, float]] = []

    def send(self, kind: str, method: str, path: str, form: dict[str, str] | None = None) -> int:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if kind == "poll":
            headers["HX-Request"] = "true"
        start = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            if cookie := response.getheader("Set-Cookie"):
                self.cookie = cookie.split(";", 1)[0]
        except OSError:
            status = 0  # dropped or refused connection
        finally:
            connection.close()
        self.results.append((kind, status, time.perf_counter() - start))
        return status

    def session(self, email: str, dispute_id: int, rounds: int, start: threading.Barrier | None) -> None:
        self.send("login", "POST", "/login", {"email": email, "password": PASSWORD})
        if start is not None:
            start.wait()
        for n in range(rounds):
            self.send("page", "GET", f"/disputes/{dispute_id}")
            self.send("poll", "GET", f"/disputes/{dispute_id}/poll?v=0&a=0")
            self.send("message", "POST", f"/disputes/{dispute_id}/message", {"body": f"{email} {n}"})


def seed(folder: Path) -> tuple[Flask, int]:
    """An app on a fresh SQLite file in `folder` (jobs eager), and one open dispute."""
    app = bench_app(folder, JOBS="eager")
    with app.app_context():
        dispute_id = make_dispute(add_people(), "C-1", datetime.now(UTC))
    return app, dispute_id


def run(port: int, dispute_id: int, clients: int, rounds: int) -> list[tuple[str, int, float]]:
    people = [Client(port) for _ in range(clients)]
    start = threading.Barrier(clients)
    threads = [
        threading.Thread(
            target=person.session,
            args=(EMAILS[Role.BUYER] if n % 2 else EMAILS[Role.SELLER], dispute_id, rounds, start),
        )
        for n, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [result for person in people for result in person.results if result[0] != "login"]


def report(label: str, results: list[tuple[str, int, float]], alone: dict[str, float]) -> None:
    statuses = Counter(status for _kind, status, _seconds in results)
    failed = sum(count for status, count in statuses.items() if status == 0 or status >= 500)
    print(f"{label}: {len(results)} requests, statuses {dict(sorted(statuses.items()))}, {failed} failed")
    for kind in ("page", "poll", "message"):
        times = sorted(seconds for k, _status, seconds in results if k == kind)
        p95 = times[int(len(times) * 0.95) - 1] if times else 0.0
        print(
            f"  {kind:7}: median {statistics.median(times) / alone[kind]:6.1f}x alone, "
            f"p95 {p95 / alone[kind]:6.1f}x, slowest {max(times):5.1f} s"
        )


def main() -> None:
    """Measure one client alone, then many at once, on a fresh SQLite file."""
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    folder = Path(tempfile.mkdtemp())
    app, dispute_id = seed(folder)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        alone_results = run(server.port, dispute_id, 1, ROUNDS * 2)
        alone = {
            kind: statistics.median(s for k, _status, s in alone_results if k == kind)
            for kind in ("page", "poll", "message")
        }
        print("alone: " + ", ".join(f"{kind} {seconds * 1000:.0f} ms" for kind, seconds in alone.items()))
        report(f"{clients} clients at once", run(server.port, dispute_id, clients, ROUNDS), alone)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
