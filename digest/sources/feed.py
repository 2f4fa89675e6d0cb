"""Feed source: RSS, Atom or RDF through feedparser, fetched by our own polite client.

An HTML page given as a feed URL is searched for `<link rel="alternate">` feeds.
With `full_text: true` each new entry's page is fetched for the whole article; if
that page cannot be had, the entry's own content is used and the problem logged.
"""

from __future__ import annotations

import calendar
import dataclasses
import email.utils
import hashlib
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from digest.config import FeedSource
from digest.errors import SourceError
from digest.fetch import MEDIA_KINDS, Fetcher, FetchError, Response
from digest.models import Document, Failed, NotModified, SourceEvent, Unchanged
from digest.sources.base import SeenUrls, validators_of
from digest.urls import canonical_url, is_web_url

log = logging.getLogger("digest.sources.feed")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")


def read_feed(source: FeedSource, fetcher: Fetcher, seen: SeenUrls) -> Iterator[SourceEvent]:
    response = _get(fetcher, source, source.url)
    if response.not_modified:
        yield NotModified(source.name, source.url)
        return
    if _is_html(response):
        feed_url = discover_feed(response.content, response.url)
        if not feed_url:
            raise SourceError(f"{response.url} is an HTML page with no feed link (<link rel=\"alternate\">)")
        log.info("%s: %s is a web page; using its feed %s", source.name, response.url, feed_url)
        response = _get(fetcher, source, feed_url)
        if response.not_modified:
            yield NotModified(source.name, feed_url)
            return
    parsed = parse_feed(response)
    clean = not parsed.bozo
    if parsed.bozo:  # feedparser salvaged entries from a broken feed: use them, and report the feed
        yield Failed(source.name, response.url, f"malformed feed ({parsed.get('bozo_exception')}); "
                                                f"read the {len(parsed.entries)} entries that could be recovered")
    for index, entry in enumerate(parsed.entries, start=1):
        for event in _entry_events(entry, f"{response.url} entry {index}", source, fetcher, seen):
            clean = clean and not isinstance(event, Failed)
            yield event
    if clean:  # remember the feed's validators only once every entry was read
        yield validators_of(source.name, response)


def parse_feed(response: Response) -> Any:
    """feedparser on the bytes and the full response headers; a feed with no usable entries is an error."""
    import feedparser  # here, and BeautifulSoup and text repair where used: a run whose feeds all answer 304 needs none

    from digest.text import without_surrogate_references

    headers = {key.lower(): value for key, value in response.headers.items()}
    headers.setdefault("content-location", response.url)
    content = without_surrogate_references(response.content)
    careful = _may_hide_text(content)
    parsed = feedparser.parse(content, response_headers=headers, sanitize_html=careful, resolve_relative_uris=careful)
    if parsed.bozo and not parsed.entries:
        raise SourceError(f"malformed feed at {response.url}: {parsed.get('bozo_exception', 'not a feed')}")
    if not parsed.get("version") and not parsed.entries:
        raise SourceError(f"{response.url} is not an RSS, Atom or RDF feed")
    return parsed


# feedparser cleans each entry's HTML (its sanitizer, then the URLs inside it made absolute) with a
# pure-Python SGML parser, twice over: most of the cost of reading a feed, and of no use here, where
# the text is taken out of that HTML with lxml and no link inside it is used. Only when the HTML holds
# an element the sanitizer takes out (script, iframe, blink...) would lxml's text differ, so such a
# feed is cleaned as before; so is one whose HTML is not all in CDATA sections or escaped (XHTML
# content, HTML written into the feed as elements, base64), and one that is not ASCII-compatible
# (UTF-16, EBCDIC), whose bytes cannot be searched for tags.
_CDATA = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_TAG = re.compile(rb"</?([^\s/>]*)")
_ESCAPED_TAG = re.compile(rb"&(?:lt|#0*60|#x0*3c);/?([^\s/>&;]*)", re.IGNORECASE)
_FEED_ELEMENTS = frozenset({"rss", "channel", "item", "title", "link", "description", "language", "copyright",
    "managingeditor", "webmaster", "pubdate", "lastbuilddate", "category", "generator", "docs", "cloud", "ttl",
    "image", "url", "width", "height", "rating", "textinput", "name", "skiphours", "hour", "skipdays", "day",
    "author", "comments", "enclosure", "guid", "source", "rdf", "feed", "entry", "id", "updated", "published",
    "summary", "content", "contributor", "email", "uri", "icon", "logo", "rights", "subtitle", "tagline", "issued",
    "modified", "created", "info", "post-id"})


def _may_hide_text(content: bytes) -> bool:
    """Whether feedparser's cleaning may change the text of this feed's entries."""
    from feedparser.sanitizer import _HTMLSanitizer

    head = content[:512]
    if b"\x00" in head or head.lstrip(b" \t\r\n\xef\xbb\xbf")[:1] != b"<" or b"/1999/xhtml" in content \
            or b"base64" in content:
        return True
    sections = _CDATA.findall(content)
    html = {*_TAG.findall(b" ".join(sections)), *_ESCAPED_TAG.findall(content)}
    feed = set(_TAG.findall(_CDATA.sub(b"", content) if sections else content))
    return (any(name.decode("latin-1").lower() not in _HTMLSanitizer.acceptable_elements for name in html)
            or not all(_feed_element(name) for name in feed))


def _feed_element(name: bytes) -> bool:
    """A tag of the feed's own (declarations, comments and namespaced elements included)."""
    return name[:1] in (b"!", b"?") or b":" in name or name.decode("latin-1").lower() in _FEED_ELEMENTS


def discover_feed(html: bytes, base: str) -> str | None:
    """The feed a page declares (`<link rel="alternate">`): of several, not a comments feed, and the
    one under the page's own path (a category's feed) before the site's."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    feeds = []
    for link in soup.find_all("link", href=True):
        rel = [r.lower() for r in link.get_attribute_list("rel") if r]
        kind = str(link.get("type") or "").lower()
        href = link.get("href")
        if "alternate" in rel and kind in FEED_TYPES and isinstance(href, str) and href.strip():
            try:
                url = urljoin(base, href.strip())
            except ValueError:
                continue
            comments = "comments" in str(link.get("title") or "").lower() or "/comments/" in urlsplit(url).path
            feeds.append((comments, url))
    if not feeds:
        return None
    page = urlsplit(base).path.rstrip("/")
    ranked = sorted(feeds, key=lambda f: (f[0], not (page and urlsplit(f[1]).path.startswith(page + "/"))))
    return ranked[0][1]


def _get(fetcher: Fetcher, source: FeedSource, url: str) -> Response:
    try:
        return fetcher.get(url, source=source.name, accept=("feed", "html"))
    except FetchError as exc:
        raise SourceError(str(exc), exc.problem) from None


def _is_html(response: Response) -> bool:
    if response.media_type in MEDIA_KINDS["html"]:
        return True
    return not response.media_type and response.content.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html"))


def _entry_events(entry: Any, position: str, source: FeedSource, fetcher: Fetcher, seen: SeenUrls
                  ) -> Iterator[Document | Unchanged | Failed]:
    given = str(entry.get("link") or "").strip()
    link = given if is_web_url(given) else None
    where = link or position
    try:
        document = entry_document(entry, source.name, link)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        yield Failed(source.name, where, f"unreadable feed entry ({exc})")
        return
    canonical = canonical_url(link)
    if not source.full_text or not link:
        entry, digest = link or document.guid or where, entry_hash(document)  # as the writer records it
        if seen.entry_unchanged(source.name, entry, digest):
            yield Unchanged(source.name, where)  # the same text as stored: not extracted or judged again
        else:
            yield dataclasses.replace(document, entry_sha256=digest)
        return
    if canonical and seen.seen(canonical):
        yield Unchanged(source.name, link)
        return
    try:
        page = fetcher.get(link, source=source.name, accept=("html",), conditional=False)
    except FetchError as exc:
        log.warning("%s: %s: full text not available (%s); using the feed's own text", source.name, link, exc.reason)
        yield document
        return
    yield Document(
        source=source.name, content=page.content, media_type="html", url=page.url,
        title_hint=document.title_hint, published_hint=document.published_hint,
        summary_hint=document.summary_hint, guid=document.guid, fallback=document,
    )


def entry_hash(document: Document) -> str:
    """A hash of what a feed entry says: its text and the title, date and summary it gives."""
    hints = [document.title_hint or "", document.published_hint.isoformat() if document.published_hint else "",
             document.summary_hint or ""]
    return hashlib.sha256("\x1f".join(hints).encode("utf-8") + b"\x1f" + document.content).hexdigest()


def entry_document(entry: Any, source: str, link: str | None) -> Document:
    contents = entry.get("content") or []
    html = contents[0].get("value") if contents else None
    summary_html = entry.get("summary") or ""
    title = _text(entry.get("title") or "")
    body = html or summary_html or ""
    if not body.strip():
        if not title:
            raise ValueError("entry has neither title nor text")
        body = f"<p>{_escape(title)}</p>"
    published = _entry_date(entry)
    guid = entry.get("id") or hashlib.sha1(f"{title or body}|{published}".encode()).hexdigest()  # untitled: by text
    return Document(
        source=source, content=body.encode("utf-8"), media_type="fragment", guid=str(guid),
        url=link, title_hint=title or None, published_hint=published,
        summary_hint=_text(summary_html).removesuffix("[…]").removesuffix("[...]").strip() or None,
    )


def _entry_date(entry: Any) -> datetime | None:
    """The entry's date with its own offset where the feed gives one (so the local date is right)."""
    for key in ("published", "updated"):
        raw = entry.get(key)
        if isinstance(raw, str):
            stamp: datetime | None
            try:
                stamp = email.utils.parsedate_to_datetime(raw)
            except (TypeError, ValueError, IndexError):
                from digest.dates import parse_datetime

                stamp = parse_datetime(raw)
            if stamp is not None and stamp.tzinfo is not None:
                return stamp
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return None


def _text(html: str) -> str:
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    from bs4 import BeautifulSoup

    return " ".join(BeautifulSoup(html, "lxml").get_text(" ").split())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
