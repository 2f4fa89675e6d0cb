"""Webpage source: a news listing page, its article links, and the articles.

Default link rule (fits the national police platform and most news sections): links on
the same site, under the listing's path, at least two levels deeper than the listing or
with a year in the path. `link_selector` (CSS) and `link_pattern` (regex on the absolute
URL) override it. Pagination follows `next_selector` (default: rel="next" or a "Next"
link) up to `max_pages`. Only links not already stored are fetched. An article answering 404
or 410 is noted as gone (not asked for again for a week) and does not keep the listing from
being remembered; any other failure does, so the article is tried again next run. A listing
with no article links at all is reported as a broken source: its layout has probably changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from digest.config import WebpageSource
from digest.errors import SourceError
from digest.fetch import Fetcher, FetchError, Response
from digest.models import Document, Failed, Gone, NotModified, SourceEvent, Unchanged
from digest.sources.base import SeenUrls, validators_of
from digest.urls import canonical_url, is_web_url, site_of

_YEAR = re.compile(r"^(19|20)\d{2}$")
_NOT_ARTICLES = re.compile(r"\.(pdf|jpe?g|png|gif|svg|docx?|xlsx?|pptx?|zip|mp3|mp4|csv|ics)$", re.I)
GONE_STATUSES = (404, 410)
_NEXT_TEXT = re.compile(r"^\s*(next( page)?|older( posts| news)?|more news)?\s*[›»>→]*\s*$", re.I)


def read_webpage(source: WebpageSource, fetcher: Fetcher, seen: SeenUrls) -> Iterator[SourceEvent]:
    links: list[str] = []
    listings: list[Response] = []
    page_url: str | None = source.url
    while page_url and len(listings) < source.max_pages:
        try:
            response = fetcher.get(page_url, source=source.name, accept=("html",))
        except FetchError as exc:
            if not listings:
                raise SourceError(str(exc)) from None
            yield Failed(source.name, page_url, exc.reason)  # a later page failing keeps what was found
            break
        if response.not_modified:
            if not listings:
                yield NotModified(source.name, page_url)
                return
            break
        listings.append(response)
        soup = BeautifulSoup(response.content, "lxml")
        found = article_links(soup, response.url, source)
        if not found and len(listings) == 1:
            raise SourceError(
                f"no article links found on {response.url}: the page layout has probably changed "
                "(check the page, then set link_selector or link_pattern)"
            )
        links += [link for link in found if link not in links]
        following = next_page(soup, response.url, source)
        page_url = following if following and following not in [r.url for r in listings] else None

    clean = True
    for link in links:
        canonical = canonical_url(link)
        if canonical and (seen.seen(canonical) or seen.gone(canonical)):
            yield Unchanged(source.name, link)
            continue
        try:
            page = fetcher.get(link, source=source.name, accept=("html",), conditional=False)
        except FetchError as exc:
            if canonical and exc.status in GONE_STATUSES:
                yield Gone(source.name, link, canonical, exc.status)
                continue
            clean = False
            yield Failed(source.name, link, exc.reason)
            continue
        yield Document(source=source.name, content=page.content, media_type="html", url=page.url)
    if clean:  # a listing is only "seen" once every article on it was fetched or is gone
        for response in listings:
            yield validators_of(source.name, response)


def article_links(soup: BeautifulSoup, base: str, source: WebpageSource) -> list[str]:
    if source.link_selector:
        anchors = []
        for element in soup.select(source.link_selector):
            anchors += [element] if element.name == "a" else element.find_all("a", href=True)
    else:
        anchors = soup.find_all("a", href=True)
    pattern = re.compile(source.link_pattern) if source.link_pattern else None
    links: list[str] = []
    for anchor in anchors:
        href = anchor.get("href")
        if not isinstance(href, str) or not href.strip():
            continue
        try:
            url = urldefrag(urljoin(base, href.strip()))[0]
            if not is_web_url(url) or url in links:
                continue
            if pattern is not None:
                keep = bool(pattern.search(url))
            else:
                keep = bool(source.link_selector) or looks_like_article(url, base)
            if keep and not _NOT_ARTICLES.search(urlsplit(url).path):
                links.append(url)
        except ValueError:  # a malformed href ("http://[2001:db8::1/..."): skip that link only
            continue
    return links


def looks_like_article(url: str, listing: str) -> bool:
    """Same site, under the listing's path, and deep enough (or dated) to be an article."""
    link, page = urlsplit(url), urlsplit(listing)
    if site_of(url) != site_of(listing) or link.query:
        return False
    prefix = page.path if page.path.endswith("/") else page.path.rsplit("/", 1)[0] + "/"
    if not link.path.startswith(prefix) or link.path.rstrip("/") == page.path.rstrip("/"):
        return False
    extra = [part for part in link.path[len(prefix):].split("/") if part]
    return len(extra) >= 2 or any(_YEAR.match(part) for part in extra[:-1])


def next_page(soup: BeautifulSoup, base: str, source: WebpageSource) -> str | None:
    if source.next_selector:
        element = soup.select_one(source.next_selector)
        href = element.get("href") if element else None
    else:
        element = soup.find(["a", "link"], rel=lambda rel: rel and "next" in [r.lower() for r in rel], href=True)
        if element is None:
            element = next((a for a in soup.find_all("a", href=True) if _NEXT_TEXT.match(a.get_text(" ")) and a.get_text(strip=True)), None)
        href = element.get("href") if element else None
    return urldefrag(urljoin(base, href))[0] if isinstance(href, str) and href.strip() else None

