"""Finding the places of police force areas in text (digest/data/gazetteer.yaml, via digest.areas).

Place names are matched case-sensitively on word boundaries, longest name first,
so "Bury St Edmunds" is Suffolk before "Bury" is considered. Names flagged
ambiguous ("March", "Deal", "Reading") only count when another place or name of
the same area corroborates them.
"""

from __future__ import annotations

import re

from digest.areas import Area, load_areas
from digest.pattern_dispatch import literal_starts
from digest.phrases import OTHER_WHITESPACE, Automaton, PhraseFinder, Positions, Words, replace_chars, shorten
from digest.text import fold_case, matches_at, positions_of

NAME_WEIGHT = 2.0
PLACE_WEIGHT = 1.0
TITLE_FACTOR = 3.0
# A one-word place after a capitalised word or a rank is often a surname ("Darryl Preston",
# "PC Preston"); these words before a place are part of it or a direction, not a first name.
_PLACE_PREFIXES = frozenset({
    "North", "South", "East", "West", "Central", "Greater", "Upper", "Lower", "Old", "New", "Great", "Little",
    "Market", "At", "Near", "From", "To", "Across", "Around", "And", "Of", "The", "In",
})
_PRECEDING_WORD = re.compile(r"\b([A-Z][a-z]+|PC|DC|DS|DI|DCI|DCS|PCSO|Sgt|Insp|Supt|Cllr|Mr|Mrs|Ms|Dr)\.?\s+$")
# Month names that are also places ("March"): read as the month when a date is near.
_MONTH_CONTEXT_BEFORE = re.compile(r"(\b\d{1,2}(st|nd|rd|th)?|\b(last|next|early|late|mid|since|until|till|by|before|after|during|throughout|of|in early|in late|end of|start of|beginning of))[\s-]*$", re.I)
_MONTH_CONTEXT_AFTER = re.compile(r"^\s*(\d{1,4}\b|,?\s*\d{4}\b|this year|last year|next year)", re.I)
_MONTHS = frozenset({"March", "May", "June", "August"})


def _reads_as_month(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 20):start]
    after = text[end:end + 12]
    return bool(_MONTH_CONTEXT_BEFORE.search(before) or _MONTH_CONTEXT_AFTER.match(after))


_RANK = re.compile(r"\b(PC|DC|DS|DI|DCI|DCS|PCSO|Sgt|Insp|Supt|Cllr|Mr|Mrs|Ms|Dr|Inspector|Sergeant|Constable|"
                   r"Superintendent|Councillor|Commissioner)\.?\s+(?:[A-Z][a-z]+\s+)?$")
_SPEECH_AFTER = re.compile(r"^(’s|'s)?\s+(said|says|added|told|explained|commented|urged)\b")


def _may_follow_rank_or_name(text: str, start: int) -> bool:
    """False where neither _RANK nor _PRECEDING_WORD can match before text[start] (most mentions
    follow "in", "of" or a comma), a cheap test before the regular expressions. Both need whitespace
    right before it, and before that a word that is not all lower case and ends with a letter or a
    full stop (the last word of the 40 characters _RANK looks at, or its end in _PRECEDING_WORD's 30)."""
    if start == 0 or not text[start - 1].isspace():
        return False
    last = text[max(0, start - 40):start].rsplit(None, 1)[-1:]
    return bool(last) and not last[0].islower() and (last[0][-1].isalpha() or last[0][-1] == ".")


def _is_surname(text: str, name: str, start: int, end: int, may_follow: bool) -> bool:
    """Certainly a person: after a rank ("PC Preston", "Insp Sam Preston") or speaking ("Preston said").
    `may_follow`: _may_follow_rank_or_name(text, start)."""
    if " " in name:
        return False
    after_rank = may_follow and _RANK.search(text[max(0, start - 40):start])
    may_speak = end < len(text) and (text[end].isspace() or text[end] in "’'")  # as _SPEECH_AFTER begins
    return bool(after_rank or (may_speak and _SPEECH_AFTER.match(text[end:end + 14])))


def _after_first_name(text: str, name: str, start: int, may_follow: bool) -> bool:
    """A one-word place right after a rank or a capitalised word ("Darryl Preston") reads as a surname.
    `may_follow`: _may_follow_rank_or_name(text, start).

    Real places written that way ("Boson Patrols Luton" in a Title Case headline) are still
    counted when another mention of their area corroborates them.
    """
    if " " in name or not may_follow:
        return False
    before = _PRECEDING_WORD.search(text[max(0, start - 30):start])
    return before is not None and before.group(1) not in _PLACE_PREFIXES


_WORDS = Words(joiners="'’", symbol="&")
# What may stand between the words of a name in a text is ",?\s+|-"; once every whitespace
# character is a space, these are the ones that get shorter.
_SHORTENED = (
    (re.compile(r", +"), " "),
    (re.compile(r"  (?<![ ,]  ) *"), " "),  # more than one space (not after a comma)
)


# A paper's lead opening in capitals ("WREXHAM Police officers have been honoured ..."): read in title case.
_CAPITALS_OPENING = re.compile(r"(?:[A-Z][A-Z'’]+ ){0,2}[A-Z][A-Z'’]+(?= [A-Z]?[a-z])")


_CAPITALS_LINE = re.compile(r"\n[A-Z][A-Z]")


def _in_title_case(line: str) -> str:
    lead = _CAPITALS_OPENING.match(line) if line[:2].isalpha() and line[:2].isupper() else None
    return line[:lead.end()].title() + line[lead.end():] if lead else line


def _rewrite(text: str) -> tuple[str, Positions]:
    """The text as names are compared with it: each allowed gap between words one space, apostrophes "'",
    a lead's opening words in capitals in title case."""
    if (text[:2].isalpha() and text[:2].isupper()) or _CAPITALS_LINE.search(text):  # (cheaper than a scan with ^)
        text = "\n".join(map(_in_title_case, text.split("\n")))
    text, positions = shorten(replace_chars(text.replace("’", "'"), OTHER_WHITESPACE), _SHORTENED)
    return text.replace("-", " "), positions  # only now: "- " is two gaps, not one


def _possessive_at(rewritten: str, end: int) -> bool:
    """Whether a name ends in the possessive's "'s" ("Police Scotland’s area commander", "Luton's town
    centre"), which the words' joining apostrophe would otherwise run into it."""
    return rewritten.startswith("'s", end) and _WORDS.ends_at(rewritten, end + 2)


def _words(name: str) -> tuple[str, ...]:
    return tuple(w.replace("’", "'") for w in _WORDS.pattern.findall(name))


class Gazetteer:
    """Finds place and area names in one pass for all of them (digest.phrases), longest name first.

    Measured on 4 KB documents: a regular expression of 1,700 alternatives was about ten
    times slower than walking the words with a dictionary (1-2 ms), and that about eight
    times slower than the automaton.
    """

    def __init__(self) -> None:
        self._lookup: dict[tuple[str, ...], tuple[str, Area, float, bool]] = {}
        for area in load_areas():
            for name in area.names:
                self._lookup[_words(name)] = (name, area, NAME_WEIGHT, False)
            for place in area.places:
                self._lookup.setdefault(_words(place), (place, area, PLACE_WEIGHT, place in area.ambiguous))
        # Forces without a territory of places (the railways' British Transport Police): in a story about
        # the whole of England and Wales, naming one lists it among the forces taking part.
        self._placeless = frozenset(area.name for area in load_areas() if not area.places)
        self._by_name = {entry[0]: entry for entry in self._lookup.values()}
        self._ambiguous = frozenset(name for name, (_, _, _, ambiguous) in self._by_name.items() if ambiguous)
        self._finder = PhraseFinder(((" ".join(key), (len(key), entry[0])) for key, entry in self._lookup.items()),
                                    _WORDS)

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(name as listed, start, end) of each mention, longest first, not overlapping."""
        rewritten, positions = _rewrite(text)
        mentions = sorted(
            (start, -words, end, name) for start, end, (words, name) in self._finder.occurrences(rewritten)
            if _WORDS.ends_at(rewritten, end) or _possessive_at(rewritten, end)
        )
        found: list[tuple[str, int, int]] = []
        free_from = 0
        for start, _, end, name in mentions:
            if start >= free_from:
                found.append((name, positions.original(start), positions.original(end)))
                free_from = end
        return found

    def scores(self, title: str, body: str, publisher: str | None = None) -> dict[str, float]:
        """Area name -> weighted mentions, with ambiguous names only when corroborated. The
        publisher's name ("Swindon Signal", "Dorset Council") counts as much as a mention in the
        title; a place naming a street ("Manchester Road") counts for nothing."""
        sure: dict[str, float] = {}
        doubtful: dict[str, float] = {}
        texts = ((title, TITLE_FACTOR), (body, 1.0), (publisher or "", PUBLISHER_FACTOR))
        universities = {text for text, _ in texts if "Universit" in text}  # (few texts name one)
        # An ambiguous name is doubtful whatever its mentions read as: only the others are asked whether
        # they read as a person's name (a one-word name's mention twice whether it may follow a rank or a name).
        ambiguous = self._ambiguous
        mentions = [(text, factor, name, start, end,
                     name not in ambiguous and " " not in name and _may_follow_rank_or_name(text, start))
                    for text, factor in texts if text
                    for name, start, end in self.find(text) if not _not_the_area(text, start, end)]
        surnames = {name for text, _, name, start, end, follows in mentions
                    if name not in ambiguous and _is_surname(text, name, start, end, follows)}
        for text, factor, name, start, end, follows in mentions:
            _, area, weight, _ = self._by_name[name]
            if name in _MONTHS and _reads_as_month(text, start, end):
                continue
            if (name in ambiguous or name in surnames or _after_first_name(text, name, start, follows)
                    or (text in universities and _names_a_university(text, start, end))):
                doubtful[area.name] = doubtful.get(area.name, 0.0) + weight * factor * 0.5
            else:
                sure[area.name] = sure.get(area.name, 0.0) + weight * factor
        for name, weight in doubtful.items():
            if sure.get(name):
                sure[name] += weight
        return sure

    def detect(self, title: str, body: str, prior: str | None = None,
               publisher: str | None = None) -> tuple[str | None, list[str]]:
        """(area the story is about, every area mentioned); a known prior wins. No area when the
        story is national (a campaign across England and Wales that names one force in passing),
        shared (areas tied at the top, or many areas with none leading), or abroad (a London or a Perth
        elsewhere)."""
        scores = self.scores(title, body, publisher)
        mentioned = [name for name, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))]
        if prior:
            return prior, mentioned
        if not mentioned:
            return None, mentioned
        top = scores[mentioned[0]]
        text = f"{title}\n{body}"
        if len(mentioned) > 1 and scores[mentioned[1]] == top:
            return None, mentioned
        # One passing mention, or a national story that compares areas (a statistics release's breakdown)
        if (top <= NAME_WEIGHT or mentioned[0] in self._placeless or len(mentioned) >= 3) and _national(text):
            return None, mentioned
        if len(mentioned) >= ROUNDUP_AREAS and top < ROUNDUP_SHARE * sum(scores.values()):
            return None, mentioned  # a roundup of many areas (each force's share of a national fund), none leading
        if _ABROAD_WORDS.find(text) and len({cue.group().lower() for cue in _ABROAD.finditer(text)}) >= 2:
            return None, mentioned
        return mentioned[0], mentioned


PUBLISHER_FACTOR = TITLE_FACTOR
# A text naming this many areas, none with this share of their mentions, is about all of them.
ROUNDUP_AREAS, ROUNDUP_SHARE = 5, 0.25
# A place's name before one of these names a street or a road, not the place ("Manchester Road").
_STREET_AFTER = re.compile(r"[ -](?:Road|Street|Avenue|Lane|Way|Drive|Close|Crescent|Terrace|Grove|Beach Road|Park|Gardens)\b")
# A region's name in a regional body's: an ambulance service or a prosecutors' area covers several forces
# ("West Midlands Ambulance Service" in a Shropshire story, "CPS West Midlands" for a Staffordshire case).
_REGIONAL_BODY_AFTER = re.compile(r"[ -]Ambulance\b")
_PROSECUTORS_BEFORE = re.compile(r"\b(?:CPS|Crown Prosecution Service)\s+$")
# A university named for its city ("Liverpool John Moores University", "University of Leeds") studies the whole
# country as often as its own: its place counts only when the text names it otherwise too.
_UNIVERSITY_AFTER = re.compile(r"(?:\s+[A-Z][\w'’-]+){0,2}\s+University\b(?!\s+Hospitals?\b)")
_UNIVERSITY_BEFORE = re.compile(r"\bUniversity\s+of\s+(?:the\s+)?$")


def _names_a_university(text: str, start: int, end: int) -> bool:
    return bool(_UNIVERSITY_AFTER.match(text, end) or _UNIVERSITY_BEFORE.search(text, max(0, start - 20), start))


def _not_the_area(text: str, start: int, end: int) -> bool:
    """A mention that names a street ("Manchester Road") or a regional body, not the place or the area."""
    return bool(_STREET_AFTER.match(text, end) or _REGIONAL_BODY_AFTER.match(text, end)
                or _PROSECUTORS_BEFORE.search(text, max(0, start - 30), start))


# A story about the whole of England and Wales (a national campaign's results).
_NATIONAL = re.compile(r"\b(?:across|throughout|in) England and Wales\b|\bnationally\b|\bnationwide\b|"
                       r"\bnational (?:week|campaign|operation|intensification|figures|results)\b|"
                       r"\ball 4[345] (?:police )?forces\b|\bevery (?:police )?force\b|\bforces across the country\b|"
                       r"\ball-party parliamentary group\b|\bthe average (?:council|force|local authority)\b", re.I)
_NATIONAL_STARTS = literal_starts(_NATIONAL)


def _national(text: str) -> bool:
    """Whether _NATIONAL finds a match, tried only where one can begin (its literal starts): scanning
    the text with it, opening with a word boundary and ignoring case, took 0.15 ms."""
    return next(matches_at(_NATIONAL, text, positions_of(fold_case(text), _NATIONAL_STARTS)), None) is not None


# Every match of _ABROAD contains one of these (found in one pass: a substring search each cost more).
_ABROAD_WORDS = Automaton((word, None) for word in (
    "a.m.", "p.m.", "owntown", "Crime Stoppers", "cruiser", "heriff", "elony", "isdemeano", "sedan", "laneway",
    "Senior Sergeant", "Ontario", "Canada", "Australia", "Queensland", "New South Wales", "New Zealand", "United States"))
# The ways of writing of another country's news (American, Canadian, Australian): two or more
# distinct ones and the London or Perth in the story is not the UK's.
_ABROAD = re.compile(r"\b\d{1,2}(?::\d\d)? [ap]\.m\.|\bdowntown\b|\bCrime Stoppers\b|\bcruiser\b|\bsheriff\b|"
                     r"\bfelony\b|\bmisdemeanou?r\b|\bsedan\b|\blaneway\b|\bDetective Senior Sergeant\b|"
                     r"\b(?:Ontario|Canada|Australia|Queensland|New South Wales|New Zealand|United States)\b")
