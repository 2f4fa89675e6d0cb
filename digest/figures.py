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
from digest.figure_patterns import NUMBER, PATTERNS, QUALIFIER, QUALIFIERS, RUNNING_TOTALS, SENTENCED, WORDS
from digest.models import Figure
from digest.pattern_dispatch import MatchSites
from digest.text import matches_at, sentence_spans

# A pattern opening with QUALIFIER + NUMBER is tried only at a digit, a qualifier or a number word
# (NUMBER needs no word boundary: "someone" holds "one"); any other, where a word it begins with is;
# none in a sentence without the words its matches need (pattern_dispatch.MatchSites).
_OPENS_WITH_NUMBER = {p for patterns in PATTERNS.values() for p in patterns if p.pattern.startswith(QUALIFIER + NUMBER)}
_NUMBER_OPENINGS = QUALIFIERS + tuple(word for word in WORDS if word not in ("a", "an"))
_SITES = {kind: MatchSites(patterns, {p: _NUMBER_OPENINGS for p in patterns if p in _OPENS_WITH_NUMBER})
          for kind, patterns in PATTERNS.items()}
# Whether each pattern of a kind counts a running total (by position: hashing a compiled pattern reads all its code).
_RUNNING = {kind: [pattern.pattern in RUNNING_TOTALS for pattern in patterns] for kind, patterns in PATTERNS.items()}
# Kinds whose every mention in a sentence counts (two men jailed for 6 and for 8 years).
_EVERY_MATCH = {"sentence_years"}
_TOTAL = re.compile(r"\b(?:total|totalling|combined|between\s+them)\b", re.I)
_FURTHER_TERM = PATTERNS["sentence_years"][-1]
_SENTENCING = re.compile(SENTENCED + r"|\b(?:given|received)\b", re.I)
# What a sculpture or a memorial is made of is no count of weapons taken ("created from over 100,000 knives").
_MADE_OF = re.compile(r"\b(?:made|created|built|crafted|constructed|forged|fashioned|welded)\s+(?:entirely\s+)?"
                      r"(?:from|of|out\s+of|using|with)\s+(?:[\w-]+\s+){0,2}$", re.I)
_PART_OF_YEAR = {"a half": 0.5, "a quarter": 0.25, "three quarters": 0.75}
_MONTHS = re.compile(r"(?:and|,)\s+" + NUMBER + r"\s+months", re.I)
# Counts and sums, not terms or rates: a rounder one near another restates it ("more than 1,300", "nearly £800,000").
_COUNT_KINDS = frozenset(PATTERNS) - {"sentence_years"} | {"cash_seized_gbp", "drugs_seized_gbp", "funding_gbp"}


_SCALES = {"hundred": 100, "thousand": 1000}


def to_number(token: str) -> float | None:
    token = token.lower().replace(",", "")
    if token.isdigit():
        return float(token)
    if token in WORDS:
        return float(WORDS[token])
    words = token.replace("-", " ").split()
    if len(words) > 1 and words[-1] in _SCALES:  # "three thousand", "twenty-five thousand"
        number = to_number(" ".join(words[:-1]))
        return number * _SCALES[words[-1]] if number is not None else None
    tens, _, units = " ".join(words).partition(" ")
    return float(WORDS[tens] + WORDS[units]) if tens in WORDS and units in WORDS else None


def extract_figures(text: str, title: str = "") -> list[Figure]:
    """Figures stated in the body, then any the title adds; each fact once."""
    found: list[tuple[Figure, bool]] = []  # (figure, a total of prison terms)
    seen: set[tuple[str, float]] = set()
    cues = Cues(text)
    awards = "£" in text and bool(_AWARDS_TEXT.search(text))  # a text about grants: a list's "Name – £X" lines are some
    for start, end in _paragraph_spans(text):
        paragraph = text[start:end]
        if not cues.states_number(start, end):
            continue
        kinds = cues.kinds(start, end, PATTERNS)
        if ((not kinds and "£" not in paragraph and not cues.percent(start, end))
                or (paragraph.rstrip()[-1:].isdecimal() and _RELATED_LINK.search(paragraph))):  # it ends with a year
            continue  # no sentence of it can state a figure of this story, so it need not be split
        for first, last in sentence_spans(paragraph):
            first, last = start + first, start + last
            if not cues.states_number(first, last):
                continue
            sentence_kinds, percent = cues.kinds(first, last, kinds), cues.percent(first, last)
            for read, said in _as_read(text[first:last]):
                for figure, total in _sentence_figures(read, sentence_kinds, percent, awards):
                    # A story restating a number restates one fact (a term in the lede and again in the detail).
                    key = (figure.kind, figure.value)
                    if key not in seen:
                        seen.add(key)
                        found.append((Figure(figure.kind, figure.value, said) if read is not said else figure, total))
    stated = {(f.kind, f.value) for f, _ in found}
    found += [(f, total) for f, total in _title_figures(title) if (f.kind, f.value) not in stated]
    terms = sum(f.value for f, total in found if f.kind == "sentence_years" and not total)
    # A total of the terms the story also gives one by one is no further fact; a total far beyond them
    # (an operation's "more than 800 years" beside one leader's 14) is.
    figures = [f for f, total in found if not (total and terms and f.value <= 2 * terms)]
    return [f for f in figures if not _restated_rounder(f, figures)]


def _as_read(sentence: str) -> list[tuple[str, str]]:
    """The sentence as its figures are read, each with the text they keep. A results list's "Label: number"
    ("Arrests for knife offences: 9", several run into one line as an alert's table becomes) is read as the
    number before its label ("9 arrests for knife offences"); the number after a label is not the next one's."""
    if not _LABEL_THEN_COUNT.search(sentence):
        return [(sentence, sentence)]
    read = []
    for part in _NEXT_LABEL.split(sentence):
        labelled = _LABELLED_COUNT.match(part)
        read.append((f"{labelled.group('count')} {labelled.group('label')[0].lower()}{labelled.group('label')[1:]}", part)
                    if labelled else (part, part))
    return read


_LABEL_THEN_COUNT = re.compile(r"[A-Za-z)]:\s*\d")
_COUNT = r"\d{1,3}(?:,\d{3})+|\d+"
# Where a line of label-and-number pairs goes on to the next label: "...: 296 Stop and searches ...: 12 Arrests ...: 9".
_NEXT_LABEL = re.compile(r"(?<=\d)\s+(?=[A-Z][^:.\d]{2,80}:\s*(?:" + _COUNT + r")\b(?![:/.]\d))")
_LABELLED_COUNT = re.compile(r"(?:[^:]*:\s*)?[-–•*]?\s*(?P<label>[A-Za-z][^:\d]{2,80}?):\s*(?P<count>" + _COUNT
                             + r")\s*[.;,]?\s*$")


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
    return _sentence_figures(title, cues.kinds(0, len(title), PATTERNS), cues.percent(0, len(title)))


def _restated_rounder(figure: Figure, figures: list[Figure]) -> bool:
    """Whether a count is a rounder restatement of another of its kind within 5%: "more than 1,300
    arrests" beside "1,312 arrests" (a headline's or an intro's round number); within 10% above it when
    said as a floor ("over 2,000 suspects" beside "2,131 people"; 20% for a count under 100), or below it
    when said as a ceiling ("almost 100 arrests" beside "94 arrests")."""
    if figure.kind not in _COUNT_KINDS or _exact_sum(figure):
        return False
    floor, ceiling = _said_as(figure, _FLOORS), _said_as(figure, _CEILINGS)
    if figure.value < 100 and not (floor or ceiling):
        return False
    # A small round number is rounder still: "more than 50 arrests" beside "57 people were arrested".
    above = 1.1 if figure.value >= 100 else 1.2
    return any(other.kind == figure.kind and other.value != figure.value
               and (abs(other.value - figure.value) <= 0.05 * other.value
                    or (floor and figure.value < other.value <= above * figure.value)
                    or (ceiling and 0.9 * figure.value <= other.value < figure.value))
               and _trailing_zeros(figure.value) > _trailing_zeros(other.value) for other in figures)


def _exact_sum(figure: Figure) -> bool:
    """A sum written out in full and not said as roughly ("£14,000" in a list of grants beside "£13,560"): no
    headline's rounding of another ("£1.2m", "more than £50,000")."""
    written = f"£{int(figure.value):,}"
    text = figure.text.lower()
    return (figure.kind.endswith("_gbp") and written in figure.text
            and not any(f"{qualifier} {written}" in text for qualifier in _SAID_ROUGHLY))


def _said_as(figure: Figure, qualifiers: tuple[str, ...]) -> bool:
    """Whether the sentence gives the count after one of the qualifiers: "more than 2,000", "almost 100"."""
    value = int(figure.value)
    return any(f"{qualifier} {number}" in figure.text.lower() for qualifier in qualifiers
               for number in (f"{value:,}", str(value)))


_FLOORS = ("more than", "over", "at least")
_CEILINGS = ("almost", "nearly", "just under", "close to")
_SAID_ROUGHLY = _FLOORS + _CEILINGS + ("around", "about", "some", "up to", "approximately")


def _trailing_zeros(value: float) -> int:
    digits = str(int(value))
    return len(digits) - len(digits.rstrip("0")) if float(value).is_integer() else -1  # a sum's value is an int


def _sentence_figures(sentence: str, kinds: list[str], percent: bool, awards: bool = False
                      ) -> list[tuple[Figure, bool]]:
    """The figures of one sentence that states a number: of `kinds` (those cued in it), sums of money,
    and changes in per cent when it says `percent`; `awards`: the text is about grants. The cheap tests
    (figure_cues) run before the slow regular expressions."""
    money = "£" in sentence
    if not (kinds or money or percent):
        return []
    found = [(figure, False) for figure in _money_figures(sentence, awards)] if money else []
    if percent:
        found += [(figure, False) for figure in _percent_changes(sentence)]
    for kind in kinds:
        values: list[tuple[float, bool]] = []
        for pattern, sites, running in zip(PATTERNS[kind], _SITES[kind].find(sentence), _RUNNING[kind], strict=True):
            if values and kind not in _EVERY_MATCH and not running:
                continue  # one count of a kind a sentence, and the running total it brings it to
            for match in matches_at(pattern, sentence, sites or ()):
                if ((pattern is _FURTHER_TERM and not _SENTENCING.search(sentence, 0, match.start()))
                        or (kind == "weapons" and _MADE_OF.search(sentence, max(0, match.start() - 60), match.start()))):
                    continue
                value = _value(kind, match)
                if value and value > 0 and (kind in _EVERY_MATCH or not values or running):
                    values.append((value, kind == "sentence_years" and bool(_TOTAL.search(match.group(0)))))
                    if running:
                        break
        found += [(Figure(kind, value, sentence), total) for value, total in values]
    return found


def _value(kind: str, match: re.Match[str]) -> float | None:
    """The number a match states (with a second count it adds: "410 men and 72 women"); a prison term
    with its part of a year ("six years and three months": 6.25)."""
    value = to_number(match.group(1))
    if value is not None:  # "more", "more_weapons": the counts added to it
        value += sum(to_number(more) or 0 for name, more in match.groupdict().items() if name.startswith("more") and more)
    if value is None or kind != "sentence_years":
        return value
    text = match.string[match.start(1):match.end()].lower().replace("-", " ")  # "four-and-a-half"
    value += sum(part for words, part in _PART_OF_YEAR.items() if f"and {words}" in text)
    months = _MONTHS.search(text)
    return value + (to_number(months.group(1)) or 0) / 12 if months else value


# --- sums of money -------------------------------------------------------------------------

_MONEY = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+(?:\.\d\d\b)?|\d+(?:\.\d+)?)\s*(bn|billion|m|million|k|thousand)?\b", re.I)
_MONEY_SCALE = {"bn": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6, "k": 1e3, "thousand": 1e3}
_FUNDING_CONTEXT = re.compile(r"\b(fund\w*|grant\w*|award\w*|invest\w*|allocat\w*|budget|money|secur\w*|bid|spend\w*|"
                              r"backed|financ\w*|agree[sd]?|receiv\w*|boost\w*|provid\w*|pledg\w*|commit\w*|expand\w*|giv(?:e|en|es|ing)|"
                              r"hand(?:ed|ing) to|getting|gets|announc\w*|available|shar(?:e|es|ed|ing)|projects?|schemes?|programmes?|"
                              r"distribut\w*)\b", re.I)
# Sums that are not funding even in a funding sentence.
# "worth" names a value ("drugs worth £5,000"), but "£800,000 worth of funding" and "funding worth £80,000" are sums given.
_NOT_FUNDING = re.compile(r"\b((?<!funding )(?<!grant )(?<!grants )(?<!investment )(?<!award )(?<!awards )"
                          r"worth(?!\s+of\s+(?:new\s+|extra\s+|additional\s+)?(?:funding|grants?|investment)\b)|street value|stolen|fraud\w*|fine[sd]?|compensation|costs? of|proceeds of crime|"
                          r"cash seized|rais(?:ed|es|ing)|seized|seizure|owed|owing|debts?|tickets?|admission|"
                          r"entry fee|priced|rewards?)\b", re.I)
# What a grant may be, not what anyone was given: "grants of between £1,000 and £10,000", "up to £5,000 each".
_SUM = r"£[\d,.]+\s*(?:bn|m|k|million)?"
_RANGE_BEFORE = re.compile(r"(?:\bbetween\s+(?:" + _SUM + r"\s+and\s+)?|" + _SUM + r"\s*[-–—]\s*)$", re.I)
_RANGE_AFTER = re.compile(r"^\s*[-–—]\s*£")
_TO_BEFORE, _TO_AFTER = re.compile(_SUM + r"\s+to\s+$", re.I), re.compile(r"^\s*to\s+£", re.I)
_CAP_BEFORE = re.compile(r"\b(?:up\s+to|maximum\s+of|max\.?|capped\s+at|no\s+more\s+than|at\s+most|not\s+exceeding|"
                         r"limit\s+of)\s*$", re.I)
# ... or a cap on each of the many it went to: "funding of up to £5,000 to 41 projects".
_CAP_AFTER = re.compile(r"^\s*(?:each|per\s+(?:project|group|organisation|application|bid|scheme)|to\s+(?:each\s+of\s+)?"
                        r"(?:\d[\d,]*|[a-z]+(?:-[a-z]+)?)\s+(?:[\w-]+\s+){0,2}?(?:projects|groups|organisations|charities|"
                        r"applicants|schemes|clubs)\b)", re.I)
_GRANT_SIZES = re.compile(r"\b(?:grants?|awards?|bids?|apply|applications?)\b", re.I)
_RATE_AFTER = re.compile(r"^\s*(?:a|an|per|each)\s+(?:hour|shift|night|day|week|month)\b", re.I)  # pay or a price
# A household's council tax ("£14 a year for a Band D property") is no funding.
_COUNCIL_TAX = re.compile(r"\b(?:band\s+[a-h]|council\s+tax|precept)\b", re.I)
# One line of a list of awards: "Riverside Boxing Club – £9,000 for evening sessions".
_AWARD_LINE = re.compile(r"^[\s•·*-]*[A-Z][^£]{2,100}?(?:\s[–—-]|:)\s*$|^\s*[•·*-]\s*$")  # or a bullet: "• £3m for ..."
_AWARD_AFTER = re.compile(r"^\s*(?:to|for|towards)\b", re.I)
_AWARDS_TEXT = re.compile(r"\b(?:grants?|bids?|awarded|awards?|funding|funded)\b", re.I)
# A related-story link closing a page: "Commissioner launches £200,000 fund – 11 July 2022".
_RELATED_LINK = re.compile(r"\s[–—|-]\s*\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
                           r"\.?\s+\d{4}\s*$")
_DRUG = r"(?:drugs?|cannabis|cocaine|heroin|crack|ketamine|mdma|ecstasy|amphetamines?|spice|class\s+[ab]\b)"
_DRUGS_BEFORE = re.compile(r"(?:street\s+value|" + _DRUG + r"[^£.;]{0,60}?\b(?:worth|valued|value))[^£.;]{0,40}$", re.I)
_DRUGS_AFTER = re.compile(r"^\s*(?:(?:(?!and\b)\w+\s+){0,3}?(?:worth\s+of|of|in)\s+)?(?:suspected\s+|illegal\s+)?" + _DRUG, re.I)
# Money seized is cash ("seized more than £10,000"), unless it is what drugs were worth (tested first).
_CASH_BEFORE = re.compile(r"\bcash\b[^£.;]{0,40}$|\b(?:seized|seizing|recovered)\s+(?:(?:more\s+than|over|around|"
                          r"about|almost|nearly|some|in\s+excess\s+of)\s+)?$", re.I)
_CASH_AFTER = re.compile(r"^\s*(?:\w+\s+)?(?:in\s+)?(?:[\w-]+\s+)?(?:cash|banknotes|notes)\b|"
                         r"^\s*(?:was|were|has\s+been|had\s+been)\s+(?:also\s+)?(?:seized|recovered)\b", re.I)  # "£9,000 was seized"


def _money_figures(sentence: str, awards: bool = False) -> list[Figure]:
    """Each £ sum by what it is: drugs seized (street value), cash seized, or funding (`awards`: in a
    text about grants, a sum alone after a name, as a list of awards gives it, is one)."""
    not_funding = bool(_NOT_FUNDING.search(sentence))
    funding = bool(_FUNDING_CONTEXT.search(sentence)) and not not_funding
    figures = []
    for match in _MONEY.finditer(sentence):
        amount = round(float(match.group(1).replace(",", "")) * _MONEY_SCALE.get((match.group(2) or "").lower(), 1))
        before, after = sentence[max(0, match.start() - 100):match.start()], sentence[match.end():match.end() + 40]
        after = after.removeprefix("+")  # "£41,000+ in cash seized": at least that much
        if _DRUGS_BEFORE.search(before) or _DRUGS_AFTER.match(after):
            figures.append(Figure("drugs_seized_gbp", amount, sentence))
        elif _CASH_BEFORE.search(before) or _CASH_AFTER.match(after):
            figures.append(Figure("cash_seized_gbp", amount, sentence))
        elif ((funding or (not not_funding and _awarded_in_list(before, after, awards)))
              and not _not_a_grant(sentence, before, after, amount)):
            figures.append(Figure("funding_gbp", amount, sentence))
    return figures


def _awarded_in_list(before: str, after: str, awards: bool) -> bool:
    """Whether the sum is one line of a list of awards: a name, a dash, the sum and what it is for
    (or, in a text about grants, nothing more: "Riverside Youth Trust – £12,500")."""
    return bool(_AWARD_LINE.match(before) and (_AWARD_AFTER.match(after) or (awards and not after.strip())))


def _not_a_grant(sentence: str, before: str, after: str, amount: float) -> bool:
    """A grant range, a cap on each grant, a rate, or a household's council tax: sums no one was given."""
    if _RANGE_BEFORE.search(before) or _RANGE_AFTER.match(after) or _RATE_AFTER.match(after):
        return True
    sizes = bool(_GRANT_SIZES.search(sentence))
    if sizes and (_TO_BEFORE.search(before) or _TO_AFTER.match(after)):
        return True
    if _CAP_BEFORE.search(before) and (sizes or _CAP_AFTER.match(after)):
        return True
    return amount < 1000 and bool(_COUNCIL_TAX.search(sentence))


# --- percentage changes --------------------------------------------------------------------

_PCT = (r"(\d+(?:\.\d+)?|\b(?:" + "|".join(word for word, value in WORDS.items() if word.isalpha() and len(word) > 1
                                       and value < 100) + r"))\s*(?:%|per\s*cent\b|percent\b)")  # "down four per cent"
# (and the sign a change said with its verb may repeat: "have fallen -12.1%")
_ROUGHLY = r"(?:(?:about|around|almost|nearly|more\s+than|over|just\s+over|just\s+under|some|roughly)\s+)?[-−+]?"
_DOWN = frozenset({"fell", "fallen", "falls", "fall", "falling", "dropped", "drop", "drops", "dropping", "decreased", "decrease",
                   "decreases", "decreasing", "declined", "decline", "declines", "declining", "reduced", "reduction", "cut",
                   "down", "lower", "fewer"})
_CHANGES = (
    re.compile(r"\b(fell|fallen|falls?|falling|dropped|drops?|dropping|decreased|decreases?|decreasing|declined|declines?|"
               r"declining|reduced|cut|rose|risen|rises?|rising|increased|increases?|increasing|grew|grown|growing|jumped|"
               r"soared|climbed)\s+(?:by\s+)?" + _ROUGHLY + _PCT, re.I),
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
            value, sign = float(WORDS[number.lower()] if number.isalpha() else number), -1 if direction.lower() in _DOWN else 1
            figures.append(Figure("percent_change", sign * (int(value) if value.is_integer() else value), sentence))
    return figures
