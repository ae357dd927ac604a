"""Every sentence a template shows goes through a translation call (issue 11, item 17).

The scan reads each template's source: Jinja's own constructs are set aside (what is inside `_()`,
`ngettext()` or `{% trans %}` is translated by definition), then the HTML that is left is read for
text and for the attributes a person reads or hears (title, aria-label, placeholder, alt, button
values, confirmations). String literals a `{{ }}` prints directly (`{{ 'you' if a else 'them' }}`)
count too. Only non-words pass: punctuation, numbers, symbols.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "templates"
READ_ATTRIBUTES = {
    "title",
    "aria-label",
    "placeholder",
    "alt",
    "aria-description",
    "hx-confirm",
    "data-confirm",
}
BUTTON_TYPES = {"submit", "button", "reset"}
WORD = re.compile(r"[^\W\d_]{2,}")  # two letters in a row, in any script
# Not words to translate: addresses (/openapi.json) and acronyms (UTC, SHA-256, ZIP).
NON_WORDS = re.compile(r"[\w.-]*(?:/[\w.-]+)+|\b[A-Z0-9]+(?:-[A-Z0-9]+)*\b")
TRANS_BLOCK = re.compile(r"{%-?\s*(trans|pluralize)\b.*?%}.*?{%-?\s*endtrans\s*-?%}", re.S)
PRINT = re.compile(r"{{-?(.*?)-?}}", re.S)
OTHER_JINJA = re.compile(r"{%.*?%}|{#.*?#}", re.S)
MARK = re.compile(r"\x01(\d+)\x02")
DYNAMIC_TAG = re.compile(r"<(/?){{.*?}}")  # <{{ tag }} ...>: a tag all the same
ENV = Environment(extensions=["jinja2.ext.i18n"])
# Macros that write pieces of a tag (attributes, class names), never text a person reads.
TAG_PIECES = {"orders/_form_macros.html"}
CSS_ARGUMENTS = {"cls", "class_"}  # a macro's class names, not words


def _words(text: str) -> bool:
    return bool(WORD.search(NON_WORDS.sub(" ", MARK.sub(" ", text))))


def _printed_literals(expression: str) -> list[str]:
    """String constants that `{{ expression }}` prints as they are (not passed to a call, filter or test)."""
    found: list[str] = []

    def visit(node: nodes.Node) -> None:
        if isinstance(node, nodes.Const) and isinstance(node.value, str) and _words(node.value):
            found.append(repr(node.value))
        elif isinstance(node, nodes.CondExpr):
            for part in (node.expr1, node.expr2):
                if part is not None:
                    visit(part)
        elif isinstance(node, nodes.Concat):
            for part in node.nodes:
                visit(part)
        elif isinstance(node, (nodes.Or, nodes.And, nodes.Add)):
            visit(node.left)
            visit(node.right)

    for output in ENV.parse("{{" + expression + "}}").find_all(nodes.Output):
        for child in output.nodes:
            visit(child)
    return found


class _Reader(HTMLParser):
    """Collects the human text of a template's HTML: its text nodes and the attributes read aloud."""

    def __init__(self, printed: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.printed = printed
        self.found: list[str] = []
        self.in_code = False  # inside <style> or <script>: not text

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.in_code = False

    def _read(self, text: str, where: str) -> None:
        if _words(text):
            self.found.append(where or text.strip())
        for index in MARK.findall(text):
            self.found.extend(_printed_literals(self.printed[int(index)]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_code = self.in_code or tag in ("style", "script")
        values = dict(attrs)
        for name, value in attrs:
            button_value = name == "value" and tag == "input" and values.get("type") in BUTTON_TYPES
            if value and (name in READ_ATTRIBUTES or button_value):
                self._read(value, f'{tag}[{name}]="{value}"')

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if not self.in_code:
            self._read(data, "")


def untranslated(source: str) -> list[str]:
    """The human text in a template's source that no translation call covers."""
    printed: list[str] = []

    def mark(match: re.Match[str]) -> str:
        printed.append(match.group(1))
        return f"\x01{len(printed) - 1}\x02"

    html = TRANS_BLOCK.sub(" ", source)
    html = DYNAMIC_TAG.sub(lambda match: f"<{match.group(1)}div", html)
    html = PRINT.sub(mark, html)
    html = OTHER_JINJA.sub(" ", html)
    reader = _Reader(printed)
    reader.feed(html)
    reader.close()
    return reader.found + _words_given_to_macros(source)


def _words_given_to_macros(source: str) -> list[str]:
    """Words passed to a macro (`filter_select(..., 'Stage', ...)`): it prints them as they are.

    An argument written like a sentence or a label (a space or a capital letter) counts; names like
    'home-filters' or 'stage' are ids and values.
    """
    tree = ENV.parse(source)
    macros = {m.name for m in tree.find_all(nodes.Macro)}
    for imported in tree.find_all(nodes.FromImport):
        macros.update(name if isinstance(name, str) else name[1] for name in imported.names)
    found = []
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name in macros):
            continue
        given = [*call.args, *(k.value for k in call.kwargs if k.key not in CSS_ARGUMENTS)]
        for value in given:
            text = value.value if isinstance(value, nodes.Const) and isinstance(value.value, str) else ""
            if _words(text) and (" " in text or text != text.lower()):
                found.append(repr(text))
    return found


def test_the_scan_finds_a_sentence_left_in_english() -> None:
    sample = """{% extends "base.html" %}{% block content %}
    <h1>{{ _('Your disputes') }}</h1>
    <p>{% trans n=3 %}{{ n }} files{% endtrans %} · {{ count }} · 45%</p>
    <p>Nothing to show here.</p>
    <button aria-label="Close">&times;</button>
    <input type="submit" value="Send">
    <input type="hidden" name="kind" value="photo">
    <span>{{ 'you' if mine else _('the buyer') }}</span>
    {% from "dashboard/_macros.html" import filter_select %}
    {{ filter_select('home-filters', url, 'stage', 'Stage', stages, filters.stage, _('All stages')) }}
    {% endblock %}"""
    found = untranslated(sample)
    assert found == [
        "Nothing to show here.",
        'button[aria-label]="Close"',
        'input[value]="Send"',
        "'you'",
        "'Stage'",
    ]
    assert (
        untranslated("<p class=\"{{ 'alert' if bad else 'note' }}\">{{ _('Saved') }} (UTC, SHA-256)</p>")
        == []
    )


def test_the_scan_lets_translated_text_and_non_words_pass() -> None:
    sample = (
        """<p title="{{ _('Due') }}">{{ _('Hello %(name)s', name=n) }} — 3/4 · {{ x|when }} (#{{ id }})</p>"""
        """{% if a == 'buyer' %}<a href="{{ url_for('home.index') }}">"""
        """{{ ngettext('%(num)d day', '%(num)d days', d) }}</a>{% endif %}"""
    )
    assert untranslated(sample) == []


PAGES = [p for p in sorted(TEMPLATES.rglob("*.html")) if str(p.relative_to(TEMPLATES)) not in TAG_PIECES]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_a_template_holds_no_untranslated_sentence(path: Path) -> None:
    assert untranslated(path.read_text()) == []
