"""A video's poster and thumbnail come first: stored and recorded before its transcode starts (E1)."""

from __future__ import annotations

import io
from datetime import timedelta

from evidence_media import fresh, is_webp, now, stored
from sqlalchemy import select, update

from media import evidence_key, video
from webapp.core.extensions import db
from webapp.core.storage import storage
from webapp.evidence.access import stored_variant
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus
from webapp.evidence.processing import process_evidence

VIDEO = EvidenceKind.VIDEO
PROCESSING, READY = ProcessingStatus.PROCESSING, ProcessingStatus.READY


def row_seen_elsewhere(item_id: int) -> dict[str, object]:
    """The item as another connection (another request) sees it now."""
    with db.engine.connect() as connection:
        row = connection.execute(
            select(
                EvidenceItem.status,
                EvidenceItem.preview_ready,
                EvidenceItem.width,
                EvidenceItem.height,
                EvidenceItem.duration_ms,
            ).where(EvidenceItem.id == item_id)
        ).one()
    return row._asdict()


def put(item: EvidenceItem, variant: str, data: bytes) -> None:
    key = evidence_key(item.dispute_id, item.uuid, variant)  # type: ignore[arg-type]
    storage().put(key, io.BytesIO(data), content_type="application/octet-stream")


def test_e1_a_videos_poster_and_thumbnail_are_stored_and_recorded_before_its_transcode_starts(
    add_item, clip, monkeypatch
):
    real_transcode, seen = video.transcode, {}

    def watched_transcode(path, out, **kwargs):
        item = fresh(clip_item.id)
        seen["row"] = row_seen_elsewhere(item.id)
        seen["stills"] = (stored(item, "poster"), stored(item, "thumb"), stored(item, "video"))
        seen["served"] = [stored_variant(item, v) is not None for v in ("thumb", "poster", "video")]
        real_transcode(path, out, **kwargs)

    monkeypatch.setattr(video, "transcode", watched_transcode)
    clip_item = add_item(VIDEO, clip)

    assert process_evidence(clip_item.id) is READY

    row = seen["row"]
    assert row["status"] is PROCESSING and row["preview_ready"] is True
    assert (row["width"], row["height"]) == (160, 120) and 1900 <= row["duration_ms"] <= 2100
    poster, thumb, transcoded = seen["stills"]
    assert is_webp(poster) and is_webp(thumb) and transcoded is None
    assert seen["served"] == [True, True, False]  # the stills may be fetched, the video not yet
    item = fresh(clip_item.id)
    assert (item.status, item.preview_ready, item.progress) == (READY, True, 100)


def test_e1_a_poster_stored_before_a_crash_is_kept_and_the_rerun_ends_ready(add_item, clip):
    long_ago = now() - timedelta(hours=1)
    crashed = add_item(
        VIDEO, clip, status=PROCESSING, attempts=1, heartbeat_at=long_ago, preview_ready=True, progress=40
    )
    put(crashed, "poster", b"the poster of the attempt that crashed")
    put(crashed, "thumb", b"its thumbnail")

    assert process_evidence(crashed.id) is READY

    item = fresh(crashed.id)
    assert (item.status, item.attempts, item.preview_ready) == (READY, 2, True)
    assert stored(item, "poster") == b"the poster of the attempt that crashed"  # write-once, kept
    assert stored(item, "thumb") == b"its thumbnail"
    assert video.probe(storage().path_for(evidence_key(item.dispute_id, item.uuid, "video"))).duration_s > 1.5


def test_e1_stills_stored_by_an_attempt_that_died_before_recording_them_are_recorded_by_the_next(
    add_item, clip, monkeypatch
):
    long_ago = now() - timedelta(hours=1)
    crashed = add_item(VIDEO, clip, status=PROCESSING, attempts=1, heartbeat_at=long_ago)
    put(crashed, "poster", b"stored, then the worker died")
    put(crashed, "thumb", b"stored too")
    real_transcode, seen = video.transcode, []

    def watched_transcode(*args, **kwargs):
        seen.append(row_seen_elsewhere(crashed.id)["preview_ready"])
        real_transcode(*args, **kwargs)

    def no_second_poster(*args, **kwargs):
        raise AssertionError("the stored stills should have been kept")

    monkeypatch.setattr(video, "poster", no_second_poster)
    monkeypatch.setattr(video, "transcode", watched_transcode)

    assert process_evidence(crashed.id) is READY
    assert seen == [True]
    assert stored(fresh(crashed.id), "poster") == b"stored, then the worker died"


def test_e1_a_worker_taken_for_dead_cannot_record_a_preview_on_the_attempt_that_took_over(
    add_item, clip, monkeypatch
):
    real_poster = video.poster

    def poster_then_taken_over(*args, **kwargs):
        real_poster(*args, **kwargs)
        # Meanwhile the sweep took this worker for dead and another worker claimed the item again.
        with db.engine.begin() as connection:
            connection.execute(
                update(EvidenceItem)
                .where(EvidenceItem.id == item.id)
                .values(attempts=EvidenceItem.attempts + 1, preview_ready=False)
            )

    monkeypatch.setattr(video, "poster", poster_then_taken_over)
    item = add_item(VIDEO, clip)

    assert process_evidence(item.id) is PROCESSING  # the other attempt holds it
    row = row_seen_elsewhere(item.id)
    assert row["preview_ready"] is False and row["width"] is None
