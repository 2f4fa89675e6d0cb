"""Webpage source: a news listing page, its article links, and the articles.

A listing page that declares its feed (`<link rel="alternate">`, as WordPress sites do) is read
through the feed, each new entry's page fetched for the whole article; when the feed cannot be
read, the page is. Otherwise the links are found by the listing's platform when it has a known
layout (digest/data/platforms.yaml: the police platform, a Mynewsdesk newsroom), else by the
default rule (the national police platform's shape and most news sections): links on the same
site, under the listing's path, at least two levels deeper than the listing or with a year in the
path. `link_selector` (CSS) and `link_pattern` (regex on the absolute URL) override both.
Pagination follows the platform's page parameter, or `next_selector` (default: rel="next" or a
"Next" link), up to `max_pages`. Only links not already stored are fetched. An article answering
404 or 410 is noted as gone (not asked for again for a week) and does not keep the listing from
being remembered; any other failure does, so the article is tried again next run.

A listing with no article links at all fails its source, saying why as well as it can: a bot
protection challenge in its place is "blocked by bot protection"; a known platform's layout (or
the source's own selectors) no longer matching is "layout changed"; else "no article links".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Generator, Iterator
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from digest.bot_protection import interstitial
from digest.config import FeedSource, WebpageSource
from digest.errors import SourceError
from digest.fetch import Fetcher, FetchError, Response
from digest.models import Document, Failed, Gone, NotModified, SourceEvent, Unchanged
from digest.records import BLOCKED, LAYOUT_CHANGED
from digest.sources.base import SeenUrls, validators_of
from digest.sources.platforms import Platform, platform_of
from digest.urls import canonical_url, host_of, is_web_url, site_of

log = logging.getLogger("digest.sources.webpage")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_NOT_ARTICLES = re.compile(r"\.(pdf|jpe?g|png|gif|svg|docx?|xlsx?|pptx?|zip|mp3|mp4|csv|ics)$", re.I)
GONE_STATUSES = (404, 410)
_NEXT_TEXT = re.compile(r"^\s*(next( page)?|older( posts| news)?|more news)?\s*[›»>→]*\s*$", re.I)
Events = Generator[SourceEvent, None, None]


def read_webpage(source: WebpageSource, fetcher: Fetcher, seen: SeenUrls) -> Iterator[SourceEvent]:
    own_rules = bool(source.link_selector or source.link_pattern)
    platform = None if own_rules else platform_of(source.url)
    first = _get(fetcher, source, source.url)
    if first.not_modified:
        yield NotModified(source.name, source.url)
        return
    if source.discover_feed and not own_rules:
        from digest.sources.feed import discover_feed

        feed_url = discover_feed(first.content, first.url)
        if feed_url and (yield from _from_feed(source, feed_url, fetcher, seen)):
            return
    listings, links = yield from _listings(first, source, platform, fetcher)
    clean = yield from _articles(links, source, fetcher, seen)
    if clean:  # a listing is only "seen" once every article on it was fetched or is gone
        for response in listings:
            yield validators_of(source.name, response)


def _get(fetcher: Fetcher, source: WebpageSource, url: str) -> Response:
    try:
        return fetcher.get(url, source=source.name, accept=("html",))
    except FetchError as exc:
        raise SourceError(str(exc), exc.problem) from None


def _from_feed(source: WebpageSource, feed_url: str, fetcher: Fetcher, seen: SeenUrls
               ) -> Generator[SourceEvent, None, bool]:
    """The feed the listing declares, read instead of the page (each new entry's page fetched for
    the whole article); False when it cannot be read, to read the page instead. The page's own
    validators are not remembered: it is asked for in full each time, to find its feed."""
    from digest.sources.feed import read_feed

    events = read_feed(FeedSource(name=source.name, url=feed_url, full_text=True), fetcher, seen)
    try:
        first = next(events, None)
    except SourceError as exc:
        if exc.problem:
            raise
        log.info("%s: the feed its page declares cannot be read (%s); reading the page", source.name, exc)
        return False
    log.info("%s: reading the feed its page declares, %s", source.name, feed_url)
    if first is not None:
        yield first
    yield from events
    return True


def _listings(first: Response, source: WebpageSource, platform: Platform | None, fetcher: Fetcher
              ) -> Generator[SourceEvent, None, tuple[list[Response], list[str]]]:
    """The listing's pages (up to max_pages) and the article links found on them."""
    listings, links = [first], []
    response = first
    while True:
        soup = BeautifulSoup(response.content, "lxml")
        found = article_links(soup, response.url, source, platform)
        if not found and len(listings) == 1:
            raise no_links(response, source, platform)
        links += [link for link in found if link not in links]
        following = _following(soup, response.url, source, platform)
        if len(listings) >= source.max_pages or not following or following in [r.url for r in listings]:
            break
        try:
            response = fetcher.get(following, source=source.name, accept=("html",))
        except FetchError as exc:
            if exc.problem:
                raise SourceError(str(exc), exc.problem) from None
            yield Failed(source.name, following, exc.reason)  # a later page failing keeps what was found
            break
        if response.not_modified:
            break
        listings.append(response)
    return listings, links


def _articles(links: list[str], source: WebpageSource, fetcher: Fetcher, seen: SeenUrls
              ) -> Generator[SourceEvent, None, bool]:
    """Each article not stored yet; True when every one was fetched or is gone."""
    clean = True
    for link in links:
        canonical = canonical_url(link)
        if canonical and (seen.seen(canonical) or seen.gone(canonical)):
            yield Unchanged(source.name, link)
            continue
        try:
            page = fetcher.get(link, source=source.name, accept=("html",), conditional=False)
        except FetchError as exc:
            if exc.problem:  # blocked: nothing more is asked of the site in this run
                raise SourceError(str(exc), exc.problem) from None
            if canonical and exc.status in GONE_STATUSES:
                yield Gone(source.name, link, canonical, exc.status)
                continue
            clean = False
            yield Failed(source.name, link, exc.reason)
            continue
        yield Document(source=source.name, content=page.content, media_type="html", url=page.url)
    return clean


def no_links(response: Response, source: WebpageSource, platform: Platform | None) -> SourceError:
    """Why a listing that loaded has no article links, as well as can be told."""
    provider = interstitial(response.content)
    if provider:
        return SourceError(f"{response.url}: {BLOCKED} ({host_of(response.url)}): the page is a {provider} "
                           "challenge, not the listing", "blocked")
    if platform is not None:
        return SourceError(f"{response.url}: {LAYOUT_CHANGED}: the page loaded, but no link on it has the article "
                           f"shape of {platform.label} (check the page, then set link_selector or link_pattern)",
                           "layout")
    if source.link_selector or source.link_pattern:
        return SourceError(f"{response.url}: {LAYOUT_CHANGED}: the page loaded, but the source's link_selector or "
                           "link_pattern finds no article links on it (check the page and the source)", "layout")
    return SourceError(f"no article links found on {response.url}: the page layout has probably changed "
                       "(check the page, then set link_selector or link_pattern)")


def _following(soup: BeautifulSoup, url: str, source: WebpageSource, platform: Platform | None) -> str | None:
    if platform is not None and not source.next_selector:
        found = platform.next_page(soup, url)
        if found:
            return found
    return next_page(soup, url, source)


def article_links(soup: BeautifulSoup, base: str, source: WebpageSource, platform: Platform | None = None) -> list[str]:
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
            elif source.link_selector:
                keep = True
            else:
                keep = platform.is_article(url, base) if platform else looks_like_article(url, base)
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

