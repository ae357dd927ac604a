"""Sessions end on the server: logout, a new password and disabling end every copy of every session."""

from __future__ import annotations

from typing import Any

import pytest
from dispute_world import World, ago
from flask import g
from sqlalchemy import func, select

from webapp.core.extensions import db
from webapp.disputes.models import Message
from webapp.evidence.models import EvidenceItem

PASSWORD = "correct horse battery"


class Stolen:
    """A second browser holding a copy of the first one's session cookie, taken while it was logged in."""

    def __init__(self, app: Any, client: Any) -> None:
        self._client = app.test_client()
        cookie = client.get_cookie("session")
        assert cookie is not None
        self._client.set_cookie("session", cookie.value)

    def _fresh(self) -> Any:
        # Tests share one app context (and `g`) between requests: forget the user loaded last time.
        g.pop("_login_user", None)
        return self._client

    def get(self, url: str) -> Any:
        return self._fresh().get(url)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self._fresh().post(url, **kwargs)


def logged_in_buyer(client: Any, world: World) -> Any:
    """The buyer logs in through the form (as a person would) and has a dispute with a photo."""
    dispute = world.open(ago(1))
    g.pop("_login_user", None)
    assert client.post("/login", data={"email": world.buyer.email, "password": PASSWORD}).status_code == 303
    return dispute


def messages(dispute_id: int) -> int:
    return db.session.scalar(select(func.count(Message.id)).where(Message.dispute_id == dispute_id)) or 0


def assert_everything_refused(stolen: Stolen, dispute_id: int) -> None:
    photo = db.session.scalars(select(EvidenceItem).where(EvidenceItem.dispute_id == dispute_id)).first()
    assert photo is not None
    page = stolen.get(f"/disputes/{dispute_id}")
    assert page.status_code == 303 and page.headers["Location"].startswith("/login?next=")
    before = messages(dispute_id)
    posted = stolen.post(f"/disputes/{dispute_id}/message", data={"body": "still here"})
    assert posted.status_code == 303 and posted.headers["Location"].startswith("/login")
    assert messages(dispute_id) == before
    original = stolen.get(f"/evidence/{photo.uuid}/original")
    assert original.status_code == 303 and original.headers["Location"].startswith("/login")
    assert not original.data.startswith(b"\xff\xd8")  # no JPEG bytes


def test_a_copied_cookie_works_until_logout_and_then_fails_for_pages_actions_and_originals(
    app, client, world: World
):
    dispute = logged_in_buyer(client, world)
    stolen = Stolen(app, client)
    photo = db.session.scalars(select(EvidenceItem).where(EvidenceItem.dispute_id == dispute.id)).one()
    assert stolen.get(f"/disputes/{dispute.id}").status_code == 200
    original = stolen.get(f"/evidence/{photo.uuid}/original")
    assert original.status_code == 200 and original.data[:3] == b"\xff\xd8\xff"  # works before logout
    original.close()
    g.pop("_login_user", None)
    assert client.post("/logout").status_code == 303
    assert_everything_refused(stolen, dispute.id)


def test_a_new_password_ends_every_session_and_the_new_one_logs_in(app, client, runner, world: World):
    dispute = logged_in_buyer(client, world)
    stolen = Stolen(app, client)
    result = runner.invoke(args=["users", "set-password", world.buyer.email, "--password", "a new secret"])
    assert result.exit_code == 0, result.output
    assert "every session of it has ended" in result.output
    assert_everything_refused(stolen, dispute.id)
    g.pop("_login_user", None)
    assert client.get(f"/disputes/{dispute.id}").status_code == 303  # the owner's own browser too
    login = {"email": world.buyer.email, "password": "a new secret"}
    assert client.post("/login", data=login).status_code == 303
    g.pop("_login_user", None)
    assert client.get(f"/disputes/{dispute.id}").status_code == 200


def test_disabling_an_account_ends_its_sessions_and_refuses_its_login(app, client, runner, world: World):
    dispute = logged_in_buyer(client, world)
    stolen = Stolen(app, client)
    result = runner.invoke(args=["users", "disable", world.buyer.email])
    assert result.exit_code == 0, result.output
    assert_everything_refused(stolen, dispute.id)
    g.pop("_login_user", None)
    refused = client.post("/login", data={"email": world.buyer.email, "password": PASSWORD})
    assert refused.status_code == 403 and "This account is disabled" in refused.get_data(as_text=True)
    assert runner.invoke(args=["users", "enable", world.buyer.email]).exit_code == 0
    assert client.post("/login", data={"email": world.buyer.email, "password": PASSWORD}).status_code == 303


def test_unknown_emails_are_refused_by_the_account_commands(runner):
    result = runner.invoke(args=["users", "disable", "nobody@example.com"])
    assert result.exit_code == 1 and "There is no user with email nobody@example.com." in result.output
    short = runner.invoke(args=["users", "set-password", "nobody@example.com", "--password", "short"])
    assert short.exit_code == 1 and "too short" in short.output


class TestLoginRotatesTheSession:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def test_login_drops_what_the_session_held_before_and_issues_a_new_csrf_token(self, client, make_user):
        user = make_user(email="rota@example.com")
        client.get("/login")
        with client.session_transaction() as session:
            session["planted"] = "by someone else"  # what a fixation attack would leave behind
            token_before = session["csrf_token"]
        login_page = client.get("/login").get_data(as_text=True)
        token = login_page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        form = {"email": user.email, "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=form).status_code == 303
        with client.session_transaction() as session:
            assert "planted" not in session
            assert session.get("csrf_token") != token_before
            assert session["_user_id"] == user.get_id()
