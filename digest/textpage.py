"""Text documents: a stored page as text becomes title, publication date, clean body and summary.

Pages come in the shapes the seeds and real excerpts show: YAML front matter (a fenced ```yaml
block or `---` lines), a store line ` date YYYY-MM-DD <headline or first sentence>`, and
whatever the page put before its article: banners, mastheads, navigation, bylines, captions.
The head of the page (the lines before the first paragraph) gives the headline and the dates;
site furniture and date lines never become the title, the summary or part of the body.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from itertools import pairwise
from typing import Any

import yaml

from digest.dates import (
    HEAD_LINES,
    MONTH_ONLY,
    Stamp,
    head_date,
    line_date,
    opening_date,
    parse_date,
    reads_as_prose,
    signature_date,
)
from digest.furniture import is_furniture, without_site_suffix
from digest.headline import (
    LIST_MARK,
    TITLE_LINES,
    choose_title,
    credited,
    heading_like,
    labelled_headline,
)
from digest.language import reads_welsh
from digest.models import Extracted
from digest.page_furniture import without_furniture
from digest.phrases import holds_any
from digest.publisher import page_owner
from digest.text import MASTHEAD, first_sentences, sentence_spans, trim

TITLE_LIMIT = 110
_FENCED_YAML = re.compile(r"\A\s*```ya?ml[ \t]*\n(.*?)\n```[ \t]*(?:\n|\Z)", re.S)
_DASHED_YAML = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_STORE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)(?![\d-])[ \t]*(.*)$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]+)\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def extract_text(text: str) -> Extracted:
    meta, text, warnings = split_front_matter(text)
    lines = [part for line in unwrapped(text.split("\n")) for part in _parts(_clean_markdown(line)) if part]
    stored, lines, headline = _store_line(lines)
    labelled = labelled_headline(lines)  # read before its kind of document, furniture, is left out
    unfiltered = lines  # what stands over the text, banners too (a paper's name a news app repeats)
    if headline:  # the page repeats its headline under the store line: one of them is kept
        kept, chrome = without_furniture(lines[1:], labelled)
        lines = [headline] + [line for line in kept if line != headline]
    else:
        lines, chrome = without_furniture(lines, labelled)
    dates = head_date(lines)
    skipped = dates.lines | {index for index, line in enumerate(lines[:HEAD_LINES]) if _month_alone(line, index)}
    title = _meta_text(meta, "title")
    start = 0
    if not title and headline and lines and lines[0] == headline:
        title, start = headline, 1
    elif not title and labelled in lines[:TITLE_LINES]:  # its text begins at the first prose after it
        at = lines.index(labelled)
        title, start = labelled, next((n for n in range(at + 1, len(lines)) if reads_as_prose(lines[n])), at + 1)
    elif not title and (chosen := choose_title(lines, skipped, dates.lines)) is not None:
        title, start = lines[chosen], chosen + 1
    elif title and lines and lines[0] == title:
        start = 1
    elif not title:
        start = _first_text(lines, skipped)
    body = [line for index, line in enumerate(lines) if index >= start and index not in skipped and line != title]
    published = dates.published or _meta_date(meta) or stored or dates.updated or _later_dates(body)
    if published is not None and (signed := signature_date(body)) is not None and signed[0] == published:
        body = body[:signed[1]] + body[signed[1] + 1:]
    if not title and body:  # the first sentence of the text, not a label over it ("File article:")
        opening = next((line for line in body if not (line.endswith(":") and len(line.split()) <= 6)), body[0])
        title = trim(first_sentences([opening], limit=10_000), TITLE_LIMIT)
    text_at = next((index for index, line in enumerate(lines) if index >= start and reads_as_prose(line)), start)
    above = unfiltered[:unfiltered.index(lines[text_at])] if lines[text_at:] and lines[text_at] in unfiltered else []
    shown = set(lines)
    owner = page_owner(lines[:text_at], chrome + [lines[index] for index in sorted(dates.lines)],
                       [line for line in above if line not in shown])
    prose = next((paragraph for paragraph in body if reads_as_prose(paragraph)), None)  # the first is the summary's
    if prose and reads_welsh(prose):  # a bilingual page's: its first paragraph in English
        prose = next((paragraph for paragraph in body if reads_as_prose(paragraph) and not reads_welsh(paragraph)), prose)
    summary = _meta_text(meta, "description") or first_sentences([prose] if prose else body)
    return Extracted(
        title=_bare_title(title or ""), body="\n\n".join(body), summary=trim(summary, 300),
        url=_meta_text(meta, "url"),
        published=published.date() if isinstance(published, datetime) else published,
        published_time=published if isinstance(published, datetime) else None,
        area_hint=_meta_text(meta, "area"), publisher=owner.name, publisher_kind=owner.kind, warnings=warnings,
    )


def _bare_title(title: str) -> str:
    """The headline without a list's bullet or dash, a table cell's rules ("Headline |"), a blog's date badge or a
    date run into its end, or its site's name or section."""
    bare = _GLUED_DATE.sub("", _DATE_BADGE.sub("", LIST_MARK.sub("", title.strip(" |").lstrip(_BULLETS))))
    return trim(without_site_suffix(bare), 200)


_BULLETS = "•·▪◦ "  # a headline taken from a list item is the item without its bullet (or dash: LIST_MARK)
# A blog theme's date badge before the headline, its day and month only: "30 Jan Two knife bins ...".
_DATE_BADGE = re.compile(r"^\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\s+(?=[A-Z])")
# The page's date run into the end of its headline: "... in knife attackJuly 29, 2024".
_GLUED_DATE = re.compile(r"(?<=[a-z])(?:January|February|March|April|May|June|July|August|September|October|November|"
                         r"December) \d{1,2}, \d{4}$")
_SENTENCE_ENDS = (".", "!", "?", ":", ";", "”", '"', "’")
_WRAPPED = range(40, 101)  # the length of a line hard-wrapped mid-sentence (at 60 to 80 characters, most often)
_WRAP_EVIDENCE = 3  # breaks before a word in lower case that make a text's hard wrapping plain


def unwrapped(lines: list[str]) -> list[str]:
    """The lines with the breaks of hard-wrapped paragraphs taken out: a line of wrapping length that does
    not end a sentence goes on in the next when that begins with a word in lower case (or "&"); and, in a
    text plainly wrapped so, when it begins otherwise ("... on Thursday (15" / "December), police ..."), if
    it is about as long as the text's wrapped lines and not its first (its headline). Lines are joined only
    where the sentence they make ends (or the text does). Blank lines still part paragraphs."""
    stripped = [line.strip() for line in lines]
    widths = [len(line) for line, after in pairwise(stripped) if _goes_on(line) and after[:1].islower()]
    width = max(widths) if len(widths) >= _WRAP_EVIDENCE else None
    first = next((index for index, line in enumerate(stripped) if line), 0)
    runs: list[list[str]] = []
    for index, line in enumerate(stripped):
        before = stripped[index - 1] if index else ""
        if line and runs and _goes_on(before) and (line[:1].islower() or line[:1] == "&" or (
                width is not None and index - 1 != first and len(before) >= width - 20
                and (line[:1].isupper() or line[:1].isdigit() or line[:1] == "("))):
            runs[-1].append(line)
        else:
            runs.append([line])
    joined: list[str] = []
    for number, run in enumerate(runs):
        if len(run) > 1 and (run[-1].endswith(_SENTENCE_ENDS) or number == len(runs) - 1):
            joined.append(" ".join(run))
        else:
            joined += run
    return joined


def _goes_on(line: str) -> bool:
    return len(line) in _WRAPPED and not line.endswith(_SENTENCE_ENDS)


def _store_line(lines: list[str]) -> tuple[date | None, list[str], str | None]:
    """A crawler's first line ` date YYYY-MM-DD <rest>`: its date (a month alone states none), the
    lines with the rest of it first, and that rest when it reads as a headline (the crawler put the
    page's title there; otherwise it is the first sentence)."""
    match = _STORE_LINE.match(lines[0]) if lines else None
    if not match:
        return None, lines, None
    rest = match.group(2).strip()
    if rest and MASTHEAD.match(rest):  # a paper's name the crawler took first: it names the publisher
        return parse_date(match.group(1)), [rest, *lines[1:]], None
    if rest and len(rest.split()) < 4 and not reads_as_prose(rest) and line_date(rest) is None:
        return parse_date(match.group(1)), lines[1:], None  # a caption or a label the crawler took first, no headline
    headline = (rest if rest and heading_like(rest) and len(lines) > 1 and not is_furniture(rest)
                and line_date(rest) is None else None)
    return parse_date(match.group(1)), ([rest] if rest else []) + lines[1:], headline


def _first_text(lines: list[str], skipped: set[int] | frozenset[int]) -> int:
    """Where a page without a headline begins its text: at its first line of four words or more
    (what comes before is a masthead, a menu or labels)."""
    for index, line in enumerate(lines[:TITLE_LINES]):
        if index not in skipped and (len(line.split()) >= 4 or reads_as_prose(line)) and not credited(line):
            return index
    return 0


def _month_alone(line: str, index: int) -> bool:
    """A month without a day near the top ("March 2023") states no date and is no text."""
    return index < HEAD_LINES and bool(MONTH_ONLY.match(line.strip()))


def _later_dates(body: list[str]) -> Stamp | None:
    """Dates stated outside the head: "today (15 July 2022)" in the opening, a dated signature."""
    if body and (stamp := opening_date(" ".join(body[:2]))):
        return stamp
    signed = signature_date(body)
    return signed[0] if signed else None


def split_front_matter(text: str) -> tuple[dict[str, Any], str, list[str]]:
    """YAML front matter (fenced ```yaml or ---) and the text after it."""
    match = _FENCED_YAML.match(text) or _DASHED_YAML.match(text)
    if not match:
        return {}, text, []
    rest = text[match.end():]
    try:
        meta = _load_yaml(match.group(1))
    except Exception as exc:  # noqa: BLE001 - YAMLError, or ValueError/RecursionError from odd values
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)[:80] or type(exc).__name__
        return {}, rest, [f"broken YAML front matter{where} ({problem}); read the text without it"]
    if not isinstance(meta, dict):
        return {}, rest, ["YAML front matter is not a mapping; read the text without it"]
    return meta, rest, []


# libyaml's loader (when installed) is many times faster than PyYAML's own, but the two read
# some text differently, and libyaml nests in C, about 340 bytes of stack a level, so deep
# nesting kills the process. Only short front matter without the differing text goes to it, and
# anything it fails on is read again by PyYAML: the values and error messages are PyYAML's.
_FAST_YAML_LOADER = getattr(yaml, "CSafeLoader", None)
_FAST_YAML_LIMIT = 1000  # characters, so at most 1,000 levels deep
# Read differently: tabs, "!" tags, a byte-order mark, "#" right after a block scalar's "|" or
# ">", and "?" after a "[" or "{" (PyYAML ends a plain scalar at "?" inside brackets).
_FAST_YAML_DIFFERS = re.compile(r"[\t!\ufeff]|[|>][-+0-9]*#|[\[{][\s\S]*\?")


def _load_yaml(source: str) -> Any:
    if _FAST_YAML_LOADER and len(source) <= _FAST_YAML_LIMIT and not _FAST_YAML_DIFFERS.search(source):
        try:
            return yaml.load(source, Loader=_FAST_YAML_LOADER)
        except Exception:  # noqa: BLE001 - read again below for PyYAML's own error
            pass
    return yaml.safe_load(source)


def _meta_text(meta: dict[str, Any], key: str) -> str | None:
    candidates: dict[str, list[Any]] = {
        "title": [meta.get("title"), _nested(meta, "og", "title")],
        "url": [meta.get("url"), meta.get("link"), _nested(meta, "og", "url")],
        "area": [meta.get("area")],
        "description": [_nested(meta, "og", "description"), meta.get("description"), meta.get("summary")],
    }
    for value in candidates[key]:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def _meta_date(meta: dict[str, Any]) -> date | None:
    for value in (_nested(meta, "publish", "date"), meta.get("published"), meta.get("date")):
        if (parsed := parse_date(value)) is not None:
            return parsed
    return None


def _nested(meta: dict[str, Any], outer: str, inner: str) -> Any:
    value = meta.get(outer)
    return value.get(inner) if isinstance(value, dict) else None


# A credit run into the sentence after it: "Picture: Wessex PoliceOfficers were called ...".
# An advert's markers run into the paragraph after the slot: "Hide AdThe incident happened ...".
_AD_GLUED_TO_TEXT = re.compile(r"^((?:Hide Ad|Advertisement|ADVERTISEMENT|Advert)+)(?=[A-Z0-9“\"‘'(])")
_GLUED_TO_TEXT = re.compile(r"^((?:Pictures?|Photos?|Images?|Credit|Pic)\s*:\s*[^.!?]{0,57}?(?:[a-z]{3}|\)))(?=[A-Z][a-z]*\s\S+\s\S+)")


# Words one of which opens the banners a stored page can run together with its text into one long line.
_BANNER_CUES = ("cookie", "exit this site", "escape key", "skip to", "beta", "technical problem", "javascript")


def _banner_cued(line: str) -> bool:
    """Whether the line's first 300 characters name a banner's subject (substring tests of the lowered
    text: a case-blind regular expression of these took 18 microseconds a line)."""
    head = line[:300].lower()
    return holds_any(head, _BANNER_CUES)


def _parts(line: str) -> list[str]:
    """A line as the lines it holds: a banner's sentences run together with the text before it
    ("Quickly exit this site ... We use some essential cookies ... Three men were arrested ..."),
    each on its own line, and a credit run into the sentence after it parted from it."""
    if len(line) > 160 and _banner_cued(line) and not is_furniture(line):
        spans = sentence_spans(line)
        banners = 0
        while banners < len(spans) - 1 and is_furniture(line[slice(*spans[banners])]):
            banners += 1
        if banners:
            return [line[slice(*span)] for span in spans[:banners]] + _unglued(line[spans[banners][0]:])
    return _unglued(line)


def _unglued(line: str) -> list[str]:
    """A line, or a credit or an advert's marker and the text it was run into, as two lines."""
    if line[:1] in "PICpic" and (match := _GLUED_TO_TEXT.match(line)):
        return [match.group(1), line[match.end():]]
    if line[:1] in "HA" and (match := _AD_GLUED_TO_TEXT.match(line)):
        return [match.group(1), line[match.end():]]
    if line[:1] == "Y" and (match := _VIEWING.match(line)):
        return [line[match.end():]]
    if line[:1] == "S" and (match := _SUBMITTED_GLUED.match(line)):  # a page flattened into one line
        return [match.group(1), line[match.end():]]
    if "READ " in line and (match := _GLUED_TEASER.search(line, 1)):  # another story's headline run into the text
        end = _AFTER_TEASER.search(line, match.end(), match.end() + 200)
        parts = [line[:match.start()], line[match.start(1):end.start() if end else len(line)],
                 line[end.end():] if end else ""]
        return [part for part in parts if part]
    return [line]


# A paper's link to another story run into its text, in capitals: "... a public place.READ MORE: <headline> He will ...".
_GLUED_TEASER = re.compile(r"(?<=\S)\s{0,2}(READ (?:MORE|NEXT|ALSO|AGAIN)):\s")
# Where the headline ends: a sentence that begins as a story's do, after a word in lower case with no full stop.
_AFTER_TEASER = re.compile(r"(?<=[a-z0-9'’])\s+(?=(?:He|She|They|It|The|A|An|Police|Officers|Detectives|His|Her|Their|This|We|"
                           r"Anyone|Mr|Mrs|Ms)\s)")


# A content system's stamp run into the text after it: "Submitted by jo on Sun, 07/12/2025 - 08:03 It keeps me ...".
_SUBMITTED_GLUED = re.compile(r"(Submitted by \S+(?: \S+){0,2}? on (?:[A-Z][a-z]{2,8},? )?\d{1,2}/\d{1,2}/\d{4} - \d{1,2}:\d{2})"
                              r"\s+(?=\S)")
# A blog theme's line over a post: "You are currently viewing <its title>".
_VIEWING = re.compile(r"You are (?:currently )?viewing:?\s+(?!an archived\b)(?=\S)")


def _clean_markdown(line: str) -> str:
    line = line.strip()
    # Each substitution only when the line has the text its pattern needs: most lines have none.
    if line.startswith("#"):
        line = _MD_HEADING.sub("", line)
    if "](" in line:
        line = _MD_LINK.sub(lambda m: m.group(1), line)
    if "**" in line or "__" in line:
        line = _MD_EMPHASIS.sub(lambda m: m.group(2), line)
    if line.isprintable() and "  " not in line:  # no whitespace but single spaces (most lines): as it is
        return line
    return " ".join(line.split())
