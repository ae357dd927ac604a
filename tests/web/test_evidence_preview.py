"""A card being processed: a video's poster shows with the transcode's bar on it, the card asks for
itself again quickly while its preview is due, then once a second, and stops once the item is final."""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from dispute_world import World, ago

from dispute_engine import Actor
from media import evidence_key
from webapp.core.clock import real_now
from webapp.core.extensions import db
from webapp.core.storage import storage
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus

HX = {"HX-Request": "true"}
VIDEO, PROCESSING, READY = EvidenceKind.VIDEO, ProcessingStatus.PROCESSING, ProcessingStatus.READY


def add_video(world: World, dispute_id: int, *, created: datetime, **fields: Any) -> EvidenceItem:
    """A buyer's video row as a worker left it (nothing queued), with a stored thumbnail."""
    item_uuid = uuid.uuid4().hex
    item = EvidenceItem(
        uuid=item_uuid,
        dispute_id=dispute_id,
        uploader_id=world.buyer.id,
        party=Actor.BUYER,
        kind=VIDEO,
        original_name="unboxing.mp4",
        content_type="video/mp4",
        size=1000,
        sha256=item_uuid * 2,
        storage_key=evidence_key(dispute_id, item_uuid, "original"),
        created_at=created,
        **{"status": PROCESSING, "attempts": 1, **fields},
    )
    db.session.add(item)
    db.session.commit()
    thumb = evidence_key(dispute_id, item_uuid, "thumb")
    storage().put(thumb, io.BytesIO(b"RIFF\0\0\0\0WEBPVP8 "), content_type="image/webp")
    return item


def card(client, item: EvidenceItem) -> str:
    response = client.get(f"/evidence/{item.uuid}/card", headers=HX)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def fetch(client, item: EvidenceItem, variant: str) -> int:
    response = client.get(f"/evidence/{item.uuid}/{variant}")
    response.close()
    return response.status_code


def asks_again_after(html: str) -> str | None:
    """The delay after which the card asks for itself again, or None when it does not."""
    found = re.search(r'hx-trigger="load delay:([^"]+)"', html)
    return found.group(1) if found else None


def test_e1_a_video_being_transcoded_shows_its_poster_with_the_progress_and_asks_again_each_second(
    client, auth, world: World
):
    dispute = world.open(ago(1))
    item = add_video(world, dispute.id, created=real_now(), preview_ready=True, progress=42)
    auth.login_as(world.seller)  # the other party sees it too

    html = card(client, item)

    assert f'src="/evidence/{item.uuid}/thumb"' in html
    assert 'value="42"' in html and "Preparing the video" in html
    assert asks_again_after(html) == "1s"
    assert fetch(client, item, "thumb") == 200
    assert fetch(client, item, "video") == 404  # not transcoded yet


def test_e1_a_card_without_its_preview_asks_again_quickly_for_a_few_seconds_then_each_second(
    client, auth, world: World
):
    dispute = world.open(ago(1))
    just_now = add_video(world, dispute.id, created=real_now())
    waiting = add_video(world, dispute.id, created=real_now() - timedelta(seconds=10))
    auth.login_as(world.buyer)

    fresh_card = card(client, just_now)
    assert asks_again_after(fresh_card) == "150ms"
    assert "<img" not in fresh_card and "<progress" in fresh_card
    assert asks_again_after(card(client, waiting)) == "1s"
    assert fetch(client, just_now, "thumb") == 404  # stored, but no preview recorded yet


def test_e1_a_ready_card_stops_asking_and_the_page_shows_it_without_a_trigger(client, auth, world: World):
    dispute = world.open(ago(1))
    item = add_video(world, dispute.id, created=real_now(), status=READY, preview_ready=True, progress=100)
    auth.login_as(world.buyer)

    html = card(client, item)

    assert asks_again_after(html) is None and "hx-get" not in html.split(">", 1)[0]
    page = client.get(f"/disputes/{dispute.id}").get_data(as_text=True)
    assert f'id="item-{item.uuid}"' in page and "Preparing the video" not in page
