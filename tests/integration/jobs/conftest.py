"""Fixtures for the evidence-processing tests: a dispute, a tiny clip, and items added directly."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from dispute_world import World, ago
from evidence_media import make_clip, now

from dispute_engine import Actor
from media import evidence_key
from webapp.core.extensions import db
from webapp.core.storage import storage
from webapp.disputes.models import Dispute
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus

CONTENT_TYPES = {EvidenceKind.PHOTO: "image/jpeg", EvidenceKind.VIDEO: "video/mp4"}


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a 2 s 160x120 clip with sound."""
    return make_clip(tmp_path_factory.mktemp("clips") / "clip.mp4", seconds=2).read_bytes()


@pytest.fixture
def dispute(world: World) -> Dispute:
    """An open dispute (its opening photo is processed on commit, like any upload)."""
    return world.open(ago(1))


@pytest.fixture
def add_item(world: World, dispute: Dispute) -> Callable[..., EvidenceItem]:
    """Factory: store `data` as an item's original and add its row directly (nothing is queued)."""

    def _add_item(kind: EvidenceKind, data: bytes, **fields: Any) -> EvidenceItem:
        item_uuid = uuid.uuid4().hex
        key = evidence_key(dispute.id, item_uuid, "original")
        content_type = CONTENT_TYPES.get(kind, "text/plain")
        if data:
            storage().put(key, io.BytesIO(data), content_type=content_type)
        values: dict[str, Any] = {
            "uuid": item_uuid,
            "dispute_id": dispute.id,
            "uploader_id": world.buyer.id,
            "party": Actor.BUYER,
            "kind": kind,
            "original_name": f"evidence-{item_uuid[:6]}",
            "content_type": content_type,
            "size": len(data),
            "sha256": item_uuid * 2,
            "storage_key": key,
            "status": ProcessingStatus.UPLOADED,
            "created_at": now() - timedelta(minutes=1),
            **fields,
        }
        item = EvidenceItem(**values)
        db.session.add(item)
        db.session.commit()
        return item

    return _add_item
