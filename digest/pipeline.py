"""Ingest: the wiring of the stages, source -> extract -> classify -> dedupe -> store.

Each source yields its events (digest.sources); each document is prepared on its own
(digest.prepare: in worker processes for a big folder, digest.workers) and handed, in the
source's order, to the one writer (digest.writer), which stores it in one transaction.
Several sources are read in parallel threads; none of them writes. One broken document is
reported and skipped; one broken source is reported and the others carry on.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import sys
import threading
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from digest.config import Config, FeedSource, FolderSource, WebpageSource
from digest.errors import DigestError
from digest.fetch import Fetcher, Stopped
from digest.models import Document, FileState, SourceEvent, utc_now
from digest.parallel import in_threads
from digest.records import BLOCKED, FetchRecord, SourceHealth, public_error, stamp
from digest.sources import read_source
from digest.store import Batch, Lookups, Store
from digest.store.db import unusable
from digest.urls import redact
from digest.workers import Judging, Workers
from digest.writer import SourceSummary, Writer

if TYPE_CHECKING:  # the judgement is imported when a document needs it (an unchanged run needs none)
    from digest.alerts import Alerting
    from digest.prepare import Prepared

log = logging.getLogger("digest.ingest")
Source = FolderSource | FeedSource | WebpageSource

__all__ = ["SourceSummary", "ingest"]


@dataclass
class Message:
    """An event of a source, with its document prepared (or the exception preparing it raised)."""

    source: str
    event: SourceEvent
    prepared: Prepared | Exception | None


@dataclass
class Done:
    """A source has nothing more to give."""

    source: str
    started: datetime | None  # None: it was never read (the ingest was stopping)
    error: str | None = None
    stopped: bool = False
    problem: str | None = None  # the kind of failure (SourceError.problem)
    waiting: bool = False  # not read: blocked by bot protection, it waits before it is tried again


Messages = Generator[Message | Done, None, None]


@dataclass
class SourceRun:
    """One source's part of this ingest."""

    source: Source
    summary: SourceSummary
    known: dict[str, FileState] = field(default_factory=dict)  # a folder's files as stored
    present: set[str] = field(default_factory=set)  # the folder's files seen in this pass
    waiting: str | None = None  # blocked by bot protection and not to be tried yet: why

    @property
    def is_folder(self) -> bool:
        """A folder source: its files are tracked (unchanged ones skipped, missing ones noted)."""
        return isinstance(self.source, FolderSource)


class FetchLog:
    """The HTTP cache the fetcher is given: validators read from the store, requests kept for the writer."""

    def __init__(self, lookups: Lookups):
        self._lookups = lookups
        self._pending: list[FetchRecord] = []
        self._lock = threading.Lock()

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        return self._lookups.validators(url)

    def record(self, fetch: FetchRecord) -> None:
        with self._lock:
            self._pending.append(fetch)

    def take(self) -> list[FetchRecord]:
        with self._lock:
            taken, self._pending = self._pending, []
        return taken


def _alerting(config: Config, store: Store) -> Alerting | None:
    """What matches stored items against the alert rules, when there are rules (only then is
    digest.alerts, with the search's query parser, imported)."""
    if not config.alerts:
        return None
    from digest.alerts import Alerting

    return Alerting(config.alerts, store.alerts.record)


def ingest(config: Config, store: Store, names: Iterable[str] = (),
           stop: threading.Event | None = None) -> list[SourceSummary]:
    """Run the sources (all enabled ones, or those named); one summary each, in config order.

    When `stop` is set, each source finishes the document in hand and stops; sources not
    yet started are not run.
    """
    wanted = list(names)
    for name in wanted:
        config.source(name)  # unknown names are a user error before anything runs
    sources = [s for s in config.sources if (s.name in wanted if wanted else s.enabled)]
    try:
        waiting = store.runs.waiting(utc_now())
        runs = [SourceRun(s, SourceSummary(s.name),
                          store.items.file_states(s.name) if isinstance(s, FolderSource) else {},
                          waiting=_why_waiting(waiting.get(s.name))) for s in sources]
    except sqlite3.Error as exc:
        raise _store_failed(store, exc) from None
    judging = Judging(config)
    lookups = Lookups(store.path)
    fetch_log = FetchLog(lookups)
    web = any(not run.is_folder for run in runs)
    fetcher = Fetcher(config.fetch, fetch_log, stop=stop) if web else None
    alerting = _alerting(config, store)
    writer = Writer(store.db, store.items, store.web, store.runs, config.dedupe.near_duplicate, alerting)
    workers = Workers(config, judging)
    try:
        producers = [_produce(run, config, judging, fetcher, lookups, workers, stop) for run in runs]
        # Every source's documents are committed in batches, and whenever the writer would wait for the
        # next (a source waiting on the network): the write lock is never held while nothing is written.
        with _startup_frozen(), store.db.batch(writer.settled) as batch:
            threaded = len(producers) > 1 or web
            messages = in_threads(producers, idle=batch.commit) if threaded else _inline(producers)
            _write(messages, {run.source.name: run for run in runs}, writer, fetch_log, batch, stop,
                   config.fetch.blocked_backoff)
    except sqlite3.Error as exc:  # outside any one document's: the run cannot be recorded
        raise _store_failed(store, exc) from None
    finally:
        workers.close()
        if fetcher:
            fetcher.close()
        lookups.close()
    return [run.summary for run in runs]


def _why_waiting(health: SourceHealth | None) -> str | None:
    """Why a source blocked by bot protection is not run this time (None: it may run)."""
    if health is None:
        return None
    runs = f"{health.blocked_runs} run{'s' if health.blocked_runs != 1 else ''} in a row"
    return (f"{public_error(health.last_error) or BLOCKED} ({runs}); not tried again before "
            f"{stamp(health.retry_after)}")


@contextmanager
def _startup_frozen() -> Iterator[None]:
    """What the ingest starts with (modules, config, the compiled classifier: most of the objects
    it holds) outlives it: the collector's full passes during the ingest leave it out (half their cost).
    And it collects less often: each document's judgement arrives as some fifty objects that live
    until it is stored, so the default threshold (700) ran a collection every dozen documents (0.5 s
    of the writer's 10 s at 10,000 documents, 1 s of its 18 s into a store of 100,000)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


YOUNG_COLLECTION = 10_000  # new objects between collections during an ingest


def _store_failed(store: Store, error: sqlite3.Error) -> DigestError:
    return unusable(store.path, error) or DigestError(f"{store.path}: {error}")


def _inline(producers: list[Messages]) -> Iterator[Message | Done]:
    for producer in producers:
        yield from producer


def _write(messages: Iterator[Message | Done], runs: dict[str, SourceRun], writer: Writer, fetch_log: FetchLog,
           batch: Batch, stop: threading.Event | None, first_blocked_wait: float) -> None:
    """Store every message, in order; a source's run is recorded when it is done."""
    for message in messages:
        writer.log_fetches(fetch_log.take())
        run = runs[message.source]
        if isinstance(message, Done):
            batch.commit()  # its documents are counted when they are known to be stored
            _finish(run, message, writer, first_blocked_wait)
        elif run.summary.stopped:
            continue  # read before the stop: left for the next run
        else:
            if run.is_folder:
                run.present.add(_where(message.event))
            writer.apply(message.event, message.prepared, run.known, run.summary)
            if stop is not None and stop.is_set():
                run.summary.stopped = True
    writer.log_fetches(fetch_log.take())


def _finish(run: SourceRun, done: Done, writer: Writer, first_blocked_wait: float) -> None:
    summary = run.summary
    # printed by `ingest`, logged by the service; else documents the store could not keep, if any
    summary.error = (done.error and redact(done.error)) or summary.error
    summary.stopped = summary.stopped or done.stopped
    summary.waiting = done.waiting
    if done.started is None:
        return  # never read: nothing to record
    if done.waiting:
        writer.runs.skipped(run.source.name, done.started, summary.error or "waiting")
        return
    if run.is_folder and not summary.stopped and not summary.error:  # a partial pass cannot tell which files went
        summary.missing = writer.items.mark_missing(run.source.name, run.present)
    writer.runs.record(run.source.name, run.source.kind, done.started, summary.counts(), summary.error,
                       done.problem if summary.error else None, first_blocked_wait)


def _where(event: SourceEvent) -> str:
    if isinstance(event, Document):
        return event.path or ""
    return getattr(event, "where", "")


def _produce(run: SourceRun, config: Config, judging: Judging, fetcher: Fetcher | None, lookups: Lookups,
             workers: Workers, stop: threading.Event | None) -> Messages:
    """One source's events, each document prepared (in worker processes when there are many), then Done."""
    name = run.source.name
    if stop is not None and stop.is_set():
        yield Done(name, None, stopped=True)
        return
    started = utc_now()
    if run.waiting:
        log.warning("%s: %s", name, run.waiting)
        yield Done(name, started, error=run.waiting, waiting=True)
        return
    try:
        events = read_source(run.source, fetcher=fetcher, seen=lookups, known=run.known,
                             default_max_bytes=config.fetch.max_bytes)
        for event, prepared in workers.ahead(_progress(events, name), web=not run.is_folder):
            yield Message(name, event, prepared if prepared is not None else _prepare_here(event, judging))
            if stop is not None and stop.is_set():
                yield Done(name, started, stopped=True)
                return
    except Stopped:  # a request abandoned as the ingest stops: left for the next run, not a failure
        yield Done(name, started, stopped=True)
        return
    except DigestError as exc:
        yield Done(name, started, error=str(exc), problem=getattr(exc, "problem", None))
        return
    except Exception as exc:  # a bug or an unexpected failure in one source must not stop the others
        log.exception("%s: unexpected error", name)
        yield Done(name, started, error=f"unexpected error: {exc!r}")
        return
    yield Done(name, started)


def _prepare_here(event: SourceEvent, judging: Judging) -> Prepared | Exception | None:
    if not isinstance(event, Document):
        return None
    from digest.prepare import prepare

    try:
        return prepare(event, judging.classifier())
    except Exception as exc:  # noqa: BLE001 - reported against its document by the writer
        return exc


def _progress(events: Iterator[SourceEvent], name: str) -> Iterator[SourceEvent]:
    """A progress bar on a terminal; plain log lines otherwise (systemd)."""
    if not sys.stderr.isatty():
        return events
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: a single-threaded ingest may fork its workers
    return iter(tqdm(events, desc=name, unit="doc", leave=False))
