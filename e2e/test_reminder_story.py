"""M8 and reminders as a buyer sees them: the review estimate, then a deadline reminder in the bell."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from actions import (
    POLL_TIMEOUT,
    expect_stage,
    new_order,
    open_dispute_of,
    open_dispute_on,
    open_from_queue,
    reject_request_with_counter_offer,
    request_evidence,
    section,
    show_again,
    take_case,
    travel,
)
from conftest import flask
from playwright.sync_api import Locator, Page, expect

Window = Callable[..., Page]
Photo = Callable[..., Path]


def unread(bell: Locator) -> int:
    found = re.search(r"(\d+) unread", bell.get_attribute("aria-label") or "")
    assert found, "the bell says no count"
    return int(found.group(1))


@pytest.mark.travels
def test_m8_m2_the_buyer_sees_the_review_estimate_and_a_reminder_of_its_evidence_deadline_in_the_bell(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Photo
):
    order = new_order(server_env, "Desk lamp (reminder)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo("lamp.jpg"))
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    reject_request_with_counter_offer(seller, "5.00")

    travel(server_env, "7d")  # N1: the platform steps in
    show_again(buyer)
    expect_stage(buyer, "Platform review", timeout=POLL_TIMEOUT)
    estimate = section(buyer, "Where the dispute stands").locator("#review-estimate")
    expect(estimate).to_contain_text("While the platform reviews")
    expect(estimate).to_contain_text("A final decision is expected by")
    expect(estimate).to_contain_text("within 7 days of escalation")

    mediator = as_user("mediator@example.com")
    open_from_queue(mediator, base_url, order)
    take_case(mediator)
    request_evidence(mediator, "Buyer", "A photo of the lamp's plug.", days="1")
    show_again(buyer)
    bell = buyer.locator("#notification-bell").get_by_role("link")
    before = unread(bell)

    said = flask(server_env, "disputes", "tick")  # the clock: the 24-hour reminder is due at once
    assert "reminder(s) sent" in said, said
    buyer.goto(f"{base_url}/orders")
    assert unread(bell) > before  # the reminder (and any the clock sent on the demo's other disputes)
    bell.click()
    reminder = (
        buyer.get_by_role("listitem")
        .filter(has_text="Reminder for dispute")
        .filter(has_text="Desk lamp (reminder)")
    )
    expect(reminder).to_contain_text("Desk lamp (reminder)")
    expect(reminder).to_contain_text("send the evidence the mediator asked for by")
    expect(reminder).to_contain_text("left)")
