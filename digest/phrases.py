"""Finding many listed phrases in a text in one pass (used by digest.terms and digest.gazetteer).

A phrase is a run of words, and a text may join its words with more than a plain
space ("knife-crime", "High Town, Luton", "Ronan’s Law"). Instead of walking the
text word by word in Python, a copy of the text is rewritten so that each allowed
way of joining two words becomes one space, and an Aho-Corasick automaton of all
the phrases finds every occurrence in one pass (ahocorasick_rs). An occurrence counts only
where it starts and ends on word boundaries, checked by looking at the neighbouring
characters. `Positions.original` maps positions in the copy back to the text, so
callers report spans as the text has them.

The rewriting avoids regular expressions that can start at any space (one such
pattern over a document costs more than the automaton): characters are replaced one
for one with str.replace, and only the rare runs that get shorter are found, with
patterns that start with rare characters.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

import ahocorasick_rs

# What `\s` matches besides the space (no code point above U+3000 is whitespace).
OTHER_WHITESPACE = "".join(char for char in map(chr, range(0x3001)) if char.isspace() and char != " ")
# The only character whose lower case is longer ("i̇"), checked over all of Unicode.
_LONGER_IN_LOWER_CASE = "\u0130"


def lower_keeping_length(text: str) -> str:
    """The text in lower case, position for position ("İ", whose lower case is two characters, stays)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char if char in _LONGER_IN_LOWER_CASE else char.lower() for char in text)


def lower_as_in_text(word: str) -> str:
    """A word in lower case the way lower_keeping_length writes it in a text that has "İ"."""
    word = word.lower()
    for char in _LONGER_IN_LOWER_CASE:
        word = word.replace(char.lower(), char)
    return word


def replace_chars(text: str, chars: str, by: str = " ") -> str:
    """Each of the characters replaced by `by` (one character, so positions stay)."""
    for char in chars:
        if char in text:
            text = text.replace(char, by)
    return text


def holds_any(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether the text holds any of a few phrases: a C scan of it for each (for a line and a handful of
    phrases, cheaper than an automaton's call, and than a generator over them)."""
    for phrase in phrases:  # noqa: SIM110 - a loop: any() over a generator costs more than the tests
        if phrase in text:
            return True
    return False


class Positions:
    """Where the positions of a shortened text were before it was shortened."""

    def __init__(self, after: list[int], moved: list[int]):
        self._after = after  # position in the shortened text after each shortened run
        self._moved = moved  # how many characters the text had lost up to there

    def original(self, position: int) -> int:
        """The position in the original text (a word's start or end maps to that word's start or end)."""
        index = bisect_right(self._after, position)
        return position + self._moved[index - 1] if index else position


def shorten(text: str, runs: Sequence[tuple[re.Pattern[str], str]]) -> tuple[str, Positions]:
    """Each match of each pattern replaced by its replacement (a shorter one); the patterns never overlap."""
    matches = sorted((*match.span(), replacement) for pattern, replacement in runs for match in pattern.finditer(text))
    pieces: list[str] = []
    after: list[int] = []
    moved: list[int] = []
    copied = removed = 0
    for start, end, replacement in matches:
        pieces += (text[copied:start], replacement)
        removed += end - start - len(replacement)
        after.append(end - removed)
        moved.append(removed)
        copied = end
    pieces.append(text[copied:])
    return "".join(pieces), Positions(after, moved)


class Words:
    """Words as a tokenizer reads them: letters and digits joined inside a word by `joiners`, or `symbol` alone.

    str.isalnum() is exactly what the pattern's [^\\W_] matches (checked over all of Unicode).
    """

    def __init__(self, joiners: str, symbol: str):
        self.joiners = joiners
        self.symbol = symbol
        self.pattern = re.compile(rf"[^\W_]+(?:[{joiners}][^\W_]+)*|{re.escape(symbol)}")

    def starts_at(self, text: str, index: int) -> bool:
        """Whether a word starting with text[index] does not continue one before it."""
        if index == 0 or text[index] == self.symbol:
            return True
        before = text[index - 1]
        return not (before.isalnum() or (before in self.joiners and index > 1 and text[index - 2].isalnum()))

    def ends_at(self, text: str, index: int) -> bool:
        """Whether a word ending with text[index - 1] does not go on after it."""
        if index == len(text) or text[index - 1] == self.symbol:
            return True
        after = text[index]
        return not (after.isalnum() or (after in self.joiners and index + 1 < len(text) and text[index + 1].isalnum()))


class Automaton:
    """Every occurrence of any of the keys in a text, overlapping ones included (Aho-Corasick).

    ahocorasick_rs: its search, in Rust, took a third of the time of pyahocorasick's (which
    finds each next state by scanning a node's children) on a 4 KB document."""

    def __init__(self, entries: Iterable[tuple[str, Any]]):
        keys: list[str] = []
        self._values: list[Any] = []
        for key, value in entries:
            keys.append(key)
            self._values.append(value)
        # A DFA: a fifth faster to search than the default automaton (18 against 15 us for the places in a
        # 2 KB text), for more memory (a few MB for all the automata).
        self._automaton = (ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard,
                                                      implementation=ahocorasick_rs.Implementation.DFA)
                           if keys else None)

    def find(self, text: str) -> list[tuple[int, int, Any]]:
        """(start, end, value) of each occurrence, in order of their ends (at one end, the longest first)."""
        if self._automaton is None:
            return []
        values = self._values
        return [(start, end, values[index])
                for index, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True)]


class PhraseFinder:
    """An automaton of phrases (plain strings), each with a value, found where they start a word."""

    def __init__(self, phrases: Iterable[tuple[str, Any]], words: Words):
        self._words = words
        self._automaton = Automaton(dict(phrases).items())  # a phrase listed twice keeps its last value

    def occurrences(self, text: str) -> list[tuple[int, int, Any]]:
        """(start, end, value) of each occurrence that starts a word, in order of their ends."""
        starts_at = self._words.starts_at
        return [(start, end, value) for start, end, value in self._automaton.find(text) if starts_at(text, start)]
