"""`flask demo reset`: the demo starts again, with an empty database and the clock at real time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from webapp import create_app
from webapp.accounts.models import User
from webapp.core import clock
from webapp.core.extensions import db
from webapp.demo import MIGRATIONS, PEOPLE
from webapp.orders.models import Order

pytestmark = pytest.mark.sqlite  # the demo's own SQLite file, whatever database the suite runs on


@pytest.fixture
def demo_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a fresh SQLite file built by the migrations, as `scripts/run` makes it."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "ENABLE_TIME_TRAVEL": True,
            "JOBS": "eager",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def emails(app: Flask) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(User.email)))


def offset(app: Flask) -> int:
    with app.app_context():
        return clock.read_offset(db.session)


def test_reset_deletes_the_data_puts_the_clock_back_and_seeds_again(demo_app: Flask):
    runner = demo_app.test_cli_runner()
    created = runner.invoke(
        args=["users", "create", "--role", "buyer", "x@example.com", "--password", "x" * 8]
    )
    assert created.exit_code == 0, created.output
    assert runner.invoke(args=["clock", "travel", "7d"]).exit_code == 0
    assert offset(demo_app) == 7 * 86_400

    result = runner.invoke(args=["demo", "reset", "--yes"])

    assert result.exit_code == 0, result.output
    assert "the app clock is back to real time" in result.output and "Demo data ready" in result.output
    assert offset(demo_app) == 0
    assert emails(demo_app) == {email for email, *_ in PEOPLE}  # x@example.com is gone
    with demo_app.app_context():
        assert db.session.scalar(select(Order.id).where(Order.number == "D-1001")) is not None


def test_reset_asks_first_and_can_leave_the_database_empty(demo_app: Flask):
    runner = demo_app.test_cli_runner()
    runner.invoke(args=["users", "create", "--role", "buyer", "x@example.com", "--password", "x" * 8])

    refused = runner.invoke(args=["demo", "reset", "--empty"], input="n\n")
    assert refused.exit_code == 1 and "start the demo again?" in refused.output
    assert emails(demo_app) == {"x@example.com"}

    emptied = runner.invoke(args=["demo", "reset", "--empty"], input="y\n")
    assert emptied.exit_code == 0, emptied.output
    assert emails(demo_app) == set()


def test_reset_refuses_in_production(demo_app: Flask):
    demo_app.config["APP_ENV"] = "production"
    runner = demo_app.test_cli_runner()
    runner.invoke(args=["users", "create", "--role", "buyer", "x@example.com", "--password", "x" * 8])
    result = runner.invoke(args=["demo", "reset", "--yes"])
    assert result.exit_code == 1
    assert "Refusing to reset a production database" in result.output
    assert emails(demo_app) == {"x@example.com"}
