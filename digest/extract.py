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
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from digest.dates import (
    HEAD_LINES,
    LONDON,
    MONTH_ONLY,
    head_date,
    line_date,
    parse_date,
    parse_datetime,
    parse_platform_timestamp,
    publishable,
)
from digest.errors import DocumentError
from digest.furniture import SITE_NAME_AFTER, is_furniture, without_read_on
from digest.models import Document, Extracted
from digest.publisher import named_site
from digest.text import clean_title, decode, first_sentences, fix_text, sentences, strip_controls, trim
from digest.textpage import TITLE_LIMIT, extract_text
from digest.urls import is_web_url, site_of, web_url

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["TITLE_LIMIT", "extract", "extract_fragment", "extract_html", "extract_text"]

# What one document may cost: its text is read up to MAX_CHARACTERS, and HTML is parsed up to
# its MAX_TAGS-th "<" (trafilatura and BeautifulSoup spend tens of µs on each tag). News pages
# have a few thousand tags; a 5 MB page of bare markup would take a minute.
MAX_CHARACTERS = 2_000_000
MAX_TAGS = 50_000


def extract(document: Document) -> Extracted:
    markup = document.media_type in ("html", "fragment")
    # Markup's mojibake is repaired in the text taken out of it, not in the markup (ftfy over a
    # whole page cost more than parsing it, and its heuristics read tags as text).
    text, warnings = decode(document.content, limit=MAX_CHARACTERS, repair=not markup)
    if markup:
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
    if (hinted := publishable(document.published_hint)) and extracted.published is None:
        extracted.published_time = hinted
        extracted.published = hinted.astimezone(LONDON).date()
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
    if "\n\n" in extracted.body:
        extracted.body = "\n\n".join(filter(None, map(without_read_on, extracted.body.split("\n\n"))))
    else:
        extracted.body = without_read_on(extracted.body)
    extracted.summary = without_read_on(extracted.summary)
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
    """An article page, parsed once: its tree gives the title, dates and links, and trafilatura the
    text (which it takes from a copy of the same tree); mojibake is repaired in what comes out."""
    import trafilatura  # imported lazily: it is the slowest import of the stack

    tree = _parse_page(_CONTROL_ENTITY.sub("", html))
    result = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, include_tables=False, favor_precision=True, with_metadata=False,
    ) if tree is not None else None
    if tree is None:
        tree = _parse_markup(html)
    head = _PageHead(tree)
    raw_text = fix_text((getattr(result, "text", None) or "") if result is not None else "")
    lines = [" ".join(line.split()) for line in raw_text.split("\n")]
    lines = [line for line in lines if line and (not is_furniture(line) or line_date(line) is not None)]
    title = _html_title(tree, head, url)
    published_time = _html_published(tree, head, lines)
    headlines = {title, *_headings(tree)}
    dates = head_date(lines)
    lines = [line for index, line in enumerate(lines) if index not in dates.lines and not MONTH_ONLY.match(line)]
    while lines and lines[0] in headlines:
        lines.pop(0)
    description = head.meta("og:description", "description")
    site = named_site(head.meta("og:site_name", "application-name") or "")
    return Extracted(
        title=trim(title or first_sentences(lines[:1], limit=10_000), TITLE_LIMIT if not title else 200),
        body="\n\n".join(lines),
        summary=trim(description or first_sentences(lines), 300),
        url=_canonical_link(head, url) or url,
        published=published_time.date() if isinstance(published_time, datetime) else published_time,
        published_time=published_time if isinstance(published_time, datetime) else None,
        publisher=site.name, publisher_kind=site.kind,
    )


def _parse_page(html: str) -> HtmlElement | None:
    """The page's tree as trafilatura parses it; None when it does not take it for a page (markup
    that does not start as HTML and parses into fewer than two blocks)."""
    import trafilatura

    tree: HtmlElement | None = trafilatura.load_html(html)
    return tree


def _parse_markup(html: str) -> HtmlElement:
    """Any markup's tree, however little of a page it is (an empty <div> for none)."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        return lxml_html.document_fromstring(html, parser=_markup_parser())
    except (etree.ParserError, ValueError):
        return lxml_html.fragment_fromstring("<div></div>")


@lru_cache(maxsize=1)
def _markup_parser() -> Any:
    from lxml.html import HTMLParser

    return HTMLParser(remove_comments=True, remove_pis=True)


def extract_fragment(html: str) -> Extracted:
    """A feed entry's HTML: its paragraphs as the body; title and date come from the entry. The
    fast path: one lxml parse and no article extraction."""
    tree = _parse_markup(html)
    blocks = list(tree.iter("p", "li", "h2", "h3", "h4", "blockquote"))
    texts = [_words(b) for b in blocks if not _has_block(b)] if blocks else []
    if not any(texts):
        texts = [" ".join(line.split()) for line in "\n".join(tree.itertext()).split("\n")]
    lines = [t for t in (fix_text(text) for text in texts) if t and not is_furniture(t)]
    return Extracted(title="", body="\n\n".join(lines), summary=first_sentences(lines))


def _has_block(element: HtmlElement) -> bool:
    return next(element.iterdescendants("p", "li"), None) is not None


def _words(element: HtmlElement) -> str:
    """An element's text, its pieces joined by spaces, as one line."""
    return " ".join(" ".join(element.itertext()).split())


class _PageHead:
    """What the page's <meta>, <link> and <script> elements state, read in one pass over the tree
    (an XPath query for each name read the whole tree each time: a tenth of the page's cost)."""

    def __init__(self, tree: HtmlElement):
        self._properties: dict[str, str | None] = {}  # the first <meta property=...> of each, its content
        self._names: dict[str, str | None] = {}  # the first <meta name=...>
        self.canonical: str | None = None  # the first rel=canonical link's href
        self.json_ld: list[str] = []  # the JSON-LD scripts' text
        canonical_seen = False
        for element in tree.iter("meta", "link", "script"):
            get = element.get
            if element.tag == "meta":
                for key, found in (("property", self._properties), ("name", self._names)):
                    if (value := get(key)) is not None and value not in found:
                        found[value] = get("content")
            elif element.tag == "link":
                if not canonical_seen and "canonical" in (get("rel") or "").split():
                    canonical_seen, self.canonical = True, get("href")
            elif get("type") == "application/ld+json":
                self.json_ld.append(element.text or "")

    def meta(self, *names: str) -> str | None:
        """The content of the first of these names (a property's, else a name's) the page states."""
        for name in names:
            content = self._properties[name] if name in self._properties else self._names.get(name)
            if isinstance(content, str) and content.strip():
                return fix_text(" ".join(content.split()))
        return None


def _html_title(tree: HtmlElement, head: _PageHead, url: str | None) -> str | None:
    title = head.meta("og:title", "twitter:title")
    if title:
        title = _without_site_name(title, tree, head, url)
    if not title and (h1 := next(tree.iter("h1"), None)) is not None:
        title = fix_text(_words(h1))
    if not title and (text := _title_text(tree)):
        title = re.split(r"\s+[|–—-]\s+", text.strip())[0]
    return title or None


def _without_site_name(title: str, tree: HtmlElement, head: _PageHead, url: str | None) -> str:
    """A headline without the site's name that some sites append to it in their metadata too
    ("Man charged after stabbing | Kent Police"), when the page's address or the page elsewhere
    names its site the same way (kent.police.uk; og:site_name, or the end of its <title>)."""
    found = SITE_NAME_AFTER.match(title)
    if not found:
        return title
    site = found.group(2).casefold()
    if url and _names_host(site, urlsplit(url).hostname or ""):
        return found.group(1)
    page_title = _title_text(tree) or ""
    # The <title>'s end is the site's name only when the <title> is not this headline itself.
    ending = SITE_NAME_AFTER.match(page_title) if page_title.strip() != title else None
    if ending and ending.group(2).casefold() == site:
        return found.group(1)
    name = head.meta("og:site_name", "application-name")
    return found.group(1) if name and name.strip().casefold() == site else title


def _names_host(name: str, host: str) -> bool:
    """A site's name its host spells: each of its words a label ("Kent Police", kent.police.uk), or
    all of them run together in one ("The Anti-June Cleaver", theantijunecleaver.com)."""
    words = re.findall(r"[^\W_]+", name)
    labels = host.casefold().split(".")
    return bool(words) and (all(word in labels for word in words) or "".join(words) in labels)


def _title_text(tree: HtmlElement) -> str | None:
    title = next(tree.iter("title"), None)
    return fix_text(title.text) if title is not None and title.text and len(title) == 0 else None


def _headings(tree: HtmlElement) -> set[str]:
    """The page's own headline texts, which trafilatura may repeat as the body's first line."""
    found = {fix_text(_words(h)) for h in islice(tree.iter("h1", "h2"), 3)}
    if text := _title_text(tree):
        found.add(re.split(r"\s+[|–—-]\s+", text.strip())[0])
    return found


def _canonical_link(head: _PageHead, fetched: str | None) -> str | None:
    """The page's rel=canonical, trusted only on the same site as the page it came from."""
    href = head.canonical
    if not isinstance(href, str) or not is_web_url(href):
        return None
    if fetched and site_of(href) != site_of(fetched):
        return None
    return href


def _html_published(tree: HtmlElement, head: _PageHead, lines: list[str]) -> datetime | date | None:
    """The publication time the page states: metadata, JSON-LD, <time>, or the timestamp line."""
    for value in (
        head.meta("article:published_time", "og:article:published_time", "datePublished", "date", "dc.date"),
        *_json_ld_dates(head.json_ld),
    ):
        if value and (stamp := parse_datetime(value) or parse_date(value)):
            return stamp
    article = next(tree.iter("article"), None)
    if article is None:
        article = next(tree.iter("main"), None)
    if article is not None and (stamp := _first_time(article)):
        return stamp
    if (stated := head_date(lines)).published or stated.updated:
        return stated.published or stated.updated
    if (stated := head_date(_head_lines(tree))).published or stated.updated:
        return stated.published or stated.updated
    for text in _TEXTS(tree):
        if _PLATFORM_STAMP.match(text) and (stamp := parse_platform_timestamp(str(text))):
            return stamp
    return _first_time(tree)


def _head_lines(tree: HtmlElement) -> list[str]:
    """The page's lines from its headline (its first <h1>) to its first paragraph of text, as a reader
    sees them: the byline and date line that article extraction leaves out."""
    headline = next(tree.iter("h1"), None)
    if headline is None:
        return []
    lines = [_words(headline)]
    for element in headline.itersiblings():
        for block in element.iter(*_HEAD_BLOCKS):
            if not _has_block(block) and (text := _words(block)):
                lines.append(text)
                if (block.tag == "p" and len(text.split()) >= 8) or len(lines) > HEAD_LINES:
                    return lines
    return lines


_HEAD_BLOCKS = ("p", "div", "span", "time", "address", "small", "li")


def _first_time(scope: HtmlElement) -> datetime | date | None:
    """The first <time> in this part of the page that states a date."""
    for tag in scope.iter("time"):
        value = tag.get("datetime") or " ".join(tag.itertext())
        if isinstance(value, str) and (stamp := parse_datetime(value) or parse_date(value)):
            return stamp
    return None


def _json_ld_dates(scripts: list[str]) -> list[str]:
    dates: list[str] = []
    for script in scripts:
        try:
            data = json.loads(script)
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


class _Query:
    """An XPath expression compiled on first use (lxml is imported only by documents with markup)."""

    def __init__(self, path: str):
        self.path = path
        self.compiled: Any = None

    def __call__(self, tree: HtmlElement, **variables: str) -> list[Any]:
        if self.compiled is None:
            from lxml.etree import XPath

            self.compiled = XPath(self.path)
        found: list[Any] = self.compiled(tree, **variables)
        return found


_TEXTS = _Query("//text()")
_PLATFORM_STAMP = re.compile(r"^\s*\d{1,2}:\d{2}\s+\d{1,2}/\d{1,2}/\d{4}\s*$")
