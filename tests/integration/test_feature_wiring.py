"""The features that react to the dispute are wired in by the app factory, not imported by it."""

from __future__ import annotations

from flask import Flask

from webapp.core.duties import duties
from webapp.disputes.events import DisputeClosed, DisputeEscalated, ReturnClockRan, subscribers
from webapp.disputes.facts import contributors
from webapp.jobs.queue import JOBS


def names(functions) -> set[str]:
    return {f"{f.__module__}.{f.__name__}" for f in functions}


def test_a_closing_starts_the_money_and_ends_the_mediators_business(app: Flask):
    assert names(subscribers(DisputeClosed)) == {
        "webapp.mediation.reactions.end_mediation_business",
        "webapp.settlement.reactions.start_settlement",
        "webapp.webhooks.outbox._closed",
    }
    assert names(subscribers(DisputeEscalated)) == {
        "webapp.mediation.reactions.close_requests_on_escalation",
        "webapp.webhooks.outbox._escalated",
    }
    assert names(subscribers(ReturnClockRan)) == {"webapp.settlement.reactions.follow_return_clock"}


def test_the_engines_facts_come_from_mediation_and_settlement(app: Flask):
    assert {c.__module__ for c in contributors()} == {"webapp.mediation.facts", "webapp.settlement.facts"}


def test_evidence_registers_its_job_and_the_clock_runs_every_duty_in_order(app: Flask):
    assert JOBS["evidence.process"].__module__ == "webapp.evidence.processing"
    assert JOBS["webhooks.deliver"].__module__ == "webapp.webhooks.delivery"
    assert JOBS["exports.build"].__module__ == "webapp.exports.building"
    assert [duty.done for duty in duties()] == [
        "deadline(s) acted",
        "reminder(s) sent",
        "email(s) sent",
        "evidence item(s) queued",
        "case export(s) queued",
        "overdue refund(s) found",
        "webhook(s) queued",
        "idempotent answer(s) forgotten",
    ]
