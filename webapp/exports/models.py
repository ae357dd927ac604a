"""A requested download of a case: who asked, what they may see, and how far its job got."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dispute_engine import Actor
from webapp.core.db import UTCDateTime, string_enum
from webapp.core.extensions import Model


class ExportStatus(StrEnum):
    """Where an export is; every export ends READY or FAILED."""

    QUEUED = "queued"  # asked for; its job is queued (or will be, by the sweep)
    RUNNING = "running"  # a worker builds it: `files_done` and `heartbeat_at` move
    READY = "ready"  # the ZIP is stored
    FAILED = "failed"  # gave up with `failure_reason`


class CaseExport(Model):
    """One person's download of one dispute, as that person may see it."""

    __tablename__ = "case_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(32), unique=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[Actor] = mapped_column(string_enum(Actor))  # the part the person had when asking
    status: Mapped[ExportStatus] = mapped_column(string_enum(ExportStatus))
    files_done: Mapped[int] = mapped_column(default=0)
    files_total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    storage_key: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int | None]
    sha256: Mapped[str] = mapped_column(String(64), default="")
    failure_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_case_exports_dispute_user", "dispute_id", "user_id"),
        Index("ix_case_exports_status", "status"),
    )

    @property
    def is_final(self) -> bool:
        """The job has ended, one way or the other."""
        return self.status in (ExportStatus.READY, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        """How far the build got, 0-100."""
        if self.status is ExportStatus.READY:
            return 100
        return 0 if not self.files_total else min(99, self.files_done * 100 // self.files_total)
