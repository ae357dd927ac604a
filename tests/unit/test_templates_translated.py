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
TRANS_BLOCK = re.compile(r"{%-?\s*(trans|pluralize)\b.*?%}.*?{%-?\s*endtrans\s*-?%}", re.S)
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
TRANSLATING = {"_", "gettext", "ngettext", "lazy_gettext", "pgettext", "npgettext"}


class _Reader(HTMLParser):
    """Collects the human text of an HTML fragment: its text nodes and the attributes read aloud."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            button_value = name == "value" and tag == "input" and values.get("type") in BUTTON_TYPES
            if value and (name in READ_ATTRIBUTES or button_value) and WORD.search(value):
                self.found.append(f'{tag}[{name}]="{value}"')

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if WORD.search(data):
            self.found.append(data.strip())


def _printed_literals(source: str) -> list[str]:
    """String constants that a `{{ }}` prints as they are (not passed to a call, a filter or a test)."""
    found: list[str] = []

    def visit(node: nodes.Node) -> None:
        if isinstance(node, nodes.Const) and isinstance(node.value, str) and WORD.search(node.value):
            found.append(repr(node.value))
        elif isinstance(node, nodes.CondExpr):
            for part in (node.expr1, node.expr2):
                if part is not None:
                    visit(part)
        elif isinstance(node, (nodes.Concat,)):
            for part in node.nodes:
                visit(part)
        elif isinstance(node, (nodes.Or, nodes.And)):
            visit(node.left)
            visit(node.right)

    tree = Environment(extensions=["jinja2.ext.i18n"]).parse(source)
    for output in tree.find_all(nodes.Output):
        for child in output.nodes:
            if not isinstance(child, nodes.TemplateData):
                visit(child)
    return found


def untranslated(source: str) -> list[str]:
    """The human text in a template's source that no translation call covers."""
    html = TRANS_BLOCK.sub(" ", source)
    html = JINJA.sub(lambda match: "\x00" if match.group(0).startswith("{{") else " ", html)
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.found + _printed_literals(source)


def test_the_scan_finds_a_sentence_left_in_english() -> None:
    sample = """{% extends "base.html" %}{% block content %}
    <h1>{{ _('Your disputes') }}</h1>
    <p>{% trans n=3 %}{{ n }} files{% endtrans %} · {{ count }} · 45%</p>
    <p>Nothing to show here.</p>
    <button aria-label="Close">×</button>
    <input type="submit" value="Send">
    <input type="hidden" name="kind" value="photo">
    <span>{{ 'you' if mine else _('the buyer') }}</span>
    {% endblock %}"""
    found = untranslated(sample)
    assert found == ["Nothing to show here.", 'button[aria-label]="Close"', 'input[value]="Send"', "'you'"]


def test_the_scan_lets_translated_text_and_non_words_pass() -> None:
    sample = """<p title="{{ _('Due') }}">{{ _('Hello %(name)s', name=n) }} — 3/4 · {{ x|when }} (#{{ id }})</p>
    {% if a == 'buyer' %}<a href="{{ url_for('home.index') }}">{{ ngettext('%(num)d day', '%(num)d days', d) }}</a>{% endif %}"""
    assert untranslated(sample) == []


@pytest.mark.parametrize(
    "path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_a_template_holds_no_untranslated_sentence(path: Path) -> None:
    assert untranslated(path.read_text()) == []
