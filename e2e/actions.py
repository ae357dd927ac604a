"""Named steps a person takes in the browser, found by role and label as a person would find them."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

PASSWORD = "demo-password"


def log_in(page: Page, base_url: str, email: str) -> None:
    """Log in with the demo password."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page) -> None:
    """Press Log out."""
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def open_dispute_on(page: Page, base_url: str, item: str, *, amount: str, photo: Path) -> None:
    """From My orders, open a dispute on the order whose title contains `item`: damaged, refund only."""
    page.goto(f"{base_url}/orders")
    card = page.get_by_role("listitem").filter(has_text=item)
    card.get_by_role("link", name="Open a dispute").click()
    page.get_by_role("radio", name="Yes").check()
    page.get_by_label("Reason").select_option(label="Damaged in transit")
    page.get_by_role("radio", name="Refund only").check()
    page.get_by_label("Refund amount").fill(amount)
    page.get_by_label("Description").fill("The teapot arrived in pieces.")
    page.get_by_label("Photos and videos").set_input_files(str(photo))
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("progressbar", name="Dispute progress")).to_be_visible()


def open_dispute_of(page: Page, base_url: str, item: str) -> None:
    """From My orders, go to the dispute on the order whose title contains `item`."""
    page.goto(f"{base_url}/orders")
    page.get_by_role("listitem").filter(has_text=item).get_by_role("link", name="View dispute").click()


def reject_request_with_counter_offer(page: Page, amount: str) -> None:
    """As the seller, reject the buyer's request and offer a partial refund."""
    form = page.locator("#reject-request")
    form.get_by_label("Refund amount").fill(amount)
    form.get_by_role("button", name="Reject").click()
