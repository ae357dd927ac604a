"""The "Open a dispute" form over htmx: reasons follow the answer, each field checks itself when left."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from dispute_world import World, ago, make_order
from sqlalchemy import func, select

from webapp.core.extensions import db
from webapp.demo import demo_photo
from webapp.disputes.models import Dispute

HX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
FORM = {"received": "yes", "reason": "damaged_in_transit", "resolution": "refund_only"}
FORM |= {"amount": "30.00", "description": "Arrived broken."}
IN_TRANSIT = "protection_expiring_in_transit"
VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}


class Tree(HTMLParser):
    """The top-level elements of a fragment, every element's attributes by id, and the <option>s."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.roots: list[dict[str, str]] = []
        self.by_id: dict[str, dict[str, str]] = {}
        self.options: list[tuple[dict[str, str], str]] = []
        self._depth = 0
        self._option: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.roots += [found] if self._depth == 0 else []
        self.by_id.update({found["id"]: found} if "id" in found else {})
        self._option = found if tag == "option" else None
        self._depth += tag not in VOID

    def handle_endtag(self, tag: str) -> None:
        self._depth -= tag not in VOID

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self.options.append((self._option, data.strip()))
            self._option = None


def text(response) -> str:
    return response.get_data(as_text=True)


def root_ids(html: str) -> list[str]:
    return [attrs.get("id", "") for attrs in Tree(html).roots]


def disputes() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Dispute.id))) or 0


def reasons(client, order_id: int, headers=None, **query: str):
    return client.get(f"/orders/{order_id}/dispute/new/reasons", query_string=query, headers=headers or {})


def check(client, order_id: int, field: str, headers=None, **overrides: str):
    return client.post(
        f"/orders/{order_id}/dispute/new/check/{field}", data={**FORM, **overrides}, headers=headers or {}
    )


def submit(client, order_id: int, headers=None, photo: bool = True, **overrides: str):
    data: dict[str, object] = {**FORM, **overrides}
    if photo:
        upload = demo_photo("Broken")
        data["evidence"] = (upload.stream, upload.filename)
    return client.post(
        f"/orders/{order_id}/dispute", data=data, content_type="multipart/form-data", headers=headers or {}
    )


def test_o4_the_form_has_its_fields_labelled_and_the_refund_bounds(client, auth, world: World):
    auth.login_as(world.buyer)
    response = client.get(f"/orders/{world.order.id}/dispute/new")
    html = text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    labels = ("Did you receive the goods?</legend>", 'for="reason">Reason</label>', "Resolution</legend>")
    labels += ("> Refund only</label>", "> Return goods and refund</label>", ">Refund amount</label>")
    labels += (">Description</label>", 'for="evidence">Photos and videos</label>')
    for words in (*labels, ">Submit</button>", "Between 0.01 USD and 50.00 USD."):
        assert words in html
    ids = Tree(html).by_id
    for name in ("received", "reason", "resolution", "amount", "description", "evidence"):
        assert ids[f"field-{name}"]["hx-trigger"] == "change"
    assert ids["amount"]["aria-describedby"] == "amount-hint"
    assert "aria-invalid" not in ids["amount"]
    # The strict CSP: no inline scripts, no style attributes.
    assert "<script>" not in html and " style=" not in html


def test_o5_reasons_follow_received_without_reload(client, auth, world: World):
    auth.login_as(world.buyer)
    not_received = reasons(client, world.order.id, HX, received="no")
    html = text(not_received)
    assert not_received.status_code == 200 and "HX-Request" in not_received.headers["Vary"]
    oob = ["field-received", "field-resolution", "field-evidence", "evidence-guidance"]
    assert root_ids(html) == ["field-reason", *oob]
    assert "No tracking information" in html and "Damaged in transit" not in html
    received = text(reasons(client, world.order.id, HX, received="yes"))
    assert "Damaged in transit" in received and "No tracking information" not in received
    # The radios ask for the list in place of the reason field's wrapper.
    radios = Tree(text(client.get(f"/orders/{world.order.id}/dispute/new"))).by_id["field-received"]
    assert radios["hx-get"].endswith(f"/orders/{world.order.id}/dispute/new/reasons")
    assert (radios["hx-trigger"], radios["hx-target"]) == ("change", "#field-reason")
    assert radios["hx-swap"].startswith("outerHTML")


def test_o5_without_htmx_the_reasons_address_is_the_whole_form_with_both_groups(client, auth, world: World):
    auth.login_as(world.buyer)
    page = reasons(client, world.order.id, received="no")
    html = text(page)
    assert page.status_code == 200 and "HX-Request" in page.headers["Vary"]
    assert "<html" in html and 'id="dispute-form"' in html
    assert "Damaged in transit" in html and "No tracking information" in html
    assert 'value="no" id="received-no" checked' in html


def test_o5_a_reason_that_still_fits_the_answer_stays_chosen_and_one_that_does_not_is_dropped(
    client, auth, world: World
):
    auth.login_as(world.buyer)
    kept = Tree(text(reasons(client, world.order.id, HX, received="no", reason="no_tracking")))
    assert [label for attrs, label in kept.options if "selected" in attrs] == ["No tracking information"]
    dropped = text(reasons(client, world.order.id, HX, received="no", reason="damaged_in_transit"))
    assert " selected" not in dropped and "reason-error" not in dropped


def test_o5_in_transit_waits_for_protection_to_end_and_says_from_when(client, auth, world: World):
    auth.login_as(world.buyer)
    ends = world.order.protection_ends_at
    html = text(reasons(client, world.order.id, HX, received="no"))
    tree = Tree(html)
    option, label = next(pair for pair in tree.options if pair[0]["value"] == IN_TRANSIT)
    assert "disabled" in option and label.endswith(f"(after {ends:%d %B %Y})")
    assert f"can be chosen after {ends:%d %B %Y, %H:%M} UTC" in html
    assert tree.by_id["reason"]["aria-describedby"] == "reason-hint"

    ended = make_order(world.buyer, world.seller, number="T-ended", protection_ends=ago(1))
    html = text(reasons(client, ended.id, HX, received="no"))
    opened = next(attrs for attrs, _label in Tree(html).options if attrs["value"] == IN_TRANSIT)
    assert "disabled" not in opened and "can be chosen after" not in html


def test_o6_return_goods_and_refund_is_closed_when_the_goods_did_not_arrive(client, auth, world: World):
    auth.login_as(world.buyer)
    closed = Tree(text(reasons(client, world.order.id, HX, received="no")))
    assert "disabled" in closed.by_id["resolution-return_and_refund"]
    assert "disabled" not in closed.by_id["resolution-refund_only"]
    chosen = text(reasons(client, world.order.id, HX, received="no", resolution="return_and_refund"))
    assert "Return goods and refund needs goods you received." in chosen
    assert Tree(chosen).by_id["field-resolution"]["aria-describedby"] == "resolution-hint resolution-error"
    opened = Tree(text(reasons(client, world.order.id, HX, received="yes")))
    assert "disabled" not in opened.by_id["resolution-return_and_refund"]


def test_o9_guidance_follows_the_reason(client, auth, world: World):
    auth.login_as(world.buyer)
    response = check(client, world.order.id, "reason", HX, reason="quality_problem")
    html = text(response)
    assert root_ids(html) == ["field-reason", "evidence-guidance"]
    panel = Tree(html).by_id["evidence-guidance"]
    assert panel["hx-swap-oob"] == "innerHTML" and panel["aria-live"] == "polite"
    assert "on its charger beside another device" in html
    damaged = text(check(client, world.order.id, "reason", HX, reason="damaged_in_transit"))
    assert "unboxing video" in damaged and "charger" not in damaged.split('id="evidence-guidance"')[1]
    cleared = text(reasons(client, world.order.id, HX, received="no", reason="damaged_in_transit"))
    assert "Choose a reason to see" in cleared


@pytest.mark.parametrize(
    ("field", "overrides", "words"),
    [
        ("amount", {"amount": "50.01"}, "more than the order total, 50.00 USD"),
        ("amount", {"amount": "0"}, "at least 0.01 USD"),
        ("description", {"description": "  "}, "Describe the problem"),
        ("reason", {"reason": ""}, "Choose a reason."),
        ("reason", {"received": "yes", "reason": "no_tracking"}, "for goods you did not receive"),
        ("resolution", {"resolution": ""}, "Choose Refund only or Return goods and refund."),
    ],
)
def test_o4_o7_a_field_left_wrong_comes_back_with_its_error_beside_it(
    client, auth, world: World, field: str, overrides: dict[str, str], words: str
):
    auth.login_as(world.buyer)
    response = check(client, world.order.id, field, HX, **overrides)
    html = text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert root_ids(html)[0] == f"field-{field}"
    tree = Tree(html)
    assert "field--invalid" in tree.by_id[f"field-{field}"]["class"]
    assert words in html and f'id="{field}-error"' in html
    control = tree.by_id[field] if field in tree.by_id else tree.by_id[f"field-{field}"]
    assert control["aria-describedby"].split()[-1] == f"{field}-error"
    assert 'aria-invalid="true"' in html


def test_o7_a_field_left_right_has_no_error_whatever_the_others_say(client, auth, world: World):
    auth.login_as(world.buyer)
    html = text(check(client, world.order.id, "amount", HX, amount="12,50", description=""))
    assert root_ids(html) == ["field-amount"]
    assert "field__errors" not in html and "aria-invalid" not in html and "Describe" not in html
    assert Tree(html).by_id["amount"]["value"] == "12,50"


def test_o8_the_evidence_check_counts_chosen_files_without_uploading_them(client, auth, world: World):
    auth.login_as(world.buyer)
    missing = text(check(client, world.order.id, "evidence", HX))
    assert "Add at least one photo or video" in missing
    assert Tree(missing).by_id["field-evidence"]["data-invalid"] == "true"
    # htmx sends a url-encoded check with one `evidence` entry per chosen file and no content.
    chosen = text(check(client, world.order.id, "evidence", HX, evidence="[object File]"))
    assert "Add at least one" not in chosen
    assert Tree(chosen).by_id["field-evidence"]["data-invalid"] == "false"
    not_received = text(check(client, world.order.id, "evidence", HX, received="no", reason="no_tracking"))
    assert "Add at least one" not in not_received and "Optional when the goods did not arrive" in not_received
    assert Tree(missing).by_id["evidence"]["hx-preserve"] == "true"


def test_a_check_without_htmx_is_the_whole_form_with_that_fields_error(client, auth, world: World):
    auth.login_as(world.buyer)
    response = check(client, world.order.id, "amount", amount="99")
    html = text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert "<html" in html and "more than the order total" in html and 'id="dispute-form"' in html
    assert disputes() == 0


def test_o1_o2_the_form_endpoints_refuse_like_the_form_and_know_only_its_fields(client, auth, world: World):
    auth.login_as(world.buyer)
    assert check(client, world.order.id, "password", HX).status_code == 404
    auth.login_as(world.seller)
    assert reasons(client, world.order.id, HX, received="no").status_code == 403
    assert check(client, world.order.id, "amount", HX).status_code == 403
    auth.login_as(world.outsider)
    assert reasons(client, world.order.id, HX, received="no").status_code == 404
    early = make_order(world.buyer, world.seller, number="T-early", dispatched=ago(3))
    auth.login_as(world.buyer)
    refused = check(client, early.id, "amount", HX)
    assert refused.status_code == 409 and "can be opened from" in text(refused)


@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_o4_a_submitted_form_with_errors_is_422_with_each_error_beside_its_field_and_saves_nothing(
    client, auth, world: World, headers: dict[str, str]
):
    auth.login_as(world.buyer)
    response = submit(client, world.order.id, headers, amount="50.01", description="")
    html = text(response)
    assert response.status_code == 422 and "HX-Request" in response.headers["Vary"]
    amount_field = html.split('id="field-amount"')[1].split('id="field-description"')[0]
    assert "more than the order total" in amount_field and 'id="amount-error"' in amount_field
    description_field = html.split('id="field-description"')[1].split('id="field-evidence"')[0]
    assert "Describe the problem" in description_field
    tree = Tree(html)
    assert tree.by_id["amount"]["aria-describedby"] == "amount-hint amount-error"
    assert tree.by_id["description"]["aria-invalid"] == "true"
    assert 'href="#amount"' in html and 'href="#description"' in html
    assert disputes() == 0
    assert submit(client, world.order.id, headers).status_code == 303 and disputes() == 1


def test_o8_without_htmx_a_refused_form_asks_for_its_files_again(client, auth, world: World):
    auth.login_as(world.buyer)
    plain = text(submit(client, world.order.id, amount="0"))
    assert "Choose your 1 file again" in plain
    assert Tree(plain).by_id["evidence"]["aria-describedby"] == "evidence-hint evidence-again"
    boosted = text(submit(client, world.order.id, BOOSTED, amount="0"))
    assert "Choose your" not in boosted
    missing = text(submit(client, world.order.id, BOOSTED, photo=False))
    assert "Add at least one photo or video" in missing
    assert Tree(missing).by_id["evidence"]["aria-invalid"] == "true"
    assert disputes() == 0


def test_o5_o6_a_refused_form_lists_only_what_fits_its_answer_when_htmx_can_update_the_lists(
    client, auth, world: World
):
    auth.login_as(world.buyer)
    overrides = {"received": "no", "reason": "no_tracking", "amount": ""}
    plain = Tree(text(submit(client, world.order.id, photo=False, **overrides)))
    assert {label for _a, label in plain.options} >= {"Damaged in transit", "No tracking information"}
    assert "disabled" not in plain.by_id["resolution-return_and_refund"]
    boosted = Tree(text(submit(client, world.order.id, BOOSTED, photo=False, **overrides)))
    assert "Damaged in transit" not in {label for _a, label in boosted.options}
    assert "disabled" in boosted.by_id["resolution-return_and_refund"]
    assert disputes() == 0
