"""Deadline reminders: 24 h and 2 h before a deadline against a party, once each, never for a moved one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta

from dispute_world import NOW, World, ago, make_order
from sqlalchemy import delete, func, select

from dispute_engine import Action
from webapp.core import clock
from webapp.core.clock import real_now
from webapp.core.extensions import db
from webapp.disputes import lifecycle, negotiation
from webapp.disputes.models import Dispute
from webapp.disputes.opening import open_dispute
from webapp.disputes.ticking import tick
from webapp.history.models import Notification
from webapp.mediation.services import request_evidence
from webapp.notifications.models import DeadlineReminder
from webapp.notifications.reminders import send_due_reminders

NOT_RECEIVED = {
    "received": "no",
    "reason": "no_tracking",
    "resolution": "refund_only",
    "amount": "20",
    "description": "Never arrived.",
}


def seller_rejects(world: World, dispute: Dispute, at: datetime) -> None:
    world.act(world.seller, dispute, Action.REJECT_REQUEST, at, lambda c: negotiation.reject_request(c, {}))


def reminders_of(user_id: int) -> list[str]:
    db.session.expire_all()
    notes = db.session.scalars(
        select(Notification.note)
        .where(Notification.user_id == user_id, Notification.event_id.is_(None))
        .order_by(Notification.id)
    )
    return list(notes)


def test_s1_the_silent_seller_is_reminded_once_a_day_before_and_names_the_dispute_task_and_time(
    world: World,
):
    dispute = world.open(real_now() - timedelta(days=4.5))  # S1: the seller's 5 days end in 12 hours

    assert send_due_reminders() == 1
    assert send_due_reminders() == 0  # once

    [note] = reminders_of(world.seller.id)
    due = dispute.opened_at + timedelta(days=5)
    assert f"Reminder for dispute #{dispute.id} (Teapot)" in note
    assert "accept or reject the buyer's request" in note
    assert f"by {due:%d %B %Y, %H:%M} UTC" in note
    assert re.search(r"\(11 h (59|58) min left\)", note)
    assert "closes in the buyer's favour" in note
    assert reminders_of(world.buyer.id) == []  # the deadline is not against the buyer


def test_s1_a_reminder_is_written_in_its_recipients_language(world: World):
    world.seller.locale = "ru"
    db.session.commit()
    dispute = world.open(real_now() - timedelta(days=4.5))

    assert send_due_reminders() == 1

    [note] = reminders_of(world.seller.id)
    assert (
        f"Напоминание по спору № {dispute.id} (Teapot): нужно принять или отклонить требование покупателя"
        in note
    )
    assert re.search(r"до \d{2} [а-я]+ \d{4}, \d{2}:\d{2} UTC", note)  # the month in Russian
    assert re.search(r"\(осталось 11 ч (59|58) мин\)", note)
    assert "Без ответа спор закроется в пользу покупателя." in note


def test_s1_the_two_hour_reminder_follows_and_a_late_clock_never_sends_both(world: World):
    # 1 h 30 min left (from the real time: the words say what is left when the reminder goes).
    world.open(real_now() - timedelta(days=5) + timedelta(hours=1, minutes=30))

    assert send_due_reminders() == 1
    [note] = reminders_of(world.seller.id)
    assert "(1 h 29 min left)" in note or "(1 h 30 min left)" in note
    rows = db.session.scalars(select(DeadlineReminder).order_by(DeadlineReminder.lead_minutes)).all()
    assert [(r.lead_minutes, r.sent_at is not None, r.dropped_at is not None) for r in rows] == [
        (120, True, False),
        (1440, False, True),  # its time had passed: dropped, never sent
    ]


def test_n1_the_negotiation_clock_reminds_nobody_it_acts_against_no_one(world: World):
    dispute = world.open(ago(6.5))
    seller_rejects(world, dispute, ago(6.4))

    assert send_due_reminders() == 0


def test_c2_a_moved_deadline_gets_its_own_reminders_and_the_old_ones_are_never_sent(world: World):
    dispute = world.open(ago(4.5))
    world.act(world.buyer, dispute, Action.CANCEL, ago(4.4), lifecycle.cancel)
    world.act(world.buyer, dispute, Action.REOPEN, ago(0.5), lifecycle.reopen)  # S1 now ends in 4.5 days

    assert send_due_reminders() == 0  # the first opening's reminder was dropped
    old = db.session.scalars(
        select(DeadlineReminder).where(DeadlineReminder.due_at == ago(4.5) + timedelta(days=5))
    ).all()
    assert old and all(r.dropped_at is not None and r.sent_at is None for r in old)

    clock.travel(db.session, timedelta(days=4))
    db.session.commit()
    assert send_due_reminders() == 1
    [note] = reminders_of(world.seller.id)
    assert f"{ago(0.5) + timedelta(days=5):%d %B %Y, %H:%M} UTC" in note


def test_a_reminder_whose_deadline_no_longer_stands_is_dropped_by_the_clock_itself(world: World):
    dispute = world.open(ago(1))
    stray = DeadlineReminder(
        dispute_id=dispute.id,
        kind="seller_response",
        due_at=NOW + timedelta(hours=3),  # not the dispute's S1 time
        user_id=world.seller.id,
        lead_minutes=1440,
        send_at=ago(0.1),
        expires_at=NOW + timedelta(hours=1),
    )
    db.session.add(stray)
    db.session.commit()

    assert send_due_reminders() == 0
    db.session.refresh(stray)
    assert stray.dropped_at is not None and stray.sent_at is None


def test_f2_the_buyer_is_reminded_to_ship_the_return(world: World):
    world.agree_on_a_return(ago(12), ago(9.5))  # F2: ship back within 10 days of the agreement

    assert send_due_reminders() == 1
    [note] = reminders_of(world.buyer.id)
    assert "ship the item back and enter the return tracking number" in note
    assert "the return lapses" in note


def test_f1_the_seller_is_reminded_to_pay_the_refund_by_its_due_date(world: World):
    dispute = world.open(ago(16))
    proposal_id = dispute.live_proposals()[0].id
    world.act(
        world.seller,
        dispute,
        Action.ACCEPT_PROPOSAL,
        ago(14.5),
        lambda c: negotiation.accept_proposal(c, proposal_id),
    )  # F1: the refund is due 15 days after closing

    assert send_due_reminders() == 1
    [note] = reminders_of(world.seller.id)
    assert "pay the refund" in note


def test_m2_an_evidence_request_reminds_the_party_asked(world: World):
    dispute = world.open(ago(12))
    seller_rejects(world, dispute, ago(11))
    tick()  # N1: escalated
    world.take(dispute, ago(4))
    world.act(
        world.mediator,
        dispute,
        Action.REQUEST_EVIDENCE,
        ago(2.5),
        lambda c: request_evidence(c, "buyer", "The tracking page.", "3"),
    )

    assert send_due_reminders() == 1
    [note] = reminders_of(world.buyer.id)
    assert "send the evidence the mediator asked for" in note
    assert "closes in the seller's favour" in note


def run_clocks(count: int, url: str) -> list[subprocess.Popen[str]]:
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "flask", "--app", "webapp", "disputes", "tick"]
    return [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(count)
    ]


DISPUTES = 30


def test_two_clocks_at_once_send_each_reminder_exactly_once(world: World, database_url_for_tests: str):
    for number in range(DISPUTES):
        order = make_order(world.buyer, world.seller, number=f"R-{number}")
        open_dispute(world.buyer, order.id, NOT_RECEIVED, now=ago(4.5))
    db.session.commit()

    clocks = run_clocks(2, database_url_for_tests)
    outputs = [c.communicate(timeout=120) for c in clocks]
    assert all(c.returncode == 0 for c in clocks), outputs
    sent = [int(re.search(r"(\d+) reminder", out).group(1)) for out, _ in outputs]

    db.session.expire_all()
    print("reminders sent per clock:", sent)
    assert sum(sent) == DISPUTES
    per_dispute = db.session.execute(
        select(Notification.dispute_id, func.count())
        .where(Notification.event_id.is_(None))
        .group_by(Notification.dispute_id)
    ).all()
    assert len(per_dispute) == DISPUTES and {count for _, count in per_dispute} == {1}


def test_plan_reminders_plans_what_disputes_older_than_the_upgrade_need_and_twice_is_harmless(
    world: World, runner
):
    world.open(ago(4.5))
    db.session.execute(delete(DeadlineReminder))  # as before the upgrade: nothing planned
    db.session.commit()

    first = runner.invoke(args=["notifications", "plan-reminders"])
    second = runner.invoke(args=["notifications", "plan-reminders"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert "for 1 dispute(s)" in first.output
    assert db.session.scalar(select(func.count()).select_from(DeadlineReminder)) == 2  # 24 h and 2 h
    assert send_due_reminders() == 1
