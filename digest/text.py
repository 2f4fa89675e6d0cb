"""Text helpers shared by extraction: decoding bytes, fixing mojibake, sentences."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import ftfy

from digest.errors import DocumentError
from digest.phrases import Automaton

_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF", b"BZh")
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xef\xbb\xbf", "utf-8"),
)
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20)])

# The last word of a newspaper's name: a short line ending with one, at the head of a page, is its masthead.
MASTHEAD = re.compile(
    r"^(?:The\s+)?(?:(?:[A-Z][\w'’-]*|&|and|on|upon)\s+){0,4}(?:Echo|Gazette|Star|Post|Chronicle|Times|Mail|Telegraph|"
    r"Herald|Courier|Advertiser|Journal|News|Mercury|Argus|Express|Citizen|Independent|Observer|Press|Live|Today|"
    r"Standard|Sentinel|Guardian|Record|Reporter|Leader|Bulletin|Recorder|Examiner|Messenger|Review|Weekly|Online|"
    r"Daily|Dispatch|Ledger|Clarion|Courant|Signal|Beacon|Wire|Sport|Mirror)(?:\s+\([A-Z][\w ]{2,30}\))?$")  # "(Northern Ireland)"
# A site's section, not its name, though its last word is a masthead's: "World News", "Latest news".
_SECTIONS = r"UK|United Kingdom|World|Local|US|Crime|Politics|Business|Regional|National|Sport|Health|Royal|Showbiz|Weird"
SECTION_NEWS = re.compile(rf"^(?:{_SECTIONS}|Latest|Breaking|Top|Community) news$", re.I)
SECTION = re.compile(rf"^(?:{_SECTIONS})$", re.I)  # a section's name alone: "... | UK | News"


# The words a headline in title case leaves small ("Man Charged After Attack in the Park").
TITLE_CASE_LITTLE_WORDS = frozenset(("a", "an", "the", "after", "in", "for", "to", "of", "at", "with", "by", "from", "as",
                                     "over", "into", "and", "on", "is", "are", "was", "be", "amid", "near", "across"))


def decode(content: bytes, limit: int | None = None, repair: bool = True) -> tuple[str, list[str]]:
    """Bytes to clean text, or DocumentError for empty and binary input. Returns (text, warnings).
    Text beyond `limit` characters is cut off before it is cleaned (with a warning). Without
    `repair`, mojibake is left for the caller to fix (markup's in the text taken out of it)."""
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
            return _finish(text, warnings, limit, repair, controls=True)
    sample = content[:8192]
    control_bytes = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if control_bytes > len(sample) * 0.05:
        raise DocumentError("binary file (too many control characters)")
    if b"\x00" in content:
        warnings.append(f"removed {content.count(0)} NUL bytes")
        content = content.replace(b"\x00", b"")
    try:
        text = content.decode("utf-8")
        controls = repair or _may_hold_controls(content, text)  # (fix_text looks for them itself)
    except UnicodeDecodeError as exc:
        warnings.append(f"not valid UTF-8 (byte {exc.start}); read as Windows-1252")
        text, controls = content.decode("cp1252", errors="replace"), True
    return _finish(text, warnings, limit, repair, controls)


def _finish(text: str, warnings: list[str], limit: int | None, repair: bool, controls: bool) -> tuple[str, list[str]]:
    if limit is not None and len(text) > limit:
        warnings.append(f"cut to its first {limit:,} characters (of {len(text):,})")
        text = text[:limit]
    text = fix_text(text) if repair else _normalise(text, controls)
    if not text.strip():
        raise DocumentError("empty file")
    return text, warnings


def strip_controls(text: str) -> str:
    """Remove control characters (also those that HTML entities such as &#8; decode to) and every
    other character XML 1.0 cannot carry (U+FFFE, U+FFFF, lone surrogates): one in a title would
    stop every feed being written."""
    return _CONTROL_TEXT.sub("", text)


def clean_title(text: str) -> str:
    """A title as stored and shown: strip_controls, and no bidi overrides or isolates, which
    reorder the text around the title wherever it is shown (a subject line, a feed reader)."""
    return _BIDI_CONTROLS.sub("", strip_controls(text))


_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def without_surrogate_references(markup: bytes) -> bytes:
    """Markup without numeric character references to lone surrogates (`&#xD800;`), which no
    text can hold: feedparser's lenient parser fails on the whole feed at one."""
    return _SURROGATE_REFERENCE.sub(b"", markup) if b"&#" in markup else markup


_SURROGATE_REFERENCE = re.compile(  # U+D800 to U+DFFF, in hexadecimal or decimal (55296 to 57343)
    rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*(?:5529[6-9]|55[3-9]\d\d|56\d{3}|57[0-2]\d\d|573[0-3]\d|5734[0-3]));")


# Characters that mojibake or stray control codes leave behind; text without them needs no ftfy pass.
_SUSPECT = re.compile("[\u00c2\u00c3\u00e2\u00d0\u00f0\u00c5\u00ce\u0080-\u009f\ufffd&]")


def fix_text(text: str) -> str:
    """Mojibake (`Â£` -> `£`) and odd characters fixed; curly quotes stay curly."""
    if _looks_suspect(text):
        text = ftfy.fix_text(text, uncurl_quotes=False)
    return _normalise(text)


def _normalise(text: str, controls: bool = True) -> str:
    """One kind of line break, plain spaces, no control characters (unless `controls` says there are none)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    text = text.replace("\u00a0", " ") if "\u00a0" in text else text
    return _CONTROL_TEXT.sub("", text) if controls else text


def _may_hold_controls(utf8: bytes, text: str) -> bool:
    """Whether `text`, decoded from `utf8` (so no surrogate), holds a character _CONTROL_TEXT removes: scans
    of the bytes and the text, a fifth of the regular expression's time over a whole page of markup."""
    return (len(utf8.translate(None, _CONTROL_TEXT_BYTES)) != len(utf8)
            or (not text.isascii() and any(odd in text for odd in "\u200b\ufeff\ufffe\uffff")))


_CONTROL_TEXT_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _looks_suspect(text: str) -> bool:
    if text.isascii():  # in ASCII, ftfy changes only HTML entities ("A&E" is none)
        return "&" in text and _HTML_ENTITY.search(text) is not None
    return _SUSPECT.search(text) is not None


_HTML_ENTITY = re.compile(r"&#?[0-9A-Za-z]{1,24};")  # what ftfy unescapes (its HTML_ENTITY_RE)


_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff\ud800-\udfff\ufffe\uffff]")


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


# --- sentences -----------------------------------------------------------------------

_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "no", "det", "insp", "supt", "sgt", "ch", "con", "pc", "dc", "ds", "di",
                  "dci", "acc", "gen", "lt", "col", "rev", "prof", "approx", "etc", "vs", "co", "ltd"}
_SENTENCE_BREAK = re.compile(r"([.!?])([\"”’')]*)\s+(?=[\"“‘'(]*[A-Z0-9£])")


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping closing quotes with their sentence."""
    return [text[start:end] for start, end in sentence_spans(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each of the paragraph's sentences (as `sentences` gives them) begins and ends in it: each
    without the spaces around it (a break ends after [.!?] and quotes, and takes the spaces after it)."""
    spans: list[tuple[int, int]] = []
    start = len(text) - len(text.lstrip())
    for match in _SENTENCE_BREAK.finditer(text):
        if match.group(1) == ".":
            before = text[max(start, match.start() - 24):match.start()]  # a bounded look back: linear time
            word = before.rsplit(None, 1)[-1] if before.strip() else ""
            if word.isalpha() and (word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())):
                continue
        spans.append((start, match.end(2)))
        start = match.end()
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


def trim(text: str, limit: int) -> str:
    """Cut at a word boundary within `limit` characters, marking the cut with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    return cut + "…"


_NUMBERED = re.compile(r"^\s*(?:\d{1,2}\.)+(?:\d{1,2})?\s+(?=[A-Z])")  # a report's paragraph number: "1.", "2.3"


def first_sentences(paragraphs: list[str], limit: int = 300) -> str:
    """The first one or two sentences of the body: a summary."""
    for paragraph in paragraphs:
        parts = sentences(_NUMBERED.sub("", paragraph))
        if not parts:
            continue
        summary = parts[0]
        if len(summary) < 120 and len(parts) > 1:
            summary = f"{summary} {parts[1]}"
        return trim(summary, limit)
    return ""


# --- dates in running text ----------------------------------------------------------

# English only (digest.dates also reads other languages' month names, for pages dated in them).
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec")
_MONTH_FINDER = Automaton((month, None) for month in _MONTHS)
# A day of the month before its month ("3 January", "the 21st of November"), or after it ("June 5th,"), only
# before punctuation or a year then: "in March 12 people ..." counts people.
_DAY_BEFORE = re.compile(r"(?<![\w.,])\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?$")
_DAY_AFTER = re.compile(r"\.?\s+(\d{1,2}(?:st|nd|rd|th)?)\b(?![,.]?\d)(?=\s*(?:[,.;:)]|$)|,?\s+\d{4}\b)")


def without_days_of_month(text: str) -> str:
    """The text without the days of the month in its dates: one outlet writes "on 3 January", another
    "on Wednesday night", and a story's numbers must not differ by it (a year is still a number)."""
    cuts: list[tuple[int, int]] = []
    for start, end, _ in _MONTH_FINDER.find(text):
        if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalpha()):
            continue  # part of a word ("Mayor", "Decline")
        if before := _DAY_BEFORE.search(text, max(0, start - 16), start):
            cuts.append(before.span())
        elif after := _DAY_AFTER.match(text, end):
            cuts.append(after.span(1))
    if not cuts:
        return text
    pieces: list[str] = []
    at = 0
    for start, end in sorted(cuts):
        if start >= at:
            pieces += (text[at:start], " ")
            at = end
    return "".join(pieces) + text[at:]
