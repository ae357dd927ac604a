"""Build the engine's snapshot of a dispute: its own row, plus what each feature contributes.

Mediation (open requests, the current decision) and settlement (refund, return) live above the
dispute package; they register a contributor instead of being imported here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dispute_engine import DisputeFacts, opening_window
from webapp.core.policies import policy_named

if TYPE_CHECKING:
    from webapp.disputes.models import Dispute

Contributor = Callable[["Dispute"], dict[str, Any]]
_contributors: list[Contributor] = []


def contributes_facts(contributor: Contributor) -> Contributor:
    """Register a function that returns some of `DisputeFacts`' fields for a dispute."""
    if contributor not in _contributors:
        _contributors.append(contributor)
    return contributor


def contributors() -> list[Contributor]:
    """The registered contributors (for the test that checks the wiring)."""
    return list(_contributors)


def dispute_facts(dispute: Dispute) -> DisputeFacts:
    """Everything the rules need to know of this dispute now."""
    fields: dict[str, Any] = {}
    for contributor in _contributors:
        fields.update(contributor(dispute))
    return facts_from(dispute, **fields)


def facts_from(dispute: Dispute, **contributed: Any) -> DisputeFacts:
    """The snapshot from the dispute's row and fields other features already loaded."""
    order = dispute.order
    policy = policy_named(dispute.policy)
    return DisputeFacts(
        policy=policy,
        state=dispute.state,
        received=dispute.received,
        currency=dispute.currency,
        order_total=order.total,
        opened_at=dispute.opened_at,
        request=dispute.request,
        open_until=opening_window(order.facts(), policy)[1],
        seller_responded_at=dispute.seller_responded_at,
        escalated_at=dispute.escalated_at,
        mediator_acted_at=dispute.mediator_acted_at,
        closed_at=dispute.closed_at,
        appealed=dispute.appealed_at is not None,
        buyer_tier=str(order.buyer.membership_tier),
        outcome=dispute.outcome,
        outcome_terms=dispute.outcome_terms,
        **contributed,
    )
