"""One JSON line per job, carrying the id of the request that queued it, in every job mode."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator

import pytest
from dispute_world import World, ago
from evidence_media import jpeg_bytes

from webapp.core.request_log import carrying, request_id
from webapp.disputes.models import Dispute
from webapp.evidence.services import PROCESS_JOB
from webapp.jobs import queue
from webapp.jobs.celery_app import celery_for, task

ECHO = "test.echo_request_id"
FAILING = "test.fails"


class Lines:
    """The JSON lines written so far in this test (requests and jobs)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self._caplog = caplog

    def all(self) -> list[dict]:
        return [json.loads(r.getMessage()) for r in self._caplog.records if r.name == "webapp.requests"]

    def jobs(self, *, after: int = 0) -> list[dict]:
        """The job lines, leaving out the first `after` ones."""
        return [line for line in self.all() if line["event"] == "job"][after:]


@pytest.fixture
def lines(caplog: pytest.LogCaptureFixture) -> Iterator[Lines]:
    with caplog.at_level(logging.INFO, logger="webapp.requests"):
        yield Lines(caplog)


@pytest.fixture
def test_jobs(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Two jobs of this test: one records the request id it runs under, one raises."""
    seen: list[str | None] = []

    def echo(item_id: int) -> str:
        seen.append(request_id())
        return f"echoed {item_id}"

    def fails(item_id: int) -> None:
        raise ValueError(f"no item {item_id}")

    monkeypatch.setitem(queue.JOBS, ECHO, echo)
    monkeypatch.setitem(queue.JOBS, FAILING, fails)
    return seen


def post_photo(client, world: World, dispute: Dispute) -> str:
    """Upload a photo to the dispute as its buyer; return the request id the answer names."""
    with client.session_transaction() as session:
        session["_user_id"] = world.buyer.get_id()
    response = client.post(
        f"/disputes/{dispute.id}/evidence",
        data={"evidence": (io.BytesIO(jpeg_bytes()), "crack.jpg")},
        content_type="multipart/form-data",
        headers={"X-Request-ID": "upload-42"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["X-Request-ID"]


def test_an_eager_job_logs_one_line_with_the_id_of_the_upload_that_queued_it(client, world, lines):
    dispute = world.open(ago(1))  # its opening photo is processed at once, outside any request
    opened = len(lines.jobs())
    given = post_photo(client, world, dispute)
    [job] = lines.jobs(after=opened)
    assert given == "upload-42"
    assert job | {"ts": 0, "ms": 0, "id": 0} == {
        "event": "job",
        "ts": 0,
        "request_id": "upload-42",
        "job": PROCESS_JOB,
        "id": 0,
        "outcome": "ready",
        "ms": 0,
    }
    assert job["ms"] > 0
    [request] = [line for line in lines.all() if line["event"] == "request"]
    assert request["request_id"] == "upload-42"


def test_an_inline_job_carries_the_request_id_into_the_pool_thread(app, client, world, lines):
    dispute = world.open(ago(1))
    opened = len(lines.jobs())
    app.config["JOBS"] = "inline"
    try:
        post_photo(client, world, dispute)
    finally:
        queue.shutdown(app)  # waits for the pool's job
    [job] = lines.jobs(after=opened)
    assert (job["job"], job["request_id"], job["outcome"]) == (PROCESS_JOB, "upload-42", "ready")


def test_a_job_queued_again_by_a_job_keeps_the_first_request_id(app, test_jobs, lines):
    app.config["JOBS"] = "inline"
    with app.app_context(), carrying("first-request"):
        queue.enqueue(ECHO, 7, delay=0.01)  # a retry's backoff, on a timer outside any request
    try:
        deadline = time.monotonic() + 10  # the timer submits to the pool, which runs it
        while not test_jobs and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        queue.shutdown(app)
    assert test_jobs == ["first-request"]
    [job] = lines.jobs()
    assert (job["request_id"], job["outcome"], job["id"]) == ("first-request", "echoed 7", 7)


def test_a_job_that_raises_still_logs_its_line_with_the_error_and_outside_a_request_no_id(
    app, test_jobs, lines
):
    queue.run_isolated(app, FAILING, 3)  # logs the error instead of raising, as the pool does
    [job] = lines.jobs()
    assert (job["job"], job["outcome"], job["request_id"]) == (FAILING, "error: ValueError", None)


def test_the_celery_task_runs_under_the_request_id_its_message_carries(app, test_jobs, lines):
    app.config["JOBS"] = "celery"
    try:
        result = task(app, ECHO).apply((5,), {"request_id": "sent-with-the-task"})
        assert result.get() == "echoed 5"
        assert task(app, ECHO).apply((6,)).get() == "echoed 6"  # a message from before ids were carried
    finally:
        celery_for(app).close()
    assert test_jobs == ["sent-with-the-task", None]
    assert [job["request_id"] for job in lines.jobs()] == ["sent-with-the-task", None]


def test_enqueue_puts_the_request_id_into_the_celery_message(app, test_jobs, monkeypatch):
    app.config["JOBS"] = "celery"
    sent: list[tuple] = []
    try:
        monkeypatch.setattr(
            type(task(app, ECHO)), "apply_async", lambda self, *args, **kwargs: sent.append((args, kwargs))
        )
        with app.test_request_context("/", headers={"X-Request-ID": "from-the-page"}):
            app.preprocess_request()
            queue.enqueue(ECHO, 9)
    finally:
        celery_for(app).close()
    [(args, kwargs)] = sent
    assert args == ((9,), {"request_id": "from-the-page"}) and kwargs == {"countdown": None}


def test_a_request_id_that_is_not_a_plain_token_is_not_carried(test_jobs):
    with carrying("bad id; with spaces"):
        assert request_id() is None
    with carrying("ok-1.2_3"):
        assert request_id() == "ok-1.2_3"
    assert request_id() is None
