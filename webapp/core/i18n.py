"""Languages: which one a request is answered in, and the compiled catalogues Flask-Babel reads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, has_request_context, request
from flask_babel import Babel, get_locale, refresh
from flask_login import current_user

from webapp.core import formatting

# The languages a person can choose, in the order the header's switch lists them.
LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
# An anonymous visitor's choice (a signed-in person's is kept on their account).
LANGUAGE_COOKIE = "lang"
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"

babel = Babel()


def supported(tag: object) -> str | None:
    """The language we speak for a tag like "ru", "ru-RU" or "RU_ru"; None for others (or none)."""
    if not isinstance(tag, str) or not tag:
        return None
    language = tag.replace("_", "-").split("-", 1)[0].strip().lower()
    return language if language in LANGUAGES else None


def select_locale() -> str:
    """The person's own choice first (account, else the cookie), then Accept-Language, then English."""
    if not has_request_context():
        return DEFAULT_LANGUAGE  # a job says what it sends inside force_locale(the recipient's language)
    chosen = supported(getattr(current_user, "locale", None) if current_user else None)
    if chosen:
        return chosen
    cookie = supported(request.cookies.get(LANGUAGE_COOKIE))
    if cookie:
        return cookie
    for tag, _quality in request.accept_languages:
        language = supported(tag)
        if language:
            return language
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """The language code this request is answered in ("en" outside a request)."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def compile_catalogues(directory: Path = TRANSLATIONS) -> None:
    """Write each messages.mo that is missing or older than its .po (atomically: several processes start)."""
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parents[1].name)
        handle, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalogue)
        os.replace(temporary, mo_path)


def init_app(app: Flask) -> None:
    """Compile stale catalogues, bind Flask-Babel and give templates the language switch's data."""
    compile_catalogues()
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on `g`, which outlives a request when an app context was already
    # pushed (a CLI command, a test): each request chooses afresh for whoever sends it.
    app.before_request(refresh)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_language=current_language)
    app.after_request(vary_by_language)
    formatting.register(app)


def vary_by_language(response: Response) -> Response:
    """A page's words depend on the account (session cookie), the lang cookie and Accept-Language."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response
