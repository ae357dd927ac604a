"""Tiny real media files for the evidence-processing tests, and ways to look at what a job stored."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from media import evidence_key
from webapp.core.clock import clock_now
from webapp.core.extensions import db
from webapp.core.storage import storage
from webapp.evidence.models import EvidenceItem


def jpeg_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def make_clip(out: Path, *, seconds: float, size: str = "160x120") -> Path:
    """A test-pattern H.264/AAC MP4 made with ffmpeg's lavfi sources."""
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
            str(out),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    return out


def now() -> datetime:
    """The app time."""
    return clock_now(db.session)


def fresh(item_id: int) -> EvidenceItem:
    """The item as the database has it now."""
    db.session.expire_all()
    item = db.session.scalar(select(EvidenceItem).where(EvidenceItem.id == item_id))
    db.session.commit()  # end the read: a job in another thread or process must be able to write
    assert item is not None
    return item


def stored(item: EvidenceItem, variant: str) -> bytes | None:
    """The bytes of one of the item's variants, or None when nothing is stored under its key."""
    key = evidence_key(item.dispute_id, item.uuid, variant)  # type: ignore[arg-type]
    if not storage().exists(key):
        return None
    with storage().open(key) as stream:
        return stream.read()


def stored_path(item: EvidenceItem, variant: str) -> Path:
    """The file of a stored variant (the tests use local-disk storage)."""
    return storage().path_for(evidence_key(item.dispute_id, item.uuid, variant))  # type: ignore[attr-defined,arg-type]


def is_webp(data: bytes | None) -> bool:
    """WebP files start with RIFF....WEBP."""
    return data is not None and data[:4] == b"RIFF" and data[8:12] == b"WEBP"
