"""People and orders pushed by a marketplace: upserts by external id, listing snapshots, shipping events."""

from __future__ import annotations

from datetime import timedelta

from api_helpers import Api, photo_b64
from dispute_world import NOW


def test_a_person_is_created_then_updated_by_external_id(api: Api):
    body = {
        "role": "buyer",
        "name": "Ann",
        "email": "Ann@Shop.example",
        "locale": "de",
        "membership_tier": "gold",
    }
    created = api.put("/users/b-9", body)
    assert created.status_code == 200
    assert created.json["email"] == "ann@shop.example" and created.json["membership_tier"] == "gold"
    updated = api.put("/users/b-9", {**body, "name": "Ann B."})
    assert updated.json["id"] == created.json["id"] and updated.json["name"] == "Ann B."
    assert api.get("/users/b-9").json["name"] == "Ann B."


def test_a_role_never_changes_and_bad_fields_are_named(api: Api):
    api.put("/users/p-1", {"role": "buyer", "name": "P", "email": "p@shop.example"})
    refused = api.put("/users/p-1", {"role": "seller", "name": "P", "email": "p@shop.example"})
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert "role" in refused.json["errors"]
    invalid = api.put("/users/p-2", {"role": "mediator", "name": "", "email": "nope"})
    assert invalid.status_code == 422 and {"role", "email", "name"} <= set(invalid.json["errors"])


def test_an_order_keeps_its_listing_snapshot_and_refuses_a_changed_one(api: Api):
    order = api.people_and_order()
    listing = order["listing"]
    assert listing["title"] == "Ceramic teapot" and listing["attributes"] == {
        "colour": "blue",
        "volume": "1 l",
    }
    assert len(listing["photos"]) == 1 and len(listing["photos"][0]["sha256"]) == 64
    shown = api.get("/orders/o-1").json
    assert shown["dispatched_at"] and shown["receipt_confirmed_at"] and shown["tracking_number"] == "LP1"
    again = {
        "buyer": "b-1",
        "seller": "s-1",
        "currency": "USD",
        "paid_at": (NOW - timedelta(days=22)).isoformat(),
        "listing": {"title": "Ceramic teapot (now 2 litres)", "price": "45.00", "shipping": "5.00"},
    }
    refused = api.put("/orders/o-1", again)
    assert refused.status_code == 409 and "never change" in refused.json["detail"]
    assert api.get("/orders/o-1").json["listing"]["title"] == "Ceramic teapot"


def test_a_listing_photo_that_is_not_a_photo_is_refused_and_nothing_is_kept(api: Api):
    api.people_and_order()
    body = {
        "buyer": "b-1",
        "seller": "s-1",
        "currency": "USD",
        "paid_at": NOW.isoformat(),
        "listing": {
            "title": "Lamp",
            "price": "10.00",
            "photos": [{"filename": "x.jpg", "content_base64": "aGVsbG8gd29ybGQ="}],
        },
    }
    refused = api.put("/orders/o-2", body)
    assert refused.status_code == 422 and "not a photo" in refused.json["errors"]["listing.photos"]
    assert api.get("/orders/o-2").status_code == 404
    bad = api.put(
        "/orders/o-2",
        {**body, "listing": {**body["listing"], "photos": [{"filename": "y", "content_base64": "***"}]}},
    )
    assert bad.status_code == 422


def test_shipping_events_drive_the_opening_window(api: Api):
    api.people_and_order(delivered=False)
    extended = api.post(
        "/orders/o-1/events",
        {"type": "protection_extended", "protection_ends_at": (NOW + timedelta(days=90)).isoformat()},
    )
    assert extended.status_code == 200
    assert extended.json["protection_ends_at"].startswith((NOW + timedelta(days=90)).date().isoformat())
    earlier = api.post(
        "/orders/o-1/events", {"type": "protection_extended", "protection_ends_at": NOW.isoformat()}
    )
    assert earlier.status_code == 422
    future = api.post(
        "/orders/o-1/events", {"type": "delivered", "at": (NOW + timedelta(days=3)).isoformat()}
    )
    assert future.status_code == 422 and "future" in future.json["errors"]["at"]


def test_an_order_needs_known_parties_in_their_roles(api: Api):
    api.put("/users/b-1", {"role": "buyer", "name": "B", "email": "b@shop.example"})
    body = {
        "buyer": "b-1",
        "seller": "b-1",
        "currency": "USD",
        "paid_at": NOW.isoformat(),
        "listing": {
            "title": "Lamp",
            "price": "10.00",
            "photos": [{"filename": "l.jpg", "content_base64": photo_b64()}],
        },
    }
    refused = api.put("/orders/o-3", body)
    assert refused.status_code == 422 and "not a seller" in refused.json["errors"]["seller"]
