"""Where matches of compiled patterns can begin, read from the patterns' parse: which of many anchored
patterns a line's first character can begin, so a line is tried only against those (one alternation of
them all tries each pattern in turn on every line); and the literal strings a pattern's matches begin
with and hold, so a pattern is tried only where those are (digest.text.matches_at)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from re import _parser  # type: ignore[attr-defined]  # the regex parser, to read a pattern's starts
from typing import Any

from digest.phrases import Automaton
from digest.text import fold_case

_CATEGORY_CHARS = {"CATEGORY_DIGIT": set("0123456789"), "CATEGORY_SPACE": set(" \t\n\r\f\v")}


def patterns_by_first_char(patterns: list[str], flags: int) -> dict[str, re.Pattern[str] | None]:
    """For each character a pattern of `patterns` can begin with (lower case), one compiled
    alternation of those patterns, anchored at both ends; a pattern that can begin with any
    character (or that the parser cannot read) is in every entry."""
    try:
        parser: Any = importlib.import_module("re._parser")
    except ImportError:  # a Python without it: every line is tried against every pattern
        return {}
    patterns = [alternative for pattern in patterns for alternative in _alternatives(pattern)]
    firsts = [_first_chars(list(parser.parse(pattern, flags))) for pattern in patterns]
    chars = set().union(*(first for first in firsts if first is not None))
    table: dict[str, re.Pattern[str] | None] = {}
    for char in chars:
        chosen = [pattern for pattern, first in zip(patterns, firsts, strict=True) if first is None or char in first]
        table[char] = re.compile(r"^(?:" + "|".join(chosen) + r")$", flags) if chosen else None
    return table


def _alternatives(pattern: str) -> list[str]:
    """A pattern's top-level alternatives ("a|b(c|d)" -> "a", "b(c|d)")."""
    parts: list[str] = []
    depth, start, escaped, in_class = 0, 0, False, False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    return [*parts, pattern[start:]]


def _first_chars(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The characters (lower case) a match of a parsed sequence can begin with; None when any can,
    or when it can match nothing at all."""
    chars: set[str] = set()
    for op, value in items:
        name = str(op)
        if name == "AT":
            continue
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, _, body = value
            inner = _first_chars(list(body))
            if inner is None:
                return None
            chars |= inner
            if low > 0:
                return chars
            continue
        first = _first_of_item(name, value)
        return None if first is None else chars | first
    return None


def _first_of_item(name: str, value: Any) -> set[str] | None:
    if name == "LITERAL":
        return {chr(value).lower()}
    if name == "IN":
        chars: set[str] = set()
        for kind, item in value:
            kind = str(kind)
            if kind == "LITERAL":
                chars.add(chr(item).lower())
            elif kind == "RANGE":
                chars |= {chr(code).lower() for code in range(item[0], item[1] + 1)}
            elif kind == "CATEGORY" and str(item) in _CATEGORY_CHARS:
                chars |= _CATEGORY_CHARS[str(item)]
            else:
                return None
        return chars
    if name == "BRANCH":
        union: set[str] = set()
        for branch in value[1]:
            first = _first_chars(list(branch))
            if first is None:
                return None
            union |= first
        return union
    if name == "SUBPATTERN":
        return _first_chars(list(value[3]))
    return None


def literal_starts(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Strings every match of the pattern begins with (lower-cased when it ignores case: found in
    fold_case(text)), read from the pattern's parse; ValueError when some match may begin otherwise
    (with a digit, any letter...). Where none of them begins in a text, no match can (matches_at)."""
    found = _starts(_parsed(pattern), bool(pattern.flags & re.IGNORECASE))
    if "" in found:
        raise ValueError(f"a match may begin with any character: {pattern.pattern}")
    return _fewest(found)


def literal_needs(pattern: re.Pattern[str]) -> list[tuple[str, ...]]:
    """For each part every match of the pattern has (a top-level item neither optional nor of zero
    width), the strings that part begins with, as literal_starts gives them: a text without one of
    them has no match. Only parts whose strings are all of _MIN_NEED characters or more (most texts
    have the shorter ones)."""
    ignore_case = bool(pattern.flags & re.IGNORECASE)
    items = _parsed(pattern)
    after: list[AbstractSet[str]] = [_UNKNOWN]  # the starts of each ending of the items, the shortest first
    for item in reversed(items):
        after.append(_starts([item], ignore_case, after[-1]))
    needs = []
    for index, (op, value) in enumerate(items):
        if (op in (_parser.AT, _parser.ASSERT, _parser.ASSERT_NOT) or (op in _REPEATS and not value[0])
                or (op is _parser.LITERAL and index and items[index - 1][0] is _parser.LITERAL)):  # in a run of them
            continue
        found = after[len(items) - index]
        if "" not in found and min(map(len, found)) >= _MIN_NEED:
            needs.append(_fewest(found))
    return needs


class MatchSites:
    """Where matches of each of some case-insensitive patterns can begin in a text (for matches_at),
    found for all of them in one automaton pass over fold_case(text): at their literal starts (or, for
    those in `at_digits`, at a digit or one of the strings given), and nowhere in a text that lacks
    one of the strings of each of their literal_needs."""

    def __init__(self, patterns: Iterable[re.Pattern[str]], at_digits: Mapping[re.Pattern[str], tuple[str, ...]]):
        self._patterns = list(patterns)
        self._needs: list[int] = []
        strings: dict[str, list[tuple[int, int]]] = {}  # string -> (pattern, need or -1 for a start)
        for index, pattern in enumerate(self._patterns):
            for start in at_digits[pattern] if pattern in at_digits else literal_starts(pattern):
                strings.setdefault(start, []).append((index, -1))
            needs = literal_needs(pattern)
            self._needs.append(len(needs))
            for need, alternatives in enumerate(needs):
                for string in alternatives:
                    strings.setdefault(string, []).append((index, need))
        self._at_digits = [pattern in at_digits for pattern in self._patterns]
        self._automaton = Automaton((string, tuple(found)) for string, found in strings.items())

    def find(self, text: str) -> list[list[int] | None]:
        """For each of the patterns, in order: None where it cannot match in the text, else every place
        in order where a match of it can begin. Not a dict by pattern: hashing a compiled pattern reads
        all its code, microseconds for these."""
        starts: dict[int, set[int]] = {}
        met: dict[int, set[int]] = {}
        for at, _, found in self._automaton.find(fold_case(text)):
            for index, need in found:
                if need < 0:
                    if index in starts:
                        starts[index].add(at)
                    else:
                        starts[index] = {at}
                elif index in met:
                    met[index].add(need)
                else:
                    met[index] = {need}
        digits: list[int] | None = None
        sites: list[list[int] | None] = []
        for index, needs in enumerate(self._needs):
            if needs and (index not in met or len(met[index]) < needs):
                sites.append(None)
            elif self._at_digits[index]:
                digits = [match.start() for match in _DIGIT.finditer(text)] if digits is None else digits
                sites.append(sorted(starts[index].union(digits)) if index in starts else digits)
            else:
                sites.append(sorted(starts[index]) if index in starts else [])
        return sites


_DIGIT = re.compile(r"\d")
_MIN_NEED = 4
_REPEATS = (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT)


def _parsed(pattern: re.Pattern[str]) -> list[tuple[Any, Any]]:
    return list(_parser.parse(pattern.pattern, pattern.flags).data)


def _fewest(found: AbstractSet[str]) -> tuple[str, ...]:
    """The strings, less those beginning with another (found where it is)."""
    return tuple(sorted(each for each in found if not any(each.startswith(other) for other in found - {each})))


_MAX_STARTS = 64  # a longer list of alternatives stops at the characters known so far
_UNKNOWN = frozenset({""})


def _starts(items: list[tuple[Any, Any]], ignore_case: bool, after: AbstractSet[str] = _UNKNOWN) -> AbstractSet[str]:
    """The literal starts of a sequence of parsed items followed by a part whose starts are `after`;
    {""} when nothing is known of them. What follows an alternation is worked out once, not once a branch."""
    if not items:
        return after
    (op, value), rest = items[0], items[1:]
    if op in (_parser.AT, _parser.ASSERT, _parser.ASSERT_NOT):  # zero width: what follows begins the match
        return _starts(rest, ignore_case, after)
    if op is _parser.SUBPATTERN:
        if value[1] or value[2]:  # flags of its own: not looked into
            return _UNKNOWN
        return _starts(list(value[3].data), ignore_case, _starts(rest, ignore_case, after))
    if op is _parser.BRANCH:
        following = _starts(rest, ignore_case, after)
        return set().union(*(_starts(list(branch.data), ignore_case, following) for branch in value[1]))
    if op in _REPEATS:
        least, _, repeated = value
        once = _starts(list(repeated.data), ignore_case)  # what follows the first round is not looked at
        return once if least else once | _starts(rest, ignore_case, after)
    chars = ([value] if op is _parser.LITERAL else [code for kind, code in value if kind is _parser.LITERAL]
             if op is _parser.IN and all(kind is _parser.LITERAL for kind, _ in value) else [])
    # A non-ASCII letter ignoring case may match a character fold_case does not turn into it.
    if not chars or (ignore_case and any(not chr(code).isascii() and chr(code).lower() != chr(code).upper()
                                         for code in chars)):
        return _UNKNOWN
    heads = {chr(code).lower() if ignore_case else chr(code) for code in chars}
    following = _starts(rest, ignore_case, after)
    return {head + more for head in heads for more in following} if len(heads) * len(following) <= _MAX_STARTS else heads
