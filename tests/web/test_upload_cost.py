"""Uploads that would cost far too much are refused with 422 and words before anything is stored (E1).

The hostile files are made by the tests: a PNG whose header claims 30000 x 30000 pixels, text
behind an MP4 signature, and a real 8K clip of a fifth of a second.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from dispute_world import World, ago
from flask import Flask
from hostile_files import fake_mp4, lavfi_clip, png_header
from test_evidence_locker import HX, items, text, upload
from test_opening_form import FORM, disputes

from media import video
from media.video import UPLOAD_PROBE_SECONDS


def everything_stored(app: Flask) -> list[str]:
    """Every file under the media root and the scratch root (staging and uploads in flight included)."""
    roots = [Path(app.config["MEDIA_ROOT"]), Path(app.config["TMP_DIR"])]
    return sorted(str(p) for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def clip_8k(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("clips") / "tiny-8k.mp4"
    return lavfi_clip(out, size="7680x4320", rate=5, seconds=0.2).read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "refusal"),
    [
        pytest.param(
            "bomb.png",
            png_header(30000, 30000),
            "bomb.png is 30000 × 30000 pixels; photos up to 50 megapixels are accepted.",  # noqa: RUF001
            id="png-bomb",
        ),
        pytest.param(
            "clip.mp4",
            fake_mp4(),
            "clip.mp4: This video could not be read: it may be incomplete or damaged.",
            id="fake-mp4",
        ),
    ],
)
def test_e1_a_hostile_file_is_refused_in_words_and_nothing_is_stored(
    app: Flask, client, auth, world: World, name: str, content: bytes, refusal: str
):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    before_items, before_files = len(items(dispute.id)), everything_stored(app)

    response = upload(client, dispute.id, content, name, headers=HX)

    assert response.status_code == 422 and refusal in text(response)
    assert len(items(dispute.id)) == before_items
    assert everything_stored(app) == before_files


def test_e1_a_tiny_8k_clip_is_refused_from_its_container_in_well_under_a_second(
    app: Flask, client, auth, world: World, clip_8k: bytes
):
    dispute = world.open(ago(1))
    auth.login_as(world.seller)
    before_items, before_files = len(items(dispute.id)), everything_stored(app)

    started = time.perf_counter()
    response = upload(client, dispute.id, clip_8k, "8k.mp4")
    took = time.perf_counter() - started

    assert len(clip_8k) < 400_000
    assert response.status_code == 422
    assert "8k.mp4 is 7680 × 4320 pixels; videos up to 4K (3840 × 2160) are accepted." in text(response)  # noqa: RUF001
    assert len(items(dispute.id)) == before_items and everything_stored(app) == before_files
    assert took < UPLOAD_PROBE_SECONDS / 2
    print(f"8K clip of {len(clip_8k) // 1000} KB refused in {took * 1000:.0f} ms")


def test_e1_a_video_longer_than_the_limit_is_refused_at_upload(
    app: Flask, client, auth, world: World, tmp_path
):
    app.config["MAX_VIDEO_SECONDS"] = 1
    clip = lavfi_clip(tmp_path / "long.mp4", size="160x120", rate=10, seconds=2).read_bytes()
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)

    response = upload(client, dispute.id, clip, "long.mp4", headers=HX)

    assert response.status_code == 422
    assert "long.mp4 is 2 seconds long; videos up to 1 second are accepted." in text(response)


def test_e1_a_photo_sent_with_the_opening_form_is_probed_too(app: Flask, client, auth, world: World):
    auth.login_as(world.buyer)
    before_disputes, before_files = disputes(), everything_stored(app)
    bomb = (io.BytesIO(png_header(30000, 30000)), "bomb.png")

    response = client.post(
        f"/orders/{world.order.id}/dispute",
        data={**FORM, "evidence": bomb},
        content_type="multipart/form-data",
    )

    assert response.status_code == 422 and "bomb.png is 30000 × 30000 pixels" in text(response)  # noqa: RUF001
    assert disputes() == before_disputes and everything_stored(app) == before_files


def test_e1_a_video_sent_with_the_opening_form_is_probed_once(
    app: Flask, client, auth, world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    clip = lavfi_clip(tmp_path / "clip.mp4", size="160x120", rate=5, seconds=0.4).read_bytes()
    probes: list[str] = []
    real_probe = video.probe_stream

    def counted(stream, **options):
        probes.append(options.get("name", ""))
        return real_probe(stream, **options)

    monkeypatch.setattr(video, "probe_stream", counted)
    auth.login_as(world.buyer)
    before = disputes()

    response = client.post(
        f"/orders/{world.order.id}/dispute",
        data={**FORM, "evidence": (io.BytesIO(clip), "unboxing.mp4")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 303 and disputes() == before + 1
    assert probes == ["unboxing.mp4"]  # checked before the rules, then stored without probing again
