"""`flask --app webapp audit verify`: check every dispute's and order's chain; name the first broken link."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.core.extensions import db
from webapp.history.chain import GENESIS, seal, seal_order_event
from webapp.history.models import Event, OrderEvent

audit_cli = AppGroup("audit", help="Check that the history has not been changed.")

SEALED = (
    Event.id,
    Event.dispute_id,
    Event.sequence,
    Event.at,
    Event.actor_role,
    Event.actor_id,
    Event.action,
    Event.summary,
    Event.rule,
    Event.data,
    Event.prev_hash,
    Event.hash,
)
# An order's own history (O13): the same columns, keyed by the order.
ORDER_SEALED = (
    OrderEvent.id,
    OrderEvent.order_id,
    OrderEvent.sequence,
    OrderEvent.at,
    OrderEvent.actor_role,
    OrderEvent.actor_id,
    OrderEvent.action,
    OrderEvent.summary,
    OrderEvent.rule,
    OrderEvent.data,
    OrderEvent.prev_hash,
    OrderEvent.hash,
)


@dataclass(frozen=True)
class BrokenLink:
    """The first event of a dispute's chain that does not hold, and what is wrong with it."""

    dispute_id: int  # or the order's id, for an order's history
    sequence: int
    event_id: int
    what: str
    owner: str = "dispute"

    def __str__(self) -> str:
        return f"{self.owner} {self.dispute_id}, event {self.sequence} (id {self.event_id}): {self.what}"


@dataclass
class ChainCheck:
    """What `verify_chains` found: how much it read, and the broken links (one per dispute)."""

    events: int = 0
    disputes: int = 0
    broken: list[BrokenLink] = field(default_factory=list)


def _fault(row: Any, expected_sequence: int, previous_hash: str) -> str | None:
    if row.sequence != expected_sequence:
        return (
            f"expected event {expected_sequence} here, found {row.sequence}: "
            "an event is missing or was renumbered"
        )
    if row.prev_hash != previous_hash:
        return (
            f"its link to the event before does not hold (it names {row.prev_hash[:12]}..., "
            f"the event before is {previous_hash[:12]}...): an event before it was removed or replaced"
        )
    key = {"order_id": row.order_id} if hasattr(row, "order_id") else {"dispute_id": row.dispute_id}
    sealing = seal_order_event if "order_id" in key else seal
    computed = sealing(
        **key,
        sequence=row.sequence,
        at=row.at,
        actor_role=row.actor_role.value,
        actor_id=row.actor_id,
        action=row.action,
        summary=row.summary,
        rule=row.rule,
        data=row.data,
        prev_hash=row.prev_hash,
    )
    if computed != row.hash:
        return (
            f"its content does not match its seal (stored {row.hash[:12]}..., "
            f"computed {computed[:12]}...): it was changed after it was written"
        )
    return None


def _rows() -> Iterator[Any]:
    query = select(*SEALED).order_by(Event.dispute_id, Event.sequence, Event.id)
    yield from db.session.execute(query.execution_options(yield_per=1000))


def _order_rows() -> Iterator[Any]:
    query = select(*ORDER_SEALED).order_by(OrderEvent.order_id, OrderEvent.sequence, OrderEvent.id)
    yield from db.session.execute(query.execution_options(yield_per=1000))


def verify_chains(orders: bool = False) -> ChainCheck:
    """Read every event in chain order; for each dispute (or order), report the first link that does
    not hold."""
    check = ChainCheck()
    owner, rows, key = ("order", _order_rows(), "order_id") if orders else ("dispute", _rows(), "dispute_id")
    chain_id, expected, previous, broken = None, 1, GENESIS, False
    for row in rows:
        check.events += 1
        if getattr(row, key) != chain_id:
            check.disputes += 1
            chain_id, expected, previous, broken = getattr(row, key), 1, GENESIS, False
        if not broken and (what := _fault(row, expected, previous)):
            check.broken.append(BrokenLink(getattr(row, key), row.sequence, row.id, what, owner))
            broken = True
        expected, previous = row.sequence + 1, row.hash
    return check


@audit_cli.command("verify")
def verify_command() -> None:
    """Check every dispute's and every order's history chain; exit 1 naming the first broken link of
    each broken chain."""
    check, orders = verify_chains(), verify_chains(orders=True)
    for link in check.broken + orders.broken:
        click.echo(f"BROKEN {link}", err=True)
    if check.broken:
        click.echo(f"{len(check.broken)} of {check.disputes} dispute histories are broken.", err=True)
    if orders.broken:
        click.echo(f"{len(orders.broken)} of {orders.disputes} order histories are broken.", err=True)
    if check.broken or orders.broken:
        raise SystemExit(1)
    click.echo(f"Checked {check.events} events of {check.disputes} disputes: every chain holds.")
    click.echo(f"Checked {orders.events} events of {orders.disputes} orders' histories: every chain holds.")
