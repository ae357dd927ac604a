"""A webhook receiver on 127.0.0.1 in a thread: answers each request as its plan says, and keeps them all."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook


@dataclass
class Received:
    """One request as it arrived, and what the receiver answered."""

    headers: dict[str, str]
    body: bytes
    answered: str  # "ok", "fail" or "hang"


@dataclass
class Receiver:
    """The requests so far; `plan(n)` says how to answer the n-th request (from 1)."""

    url: str
    plan: Callable[[int], str]
    requests: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def delivered(self) -> list[str]:
        """The webhook-ids of the requests answered 2xx, in the order they arrived."""
        return [r.headers["webhook-id"] for r in self.requests if r.answered == "ok"]

    def verified(self, secret: str) -> list[dict]:
        """Every delivered payload, its signature checked with the endpoint's secret."""
        return [Webhook(secret).verify(r.body, r.headers) for r in self.requests if r.answered == "ok"]


@contextmanager
def receiver(plan: Callable[[int], str]) -> Iterator[Receiver]:
    """Serve on a free port of 127.0.0.1 until the block ends; hanging answers are released then."""
    lock = threading.Lock()
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            got = state["receiver"]
            with lock:
                answer = got.plan(len(got.requests) + 1)
                got.requests.append(Received({k.lower(): v for k, v in self.headers.items()}, body, answer))
            if answer == "hang":  # never answers in time: the sender's timeout ends the try
                got.release.wait(timeout=30)
                return
            self.send_response(200 if answer == "ok" else 500)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["receiver"] = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks", plan)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["receiver"]
    finally:
        state["receiver"].release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
