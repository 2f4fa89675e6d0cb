"""Key figures stated in a story, each with the sentence it came from.

Only numbers the text states literally: "£4.571m" -> 4571000, "more than 21 arrests" -> 21,
"fell by 36 per cent" -> -36. Counts (arrests, weapons, charges, prison terms, patrol hours,
warrants, stop and searches, lines closed, people safeguarded or reached, offences), sums of
money by what they are (funding; drugs seized, by street value; cash seized) and signed
percentage changes. A number restated in a story is one fact.
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
_QUALIFIERS = ("more than", "over", "at least", "around", "about", "almost", "nearly", "some", "a total of", "in total",
               "an estimated", "a further", "another", "a combined", "totalling")
# "one in five" is a share, not a count: a number right after "in" starts no count.
_QUALIFIER = r"(?<!\bin\s)(?:(?:" + "|".join(_QUALIFIERS) + r")\s+){0,2}"
# Up to two words between a number and what it counts, none of them a preposition
# ("nine people for offences" does not count offences).
_BETWEEN = r"(?:(?!(?:for|of|with|in|including|after|from|on|at|by|and|to)\b)[\w-]+\s+){0,2}?"
_PEOPLE = r"(?:people|men|women|teenagers|boys|girls|suspects|males|females|others|youths|adults|children|individuals)"
_YOUNG = r"(?:young\s+people|pupils|students|children|teenagers|youngsters|participants|families|people)"
_VULNERABLE = r"(?:people|children|adults|young\s+people|teenagers|individuals|victims|boys|girls|youngsters)"
# A subject may carry an aside before its verb: "Two men, aged 19 and 22, were arrested".
_ASIDE = r"(?:,[^.;]{0,90}?,)?\s+(?:[\w-]+\s+){0,3}?"
_HAVE_BEEN = r"(?:have\s+(?:now\s+|since\s+|each\s+)?been\s+|were\s+|had\s+been\s+|being\s+)"
_WEAPON = r"(?:knives|knife|weapons|blades|machetes|firearms|guns|swords|bladed articles)\b(?!\s+(?:sweep|arch|bin|amnest|wand|surrender|crime|offence))"


def _patterns(*sources: str) -> list[re.Pattern[str]]:
    return [re.compile(source, re.I) for source in sources]


_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    "arrests": _patterns(
        _QUALIFIER + NUMBER + r"\s+(?!of\s)(?:[\w-]+\s+){0,2}arrests\b",
        _QUALIFIER + NUMBER + r"\s+" + _PEOPLE + _ASIDE + _HAVE_BEEN + r"?arrested",
        r"arrest(?:ed|ing)\s+" + _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+)?" + _PEOPLE,
    ),
    "weapons": _patterns(
        r"(?:seized|recovered|surrendered|found|removed|confiscated|collected)\s+" + _QUALIFIER + NUMBER
        + r"\s+(?:[\w-]+\s+){0,2}" + _WEAPON,
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}" + _WEAPON
        + r"(?=[^.]*\b(?:seiz|recover|surrender|found|remov|taken|handed|deposit|collect|confiscat|located))",
    ),
    "charged": _patterns(
        _QUALIFIER + NUMBER + r"\s+(?:of\s+(?:those|them|the\s+\w+)\s+(?:arrested\s+)?|" + _PEOPLE + _ASIDE
        + r"(?:were\s+arrested[^.;]{0,40}?\s+and\s+)?)(?:have\s+(?:now\s+|since\s+|each\s+)?been\s+|were\s+|had\s+been\s+)charged",
        r"charged\s+" + _QUALIFIER + NUMBER + r"\s+" + _PEOPLE,
        _QUALIFIER + NUMBER + r"\s+(?:have\s+(?:now\s+|since\s+)?been\s+|were\s+|had\s+been\s+)charged",
    ),
    "sentence_years": _patterns(
        r"(?:jailed|sentenced|imprisoned|detained)\s+(?:[\w-]+\s+){0,3}?(?:for|to)\s+" + _QUALIFIER + NUMBER
        + r"(?:\s+and\s+a\s+half)?\s+years(?!\s*,?\s*(?:suspended|which\s+was\s+suspended))",
        r"minimum\s+(?:term\s+)?of\s+" + NUMBER + r"\s+years",
        r"(?:sentences?|terms?|jail\s+terms?)\s+(?:totalling|of\s+a\s+total\s+of|adding\s+up\s+to)\s+" + _QUALIFIER + NUMBER
        + r"\s+years",
    ),
    "patrol_hours": _patterns(_QUALIFIER + NUMBER + r"\s+hours\s+of\s+(?:[\w-]+\s+){0,2}patrol"),
    "warrants": _patterns(
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}warrants\b",
        r"(?:executed|carried out|served)\s+(?:[\w-]+\s+){0,2}warrants\s+at\s+" + NUMBER
        + r"\s+(?:addresses|properties|homes|premises)",
    ),
    "stop_searches": _patterns(
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?stop[- ](?:and[- ])?search(?:es)?\b",
        r"stopped\s+and\s+searched\s+" + _QUALIFIER + NUMBER,
        _QUALIFIER + NUMBER + r"\s+" + _PEOPLE + r"\s+" + _HAVE_BEEN + r"stopped\s+and\s+searched",
    ),
    "lines_closed": _patterns(
        r"(?:closed|closing|shut\s+down|shutting\s+down|dismantled|dismantling|took\s+down|taken\s+down|terminated)\s+"
        + _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?lines\b",
        _QUALIFIER + NUMBER + r"\s+(?:county|deal|drugs?|dealer)\s+lines\s+" + _HAVE_BEEN
        + r"?(?:closed|shut\s+down|dismantled|taken\s+down|terminated)",
    ),
    "safeguarded": _patterns(
        r"safeguard(?:ed|ing)\s+" + _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _VULNERABLE,
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _VULNERABLE + r"\s+" + _HAVE_BEEN + r"?safeguarded",
    ),
    "people_reached": _patterns(
        r"(?:worked\s+with|reached|reaching|engaged(?:\s+with)?|engaging(?:\s+with)?|supported|supporting|mentored|"
        r"referred|delivered\s+(?:[\w-]+\s+){0,3}?to)\s+" + _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _YOUNG,
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _YOUNG + r"(?:\s+(?!safeguarded)[\w-]+){0,3}?\s+(?:have\s+|had\s+)?(?:been\s+|were\s+)?"
        r"(?:supported|engaged|reached|referred|mentored|took\s+part|taken\s+part|attended|benefit+ed|heard|"
        r"received|completed|joined|learned|learnt)\b",
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?referrals\b",
    ),
    "offences": _patterns(
        _QUALIFIER + NUMBER + r"\s+" + _BETWEEN + r"(?:offences|crimes)\b",
        r"(?:admitted|denied|faces|convicted\s+of|guilty\s+to|charged\s+with)\s+" + NUMBER + r"\s+counts?\s+of\b",
    ),
}
# A match of a pattern opening with _QUALIFIER + NUMBER begins at a digit, a qualifier or a number
# word (NUMBER needs no word boundary: "someone" holds "one"); it is tried only at those places.
_OPENS_WITH_NUMBER = {p for patterns in _PATTERNS.values() for p in patterns if p.pattern.startswith(_QUALIFIER + NUMBER)}
_NUMBER_OPENINGS = _QUALIFIERS + tuple(word for word in _WORDS if word not in ("a", "an"))
# Kinds whose every mention in a sentence counts (two men jailed for 6 and for 8 years).
_EVERY_MATCH = {"sentence_years"}
_TOTAL = re.compile(r"\b(?:total|totalling|combined|between\s+them)\b", re.I)


def to_number(token: str) -> float | None:
    token = token.lower().replace(",", "")
    if token.isdigit():
        return float(token)
    return float(_WORDS[token]) if token in _WORDS else None


def extract_figures(text: str, title: str = "") -> list[Figure]:
    """Figures stated in the body, then any the title adds; each fact once."""
    found: list[tuple[Figure, bool]] = []  # (figure, a total of prison terms)
    seen: set[tuple[str, float, str]] = set()
    for paragraph in filter(None, text.split("\n")):
        kinds = _kinds_cued(paragraph, _PATTERNS)
        if not kinds and "£" not in paragraph and not _HAS_PERCENT.search(paragraph):
            continue  # no sentence of it can state a figure, so it need not be split
        for sentence in sentences(paragraph):
            for figure, total in _sentence_figures(sentence, kinds):
                # A story restating a number restates one fact; only prison terms listed side by side
                # in one sentence ("jailed for 6 and 8 years") are separate facts of equal value.
                key = (figure.kind, figure.value, figure.text if figure.kind in _EVERY_MATCH else "")
                if key not in seen:
                    seen.add(key)
                    found.append((figure, total))
    stated = {(f.kind, f.value) for f, _ in found}
    found += [(f, total) for f, total in _sentence_figures(title, _PATTERNS) if (f.kind, f.value) not in stated]
    terms = any(f.kind == "sentence_years" and not total for f, total in found)
    # A total of the terms the story also gives one by one is no further fact.
    return [f for f, total in found if not (total and terms)]


def _sentence_figures(sentence: str, kinds: Iterable[str]) -> list[tuple[Figure, bool]]:
    """The figures of one sentence, of `kinds` only: those cued in its paragraph (a cue in the
    sentence is in its paragraph too). Substring tests run before the slow regular expressions."""
    kinds = _kinds_cued(sentence, kinds)
    money = "£" in sentence
    percent = bool(_HAS_PERCENT.search(sentence))
    if not (kinds or money or percent) or not _states_number(sentence):
        return []
    found = [(figure, False) for figure in _money_figures(sentence)] if money else []
    if percent:
        found += [(figure, False) for figure in _percent_changes(sentence)]
    number_openings = _number_openings(sentence) if kinds else []
    for kind in kinds:
        values: list[tuple[float, bool]] = []
        for pattern in _PATTERNS[kind]:
            matches = (matches_at(pattern, sentence, number_openings) if pattern in _OPENS_WITH_NUMBER
                       else pattern.finditer(sentence))
            for match in matches:
                value = to_number(match.group(1))
                if value and value > 0 and (kind in _EVERY_MATCH or not values):
                    half = 0.5 if "and a half" in match.group(0).lower() else 0
                    values.append((value + half, kind == "sentence_years" and bool(_TOTAL.search(match.group(0)))))
            if values and kind not in _EVERY_MATCH:
                break
        found += [(Figure(kind, value, sentence), total) for value, total in values]
    return found


# --- sums of money -------------------------------------------------------------------------

_MONEY = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(bn|billion|m|million|k|thousand)?\b", re.I)
_MONEY_SCALE = {"bn": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6, "k": 1e3, "thousand": 1e3}
_FUNDING_CONTEXT = re.compile(r"\b(fund\w*|grant\w*|award\w*|invest\w*|allocat\w*|budget|money|secur\w*|bid|spend\w*|"
                              r"backed|financ\w*|agree[sd]?|receiv\w*|boost\w*|provid\w*|pledg\w*|commit\w*|expand\w*|"
                              r"available)\b", re.I)
# Sums that are not funding even in a funding sentence.
_NOT_FUNDING = re.compile(r"\b(worth|street value|stolen|fraud\w*|fine[sd]?|compensation|costs? of|proceeds of crime|"
                          r"cash seized|rais(?:ed|es|ing)|seized|seizure)\b", re.I)
_DRUG = r"(?:drugs?|cannabis|cocaine|heroin|crack|ketamine|mdma|ecstasy|amphetamines?|spice|class\s+[ab]\b)"
_DRUGS_BEFORE = re.compile(r"(?:street\s+value|" + _DRUG + r"[^£.;]{0,60}?\b(?:worth|valued|value))[^£.;]{0,40}$", re.I)
_DRUGS_AFTER = re.compile(r"^[\s\w]{0,20}?\b(?:worth\s+of|of|in)\s+(?:suspected\s+|illegal\s+)?" + _DRUG, re.I)
_CASH_BEFORE = re.compile(r"\bcash\b[^£.;]{0,40}$", re.I)
_CASH_AFTER = re.compile(r"^\s*(?:\w+\s+)?(?:in\s+)?(?:criminal\s+)?(?:cash|banknotes|notes)\b", re.I)


def _money_figures(sentence: str) -> list[Figure]:
    """Each £ sum by what it is: drugs seized (street value), cash seized, or funding."""
    funding = bool(_FUNDING_CONTEXT.search(sentence)) and not _NOT_FUNDING.search(sentence)
    figures = []
    for match in _MONEY.finditer(sentence):
        amount = round(float(match.group(1).replace(",", "")) * _MONEY_SCALE.get((match.group(2) or "").lower(), 1))
        before, after = sentence[max(0, match.start() - 100):match.start()], sentence[match.end():match.end() + 40]
        if _DRUGS_BEFORE.search(before) or _DRUGS_AFTER.match(after):
            figures.append(Figure("drugs_seized_gbp", amount, sentence))
        elif _CASH_BEFORE.search(before) or _CASH_AFTER.match(after):
            figures.append(Figure("cash_seized_gbp", amount, sentence))
        elif funding:
            figures.append(Figure("funding_gbp", amount, sentence))
    return figures


# --- percentage changes --------------------------------------------------------------------

_HAS_PERCENT = re.compile(r"%|per\s*cent", re.I)
_PCT = r"(\d+(?:\.\d+)?)\s*(?:%|per\s*cent\b|percent\b)"
_ROUGHLY = r"(?:(?:about|around|almost|nearly|more\s+than|over|just\s+over|just\s+under|some|roughly)\s+)?"
_DOWN = frozenset({"fell", "fallen", "falls", "fall", "dropped", "drop", "drops", "decreased", "decrease", "decreases",
                   "declined", "decline", "declines", "reduced", "reduction", "cut", "down", "lower", "fewer"})
_CHANGES = (
    re.compile(r"\b(fell|fallen|falls?|dropped|drops?|decreased|decreases?|declined|declines?|reduced|cut|rose|risen|"
               r"rises?|increased|increases?|grew|grown|jumped|soared|climbed)\s+(?:by\s+)?" + _ROUGHLY + _PCT, re.I),
    re.compile(r"(?<!\bmakes\s)(?<!\bmade\s)(?<!\bmake\s)(?<!\bmaking\s)\b(down|up)\s+(?:by\s+)?" + _ROUGHLY + _PCT, re.I),
    re.compile(_PCT + r"\s+(reduction|decrease|fall|drop|decline|cut|increase|rise|jump|lower|higher|fewer|more)\b", re.I),
    re.compile(r"\b(?:a|an)\s+(reduction|decrease|fall|drop|decline|cut|increase|rise|jump)\s+of\s+" + _ROUGHLY + _PCT,
               re.I),
)


def _percent_changes(sentence: str) -> list[Figure]:
    """Signed changes in per cent: "fell by 36%" is -36, "a 14 per cent increase" is 14."""
    figures = []
    for pattern in _CHANGES:
        for match in pattern.finditer(sentence):
            number, direction = (match.group(2), match.group(1)) if pattern is not _CHANGES[2] else match.groups()
            value = float(number)
            sign = -1 if direction.lower() in _DOWN else 1
            figures.append(Figure("percent_change", sign * (int(value) if value.is_integer() else value), sentence))
    return figures


# Cheap checks before the regular expressions: a sentence without these cannot match.
_CUES = {
    "arrests": ("arrest",), "weapons": ("knife", "knives", "weapon", "blade", "machete", "firearm", "gun", "sword"),
    "charged": ("charged",), "sentence_years": ("years",), "patrol_hours": ("patrol",), "warrants": ("warrant",),
    "stop_searches": ("search",), "lines_closed": ("lines",), "safeguarded": ("safeguard",),
    "people_reached": ("young people", "pupil", "student", "children", "teenager", "youngster", "participant",
                       "families", "people", "referral"),
    "offences": ("offences", "crimes", "count"),
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
