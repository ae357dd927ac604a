"""What one person's download of a case holds: the files, each from storage or made here (E2-E4).

The evidence follows the locker's rules (webapp.evidence.access): the mediator gets every original,
removed items included; a party gets its own originals and the other party's copies rebuilt from
pixels (a display photo, a transcoded video), never the other party's removed items.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from dispute_engine import Actor
from media import safe_download_name
from webapp.core.extensions import db
from webapp.disputes.models import Dispute
from webapp.evidence.access import may_download_original, stored_variant
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus
from webapp.evidence.views import shown_items
from webapp.history.models import Event
from webapp.orders.listing import snapshot_of

if TYPE_CHECKING:
    from webapp.accounts.models import User

EXTENSIONS = {"image/webp": ".webp", "video/mp4": ".mp4"}


@dataclass(frozen=True)
class StoredFile:
    """A file copied from storage into the ZIP; `sha256` is what it must hash to, when known."""

    path: str
    key: str
    sha256: str | None = None


@dataclass
class CaseFiles:
    """Everything the ZIP will hold, before any byte is copied."""

    dispute: Dispute
    actor: Actor
    stored: list[StoredFile] = field(default_factory=list)
    made: dict[str, bytes] = field(default_factory=dict)  # small files written here (JSON, summary)
    omitted: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[tuple[EvidenceItem, str | None]] = field(default_factory=list)  # item, its path
    events: list[Event] = field(default_factory=list)

    @property
    def last_event(self) -> Event | None:
        """The history chain's newest event when the export was planned."""
        return self.events[-1] if self.events else None


def _evidence_file(position: int, item: EvidenceItem, actor: Actor, user: User) -> StoredFile | str:
    """The item's file this person gets, or why there is none."""
    prefix = f"evidence/{position:03d}-{item.party.value}"
    if may_download_original(item, actor, user):
        return StoredFile(f"{prefix}-{safe_download_name(item.original_name)}", item.storage_key, item.sha256)
    variant = "video" if item.source.kind is EvidenceKind.VIDEO else "display"
    found = stored_variant(item, variant)
    if found is None:
        failed = item.source.status is ProcessingStatus.FAILED
        return "it could not be processed" if failed else "it was still being processed"
    key, content_type = found
    stem = safe_download_name(item.original_name).rsplit(".", 1)[0]
    return StoredFile(f"{prefix}-{stem}-copy{EXTENSIONS[content_type]}", key)


def history_document(dispute: Dispute, events: list[Event]) -> dict[str, Any]:
    """The history as JSON: every field each seal covers, so anyone can check the chain."""
    return {
        "dispute_id": dispute.id,
        "events": [
            {
                "sequence": e.sequence,
                "at": e.at.isoformat(timespec="microseconds"),
                "actor_role": e.actor_role.value,
                "actor_id": e.actor_id,
                "action": e.action,
                "summary": e.summary,
                "rule": e.rule,
                "data": e.data,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in events
        ],
    }


def _listing(case: CaseFiles) -> None:
    snapshot = snapshot_of(case.dispute.order_id)
    if snapshot is None:
        return
    photos = []
    for photo in snapshot.photos:
        path = f"listing/{photo.position:02d}-{safe_download_name(photo.filename)}"
        case.stored.append(StoredFile(path, photo.storage_key, photo.sha256))
        photos.append({"file": path, "filename": photo.filename, "sha256": photo.sha256})
    document = {
        "title": snapshot.title,
        "description": snapshot.description,
        "attributes": snapshot.attributes,
        "price": str(snapshot.price),
        "shipping": str(snapshot.shipping),
        "currency": snapshot.currency,
        "taken_at": snapshot.taken_at.isoformat(),
        "photos": photos,
    }
    case.made["listing/listing.json"] = json_bytes(document)


def json_bytes(document: Any) -> bytes:
    """JSON as written into the ZIP: UTF-8, indented, keys sorted."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode()


def case_files(dispute: Dispute, actor: Actor, user: User) -> CaseFiles:
    """Plan the ZIP of `dispute` as `user` (in the part `actor`) may see it; nothing is copied yet."""
    case = CaseFiles(dispute, actor)
    for position, item in enumerate(shown_items(dispute, actor), start=1):
        found = _evidence_file(position, item, actor, user)
        if isinstance(found, str):
            case.omitted.append({"item": item.display_name, "sha256": item.sha256, "reason": found})
            case.evidence.append((item, None))
        else:
            case.stored.append(found)
            case.evidence.append((item, found.path))
    _listing(case)
    case.events = list(
        db.session.scalars(select(Event).where(Event.dispute_id == dispute.id).order_by(Event.sequence))
    )
    case.made["history.json"] = json_bytes(history_document(dispute, case.events))
    return case
