"""Ten clicks at once on an action that moves money or checks a limit: one wins, the rest are told.

Each copy runs in its own thread with its own test client and app context (so its own database
connection), all released together by a barrier; the pipeline's lock must serialise them on SQLite
as it does on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from dispute_world import NOW, World, ago
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from test_evidence_locker import HX, escalated, jpeg, text, upload
from werkzeug.test import TestResponse

from dispute_engine import Action, Actor, RefundStatus, State
from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.disputes.attachments import NoAttachments
from webapp.disputes.ticking import tick
from webapp.evidence.models import EvidenceItem
from webapp.history.models import Event
from webapp.mediation import services as mediation
from webapp.settlement.models import Refund

COPIES = 10
ITEM_LIMIT = 5
TWO_SOLUTIONS = [("refund_only", "15.00", "Keep it"), ("return_and_refund", "50.00", "Send it back")]


@pytest.fixture
def app_config():
    return {"MAX_EVIDENCE_ITEMS": ITEM_LIMIT}


def race(app: Flask, user_id: int, send: Callable[[FlaskClient, int], TestResponse]) -> list[TestResponse]:
    """Send COPIES requests as one user at the same moment, each from its own client and thread."""
    session_id = db.session.get_one(User, user_id).get_id()  # the id with its session generation
    db.session.commit()  # the test's own session holds no transaction while the copies run
    # (`send` must use plain values: this thread's objects belong to its session, not the copies')
    barrier = threading.Barrier(COPIES)
    responses: list[TestResponse | None] = [None] * COPIES
    errors: list[BaseException] = []

    def one(copy: int) -> None:
        try:
            with app.app_context():
                client = app.test_client()
                with client.session_transaction() as session:
                    session["_user_id"] = session_id
                    session["_fresh"] = True
                barrier.wait(timeout=30)
                responses[copy] = send(client, copy)
        except BaseException as error:  # reported below: an exception must fail the test, not vanish
            errors.append(error)

    threads = [threading.Thread(target=one, args=(copy,)) for copy in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    db.session.rollback()
    db.session.expire_all()
    return [response for response in responses if response is not None]


def statuses(responses: list[TestResponse]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


def losers_told_in_words(responses: list[TestResponse], *codes: int) -> list[str]:
    """The refusals' words; each loser got one of `codes` and a sentence, never a 500."""
    refused = [r for r in responses if r.status_code >= 400]
    assert {r.status_code for r in refused} <= set(codes), statuses(responses)
    return [text(r) for r in refused]


def events(dispute_id: int, action: str) -> int:
    return db.session.scalar(
        select(func.count(Event.id)).where(Event.dispute_id == dispute_id, Event.action == action)
    )


def test_f1_ten_mark_refunded_at_once_pay_once(app, world: World):
    dispute_id = world.open(ago(9), amount="50").id
    tick()  # the silent seller loses (S1): a refund of 50.00 is due
    responses = race(app, world.seller.id, lambda c, i: c.post(f"/disputes/{dispute_id}/mark-refunded"))
    print("mark refunded:", statuses(responses))
    assert statuses(responses)[303] == 1
    words = losers_told_in_words(responses, 409)
    assert len(words) == COPIES - 1 and all("no pending refund" in w for w in words)
    assert events(dispute_id, "refunded") == 1
    assert db.session.scalars(select(Refund.status)).all() == [RefundStatus.REFUNDED]


def decided_dispute(world: World):
    """An escalated dispute whose proposal the seller rejected: the mediator may decide (M5)."""
    dispute = escalated(world)
    world.take(dispute, NOW)  # M5: only the mediator holding the case decides
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        NOW,
        lambda c: mediation.propose_decision(c, TWO_SOLUTIONS, "", []),
    )
    world.act(
        world.seller,
        dispute,
        Action.ANSWER_DECISION,
        NOW,
        lambda c: mediation.answer_decision(c, "0", "No", NoAttachments()),
    )
    return world.reload(dispute)


def test_m5_ten_final_decisions_at_once_close_the_dispute_once(app, world: World):
    dispute = decided_dispute(world)
    dispute_id = dispute.id
    responses = race(
        app,
        world.mediator.id,
        lambda c, i: c.post(
            f"/disputes/{dispute_id}/final-decision", data={"solution": str(i % 2 + 1), "confirm": "yes"}
        ),
    )
    print("final decision:", statuses(responses))
    assert statuses(responses)[303] == 1
    words = losers_told_in_words(responses, 409)
    assert len(words) == COPIES - 1 and all("cannot be done on a closed dispute" in w for w in words)
    assert events(dispute_id, "closed") == 1
    assert world.reload(dispute).state is State.CLOSED


def test_n4_ten_accepts_of_one_proposal_at_once_close_it_once(app, world: World):
    dispute = world.open(ago(1))
    dispute_id, proposal_id = dispute.id, dispute.live_proposals(Actor.BUYER)[0].id
    form = {"proposal_id": str(proposal_id), "confirm": "yes"}
    responses = race(app, world.seller.id, lambda c, i: c.post(f"/disputes/{dispute_id}/accept", data=form))
    print("accept:", statuses(responses))
    assert statuses(responses)[303] == 1
    words = losers_told_in_words(responses, 409)
    assert len(words) == COPIES - 1 and all("cannot be done on a closed dispute" in w for w in words)
    assert events(dispute_id, "closed") == 1
    assert db.session.scalar(select(func.count(Refund.id))) == 1


def items_of(dispute_id: int, party: Actor) -> int:
    return db.session.scalar(
        select(func.count(EvidenceItem.id)).where(
            EvidenceItem.dispute_id == dispute_id, EvidenceItem.party == party
        )
    )


def test_e3_the_same_file_ten_times_at_once_is_kept_once(app, world: World):
    dispute = world.open(ago(1))
    dispute_id, data = dispute.id, jpeg((1, 2, 3))
    responses = race(
        app, world.buyer.id, lambda c, i: upload(c, dispute_id, data, f"copy{i}.jpg", headers=HX)
    )
    print("same file:", statuses(responses))
    assert statuses(responses)[200] == 1
    words = losers_told_in_words(responses, 422)
    assert len(words) == COPIES - 1 and all("already in your evidence" in w for w in words)
    assert items_of(dispute_id, Actor.BUYER) == 2  # the opening photo and one copy
    assert events(dispute_id, "evidence_added") == 1


def test_e1_ten_uploads_at_once_near_the_item_limit_stop_exactly_at_it(app, world: World):
    dispute = world.open(ago(1))  # its photo is the buyer's first item
    dispute_id = dispute.id  # ten different photos (nearby colours can encode to the same JPEG)
    responses = race(
        app,
        world.buyer.id,
        lambda c, i: upload(c, dispute_id, jpeg((i * 25, 50, 60)), f"p{i}.jpg", headers=HX),
    )
    print("near the limit:", statuses(responses))
    assert statuses(responses)[200] == ITEM_LIMIT - 1
    words = losers_told_in_words(responses, 422)
    assert all(f"limited to {ITEM_LIMIT} items" in w for w in words)
    assert items_of(dispute_id, Actor.BUYER) == ITEM_LIMIT
    assert events(dispute_id, "evidence_added") == ITEM_LIMIT - 1
