"""Requests from other sites, caching of dispute data, HSTS, redirects after login, filenames, refusals."""

from __future__ import annotations

import re
from typing import Any

import pytest
from dispute_world import World, ago
from flask import g
from sqlalchemy import func, select
from test_evidence_locker import HX, items, text

from webapp.core.extensions import db
from webapp.disputes.models import Message

PASSWORD = "correct horse battery"
CROSS_SITE = "This request came from another website, so it was refused."


def messages() -> int:
    return db.session.scalar(select(func.count(Message.id))) or 0


class TestCrossSiteWrites:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    @staticmethod
    def token(client: Any, dispute_id: int) -> str:
        g.pop("csrf_token", None)
        page = text(client.get(f"/disputes/{dispute_id}"))
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Origin": "http://localhost.evil.example"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
        ],
        ids=["other-origin", "null-origin", "lookalike-origin", "sec-fetch-site", "fetch-site-wins"],
    )
    def test_a_valid_token_from_another_site_is_refused_with_words(
        self, client, auth, world: World, headers: dict[str, str]
    ):
        dispute = world.open(ago(1))
        auth.login_as(world.buyer)
        form = {"body": "Sent by a hidden form", "csrf_token": self.token(client, dispute.id)}
        refused = client.post(f"/disputes/{dispute.id}/message", data=form, headers=headers)
        assert refused.status_code == 403 and CROSS_SITE in text(refused)
        assert messages() == 0
        logout = client.post("/logout", data={"csrf_token": form["csrf_token"]}, headers=headers)
        assert logout.status_code == 403
        assert client.get("/orders").status_code == 200  # still logged in

    @pytest.mark.parametrize(
        "headers",
        [{}, {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}],
        ids=["no-headers", "same-origin", "typed-by-the-user"],
    )
    def test_the_same_site_with_its_token_is_accepted(self, client, auth, world: World, headers):
        dispute = world.open(ago(1))
        auth.login_as(world.buyer)
        form = {"body": "Hello", "csrf_token": self.token(client, dispute.id)}
        assert client.post(f"/disputes/{dispute.id}/message", data=form, headers=headers).status_code == 303
        assert messages() == 1

    def test_reading_from_a_link_on_another_site_still_works(self, client, auth, world: World):
        dispute = world.open(ago(1))
        auth.login_as(world.buyer)
        headers = {"Sec-Fetch-Site": "cross-site", "Origin": "https://mail.example"}
        assert client.get(f"/disputes/{dispute.id}", headers=headers).status_code == 200


def test_pages_with_dispute_data_are_never_stored_and_static_files_are_cached(client, auth, world: World):
    dispute = world.open(ago(1))
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    auth.login_as(world.buyer)
    for url, headers in (
        (f"/disputes/{dispute.id}", {}),
        (f"/disputes/{dispute.id}/parts/thread", HX),
        ("/", {}),
        ("/no-such-page", {}),
    ):
        assert client.get(url, headers=headers).headers["Cache-Control"] == "no-store", url
    original = client.get(f"/evidence/{items(dispute.id)[0].uuid}/original")
    assert original.headers["Cache-Control"] == "private, no-store"  # it may carry GPS
    original.close()
    css = client.get("/static/css/app.css")
    assert "no-store" not in css.headers.get("Cache-Control", "")
    css.close()


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


class TestProduction:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"APP_ENV": "production"}

    def test_hsts_on_every_response(self, client):
        for url in ("/login", "/no-such-page", "/static/css/app.css"):
            response = client.get(url)
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
            response.close()


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example/x",
        "/%0a/evil.example",
        "/%0d/evil.example",
        "/%5Cevil.example",
        "/%2F/evil.example",
        "//evil.example",
        "https://evil.example/",
        "/%2509/evil.example",
        "/%0b/evil.example",
        "/%00/evil.example",
    ],
)
def test_login_never_redirects_off_the_site(client, make_user, target: str):
    user = make_user()
    response = client.post(f"/login?next={target}", data={"email": user.email, "password": PASSWORD})
    if response.status_code == 400:  # a control character (NUL, VT) is refused at the door, in words
        assert "control character" in response.get_data(as_text=True) and "Location" not in response.headers
        return
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_login_still_returns_to_a_path_on_the_site(client, make_user):
    user = make_user()
    response = client.post(
        "/login?next=/disputes/3%3Ftab%3Devidence", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/disputes/3?tab=evidence"
