"""A tiny marketplace: pushes its people and an order, receives signed webhooks, pays refunds.

DISPUTES_URL=http://127.0.0.1:5000 DISPUTES_API_KEY=dk_... flask --app examples.marketplace.app run -p 5100
curl -X POST http://127.0.0.1:5100/setup      # seller, buyer, an order, and this app's webhook endpoint
"""

from __future__ import annotations

import base64
import json
import os
import threading
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, request
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

# The listing's photo (a real marketplace sends its own listing's bytes; the service never fetches URLs).
PHOTO = (Path(__file__).parent / "teapot.jpg").read_bytes()


class Disputes:
    """The disputes service's API, called with this marketplace's key."""

    def __init__(self, url: str, key: str) -> None:
        self.url, self.key = url.rstrip("/"), key

    def call(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())  # a real app keeps it to retry the same call
        data = json.dumps(body).encode() if body is not None else None
        call = urllib.request.Request(self.url + "/api/v1" + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(call, timeout=30) as answer:
            return json.loads(answer.read() or b"null")


def create_app(disputes: Disputes | None = None, public_url: str | None = None) -> Flask:
    """The marketplace; `public_url` is where the disputes service reaches its /webhooks."""
    app = Flask(__name__)
    api = disputes or Disputes(os.environ["DISPUTES_URL"], os.environ["DISPUTES_API_KEY"])
    state: dict[str, Any] = {"secret": None, "events": [], "paid": []}

    @app.post("/setup")
    def setup() -> Any:
        """Our seller, our buyer, an order with its listing, and our webhook endpoint."""
        api.call(
            "PUT", "/users/seller-1", {"role": "seller", "name": "Sam's Shop", "email": "sam@shop.example"}
        )
        api.call("PUT", "/users/buyer-1", {"role": "buyer", "name": "Bea", "email": "bea@shop.example"})
        paid = datetime.now(UTC) - timedelta(days=20)
        listing = {
            "title": "Ceramic teapot",
            "description": "Hand-made, 1 litre.",
            "attributes": {"colour": "blue"},
            "price": "45.00",
            "shipping": "5.00",
            "photos": [{"filename": "teapot.jpg", "content_base64": base64.b64encode(PHOTO).decode()}],
        }
        order = {"buyer": "buyer-1", "seller": "seller-1", "currency": "USD", "paid_at": paid.isoformat()}
        api.call("PUT", "/orders/order-1", {**order, "listing": listing})
        shipped = {
            "type": "dispatched",
            "tracking_number": "LP123",
            "at": (paid + timedelta(days=2)).isoformat(),
        }
        api.call("POST", "/orders/order-1/events", shipped)
        api.call("POST", "/orders/order-1/events", {"type": "receipt_confirmed"})
        hook_url = (public_url or request.host_url.rstrip("/")) + "/webhooks"
        state["secret"] = api.call("POST", "/webhook-endpoints", {"url": hook_url})["secret"]
        return jsonify({"order": "order-1"})

    @app.post("/webhooks")
    def webhooks() -> Any:
        """Every event, its signature checked first; a refund that falls due is paid (in the background)."""
        try:
            event = Webhook(state["secret"]).verify(request.get_data(), dict(request.headers))
        except (WebhookVerificationError, TypeError, RuntimeError):
            return "bad signature", 400
        state["events"].append(event)
        if event["type"] == "refund.due":
            refund = event["data"]["refund"]["id"]
            threading.Thread(target=pay, args=(refund,), daemon=True).start()
        return "", 204

    def pay(refund_id: int) -> None:
        # Our payment system moves the money here; then we tell the disputes service.
        reference = f"PAY-{refund_id}"
        state["paid"].append(api.call("POST", f"/refunds/{refund_id}/paid", {"payment_reference": reference}))

    @app.get("/events")
    def events() -> Any:
        """What we were told, and the refunds we paid."""
        return jsonify({"events": state["events"], "paid": state["paid"]})

    return app


app = create_app() if os.environ.get("DISPUTES_API_KEY") else None
