"""Source adapters: each yields Documents (and Unchanged/Failed notes) for the pipeline."""

from __future__ import annotations

from typing import Iterator

from digest.config import Config, FolderSource
from digest.errors import SourceError
from digest.models import Document, Failed, Unchanged
from digest.store import Store

SourceEvent = Document | Unchanged | Failed


def read_source(config: Config, source: object, store: Store) -> Iterator[SourceEvent]:
    """Run one configured source; raises SourceError when the source as a whole cannot be read."""
    if isinstance(source, FolderSource):
        from digest.sources.folder import read_folder

        return read_folder(source, store.file_states(source.name), default_max_bytes=config.fetch.max_bytes)
    kind = getattr(source, "kind", "?")
    raise SourceError(f"{kind} sources are not supported by this version yet")
