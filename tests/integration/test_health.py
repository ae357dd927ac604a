"""/healthz and /readyz: what a load balancer asks, and the words it gets back when something is wrong."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from test_migrations import MIGRATIONS, empty_database_url, migrated_app  # noqa: F401  (fixture)

from webapp import create_app
from webapp.core.extensions import db


def test_healthz_answers_without_a_login_or_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_is_ready_once_the_database_is_migrated_and_names_each_check(
    empty_database_url: str,  # noqa: F811
    tmp_path: Path,
):
    app = migrated_app(empty_database_url, tmp_path)
    client = app.test_client()
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="a3c1d2e4f5b6")  # one migration behind
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert behind.get_json()["checks"]["migrations"].startswith("failing: database at a3c1d2e4f5b6")
    assert behind.get_json()["checks"]["database"] == "ok"
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok", "broker": "ok"},
    }
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="base")
        db.engine.dispose()


def test_readyz_says_when_the_database_cannot_be_reached_and_healthz_still_answers(app):
    unreachable = create_app(
        {**app.config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    )
    client = unreachable.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["status"] == "not ready"
    checks = ready.get_json()["checks"]
    assert checks["database"].startswith("failing:") and "127.0.0.1" in checks["database"]
    assert checks["migrations"].startswith("failing:")
    assert checks["storage"] == "ok" and checks["broker"] == "ok"  # the others still say their own
    assert client.get("/healthz").status_code == 200


@pytest.mark.redis
def test_readyz_says_when_the_celery_broker_cannot_be_reached(app, client):
    app.config.update(JOBS="celery", BROKER_URL="redis://127.0.0.1:1/0")
    checks = client.get("/readyz").get_json()["checks"]
    assert checks["broker"].startswith("failing:")
    app.config["BROKER_URL"] = "redis://127.0.0.1:6379/0"
    assert client.get("/readyz").get_json()["checks"]["broker"] == "ok"


def test_every_request_is_one_json_line_with_an_id_it_also_answers_with(client, caplog):
    with caplog.at_level(logging.INFO, logger="webapp.requests"):
        given = client.get("/login", headers={"X-Request-ID": "abc-123"})
        made = client.get("/login", headers={"X-Request-ID": "bad id; with spaces"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "webapp.requests"]
    assert [line["request_id"] for line in lines] == ["abc-123", made.headers["X-Request-ID"]]
    assert given.headers["X-Request-ID"] == "abc-123" and len(made.headers["X-Request-ID"]) == 32
    assert lines[0] | {"ts": 0, "ms": 0} == {
        "event": "request",
        "ts": 0,
        "request_id": "abc-123",
        "method": "GET",
        "path": "/login",
        "status": 200,
        "ms": 0,
        "user": None,
    }
