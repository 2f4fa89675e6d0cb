"""Extraction: a raw Document becomes title, publication date, clean body and summary.

Text documents come in the shapes the seeds show: YAML front matter in a fenced
```yaml block, a first line ` date YYYY-MM-DD Title…`, or plain text that opens
with site furniture. HTML goes through trafilatura for the article text, with
dates only from what the page states (metadata, <time>, the platform's timestamp line).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import yaml
from bs4 import BeautifulSoup

from digest.errors import DocumentError
from digest.models import Document, Extracted
from digest.text import (
    LONDON,
    MONTH_ONLY,
    decode,
    first_sentences,
    is_furniture,
    parse_date,
    parse_datetime,
    parse_platform_timestamp,
    strip_controls,
    trim,
)
from digest.urls import is_web_url, site_of, web_url

TITLE_LIMIT = 110
_FENCED_YAML = re.compile(r"\A\s*```ya?ml[ \t]*\n(.*?)\n```[ \t]*(?:\n|\Z)", re.S)
_DASHED_YAML = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*(.*)$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]+)\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def extract(document: Document) -> Extracted:
    text, warnings = decode(document.content)
    if document.media_type == "html":
        extracted = extract_html(text, document.url)
    elif document.media_type == "fragment":
        extracted = extract_fragment(text)
    else:
        extracted = extract_text(text)
    extracted.warnings[:0] = warnings
    if not extracted.url:
        extracted.url = document.url
    if document.title_hint and not extracted.title:
        extracted.title = trim(document.title_hint, 200)
    if document.published_hint and extracted.published is None:
        extracted.published_time = document.published_hint
        extracted.published = document.published_hint.astimezone(LONDON).date()
    if document.summary_hint and not extracted.summary:
        extracted.summary = trim(document.summary_hint, 300)
    extracted.title, extracted.body, extracted.summary = (
        strip_controls(extracted.title), strip_controls(extracted.body), strip_controls(extracted.summary))
    extracted.url = web_url(extracted.url)
    if not extracted.title or not extracted.body:
        raise DocumentError("no article text found")
    return extracted


# --- text documents ----------------------------------------------------------------------


def extract_text(text: str) -> Extracted:
    meta, text, warnings = split_front_matter(text)
    lines = [_clean_markdown(line) for line in text.split("\n")]
    lines = [line for line in lines if line and not is_furniture(line)]

    title = _meta_text(meta, "title")
    published = _meta_date(meta)
    published_time: datetime | None = None
    if lines and (match := _DATE_LINE.match(lines[0])):
        published = published or parse_date(match.group(1))
        rest = match.group(2).strip()
        lines = ([rest] if rest and not is_furniture(rest) else []) + lines[1:]

    # Datelines above or right under the title: a stated date is used, a month alone is dropped.
    published, published_time = _take_datelines(lines, published, published_time)
    if not title and len(lines) > 1 and _heading_like(lines[0]):
        title = lines.pop(0)
    published, published_time = _take_datelines(lines, published, published_time)

    paragraphs = lines
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if not title and paragraphs:
        title = trim(first_sentences(paragraphs[:1], limit=10_000), TITLE_LIMIT)
    summary = _meta_text(meta, "description") or first_sentences(paragraphs)
    return Extracted(
        title=trim(title or "", 200),
        body="\n\n".join(paragraphs),
        summary=trim(summary, 300),
        url=_meta_text(meta, "url"),
        published=published,
        published_time=published_time,
        area_hint=_meta_text(meta, "area"),
        warnings=warnings,
    )


def _take_datelines(lines: list[str], published: date | None, published_time: datetime | None
                    ) -> tuple[date | None, datetime | None]:
    """Remove date-only lines from the top of `lines`, keeping the first date they state."""
    while lines and (stamp := _dateline(lines[0])) is not None:
        lines.pop(0)
        if isinstance(stamp, datetime):
            published_time = published_time or stamp
            published = published or stamp.date()
        elif isinstance(stamp, date):
            published = published or stamp
    return published, published_time


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
        "description": [
            _nested(meta, "og", "description"), meta.get("description"), meta.get("summary"),
        ],
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


def _clean_markdown(line: str) -> str:
    line = line.strip()
    # Each substitution only when the line has the text its pattern needs: most lines have none.
    if line.startswith("#"):
        line = _MD_HEADING.sub("", line)
    if "](" in line:
        line = _MD_LINK.sub(lambda m: m.group(1), line)
    if "**" in line or "__" in line:
        line = _MD_EMPHASIS.sub(lambda m: m.group(2), line)
    return " ".join(line.split())


def _heading_like(line: str) -> bool:
    """A short line with no closing full stop reads as a headline, not a sentence."""
    return 3 <= len(line) <= 160 and len(line.split()) <= 25 and not line.endswith((".", ",", ";", ":"))


def _dateline(line: str) -> date | datetime | str | None:
    """A line that only states a date: a datetime, a date, 'month' for `March 2023`, else None."""
    if stamp := parse_platform_timestamp(line):
        return stamp
    if (parsed := parse_date(line)) is not None:
        return parsed
    if MONTH_ONLY.match(line.strip()):
        return "month"
    return None


# --- HTML documents ----------------------------------------------------------------------


# Numeric entities for C0 control characters (not tab, newline or carriage return): parsers
# either choke on them or pass them on into titles, where they break XML feeds.
_CONTROL_ENTITY = re.compile(r"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])|x0*(?:[0-8bcef]|1[0-9a-f]));", re.I)


def extract_html(html: str, url: str | None) -> Extracted:
    import trafilatura  # imported lazily: it is the slowest import of the stack

    html = _CONTROL_ENTITY.sub("", html)
    soup = BeautifulSoup(html, "lxml")
    result = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=False, favor_precision=True, with_metadata=False,
    )
    raw_text = (getattr(result, "text", None) or "") if result is not None else ""
    lines = [" ".join(line.split()) for line in raw_text.split("\n")]
    lines = [line for line in lines if line and not is_furniture(line)]
    title = _html_title(soup)
    published_time = _html_published(soup, lines)
    headlines = {title, *_headings(soup)}
    lines = [line for line in lines if _dateline(line) is None]
    while lines and lines[0] in headlines:
        lines.pop(0)
    description = _meta_content(soup, "og:description", "description")
    return Extracted(
        title=trim(title or first_sentences(lines[:1], limit=10_000), TITLE_LIMIT if not title else 200),
        body="\n\n".join(lines),
        summary=trim(description or first_sentences(lines), 300),
        url=_canonical_link(soup, url) or url,
        published=published_time.date() if isinstance(published_time, datetime) else published_time,
        published_time=published_time if isinstance(published_time, datetime) else None,
    )


def extract_fragment(html: str) -> Extracted:
    """A feed entry's HTML: its paragraphs as the body; title and date come from the entry."""
    soup = BeautifulSoup(html, "lxml")
    blocks = soup.find_all(["p", "li", "h2", "h3", "h4", "blockquote"])
    texts = [" ".join(b.get_text(" ").split()) for b in blocks if not b.find(["p", "li"])] if blocks else []
    if not any(texts):
        texts = [" ".join(line.split()) for line in soup.get_text("\n").split("\n")]
    lines = [t for t in texts if t and not is_furniture(t)]
    return Extracted(title="", body="\n\n".join(lines), summary=first_sentences(lines))


def _meta_content(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        content = tag.get("content") if tag else None
        if isinstance(content, str) and content.strip():
            return " ".join(content.split())
    return None


def _html_title(soup: BeautifulSoup) -> str | None:
    title = _meta_content(soup, "og:title", "twitter:title")
    if not title and (h1 := soup.find("h1")):
        title = " ".join(h1.get_text(" ").split())
    if not title and soup.title and soup.title.string:
        title = re.split(r"\s+[|–—-]\s+", soup.title.string.strip())[0]
    return title or None


def _headings(soup: BeautifulSoup) -> set[str]:
    """The page's own headline texts, which trafilatura may repeat as the body's first line."""
    found = {" ".join(h.get_text(" ").split()) for h in soup.find_all(["h1", "h2"], limit=3)}
    if soup.title and soup.title.string:
        found.add(re.split(r"\s+[|–—-]\s+", soup.title.string.strip())[0])
    return found


def _canonical_link(soup: BeautifulSoup, fetched: str | None) -> str | None:
    """The page's rel=canonical, trusted only on the same site as the page it came from."""
    link = soup.find("link", rel="canonical")
    href = link.get("href") if link else None
    if not isinstance(href, str) or not is_web_url(href):
        return None
    if fetched and site_of(href) != site_of(fetched):
        return None
    return href


def _html_published(soup: BeautifulSoup, lines: list[str]) -> datetime | date | None:
    """The publication time the page states: metadata, JSON-LD, <time>, or the timestamp line."""
    for value in (
        _meta_content(soup, "article:published_time", "og:article:published_time", "datePublished", "date", "dc.date"),
        *_json_ld_dates(soup),
    ):
        if value and (stamp := parse_datetime(value) or parse_date(value)):
            return stamp
    article = soup.find("article") or soup.find("main")
    if article is not None and (stamp := _first_time(article)):
        return stamp
    for line in lines[:8]:
        if stamp := parse_platform_timestamp(line):
            return stamp
    for text in soup.find_all(string=re.compile(r"^\s*\d{1,2}:\d{2}\s+\d{1,2}/\d{1,2}/\d{4}\s*$")):
        if stamp := parse_platform_timestamp(str(text)):
            return stamp
    return _first_time(soup)


def _first_time(scope: Any) -> datetime | date | None:
    """The first <time> in this part of the page that states a date."""
    for tag in scope.find_all("time"):
        value = tag.get("datetime") or tag.get_text(" ")
        if isinstance(value, str) and (stamp := parse_datetime(value) or parse_date(value)):
            return stamp
    return None


def _json_ld_dates(soup: BeautifulSoup) -> list[str]:
    dates: list[str] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                if isinstance(node.get("datePublished"), str):
                    dates.append(node["datePublished"])
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return dates
