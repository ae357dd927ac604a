"""What a walk-through of the dispute pages found wrong (issue 11): one-solution proposals, the
answer to an evidence request, the amounts shown, and the words parties read."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from dispute_world import NOW, World, ago
from sqlalchemy import select

from dispute_engine import Action
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.evidence.models import EvidenceItem
from webapp.mediation.models import Decision

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def escalated(world: World, *, taken: bool = True):
    """A dispute the platform reviews (the seller rejected, negotiation ran out), held by the mediator."""
    from webapp.disputes.ticking import tick

    dispute = world.open(ago(9))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(8), lambda c: negotiation.reject_request(c, {})
    )
    tick()
    if taken:
        world.take(dispute, NOW)
    return world.reload(dispute)


def field_value(html: str, name: str) -> str:
    """The value a rendered input carries (empty when it has none)."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, f"no input named {name}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return unescape(value.group(1)) if value else ""


# Item 1: a mediator proposes a single solution (M4) ----------------------------------------------

# What the browser sends for a one-solution proposal: solution 2's resolution is a select, so it
# always carries a value even when the mediator typed nothing in that solution.
ONE_SOLUTION = {
    "solution1_resolution": "refund_only",
    "solution1_amount": "12.00",
    "solution1_comment": "Keep it, part back",
    "solution2_resolution": "refund_only",
    "solution2_amount": "",
    "solution2_comment": "",
    "comment": "The photo shows a chip, not a break.",
}


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_m4_a_mediator_proposes_a_single_solution_as_the_form_sends_it(client, auth, world: World, headers):
    dispute = escalated(world)
    auth.login_as(world.mediator)
    response = client.post(
        f"/disputes/{dispute.id}/propose-decision",
        data={**ONE_SOLUTION, "version": dispute.version},
        headers=headers,
    )
    assert response.status_code == (200 if headers else 303), text(response)
    decision = db.session.scalar(select(Decision))
    assert decision is not None and [(s.position, str(s.amount)) for s in decision.solutions] == [
        (1, "12.00")
    ]
    auth.login_as(world.buyer)
    page = text(client.get(f"/disputes/{dispute.id}"))
    assert page.count('id="solution-') == 1 and "Refund only, <strong>12.00 USD</strong>" in page


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_m4_a_refused_proposal_names_its_solution_and_keeps_what_was_typed(
    client, auth, world: World, headers
):
    dispute = escalated(world)
    auth.login_as(world.mediator)
    typed = {
        **ONE_SOLUTION,
        "solution2_resolution": "return_and_refund",
        "solution2_amount": "",
        "solution2_comment": "Everything back after a return",
    }
    response = client.post(
        f"/disputes/{dispute.id}/propose-decision",
        data={**typed, "version": dispute.version},
        headers=headers,
    )
    assert response.status_code == 422
    html = text(response)
    assert "Solution 2: enter an amount." in html
    assert 'id="error-solution2_amount"' in html  # beside its field, not only in the status line
    assert field_value(html, "solution1_amount") == "12.00"
    assert field_value(html, "solution1_comment") == "Keep it, part back"
    assert field_value(html, "solution2_comment") == "Everything back after a return"
    assert '<option value="return_and_refund" selected>' in html
    assert "The photo shows a chip, not a break.</textarea>" in html
    assert db.session.scalar(select(Decision)) is None


def test_m4_what_another_form_typed_is_not_poured_into_the_proposal(client, auth, world: World):
    dispute = escalated(world)
    auth.login_as(world.mediator)
    refused = client.post(
        f"/disputes/{dispute.id}/request-evidence",
        data={"party": "buyer", "wanted": "", "comment": "not mine", "version": dispute.version},
    )
    assert refused.status_code == 422
    assert "not mine" not in text(refused)


# Item 2: the comment answering an evidence request is shown (M2) ---------------------------------


def test_m2_the_comment_answering_an_evidence_request_reaches_the_mediator_and_the_history(
    client, auth, world: World
):
    from webapp.mediation import services as mediation

    dispute = escalated(world)
    world.act(
        world.mediator,
        dispute,
        Action.REQUEST_EVIDENCE,
        NOW,
        lambda c: mediation.request_evidence(c, "buyer", "A photo of the box", "3"),
    )
    auth.login_as(world.buyer)
    sent = client.post(
        f"/disputes/{world.reload(dispute).id}/respond",
        data={
            "comment": "The box went to recycling; here is what the courier left.",
            "version": world.reload(dispute).version,
        },
    )
    assert sent.status_code == 303, text(sent)
    said = "The box went to recycling; here is what the courier left."
    for person in (world.mediator, world.buyer, world.seller):
        auth.login_as(person)
        page = text(client.get(f"/disputes/{dispute.id}"))
        mediation_part = page[page.index('id="mediation"') : page.index('id="history"')]
        assert "A photo of the box" in mediation_part and said in unescape(mediation_part), person.email
        history = page[page.index('id="history"') :]
        assert f'The buyer responded to the mediator with no file: "{said}"' in unescape(history)


# Item 5: the progress bar draws the path the dispute took (H3, C4) -------------------------------


def bar_steps(html: str) -> list[str]:
    """The bar's steps as a person reads them: `Decision (done, final decision)`."""
    steps = re.findall(r'<li class="progress__step progress__step--(\w+)"[^>]*>(.*?)</li>', html, re.S)
    readable = []
    for status, inner in steps:
        label = inner.split("<span", 1)[0].strip()
        note = re.search(r'class="progress__note"><span class="visually-hidden">, </span>([^<]*)<', inner)
        readable.append(f"{label} ({status}{', ' + note.group(1) if note else ''})")
    return readable


def test_h3_m5_a_final_decision_shows_the_decision_as_taken(client, auth, world: World):
    from webapp.mediation import services as mediation

    dispute = escalated(world)
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        NOW,
        lambda c: mediation.propose_decision(c, [("refund_only", "10.00", "")], "", []),
    )
    world.act(
        world.buyer,
        dispute,
        Action.ANSWER_DECISION,
        NOW,
        lambda c: mediation.answer_decision(c, "0", "No", _no_files()),
    )
    world.act(
        world.mediator,
        dispute,
        Action.FINAL_DECISION,
        NOW,
        lambda c: mediation.final_decision(c, "1", "", []),
    )
    auth.login_as(world.buyer)
    steps = bar_steps(text(client.get(f"/disputes/{dispute.id}/parts/progress", headers=HX)))
    assert steps[3:5] == ["Platform review (done)", "Decision (done, final decision)"]


def test_h3_c1_a_dispute_cancelled_before_the_seller_answered_shows_no_seller_response(
    client, auth, world: World
):
    from webapp.disputes import lifecycle

    dispute = world.open(ago(1))
    world.act(world.buyer, dispute, Action.CANCEL, NOW, lifecycle.cancel)
    auth.login_as(world.seller)
    steps = bar_steps(text(client.get(f"/disputes/{dispute.id}/parts/progress", headers=HX)))
    assert steps == [
        "Opened (done)",
        "Seller response (skipped)",
        "Negotiation (skipped)",
        "Platform review (skipped)",
        "Decision (skipped)",
        "Refund (skipped)",
    ]


def _no_files():
    from webapp.evidence.attachments import UploadedFiles

    return UploadedFiles([])


# Item 3: the amount that stands, and the figures before it (C4) ----------------------------------


def agreed_at_ten(world: World):
    """The buyer asked for 30.00; the seller rejected, offering 10.00, and the buyer accepted (N4)."""
    dispute = world.open(ago(3))
    counter = world.act(
        world.seller,
        dispute,
        Action.REJECT_REQUEST,
        ago(2),
        lambda c: negotiation.reject_request(c, {"resolution": "refund_only", "amount": "10.00"}),
    )
    world.act(
        world.buyer,
        dispute,
        Action.ACCEPT_PROPOSAL,
        ago(1),
        lambda c: negotiation.accept_proposal(c, counter.id),
    )
    return world.reload(dispute)


def test_c4_the_header_of_a_dispute_agreed_at_ten_reads_requested_then_agreed(client, auth, world: World):
    dispute = agreed_at_ten(world)
    auth.login_as(world.buyer)
    page = unescape(text(client.get(f"/disputes/{dispute.id}")))
    header = page[page.index("<h1>") : page.index('id="dispute-status"')]
    assert "Refund only: requested 30.00 USD → agreed 10.00 USD" in header


def test_c4_the_header_follows_an_action_without_a_reload(client, auth, world: World):
    dispute = world.open(ago(2))
    counter = world.act(
        world.seller,
        dispute,
        Action.REJECT_REQUEST,
        ago(1),
        lambda c: negotiation.reject_request(c, {"resolution": "refund_only", "amount": "10.00"}),
    )
    auth.login_as(world.buyer)
    accepted = client.post(
        f"/disputes/{dispute.id}/accept",
        data={"proposal_id": counter.id, "version": world.reload(dispute).version, "confirm": "yes"},
        headers=HX,
    )
    html = unescape(text(accepted))
    assert '<p id="summary" class="muted dispute-summary" hx-swap-oob="true">' in html
    assert "requested 30.00 USD → agreed 10.00 USD" in html


@pytest.mark.parametrize("person", ["buyer", "seller"])
def test_c4_the_dashboard_row_shows_the_agreed_amount_named_and_the_request_before_it(
    client, auth, world: World, person
):
    agreed_at_ten(world)
    auth.login_as(getattr(world, person))
    row = unescape(text(client.get("/")))
    cell = row[row.index('data-label="Amount"') :]
    cell = cell[: cell.index("</td>")]
    assert "<strong>10.00 USD</strong>" in cell and "agreed" in cell
    assert "requested 30.00 USD → agreed 10.00 USD" in cell
    assert "<strong>30.00 USD</strong>" not in cell


def test_m4_the_mediator_queue_shows_the_proposed_amount(client, auth, world: World):
    from webapp.mediation import services as mediation

    dispute = escalated(world)
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        NOW,
        lambda c: mediation.propose_decision(c, [("refund_only", "12.00", "")], "", []),
    )
    auth.login_as(world.mediator)
    queue = unescape(text(client.get("/mediation")))
    cell = queue[queue.index('data-label="Amount"') :]
    cell = cell[: cell.index("</td>")]
    assert "<strong>12.00 USD</strong>" in cell and "requested 30.00 USD → proposed 12.00 USD" in cell


# Item 9: parties read sentences, not rule ids or status codes ------------------------------------

RULE_ID = re.compile(r"\((?:rule )?[A-Z]\d{1,2}\)")


def test_h1_the_parties_history_has_no_rule_ids_and_the_mediators_keeps_them(client, auth, world: World):
    dispute = escalated(world)
    for person in (world.buyer, world.seller):
        auth.login_as(person)
        history = unescape(text(client.get(f"/disputes/{dispute.id}/parts/history", headers=HX)))
        assert "The seller rejected the buyer's request." in history
        assert not RULE_ID.search(history), person.email
    auth.login_as(world.mediator)
    history = text(client.get(f"/disputes/{dispute.id}/parts/history", headers=HX))
    assert "(rule S3)" in history and "(rule N1)" in history


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_error_pages_say_what_happened_without_a_status_code(client, auth, world: World, headers):
    auth.login_as(world.buyer)
    refusals = (
        (client.get("/mediation", headers=headers), 403),
        (client.get("/disputes/999999", headers=headers), 404),
    )
    for response, status in refusals:
        html = text(response)
        assert response.status_code == status and 'id="error-title"' in html
        assert not re.search(r"(?i)error\s*\d{3}", html), html


# Item 9: a caption is per file -------------------------------------------------------------------


def jpeg(colour: tuple[int, int, int]) -> io.BytesIO:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


def captions(dispute_id: int) -> dict[str, str]:
    db.session.expire_all()
    rows = db.session.scalars(select(EvidenceItem).where(EvidenceItem.dispute_id == dispute_id))
    return {item.original_name: item.caption for item in rows}


def test_e1_each_uploaded_file_gets_its_own_caption_field_and_its_caption_stays_its_own(
    client, auth, world: World
):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    rows = {}
    for name, colour in (("spout.jpg", (200, 30, 30)), ("box.jpg", (30, 30, 200))):
        sent = client.post(
            f"/disputes/{dispute.id}/evidence",
            data={"evidence": (jpeg(colour), name)},
            content_type="multipart/form-data",
            headers=HX,
        )
        assert sent.status_code == 200, text(sent)
        rows[name] = text(sent)
        assert f"Caption for {name}" in rows[name]
    spout_form = re.search(r'<form class="upload-row__caption"[^>]*action="([^"]+)"', rows["spout.jpg"])
    assert spout_form
    saved = client.post(spout_form.group(1), data={"caption": "Crack along the spout"}, headers=HX)
    assert saved.status_code == 200
    assert {k: v for k, v in captions(dispute.id).items() if k in rows} == {
        "spout.jpg": "Crack along the spout",
        "box.jpg": "",
    }


def test_e1_a_caption_sent_with_several_files_is_refused_and_nothing_is_stored(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    before = captions(dispute.id)
    sent = client.post(
        f"/disputes/{dispute.id}/evidence",
        data={"evidence": [(jpeg((1, 2, 3)), "a.jpg"), (jpeg((4, 5, 6)), "b.jpg")], "caption": "Broken"},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 422 and "caption each file on its own" in text(sent)
    assert captions(dispute.id) == before


def test_e1_the_upload_form_has_no_batch_caption(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    page = text(client.get(f"/disputes/{dispute.id}"))
    form = page[page.index('id="evidence-form"') :]
    form = form[: form.index("</form>")]
    assert 'name="caption"' not in form
