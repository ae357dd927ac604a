"""Make the copies the locker shows from an item's original: every item ends READY or FAILED.

`process_evidence` runs in an app context outside any request (a Celery task, the in-process pool,
or right after a commit in tests). It claims the item with one conditional UPDATE, so running it
twice, or in two workers at once, is harmless; the claim's attempt number fences every later write,
so a worker that was taken for dead cannot overwrite the work of the one that took over. Stored
objects are write-once: a variant already stored by an earlier attempt counts as done.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, cast

from flask import current_app
from sqlalchemy import CursorResult, Update, and_, or_, select, update
from sqlalchemy.sql import ColumnElement

from media import MediaError, MediaRejected, ObjectExists, Variant, evidence_key, photos, video
from webapp.core.clock import clock_now
from webapp.core.extensions import db
from webapp.core.storage import storage
from webapp.evidence.heartbeat import Heartbeat
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus
from webapp.evidence.services import PROCESS_JOB
from webapp.jobs.queue import enqueue, job
from webapp.jobs.workspace import job_folder

log = logging.getLogger(__name__)

COPY_CHUNK = 1024 * 1024
RETRY_BASE_SECONDS = 30.0  # then 60 s, 120 s...
PROCESSED_KINDS = (EvidenceKind.PHOTO, EvidenceKind.VIDEO)  # text items are READY at creation
WORKER_DIED = "the worker processing it stopped each time."
UNEXPECTED = "an unexpected error occurred on our side."
READY, FAILED = ProcessingStatus.READY, ProcessingStatus.FAILED


@dataclass(frozen=True)
class Claim:
    """An item this worker holds, and the attempt number that fences its writes."""

    item_id: int
    attempt: int
    kind: EvidenceKind
    dispute_id: int
    uuid: str
    storage_key: str
    duplicate: bool

    def key(self, variant: Variant) -> str:
        """The storage key of one of this item's variants."""
        return evidence_key(self.dispute_id, self.uuid, variant)


def abandoned(now: datetime) -> ColumnElement[bool]:
    """Items held by a worker that went silent for longer than JOB_STALE_AFTER_SECONDS (it died)."""
    stale_before = now - timedelta(seconds=float(current_app.config["JOB_STALE_AFTER_SECONDS"]))
    return and_(
        EvidenceItem.status == ProcessingStatus.PROCESSING,
        or_(EvidenceItem.heartbeat_at.is_(None), EvidenceItem.heartbeat_at < stale_before),
    )


def claimable(now: datetime) -> ColumnElement[bool]:
    """Items a worker may take now: queued and due, or abandoned by a dead worker."""
    return or_(
        and_(
            EvidenceItem.status == ProcessingStatus.UPLOADED,
            or_(EvidenceItem.next_attempt_at.is_(None), EvidenceItem.next_attempt_at <= now),
        ),
        abandoned(now),
    )


@job(PROCESS_JOB)
def process_evidence(item_id: int) -> ProcessingStatus:
    """Process one item unless it is done or held by a live worker; return its status afterwards."""
    claim = _claim(item_id)
    if claim is None:
        return _status(item_id)
    max_attempts = int(current_app.config["JOB_MAX_ATTEMPTS"])
    if claim.attempt > max_attempts:  # only a worker dying mid-job gets here (handled errors stop at max)
        return _finish(claim, FAILED, failure_reason=_gave_up(max_attempts, WORKER_DIED))
    if claim.duplicate:  # the earlier identical item's objects are shown; nothing to make
        return _finish(claim, READY)
    beat_every = float(current_app.config["JOB_STALE_AFTER_SECONDS"]) / 4
    try:
        with Heartbeat(claim.item_id, claim.attempt, beat_every=beat_every) as heartbeat:
            facts = _derive(claim, heartbeat)
    except MediaRejected as error:
        log.info("evidence item %s refused: %s", item_id, error)
        return _finish(claim, FAILED, failure_reason=str(error))
    except Exception as error:
        log.exception("evidence item %s: attempt %s failed", item_id, claim.attempt)
        return _retry_or_fail(claim, error, max_attempts)
    return _finish(claim, READY, **facts)


def _claim(item_id: int) -> Claim | None:
    """Take the item with one atomic UPDATE and commit; None when it is not ours to take."""
    now = clock_now(db.session)
    row = db.session.execute(
        update(EvidenceItem)
        .where(EvidenceItem.id == item_id, EvidenceItem.kind.in_(PROCESSED_KINDS), claimable(now))
        .values(
            status=ProcessingStatus.PROCESSING,
            attempts=EvidenceItem.attempts + 1,
            heartbeat_at=now,
            next_attempt_at=None,
            progress=0,
        )
        .returning(
            EvidenceItem.attempts,
            EvidenceItem.kind,
            EvidenceItem.dispute_id,
            EvidenceItem.uuid,
            EvidenceItem.storage_key,
            EvidenceItem.duplicate_of_id,
        )
        .execution_options(synchronize_session=False)
    ).one_or_none()
    db.session.commit()
    if row is None:
        return None
    attempts, kind, dispute_id, item_uuid, storage_key, duplicate_of_id = row
    return Claim(item_id, attempts, kind, dispute_id, item_uuid, storage_key, duplicate_of_id is not None)


def _status(item_id: int) -> ProcessingStatus:
    status = db.session.scalar(select(EvidenceItem.status).where(EvidenceItem.id == item_id))
    db.session.commit()  # end the read: a job never sits in an open transaction
    if status is None:
        raise LookupError(f"there is no evidence item {item_id}")
    return status


def _finish(claim: Claim, status: ProcessingStatus, **values: Any) -> ProcessingStatus:
    """Write the outcome if the claim still holds, commit, and return the item's status."""
    values = {"status": status, "heartbeat_at": None, "next_attempt_at": None, **values}
    if status is READY:
        values |= {"progress": 100, "failure_reason": ""}
    # Session.execute is typed to return a Result; for an UPDATE it is a CursorResult.
    result = cast(CursorResult[Any], db.session.execute(_held(claim).values(**values)))
    db.session.commit()
    if result.rowcount != 1:
        log.warning("evidence item %s: attempt %s was overtaken by another", claim.item_id, claim.attempt)
        return _status(claim.item_id)
    return status


def _retry_or_fail(claim: Claim, error: Exception, max_attempts: int) -> ProcessingStatus:
    """Queue the item again after a backoff, or give up after the last attempt."""
    reason = str(error) if isinstance(error, MediaError) and str(error) else UNEXPECTED
    if claim.attempt >= max_attempts:
        return _finish(claim, FAILED, failure_reason=_gave_up(claim.attempt, reason))
    delay = RETRY_BASE_SECONDS * 2 ** (claim.attempt - 1)
    due = clock_now(db.session) + timedelta(seconds=delay)
    status = _finish(claim, ProcessingStatus.UPLOADED, next_attempt_at=due, progress=0)
    if status is ProcessingStatus.UPLOADED:
        try:
            enqueue(PROCESS_JOB, claim.item_id, delay=delay)
        except Exception:  # the sweep queues due items anyway
            log.exception("evidence item %s: could not queue its retry; the sweep will", claim.item_id)
    return status


def _gave_up(attempts: int, reason: str) -> str:
    return f"We could not process this file after {attempts} attempts: {reason}"


def _derive(claim: Claim, heartbeat: Heartbeat) -> dict[str, Any]:
    """Copy the original to a temporary file, store its derived copies, return the facts learnt."""
    # One folder per attempt, held by this process: if it is killed, the next recovery removes it.
    with job_folder(f"evidence-item-{claim.item_id}-attempt-{claim.attempt}") as tmp:
        original = tmp / "original"
        with contextlib.closing(storage().open(claim.storage_key)) as src, original.open("wb") as dst:
            shutil.copyfileobj(src, dst, COPY_CHUNK)  # bounded chunks: memory does not grow with size
        if claim.kind is EvidenceKind.PHOTO:
            return _photo(claim, original)
        return _video(claim, original, tmp, heartbeat)


def _photo(claim: Claim, original: Path) -> dict[str, Any]:
    with original.open("rb") as src:
        derived = photos.derive_photo(src)
    _put(claim.key("display"), derived.display)
    _put(claim.key("thumb"), derived.thumb)
    return {"width": derived.width, "height": derived.height}


def _video(claim: Claim, original: Path, tmp: Path, heartbeat: Heartbeat) -> dict[str, Any]:
    config = current_app.config
    info = video.probe(original)
    video.check_duration(info, float(config["MAX_VIDEO_SECONDS"]))
    facts = {"width": info.width, "height": info.height, "duration_ms": round(info.duration_s * 1000)}
    _store_stills(claim, original, tmp, info)  # a tenth of a second or so: shown long before the video
    _record(claim, preview_ready=True, **facts)
    if not storage().exists(claim.key("video")):  # an earlier attempt may have stored it already
        out = tmp / "video.mp4"
        timeout = float(config["TRANSCODE_TIMEOUT_SECONDS"])
        video.transcode(original, out, info=info, on_progress=heartbeat.progress, timeout=timeout)
        with out.open("rb") as stream:
            _put_stream(claim.key("video"), stream, "video/mp4")
    return facts


def _store_stills(claim: Claim, original: Path, tmp: Path, info: video.VideoInfo) -> None:
    """Store the poster frame and its thumbnail, unless an earlier attempt stored both."""
    if storage().exists(claim.key("poster")) and storage().exists(claim.key("thumb")):
        return
    frame = tmp / "poster.jpg"
    video.poster(original, frame, info=info)
    with frame.open("rb") as src:
        stills = photos.derive_photo(src)
    _put(claim.key("poster"), stills.display)
    _put(claim.key("thumb"), stills.thumb)


def _record(claim: Claim, **values: Any) -> None:
    """Write what the item shows while processing goes on, if the claim still holds; commit at once."""
    db.session.execute(_held(claim).values(**values))
    db.session.commit()  # seen by the next poll; a job never sits in an open transaction


def _held(claim: Claim) -> Update:
    """An UPDATE of the item that changes nothing once another attempt has claimed it (fencing)."""
    return (
        update(EvidenceItem)
        .where(
            EvidenceItem.id == claim.item_id,
            EvidenceItem.status == ProcessingStatus.PROCESSING,
            EvidenceItem.attempts == claim.attempt,
        )
        .execution_options(synchronize_session=False)
    )


def _put(key: str, image: photos.DerivedImage) -> None:
    _put_stream(key, io.BytesIO(image.data), image.content_type)


def _put_stream(key: str, stream: BinaryIO, content_type: str) -> None:
    """Store a variant; one already stored by an earlier attempt is kept (objects are write-once)."""
    with contextlib.suppress(ObjectExists):
        storage().put(key, stream, content_type=content_type)
