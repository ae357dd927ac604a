"""The case's readable summary in the ZIP: HTML, and the same page as PDF (WeasyPrint)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template

from dispute_engine import REASONS
from webapp.core.formatting import money
from webapp.evidence.views import shown_items
from webapp.exports.contents import CaseFiles
from webapp.exports.pdf import html_to_pdf
from webapp.mediation.decided_evidence import decision_record


def summary_html(case: CaseFiles, files: list[dict[str, Any]], person: str, at: datetime) -> str:
    """The summary page: the dispute, its outcome and decision, the files of this ZIP, the history."""
    dispute, actor = case.dispute, case.actor
    return render_template(
        "exports/summary.html",
        dispute=dispute,
        order=dispute.order,
        actor=actor,
        person=person,
        at=at,
        reason_label=REASONS[dispute.reason].label,
        money=lambda amount: money(amount, dispute.currency),
        evidence=case.evidence,
        omitted=case.omitted,
        files=files,
        events=case.events,
        last_event=case.last_event,
        **decision_record(dispute, actor, shown_items(dispute, actor)),
    )


def summary_pdf(html: str) -> bytes:
    """The summary page as PDF; nothing outside the page is fetched."""
    return html_to_pdf(html)
