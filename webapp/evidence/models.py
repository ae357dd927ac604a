"""An evidence item: the original's facts (E3) and its place in the locker."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispute_engine import Actor
from media.keys import readable_name
from webapp.core.db import UTCDateTime, string_enum
from webapp.core.extensions import Model

if TYPE_CHECKING:
    from webapp.accounts.models import User
    from webapp.disputes.models import Message


class EvidenceKind(StrEnum):
    """What an item is."""

    PHOTO = "photo"
    VIDEO = "video"
    TEXT = "text"  # a pinned thread message (N7)


class ProcessingStatus(StrEnum):
    """Where an item is in the media pipeline; every item ends READY or FAILED."""

    UPLOADED = "uploaded"  # original stored, a job is queued (or will be, by the sweep)
    PROCESSING = "processing"  # a worker holds it: `progress` and `heartbeat_at` move
    READY = "ready"  # derived copies stored; shown in the locker
    FAILED = "failed"  # gave up with `failure_reason`; the original is still kept


class EvidenceItem(Model):
    """One photo, video or pinned message in a dispute's locker; removal only hides it (E2)."""

    __tablename__ = "evidence_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(32), unique=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"))
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    party: Mapped[Actor] = mapped_column(string_enum(Actor))
    kind: Mapped[EvidenceKind] = mapped_column(string_enum(EvidenceKind))
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    duration_ms: Mapped[int | None]
    storage_key: Mapped[str] = mapped_column(String(200))
    caption: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProcessingStatus] = mapped_column(string_enum(ProcessingStatus))
    progress: Mapped[int] = mapped_column(default=0)
    # A video's poster and thumbnail are stored: shown, with the progress, before the transcode ends.
    preview_ready: Mapped[bool] = mapped_column(default=False, server_default=false())
    failure_reason: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a worker's last sign of life
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # retry backoff
    # The same bytes as an earlier item of the dispute (E3): its objects are shared, not stored twice.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))  # a pinned message (N7)
    evidence_request_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_requests.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        Index("ix_evidence_items_dispute_sha", "dispute_id", "sha256"),
        Index("ix_evidence_items_status", "status"),
    )

    uploader: Mapped[User] = relationship(foreign_keys=[uploader_id], lazy="joined")
    duplicate_of: Mapped[EvidenceItem | None] = relationship(remote_side=[id], lazy="joined")
    message: Mapped[Message | None] = relationship(lazy="joined")

    @property
    def source(self) -> EvidenceItem:
        """The item whose stored objects this one shows: itself, or the earlier identical upload."""
        return self.duplicate_of or self

    @property
    def is_final(self) -> bool:
        """Processing has ended, one way or the other."""
        return self.source.status in (ProcessingStatus.READY, ProcessingStatus.FAILED)

    @property
    def display_name(self) -> str:
        """The name as shown: no control or right-to-left override characters (original_name is kept)."""
        return readable_name(self.original_name)

    @property
    def is_removed(self) -> bool:
        """Hidden from the locker (still kept, E2)."""
        return self.removed_at is not None


class EvidenceView(Model):
    """Someone other than its uploader saw an item or fetched one of its files (the access log)."""

    __tablename__ = "evidence_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[Actor] = mapped_column(string_enum(Actor))
    variant: Mapped[str] = mapped_column(String(16))  # "page" (the viewer), "display", "video", "original"
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_evidence_views_item_user", "item_id", "user_id", "variant", "at"),)

    user: Mapped[User] = relationship(lazy="joined")
