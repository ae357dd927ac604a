"""A decision keeps the evidence it was taken on, written in the transaction that decides (M3-M5, E2, E3)."""

from __future__ import annotations

from decided_case import decide, items, proposed
from dispute_world import World, ago
from sqlalchemy import select

from dispute_engine import Action
from webapp.core.extensions import db
from webapp.demo import demo_photo
from webapp.disputes import lifecycle
from webapp.disputes.attachments import NoAttachments
from webapp.disputes.ticking import tick
from webapp.evidence import locker
from webapp.history.models import Event
from webapp.mediation import services as mediation
from webapp.mediation.models import Decision, DecisionEvidence, DecisionStatus


def kept(decision: Decision) -> list[tuple[int, str, bool]]:
    rows = db.session.scalars(select(DecisionEvidence).where(DecisionEvidence.decision_id == decision.id))
    return sorted((row.item_id, row.sha256, row.removed) for row in rows)


def closing(dispute) -> Event:
    return db.session.scalars(
        select(Event).where(Event.dispute_id == dispute.id, Event.action == "closed")
    ).one()


def test_m5_a_final_decision_keeps_every_item_with_its_sha256_and_seals_what_parties_see_in_the_history(
    world: World,
):
    dispute = proposed(world)
    photo, removed = items(dispute)
    decide(world, dispute)
    decision = db.session.scalars(select(Decision)).one()
    assert decision.status is DecisionStatus.FINAL
    assert kept(decision) == sorted([(photo.id, photo.sha256, False), (removed.id, removed.sha256, True)])
    # The closing line carries what the parties may see of it (E2: not the removed item), in the chain.
    assert closing(dispute).data["decision_evidence"] == [
        {
            "id": photo.id,
            "name": photo.display_name,
            "party": "buyer",
            "kind": "photo",
            "sha256": photo.sha256,
        }
    ]


def test_c3_evidence_added_after_the_decision_leaves_what_it_was_taken_on_unchanged(world: World):
    dispute = proposed(world)
    decide(world, dispute)
    decision = db.session.scalars(select(Decision)).one()
    before = kept(decision)
    world.act(
        world.buyer,
        dispute,
        Action.APPEAL,
        ago(0.4),
        lambda c: lifecycle.appeal(c, "result", "The photo shows more."),
    )
    world.act(
        world.buyer,
        dispute,
        Action.ADD_EVIDENCE,
        ago(0.3),
        lambda c: locker.add_evidence(c, [demo_photo("Later")]),
    )
    assert len(items(dispute)) == 3
    db.session.expire_all()
    assert kept(decision) == before


def test_m4_m5_both_parties_accepting_a_solution_keep_the_evidence_of_that_moment(world: World):
    dispute = proposed(world)
    for who, at in ((world.buyer, ago(0.6)), (world.seller, ago(0.5))):
        world.act(
            who,
            dispute,
            Action.ANSWER_DECISION,
            at,
            lambda c: mediation.answer_decision(c, "1", "", NoAttachments()),
        )
    decision = db.session.scalars(select(Decision)).one()
    assert decision.status is DecisionStatus.AGREED
    photo, removed = items(dispute)
    assert [row[0] for row in kept(decision)] == sorted([photo.id, removed.id])
    assert [e["id"] for e in closing(dispute).data["decision_evidence"]] == [photo.id]


def test_m3_a_decision_the_clock_settles_keeps_the_evidence_present_at_its_deadline(world: World):
    dispute = proposed(world, start=16)
    decision = db.session.scalars(select(Decision)).one()
    assert kept(decision) == []  # a proposal is not yet a decision
    assert tick() == 1  # nobody answered by the deadline
    db.session.expire_all()
    decision = db.session.get_one(Decision, decision.id)
    assert decision.status is DecisionStatus.FINAL
    assert len(kept(decision)) == 2
    assert closing(dispute).rule == "M3"
    assert len(closing(dispute).data["decision_evidence"]) == 1


def test_a_closing_without_a_decision_keeps_nothing(world: World):
    dispute = world.open(ago(6))
    tick()  # S1: the seller never answered
    assert "decision_evidence" not in closing(dispute).data
    assert db.session.scalars(select(DecisionEvidence)).all() == []
