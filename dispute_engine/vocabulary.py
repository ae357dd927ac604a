"""The words of a dispute: states, actors, resolutions, outcomes, stages, actions."""

from __future__ import annotations

from enum import StrEnum

from .words import N_, Words


class State(StrEnum):
    """Where a dispute stands; the transition table moves it between these."""

    # Opened by the buyer; the seller has S1 days to accept or reject the request.
    AWAITING_SELLER = "awaiting_seller"
    # The seller rejected; both parties trade proposals until the N1 clock runs out.
    NEGOTIATING = "negotiating"
    # With the platform: the mediator reviews, asks for evidence, proposes and decides.
    ESCALATED = "escalated"
    # Decided; the outcome stands. A refund or a return may still be running.
    CLOSED = "closed"
    # Withdrawn by the buyer before escalation; may be reopened while O3 allows (C2).
    CANCELLED = "cancelled"


OPEN_STATES = frozenset({State.AWAITING_SELLER, State.NEGOTIATING, State.ESCALATED})


class Actor(StrEnum):
    """Who acts on a dispute (a role in this dispute, not an account type)."""

    BUYER = "buyer"
    SELLER = "seller"
    MEDIATOR = "mediator"
    SYSTEM = "system"  # the clock: a deadline that passes

    @property
    def other_party(self) -> Actor:
        """The buyer's counterpart is the seller and the other way round."""
        if self is Actor.BUYER:
            return Actor.SELLER
        if self is Actor.SELLER:
            return Actor.BUYER
        raise ValueError(f"{self} is not a party")


PARTIES = (Actor.BUYER, Actor.SELLER)


class Resolution(StrEnum):
    """What the buyer gets (O6), or, agreed later, a new parcel (F6)."""

    REFUND_ONLY = "refund_only"  # the buyer keeps the item, or never got it
    RETURN_AND_REFUND = "return_and_refund"  # the buyer ships the item back first
    # F6: the seller sends the item again; the amount is refunded if it does not ship in time.
    RESHIP = "reship"

    @property
    def label(self) -> str:
        """The words the sources use."""
        return Words(
            {
                Resolution.REFUND_ONLY: N_("Refund only"),
                Resolution.RETURN_AND_REFUND: N_("Return goods and refund"),
                Resolution.RESHIP: N_("Re-shipment"),
            }[self]
        )


# What the buyer may ask for in the dispute form (O6); a re-shipment is agreed or decided later (F6).
REQUESTABLE = (Resolution.REFUND_ONLY, Resolution.RETURN_AND_REFUND)


class Outcome(StrEnum):
    """How a dispute ended (C4)."""

    SELLER_ACCEPTED = "seller_accepted"  # S2: "Dispute closed by seller"
    AGREED = "agreed"  # N4: a party accepted the other's proposal
    SELLER_DID_NOT_RESPOND = "seller_did_not_respond"  # S1
    MEDIATION_AGREED = "mediation_agreed"  # M5: both accepted the same solution
    FINAL_DECISION = "final_decision"  # M5: the mediator chose
    BUYER_MISSED_DEADLINE = "buyer_missed_deadline"  # M3
    SELLER_MISSED_DEADLINE = "seller_missed_deadline"  # M3
    CANCELLED = "cancelled"  # C1, before escalation: no refund
    ARBITRATION_CANCELLED = "arbitration_cancelled"  # C1, after escalation: money to the seller

    @property
    def label(self) -> str:
        """A sentence a person reads on the closed dispute."""
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.SELLER_ACCEPTED: Words(N_("Dispute closed by seller: the buyer's request was accepted")),
    Outcome.AGREED: Words(N_("Closed by agreement between buyer and seller")),
    Outcome.SELLER_DID_NOT_RESPOND: Words(N_("Closed in the buyer's favour: the seller did not respond")),
    Outcome.MEDIATION_AGREED: Words(N_("Closed: both parties accepted the platform's solution")),
    Outcome.FINAL_DECISION: Words(N_("Closed by the platform's final decision")),
    Outcome.BUYER_MISSED_DEADLINE: Words(N_("Closed in the seller's favour: the buyer missed a deadline")),
    Outcome.SELLER_MISSED_DEADLINE: Words(N_("Closed in the buyer's favour: the seller did not take part")),
    Outcome.CANCELLED: Words(N_("Cancelled by the buyer: no refund")),
    Outcome.ARBITRATION_CANCELLED: Words(
        N_("Arbitration cancelled by the buyer: the money goes to the seller")
    ),
}


class Stage(StrEnum):
    """The steps of the progress bar (H3)."""

    OPENED = "opened"
    SELLER_RESPONSE = "seller_response"
    NEGOTIATION = "negotiation"
    PLATFORM_REVIEW = "platform_review"
    DECISION = "decision"
    REFUND = "refund"

    @property
    def label(self) -> str:
        """The stage's name on the bar."""
        return {
            Stage.OPENED: Words(N_("Opened")),
            Stage.SELLER_RESPONSE: Words(N_("Seller response")),
            Stage.NEGOTIATION: Words(N_("Negotiation")),
            Stage.PLATFORM_REVIEW: Words(N_("Platform review")),
            Stage.DECISION: Words(N_("Decision")),
            Stage.REFUND: Words(N_("Refund")),
        }[self]


class MediationStatus(StrEnum):
    """What an escalated dispute is waiting for (M1)."""

    PROCESSING = "processing"
    WAITING_BUYER = "waiting_buyer"
    WAITING_SELLER = "waiting_seller"
    WAITING_BOTH = "waiting_both"

    @property
    def label(self) -> str:
        """The status as the sources word it."""
        return {
            MediationStatus.PROCESSING: Words(N_("Processing")),
            MediationStatus.WAITING_BUYER: Words(N_("Waiting for the buyer's response")),
            MediationStatus.WAITING_SELLER: Words(N_("Waiting for the seller's response")),
            MediationStatus.WAITING_BOTH: Words(N_("Waiting for both parties' response")),
        }[self]


class Action(StrEnum):
    """Everything a person can do to a dispute once it exists."""

    CHANGE_DISPUTE = "change_dispute"  # N6
    ACCEPT_PROPOSAL = "accept_proposal"  # S2, N4
    REJECT_REQUEST = "reject_request"  # S3
    REJECT_PROPOSAL = "reject_proposal"  # N5
    ADD_PROPOSAL = "add_proposal"  # N2 "Add solution"
    CHANGE_PROPOSAL = "change_proposal"  # N3
    ESCALATE = "escalate"  # N1, dhgate
    SEND_MESSAGE = "send_message"  # N7
    PIN_MESSAGE = "pin_message"  # N7
    ADD_EVIDENCE = "add_evidence"  # E1
    REMOVE_EVIDENCE = "remove_evidence"  # E1, E2
    REQUEST_EVIDENCE = "request_evidence"  # M2
    RESPOND_EVIDENCE = "respond_evidence"  # M2 "Respond now"
    PROPOSE_DECISION = "propose_decision"  # M4, M6
    ANSWER_DECISION = "answer_decision"  # M4
    FINAL_DECISION = "final_decision"  # M5
    CANCEL = "cancel"  # C1
    REOPEN = "reopen"  # C2
    APPEAL = "appeal"  # C3 "Submit a complaint"
    SHIP_RETURN = "ship_return"  # F2
    CONFIRM_RETURN = "confirm_return"  # F2
    SET_RETURN_ADDRESS = "set_return_address"  # F5
    SHIP_REPLACEMENT = "ship_replacement"  # F6
    CONFIRM_REPLACEMENT = "confirm_replacement"  # F7
    MARK_REFUNDED = "mark_refunded"  # F1
    # The platform's own: which mediator holds an escalated case (the rules are silent on it).
    TAKE_CASE = "take_case"
    REASSIGN_CASE = "reassign_case"


class DeadlineKind(StrEnum):
    """A clock that acts on its own when it runs out."""

    SELLER_RESPONSE = "seller_response"  # S1
    NEGOTIATION_END = "negotiation_end"  # N1
    BUYER_EVIDENCE = "buyer_evidence"  # M2, M3
    SELLER_EVIDENCE = "seller_evidence"  # M2, M3
    DECISION_ANSWERS = "decision_answers"  # M4, M3
    RETURN_SHIPMENT = "return_shipment"  # F2
    RETURN_CONFIRMATION = "return_confirmation"  # F2
    RESHIP_SHIPMENT = "reship_shipment"  # F6


class RefundStatus(StrEnum):
    """A refund's life (F1)."""

    PENDING = "pending"
    REFUNDED = "refunded"
    SUPERSEDED = "superseded"  # replaced after an appeal changed the outcome


class ReturnStatus(StrEnum):
    """A return's life (F2)."""

    AWAITING_SHIPMENT = "awaiting_shipment"
    SHIPPED = "shipped"
    RECEIVED = "received"  # confirmed by the seller, or assumed after its deadline
    LAPSED = "lapsed"  # the buyer did not ship in time: no refund


class ReshipStatus(StrEnum):
    """A re-shipment's life (F6, F7, C5)."""

    AWAITING_SHIPMENT = "awaiting_shipment"  # the seller enters the new parcel's tracking number
    SHIPPED = "shipped"  # on its way; the buyer confirms receipt
    RECEIVED = "received"  # the buyer confirmed it arrived
    NOT_SHIPPED = "not_shipped"  # the seller missed its deadline: the refund is due instead
    REOPENED = "reopened"  # it never arrived and the buyer reopened the dispute (C5)
    WITHDRAWN = "withdrawn"  # a complaint re-closed the dispute on other terms (C3)
