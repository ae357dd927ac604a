"""The "Open a dispute" form: its answers, the engine's errors per field, and what each field shows (O4-O9).

Validation is the engine's (`validate_request`); this module only decides which of its errors a
field shows and renders the fields as partials, each one root with a stable id (`field-<name>`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import render_template, request

from dispute_engine import (
    REASONS,
    REQUESTABLE,
    FormInvalid,
    Reason,
    in_transit_reason_opens_at,
    opening_window,
    reasons_for,
    smallest_amount,
)
from dispute_engine.reasons import ReasonInfo
from dispute_engine.words import N_, Moment, Words
from webapp.core.formatting import money
from webapp.core.policies import policy_named
from webapp.disputes.opening import validate_opening_form
from webapp.orders.models import Order

ANSWERS = ("received", "reason", "resolution", "amount", "description")
FIELDS = (*ANSWERS, "evidence")
# Each part of the form that htmx swaps on its own, by name.
PARTIALS = {
    **{name: f"orders/_field_{name}.html" for name in FIELDS},
    "guidance": "orders/_guidance.html",
}
# Where an error in the summary at the top links to: the field's first control.
ANCHORS = {"received": "received-yes", "resolution": "resolution-refund_only"}
GROUP_LABELS: dict[bool, str] = {True: Words(N_("Goods received")), False: Words(N_("Goods not received"))}


@dataclass(frozen=True)
class ReasonOption:
    """One <option> of the reason list: disabled, with the date, while it cannot be chosen yet (O5)."""

    value: str
    label: str
    disabled: bool = False


def answers(source: Mapping[str, str]) -> dict[str, str]:
    """The form's own answers from a request's form or query string (files and tokens left out)."""
    return {name: str(source.get(name) or "") for name in ANSWERS if source.get(name) is not None}


def chosen_files() -> int:
    """How many evidence files the current request names.

    A submitted form carries the files; an htmx check is sent url-encoded, where each chosen
    file is one `evidence` entry without its content (so a check never uploads anything).
    """
    uploads = [f for f in request.files.getlist("evidence") if f and f.filename]
    return len(uploads) + len([v for v in request.form.getlist("evidence") if v])


def received_answer(values: Mapping[str, str]) -> bool | None:
    """Yes, no, or not answered yet."""
    return {"yes": True, "no": False}.get(values.get("received", ""))


def engine_errors(order: Order, values: Mapping[str, str], now: datetime, files: int) -> dict[str, str]:
    """Every field error the engine finds in these answers (O4-O8); empty when the form is valid."""
    try:
        validate_opening_form(order, values, now, files)
    except FormInvalid as exc:
        errors: dict[str, str] = dict(exc.words)  # said in the reader's language when shown
        return errors
    return {}


def fit_reason_to_answer(values: Mapping[str, str]) -> dict[str, str]:
    """The answers with the reason dropped when it is not one for the received answer (O5)."""
    fitted = dict(values)
    got = received_answer(values)
    info = _reason_info(values.get("reason"))
    if got is not None and info is not None and info.received is not got:
        fitted["reason"] = ""
    return fitted


def errors_of_answered(errors: Mapping[str, str], values: Mapping[str, str]) -> dict[str, str]:
    """The errors of fields that have an answer: a field nobody filled in yet is not wrong yet."""
    return {name: message for name, message in errors.items() if values.get(name)}


def reason_groups(
    order: Order, values: Mapping[str, str], now: datetime, *, follow_received: bool
) -> list[tuple[str, list[ReasonOption]]]:
    """The reason list: only the received answer's group when it follows the answer, else both (O5)."""
    got = received_answer(values) if follow_received else None
    opens_at = in_transit_reason_opens_at(order.facts(), now)
    groups = []
    for received in (True, False):
        if got is not None and got is not received:
            continue
        options = []
        for info in reasons_for(received):
            waiting = info.reason is Reason.PROTECTION_EXPIRING_IN_TRANSIT and opens_at is not None
            label = (
                Words(
                    N_("%(reason)s (after %(day)s)"), reason=info.label, day=Moment(opens_at, with_time=False)
                )
                if waiting and opens_at
                else info.label
            )
            options.append(ReasonOption(info.reason.value, label, disabled=waiting))
        groups.append((GROUP_LABELS[received], options))
    return groups


def form_context(
    order: Order,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    now: datetime,
    *,
    follow_received: bool,
    files_lost: int = 0,
) -> dict[str, object]:
    """Everything the form's templates need; `follow_received` narrows the lists to the answer given."""
    groups = reason_groups(order, values, now, follow_received=follow_received)
    offered = {option.value for _label, options in groups for option in options}
    got = received_answer(values)
    return {
        "order": order,
        "values": values,
        "errors": errors,
        "reason_groups": groups,
        "in_transit_opens_at": (
            in_transit_reason_opens_at(order.facts(), now)
            if Reason.PROTECTION_EXPIRING_IN_TRANSIT.value in offered
            else None
        ),
        "resolutions": list(REQUESTABLE),  # a re-shipment is agreed later, not asked for (F6)
        "return_closed": follow_received and got is False,
        "received": got,
        "guidance": _reason_info(values.get("reason")),
        "reasons": REASONS,
        "minimum": money(smallest_amount(order.currency), order.currency),
        "maximum": money(order.total, order.currency),
        "window_closes_at": opening_window(order.facts(), policy_named(order.policy))[1],
        "anchors": ANCHORS,
        "files_lost": files_lost,
    }


def render_parts(main: str, context: Mapping[str, object], oob: Iterable[str] = ()) -> str:
    """The `main` part for htmx to swap into its target, then `oob` parts swapped by their ids."""
    html = render_template(PARTIALS[main], oob=False, **context)
    return html + "".join(render_template(PARTIALS[name], oob=True, **context) for name in oob)


def _reason_info(value: str | None) -> ReasonInfo | None:
    try:
        return REASONS[Reason(value)] if value else None
    except ValueError:
        return None
