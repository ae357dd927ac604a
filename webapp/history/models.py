"""History events (append-only, H1) and in-app notifications (H2)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispute_engine import Actor
from webapp.core.db import UTCDateTime, string_enum
from webapp.core.extensions import Model

if TYPE_CHECKING:
    from webapp.accounts.models import User


class Event(Model):
    """Something that happened to a dispute: who, what, when, under which rule. Never changed."""

    __tablename__ = "dispute_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_role: Mapped[Actor] = mapped_column(string_enum(Actor))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    rule: Mapped[str | None] = mapped_column(String(8))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a history event."""


@event.listens_for(Event, "before_update")
def _refuse_update(mapper: object, connection: object, target: Event) -> None:
    raise AppendOnlyError("history events are append-only")


@event.listens_for(Event, "before_delete")
def _refuse_delete(mapper: object, connection: object, target: Event) -> None:
    raise AppendOnlyError("history events are append-only")


class Notification(Model):
    """An event told to one person in the app (and later by email)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("dispute_events.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(lazy="joined")
