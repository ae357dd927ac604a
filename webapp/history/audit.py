"""`flask --app webapp audit verify`: check every dispute's hash chain and name the first broken link."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.core.extensions import db
from webapp.history.chain import GENESIS, seal
from webapp.history.models import Event

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


@dataclass(frozen=True)
class BrokenLink:
    """The first event of a dispute's chain that does not hold, and what is wrong with it."""

    dispute_id: int
    sequence: int
    event_id: int
    what: str

    def __str__(self) -> str:
        return f"dispute {self.dispute_id}, event {self.sequence} (id {self.event_id}): {self.what}"


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
    computed = seal(
        dispute_id=row.dispute_id,
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


def verify_chains() -> ChainCheck:
    """Read every event in chain order; for each dispute, report the first link that does not hold."""
    check = ChainCheck()
    dispute_id, expected, previous, broken = None, 1, GENESIS, False
    for row in _rows():
        check.events += 1
        if row.dispute_id != dispute_id:
            check.disputes += 1
            dispute_id, expected, previous, broken = row.dispute_id, 1, GENESIS, False
        if not broken and (what := _fault(row, expected, previous)):
            check.broken.append(BrokenLink(row.dispute_id, row.sequence, row.id, what))
            broken = True
        expected, previous = row.sequence + 1, row.hash
    return check


@audit_cli.command("verify")
def verify_command() -> None:
    """Check every dispute's history chain; exit 1 naming the first broken link of each broken chain."""
    check = verify_chains()
    for link in check.broken:
        click.echo(f"BROKEN {link}", err=True)
    if check.broken:
        click.echo(f"{len(check.broken)} of {check.disputes} dispute histories are broken.", err=True)
        raise SystemExit(1)
    click.echo(f"Checked {check.events} events of {check.disputes} disputes: every chain holds.")
