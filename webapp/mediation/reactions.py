"""How mediation follows the dispute: open requests end when it closes or escalates (M2, M3)."""

from __future__ import annotations

from dispute_engine import Actor
from webapp.disputes.events import DisputeClosed, DisputeEscalated, subscribe
from webapp.mediation.decided_evidence import decided_at, keep_evidence_seen
from webapp.mediation.facts import current_decision, open_requests
from webapp.mediation.models import DecisionStatus, RequestStatus


@subscribe(DisputeClosed)
def end_mediation_business(event: DisputeClosed) -> None:
    """Open requests are missed (the clock closed it) or simply closed; a clock also settles the decision.

    A decision taken now (chosen, agreed, or settled by the clock) keeps the evidence it was taken on.
    """
    for request in open_requests(event.dispute):
        request.status = RequestStatus.MISSED if event.by_clock else RequestStatus.CLOSED
    decision = current_decision(event.dispute)
    if decision is None or not event.by_clock:
        decided = decided_at(event.dispute, event.at)
        if decided is not None:
            event.details["decision_evidence"] = keep_evidence_seen(decided)
        return None
    decision.status = DecisionStatus.FINAL
    decision.decided_at = event.at
    buyer = decision.answer_of(Actor.BUYER)
    # M3: a silent seller loses; where the buyer had accepted a solution, that one stands.
    if event.closing.terms != event.dispute.request and buyer is not None and buyer.solution:
        decision.chosen_solution = buyer.solution
    event.details["decision_evidence"] = keep_evidence_seen(decision)
    return None


@subscribe(DisputeEscalated)
def close_requests_on_escalation(event: DisputeEscalated) -> None:
    """An escalation (or an appeal) starts mediation afresh: earlier requests are closed."""
    for request in open_requests(event.dispute):
        request.status = RequestStatus.CLOSED
    return None
