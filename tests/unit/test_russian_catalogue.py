"""The Russian catalogue covers every sentence of the pages, with the same placeholders (issue 11/17)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "webapp" / "translations" / "ru" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|{(\w+)}")


def _page_messages() -> set[str | tuple[str, ...]]:
    """Every msgid the templates (and the page formatting helpers) ask for."""
    found: set[str | tuple[str, ...]] = set()
    templates = extract_from_dir(
        str(ROOT / "webapp" / "templates"),
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=KEYWORDS,
    )
    for _filename, _line, message, _comments, _context in templates:
        found.add(message)
    for module in ("webapp/core/formatting.py", "webapp/accounts/language.py"):
        for _line, message, _comments, _context in extract_from_file(
            "python", str(ROOT / module), keywords=KEYWORDS
        ):
            found.add(message)
    return found


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_every_sentence_of_the_pages_has_a_russian_translation() -> None:
    with CATALOGUE.open("rb") as po_file:
        catalogue = read_po(po_file, locale="ru")
    missing = []
    for message in _page_messages():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(key)
        strings = (
            [] if entry is None else list(entry.string) if isinstance(entry.string, tuple) else [entry.string]
        )
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(key)
    assert sorted(missing) == []


def test_a_russian_sentence_keeps_the_placeholders_of_its_english_one() -> None:
    with CATALOGUE.open("rb") as po_file:
        catalogue = read_po(po_file, locale="ru")
    wrong = []
    for entry in catalogue:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set().union(*(_placeholders(i) for i in ids))
        for string in strings:
            # a singular Russian form may say the number in words ("одна минута"), never a new name
            if (string and not _placeholders(string) <= expected) or (
                string and expected - _placeholders(string) - {"num"}
            ):
                wrong.append((ids[0], string))
    assert wrong == []
