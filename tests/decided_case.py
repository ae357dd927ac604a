"""A case through mediation (decision and export tests): evidence on both sides, a proposal, a decision."""

from __future__ import annotations

from dispute_world import World, ago
from sqlalchemy import select

from dispute_engine import Action
from webapp.core.extensions import db
from webapp.demo import demo_photo
from webapp.disputes import negotiation
from webapp.disputes.attachments import NoAttachments
from webapp.disputes.models import Dispute
from webapp.disputes.ticking import tick
from webapp.evidence import locker
from webapp.evidence.models import EvidenceItem
from webapp.mediation import services as mediation


def items(dispute: Dispute) -> list[EvidenceItem]:
    """The dispute's evidence items, oldest first, removed ones included."""
    query = select(EvidenceItem).where(EvidenceItem.dispute_id == dispute.id).order_by(EvidenceItem.id)
    return list(db.session.scalars(query))


def proposed(world: World, start: float = 9) -> Dispute:
    """Escalated by the clock with the buyer's photo, a seller's photo removed again, a proposal (M4)."""
    dispute = world.open(ago(start))
    world.act(
        world.seller,
        dispute,
        Action.REJECT_REQUEST,
        ago(start - 0.5),
        lambda c: negotiation.reject_request(c, {}),
    )
    world.act(
        world.seller,
        dispute,
        Action.ADD_EVIDENCE,
        ago(start - 0.6),
        lambda c: locker.add_evidence(c, [demo_photo("Packed whole")]),
    )
    removed = items(dispute)[-1]
    world.act(
        world.seller,
        dispute,
        Action.REMOVE_EVIDENCE,
        ago(start - 0.7),
        lambda c: locker.remove_item(c, removed.uuid),
    )
    tick()  # N1
    world.take(dispute, ago(start - 8))
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        ago(start - 8.1),
        lambda c: mediation.propose_decision(c, [("refund_only", "15.00", "Keep it")], "", []),
    )
    return world.reload(dispute)


def decide(world: World, dispute: Dispute) -> None:
    """The seller rejects the proposal and the mediator decides on its solution (M5, M6)."""
    world.act(
        world.seller,
        dispute,
        Action.ANSWER_DECISION,
        ago(0.6),
        lambda c: mediation.answer_decision(c, "0", "No", NoAttachments()),
    )
    world.act(
        world.mediator,
        dispute,
        Action.FINAL_DECISION,
        ago(0.5),
        lambda c: mediation.final_decision(c, "1", "", []),
    )
