"""The app clock: real UTC time plus an offset stored in the database.

Nothing else may read the wall clock. Deadlines are tested and demonstrated by moving
the offset (`flask --app webapp clock travel 7d`), which every process sees because it
lives in the `clock_settings` table.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import click
from flask import Flask, current_app, g, has_request_context
from flask.cli import AppGroup
from sqlalchemy import Connection, CursorResult, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, scoped_session

from webapp.core.extensions import Model, db

SETTINGS_ID = 1
_G_KEY = "_clock_offset_seconds"
UNITS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)([wdhms])")
_DURATION = re.compile(r"(?:\d+[wdhms])+")

# A session of its own (ticks, jobs) or Flask-SQLAlchemy's db.session, which proxies one.
AnySession = Session | scoped_session[Any]


class ClockSetting(Model):
    """The single row holding how far the app clock is ahead of real time."""

    __tablename__ = "clock_settings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    offset_seconds: Mapped[int] = mapped_column(default=0)


def real_now() -> datetime:
    """The real current time (aware UTC). Only this module should call it."""
    return datetime.now(UTC)


def read_offset(session: AnySession | Connection) -> int:
    """Read the stored offset in seconds (0 when the row doesn't exist yet)."""
    offset = session.scalar(select(ClockSetting.offset_seconds).where(ClockSetting.id == SETTINGS_ID))
    return offset or 0


def clock_now(session: AnySession) -> datetime:
    """App time read through `session`: for CLI commands, ticks and jobs."""
    return real_now() + timedelta(seconds=read_offset(session))


def now() -> datetime:
    """App time (aware UTC); the offset is read at most once per request."""
    if not has_request_context():
        return clock_now(db.session)
    if _G_KEY not in g:
        # A separate connection: this may run inside a flush (column defaults).
        with db.engine.connect() as connection:
            setattr(g, _G_KEY, read_offset(connection))
    return real_now() + timedelta(seconds=getattr(g, _G_KEY))


def offset_column() -> Any:
    """The offset as a scalar subquery, for a statement that reads it along with other things."""
    return select(ClockSetting.offset_seconds).where(ClockSetting.id == SETTINGS_ID).scalar_subquery()


def use_offset(offset: int | None) -> None:
    """Take the offset a statement already read as this request's (saves `now()` a query)."""
    if has_request_context():
        setattr(g, _G_KEY, offset or 0)


def forget_cached_offset() -> None:
    """Drop the per-request cache (the offset changed, or a new request starts)."""
    if has_request_context():
        g.pop(_G_KEY, None)


def parse_duration(text: str) -> timedelta:
    """Parse "7d", "36h", "90m", "45s", "2w" or combinations like "1d12h"."""
    cleaned = text.strip().lower()
    if not _DURATION.fullmatch(cleaned):
        raise ValueError(
            f"Can't read {text!r} as a duration. Use a number and a unit, "
            "for example 7d, 36h, 90m, 30s or 1d12h (units: w, d, h, m, s)."
        )
    seconds = sum(int(number) * UNITS[unit] for number, unit in _PART.findall(cleaned))
    return timedelta(seconds=seconds)


def travel(session: AnySession, delta: timedelta) -> datetime:
    """Move the app clock forward by `delta`, commit, and return the new app time."""
    seconds = int(delta.total_seconds())
    # An UPDATE ... SET x = x + n stays correct when two processes travel at once.
    # Session.execute is typed to return a Result; for an UPDATE it is a CursorResult.
    result = cast(
        CursorResult[Any],
        session.execute(
            update(ClockSetting)
            .where(ClockSetting.id == SETTINGS_ID)
            .values(offset_seconds=ClockSetting.offset_seconds + seconds)
        ),
    )
    if result.rowcount == 0:
        session.add(ClockSetting(id=SETTINGS_ID, offset_seconds=seconds))
    session.commit()
    forget_cached_offset()
    return clock_now(session)


def reset(session: AnySession) -> datetime:
    """Put the app clock back to real time, commit, and return it."""
    session.execute(update(ClockSetting).values(offset_seconds=0))
    session.commit()
    forget_cached_offset()
    return clock_now(session)


def init_app(app: Flask) -> None:
    """Re-read the offset in each request, even when tests share one app context."""
    app.before_request(forget_cached_offset)


clock_cli = AppGroup("clock", help="Show or move the app clock (shared through the database).")


def _require_time_travel() -> None:
    if not current_app.config.get("ENABLE_TIME_TRAVEL"):
        raise click.ClickException(
            "Time travel is switched off. Set ENABLE_TIME_TRAVEL=1 to move the app clock "
            "(never in production)."
        )


def _describe(app_time: datetime, session: AnySession) -> str:
    offset = timedelta(seconds=read_offset(session))
    return f"App time: {app_time.isoformat(timespec='seconds')} (offset {offset})"


@clock_cli.command("show")
def show_command() -> None:
    """Print the app time, the real time and the offset between them."""
    click.echo(_describe(clock_now(db.session), db.session))
    click.echo(f"Real time: {real_now().isoformat(timespec='seconds')}")


@clock_cli.command("travel")
@click.argument("duration")
def travel_command(duration: str) -> None:
    """Move the app clock forward by DURATION (7d, 36h, 90m, 1d12h...)."""
    _require_time_travel()
    try:
        delta = parse_duration(duration)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="DURATION") from error
    click.echo(_describe(travel(db.session, delta), db.session))


@clock_cli.command("reset")
def reset_command() -> None:
    """Put the app clock back to real time."""
    _require_time_travel()
    click.echo(_describe(reset(db.session), db.session))
