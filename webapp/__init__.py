"""The dispute and evidence dashboard: the Flask application factory."""

from __future__ import annotations

import atexit
import importlib
import os
import sqlite3
from typing import Any

from apiflask import APIFlask
from flask import Flask
from sqlalchemy import event

from webapp.core import (
    clock,
    config,
    extensions,
    i18n,
    input_checks,
    request_limits,
    sqlite_locking,
    storage,
)

# Never bind the name `db` here: `webapp.core.db` must stay the module (migrations import it).

# Append yours here ("module:attribute"); they are imported lazily by create_app().
BLUEPRINTS: list[str] = [
    "webapp.core.health:bp",
    "webapp.dashboard.home_page:bp",
    "webapp.accounts.routes:bp",
    "webapp.accounts.link_routes:bp",
    "webapp.accounts.language:bp",
    "webapp.pages.orders:bp",
    "webapp.pages.protection:bp",
    "webapp.pages.dispute:bp",
    "webapp.pages.listing:bp",
    "webapp.dashboard.queue_page:bp",
    "webapp.notifications.routes:bp",
    "webapp.evidence.routes:bp",
    "webapp.exports.routes:bp",
    "webapp.webhooks.routes:bp",
    "webapp.api.routes:bp",
]
# Features that react to the dispute (domain events, facts, jobs, clock duties) without it importing them.
FEATURE_HOOKS: list[str] = [
    "webapp.mediation.facts",
    "webapp.mediation.reactions",
    "webapp.settlement.facts",
    "webapp.settlement.reactions",
    "webapp.evidence.processing",
    "webapp.evidence.sweep",
    "webapp.evidence.originals_in_flight",
    "webapp.evidence.inventory",
    "webapp.exports.services",
    "webapp.notifications.delivery",
    "webapp.notifications.reminders",
    "webapp.settlement.overdue",
    "webapp.webhooks.outbox",
    "webapp.webhooks.delivery",
    "webapp.disputes.ticking",
]
CLI_GROUPS: list[str] = [
    "webapp.core.clock:clock_cli",
    "webapp.marketplaces.cli:marketplaces_cli",
    "webapp.accounts.cli:users_cli",
    "webapp.disputes.ticking:disputes_cli",
    "webapp.demo:demo_cli",
    "webapp.notifications.delivery:notifications_cli",
    "webapp.evidence.sweep:evidence_cli",
    "webapp.history.audit:audit_cli",
]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, then `test_config` on top."""
    # APIFlask is a Flask that documents its API blueprint; the pages keep their own error pages
    # (json_errors=False) and the OpenAPI document is served by the API itself (webapp.api.docs).
    app = APIFlask(
        __name__,
        instance_relative_config=True,
        title="Disputes API",
        version="v1",
        json_errors=False,
        spec_path=None,
        docs_path=None,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_env(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    )

    # Before the blueprints and the extensions' hooks: routes take the bounded id converter, and
    # hostile input is refused before anything else reads it.
    input_checks.register(app)
    register_extensions(app)
    request_limits.register(app)  # after htmx-flask, which installs its own request class
    for dotted in FEATURE_HOOKS:
        importlib.import_module(dotted)
    register_blueprints(app)
    register_cli(app)

    from webapp.api import routes as api
    from webapp.core import refusals, request_log, responses, security, wording, words
    from webapp.evidence.media_tools import warn_if_tools_missing
    from webapp.pages import refusal_pages

    request_log.init_app(app)
    wording.register(app)
    words.register(app)
    responses.register(app)
    refusals.register(app)
    refusal_pages.register(app)
    security.register(app)
    api.register(app)
    warn_if_tools_missing(app)
    # RUN_CLOCK_THREAD is read by the server's entry point (webapp/serve.py), never here:
    # every `flask` command builds the app too, and must not tick beside `flask disputes tick`.
    return app


def _load(dotted: str) -> Any:
    """Import "package.module:attribute" and return the attribute."""
    module_name, _, attribute = dotted.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def register_extensions(app: Flask) -> None:
    """Bind the extensions to the app and make every model known to the metadata."""
    import webapp.models  # noqa: F401  (registers every table before create_all/Alembic)

    db = extensions.db
    db.init_app(app)
    extensions.migrate.init_app(app, db)
    extensions.login_manager.init_app(app)
    extensions.csrf.init_app(app)
    extensions.htmx.init_app(app)
    i18n.init_app(app)
    clock.init_app(app)
    storage.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_on_connect)
                sqlite_locking.install(app, engine)
            if not app.testing:
                # Close pooled connections before exit (psycopg warns about open ones).
                atexit.register(engine.dispose)


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    """Give every SQLite connection WAL, enforced foreign keys and a busy timeout."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={config.SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def register_blueprints(app: Flask) -> None:
    """Register every blueprint listed in BLUEPRINTS."""
    for dotted in BLUEPRINTS:
        app.register_blueprint(_load(dotted))


def register_cli(app: Flask) -> None:
    """Add every click group listed in CLI_GROUPS to `flask --app webapp ...`."""
    for dotted in CLI_GROUPS:
        app.cli.add_command(_load(dotted))
