"""A parcel is late: the buyer asks for more buyer protection, the seller grants it in a browser of
their own, and the buyer sees the new end date (O10, O11, O12, O13)."""

from __future__ import annotations

import re
from collections.abc import Callable

from actions import new_order, order_card
from playwright.sync_api import Page, expect

Window = Callable[..., Page]
ENDS = re.compile(r"Buyer protection ends on (\d{1,2} \w+ \d{4}, \d{2}:\d{2}) UTC\.")


def protection_end(card_text: str) -> str:
    found = ENDS.search(card_text)
    assert found, f"no protection end date in: {card_text}"
    return found.group(1)


def test_o10_o12_the_buyer_asks_the_seller_grants_and_the_buyer_sees_the_new_end(
    as_user: Window, base_url: str, server_env: dict[str, str]
):
    number = new_order(server_env, "Garden lantern (late parcel)", in_transit=True)

    # O10: the buyer asks for 12 more days, with a reason.
    buyer = as_user("buyer@example.com")
    card = order_card(buyer, base_url, number)
    before = protection_end(card.inner_text())
    card.get_by_label("Extra days").fill("12")
    card.get_by_label("Reason (optional)").fill("Tracking has not moved for a week.")
    card.get_by_role("button", name="Ask the seller to extend protection").click()
    expect(card).to_contain_text("Your request was sent to the seller.")
    expect(card).to_contain_text("waiting for the seller")

    # O11: the seller, in a browser of their own, sees the request and grants 10 of the 12 days.
    seller = as_user("seller@example.com")
    seller_card = order_card(seller, base_url, number)
    expect(seller_card).to_contain_text("The buyer asks you to extend buyer protection by 12 days.")
    expect(seller_card).to_contain_text("Tracking has not moved for a week.")
    seller_card.get_by_label("Days to grant").fill("10")
    seller_card.get_by_role("button", name="Grant the extension").click()
    expect(seller_card).to_contain_text("Buyer protection now ends on")
    expect(seller_card).to_contain_text("granted, 10 days")
    after = protection_end(seller_card.inner_text())
    assert after != before

    # O12, O13: the buyer reloads the orders page and sees the new date; the bell tells them why.
    card = order_card(buyer, base_url, number)
    expect(card).to_contain_text(f"Buyer protection ends on {after} UTC.")
    expect(card).to_contain_text("granted, 10 days")
    buyer.goto(f"{base_url}/notifications")
    expect(buyer.get_by_role("region", name="Your notifications")).to_contain_text(
        "The seller extended buyer protection by 10 days"
    )
