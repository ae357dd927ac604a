"""One-click login links: valid 5 minutes, once, landing on the person's dispute or home page."""

from __future__ import annotations

from datetime import timedelta

from api_helpers import Api
from sqlalchemy import select

from webapp.accounts.login_links import LoginLink
from webapp.accounts.models import User
from webapp.core.clock import real_now, travel
from webapp.core.extensions import db


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1]


def test_a_link_logs_the_seller_in_on_the_dispute_once(client, api: Api):
    api.people_and_order()
    dispute = api.open_dispute()
    made = api.post("/users/s-1/login-links", {"dispute_id": dispute["id"]})
    assert made.status_code == 201
    url = "/" + path_of(made.json["url"])
    token = url.rsplit("/", 1)[1]
    assert token not in {row for row in db.session.scalars(select(LoginLink.token_hash))}
    followed = client.get(url)
    assert followed.status_code == 303 and followed.headers["Location"].endswith(f"/disputes/{dispute['id']}")
    page = client.get(f"/disputes/{dispute['id']}")
    assert page.status_code == 200 and "you are the seller" in page.get_data(as_text=True)
    other = api.client.application.test_client()
    again = other.get(url)
    assert again.status_code == 410 and "used already" in again.get_data(as_text=True)


def test_a_link_expires_after_five_minutes_and_lands_home_without_a_dispute(client, api: Api):
    api.people_and_order()
    made = api.post("/users/b-1/login-links", {})
    assert made.json["url"].endswith(made.json["url"].rsplit("/", 1)[1])
    travel(db.session, timedelta(minutes=6))
    assert client.get("/" + path_of(made.json["url"])).status_code == 410
    fresh = api.post("/users/b-1/login-links", {})
    assert client.get("/" + path_of(fresh.json["url"])).headers["Location"].endswith("/")


def test_a_link_is_only_for_a_party_of_the_dispute(api: Api):
    api.people_and_order()
    dispute = api.open_dispute()
    api.put("/users/b-2", {"role": "buyer", "name": "Other", "email": "b-2@shop.example"})
    refused = api.post("/users/b-2/login-links", {"dispute_id": dispute["id"]})
    assert refused.status_code == 422 and "dispute_id" in refused.json["errors"]


def test_people_of_the_api_have_no_password_to_log_in_with(client, auth, api: Api):
    api.put("/users/b-7", {"role": "buyer", "name": "Link Only", "email": "link@shop.example"})
    refused = auth.login("link@shop.example", "")
    assert refused.status_code == 400
    assert auth.login("link@shop.example", "anything at all").status_code == 400


def test_a_link_starts_a_new_session_so_what_the_browser_held_before_is_gone(client, api: Api):
    api.people_and_order()
    with client.session_transaction() as session:
        session["csrf_token"] = "planted-before-the-link"
        session["_user_id"] = "999:0"
    made = api.post("/users/b-1/login-links", {})
    assert client.get("/" + path_of(made.json["url"])).status_code == 303
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted-before-the-link"
        buyer = db.session.scalar(select(User).where(User.external_id == "b-1"))
        assert session["_user_id"] == buyer.get_id()


def test_a_disabled_account_cannot_log_in_by_link(client, api: Api):
    api.people_and_order()
    made = api.post("/users/b-1/login-links", {})
    buyer = db.session.scalar(select(User).where(User.external_id == "b-1"))
    buyer.disable(real_now())
    db.session.commit()
    refused = client.get("/" + path_of(made.json["url"]))
    assert refused.status_code == 403 and "disabled" in refused.get_data(as_text=True)
    assert client.get("/").headers["Location"].startswith("/login")  # still logged out
