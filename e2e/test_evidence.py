"""The evidence locker in a real browser: upload a photo and a video, watch them processed, play the video."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from actions import (
    evidence_card,
    new_order,
    open_dispute_of,
    open_dispute_on,
    open_evidence,
    play_video,
    upload_evidence,
    watch_uploads,
)
from conftest import ARTIFACTS
from playwright.sync_api import Page, expect

Window = Callable[..., Page]


@pytest.fixture
def phone_video(tmp_path: Path) -> Path:
    """A 6-second 640x360 clip with sound, the kind of file a phone gives (made by ffmpeg)."""
    path = tmp_path / "unboxing.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=640x360:rate=25:duration=6",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=6",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
    )
    return path


def test_e1_e3_a_photo_and_a_video_upload_with_progress_and_the_video_plays_for_both_parties(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Callable[..., Path], phone_video: Path
):
    order = new_order(server_env, "Glass vase (evidence locker)")
    buyer = as_user("buyer@example.com")
    dispute_url = open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo("opening.jpg"))
    watch_uploads(buyer)
    crack = photo("crack-close-up.jpg", colour=(90, 40, 40))
    upload_evidence(buyer, crack, phone_video)

    progress = buyer.evaluate("window.uploadProgress")
    for name in ("crack-close-up.jpg", "unboxing.mp4"):
        loaded, total = progress[name]
        assert total > 0 and loaded == total, progress  # each file had its own upload bar, filled
    expect(evidence_card(buyer, "unboxing.mp4").get_by_role("img")).to_be_visible(timeout=60_000)
    expect(evidence_card(buyer, "crack-close-up.jpg").get_by_role("img")).to_be_visible()
    assert buyer.evaluate("window.processingSeen"), "no processing bar was shown"
    expect(evidence_card(buyer, "unboxing.mp4")).to_contain_text("0:06")

    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    buyer.locator("#evidence").screenshot(path=str(shots / "buyer-evidence-locker-desktop.png"))
    open_evidence(buyer, "unboxing.mp4")
    assert play_video(buyer) > 0.5
    buyer.screenshot(path=str(shots / "buyer-evidence-video-desktop.png"))

    seller = as_user("seller@example.com")
    open_dispute_of(seller, base_url, order)
    expect(evidence_card(seller, "crack-close-up.jpg").get_by_role("img")).to_be_visible()
    open_evidence(seller, "unboxing.mp4")
    assert play_video(seller) > 0.5
    media_urls = [
        seller.locator("video source").get_attribute("src"),
        seller.locator("video").get_attribute("poster"),
    ]

    stranger = as_user("buyer2@example.com")
    assert stranger.goto(dispute_url).status == 404
    assert stranger.goto(seller.url).status == 404
    for url in media_urls:
        assert stranger.request.get(f"{base_url}{url}").status == 404
    assert seller.request.get(f"{base_url}{media_urls[0]}").status == 200


@pytest.fixture
def long_video(tmp_path: Path) -> Path:
    """A 20-second 1280x720 clip: its transcode takes seconds, its poster a fraction of one."""
    path = tmp_path / "walkaround.mp4"
    subprocess.run(
        [
            *("ffmpeg", "-nostdin", "-loglevel", "error"),
            *("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=20"),
            *("-f", "lavfi", "-i", "sine=frequency=330:duration=20"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"),
            str(path),
        ],
        check=True,
    )
    return path


def test_e1_a_videos_poster_shows_with_the_transcodes_bar_before_the_transcode_ends(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Callable[..., Path], long_video: Path
):
    order = new_order(server_env, "Floor lamp (poster first)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo("opening.jpg"))
    upload_evidence(buyer, long_video)
    card = evidence_card(buyer, long_video.name)

    # One moment of the page where the card shows the poster and says the video is being prepared.
    buyer.wait_for_function(
        """name => [...document.querySelectorAll("#evidence li.evidence-card")].some(card =>
             card.textContent.includes(name) && card.querySelector("img")
             && card.querySelector("progress") && card.textContent.includes("Preparing the video"))""",
        arg=long_video.name,
        timeout=10_000,
    )
    expect(card.get_by_role("img")).to_have_attribute("alt", f"Video, being prepared: {long_video.name}")

    # Once the transcode ends the card links to the player and stops asking for itself.
    expect(card.get_by_role("link")).to_be_visible(timeout=120_000)
    expect(card).not_to_contain_text("Preparing the video")
    expect(card).not_to_have_attribute("hx-trigger", re.compile("."))


def test_e1_a_file_over_the_size_limit_is_refused_in_the_browser_before_it_is_sent(
    as_user: Window, base_url: str, server_env: dict[str, str], photo: Callable[..., Path], tmp_path: Path
):
    order = new_order(server_env, "Side table (too big a photo)")
    buyer = as_user("buyer@example.com")
    open_dispute_on(buyer, base_url, order, amount="20.00", photo=photo("first.jpg"))
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(photo("seed.jpg").read_bytes() + bytes(21 * 1024 * 1024))  # 21 MB, a JPEG to the browser
    sent: list[str] = []
    buyer.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    buyer.get_by_label("Add photos and videos").set_input_files(str(huge))
    refused = buyer.get_by_role("list", name="Uploads").get_by_role("alert")
    expect(refused).to_contain_text("huge.jpg: not uploaded, it is larger than 20 MB")
    assert not [url for url in sent if url.endswith("/evidence")]
