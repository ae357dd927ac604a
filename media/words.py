"""Media's sentences for people, kept translatable without knowing any language machinery.

media knows no Flask and no dispute, so it has its own tiny marker: `N_` marks a msgid for
extraction and `Sentence` is that msgid with named values, read as its English `str`. The web edge
(webapp/evidence/media_words.py) turns a `Sentence` into the app's `Words` to say it in the
reader's language; a `Duration` inside one is said with the language's plural forms there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


def N_(msgid: str) -> str:
    """Mark `msgid` as a sentence to translate; returns it unchanged."""
    return msgid


@dataclass(frozen=True)
class Duration:
    """A length of time inside a sentence, rounded up to the second: "10 minutes 5 seconds"."""

    seconds: float

    def parts(self) -> tuple[int, int]:
        """Whole minutes and the seconds left over, rounded up."""
        minutes, rest = divmod(math.ceil(self.seconds), 60)
        return minutes, rest

    def __str__(self) -> str:
        minutes, rest = self.parts()
        words = [f"{minutes} minute{'s' * (minutes != 1)}"] if minutes else []
        if rest or not words:
            words.append(f"{rest} second{'s' * (rest != 1)}")
        return " ".join(words)


class Sentence(str):
    """A sentence to translate: its English text (the str itself), `msgid` and named `params`."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Sentence:
        english = msgid % {k: str(v) for k, v in params.items()} if params else msgid
        made = super().__new__(cls, english)
        made.msgid = msgid
        made.params = params
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.msgid, self.params))


def _rebuild(msgid: str, params: dict[str, Any]) -> Sentence:
    return Sentence(msgid, **params)
