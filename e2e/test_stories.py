"""Whole dispute stories in the browser, each on a fresh order, with the rule ids they prove in their names.

Every test here moves the shared app clock (or may run after one that did), so each creates its
own order with `flask demo order` after any travel and never reads another test's data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from actions import (
    POLL_TIMEOUT,
    accept_proposal,
    answer_decision,
    app_now,
    cancel_dispute,
    change_proposal,
    confirm,
    escalate,
    expect_done,
    expect_stage,
    final_decision,
    new_order,
    open_dispute_of,
    open_dispute_on,
    open_from_queue,
    press,
    propose_decision,
    queue_row,
    refund_line,
    reject_proposal,
    reject_request,
    reject_request_with_counter_offer,
    reopen_dispute,
    request_evidence,
    respond_now,
    section,
    show_again,
    solution_card,
    start_accepting,
    status_line,
    submit_complaint,
    take_case,
    travel,
    whole_seconds,
)
from playwright.sync_api import Page, expect

from dispute_engine.calendar import add_business_days

Window = Callable[..., Page]
Photo = Callable[..., Path]


def _refund_due_dates(before: datetime, after: datetime) -> set[str]:
    """The refund's due date as the page prints it, for a closing between `before` and `after` (F1)."""
    return {f"{(moment + timedelta(days=15)):%d %B %Y}" for moment in (before, after)}


@pytest.mark.travels
def test_o4_s3_n5_n1_m2_m4_m5_f1_the_whole_aliexpress_story(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Glass vase (whole story)")
    buyer = as_user("buyer@example.com")
    dispute_url = open_dispute_on(
        buyer,
        base_url,
        order,
        amount="30.00",
        photo=photo("broken-vase.jpg"),
        description="The vase arrived in three pieces.",
    )
    expect_stage(buyer, "Seller response")
    expect(section(buyer, "Evidence")).to_contain_text("broken-vase.jpg")

    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    reject_request_with_counter_offer(seller, "10.00", "It was packed well; 10 is fair.")
    expect_stage(seller, "Negotiation")

    show_again(buyer)
    reject_proposal(buyer, "10.00 USD")
    expect(section(buyer, "History")).to_contain_text("The buyer rejected Refund only, 10.00 USD")

    # Seven days without agreement: the platform steps in by itself (N1), seen by the open page's poll.
    travel(server_env, "7d")
    expect_stage(buyer, "Platform review", timeout=POLL_TIMEOUT)
    expect(section(buyer, "Where the dispute stands")).to_contain_text("Platform status: Processing")

    mediator = as_user("mediator@example.com")
    open_from_queue(mediator, base_url, order)
    take_case(mediator)
    request_evidence(mediator, "Buyer", "A photo of the box the vase came in.")
    expect(mediator.get_by_text("Platform status: Waiting for the buyer's response")).to_be_visible()

    show_again(buyer)
    expect(section(buyer, "Platform review")).to_contain_text("A photo of the box the vase came in.")
    respond_now(buyer, "Here is the box, crushed on one corner.", photo("crushed-box.jpg", (90, 80, 70)))
    expect(section(buyer, "Evidence")).to_contain_text("crushed-box.jpg")

    show_again(mediator)
    expect(section(mediator, "Evidence")).to_contain_text("crushed-box.jpg")
    propose_decision(
        mediator,
        [
            ("Refund only", "20.00", "Keep the vase"),
            ("Return goods and refund", "49.50", "Return it at your cost"),
        ],
        "The box was crushed in transit.",
    )

    show_again(buyer)
    answer_decision(buyer, 1)
    expect(solution_card(buyer, 1)).to_contain_text("You accepted this")

    open_dispute_of(seller, base_url, order)
    answer_decision(seller, 0, "The vase was intact when it left.")
    expect(section(seller, "Platform review")).to_contain_text("You rejected the solutions")

    show_again(mediator)
    before = app_now(server_env)
    final_decision(mediator, 1, "The photos show transit damage.")
    after = app_now(server_env)
    expect(section(mediator, "Outcome")).to_contain_text("Closed by the platform's final decision")

    show_again(buyer)
    assert buyer.url == dispute_url
    expect_stage(buyer, "Refund")
    expect(section(buyer, "Outcome")).to_contain_text("Refund only, 20.00 USD")
    refund = refund_line(buyer)
    expect(refund).to_contain_text("Refund 20.00 USD: pending, due by")
    assert any(day in refund.inner_text() for day in _refund_due_dates(before, after)), refund.inner_text()


def test_s3_the_seller_rejects_without_a_proposal_of_its_own(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Lamp shade (plain rejection)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo())
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    expect(seller.get_by_text("leave the amount empty to reject without one")).to_be_visible()
    reject_request(seller)
    expect_done(seller, "You rejected the request.")
    expect_stage(seller, "Negotiation")
    expect(section(seller, "Proposals")).to_contain_text("The buyer's proposal")


@pytest.mark.travels
def test_s1_a_seller_who_never_answers_loses_after_five_days(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Table fan (silent seller)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="25.00", photo=photo())
    expect(section(buyer, "Where the dispute stands")).to_contain_text("Who must act: the seller")

    travel(server_env, "5d")
    show_again(buyer)
    outcome = section(buyer, "Outcome")
    expect(outcome).to_contain_text("Closed in the buyer's favour: the seller did not respond")
    expect(outcome).to_contain_text("Refund only, 25.00 USD")
    expect(refund_line(buyer)).to_contain_text("Refund 25.00 USD: pending")
    history = section(buyer, "History")
    expect(history).to_contain_text("The seller did not respond in time")
    expect(history).not_to_contain_text("(S1)")  # rule ids are for mediators and logs

    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    expect(section(seller, "Outcome")).to_contain_text("the seller did not respond")
    expect(seller.get_by_role("button", name="Reject")).to_have_count(0)


def test_n3_n4_the_seller_changes_its_offer_and_the_buyer_accepts_it(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Wool scarf (agreement)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="40.00", photo=photo())

    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    reject_request_with_counter_offer(seller, "10.00")
    expect_done(seller, "You rejected the request.")
    change_proposal(seller, "10.00 USD", to="15.00", comment="15 and you keep the scarf.")
    proposals = section(seller, "Proposals")
    expect(proposals).to_contain_text("15.00 USD")
    expect(proposals.get_by_text("Earlier proposals (1)")).to_be_visible()

    show_again(buyer)
    expect(section(buyer, "Proposals").get_by_role("listitem").filter(has_text="10.00 USD")).to_have_count(0)
    start_accepting(buyer, "15.00 USD")
    expect(buyer.get_by_role("alertdialog")).to_contain_text(
        "Accepting is final: the dispute closes and 15.00 USD will be refunded."
    )
    confirm(buyer, "Yes, accept", "accept")
    expect_done(buyer, "You accepted the proposal: the dispute is closed.")
    outcome = section(buyer, "Outcome")
    expect(outcome).to_contain_text("Closed by agreement between buyer and seller")
    expect(outcome).to_contain_text("Refund only, 15.00 USD")
    expect(refund_line(buyer)).to_contain_text("Refund 15.00 USD: pending")
    expect(section(buyer, "History")).to_contain_text("The buyer accepted the seller's proposal.")

    show_again(seller)
    expect(section(seller, "Outcome")).to_contain_text("Closed by agreement between buyer and seller")


@pytest.mark.travels
def test_n1_m8_dhgate_buyers_escalate_by_hand_and_gold_members_are_due_first(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    orders = {
        "buyer@example.com": new_order(
            server_env, "Tablet for a regular member", policy="dhgate", buyer="buyer@example.com"
        ),
        "gold@example.com": new_order(
            server_env, "Tablet for a gold member", policy="dhgate", buyer="gold@example.com"
        ),
    }
    buyers = {}
    for email, order in orders.items():
        buyers[email] = as_user(email)
        open_dispute_on(
            buyers[email],
            base_url,
            order,
            amount="49.50",
            photo=photo(),
            reason="Quality problem (does not work)",
        )
    seller = as_user("seller@example.com")
    for order in orders.values():
        open_dispute_of(seller, base_url, order)
        reject_request_with_counter_offer(seller, "5.00")
        expect_done(seller, "You rejected the request.")
    for page in buyers.values():
        show_again(page)
        expect(page.get_by_role("button", name="Escalate")).to_have_count(0)  # not before the seller's 5 days

    travel(server_env, "5d")
    escalated = {}
    for email in ("buyer@example.com", "gold@example.com"):  # the regular member escalates first
        page = buyers[email]
        show_again(page)
        expect_stage(page, "Negotiation")
        before = app_now(server_env)
        escalate(page)
        escalated[email] = (before, app_now(server_env))
        expect_stage(page, "Platform review")

    mediator = as_user("mediator@example.com")
    mediator.goto(f"{base_url}/mediation")
    regular_row = queue_row(mediator, orders["buyer@example.com"])
    gold_row = queue_row(mediator, orders["gold@example.com"])
    expect(regular_row).to_contain_text("regular")
    expect(gold_row).to_contain_text("gold")
    rows = mediator.get_by_role("row").all_inner_texts()
    position = {
        email: next(i for i, text in enumerate(rows) if order in text) for email, order in orders.items()
    }
    assert position["gold@example.com"] < position["buyer@example.com"], rows
    for email, row, business_days in (
        ("gold@example.com", gold_row, 2),
        ("buyer@example.com", regular_row, 7),
    ):
        due = row.get_by_role("time").first.get_attribute("datetime")
        assert due, f"no due time in the row of {email}"
        before, after = escalated[email]
        # `before` and `after` are whole seconds (`flask clock show`): compare the due time at that precision.
        due_at = whole_seconds(datetime.fromisoformat(due))
        earliest, latest = (add_business_days(moment, business_days) for moment in (before, after))
        assert earliest <= due_at <= latest, (email, due, before, after)


@pytest.mark.travels
def test_c1_c2_a_cancelled_dispute_reopens_and_a_cancelled_arbitration_pays_the_seller(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Desk clock (cancel and reopen)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo())
    cancel_dispute(buyer)
    expect_stage(buyer, "Cancelled")
    expect(section(buyer, "Outcome")).to_contain_text("Cancelled by the buyer: no refund")
    expect(section(buyer, "Where the dispute stands")).to_contain_text("The buyer can reopen it until")
    expect(refund_line(buyer)).to_have_count(0)
    reopen_dispute(buyer)
    expect_stage(buyer, "Seller response")
    expect(section(buyer, "Outcome")).to_have_count(0)
    expect(buyer.get_by_role("button", name="Cancel dispute")).to_be_visible()

    order = new_order(server_env, "Radio (cancel arbitration)")
    open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo())
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    reject_request_with_counter_offer(seller, "5.00")
    expect_done(seller, "You rejected the request.")
    travel(server_env, "7d")
    show_again(buyer)
    expect_stage(buyer, "Platform review")
    cancel_dispute(buyer, "Cancel arbitration")
    outcome = section(buyer, "Outcome")
    expect(outcome).to_contain_text("Arbitration cancelled by the buyer: the money goes to the seller")
    expect(buyer.get_by_role("button", name="Reopen dispute")).to_have_count(0)
    expect(refund_line(buyer)).to_have_count(0)


@pytest.mark.travels
def test_c3_a_complaint_goes_back_to_a_mediator_within_seven_days_and_is_refused_after(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    orders = [
        new_order(server_env, "Kettle (complaint in time)"),
        new_order(server_env, "Toaster (too late)"),
    ]
    buyer = as_user("buyer@example.com")
    seller = as_user("seller@example.com")
    for order in orders:
        open_dispute_on(buyer, base_url, order, amount="30.00", photo=photo())
        open_dispute_of(seller, base_url, order)
        accept_proposal(seller, "30.00 USD")
        expect(section(seller, "Outcome")).to_contain_text("Dispute closed by seller")

    in_time, too_late = orders
    open_dispute_of(buyer, base_url, in_time)
    submit_complaint(buyer, "Unhappy with the result", "The refund does not cover the return postage.")
    expect(buyer.get_by_role("alertdialog")).to_contain_text("once per order")
    press(buyer, buyer.get_by_role("button", name="Yes, appeal"), "appeal")
    expect_done(buyer, "Your complaint was submitted")
    expect_stage(buyer, "Platform review")
    expect(section(buyer, "Platform review")).to_contain_text("Complaint: Unhappy with the result")
    mediator = as_user("mediator@example.com")
    open_from_queue(mediator, base_url, in_time)
    expect(section(mediator, "History")).to_contain_text("The buyer submitted a complaint")

    open_dispute_of(buyer, base_url, too_late)
    expect(buyer.get_by_role("button", name="Submit a complaint")).to_be_visible()
    travel(server_env, "8d")
    # The page still shows the form from before; sending it now is refused with the reason (409).
    with buyer.expect_response(lambda r: r.url.endswith("/appeal")) as answer:
        submit_complaint(buyer, "Unhappy with the result", "Too late, but I try.")
    assert answer.value.status == 409
    expect(status_line(buyer)).to_contain_text("The time to submit a complaint ended on")
    expect(buyer.get_by_role("button", name="Submit a complaint")).to_have_count(0)
    show_again(buyer)
    expect(buyer.get_by_role("button", name="Submit a complaint")).to_have_count(0)
    expect(section(buyer, "Outcome")).to_contain_text("Dispute closed by seller")
