"""Who holds an escalated case: a mediator takes it, only the holder acts, others read, a lead reassigns."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from dispute_world import NOW, World, ago
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from dispute_engine import Action, FormInvalid, NotPermitted, RuleViolation
from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.assignment import CaseTaken
from webapp.disputes.pipeline import DisputeNotFound, perform
from webapp.disputes.steps import ActionContext, Done
from webapp.disputes.ticking import tick
from webapp.history.models import Event, Notification
from webapp.mediation import services as mediation

Service = Callable[[ActionContext], Done]


@pytest.fixture
def people(world: World, make_user) -> dict[str, User]:
    return {
        "mo": world.mediator,
        "mel": make_user("mediator", name="Mel"),
        "lee": make_user("lead_mediator", name="Lee"),
        "buyer": world.buyer,
    }


def escalated(world: World):
    dispute = world.open(ago(9))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(8), lambda c: negotiation.reject_request(c, {})
    )
    tick()
    return world.reload(dispute)


def ask(c: ActionContext) -> Done:
    return mediation.request_evidence(c, "buyer", "A photo of the label", None)


def propose(c: ActionContext) -> Done:
    return mediation.propose_decision(c, [("refund_only", "10.00", "")], "", [])


def decide(c: ActionContext) -> Done:
    return mediation.final_decision(c, "1", "", [])


def hand_to(name: str) -> Callable[[dict[str, User]], Service]:
    return lambda people: lambda c: mediation.reassign_case(c, str(people[name].id))


@dataclass(frozen=True)
class Case:
    """Who holds the case, who tries what, and what happens: None for done, else the refusal and its words."""

    name: str
    holder: str | None
    who: str
    action: Action
    service: Callable[[dict[str, User]], Service]
    refused: type[Exception] | None = None
    says: str = ""
    holder_after: str | None = None  # who holds it once the action is done


TAKE = (Action.TAKE_CASE, lambda people: mediation.take_case)
ASK = (Action.REQUEST_EVIDENCE, lambda people: ask)
PROPOSE = (Action.PROPOSE_DECISION, lambda people: propose)
DECIDE = (Action.FINAL_DECISION, lambda people: decide)

CASES = [
    Case("a free case is taken", None, "mo", *TAKE, holder_after="mo"),
    Case("a held case cannot be taken", "mo", "mel", *TAKE, CaseTaken, "Mo took this case first", "mo"),
    Case("the holder taking again", "mo", "mo", *TAKE, RuleViolation, "You already hold this case", "mo"),
    Case("nobody acts on a free case", None, "mo", *ASK, NotPermitted, "Take this case first"),
    Case("the holder asks for evidence", "mo", "mo", *ASK, holder_after="mo"),
    Case("another mediator cannot ask", "mo", "mel", *ASK, NotPermitted, "Mo holds this case", "mo"),
    Case("another mediator cannot propose", "mo", "mel", *PROPOSE, NotPermitted, "Mo holds this case", "mo"),
    # Told it is not theirs, not that the parties have not answered yet (M5).
    Case("another mediator cannot decide", "mo", "mel", *DECIDE, NotPermitted, "Mo holds this case", "mo"),
    Case("a lead acts on its own cases", "mo", "lee", *PROPOSE, NotPermitted, "Mo holds this case", "mo"),
    Case("a mediator cannot reassign", "mo", "mel", Action.REASSIGN_CASE, hand_to("mel"), NotPermitted,
         "Only a lead mediator", "mo"),
    Case("a lead hands a case over", "mo", "lee", Action.REASSIGN_CASE, hand_to("mel"), holder_after="mel"),
    Case("a lead gives a free case", None, "lee", Action.REASSIGN_CASE, hand_to("mo"), holder_after="mo"),
    Case("a lead takes a case over", "mo", "lee", Action.REASSIGN_CASE, hand_to("lee"), holder_after="lee"),
    Case("only to a mediator", "mo", "lee", Action.REASSIGN_CASE, hand_to("buyer"), FormInvalid,
         "Choose a mediator", "mo"),
    Case("not to the holder", "mo", "lee", Action.REASSIGN_CASE, hand_to("mo"), FormInvalid,
         "Mo already holds", "mo"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_only_the_mediator_holding_a_case_acts_on_it(world: World, people: dict[str, User], case: Case):
    people["mo"].name = "Mo"
    dispute = escalated(world)
    if case.holder:
        world.take(dispute, ago(0.5), people[case.holder])
    events_before = len(db.session.scalars(select(Event).where(Event.dispute_id == dispute.id)).all())
    act = lambda: world.act(people[case.who], dispute, case.action, NOW, case.service(people))  # noqa: E731
    if case.refused:
        with pytest.raises(case.refused) as refused:
            act()
        db.session.rollback()
        assert case.says in str(refused.value)
    else:
        act()
    after = world.reload(dispute)
    holder_after = people[case.holder_after].id if case.holder_after else None
    assert after.mediator_id == holder_after
    events = db.session.scalars(select(Event).where(Event.dispute_id == dispute.id)).all()
    assert len(events) == events_before + (0 if case.refused else 1)


def test_taking_a_case_is_in_the_history_and_tells_the_parties(world: World):
    dispute = escalated(world)
    world.take(dispute, NOW)
    event = db.session.scalars(select(Event).where(Event.action == "case_taken")).one()
    assert (event.actor_id, event.summary, event.rule) == (
        world.mediator.id,
        "A mediator took the case.",
        None,
    )
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.event_id == event.id)))
    assert told == {world.buyer.id, world.seller.id}


def test_a_mediator_cannot_take_a_case_before_it_is_escalated(world: World):
    dispute = world.open(ago(1))
    with pytest.raises(DisputeNotFound):
        world.take(dispute, NOW)


def _take_in_thread(
    app: Flask, user_id: int, dispute_id: int, start: threading.Barrier, outcomes: list
) -> None:
    with app.app_context():
        user = db.session.get_one(User, user_id)
        start.wait()
        try:
            perform(user, dispute_id, Action.TAKE_CASE, NOW, mediation.take_case)
            db.session.commit()
            outcomes.append(("took", user_id))
        except (RuleViolation, StaleDataError) as refused:
            db.session.rollback()
            outcomes.append(("refused", str(refused)))
        finally:
            db.session.remove()


def test_two_mediators_racing_to_take_a_case_one_takes_it_the_other_is_told(
    app: Flask, world: World, people: dict[str, User]
):
    dispute = escalated(world)
    db.session.commit()
    contenders = [people["mo"].id, people["mel"].id]
    start, outcomes = threading.Barrier(len(contenders)), []
    threads = [
        threading.Thread(target=_take_in_thread, args=(app, user_id, dispute.id, start, outcomes))
        for user_id in contenders
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(kind for kind, _ in outcomes) == ["refused", "took"], outcomes
    [(_, winner)] = [o for o in outcomes if o[0] == "took"]
    assert world.reload(dispute).mediator_id == winner
    assert len(db.session.scalars(select(Event).where(Event.action == "case_taken")).all()) == 1
