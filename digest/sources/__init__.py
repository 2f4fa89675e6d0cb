"""Source adapters: each yields Documents (and Unchanged/NotModified/Failed notes) for the pipeline."""

from __future__ import annotations

from typing import Iterator

from digest.config import Config, FeedSource, FolderSource, WebpageSource
from digest.errors import SourceError
from digest.fetch import Fetcher
from digest.models import Document, Failed, NotModified, Unchanged
from digest.store import FileState, Store

SourceEvent = Document | Unchanged | NotModified | Failed


def read_source(config: Config, source: object, store: Store, fetcher: Fetcher | None,
                known: dict[str, FileState] | None = None) -> Iterator[SourceEvent]:
    """Run one configured source; raises SourceError when the source as a whole cannot be read."""
    if isinstance(source, FolderSource):
        from digest.sources.folder import read_folder

        states = known if known is not None else store.file_states(source.name)
        return read_folder(source, states, default_max_bytes=config.fetch.max_bytes)
    if fetcher is None:
        raise SourceError("web sources need a fetcher")
    if isinstance(source, FeedSource):
        from digest.sources.feed import read_feed

        return read_feed(source, fetcher, store)
    if isinstance(source, WebpageSource):
        from digest.sources.webpage import read_webpage

        return read_webpage(source, fetcher, store)
    raise SourceError(f"unknown source kind {getattr(source, 'kind', '?')!r}")
