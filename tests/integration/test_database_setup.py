"""The app's database connection settings."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from webapp.core.extensions import db


@pytest.mark.sqlite
def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(app: Flask) -> None:
    with app.app_context():
        assert db.engine.dialect.name == "sqlite"
        with db.engine.connect() as connection:
            assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert connection.scalar(text("PRAGMA foreign_keys")) == 1
            assert connection.scalar(text("PRAGMA busy_timeout")) >= 5000


def test_every_model_table_exists(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        for table in ("users", "clock_settings"):
            assert connection.scalar(text(f"SELECT COUNT(*) FROM {table}")) == 0
