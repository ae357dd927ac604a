"""The history is tamper-evident (H1): a hash chain per dispute, `flask audit verify`, and on
PostgreSQL a trigger that refuses to change it at all."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from dispute_world import World, ago
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from dispute_engine import Action, Actor
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.history.chain import GENESIS, seal
from webapp.history.models import AppendOnlyError, Event
from webapp.history.record import record


def chain(dispute_id: int) -> list[Event]:
    db.session.expire_all()
    query = select(Event).where(Event.dispute_id == dispute_id).order_by(Event.sequence)
    return list(db.session.scalars(query))


def resealed(event: Event, **changes: object) -> str:
    fields = {
        "dispute_id": event.dispute_id,
        "sequence": event.sequence,
        "at": event.at,
        "actor_role": event.actor_role.value,
        "actor_id": event.actor_id,
        "action": event.action,
        "summary": event.summary,
        "rule": event.rule,
        "data": event.data,
        "prev_hash": event.prev_hash,
        **changes,
    }
    return seal(**fields)


def negotiated(world: World) -> int:
    """A dispute with five events: opened, rejected with a counter-offer, a message, accepted and closed."""
    dispute = world.open(ago(3))
    counter = {"resolution": "refund_only", "amount": "10.00", "comment": "Partial"}
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(2), lambda c: negotiation.reject_request(c, counter)
    )
    world.act(
        world.buyer, dispute, Action.SEND_MESSAGE, ago(1.5), lambda c: negotiation.send_message(c, "Hm.")
    )
    proposal = world.reload(dispute).live_proposals(Actor.SELLER)[0].id
    world.act(
        world.buyer,
        dispute,
        Action.ACCEPT_PROPOSAL,
        ago(1),
        lambda c: negotiation.accept_proposal(c, proposal),
    )
    return dispute.id


def verify(runner):
    db.session.commit()
    return runner.invoke(args=["audit", "verify"])


def test_h1_every_event_is_sealed_to_the_one_before_it_in_its_dispute(world: World, runner):
    dispute_id = negotiated(world)
    events = chain(dispute_id)
    assert [e.action for e in events] == ["opened", "request_rejected", "message", "closed"]
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert [e.prev_hash for e in events] == [GENESIS] + [e.hash for e in events[:-1]]
    assert all(e.hash == resealed(e) for e in events)  # read back from the database: the same bytes
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert f"Checked {len(events)} events of 1 disputes" in result.output


def _as_superuser_without_the_trigger() -> None:
    """What a database administrator could do on PostgreSQL; on SQLite nothing stands in the way."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))


@dataclass(frozen=True)
class Tamper:
    """A change made behind the application's back, and where `audit verify` must see it."""

    name: str
    sql: str
    broken_at: int  # the sequence named as the first broken link
    says: str


TAMPERING = [
    Tamper(
        "summary rewritten",
        "UPDATE dispute_events SET summary = 'The seller accepted.' WHERE dispute_id = :d AND sequence = 2",
        2,
        "its content does not match its seal",
    ),
    Tamper(
        "actor swapped",
        "UPDATE dispute_events SET actor_id = :other WHERE dispute_id = :d AND sequence = 3",
        3,
        "its content does not match its seal",
    ),
    Tamper(
        "rule changed",
        "UPDATE dispute_events SET rule = 'M5' WHERE dispute_id = :d AND sequence = 1",
        1,
        "its content does not match its seal",
    ),
    Tamper(
        "event removed from the middle",
        "DELETE FROM dispute_events WHERE dispute_id = :d AND sequence = 2",
        3,
        "expected event 2 here, found 3",
    ),
    Tamper(
        "event rewritten and resealed",
        "UPDATE dispute_events SET summary = 'Nothing happened.', hash = :resealed "
        "WHERE dispute_id = :d AND sequence = 2",
        3,
        "its link to the event before does not hold",
    ),
]


@pytest.mark.parametrize("tamper", TAMPERING, ids=lambda t: t.name)
def test_h1_audit_verify_names_the_first_broken_link_of_a_history_changed_by_raw_sql(
    world: World, runner, tamper: Tamper
):
    dispute_id = negotiated(world)
    second = chain(dispute_id)[1]
    params = {
        "d": dispute_id,
        "other": world.outsider.id,
        "resealed": resealed(second, summary="Nothing happened."),
    }
    _as_superuser_without_the_trigger()
    if tamper.sql.startswith("DELETE"):
        db.session.execute(
            text(
                "DELETE FROM notifications WHERE event_id IN "
                "(SELECT id FROM dispute_events WHERE dispute_id = :d AND sequence = 2)"
            ),
            params,
        )
    db.session.execute(text(tamper.sql), params)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"dispute {dispute_id}, event {tamper.broken_at} " in result.output
    assert tamper.says in result.output


def test_h1_audit_verify_reports_only_the_changed_dispute(world: World, runner, make_user):
    from dispute_world import make_order

    changed = negotiated(world)
    other_buyer, other_seller = make_user("buyer"), make_user("seller")
    other = World(
        other_buyer,
        other_seller,
        world.mediator,
        world.outsider,
        make_order(other_buyer, other_seller, number="T-2"),
    )
    intact = other.open(ago(1)).id
    _as_superuser_without_the_trigger()
    db.session.execute(
        text("UPDATE dispute_events SET summary = 'x' WHERE dispute_id = :d AND sequence = 1"), {"d": changed}
    )
    result = verify(runner)
    assert result.exit_code == 1
    assert f"dispute {changed}, event 1 " in result.output
    assert f"dispute {intact}," not in result.output
    assert "1 of 2 dispute histories are broken." in result.output


def test_h1_the_orm_refuses_bulk_updates_and_deletes_of_the_history(world: World):
    dispute_id = negotiated(world)
    for statement in (
        update(Event).where(Event.dispute_id == dispute_id).values(summary="rewritten"),
        delete(Event).where(Event.dispute_id == dispute_id),
    ):
        with pytest.raises(AppendOnlyError):
            db.session.execute(statement)
        db.session.rollback()
    assert chain(dispute_id)[0].summary != "rewritten"


def test_h1_a_second_event_cannot_take_the_same_place_in_a_chain(world: World):
    dispute_id = negotiated(world)
    first = chain(dispute_id)[0]
    fork = Event(
        dispute_id=dispute_id,
        sequence=2,
        at=first.at,
        actor_role=Actor.SELLER,
        actor_id=world.seller.id,
        action="closed",
        summary="A fork.",
        data={},
        prev_hash=first.hash,
        hash="f" * 64,
    )
    db.session.add(fork)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_h1_events_written_in_one_transaction_follow_each_other(world: World, runner):
    dispute = world.open(ago(1))
    for n in range(3):
        record(dispute.id, [], actor=Actor.SYSTEM, user=None, action="note", summary=f"Note {n}", at=ago(0.5))
    assert [e.sequence for e in chain(dispute.id)][-3:] == [2, 3, 4]
    assert verify(runner).exit_code == 0


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE dispute_events SET summary = 'rewritten'",
        "DELETE FROM dispute_events",
        "TRUNCATE dispute_events CASCADE",
    ],
)
def test_h1_on_postgresql_the_database_refuses_to_change_the_history(world: World, sql: str):
    dispute_id = negotiated(world)
    before = [(e.summary, e.hash) for e in chain(dispute_id)]
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(sql))
    db.session.rollback()
    assert [(e.summary, e.hash) for e in chain(dispute_id)] == before
