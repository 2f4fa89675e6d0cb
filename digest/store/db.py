"""The connection to the SQLite file: opening and migrating it, transactions, batches, the write gate.

Everything the store writes goes through `Database.transaction()`: all writes inside commit
together or not at all. Every time is stored as an ISO 8601 UTC string (`iso`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from digest.errors import DigestError
from digest.models import utc_now

if TYPE_CHECKING:
    from sqlite_utils import Database as Tables

# The schema version of a current database (its `user_version`): the number of the newest migration
# in digest.store.schema (tests/test_cli_start.py holds the two equal). A database at another version is
# migrated when opened.
SCHEMA_VERSION = 21


class Database:
    def __init__(self, path: Path, read_only: bool = False):
        """Open (creating and migrating) the database; read_only opens an existing one as it is."""
        self.path = Path(path)
        self._gate = WriteGate.for_path(self.path)
        self._batch: Batch | None = None
        self._savepoints = 0  # depth of nested transactions
        self._deferred: list[tuple[Callable[[], None], Callable[[], None]]] = []
        try:
            if read_only:
                self.conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=5,
                                            check_same_thread=False)
                self.conn.execute("select 1 from sqlite_master limit 1")
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _check_writable(self.path)
            self.conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self._configure()
            if self.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                self._migrate()
        except (OSError, sqlite3.DatabaseError) as exc:
            raise DigestError(f"{self.path}: cannot open database ({exc})") from None

    def _migrate(self) -> None:
        """Apply the migrations the database lacks, then record the schema version, so the next opening
        knows it is current without reading the migrations (nor importing sqlite-utils, their library)."""
        from digest.store.schema import migrations, newer_schema, newest_version

        if versions := newer_schema(self.tables):
            self.conn.close()
            raise UnusableDatabase(f"{self.path}: the database has schema version {versions[0]}, from a newer "
                                   f"digest; this digest knows up to version {versions[1]}. Upgrade digest")
        migrations.apply(self.tables)
        self.execute(f"PRAGMA user_version = {newest_version()}")

    @cached_property
    def tables(self) -> Tables:
        """The connection as sqlite-utils sees it (its table helpers, for migrations)."""
        from sqlite_utils import Database as Tables

        return Tables(self.conn)

    def _configure(self) -> None:
        for pragma in (
            "journal_mode=WAL", "synchronous=NORMAL",
            "cache_size=-32768",  # 32 MiB: at 100,000 items, 64 MiB kept the same pace and 33 MB more memory
            # Pages: the write-ahead log is copied back into the file when it is 160 MB. The LSH band and fact
            # indexes take inserts at random, so in a big store each commit rewrites thousands of their pages;
            # copied back every 40 MB, each was written back after nearly every commit (2.2x the I/O).
            "wal_autocheckpoint=40000",
            "journal_size_limit=67108864",  # the log's file is cut back to 64 MB after it is copied back
            # Each document's savepoint journals the pages it changes (about 50 of them): kept in
            # memory, not spilled to a temporary file with a system call per page.
            "temp_store=MEMORY", "foreign_keys=ON",
            "recursive_triggers=ON",  # as sqlite-utils, which made the schema, sets it
        ):
            self.execute(f"PRAGMA {pragma}")

    def close(self) -> None:
        self.conn.close()

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def has_table(self, name: str) -> bool:
        return self.execute("select 1 from sqlite_master where type = 'table' and name = ?", [name]).fetchone() is not None

    def rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """The rows of a query as dicts by column name."""
        cursor = self.conn.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row (plain SQL: this is the hot path of an ingest); returns its rowid."""
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = self.conn.execute(f"insert into {table} ({columns}) values ({marks})", list(row.values()))
        return int(cursor.lastrowid or 0)

    def defer(self, flush: Callable[[], None], discard: Callable[[], None]) -> None:
        """Work deferred to the commit: `flush` runs inside every transaction just before it commits,
        `discard` when a transaction ends without committing."""
        self._deferred.append((flush, discard))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all; nested blocks use savepoints.

        BEGIN IMMEDIATE takes the write lock up front, so connections in other threads
        wait for it (busy timeout) instead of failing to upgrade a read to a write.
        Inside `batch()`, each transaction is a savepoint of the batch's transaction.
        """
        batch = self._batch
        if batch is not None:
            with batch.member(), self._savepoint():
                yield
            batch.done_one()
            return
        if self.conn.in_transaction:
            with self._savepoint():
                yield
            return
        with self._gate.turn():
            self.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.commit()
            except BaseException:
                self.rollback()
                raise

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Writes that commit or roll back together: inside a savepoint already open they do (one of their
        own costs two more statements, twice for every document an ingest stores); else a transaction."""
        if self._savepoints:
            yield
        else:
            with self.transaction():
                yield

    @contextmanager
    def durable(self) -> Iterator[None]:
        """A transaction that waits for the disk (synchronous=FULL), so even a power cut keeps it."""
        self.execute("PRAGMA synchronous=FULL")
        try:
            with self.transaction():
                yield
        finally:
            self.execute("PRAGMA synchronous=NORMAL")

    def commit(self) -> None:
        for flush, _ in self._deferred:
            flush()
        self.execute("COMMIT")

    def rollback(self) -> None:
        for _, discard in self._deferred:
            discard()
        self.conn.rollback()

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        """A nested transaction, as sqlite_utils' atomic() makes one, but named by its depth:
        atomic() draws a random name for each, which costs more than the savepoint (twice a document)."""
        self._savepoints += 1
        name = f"nested_{self._savepoints}"
        self.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException as exc:
            if self.conn.in_transaction:
                self.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.execute(f"RELEASE SAVEPOINT {name}")
            elif self._batch is not None:  # an error (a full disk) rolled back the whole batch
                self._batch.lost(exc)
            raise
        else:
            self.execute(f"RELEASE SAVEPOINT {name}")
        finally:
            self._savepoints -= 1

    @contextmanager
    def batch(self, settled: Settled, max_writes: int = 3000, max_seconds: float = 3.0) -> Iterator[Batch]:
        """Commit the transactions inside together, every `max_writes` or `max_seconds`.

        A commit writes every page its documents changed, and in a big store their index rows fall on
        pages all over the indexes: three seconds of documents share more pages than one second's
        (a third of the bytes written a document at 100,000 stored).

        Each transaction stays atomic (a savepoint): one that fails is undone alone. A crash
        loses at most the last uncommitted batch; a failed commit (a full disk) loses it too,
        and `settled` is told, with the error, as it is told of every commit (with None).
        Another thread of this process waiting to write gets its turn at the next commit.
        """
        self._batch = Batch(self, settled, max_writes, max_seconds)
        try:
            yield self._batch
        except (UnusableDatabase, sqlite3.Error) as exc:
            stop = exc if isinstance(exc, UnusableDatabase) else unusable(self.path, exc)
            if stop is None:
                raise
            self._batch.abandon()  # nothing more is written into a file that cannot take it
            raise stop from None
        finally:
            batch, self._batch = self._batch, None
            batch.commit()


Settled = Callable[[BaseException | None], None]  # told after each commit of a batch: None, or why it failed


class UnusableDatabase(DigestError):
    """The database cannot be written safely (read-only, malformed, from a newer digest): whatever
    uses it stops, rather than write into it."""


_UNUSABLE = {sqlite3.SQLITE_READONLY: "it is read-only", sqlite3.SQLITE_CORRUPT: "the file is malformed",
             sqlite3.SQLITE_NOTADB: "the file is not a database"}


def unusable(path: Path, error: BaseException) -> UnusableDatabase | None:
    """The error as UnusableDatabase when it says the database cannot be written safely."""
    reason = _UNUSABLE.get(getattr(error, "sqlite_errorcode", 0) & 0xFF)  # the primary result code
    if reason is None:
        return None
    return UnusableDatabase(f"{path}: cannot write the database: {reason} ({error}); stopped without writing more")


def _check_writable(path: Path) -> None:
    for target, what in ((path, "the database file"), (path.parent, "its folder")):
        if target.exists() and not os.access(target, os.W_OK):
            raise UnusableDatabase(f"{path}: cannot write the database: {what} is read-only")


class WriteGate:
    """Write transactions of this process's connections to one database take turns here.

    SQLite's busy handler sleeps and retries, so a connection that commits and begins
    again at once could starve the others: a batch commits as soon as someone waits.
    """

    _gates: ClassVar[dict[Path, WriteGate]] = {}
    _gates_lock = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._counter = threading.Lock()
        self.waiting = 0

    @classmethod
    def for_path(cls, path: Path) -> WriteGate:
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


class Batch:
    """One open transaction holding many documents' savepoints, committed now and then."""

    def __init__(self, database: Database, settled: Settled, max_writes: int, max_seconds: float):
        self.database, self.settled, self.max_writes, self.max_seconds = database, settled, max_writes, max_seconds
        self.open_since: float | None = None
        self.writes = self.depth = 0
        self._lost_by: BaseException | None = None

    @contextmanager
    def member(self) -> Iterator[None]:
        """A transaction inside the batch (its savepoint is the caller's)."""
        if self.open_since is not None and not self.database.conn.in_transaction:
            self.commit()  # rolled back by an error: settled as lost, and a new one begun
        if self.open_since is None:
            self._begin()
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def _begin(self) -> None:
        self.database._gate.acquire()
        try:
            self.database.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.database._gate.release()
            raise
        self.open_since, self.writes = time.monotonic(), 0

    def done_one(self) -> None:
        if self.depth:
            return
        self.writes += 1
        if (self.writes >= self.max_writes or self.database._gate.waiting
                or time.monotonic() - (self.open_since or 0) >= self.max_seconds):
            self.commit()

    def abandon(self) -> None:
        """Roll back what the batch holds, and end it."""
        if self.open_since is not None:
            self.open_since = None
            self.database.rollback()
            self.database._gate.release()

    def lost(self, error: BaseException) -> None:
        """The batch's transaction was rolled back by this error: nothing in it was stored."""
        self._lost_by = self._lost_by or error

    def commit(self) -> None:
        """Commit what the batch holds now (nothing to do when it holds nothing), and say whether
        it was stored."""
        if self.open_since is None:
            return
        error = self._lost_by
        try:
            if error is None and self.database.conn.in_transaction:
                self.database.commit()
            elif error is None:
                error = sqlite3.OperationalError("the transaction was rolled back by a write error")
        except sqlite3.Error as exc:  # a full disk, a failing device: the batch is not stored
            error = exc
        finally:
            if error is not None:
                self.database.rollback()
            self.open_since, self._lost_by = None, None
            self.database._gate.release()
        self.settled(error)


def iso(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="seconds")


def now_iso() -> str:
    return iso(utc_now())


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@contextmanager
def store_errors() -> Iterator[None]:
    """A read or write of the store that fails raises DigestError with SQLite's reason ("database or disk is full")."""
    try:
        yield
    except sqlite3.Error as exc:
        raise DigestError(str(exc)) from None
