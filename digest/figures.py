"""Key figures stated in a story, each with the sentence it came from.

Only numbers the text states literally: "£4.571m" -> 4571000, "more than 21 arrests" -> 21,
"fell by 36 per cent" -> -36. Counts (arrests, weapons, charges, prison terms, patrol hours,
warrants, stop and searches, lines closed, people safeguarded or reached, offences), sums of
money by what they are (funding; drugs seized, by street value; cash seized) and signed
percentage changes. A number restated in a story is one fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from digest.figure_cues import Cues
from digest.models import Figure
from digest.text import MatchSites, matches_at, sentence_spans

_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozens": 24, "a dozen": 12,
}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SMALL = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# "Thirty-eight" is one number, and the "eight" of it no number on its own; "1 in 4", "one in five" are shares.
NUMBER = (r"(?<!-)(?<![\d,.])(\d{1,3}(?:,\d{3})+|\d+|(?:" + _TENS + r")[- ](?:" + "|".join(_SMALL[:-1]) + r")\b|"
          + "|".join(sorted((w for w in _WORDS if w not in ("a", "an")), key=len, reverse=True))
          + r")(?!\s+in\s+(?:\d|" + "|".join(_SMALL) + r")\b)")
_QUALIFIERS = ("more than", "over", "at least", "around", "about", "almost", "nearly", "some", "a total of", "in total",
               "an estimated", "a further", "another", "a combined", "totalling")
# Nor does a count begin right after "<number> in" (a share's second number) or "aged" (an age).
_QUALIFIER = ("".join(rf"(?<!\b{share}\sin\s)" for share in _SMALL)
              + r"(?<!\d\sin\s)(?<!\baged\s)(?:(?:" + "|".join(_QUALIFIERS) + r")\s+){0,2}")
# Up to two words between a number and what it counts, none of them a preposition or "and"
# ("nine people for offences" does not count offences, "Nineteen arrests and weapons" weapons).
_BETWEEN = r"(?:(?!(?:for|of|with|in|including|after|from|on|at|by|and|to)\b)[\w-]+\s+){0,2}?"
_PEOPLE = (r"(?:people|men|women|teenagers|teens|boys|girls|suspects|males|females|others|youths|youngsters|adults|"
           r"children|individuals|juveniles|persons|drivers|motorists|offenders|criminals|dealers)")
_YOUNG = r"(?:young\s+people|pupils|students|children|teenagers|youngsters|participants|families|people)"
_PUPILS = r"(?:young\s+people|pupils|students|children|teenagers|youngsters)"
_VULNERABLE = r"(?:people|children|adults|young\s+people|teenagers|individuals|victims|boys|girls|youngsters)"
# A subject may carry an aside before its verb: "Two men, aged 19 and 22, were arrested" (or between dashes).
_ASIDE = r"(?:,[^.;]{0,90}?,|\s+[–—][^.;]{0,90}?[–—])?\s+(?:[\w-]+\s+){0,3}?"
# A second count of the same kind, added to the first: "410 men and 72 women were arrested".
_AND_MORE = r"(?:\s+and\s+(?P<more>\d{1,3}(?:,\d{3})+|\d+)\s+(?:[\w-]+\s+){0,2}?"
# Weapons taken by officers and more given up, added: "seized 936 knives and 8,703 were surrendered".
_MORE_HANDED_IN = (r"(?:\s+(?:and|while|whilst)\s+(?:a\s+further\s+|another\s+)?(?P<more>\d{1,3}(?:,\d{3})+|\d+)\s+"
                   r"(?:more\s+|others\s+)?(?:were|was|have\s+been)\s+(?:either\s+)?"
                   r"(?:surrendered|handed\s+in|found|recovered|collected|deposited))?")
_HAVE_BEEN = r"(?:have\s+(?:now\s+|since\s+|each\s+)?been\s+|were\s+|had\s+been\s+|being\s+)"
_WEAPON = (r"(?:knives|knife|weapons|blades|machetes|firearms|guns|handguns|pistols|shotguns|rifles|swords|"
           r"bladed articles)\b(?!\s+(?:sweep|arch|bin|amnest|wand|surrender|crime|offence))")
# Weapons taken are taken off the streets (or out of circulation), not to school.
_TAKEN = (r"(?:seiz(?:ed|ing)|recover(?:ed|ing)|surrender(?:ed|ing)|f(?:ound|inding)|remov(?:ed|ing)|confiscat(?:ed|ing)|"
          r"collect(?:ed|ing)|t(?:ake|ook|aken|aking)(?=[^.]*\b(?:off|out\s+of)\b))")
# A prison term: "eight years", "four and a half years", "8 years and 6 months".
_YEARS = (NUMBER + r"(?:\s+and\s+(?:a\s+half|a\s+quarter|three\s+quarters))?\s+years(?:’|')?(?:\s+and\s+"
          + NUMBER + r"\s+months(?:’|')?)?(?!\s*,?\s*(?:suspended|which\s+was\s+suspended))")
_SENTENCED = r"(?:jailed|sentenced|imprisoned|detained|locked\s+up|put\s+behind\s+bars)"
_CRIMES = r"(?:offences|crimes|burglaries|robberies|thefts|assaults|attacks|stabbings|shootings|break-ins)"
_PLACES = r"(?:cars|vehicles|vans|lorries|homes|houses|properties|sheds|garages|shops|businesses)"


def _patterns(*sources: str) -> list[re.Pattern[str]]:
    return [re.compile(source, re.I) for source in sources]


_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    "arrests": _patterns(
        _QUALIFIER + NUMBER + r"\s+(?!of\s)(?:[\w-]+\s+){0,2}arrests\b",
        _QUALIFIER + NUMBER + r"\s+" + _PEOPLE + _AND_MORE + _PEOPLE + r")?" + _ASIDE + _HAVE_BEEN
        + r"?(?:arrested|detained(?!\s+(?:for|until|under|indefinitely)\b))",
        r"arrest(?:ed|ing)\s+" + _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,3}?" + _PEOPLE,
        r"(?<!\w\s)\bof\s+(?:the|these|those)\s+(?:[\w-]+\s+)?arrests,?\s+" + _QUALIFIER + NUMBER + r"\b",
        # A results list's line: "43 arrested, including seven under 18" (not "aged 43 arrested").
        _QUALIFIER + NUMBER + r"\s+arrested\b",
    ),
    "weapons": _patterns(
        _TAKEN + r"\s+" + _QUALIFIER + NUMBER + r"\s+" + _BETWEEN + _WEAPON + _MORE_HANDED_IN,
        _QUALIFIER + NUMBER + r"\s+" + _BETWEEN + _WEAPON
        + r"(?=[^.]*\b(?:seiz|recover|surrender|found|remov|taken|handed|deposit|collect|confiscat|located))",
        # The verb well before the count: "They seized drugs, cash and three weapons".
        r"\b(?:seized|recovered|confiscated|taken\s+off|found)\b(?!\s+(?:were|was|includ|guilty|dead|from))[^.;]{0,150}?\b"
        + NUMBER + r"\s+(?:(?!(?:with|of|in|for|and|from|by)\b)[\w-]+\s+){0,2}" + _WEAPON,
        # Items handed in to an amnesty or a surrender bin are weapons.
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?items\b(?=[^.]*\b(?:amnesty|surrender))",
    ),
    "charged": _patterns(
        _QUALIFIER + NUMBER + r"\s+(?:of\s+(?:those|them|the\s+\w+)\s+(?:arrested\s+)?|" + _PEOPLE + _ASIDE
        + r"(?:were\s+arrested[^.;]{0,40}?\s+and\s+)?)(?:have\s+(?:now\s+|since\s+|each\s+)?been\s+|were\s+|had\s+been\s+)?"
        r"charged",
        r"charged\s+" + _QUALIFIER + NUMBER + r"\s+" + _PEOPLE,
        _QUALIFIER + NUMBER + r"\s+(?:have\s+(?:now\s+|since\s+)?been\s+|were\s+|had\s+been\s+)charged",
    ),
    "sentence_years": _patterns(
        _SENTENCED + r"\s+(?:[\w-]+\s+){0,3}?(?:for|to)\s+(?:serve\s+)?" + _QUALIFIER + _YEARS,
        r"(?:given|got|received|handed)\s+" + _QUALIFIER + _YEARS + r"(?=\s*(?:imprisonment|in\s+(?:prison|jail|custody)|custody|"
        r"detention|jail|behind\s+bars|[.;,]|$|for\b|after\b))",
        r"minimum\s+(?:term\s+)?of\s+" + NUMBER + r"\s+years",
        r"(?:sentences?|terms?|jail\s+terms?)\s+(?:totalling|of\s+a\s+total\s+of|adding\s+up\s+to)\s+" + _QUALIFIER + NUMBER
        + r"\s+years",
        # A further term in a sentence that has passed one: "..., and Musgrave, 19, for four years".
        r"(?:,|\band\b)(?:\s+(?!ban|disqualif|driving|order|licen|having|had|has|have|after|who|which|been|since)"
        r"[\w’'-]+,?){0,8}?\s+for\s+" + _YEARS,
    ),
    "patrol_hours": _patterns(_QUALIFIER + NUMBER + r"\s+hours\s+of\s+(?:[\w-]+\s+){0,2}patrol"),
    "warrants": _patterns(
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}warrants\b",
        r"warrants\s+(?:were\s+|have\s+been\s+)?(?:executed\s+|carried\s+out\s+|served\s+)?at\s+" + _QUALIFIER + NUMBER
        + r"\s+(?:[\w-]+\s+)?(?:addresses|properties|homes|premises|locations)",
        r"(?:raided|raids\s+(?:on|at))\s+" + _QUALIFIER + NUMBER
        + r"\s+(?:[\w-]+\s+)?(?:addresses|properties|homes|premises)",
    ),
    "stop_searches": _patterns(
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?stop[- ](?:and[- ])?search(?:es)?\b",
        r"stopped\s+and\s+searched\s+" + _QUALIFIER + NUMBER,
        _QUALIFIER + NUMBER + r"\s+" + _PEOPLE + r"\s+" + _HAVE_BEEN + r"stopped\s+and\s+searched",
    ),
    "lines_closed": _patterns(
        r"(?:closed|closing|closure\s+of|shut\s+down|shutting\s+down|dismantled|dismantling|took\s+down|taken\s+down|"
        r"terminated)\s+"
        + _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?lines\b",
        _QUALIFIER + NUMBER + r"\s+(?:county|deal|drugs?|dealer)\s+lines\s+" + _HAVE_BEEN
        + r"?(?:closed|shut\s+down|dismantled|taken\s+down|terminated)",
        # The lines as the networks that run them: "324 networks originating in the capital have been closed".
        _QUALIFIER + NUMBER + r"\s+(?:(?:county|deal|drugs?|dealer)\s+)?(?:lines\s+)?networks\s+(?:(?!of\b)[\w-]+\s+){0,4}?"
        + _HAVE_BEEN + r"(?:closed|shut\s+down|dismantled|taken\s+down|terminated)",
    ),
    "safeguarded": _patterns(
        r"safeguard(?:ed|ing)\s+" + _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _VULNERABLE
        + _AND_MORE + _VULNERABLE + r")?",
        # "519 vulnerable adults and 364 children were safeguarded" (added), "49 people, including children, were ..."
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _VULNERABLE + r"(?:\s+and\s+(?:(?P<more>\d{1,3}(?:,\d{3})+|\d+)\s+"
        r"(?:[\w-]+\s+){0,2}?)?" + _VULNERABLE + r")?(?:,[^.;]{0,60}?,|\s+who\s+(?:were|are|had\s+been|have\s+been)\s+"
        r"(?:being\s+)?[\w-]+(?:\s+[\w-]+)?)?\s+(?:who\s+)?" + _HAVE_BEEN + r"?(?:(?:[\w-]+\s+){1,2}or\s+)?(?:safeguarded|"
        r"(?:engaged|identified|visited|referred)\s+for\s+safeguarding)",
    ),
    "people_reached": _patterns(
        r"(?:worked\s+with|reached|reaching|engaged(?:\s+with)?|engaging(?:\s+with)?|supported|supporting|mentored|"
        r"referred|deliver(?:ed|ing)\s+(?:[\w-]+\s+){0,3}?to)\s+" + _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _YOUNG,
        # Talks and sessions count pupils, not passers-by: "spoke to 900 pupils", "held sessions for 40 students".
        r"(?:(?:spoke|spoken|speaking|talked|talking)\s+to|(?:gave|given|giving|held|ran)\s+(?:[\w-]+\s+){0,3}?(?:to|for|with))"
        r"\s+" + _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _PUPILS,
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _YOUNG + r"(?![^.]*\b(?:consultation|survey|poll)s?\b)"
        r"(?:\s+(?!safeguarded)[\w-]+){0,5}?\s+(?:have\s+|had\s+)?(?:been\s+|were\s+)?"
        r"(?:supported|engaged|reached|referred|mentored|t(?:ake|ook|aken)\s+part|attended|benefit+ed|heard|"
        r"received|completed|joined|learned|learnt)\b(?!\s+for\s+safeguarding)"
        # An incident's people, not a project's: "two people attended hospital", "received suspended sentences".
        # (What follows the verb only: "attended prison awareness sessions" is a project's.)
        r"(?!\s+(?:hospital|(?:medical\s+)?treatment|(?:[\w-]+\s+)?injuries|(?:prison|jail|custodial|suspended|community)\s+"
        r"(?:sentences?|terms?)\b|sentences?\b|fines?\b|cautions?\b))",
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?referrals\b",
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _YOUNG + r"\s+had\s+(?:face[- ]to[- ]face\s+|one[- ]to[- ]one\s+)?"
        r"(?:engagement|contact|support|mentoring|sessions?|workshops?)\b",
    ),
    "offences": _patterns(
        _QUALIFIER + NUMBER + r"\s+" + _BETWEEN + r"(?:offences|crimes)\b",
        r"(?:admitted|denied|faces|convicted\s+of|guilty\s+to|charged\s+with)\s+" + NUMBER + r"\s+counts?\s+of\b",
        r"(?:admitted|admitting|committed|committing|carried\s+out|carrying\s+out|responsible\s+for|linked\s+to|"
        r"guilty\s+to|convicted\s+of|recorded)\s+" + _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _CRIMES,
        # The targets counted: "thefts from 212 cars", "23 vans were broken into".
        r"(?:thefts?|st(?:ole|olen|ealing)|burgl(?:ed|ing)|br(?:oke|oken|eaking)\s+into)\s+(?:[\w-]+\s+){0,3}?(?:from\s+)?"
        + NUMBER + r"\s+(?:[\w-]+\s+)?" + _PLACES + r"\b",
        _QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+)?" + _PLACES + r"\s+" + _HAVE_BEEN + r"(?:broken\s+into|burgled)",
        # A count the change left: "knife offences fell by 12%, to 1,643".
        _CRIMES + r"\b[^.;]{0,60}?\b(?:fell|fallen|rose|risen|dropped|increased|decreased|declined|went\s+(?:up|down))\b"
        r"[^.;]{0,30}?\bto\s+(?!(?:19|20)\d\d\b)(\d{1,3}(?:,\d{3})+|\d+)\b(?![.,]?\d|\s*(?:%|per\s*cent))",
    ),
}
# A pattern opening with _QUALIFIER + NUMBER is tried only at a digit, a qualifier or a number word
# (NUMBER needs no word boundary: "someone" holds "one"); any other, where a word it begins with is;
# none in a sentence without the words its matches need (text.MatchSites).
_OPENS_WITH_NUMBER = {p for patterns in _PATTERNS.values() for p in patterns if p.pattern.startswith(_QUALIFIER + NUMBER)}
_NUMBER_OPENINGS = _QUALIFIERS + tuple(word for word in _WORDS if word not in ("a", "an"))
_SITES = {kind: MatchSites(patterns, {p: _NUMBER_OPENINGS for p in patterns if p in _OPENS_WITH_NUMBER})
          for kind, patterns in _PATTERNS.items()}
# Kinds whose every mention in a sentence counts (two men jailed for 6 and for 8 years).
_EVERY_MATCH = {"sentence_years"}
_TOTAL = re.compile(r"\b(?:total|totalling|combined|between\s+them)\b", re.I)
_FURTHER_TERM = _PATTERNS["sentence_years"][-1]
_SENTENCING = re.compile(_SENTENCED + r"|\b(?:given|received)\b", re.I)
_PART_OF_YEAR = {"a half": 0.5, "a quarter": 0.25, "three quarters": 0.75}
_MONTHS = re.compile(r"and\s+" + NUMBER + r"\s+months", re.I)
# Counts and sums, not terms or rates: a rounder one near another restates it ("more than 1,300", "nearly £800,000").
_COUNT_KINDS = frozenset(_PATTERNS) - {"sentence_years"} | {"cash_seized_gbp", "drugs_seized_gbp", "funding_gbp"}


def to_number(token: str) -> float | None:
    token = token.lower().replace(",", "")
    if token.isdigit():
        return float(token)
    if token in _WORDS:
        return float(_WORDS[token])
    tens, _, units = token.replace("-", " ").partition(" ")
    return float(_WORDS[tens] + _WORDS[units]) if tens in _WORDS and units in _WORDS else None


def extract_figures(text: str, title: str = "") -> list[Figure]:
    """Figures stated in the body, then any the title adds; each fact once."""
    found: list[tuple[Figure, bool]] = []  # (figure, a total of prison terms)
    seen: set[tuple[str, float]] = set()
    cues = Cues(text)
    for start, end in _paragraph_spans(text):
        paragraph = text[start:end]
        if not cues.states_number(start, end):
            continue
        kinds = cues.kinds(start, end, _PATTERNS)
        if ((not kinds and "£" not in paragraph and not cues.percent(start, end))
                or (paragraph.rstrip()[-1:].isdecimal() and _RELATED_LINK.search(paragraph))):  # it ends with a year
            continue  # no sentence of it can state a figure of this story, so it need not be split
        for first, last in sentence_spans(paragraph):
            first, last = start + first, start + last
            if not cues.states_number(first, last):
                continue
            for figure, total in _sentence_figures(text[first:last], cues.kinds(first, last, kinds),
                                                   cues.percent(first, last)):
                # A story restating a number restates one fact (a term in the lede and again in the detail).
                key = (figure.kind, figure.value)
                if key not in seen:
                    seen.add(key)
                    found.append((figure, total))
    stated = {(f.kind, f.value) for f, _ in found}
    found += [(f, total) for f, total in _title_figures(title) if (f.kind, f.value) not in stated]
    terms = sum(f.value for f, total in found if f.kind == "sentence_years" and not total)
    # A total of the terms the story also gives one by one is no further fact; a total far beyond them
    # (an operation's "more than 800 years" beside one leader's 14) is.
    figures = [f for f, total in found if not (total and terms and f.value <= 2 * terms)]
    return [f for f in figures if not _restated_rounder(f, figures)]


def _paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where each line of the text that is not empty begins and ends."""
    start = 0
    for line in text.split("\n"):
        if line:
            yield start, start + len(line)
        start += len(line) + 1


def _title_figures(title: str) -> list[tuple[Figure, bool]]:
    cues = Cues(title)
    if not cues.states_number(0, len(title)):
        return []
    return _sentence_figures(title, cues.kinds(0, len(title), _PATTERNS), cues.percent(0, len(title)))


def _restated_rounder(figure: Figure, figures: list[Figure]) -> bool:
    """Whether a count is a rounder restatement of another of its kind within 5%: "more than 1,300
    arrests" beside "1,312 arrests" (a headline's or an intro's round number)."""
    if figure.kind not in _COUNT_KINDS or figure.value < 100:
        return False
    return any(other.kind == figure.kind and other.value != figure.value
               and abs(other.value - figure.value) <= 0.05 * other.value
               and _trailing_zeros(figure.value) > _trailing_zeros(other.value) for other in figures)


def _trailing_zeros(value: float) -> int:
    digits = str(int(value))
    return len(digits) - len(digits.rstrip("0")) if float(value).is_integer() else -1  # a sum's value is an int


def _sentence_figures(sentence: str, kinds: list[str], percent: bool) -> list[tuple[Figure, bool]]:
    """The figures of one sentence that states a number: of `kinds` (those cued in it), sums of money,
    and changes in per cent when it says `percent`. The cheap tests (figure_cues) run before the slow
    regular expressions."""
    money = "£" in sentence
    if not (kinds or money or percent):
        return []
    found = [(figure, False) for figure in _money_figures(sentence)] if money else []
    if percent:
        found += [(figure, False) for figure in _percent_changes(sentence)]
    for kind in kinds:
        values: list[tuple[float, bool]] = []
        for pattern, sites in zip(_PATTERNS[kind], _SITES[kind].find(sentence), strict=True):
            for match in matches_at(pattern, sentence, sites or ()):
                if pattern is _FURTHER_TERM and not _SENTENCING.search(sentence, 0, match.start()):
                    continue
                value = _value(kind, match)
                if value and value > 0 and (kind in _EVERY_MATCH or not values):
                    values.append((value, kind == "sentence_years" and bool(_TOTAL.search(match.group(0)))))
            if values and kind not in _EVERY_MATCH:
                break
        found += [(Figure(kind, value, sentence), total) for value, total in values]
    return found


def _value(kind: str, match: re.Match[str]) -> float | None:
    """The number a match states (with a second count it adds: "410 men and 72 women"); a prison term
    with its part of a year ("six years and three months": 6.25)."""
    value = to_number(match.group(1))
    if value is not None and (more := match.groupdict().get("more")):
        value += to_number(more) or 0
    if value is None or kind != "sentence_years":
        return value
    text = match.string[match.start(1):match.end()].lower()
    value += sum(part for words, part in _PART_OF_YEAR.items() if f"and {words}" in text)
    months = _MONTHS.search(text)
    return value + (to_number(months.group(1)) or 0) / 12 if months else value


# --- sums of money -------------------------------------------------------------------------

_MONEY = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(bn|billion|m|million|k|thousand)?\b", re.I)
_MONEY_SCALE = {"bn": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6, "k": 1e3, "thousand": 1e3}
_FUNDING_CONTEXT = re.compile(r"\b(fund\w*|grant\w*|award\w*|invest\w*|allocat\w*|budget|money|secur\w*|bid|spend\w*|"
                              r"backed|financ\w*|agree[sd]?|receiv\w*|boost\w*|provid\w*|pledg\w*|commit\w*|expand\w*|giv(?:e|en|es|ing)|"
                              r"hand(?:ed|ing) to|available|shar(?:e|es|ed|ing)|projects?|schemes?|programmes?)\b", re.I)
# Sums that are not funding even in a funding sentence.
# "worth" names a value ("drugs worth £5,000"), but "£800,000 worth of funding" is a sum given.
_NOT_FUNDING = re.compile(r"\b(worth(?!\s+of\s+(?:new\s+|extra\s+|additional\s+)?(?:funding|grants?|investment)\b)|street value|stolen|fraud\w*|fine[sd]?|compensation|costs? of|proceeds of crime|"
                          r"cash seized|rais(?:ed|es|ing)|seized|seizure|owed|owing|debts?|tickets?|admission|"
                          r"entry fee|priced)\b", re.I)
# What a grant may be, not what anyone was given: "grants of between £1,000 and £10,000", "up to £5,000 each".
_SUM = r"£[\d,.]+\s*(?:bn|m|k|million)?"
_RANGE_BEFORE = re.compile(r"(?:\bbetween\s+(?:" + _SUM + r"\s+and\s+)?|" + _SUM + r"\s*[-–—]\s*)$", re.I)
_RANGE_AFTER = re.compile(r"^\s*[-–—]\s*£")
_TO_BEFORE, _TO_AFTER = re.compile(_SUM + r"\s+to\s+$", re.I), re.compile(r"^\s*to\s+£", re.I)
_CAP_BEFORE = re.compile(r"\b(?:up\s+to|maximum\s+of|max\.?|capped\s+at|no\s+more\s+than|at\s+most|not\s+exceeding|"
                         r"limit\s+of)\s*$", re.I)
_CAP_AFTER = re.compile(r"^\s*(?:each|per\s+(?:project|group|organisation|application|bid|scheme))\b", re.I)
_GRANT_SIZES = re.compile(r"\b(?:grants?|awards?|bids?|apply|applications?)\b", re.I)
# A household's council tax ("£14 a year for a Band D property") is no funding.
_COUNCIL_TAX = re.compile(r"\b(?:band\s+[a-h]|council\s+tax|precept)\b", re.I)
# One line of a list of awards: "Riverside Boxing Club – £9,000 for evening sessions".
_AWARD_LINE = re.compile(r"^[\s•·*-]*[A-Z][^£]{2,100}?(?:\s[–—-]|:)\s*$")
_AWARD_AFTER = re.compile(r"^\s*(?:to|for|towards)\b", re.I)
# A related-story link closing a page: "Commissioner launches £200,000 fund – 11 July 2022".
_RELATED_LINK = re.compile(r"\s[–—|-]\s*\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
                           r"\.?\s+\d{4}\s*$")
_DRUG = r"(?:drugs?|cannabis|cocaine|heroin|crack|ketamine|mdma|ecstasy|amphetamines?|spice|class\s+[ab]\b)"
_DRUGS_BEFORE = re.compile(r"(?:street\s+value|" + _DRUG + r"[^£.;]{0,60}?\b(?:worth|valued|value))[^£.;]{0,40}$", re.I)
_DRUGS_AFTER = re.compile(r"^\s*(?:(?:(?!and\b)\w+\s+){0,3}?(?:worth\s+of|of|in)\s+)?(?:suspected\s+|illegal\s+)?" + _DRUG, re.I)
# Money seized is cash ("seized more than £10,000"), unless it is what drugs were worth (tested first).
_CASH_BEFORE = re.compile(r"\bcash\b[^£.;]{0,40}$|\b(?:seized|seizing|recovered)\s+(?:(?:more\s+than|over|around|"
                          r"about|almost|nearly|some|in\s+excess\s+of)\s+)?$", re.I)
_CASH_AFTER = re.compile(r"^\s*(?:\w+\s+)?(?:in\s+)?(?:criminal\s+)?(?:cash|banknotes|notes)\b", re.I)


def _money_figures(sentence: str) -> list[Figure]:
    """Each £ sum by what it is: drugs seized (street value), cash seized, or funding."""
    funding = bool(_FUNDING_CONTEXT.search(sentence)) and not _NOT_FUNDING.search(sentence)
    figures = []
    for match in _MONEY.finditer(sentence):
        amount = round(float(match.group(1).replace(",", "")) * _MONEY_SCALE.get((match.group(2) or "").lower(), 1))
        before, after = sentence[max(0, match.start() - 100):match.start()], sentence[match.end():match.end() + 40]
        after = after.removeprefix("+")  # "£41,000+ in cash seized": at least that much
        if _DRUGS_BEFORE.search(before) or _DRUGS_AFTER.match(after):
            figures.append(Figure("drugs_seized_gbp", amount, sentence))
        elif _CASH_BEFORE.search(before) or _CASH_AFTER.match(after):
            figures.append(Figure("cash_seized_gbp", amount, sentence))
        elif (funding or _awarded_in_list(before, after)) and not _not_a_grant(sentence, before, after, amount):
            figures.append(Figure("funding_gbp", amount, sentence))
    return figures


def _awarded_in_list(before: str, after: str) -> bool:
    """Whether the sum is one line of a list of awards: a name, a dash, the sum and what it is for."""
    return bool(_AWARD_LINE.match(before) and _AWARD_AFTER.match(after))


def _not_a_grant(sentence: str, before: str, after: str, amount: float) -> bool:
    """A grant range, a cap on each grant, or a household's council tax: sums no one was given."""
    if _RANGE_BEFORE.search(before) or _RANGE_AFTER.match(after):
        return True
    sizes = bool(_GRANT_SIZES.search(sentence))
    if sizes and (_TO_BEFORE.search(before) or _TO_AFTER.match(after)):
        return True
    if _CAP_BEFORE.search(before) and (sizes or _CAP_AFTER.match(after)):
        return True
    return amount < 1000 and bool(_COUNCIL_TAX.search(sentence))


# --- percentage changes --------------------------------------------------------------------

_PCT = (r"(\d+(?:\.\d+)?|\b(?:" + "|".join(word for word, value in _WORDS.items() if word.isalpha() and len(word) > 1
                                       and value < 100) + r"))\s*(?:%|per\s*cent\b|percent\b)")  # "down four per cent"
_ROUGHLY = r"(?:(?:about|around|almost|nearly|more\s+than|over|just\s+over|just\s+under|some|roughly)\s+)?"
_DOWN = frozenset({"fell", "fallen", "falls", "fall", "dropped", "drop", "drops", "decreased", "decrease", "decreases",
                   "declined", "decline", "declines", "reduced", "reduction", "cut", "down", "lower", "fewer"})
_CHANGES = (
    re.compile(r"\b(fell|fallen|falls?|dropped|drops?|decreased|decreases?|declined|declines?|reduced|cut|rose|risen|"
               r"rises?|increased|increases?|grew|grown|jumped|soared|climbed)\s+(?:by\s+)?" + _ROUGHLY + _PCT, re.I),
    re.compile(r"(?<!\bmakes\s)(?<!\bmade\s)(?<!\bmake\s)(?<!\bmaking\s)\b(down|up)\s+(?:by\s+)?" + _ROUGHLY + _PCT, re.I),
    re.compile(_PCT + r"\s+(reduction|decrease|fall|drop|decline|cut|increase|rise|jump|lower|higher|fewer|more)\b", re.I),
    re.compile(r"\b(?:a|an|the)\s+(reduction|decrease|fall|drop|decline|cut|increase|rise|jump)\s+of\s+" + _ROUGHLY + _PCT,
               re.I),
)


def _percent_changes(sentence: str) -> list[Figure]:
    """Signed changes in per cent: "fell by 36%" is -36, "a 14 per cent increase" is 14."""
    figures = []
    for pattern in _CHANGES:
        for match in pattern.finditer(sentence):
            number, direction = (match.group(2), match.group(1)) if pattern is not _CHANGES[2] else match.groups()
            value, sign = float(_WORDS[number.lower()] if number.isalpha() else number), -1 if direction.lower() in _DOWN else 1
            figures.append(Figure("percent_change", sign * (int(value) if value.is_integer() else value), sentence))
    return figures
