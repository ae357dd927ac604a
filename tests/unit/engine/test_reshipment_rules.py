"""F6, F7, C5: a re-shipment as a resolution, its ship-by deadline, its delivery window and reopening."""

from __future__ import annotations

from decimal import Decimal

import pytest
from dispute_builders import (
    SECOND,
    TOTAL,
    after_opening,
    closed,
    decision,
    escalated,
    negotiating,
    order,
)

from dispute_engine import (
    Action,
    Actor,
    DeadlineKind,
    EffectKind,
    FormInvalid,
    ReshipStatus,
    Resolution,
    RuleViolation,
    Stage,
    State,
    Terms,
    allowed_actions,
    check,
    check_proposal_slot,
    next_deadline,
    on_deadline,
    progress,
    take,
    validate_decision_solutions,
    validate_request,
    validate_terms,
)
from dispute_engine.refunds import order_status
from dispute_engine.reminders import person_deadlines

RESHIP = Terms(Resolution.RESHIP, Decimal("30.00"))
NOW = after_opening(15)
SHIP_BY = after_opening(25)  # closed on day 10, 15 days to ship
ARRIVES_BY = after_opening(50)


def awaiting(**overrides):
    """Closed on a re-shipment on day 10; the seller has not shipped yet."""
    base = {
        "outcome_terms": RESHIP,
        "reship_status": ReshipStatus.AWAITING_SHIPMENT,
        "reship_due_at": SHIP_BY,
    }
    return closed(**(base | overrides))


def shipped(**overrides):
    """The seller shipped on day 20; the new parcel should arrive by day 50."""
    return awaiting(**({"reship_status": ReshipStatus.SHIPPED, "reship_due_at": ARRIVES_BY} | overrides))


# --- proposing it ------------------------------------------------------------------------------


@pytest.mark.parametrize("received", [True, False])
def test_f6_either_party_may_propose_a_reshipment_whether_or_not_the_goods_arrived(received):
    form = validate_terms("reship", "30.00", "I send another", total=TOTAL, currency="USD", received=received)
    assert form.terms == RESHIP


def test_f6_n2_a_reshipment_is_a_proposal_kind_of_its_own_within_the_two_live_ones():
    check_proposal_slot([Resolution.REFUND_ONLY], Resolution.RESHIP)
    with pytest.raises(RuleViolation) as same:
        check_proposal_slot([Resolution.RESHIP], Resolution.RESHIP)
    assert same.value.rule == "N2"
    with pytest.raises(RuleViolation) as third:
        check_proposal_slot([Resolution.REFUND_ONLY, Resolution.RETURN_AND_REFUND], Resolution.RESHIP)
    assert third.value.rule == "N2"


def test_f6_m4_the_mediator_may_offer_a_reshipment_as_a_solution():
    forms = validate_decision_solutions(
        [("reship", "50.00", "Send a new one"), ("refund_only", "25.00", "Half back")],
        total=TOTAL,
        currency="USD",
        received=True,
    )
    assert forms[0].terms == Terms(Resolution.RESHIP, Decimal("50.00"))


def test_f6_o6_the_dispute_form_does_not_offer_a_reshipment():
    with pytest.raises(FormInvalid) as refused:
        validate_request(
            order(),
            after_opening(0),
            received="yes",
            reason="damaged_in_transit",
            resolution="reship",
            amount="30.00",
            description="Broken",
            evidence_count=1,
        )
    assert "re-shipment is agreed" in refused.value.errors["resolution"]


def test_f6_n4_accepting_a_reshipment_closes_the_dispute_on_it():
    step = take(negotiating(), Actor.BUYER, Action.ACCEPT_PROPOSAL, after_opening(3), terms=RESHIP)
    assert step.after is State.CLOSED and step.closing is not None
    assert step.closing.terms.resolution is Resolution.RESHIP


# --- the seller's ship-by deadline ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("snapshot", "kind", "at", "who"),
    [
        (awaiting(), DeadlineKind.RESHIP_SHIPMENT, SHIP_BY, (Actor.SELLER,)),
        (shipped(), None, None, None),  # the delivery window does not act: the buyer may reopen (C5)
        (closed(outcome_terms=RESHIP, reship_status=ReshipStatus.RECEIVED), None, None, None),
        (closed(outcome_terms=RESHIP, reship_status=ReshipStatus.NOT_SHIPPED), None, None, None),
    ],
    ids=["awaiting", "shipped", "received", "not-shipped"],
)
def test_f6_only_the_ship_by_date_is_a_clock_that_acts(snapshot, kind, at, who):
    deadline = next_deadline(snapshot)
    if kind is None:
        assert deadline is None
    else:
        assert deadline is not None
        assert (deadline.kind, deadline.at, deadline.must_act, deadline.rule) == (kind, at, who, "F6")


def test_f6_a_seller_who_does_not_ship_in_time_owes_the_refund_instead():
    snapshot = awaiting()
    deadline = next_deadline(snapshot)
    assert deadline is not None
    step = on_deadline(snapshot, deadline)
    assert step.rule == "F6" and step.by_clock and step.after is State.CLOSED
    assert step.return_effect is EffectKind.RESHIP_NOT_SHIPPED
    assert "refund is due instead" in step.summary


def test_f6_the_seller_is_reminded_of_its_ship_by_date_and_the_buyer_of_nothing():
    found = person_deadlines(awaiting())
    assert [(d.kind, d.party, d.at, d.rule) for d in found] == [
        (DeadlineKind.RESHIP_SHIPMENT.value, Actor.SELLER, SHIP_BY, "F6")
    ]
    assert "tracking number" in found[0].task
    assert person_deadlines(shipped()) == ()


# --- who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snapshot", "actor", "action", "rule"),
    [
        (awaiting(), Actor.SELLER, Action.SHIP_REPLACEMENT, None),
        (shipped(), Actor.SELLER, Action.SHIP_REPLACEMENT, "F6"),
        (awaiting(), Actor.BUYER, Action.SHIP_REPLACEMENT, "F6"),
        (shipped(), Actor.BUYER, Action.CONFIRM_REPLACEMENT, None),
        (awaiting(), Actor.BUYER, Action.CONFIRM_REPLACEMENT, "F7"),
        (shipped(), Actor.SELLER, Action.CONFIRM_REPLACEMENT, "F7"),
        (closed(), Actor.SELLER, Action.SHIP_REPLACEMENT, "F6"),
    ],
)
def test_f6_f7_the_seller_ships_and_the_buyer_confirms(snapshot, actor, action, rule):
    if rule is None:
        check(snapshot, actor, action, NOW)
        assert action in allowed_actions(snapshot, actor, NOW)
    else:
        with pytest.raises(RuleViolation) as refused:
            check(snapshot, actor, action, NOW)
        assert refused.value.rule == rule
        assert action not in allowed_actions(snapshot, actor, NOW)


# --- reopening after the delivery window (C5) ---------------------------------------------------


@pytest.mark.parametrize(
    ("snapshot", "at", "allowed"),
    [
        (shipped(), ARRIVES_BY, False),  # the window's last moment: the parcel may still come
        (shipped(), ARRIVES_BY + SECOND, True),
        (awaiting(), ARRIVES_BY + SECOND, False),  # not shipped: F6's clock acts instead
        (closed(outcome_terms=RESHIP, reship_status=ReshipStatus.RECEIVED), ARRIVES_BY + SECOND, False),
        (closed(), ARRIVES_BY + SECOND, False),  # closed on money: only a complaint (C3)
    ],
    ids=["within-window", "after-window", "not-shipped", "received", "money"],
)
def test_c5_the_buyer_reopens_only_after_an_unconfirmed_parcels_delivery_window(snapshot, at, allowed):
    if allowed:
        step = take(snapshot, Actor.BUYER, Action.REOPEN, at)
        assert (step.rule, step.before, step.after, step.reopens) == (
            "C5",
            State.CLOSED,
            State.AWAITING_SELLER,
            True,
        )
    else:
        with pytest.raises(RuleViolation) as refused:
            take(snapshot, Actor.BUYER, Action.REOPEN, at)
        assert refused.value.rule == "C5"


def test_c5_within_the_window_the_refusal_says_when_the_buyer_may_reopen():
    with pytest.raises(RuleViolation) as refused:
        check(shipped(), Actor.BUYER, Action.REOPEN, ARRIVES_BY)
    assert "22 April 2025, 09:00" in refused.value.message


@pytest.mark.parametrize("actor", [Actor.SELLER, Actor.MEDIATOR])
def test_c5_only_the_buyer_reopens(actor):
    with pytest.raises(RuleViolation):
        check(shipped(), actor, Action.REOPEN, ARRIVES_BY + SECOND)


# --- what the parties see (H3) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snapshot", "current", "last", "next_words", "status"),
    [
        (
            awaiting(),
            Stage.REFUND,
            ("current", "re-shipment"),
            "ships a replacement",
            "Re-shipment in progress",
        ),
        (
            shipped(),
            Stage.REFUND,
            ("current", "re-shipment on its way"),
            "can reopen",
            "Re-shipment in progress",
        ),
        (
            closed(outcome_terms=RESHIP, reship_status=ReshipStatus.RECEIVED),
            None,
            ("done", "replacement received"),
            "Closed.",
            "Completed",
        ),
        (
            closed(outcome_terms=RESHIP, reship_status=ReshipStatus.NOT_SHIPPED),
            None,
            ("missed", "not re-shipped: refund instead"),
            "Closed.",
            "Completed",
        ),
    ],
    ids=["awaiting", "shipped", "received", "not-shipped"],
)
def test_h3_f6_the_progress_bar_draws_a_reshipment_ending(snapshot, current, last, next_words, status):
    shown = progress(snapshot, after_opening(20))
    assert shown.current is current
    refund_step = shown.stages[-1]
    assert (refund_step.stage, refund_step.status, refund_step.note) == (Stage.REFUND, *last)
    assert next_words in shown.next_step
    assert order_status(False, State.CLOSED, None, None, snapshot.reship_status) == status


def test_h3_c5_while_the_parcel_travels_the_bar_shows_the_end_of_its_delivery_window_and_the_buyer():
    shown = progress(shipped(), after_opening(20))
    assert shown.deadline_at == ARRIVES_BY and shown.must_act == (Actor.BUYER,)


def test_f6_the_awaiting_sentence_names_the_refund_if_not_shipped():
    assert "30.00 USD is refunded" in progress(awaiting(), after_opening(11)).next_step


def test_f6_m5_a_final_decision_may_pick_a_reshipment():
    snapshot = escalated(decision=decision(RESHIP, buyer=0, seller=1))
    step = take(snapshot, Actor.MEDIATOR, Action.FINAL_DECISION, after_opening(13), solution=1)
    assert step.closing is not None and step.closing.terms == RESHIP
