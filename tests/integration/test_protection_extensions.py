"""Protection extensions in the database (O10-O13): one path, once only, in the order's own history.

The races run the real service in ten threads, each with its own app context and so its own
connection, released together: the order's row lock must serialise them on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from dispute_world import NOW, World
from flask import Flask
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from dispute_engine import RuleViolation, opening_window
from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.core.policies import policy_named
from webapp.history.chain import GENESIS, seal_order_event
from webapp.history.models import AppendOnlyError, OrderEvent
from webapp.orders.models import Order
from webapp.protection import services
from webapp.protection.models import ExtensionStatus, ProtectionExtension

COPIES = 10


def race(app: Flask, work: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run `work` in COPIES threads at once, each committing its own transaction; results and refusals."""
    db.session.commit()
    barrier = threading.Barrier(COPIES)
    results: list[Any] = []
    refusals: list[BaseException] = []
    lock = threading.Lock()

    def one() -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                result = work()
                db.session.commit()
                with lock:
                    results.append(result)
            except (RuleViolation, IntegrityError) as refusal:
                db.session.rollback()
                with lock:
                    refusals.append(refusal)

    threads = [threading.Thread(target=one) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.session.rollback()
    db.session.expire_all()
    return results, refusals


def the(user_id: int) -> User:
    return db.session.get_one(User, user_id)


def test_o10_o12_ten_identical_grants_at_once_extend_protection_once(app: Flask, world: World):
    order_id, seller_id = world.order.id, world.seller.id
    before = world.order.protection_ends_at
    asked = services.ask(world.buyer, order_id, "12", "", NOW).extension
    db.session.commit()
    request_id = asked.id

    results, refusals = race(
        app, lambda: services.answer(the(seller_id), order_id, request_id, "grant", "", NOW).repeated
    )

    assert refusals == []
    assert sorted(results) == [False] + [True] * (COPIES - 1)  # one grant; nine repeats that change nothing
    assert db.session.get_one(Order, order_id).protection_ends_at == before + timedelta(days=12)
    actions = db.session.scalars(select(OrderEvent.action).where(OrderEvent.order_id == order_id)).all()
    assert actions == ["protection_extension_asked", "protection_extended"]


def test_o10_ten_different_requests_at_once_leave_one_waiting(app: Flask, world: World):
    order_id, buyer_id = world.order.id, world.buyer.id
    counter = iter(range(1, COPIES + 1))  # each thread asks for a different number of days

    def ask() -> int:
        return services.ask(the(buyer_id), order_id, str(next(counter)), "", NOW).extension.id

    results, refusals = race(app, ask)

    assert len(results) == 1
    assert len(refusals) == COPIES - 1
    assert all("already waiting" in str(r) for r in refusals)
    waiting = db.session.scalar(
        select(func.count(ProtectionExtension.id)).where(
            ProtectionExtension.status == ExtensionStatus.PENDING
        )
    )
    assert waiting == 1


def test_o11_the_database_holds_one_waiting_request_per_order_whatever_the_code(world: World):
    for _ in range(2):
        db.session.add(
            ProtectionExtension(
                order_id=world.order.id,
                status=ExtensionStatus.PENDING,
                days_asked=3,
                reason="",
                asked_by_id=world.buyer.id,
                asked_at=NOW,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_o12_a_grant_moves_the_o3_window_and_o11_limits_count_over_the_orders_life(world: World):
    policy = policy_named(world.order.policy)
    closes_before = opening_window(world.order.facts(), policy)[1]
    for days in ("30", "30", "25"):
        request = services.ask(world.buyer, world.order.id, days, "", NOW).extension
        services.answer(world.seller, world.order.id, request.id, "grant", "", NOW)
        db.session.commit()
    assert opening_window(world.order.facts(), policy)[1] == closes_before + timedelta(days=85)
    with pytest.raises(RuleViolation) as refused:
        services.ask(world.buyer, world.order.id, "1", "", NOW)
    assert refused.value.rule == "O11"


def test_o11_a_declined_request_changes_nothing_and_the_buyer_may_ask_again(world: World):
    before = world.order.protection_ends_at
    first = services.ask(world.buyer, world.order.id, "9", "Lost?", NOW).extension
    services.answer(world.seller, world.order.id, first.id, "decline", "", NOW)
    db.session.commit()
    assert world.order.protection_ends_at == before
    second = services.ask(world.buyer, world.order.id, "4", "", NOW + timedelta(hours=1)).extension
    assert second.id != first.id
    assert services.answer(world.seller, world.order.id, first.id, "decline", "", NOW).repeated


def test_o13_the_orders_history_is_a_sealed_chain(world: World):
    request = services.ask(world.buyer, world.order.id, "5", "", NOW).extension
    services.answer(world.seller, world.order.id, request.id, "grant", "3", NOW + timedelta(hours=2))
    db.session.commit()
    previous = GENESIS
    events = db.session.scalars(select(OrderEvent).order_by(OrderEvent.sequence)).all()
    assert [e.sequence for e in events] == [1, 2]
    for event in events:
        fields = {
            "order_id": event.order_id,
            "sequence": event.sequence,
            "at": event.at,
            "actor_role": event.actor_role.value,
            "actor_id": event.actor_id,
            "action": event.action,
            "summary": event.summary,
            "rule": event.rule,
            "data": event.data,
            "prev_hash": event.prev_hash,
        }
        assert event.prev_hash == previous
        assert seal_order_event(**fields) == event.hash
        previous = event.hash
    assert events[1].data["days"] == 3
    assert events[1].data["ends_after"] == world.order.protection_ends_at.isoformat()


def test_o13_the_orders_history_cannot_be_changed(world: World):
    services.ask(world.buyer, world.order.id, "5", "", NOW)
    db.session.commit()
    event = db.session.scalars(select(OrderEvent)).one()
    event.summary = "Nothing happened."
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.execute(update(OrderEvent).values(summary="Nothing happened."))
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":  # the database itself refuses, whatever the client
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("UPDATE order_events SET summary = 'Nothing happened.'"))
        db.session.rollback()


def test_o13_audit_verify_checks_the_orders_histories_and_names_a_changed_one(world: World, runner):
    request = services.ask(world.buyer, world.order.id, "5", "", NOW).extension
    services.answer(world.seller, world.order.id, request.id, "grant", "", NOW)
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Checked 2 events of 1 orders' histories: every chain holds." in result.output

    if db.engine.dialect.name == "postgresql":  # what an administrator could do behind the app's back
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    db.session.execute(
        text("UPDATE order_events SET summary = 'The seller declined.' WHERE order_id = :o AND sequence = 2"),
        {"o": world.order.id},
    )
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"order {world.order.id}, event 2 " in result.output
    assert "its content does not match its seal" in result.output
