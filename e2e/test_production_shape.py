"""The core story against the production shape: two gunicorn servers behind a round-robin proxy, a Celery
worker on Redis, the clock process, PostgreSQL and S3 (moto's server), all on 127.0.0.1.

Run with `pytest e2e --production-shape` (scripts/test does); a plain `pytest e2e` deselects it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from actions import (
    POLL_TIMEOUT,
    answer_decision,
    evidence_card,
    expect_done,
    expect_stage,
    final_decision,
    new_order,
    open_dispute_of,
    open_dispute_on,
    open_from_queue,
    press,
    propose_decision,
    refund_line,
    reject_proposal,
    reject_request_with_counter_offer,
    section,
    send_message,
    show_again,
    take_case,
    travel,
)
from playwright.sync_api import Page, expect
from production_shape import ProductionShape

pytestmark = [pytest.mark.production_shape]
Window = Callable[..., Page]


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """A 4-second 640x360 phone-like clip with sound (made by ffmpeg)."""
    path = tmp_path / "unboxing.mp4"
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-loglevel", "error",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=4",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=4",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
            str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def test_the_shape_is_ready_behind_the_proxy_with_every_check_named(production_shape: ProductionShape):
    assert production_shape.readiness() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok", "broker": "ok"},
    }
    assert all(process.alive() for process in production_shape.processes)


@pytest.mark.travels
def test_o4_s3_n5_n1_m4_m5_f1_open_with_a_photo_and_a_video_to_a_paid_refund_across_processes(
    as_user: Window,
    base_url: str,
    server_env: dict[str, str],
    production_shape: ProductionShape,
    photo: Callable[..., Path],
    clip: Path,
):
    order = new_order(server_env, "Glass lamp (production shape)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="30.00", photo=[photo("broken-lamp.jpg"), clip])
    expect_stage(buyer, "Seller response")
    # Stored in S3 by a web server, processed by the Celery worker, shown through the poll.
    expect(evidence_card(buyer, "broken-lamp.jpg").get_by_role("img")).to_be_visible(timeout=60_000)
    expect(evidence_card(buyer, "unboxing.mp4").get_by_role("img")).to_be_visible(timeout=60_000)
    expect(evidence_card(buyer, "unboxing.mp4")).to_contain_text("0:04")

    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    reject_request_with_counter_offer(seller, "10.00", "It left here intact; 10 is fair.")
    expect_stage(seller, "Negotiation")
    send_message(seller, "Could you send a photo of the box?")

    show_again(buyer)
    expect(section(buyer, "Negotiation thread")).to_contain_text("Could you send a photo of the box?")
    reject_proposal(buyer, "10.00 USD")

    # Seven days without agreement: the platform steps in (N1), seen by the open page's poll.
    travel(server_env, "7d")
    expect_stage(buyer, "Platform review", timeout=POLL_TIMEOUT)

    mediator = as_user("mediator@example.com")
    open_from_queue(mediator, base_url, order)
    take_case(mediator)
    expect(section(mediator, "Evidence")).to_contain_text("unboxing.mp4")
    propose_decision(
        mediator,
        [("Refund only", "20.00", "Keep the lamp"), ("Return goods and refund", "34.50", "Send it back")],
        "The photos show transit damage.",
    )

    show_again(buyer)
    answer_decision(buyer, 1)
    open_dispute_of(seller, base_url, order)
    answer_decision(seller, 0, "It was intact when it left.")
    show_again(mediator)
    final_decision(mediator, 1, "The photos and the video show transit damage.")
    expect(section(mediator, "Outcome")).to_contain_text("Closed by the platform's final decision")

    show_again(seller)
    expect_stage(seller, "Refund")
    expect(refund_line(seller)).to_contain_text("Refund 20.00 USD: pending")
    press(seller, seller.get_by_role("button", name="Mark refund paid"), "mark-refunded")
    expect_done(seller, "Refund marked as paid.")
    show_again(buyer)
    expect(refund_line(buyer)).to_contain_text("Refund 20.00 USD: refunded")

    # Both web servers answered this story's requests, and the worker's job lines name the
    # requests that queued them (the opening POST, in one of the servers' logs).
    served = {name: production_shape.json_lines(name) for name in ("web-1", "web-2")}
    assert all(any(line["event"] == "request" for line in lines) for lines in served.values()), {
        name: len(lines) for name, lines in served.items()
    }
    openings = {
        str(line["request_id"])
        for lines in served.values()
        for line in lines
        if line["event"] == "request" and line["method"] == "POST" and str(line["path"]).endswith("/dispute")
    }
    jobs = [line for line in production_shape.json_lines("worker") if line["event"] == "job"]
    from_opening = [job for job in jobs if job["request_id"] in openings]
    assert sorted(job["outcome"] for job in from_opening) == ["ready", "ready"], jobs
    assert production_shape.readiness()["status"] == "ready"
