"""What a party does in its evidence locker: add, caption, remove, pin a message (E1, E2, N7)."""

from __future__ import annotations

import io
import uuid

from sqlalchemy import select

from dispute_engine import Actor, FormInvalid, NotPermitted
from dispute_engine.transitions import THE_ACTOR
from dispute_engine.words import N_, Words
from media import evidence_key
from webapp.core.extensions import db
from webapp.core.refusals import NotFound
from webapp.core.storage import put_for_transaction
from webapp.core.uploads import Upload
from webapp.disputes.models import Message
from webapp.disputes.steps import ActionContext, Done
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus
from webapp.evidence.services import check_room, check_uploads, store_uploads

CAPTION_MAX = 500


class ItemNotFound(NotFound):
    """No such item in this dispute, or one this person may not see."""

    explanation: str = Words(N_("There is no such evidence item, or it is not yours to see."))


def add_evidence(ctx: ActionContext, uploads: list[Upload], caption: str = "") -> Done:
    """Add photos and videos to the actor's locker and record it in the history (E1)."""
    if not uploads:
        raise FormInvalid({"evidence": N_("Choose at least one photo or video.")})
    if len(caption.strip()) > CAPTION_MAX:
        raise FormInvalid(
            {"caption": Words(N_("Keep a caption under %(limit)s characters."), limit=CAPTION_MAX)}
        )
    if caption.strip() and len(uploads) > 1:
        # A caption says what one photo shows; the same words under several would mislead the mediator.
        raise FormInvalid({"caption": N_("A caption describes one file: caption each file on its own.")})
    checked = check_uploads(uploads)
    items = store_uploads(ctx.dispute, ctx.person, ctx.actor, checked, now=ctx.now, caption=caption)
    names = ", ".join(item.display_name for item in items)
    flagged = [i for i in items if i.duplicate_of is not None]
    who = THE_ACTOR[ctx.actor]
    said = (
        Words(
            N_("%(who)s added evidence: %(names)s. %(same)s identical to the other party's evidence."),
            who=who,
            names=names,
            same=len(flagged),
        )
        if flagged
        else Words(N_("%(who)s added evidence: %(names)s."), who=who, names=names)
    )
    return Done(
        "evidence_added",
        said,
        data={"items": [{"id": i.id, "sha256": i.sha256} for i in items]},
        result=items,
        quiet=True,
    )


def own_item(ctx: ActionContext, item_uuid: str) -> EvidenceItem:
    """One of the actor's own items still in the locker (parties change only their own, E1)."""
    item = db.session.scalar(
        select(EvidenceItem).where(EvidenceItem.uuid == item_uuid, EvidenceItem.dispute_id == ctx.dispute.id)
    )
    if item is None or item.is_removed:
        raise ItemNotFound(item_uuid)
    if item.party is not ctx.actor:
        raise NotPermitted("E1", N_("Only the party who added an item can change or remove it."))
    return item


def set_caption(ctx: ActionContext, item_uuid: str, caption: str) -> Done:
    """Give one of the actor's items a caption, or change it."""
    item = own_item(ctx, item_uuid)
    text = (caption or "").strip()
    if len(text) > CAPTION_MAX:
        raise FormInvalid(
            {"caption": Words(N_("Keep a caption under %(limit)s characters."), limit=CAPTION_MAX)}
        )
    item.caption = text
    who = THE_ACTOR[ctx.actor]
    summary = (
        Words(N_('%(who)s captioned %(name)s: "%(caption)s".'), who=who, name=item.display_name, caption=text)
        if text
        else Words(N_("%(who)s removed the caption of %(name)s."), who=who, name=item.display_name)
    )
    return Done("evidence_captioned", summary, result=item, quiet=True)


def remove_item(ctx: ActionContext, item_uuid: str) -> Done:
    """Hide one of the actor's items from the locker; it is kept, and the mediator still sees it (E2)."""
    item = own_item(ctx, item_uuid)
    item.removed_at = ctx.now
    item.removed_by_id = ctx.person.id
    return Done(
        "evidence_removed",
        Words(
            N_("%(who)s removed %(name)s from its evidence."),
            who=THE_ACTOR[ctx.actor],
            name=item.display_name,
        ),
        rule="E2",
        data={"item": item.id, "sha256": item.sha256},
        result=item,
        quiet=True,
    )


def pin_message(ctx: ActionContext, message_id: int) -> Done:
    """Keep a thread message as a text item of the actor's evidence, with its author and time (N7)."""
    message = db.session.get(Message, message_id)
    if message is None or message.dispute_id != ctx.dispute.id:
        raise ItemNotFound(str(message_id))
    already = db.session.scalar(
        select(EvidenceItem).where(
            EvidenceItem.message_id == message.id,
            EvidenceItem.party == ctx.actor,
            EvidenceItem.removed_at.is_(None),
        )
    )
    if already is not None:
        raise FormInvalid({"pin": N_("That message is already pinned to your evidence.")})
    check_room(ctx.dispute, ctx.actor, 1, field="pin")
    author = f"{message.author.name} ({message.party.value})"
    text = f"{author}, {message.created_at:%Y-%m-%d %H:%M} UTC:\n{message.body}"
    item_uuid = uuid.uuid4().hex
    key = evidence_key(ctx.dispute.id, item_uuid, "original")
    stored = put_for_transaction(key, io.BytesIO(text.encode()), content_type="text/plain; charset=utf-8")
    item = EvidenceItem(
        uuid=item_uuid,
        dispute_id=ctx.dispute.id,
        uploader_id=ctx.person.id,
        party=ctx.actor,
        kind=EvidenceKind.TEXT,
        original_name=f"message-{message.id}.txt",
        content_type="text/plain; charset=utf-8",
        size=stored.size,
        sha256=stored.sha256,
        storage_key=key,
        status=ProcessingStatus.READY,
        progress=100,
        message=message,
        created_at=ctx.now,
    )
    db.session.add(item)
    when = f"{message.created_at:%d %b %H:%M}"
    summary = Words(
        N_("%(who)s pinned its own message of %(when)s to its evidence.")
        if message.party is ctx.actor
        else N_("%(who)s pinned the other party's message of %(when)s to its evidence."),
        who=THE_ACTOR[ctx.actor],
        when=when,
    )
    return Done("message_pinned", summary, result=item, quiet=True)


def pinned_message_ids(items: list[EvidenceItem], party: Actor) -> set[int]:
    """The thread messages this party has pinned, to mark them in the thread."""
    return {i.message_id for i in items if i.message_id and i.party is party and not i.is_removed}
