"""A return's instructions: who pays the postage back (F4) and where the item goes (F5)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FormInvalid
from .reasons import Reason
from .vocabulary import Actor
from .words import N_, Words

ADDRESS_MIN_LINES = 3  # a name, a street, a town with its postcode ...
ADDRESS_MAX_LINES = 8
ADDRESS_LINE_MAX = 120


@dataclass(frozen=True)
class ReturnPostage:
    """Who pays for sending the item back, and why in a sentence both parties read (F4)."""

    payer: Actor
    why: Words
    rule: str = "F4"


# F4: a reason that is the seller's fault makes the seller pay the postage back. Every reason a
# buyer may give for goods it received (O5) is a fault of the item or of the seller's packing;
# the sources list no reason of the buyer's own (a change of mind), which would make the buyer pay.
_SELLER_FAULT = {
    Reason.NOT_AS_DESCRIBED: N_("the item is not as described"),
    Reason.QUALITY_PROBLEM: N_("the item does not work"),
    Reason.DAMAGED_IN_TRANSIT: N_("the item arrived damaged"),
    Reason.QUANTITY_MISMATCH: N_("the wrong quantity was sent"),
    Reason.COUNTERFEIT: N_("the item is counterfeit"),
    Reason.MISSING_PARTS: N_("parts or accessories are missing"),
    Reason.WRONG_ADDRESS: N_("the parcel was sent to the wrong address"),
    Reason.RETURNED_TO_SELLER: N_("the carrier returned the parcel"),
    Reason.NO_TRACKING: N_("the parcel has no tracking information"),
    Reason.CUSTOMS_PROBLEM: N_("the parcel was held at customs"),
    Reason.PROTECTION_EXPIRING_IN_TRANSIT: N_("the parcel was still in transit"),
}
_BUYER_OWN: dict[Reason, str] = {}  # no such reason in O5 today; one added here makes the buyer pay

POSTAGE_PAYER: dict[Reason, Actor] = {
    **dict.fromkeys(_SELLER_FAULT, Actor.SELLER),
    **dict.fromkeys(_BUYER_OWN, Actor.BUYER),
}


def return_postage(reason: Reason) -> ReturnPostage:
    """Who pays to send the item back for a dispute opened for `reason` (F4)."""
    payer = POSTAGE_PAYER[reason]
    if payer is Actor.SELLER:
        why = Words(N_("The seller pays the return postage: %(why)s."), why=Words(_SELLER_FAULT[reason]))
    else:
        why = Words(N_("The buyer pays the return postage: %(why)s."), why=Words(_BUYER_OWN[reason]))
    return ReturnPostage(payer, why)


def validate_return_address(text: object) -> str:
    """A local return address the seller typed: 3 to 8 lines of at most 120 characters (F5).

    Blank lines and spaces around lines are dropped; the result keeps one line per address line.
    """
    raw = str(text or "")
    lines = [line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]
    problem: Words | None = None
    if not lines:
        problem = Words(N_("Enter the return address, one line for each part of it."))
    elif len(lines) < ADDRESS_MIN_LINES:
        problem = Words(
            N_(
                "An address needs at least %(lines)s lines: the name, the street, "
                "and the town with its postcode (the country too, if it differs)."
            ),
            lines=ADDRESS_MIN_LINES,
        )
    elif len(lines) > ADDRESS_MAX_LINES:
        problem = Words(N_("Keep the address to at most %(lines)s lines."), lines=ADDRESS_MAX_LINES)
    elif any(len(line) > ADDRESS_LINE_MAX for line in lines):
        problem = Words(
            N_("Each line of the address may be at most %(limit)s characters long."), limit=ADDRESS_LINE_MAX
        )
    if problem:
        raise FormInvalid({"return_address": problem})
    return "\n".join(lines)
