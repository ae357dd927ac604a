"""Taking, holding and handing over cases through the queue and the dispute page."""

from __future__ import annotations

import re

import pytest
from dispute_world import NOW, World, ago, make_order
from sqlalchemy import select

from dispute_engine import Action
from webapp.accounts.models import Role, User
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.models import Dispute
from webapp.disputes.ticking import tick


def text(response) -> str:
    return response.get_data(as_text=True)


def escalated(world: World, number: str) -> Dispute:
    world.order = make_order(world.buyer, world.seller, number=number)
    dispute = world.open(ago(9))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(8), lambda c: negotiation.reject_request(c, {})
    )
    tick()
    return world.reload(dispute)


@pytest.fixture
def cases(world: World, make_user) -> dict[str, Dispute]:
    """Three escalated cases: one held by the world's mediator (Mo), one by Mel, one free."""
    mel = make_user("mediator", name="Mel")
    world.mediator.name = "Mo"
    found = {
        "mine": escalated(world, "A-MINE"),
        "mels": escalated(world, "A-MELS"),
        "free": escalated(world, "A-FREE"),
    }
    world.take(found["mine"], NOW)
    world.take(found["mels"], NOW, mel)
    return found


def queue_rows(html: str) -> dict[str, str]:
    """Each row's order number and what its "Held by" cell says."""
    rows = re.findall(
        r'<span class="mono">([^<]+)</span>.*?<td data-label="Held by"[^>]*>(.*?)</td>', html, re.S
    )
    return {number: " ".join(re.sub(r"<[^>]+>", " ", cell).split()) for number, cell in rows}


@pytest.mark.parametrize(
    ("holder", "shown"),
    [
        ("", {"A-MINE": "You", "A-MELS": "Mel", "A-FREE": "Nobody Take this case A-FREE"}),
        ("mine", {"A-MINE": "You"}),
        ("unassigned", {"A-FREE": "Nobody Take this case A-FREE"}),
        ("nonsense", {"A-MINE": "You", "A-MELS": "Mel", "A-FREE": "Nobody Take this case A-FREE"}),
    ],
)
def test_the_queue_shows_who_holds_each_case_and_filters_mine_and_unassigned(
    client, auth, world: World, cases, holder: str, shown: dict[str, str]
):
    auth.login_as(world.mediator)
    page = text(client.get("/mediation", query_string={"holder": holder}))
    assert queue_rows(page) == shown


def test_taking_a_case_from_the_queue_leads_to_its_page_with_the_mediators_tools(
    client, auth, world: World, cases
):
    free = cases["free"]
    auth.login_as(world.mediator)
    taken = client.post(f"/disputes/{free.id}/take-case")
    assert taken.status_code == 303 and taken.headers["Location"] == f"/disputes/{free.id}"
    page = text(client.get(taken.headers["Location"]))
    assert "You took the case" in page and "You hold this case" in page
    assert 'id="request-evidence"' in page and 'id="take-case"' not in page
    assert world.reload(free).mediator_id == world.mediator.id


@pytest.mark.parametrize(
    ("case", "says", "tools"),
    [
        ("mine", "You hold this case", True),
        ("mels", "Mel holds this case.", False),
        ("free", "Nobody holds this case yet.", False),
    ],
)
def test_the_dispute_page_offers_the_mediators_tools_only_to_the_holder(
    client, auth, world: World, cases, case: str, says: str, tools: bool
):
    auth.login_as(world.mediator)
    page = text(client.get(f"/disputes/{cases[case].id}"))
    assert says in page
    assert ('id="request-evidence"' in page) is tools and ('id="propose-decision"' in page) is tools
    assert ('id="take-case"' in page) is (case == "free")
    assert 'id="reassign-case"' not in page  # only a lead hands cases over


def test_a_mediator_who_does_not_hold_the_case_is_refused_with_words(client, auth, world: World, cases):
    auth.login_as(world.mediator)
    mels = cases["mels"]
    response = client.post(
        f"/disputes/{mels.id}/request-evidence",
        data={"party": "buyer", "wanted": "A photo", "version": mels.version},
    )
    assert response.status_code == 403 and "Mel holds this case: you can read it, not act on it." in text(
        response
    )
    again = client.post(f"/disputes/{mels.id}/take-case")
    assert again.status_code == 409 and "Mel took this case first" in text(again)


def test_a_lead_mediator_hands_a_case_to_another_mediator(client, auth, world: World, cases, make_user):
    lead = make_user("lead_mediator", name="Lee")
    mels = cases["mels"]
    auth.login_as(lead)
    page = text(client.get(f"/disputes/{mels.id}"))
    form = re.search(r'<form[^>]*id="reassign-case".*?</form>', page, re.S).group(0)
    assert ">Mo</option>" in form and ">Mel</option>" not in form  # not to whoever holds it already
    moved = client.post(f"/disputes/{mels.id}/reassign-case", data={"mediator": world.mediator.id})
    assert moved.status_code == 303
    assert world.reload(mels).mediator_id == world.mediator.id


def test_users_create_makes_a_lead_mediator_who_starts_at_the_queue(client, auth, runner, world: World):
    result = runner.invoke(
        args=["users", "create", "lee@example.com", "--role", "lead_mediator", "--password", "long enough"]
    )
    assert result.exit_code == 0, result.output
    lead = db.session.scalar(select(User).where(User.email == "lee@example.com"))
    assert lead.role is Role.LEAD_MEDIATOR and lead.is_mediator and lead.is_lead
    auth.login_as(lead)
    assert client.get("/").headers["Location"] == "/mediation"
    assert client.get("/mediation").status_code == 200
