"""Each role's main pages render in Chromium at phone and desktop widths; screenshots are kept.

The tour shows the demo seed's disputes as `flask demo seed` made them, so it runs before any test
that travels in time (see `pytest_collection_modifyitems` in conftest.py).
"""

from __future__ import annotations

import pytest
from actions import log_in, new_order, open_dispute_of, order_card
from conftest import ARTIFACTS
from playwright.sync_api import Page, expect

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
# (file name, where: a path, "item:<title>" for a dispute, or "form" for a fresh order's dispute form,
#  the page's heading or None when any heading will do)
TOUR = {
    "buyer@example.com": [
        ("home", "/", None),
        ("orders", "/orders", "My orders"),
        ("negotiating", "item:Desk lamp", "Dispute #"),
        ("dispute-form", "form", "Open a dispute"),
    ],
    "seller@example.com": [
        ("home", "/", None),
        ("orders", "/orders", "My orders"),
        ("dispute-awaiting-seller", "item:Bluetooth speaker", "Dispute #"),
    ],
    "mediator@example.com": [
        ("queue", "/mediation", "Escalated disputes"),
        ("decision", "item:Headphones", "Dispute #"),
    ],
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("email", TOUR)
def test_h3_main_pages_per_role_render_and_are_kept_as_screenshots(
    page: Page, base_url: str, server_env: dict[str, str], email: str, width: str
):
    page.set_viewport_size(WIDTHS[width])
    log_in(page, base_url, email)
    for name, where, heading in TOUR[email]:
        if where == "form":
            order = new_order(server_env, "Electric kettle (screenshot tour)")
            order_card(page, base_url, order).get_by_role("link", name="Open a dispute").click()
        elif where.startswith("item:") and email.startswith("mediator"):
            page.goto(base_url + "/mediation")
            page.get_by_role("link").filter(has_text=where[5:]).first.click()
        elif where.startswith("item:"):
            open_dispute_of(page, base_url, where[5:])
        else:
            page.goto(base_url + where)
        title = page.get_by_role("heading", level=1)
        if heading:
            expect(title).to_contain_text(heading)
        else:
            expect(title).to_be_visible()
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{email.split('@')[0]}-{name}-{width}.png"), full_page=True)
