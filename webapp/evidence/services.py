"""Put files into a dispute's evidence locker: sniffed, hashed while streaming, stored write-once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, BinaryIO

from flask import current_app

from dispute_engine import Actor, FormInvalid
from media import TooLarge, evidence_key
from media.sniff import sniff_stream
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus
from webapp.extensions import db
from webapp.storage import storage

if TYPE_CHECKING:
    from webapp.accounts.models import User
    from webapp.disputes.models import Dispute

ACCEPTED = "photos (JPEG, PNG, WebP, HEIC, GIF) and videos (MP4, MOV, WebM, 3GP)"


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its stream and the name the person's device gave it."""

    stream: BinaryIO
    filename: str


def check_uploads(uploads: list[Upload]) -> None:
    """Refuse, before anything is stored, files that are not photos or videos (E1)."""
    for upload in uploads:
        if sniff_stream(upload.stream) is None:
            raise FormInvalid(
                {"evidence": f"{upload.filename or 'A file'} is not a photo or video. We accept {ACCEPTED}."}
            )


def store_uploads(
    dispute: Dispute,
    user: User,
    party: Actor,
    uploads: list[Upload],
    *,
    now: datetime,
    request_id: int | None = None,
) -> list[EvidenceItem]:
    """Store each file's original bytes and SHA-256 and add it to the locker (E1, E3)."""
    check_uploads(uploads)
    items = []
    for upload in uploads:
        sniffed = sniff_stream(upload.stream)
        assert sniffed is not None
        item_uuid = uuid.uuid4().hex
        key = evidence_key(dispute.id, item_uuid, "original")
        limit_key = "MAX_VIDEO_BYTES" if sniffed.kind == "video" else "MAX_PHOTO_BYTES"
        limit = int(current_app.config.get(limit_key, 20 * 1024 * 1024))
        try:
            stored = storage().put(key, upload.stream, content_type=sniffed.content_type, max_bytes=limit)
        except TooLarge:
            raise FormInvalid(
                {"evidence": f"{upload.filename} is larger than {limit // (1024 * 1024)} MB."}
            ) from None
        item = EvidenceItem(
            uuid=item_uuid,
            dispute_id=dispute.id,
            uploader_id=user.id,
            party=party,
            kind=EvidenceKind(sniffed.kind),
            original_name=(upload.filename or "evidence")[:255],
            content_type=sniffed.content_type,
            size=stored.size,
            sha256=stored.sha256,
            storage_key=key,
            status=ProcessingStatus.UPLOADED,
            created_at=now,
        )
        db.session.add(item)
        items.append(item)
    db.session.flush()
    return items
