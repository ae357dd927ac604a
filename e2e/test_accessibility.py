"""axe-core finds no serious or critical violation on each role's main pages, on a phone and a desktop,
and on a phone no page is wider than the screen.

The pages are filled with a story of their own: a dispute in negotiation (buyer and seller views),
an escalated one with an evidence request and proposed solutions (the mediator's workspace), and a
fresh order for the dispute form. Screenshots of what was checked land in test-artifacts/e2e/axe/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from actions import (
    expect_done,
    log_in,
    new_order,
    open_dispute_of,
    open_dispute_on,
    open_from_queue,
    order_card,
    propose_decision,
    reject_request_with_counter_offer,
    request_evidence,
    send_message,
    show_again,
    take_case,
    travel,
)
from axe_playwright_python.sync_playwright import Axe
from conftest import ARTIFACTS
from PIL import Image
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.travels

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
BLOCKING = ("serious", "critical")
# name: (who looks, which page)
PAGES = {
    "buyer-home": ("buyer@example.com", "/"),
    "seller-home": ("seller@example.com", "/"),
    "mediator-queue": ("mediator@example.com", "/mediation"),
    "buyer-dispute": ("buyer@example.com", "negotiating"),
    "seller-dispute": ("seller@example.com", "negotiating"),
    "buyer-dispute-with-solutions": ("buyer@example.com", "escalated"),
    "buyer-dispute-form": ("buyer@example.com", "form"),
    "mediator-workspace": ("mediator@example.com", "escalated"),
}


@pytest.fixture(scope="module")
def cases(
    browser: Browser, browser_context_args: dict[str, Any], server_env: dict[str, str], tmp_path_factory
) -> Iterator[dict[str, str]]:
    """Addresses of the pages to check, made by a story of their own."""
    picture = tmp_path_factory.mktemp("axe") / "scratched-lens.jpg"
    Image.new("RGB", (800, 600), (120, 140, 160)).save(picture, "JPEG")
    contexts = []

    def window(email: str) -> Page:
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        page = context.new_page()
        log_in(page, browser_context_args["base_url"], email)
        return page

    base_url = browser_context_args["base_url"]
    try:
        buyer, seller, mediator = (window(f"{who}@example.com") for who in ("buyer", "seller", "mediator"))
        escalated_order = new_order(server_env, "Camera lens (a11y, escalated)")
        escalated = open_dispute_on(buyer, base_url, escalated_order, amount="30.00", photo=picture)
        open_dispute_of(seller, base_url, escalated_order)
        reject_request_with_counter_offer(seller, "10.00")
        expect_done(seller, "You rejected the request.")
        travel(server_env, "7d")
        open_from_queue(mediator, base_url, escalated_order)
        take_case(mediator)
        request_evidence(mediator, "Seller", "The packing photo taken before dispatch.")
        propose_decision(
            mediator,
            [("Refund only", "15.00", "Keep the lens"), ("Return goods and refund", "49.50", "Send it back")],
            "The scratch is visible on the photo.",
        )

        negotiating_order = new_order(server_env, "Camera lens (a11y, negotiating)")
        negotiating = open_dispute_on(buyer, base_url, negotiating_order, amount="30.00", photo=picture)
        open_dispute_of(seller, base_url, negotiating_order)
        reject_request_with_counter_offer(seller, "12.00", "A partial refund is fair.")
        expect_done(seller, "You rejected the request.")
        show_again(seller)  # see test_n7_a_message_right_after_an_action_is_sent
        send_message(seller, "The lens left here without a scratch.")

        form_order = new_order(server_env, "Camera lens (a11y, dispute form)")
        yield {"escalated": escalated, "negotiating": negotiating, "form": form_order}
    finally:
        for context in contexts:
            context.close()


def _report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_h3_no_serious_accessibility_violations_on_the_main_pages(
    new_context, base_url: str, cases: dict[str, str], name: str, width: str
):
    email, where = PAGES[name]
    page = new_context(viewport=WIDTHS[width]).new_page()
    log_in(page, base_url, email)
    if where == "form":
        order_card(page, base_url, cases["form"]).get_by_role("link", name="Open a dispute").click()
        expect(page.get_by_role("button", name="Submit")).to_be_visible()
    else:
        page.goto(cases.get(where, base_url + where))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")

    results = Axe().run(page)
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    # Every violation, the minor and moderate ones too, for whoever improves the pages next.
    (folder / f"{name}-{width}.json").write_text(json.dumps(results.response["violations"], indent=1))
    if width == "phone":
        # Reflow (WCAG 1.4.10): on a phone the page never scrolls sideways; wide tables become cards.
        document, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert document <= viewport, f"{name} is {document} px wide in a {viewport} px wide phone screen"
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name} at {WIDTHS[width]['width']} px:\n{_report(blocking)}"
