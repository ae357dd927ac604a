"""Each role's main pages render in Chromium at phone and desktop widths; screenshots are kept."""

from __future__ import annotations

import pytest
from actions import log_in, open_dispute_of
from conftest import ARTIFACTS
from playwright.sync_api import Page, expect

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
TOUR = {
    "buyer@example.com": [("orders", "/orders", "My orders"), ("negotiating", "item:Desk lamp", "Dispute #")],
    "seller@example.com": [("dispute-awaiting-seller", "item:Bluetooth speaker", "Dispute #")],
    "mediator@example.com": [
        ("queue", "/mediation", "Escalated disputes"),
        ("decision", "item:Headphones", "Dispute #"),
    ],
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("email", TOUR)
def test_h3_main_pages_per_role_render_and_are_kept_as_screenshots(
    page: Page, base_url: str, email: str, width: str
):
    page.set_viewport_size(WIDTHS[width])
    log_in(page, base_url, email)
    for name, where, heading in TOUR[email]:
        if where.startswith("item:") and email.startswith("mediator"):
            page.goto(base_url + "/mediation")
            page.get_by_role("link").filter(has_text=where[5:]).first.click()
        elif where.startswith("item:"):
            open_dispute_of(page, base_url, where[5:])
        else:
            page.goto(base_url + where)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{email.split('@')[0]}-{name}-{width}.png"), full_page=True)
