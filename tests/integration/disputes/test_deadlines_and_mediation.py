"""Clocks that act, mediation, closing, appeals and refunds (S1, N1, M2-M8, C1-C3, F2, F3, H1, H2)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from dispute_world import NOW, World, ago, make_order
from sqlalchemy import select

from dispute_engine import (
    Action,
    Actor,
    MediationStatus,
    Outcome,
    RefundStatus,
    ReturnStatus,
    RuleViolation,
    State,
)
from webapp.core.extensions import db
from webapp.disputes import lifecycle, negotiation
from webapp.disputes.attachments import NoAttachments
from webapp.disputes.facts import dispute_facts
from webapp.disputes.ticking import tick
from webapp.history.models import AppendOnlyError, Event, Notification
from webapp.mediation import services as mediation
from webapp.mediation.records import party_records
from webapp.settlement import services as settlement
from webapp.settlement.models import Refund, ReturnShipment

TWO_SOLUTIONS = [("refund_only", "15.00", "Keep it"), ("return_and_refund", "50.00", "Send it back")]


def events(dispute, action=None):
    query = select(Event).where(Event.dispute_id == dispute.id)
    if action:
        query = query.where(Event.action == action)
    return db.session.scalars(query.order_by(Event.id)).all()


def escalated(world: World, days_ago: float = 8):
    """A dispute the seller rejected and the clock escalated (N1)."""
    dispute = world.open(ago(days_ago))
    world.act(
        world.seller,
        dispute,
        Action.REJECT_REQUEST,
        ago(days_ago - 1),
        lambda c: negotiation.reject_request(c, {}),
    )
    tick()
    return world.reload(dispute)


def test_s1_tick_closes_a_silent_sellers_dispute_once_in_the_buyers_favour(world: World):
    dispute = world.open(ago(6))
    assert tick() == 1
    assert tick() == 0
    dispute = world.reload(dispute)
    assert (dispute.state, dispute.outcome, dispute.outcome_amount) == (
        State.CLOSED,
        Outcome.SELLER_DID_NOT_RESPOND,
        Decimal("30.00"),
    )
    assert dispute.closed_at == ago(6) + timedelta(days=5)  # dated at the deadline, not at the tick
    [closed] = events(dispute, "closed")
    assert (closed.actor_role, closed.rule) == (Actor.SYSTEM, "S1")
    assert db.session.scalars(select(Refund)).one().amount == Decimal("30.00")


def test_n1_no_agreement_in_seven_days_escalates_by_itself(world: World):
    dispute = escalated(world)
    assert dispute.state is State.ESCALATED
    assert dispute.escalated_at == ago(8) + timedelta(days=7)
    assert events(dispute, "escalated")[0].rule == "N1"


def test_m1_m2_a_request_waits_for_the_party_and_its_answer_returns_to_processing(world: World):
    dispute = escalated(world)
    world.take(dispute, NOW)
    world.act(
        world.mediator,
        dispute,
        Action.REQUEST_EVIDENCE,
        NOW,
        lambda c: mediation.request_evidence(c, "buyer", "An unboxing video", None),
    )
    facts = dispute_facts(world.reload(dispute))
    assert facts.open_requests[0].due_at == NOW + timedelta(days=3)
    from dispute_engine import mediation_status

    assert mediation_status(facts) is MediationStatus.WAITING_BUYER
    world.act(
        world.buyer,
        dispute,
        Action.RESPOND_EVIDENCE,
        NOW,
        lambda c: mediation.respond_evidence(c, "Here it is", NoAttachments()),
    )
    assert mediation_status(dispute_facts(world.reload(dispute))) is MediationStatus.PROCESSING


def test_m3_a_buyer_who_misses_the_mediators_deadline_loses(world: World):
    dispute = escalated(world, days_ago=12)
    world.take(dispute, ago(4))
    world.act(
        world.mediator,
        dispute,
        Action.REQUEST_EVIDENCE,
        ago(4),
        lambda c: mediation.request_evidence(c, "buyer", "A video", None),
    )
    tick()
    dispute = world.reload(dispute)
    assert (dispute.state, dispute.outcome, dispute.outcome_amount) == (
        State.CLOSED,
        Outcome.BUYER_MISSED_DEADLINE,
        Decimal("0"),
    )
    assert db.session.scalars(select(Refund)).all() == []


def test_m4_m5_both_parties_accepting_the_same_solution_closes_it(world: World):
    dispute = escalated(world)
    world.take(dispute, NOW)
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        NOW,
        lambda c: mediation.propose_decision(c, TWO_SOLUTIONS, "Half back", []),
    )
    for user in (world.buyer, world.seller):
        world.act(
            user,
            dispute,
            Action.ANSWER_DECISION,
            NOW,
            lambda c: mediation.answer_decision(c, "1", "", NoAttachments()),
        )
    dispute = world.reload(dispute)
    assert (dispute.outcome, dispute.outcome_amount) == (Outcome.MEDIATION_AGREED, Decimal("15.00"))


def test_m5_m6_a_rejection_lets_the_mediator_replace_the_proposal_then_decide(world: World):
    dispute = escalated(world)
    world.take(dispute, NOW)
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        NOW,
        lambda c: mediation.propose_decision(c, TWO_SOLUTIONS, "", []),
    )
    world.act(
        world.buyer,
        dispute,
        Action.ANSWER_DECISION,
        NOW,
        lambda c: mediation.answer_decision(c, "2", "", NoAttachments()),
    )
    with pytest.raises(RuleViolation):  # nobody rejected and the seller has not answered yet
        world.act(world.mediator, dispute, Action.FINAL_DECISION, NOW, lambda c: None)
    world.act(
        world.seller,
        dispute,
        Action.ANSWER_DECISION,
        NOW,
        lambda c: mediation.answer_decision(c, "0", "No", NoAttachments()),
    )
    assert mediation_status_of(world, dispute) is MediationStatus.PROCESSING
    world.act(
        world.mediator,
        dispute,
        Action.FINAL_DECISION,
        NOW,
        lambda c: mediation.final_decision(c, "2", "Full refund after return", []),
    )
    dispute = world.reload(dispute)
    assert (dispute.outcome, dispute.outcome_resolution.value) == (
        Outcome.FINAL_DECISION,
        "return_and_refund",
    )
    assert db.session.scalars(select(ReturnShipment)).one().status is ReturnStatus.AWAITING_SHIPMENT


def mediation_status_of(world: World, dispute):
    from dispute_engine import mediation_status

    return mediation_status(dispute_facts(world.reload(dispute)))


def test_m4_a_seller_silent_on_the_proposal_loses_to_the_solution_the_buyer_accepted(world: World):
    dispute = escalated(world, days_ago=14)
    world.take(dispute, ago(5))
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        ago(5),
        lambda c: mediation.propose_decision(c, TWO_SOLUTIONS, "", []),
    )
    world.act(
        world.buyer,
        dispute,
        Action.ANSWER_DECISION,
        ago(4),
        lambda c: mediation.answer_decision(c, "1", "", NoAttachments()),
    )
    tick()
    dispute = world.reload(dispute)
    assert (dispute.outcome, dispute.outcome_amount) == (Outcome.SELLER_MISSED_DEADLINE, Decimal("15.00"))


def test_m7_the_mediator_sees_the_buyers_recent_disputes_and_the_sellers_record(world: World):
    dispute = escalated(world)
    records = party_records(dispute, NOW)
    assert (records.buyer_recent, records.buyer_warning, records.seller_disputes) == (1, False, 1)


def test_c1_cancelling_after_escalation_releases_the_money_to_the_seller(world: World):
    dispute = escalated(world)
    world.act(world.buyer, dispute, Action.CANCEL, NOW, lifecycle.cancel)
    dispute = world.reload(dispute)
    assert (dispute.state, dispute.outcome, dispute.outcome_amount) == (
        State.CLOSED,
        Outcome.ARBITRATION_CANCELLED,
        Decimal("0"),
    )


def test_c1_c2_a_cancelled_dispute_reopens_with_fresh_clocks(world: World):
    dispute = world.open(ago(3))
    world.act(world.buyer, dispute, Action.CANCEL, ago(2), lifecycle.cancel)
    assert world.reload(dispute).state is State.CANCELLED
    world.act(world.buyer, dispute, Action.REOPEN, NOW, lifecycle.reopen)
    dispute = world.reload(dispute)
    assert (dispute.state, dispute.opened_at) == (State.AWAITING_SELLER, NOW)
    assert dispute.next_deadline_at == NOW + timedelta(days=5)


def test_c2_reopening_after_the_window_closed_is_refused(world: World, make_user):
    buyer, seller = make_user("buyer"), make_user("seller")
    order = make_order(buyer, seller, number="T-2", receipt=ago(14))
    world.order, world.buyer, world.seller = order, buyer, seller
    dispute = world.open(ago(1))
    world.act(buyer, dispute, Action.CANCEL, ago(1), lifecycle.cancel)
    with pytest.raises(RuleViolation) as refused:
        world.act(buyer, dispute, Action.REOPEN, NOW + timedelta(days=2), lifecycle.reopen)
    assert refused.value.rule == "C2"


def test_c3_an_appeal_goes_back_to_a_mediator_once_and_only_within_seven_days(world: World):
    dispute = world.open(ago(9))
    tick()  # S1 closes it at day 5, four days ago
    world.act(
        world.buyer,
        dispute,
        Action.APPEAL,
        NOW,
        lambda c: lifecycle.appeal(c, "result", "The refund never came"),
    )
    dispute = world.reload(dispute)
    assert dispute.state is State.ESCALATED and dispute.appealed_at == NOW
    world.act(world.buyer, dispute, Action.CANCEL, NOW, lifecycle.cancel)
    with pytest.raises(RuleViolation, match="once per order"):
        world.act(world.buyer, dispute, Action.APPEAL, NOW, lambda c: lifecycle.appeal(c, "result", "Again"))


def test_f2_a_return_is_refunded_once_the_seller_confirms_it_arrived(world: World):
    dispute = world.agree_on_a_return(ago(2), ago(1))
    assert db.session.scalars(select(Refund)).all() == []
    world.act(
        world.buyer,
        dispute,
        Action.SHIP_RETURN,
        NOW,
        lambda c: settlement.ship_return(c, "RR123"),
    )
    world.act(
        world.seller,
        dispute,
        Action.CONFIRM_RETURN,
        NOW,
        settlement.confirm_return,
    )
    refund = db.session.scalars(select(Refund)).one()
    assert (refund.amount, refund.status) == (Decimal("50.00"), RefundStatus.PENDING)


def test_f2_a_return_not_shipped_in_time_lapses_without_refund(world: World):
    world.agree_on_a_return(ago(14), ago(13))
    tick()
    assert db.session.scalars(select(ReturnShipment)).one().status is ReturnStatus.LAPSED
    assert db.session.scalars(select(Refund)).all() == []


def test_f3_refunds_never_exceed_the_order_total_even_after_an_appeal(world: World):
    dispute = world.open(ago(9), amount="50")
    tick()
    world.act(
        world.seller,
        dispute,
        Action.MARK_REFUNDED,
        ago(3),
        lambda c: settlement.mark_refunded(c),
    )
    world.act(world.buyer, dispute, Action.APPEAL, NOW, lambda c: lifecycle.appeal(c, "result", "More"))
    world.take(dispute, NOW)
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        NOW,
        lambda c: mediation.propose_decision(c, [("refund_only", "50.00", "")], "", []),
    )
    world.act(
        world.buyer,
        dispute,
        Action.ANSWER_DECISION,
        NOW,
        lambda c: mediation.answer_decision(c, "0", "", NoAttachments()),
    )
    world.act(
        world.mediator,
        dispute,
        Action.FINAL_DECISION,
        NOW,
        lambda c: mediation.final_decision(c, "1", "", []),
    )
    paid = [r.amount for r in db.session.scalars(select(Refund)) if r.status is not RefundStatus.SUPERSEDED]
    assert sum(paid) == Decimal("50.00")


def test_h1_every_action_is_in_the_history_and_events_cannot_be_changed(world: World):
    dispute = world.open(ago(2))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, {})
    )
    world.act(world.buyer, dispute, Action.SEND_MESSAGE, NOW, lambda c: negotiation.send_message(c, "Hello"))
    assert [e.action for e in events(dispute)] == ["opened", "request_rejected", "message"]
    first = events(dispute)[0]
    first.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(events(dispute)[0])
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_h2_each_event_notifies_the_other_party_and_not_the_actor(world: World):
    dispute = world.open(ago(1))
    notified = {
        n.user_id
        for n in db.session.scalars(select(Notification).where(Notification.dispute_id == dispute.id))
    }
    assert notified == {world.seller.id}
