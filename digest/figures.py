"""Key figures stated in a story, each with the sentence it came from.

Only numbers the text states literally: "£4.571m" -> 4571000, "more than 21 arrests" -> 21.
"""

from __future__ import annotations

import re

from digest.models import Figure
from digest.text import sentences

LABELS = {
    "funding_gbp": "Funding",
    "arrests": "Arrests",
    "weapons": "Weapons seized or surrendered",
    "charged": "Charged",
    "sentence_years": "Years of prison sentences",
    "patrol_hours": "Patrol hours",
    "warrants": "Warrants executed",
}

_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "dozens": 24, "a dozen": 12,
}
NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+|" + "|".join(sorted((w for w in _WORDS if w not in ("a", "an")), key=len, reverse=True)) + r")"
_QUALIFIER = r"(?:(?:more than|over|at least|around|about|almost|nearly|some|a total of|in total)\s+)?"
_MONEY = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(bn|billion|m|million|k|thousand)?\b", re.I)
_MONEY_SCALE = {"bn": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6, "k": 1e3, "thousand": 1e3}
_FUNDING_CONTEXT = re.compile(r"\b(fund\w*|grant\w*|award\w*|invest\w*|allocat\w*|budget|money|secured|bid|spend\w*|backed|financ\w*)\b", re.I)

_WEAPON = r"(?:knives|knife|weapons|blades|machetes|firearms|guns|swords|bladed articles)\b(?!\s+(?:sweep|arch|bin|amnest|wand|surrender|crime|offence))"

_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    "arrests": [
        re.compile(_QUALIFIER + NUMBER + r"\s+(?:\w+\s+){0,2}arrests\b", re.I),
        re.compile(_QUALIFIER + NUMBER + r"\s+(?:people|men|women|teenagers|boys|girls|suspects|males|females|others)\s+(?:have\s+been\s+|were\s+|had\s+been\s+)?arrested", re.I),
        re.compile(r"arrested\s+" + _QUALIFIER + NUMBER + r"\s+(?:people|men|women|teenagers|suspects|individuals)", re.I),
    ],
    "weapons": [
        re.compile(r"(?:seized|recovered|surrendered|found|removed|confiscated|collected)\s+" + _QUALIFIER + NUMBER + r"\s+(?:\w+\s+){0,2}" + _WEAPON, re.I),
        re.compile(_QUALIFIER + NUMBER + r"\s+(?:\w+\s+){0,2}" + _WEAPON + r"(?=[^.]*\b(?:seiz|recover|surrender|found|remov|taken|handed|deposit|collect|confiscat|located))", re.I),
    ],
    "charged": [
        re.compile(_QUALIFIER + NUMBER + r"\s+(?:people|men|women|teenagers|boys|girls|suspects|males|others)\s+(?:have\s+(?:now\s+)?been\s+|were\s+|had\s+been\s+)charged", re.I),
    ],
    "sentence_years": [
        re.compile(r"(?:jailed|sentenced|imprisoned|detained)\s+(?:\w+\s+){0,3}(?:for|to)\s+" + NUMBER + r"\s+years", re.I),
        re.compile(r"minimum\s+(?:term\s+)?of\s+" + NUMBER + r"\s+years", re.I),
    ],
    "patrol_hours": [
        re.compile(_QUALIFIER + NUMBER + r"\s+hours\s+of\s+(?:\w+\s+){0,2}patrol", re.I),
    ],
    "warrants": [
        re.compile(_QUALIFIER + NUMBER + r"\s+(?:\w+\s+){0,2}warrants\s+(?:were\s+|have\s+been\s+)?(?:executed|carried out|served)", re.I),
        re.compile(r"(?:executed|carried out)\s+" + _QUALIFIER + NUMBER + r"\s+(?:\w+\s+){0,2}warrants", re.I),
    ],
}


def to_number(token: str) -> float | None:
    token = token.lower().replace(",", "")
    if token.isdigit():
        return float(token)
    return float(_WORDS[token]) if token in _WORDS else None


def extract_figures(text: str) -> list[Figure]:
    figures: list[Figure] = []
    seen: set[tuple[str, float, str]] = set()
    for paragraph in text.split("\n"):
        for sentence in sentences(paragraph):
            for figure in _sentence_figures(sentence):
                key = (figure.kind, figure.value, figure.text)
                if key not in seen:
                    seen.add(key)
                    figures.append(figure)
    return figures


def _sentence_figures(sentence: str) -> list[Figure]:
    found: list[Figure] = []
    if _FUNDING_CONTEXT.search(sentence):
        for match in _MONEY.finditer(sentence):
            amount = float(match.group(1).replace(",", "")) * _MONEY_SCALE.get((match.group(2) or "").lower(), 1)
            found.append(Figure("funding_gbp", round(amount), sentence))
    for kind, patterns in _PATTERNS.items():
        for pattern in patterns:
            match = pattern.search(sentence)
            if match and (value := to_number(match.group(1))) is not None and value > 0:
                found.append(Figure(kind, value, sentence))
                break
    return found


def format_value(kind: str, value: float) -> str:
    if kind == "funding_gbp":
        return f"£{value:,.0f}"
    return f"{value:,.0f}"
