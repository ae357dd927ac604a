"""Dates, money and the countdown's words in the language of the request (through Babel)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from flask import Flask
from flask_babel import get_locale, get_translations, gettext, lazy_gettext, ngettext

from dispute_engine import money as exact


def _locale() -> Locale:
    return get_locale() or Locale("en")


def when(value: date | datetime | None, pattern: str = "dd MMMM y, HH:mm") -> str:
    """A date or a UTC time written with a CLDR pattern in the page's language ("04 декабря 2026")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return format_datetime(moment, pattern, tzinfo=UTC, locale=_locale())
    return format_date(value, pattern, locale=_locale())


def money(amount: Decimal, currency: str) -> str:
    """`1,234.50 USD` in English, `1 234,50 USD` in Russian: the currency's own decimals and its code."""
    places = exact.minor_units(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "") + "\u00a0¤¤"
    return format_currency(
        exact.quantize(amount, currency),
        currency.upper(),
        format=pattern,
        locale=_locale(),
        currency_digits=False,
    ).replace("\u00a0", " ")


def number(value: float | Decimal, pattern: str = "#,##0.#") -> str:
    """A number with the page's decimal mark and grouping ("8.2" in English, "8,2" in Russian)."""
    return format_decimal(value, pattern, locale=_locale())


def file_size(size: int) -> str:
    """Like Jinja's filesizeformat (1000s: "8.2 kB", "1 Byte"), in the page's language."""
    if size < 1000:
        return ngettext("%(num)d Byte", "%(num)d Bytes", size)
    units = (lazy_gettext("kB"), lazy_gettext("MB"), lazy_gettext("GB"), lazy_gettext("TB"))
    value = float(size)
    for unit in units:
        value /= 1000
        if value < 1000 or unit is units[-1]:
            break
    return f"{number(value, '0.0')} {unit}"


def countdown_words() -> dict[str, Any]:
    """What app.js needs to count down in the page's language (the same words the server prints).

    A day's word depends on the number (1 day, 2 дня, 5 дней): one sample per CLDR plural category,
    which the browser picks with Intl.PluralRules.
    """
    rule = _locale().plural_form
    samples: dict[str, int] = {}
    for n in range(200):
        samples.setdefault(rule(n), n)
    day_words = get_translations()  # Flask-Babel's ngettext fills %(num)s with the sample itself
    return {
        "lang": str(_locale()),
        "days": {
            tag: day_words.ngettext("%(num)s day", "%(num)s days", n) % {"num": "{n}"}
            for tag, n in samples.items()
        },
        "hours": gettext("%(hours)s h", hours="{n}"),
        "minutes": gettext("%(minutes)s min", minutes="{n}"),
        "left": gettext("%(time)s left", time="{time}"),
        "due": gettext("due now"),
        "overdue": gettext("overdue by %(time)s", time="{time}"),
    }


# The vocabulary a page shows as it is stored (roles, parties, statuses), in the page's language.
TERMS = {
    "buyer": lazy_gettext("buyer"),
    "seller": lazy_gettext("seller"),
    "mediator": lazy_gettext("mediator"),
    "lead_mediator": lazy_gettext("lead mediator"),
    "system": lazy_gettext("system"),
    "pending": lazy_gettext("pending"),
    "refunded": lazy_gettext("refunded"),
    "failed": lazy_gettext("failed"),
    "accepted": lazy_gettext("accepted"),
    "declined": lazy_gettext("declined"),
    "withdrawn": lazy_gettext("withdrawn"),
    "superseded": lazy_gettext("superseded"),
    "expired": lazy_gettext("expired"),
    "open": lazy_gettext("open"),
    "awaiting_shipment": lazy_gettext("awaiting shipment"),
    "shipped": lazy_gettext("shipped"),
    "received": lazy_gettext("received"),
    "queued": lazy_gettext("queued"),
    "running": lazy_gettext("running"),
    "ready": lazy_gettext("ready"),
    "delivered": lazy_gettext("delivered"),
    "photo": lazy_gettext("photo"),
    "video": lazy_gettext("video"),
    "document": lazy_gettext("document"),
    "agreed": lazy_gettext("agreed"),
    "answered": lazy_gettext("answered"),
    "closed": lazy_gettext("closed"),
    "final": lazy_gettext("final"),
    "missed": lazy_gettext("missed"),
    "processing": lazy_gettext("processing"),
    "proposed": lazy_gettext("proposed"),
    "rejected": lazy_gettext("rejected"),
    "replaced": lazy_gettext("replaced"),
    "uploaded": lazy_gettext("uploaded"),
    "text": lazy_gettext("text"),
    "regular": lazy_gettext("regular"),
    "bronze": lazy_gettext("bronze"),
    "silver": lazy_gettext("silver"),
    "gold": lazy_gettext("gold"),
    "done": lazy_gettext("done"),
    "current": lazy_gettext("current"),
    "upcoming": lazy_gettext("upcoming"),
    "skipped": lazy_gettext("skipped"),
    "lapsed": lazy_gettext("lapsed"),
    "awaiting_seller": lazy_gettext("awaiting seller"),
    "negotiating": lazy_gettext("negotiating"),
    "escalated": lazy_gettext("escalated"),
    "cancelled": lazy_gettext("cancelled"),
    # the actions a confirmation names ("Yes, escalate")
    "escalate": lazy_gettext("escalate"),
    "cancel": lazy_gettext("cancel"),
    "accept": lazy_gettext("accept"),
    "appeal": lazy_gettext("appeal"),
    "accept solution": lazy_gettext("accept solution"),
    "final decision": lazy_gettext("final decision"),
}


def term(value: object) -> str:
    """A stored word (an enum's value) said in the page's language; unknown ones as they are."""
    raw = str(getattr(value, "value", value))
    return str(TERMS.get(raw, raw.replace("_", " ")))


def register(app: Flask) -> None:
    """Templates write `{{ at|when }}`, `{{ at|when('dd MMM y') }}` and `{{ money(amount, 'USD') }}`."""
    app.add_template_filter(when, "when")
    app.add_template_filter(number, "number")
    app.add_template_filter(file_size, "filesizeformat")  # Jinja's own, said in the page's language
    app.jinja_env.globals.update(money_in=money, countdown_words=countdown_words, term=term)
