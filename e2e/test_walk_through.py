"""What a walk-through as buyer, seller and mediator found wrong (issue 11), as those people see it.

Each test makes its own order after any travel (the clock only moves forward for the session).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from actions import (
    accept_proposal,
    answer_decision,
    cancel_dispute,
    evidence_card,
    expect_done,
    final_decision,
    new_order,
    open_dispute_of,
    open_dispute_on,
    open_from_queue,
    press,
    progress_bar,
    reject_request,
    reject_request_with_counter_offer,
    request_evidence,
    respond_now,
    section,
    show_again,
    solution_card,
    status_line,
    take_case,
    travel,
    upload_evidence,
)
from playwright.sync_api import Page, Route, expect

Window = Callable[..., Page]
Photo = Callable[..., Path]


def summary(page: Page):
    """The line under the title: order, reason, and the money from the request to what stands now."""
    return page.locator("#summary")


def bar_step(page: Page, stage: str):
    """One step of the progress bar, by its stage name."""
    return progress_bar(page).get_by_role("listitem").filter(has_text=stage)


def proposal_form(page: Page):
    return page.locator("form").filter(has=page.get_by_role("heading", name="Propose decision"))


@pytest.mark.travels
def test_m2_m4_m5_h3_one_solution_the_answers_comment_and_a_true_bar(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Clay jug (one solution)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="30.00", photo=photo("jug.jpg"))
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    reject_request(seller)
    travel(server_env, "7d")

    mediator = as_user("mediator@example.com")
    open_from_queue(mediator, base_url, order)
    take_case(mediator)
    request_evidence(mediator, "Buyer", "A photo of the parcel's label.")
    show_again(buyer)
    respond_now(buyer, "The label went out with the recycling; the courier's note is below.", None)

    # M2: the mediator who asked reads the comment that came with the answer.
    show_again(mediator)
    expect(section(mediator, "Platform review")).to_contain_text(
        "The label went out with the recycling; the courier's note is below."
    )

    # M4 without JavaScript: a second solution with a comment but no amount is refused by name, and
    # nothing typed is lost.
    plain = as_user("mediator@example.com", java_script_enabled=False)
    open_from_queue(plain, base_url, order)
    form = proposal_form(plain)
    form.get_by_role("group", name="Solution 1").get_by_label("Refund amount").fill("12.00")
    form.get_by_role("group", name="Solution 1").get_by_label("Comment").fill("Part back, keep the jug")
    form.get_by_role("group", name="Solution 2").get_by_label("Comment").fill("All back after a return")
    form.get_by_label("Explanation").fill("The jug is chipped, not broken.")
    form.get_by_role("button", name="Propose decision").click()
    expect(status_line(plain)).to_contain_text("Solution 2: enter an amount.")
    form = proposal_form(plain)
    expect(form.get_by_role("group", name="Solution 1").get_by_label("Refund amount")).to_have_value("12.00")
    expect(form.get_by_role("group", name="Solution 2").get_by_label("Comment")).to_have_value(
        "All back after a return"
    )
    expect(form.get_by_label("Explanation")).to_have_value("The jug is chipped, not broken.")

    # M4 with htmx: the same refusal keeps the form; emptying solution 2 proposes one solution.
    show_again(mediator)
    form = proposal_form(mediator)
    solution_1 = form.get_by_role("group", name="Solution 1")
    solution_1.get_by_label("Refund amount").fill("12.00")
    form.get_by_role("group", name="Solution 2").get_by_label("Comment").fill("All back after a return")
    press(mediator, form.get_by_role("button", name="Propose decision"), "propose-decision")
    expect(status_line(mediator)).to_contain_text("Solution 2: enter an amount.")
    form = proposal_form(mediator)
    expect(form.get_by_role("group", name="Solution 1").get_by_label("Refund amount")).to_have_value("12.00")
    form.get_by_role("group", name="Solution 2").get_by_label("Comment").fill("")
    press(mediator, form.get_by_role("button", name="Propose decision"), "propose-decision")
    expect_done(mediator, "Decision proposed to both parties.")

    show_again(buyer)
    expect(solution_card(buyer, 1)).to_contain_text("12.00 USD")
    expect(buyer.get_by_role("heading", name="Solution 2")).to_have_count(0)
    expect(summary(buyer)).to_contain_text("requested 30.00 USD → proposed 12.00 USD")
    answer_decision(buyer, 0, "Twelve is too little.")

    show_again(mediator)
    final_decision(mediator, 1, "The chip is small.")

    # H3: the bar shows the decision as made, and the header the figure decided.
    show_again(buyer)
    expect(bar_step(buyer, "Decision")).to_have_class(re.compile(r"progress__step--done"))
    expect(bar_step(buyer, "Decision")).to_contain_text("final decision")
    expect(summary(buyer)).to_contain_text("Refund only: requested 30.00 USD → decided 12.00 USD")


def test_c4_h3_an_agreement_at_ten_reads_as_agreed_in_the_header_the_bar_and_the_home_page(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Tin kettle (agreed at ten)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="34.50", photo=photo("kettle.jpg"))
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    reject_request_with_counter_offer(seller, "10.00")
    show_again(buyer)
    accept_proposal(buyer, "10.00 USD")

    expect(summary(buyer)).to_contain_text("Refund only: requested 34.50 USD → agreed 10.00 USD")
    expect(bar_step(buyer, "Seller response")).to_contain_text("rejected")
    expect(bar_step(buyer, "Negotiation")).to_contain_text("agreed")
    expect(bar_step(buyer, "Decision")).to_have_class(re.compile(r"progress__step--skipped"))

    buyer.goto(f"{base_url}/")
    row = buyer.get_by_role("row").filter(has_text=order)
    expect(row.get_by_role("cell").last).to_contain_text("10.00 USD agreed")
    expect(row.get_by_role("cell").last).to_contain_text("requested 34.50 USD → agreed 10.00 USD")


def test_c1_h3_a_dispute_cancelled_before_the_seller_answered_shows_no_seller_response(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Rope basket (cancelled early)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="15.00", photo=photo("basket.jpg"))
    cancel_dispute(buyer)
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    expect(bar_step(seller, "Seller response")).to_have_class(re.compile(r"progress__step--skipped"))
    expect(bar_step(seller, "Seller response")).not_to_contain_text("✓")


def test_e1_no_stray_file_input_under_an_upload_bar_and_each_file_keeps_its_own_caption(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Stone mortar (captions)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="18.00", photo=photo("mortar.jpg"))

    # Hold the first upload on its way, to look at its row while its bar is showing.
    held: list[Route] = []
    buyer.route(re.compile(r".*/evidence$"), lambda route: held.append(route))
    spout = photo("spout.jpg", (160, 60, 40))
    buyer.get_by_label("Add photos and videos").set_input_files(str(spout))
    row = buyer.get_by_role("list", name="Uploads").get_by_role("listitem").filter(has_text="spout.jpg")
    expect(row.get_by_role("progressbar")).to_be_visible()
    expect(row.locator("input[type=file]")).to_be_hidden()
    buyer.wait_for_timeout(100)
    assert held, "the upload never left the browser"
    held[0].continue_()
    buyer.unroute_all()
    expect(row).to_contain_text("uploaded", timeout=30_000)

    base = photo("base.jpg", (40, 60, 160))
    upload_evidence(buyer, base)
    queue = buyer.get_by_role("list", name="Uploads")
    queue.get_by_label("Caption for spout.jpg").fill("Chip on the rim")
    press(buyer, queue.get_by_role("button", name="Save caption for spout.jpg"), "caption")
    queue.get_by_label("Caption for base.jpg").fill("Crack across the base")
    press(buyer, queue.get_by_role("button", name="Save caption for base.jpg"), "caption")

    show_again(buyer)
    expect(evidence_card(buyer, "spout.jpg")).to_contain_text("Chip on the rim")
    expect(evidence_card(buyer, "spout.jpg")).not_to_contain_text("Crack across the base")
    expect(evidence_card(buyer, "base.jpg")).to_contain_text("Crack across the base")
    expect(evidence_card(buyer, "base.jpg")).not_to_contain_text("Chip on the rim")
