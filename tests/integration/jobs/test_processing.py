"""process_evidence: every photo and video ends READY or FAILED, and running it again does no harm."""

from __future__ import annotations

import io
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from evidence_media import fresh, is_webp, jpeg_bytes, now, stored, stored_path
from sqlalchemy import select

from dispute_engine import Actor
from media import MediaTimeout, evidence_key, photos, video
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.storage import storage
from webapp.evidence import heartbeat
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus
from webapp.evidence.processing import process_evidence
from webapp.evidence.services import Upload, check_uploads, store_uploads
from webapp.evidence.sweep import sweep

PHOTO, VIDEO, TEXT = EvidenceKind.PHOTO, EvidenceKind.VIDEO, EvidenceKind.TEXT
UPLOADED, PROCESSING = ProcessingStatus.UPLOADED, ProcessingStatus.PROCESSING
READY, FAILED = ProcessingStatus.READY, ProcessingStatus.FAILED


def test_an_uploaded_photo_ends_ready_with_a_display_copy_and_a_thumbnail(world, dispute):
    [item] = store_uploads(
        dispute,
        world.seller,
        Actor.SELLER,
        check_uploads([Upload(io.BytesIO(jpeg_bytes()), "a.jpg")]),
        now=now(),
    )
    db.session.commit()  # eager jobs run once the row is committed

    item = fresh(item.id)
    assert (item.status, item.progress, item.attempts) == (READY, 100, 1)
    assert (item.width, item.height) == (64, 48)
    assert item.heartbeat_at is None and item.next_attempt_at is None and item.failure_reason == ""
    assert is_webp(stored(item, "display")) and is_webp(stored(item, "thumb"))


def test_a_video_ends_ready_with_a_playable_copy_a_poster_and_a_thumbnail_and_progress_rises(
    app, add_item, clip, monkeypatch
):
    monkeypatch.setattr(heartbeat, "TICK_SECONDS", 0.02)
    real_transcode = video.transcode

    def slow_transcode(path, out, *, on_progress, **kwargs):
        for percent in (10, 40, 70):  # the 2 s clip converts too fast for ffmpeg's once-a-second reports
            on_progress(percent)
            time.sleep(0.15)
        real_transcode(path, out, on_progress=on_progress, **kwargs)

    monkeypatch.setattr(video, "transcode", slow_transcode)
    item = add_item(VIDEO, clip)
    seen = watch_progress(item.id)

    assert process_evidence(item.id) is READY

    item = fresh(item.id)
    assert (item.status, item.progress, item.attempts) == (READY, 100, 1)
    assert (item.width, item.height) == (160, 120)
    assert 1900 <= item.duration_ms <= 2100
    info = video.probe(stored_path(item, "video"))
    assert info.video_codec == "h264" and info.audio_codec == "aac" and info.duration_s > 1.5
    assert is_webp(stored(item, "poster")) and is_webp(stored(item, "thumb"))
    progress = seen()
    assert {10, 40, 70} <= set(progress) and progress == sorted(progress), progress


def watch_progress(item_id: int):
    """Poll the item's progress from another connection until stopped; return the values seen."""
    engine, values, stop = db.engine, [], threading.Event()

    def poll() -> None:
        while not stop.is_set():
            with engine.connect() as connection:
                value = connection.scalar(select(EvidenceItem.progress).where(EvidenceItem.id == item_id))
            if not values or values[-1] != value:
                values.append(value)
            time.sleep(0.01)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()

    def stop_and_read() -> list[int]:
        stop.set()
        thread.join()
        return values

    return stop_and_read


def test_running_the_job_again_changes_nothing_and_overwrites_nothing(add_item, clip):
    photo, clip_item = add_item(PHOTO, jpeg_bytes()), add_item(VIDEO, clip)
    for item in (photo, clip_item):
        assert process_evidence(item.id) is READY
    before = {
        (item.id, variant): stored_path(item, variant).stat().st_mtime_ns
        for item, variants in ((photo, ("display", "thumb")), (clip_item, ("video", "poster", "thumb")))
        for variant in variants
    }

    for item in (photo, clip_item):
        assert process_evidence(item.id) is READY
        assert fresh(item.id).attempts == 1

    after = {
        (item_id, variant): stored_path(fresh(item_id), variant).stat().st_mtime_ns
        for item_id, variant in before
    }
    assert after == before


def test_after_a_crash_the_variants_already_stored_are_kept_and_the_rest_are_made(
    add_item, clip, monkeypatch
):
    long_ago = now() - timedelta(hours=1)
    photo = add_item(PHOTO, jpeg_bytes(), status=PROCESSING, attempts=1, heartbeat_at=long_ago)
    put(photo, "display", b"stored by the attempt that crashed")
    clip_item = add_item(VIDEO, clip, status=PROCESSING, attempts=1, heartbeat_at=long_ago)
    put(clip_item, "video", b"the transcode that finished before the crash")

    def no_second_transcode(*args, **kwargs):
        raise AssertionError("the stored video should have been kept")

    monkeypatch.setattr(video, "transcode", no_second_transcode)
    assert process_evidence(photo.id) is READY and process_evidence(clip_item.id) is READY

    photo, clip_item = fresh(photo.id), fresh(clip_item.id)
    assert (photo.attempts, clip_item.attempts) == (2, 2)
    assert stored(photo, "display") == b"stored by the attempt that crashed" and is_webp(
        stored(photo, "thumb")
    )
    assert stored(clip_item, "video") == b"the transcode that finished before the crash"
    assert is_webp(stored(clip_item, "poster")) and is_webp(stored(clip_item, "thumb"))


def put(item: EvidenceItem, variant: str, data: bytes) -> None:
    key = evidence_key(item.dispute_id, item.uuid, variant)  # type: ignore[arg-type]
    storage().put(key, io.BytesIO(data), content_type="application/octet-stream")


def test_two_workers_at_once_process_an_item_only_once(app, add_item):
    item_id = add_item(PHOTO, jpeg_bytes()).id  # read here: the threads must not share this session
    results: list[ProcessingStatus] = []
    start = threading.Barrier(2)

    def worker() -> None:
        with app.app_context():
            start.wait()
            results.append(process_evidence(item_id))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert READY in results and set(results) <= {READY, PROCESSING}
    assert fresh(item_id).attempts == 1


def test_html_stored_as_a_photo_fails_at_once_with_a_readable_reason_and_keeps_its_original(add_item):
    item = add_item(PHOTO, b"<!doctype html><html><body>not a photo</body></html>")

    assert process_evidence(item.id) is FAILED

    item = fresh(item.id)
    assert item.failure_reason == photos.NOT_A_PHOTO
    assert item.attempts == 1 and item.next_attempt_at is None and item.heartbeat_at is None
    assert storage().exists(item.storage_key)
    assert sweep(now()) == 0 and process_evidence(item.id) is FAILED and fresh(item.id).attempts == 1


def test_a_video_over_the_length_limit_is_refused_in_minutes(app, add_item, clip, monkeypatch):
    real_probe = video.probe
    monkeypatch.setattr(video, "probe", lambda path, **kw: replace_duration(real_probe(path, **kw), 720.0))
    item = add_item(VIDEO, clip)

    assert process_evidence(item.id) is FAILED

    item = fresh(item.id)
    assert item.failure_reason == "The video is 12 minutes long; videos up to 10 minutes are accepted."
    assert stored(item, "video") is None and storage().exists(item.storage_key)


def replace_duration(info: video.VideoInfo, seconds: float) -> video.VideoInfo:
    from dataclasses import replace

    return replace(info, duration_s=seconds)


def test_a_transient_error_sends_the_item_back_to_the_queue_and_the_next_run_succeeds(
    add_item, clip, monkeypatch
):
    real_transcode, calls = video.transcode, []

    def flaky_transcode(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise MediaTimeout(video.TOO_SLOW)
        real_transcode(*args, **kwargs)

    monkeypatch.setattr(video, "transcode", flaky_transcode)
    item = add_item(VIDEO, clip)

    assert process_evidence(item.id) is UPLOADED
    item = fresh(item.id)
    assert item.attempts == 1 and item.heartbeat_at is None and item.failure_reason == ""
    assert timedelta(seconds=25) < item.next_attempt_at - now() <= timedelta(seconds=30)
    assert process_evidence(item.id) is UPLOADED and fresh(item.id).attempts == 1  # not due yet

    clock.travel(db.session, timedelta(seconds=31))
    assert sweep(now()) == 1  # the retry is due: eager jobs run it right away

    item = fresh(item.id)
    assert (item.status, item.attempts, len(calls)) == (READY, 2, 2)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (MediaTimeout(video.TOO_SLOW), video.TOO_SLOW),
        (OSError("No space left on device"), "an unexpected error occurred on our side."),
    ],
    ids=["a-timeout", "a-full-disk"],
)
def test_after_the_last_attempt_the_item_fails_with_a_readable_reason(
    add_item, clip, monkeypatch, error, reason
):
    def broken_transcode(*args, **kwargs):
        raise error

    monkeypatch.setattr(video, "transcode", broken_transcode)
    item = add_item(VIDEO, clip)

    assert process_evidence(item.id) is UPLOADED
    clock.travel(db.session, timedelta(seconds=31))
    assert process_evidence(item.id) is UPLOADED
    assert timedelta(seconds=55) < fresh(item.id).next_attempt_at - now() <= timedelta(seconds=60)
    clock.travel(db.session, timedelta(seconds=61))
    assert process_evidence(item.id) is FAILED

    item = fresh(item.id)
    assert item.attempts == 3 and item.next_attempt_at is None and item.heartbeat_at is None
    assert item.failure_reason == f"We could not process this file after 3 attempts: {reason}"


def test_an_item_whose_worker_died_on_every_attempt_fails_instead_of_looping(add_item):
    item = add_item(
        PHOTO, jpeg_bytes(), status=PROCESSING, attempts=3, heartbeat_at=now() - timedelta(hours=1)
    )

    assert process_evidence(item.id) is FAILED

    assert fresh(item.id).failure_reason == (
        "We could not process this file after 3 attempts: the worker processing it stopped each time."
    )


def test_a_duplicate_shares_the_first_copy_and_is_ready_without_processing(add_item):
    first = add_item(PHOTO, jpeg_bytes())
    process_evidence(first.id)
    copy = add_item(PHOTO, b"", duplicate_of_id=first.id, storage_key=first.storage_key)

    assert process_evidence(copy.id) is READY

    copy = fresh(copy.id)
    assert copy.progress == 100 and stored(copy, "display") is None and stored(copy, "thumb") is None


def test_a_pinned_message_is_left_alone(add_item):
    text = add_item(TEXT, b"", status=READY)
    assert process_evidence(text.id) is READY
    assert fresh(text.id).attempts == 0


def test_an_item_held_by_a_live_worker_is_left_to_it(add_item):
    item = add_item(PHOTO, jpeg_bytes(), status=PROCESSING, attempts=1, heartbeat_at=now())

    assert process_evidence(item.id) is PROCESSING

    item = fresh(item.id)
    assert item.attempts == 1 and stored(item, "display") is None


def test_a_video_whose_file_is_not_a_video_fails_with_ffprobes_reason(add_item, tmp_path: Path):
    item = add_item(VIDEO, b"#EXTM3U\n#EXT-X-ENDLIST\n")

    assert process_evidence(item.id) is FAILED

    assert fresh(item.id).failure_reason == video.UNREADABLE
