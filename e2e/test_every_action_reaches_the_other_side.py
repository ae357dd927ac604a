"""Every action of one side reaches the other side's already-open dispute page by its poll (N7, F2, M4).

Each person has a browser of their own on the same dispute page. After each action the OTHER
page (never reloaded: `keep_watching` marks it, `expect_live` checks the mark) shows what the
action did within the poll's timeout. The actions, as pages/actions.py, evidence/routes.py and
the transition table (dispute_engine/transitions.py) list them, and the story covering each:

| action (URL name)            | who               | other page watching      | story |
|------------------------------|-------------------|--------------------------|-------|
| message (N7)                 | seller, buyer     | buyer, seller            | 1     |
| reject-request (S3)          | seller            | buyer                    | 1     |
| reject, proposal (N5)        | buyer             | seller                   | 1     |
| change-proposal (N3)         | seller            | buyer                    | 1     |
| change, the dispute (N6)     | buyer             | seller                   | 1     |
| add-solution (N2)            | buyer             | seller                   | 1     |
| pin, a message (N7)          | seller            | buyer                    | 1     |
| accept, proposal (N4)        | seller            | buyer                    | 1, 3  |
| ship-return (F2)             | buyer             | seller                   | 1     |
| confirm-return (F2)          | seller            | buyer                    | 1     |
| mark-refunded (F1)           | seller; mediator  | buyer                    | 1; 2  |
| appeal, a complaint (C3)     | buyer             | seller                   | 1     |
| escalate (N1)                | buyer             | seller                   | 2     |
| take-case                    | lead mediator     | seller, mediator         | 2     |
| reassign-case                | lead mediator     | mediator, buyer          | 2     |
| request-evidence (M2)        | mediator          | seller, buyer            | 2     |
| respond, to a request (M2)   | seller            | buyer, mediator          | 2     |
| propose-decision (M4)        | mediator          | buyer, seller            | 2     |
| accept-solution (M4)         | buyer             | seller, mediator         | 2     |
| reject-solutions (M4)        | seller            | buyer, mediator          | 2     |
| final-decision (M5)          | mediator          | buyer, seller            | 2     |
| evidence upload (E1)         | seller, buyer     | buyer, seller            | 3     |
| evidence caption (E1)        | seller            | buyer                    | 3     |
| evidence remove (E2)         | seller            | buyer                    | 3     |
| cancel (C1)                  | buyer             | seller                   | 3     |
| reopen (C2)                  | buyer             | seller                   | 3     |

Besides each action's own mark, the stories check what the page around it must follow: the forms to
write and to add evidence leave a closed or cancelled dispute and come back when it opens again,
without wiping a half-written message; and a message or an evidence change of the other party shows
in the history too (both were missed by the poll before; see tests/web/test_page_poll.py).
Not actions of a person, so not here: the clocks (tests/web/test_page_poll.py, test_stories.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from actions import (
    accept_proposal,
    add_solution,
    answer_decision,
    cancel_dispute,
    caption_evidence,
    change_dispute,
    change_proposal,
    confirm_return,
    escalate,
    evidence_card,
    expect_done,
    expect_live,
    final_decision,
    keep_watching,
    mark_refunded,
    new_order,
    open_dispute_of,
    open_dispute_on,
    open_from_queue,
    pin_message,
    press,
    progress_bar,
    proposal_card,
    propose_decision,
    reassign_case,
    reject_proposal,
    reject_request_with_counter_offer,
    remove_evidence,
    reopen_dispute,
    request_evidence,
    respond_now,
    section,
    send_message,
    ship_return,
    show_again,
    solution_card,
    submit_complaint,
    take_case,
    travel,
    upload_evidence,
)
from playwright.sync_api import Locator, Page, expect

Window = Callable[..., Page]
Photo = Callable[..., Path]


def _stage(page: Page, stage: str) -> Locator:
    return progress_bar(page).and_(page.locator(f"[aria-valuetext='{stage}']"))


def _message(page: Page, text: str) -> Locator:
    return page.get_by_role("list", name="Messages").get_by_role("listitem").filter(has_text=text)


def _message_box(page: Page) -> Locator:
    return section(page, "Negotiation thread").get_by_role("textbox", name="Message")


def _history_line(page: Page, text: str) -> Locator:
    return section(page, "History").get_by_role("listitem").filter(has_text=text).first


def _locker(page: Page, party: str) -> Locator:
    return page.locator("#evidence .locker").filter(
        has=page.get_by_role("heading", name=f"{party}'s evidence")
    )


def test_n7_s3_n2_n6_n4_f2_f1_c3_negotiation_to_a_returned_item_each_step_seen_by_the_other(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Teapot (every action seen live)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="30.00", photo=photo())
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    keep_watching(buyer)
    keep_watching(seller)

    send_message(seller, "Could you send a photo of the box?")
    expect_live(buyer, _message(buyer, "Could you send a photo of the box?"))
    expect_live(buyer, _history_line(buyer, "The seller sent a message"))
    send_message(buyer, "The box is in the photos already.")
    expect_live(seller, _message(seller, "The box is in the photos already."))

    reject_request_with_counter_offer(seller, "10.00", "10 is fair.")
    expect_done(seller, "You rejected the request.")
    expect_live(buyer, proposal_card(buyer, "10.00 USD").filter(has_text="The seller's proposal"))
    expect_live(buyer, _stage(buyer, "Negotiation"))

    _message_box(seller).fill("A half-written answer")  # the refresh below must not wipe it
    reject_proposal(buyer, "10.00 USD")
    expect_live(seller, proposal_card(seller, "10.00 USD").filter(has_text="rejected"))
    expect(_message_box(seller)).to_have_value("A half-written answer")

    change_proposal(seller, "10.00 USD", to="15.00")
    expect_live(buyer, proposal_card(buyer, "15.00 USD").filter(has_text="The seller's proposal"))

    change_dispute(buyer, amount="28.00")
    expect_live(seller, proposal_card(seller, "28.00 USD").filter(has_text="The buyer's proposal"))

    add_solution(buyer, "20.00", resolution="Return goods and refund")
    expect_live(seller, proposal_card(seller, "Return goods and refund, 20.00 USD"))

    pin_message(seller, "The box is in the photos already.")
    expect_live(buyer, _locker(buyer, "Seller").get_by_text("The box is in the photos already."))

    accept_proposal(seller, "20.00 USD")  # the buyer's return solution
    expect_done(seller, "You accepted the proposal: the dispute is closed.")
    expect_live(buyer, section(buyer, "Outcome").get_by_text("Closed by agreement between buyer and seller"))
    expect_live(buyer, buyer.get_by_role("button", name="Save tracking number"))
    expect(_message_box(buyer)).to_have_count(0)  # a closed dispute takes no more messages...
    expect(buyer.get_by_label("Add photos and videos")).to_have_count(0)  # ...nor evidence

    # The case: the buyer ships the return; the seller's open page offers to confirm it.
    ship_return(buyer, "RT123456789CN")
    expect_live(seller, seller.get_by_role("button", name="Confirm the item arrived"))
    expect_live(seller, section(seller, "Refund").get_by_text("tracking RT123456789CN"))

    confirm_return(seller)
    expect_live(buyer, section(buyer, "Refund").get_by_text("Refund 20.00 USD: pending"))

    mark_refunded(seller)
    expect_live(buyer, section(buyer, "Refund").get_by_text("Refund 20.00 USD: refunded"))

    submit_complaint(buyer, "Unhappy with the result", "The return postage was not covered.")
    press(buyer, buyer.get_by_role("button", name="Yes, appeal"), "appeal")
    expect_done(buyer, "Your complaint was submitted")
    expect_live(seller, _stage(seller, "Platform review"))
    expect_live(seller, section(seller, "Platform review").get_by_text("Complaint: Unhappy with the result"))
    expect_live(seller, _message_box(seller))  # open again: the thread too


@pytest.mark.travels
def test_n1_m2_m4_m5_f1_escalation_and_mediation_each_step_seen_by_the_others(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Tablet (mediation seen live)", policy="dhgate")
    buyer = as_user("buyer@example.com")
    open_dispute_on(
        buyer, base_url, order, amount="40.00", photo=photo(), reason="Quality problem (does not work)"
    )
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    reject_request_with_counter_offer(seller, "5.00")
    expect_done(seller, "You rejected the request.")
    travel(server_env, "5d")  # dhgate's Escalate button comes after the seller's 5 days (N1)
    show_again(buyer)
    show_again(seller)
    keep_watching(buyer)
    keep_watching(seller)

    escalate(buyer)
    expect_live(seller, _stage(seller, "Platform review"))

    lead = as_user("lead@example.com")
    open_from_queue(lead, base_url, order)
    mediator = as_user("mediator@example.com")
    open_from_queue(mediator, base_url, order)
    keep_watching(mediator)

    take_case(lead)
    expect_live(mediator, mediator.get_by_text("Lee Lead holds this case."))
    expect_live(seller, _history_line(seller, "A mediator took the case."))

    reassign_case(lead, "Mo Mediator")
    expect_live(mediator, mediator.get_by_text("You hold this case"))
    expect_live(buyer, _history_line(buyer, "handed the case to another mediator"))

    request_evidence(mediator, "Seller", "The test report of the tablet.")
    expect_live(seller, seller.get_by_role("button", name="Respond now"))
    expect_live(buyer, section(buyer, "Platform review").get_by_text("The test report of the tablet."))

    respond_now(seller, "It passed every test.", photo("test-report.jpg", (20, 120, 200)))
    expect_live(buyer, section(buyer, "Platform review").get_by_text("It passed every test."))
    expect_live(mediator, section(mediator, "Platform review").get_by_text("It passed every test."))
    expect_live(buyer, evidence_card(buyer, "test-report.jpg"))

    propose_decision(
        mediator,
        [("Refund only", "25.00", "Keep the tablet"), ("Return goods and refund", "40.00", "Send it back")],
        "The tablet fails on arrival.",
    )
    expect_live(buyer, solution_card(buyer, 1).get_by_role("button", name="Accept solution 1"))
    expect_live(seller, solution_card(seller, 2).get_by_role("button", name="Accept solution 2"))

    answer_decision(buyer, 1)
    expect_live(seller, solution_card(seller, 1).get_by_text("The buyer accepted this"))
    expect_live(mediator, solution_card(mediator, 1).get_by_text("The buyer accepted this"))

    answer_decision(seller, 0, "It worked when it left.")
    expect_live(buyer, buyer.get_by_text("The seller rejected the solutions: It worked when it left."))
    expect_live(mediator, mediator.get_by_text("The seller rejected the solutions: It worked when it left."))

    final_decision(mediator, 1, "The tablet fails on arrival.")
    expect_live(buyer, section(buyer, "Outcome").get_by_text("Refund only, 25.00 USD"))
    expect_live(seller, section(seller, "Outcome").get_by_text("Refund only, 25.00 USD"))

    mark_refunded(mediator)
    expect_live(buyer, section(buyer, "Refund").get_by_text("Refund 25.00 USD: refunded"))
    expect_live(seller, section(seller, "Refund").get_by_text("Refund 25.00 USD: refunded"))


def test_e1_e2_c1_c2_evidence_cancel_and_reopen_each_seen_by_the_other(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Lamp (evidence seen live)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo())
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    keep_watching(buyer)
    keep_watching(seller)

    upload_evidence(seller, photo("packing.jpg", (40, 160, 60)))
    expect_live(buyer, evidence_card(buyer, "packing.jpg"))
    expect_live(buyer, _history_line(buyer, "The seller added evidence: packing.jpg"))
    caption_evidence(seller, "packing.jpg", "Packed in foam")
    expect_live(buyer, evidence_card(buyer, "packing.jpg").get_by_text("Packed in foam"))
    remove_evidence(seller, "packing.jpg")
    expect_live(buyer, _locker(buyer, "Seller").get_by_text("No evidence yet."))
    expect_live(buyer, _history_line(buyer, "The seller removed packing.jpg from its evidence."))

    upload_evidence(buyer, photo("label.jpg", (200, 200, 40)))
    expect_live(seller, evidence_card(seller, "label.jpg"))

    cancel_dispute(buyer)
    expect(_message_box(buyer)).to_have_count(0)
    expect_live(seller, _stage(seller, "Cancelled"))
    expect_live(seller, section(seller, "Outcome").get_by_text("Cancelled by the buyer"))
    expect(_message_box(seller)).to_have_count(0)
    expect(seller.get_by_label("Add photos and videos")).to_have_count(0)

    reopen_dispute(buyer)
    expect_live(seller, seller.get_by_role("heading", name="Reject the buyer's request"))
    expect_live(seller, _message_box(seller))
    expect_live(seller, seller.get_by_label("Add photos and videos"))

    accept_proposal(seller, "20.00 USD")
    expect_live(buyer, section(buyer, "Outcome").get_by_text("Dispute closed by seller"))
    expect_live(buyer, section(buyer, "Refund").get_by_text("Refund 20.00 USD: pending"))
