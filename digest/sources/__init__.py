"""Source adapters: each yields Documents and notes (Unchanged, NotModified, Failed, Validators).

Sources write nothing: the pipeline's one writer stores what they yield. A web source may
ask whether an article URL is already stored (`SeenUrls`), and yields the validators of a
listing or feed to remember once everything it led to was read.
"""

from __future__ import annotations

from collections.abc import Iterator

from digest.config import FeedSource, FolderSource, WebpageSource
from digest.errors import SourceError
from digest.fetch import Fetcher
from digest.models import FileState, SourceEvent
from digest.sources.base import SeenUrls


def read_source(source: FolderSource | FeedSource | WebpageSource, *, fetcher: Fetcher | None, seen: SeenUrls,
                known: dict[str, FileState], default_max_bytes: int) -> Iterator[SourceEvent]:
    """Run one configured source; raises SourceError when the source as a whole cannot be read.

    `known`: a folder source's files as stored, so unchanged ones are skipped cheaply."""
    if isinstance(source, FolderSource):
        from digest.sources.folder import read_folder

        return read_folder(source, known, default_max_bytes=default_max_bytes)
    # Each adapter is imported when used: feedparser and BeautifulSoup are slow imports.
    if fetcher is None:
        raise SourceError("web sources need a fetcher")
    if isinstance(source, FeedSource):
        from digest.sources.feed import read_feed

        return read_feed(source, fetcher, seen)
    from digest.sources.webpage import read_webpage

    return read_webpage(source, fetcher, seen)
