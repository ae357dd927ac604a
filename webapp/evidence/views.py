"""What the evidence locker shows to whom, for its own routes and for the dispute page."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from dispute_engine import Action, Actor, allowed_actions
from webapp.core import clock
from webapp.core.extensions import db
from webapp.disputes.facts import dispute_facts
from webapp.disputes.models import Dispute
from webapp.evidence.access import locker_stamp
from webapp.evidence.locker import pinned_message_ids
from webapp.evidence.models import EvidenceItem

# A card being processed asks for itself again: often while its preview is due any moment (a photo's
# thumbnail, a video's poster: well under a second), so no poll interval is added on top of it;
# then once a second, as often as a worker records progress.
FIRST_CHECKS = timedelta(seconds=3)
QUICK_CHECK, CHECK = "150ms", "1s"


def recheck_after(item: EvidenceItem, now: datetime) -> str | None:
    """How soon a card asks for itself again (an htmx delay), or None once processing ended."""
    if item.is_final:
        return None
    if item.source.preview_ready or now - item.created_at > FIRST_CHECKS:
        return CHECK
    return QUICK_CHECK


def shown_items(dispute: Dispute, actor: Actor) -> list[EvidenceItem]:
    """The items the actor sees in the locker: removed ones only for the mediator (E2)."""
    items = db.session.scalars(
        db.select(EvidenceItem).where(EvidenceItem.dispute_id == dispute.id).order_by(EvidenceItem.id)
    )
    return [item for item in items if actor is Actor.MEDIATOR or not item.is_removed]


def locker_context(dispute: Dispute, actor: Actor) -> dict[str, Any]:
    """What the locker part shows, and nothing else of the page."""
    return {
        "A": Action,
        "dispute": dispute,
        "actor": actor,
        "allowed": allowed_actions(dispute_facts(dispute), actor, clock.now()),
        **evidence_context(shown_items(dispute, actor), dispute, actor),
    }


def evidence_context(items: list[EvidenceItem], dispute: Dispute, actor: Actor) -> dict[str, Any]:
    """The locker's own keys, for a page that already has the rest (the dispute page)."""
    return {
        "evidence": items,
        "locker_stamp": locker_stamp(dispute, items),
        "pinned": pinned_message_ids(items, actor),
    }
