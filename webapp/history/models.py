"""History events of disputes and of orders (append-only, H1, O13) and in-app notifications (H2)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Connection, ForeignKey, Index, String, Table, Text, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from dispute_engine import Actor
from dispute_engine.words import Words, from_json
from webapp.core.db import UTCDateTime, string_enum
from webapp.core.extensions import Model

if TYPE_CHECKING:
    from webapp.accounts.models import User


class Event(Model):
    """Something that happened to a dispute: who, what, when, under which rule. Never changed.

    `sequence` numbers a dispute's events 1, 2, 3...; `hash` seals the event with the previous
    one's (`prev_hash`), see webapp.history.chain. The unique (dispute, sequence) makes a second
    event claiming the same place fail instead of forking the chain.
    """

    __tablename__ = "dispute_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_role: Mapped[Actor] = mapped_column(string_enum(Actor))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)  # in English, sealed in the chain
    # The summary as a msgid and values (dispute_engine.words.to_json), to say it in the reader's language.
    summary_words: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rule: Mapped[str | None] = mapped_column(String(8))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sequence: Mapped[int]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    # A unique index, not a constraint: SQLite adds an index without rebuilding the table.
    __table_args__ = (Index("uq_dispute_events_dispute_sequence", "dispute_id", "sequence", unique=True),)

    actor: Mapped[User | None] = relationship(lazy="joined")


class OrderEvent(Model):
    """Something that happened to an order outside any dispute (O13): a chain of its own, like a dispute's.

    An order's life before a dispute (a request to extend protection, its answer) belongs to no
    dispute, so it cannot join a dispute's chain; it gets the same sealing, keyed by the order.
    """

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_role: Mapped[Actor] = mapped_column(string_enum(Actor))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)  # in English, sealed in the chain
    summary_words: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # as Event.summary_words
    rule: Mapped[str | None] = mapped_column(String(8))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sequence: Mapped[int]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("uq_order_events_order_sequence", "order_id", "sequence", unique=True),)

    actor: Mapped[User | None] = relationship(lazy="joined")


APPEND_ONLY = (Event, OrderEvent)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a history event."""


def _summary_as_words(target: Event | OrderEvent, *args: object) -> None:
    """Read the summary back as Words, so pages say it in the reader's language.

    Only when the Words say exactly the sealed English: the chain vouches for what is shown.
    """
    kept = target.__dict__.get("summary_words")
    summary = target.__dict__.get("summary")
    if not kept or summary is None or isinstance(summary, Words):
        return
    try:
        said = from_json(kept)
    except (KeyError, TypeError, ValueError):
        return
    if said == summary:
        set_committed_value(target, "summary", said)


def _refuse_update(mapper: object, connection: object, target: object) -> None:
    raise AppendOnlyError("history events are append-only")


def _refuse_delete(mapper: object, connection: object, target: object) -> None:
    raise AppendOnlyError("history events are append-only")


for _kind in APPEND_ONLY:
    event.listen(_kind, "load", _summary_as_words)
    event.listen(_kind, "refresh", _summary_as_words)
    event.listen(_kind, "before_update", _refuse_update)
    event.listen(_kind, "before_delete", _refuse_delete)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """`update(Event)` and `delete(Event)` skip the mapper hooks above: refuse them too."""
    if (state.is_update or state.is_delete) and any(m.class_ in APPEND_ONLY for m in state.all_mappers):
        raise AppendOnlyError("history events are append-only")


# On PostgreSQL the database itself refuses to change the history, whatever the client (the
# migration installs the same trigger; create_all, used by the tests, gets it from here).
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION dispute_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = 'dispute_events is append-only: ' || TG_OP || ' refused';
END;
$$
"""
APPEND_ONLY_TRIGGERS = (
    "CREATE TRIGGER dispute_events_append_only BEFORE UPDATE OR DELETE ON dispute_events "
    "FOR EACH ROW EXECUTE FUNCTION dispute_events_append_only()",
    "CREATE TRIGGER dispute_events_no_truncate BEFORE TRUNCATE ON dispute_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION dispute_events_append_only()",
)


@event.listens_for(Event.__table__, "after_create")
def _install_append_only_trigger(table: Table, connection: Connection, **_: object) -> None:
    if connection.dialect.name == "postgresql":
        for statement in (APPEND_ONLY_FUNCTION, *APPEND_ONLY_TRIGGERS):
            connection.exec_driver_sql(statement)


# The same guard for the orders' chains (O13), with its own function so each names its table.
ORDER_APPEND_ONLY_FUNCTION = APPEND_ONLY_FUNCTION.replace("dispute_events", "order_events")
ORDER_APPEND_ONLY_TRIGGERS = tuple(t.replace("dispute_events", "order_events") for t in APPEND_ONLY_TRIGGERS)


@event.listens_for(OrderEvent.__table__, "after_create")
def _install_order_append_only_trigger(table: Table, connection: Connection, **_: object) -> None:
    if connection.dialect.name == "postgresql":
        for statement in (ORDER_APPEND_ONLY_FUNCTION, *ORDER_APPEND_ONLY_TRIGGERS):
            connection.exec_driver_sql(statement)


class Notification(Model):
    """An event told to one person in the app (and later by email), or a note such as a reminder."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # A dispute's notification names the dispute; an order's (O13, before any dispute) the order.
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("dispute_events.id"))
    order_event_id: Mapped[int | None] = mapped_column(ForeignKey("order_events.id"))
    # What it says when it tells no history event (a deadline reminder is not something that happened).
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event | None] = relationship(lazy="joined")
    order_event: Mapped[OrderEvent | None] = relationship(lazy="joined")

    @property
    def summary(self) -> str:
        """The sentence the bell, the list and the email show."""
        told = self.event or self.order_event
        return told.summary if told is not None else self.note or ""

    @property
    def event_data(self) -> dict[str, Any]:
        """The data of the event it tells ({} for a note)."""
        told = self.event or self.order_event
        return told.data if told is not None else {}
