"""HTTP bookkeeping: the validators to send back (ETag, Last-Modified), the articles gone
(404, 410) and the fetch log.

`Lookups` answers the source threads of an ingest from a read-only connection of its own;
`WebCache` is the writing side, used by the ingest's one writer.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

from digest.models import utc_now
from digest.records import FetchRecord
from digest.store.db import Database, iso, now_iso
from digest.urls import redact

GONE_FOR = timedelta(days=7)  # then asked for once more: a page missing for a moment comes back


class WebCache:
    def __init__(self, database: Database):
        self.db = database

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        if etag or last_modified:
            with self.db.transaction():
                self.db.execute(
                    "insert into http_cache (url, etag, last_modified, saved_at) values (?, ?, ?, ?) on conflict (url) "
                    "do update set etag = excluded.etag, last_modified = excluded.last_modified, "
                    "saved_at = excluded.saved_at", [url, etag, last_modified, now_iso()])

    def save_gone(self, url: str, source: str, status: int) -> None:
        with self.db.transaction():
            self.db.execute(
                "insert into gone (url, source, status, gone_at) values (?, ?, ?, ?) on conflict (url) do update set "
                "source = excluded.source, status = excluded.status, gone_at = excluded.gone_at",
                [url, source, status, now_iso()])

    def log_fetches(self, records: list[FetchRecord]) -> None:
        if not records:
            return
        with self.db.transaction():
            for record in records:
                self.db.insert("fetch_log", {"source": record.source, "url": redact(record.url),
                                             "status": record.status, "bytes": record.size,
                                             "duration_ms": record.duration_ms,
                                             "error": record.error and redact(record.error), "at": iso(record.at)})


class Lookups:
    """Read-only look-ups for the threads of an ingest, on one connection they take turns at."""

    def __init__(self, path: Path):
        self._conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=30,
                                     check_same_thread=False)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._conn.close()

    def seen(self, canonical_url: str) -> bool:
        """An article URL already stored, as an item or as an alias."""
        with self._lock:
            return self._conn.execute(
                "select 1 from items where canonical_url = ? union all select 1 from aliases where url = ? limit 1",
                [canonical_url, canonical_url],
            ).fetchone() is not None

    def entry_unchanged(self, source: str, entry: str, sha256: str) -> bool:
        """A feed entry stored before with the same text and hints (its item still there)."""
        with self._lock:
            return self._conn.execute(
                "select 1 from feed_entries join items on items.id = feed_entries.item_id "
                "where feed_entries.source = ? and entry = ? and sha256 = ?", [source, entry, sha256]).fetchone() is not None

    def gone(self, canonical_url: str) -> bool:
        """An article URL that answered 404 or 410 in the last week."""
        now = utc_now()
        with self._lock:
            return self._conn.execute(
                "select 1 from gone where url = ? and gone_at > ? and gone_at <= ?",
                [canonical_url, iso(now - GONE_FOR), iso(now)],
            ).fetchone() is not None

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        """The ETag and Last-Modified stored for a URL, if any."""
        with self._lock:
            row = self._conn.execute("select etag, last_modified from http_cache where url = ?", [url]).fetchone()
        return (row[0], row[1]) if row else None
