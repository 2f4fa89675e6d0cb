"""What the server's searches keep while the database is unchanged (digest.store.search)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class ResultsCache:
    """Results kept while the database is unchanged, shared by the server's threads: a broad search asked
    again, paged or polled as a feed costs one look-up until the next ingest. A thread whose connection
    sees a commit (pragma data_version) starts a new generation and empties the cache; what a search
    computes is kept only if no new generation began meanwhile (it began reading after that generation did)."""

    def __init__(self, size: int = 256):
        self.size = size
        self.generation = 0
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def changed(self) -> None:
        with self._lock:
            self.generation += 1
            self._entries.clear()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, generation: int, value: Any) -> None:
        with self._lock:
            if generation != self.generation or not self.size:
                return
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
