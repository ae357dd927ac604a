"""Logging in and out through the web pages."""

from __future__ import annotations

from typing import Any

import pytest

from webapp.core.responses import CONTENT_SECURITY_POLICY


def test_login_page_has_the_form(client: Any) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<label class="field__label" for="email">Email</label>' in html
    assert '<label class="field__label" for="password">Password</label>' in html
    assert 'value="Log in"' in html


def test_login_then_home_leads_each_role_to_its_work(client: Any, auth: Any, make_user: Any) -> None:
    make_user(role="seller", email="sam@example.com", name="Sam")
    response = auth.login("sam@example.com")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    orders = client.get("/", follow_redirects=True)
    assert "My orders" in orders.get_data(as_text=True) and "Sam" in orders.get_data(as_text=True)
    auth.logout()
    make_user(role="mediator", email="mo@example.com")
    auth.login("mo@example.com")
    assert client.get("/").headers["Location"] == "/mediation"


def test_email_is_case_insensitive(auth: Any, make_user: Any) -> None:
    make_user(email="Mia@Example.com")
    assert auth.login("  MIA@example.COM ").status_code == 303


@pytest.mark.parametrize(
    ("email", "password"),
    [("bea@example.com", "wrong password"), ("nobody@example.com", "correct horse battery")],
)
def test_wrong_credentials_rerender_form(
    client: Any, auth: Any, make_user: Any, email: str, password: str
) -> None:
    make_user(email="bea@example.com")
    response = auth.login(email, password)
    assert response.status_code == 400
    assert "Email or password is wrong." in response.get_data(as_text=True)
    assert client.get("/orders").status_code == 303


def test_empty_form_is_400(client: Any) -> None:
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)


def test_logout(client: Any, auth: Any, make_user: Any) -> None:
    user = make_user()
    auth.login_as(user)
    assert client.get("/orders").status_code == 200
    response = auth.logout()
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert "You are logged out." in client.get("/login").get_data(as_text=True)
    assert client.get("/orders").status_code == 303


def test_logout_button_in_header(client: Any, auth: Any, make_user: Any) -> None:
    auth.login_as(make_user(name="Lena"))
    html = client.get("/orders").get_data(as_text=True)
    assert 'action="/logout"' in html
    assert ">Log out</button>" in html
    assert "Lena" in html


def test_logout_needs_post(client: Any) -> None:
    response = client.get("/logout")
    assert response.status_code == 405
    assert "Allow" in response.headers


def test_anonymous_is_sent_to_login_with_next(client: Any) -> None:
    response = client.get("/?tab=open")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/?tab%3Dopen"


def test_login_follows_safe_next_only(client: Any, make_user: Any) -> None:
    make_user(email="nia@example.com")
    form = {"email": "nia@example.com", "password": "correct horse battery"}
    assert client.post("/login?next=/orders", data=form).headers["Location"] == "/orders"
    client.post("/logout")
    assert client.post("/login?next=//evil.example", data=form).headers["Location"] == "/"


def test_htmx_fragment_request_when_logged_out_gets_full_redirect(client: Any) -> None:
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=")


def test_security_headers_and_friendly_404(client: Any) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client: Any, auth: Any, make_user: Any) -> None:
    auth.login_as(make_user())
    for path in ("/", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        assert "<style" not in html
        assert " style=" not in html
        assert "<script>" not in html
        assert " on" + "click=" not in html


class TestWithCsrf:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def test_logout_without_token_is_refused(self, client: Any, auth: Any, make_user: Any) -> None:
        auth.login_as(make_user())
        response = client.post("/logout")
        assert response.status_code == 400
        assert "This form has expired" in response.get_data(as_text=True)
        assert client.get("/orders").status_code == 200

    def test_body_carries_token_for_htmx(self, client: Any) -> None:
        html = client.get("/login").get_data(as_text=True)
        assert "hx-headers='{&#34;X-CSRFToken&#34;" in html or 'hx-headers=\'{"X-CSRFToken"' in html
