"""Issue 11 item 17: what Python says (refusals, the progress bar, emails) is in the reader's language,
and an email in its recipient's."""

from __future__ import annotations

import pytest
from dispute_world import World, ago
from sqlalchemy import select

from dispute_engine import Action, Actor, State
from dispute_engine.words import Words, to_json
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.history.audit import verify_chains
from webapp.history.models import Event, _summary_as_words

HX = {"HX-Request": "true"}


def speaks_russian(user) -> None:
    """The person chose Russian (a signed-in person's choice wins over Accept-Language)."""
    user.locale = "ru"
    db.session.commit()


def text(response) -> str:
    return response.get_data(as_text=True)


def negotiating(world: World):
    dispute = world.open(ago(2))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, {})
    )
    return world.reload(dispute)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_o7_a_bad_amount_is_refused_in_russian_with_the_money_in_russian_digits(
    client, auth, world: World, headers
):
    dispute = negotiating(world)
    speaks_russian(world.seller)
    auth.login_as(world.seller)
    response = client.post(
        f"/disputes/{dispute.id}/add-solution",
        data={"resolution": "refund_only", "amount": "999", "version": dispute.version},
        headers=headers,
    )
    assert response.status_code == 422
    assert "Сумма не может быть больше суммы заказа, 50,00 USD." in text(response)
    assert "more than the order total" not in text(response)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_c2_a_refusal_is_in_russian_for_a_user_who_chose_russian(client, auth, world: World, headers):
    dispute = world.open(ago(1))
    speaks_russian(world.buyer)
    auth.login_as(world.buyer)
    response = client.post(
        f"/disputes/{dispute.id}/reopen", data={"version": dispute.version}, headers=headers
    )
    assert response.status_code == 409
    assert "Это нельзя сделать пока продавец не ответил." in text(response)
    assert world.reload(dispute).state is State.AWAITING_SELLER


def test_n3_a_stale_accept_is_refused_in_russian(client, auth, world: World):
    dispute = negotiating(world)
    proposal_id = dispute.live_proposals(Actor.BUYER)[0].id
    seen = dispute.version
    world.act(
        world.buyer,
        dispute,
        Action.CHANGE_PROPOSAL,
        ago(0.5),
        lambda c: negotiation.change_proposal(
            c, proposal_id, {"resolution": "refund_only", "amount": "25.00", "comment": ""}
        ),
    )
    auth.login_as(world.seller)
    data = {"proposal_id": proposal_id, "version": seen, "confirm": "yes"}
    speaks_russian(world.seller)
    russian = client.post(f"/disputes/{dispute.id}/accept", data=data)
    assert russian.status_code == 409
    assert "Спор изменился, пока вы его смотрели, поэтому ничего не сделано." in text(russian)
    assert "The dispute changed" not in text(russian)
    assert world.reload(dispute).state is State.NEGOTIATING


def test_h3_the_progress_bar_and_its_next_step_are_in_russian(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.seller)
    speaks_russian(world.seller)
    html = text(client.get(f"/disputes/{dispute.id}/parts/progress", headers=HX))
    assert 'aria-valuetext="Ответ продавца"' in html
    assert "Переговоры" in html and "Рассмотрение платформой" in html
    assert "Продавец принимает или отклоняет требование." in html and "30,00 USD" in html
    assert "декабря" in html or "ноября" in html  # the deadline's month, said in Russian
    assert "Seller response" not in html


def test_h2_an_email_is_in_its_recipients_language_whoever_reads_the_page(client, auth, world: World):
    dispute = negotiating(world)
    speaks_russian(world.buyer)
    auth.login_as(world.buyer)
    russian = text(client.get("/outbox"))
    assert f"Спор № {dispute.id} (Teapot)" in russian
    assert "Вы получили это письмо, потому что участвуете в этом споре." in russian
    assert "You receive this email" not in russian
    auth.login_as(world.seller)  # the seller reads English: the buyer's choice is not theirs
    english = text(client.get("/outbox"))
    assert f"Dispute #{dispute.id} (Teapot)" in english
    assert "You receive this email because you take part in this dispute." in english
    assert "Вы получили это письмо" not in english


def test_an_anonymous_visitor_gets_russian_from_accept_language(client):
    response = client.get("/disputes/999999", headers={"Accept-Language": "ru"})
    assert "Войдите, чтобы увидеть эту страницу." in text(client.get(response.headers["Location"]))


def test_h1_a_history_line_is_said_in_russian_while_its_sealed_english_stays(client, auth, world: World):
    dispute = negotiating(world)
    speaks_russian(world.buyer)
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}/parts/history", headers=HX))
    assert "Продавец отклонил требование покупателя." in html
    assert "Покупатель открыл спор: повреждён при доставке; Только возврат денег, 30,00 USD" in html
    assert "The seller rejected the buyer's request." not in html
    db.session.expire_all()
    summaries = [e.summary for e in db.session.scalars(select(Event).where(Event.dispute_id == dispute.id))]
    assert "The seller rejected the buyer's request." in summaries  # the English, as sealed
    assert verify_chains().broken == []


def test_h1_a_history_line_whose_words_do_not_match_its_sealed_english_is_read_as_the_english():
    # The chain seals the English; words that would say something else are not believed.
    event = Event(
        summary="The seller rejected the buyer's request.",
        summary_words=to_json(Words("The buyer cancelled the dispute.")),
    )
    _summary_as_words(event)
    assert not isinstance(event.summary, Words)
    matching = Event(
        summary="The buyer cancelled the dispute.",
        summary_words=to_json(Words("The buyer cancelled the dispute.")),
    )
    _summary_as_words(matching)
    assert isinstance(matching.summary, Words)
