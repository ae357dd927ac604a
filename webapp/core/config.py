"""Settings read from environment variables, all in one place.

`from_env()` is a pure function of the environment so it can be tested without an app;
`engine_options()` derives the SQLAlchemy engine settings from the final database URL.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from limits import parse_many
from sqlalchemy import make_url

DEV_SECRET_KEY = "dev-only-secret-key-never-use-in-production"
# inline: an in-process worker pool; celery: workers on Redis; eager: run at commit (tests).
JOB_MODES = ("inline", "celery", "eager")
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
SQLITE_BUSY_TIMEOUT_MS = 15_000
# Connections kept open for a SQLite file; more are opened when needed (never a wait for the pool).
SQLITE_POOL_SIZE = 10
TRUE_VALUES = frozenset({"1", "true", "yes", "on"})
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
DEFAULT_MAIL_FROM = "Disputes <disputes@localhost>"
# Failed logins per account (the email typed) and per address; each person's uploads, messages, proposals.
DEFAULT_RATE_LIMITS = {
    "RATELIMIT_LOGIN_PER_ACCOUNT": "10 per 15 minutes",
    "RATELIMIT_LOGIN_PER_ADDRESS": "50 per 15 minutes",
    "RATELIMIT_UPLOADS": "120 per hour",
    "RATELIMIT_MESSAGES": "30 per 10 minutes",
    "RATELIMIT_PROPOSALS": "20 per hour",
}
MB = 1024 * 1024


class ConfigError(RuntimeError):
    """A setting is missing or has a value the app cannot run with."""


def database_url(raw: str | None, instance_path: str) -> str:
    """Return a SQLAlchemy URL: the default SQLite file, or PostgreSQL routed to psycopg 3."""
    if not raw:
        return "sqlite:///" + os.path.join(instance_path, "disputes.sqlite3")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy would pick psycopg2 for them.
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def flag(value: str | None) -> bool:
    """Read an on/off environment variable ("1", "true", "yes", "on" mean on)."""
    return (value or "").strip().lower() in TRUE_VALUES


def from_env(instance_path: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if environ is None else environ
    app_env = (env.get("APP_ENV") or "development").strip().lower()
    production = app_env == "production"

    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigError("SECRET_KEY must be set when APP_ENV=production.")
        secret_key = DEV_SECRET_KEY

    jobs = (env.get("JOBS") or "inline").strip().lower()
    if jobs not in JOB_MODES:
        raise ConfigError(f"JOBS must be one of {', '.join(JOB_MODES)}, not {jobs!r}.")

    max_video_bytes = int(env.get("MAX_VIDEO_BYTES") or 500 * MB)
    max_items = int(env.get("MAX_EVIDENCE_ITEMS") or 50)

    mail_server = (env.get("MAIL_SERVER") or "").strip()
    if production and mail_server and not env.get("PUBLIC_URL"):
        raise ConfigError("PUBLIC_URL must be set when MAIL_SERVER is (emails link to the disputes).")

    return {
        "APP_ENV": app_env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "MEDIA_ROOT": env.get("MEDIA_ROOT") or os.path.join(instance_path, "media"),
        "ENABLE_TIME_TRAVEL": flag(env.get("ENABLE_TIME_TRAVEL")),
        "JOBS": jobs,
        "BROKER_URL": env.get("BROKER_URL") or DEFAULT_BROKER_URL,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # htmx sends the token from <body hx-headers>, which boosted navigation never
        # re-renders: tie the token to the session instead of a one-hour lifetime.
        "WTF_CSRF_TIME_LIMIT": None,
        "PASSWORD_HASH_METHOD": "scrypt",
        # Deadlines: the embedded default ticks in a thread; production runs the clock: process.
        "RUN_CLOCK_THREAD": flag(env.get("RUN_CLOCK_THREAD")),
        # Extra marketplace policies: a folder of *.toml files read at start-up.
        "POLICY_DIR": env.get("POLICY_DIR") or "",
        # Evidence storage: S3-compatible when S3_BUCKET is set, local disk otherwise.
        "S3_BUCKET": env.get("S3_BUCKET") or "",
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL") or "",
        "S3_REGION": env.get("S3_REGION") or env.get("AWS_REGION") or "",
        "MAX_PHOTO_BYTES": int(env.get("MAX_PHOTO_BYTES") or 20 * 1024 * 1024),
        "MAX_VIDEO_BYTES": max_video_bytes,
        "MAX_VIDEO_SECONDS": float(env.get("MAX_VIDEO_SECONDS") or 600),
        "MAX_EVIDENCE_ITEMS": max_items,
        # Request limits, enforced while the body streams in (webapp/core/request_limits.py): a
        # multipart body carries at most the largest video and 1 MB around it; a text field 256 KB
        # (also the limit of a url-encoded body); a form the largest batch of files and 50 fields.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH") or max_video_bytes + MB),
        "MAX_FORM_MEMORY_SIZE": int(env.get("MAX_FORM_MEMORY_SIZE") or 256 * 1024),
        "MAX_FORM_PARTS": int(env.get("MAX_FORM_PARTS") or max_items + 50),
        # Evidence processing: threads of the in-process pool, a job's attempts, and how long a
        # job may stay silent before the sweep takes it for dead and queues it again.
        "JOB_THREADS": int(env.get("JOB_THREADS") or 2),
        "JOB_QUEUE": env.get("JOB_QUEUE") or "evidence",  # the Celery queue workers listen on
        "JOB_MAX_ATTEMPTS": int(env.get("JOB_MAX_ATTEMPTS") or 3),
        "JOB_STALE_AFTER_SECONDS": float(env.get("JOB_STALE_AFTER_SECONDS") or 120),
        "TRANSCODE_TIMEOUT_SECONDS": float(env.get("TRANSCODE_TIMEOUT_SECONDS") or 1800),
        # Scratch folders of running jobs and uploads, each held by its process (on a local disk).
        "TMP_DIR": env.get("TMP_DIR") or os.path.join(instance_path, "tmp"),
        # Notifications by email (H2): SMTP when MAIL_SERVER is set, the /outbox page otherwise.
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": int(env.get("MAIL_PORT") or 25),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or "",
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or "",
        "MAIL_USE_TLS": flag(env.get("MAIL_USE_TLS")),
        "MAIL_FROM": env.get("MAIL_FROM") or DEFAULT_MAIL_FROM,
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT") or 10),
        # Notifications older than this are never emailed (no flood when mail is switched on late).
        "MAIL_MAX_AGE_DAYS": float(env.get("MAIL_MAX_AGE_DAYS") or 7),
        # The marketplace API: requests a minute per API key (0: no limit), and the error schemas.
        "API_RATE_LIMIT": int(env.get("API_RATE_LIMIT") or 600),
        # Webhooks: how long a receiver may take to answer one delivery.
        "WEBHOOK_TIMEOUT_SECONDS": float(env.get("WEBHOOK_TIMEOUT_SECONDS") or 10),
        # The address emails link to.
        "PUBLIC_URL": (env.get("PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/"),
        **security_settings(env, production),
    }


def security_settings(env: Mapping[str, str], production: bool) -> dict[str, Any]:
    """Rate limits (Flask-Limiter's RATELIMIT_* keys and ours) and the proxies whose headers are trusted."""
    storage = env.get("RATELIMIT_STORAGE_URI")
    if not storage:
        # Several production processes must share their counters: Redis, which Celery already uses.
        storage = (env.get("BROKER_URL") or DEFAULT_BROKER_URL) if production else "memory://"
    limits = {name: env.get(name) or default for name, default in DEFAULT_RATE_LIMITS.items()}
    for name, value in limits.items():
        try:
            parse_many(value)
        except ValueError:
            raise ConfigError(f'{name} must read like "10 per 15 minutes", not {value!r}.') from None
    return {
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_STRATEGY": "fixed-window",
        "RATELIMIT_HEADERS_ENABLED": True,  # Retry-After on a 429
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": production,  # Redis down: limit per process, not 500
        **limits,
        # Behind N reverse proxies, take the client's address and scheme from their X-Forwarded-* headers.
        "TRUSTED_PROXY_HOPS": int(env.get("TRUSTED_PROXY_HOPS") or 0),
    }


def engine_options(database_uri: str) -> dict[str, Any]:
    """Return SQLALCHEMY_ENGINE_OPTIONS suited to the database behind the URI."""
    if database_uri.startswith("sqlite"):
        if _sqlite_in_memory(database_uri):
            return {}  # Flask-SQLAlchemy gives it one shared connection
        # SQLAlchemy's default for a file (QueuePool: 5 + 10 overflow, then a 30 s wait and an error)
        # failed 40 clients: requests waited for a pooled connection, some while holding the write
        # lock the others waited for. With unbounded overflow a request waits only on that lock.
        return {"pool_size": SQLITE_POOL_SIZE, "max_overflow": -1}
    return {"pool_pre_ping": True}


def _sqlite_in_memory(database_uri: str) -> bool:
    url = make_url(database_uri)
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"
