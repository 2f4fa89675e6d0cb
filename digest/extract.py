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
from typing import TYPE_CHECKING, Any

from digest.dates import LONDON, MONTH_ONLY, head_date, line_date, parse_date, parse_datetime, parse_platform_timestamp
from digest.errors import DocumentError
from digest.furniture import is_furniture
from digest.models import Document, Extracted
from digest.text import clean_title, decode, first_sentences, sentences, strip_controls, trim
from digest.textpage import TITLE_LIMIT, extract_text
from digest.urls import is_web_url, site_of, web_url

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

__all__ = ["TITLE_LIMIT", "extract", "extract_fragment", "extract_html", "extract_text"]

# What one document may cost: its text is read up to MAX_CHARACTERS, and HTML is parsed up to
# its MAX_TAGS-th "<" (trafilatura and BeautifulSoup spend tens of µs on each tag). News pages
# have a few thousand tags; a 5 MB page of bare markup would take a minute.
MAX_CHARACTERS = 2_000_000
MAX_TAGS = 50_000


def extract(document: Document) -> Extracted:
    text, warnings = decode(document.content, limit=MAX_CHARACTERS)
    if document.media_type in ("html", "fragment"):
        text = _within_tags(text, warnings)
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
    _clean(extracted, document.media_type)
    extracted.url = web_url(extracted.url)
    if not extracted.title or not extracted.body:
        raise DocumentError("no article text found")
    return extracted


def _clean(extracted: Extracted, media_type: str) -> None:
    """Text that XML can carry, titles without bidi controls; a title and a body for feed entries without one."""
    extracted.body, extracted.summary = strip_controls(extracted.body), strip_controls(extracted.summary)
    extracted.title = clean_title(extracted.title)
    if not extracted.title:  # a feed entry without a <title>: its first sentence
        extracted.title = clean_title(trim(next(iter(sentences(extracted.body.split("\n\n", 1)[0])), ""), TITLE_LIMIT))
    if media_type == "fragment" and not extracted.body:  # an entry that is only markup (an image, an embed)
        extracted.body = extracted.title


def _within_tags(html: str, warnings: list[str]) -> str:
    """The HTML up to its MAX_TAGS-th tag (with a warning when that cuts it)."""
    if html.count("<") <= MAX_TAGS:
        return html
    at = -1
    for _ in range(MAX_TAGS):
        at = html.find("<", at + 1)
    warnings.append(f"HTML cut at its {MAX_TAGS:,}th tag (character {at:,})")
    return html[:at]


# --- HTML documents ----------------------------------------------------------------------


# Numeric entities for C0 control characters (not tab, newline or carriage return): parsers
# either choke on them or pass them on into titles, where they break XML feeds.
_CONTROL_ENTITY = re.compile(r"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])|x0*(?:[0-8bcef]|1[0-9a-f]));", re.I)


def extract_html(html: str, url: str | None) -> Extracted:
    import trafilatura  # imported lazily: it is the slowest import of the stack
    from bs4 import BeautifulSoup  # a slow import too, and a folder of text documents needs neither

    html = _CONTROL_ENTITY.sub("", html)
    soup = BeautifulSoup(html, "lxml")
    result = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=False, favor_precision=True, with_metadata=False,
    )
    raw_text = (getattr(result, "text", None) or "") if result is not None else ""
    lines = [" ".join(line.split()) for line in raw_text.split("\n")]
    lines = [line for line in lines if line and (not is_furniture(line) or line_date(line) is not None)]
    title = _html_title(soup)
    published_time = _html_published(soup, lines)
    headlines = {title, *_headings(soup)}
    dates = head_date(lines)
    lines = [line for index, line in enumerate(lines) if index not in dates.lines and not MONTH_ONLY.match(line)]
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
    from bs4 import BeautifulSoup

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
    if (stated := head_date(lines)).published or stated.updated:
        return stated.published or stated.updated
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
