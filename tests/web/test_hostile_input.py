"""Hostile input gets a 4xx with words and changes nothing: no row, no stored object, never a 500.

The corpus is generated, never committed: the forms are read from the pages each kind of person
sees in each stage of a dispute (and the login and opening pages), and every field of every form is
sent with a NUL byte, other control characters, an overlong value, a number past 64 bits, and (for
file fields) hostile file names. Afterwards the database holds the same rows and the storage the
same objects as before, history and audit records aside.
"""

from __future__ import annotations

import html
import io
import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from dispute_world import NOW, World, ago, make_order
from flask import Flask
from PIL import Image
from sqlalchemy import func, select, text
from test_evidence_locker import jpeg

from dispute_engine import Action, Actor
from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.demo import demo_photo
from webapp.disputes import negotiation
from webapp.disputes.models import Dispute
from webapp.disputes.opening import open_dispute
from webapp.disputes.ticking import tick
from webapp.evidence.attachments import UploadedFiles
from webapp.mediation import services as mediation
from webapp.mediation.services import take_case

TEXT_VARIANTS = {
    "a NUL byte": "left\x00right",
    "an escape sequence": "left\x1b[2Jright",
    "a bell and a backspace": "left\x07\x08right",
    "an overlong value": "x" * 5001,
}
NUMBER_VARIANTS = {"a number past 64 bits": str(2**64), "4400 digits": "9" * 4400}
FILE_NAME_VARIANTS = {
    "a NUL in the file name": "photo\x00.jpg",
    "control characters in the file name": "photo\x1b\x07.jpg",
    "a newline in the file name": "photo\r\nContent-Type: text/html.jpg",
    "an overlong file name": "x" * 300 + ".jpg",
}
NOT_MUTATED = {"csrf_token"}  # CSRF checks are off in tests: its value decides nothing here
# Tables that record that something was tried (history, notifications, audit trails), not what is.
RECORDS = ("dispute_events", "notifications", "audit", "login", "view")
TWO_SOLUTIONS = [("refund_only", "15.00", "Keep it"), ("return_and_refund", "50.00", "Send it back")]
_colours = itertools.count(1)


def words(response) -> str:
    """The response as a person reads it (entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


# --- what the database and the storage hold -----------------------------------------------------


def holdings(app: Flask) -> dict[str, object]:
    """Row counts of every table (records aside), each dispute's version, and every stored file."""
    db.session.rollback()
    counts = {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if not any(word in table.name for word in RECORDS)
    }
    versions = db.session.execute(text("SELECT id, version FROM disputes ORDER BY id")).all()
    root = Path(app.config["MEDIA_ROOT"])
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return {"rows": counts, "versions": [tuple(v) for v in versions], "files": files}


# --- forms as the pages render them -------------------------------------------------------------


@dataclass
class Form:
    """A POST form of a page: where it goes, its fields with their rendered values, its file fields."""

    page: str
    action: str
    values: dict[str, str] = field(default_factory=dict)
    numeric: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)


class FormReader(HTMLParser):
    """Collect every POST form and its fields (inputs, textareas, selects) from a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(self.page, a.get("action") or self.page)
            self.forms.append(self._form)
        if self._form is None or not a.get("name") or a["name"] in NOT_MUTATED:
            if tag == "select":
                self._select = None
            return
        name, kind = a["name"], a.get("type", "text").lower()
        if tag == "input" and kind == "file":
            self._form.files.add(name)
        elif tag == "input" and kind in ("radio", "checkbox"):
            if name not in self._form.values or "checked" in a:
                self._form.values[name] = a.get("value", "on")
            self._mark_numeric(name, a.get("value", ""), a)
        elif tag in ("input", "textarea"):
            self._form.values.setdefault(name, a.get("value", ""))
            self._mark_numeric(name, a.get("value", ""), a)
        elif tag == "select":
            self._select = name
            self._form.values.setdefault(name, "")
        if tag == "option" and self._select and self._form.values.get(self._select) == "":
            self._form.values[self._select] = a.get("value", "")

    def _mark_numeric(self, name: str, value: str, a: dict[str, str]) -> None:
        if a.get("inputmode") in ("numeric", "decimal") or (value.isdigit() and a.get("type") != "text"):
            assert self._form is not None
            self._form.numeric.add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def forms_of(client, page: str) -> list[Form]:
    response = client.get(page)
    assert response.status_code == 200, page
    reader = FormReader(page)
    reader.feed(response.get_data(as_text=True))
    return [form for form in reader.forms if form.action not in ("/logout",)]


# --- the disputes whose pages carry every form ---------------------------------------------------


def open_on(world: World, number: str, at, **overrides) -> int:
    """The buyer opens a damaged-goods dispute on a new order, with one photo."""
    order = make_order(world.buyer, world.seller, number=number)
    form = {
        "received": "yes",
        "reason": "damaged_in_transit",
        "resolution": "refund_only",
        "amount": "30.00",
        "description": "Arrived broken.",
        **overrides,
    }
    dispute = open_dispute(world.buyer, order.id, form, UploadedFiles([demo_photo("Broken")]), now=at)
    db.session.commit()
    return dispute.id


def act(world: World, user: User, dispute_id: int, action: Action, at, step) -> None:
    world.act(user, db.session.get_one(Dispute, dispute_id), action, at, step)


def pages(world: World) -> list[tuple[User | None, str]]:
    """(who, page) for every stage and every person: between them, every form of the app's pages."""
    fresh = world.open(ago(1)).id
    refund = open_on(world, "R-1", ago(9), amount="50")
    escalated = open_on(world, "E-1", ago(8))
    decided = open_on(world, "D-1", ago(8))
    for dispute_id in (escalated, decided):
        act(
            world,
            world.seller,
            dispute_id,
            Action.REJECT_REQUEST,
            ago(7),
            lambda c: negotiation.reject_request(c, {}),
        )
    tick()  # the refund dispute closes for the silent seller (S1); the two others escalate (N1)
    negotiating = open_on(world, "N-1", ago(3))
    counter = {"resolution": "refund_only", "amount": "10.00", "comment": "Half"}
    act(
        world,
        world.seller,
        negotiating,
        Action.REJECT_REQUEST,
        ago(2),
        lambda c: negotiation.reject_request(c, counter),
    )
    act(
        world,
        world.seller,
        negotiating,
        Action.SEND_MESSAGE,
        ago(1.5),
        lambda c: negotiation.send_message(c, "No."),
    )
    returning = open_on(world, "T-2", ago(2), resolution="return_and_refund")
    proposal = db.session.get_one(Dispute, returning).live_proposals(Actor.BUYER)[0].id
    act(
        world,
        world.seller,
        returning,
        Action.ACCEPT_PROPOSAL,
        ago(1),
        lambda c: negotiation.accept_proposal(c, proposal),
    )
    for case in (escalated, decided):  # only the mediator holding a case acts on it
        act(world, world.mediator, case, Action.TAKE_CASE, NOW, take_case)
    act(
        world,
        world.mediator,
        escalated,
        Action.REQUEST_EVIDENCE,
        NOW,
        lambda c: mediation.request_evidence(c, "buyer", "The box", None),
    )
    act(
        world,
        world.mediator,
        decided,
        Action.PROPOSE_DECISION,
        NOW,
        lambda c: mediation.propose_decision(c, TWO_SOLUTIONS, "", []),
    )
    act(
        world,
        world.seller,
        decided,
        Action.ANSWER_DECISION,
        NOW,
        lambda c: mediation.answer_decision(c, "0", "No", UploadedFiles([])),
    )
    unopened = make_order(world.buyer, world.seller, number="U-1")
    show = "/disputes/{}".format
    return [
        (None, "/login"),
        (world.buyer, f"/orders/{unopened.id}/dispute/new"),
        (world.buyer, show(fresh)),
        (world.seller, show(fresh)),
        (world.buyer, show(negotiating)),
        (world.seller, show(negotiating)),
        (world.buyer, show(escalated)),
        (world.mediator, show(escalated)),
        (world.buyer, show(decided)),
        (world.mediator, show(decided)),
        (world.buyer, show(returning)),
        (world.seller, show(refund)),
        (world.buyer, show(refund)),
    ]


# --- the corpus ----------------------------------------------------------------------------------


def variants(form: Form):
    """(field, description, form values, files) for every hostile value of every field of `form`."""
    for name in sorted(form.values):
        hostile = {**TEXT_VARIANTS, **(NUMBER_VARIANTS if name in form.numeric else {})}
        for said, value in hostile.items():
            yield name, said, {**form.values, name: value}, {f: "photo.png" for f in form.files}
    for name in sorted(form.files):
        for said, filename in FILE_NAME_VARIANTS.items():
            yield name, said, dict(form.values), {**{f: "photo.png" for f in form.files}, name: filename}


def distinct_photo() -> bytes:
    """A small PNG unlike every other one sent (lossless: no two colours encode the same)."""
    n = next(_colours)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (n % 256, n // 256 % 256, 99)).save(buffer, "PNG")
    return buffer.getvalue()


def send(client, form: Form, values: dict[str, str], files: dict[str, str]):
    data: dict[str, object] = {**values, "confirm": "yes"}  # past any confirmation, to the service
    for name, filename in files.items():
        data[name] = (io.BytesIO(distinct_photo()), filename)
    return client.post(form.action, data=data, content_type="multipart/form-data" if files else None)


def test_the_hostile_input_corpus_gets_4xx_for_every_field_and_changes_nothing(
    app: Flask, client, auth, world: World
):
    visits = pages(world)
    before = holdings(app)
    tried, wrong = 0, []
    for user, page in visits:
        if user is None:
            auth.logout()
        else:
            auth.login_as(user)
        for form in forms_of(client, page):
            for name, said, values, files in variants(form):
                response = send(client, form, values, files)
                tried += 1
                if not 400 <= response.status_code < 500:
                    wrong.append(f"{page} -> {form.action} [{name}] with {said}: {response.status_code}")
    print(f"{tried} hostile requests against {len(visits)} pages")
    assert tried > 500  # the pages really carried their forms
    assert wrong == [], "\n".join(wrong)
    assert holdings(app) == before


# --- the cases the issue named, one by one -------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/disputes/{id}/message", "body"),
        ("/disputes/{id}/change", "description"),
        ("/disputes/{id}/add-solution", "comment"),
    ],
)
def test_a_nul_byte_in_a_text_field_is_refused_with_words(client, auth, world: World, path: str, field: str):
    dispute_id = world.open(ago(1)).id
    auth.login_as(world.buyer)
    response = client.post(path.format(id=dispute_id), data={field: "Hello\x00world"})
    assert response.status_code == 400
    assert f"The form field '{field}' contains a control character (such as a NUL byte)" in words(response)


def test_a_nul_byte_in_the_login_email_or_an_upload_name_is_refused_and_nothing_is_stored(
    app: Flask, client, auth, world: World
):
    login = client.post("/login", data={"email": "buyer\x00@example.com", "password": "x"})
    assert login.status_code == 400 and "control character" in words(login)
    dispute_id = world.open(ago(1)).id
    before = holdings(app)
    auth.login_as(world.buyer)
    upload = client.post(
        f"/disputes/{dispute_id}/evidence",
        data={"evidence": (io.BytesIO(jpeg()), "crack\x00.jpg"), "caption": "A crack"},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 400 and "The file name 'crack.jpg' contains" in words(upload)
    assert holdings(app) == before


def test_ids_past_64_bits_are_404_on_every_route_and_page_numbers_are_bounded(
    app: Flask, client, auth, world: World
):
    auth.login_as(world.buyer)
    huge = str(2**64)
    checked = 0
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:\w+>", huge, rule.rule)
        path = re.sub(r"<\w+>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code == 404, (method, path, response.status_code)
            checked += 1
    assert checked >= 10
    for page in ("9223372036854775807", huge, "9" * 4400):
        assert client.get(f"/notifications?page={page}").status_code == 200
        assert client.get(f"/outbox?page={page}").status_code == 200
    read_all = client.post("/notifications/read-all", data={"up_to": huge, "page": huge})
    assert read_all.status_code == 303
