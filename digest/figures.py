"""Key figures stated in a story, each with the sentence it came from.

Only numbers the text states literally: "£4.571m" -> 4571000, "more than 21 arrests" -> 21.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from digest.models import Figure
from digest.text import fold_case, matches_at, positions_of, sentences

_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "dozens": 24, "a dozen": 12,
}
NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+|" + "|".join(sorted((w for w in _WORDS if w not in ("a", "an")), key=len, reverse=True)) + r")"
_QUALIFIERS = ("more than", "over", "at least", "around", "about", "almost", "nearly", "some", "a total of", "in total")
_QUALIFIER = r"(?:(?:" + "|".join(_QUALIFIERS) + r")\s+)?"
_MONEY = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(bn|billion|m|million|k|thousand)?\b", re.I)
_MONEY_SCALE = {"bn": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6, "k": 1e3, "thousand": 1e3}
_FUNDING_CONTEXT = re.compile(r"\b(fund\w*|grant\w*|award\w*|invest\w*|allocat\w*|budget|money|secur\w*|bid|spend\w*|backed|financ\w*|agree[sd]?|receiv\w*|boost\w*|provid\w*|pledg\w*|commit\w*|expand\w*)\b", re.I)
# Sums that are not funding even in a funding sentence.
_NOT_FUNDING = re.compile(r"\b(worth|street value|stolen|fraud\w*|fine[sd]?|compensation|costs? of|proceeds of crime|cash seized|raised)\b", re.I)
_PEOPLE = r"(?:people|men|women|teenagers|boys|girls|suspects|males|females|others|youths|adults|children|individuals)"
# A subject may carry an aside before its verb: "Two men, aged 19 and 22, were arrested".
_ASIDE = r"(?:,[^.;]{0,90}?,)?\s+(?:[\w-]+\s+){0,3}?"

_WEAPON = r"(?:knives|knife|weapons|blades|machetes|firearms|guns|swords|bladed articles)\b(?!\s+(?:sweep|arch|bin|amnest|wand|surrender|crime|offence))"

_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    "arrests": [
        re.compile(_QUALIFIER + NUMBER + r"\s+(?!of\s)(?:[\w-]+\s+){0,2}arrests\b", re.I),
        re.compile(_QUALIFIER + NUMBER + r"\s+" + _PEOPLE + _ASIDE + r"(?:have\s+been\s+|were\s+|had\s+been\s+|being\s+)?arrested", re.I),
        re.compile(r"arrested\s+" + _QUALIFIER + NUMBER + r"\s+" + _PEOPLE, re.I),
    ],
    "weapons": [
        re.compile(r"(?:seized|recovered|surrendered|found|removed|confiscated|collected)\s+" + _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}" + _WEAPON, re.I),
        re.compile(_QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}" + _WEAPON + r"(?=[^.]*\b(?:seiz|recover|surrender|found|remov|taken|handed|deposit|collect|confiscat|located))", re.I),
    ],
    "charged": [
        re.compile(_QUALIFIER + NUMBER + r"\s+(?:of\s+(?:those|them|the\s+\w+)\s+(?:arrested\s+)?|" + _PEOPLE + _ASIDE
                   + r"(?:were\s+arrested[^.;]{0,40}?\s+and\s+)?)(?:have\s+(?:now\s+|since\s+|each\s+)?been\s+|were\s+|had\s+been\s+)charged", re.I),
        re.compile(r"charged\s+" + _QUALIFIER + NUMBER + r"\s+" + _PEOPLE, re.I),
    ],
    "sentence_years": [
        re.compile(r"(?:jailed|sentenced|imprisoned|detained)\s+(?:[\w-]+\s+){0,3}?(?:for|to)\s+" + NUMBER + r"(?:\s+and\s+a\s+half)?\s+years", re.I),
        re.compile(r"minimum\s+(?:term\s+)?of\s+" + NUMBER + r"\s+years", re.I),
    ],
    "patrol_hours": [
        re.compile(_QUALIFIER + NUMBER + r"\s+hours\s+of\s+(?:[\w-]+\s+){0,2}patrol", re.I),
    ],
    "warrants": [
        re.compile(_QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}warrants\b", re.I),
        re.compile(r"(?:executed|carried out|served)\s+(?:[\w-]+\s+){0,2}warrants\s+at\s+" + NUMBER + r"\s+(?:addresses|properties|homes|premises)", re.I),
    ],
}
# A match of a pattern opening with _QUALIFIER + NUMBER begins at a digit, a qualifier or a number
# word (NUMBER needs no word boundary: "someone" holds "one"); it is tried only at those places.
_OPENS_WITH_NUMBER = {p for patterns in _PATTERNS.values() for p in patterns if p.pattern.startswith(_QUALIFIER + NUMBER)}
_NUMBER_OPENINGS = _QUALIFIERS + tuple(word for word in _WORDS if word not in ("a", "an"))
# Kinds whose every mention in a sentence counts (two men jailed for 6 and for 8 years).
_EVERY_MATCH = {"sentence_years"}

def to_number(token: str) -> float | None:
    token = token.lower().replace(",", "")
    if token.isdigit():
        return float(token)
    return float(_WORDS[token]) if token in _WORDS else None


def extract_figures(text: str, title: str = "") -> list[Figure]:
    """Figures stated in the body, then any the title adds; each fact once."""
    figures: list[Figure] = []
    seen: set[tuple[str, float, str]] = set()
    for paragraph in filter(None, text.split("\n")):
        kinds = _kinds_cued(paragraph, _PATTERNS)
        if not kinds and "£" not in paragraph:
            continue  # no sentence of it can state a figure, so it need not be split
        for sentence in sentences(paragraph):
            for figure in _sentence_figures(sentence, kinds):
                # A story restating a number restates one fact; only prison terms listed side by side
                # in one sentence ("jailed for 6 and 8 years") are separate facts of equal value.
                key = (figure.kind, figure.value, figure.text if figure.kind in _EVERY_MATCH else "")
                if key not in seen:
                    seen.add(key)
                    figures.append(figure)
    stated = {(f.kind, f.value) for f in figures}
    return figures + [f for f in _sentence_figures(title, _PATTERNS) if (f.kind, f.value) not in stated]


def _sentence_figures(sentence: str, kinds: Iterable[str]) -> list[Figure]:
    """The figures of one sentence, of `kinds` only: those cued in its paragraph (a cue in the
    sentence is in its paragraph too). Substring tests run before the slow regular expressions."""
    kinds = _kinds_cued(sentence, kinds)
    money = "£" in sentence
    if not (kinds or money) or not _states_number(sentence):
        return []
    found: list[Figure] = []
    if money and _FUNDING_CONTEXT.search(sentence) and not _NOT_FUNDING.search(sentence):
        for match in _MONEY.finditer(sentence):
            amount = float(match.group(1).replace(",", "")) * _MONEY_SCALE.get((match.group(2) or "").lower(), 1)
            found.append(Figure("funding_gbp", round(amount), sentence))
    number_openings = _number_openings(sentence) if kinds else []
    for kind in kinds:
        values: list[float] = []
        for pattern in _PATTERNS[kind]:
            if pattern in _OPENS_WITH_NUMBER:
                matches = matches_at(pattern, sentence, number_openings)
            else:
                matches = pattern.finditer(sentence)
            for match in matches:
                value = to_number(match.group(1))
                if value and value > 0 and (kind in _EVERY_MATCH or not values):
                    values.append(value + (0.5 if "and a half" in match.group(0).lower() else 0))
            if values and kind not in _EVERY_MATCH:
                break
        found += [Figure(kind, value, sentence) for value in values]
    return found


# Cheap checks before the regular expressions: a sentence without these cannot match.
_CUES = {
    "arrests": ("arrest",), "weapons": ("knife", "knives", "weapon", "blade", "machete", "firearm", "gun", "sword"),
    "charged": ("charged",), "sentence_years": ("years",), "patrol_hours": ("patrol",), "warrants": ("warrant",),
}
_NUMBER_WORDS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
    "sixty", "seventy", "eighty", "ninety", "hundred", "dozen",
)
_HAS_NUMBER = re.compile(r"\d|\b(?:" + "|".join(_NUMBER_WORDS) + r"s?)\b", re.I)
_DIGIT = re.compile(r"\d")


def _kinds_cued(text: str, kinds: Iterable[str]) -> list[str]:
    """Those of `kinds`, in order, whose cues the text contains (only their cues are looked for)."""
    lowered = text.lower()
    cued = []
    for kind in kinds:
        for cue in _CUES[kind]:
            if cue in lowered:
                cued.append(kind)
                break
    return cued


def _number_openings(sentence: str) -> list[int]:
    """Every place a match of _QUALIFIER + NUMBER can begin: a digit, or a qualifier or number
    word in any case (found in the case-folded sentence, where a case-insensitive match is)."""
    digits = [match.start() for match in _DIGIT.finditer(sentence)]
    return sorted({*digits, *positions_of(fold_case(sentence), _NUMBER_OPENINGS)})


def _states_number(sentence: str) -> bool:
    """Whether _HAS_NUMBER finds a number, trying cheaper tests first: any digit, and for
    number words, the substring every match contains (case folded as re.IGNORECASE does)."""
    if _DIGIT.search(sentence):
        return True
    folded = fold_case(sentence)
    return any(word in folded for word in _NUMBER_WORDS) and bool(_HAS_NUMBER.search(sentence))
