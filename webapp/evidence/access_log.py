"""Who saw which evidence item: a row each time someone other than its uploader opens the item's
viewer or fetches one of its files (at most one a minute per person, item and file), shown to the mediator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Row, func, select

from dispute_engine import Actor
from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.evidence.models import EvidenceItem, EvidenceView

if TYPE_CHECKING:
    from collections.abc import Iterable

# The viewer page and the files that show the item itself (thumbnails and posters only list it).
LOGGED = frozenset({"page", "display", "video", "original"})
# Video players fetch in many range requests and pages are reloaded: one row a minute is enough.
THROTTLE = timedelta(minutes=1)


def log_view(item: EvidenceItem, user: User, actor: Actor, variant: str, now: datetime) -> None:
    """Note that `user` saw `variant` of the item, unless it is their own upload or they just did."""
    if variant not in LOGGED or item.uploader_id == user.id:
        return
    recent = db.session.scalar(
        select(EvidenceView.id)
        .where(
            EvidenceView.item_id == item.id,
            EvidenceView.user_id == user.id,
            EvidenceView.variant == variant,
            EvidenceView.at > now - THROTTLE,
        )
        .limit(1)
    )
    if recent is None:
        db.session.add(EvidenceView(item_id=item.id, user_id=user.id, role=actor, variant=variant, at=now))


@dataclass
class Sighting:
    """One person's latest look at an item, and their latest download of its original."""

    role: Actor
    name: str
    seen_at: datetime | None = None
    downloaded_at: datetime | None = None

    @property
    def latest(self) -> datetime:
        """Their last look of either kind."""
        return max(at for at in (self.seen_at, self.downloaded_at) if at is not None)


def sightings(item: EvidenceItem, viewer: User) -> list[Sighting]:
    """Everyone but the uploader and `viewer` who saw the item, latest first (what the mediator is shown)."""
    rows = db.session.execute(
        select(
            EvidenceView.user_id,
            EvidenceView.role,
            User.name,
            EvidenceView.variant,
            func.max(EvidenceView.at),
        )
        .join(User, User.id == EvidenceView.user_id)
        .where(EvidenceView.item_id == item.id, EvidenceView.user_id != viewer.id)
        .group_by(EvidenceView.user_id, EvidenceView.role, User.name, EvidenceView.variant)
    )
    return _by_person(rows)


def _by_person(rows: Iterable[Row[int, Actor, str, str, datetime]]) -> list[Sighting]:
    people: dict[tuple[int, Actor], Sighting] = {}
    for user_id, role, name, variant, at in rows:
        person = people.setdefault((user_id, role), Sighting(role, name))
        if variant == "original":
            person.downloaded_at = max(at, person.downloaded_at or at)
        else:
            person.seen_at = max(at, person.seen_at or at)
    return sorted(people.values(), key=lambda person: person.latest, reverse=True)
