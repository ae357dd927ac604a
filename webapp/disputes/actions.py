"""Every action a person can take on a dispute: its URL name, rule action, service call and confirmation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort
from werkzeug.datastructures import MultiDict

from dispute_engine import Action
from webapp.disputes import lifecycle, negotiation
from webapp.disputes.pipeline import ActionContext
from webapp.evidence.services import Upload
from webapp.mediation import services as mediation
from webapp.settlement import services as settlement

Handler = Callable[[ActionContext, MultiDict[str, str], list[Upload]], Any]


@dataclass(frozen=True)
class ActionSpec:
    """An action's URL name, the rule action it takes, its handler, and whether it asks to confirm first."""

    action: Action
    handler: Handler
    done: str
    confirm: str = ""  # what the confirmation says will happen; empty: no confirmation
    part: str = "proposals"  # the part of the page its form lives in
    # A message does not answer anything on the page, so a form made before the other party's
    # last action is still meant as written; every other action is refused when its form is stale.
    refuse_stale: bool = True


def _int(form: MultiDict[str, str], name: str) -> int:
    try:
        return int(form.get(name, ""))
    except ValueError:
        abort(400, description=f"The form is missing its {name.replace('_', ' ')}. Reload the page.")


ACTIONS: dict[str, ActionSpec] = {
    "reject-request": ActionSpec(
        Action.REJECT_REQUEST, lambda c, f, u: negotiation.reject_request(c, f), "You rejected the request."
    ),
    "accept": ActionSpec(
        Action.ACCEPT_PROPOSAL,
        lambda c, f, u: negotiation.accept_proposal(c, _int(f, "proposal_id")),
        "You accepted the proposal: the dispute is closed.",
        confirm="Accepting is final: the dispute closes on these terms.",
    ),
    "reject": ActionSpec(
        Action.REJECT_PROPOSAL,
        lambda c, f, u: negotiation.reject_proposal(c, _int(f, "proposal_id")),
        "You rejected the proposal.",
    ),
    "add-solution": ActionSpec(
        Action.ADD_PROPOSAL, lambda c, f, u: negotiation.add_proposal(c, f), "Your solution was added."
    ),
    "change-proposal": ActionSpec(
        Action.CHANGE_PROPOSAL,
        lambda c, f, u: negotiation.change_proposal(c, _int(f, "proposal_id"), f),
        "Your proposal was changed.",
    ),
    "message": ActionSpec(
        Action.SEND_MESSAGE,
        lambda c, f, u: negotiation.send_message(c, f.get("body", "")),
        "Message sent.",
        refuse_stale=False,
    ),
    "change": ActionSpec(
        Action.CHANGE_DISPUTE, lambda c, f, u: lifecycle.change_dispute(c, f), "The dispute was changed."
    ),
    "escalate": ActionSpec(
        Action.ESCALATE,
        lambda c, f, u: lifecycle.escalate_by_hand(c),
        "The dispute went to the platform.",
        confirm="Escalating hands the dispute to the platform; you can no longer change it.",
        part="dispute-actions",
    ),
    "cancel": ActionSpec(
        Action.CANCEL,
        lambda c, f, u: lifecycle.cancel(c),
        "The dispute was cancelled.",
        confirm=(
            "Cancelling closes the dispute without a refund; after escalation the money goes to the seller."
        ),
        part="dispute-actions",
    ),
    "reopen": ActionSpec(Action.REOPEN, lambda c, f, u: lifecycle.reopen(c), "The dispute was reopened."),
    "appeal": ActionSpec(
        Action.APPEAL,
        lambda c, f, u: lifecycle.appeal(c, f.get("appeal_reason", ""), f.get("appeal_description", "")),
        "Your complaint was submitted: a mediator will review the dispute again.",
        confirm="Submitting a complaint sends the dispute back to a mediator. You can do it once per order.",
        part="outcome",
    ),
    "request-evidence": ActionSpec(
        Action.REQUEST_EVIDENCE,
        lambda c, f, u: mediation.request_evidence(c, f.get("party", ""), f.get("wanted", ""), f.get("days")),
        "Evidence requested.",
    ),
    "respond": ActionSpec(
        Action.RESPOND_EVIDENCE,
        lambda c, f, u: mediation.respond_evidence(c, f.get("comment", ""), u),
        "Your response was sent to the mediator.",
    ),
    "propose-decision": ActionSpec(
        Action.PROPOSE_DECISION,
        lambda c, f, u: mediation.propose_decision(
            c,
            [
                (
                    f.get(f"option{i}_resolution", ""),
                    f.get(f"option{i}_amount", ""),
                    f.get(f"option{i}_comment", ""),
                )
                for i in (1, 2)
            ],
            f.get("comment", ""),
        ),
        "Decision proposed to both parties.",
    ),
    "accept-solution": ActionSpec(
        Action.ANSWER_DECISION,
        lambda c, f, u: mediation.answer_decision(c, f.get("choice", ""), f.get("comment", ""), u),
        "You accepted the solution.",
        confirm="Accepting is final: if the other party accepts the same solution, the dispute closes on it.",
        part="mediation",
    ),
    "reject-solutions": ActionSpec(
        Action.ANSWER_DECISION,
        lambda c, f, u: mediation.answer_decision(c, "0", f.get("comment", ""), u),
        "You rejected the proposed solutions; the mediator will reconsider.",
    ),
    "final-decision": ActionSpec(
        Action.FINAL_DECISION,
        lambda c, f, u: mediation.final_decision(c, f.get("option", ""), f.get("comment", "")),
        "Final decision made: the dispute is closed.",
        confirm="The final decision closes the dispute.",
        part="mediation",
    ),
    "ship-return": ActionSpec(
        Action.SHIP_RETURN,
        lambda c, f, u: settlement.ship_return(c.dispute, c.user, f.get("tracking_number", ""), at=c.now),
        "Return tracking number saved.",
    ),
    "confirm-return": ActionSpec(
        Action.CONFIRM_RETURN,
        lambda c, f, u: settlement.receive_return(
            c.dispute, at=c.now, actor=c.actor, user=c.user, summary="The seller confirmed the item arrived."
        ),
        "Return confirmed: the refund is now due.",
    ),
    "mark-refunded": ActionSpec(
        Action.MARK_REFUNDED,
        lambda c, f, u: settlement.mark_refunded(c.dispute, c.user, c.actor, at=c.now),
        "Refund marked as paid.",
    ),
}
