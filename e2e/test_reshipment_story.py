"""A re-shipment story in the browser (F6, F7): buyer and seller agree that the seller sends the item
again, the seller enters the new parcel's tracking number, and the buyer sees it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from actions import (
    POLL_TIMEOUT,
    confirm,
    expect_done,
    new_order,
    open_dispute_of,
    open_dispute_on,
    press,
    reject_request_form,
    section,
    show_again,
    start_accepting,
)
from playwright.sync_api import Page, expect

Window = Callable[..., Page]
Photo = Callable[..., Path]


def test_f6_f7_buyer_and_seller_agree_on_a_reshipment_and_the_buyer_sees_its_tracking(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Glass teapot (re-shipment)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="40.00", photo=photo())

    # The seller rejects the refund and offers to send a new teapot, or 30.00 back if it cannot.
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    form = reject_request_form(seller)
    form.get_by_role("radio", name="Re-shipment: the seller sends the item again").check()
    form.get_by_label("Refund amount").fill("30.00")
    form.get_by_label("Comment").fill("I will send you a new one, packed better.")
    press(seller, form.get_by_role("button", name="Reject"), "reject-request")
    expect_done(seller, "You rejected the request.")

    # The buyer accepts it, told first what follows.
    show_again(buyer)
    expect(section(buyer, "Proposals")).to_contain_text("Re-shipment, 30.00 USD")
    box = start_accepting(buyer, "30.00 USD")
    expect(box).to_contain_text("the seller sends the item again")
    confirm(buyer, "Yes, accept", "accept")
    expect_done(buyer, "You accepted the proposal: the dispute is closed.")
    expect(section(buyer, "Outcome")).to_contain_text("Re-shipment, 30.00 USD")
    reshipment = section(buyer, "Re-shipment")
    expect(reshipment).to_contain_text("Waiting for the seller to ship a new parcel", timeout=POLL_TIMEOUT)

    # The seller enters the new parcel's tracking number.
    show_again(seller)
    tracking_form = seller.locator("#ship-replacement")
    tracking_form.get_by_label("New parcel's tracking number").fill("LP00998877CN")
    press(seller, tracking_form.get_by_role("button", name="Save tracking number"), "ship-replacement")
    expect_done(seller, "The new parcel's tracking number was saved: the buyer sees it.")

    # The buyer's open page shows it at the next poll, with the button to confirm receipt.
    expect(reshipment).to_contain_text("The new parcel is on its way", timeout=POLL_TIMEOUT)
    expect(reshipment).to_contain_text("tracking LP00998877CN")
    expect(reshipment.get_by_role("button", name="Confirm the new parcel arrived")).to_be_visible()
    expect(section(buyer, "History")).to_contain_text(
        "The seller shipped the replacement (tracking LP00998877CN)"
    )
