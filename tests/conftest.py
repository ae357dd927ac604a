"""Shared fixtures (flaskr style): app, client, runner, db_session, make_user, auth.

The database is a temporary SQLite file or, when TEST_DATABASE_URL points at PostgreSQL,
a private database `<name>_<pid>` created next to it for this run (and dropped after).
The schema is created once per session with create_all(); every table is emptied after
each test. Tests marked `postgres` run only on PostgreSQL, `redis` ones only with Redis.
"""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dispute_world import World, make_order
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import URL, create_engine, make_url, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import scoped_session

from webapp import create_app
from webapp.accounts.models import MembershipTier, Role, User
from webapp.core.config import DEFAULT_BROKER_URL, database_url
from webapp.core.extensions import db
from webapp.marketplaces.models import Marketplace, demo_marketplace

DEFAULT_PASSWORD = "correct horse battery"
_emails = itertools.count(1)


def _base_config(url: str, tmp_dir: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "MEDIA_ROOT": os.path.join(tmp_dir, "media"),
        "TMP_DIR": os.path.join(tmp_dir, "tmp"),
        "WTF_CSRF_ENABLED": False,
        "ENABLE_TIME_TRAVEL": False,
        "JOBS": "eager",
        # Fast hashes: scrypt would cost ~50 ms per user.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def _redis_reachable() -> bool:
    url = make_url(os.environ.get("BROKER_URL") or DEFAULT_BROKER_URL)
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run `postgres` tests only on PostgreSQL, `sqlite` ones only on SQLite; skip `redis` ones without Redis.

    Tests for the other database are deselected, not skipped: each run says what it ran.
    """
    configured = os.environ.get("TEST_DATABASE_URL") or ""
    on_postgres = configured.startswith(("postgres://", "postgresql"))
    other = "sqlite" if on_postgres else "postgres"
    deselected = [item for item in items if item.get_closest_marker(other)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(other)]
    redis_up: bool | None = None
    for item in items:
        if item.get_closest_marker("redis"):
            if redis_up is None:
                redis_up = _redis_reachable()
            if not redis_up:
                item.add_marker(pytest.mark.skip(reason="needs Redis on BROKER_URL"))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _create_private_postgres_database(base_url: URL) -> URL:
    """Create `<name>_<pid>` next to the configured database, so parallel runs don't collide."""
    base = base_url.database or "test"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            names = connection.scalars(
                text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"),
                {"pattern": base.replace("_", r"\_") + r"\_%"},
            ).all()
            for name in names:  # left behind by runs that were killed
                suffix = name.removeprefix(f"{base}_")
                if suffix.isdigit() and not _pid_alive(int(suffix)):
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            private = f"{base}_{os.getpid()}"
            connection.execute(text(f'DROP DATABASE IF EXISTS "{private}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{private}"'))
    finally:
        admin.dispose()
    return base_url.set(database=private)


def _drop_postgres_database(url: URL) -> None:
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _private_test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """With TEST_DATABASE_URL on PostgreSQL, run in a private copy and point the variable at it."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if not configured:
        yield None
        return
    url = make_url(database_url(configured, str(tmp_path_factory.getbasetemp())))
    if url.get_backend_name() != "postgresql":
        yield url.render_as_string(hide_password=False)
        return
    private = _create_private_postgres_database(url)
    rendered = private.render_as_string(hide_password=False)
    # Tests that start subprocesses (`flask disputes tick`) read the variable themselves.
    os.environ["TEST_DATABASE_URL"] = rendered
    try:
        yield rendered
    finally:
        os.environ["TEST_DATABASE_URL"] = configured
        _drop_postgres_database(private)


@pytest.fixture(scope="session")
def database_url_for_tests(
    _private_test_database: str | None, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The test database's URL, its schema created once for the session."""
    tmp_dir = tmp_path_factory.mktemp("db")
    url = _private_test_database or f"sqlite:///{tmp_dir / 'test.sqlite3'}"
    app = create_app(_base_config(url, str(tmp_dir)))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


def _empty_all_tables() -> None:
    """DELETE every row, children first (10x faster than TRUNCATE on PostgreSQL)."""
    tables = list(reversed(db.metadata.sorted_tables))
    postgres = db.engine.dialect.name == "postgresql"
    try:
        with db.engine.begin() as connection:
            if postgres:
                # Fail instead of hanging if a test leaked an open transaction.
                connection.execute(text("SET LOCAL lock_timeout = '10s'"))
                # The history's append-only trigger refuses DELETE; a superuser may switch it off.
                connection.execute(text("SET LOCAL session_replication_role = replica"))
            for table in tables:
                connection.execute(table.delete())
    except IntegrityError:
        if not postgres:
            raise
        # Foreign keys in a cycle: let PostgreSQL sort it out.
        names = ", ".join(f'"{table.name}"' for table in tables)
        with db.engine.begin() as connection:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(f"TRUNCATE {names} CASCADE"))


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Extra settings for the `app` fixture; override this fixture in a test module."""
    return {}


@pytest.fixture
def app(database_url_for_tests: str, app_config: dict[str, Any], tmp_path: Path) -> Iterator[Flask]:
    """A configured app on the test database; all tables are emptied afterwards."""
    app = create_app({**_base_config(database_url_for_tests, str(tmp_path)), **app_config})
    yield app
    with app.app_context():
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (CSRF checks are off)."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs `flask` CLI commands: runner.invoke(args=["clock", "show"])."""
    return app.test_cli_runner()


@pytest.fixture
def db_session(app: Flask) -> Iterator[scoped_session[Any]]:
    """`db.session` inside an app context that lasts for the whole test.

    Requests made with `client` during the test share this app context (Flask reuses
    it), so they see the same session and the same `g`.
    """
    with app.app_context():
        yield db.session


@pytest.fixture
def make_user(db_session: scoped_session[Any]) -> Callable[..., User]:
    """Factory: make_user(role="buyer", email=None, tier="regular", name=None, password=..., marketplace=...).

    People belong to the demo marketplace unless another is given.
    """

    def _make_user(
        role: Role | str = Role.BUYER,
        email: str | None = None,
        tier: MembershipTier | str = MembershipTier.REGULAR,
        name: str | None = None,
        password: str = DEFAULT_PASSWORD,
        marketplace: Marketplace | None = None,
    ) -> User:
        role = Role(role)
        number = next(_emails)
        user = User(
            marketplace_id=(marketplace or demo_marketplace()).id,
            email=email or f"{role.value}{number}@example.com",
            name=name or f"{role.value.title()} {number}",
            role=role,
            membership_tier=MembershipTier(tier),
        )
        user.set_password(password)
        db_session.add(user)
        db_session.commit()
        return user

    return _make_user


class AuthActions:
    """Log the test client in and out."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = DEFAULT_PASSWORD) -> Any:
        """Submit the login form; returns the response (not followed)."""
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self) -> Any:
        """Press Log out; returns the response (not followed)."""
        return self._client.post("/logout")

    def login_as(self, user: User) -> None:
        """Log `user` in without the form, by writing Flask-Login's session keys."""
        with self._client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        if has_app_context():
            # A test-wide app context is shared with requests: drop Flask-Login's cache.
            g.pop("_login_user", None)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """auth.login(email, password), auth.logout(), auth.login_as(user)."""
    return AuthActions(client)


@pytest.fixture
def world(db_session: scoped_session[Any], make_user: Callable[..., User]) -> World:
    """Buyer, seller, mediator, a stranger, and an aliexpress order that can be disputed now."""
    buyer, seller = make_user("buyer"), make_user("seller")
    return World(buyer, seller, make_user("mediator"), make_user("buyer"), make_order(buyer, seller))
