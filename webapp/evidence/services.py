"""Put files into a dispute's evidence locker: sniffed, hashed, checked for duplicates, stored write-once."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING

from flask import current_app
from sqlalchemy import func, select

from dispute_engine import Actor, FormInvalid
from dispute_engine.words import N_, Words
from media import ReceivedFile, TooLarge, evidence_key
from media.hashing import CHUNK_SIZE
from media.keys import readable_name
from media.sniff import Sniffed, sniff_stream
from webapp.core.extensions import db
from webapp.core.storage import put_for_transaction
from webapp.core.uploads import Upload
from webapp.evidence import originals_in_flight
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus
from webapp.evidence.upload_probe import refuse_costly
from webapp.jobs.queue import enqueue_after_commit

PROCESS_JOB = "evidence.process"  # the job `webapp.evidence.processing` registers

if TYPE_CHECKING:
    from webapp.accounts.models import User
    from webapp.disputes.models import Dispute

ACCEPTED = Words(N_("photos (JPEG, PNG, WebP, HEIC, GIF) and videos (MP4, MOV, WebM, 3GP)"))
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one party may put in one dispute's locker (E1)."""

    photo_bytes: int
    video_bytes: int
    items: int

    def describe(self) -> str:
        """The limits in words, for refusals and the upload form."""
        return Words(
            N_("up to %(photo)s a photo, %(video)s and %(minutes)s minutes a video, %(items)s items"),
            photo=megabytes(self.photo_bytes),
            video=megabytes(self.video_bytes),
            minutes=video_minutes(),
            items=self.items,
        )


def megabytes(size: int) -> str:
    """A byte limit in words: "20 MB", or "48 KB" for limits under a megabyte."""
    if size >= MB:
        return Words(N_("%(count)s MB"), count=size // MB)
    return Words(N_("%(count)s KB"), count=size // 1024)


def limits() -> Limits:
    """The configured upload limits."""
    config = current_app.config
    return Limits(
        photo_bytes=int(config.get("MAX_PHOTO_BYTES", 20 * MB)),
        video_bytes=int(config.get("MAX_VIDEO_BYTES", 500 * MB)),
        items=int(config.get("MAX_EVIDENCE_ITEMS", 50)),
    )


def video_minutes() -> int:
    """The longest video accepted, in whole minutes."""
    return int(float(current_app.config.get("MAX_VIDEO_SECONDS", 600)) // 60)


def _is_empty(stream: IO[bytes]) -> bool:
    start = stream.tell()
    empty = not stream.read(1)
    stream.seek(start)
    return empty


def _sniffed(upload: Upload) -> Sniffed:
    name = readable_name(upload.filename) if upload.filename else Words(N_("A file"))
    if _is_empty(upload.stream):  # before sniffing, which would call it "not a photo or video"
        raise FormInvalid({"evidence": Words(N_("%(name)s is empty."), name=name)})
    sniffed = sniff_stream(upload.stream)
    if sniffed is None:
        refusal = N_("%(name)s is not a photo or video. We accept %(kinds)s, %(limits)s.")
        raise FormInvalid({"evidence": Words(refusal, name=name, kinds=ACCEPTED, limits=limits().describe())})
    return sniffed


@dataclass(frozen=True)
class CheckedUpload:
    """An upload found to be a photo or video within its kind's limits, ready to be stored."""

    upload: Upload
    sniffed: Sniffed
    max_bytes: int


def check_uploads(uploads: list[Upload]) -> list[CheckedUpload]:
    """Refuse, before anything is stored, files that are not photos or videos or cost too much (E1)."""
    allowed = limits()
    checked = []
    for upload in uploads:
        sniffed = _sniffed(upload)
        max_bytes = allowed.video_bytes if sniffed.kind == "video" else allowed.photo_bytes
        refuse_costly(upload.stream, sniffed, upload.filename or Words(N_("The file")), max_bytes)
        checked.append(CheckedUpload(upload, sniffed, max_bytes))
    return checked


def _sha256_and_size(stream: IO[bytes], max_bytes: int, name: str) -> tuple[str, int]:
    """The upload's SHA-256 and size, refused past the limit: counted as it was received, or read now."""
    if isinstance(stream, ReceivedFile):
        digest, size = stream.sha256, stream.size
    else:  # a stream made by the app itself (the demo's photos): hashed here, then rewound
        digest, size = _hash_stream(stream)
    if size > max_bytes:
        raise FormInvalid(
            {"evidence": Words(N_("%(name)s is larger than %(size)s."), name=name, size=megabytes(max_bytes))}
        )
    if size == 0:
        raise FormInvalid({"evidence": Words(N_("%(name)s is empty."), name=name)})
    return digest, size


def _hash_stream(stream: IO[bytes]) -> tuple[str, int]:
    start = stream.tell()
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK_SIZE):
        size += len(chunk)
        digest.update(chunk)
    stream.seek(start)
    return digest.hexdigest(), size


def items_added(dispute: Dispute, party: Actor) -> int:
    """Every item the party ever added to the dispute: removed ones and pinned messages count (E1).

    The limit protects storage and the mediator's time; a removed item keeps both (E2), so removing
    one must not make room for another. An item identical to the other party's counts too: it is one
    more thing the mediator looks at.
    """
    return (
        db.session.scalar(
            select(func.count(EvidenceItem.id)).where(
                EvidenceItem.dispute_id == dispute.id, EvidenceItem.party == party
            )
        )
        or 0
    )


def check_room(dispute: Dispute, party: Actor, adding: int, field: str = "evidence") -> None:
    """Refuse, in words, adding `adding` items past MAX_EVIDENCE_ITEMS (E1)."""
    allowed, added = limits().items, items_added(dispute, party)
    if added + adding > allowed:
        raise FormInvalid(
            {
                field: Words(
                    N_(
                        "Your evidence in this dispute is limited to %(allowed)s items, and you have added "
                        "%(added)s. Removed items count too (the mediator still sees them), so removing one "
                        "does not make room."
                    ),
                    allowed=allowed,
                    added=added,
                )
            }
        )


def _earlier_copy(dispute: Dispute, sha256: str) -> EvidenceItem | None:
    return db.session.scalar(
        select(EvidenceItem)
        .where(EvidenceItem.dispute_id == dispute.id, EvidenceItem.sha256 == sha256)
        .where(EvidenceItem.duplicate_of_id.is_(None), EvidenceItem.removed_at.is_(None))
        .order_by(EvidenceItem.id)
        .limit(1)
    )


def store_uploads(
    dispute: Dispute,
    user: User,
    party: Actor,
    uploads: list[CheckedUpload],
    *,
    now: datetime,
    request_id: int | None = None,
    caption: str = "",
) -> list[EvidenceItem]:
    """Store each checked file's original and SHA-256, add it to the locker, queue its processing (E1, E3).

    The same bytes twice from one party are refused; from the other party they are flagged as
    identical and share the first copy's objects instead of being stored again.
    """
    check_room(dispute, party, len(uploads))
    # Check every file before storing any, so a refused batch leaves nothing behind.
    checked: list[tuple[Upload, Sniffed, str, int, int, EvidenceItem | None]] = []
    for upload, sniffed, limit in ((c.upload, c.sniffed, c.max_bytes) for c in uploads):
        name = readable_name(upload.filename)[:255]
        sha256, size = _sha256_and_size(upload.stream, limit, name)
        earlier = _earlier_copy(dispute, sha256)
        if any(c[2] == sha256 for c in checked) or (earlier is not None and earlier.party is party):
            raise FormInvalid(
                {
                    "evidence": Words(
                        N_("%(name)s is already in your evidence (the very same file)."), name=name
                    )
                }
            )
        checked.append((upload, sniffed, sha256, size, limit, earlier))
    items: list[EvidenceItem] = []
    for upload, sniffed, sha256, size, _limit, earlier in checked:
        item = EvidenceItem(
            uuid=uuid.uuid4().hex,
            dispute_id=dispute.id,
            uploader_id=user.id,
            party=party,
            kind=EvidenceKind(sniffed.kind),
            original_name=(upload.filename or "evidence")[:255],
            content_type=sniffed.content_type,
            size=size,
            sha256=sha256,
            caption=caption.strip()[:500],
            status=ProcessingStatus.UPLOADED,
            evidence_request_id=request_id,
            created_at=now,
        )
        if earlier is not None:
            item.duplicate_of = earlier
            item.storage_key = earlier.storage_key
        else:
            item.storage_key = evidence_key(dispute.id, item.uuid, "original")
        db.session.add(item)
        items.append(item)
    # The rows first: what the database refuses is refused before anything is stored.
    db.session.flush()
    for item, (upload, *_facts, limit, earlier) in zip(items, checked, strict=True):
        if earlier is None:
            _put_original(item, upload.stream, limit)
    enqueue_after_commit(PROCESS_JOB, [item.id for item in items])
    return items


def _put_original(item: EvidenceItem, stream: IO[bytes], limit: int) -> None:
    """Store the original; it is discarded again if the request does not commit (no orphan object)."""
    originals_in_flight.note(item.storage_key)  # discarded unless its row commits, even after a kill
    try:
        stored = put_for_transaction(
            item.storage_key, stream, content_type=item.content_type, max_bytes=limit
        )
    except TooLarge:
        raise FormInvalid(
            {
                "evidence": Words(
                    N_("%(name)s is larger than %(size)s."), name=item.original_name, size=megabytes(limit)
                )
            }
        ) from None
    if stored.sha256 != item.sha256:  # the stream changed under us: never record a wrong hash
        raise FormInvalid(
            {
                "evidence": Words(
                    N_("%(name)s changed while it was being stored; send it again."), name=item.original_name
                )
            }
        )
