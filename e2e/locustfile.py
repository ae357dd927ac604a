"""The load run's people: buyers, sellers and mediators, each doing their story through the web pages.

Run by e2e/test_load.py: `locust -f e2e/locustfile.py --headless ...` with LOAD_PLAN (who works on
which dispute, from e2e/load_seed.py) and LOAD_RESULTS (where the figures go). Each person logs in,
opens their dispute, then at a person's pace: lets the page poll, reads the page again, writes a
message, uploads a photo, acts (the buyer changes the request, the seller its offer; the mediator
takes the case on opening it, then asks for evidence). Requests are sent as the page's htmx would send them.
Only 127.0.0.1 is allowed as the host.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import statistics
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from locust import HttpUser, between, events, task
from PIL import Image, ImageDraw

HX = {"HX-Request": "true"}
POLLER = re.compile(r'id="dispute-poll" hx-get="([^"]+)"')
PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
RESULTS = Path(os.environ["LOAD_RESULTS"])

# --- The forms on a page, as a browser would submit them ------------------------------------------


class Forms(HTMLParser):
    """Every <form> by its action: the values a browser would send unchanged (hidden fields, checked
    radios, selected options, text as filled)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, dict[str, str]] = {}
        self._form: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = self.forms.setdefault(a.get("action", ""), {})
            return
        form = self._form
        if form is None:
            return
        if tag == "option" and self._select and (self._select not in form or "selected" in a):
            form[self._select] = a.get("value", "")
        name = a.get("name")
        if not name:
            return
        if tag == "input" and a.get("type") not in ("file", "submit"):
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                form[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            form[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            self._form[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def ending(self, suffix: str) -> dict[str, str] | None:
        """The form whose action ends with `suffix` ("/message", "/change"), if the page has one."""
        return next((dict(f) for action, f in self.forms.items() if action.endswith(suffix)), None)


def phone_photo() -> bytes:
    """A small JPEG, different every time (the same file twice from one party is refused, E3)."""
    image = Image.new("RGB", (640, 480), tuple(random.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x, y = random.randrange(600), random.randrange(440)
        draw.rectangle((x, y, x + 40, y + 40), fill=tuple(random.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


# --- The people ---------------------------------------------------------------------------------


class Person(HttpUser):
    """A logged-in person with one dispute page open (its poll) and a person's pace."""

    abstract = True
    wait_time = between(3, 6)
    role = ""
    accounts: itertools.count[int]
    _lock = threading.Lock()

    def on_start(self) -> None:
        host = urlparse(self.host or "")
        if host.hostname != "127.0.0.1":
            raise RuntimeError(f"the load run only goes to 127.0.0.1, not {self.host!r}")
        with Person._lock:
            account = PLAN[self.role][next(type(self).accounts)]
        self.dispute_url = f"/disputes/{account['dispute']}"
        login = Forms(self.client.get("/login", name="page: login").text).ending("/login") or {}
        form = {**login, "email": account["email"], "password": PLAN["password"]}
        with self.client.post("/login", data=form, name="action: log in", catch_response=True) as answer:
            if "Log out" not in answer.text:
                answer.failure("not logged in")
        self.open_page()

    def open_page(self) -> None:
        """Load the dispute page; keep its forms and its poller's address."""
        page = self.client.get(self.dispute_url, name="page: dispute")
        self.see(page.text)
        self.forms = Forms(page.text)

    def see(self, html: str) -> None:
        """A new poller (in a page, a poll's answer or an action's) replaces the old one."""
        found = POLLER.search(html)
        if found:
            self.poll_url = found.group(1).replace("&amp;", "&")

    def post(self, kind: str, suffix: str, changes: dict[str, str], **kwargs: Any) -> None:
        """Submit the page's form ending with `suffix` with `changes`, as htmx would."""
        form = self.forms.ending(suffix)
        if form is None:
            self.environment.events.request.fire(
                request_type="POST",
                name=f"action: {kind}",
                response_time=0,
                response_length=0,
                response=None,
                context={},
                exception=RuntimeError(f"the page has no form for {suffix}"),
            )
            return
        answer = self.client.post(
            f"{self.dispute_url}{suffix}",
            data={**form, **changes},
            headers=HX,
            name=f"action: {kind}",
            **kwargs,
        )
        self.see(answer.text)

    @task(6)
    def poll(self) -> None:
        answer = self.client.get(self.poll_url, headers=HX, name="poll")
        if answer.status_code == 200:
            self.see(answer.text)

    @task(1)
    def read_again(self) -> None:
        self.open_page()


class Party(Person):
    """A buyer or a seller: messages and photos besides the poll."""

    abstract = True

    @task(1)
    def message(self) -> None:
        self.post("message", "/message", {"body": f"Any news? ({time.strftime('%H:%M:%S')})"})

    @task(1)
    def upload_photo(self) -> None:
        form = self.forms.ending("/evidence") or {}
        files = {"evidence": (f"photo-{random.randrange(10**9)}.jpg", phone_photo(), "image/jpeg")}
        answer = self.client.post(
            f"{self.dispute_url}/evidence",
            data={"csrf_token": form.get("csrf_token", ""), "caption": "Another angle"},
            files=files,
            headers=HX,
            name="action: upload a photo",
        )
        self.see(answer.text)


class Buyer(Party):
    role = "buyers"
    fixed_count = len(PLAN["buyers"])
    accounts = itertools.count()

    @task(1)
    def change_request(self) -> None:
        self.open_page()  # as a person does: look at the page, then click
        self.post("change the request", "/change", {"amount": f"{random.randint(20, 40)}.00"})


class Seller(Party):
    role = "sellers"
    fixed_count = len(PLAN["sellers"])
    accounts = itertools.count()

    @task(1)
    def change_offer(self) -> None:
        self.open_page()
        self.post("change the offer", "/change-proposal", {"amount": f"{random.randint(5, 9)}.50"})


class Mediator(Person):
    role = "mediators"
    fixed_count = len(PLAN["mediators"])
    accounts = itertools.count()
    asked = False

    @task(1)
    def queue(self) -> None:
        self.client.get("/mediation", name="page: mediation queue")

    def on_start(self) -> None:
        """From the queue to the dispute, and take the case (as the first thing a mediator does)."""
        super().on_start()
        self.queue()
        self.post("take the case", "/take-case", {})
        self.open_page()

    @task(1)
    def act(self) -> None:
        if not self.asked:
            self.asked = True
            self.open_page()
            wanted = {"party": "buyer", "wanted": "A photo of the parcel's label.", "days": "3"}
            self.post("request evidence", "/request-evidence", wanted)
        else:
            self.open_page()


# --- The figures --------------------------------------------------------------------------------

_times: dict[str, list[float]] = {}
_failures: dict[str, list[str]] = {}
_started = time.time()


@events.request.add_listener
def _record(name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
    _times.setdefault(name, []).append(response_time)
    if exception is not None:
        _failures.setdefault(name, []).append(str(exception)[:200])


def _summary(times: list[float], failures: int) -> dict[str, Any]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0
    return {
        "requests": len(ordered),
        "failures": failures,
        "median_ms": round(statistics.median(ordered), 1) if ordered else 0.0,
        "p95_ms": round(p95, 1),
        "max_ms": round(ordered[-1], 1) if ordered else 0.0,
    }


@events.quitting.add_listener
def _write_results(environment: Any, **_: Any) -> None:
    groups = {"pages": "page: ", "polls": "poll", "actions": "action: "}
    grouped = {
        group: _summary(
            [t for name, times in _times.items() if name.startswith(prefix) for t in times],
            sum(len(f) for name, f in _failures.items() if name.startswith(prefix)),
        )
        for group, prefix in groups.items()
    }
    total = sum(len(times) for times in _times.values())
    failed = sum(len(f) for f in _failures.values())
    results = {
        "users": {role: len(PLAN[role]) for role in ("buyers", "sellers", "mediators")},
        "seconds": round(time.time() - _started, 1),
        "requests": total,
        "failures": failed,
        "error_rate": round(failed / total, 6) if total else None,
        "groups": grouped,
        "by_name": {
            name: _summary(times, len(_failures.get(name, []))) for name, times in sorted(_times.items())
        },
        "failure_samples": {name: f[:5] for name, f in _failures.items()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
