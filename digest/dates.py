"""Dates a page states about itself, in the forms real pages use.

A date is only ever taken from what the text says: a labelled date ("Date published: 12 March
2024"), a byline ("By Jane Doe - 30 November 2021"), a newspaper stamp ("Tuesday, 13th August
2019, 10:49 am | Updated ..."), the police platform's `HH:MM DD/MM/YYYY` line, a bare dateline,
"Created on" with the date on the next line; failing those, "today (15 July 2022)" in the
opening, or a dated signature at the end. A month alone, a date without a year, relative dates,
crawl stamps, widgets and dates in prose (events, court hearings) are not publication dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from digest.text import MASTHEAD

LONDON = ZoneInfo("Europe/London")

_MONTH_NAMES = {
    1: "january jan januari janvier enero januar ionawr", 2: "february feb februari février fevrier febrero februar chwefror",
    3: "march mar maret mars marzo märz maerz mawrth", 4: "april apr avril abril ebrill",
    5: "may mei mai mayo", 6: "june jun juni juin junio mehefin",
    7: "july jul juli juillet julio gorffennaf", 8: "august aug agustus août aout agosto awst",
    9: "september sep sept septembre septiembre medi", 10: "october oct oktober octobre octubre hydref",
    11: "november nov novembre noviembre tachwedd", 12: "december dec desember décembre decembre diciembre dezember rhagfyr",
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_MONTH = "(" + "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)) + r")\.?"
_WEEKDAY = (r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|senin|selasa|rabu|kamis|jumat|sabtu|"
            r"minggu|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\.?,?\s+")
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_TIME = r"(?:,?\s*(?:at\s+)?(\d{1,2})[:.](\d{2})(?::\d{2})?\s*([ap]\.?m\.?)?)?"
# A date anywhere in a line: day month year, month day year, ISO, or numeric day/month/year.
_FORMS = (
    ("dmy", rf"(?:{_WEEKDAY})?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}}){_TIME}"),
    ("mdy", rf"(?:{_WEEKDAY})?{_MONTH}\s+{_DAY}(?:,\s*|\s+)(\d{{4}}){_TIME}"),
    ("iso", r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"),
    ("num", r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::\d{2})?)?"),
)
_FIND = [(kind, re.compile(rf"(?<![\w/.-]){pattern}(?![\w/-]|\.\d)", re.I)) for kind, pattern in _FORMS]
MONTH_ONLY = re.compile(rf"^{_MONTH}\s+\d{{4}}$", re.I)
# Every form of a date, and the platform's timestamp, has a year of four digits: a text without four
# digits in a row (most lines) states none, and is not searched with the slow patterns above.
_YEAR_DIGITS = re.compile(r"\d\d\d\d")
# A dateline of a small site's own, its year in two digits, alone or after a label: "09/02/21", "Release date 14/3/24".
_SHORT_YEAR = re.compile(r"(?<![\w/.])(\d{1,2})/(\d{1,2})/(\d{2})\s*$")
# The national police platform's timestamp line: "08:17 03/11/2021".
PLATFORM_TIMESTAMP = re.compile(r"^(\d{1,2}):(\d{2})\s+(\d{1,2})/(\d{1,2})/(\d{4})$")

Stamp = date | datetime

# No web page was published before this: an earlier date is a placeholder (0001-01-01, 1900-01-01, 1970-01-01).
EARLIEST_PUBLISHED = date(1991, 1, 1)
_D = TypeVar("_D", bound=date)


def publishable(stamp: _D | None) -> _D | None:
    """The stamp, or None when it is too early to be a web page's date (a placeholder)."""
    if stamp is None:
        return None
    day = stamp.date() if isinstance(stamp, datetime) else stamp
    return stamp if day >= EARLIEST_PUBLISHED else None


@dataclass(frozen=True)
class Found:
    """A date in a text, with where it was found and how much it says."""

    value: Stamp
    start: int
    end: int


def find_dates(text: str) -> list[Found]:
    """Every full date (day, month and year) written in the text, in order."""
    if not _YEAR_DIGITS.search(text):
        return []
    found: list[Found] = []
    for kind, pattern in _FIND:
        for match in pattern.finditer(text):
            value = publishable(_from_match(kind, match.groups()))
            if value is not None and not any(f.start < match.end() and match.start() < f.end for f in found):
                found.append(Found(value, match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def _from_match(kind: str, groups: Sequence[str | None]) -> Stamp | None:
    try:
        if kind == "dmy":
            day, month, year = int(groups[0] or 0), MONTHS[(groups[1] or "").lower()], int(groups[2] or 0)
            return _with_time(date(year, month, day), groups[3:6])
        if kind == "mdy":
            month, day, year = MONTHS[(groups[0] or "").lower()], int(groups[1] or 0), int(groups[2] or 0)
            return _with_time(date(year, month, day), groups[3:6])
        if kind == "iso":
            return _iso(groups)
        day, month, year = int(groups[0] or 0), int(groups[1] or 0), int(groups[2] or 0)
        if month > 12 >= day:  # "07/14/2025" reads only as a US date; "07/04/2025" stays day first
            day, month = month, day
        return _with_time(date(year, month, day), (groups[3], groups[4], None))
    except (ValueError, KeyError):
        return None


def _iso(groups: Sequence[str | None]) -> Stamp:
    day = date(int(groups[0] or 0), int(groups[1] or 0), int(groups[2] or 0))
    if groups[3] is None:
        return day
    zone = groups[5]
    moment = datetime(day.year, day.month, day.day, int(groups[3]), int(groups[4] or 0))
    if zone is None:
        return moment.replace(tzinfo=LONDON)
    return datetime.fromisoformat(f"{moment.isoformat()}{'+00:00' if zone == 'Z' else zone}")


def _with_time(day: date, parts: Sequence[str | None]) -> Stamp:
    hour, minute, half = parts[0], parts[1], (parts[2] or "").replace(".", "").lower()
    if hour is None or minute is None:
        return day
    hours = int(hour) % 12 + (12 if half == "pm" else 0) if half else int(hour)
    if hours > 23 or int(minute) > 59:
        return day
    return datetime(day.year, day.month, day.day, hours, int(minute), tzinfo=LONDON)


def parse_date(value: object) -> date | None:
    """A calendar date from a value that states exactly one (and nothing else); None for anything
    vaguer (`March 2023`) or longer."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    stamp = parse_stamp(value)
    return stamp.date() if isinstance(stamp, datetime) else stamp


def parse_stamp(value: str) -> Stamp | None:
    """The date (with its time, when it states one) of a string that is just a date."""
    text = " ".join(value.strip().strip("()[]").split())
    found = find_dates(text)
    if len(found) == 1 and found[0].start == 0 and not text[found[0].end:].strip(" ,.|"):
        return found[0].value
    return None


def parse_platform_timestamp(line: str) -> datetime | None:
    """`08:17 03/11/2021` (UK local time) as an aware datetime."""
    match = PLATFORM_TIMESTAMP.match(line.strip())
    if not match:
        return None
    hour, minute, day, month, year = (int(g) for g in match.groups())
    try:
        return publishable(datetime(year, month, day, hour, minute, tzinfo=LONDON))
    except ValueError:
        return None


def parse_datetime(value: str) -> datetime | None:
    """An ISO 8601 timestamp with a time (metadata such as article:published_time)."""
    if not re.match(r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}", value):
        return None  # a date without a time: parse_date's job, never an invented midnight
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return publishable(parsed if parsed.tzinfo else parsed.replace(tzinfo=LONDON))


# --- which of a page's lines state its date ---------------------------------------------------

_NOT_A_DATE = re.compile(r"current timestamp|from today|date signed|\bcrawled\b|\bretrieved\b|\baccessed\b|\bprinted\b|"
                         r"\bcountdown\b|\bdays? (?:from|until|since)\b", re.I)
# Around a stamp's date: its time, how long ago, how long a read ("Mar 15, 2024 • 2 hours ago • 2 min read").
_STAMP_NOISE = re.compile(r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|gmt|bst|wib|utc)?|\b\d+\s+(?:seconds?|mins?|minutes?|"
                          r"hours?|hrs?|days?|weeks?)\s+ago\b|\b\d+\s+min(?:ute)?s?\s+read\b|\bjoin the conversation\b|"
                          r"\b(?:gmt|bst|utc)\b", re.I)
_UPDATED = re.compile(r"^\W*(?:(?:page\s+)?last\s+)?(?:updated|modified|amended|edited|revised|reviewed)\b", re.I)
_UPDATE_WORD = re.compile(r"\b(?:updated|modified|amended|edited|revised|reviewed)\b", re.I)
_BY_WHOM = re.compile(r"\bby\s+\S+(?:\s+\S+){0,2}\s*$", re.I)  # "... by newsdesk", "... by Jane Doe"
_LABEL = re.compile(r"(?:^|\s|[a-z])(?:date\s+(?:first\s+)?published|(?:first\s+)?published|posted|dated|created|date|release "
                    r"date|issued|released|date of release|publication date|(?:alert\s+)?message sent|(?:last\s+)?(?:updated|"
                    r"revised|modified|reviewed)|article published|submitted\s+by\s+\S+(?:\s+\S+){0,2}?)(?:\s+on)?(?:\s+(?:mon|"
                    r"tue|wed|thu|fri|sat|sun)[a-z]*,?)?\s*:?\s*$", re.I)  # "Submitted by jo on Sun, 07/12/2025": a CMS's byline
_BYLINE = re.compile(r"^\W*(?:by|author|written by|words by|reporter)\b:?\s+([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4})", re.I)
# A label, or an aggregator's source name, run into the date: "Published16 April 2023", "Yahoo24-05-2025".
_GLUED_LABEL = re.compile(r"\b(published|updated|posted|created|dated)(?=\d)|^([A-Z][\w ]{0,30}[a-z])(?=\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$)",
                          re.I)
# A mirror's note of where a release came from: "The press release issued by the Home Office on 18 January 2023."
_ISSUED_BY = re.compile(r"^\W*(?:the\s+)?(?:press\s+release|news\s+release|release|statement|speech|letter)\s+"
                        r"(?:was\s+)?(?:issued|published|released|made|given|delivered)\s+by\s+[^.]{2,80}?\s+on\s*$", re.I)
_STAMP_WORDS = re.compile(r"^(?:on|at|am|pm|and|updated|published|posted|first|last|by|admin|[|/•·,.:;–—-])$", re.I)
# A section's name after the date: "3 November 2024 / Knife crime", "12 June 2023 | Courts & crime".
_SECTION_AFTER = re.compile(r"^\s*[/|•·]\s*[A-Z][\w&'’]*(?:\s+[\w&'’]+){0,3}\s*$")
_SECTION = re.compile(r"^[A-Z][\w&'’]*(?:\s+[\w&'’]+){0,3}\s*[/|•·]$")
HEAD_LINES = 14  # how far from the top a date line is looked for


@dataclass(frozen=True)
class LineDate:
    value: Stamp
    updated: bool  # an update stamp, used only when no other date is stated
    labelled: bool = False  # "Published 3 May 2024", "Posted on ...": a date line wherever it stands


def line_date(line: str) -> LineDate | None:
    """The date a line states as a date line: labelled, a byline, a stamp or a bare dateline.
    A sentence that mentions a date is not a date line. Of a line's dates, the first not labelled
    an update is the publication date ("Updated 4 June 2023 | Published 2 May 2023": 2 May)."""
    if len(line) <= 40 and (short := _SHORT_YEAR.search(line)) and (_LABEL.search(label := line[:short.start()]) or not label.strip()):
        stamp = publishable(_from_match("num", (*short.groups()[:2], f"20{short.group(3)}", None, None)))
        return LineDate(stamp, updated=bool(_UPDATE_WORD.search(label)), labelled=bool(label.strip())) if stamp else None
    if len(line) > 160 or not _YEAR_DIGITS.search(line) or _NOT_A_DATE.search(line):
        return None
    # "- Published16 April 2023": a related link's, more often than not; the page's only before its text
    glued, line = bool(_GLUED_LABEL.search(line)), _GLUED_LABEL.sub(lambda match: f"{match.group(0)} ", line)
    if stamp := parse_platform_timestamp(line):
        return LineDate(stamp, updated=False)
    found = find_dates(line)
    if not found:
        return None
    before = line[:found[0].start]
    if not (_states_only_dates(line, found) or _LABEL.search(before) or _BYLINE.match(before)
            or _SECTION.match(before.strip()) or (_ISSUED_BY.search(before) and not line[found[0].end:].strip(" ."))
            or (not before.strip() and _SECTION_AFTER.match(line[found[-1].end:]))):
        return None
    at = 0
    for each in found:
        if not _UPDATE_WORD.search(line[at:each.start]):
            return LineDate(each.value, updated=False, labelled=not glued and bool(_LABEL.search(_STAMP_NOISE.sub(" ", line[at:each.start]))))
        at = each.end
    return LineDate(found[0].value, updated=True, labelled=True)


def _states_only_dates(line: str, found: list[Found]) -> bool:
    """The line has nothing but dates and the words stamps put around them."""
    rest, at = [], 0
    for stamp in found:
        rest.append(line[at:stamp.start])
        at = stamp.end
    rest.append(line[at:])
    remainder = _BY_WHOM.sub(" ", _STAMP_NOISE.sub(" ", " ".join(rest)))
    words = re.findall(r"[\w]+|[|/•·–—-]", remainder)
    # Up to two capitalised words may label the stamp ("News", "Crime & Courts").
    labels = [word for word in words if not _STAMP_WORDS.match(word)]
    return len(labels) <= 2 and all(word[:1].isupper() for word in labels) and len(words) - len(labels) <= 8


def _label_only(line: str) -> bool:
    """A line that is only a date label ("Created on", "Date published:"), the date on the next line."""
    return len(line) <= 30 and bool(_LABEL.search(" " + line)) and not find_dates(line)


@dataclass(frozen=True)
class HeadDate:
    published: Stamp | None
    updated: Stamp | None  # an update stamp: the date only when the page states no other
    lines: frozenset[int]  # the date lines found (bylines and stamps): never title, summary or body


def head_date(lines: Sequence[str]) -> HeadDate:
    """The dates stated by the date lines near the top of a page. Once the text has begun, only a
    labelled date ("Published 3 May 2024") is the page's: a bare date or a byline there belongs to
    an update history, a list of other stories or a comment. A date in a list of stories (headline,
    date, headline, date: "Related news", a sidebar) is never the page's, unless it is the last of
    the list and the article's text follows it (the page's own headline and date)."""
    stated = _date_lines(lines[:HEAD_LINES + 2])
    published: Stamp | None = None
    updated: Stamp | None = None
    used: set[int] = set()
    prose = 0
    for index, line in enumerate(lines[:HEAD_LINES]):
        prose += reads_as_prose(line)
        if index not in stated:
            continue
        found, taken = stated[index]
        if _site_bar(lines, index):
            used.update(taken)  # still a date line: never the title, summary or body
            continue
        if (prose >= _TEXT_BEGUN and not found.labelled) or _listed(lines, stated, index):
            continue
        used.update(taken)
        if found.updated:
            updated = updated or found.value
        else:
            published = published or found.value
    return HeadDate(published, updated, frozenset(used))


_TEXT_BEGUN = 2  # paragraphs: a standfirst or a caption may come before a page's date line, not two


def _date_lines(lines: Sequence[str]) -> dict[int, tuple[LineDate, tuple[int, ...]]]:
    """The lines that state a date (a label alone on its line takes the date on the next line):
    by index, the date and the lines that state it."""
    stated: dict[int, tuple[LineDate, tuple[int, ...]]] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        if _label_only(line) and index + 1 < len(lines) and (stamp := parse_stamp(lines[index + 1])):
            stated[index] = LineDate(stamp, updated=bool(_UPDATED.match(line)), labelled=True), (index, index + 1)
            index += 1
        elif found := line_date(line):
            stated[index] = found, (index,)
        index += 1
    return stated


def _listed(lines: Sequence[str], stated: dict[int, tuple[LineDate, tuple[int, ...]]], index: int) -> bool:
    """Whether the date line at `index` is an item of a list of stories: a headline, then its date,
    twice or more in a row."""
    def item(at: int) -> bool:
        return (at in stated and not stated[at][0].updated and at >= 1 and at - 1 not in stated
                and not reads_as_prose(lines[at - 1]))

    if not item(index):
        return False
    if item(index + 2):
        return True
    text_follows = index + 1 < len(lines) and reads_as_prose(lines[index + 1])
    return item(index - 2) and not text_follows


# A weather widget's reading: "21.4 C", "12°C", "54 °F".
_WEATHER = re.compile(r"^-?\d{1,3}(?:[.,]\d)?\s*°?\s*[CF]$")


def _site_bar(lines: Sequence[str], index: int) -> bool:
    """A date over the weather or the site's name atop a news site: the day it was fetched, not published."""
    return index + 1 < len(lines) and bool(_WEATHER.match(after := lines[index + 1].strip()) or MASTHEAD.match(after))


def reads_as_prose(line: str) -> bool:
    """A paragraph of text, not a heading, a caption or a label: long, or of eight words or more ending
    as a sentence does. A closing quotation mark ends one only after a sentence's own end ('... he
    said.”'); a headline may end with a quoted phrase ("Man jailed for ‘cowardly’ attack", "... with
    ‘large knife’")."""
    if len(line) > 160:
        return True
    line = line.rstrip()
    unquoted = line.rstrip("”\"’'")  # closing quotation marks
    ends = unquoted.endswith((".", "!", "?", ",", "…")) if unquoted != line else line.endswith((".", "!", "?", ":"))
    return ends and len(line.split()) >= 8


_TODAY = re.compile(r"\btoday\s*\(([^()]{6,40})\)", re.I)


def opening_date(paragraph: str) -> Stamp | None:
    """"today (15 July 2022)" in a release's first paragraph; without a year it states no date."""
    match = _TODAY.search(paragraph)
    if not match:
        return None
    found = find_dates(match.group(1))
    return found[0].value if found else None


def signature_date(lines: Sequence[str]) -> tuple[Stamp, int] | None:
    """A dated sign-off in the last lines of a letter or blog ("Jane Doe, Commissioner, 14 March 2023"):
    (the date, the line's index). Only names and roles sign: a headline with its date ("Man admits
    assault - 24 Sep 2024"), or a date under one, ends a list of other stories, and the page has no
    signature."""
    for index in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
        line = lines[index].strip()
        if len(line) > 100 or line.endswith((".", "!", "?", "”", '"')) or _NOT_A_DATE.search(line):
            continue
        found = find_dates(line)
        if not found or line[found[-1].end:].strip(" ,."):
            continue
        signer = line[:found[-1].start].strip(" ,;|•·–—-")
        above = lines[index - 1].strip() if index else ""
        signed = _names_only(signer) if signer else not above or _names_only(above) or _ends_sentence(above)
        return (found[-1].value, index) if signed else None
    return None


# Lower-case words a name or a role keeps ("Police and Crime Commissioner for the West Midlands").
_NAME_LINKS = frozenset(("and", "of", "for", "the", "on", "in", "at", "by", "to", "upon", "&", "de", "da", "van", "von",
                         "der", "le", "la", "du", "posted", "published", "written", "signed", "dated"))


# A name, then a comma: what follows is a role ("Jo Smith, chief executive").
_NAMED = re.compile(r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)+,")


def _names_only(text: str) -> bool:
    """Names and roles: every word capitalised but the words that link them, or a name and a role."""
    words = re.findall(r"[^\s,;:|•·–—()-]+", text)
    return 0 < len(words) <= 10 and (bool(_NAMED.match(text)) or all(
        word[:1].isupper() or word[:1].isdigit() or word.lower() in _NAME_LINKS for word in words))


def _ends_sentence(line: str) -> bool:
    return line.endswith((".", "!", "?", "”", '"', "’"))
