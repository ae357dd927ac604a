"""Helpers of the API tests: a client with a marketplace's key, and a marketplace's people and order."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from dispute_world import NOW
from flask.testing import FlaskClient

from webapp.core.extensions import db
from webapp.demo import demo_photo
from webapp.marketplaces.keys import SCOPES, issue_key
from webapp.marketplaces.models import Marketplace


def photo_b64(label: str = "Listing") -> str:
    """A small JPEG, base64-encoded as the API takes files."""
    return base64.b64encode(demo_photo(label).stream.read()).decode()


@dataclass
class Api:
    """Calls /api/v1 with one marketplace's key."""

    client: FlaskClient
    token: str
    marketplace: Marketplace

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get("/api/v1" + path, headers=self.headers(), **kwargs)

    def put(self, path: str, json: Any) -> Any:
        return self.client.put("/api/v1" + path, json=json, headers=self.headers())

    def post(self, path: str, json: Any, key: str | None = None) -> Any:
        extra = {"Idempotency-Key": key} if key else None
        return self.client.post("/api/v1" + path, json=json, headers=self.headers(extra))

    def people_and_order(self, order_id: str = "o-1", delivered: bool = True) -> dict[str, Any]:
        """A buyer b-1, a seller s-1 and an order, dispatched 20 days ago and (by default) received."""
        for external_id, role in (("b-1", "buyer"), ("s-1", "seller")):
            answer = self.put(
                f"/users/{external_id}",
                {"role": role, "name": f"{role.title()} One", "email": f"{external_id}@shop.example"},
            )
            assert answer.status_code == 200, answer.json
        body = {
            "buyer": "b-1",
            "seller": "s-1",
            "currency": "USD",
            "paid_at": (NOW - timedelta(days=22)).isoformat(),
            "listing": {
                "title": "Ceramic teapot",
                "description": "Hand-made, 1 litre, blue glaze.",
                "attributes": {"colour": "blue", "volume": "1 l"},
                "price": "45.00",
                "shipping": "5.00",
                "photos": [{"filename": "teapot.jpg", "content_base64": photo_b64("Teapot")}],
            },
        }
        order = self.put(f"/orders/{order_id}", body)
        assert order.status_code == 200, order.json
        event = {"type": "dispatched", "tracking_number": "LP1", "at": (NOW - timedelta(days=20)).isoformat()}
        assert self.post(f"/orders/{order_id}/events", event).status_code == 200
        if delivered:
            received = {"type": "receipt_confirmed", "at": (NOW - timedelta(days=2)).isoformat()}
            assert self.post(f"/orders/{order_id}/events", received).status_code == 200
        return order.json

    def open_dispute(self, order_id: str = "o-1", **overrides: Any) -> dict[str, Any]:
        body = {
            "order": order_id,
            "received": True,
            "reason": "damaged_in_transit",
            "resolution": "refund_only",
            "amount": "30.00",
            "description": "The spout is cracked.",
            "evidence": [{"filename": "crack.jpg", "content_base64": photo_b64("Crack")}],
            **overrides,
        }
        answer = self.post("/disputes", body)
        assert answer.status_code == 201, answer.json
        return answer.json


def make_api(client: FlaskClient, name: str, scopes: tuple[str, ...] = SCOPES) -> Api:
    marketplace = Marketplace(name=name, policy="aliexpress")
    db.session.add(marketplace)
    db.session.flush()
    _, token = issue_key(marketplace, NOW, scopes)
    db.session.commit()
    return Api(client, token, marketplace)
