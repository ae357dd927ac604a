"""The core story with JavaScript off: plain forms, redirects and a confirmation page (O4, S3, N4)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from actions import (
    confirm,
    expect_done,
    expect_stage,
    new_order,
    open_dispute_of,
    open_dispute_on,
    reject_request_with_counter_offer,
    section,
    show_again,
    start_accepting,
)
from playwright.sync_api import Page, expect

Window = Callable[..., Page]


def test_o4_s3_n4_the_core_story_works_without_javascript(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Callable[..., Path]
):
    order = new_order(server_env, "Bread bin (no JavaScript)")
    buyer = as_user("buyer@example.com", java_script_enabled=False)
    open_dispute_on(buyer, base_url, order, amount="30.00", photo=photo())
    expect_done(buyer, "Your dispute was opened.")
    expect_stage(buyer, "Seller response")

    seller = as_user("seller@example.com", java_script_enabled=False)
    open_dispute_of(seller, base_url, order)
    reject_request_with_counter_offer(seller, "12.00", "Half of it, and keep the bin.")
    expect_done(seller, "You rejected the request.")
    expect_stage(seller, "Negotiation")

    show_again(buyer)
    start_accepting(buyer, "12.00 USD")
    expect(buyer.get_by_role("heading", name="Please confirm", level=1)).to_be_visible()  # a page of its own
    expect(buyer.get_by_role("alert")).to_contain_text("The dispute closes and 12.00 USD will be refunded")
    confirm(buyer, "Yes, accept", "accept")
    expect(buyer.get_by_role("heading", name="Please confirm")).to_have_count(0)
    expect_done(buyer, "You accepted the proposal: the dispute is closed.")
    expect_stage(buyer, "Refund")
    outcome = section(buyer, "Outcome")
    expect(outcome).to_contain_text("Closed by agreement between buyer and seller")
    expect(outcome).to_contain_text("Refund only, 12.00 USD")

    show_again(seller)
    expect(section(seller, "Outcome")).to_contain_text("Closed by agreement between buyer and seller")
