"""English and Russian (issue 11, item 17): the person's choice, then Accept-Language; the header's switch."""

from __future__ import annotations

import html as markup
import json
import re
from typing import Any

from dispute_world import World, ago
from flask.testing import FlaskClient

from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.core.i18n import LANGUAGE_COOKIE

RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.8"}


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def countdown_words(page: str) -> dict[str, Any]:
    """The words app.js counts down with, as the page gives them on <body>."""
    found = re.search(r"data-countdown-words='([^']*)'", page)
    assert found
    return dict(json.loads(markup.unescape(found.group(1))))


def test_an_anonymous_browser_asking_for_russian_gets_the_login_page_in_russian(client: FlaskClient):
    response = client.get("/login", headers=RUSSIAN)
    html = text(response)
    assert '<html lang="ru">' in html
    assert '<h1 id="login-title">Вход</h1>' in html
    assert "Перейти к содержанию" in html and "Skip to content" not in html
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


def test_without_accept_language_the_page_is_in_english(client: FlaskClient):
    html = text(client.get("/login"))
    assert '<html lang="en">' in html and '<h1 id="login-title">Log in</h1>' in html


def test_a_language_the_app_does_not_speak_falls_back_to_english(client: FlaskClient):
    html = text(client.get("/login", headers={"Accept-Language": "de-DE,fr;q=0.8"}))
    assert '<html lang="en">' in html


def test_a_signed_in_persons_choice_beats_their_browsers_accept_language(
    client: FlaskClient, auth: Any, world: World
):
    world.buyer.locale = "en"
    db.session.commit()
    auth.login_as(world.buyer)
    html = text(client.get("/orders", headers=RUSSIAN))
    assert '<html lang="en">' in html and "<h1>My orders</h1>" in html


def test_without_a_choice_a_signed_in_person_gets_their_browsers_language(
    client: FlaskClient, auth: Any, world: World
):
    assert world.buyer.locale is None  # nobody has chosen until they do
    auth.login_as(world.buyer)
    html = text(client.get("/orders", headers=RUSSIAN))
    assert '<html lang="ru">' in html and "<h1>Мои заказы</h1>" in html


def test_a_regional_choice_like_ru_ru_counts_as_russian(client: FlaskClient, auth: Any, world: World):
    world.buyer.locale = "ru-RU"  # as a marketplace may send it through the API
    db.session.commit()
    auth.login_as(world.buyer)
    assert '<html lang="ru">' in text(client.get("/orders", headers=ENGLISH))


def test_the_switch_keeps_a_signed_in_persons_choice_and_goes_back_to_the_page(
    client: FlaskClient, auth: Any, world: World
):
    auth.login_as(world.buyer)
    response = client.post("/language", data={"language": "ru", "next": "/orders?page=1"}, headers=ENGLISH)
    assert response.status_code == 303 and response.headers["Location"] == "/orders?page=1"
    db.session.refresh(world.buyer)
    assert world.buyer.locale == "ru"
    assert "<h1>Мои заказы</h1>" in text(client.get("/orders", headers=ENGLISH))


def test_the_switch_under_htmx_asks_for_a_whole_page_load(client: FlaskClient, auth: Any, world: World):
    auth.login_as(world.buyer)
    response = client.post(
        "/language", data={"language": "ru", "next": "/orders"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/orders"
    db.session.refresh(world.buyer)
    assert world.buyer.locale == "ru"


def test_before_logging_in_the_switch_keeps_the_choice_in_a_cookie(client: FlaskClient):
    response = client.post("/language", data={"language": "ru", "next": "/login"}, headers=ENGLISH)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    cookie = client.get_cookie(LANGUAGE_COOKIE)
    assert cookie is not None and cookie.value == "ru" and cookie.http_only
    assert '<h1 id="login-title">Вход</h1>' in text(client.get("/login", headers=ENGLISH))


def test_the_switch_never_sends_anyone_to_another_site(client: FlaskClient):
    for elsewhere in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"):
        response = client.post("/language", data={"language": "en", "next": elsewhere})
        assert response.status_code == 303 and response.headers["Location"] == "/", elsewhere


def test_a_language_not_offered_is_refused_with_a_sentence_and_nothing_is_kept(
    client: FlaskClient, auth: Any, world: World
):
    auth.login_as(world.buyer)
    response = client.post("/language", data={"language": "klingon", "next": "/orders"})
    assert response.status_code == 400 and "Choose one of the languages" in text(response)
    db.session.refresh(world.buyer)
    assert world.buyer.locale is None and client.get_cookie(LANGUAGE_COOKIE) is None


def test_the_header_offers_the_switch_as_a_labelled_form_that_works_without_javascript(client: FlaskClient):
    html = text(client.get("/login"))
    assert '<form class="language-switch" method="post" action="/language" hx-boost="false">' in html
    assert '<label for="language-choice" class="visually-hidden">Language</label>' in html
    assert '<option value="ru" lang="ru">Русский</option>' in html
    assert '<input type="hidden" name="next" value="/login">' in html


def test_the_dispute_page_in_russian_says_money_dates_and_the_countdown_in_russian(
    client: FlaskClient, auth: Any, world: World
):
    dispute = world.open(ago(1))
    world.buyer.locale = "ru"
    db.session.commit()
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}"))
    assert f"Спор № {dispute.id}" in html
    assert "30,00 USD" in html  # the summary line and history are Python's words (branch i18n-words)
    assert "Доказательства покупателя" in html and "Переписка" in html
    assert re.search(r"Фото · \d+(,\d)? (кБ|МБ|байт|байта) ·", html), "a file size said in Russian"
    words = countdown_words(html)
    assert words["lang"] == "ru" and words["left"] == "осталось {time}"
    assert words["days"] == {"one": "{n} день", "few": "{n} дня", "many": "{n} дней"}


def test_the_dispute_page_in_english_keeps_its_money_as_before(client: FlaskClient, auth: Any, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}"))
    assert "30.00 USD" in html
    assert countdown_words(html)["days"] == {"one": "{n} day", "other": "{n} days"}


def test_a_person_made_without_a_language_has_none_chosen(make_user: Any):
    user: User = make_user(email="new@example.com")
    assert user.locale is None
