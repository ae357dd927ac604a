"""How and when a refund reaches the buyer (F1), and the order's status as the dispute moves it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .calendar import add_business_days
from .policy import Policy
from .vocabulary import RefundStatus, ReshipStatus, ReturnStatus, State
from .words import N_, Words


@dataclass(frozen=True)
class RefundArrival:
    """Where the money goes and the window in which the buyer should see it."""

    method: str  # "" when the policy does not say
    earliest: datetime | None
    latest: datetime | None
    min_days: int
    max_days: int


def refund_arrival(policy: Policy, paid_at: datetime | None) -> RefundArrival:
    """The policy's refund method and, once the refund is paid, the dates it should arrive between."""
    low, high = policy.refund_arrival_min_business_days, policy.refund_arrival_max_business_days
    earliest = latest = None
    if paid_at is not None and high:
        earliest, latest = add_business_days(paid_at, low), add_business_days(paid_at, high)
    return RefundArrival(policy.refund_method, earliest, latest, low, high)


def order_status(
    receipt_confirmed: bool,
    state: State | None,
    refund: RefundStatus | None = None,
    return_: ReturnStatus | None = None,
    reship: ReshipStatus | None = None,
) -> str:
    """What the order page says of an order, following its dispute (the seeds' "Payment processing")."""
    settled = Words(N_("Completed")) if receipt_confirmed else Words(N_("Pending confirmation"))
    if state is None or state is State.CANCELLED:
        return settled
    if state is not State.CLOSED:
        return Words(N_("In dispute"))
    if return_ in (ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.SHIPPED):
        return Words(N_("Return in progress"))
    if reship in (ReshipStatus.AWAITING_SHIPMENT, ReshipStatus.SHIPPED):
        return Words(N_("Re-shipment in progress"))  # F6
    if refund is RefundStatus.PENDING:
        return Words(N_("Payment processing"))  # closed in the buyer's favour, the refund not paid yet
    if refund is RefundStatus.REFUNDED:
        return Words(N_("Refunded"))
    return Words(N_("Completed"))  # closed without money owed: the payment stays with the seller
