"""The only module that writes SQL: one SQLite file through sqlite-utils.

Schema changes are ordered migrations; each document is written in one
transaction; every time is stored as an ISO 8601 UTC string.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, Iterator

from sqlite_utils import Database

from digest.migrations import save_signature_rows, migrations

from digest.errors import DigestError
from digest.models import Classification, Extracted, utc_now

@dataclass
class FileState:
    size: int
    mtime_ns: int
    sha256: str
    item_id: int | None
    is_alias: bool


class Store:
    def __init__(self, path: Path, read_only: bool = False):
        """Open (creating and migrating) the database; read_only opens an existing one as it is."""
        self.path = Path(path)
        self._gate = _WriteGate.for_path(self.path)
        self._batch: _Batch | None = None
        self._savepoints = 0  # depth of nested transactions
        if read_only:
            try:
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
                conn.execute("select 1 from sqlite_master limit 1")
            except sqlite3.DatabaseError as exc:
                raise DigestError(f"{self.path}: cannot open database ({exc})") from None
            self.db = Database(conn)
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self.db = Database(conn)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA cache_size=-65536")  # 64 MiB: the LSH band index is read and written at random
            self.db.execute("PRAGMA wal_autocheckpoint=10000")  # pages; index pages rewritten often are copied back once
            # Each document's savepoint journals the pages it changes (about 50 of them): kept in
            # memory, not spilled to a temporary file with a system call per page.
            self.db.execute("PRAGMA temp_store=MEMORY")
            self.db.execute("PRAGMA foreign_keys=ON")
            migrations.apply(self.db)
        except (OSError, sqlite3.DatabaseError) as exc:
            raise DigestError(f"{self.path}: cannot open database ({exc})") from None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all; nested blocks use savepoints.

        BEGIN IMMEDIATE takes the write lock up front, so connections in other threads
        wait for it (busy timeout) instead of failing to upgrade a read to a write.
        Inside `batch()`, each transaction is a savepoint of the batch's transaction.
        """
        batch = self._batch
        if batch is not None:
            batch.begin()
            batch.depth += 1
            try:
                with self._savepoint():
                    yield
            finally:
                batch.depth -= 1
            if batch.depth == 0:
                batch.done_one()
            return
        if self.db.conn.in_transaction:
            with self._savepoint():
                yield
            return
        with self._gate.turn():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.conn.rollback()
                raise
            self.db.execute("COMMIT")

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        """A nested transaction, as sqlite_utils' atomic() makes one, but named by its depth:
        atomic() draws a random name for each, which costs more than the savepoint (twice a document)."""
        self._savepoints += 1
        name = f"nested_{self._savepoints}"
        conn = self.db.conn
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:  # an error may have rolled back the whole transaction already
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            conn.execute(f"RELEASE SAVEPOINT {name}")
        finally:
            self._savepoints -= 1

    @contextmanager
    def batch(self, max_writes: int = 1000, max_seconds: float = 1.0) -> Iterator[None]:
        """Commit the transactions inside together, every `max_writes` or `max_seconds`.

        Each transaction stays atomic (a savepoint): one that fails is undone alone. A crash
        loses at most the last uncommitted batch, whose files are then read again on the next
        run. Another thread of this process waiting to write gets its turn at the next commit.
        """
        self._batch = _Batch(self, max_writes, max_seconds)
        try:
            yield
        finally:
            batch, self._batch = self._batch, None
            batch.commit()

    # --- folder bookkeeping ------------------------------------------------------------

    def file_states(self, source: str) -> dict[str, FileState]:
        rows = self.db.execute(
            "select path, size, mtime_ns, sha256, item_id, is_alias from files where source = ?", [source]
        ).fetchall()
        return {r[0]: FileState(r[1], r[2], r[3], r[4], bool(r[5])) for r in rows}

    def touch_file(self, source: str, path: str, size: int, mtime_ns: int, sha256: str) -> None:
        with self.transaction():
            self.db.execute(
                "update files set size = ?, mtime_ns = ?, sha256 = ?, missing_since = null where source = ? and path = ?",
                [size, mtime_ns, sha256, source, path],
            )

    def record_file(self, source: str, path: str, size: int, mtime_ns: int, sha256: str,
                    item_id: int | None, is_alias: bool) -> None:
        self.db.execute(
            "insert into files (source, path, size, mtime_ns, sha256, item_id, is_alias, seen_at, missing_since) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, null) on conflict (source, path) do update set size = excluded.size, "
            "mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256, item_id = excluded.item_id, "
            "is_alias = excluded.is_alias, seen_at = excluded.seen_at, missing_since = null",
            [source, path, size, mtime_ns, sha256, item_id, int(is_alias), _now()],
        )

    def mark_missing(self, source: str, present: set[str]) -> int:
        """Files no longer in the folder: their items are kept, the file rows remember when they went."""
        gone = [p for p in self.file_states(source) if p not in present]
        with self.transaction():
            for path in gone:
                self.db.execute(
                    "update files set missing_since = coalesce(missing_since, ?) where source = ? and path = ?",
                    [_now(), source, path],
                )
        return len(gone)

    # --- items ---------------------------------------------------------------------------

    def find_item(self, *, key: str | None = None, canonical_url: str | None = None,
                  fingerprint: str | None = None) -> dict[str, Any] | None:
        for column, value in (("key", key), ("canonical_url", canonical_url), ("fingerprint", fingerprint)):
            if value:
                row = self.db.execute(
                    f"select id, key, fingerprint from items where {column} = ? order by id limit 1", [value]
                ).fetchone()
                if row:
                    return {"id": row[0], "key": row[1], "fingerprint": row[2]}
        return None

    def save_item(self, *, item_id: int | None, key: str, source: str, path: str | None,
                  extracted: Extracted, canonical: str | None, fingerprint: str,
                  classification: Classification, cluster: int | None = None) -> int:
        """Insert or update one item with its topics and figures, in one transaction.

        `cluster`: the cluster of the item it retells; None puts it in a cluster of its own."""
        now = _now()
        row = {
            "key": key, "source": source, "url": extracted.url, "canonical_url": canonical, "path": path,
            "title": extracted.title, "body": extracted.body, "summary": extracted.summary,
            "published": extracted.published.isoformat() if extracted.published else None,
            "published_time": _iso(extracted.published_time) if extracted.published_time else None,
            "updated_at": now, "fingerprint": fingerprint,
            "area": classification.area, "mentioned_areas": json_strings(classification.mentioned_areas),
            "org": classification.org, "org_kind": classification.org_kind,
            "relevance": round(classification.relevance, 4), "relevant": int(classification.relevant),
            "why_not": classification.why_not,
        }
        with self.transaction():
            if item_id is None:
                # The id is chosen here (as SQLite would: one past the largest), so the row is
                # written once, with its cluster; the write lock is held, so no one else inserts.
                item_id = self.db.execute("select coalesce(max(id), 0) + 1 from items").fetchone()[0]
                self._insert("items", {"id": item_id, **row, "first_seen": now, "cluster": cluster or item_id})
                self._index_text(item_id)
            else:
                self._indexed_before_update(item_id)
                assignments = ", ".join(f"{column} = ?" for column in row)
                self.db.execute(f"update items set {assignments}, cluster = ? where id = ?",
                                [*row.values(), cluster or item_id, item_id])
                self.db.execute("delete from item_topics where item_id = ?", [item_id])
                self.db.execute("delete from figures where item_id = ?", [item_id])
            self.db.conn.executemany(
                "insert into item_topics (item_id, topic, rank, score, terms) values (?, ?, ?, ?, ?)",
                [(item_id, t.topic, rank, t.score, json_strings(t.terms)) for rank, t in enumerate(classification.topics)],
            )
            self.db.conn.executemany(
                "insert into figures (item_id, kind, value, text) values (?, ?, ?, ?)",
                [(item_id, f.kind, f.value, f.text) for f in classification.figures],
            )
        return item_id

    # Full-text rows of new items are written by the store, not by a trigger: inside a batch,
    # together when it commits. FTS5 writes its pending terms out at every savepoint, so
    # indexing each document inside its own savepoint made a tiny index segment per
    # document (and merging them cost more than the indexing).

    def _index_text(self, item_id: int) -> None:
        if self._batch is not None:
            self._batch.unindexed.add(item_id)
        else:
            self._index_items([item_id])

    def _index_items(self, item_ids: list[int]) -> None:
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start:start + 500]
            self.db.execute(f"insert into items_fts (rowid, title, body) select id, title, body from items "
                            f"where id in ({','.join('?' * len(chunk))})", chunk)

    def _indexed_before_update(self, item_id: int) -> None:
        """The update trigger takes the old text out of the index: it must be in it."""
        if self._batch is not None and item_id in self._batch.unindexed:
            self._batch.unindexed.discard(item_id)
            self._index_items([item_id])

    def item_unchanged(self, item_id: int, extracted: Extracted, fingerprint: str) -> bool:
        """The stored item already says exactly this (same text, title, date, URL and summary)."""
        row = self.db.execute(
            "select fingerprint, title, published, url, summary from items where id = ?", [item_id]
        ).fetchone()
        published = extracted.published.isoformat() if extracted.published else None
        return row is not None and tuple(row) == (fingerprint, extracted.title, published, extracted.url, extracted.summary)

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row (plain SQL: this is the hot path of an ingest); returns its rowid."""
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        return int(self.db.execute(f"insert into {table} ({columns}) values ({marks})", list(row.values())).lastrowid)

    def save_signature(self, item_id: int, sig: Any) -> None:
        save_signature_rows(self.db, item_id, sig)

    def near_duplicate_candidates(self, bands: list[int], exclude: int, limit: int,
                                  per_band: int = 50) -> list[tuple[int, int, bytes, str]]:
        """(item id, cluster, signature, fingerprint) of the items sharing most LSH bands with these.

        One indexed lookup per band, each capped at the `per_band` most recent items, so a
        band that boilerplate makes common cannot make the lookup grow with the store.
        """
        return [tuple(row) for row in self.db.conn.execute(_candidates_sql(len(bands)), [*bands, exclude, per_band, limit])]

    def item_body(self, item_id: int) -> str:
        row = self.db.execute("select body from items where id = ?", [item_id]).fetchone()
        return row[0] if row else ""

    def clusters_seen_before(self, clusters: set[int], before: datetime) -> dict[int, datetime]:
        """For each of these clusters with a relevant item found before `before`: when it was first found."""
        if not clusters:
            return {}
        marks = ",".join("?" * len(clusters))
        rows = self.db.execute(
            f"select cluster, min(first_seen) from items where relevant = 1 and cluster in ({marks}) "
            f"and first_seen < ? group by cluster",
            [*clusters, _iso(before)],
        ).fetchall()
        return {cluster: datetime.fromisoformat(first) for cluster, first in rows}

    def add_alias(self, item_id: int, source: str, url: str | None, path: str | None) -> None:
        exists = self.db.execute(
            "select 1 from aliases where item_id = ? and source = ? and url is ? and path is ?",
            [item_id, source, url, path],
        ).fetchone()
        if not exists:
            self._insert("aliases", {"item_id": item_id, "source": source, "url": url, "path": path, "added_at": _now()})

    def remove_alias(self, item_id: int, source: str, path: str) -> None:
        self.db.execute("delete from aliases where item_id = ? and source = ? and path = ?", [item_id, source, path])

    def items(self, *, relevant_only: bool = False, since: datetime | None = None,
              until: datetime | None = None, limit: int | None = None, newest_first: bool = False,
              topic: str | None = None, area: str | None = None) -> Iterator[dict[str, Any]]:
        """Items with their topics, reasons, figures and aliases, as plain dicts (loaded in batches)."""
        where, params = ["1 = 1"], []
        if relevant_only:
            where.append("relevant = 1")
        if since:
            where.append("first_seen >= ?")
            params.append(_iso(since))
        if until:
            where.append("first_seen < ?")
            params.append(_iso(until))
        if topic:
            where.append("id in (select item_id from item_topics where topic = ?)")
            params.append(topic)
        if area:
            where.append("area = ?")
            params.append(area)
        order = "first_seen desc, id desc" if newest_first else "id"
        sql = f"select * from items where {' and '.join(where)} order by {order}"
        if limit:
            sql += f" limit {int(limit)}"
        batch: list[dict[str, Any]] = []
        for row in self.db.query(sql, params):
            batch.append(row)
            if len(batch) == 500:
                yield from self._complete(batch)
                batch = []
        yield from self._complete(batch)

    def _complete(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Add topics, reasons, figures and aliases to a batch of item rows, four queries in all."""
        if not rows:
            return rows
        ids = [row["id"] for row in rows]
        marks = ",".join("?" * len(ids))
        topics: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        for t in self.db.query(f"select item_id, topic, terms from item_topics where item_id in ({marks}) "
                               f"order by item_id, rank", ids):
            topics[t["item_id"]].append(t)
        figures: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        for f in self.db.query(f"select item_id, kind, value, text from figures where item_id in ({marks}) order by id", ids):
            figures[f["item_id"]].append({"kind": f["kind"], "value": f["value"], "text": f["text"]})
        aliases: dict[int, list[str]] = {i: [] for i in ids}
        for a in self.db.query(f"select item_id, url, path from aliases where item_id in ({marks}) order by id", ids):
            aliases[a["item_id"]].append(a["url"] or a["path"])
        for row in rows:
            item_id = row["id"]
            row["mentioned_areas"] = json.loads(row["mentioned_areas"] or "[]")
            row["topics"] = [t["topic"] for t in topics[item_id]]
            row["reasons"] = [{"topic": t["topic"], "terms": json.loads(t["terms"])} for t in topics[item_id]]
            row["figures"] = figures[item_id]
            row["aliases"] = aliases[item_id]
        return rows

    def first_seen(self) -> datetime | None:
        row = self.db.execute("select min(first_seen) from items").fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def relevant_areas(self) -> list[str]:
        rows = self.db.execute("select distinct area from items where relevant = 1 and area is not null and area != ''")
        return sorted(row[0] for row in rows)

    def count_items(self) -> dict[str, int]:
        total, relevant = self.db.execute("select count(*), coalesce(sum(relevant), 0) from items").fetchone()
        return {"items": total, "relevant": relevant, "aliases": self.db["aliases"].count}

    def known_url(self, canonical: str) -> bool:
        """An article URL already stored, as an item or as an alias."""
        return self.db.execute(
            "select 1 from items where canonical_url = ? union all select 1 from aliases where url = ? limit 1",
            [canonical, canonical],
        ).fetchone() is not None

    # --- HTTP bookkeeping ------------------------------------------------------------------

    def http_validators(self, url: str) -> tuple[str | None, str | None] | None:
        row = self.db.execute("select etag, last_modified from http_cache where url = ?", [url]).fetchone()
        return (row[0], row[1]) if row else None

    def save_http_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        if etag or last_modified:
            with self.transaction():
                self.db["http_cache"].upsert(
                    {"url": url, "etag": etag, "last_modified": last_modified, "saved_at": _now()}, pk="url"
                )

    def log_fetch(self, source: str, url: str, status: int | None, size: int, duration_ms: int,
                  error: str | None) -> None:
        with self.transaction():
            self._insert("fetch_log", {"source": source, "url": url, "status": status, "bytes": size,
                                       "duration_ms": duration_ms, "error": error, "at": _now()})

    # --- sources, runs and editions --------------------------------------------------------

    def record_run(self, source: str, kind: str, started: datetime, counts: dict[str, int],
                   error: str | None) -> None:
        finished = _now()
        ok = error is None
        with self.transaction():
            self.db["runs"].insert({"source": source, "started": _iso(started), "finished": finished,
                                    "error": error, **counts})
            previous = self.db["sources"].get(source) if self._has_source(source) else {}
            failures = 0 if ok else int(previous.get("consecutive_failures") or 0) + 1
            self.db["sources"].upsert(
                {"name": source, "kind": kind, "last_attempt": finished,
                 "last_success": finished if ok else previous.get("last_success"),
                 "consecutive_failures": failures, "last_error": error,
                 "last_count": sum(counts.values())},
                pk="name",
            )

    def _has_source(self, name: str) -> bool:
        return self.db.execute("select 1 from sources where name = ?", [name]).fetchone() is not None

    def sources(self) -> list[dict[str, Any]]:
        return list(self.db.query("select * from sources order by name"))

    def runs_between(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        return list(self.db.query(
            "select * from runs where started >= ? and started < ? order by id", [_iso(since), _iso(until)]
        ))

    def last_run(self) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from runs order by id desc limit 1"))
        return rows[0] if rows else None

    def record_edition(self, week: str, start: str, end: str, item_count: int) -> None:
        with self.transaction():
            self.db["editions"].upsert(
                {"week": week, "start": start, "end": end, "built_at": _now(), "item_count": item_count}, pk="week"
            )

    # --- the delivery ledger -----------------------------------------------------------------

    def delivery(self, week: str, recipient: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from deliveries where week = ? and recipient = ?", [week, recipient]))
        return rows[0] if rows else None

    def delivered_items(self, recipient: str, item_ids: list[int]) -> set[int]:
        if not item_ids:
            return set()
        marks = ",".join("?" * len(item_ids))
        return {row[0] for row in self.db.execute(
            f"select item_id from delivered_items where recipient = ? and item_id in ({marks})", [recipient, *item_ids])}

    def record_delivery(self, week: str, recipient: str, status: str, message_id: str | None, item_count: int,
                        error: str | None, item_ids: list[int]) -> None:
        """One attempt for (week, recipient): `status` is its outcome; a success also records its items."""
        now = _now()
        with self.transaction():
            previous = self.delivery(week, recipient)
            row = {"status": status, "message_id": message_id, "item_count": item_count, "error": error,
                   "last_attempt": now}
            if status == "sent":
                row["sent_at"] = now
            if previous is None:
                self.db["deliveries"].insert({"week": week, "recipient": recipient, "attempts": 1,
                                              "first_attempt": now, "sent_at": None, **row})
            else:
                self.db["deliveries"].update(previous["id"], {"attempts": previous["attempts"] + 1, **row})
            self.db["delivered_items"].insert_all(
                ({"recipient": recipient, "item_id": item_id, "week": week, "sent_at": now} for item_id in item_ids),
                pk=("recipient", "item_id"), ignore=True,
            )

    def failed_deliveries(self, week: str | None = None) -> list[dict[str, Any]]:
        sql = "select * from deliveries where status in ('retry', 'failed')"
        return list(self.db.query(sql + (" and week = ?" if week else "") + " order by week, recipient",
                                  [week] if week else []))

    def editions(self) -> list[dict[str, Any]]:
        return list(self.db.query("select * from editions order by week desc"))


def json_strings(strings: list[str]) -> str:
    """json.dumps(strings), as it writes them, without building a JSON encoder for each list (a few a document)."""
    return "[" + ", ".join(map(encode_basestring_ascii, strings)) + "]"


@lru_cache(maxsize=4)
def _candidates_sql(band_count: int) -> str:
    """The look-up of near_duplicate_candidates, for its parameters: the band hashes in order,
    then the item to leave out, the cap per band and the number of candidates."""
    exclude, per_band, limit = (f"?{band_count + n}" for n in (1, 2, 3))
    hits = " union all ".join(
        f"select * from (select item_id from lsh_bands where hash = ?{band + 1} and band = {band} "
        f"and item_id != {exclude} order by item_id desc limit {per_band})" for band in range(band_count))
    return (f"with hits (item_id) as ({hits}), "
            f"best as (select item_id, count(*) as shared from hits group by item_id "
            f"order by shared desc, item_id desc limit {limit}) "
            "select i.id, coalesce(i.cluster, i.id), g.minhash, i.fingerprint from best "
            "join items i on i.id = best.item_id join item_signatures g on g.item_id = best.item_id "
            "order by best.shared desc, best.item_id desc")


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return value.astimezone(timezone.utc).isoformat(timespec="seconds")


def _now() -> str:
    return _iso(utc_now())


class _WriteGate:
    """Write transactions of this process's connections to one database take turns here.

    SQLite's busy handler sleeps and retries, so a connection that commits and begins
    again at once could starve the others: a batch commits as soon as someone waits.
    """

    _gates: dict[Path, "_WriteGate"] = {}
    _gates_lock = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._counter = threading.Lock()
        self.waiting = 0

    @classmethod
    def for_path(cls, path: Path) -> "_WriteGate":
        key = path.resolve()
        with cls._gates_lock:
            return cls._gates.setdefault(key, cls())

    def acquire(self) -> None:
        with self._counter:
            self.waiting += 1
        self._lock.acquire()
        with self._counter:
            self.waiting -= 1

    def release(self) -> None:
        self._lock.release()

    @contextmanager
    def turn(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()


class _Batch:
    def __init__(self, store: Store, max_writes: int, max_seconds: float):
        self.store, self.max_writes, self.max_seconds = store, max_writes, max_seconds
        self.open_since: float | None = None
        self.writes = self.depth = 0
        self.unindexed: set[int] = set()  # new items not yet in the full-text index

    def begin(self) -> None:
        if self.open_since is None:
            self.store._gate.acquire()
            try:
                self.store.db.execute("BEGIN IMMEDIATE")
            except BaseException:
                self.store._gate.release()
                raise
            self.open_since, self.writes = time.monotonic(), 0

    def done_one(self) -> None:
        self.writes += 1
        if (self.writes >= self.max_writes or self.store._gate.waiting
                or time.monotonic() - (self.open_since or 0) >= self.max_seconds):
            self.commit()

    def commit(self) -> None:
        if self.open_since is None:
            return
        try:
            if self.store.db.conn.in_transaction:  # an I/O error may have rolled it back already
                # Items whose savepoint was rolled back are not found; a reused id is in the set once.
                self.store._index_items(sorted(self.unindexed))
                self.store.db.execute("COMMIT")
        finally:
            self.open_since = None
            self.unindexed.clear()
            self.store._gate.release()
