"""A sentence for people, kept translatable: a msgid with named values that reads as its English.

The engine (dispute_engine.words.Words) and media (media.words) both say things to people and may
know no language machinery, nor each other: they share this. `N_` marks a msgid for extraction
(`pybabel extract -k N_`); the web edge looks the msgid up in the reader's language.
"""

from __future__ import annotations

from typing import Any, Self


def N_(msgid: str) -> str:
    """Mark `msgid` as a sentence to translate; returns it unchanged."""
    return msgid


class Sentence(str):
    """A sentence to translate: its English text (the str itself), `msgid` and named `params`."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Self:
        english = msgid % {k: str(v) for k, v in params.items()} if params else msgid
        made = super().__new__(cls, english)
        made.msgid = msgid
        made.params = params
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.msgid, self.params))


def _rebuild(kind: type[Sentence], msgid: str, params: dict[str, Any]) -> Sentence:
    return kind(msgid, **params)
