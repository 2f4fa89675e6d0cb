"""Which of many anchored patterns a line's first character can begin, so a line is tried only
against those (one alternation of them all tries each pattern in turn on every line)."""

from __future__ import annotations

import importlib
import re
from typing import Any

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
