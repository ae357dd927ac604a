"""Ask for, grant and decline an extension of buyer protection: one path, like a dispute's (O10-O13).

Each action locks the order's row, asks the engine, applies, records the order's history (which
notifies the other party) and flushes; the request commits once. A repeat of an action already
done (a double submit, two grants racing) finds it done under the lock and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import exists, select

from dispute_engine import (
    OPEN_STATES,
    Actor,
    ExtensionFacts,
    RuleViolation,
    check_can_answer,
    validate_ask,
    validate_grant,
)
from dispute_engine.words import N_, Moment, Words
from webapp.core.extensions import db
from webapp.core.policies import policy_named
from webapp.core.refusals import NotFound
from webapp.disputes.models import Dispute
from webapp.history.order_record import record_order_event
from webapp.orders.models import Order
from webapp.protection.models import ExtensionStatus, ProtectionExtension

if TYPE_CHECKING:
    from webapp.accounts.models import User

GRANT, DECLINE = "grant", "decline"


class OrderNotFound(NotFound):
    """No such order, or not one this person bought or sold."""

    explanation = "There is no such order, or it is not yours to see."


class RequestNotFound(NotFound):
    """No such request on this order."""

    explanation = "There is no such request to extend buyer protection on this order."


@dataclass(frozen=True)
class Outcome:
    """What an action did: the request, and whether it was already done (a repeat changes nothing)."""

    extension: ProtectionExtension
    repeated: bool = False


def lock_order(user: User, order_id: int) -> Order:
    """The order fresh from the database with its row locked until the commit; 404 for outsiders."""
    order = db.session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .with_for_update(of=Order)
        .execution_options(populate_existing=True)
    )
    if order is None or user.id not in (order.buyer_id, order.seller_id):
        raise OrderNotFound(order_id)
    return order


def waiting_request(order_id: int) -> ProtectionExtension | None:
    """The order's request still waiting for the seller, if any."""
    return db.session.scalar(
        select(ProtectionExtension).where(
            ProtectionExtension.order_id == order_id, ProtectionExtension.status == ExtensionStatus.PENDING
        )
    )


def requests_of(order_id: int) -> list[ProtectionExtension]:
    """Every request on the order, newest first."""
    return list(
        db.session.scalars(
            select(ProtectionExtension)
            .where(ProtectionExtension.order_id == order_id)
            .order_by(ProtectionExtension.id.desc())
        )
    )


def facts_from(
    order: Order, requests: Sequence[ProtectionExtension], has_open_dispute: bool
) -> ExtensionFacts:
    """The order as the extension rules see it, from its requests and whether a dispute is open."""
    granted = [r for r in requests if r.status is ExtensionStatus.GRANTED]
    return ExtensionFacts(
        order=order.facts(),
        has_open_dispute=has_open_dispute,
        request_waiting=any(r.status is ExtensionStatus.PENDING for r in requests),
        grants=len(granted),
        granted_days=sum(r.days_granted or 0 for r in granted),
    )


def extension_facts(order: Order) -> ExtensionFacts:
    """The order as the extension rules see it now: its open dispute, its requests so far."""
    open_dispute = db.session.scalar(
        select(exists().where(Dispute.order_id == order.id, Dispute.state.in_(OPEN_STATES)))
    )
    return facts_from(order, requests_of(order.id), bool(open_dispute))


def _day_count(days: int) -> Words:
    return Words(N_("%(n)s day") if days == 1 else N_("%(n)s days"), n=days)


def ask(user: User, order_id: int, days: object, reason: object, now: datetime) -> Outcome:
    """The buyer asks the seller to extend protection (O10); the same request again is a repeat."""
    order = lock_order(user, order_id)
    waiting = waiting_request(order.id)
    if (
        waiting is not None
        and waiting.asked_by_id == user.id
        and str(days).strip() == str(waiting.days_asked)
        and str(reason or "").strip() == waiting.reason
    ):
        return Outcome(waiting, repeated=True)
    facts = extension_facts(order)
    asked = validate_ask(
        facts, policy_named(order.policy), now, is_buyer=user.id == order.buyer_id, days=days, reason=reason
    )
    extension = ProtectionExtension(
        order_id=order.id,
        status=ExtensionStatus.PENDING,
        days_asked=asked.days,
        reason=asked.reason,
        asked_by_id=user.id,
        asked_at=now,
    )
    db.session.add(extension)
    db.session.flush()
    summary = (
        Words(
            N_('The buyer asked the seller to extend buyer protection by %(days)s ("%(reason)s").'),
            days=_day_count(asked.days),
            reason=asked.reason,
        )
        if asked.reason
        else Words(
            N_("The buyer asked the seller to extend buyer protection by %(days)s."),
            days=_day_count(asked.days),
        )
    )
    record_order_event(
        order.id,
        [order.buyer_id, order.seller_id],
        actor=Actor.BUYER,
        user=user,
        action="protection_extension_asked",
        summary=summary,
        at=now,
        rule="O10",
        data={"request": extension.id, "days": asked.days, "ends_at": order.protection_ends_at.isoformat()},
    )
    return Outcome(extension)


def _already(extension: ProtectionExtension, decision: str, days: object) -> bool:
    """Whether this answer is the one the request already got (a double submit or a racing twin)."""
    if extension.status is ExtensionStatus.DECLINED:
        return decision == DECLINE
    text = str(days or "").strip()
    return decision == GRANT and (text == "" or text == str(extension.days_granted))


def answer(
    user: User, order_id: int, request_id: object, decision: str, days: object, now: datetime
) -> Outcome:
    """The seller grants (moving protection's end, O12) or declines a waiting request (O11)."""
    order = lock_order(user, order_id)
    policy = policy_named(order.policy)
    facts = extension_facts(order)
    if user.id != order.seller_id:
        check_can_answer(facts, policy, now, is_seller=False)  # refuses: only the seller answers (O11)
    extension = _request_on(order, request_id)
    if decision not in (GRANT, DECLINE):
        raise RuleViolation("O11", "Choose Grant or Decline.")
    if extension.status is not ExtensionStatus.PENDING:
        if _already(extension, decision, days):
            return Outcome(extension, repeated=True)
        raise RuleViolation(
            "O12", f"This request was already {extension.status.value}: an answer counts once."
        )
    if decision == DECLINE:
        check_can_answer(facts, policy, now, is_seller=True)
        extension.status, extension.answered_by_id, extension.answered_at = (
            ExtensionStatus.DECLINED,
            user.id,
            now,
        )
        summary = Words(
            N_("The seller declined to extend buyer protection by %(days)s."),
            days=_day_count(extension.days_asked),
        )
        data = {
            "request": extension.id,
            "days": extension.days_asked,
            "ends_at": order.protection_ends_at.isoformat(),
        }
        action, rule = "protection_extension_declined", "O11"
    else:
        grant = validate_grant(facts, policy, now, is_seller=True, days=days or extension.days_asked)
        extension.status, extension.answered_by_id, extension.answered_at = (
            ExtensionStatus.GRANTED,
            user.id,
            now,
        )
        extension.days_granted, extension.ends_before, extension.ends_after = (
            grant.days,
            grant.ends_before,
            grant.ends_after,
        )
        order.protection_ends_at = grant.ends_after
        summary = Words(
            N_("The seller extended buyer protection by %(days)s: it now ends on %(ends)s UTC."),
            days=_day_count(grant.days),
            ends=Moment(grant.ends_after),
        )
        data = {
            "request": extension.id,
            "days": grant.days,
            "ends_before": grant.ends_before.isoformat(),
            "ends_after": grant.ends_after.isoformat(),
        }
        action, rule = "protection_extended", "O12"
    db.session.flush()
    record_order_event(
        order.id,
        [order.buyer_id, order.seller_id],
        actor=Actor.SELLER,
        user=user,
        action=action,
        summary=summary,
        at=now,
        rule=rule,
        data=data,
    )
    return Outcome(extension)


def _request_on(order: Order, request_id: object) -> ProtectionExtension:
    """The order's request the form names: none named is a rule's refusal, another order's is not found."""
    text = str(request_id or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise RuleViolation("O11", "Say which request to extend buyer protection you are answering.")
    extension = db.session.get(ProtectionExtension, int(text), populate_existing=True)
    if extension is None or extension.order_id != order.id:
        raise RequestNotFound(request_id)
    return extension
