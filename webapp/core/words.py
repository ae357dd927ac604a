"""The web edge of the engine's sentences: a `Words` said in the reader's language.

Refusals, progress labels, next steps and reminders arrive as `Words` (an English str with a msgid
and named values). `say` looks the msgid up in the current locale (a request's, or the one a job
forces for a recipient) and formats each value there: money with the locale's digits, moments
with its month names, nested words translated in turn. Templates get it without asking: every
`{{ value }}` that is a `Words` is said this way (Jinja's finalize).
"""

from __future__ import annotations

from typing import Any

from babel.dates import format_datetime
from babel.numbers import format_decimal
from flask import Flask
from flask_babel import get_locale, gettext

from dispute_engine.money import minor_units, quantize
from dispute_engine.words import N_, Amount, Clause, Moment, Words, join, lower_first
from media.words import Duration, Sentence


def _locale() -> str:
    return str(get_locale() or "en")


def money(value: Amount, locale: str | None = None) -> str:
    """`45.00 USD` in English, `45,00 USD` in Russian: the currency's decimals, the locale's digits."""
    locale = locale or _locale()
    if locale == "en":
        return str(value)
    places = minor_units(value.currency)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    digits = format_decimal(quantize(value.amount, value.currency), format=pattern, locale=locale)
    return f"{digits} {value.currency.upper()}"


def moment(value: Moment, locale: str | None = None) -> str:
    """`04 December 2026, 10:00` in English, `04 декабря 2026, 10:00` in Russian (UTC)."""
    locale = locale or _locale()
    if locale == "en":
        return str(value)
    pattern = "dd MMMM y, HH:mm" if value.with_time else "dd MMMM y"
    return format_datetime(value.at, pattern, tzinfo=None, locale=locale)


def _value(value: Any) -> Any:
    if isinstance(value, Words):
        return say(value)
    if isinstance(value, Amount):
        return money(value)
    if isinstance(value, Moment):
        return moment(value)
    if isinstance(value, Clause):
        return lower_first(say(value.text))
    return value


def say(text: str) -> str:
    """`text` in the current language when it is Words; any other str as it is."""
    if not isinstance(text, Words):
        return text
    translated = gettext(text.msgid) if text.msgid else text.msgid
    if not text.params:
        return str(translated)
    return str(translated) % {name: _value(value) for name, value in text.params.items()}


def say_all(texts: dict[str, str]) -> dict[str, str]:
    """Each value of `texts` said in the current language (a form's field errors)."""
    return {key: say(value) for key, value in texts.items()}


def _finalize(value: Any) -> Any:
    return say(value) if isinstance(value, Words) else value


def register(app: Flask) -> None:
    """Say every Words a template prints in the reader's language; `say` as a filter for the rest."""
    app.jinja_env.finalize = _finalize
    app.add_template_filter(say, "say")
    app.add_template_filter(say_stored, "say_stored")


def joined(texts: list[str]) -> str:
    """Several sentences as one, each still said in the reader's language."""
    return join(" ", texts)


def say_stored(text: str) -> str:
    """A kept sentence (a history line, a notification) in the current language: Words are said, a plain
    English sentence is looked up as it is (older lines), anything else stays as it was written."""
    if isinstance(text, Words):
        return say(text)
    return str(gettext(text)) if text else text


def from_media(text: str) -> str:
    """media's `Sentence` (a file's refusal) as the app's Words, values converted; any other str as it is."""
    if not isinstance(text, Sentence):
        return text
    return Words(text.msgid, **{name: _media_value(value) for name, value in text.params.items()})


def _media_value(value: Any) -> Any:
    if isinstance(value, Sentence):
        return from_media(value)
    if isinstance(value, Duration):
        return duration(value.seconds)
    return value


def duration(seconds: float) -> str:
    """A length of time as words to say: "10 minutes 5 seconds" in English, "10 мин 5 сек." in Russian."""
    minutes, rest = Duration(seconds).parts()
    parts: list[str] = []
    if minutes:
        parts.append(Words(N_("1 minute")) if minutes == 1 else Words(N_("%(count)s minutes"), count=minutes))
    if rest or not parts:
        parts.append(Words(N_("1 second")) if rest == 1 else Words(N_("%(count)s seconds"), count=rest))
    return join(" ", parts)
