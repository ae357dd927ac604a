"""Originals stored before their row commits: noted first, so none outlives a rollback or a crash.

`note(key)` writes the key into a scratch folder that this app context holds (TMP_DIR/uploads)
before the original is stored. When the context ends (after the request's commit or rollback),
every noted key that no committed row refers to is discarded from storage. If the process was
killed first, its folder is left unlocked, and the next recovery on this host (at the start of a
server or worker, then periodically) does the same with it.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from flask.signals import appcontext_tearing_down
from sqlalchemy import select

from media.scratch import Held, Scratch
from webapp.core.extensions import db
from webapp.core.storage import storage
from webapp.evidence.models import EvidenceItem
from webapp.jobs.recovery import on_worker_start

log = logging.getLogger(__name__)

UPLOADS_FOLDER = "uploads"
_KEYS = "keys"
_G_KEY = "evidence_originals_in_flight"


def note(key: str) -> None:
    """Record, before it is stored, the key of an original whose row is not committed yet."""
    held: Held | None = g.get(_G_KEY)
    if held is None:
        held = _scratch().hold(f"upload-{uuid.uuid4().hex}")
        setattr(g, _G_KEY, held)
    with (held.path / _KEYS).open("a", encoding="ascii") as keys:
        keys.write(key + "\n")  # in the page cache at once: it survives a kill -9 of this process


@appcontext_tearing_down.connect
def _settle(_app: Flask, **_: Any) -> None:
    """At the end of an app context: keep the committed originals, discard the others."""
    held: Held | None = g.pop(_G_KEY, None)
    if held is not None:
        _discard_uncommitted(held)


@on_worker_start(done="original(s) of interrupted uploads discarded")
def discard_interrupted_uploads() -> int:
    """Discard what uploads of killed processes on this host stored without committing."""
    return sum(_discard_uncommitted(held) for held in _scratch().abandoned())


def _discard_uncommitted(held: Held) -> int:
    """Discard the folder's keys that no row refers to, then remove it (kept to retry on an error)."""
    try:
        uncommitted = _uncommitted(_read_keys(held.path))
        for key in uncommitted:
            storage().discard(key)
    except Exception:
        log.exception("could not settle the uploads noted in %s; the next recovery retries", held.path)
        held.let_go()
        return 0
    held.release()
    return len(uncommitted)


def _uncommitted(keys: list[str]) -> list[str]:
    """The keys no evidence row refers to, read on a connection of its own (the session may be gone)."""
    if not keys:
        return []
    with db.engine.connect() as connection:
        kept = set(
            connection.scalars(select(EvidenceItem.storage_key).where(EvidenceItem.storage_key.in_(keys)))
        )
    return sorted(set(keys) - kept)


def _read_keys(folder: Path) -> list[str]:
    try:
        return (folder / _KEYS).read_text(encoding="ascii").split()
    except FileNotFoundError:
        return []


def _scratch() -> Scratch:
    return Scratch(Path(current_app.config["TMP_DIR"]) / UPLOADS_FOLDER)
