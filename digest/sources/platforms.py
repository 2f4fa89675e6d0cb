"""The known listing layouts of publishers' platforms (digest/data/platforms.yaml): which listing
URLs follow one, which of its links are articles, and which is its next page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from digest.areas import load_data
from digest.urls import site_of


@dataclass(frozen=True)
class Platform:
    name: str
    label: str
    listing: re.Pattern[str]
    articles: re.Pattern[str]
    next: str  # the query parameter that pages the listing

    def is_article(self, url: str, listing: str) -> bool:
        """A link to one of the platform's articles on the listing's own site."""
        parts = urlsplit(url)
        return site_of(url) == site_of(listing) and not parts.query and bool(self.articles.match(parts.path))

    def next_page(self, soup: BeautifulSoup, url: str) -> str | None:
        """The link to this listing's path whose `next` parameter goes on from this page's: one
        more for a page number, another value for a cursor."""
        here = urlsplit(url)
        current = _param(here.query, self.next)
        for anchor in soup.find_all("a", href=True):
            href = anchor.get("href")
            if not isinstance(href, str):
                continue
            try:
                candidate = urldefrag(urljoin(url, href.strip()))[0]
            except ValueError:
                continue
            parts = urlsplit(candidate)
            value = _param(parts.query, self.next)
            if parts.path != here.path or site_of(candidate) != site_of(url) or value is None or value == current:
                continue
            if value.isdigit() and int(value) != int(current if current and current.isdigit() else 1) + 1:
                continue  # a numbered page other than the next one (the last, or an earlier one)
            return candidate
        return None


def _param(query: str, name: str) -> str | None:
    values = parse_qs(query).get(name)
    return values[0] if values else None


@lru_cache(maxsize=1)
def platforms() -> tuple[Platform, ...]:
    return tuple(Platform(entry["name"], entry["label"], re.compile(entry["listing"]), re.compile(entry["articles"]),
                          entry["next"]) for entry in load_data("platforms.yaml"))


def platform_of(listing: str) -> Platform | None:
    """The platform whose listing layout this URL has, if any."""
    path = urlsplit(listing).path
    return next((p for p in platforms() if p.listing.match(path)), None)
