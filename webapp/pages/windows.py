"""How much of the thread and the history a page shows: the latest few, earlier ones on demand.

Pages are keyset pages (message id, event sequence), so what a page costs does not depend on how
long the dispute is. A page that is open keeps what it showed: it sends back where its thread and
history start (`Window`), and its refreshed parts start there too, however many came since.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from webapp.core.extensions import db
from webapp.core.input_checks import whole_number
from webapp.disputes.models import Message
from webapp.history.models import Event

PAGE_SIZE = 20  # messages, and events, shown at first and brought by each "earlier"


@dataclass(frozen=True)
class Window:
    """Where an open page's thread and history start (oldest message id, oldest event sequence);
    None: the latest PAGE_SIZE, as a page being rendered afresh shows."""

    messages_from: int | None = None
    events_from: int | None = None

    @classmethod
    def from_header(cls, text: str | None) -> Window:
        """Read what a page sent ("m=12;e=3"); anything unreadable means the latest."""
        values: dict[str, int] = {}
        for part in (text or "").split(";"):
            key, _, raw = part.partition("=")
            number = whole_number(raw)
            if key.strip() in ("m", "e") and number is not None:
                values[key.strip()] = number
        return cls(values.get("m"), values.get("e"))

    @staticmethod
    def header(messages_from: int, events_from: int) -> str:
        """What a page sends back so its refreshed parts start where it started."""
        return f"m={messages_from};e={events_from}"


@dataclass(frozen=True)
class Slice:
    """Rows newest first, the key of the oldest one shown (0: none, so any later one belongs), and
    the cursor of the page before it (None when nothing is earlier, or when that was not asked)."""

    rows: list[Any]
    start: int
    earlier: int | None


def messages(dispute_id: int, *, start: int | None = None, before: int | None = None) -> Slice:
    """The thread's messages from `start` on, or a page of them before `before` (else the latest)."""
    query = select(Message).where(Message.dispute_id == dispute_id)
    return _slice(query, Message.id, "id", start=start, before=before)


def events(dispute_id: int, *, start: int | None = None, before: int | None = None) -> Slice:
    """The history's events by sequence, from `start` on, or a page before `before` (else the latest)."""
    query = select(Event).where(Event.dispute_id == dispute_id)
    return _slice(query, Event.sequence, "sequence", start=start, before=before)


def _slice(query: Select[Any], key: Any, name: str, *, start: int | None, before: int | None) -> Slice:
    if start is not None:
        return Slice(list(db.session.scalars(query.where(key >= start).order_by(key.desc()))), start, None)
    if before is not None:
        query = query.where(key < before)
    rows = list(db.session.scalars(query.order_by(key.desc()).limit(PAGE_SIZE + 1)))
    shown = rows[:PAGE_SIZE]
    oldest = getattr(shown[-1], name) if shown else 0
    return Slice(shown, oldest, oldest if len(rows) > PAGE_SIZE else None)
