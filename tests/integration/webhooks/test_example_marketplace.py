"""The example marketplace, served for real: it sets itself up through the API, receives and verifies the
webhooks, and pays the refund that falls due."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from api_helpers import make_api
from flask import Flask
from werkzeug.serving import make_server

from examples.marketplace.app import Disputes, create_app
from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.disputes.models import Dispute

WAIT_SECONDS = 20


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """Serve `app` on a free port of 127.0.0.1 in a thread; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def fetch(url: str, method: str = "GET") -> Any:
    request = urllib.request.Request(url, data=b"" if method == "POST" else None, method=method)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def wait_for(url: str, done: Any) -> Any:
    """Read the marketplace's record until `done(record)`; it pays in a thread of its own."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        record = fetch(url)
        if done(record) or time.monotonic() > deadline:
            return record
        time.sleep(0.05)


def test_the_example_marketplace_is_told_the_refund_is_due_and_pays_it(
    app: Flask, client: Any, auth: Any, db_session: Any
):
    api = make_api(client, "Example shop")
    with served(app) as disputes_url:
        shop = create_app(Disputes(disputes_url, api.token))
        with served(shop) as shop_url:
            assert fetch(shop_url + "/setup", "POST") == {"order": "order-1"}
            dispute = api.open_dispute(order_id="order-1")
            seller = db.session.scalar(db.select(User).where(User.external_id == "seller-1"))
            auth.login_as(seller)
            proposal = dispute["proposals"][0]["id"]
            accepted = client.post(
                f"/disputes/{dispute['id']}/accept", data={"proposal_id": proposal, "confirm": "yes"}
            )
            assert accepted.status_code == 303
            record = wait_for(
                shop_url + "/events",
                # The shop records its payment when the API answers; the "refunded" event may come first.
                lambda r: r["paid"] and any(e["data"].get("action") == "refunded" for e in r["events"]),
            )
    types = [event["type"] for event in record["events"]]
    assert types[:4] == ["dispute.opened", "dispute.closed", "refund.due", "dispute.updated"]
    assert types[-1] == "dispute.updated" and record["events"][-1]["data"]["action"] == "refunded"
    paid = record["paid"][0]
    assert paid["status"] == "refunded" and paid["payment_reference"] == f"PAY-{paid['id']}"
    db.session.expire_all()
    assert db.session.get_one(Dispute, dispute["id"]).state.value == "closed"
