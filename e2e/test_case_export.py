"""The mediator downloads a case: asks, watches the progress bar, gets the ZIP, and its manifest holds."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from actions import (
    expect_done,
    new_order,
    open_dispute_of,
    open_dispute_on,
    open_from_queue,
    reject_request_with_counter_offer,
    travel,
)
from playwright.sync_api import Page, expect

Window = Callable[..., Page]


@pytest.mark.travels
def test_the_mediator_asks_for_the_case_sees_it_prepared_and_downloads_a_zip_whose_manifest_holds(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Callable[..., Path], tmp_path: Path
):
    order = new_order(server_env, "Desk lamp (case export)")
    buyer = as_user("buyer@example.com")
    picture = photo("bent-lamp.jpg")
    open_dispute_on(buyer, base_url, order, amount="30.00", photo=picture)
    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    reject_request_with_counter_offer(seller, "10.00")
    expect_done(seller, "You rejected the request.")
    travel(server_env, "7d")  # N1: the platform reviews it

    mediator = as_user("mediator@example.com")
    open_from_queue(mediator, base_url, order)
    mediator.get_by_role("link", name="Download the case").click()
    expect(mediator.get_by_role("heading", name="Download the case")).to_be_visible()
    mediator.get_by_role("button", name="Prepare a download").click()
    # The answer comes before the job starts: the bar shows, then the poll brings the finished download.
    expect(mediator.get_by_role("progressbar")).to_be_visible()
    link = mediator.get_by_role("link", name="Download the ZIP")
    expect(link).to_be_visible(timeout=30_000)
    expect(mediator.get_by_role("progressbar")).to_have_count(0)
    with mediator.expect_download() as waiting:
        link.click()
    saved = tmp_path / "case.zip"
    waiting.value.save_as(saved)

    with zipfile.ZipFile(saved) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        for listed in manifest["files"]:
            assert hashlib.sha256(archive.read(listed["path"])).hexdigest() == listed["sha256"]
        listed_paths = [f["path"] for f in manifest["files"]]
        assert sorted(archive.namelist()) == sorted([*listed_paths, "manifest.json"])
        events = json.loads(archive.read("history.json"))["events"]
        evidence = [n for n in archive.namelist() if n.startswith("evidence/")]
        original = hashlib.sha256(picture.read_bytes()).hexdigest()
        assert original in {hashlib.sha256(archive.read(n)).hexdigest() for n in evidence}
        assert archive.read("summary.pdf").startswith(b"%PDF")
    assert manifest["exported_for"]["role"] == "mediator"
    assert manifest["history"]["last_event_sha256"] == events[-1]["hash"]
    assert events[-1]["summary"] == "The mediator downloaded the case as a ZIP."
