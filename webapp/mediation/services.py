"""Use cases of the mediator and the parties' answers to it (M2, M4-M6), and who holds the case."""

from __future__ import annotations

from typing import Any

from dispute_engine import (
    REJECTED,
    Actor,
    FormInvalid,
    add_days,
    validate_decision_solutions,
)
from dispute_engine.transitions import THE_ACTOR
from dispute_engine.words import N_, Amount, Moment, Words
from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.core.policies import policy_named
from webapp.disputes.attachments import Attachments
from webapp.disputes.steps import ActionContext, Done, describe_terms
from webapp.mediation.facts import current_decision, open_requests
from webapp.mediation.models import (
    Decision,
    DecisionAnswer,
    DecisionSolution,
    DecisionStatus,
    EvidenceRequest,
    RequestStatus,
)

TEXT_MAX = 4000
MAX_REQUEST_DAYS = 14


def _comment(raw: str | None) -> str:
    """A comment as written, refused in words past TEXT_MAX characters (never cut short silently)."""
    text = (raw or "").strip()
    if len(text) > TEXT_MAX:
        raise FormInvalid(
            {"comment": Words(N_("Keep the comment under %(limit)s characters."), limit=TEXT_MAX)}
        )
    return text


def _mediator_acts(ctx: ActionContext) -> None:
    # Only the mediator holding the case gets here (webapp.disputes.assignment).
    ctx.dispute.mediator_acted_at = ctx.now


def take_case(ctx: ActionContext) -> Done:
    """The mediator takes a free case from the queue: from now on only they act on it."""
    ctx.dispute.mediator_id = ctx.person.id
    return Done("case_taken", Words(N_("A mediator took the case.")), data={"mediator_id": ctx.person.id})


def reassign_case(ctx: ActionContext, mediator_id: str) -> Done:
    """A lead mediator hands the case to another mediator (or takes it); nothing else changes."""
    chosen = _number(mediator_id)
    mediator = db.session.get(User, chosen) if chosen is not None else None
    if mediator is None or not mediator.is_mediator:
        raise FormInvalid({"mediator": N_("Choose a mediator to hand the case to.")})
    previous = ctx.dispute.mediator_id
    if mediator.id == previous:
        raise FormInvalid({"mediator": Words(N_("%(name)s already holds this case."), name=mediator.name)})
    ctx.dispute.mediator_id = mediator.id
    return Done(
        "case_reassigned",
        Words(N_("A lead mediator handed the case to another mediator.")),
        data={"from": previous, "to": mediator.id},
    )


def request_evidence(ctx: ActionContext, party: str, wanted: str, days: str | None) -> Done:
    """Ask one party for specific evidence by a deadline, 3 days unless the mediator says otherwise (M2)."""
    errors = {}
    if party not in (Actor.BUYER, Actor.SELLER):
        errors["party"] = N_("Choose the buyer or the seller.")
    text = (wanted or "").strip()
    if not text:
        errors["wanted"] = N_("Say what evidence you need.")
    elif len(text) > TEXT_MAX:
        errors["wanted"] = Words(
            N_("That request is too long: say it in at most %(limit)s characters."), limit=TEXT_MAX
        )
    default_days = policy_named(ctx.dispute.policy).evidence_request_days
    try:
        due_days = int(days) if days not in (None, "") else default_days
        if not 1 <= due_days <= MAX_REQUEST_DAYS:
            raise ValueError
    except ValueError:
        errors["days"] = Words(N_("Give between 1 and %(most)s days."), most=MAX_REQUEST_DAYS)
        due_days = default_days
    if errors:
        raise FormInvalid(errors)
    request = EvidenceRequest(
        dispute_id=ctx.dispute.id,
        mediator_id=ctx.person.id,
        party=Actor(party),
        wanted=text,
        due_at=add_days(ctx.now, due_days),
        created_at=ctx.now,
        status=RequestStatus.OPEN,
    )
    db.session.add(request)
    _mediator_acts(ctx)
    summary = Words(
        N_("The mediator asked the buyer for evidence by %(when)s UTC: %(wanted)s")
        if Actor(party) is Actor.BUYER
        else N_("The mediator asked the seller for evidence by %(when)s UTC: %(wanted)s"),
        when=Moment(request.due_at),
        wanted=text,
    )
    return Done("evidence_requested", summary, result=request)


def respond_evidence(ctx: ActionContext, comment: str, files: Attachments) -> Done:
    """The party answers the mediator's open requests with files and a comment ("Respond now", M2)."""
    text = (comment or "").strip()
    if not len(files) and not text:
        raise FormInvalid({"comment": N_("Add the evidence asked for, or a comment.")})
    if len(text) > TEXT_MAX:
        raise FormInvalid(
            {"comment": Words(N_("Keep the comment under %(limit)s characters."), limit=TEXT_MAX)}
        )
    files.check()
    requests = [r for r in open_requests(ctx.dispute) if r.party is ctx.actor]
    hashes = files.store(ctx, request_id=requests[0].id)
    for request in requests:
        request.status = RequestStatus.ANSWERED
        request.responded_at = ctx.now
        request.response_comment = text
    files_said = {0: Words(N_("no file")), 1: Words(N_("1 file"))}.get(
        len(hashes), Words(N_("%(count)s files"), count=len(hashes))
    )
    who = THE_ACTOR[ctx.actor]
    summary = (
        Words(
            N_('%(who)s responded to the mediator with %(files)s: "%(comment)s"'),
            who=who,
            files=files_said,
            comment=text,
        )
        if text
        else Words(N_("%(who)s responded to the mediator with %(files)s."), who=who, files=files_said)
    )
    return Done("evidence_provided", summary, data={"comment": text, "evidence": hashes})


def propose_decision(
    ctx: ActionContext,
    solutions: list[tuple[str, str, str]],
    comment: str,
    evidence: list[dict[str, Any]],
) -> Done:
    """Offer one or two solutions; a new proposal replaces the one the parties were answering (M4, M6).

    `evidence` is the fingerprint of every evidence item as the mediator decides (id, SHA-256, removed).
    """
    order = ctx.dispute.order
    text = _comment(comment)
    forms = validate_decision_solutions(
        solutions, total=order.total, currency=order.currency, received=ctx.dispute.received
    )
    previous = current_decision(ctx.dispute)
    if previous is not None:
        previous.status = DecisionStatus.REPLACED
    decision = Decision(
        dispute_id=ctx.dispute.id,
        mediator_id=ctx.person.id,
        status=DecisionStatus.PROPOSED,
        comment=text,
        created_at=ctx.now,
        answers_due_at=add_days(ctx.now, policy_named(ctx.dispute.policy).decision_answer_days),
        evidence_hashes=evidence,
        solutions=[
            DecisionSolution(
                position=i, resolution=f.terms.resolution, amount=f.terms.amount, comment=f.comment
            )
            for i, f in enumerate(forms, start=1)
        ],
    )
    db.session.add(decision)
    _mediator_acts(ctx)
    said = [describe_terms(f.terms, order.currency) for f in forms]
    offered = (
        said[0] if len(said) == 1 else Words(N_("%(first)s; or %(second)s"), first=said[0], second=said[1])
    )
    summary = Words(
        N_("The mediator proposed: %(offered)s. Answers are due by %(day)s UTC."),
        offered=offered,
        day=Moment(decision.answers_due_at, with_time=False),
    )
    return Done("decision_proposed", summary, result=decision)


def _number(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


def answer_decision(ctx: ActionContext, solution: str, comment: str, files: Attachments) -> Done:
    """A party accepts one solution or rejects them (with new evidence); matching answers close it (M4-M6)."""
    decision = current_decision(ctx.dispute)
    assert decision is not None  # the engine's guard
    picked = _number(solution)
    if picked is None or not REJECTED <= picked <= len(decision.solutions):
        raise FormInvalid({"solution": N_("Accept one of the solutions, or reject them.")})
    text = _comment(comment)
    files.check()
    files.store(ctx)
    decision.answers.append(
        DecisionAnswer(
            party=ctx.actor, user_id=ctx.person.id, solution=picked, comment=text, created_at=ctx.now
        )
    )
    other = decision.answer_of(ctx.actor.other_party)
    if picked and other is not None and other.solution == picked:
        decision.status, decision.chosen_solution, decision.decided_at = (
            DecisionStatus.AGREED,
            picked,
            ctx.now,
        )
    said = (
        Words(N_("%(who)s accepted solution %(number)s."), who=THE_ACTOR[ctx.actor], number=picked)
        if picked
        else Words(N_("%(who)s rejected the proposed solutions."), who=THE_ACTOR[ctx.actor])
    )
    return Done(
        "decision_answered",
        said,
        rule="M4" if picked else "M6",
        data={"comment": text},
        solution=picked,
        closing_summary=Words(N_("Both parties accepted the same solution.")),
        outcome_comment=decision.comment,
    )


def final_decision(ctx: ActionContext, solution: str, comment: str, evidence: list[dict[str, Any]]) -> Done:
    """The mediator picks one of the solutions already offered; the dispute closes (M5)."""
    decision = current_decision(ctx.dispute)
    assert decision is not None  # the engine's guard
    position = _number(solution) or 0
    if not 1 <= position <= len(decision.solutions):
        raise FormInvalid({"solution": N_("Choose one of the solutions you offered.")})
    text = _comment(comment)
    chosen = decision.solutions[position - 1]
    decision.status, decision.chosen_solution, decision.decided_at = DecisionStatus.FINAL, position, ctx.now
    decision.evidence_hashes = evidence
    _mediator_acts(ctx)
    amount = Amount(chosen.amount, ctx.dispute.currency)
    return Done(
        "closed",
        Words(
            N_("The mediator's final decision: solution %(number)s, %(amount)s."),
            number=chosen.position,
            amount=amount,
        ),
        solution=position,
        outcome_comment=text or decision.comment,
    )
