"""Rate limits: password guessing per account and per address; each person's messages, proposals, uploads."""

from __future__ import annotations

import re
import time
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from dispute_world import World, ago
from flask import g
from sqlalchemy import func, select

from dispute_engine import Action
from webapp.core.config import DEFAULT_BROKER_URL, ConfigError, from_env
from webapp.core.extensions import db
from webapp.core.rate_limits import limiter
from webapp.disputes import negotiation
from webapp.disputes.models import Message

PASSWORD = "correct horse battery"
TIGHT_LOGINS = {
    "RATELIMIT_LOGIN_PER_ACCOUNT": "3 per 15 minutes",
    "RATELIMIT_LOGIN_PER_ADDRESS": "5 per 15 minutes",
}


def login(client: Any, email: str, password: str, address: str = "10.0.0.1") -> Any:
    # Tests share one app context between requests: forget what the last request left in `g`.
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def explanation(response: Any) -> str:
    """The sentence of an error page, or of the alert on the login form or the dispute page."""
    html = response.get_data(as_text=True)
    found = re.search(r'<p class="alert alert--error" role="alert"[^>]*>(.*?)</p>', html) or re.search(
        r'<h1 id="error-title">.*?</h1>\s*<p>(.*?)</p>', html, re.S
    )
    assert found, html
    return found.group(1).strip()


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch):
    """later(seconds): the rate limits' clock (the memory storage's) moves on, nothing else does."""
    from limits.storage import memory

    offset = [0.0]
    monkeypatch.setattr(memory, "time", SimpleNamespace(time=lambda: time.time() + offset[0]))

    def move(seconds: float) -> None:
        offset[0] += seconds

    return move


class TestLogin:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return TIGHT_LOGINS

    def test_the_fourth_wrong_password_is_429_and_even_the_right_one_waits_for_the_window(
        self, client, make_user, later
    ):
        user = make_user(email="target@example.com")
        # Each guess from another address: the account's own limit still counts them all.
        for n in range(3):
            assert login(client, user.email, f"guess {n}", f"10.0.1.{n}").status_code == 400
        guessed = login(client, user.email, "guess 4", "10.0.1.9")
        assert guessed.status_code == 429
        assert explanation(guessed) == (
            "Too many failed logins for this account or from your network. Wait 15 minutes, then try again."
        )
        assert "Please slow down" in guessed.get_data(as_text=True)
        assert 0 < int(guessed.headers["Retry-After"]) <= 900
        assert login(client, user.email, PASSWORD, "10.0.1.10").status_code == 429  # the right one too
        later(14 * 60)
        assert login(client, user.email, PASSWORD, "10.0.1.10").status_code == 429
        later(61)
        assert login(client, user.email, PASSWORD, "10.0.1.10").status_code == 303

    def test_an_unknown_email_and_a_wrong_password_get_the_same_answers(self, app, make_user):
        known = make_user(email="known@example.com").email
        answers = {}
        for email, address in ((known, "10.0.2.1"), ("unknown@example.com", "10.0.2.2")):
            browser = app.test_client()
            tries = [login(browser, email, "not it", address) for _ in range(4)]
            answers[email] = [(r.status_code, explanation(r), sorted(r.headers.keys())) for r in tries]
        assert answers[known] == answers["unknown@example.com"]
        assert [status for status, _words, _headers in answers[known]] == [400, 400, 400, 429]
        assert answers[known][0][1] == "Email or password is wrong."

    def test_one_address_guessing_many_accounts_is_stopped_and_other_addresses_are_not(
        self, client, make_user
    ):
        emails = [make_user(email=f"staff{n}@example.com").email for n in range(4)]
        for email in (emails[0], emails[0], emails[1], emails[1], emails[2]):  # 5: no account past 3
            assert login(client, email, "guess", "10.0.3.1").status_code == 400
        assert login(client, emails[3], PASSWORD, "10.0.3.1").status_code == 429
        assert login(client, emails[3], PASSWORD, "10.0.3.2").status_code == 303

    def test_successful_logins_are_not_counted(self, client, make_user):
        user = make_user(email="often@example.com")
        for _ in range(8):
            assert login(client, user.email, PASSWORD).status_code == 303
            assert client.post("/logout").status_code == 303


class TestPace:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"RATELIMIT_MESSAGES": "2 per 10 minutes", "RATELIMIT_PROPOSALS": "1 per hour"}

    def test_a_person_past_the_message_limit_gets_429_in_words_and_the_other_party_can_still_write(
        self, client, auth, world: World
    ):
        dispute = world.open(ago(1))

        def count() -> int:
            return db.session.scalar(select(func.count(Message.id))) or 0

        auth.login_as(world.buyer)
        for n in range(2):
            assert client.post(f"/disputes/{dispute.id}/message", data={"body": f"n{n}"}).status_code == 303
        refused = client.post(f"/disputes/{dispute.id}/message", data={"body": "third"})
        assert refused.status_code == 429 and count() == 2
        assert explanation(refused) == (
            "You have sent many messages in a short time. Wait 10 minutes, then try again."
        )
        auth.login_as(world.seller)
        assert client.post(f"/disputes/{dispute.id}/message", data={"body": "mine"}).status_code == 303

    def test_with_htmx_the_429_is_shown_in_the_dispute_pages_status_line(self, client, auth, world: World):
        dispute = world.open(ago(1))
        auth.login_as(world.buyer)
        for n in range(3):
            answer = client.post(
                f"/disputes/{dispute.id}/message", data={"body": f"n{n}"}, headers={"HX-Request": "true"}
            )
        assert answer.status_code == 429 and answer.headers["HX-Retarget"] == "#dispute-status"
        assert "You have sent many messages in a short time. Wait 10 minutes" in answer.get_data(as_text=True)

    def test_proposals_have_their_own_limit(self, client, auth, world: World):
        dispute = world.open(ago(2))
        world.act(
            world.seller, dispute, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, {})
        )
        auth.login_as(world.seller)
        form = {"resolution": "refund_only", "amount": "10"}
        assert client.post(f"/disputes/{dispute.id}/add-solution", data=form).status_code == 303
        again = client.post(f"/disputes/{dispute.id}/add-solution", data=form, headers={"HX-Request": "true"})
        assert again.status_code == 429 and "made many proposals" in again.get_data(as_text=True)
        assert client.post(f"/disputes/{dispute.id}/message", data={"body": "still"}).status_code == 303


class TestUploads:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"RATELIMIT_UPLOADS": "1 per hour"}

    def test_uploads_past_the_limit_are_refused_before_anything_is_stored(self, client, auth, world: World):
        from test_evidence_locker import items, jpeg, upload

        dispute = world.open(ago(1))
        auth.login_as(world.buyer)
        assert upload(client, dispute.id, jpeg((1, 1, 1)), "one.jpg").status_code == 303
        before = len(items(dispute.id))
        refused = upload(client, dispute.id, jpeg((2, 2, 2)), "two.jpg")
        assert refused.status_code == 429 and "sent many files" in explanation(refused)
        assert len(items(dispute.id)) == before
        row = upload(client, dispute.id, jpeg((3, 3, 3)), "three.jpg", headers={"HX-Request": "true"})
        html = row.get_data(as_text=True)
        assert row.status_code == 429 and "HX-Retarget" not in row.headers  # refused in its own row
        assert html.lstrip().startswith('<li class="upload-row upload-row--refused" role="alert">')
        assert "<strong>three.jpg</strong>: not added. You have sent many files in a short time." in html


@pytest.mark.redis
class TestOnRedis:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        prefix = f"test-{uuid.uuid4().hex}"
        return {**TIGHT_LOGINS, "RATELIMIT_STORAGE_URI": DEFAULT_BROKER_URL, "RATELIMIT_KEY_PREFIX": prefix}

    def test_the_counters_are_shared_through_redis(self, app, client, make_user):
        user = make_user(email="shared@example.com")
        for _ in range(3):
            assert login(client, user.email, "guess").status_code == 400
        assert login(app.test_client(), user.email, PASSWORD).status_code == 429  # another "process"
        server = redis.Redis.from_url(DEFAULT_BROKER_URL)
        keys = list(server.scan_iter(match=f"*{limiter._key_prefix}*"))
        assert keys, "the counters are in Redis"
        server.delete(*keys)


def test_limits_are_settings_and_a_wrong_one_is_refused_at_start():
    assert from_env("/srv", {})["RATELIMIT_STORAGE_URI"] == "memory://"
    production = {"APP_ENV": "production", "SECRET_KEY": "x" * 32, "BROKER_URL": "redis://cache:6379/1"}
    assert from_env("/srv", production)["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/1"
    assert from_env("/srv", {"RATELIMIT_MESSAGES": "5 per minute"})["RATELIMIT_MESSAGES"] == "5 per minute"
    with pytest.raises(ConfigError, match="RATELIMIT_UPLOADS"):
        from_env("/srv", {"RATELIMIT_UPLOADS": "lots"})


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"RATELIMIT_LOGIN_PER_ADDRESS": "2 per 15 minutes", "TRUSTED_PROXY_HOPS": 1}

    def test_the_address_counted_is_the_one_the_trusted_proxy_saw(self, client, db_session):
        def via_proxy(client_address: str) -> int:
            g.pop("_login_user", None)
            return client.post(
                "/login",
                data={"email": f"{client_address}@example.com", "password": "guess"},
                environ_base={"REMOTE_ADDR": "10.9.9.9"},
                headers={"X-Forwarded-For": client_address},
            ).status_code

        assert [via_proxy("203.0.113.7") for _ in range(3)] == [400, 400, 429]
        assert via_proxy("198.51.100.2") == 400  # another person behind the same proxy
