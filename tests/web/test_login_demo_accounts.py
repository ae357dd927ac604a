"""The login page names the demo accounts only when the demo data is loaded, and never in production."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from webapp.accounts.models import User
from webapp.demo import PASSWORD, PEOPLE


@pytest.fixture
def demo_people(make_user: Callable[..., User]) -> None:
    """The people `flask demo seed` makes (the hint looks for them, not for orders)."""
    for email, name, role, tier in PEOPLE:
        make_user(role=role, email=email, tier=tier, name=name, password=PASSWORD)


def login_page(client: FlaskClient) -> str:
    response = client.get("/login")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_without_demo_data_the_login_page_names_no_account(client: FlaskClient, make_user: Any):
    make_user(email="buyer@example.com")  # one account with a demo address is not the demo data
    html = login_page(client)
    assert "Demo accounts" not in html
    assert PASSWORD not in html and "gold@example.com" not in html


def test_with_the_demo_data_the_login_page_names_every_demo_account(client: FlaskClient, demo_people: None):
    html = login_page(client)
    assert '<h2 id="demo-accounts">Demo accounts</h2>' in html
    assert f"<code>{PASSWORD}</code>" in html
    for email, *_ in PEOPLE:
        assert f"<code>{email}</code>" in html
    assert "(buyer, gold member)" in html and "(mediator)" in html


def test_a_failed_login_still_names_the_demo_accounts(client: FlaskClient, demo_people: None):
    response = client.post("/login", data={"email": "buyer@example.com", "password": "wrong"})
    assert response.status_code == 400
    assert "Demo accounts" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"APP_ENV": "production"}])
def test_in_production_the_login_page_never_names_the_demo_accounts(client: FlaskClient, demo_people: None):
    html = login_page(client)
    assert "Demo accounts" not in html and PASSWORD not in html
