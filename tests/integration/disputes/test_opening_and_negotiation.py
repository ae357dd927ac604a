"""Opening and negotiating through the real services and database (O1, O4, O8, S2, S3, N2-N6, F1)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from dispute_world import NOW, World, ago
from sqlalchemy import func, select

from dispute_engine import (
    Action,
    Actor,
    FormInvalid,
    NotPermitted,
    Outcome,
    RefundStatus,
    RuleViolation,
    State,
)
from webapp.core.extensions import db
from webapp.disputes import lifecycle, negotiation
from webapp.disputes.models import Dispute, ProposalStatus
from webapp.disputes.opening import OrderNotFound, open_dispute
from webapp.disputes.pipeline import DisputeNotFound, StaleDispute
from webapp.evidence.models import EvidenceItem
from webapp.settlement.models import Refund

COUNTER = {"resolution": "refund_only", "amount": "10.00", "comment": "Partial refund"}


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_o4_opening_keeps_the_request_as_the_buyers_first_proposal_with_its_evidence_hash(world: World):
    dispute = world.open(ago(1))
    assert dispute.state is State.AWAITING_SELLER
    [proposal] = dispute.live_proposals(Actor.BUYER)
    assert (proposal.amount, proposal.status) == (Decimal("30.00"), ProposalStatus.PENDING)
    [item] = db.session.scalars(select(EvidenceItem)).all()
    assert len(item.sha256) == 64 and item.size > 0 and item.content_type == "image/jpeg"


def test_o1_a_second_dispute_on_the_same_order_is_refused(world: World):
    world.open(ago(1))
    with pytest.raises(RuleViolation) as refused:
        world.open(ago(0.5))
    assert refused.value.rule == "O1"
    assert count(Dispute) == 1


def test_o1_only_the_buyer_can_open_and_strangers_do_not_see_the_order(world: World):
    form = {
        "received": "no",
        "reason": "no_tracking",
        "resolution": "refund_only",
        "amount": "5",
        "description": "x",
    }
    with pytest.raises(RuleViolation, match="Only the order's buyer"):
        open_dispute(world.seller, world.order.id, form, now=NOW)
    with pytest.raises(OrderNotFound):
        open_dispute(world.outsider, world.order.id, form, now=NOW)


def test_o8_received_goods_without_evidence_are_refused_and_nothing_is_saved(world: World):
    form = {
        "received": "yes",
        "reason": "damaged_in_transit",
        "resolution": "refund_only",
        "amount": "30",
        "description": "Broken",
    }
    with pytest.raises(FormInvalid) as refused:
        open_dispute(world.buyer, world.order.id, form, now=NOW)
    db.session.rollback()
    assert "evidence" in refused.value.errors
    assert count(Dispute) == 0


def test_s2_f1_seller_accepting_closes_on_the_buyers_terms_and_a_refund_falls_due(world: World):
    dispute = world.open(ago(1))
    proposal_id = dispute.live_proposals(Actor.BUYER)[0].id
    world.act(
        world.seller,
        dispute,
        Action.ACCEPT_PROPOSAL,
        NOW,
        lambda c: negotiation.accept_proposal(c, proposal_id),
    )
    dispute = world.reload(dispute)
    assert (dispute.state, dispute.outcome, dispute.outcome_amount) == (
        State.CLOSED,
        Outcome.SELLER_ACCEPTED,
        Decimal("30.00"),
    )
    [refund] = db.session.scalars(select(Refund)).all()
    assert refund.status is RefundStatus.PENDING
    assert refund.due_at - dispute.closed_at == timedelta(days=15)


def test_s3_seller_rejecting_with_a_counter_proposal_starts_negotiation(world: World):
    dispute = world.open(ago(1))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, NOW, lambda c: negotiation.reject_request(c, COUNTER)
    )
    dispute = world.reload(dispute)
    assert dispute.state is State.NEGOTIATING
    assert [p.amount for p in dispute.live_proposals(Actor.SELLER)] == [Decimal("10.00")]
    assert dispute.live_proposals(Actor.BUYER)[0].status is ProposalStatus.REJECTED


def test_s3_a_rejection_with_the_form_default_resolution_but_no_amount_offers_nothing(world: World):
    dispute = world.open(ago(1))
    plain = {"resolution": "refund_only", "amount": " ", "comment": ""}
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, NOW, lambda c: negotiation.reject_request(c, plain)
    )
    dispute = world.reload(dispute)
    assert dispute.state is State.NEGOTIATING
    assert dispute.live_proposals(Actor.SELLER) == []


def test_n3_changing_a_proposal_keeps_the_old_one_in_the_history(world: World):
    dispute = world.open(ago(2))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, COUNTER)
    )
    old_id = world.reload(dispute).live_proposals(Actor.SELLER)[0].id
    world.act(
        world.seller,
        dispute,
        Action.CHANGE_PROPOSAL,
        NOW,
        lambda c: negotiation.change_proposal(
            c, old_id, {"resolution": "refund_only", "amount": "20.00", "comment": "Better"}
        ),
    )
    dispute = world.reload(dispute)
    old = next(p for p in dispute.proposals if p.id == old_id)
    assert old.status is ProposalStatus.SUPERSEDED
    assert [p.amount for p in dispute.live_proposals(Actor.SELLER)] == [Decimal("20.00")]


def test_n2_a_party_cannot_hold_two_live_proposals_of_one_kind(world: World):
    dispute = world.open(ago(2))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, COUNTER)
    )
    with pytest.raises(RuleViolation) as refused:
        world.act(
            world.seller, dispute, Action.ADD_PROPOSAL, NOW, lambda c: negotiation.add_proposal(c, COUNTER)
        )
    assert refused.value.rule == "N2"
    world.act(
        world.seller,
        dispute,
        Action.ADD_PROPOSAL,
        NOW,
        lambda c: negotiation.add_proposal(
            c, {"resolution": "return_and_refund", "amount": "50.00", "comment": ""}
        ),
    )
    assert len(world.reload(dispute).live_proposals(Actor.SELLER)) == 2


def test_n4_accepting_a_proposal_its_author_just_changed_is_refused_not_applied(world: World):
    dispute = world.open(ago(2))
    proposal_id = dispute.live_proposals(Actor.BUYER)[0].id
    version_seen_by_seller = world.reload(dispute).version
    world.act(
        world.buyer,
        dispute,
        Action.CHANGE_PROPOSAL,
        ago(1),
        lambda c: negotiation.change_proposal(
            c, proposal_id, {"resolution": "refund_only", "amount": "45.00", "comment": "All of it"}
        ),
    )
    said = "The buyer changed a proposal from Refund only, 30.00 USD"
    with pytest.raises(StaleDispute, match=re.escape(said)):
        world.act(
            world.seller,
            dispute,
            Action.ACCEPT_PROPOSAL,
            NOW,
            lambda c: negotiation.accept_proposal(c, proposal_id),
            version=version_seen_by_seller,
        )
    db.session.rollback()
    assert world.reload(dispute).state is State.AWAITING_SELLER


def test_n5_rejecting_leaves_the_clock_running(world: World):
    dispute = world.open(ago(2))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, COUNTER)
    )
    deadline = world.reload(dispute).next_deadline_at
    seller_proposal = world.reload(dispute).live_proposals(Actor.SELLER)[0].id
    world.act(
        world.buyer,
        dispute,
        Action.REJECT_PROPOSAL,
        NOW,
        lambda c: negotiation.reject_proposal(c, seller_proposal),
    )
    assert world.reload(dispute).next_deadline_at == deadline


def test_n6_the_buyer_changes_the_dispute_and_its_standing_proposal_follows(world: World):
    dispute = world.open(ago(1))
    world.act(
        world.buyer,
        dispute,
        Action.CHANGE_DISPUTE,
        NOW,
        lambda c: lifecycle.change_dispute(
            c,
            {
                "reason": "quality_problem",
                "resolution": "return_and_refund",
                "amount": "50",
                "description": "It does not work",
            },
        ),
    )
    dispute = world.reload(dispute)
    assert (dispute.reason.value, dispute.amount) == ("quality_problem", Decimal("50.00"))
    [live] = dispute.live_proposals(Actor.BUYER)
    assert (live.resolution.value, live.amount) == ("return_and_refund", Decimal("50.00"))


def test_n6_a_seller_cannot_change_the_buyers_dispute(world: World):
    dispute = world.open(ago(1))
    with pytest.raises(NotPermitted):
        world.act(world.seller, dispute, Action.CHANGE_DISPUTE, NOW, lambda c: None)


def test_e4_strangers_cannot_reach_a_dispute(world: World):
    dispute = world.open(ago(1))
    with pytest.raises(DisputeNotFound):
        world.act(world.outsider, dispute, Action.SEND_MESSAGE, NOW, lambda c: None)
    with pytest.raises(DisputeNotFound):
        world.act(world.mediator, dispute, Action.SEND_MESSAGE, NOW, lambda c: None)
