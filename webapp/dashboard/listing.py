"""Many disputes with their engine snapshots in a fixed number of queries, however long the list.

`webapp.disputes.facts.dispute_facts` runs four queries per dispute; a list of a hundred would run
four hundred. Here each kind of row (open evidence requests, proposed decisions, refunds, returns) is
loaded once for every listed dispute, and the snapshots are built from what was preloaded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import lazyload

from dispute_engine import (
    DisputeFacts,
    RefundStatus,
)
from webapp.core.extensions import db
from webapp.disputes.facts import facts_from
from webapp.disputes.models import Dispute
from webapp.disputes.pipeline import settle_due_deadlines
from webapp.mediation.facts import mediation_facts
from webapp.mediation.models import Decision, DecisionStatus, EvidenceRequest, RequestStatus
from webapp.settlement.facts import owes_a_parcel, settlement_facts
from webapp.settlement.models import Refund, Reshipment, ReturnShipment

Row = TypeVar("Row", EvidenceRequest, Decision, Refund, ReturnShipment, Reshipment)


@dataclass(frozen=True)
class Listed:
    """A listed dispute (its order, buyer and seller loaded) with its engine snapshot."""

    dispute: Dispute
    facts: DisputeFacts


def settle_due(now: datetime, *criteria: ColumnElement[bool]) -> int:
    """Let due clocks act on the disputes matching `criteria` before listing them; return how many."""
    due = db.session.scalars(
        select(Dispute)
        .where(Dispute.next_deadline_at <= now, *criteria)
        .with_for_update(skip_locked=True, of=Dispute)
        .execution_options(populate_existing=True)
    ).all()
    for dispute in due:
        settle_due_deadlines(dispute, now)
    return len(due)


def list_disputes(*criteria: ColumnElement[bool]) -> list[Listed]:
    """The disputes matching `criteria`, each with its facts: seven queries at most, for any number."""
    disputes = db.session.scalars(
        select(Dispute).where(*criteria).options(lazyload(Dispute.proposals)).order_by(Dispute.id)
    ).all()
    return [Listed(d, f) for d, f in zip(disputes, batch_facts(disputes), strict=True)]


def _by_dispute(query: Select[Row]) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in db.session.scalars(query):
        grouped[row.dispute_id].append(row)
    return grouped


def _latest(rows: Iterable[Row]) -> Row | None:
    return max(rows, key=lambda row: row.id, default=None)


def batch_facts(disputes: Sequence[Dispute]) -> list[DisputeFacts]:
    """The engine snapshots of `disputes`, equal to dispute_facts() of each, in four to seven queries."""
    ids = [d.id for d in disputes]
    if not ids:
        return []
    requests = _by_dispute(
        select(EvidenceRequest)
        .where(EvidenceRequest.dispute_id.in_(ids), EvidenceRequest.status == RequestStatus.OPEN)
        .order_by(EvidenceRequest.due_at)
    )
    # Options and answers come by selectin: two more queries when any decision is proposed.
    decisions = _by_dispute(
        select(Decision).where(Decision.dispute_id.in_(ids), Decision.status == DecisionStatus.PROPOSED)
    )
    refunds = _by_dispute(
        select(Refund).where(Refund.dispute_id.in_(ids), Refund.status != RefundStatus.SUPERSEDED)
    )
    returns = _by_dispute(select(ReturnShipment).where(ReturnShipment.dispute_id.in_(ids)))
    # Only a dispute closed on a re-shipment needs its row: no query at all when none is (F6).
    parcel_ids = [d.id for d in disputes if owes_a_parcel(d)]
    reships = (
        _by_dispute(select(Reshipment).where(Reshipment.dispute_id.in_(parcel_ids))) if parcel_ids else {}
    )
    return [
        facts_from(
            d,
            **mediation_facts(requests.get(d.id, []), _latest(decisions.get(d.id, []))),
            **settlement_facts(
                _latest(refunds.get(d.id, [])),
                _latest(returns.get(d.id, [])),
                _latest(reships.get(d.id, [])),
            ),
        )
        for d in disputes
    ]
