"""Text helpers shared by extraction: decoding bytes, fixing mojibake, site furniture,
sentences and dates stated in text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import ftfy

from digest.errors import DocumentError

LONDON = ZoneInfo("Europe/London")
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF", b"BZh")
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xef\xbb\xbf", "utf-8"),
)
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20)])


def decode(content: bytes) -> tuple[str, list[str]]:
    """Bytes to clean text, or DocumentError for empty and binary input. Returns (text, warnings)."""
    warnings: list[str] = []
    if not content.strip():
        raise DocumentError("empty file")
    if content.startswith(_BINARY_MAGIC):
        raise DocumentError("binary file (not text)")
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            try:
                text = content[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise DocumentError(f"starts with a {encoding} byte-order mark but is not valid {encoding}") from None
            if encoding != "utf-8":
                warnings.append(f"read as {encoding.upper()} (byte-order mark)")
            return _finish(text, warnings)
    sample = content[:8192]
    control_bytes = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if control_bytes > len(sample) * 0.05:
        raise DocumentError("binary file (too many control characters)")
    if b"\x00" in content:
        warnings.append(f"removed {content.count(0)} NUL bytes")
        content = content.replace(b"\x00", b"")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        warnings.append(f"not valid UTF-8 (byte {exc.start}); read as Windows-1252")
        text = content.decode("cp1252", errors="replace")
    return _finish(text, warnings)


def _finish(text: str, warnings: list[str]) -> tuple[str, list[str]]:
    text = fix_text(text)
    if not text.strip():
        raise DocumentError("empty file")
    return text, warnings


def strip_controls(text: str) -> str:
    """Remove control characters (also those that HTML entities such as &#8; decode to)."""
    return _CONTROL_TEXT.sub("", text)


# Characters that mojibake or stray control codes leave behind; text without them needs no ftfy pass.
_SUSPECT = re.compile("[\u00c2\u00c3\u00e2\u00d0\u00f0\u00c5\u00ce\u0080-\u009f\ufffd&]")


def fix_text(text: str) -> str:
    """Mojibake (`Â£` -> `£`) and odd characters fixed; curly quotes stay curly."""
    if _looks_suspect(text):
        text = ftfy.fix_text(text, uncurl_quotes=False)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return _CONTROL_TEXT.sub("", text)


def _looks_suspect(text: str) -> bool:
    if text.isascii():
        return "&" in text  # _SUSPECT's only ASCII character: `in` finds it far faster
    return _SUSPECT.search(text) is not None


_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")


# Non-ASCII letters that re.IGNORECASE matches to ASCII ones, beyond what str.lower() gives:
# "ſ" matches "s", "ı" and "İ" match "i" ("K", the kelvin sign, already lowers to "k").
_ODD_CASE_TO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold_case(text: str) -> str:
    """Lower-cased text, one character for each of `text`'s, in which every character that
    re.IGNORECASE would match to an ASCII letter is that letter. So a lower-case literal that a
    case-insensitive match must contain is found in fold_case(text), at the same position."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text:  # three scans beat one regex search
        text = text.translate(_ODD_CASE_TO_ASCII)
    return text.lower()


def positions_of(text: str, parts: Iterable[str]) -> list[int]:
    """Every position in `text` where one of `parts` begins, in order."""
    found: set[int] = set()
    for part in parts:
        at = text.find(part)
        while at != -1:
            found.add(at)
            at = text.find(part, at + 1)
    return sorted(found)


def matches_at(pattern: re.Pattern[str], text: str, positions: Iterable[int]) -> Iterator[re.Match[str]]:
    """What pattern.finditer(text) yields, trying the pattern only at `positions`: every place,
    in order, where a match can begin (the pattern must not match an empty string). Much faster
    than finditer for patterns the regex engine cannot scan for quickly: those opening with a
    word boundary or an alternation, or ignoring case."""
    end = 0
    for position in positions:
        if position >= end and (match := pattern.match(text, position)):
            yield match
            end = match.end()


# Whole lines that are site furniture, never article text (matched on the stripped line).
_FURNITURE = [
    r"accessibility( options| tools| settings)?",
    r"skip to (the )?(main )?content",
    r"(quickly )?exit (this )?(site|website)( now| quickly)?\b.*",
    r"(leave|hide) (this )?(site|website|page) quickly.*",
    r"sorry, there was a (technical )?problem.*",
    r"this (site|website|service) is (a |in )?(new|beta|public beta).*",
    r"(beta|alpha)( this is a new (service|website).*)?",
    r".*\bwe use (some )?(essential |necessary )?cookies\b.*",
    r".*\bcookie (settings|preferences|policy|notice|banner)\b.*",
    r".*\b(customise|manage|accept|reject|allow) (all |additional |optional )?cookies\b.*",
    r".*\bcookies notice\b.*",
    r"(back to top|print this page|share this (page|article|story)|share( on)? (facebook|twitter|x|linkedin|whatsapp|email))",
    r"(share|print|menu|search|close|home|open menu|main menu|cookie settings|report|contact us|sign in|log in)",
    r"(home|news)(\s*[>›»/|]\s*[^>›»/|]{1,60}){1,6}",
    r"(tweet|email|facebook|twitter|linkedin|whatsapp)(\s+(tweet|email|facebook|twitter|linkedin|whatsapp))*",
    r"(was this page (useful|helpful)\??|is this page useful\??).*",
]
_FURNITURE_RE = re.compile(r"^(?:" + "|".join(_FURNITURE) + r")$", re.IGNORECASE)
# Every pattern above begins with one of these words or mentions cookies: lines without them
# skip the slow regular expression. Keep this in step with _FURNITURE.
_FURNITURE_OPENINGS = (
    "accessibility", "skip", "quickly", "exit", "leave", "hide", "sorry", "this", "beta", "alpha", "back", "print",
    "share", "menu", "search", "close", "home", "open", "main", "cookie", "report", "contact", "sign", "log", "news",
    "tweet", "email", "facebook", "twitter", "linkedin", "whatsapp", "was", "is",
)


def is_furniture(line: str) -> bool:
    stripped = line.strip().strip("*_#>").strip()
    if not stripped or len(stripped) >= 400:
        return False
    folded = fold_case(stripped)
    if "cookie" not in folded and not folded.startswith(_FURNITURE_OPENINGS):
        return False
    return bool(_FURNITURE_RE.match(stripped))


# --- sentences -----------------------------------------------------------------------

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "no", "det", "insp", "supt", "sgt", "ch", "con", "pc", "dc",
    "ds", "di", "dci", "acc", "gen", "lt", "col", "rev", "prof", "approx", "etc", "vs", "co", "ltd",
}
_SENTENCE_BREAK = re.compile(r"([.!?])([\"”’')]*)\s+(?=[\"“‘'(]*[A-Z0-9£])")


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping closing quotes with their sentence."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        if match.group(1) == ".":
            before = text[max(start, match.start() - 24):match.start()]  # a bounded look back: linear time
            word = before.rsplit(None, 1)[-1] if before.strip() else ""
            if word.isalpha() and (word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())):
                continue
        end = match.end(2)
        out.append(text[start:end].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def trim(text: str, limit: int) -> str:
    """Cut at a word boundary within `limit` characters, marking the cut with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    return cut + "…"


def first_sentences(paragraphs: list[str], limit: int = 300) -> str:
    """The first one or two sentences of the body: a summary."""
    for paragraph in paragraphs:
        parts = sentences(paragraph)
        if not parts:
            continue
        summary = parts[0]
        if len(summary) < 120 and len(parts) > 1:
            summary = f"{summary} {parts[1]}"
        return trim(summary, limit)
    return ""


# --- dates stated in text --------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_DAY_MONTH_YEAR = re.compile(rf"^{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(\d{{4}})$", re.I)
_MONTH_DAY_YEAR = re.compile(rf"^{_WEEKDAY}{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$", re.I)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_UK_NUMERIC = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
MONTH_ONLY = re.compile(rf"^{_MONTH}\s+\d{{4}}$", re.I)
# The national police platform's timestamp line: "08:17 03/11/2021".
PLATFORM_TIMESTAMP = re.compile(r"^(\d{1,2}):(\d{2})\s+(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: object) -> date | None:
    """A calendar date from a value that states one; None for anything vaguer (`March 2023`)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = " ".join(value.strip().split())
    try:
        if match := _ISO_DATE.match(text):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _DAY_MONTH_YEAR.match(text):
            return date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
        if match := _MONTH_DAY_YEAR.match(text):
            return date(int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)))
        if match := _UK_NUMERIC.match(text):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
    return None


def parse_platform_timestamp(line: str) -> datetime | None:
    """`08:17 03/11/2021` (UK local time) as an aware datetime."""
    match = PLATFORM_TIMESTAMP.match(line.strip())
    if not match:
        return None
    hour, minute, day, month, year = (int(g) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=LONDON)
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
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LONDON)
