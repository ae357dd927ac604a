"""Settings from environment variables."""

from __future__ import annotations

import pytest

from webapp.core.config import DEV_SECRET_KEY, ConfigError, database_url, engine_options, from_env


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u:p@db:5432/app", "postgresql+psycopg://u:p@db:5432/app"),
        ("postgresql://u@db/app", "postgresql+psycopg://u@db/app"),
        ("postgresql+psycopg://u@db/app", "postgresql+psycopg://u@db/app"),
        ("sqlite:////data/app.sqlite3", "sqlite:////data/app.sqlite3"),
        (None, "sqlite:////srv/instance/disputes.sqlite3"),
        ("", "sqlite:////srv/instance/disputes.sqlite3"),
    ],
)
def test_database_url(raw: str | None, expected: str) -> None:
    assert database_url(raw, "/srv/instance") == expected


def test_defaults() -> None:
    settings = from_env("/srv/instance", {})
    assert settings["SECRET_KEY"] == DEV_SECRET_KEY
    assert settings["MEDIA_ROOT"] == "/srv/instance/media"
    assert settings["ENABLE_TIME_TRAVEL"] is False
    assert settings["JOBS"] == "inline"
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_environment_values() -> None:
    env = {
        "SECRET_KEY": "s3cret",
        "DATABASE_URL": "postgres://db/app",
        "MEDIA_ROOT": "/data/media",
        "ENABLE_TIME_TRAVEL": "1",
        "JOBS": "celery",
        "BROKER_URL": "redis://cache:6379/1",
    }
    settings = from_env("/srv/instance", env)
    assert settings["SECRET_KEY"] == "s3cret"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/app"
    assert settings["MEDIA_ROOT"] == "/data/media"
    assert settings["ENABLE_TIME_TRAVEL"] is True
    assert settings["JOBS"] == "celery"
    assert settings["BROKER_URL"] == "redis://cache:6379/1"


def test_production_needs_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_env("/srv/instance", {"APP_ENV": "production"})
    settings = from_env("/srv/instance", {"APP_ENV": "production", "SECRET_KEY": "x" * 32})
    assert settings["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("value", ["0", "", "no"])
def test_time_travel_off_values(value: str) -> None:
    assert from_env("/srv/instance", {"ENABLE_TIME_TRAVEL": value})["ENABLE_TIME_TRAVEL"] is False


def test_unknown_jobs_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="inline, celery"):
        from_env("/srv/instance", {"JOBS": "threads"})


def test_a_sqlite_file_never_makes_a_request_wait_for_a_pooled_connection() -> None:
    assert engine_options("sqlite:////srv/instance/disputes.sqlite3")["max_overflow"] == -1
    assert engine_options("sqlite://") == {}  # in memory: Flask-SQLAlchemy's single connection
    assert engine_options("postgresql+psycopg://db/app") == {"pool_pre_ping": True}
