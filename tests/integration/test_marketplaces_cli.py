"""`flask marketplaces create` and the migration that gave existing rows to the demo marketplace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import test_migrations
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text
from test_migrations import MIGRATIONS, migrated_app

from webapp.core.extensions import db
from webapp.marketplaces.models import Marketplace


def test_create_a_marketplace_with_a_policy(app: Flask, runner: Any):
    result = runner.invoke(args=["marketplaces", "create", "Shop One", "--policy", "dhgate"])
    assert result.exit_code == 0, result.output
    assert "Created marketplace Shop One (dhgate)" in result.output
    with app.app_context():
        assert db.session.scalar(select(Marketplace.policy).where(Marketplace.name == "Shop One")) == "dhgate"


def test_an_unknown_policy_or_a_taken_name_is_refused(app: Flask, runner: Any):
    result = runner.invoke(args=["marketplaces", "create", "Shop", "--policy", "ebay"])
    assert result.exit_code != 0 and "Unknown policy 'ebay'" in result.output
    runner.invoke(args=["marketplaces", "create", "Shop", "--policy", "aliexpress"])
    again = runner.invoke(args=["marketplaces", "create", "Shop", "--policy", "aliexpress"])
    assert again.exit_code != 0 and "already exists" in again.output


empty_database_url = test_migrations.empty_database_url


def test_the_migration_gives_existing_users_and_orders_to_a_demo_marketplace(
    empty_database_url: str,
    tmp_path: Path,
):
    app = migrated_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="a3c1d2e4f5b6")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (email, name, password_hash, role, membership_tier, created_at) "
                    "VALUES ('old@example.com', 'Old', '', 'buyer', 'regular', '2026-01-01 00:00:00')"
                )
            )
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            row = connection.execute(
                text("SELECT m.name, u.locale FROM users u JOIN marketplaces m ON m.id = u.marketplace_id")
            ).one()
        assert tuple(row) == ("Demo marketplace", None)  # "en" was only the default: no choice
        db.engine.dispose()


def test_users_create_puts_a_mediator_in_the_named_marketplace(app: Flask, runner: Any):
    runner.invoke(args=["marketplaces", "create", "Shop Three", "--policy", "dhgate"])
    args = ["users", "create", "--role", "mediator", "--password", "long enough"]
    created = runner.invoke(args=[*args, "mia@shop3.example", "--marketplace", "Shop Three"])
    assert created.exit_code == 0, created.output
    unknown = runner.invoke(args=[*args, "x@y.example", "--marketplace", "Nope"])
    assert unknown.exit_code != 0 and "no marketplace named 'Nope'" in unknown.output
    with app.app_context():
        from webapp.accounts.models import User

        mia = db.session.scalar(select(User).where(User.email == "mia@shop3.example"))
        assert db.session.get_one(Marketplace, mia.marketplace_id).name == "Shop Three"
