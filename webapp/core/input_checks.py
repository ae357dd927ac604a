"""Input no feature should ever see: control characters in text, and numbers no database column holds.

One check before every view refuses a NUL byte or another control character in any query value,
form value, field name, file name or URL part (PostgreSQL refuses NUL in text; names end up in
headers and file listings). Newline, carriage return and tab are text in values (a textarea sends
CRLF) but never in names. Ids in URLs pass through a bounded `int` converter: a number past the
64-bit range is a 404, not an overflow inside the database driver.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**63 - 1  # the largest value of a 64-bit signed column (PostgreSQL BIGINT, SQLite INTEGER)
TEXT_WHITESPACE = frozenset("\t\n\r")
FILE_NAME_MAX = 255  # what file systems allow; a longer name never came from a real file


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in a route: whole numbers from 0 to MAX_ID; anything larger does not match (404)."""

    def __init__(
        self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max)


def whole_number(raw: Any, *, at_most: int = MAX_ID) -> int | None:
    """`raw` as a whole number from 0 to `at_most`, or None when it is not one (missing, text, too big)."""
    text = str(raw if raw is not None else "").strip()
    # Checked before int(): Python refuses to convert more than 4300 digits (a ValueError, a 500).
    if not text.isascii() or not text.isdigit() or len(text.lstrip("0")) > len(str(at_most)):
        return None
    number = int(text)
    return number if number <= at_most else None


def is_control(character: str, *, in_text: bool) -> bool:
    """A character no text here may hold; newline, carriage return and tab are allowed in text."""
    if in_text and character in TEXT_WHITESPACE:
        return False
    return unicodedata.category(character) == "Cc"


def _has_control(value: str, *, in_text: bool) -> bool:
    return any(is_control(character, in_text=in_text) for character in value)


def _shown(name: str) -> str:
    """A field's name as it can be shown in a message: its control characters dropped."""
    return "".join(c for c in name if not is_control(c, in_text=False)) or "a field"


def _refuse(where: str) -> None:
    abort(
        400,
        description=f"{where} contains a control character (such as a NUL byte), which no text here "
        "may hold. Nothing was saved: remove it and try again.",
    )


def _check_pairs(pairs: Iterable[tuple[str, str]], kind: str) -> None:
    for name, value in pairs:
        if _has_control(name, in_text=False):
            _refuse(f"The name of a {kind} field ({_shown(name)!r})")
        if _has_control(value, in_text=True):
            _refuse(f"The {kind} field {_shown(name)!r}")


def refuse_control_characters() -> None:
    """Before any view: 400 with words for a control character anywhere a person's text arrives."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and _has_control(value, in_text=False):
            _refuse(f"The address (its {_shown(name)!r} part)")
    _check_pairs(request.args.items(multi=True), "query")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    _check_pairs(request.form.items(multi=True), "form")
    for name, upload in request.files.items(multi=True):
        if _has_control(name, in_text=False):
            _refuse(f"The name of a file field ({_shown(name)!r})")
        filename = upload.filename or ""
        if _has_control(filename, in_text=False):
            _refuse(f"The file name {_shown(filename)!r}")
        if len(filename) > FILE_NAME_MAX:
            abort(
                400,
                description=f"A file name is longer than {FILE_NAME_MAX} characters. "
                "Nothing was saved: rename the file and try again.",
            )


def register(app: Flask) -> None:
    """Bound every `<int:...>` route part, and check every request's text before its view runs.

    Call before blueprints are registered (their rules take the converter then) and before other
    before_request hooks (so nothing reads hostile input first).
    """
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_control_characters)
