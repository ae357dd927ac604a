"""The app's database connection settings."""

from __future__ import annotations

import sqlite3

import pytest
from dispute_world import World, ago
from flask import Flask
from sqlalchemy import make_url, select, text

from webapp.core import config
from webapp.core.extensions import db
from webapp.disputes.models import Dispute


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


def _hold_the_write_lock(app: Flask) -> sqlite3.Connection:
    """Another process's writer, as far as the app can tell: a connection holding BEGIN IMMEDIATE."""
    holder = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


@pytest.mark.sqlite
def test_a_post_takes_the_write_lock_before_it_reads_and_a_page_reads_without_it(
    app: Flask, client, auth, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispute_id = world.open(ago(1)).id
    auth.login_as(world.buyer)
    monkeypatch.setattr(config, "SQLITE_BUSY_TIMEOUT_MS", 300)  # new connections wait 0.3 s at most
    db.session.remove()
    db.engine.dispose()
    holder = _hold_the_write_lock(app)
    try:
        page = client.get(f"/disputes/{dispute_id}")
        assert page.status_code == 200  # had it asked for the lock, it would have got a 503
        busy = client.post(f"/disputes/{dispute_id}/message", data={"body": "Hello"})
        assert busy.status_code == 503
        assert "Nothing was saved: try again in a moment." in busy.get_data(as_text=True)
    finally:
        holder.rollback()
        holder.close()
    assert client.post(f"/disputes/{dispute_id}/message", data={"body": "Hello"}).status_code == 303


@pytest.mark.sqlite
def test_outside_requests_reads_stay_fresh_and_the_lock_comes_with_the_first_locking_read(
    app: Flask, world: World
) -> None:
    dispute_id = world.open(ago(1)).id
    path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        db.session.scalar(select(Dispute.version).where(Dispute.id == dispute_id))
        raw = db.session.connection().connection.dbapi_connection
        assert raw is not None and not raw.in_transaction  # a read leaves no snapshot and no lock
        probe.execute("UPDATE disputes SET description = 'Changed' WHERE id = ?", (dispute_id,))
        assert db.session.scalar(select(Dispute.description).where(Dispute.id == dispute_id)) == "Changed"
        db.session.scalar(select(Dispute).where(Dispute.id == dispute_id).with_for_update())
        assert raw.in_transaction
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            probe.execute("BEGIN IMMEDIATE")  # the locking read took the write lock
    finally:
        db.session.rollback()
        probe.close()
