"""Buyer and seller on the same dispute at once, each in a browser of their own (N3, N4, N7)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from actions import (
    POLL_TIMEOUT,
    change_proposal,
    expect_done,
    expect_stage,
    new_order,
    open_dispute_of,
    open_dispute_on,
    press,
    proposal_card,
    reject_request_with_counter_offer,
    section,
    send_message,
    show_again,
    start_accepting,
    status_line,
)
from playwright.sync_api import Page, Route, expect

Window = Callable[..., Page]


def _no_polls(route: Route) -> None:
    route.abort()


def test_n7_n3_n4_a_message_arrives_live_and_a_stale_accept_is_refused(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Callable[..., Path]
):
    order = new_order(server_env, "Camera strap (two browsers)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo())
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    reject_request_with_counter_offer(seller, "8.00")
    expect_done(seller, "You rejected the request.")
    show_again(buyer)

    # N7: the buyer writes; the seller's open page shows it without a reload (the page's poll).
    send_message(buyer, "Could you meet me at 18.00?")
    expect(seller.get_by_role("list", name="Messages")).to_contain_text(
        "Could you meet me at 18.00?", timeout=POLL_TIMEOUT
    )

    # The seller's page stops hearing about changes, so it keeps showing what it showed.
    seller.route("**/poll*", _no_polls)

    # The buyer changes its proposal; the seller presses Accept on the old one: refused, nothing done.
    change_proposal(buyer, "20.00 USD", to="18.00")
    press(seller, proposal_card(seller, "20.00 USD").get_by_role("button", name="Accept"), "accept")
    expect(status_line(seller)).to_contain_text("changed")
    expect(status_line(seller)).to_contain_text("nothing was done")
    expect(proposal_card(seller, "18.00 USD")).to_be_visible()  # the refusal shows the page as it is now

    # The race proper: the seller has the confirmation open when the buyer changes again.
    start_accepting(seller, "18.00 USD")
    change_proposal(buyer, "18.00 USD", to="16.00")
    press(seller, seller.get_by_role("alertdialog").get_by_role("button", name="Yes, accept"), "accept")
    expect(status_line(seller)).to_contain_text("changed")
    expect(status_line(seller)).not_to_contain_text("You accepted")
    expect_stage(seller, "Negotiation")
    expect(section(seller, "Outcome")).to_have_count(0)
    expect(proposal_card(seller, "16.00 USD")).to_be_visible()

    show_again(buyer)
    expect_stage(buyer, "Negotiation")
    expect(proposal_card(buyer, "16.00 USD")).to_contain_text("Your proposal")
    expect(section(buyer, "History")).not_to_contain_text("accepted")


def test_n7_a_message_right_after_an_action_is_sent(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Callable[..., Path]
):
    order = new_order(server_env, "Phone stand (message after an action)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo())
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    reject_request_with_counter_offer(seller, "8.00")
    expect_done(seller, "You rejected the request.")
    send_message(seller, "I have sent you a partial offer.")
    expect(status_line(seller)).not_to_contain_text("changed")


def test_n7_ctrl_enter_sends_a_message(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Callable[..., Path]
):
    order = new_order(server_env, "Pen holder (Ctrl+Enter)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo())
    expect(buyer.get_by_text("Ctrl+Enter sends.")).to_be_visible()
    send_message(buyer, "Sent with the keyboard.", ctrl_enter=True)
    expect(buyer.get_by_role("list", name="Messages")).to_contain_text("Sent with the keyboard.")


def test_h3_the_countdown_to_the_next_deadline_runs_without_a_reload(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Callable[..., Path]
):
    order = new_order(server_env, "Mug rack (countdown)")
    buyer = as_user("buyer@example.com")
    buyer.clock.install()
    open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo())
    countdown = buyer.locator("#progress [data-countdown]")
    expect(countdown).to_contain_text("4 days 23 h")
    buyer.clock.fast_forward("02:00:00")  # fires due timers once, not every poll
    expect(countdown).to_contain_text("4 days 21 h")
