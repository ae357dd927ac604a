"""`flask users create`: the password from --password, or asked twice without echo."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from webapp.accounts.models import User
from webapp.core.extensions import db


def password_works(app: Flask, email: str, password: str) -> bool:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return user is not None and user.check_password(password)


def test_create_with_password_option(app: Flask, runner: Any):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "mediator",
            "mia@example.com",
            "--name",
            "Mia",
            "--password",
            "s3cret-pass",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created mediator mia@example.com" in result.output
    assert password_works(app, "mia@example.com", "s3cret-pass")


def test_without_the_option_the_password_is_asked_twice_and_not_echoed(app: Flask, runner: Any):
    result = runner.invoke(
        args=["users", "create", "--role", "buyer", "bo@example.com"], input="s3cret-pass\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert "s3cret-pass" not in result.output
    assert password_works(app, "bo@example.com", "s3cret-pass")


def test_a_password_too_short_is_refused(app: Flask, runner: Any):
    result = runner.invoke(
        args=["users", "create", "--role", "buyer", "bo@example.com", "--password", "short"]
    )
    assert result.exit_code == 1
    assert "at least 8 characters" in result.output
    assert not password_works(app, "bo@example.com", "short")
