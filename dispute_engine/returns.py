"""A return's instructions: who pays the postage back (F4) and where the item goes (F5)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FormInvalid
from .reasons import Reason
from .vocabulary import Actor

ADDRESS_MIN_LINES = 3  # a name, a street, a town with its postcode ...
ADDRESS_MAX_LINES = 8
ADDRESS_LINE_MAX = 120


@dataclass(frozen=True)
class ReturnPostage:
    """Who pays for sending the item back, and why in a sentence both parties read (F4)."""

    payer: Actor
    why: str
    rule: str = "F4"


# F4: a reason that is the seller's fault makes the seller pay the postage back. Every reason a
# buyer may give for goods it received (O5) is a fault of the item or of the seller's packing;
# the sources list no reason of the buyer's own (a change of mind), which would make the buyer pay.
_SELLER_FAULT = {
    Reason.NOT_AS_DESCRIBED: "the item is not as described",
    Reason.QUALITY_PROBLEM: "the item does not work",
    Reason.DAMAGED_IN_TRANSIT: "the item arrived damaged",
    Reason.QUANTITY_MISMATCH: "the wrong quantity was sent",
    Reason.COUNTERFEIT: "the item is counterfeit",
    Reason.MISSING_PARTS: "parts or accessories are missing",
    Reason.WRONG_ADDRESS: "the parcel was sent to the wrong address",
    Reason.RETURNED_TO_SELLER: "the carrier returned the parcel",
    Reason.NO_TRACKING: "the parcel has no tracking information",
    Reason.CUSTOMS_PROBLEM: "the parcel was held at customs",
    Reason.PROTECTION_EXPIRING_IN_TRANSIT: "the parcel was still in transit",
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
        return ReturnPostage(payer, f"The seller pays the return postage: {_SELLER_FAULT[reason]}.")
    return ReturnPostage(payer, f"The buyer pays the return postage: {_BUYER_OWN[reason]}.")


def validate_return_address(text: object) -> str:
    """A local return address the seller typed: 3 to 8 lines of at most 120 characters (F5).

    Blank lines and spaces around lines are dropped; the result keeps one line per address line.
    """
    raw = str(text or "")
    lines = [line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]
    problem = ""
    if not lines:
        problem = "Enter the return address, one line for each part of it."
    elif len(lines) < ADDRESS_MIN_LINES:
        problem = (
            f"An address needs at least {ADDRESS_MIN_LINES} lines: the name, the street, "
            "and the town with its postcode (the country too, if it differs)."
        )
    elif len(lines) > ADDRESS_MAX_LINES:
        problem = f"Keep the address to at most {ADDRESS_MAX_LINES} lines."
    elif any(len(line) > ADDRESS_LINE_MAX for line in lines):
        problem = f"Each line of the address may be at most {ADDRESS_LINE_MAX} characters long."
    if problem:
        raise FormInvalid({"return_address": problem})
    return "\n".join(lines)
