"""Who may see which evidence item and which of its stored files (E3, E4)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from dispute_engine import Actor
from media import evidence_key
from webapp.core.extensions import db
from webapp.disputes.models import Dispute
from webapp.disputes.pipeline import viewable_dispute
from webapp.evidence.locker import ItemNotFound
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus

if TYPE_CHECKING:
    from webapp.accounts.models import User

# A video's stills, stored first: fetchable once `preview_ready`, before the item is READY.
PREVIEW_VARIANTS = ("poster", "thumb")
# Each variant a browser may fetch, its content type, and whether it is shown inline.
DERIVED = {
    "display": ("image/webp", EvidenceKind.PHOTO),
    "thumb": ("image/webp", None),
    "poster": ("image/webp", EvidenceKind.VIDEO),
    "video": ("video/mp4", EvidenceKind.VIDEO),
}


def visible_item(user: User, item_uuid: str, now: datetime) -> tuple[EvidenceItem, Dispute, Actor]:
    """The item with its dispute and the viewer's part; 404 for outsiders and for removed items
    outside the mediator's view (E2, E4)."""
    item = db.session.scalar(select(EvidenceItem).where(EvidenceItem.uuid == item_uuid))
    if item is None:
        raise ItemNotFound(item_uuid)
    dispute, actor = viewable_dispute(user, item.dispute_id, now)
    if item.is_removed and actor is not Actor.MEDIATOR:
        raise ItemNotFound(item_uuid)
    return item, dispute, actor


def may_download_original(item: EvidenceItem, actor: Actor, user: User) -> bool:
    """The original keeps its metadata (GPS, camera): only its uploader and the mediator get it (E3)."""
    return actor is Actor.MEDIATOR or item.uploader_id == user.id or item.kind is EvidenceKind.TEXT


def stored_variant(item: EvidenceItem, variant: str) -> tuple[str, str] | None:
    """The storage key and content type of a derived file the item has, or None."""
    if variant not in DERIVED:
        return None
    content_type, kind = DERIVED[variant]
    source = item.source
    stored = source.status is ProcessingStatus.READY or (source.preview_ready and variant in PREVIEW_VARIANTS)
    if not stored or source.kind is EvidenceKind.TEXT:
        return None
    if kind is not None and source.kind is not kind:
        return None
    # `variant in DERIVED` leaves only DERIVED's keys, each a Variant; mypy cannot narrow a str so.
    return evidence_key(source.dispute_id, source.uuid, variant), content_type  # type: ignore[arg-type]


def locker_stamp(dispute: Dispute, items: list[EvidenceItem]) -> str:
    """A short digest of what the locker shows, so its poll can answer 204 when nothing changed."""
    seen = [
        (i.id, i.source.status.value, i.removed_at is not None, i.caption, i.duplicate_of_id) for i in items
    ]
    return hashlib.sha1(repr((dispute.state.value, seen)).encode()).hexdigest()[:16]
