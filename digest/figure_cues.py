"""Cheap tests before the figure patterns (digest.figures): which kinds of figure a paragraph or a
sentence may state, whether it states a number at all, whether it says per cent.

Each is found in one pass over the whole text; a paragraph or a sentence is asked about by its span
in it. A span of a line or of a sentence begins and ends at a space or a line's end, as text[start:end]
does, so a whole word in the span is a word of the text, and a cue found in the text's span is one
found in text[start:end].
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import cached_property

from digest.phrases import Automaton, lower_keeping_length
from digest.text import fold_case

# A sentence without one of these cannot match a pattern of their kind.
CUES = {
    "weapons": ("knife", "knives", "weapon", "blade", "machete", "firearm", "gun", "pistol", "rifle", "sword", "amnesty",
                "surrender"),
    "arrests": ("arrest", "detained"), "charged": ("charged", "procurator fiscal"), "sentence_years": ("years", "year sentence", "year jail", "year prison", "year custodial", "year extended"), "patrol_hours": ("patrol",),
    "warrants": ("warrant", "raid"), "stop_searches": ("search",), "lines_closed": ("lines", "networks", "line phone", "line device", "line handset", "line number", 'line"', "line”"), "safeguarded": ("safeguard",),
    "people_reached": ("young people", "pupil", "student", "children", "teenager", "youngster", "participant",
                       "families", "people", "referral"),
    "offences": ("offences", "crimes", "count", "burglar", "robber", "theft", "assault", "attack", "stabbing", "shooting",
                 "break-in", "stole", "steal", "broke"),
}
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
                 "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "dozen")
_HAS_NUMBER = re.compile(r"\d|\b(?:" + "|".join(_NUMBER_WORDS) + r"s?)\b", re.I)
_DIGIT = re.compile(r"\d")
# Searched in fold_case(text) (as re.IGNORECASE would find it in the text), far faster than ignoring case.
_HAS_PERCENT = re.compile(r"%|per\s*cent")
# One pass over a text finds every occurrence of every cue (or number word): a substring test each cost more.
_CUE_FINDER = Automaton((cue, kind) for kind, cues in CUES.items() for cue in cues)
_NUMBER_WORD_FINDER = Automaton((word, None) for word in _NUMBER_WORDS)


class Cues:
    """The cheap tests of a text's lines and sentences, asked by their spans in it."""

    def __init__(self, text: str):
        self._text = text
        self._folded = fold_case(text)
        # Cues are found in the text lower-cased, "İ" kept as it is so that positions stay those of the
        # text: lower-cased, it is two characters, "i" and a dot above, and no cue ends with an "i".
        self._cues = _CUE_FINDER.find(lower_keeping_length(text))  # (start, end, kind) in order of their ends
        self._cue_ends = [end for _, end, _ in self._cues]

    def kinds(self, start: int, end: int, kinds: Iterable[str]) -> list[str]:
        """Those of `kinds`, in order, with a cue in text[start:end]."""
        cued = {kind for at, _, kind in self._cues[bisect_right(self._cue_ends, start):
                                                   bisect_right(self._cue_ends, end)] if at >= start}
        return [kind for kind in kinds if kind in cued]

    def states_number(self, start: int, end: int) -> bool:
        """Whether _HAS_NUMBER finds a number in text[start:end]: a digit, or a match where a number
        word begins (in any case)."""
        return _DIGIT.search(self._text, start, end) is not None or _any_between(self._number_words, start, end)

    def percent(self, start: int, end: int) -> bool:
        """Whether text[start:end] says per cent (each way of saying it has "%" or "cent")."""
        folded = self._folded
        return ((folded.find("%", start, end) >= 0 or folded.find("cent", start, end) >= 0)
                and _HAS_PERCENT.search(folded, start, end) is not None)

    @cached_property
    def _number_words(self) -> list[int]:
        """Where the text's number words begin, in order (asked only of a span without a digit)."""
        return sorted({at for at, _, _ in _NUMBER_WORD_FINDER.find(self._folded) if _HAS_NUMBER.match(self._text, at)})


def _any_between(positions: list[int], start: int, end: int) -> bool:
    """Whether one of the positions (in order) is at or after start and before end."""
    index = bisect_left(positions, start)
    return index < len(positions) and positions[index] < end
