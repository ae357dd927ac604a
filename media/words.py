"""Media's sentences for people, kept translatable without knowing any language machinery.

media knows no Flask and no dispute: it says things with the shared `sentences` package (`N_` marks a
msgid, a `Sentence` is that msgid with named values, read as its English `str`). The web edge
(webapp/core/words.py) turns a `Sentence` into the app's `Words` to say it in the reader's
language; a `Duration` inside one is said with the language's plural forms there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sentences import N_, Sentence

__all__ = ["N_", "Duration", "Sentence"]


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
