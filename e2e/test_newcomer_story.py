"""The README's promise: a newcomer logs in as the demo buyer, opens a dispute, and the seller answers."""

from __future__ import annotations

from pathlib import Path

from actions import log_in, log_out, open_dispute_of, open_dispute_on, reject_request_with_counter_offer
from conftest import ARTIFACTS
from PIL import Image
from playwright.sync_api import Page, expect


def test_o4_s3_the_demo_buyer_opens_a_dispute_and_the_demo_seller_answers_it(
    page: Page, base_url: str, tmp_path: Path
):
    photo = tmp_path / "teapot.jpg"
    Image.new("RGB", (800, 600), (180, 120, 90)).save(photo, "JPEG")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    log_in(page, base_url, "buyer@example.com")
    open_dispute_on(page, base_url, "Ceramic teapot", amount="20.00", photo=photo)
    progress = page.get_by_role("progressbar", name="Dispute progress")
    expect(progress).to_have_attribute("aria-valuetext", "Seller response")
    page.screenshot(path=str(ARTIFACTS / "dispute-buyer-desktop.png"), full_page=True)
    log_out(page)

    log_in(page, base_url, "seller@example.com")
    open_dispute_of(page, base_url, "Ceramic teapot")
    reject_request_with_counter_offer(page, "8.00")
    expect(progress).to_have_attribute("aria-valuetext", "Negotiation")
    expect(page.locator("#proposals")).to_contain_text("8.00 USD")
    expect(page.locator("#history")).to_contain_text("The seller rejected the buyer's request")
