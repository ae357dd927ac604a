"""A story in Russian (issue 11, item 17): the buyer's browser asks for Russian, the seller switches to it.

Words that Python writes (stage names, the next step, history sentences, form labels of the login
form) come from the other half of the work (branch i18n-words); this story reads only what the pages
themselves say, so it holds before and after that half is merged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from actions import PASSWORD, log_in, new_order, order_card, press
from conftest import ROOT
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import create_engine, text

DESKTOP = {"width": 1280, "height": 900}
SCREENSHOT = ROOT / "docs" / "screenshots" / "dispute-russian-desktop.png"


def russian_progress(page: Page) -> Locator:
    return page.get_by_role("progressbar", name="Ход спора")


def part(page: Page, heading: str) -> Locator:
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def log_in_in_russian(page: Page, base_url: str, email: str) -> None:
    """The login page in Russian; its fields are found by name, whatever language labels them."""
    page.goto(f"{base_url}/login")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Вход")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.stack [type=submit]").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()


@pytest.fixture
def seller_back_in_english(server_env: dict[str, str]) -> Iterator[None]:
    """The seller's choice of Russian is kept on the account: give it back, or every later test is Russian."""
    yield
    engine = create_engine(server_env["DATABASE_URL"])
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE users SET locale = NULL WHERE email = 'seller@example.com'"))
    finally:
        engine.dispose()


def test_a_buyer_opens_a_dispute_in_russian_and_the_seller_switches_to_russian_to_answer(
    seller_back_in_english: None,
    new_context: Callable[..., Any],
    base_url: str,
    server_env: dict[str, str],
    photo: Callable[[str], Path],
):
    order = new_order(server_env, "Самовар (русская история)", price="80.00")

    # The buyer's browser asks for Russian: every page speaks it without the buyer choosing anything.
    buyer = new_context(locale="ru-RU", viewport=DESKTOP).new_page()
    log_in_in_russian(buyer, base_url, "buyer@example.com")
    card = order_card(buyer, base_url, order)
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Мои заказы")
    card.get_by_role("link", name="Открыть спор").click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Открыть спор")
    buyer.get_by_role("radio", name="Да", exact=True).check()
    buyer.locator("select#reason").select_option("damaged_in_transit")
    buyer.locator("#resolution-refund_only").check()
    buyer.get_by_label("Сумма возврата").fill("80,00")
    buyer.get_by_label("Описание").fill("Самовар пришёл с вмятиной на боку.")
    buyer.get_by_label("Фото и видео").set_input_files([str(photo("samovar.jpg"))])
    buyer.get_by_role("button", name="Отправить").click()

    # The dispute page in Russian: progress, thread, evidence locker, money and the live countdown.
    expect(russian_progress(buyer)).to_be_visible()
    expect(buyer.get_by_role("heading", level=1)).to_contain_text("Спор №")
    dispute_url = buyer.url
    expect(buyer.locator(".progress__deadline")).to_contain_text("Срок:")
    expect(buyer.locator(".progress__deadline time")).to_contain_text(
        re.compile(r"осталось \d+ (день|дня|дней)")
    )
    expect(part(buyer, "Переписка").get_by_role("list", name="Сообщения")).to_be_visible()
    lockers = part(buyer, "Доказательства")
    expect(lockers.get_by_role("heading", name=re.compile("Доказательства покупателя"))).to_be_visible()
    expect(lockers.get_by_role("heading", name=re.compile("Доказательства продавца"))).to_be_visible()
    expect(lockers).to_contain_text("samovar.jpg")
    expect(part(buyer, "Добавить доказательства")).to_be_visible()
    expect(buyer.get_by_role("link", name="Скачать дело")).to_be_visible()

    # The seller's browser says English; the header's switch turns the pages to Russian and keeps the choice.
    seller = new_context(locale="en-US", viewport=DESKTOP).new_page()
    log_in(seller, base_url, "seller@example.com")
    seller.goto(dispute_url)
    expect(seller.get_by_role("progressbar", name="Dispute progress")).to_be_visible()
    seller.get_by_label("Language").select_option("ru")
    seller.get_by_role("button", name="Change language").click()
    expect(seller.locator("html")).to_have_attribute("lang", "ru")
    expect(seller).to_have_url(dispute_url)
    expect(russian_progress(seller)).to_be_visible()
    seller.goto(f"{base_url}/orders")  # the choice stays, page after page
    expect(seller.get_by_role("heading", level=1)).to_have_text("Мои заказы")
    seller.goto(dispute_url)

    # The seller answers in Russian: rejects the request with a counter-offer, then writes in the thread.
    form = seller.locator("form#reject-request")
    expect(form.get_by_role("heading", name="Отклонить требование покупателя")).to_be_visible()
    form.get_by_label("Сумма возврата").fill("20,00")
    form.get_by_label("Комментарий").fill("Упаковка была надёжной; предлагаю 20.")
    press(seller, form.get_by_role("button", name="Отклонить"), "reject-request")
    expect(part(seller, "Предложения")).to_contain_text("Ваше предложение")
    thread = part(seller, "Переписка")
    thread.get_by_role("textbox", name="Сообщение").fill("Пришлите, пожалуйста, фото коробки.")
    press(seller, thread.get_by_role("button", name="Отправить"), "message")
    expect(thread.get_by_role("list", name="Сообщения")).to_contain_text(
        "Пришлите, пожалуйста, фото коробки."
    )

    # The buyer, still in Russian, reads the answer: the proposal (money in Russian notation), the message.
    buyer.reload()
    expect(russian_progress(buyer)).to_be_visible()
    proposals = part(buyer, "Предложения")
    expect(proposals).to_contain_text("Предложение продавца")
    expect(proposals).to_contain_text("20,00 USD")
    expect(proposals.get_by_role("button", name="Принять")).to_be_visible()
    expect(part(buyer, "Переписка")).to_contain_text("Пришлите, пожалуйста, фото коробки.")
    buyer.wait_for_load_state("networkidle")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    buyer.screenshot(path=str(SCREENSHOT), full_page=True)
