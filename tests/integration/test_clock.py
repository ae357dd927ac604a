"""The app clock: offset stored in the database, moved by `flask clock travel`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from webapp import create_app
from webapp.core import clock
from webapp.core.extensions import db

TOLERANCE = timedelta(seconds=30)


def _offset_seen_by_another_app(app: Flask) -> int:
    """Read the offset through a separate app and engine, like another process would."""
    other = create_app({**app.config, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with other.app_context():
        try:
            return clock.read_offset(db.session)
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"ENABLE_TIME_TRAVEL": True}


def test_travel_adds_to_the_offset_shared_through_the_database(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=["clock", "travel", "7d"])
    assert result.exit_code == 0, result.output
    assert "App time:" in result.output
    result = runner.invoke(args=["clock", "travel", "36h"])
    assert result.exit_code == 0, result.output
    assert _offset_seen_by_another_app(app) == 7 * 86_400 + 36 * 3_600
    with app.app_context():
        ahead = clock.clock_now(db.session) - clock.real_now()
    assert abs(ahead - timedelta(days=8, hours=12)) < TOLERANCE


def test_show_and_reset(app: Flask, runner: Any) -> None:
    runner.invoke(args=["clock", "travel", "90m"])
    shown = runner.invoke(args=["clock", "show"])
    assert "offset 1:30:00" in shown.output
    assert "Real time:" in shown.output
    result = runner.invoke(args=["clock", "reset"])
    assert result.exit_code == 0, result.output
    assert _offset_seen_by_another_app(app) == 0


@pytest.mark.parametrize("command", [["travel", "7d"], ["reset"]])
def test_refused_without_enable_time_travel(app: Flask, runner: Any, command: list[str]) -> None:
    app.config["ENABLE_TIME_TRAVEL"] = False
    result = runner.invoke(args=["clock", *command])
    assert result.exit_code == 1
    assert "Set ENABLE_TIME_TRAVEL=1" in result.output
    assert _offset_seen_by_another_app(app) == 0


def test_show_works_without_enable_time_travel(app: Flask, runner: Any) -> None:
    app.config["ENABLE_TIME_TRAVEL"] = False
    assert runner.invoke(args=["clock", "show"]).exit_code == 0


@pytest.mark.parametrize("text", ["7x", "7", "d", "-1d", "7 d", ""])
def test_bad_duration_gives_clear_message(runner: Any, text: str) -> None:
    result = runner.invoke(args=["clock", "travel", "--", text])
    assert result.exit_code == 2
    assert "as a duration" in result.output
    assert "7d, 36h, 90m" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("36h", timedelta(hours=36)),
        ("90m", timedelta(minutes=90)),
        ("45s", timedelta(seconds=45)),
        ("2w", timedelta(weeks=2)),
        ("1d12h", timedelta(days=1, hours=12)),
        (" 3D ", timedelta(days=3)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert clock.parse_duration(text) == expected


def test_now_reads_the_offset_once_per_request(app: Flask) -> None:
    with app.test_request_context():
        before = clock.now()
        with db.engine.begin() as connection:
            connection.execute(clock.ClockSetting.__table__.insert(), {"id": 1, "offset_seconds": 3600})
        assert clock.now() - before < TOLERANCE  # still the cached offset
    with app.test_request_context():
        assert clock.now() - clock.real_now() > timedelta(minutes=59)
        assert clock.now().tzinfo is not None


def test_new_rows_get_app_time(app: Flask, runner: Any, make_user: Any) -> None:
    runner.invoke(args=["clock", "travel", "7d"])
    user = make_user()
    assert user.created_at - clock.real_now() > timedelta(days=7) - TOLERANCE
