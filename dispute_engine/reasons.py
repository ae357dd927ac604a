"""Reasons for a dispute (O5) and the evidence that wins each one (O9)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .words import N_, Words


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


_PACKAGING = Words(N_("Photos of the outer packaging and the damage, and an unboxing video."))
_WORKS = Words(
    N_(
        "A video of the item on its charger beside another device that charges from the same "
        "socket, so nobody can say the socket is dead."
    )
)
_DESCRIBED = Words(N_("A photo of the item beside a tape measure, or beside the listing's specification."))
_TRACKING = Words(N_("A screenshot of the tracking page with its latest status and date."))

REASONS: dict[Reason, ReasonInfo] = {
    info.reason: info
    for info in (
        ReasonInfo(Reason.NOT_AS_DESCRIBED, Words(N_("Item not as described")), True, _DESCRIBED),
        ReasonInfo(Reason.QUALITY_PROBLEM, Words(N_("Quality problem (does not work)")), True, _WORKS),
        ReasonInfo(Reason.DAMAGED_IN_TRANSIT, Words(N_("Damaged in transit")), True, _PACKAGING),
        ReasonInfo(
            Reason.QUANTITY_MISMATCH,
            Words(N_("Quantity mismatch")),
            True,
            Words(N_("A photo of everything that arrived, laid out beside the packing slip.")),
        ),
        ReasonInfo(
            Reason.COUNTERFEIT,
            Words(N_("Counterfeit")),
            True,
            Words(N_("Close photos of labels, serial numbers and logos beside the listing's photos.")),
        ),
        ReasonInfo(
            Reason.MISSING_PARTS,
            Words(N_("Missing parts or accessories")),
            True,
            Words(N_("A photo of everything in the box beside the listing's list of contents.")),
        ),
        ReasonInfo(
            Reason.PROTECTION_EXPIRING_IN_TRANSIT,
            Words(N_("Protection expiring while the parcel is still in transit")),
            False,
            _TRACKING,
        ),
        ReasonInfo(
            Reason.RETURNED_TO_SELLER,
            Words(N_("Parcel returned to the seller by the carrier")),
            False,
            _TRACKING,
        ),
        ReasonInfo(Reason.NO_TRACKING, Words(N_("No tracking information")), False, _TRACKING),
        ReasonInfo(
            Reason.CUSTOMS_PROBLEM,
            Words(N_("Customs problem")),
            False,
            Words(N_("The tracking page and any letter from customs.")),
        ),
        ReasonInfo(
            Reason.WRONG_ADDRESS,
            Words(N_("Sent to the wrong address")),
            False,
            Words(N_("The tracking page showing the delivery address, and your order's address.")),
        ),
    )
}


# O9 for the seller: what answers each reason. The sources speak of "your evidence and the seller's
# evidence" (003) and of tracking pages as proof of (non-)delivery (000, step 7); the seller's side of
# each is proof the item left as listed, whole and complete, and reached the carrier.
_SHIPPED = Words(
    N_("Proof of shipment (the carrier's receipt) and the tracking page with its latest status and date.")
)
SELLER_GUIDANCE: dict[Reason, str] = {
    Reason.NOT_AS_DESCRIBED: Words(
        N_(
            "Photos or a video of the item you sent, taken before dispatch, beside the listing's "
            "specification or a tape measure."
        )
    ),
    Reason.QUALITY_PROBLEM: Words(
        N_(
            "Photos or a video of the item you sent, taken before dispatch, "
            "showing it working, and its serial number."
        )
    ),
    Reason.DAMAGED_IN_TRANSIT: Words(
        N_(
            "Photos or a video of the item you sent, taken before dispatch, "
            "and of its packing; the carrier's receipt."
        )
    ),
    Reason.QUANTITY_MISMATCH: Words(N_("The packing list and the parcel's weight on the carrier's receipt.")),
    Reason.COUNTERFEIT: Words(
        N_("The invoice or authorisation from the brand, and close photos of the labels sent.")
    ),
    Reason.MISSING_PARTS: Words(
        N_(
            "Photos or a video of the item you sent, taken before dispatch, with every part laid out "
            "beside the listing's contents."
        )
    ),
    Reason.PROTECTION_EXPIRING_IN_TRANSIT: _SHIPPED,
    Reason.RETURNED_TO_SELLER: Words(
        N_(
            "Proof of shipment (the carrier's receipt) and the tracking page with its latest status and "
            "date. If the parcel came back, say whether it was refused."
        )
    ),
    Reason.NO_TRACKING: _SHIPPED,
    Reason.CUSTOMS_PROBLEM: Words(
        N_(
            "Proof of shipment (the carrier's receipt) and the tracking page with its latest status and "
            "date. Add the customs declaration you filled in."
        )
    ),
    Reason.WRONG_ADDRESS: Words(
        N_("The address in the order, the shipping label you printed, and the tracking page.")
    ),
}


def seller_guidance_for(reason: Reason) -> str:
    """The evidence that answers a dispute for this reason, from the seller's side (O9)."""
    return SELLER_GUIDANCE[reason]


def reasons_for(received: bool) -> list[ReasonInfo]:
    """The reasons a buyer may choose, given whether the goods were received (O5)."""
    return [info for info in REASONS.values() if info.received is received]


def guidance_for(reason: Reason) -> str:
    """The evidence that wins a dispute for this reason (O9)."""
    return REASONS[reason].guidance
