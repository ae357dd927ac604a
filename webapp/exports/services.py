"""Ask for a download of a case, find one's exports, and queue again what a dead worker left."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select

from dispute_engine.transitions import THE_ACTOR
from dispute_engine.words import N_, Words
from webapp.core.clock import clock_now
from webapp.core.duties import every_minute
from webapp.core.extensions import db
from webapp.core.refusals import NotFound
from webapp.disputes.pipeline import note, viewable_dispute
from webapp.disputes.steps import ActionContext, Done
from webapp.exports.building import BUILD_JOB, abandoned
from webapp.exports.models import CaseExport, ExportStatus
from webapp.jobs.queue import enqueue, enqueue_after_commit
from webapp.jobs.recovery import on_worker_start

if TYPE_CHECKING:
    from webapp.accounts.models import User

LOST_AFTER_SECONDS = 10.0
SHOWN = 5  # a person's latest exports of one dispute on its download page


class ExportNotFound(NotFound):
    """No such download, or not this person's."""

    explanation: str = Words(N_("There is no such download of a case, or it is not yours."))


def request_export(user: User, dispute_id: int, now: datetime) -> CaseExport:
    """Queue a download of the case as `user` may see it, recorded in the history; one at a time."""
    waiting = db.session.scalar(
        select(CaseExport).where(
            CaseExport.dispute_id == dispute_id,
            CaseExport.user_id == user.id,
            CaseExport.status.in_((ExportStatus.QUEUED, ExportStatus.RUNNING)),
        )
    )
    if waiting is not None:  # a second click waits for the first (two at once would merely both run)
        viewable_dispute(user, dispute_id, now)
        return waiting

    def ask(ctx: ActionContext) -> Done:
        export = CaseExport(
            uuid=uuid.uuid4().hex,
            dispute_id=ctx.dispute.id,
            user_id=ctx.person.id,
            role=ctx.actor,
            status=ExportStatus.QUEUED,
            created_at=ctx.now,
        )
        db.session.add(export)
        db.session.flush()
        enqueue_after_commit(BUILD_JOB, [export.id])
        said = Words(N_("%(who)s downloaded the case as a ZIP."), who=THE_ACTOR[ctx.actor])
        return Done(
            "case_exported", said, data={"export": export.uuid}, result=export, quiet=True, notify=False
        )

    return note(user, dispute_id, now, ask)


def exports_of(user: User, dispute_id: int, now: datetime) -> list[CaseExport]:
    """The person's latest downloads of the dispute, newest first (404 for outsiders)."""
    viewable_dispute(user, dispute_id, now)
    return list(
        db.session.scalars(
            select(CaseExport)
            .where(CaseExport.dispute_id == dispute_id, CaseExport.user_id == user.id)
            .order_by(CaseExport.id.desc())
            .limit(SHOWN)
        )
    )


def own_export(user: User, export_uuid: str, now: datetime) -> CaseExport:
    """One of the person's downloads, while the person still sees its dispute; 404 otherwise (E4)."""
    export = db.session.scalar(select(CaseExport).where(CaseExport.uuid == export_uuid))
    if export is None or export.user_id != user.id:
        raise ExportNotFound(export_uuid)
    viewable_dispute(user, export.dispute_id, now)
    return export


def sweep(now: datetime) -> int:
    """Queue exports nobody builds: lost before their job started, or left by a dead worker."""
    lost_before = now - timedelta(seconds=LOST_AFTER_SECONDS)
    waiting = and_(CaseExport.status == ExportStatus.QUEUED, CaseExport.created_at <= lost_before)
    ids = list(db.session.scalars(select(CaseExport.id).where(or_(waiting, abandoned(now)))))
    db.session.commit()
    for export_id in ids:
        enqueue(BUILD_JOB, export_id)
    return len(ids)


@every_minute(order=35, done="case export(s) queued")
@on_worker_start(done="case export(s) queued")
def sweep_now() -> int:
    """The sweep as the clock runs it, at the app's time."""
    return sweep(clock_now(db.session))
