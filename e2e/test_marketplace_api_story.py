"""The whole story driven by a marketplace through the API, with people acting in the browser.

The example marketplace (examples/marketplace) runs on 127.0.0.1 beside the server: it pushes its
people and an order with a listing snapshot, receives the signed webhooks and pays the refund.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from actions import (
    POLL_TIMEOUT,
    answer_decision,
    expect_stage,
    final_decision,
    propose_decision,
    reject_request,
    section,
    show_again,
    take_case,
    travel,
)
from conftest import flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from examples.marketplace.app import PHOTO, Disputes, create_app

WAIT_SECONDS = 30
Window = Callable[..., Page]


@pytest.fixture
def marketplace(base_url: str, server_env: dict[str, str]) -> Iterator[tuple[Disputes, str]]:
    """An API key of the demo marketplace (its mediator decides), and the example shop serving it."""
    printed = flask(server_env, "marketplaces", "key", "Demo marketplace")
    api = Disputes(base_url, printed.rsplit(": ", 1)[1].strip())
    server = make_server("127.0.0.1", 0, create_app(api), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def shop(url: str, method: str = "GET") -> Any:
    """Call the example shop itself (not the API)."""
    request = urllib.request.Request(url, data=b"" if method == "POST" else None, method=method)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def shop_record(shop_url: str, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """What the shop received, once `done` says so (it pays in a thread of its own) or time is up."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        record = shop(shop_url + "/events")
        if done(record) or time.monotonic() > deadline:
            return record
        time.sleep(0.1)


def link(api: Disputes, who: str, dispute_id: int) -> str:
    """A one-click login link for `who`, landing on the dispute."""
    return api.call("POST", f"/users/{who}/login-links", {"dispute_id": dispute_id})["url"]


def by_link(new_context: Callable[..., Any], url: str) -> Page:
    """A fresh browser window logged in by following `url`."""
    page = new_context().new_page()
    page.goto(url)
    expect(page.get_by_role("progressbar", name="Dispute progress")).to_be_visible()
    return page


@pytest.mark.travels
def test_o4_s3_n1_m4_m5_f1_a_marketplace_runs_a_dispute_through_the_api_and_webhooks(
    marketplace: tuple[Disputes, str],
    new_context: Callable[..., Any],
    as_user: Window,
    server_env: dict[str, str],
):
    api, shop_url = marketplace
    assert shop(shop_url + "/setup", "POST") == {"order": "order-1"}
    evidence = [{"filename": "crack.jpg", "content_base64": base64.b64encode(PHOTO).decode()}]
    dispute = api.call(
        "POST",
        "/disputes",
        {
            "order": "order-1",
            "received": True,
            "reason": "damaged_in_transit",
            "resolution": "refund_only",
            "amount": "30.00",
            "description": "The spout is cracked.",
            "evidence": evidence,
        },
    )
    number = dispute["id"]

    seller = by_link(new_context, link(api, "seller-1", number))
    expect(section(seller, "What was promised")).to_contain_text("Ceramic teapot")
    reject_request(seller)
    expect_stage(seller, "Negotiation")

    travel(server_env, "8d")
    expect_stage(seller, "Platform review", timeout=POLL_TIMEOUT)

    mediator = as_user("mediator@example.com")
    mediator.goto(seller.url)
    expect(section(mediator, "What was promised")).to_contain_text("blue")
    take_case(mediator)
    solutions = [
        ("Refund only", "20.00", "Keep the teapot"),
        ("Return goods and refund", "50.00", "Send it back"),
    ]
    propose_decision(mediator, solutions, "The spout cracked in transit.")
    buyer = by_link(new_context, link(api, "buyer-1", number))
    answer_decision(buyer, 1)
    show_again(seller)
    answer_decision(seller, 0, "It was packed well.")
    show_again(mediator)
    final_decision(mediator, 1, "The photos show transit damage.")

    record = shop_record(
        shop_url, lambda r: bool(r["paid"]) and r["events"][-1]["data"].get("action") == "refunded"
    )
    types = [event["type"] for event in record["events"]]
    for expected in (
        "dispute.opened",
        "dispute.escalated",
        "decision.proposed",
        "decision.final",
        "refund.due",
    ):
        assert expected in types, types
    assert types.index("dispute.closed") < types.index("refund.due")
    assert record["paid"][0]["status"] == "refunded" and record["paid"][0]["payment_reference"].startswith(
        "PAY-"
    )
    assert api.call("GET", f"/disputes/{number}")["refund"]["status"] == "refunded"
    show_again(buyer)
    expect(section(buyer, "History")).to_contain_text("marked as paid (payment PAY-")
