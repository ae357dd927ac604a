"""Every action a person takes on the dispute page, declared once: its URL name, the engine action
(which says who may take it and when), how its form becomes a service call, and what the page says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from flask import abort, request
from werkzeug.datastructures import MultiDict

from dispute_engine import Action, Resolution
from dispute_engine.words import N_, Amount, Words
from webapp.core.input_checks import whole_number
from webapp.core.rate_limits import per_person
from webapp.core.uploads import Upload
from webapp.disputes import lifecycle, negotiation
from webapp.disputes.steps import ActionContext, Done
from webapp.evidence import locker
from webapp.evidence.attachments import UploadedFiles, fingerprint
from webapp.mediation import services as mediation
from webapp.mediation.facts import current_decision
from webapp.settlement import services as settlement

Form = MultiDict[str, str]
Service = Callable[[ActionContext, Form, list[Upload]], Done]
P = ParamSpec("P")
R = TypeVar("R")
PROPOSING = ("add-solution", "change-proposal", "propose-decision")


@dataclass(frozen=True)
class ActionSpec:
    """One action of the dispute page."""

    name: str  # its URL: POST /disputes/<id>/<name>
    action: Action  # the engine's action: who may take it in which state (the transition table)
    service: Service  # the form and files into one service call
    done: str  # what the page says afterwards
    confirm: str = ""  # what the confirmation says will happen; empty: no confirmation
    part: str = "proposals"  # the part of the page its form lives in
    # A message does not answer anything on the page, so a form made before the other party's
    # last action is still meant as written; every other action is refused when its form is stale.
    refuse_stale: bool = True


def number(form: Form, name: str) -> int:
    """An id the form must carry (a hidden field); refused in words when it is not one (or too big)."""
    found = whole_number(form.get(name))
    if found is None:
        abort(400, description=f"The form is missing its {name.replace('_', ' ')}. Reload the page.")
    return found


def _decision_solutions(form: Form) -> list[tuple[str, str, str]]:
    return [
        (
            form.get(f"solution{i}_resolution", ""),
            form.get(f"solution{i}_amount", ""),
            form.get(f"solution{i}_comment", ""),
        )
        for i in (1, 2)
    ]


SPECS = (
    ActionSpec(
        "reject-request",
        Action.REJECT_REQUEST,
        lambda c, f, u: negotiation.reject_request(c, f),
        Words(N_("You rejected the request.")),
    ),
    ActionSpec(
        "accept",
        Action.ACCEPT_PROPOSAL,
        lambda c, f, u: negotiation.accept_proposal(c, number(f, "proposal_id")),
        Words(N_("You accepted the proposal: the dispute is closed.")),
        confirm=Words(N_("Accepting is final: the dispute closes on these terms.")),
    ),
    ActionSpec(
        "reject",
        Action.REJECT_PROPOSAL,
        lambda c, f, u: negotiation.reject_proposal(c, number(f, "proposal_id")),
        Words(N_("You rejected the proposal.")),
    ),
    ActionSpec(
        "add-solution",
        Action.ADD_PROPOSAL,
        lambda c, f, u: negotiation.add_proposal(c, f),
        Words(N_("Your solution was added.")),
    ),
    ActionSpec(
        "change-proposal",
        Action.CHANGE_PROPOSAL,
        lambda c, f, u: negotiation.change_proposal(c, number(f, "proposal_id"), f),
        Words(N_("Your proposal was changed.")),
    ),
    ActionSpec(
        "message",
        Action.SEND_MESSAGE,
        lambda c, f, u: negotiation.send_message(c, f.get("body", "")),
        Words(N_("Message sent.")),
        refuse_stale=False,
    ),
    ActionSpec(
        "change",
        Action.CHANGE_DISPUTE,
        lambda c, f, u: lifecycle.change_dispute(c, f),
        Words(N_("The dispute was changed.")),
    ),
    ActionSpec(
        "escalate",
        Action.ESCALATE,
        lambda c, f, u: lifecycle.escalate_by_hand(c),
        Words(N_("The dispute went to the platform.")),
        confirm=Words(N_("Escalating hands the dispute to the platform; you can no longer change it.")),
        part="dispute-actions",
    ),
    ActionSpec(
        "cancel",
        Action.CANCEL,
        lambda c, f, u: lifecycle.cancel(c),
        Words(N_("The dispute was cancelled.")),
        confirm=Words(
            N_(
                "Cancelling closes the dispute without a refund; "
                "after escalation the money goes to the seller."
            )
        ),
        part="dispute-actions",
    ),
    ActionSpec("reopen", Action.REOPEN, lambda c, f, u: lifecycle.reopen(c), "The dispute was reopened."),
    ActionSpec(
        "appeal",
        Action.APPEAL,
        lambda c, f, u: lifecycle.appeal(c, f.get("appeal_reason", ""), f.get("appeal_description", "")),
        Words(N_("Your complaint was submitted: a mediator will review the dispute again.")),
        confirm=Words(
            N_("Submitting a complaint sends the dispute back to a mediator. You can do it once per order.")
        ),
        part="outcome",
    ),
    ActionSpec(
        "request-evidence",
        Action.REQUEST_EVIDENCE,
        lambda c, f, u: mediation.request_evidence(c, f.get("party", ""), f.get("wanted", ""), f.get("days")),
        Words(N_("Evidence requested.")),
    ),
    ActionSpec(
        "respond",
        Action.RESPOND_EVIDENCE,
        lambda c, f, u: mediation.respond_evidence(c, f.get("comment", ""), UploadedFiles(u)),
        Words(N_("Your response was sent to the mediator.")),
    ),
    ActionSpec(
        "propose-decision",
        Action.PROPOSE_DECISION,
        lambda c, f, u: mediation.propose_decision(
            c, _decision_solutions(f), f.get("comment", ""), fingerprint(c.dispute.id)
        ),
        Words(N_("Decision proposed to both parties.")),
    ),
    ActionSpec(
        "accept-solution",
        Action.ANSWER_DECISION,
        lambda c, f, u: mediation.answer_decision(
            c, f.get("solution", ""), f.get("comment", ""), UploadedFiles(u)
        ),
        Words(N_("You accepted the solution.")),
        confirm=Words(
            N_("Accepting is final: if the other party accepts the same solution, the dispute closes on it.")
        ),
        part="mediation",
    ),
    ActionSpec(
        "reject-solutions",
        Action.ANSWER_DECISION,
        lambda c, f, u: mediation.answer_decision(c, "0", f.get("comment", ""), UploadedFiles(u)),
        Words(N_("You rejected the proposed solutions; the mediator will reconsider.")),
    ),
    ActionSpec(
        "final-decision",
        Action.FINAL_DECISION,
        lambda c, f, u: mediation.final_decision(
            c, f.get("solution", ""), f.get("comment", ""), fingerprint(c.dispute.id)
        ),
        Words(N_("Final decision made: the dispute is closed.")),
        confirm=Words(N_("The final decision closes the dispute.")),
        part="mediation",
    ),
    ActionSpec(
        "take-case",
        Action.TAKE_CASE,
        lambda c, f, u: mediation.take_case(c),
        Words(N_("You took the case: you are the mediator who acts on it now.")),
        part="mediation",
        refuse_stale=False,  # whether the case is still free is what counts, checked under the lock
    ),
    ActionSpec(
        "reassign-case",
        Action.REASSIGN_CASE,
        lambda c, f, u: mediation.reassign_case(c, f.get("mediator", "")),
        Words(N_("The case was handed over.")),
        part="mediation",
    ),
    ActionSpec(
        "ship-return",
        Action.SHIP_RETURN,
        lambda c, f, u: settlement.ship_return(c, f.get("tracking_number", "")),
        Words(N_("Return tracking number saved.")),
    ),
    ActionSpec(
        "return-address",
        Action.SET_RETURN_ADDRESS,
        lambda c, f, u: settlement.set_return_address(c, f.get("return_address", "")),
        Words(N_("The return address was saved: the buyer sees it in the return instructions.")),
        part="settlement",
    ),
    ActionSpec(
        "ship-replacement",
        Action.SHIP_REPLACEMENT,
        lambda c, f, u: settlement.ship_replacement(c, f.get("tracking_number", "")),
        Words(N_("The new parcel's tracking number was saved: the buyer sees it.")),
        part="settlement",
    ),
    ActionSpec(
        "confirm-replacement",
        Action.CONFIRM_REPLACEMENT,
        lambda c, f, u: settlement.confirm_replacement(c),
        Words(N_("You confirmed the replacement arrived.")),
        confirm=Words(
            N_("Confirming is final: the re-shipment ends and the dispute can no longer be reopened for it.")
        ),
        part="settlement",
    ),
    ActionSpec(
        "confirm-return",
        Action.CONFIRM_RETURN,
        lambda c, f, u: settlement.confirm_return(c),
        Words(N_("Return confirmed: the refund is now due.")),
    ),
    ActionSpec(
        "mark-refunded",
        Action.MARK_REFUNDED,
        lambda c, f, u: settlement.mark_refunded(c),
        Words(N_("Refund marked as paid.")),
    ),
    ActionSpec(
        "pin",
        Action.PIN_MESSAGE,
        lambda c, f, u: locker.pin_message(c, number(f, "message_id")),
        Words(N_("The message was pinned to your evidence.")),
        refuse_stale=False,
        part="thread",
    ),
)
ACTIONS: dict[str, ActionSpec] = {spec.name: spec for spec in SPECS}


def _named(*names: str) -> Callable[[], bool]:
    return lambda: (request.view_args or {}).get("name") in names


def paced(view: Callable[P, R]) -> Callable[P, R]:
    """Each person's pace on the dispute page: messages, proposals, and actions that carry files."""
    paces = (
        per_person("RATELIMIT_MESSAGES", N_("sent many messages"), "messages", when=_named("message")),
        per_person("RATELIMIT_PROPOSALS", N_("made many proposals"), "proposals", when=_named(*PROPOSING)),
        per_person("RATELIMIT_UPLOADS", N_("sent many files"), "uploads", when=lambda: bool(request.files)),
    )
    for pace in paces:
        view = pace(view)
    return view


def consequence(spec: ActionSpec, ctx: ActionContext, form: Form) -> str:
    """What a final action will do, in words and amounts, for its confirmation."""
    currency = ctx.dispute.currency
    if spec.name == "accept":
        proposal = next((p for p in ctx.dispute.proposals if str(p.id) == form.get("proposal_id")), None)
        if proposal is not None:
            amount = Amount(proposal.amount, currency)
            if proposal.resolution is Resolution.RESHIP:
                return Words(
                    N_(
                        "Accepting is final: the dispute closes, the seller sends the item again and enters "
                        "its tracking number; if it does not ship in time, %(amount)s will be refunded."
                    ),
                    amount=amount,
                )
            if proposal.resolution is Resolution.RETURN_AND_REFUND:
                return Words(
                    N_(
                        "Accepting is final: the dispute closes, the item goes back "
                        "and %(amount)s will be refunded."
                    ),
                    amount=amount,
                )
            return Words(
                N_("Accepting is final: the dispute closes and %(amount)s will be refunded."), amount=amount
            )
    if spec.name in ("accept-solution", "final-decision"):
        decision = current_decision(ctx.dispute)
        solutions = decision.solutions if decision else []
        solution = next((o for o in solutions if str(o.position) == form.get("solution")), None)
        if solution is not None:
            terms = Words(
                "%(kind)s, %(amount)s",
                kind=solution.resolution.label,
                amount=Amount(solution.amount, currency),
            )
            if spec.name == "final-decision":
                return Words(
                    N_("The final decision closes the dispute on solution %(number)s: %(terms)s."),
                    number=solution.position,
                    terms=terms,
                )
            return Words(
                N_("%(confirm)s Solution %(number)s: %(terms)s."),
                confirm=spec.confirm,
                number=solution.position,
                terms=terms,
            )
    return spec.confirm
