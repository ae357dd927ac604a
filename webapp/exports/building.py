"""Build a case's ZIP in a job: claimed once, streamed to a scratch file, stored, then READY or FAILED.

The job claims its export with one conditional UPDATE (a second run finds it taken or done and does
nothing); the attempt number fences every later write, like evidence processing. Files are copied
from storage in chunks and hashed on the way, so memory does not grow with the case; the finished
ZIP is stored under a key of its own attempt and served from storage.
"""

from __future__ import annotations

import hashlib
import logging
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, cast

from flask import current_app
from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.sql import ColumnElement

from dispute_engine.words import N_
from media import StorageError
from webapp.accounts.models import User
from webapp.core.clock import clock_now
from webapp.core.extensions import db
from webapp.core.storage import storage
from webapp.disputes.models import Dispute
from webapp.disputes.pipeline import actor_for
from webapp.exports.contents import CaseFiles, case_files, json_bytes
from webapp.exports.models import CaseExport, ExportStatus
from webapp.exports.summary import summary_html, summary_pdf
from webapp.jobs.queue import job
from webapp.jobs.workspace import job_folder

log = logging.getLogger(__name__)

BUILD_JOB = "exports.build"
CHUNK = 1024 * 1024
BEAT_SECONDS = 5.0
COMPRESSED = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".gif", ".mp4", ".mov", ".pdf")
# Kept in English with the export; marked so a page can say them in the reader's language.
UNEXPECTED = N_("an unexpected error occurred on our side; ask for a new download.")
WORKER_STOPPED = N_("the worker building it stopped each time.")


class ExportFailed(Exception):
    """The export cannot be built; the message says why, in words for the person who asked."""


@dataclass(frozen=True)
class Claim:
    """An export this worker holds, and the attempt that fences its writes."""

    export_id: int
    attempt: int


def abandoned(now: datetime) -> ColumnElement[bool]:
    """Exports whose worker went silent for longer than JOB_STALE_AFTER_SECONDS (it died)."""
    stale_before = now - timedelta(seconds=float(current_app.config["JOB_STALE_AFTER_SECONDS"]))
    return and_(
        CaseExport.status == ExportStatus.RUNNING,
        or_(CaseExport.heartbeat_at.is_(None), CaseExport.heartbeat_at < stale_before),
    )


@job(BUILD_JOB)
def build_export(export_id: int) -> ExportStatus:
    """Build one export unless it is done or held by a live worker; return its status afterwards."""
    claim = _claim(export_id)
    if claim is None:
        return _status(export_id)
    max_attempts = int(current_app.config["JOB_MAX_ATTEMPTS"])
    if claim.attempt > max_attempts:  # only a worker dying mid-build gets here
        return _end(claim, ExportStatus.FAILED, failure_reason=WORKER_STOPPED)
    try:
        with job_folder(f"case-export-{export_id}-attempt-{claim.attempt}") as folder:
            return _build(claim, folder)
    except ExportFailed as error:
        db.session.rollback()
        return _end(claim, ExportStatus.FAILED, failure_reason=str(error))
    except Exception:
        log.exception("case export %s: attempt %s failed", export_id, claim.attempt)
        db.session.rollback()
        return _end(claim, ExportStatus.FAILED, failure_reason=UNEXPECTED)


def _claim(export_id: int) -> Claim | None:
    now = clock_now(db.session)
    row = db.session.execute(
        update(CaseExport)
        .where(
            CaseExport.id == export_id,
            or_(CaseExport.status == ExportStatus.QUEUED, abandoned(now)),
        )
        .values(status=ExportStatus.RUNNING, attempts=CaseExport.attempts + 1, heartbeat_at=now)
        .returning(CaseExport.attempts)
    ).first()
    db.session.commit()
    return None if row is None else Claim(export_id, row.attempts)


def _status(export_id: int) -> ExportStatus:
    status = db.session.scalar(select(CaseExport.status).where(CaseExport.id == export_id))
    db.session.commit()
    if status is None:
        raise LookupError(f"no case export {export_id}")
    return status


def _fenced(claim: Claim, **values: Any) -> bool:
    """Write to the export only while this attempt still holds it; commit."""
    result = cast(
        CursorResult[Any],
        db.session.execute(
            update(CaseExport)
            .where(
                CaseExport.id == claim.export_id,
                CaseExport.attempts == claim.attempt,
                CaseExport.status == ExportStatus.RUNNING,
            )
            .values(**values)
        ),
    )
    db.session.commit()
    return result.rowcount == 1


def _end(claim: Claim, status: ExportStatus, **values: Any) -> ExportStatus:
    _fenced(claim, status=status, finished_at=clock_now(db.session), **values)
    return _status(claim.export_id)


class _Progress:
    """Counts files into the row (and beats the heartbeat) at most every BEAT_SECONDS, and at the end."""

    def __init__(self, claim: Claim, total: int) -> None:
        self.claim, self.total, self.done, self.said = claim, total, 0, 0.0
        _fenced(claim, files_total=total, files_done=0, heartbeat_at=clock_now(db.session))

    def beat(self, *, file_done: bool = False) -> None:
        self.done += int(file_done)
        if time.monotonic() - self.said < BEAT_SECONDS and self.done < self.total:
            return
        self.said = time.monotonic()
        if not _fenced(self.claim, files_done=self.done, heartbeat_at=clock_now(db.session)):
            raise ExportFailed("another worker took over this download.")


def _copy(backend_file: IO[bytes], target: IO[bytes], progress: _Progress) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := backend_file.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
        progress.beat()
    return digest.hexdigest(), size


def _write(archive: zipfile.ZipFile, path: str, compress: bool) -> IO[bytes]:
    info = zipfile.ZipInfo(path, date_time=time.gmtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    return archive.open(info, "w", force_zip64=True)


def _add_bytes(archive: zipfile.ZipFile, path: str, data: bytes, files: list[dict[str, Any]]) -> None:
    with _write(archive, path, compress=not path.endswith(".pdf")) as target:
        target.write(data)
    files.append({"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})


def _build(claim: Claim, folder: Path) -> ExportStatus:
    export = db.session.get_one(CaseExport, claim.export_id)
    dispute = db.session.get_one(Dispute, export.dispute_id)
    user = db.session.get_one(User, export.user_id)
    if not user.is_active or actor_for(user, dispute) is not export.role:
        raise ExportFailed("you no longer take part in this dispute as you did when you asked.")
    case = case_files(dispute, export.role, user)
    at = clock_now(db.session)
    progress = _Progress(claim, len(case.stored) + len(case.made) + 3)  # summary (2) and the manifest
    files: list[dict[str, Any]] = []
    path = folder / "case.zip"
    with zipfile.ZipFile(path, "w") as archive:
        _copy_stored(archive, case, files, progress)
        for name, data in case.made.items():
            _add_bytes(archive, name, data, files)
            progress.beat(file_done=True)
        html = summary_html(case, files, user.name, at)
        _add_bytes(archive, "summary.html", html.encode(), files)
        progress.beat(file_done=True)
        _add_bytes(archive, "summary.pdf", summary_pdf(html), files)
        progress.beat(file_done=True)
        archive.writestr("manifest.json", json_bytes(manifest(case, files, export, at)))
        progress.beat(file_done=True)
    db.session.commit()  # end the read: the export's own row is written below
    key = f"exports/{dispute.id}/{export.uuid}/attempt-{claim.attempt}.zip"
    with path.open("rb") as stream:
        stored = storage().put(key, stream, content_type="application/zip")
    if not _fenced(
        claim,
        status=ExportStatus.READY,
        storage_key=key,
        size=stored.size,
        sha256=stored.sha256,
        files_done=progress.total,
        finished_at=clock_now(db.session),
    ):
        storage().discard(key)  # another attempt took over and finishes it
    return _status(claim.export_id)


def _copy_stored(
    archive: zipfile.ZipFile, case: CaseFiles, files: list[dict[str, Any]], progress: _Progress
) -> None:
    backend = storage()
    for wanted in case.stored:
        try:
            source = backend.open(wanted.key)
        except (StorageError, OSError) as error:
            raise ExportFailed(f"the stored file for {wanted.path} could not be read.") from error
        with (
            source,
            _write(archive, wanted.path, compress=not wanted.path.lower().endswith(COMPRESSED)) as out,
        ):
            sha256, size = _copy(source, out, progress)
        if wanted.sha256 is not None and sha256 != wanted.sha256:
            raise ExportFailed(f"{wanted.path} no longer matches the SHA-256 recorded when it was added.")
        files.append({"path": wanted.path, "size": size, "sha256": sha256})
        progress.beat(file_done=True)


def manifest(
    case: CaseFiles, files: list[dict[str, Any]], export: CaseExport, at: datetime
) -> dict[str, Any]:
    """Every file of the ZIP with its SHA-256, and the history chain's last seal, for whoever checks it."""
    last = case.last_event
    return {
        "dispute_id": case.dispute.id,
        "exported_at": at.isoformat(),
        "exported_for": {"user_id": export.user_id, "role": export.role.value},
        "history": {
            "events": len(case.events),
            "last_sequence": last.sequence if last else None,
            "last_event_sha256": last.hash if last else None,
        },
        "files": files,
        "not_included": case.omitted,
    }
