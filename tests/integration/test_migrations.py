"""The migrations build the schema from empty on this database, and agree with the models."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from dispute_world import World, ago, make_order
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text

from dispute_engine import Action
from webapp import create_app
from webapp.accounts.models import Role, User
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.history.models import Event
from webapp.marketplaces.models import demo_marketplace

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL schema."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    schema = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{url}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def migrated_app(url: str, tmp_path: Path) -> Any:
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "MEDIA_ROOT": str(tmp_path / "media")}
    )


def test_upgrade_from_empty_builds_exactly_the_models_schema(empty_database_url: str, tmp_path: Path):
    app = migrated_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            diff = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata
            )
        assert diff == [], f"models and migrations disagree: {diff}"
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


HISTORY_CHAIN = "88db93df145b"


def _a_dispute_with_history() -> int:
    marketplace_id = demo_marketplace().id
    people = [
        User(marketplace_id=marketplace_id, email=f"{role}@example.com", name=role.title(), role=Role(role))
        for role in ("buyer", "seller")
    ]
    for person in people:
        person.set_password("correct horse battery")
    db.session.add_all(people)
    db.session.flush()
    buyer, seller = people
    world = World(buyer, seller, seller, buyer, make_order(buyer, seller))
    dispute = world.open(ago(3))
    world.act(seller, dispute, Action.REJECT_REQUEST, ago(2), lambda c: negotiation.reject_request(c, {}))
    world.act(buyer, dispute, Action.SEND_MESSAGE, ago(1), lambda c: negotiation.send_message(c, "Why?"))
    return dispute.id


def _chain_of(dispute_id: int) -> list[tuple[int, int, str, str]]:
    db.session.expire_all()
    query = select(Event).where(Event.dispute_id == dispute_id).order_by(Event.id)
    return [(e.id, e.sequence, e.prev_hash, e.hash) for e in db.session.scalars(query)]


def test_h1_the_history_chain_migration_seals_existing_events_in_order_as_the_app_would(
    empty_database_url: str, tmp_path: Path
):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "JOBS": "eager",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    with app.app_context():  # the app writes in its own context, as a request would
        dispute_id = _a_dispute_with_history()
        written = _chain_of(dispute_id)
        db.session.commit()
    with app.app_context():
        below = ScriptDirectory(MIGRATIONS).get_revision(HISTORY_CHAIN).down_revision
        downgrade(directory=MIGRATIONS, revision=below)  # events without seals, as before the migration
        upgrade(directory=MIGRATIONS)  # seals them
        assert len(written) == 3
        assert _chain_of(dispute_id) == written
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
