"""Reasons for a dispute (O5) and the evidence that wins each one (O9)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """Why the buyer opens a dispute; the first six need the goods received."""

    NOT_AS_DESCRIBED = "not_as_described"
    QUALITY_PROBLEM = "quality_problem"
    DAMAGED_IN_TRANSIT = "damaged_in_transit"
    QUANTITY_MISMATCH = "quantity_mismatch"
    COUNTERFEIT = "counterfeit"
    MISSING_PARTS = "missing_parts"
    PROTECTION_EXPIRING_IN_TRANSIT = "protection_expiring_in_transit"
    RETURNED_TO_SELLER = "returned_to_seller"
    NO_TRACKING = "no_tracking"
    CUSTOMS_PROBLEM = "customs_problem"
    WRONG_ADDRESS = "wrong_address"


@dataclass(frozen=True)
class ReasonInfo:
    """A reason's label, whether it needs the goods received, and its evidence guidance."""

    reason: Reason
    label: str
    received: bool
    guidance: str


_PACKAGING = "Photos of the outer packaging and the damage, and an unboxing video."
_WORKS = (
    "A video of the item on its charger beside another device that charges from the same "
    "socket, so nobody can say the socket is dead."
)
_DESCRIBED = "A photo of the item beside a tape measure, or beside the listing's specification."
_TRACKING = "A screenshot of the tracking page with its latest status and date."

REASONS: dict[Reason, ReasonInfo] = {
    info.reason: info
    for info in (
        ReasonInfo(Reason.NOT_AS_DESCRIBED, "Item not as described", True, _DESCRIBED),
        ReasonInfo(Reason.QUALITY_PROBLEM, "Quality problem (does not work)", True, _WORKS),
        ReasonInfo(Reason.DAMAGED_IN_TRANSIT, "Damaged in transit", True, _PACKAGING),
        ReasonInfo(
            Reason.QUANTITY_MISMATCH,
            "Quantity mismatch",
            True,
            "A photo of everything that arrived, laid out beside the packing slip.",
        ),
        ReasonInfo(
            Reason.COUNTERFEIT,
            "Counterfeit",
            True,
            "Close photos of labels, serial numbers and logos beside the listing's photos.",
        ),
        ReasonInfo(
            Reason.MISSING_PARTS,
            "Missing parts or accessories",
            True,
            "A photo of everything in the box beside the listing's list of contents.",
        ),
        ReasonInfo(
            Reason.PROTECTION_EXPIRING_IN_TRANSIT,
            "Protection expiring while the parcel is still in transit",
            False,
            _TRACKING,
        ),
        ReasonInfo(
            Reason.RETURNED_TO_SELLER, "Parcel returned to the seller by the carrier", False, _TRACKING
        ),
        ReasonInfo(Reason.NO_TRACKING, "No tracking information", False, _TRACKING),
        ReasonInfo(
            Reason.CUSTOMS_PROBLEM,
            "Customs problem",
            False,
            "The tracking page and any letter from customs.",
        ),
        ReasonInfo(
            Reason.WRONG_ADDRESS,
            "Sent to the wrong address",
            False,
            "The tracking page showing the delivery address, and your order's address.",
        ),
    )
}


def reasons_for(received: bool) -> list[ReasonInfo]:
    """The reasons a buyer may choose, given whether the goods were received (O5)."""
    return [info for info in REASONS.values() if info.received is received]


def guidance_for(reason: Reason) -> str:
    """The evidence that wins a dispute for this reason (O9)."""
    return REASONS[reason].guidance
