"""Wires the stages: source -> extract -> dedupe -> classify -> store, per source and per document.

One broken document is reported and skipped; one broken source is reported and the
others carry on. Each document is stored in one transaction.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import itertools
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Iterable, Iterator, TypeVar

from digest.classify import Classifier
from digest.config import Config
from digest.dedupe import NearDuplicates, TextKeys, canonical_url, content_hash
from digest.errors import DigestError, DocumentError
from digest.extract import extract
from digest.fetch import Fetcher
from digest.models import Classification, Document, Extracted, Failed, NotModified, Unchanged, utc_now
from digest.sources import read_source
from digest.store import FileState, Store

log = logging.getLogger("digest.ingest")
T = TypeVar("T")


@dataclass
class Stages:
    """The judging stages, built once per ingest and shared by the source threads (read-only)."""

    classifier: Classifier
    near_duplicates: NearDuplicates

    @classmethod
    def from_config(cls, config: Config) -> "Stages":
        return cls(Classifier(config), NearDuplicates(config.dedupe.near_duplicate))


@dataclass
class SourceSummary:
    name: str
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    unchanged: int = 0
    failed: int = 0
    not_modified: int = 0
    missing: int = 0
    stopped: bool = False
    error: str | None = None
    problems: list[Failed] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"new": self.new, "updated": self.updated, "duplicate": self.duplicate,
                "unchanged": self.unchanged, "failed": self.failed, "not_modified": self.not_modified}

    def line(self) -> str:
        if self.error:
            return f"{self.name}: FAILED: {self.error}"
        text = (f"{self.name}: {self.new} new, {self.updated} updated, {self.duplicate} duplicate, "
                f"{self.unchanged} unchanged, {self.failed} failed")
        if self.not_modified:
            text += " (not modified since the last run)"
        if self.stopped:
            text += " (stopped early: shutting down)"
        return text + (f", {self.missing} no longer present" if self.missing else "")


MAX_PARALLEL_SOURCES = 8


def ingest(config: Config, store: Store, names: Iterable[str] = (),
           stop: threading.Event | None = None) -> list[SourceSummary]:
    """Run the sources (all enabled ones, or those named), in parallel; one summary each, in config order.

    When `stop` is set, each source finishes the document in hand and stops; sources not
    yet started are not run.
    """
    wanted = list(names)
    for name in wanted:
        config.source(name)  # unknown names are a user error before anything runs
    sources = [s for s in config.sources if (s.name in wanted if wanted else s.enabled)]
    stages = Stages.from_config(config)
    fetcher = Fetcher(config) if any(s.kind != "folder" for s in sources) else None

    def run(source: object) -> SourceSummary:
        worker_store = Store(store.path)  # one SQLite connection per thread
        try:
            summary = ingest_source(config, worker_store, stages, source, fetcher, stop)
        finally:
            worker_store.close()
        return summary  # the caller reports it: printed by the CLI, logged by the service

    try:
        if len(sources) <= 1:
            return [run(source) for source in sources]
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_SOURCES, len(sources)), thread_name_prefix="source") as pool:
            return list(pool.map(run, sources))
    finally:
        if fetcher:
            fetcher.close()


def ingest_source(config: Config, store: Store, stages: Stages, source: object,
                  fetcher: Fetcher | None = None, stop: threading.Event | None = None) -> SourceSummary:
    name, kind = source.name, source.kind  # type: ignore[attr-defined]
    summary = SourceSummary(name)
    if stop is not None and stop.is_set():
        summary.stopped = True
        return summary
    started = utc_now()
    known = store.file_states(name) if kind == "folder" else {}
    present: set[str] = set()
    workers = config.ingest.worker_count() if kind == "folder" else 0
    # A folder's documents are committed in batches (each still its own savepoint). Web sources
    # commit each document: a batch would hold the write lock while they wait on the network.
    batch = store.batch() if kind == "folder" else contextlib.nullcontext()
    try:
        with batch:
            events = _progress(read_source(config, source, store, fetcher, known if kind == "folder" else None), name)
            for event, prepared in prepare_ahead(events, config, stages, workers):
                if kind == "folder":
                    present.add(event.path or "" if isinstance(event, Document) else getattr(event, "where", ""))
                _handle(event, store, stages, known, summary, prepared)
                if stop is not None and stop.is_set():
                    summary.stopped = True
                    break
        if kind == "folder" and not summary.stopped:  # a partial pass cannot tell which files went
            summary.missing = store.mark_missing(name, present)
    except DigestError as exc:
        summary.error = str(exc)
    except Exception as exc:  # a bug or an unexpected failure in one source must not stop the others
        log.exception("%s: unexpected error", name)
        summary.error = f"unexpected error: {exc!r}"
    store.record_run(name, kind, started, summary.counts(), summary.error)
    return summary


def _handle(event: Document | Unchanged | NotModified | Failed, store: Store, stages: Stages,
            known: dict[str, FileState], summary: SourceSummary, prepared: Prepared | Exception | None = None) -> None:
    if isinstance(event, Unchanged):
        if event.sha256 and event.size is not None and event.mtime_ns is not None:
            store.touch_file(event.source, event.where, event.size, event.mtime_ns, event.sha256)
        summary.unchanged += 1
        return
    if isinstance(event, Failed):
        _fail(summary, event)
        return
    if isinstance(event, NotModified):
        summary.not_modified += 1
        return
    where = event.path or event.url or "?"
    try:
        try:
            if isinstance(prepared, Exception):  # raised in a worker process
                raise prepared
            outcome = ingest_document(event, store, stages, known, prepared)
        except DocumentError as exc:
            if event.fallback is None:
                raise
            log.warning("%s: %s: %s; using the feed entry's own text", event.source, where, exc)
            outcome = ingest_document(event.fallback, store, stages, known)
    except DocumentError as exc:
        _fail(summary, Failed(event.source, where, str(exc)))
        return
    except Exception as exc:  # noqa: BLE001 - one odd document (deep YAML, a bug) must not stop its source
        log.exception("%s: %s: unexpected error", event.source, where)
        _fail(summary, Failed(event.source, where, f"unexpected error: {exc!r}"))
        return
    setattr(summary, outcome, getattr(summary, outcome) + 1)


def _fail(summary: SourceSummary, failed: Failed) -> None:
    log.warning("%s: skipped %s: %s", failed.source, failed.where, failed.reason)
    summary.failed += 1
    summary.problems.append(failed)


@dataclass
class Prepared:
    """A document judged on its own, without the store (so worker processes can do it)."""

    extracted: Extracted
    keys: TextKeys
    classification: Classification
    canonical: str | None  # the canonical form of the URL the document states


def prepare(document: Document, stages: Stages) -> Prepared:
    """Extract, fingerprint and classify; raises DocumentError when there is no article in it."""
    extracted = extract(document)
    return Prepared(extracted, TextKeys(extracted.body), stages.classifier.classify(extracted, document.source),
                    canonical_url(extracted.url))


def ingest_document(document: Document, store: Store, stages: Stages,
                    known: dict[str, FileState], prepared: Prepared | None = None) -> str:
    """Store one document; returns 'new', 'updated', 'unchanged' or 'duplicate'."""
    prepared = prepared or prepare(document, stages)
    extracted, keys = prepared.extracted, prepared.keys
    where = document.path or document.url
    for warning in extracted.warnings:
        log.warning("%s: %s: %s", document.source, where, warning)
    canonical = prepared.canonical
    fingerprint = keys.fingerprint
    sha = document.sha256 or content_hash(document.content)
    key = canonical or f"{document.source}:{document.guid or where}"
    state = known.get(document.path or "")
    with store.transaction():
        existing_id: int | None = None
        if state and state.is_alias and state.item_id:
            store.remove_alias(state.item_id, document.source, document.path or "")
        elif state and state.item_id:
            existing_id = state.item_id
        by_url = False
        if existing_id is None:
            found = store.find_item(key=key, canonical_url=canonical)
            existing_id = found["id"] if found else None
            by_url = found is not None and document.path is not None
        if existing_id is not None and store.item_unchanged(existing_id, extracted, fingerprint):
            if by_url:  # another file stating the same URL and text: a copy, recorded as an alias
                store.add_alias(existing_id, document.source, None, document.path)
                _remember_file(store, document, sha, existing_id, is_alias=True)
                return "duplicate"
            _remember_file(store, document, sha, existing_id, is_alias=False)
            return "unchanged"
        if existing_id is None and (twin := store.find_item(fingerprint=fingerprint)):
            store.add_alias(twin["id"], document.source, canonical or extracted.url, document.path)
            _remember_file(store, document, sha, twin["id"], is_alias=True)
            log.info("%s: %s has the same text as item %s; recorded as an alias", document.source, where, twin["id"])
            return "duplicate"
        cluster, similarity = stages.near_duplicates.judge(store, keys, exclude=existing_id)
        item_id = store.save_item(
            item_id=existing_id, key=key, source=document.source, path=document.path, extracted=extracted,
            canonical=canonical, fingerprint=fingerprint, classification=prepared.classification, cluster=cluster,
        )
        stages.near_duplicates.record(store, item_id, keys)
        fetched = canonical_url(document.url)
        if fetched and canonical and fetched != canonical:  # remember the URL we fetched, so it is known
            store.add_alias(item_id, document.source, fetched, None)
        if cluster is not None and cluster != item_id:
            log.info("%s: %s retells item %s (similarity %.2f)", document.source, where, cluster, similarity)
        _remember_file(store, document, sha, item_id, is_alias=False)
    return "updated" if existing_id else "new"


# --- worker processes ----------------------------------------------------------------------
#
# Extraction, fingerprints and classification need no store, and are most of the cost of a
# document: for a big folder they run in worker processes, a bounded window ahead, while
# this process makes the store decisions and writes in document order.

_worker_stages: Stages | None = None
CHUNK = 32  # documents per task: fewer, larger messages (and thread wake-ups) between processes
WINDOW_PER_WORKER = 4  # tasks in flight per worker


def prepare_ahead(events: Iterable[T], config: Config, stages: Stages, workers: int
                  ) -> Iterator[tuple[T, Prepared | Exception | None]]:
    """Each event with its documents prepared in advance (None: prepare it in this process).

    Workers start only when more than `ingest.parallel_after` documents are read: starting
    them costs more than a small folder takes. Those first documents are read before any is
    prepared, so that in a big folder the workers prepare them too, while this process
    would otherwise do it with a core idle.
    """
    events = iter(events)
    if workers < 2:
        yield from ((event, None) for event in events)
        return
    head: list[T] = []
    documents = 0
    for event in events:
        head.append(event)
        documents += isinstance(event, Document)
        if documents > config.ingest.parallel_after:
            break
    else:
        yield from ((event, None) for event in head)
        return
    events = itertools.chain(head, events)
    pool = _start_pool(config, stages, workers)
    window: deque[tuple[list[T], Future[list[Prepared | Exception]] | None]] = deque()
    try:
        for chunk in _chunks(events, CHUNK):
            documents = [event for event in chunk if isinstance(event, Document)]
            future = None
            if documents and pool is not None:
                try:
                    future = pool.submit(_prepare_in_worker, documents)
                except BrokenProcessPool:
                    pool = _broken(pool)
            window.append((chunk, future))
            if len(window) >= workers * WINDOW_PER_WORKER:
                yield from _settle(*window.popleft())
        while window:
            yield from _settle(*window.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _chunks(events: Iterator[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for event in events:
        chunk.append(event)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _start_pool(config: Config, stages: Stages, workers: int) -> ProcessPoolExecutor:
    global _worker_stages
    # Forked workers inherit the compiled stages; with other threads running (the service),
    # fork is unsafe, so a fork server builds them afresh.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    _worker_stages = stages if method == "fork" else None
    log.info("preparing documents in %d worker processes (%s, nice +%d)", workers, method, config.ingest.worker_nice)
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker, initargs=(config, os.getpid() if method == "fork" else None))


def _start_worker(config: Config, parent: int | None) -> None:
    global _worker_stages
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop, and stops us
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(parent)
    _lower_priority(config.ingest.worker_nice)
    if _worker_stages is None:
        _worker_stages = Stages.from_config(config)
    gc.freeze()  # what the worker starts with lives as long as it: the collector need not scan it


def _die_with_parent(parent: int | None) -> None:
    """Linux: the kernel kills this worker when its parent (us, or the fork server) dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # elsewhere a worker ends when it next reads from the parent's closed pipe
    if parent is not None and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


PR_SET_PDEATHSIG = 1


def _lower_priority(increment: int) -> None:
    """The store is written by the parent alone, so it bounds the pace: with two cores and three
    processes, a fair share gives it two-thirds of a core when it needs about three-quarters, and
    the workers run ahead, fill the window and then wait while it catches up on one core."""
    try:
        os.nice(increment)
    except (AttributeError, OSError):  # not on this system: the kernel shares fairly
        pass


def _prepare_in_worker(documents: list[Document]) -> list[Prepared | Exception]:
    assert _worker_stages is not None
    results: list[Prepared | Exception] = []
    for document in documents:
        try:
            results.append(prepare(document, _worker_stages))
        except Exception as exc:  # noqa: BLE001 - reported against its document by _handle
            results.append(exc)
    return results


def _settle(chunk: list[T], future: Future[list[Prepared | Exception]] | None
            ) -> Iterator[tuple[T, Prepared | Exception | None]]:
    results: list[Prepared | Exception] = []
    if future is not None:
        try:
            results = future.result()
        except Exception as exc:  # noqa: BLE001 - a dead worker, or a result that cannot be sent back
            log.warning("worker process failed (%r); preparing its documents in this process", exc)
    prepared = iter(results)
    for event in chunk:
        yield event, (next(prepared, None) if isinstance(event, Document) else None)


def _broken(pool: ProcessPoolExecutor) -> None:
    log.warning("the worker processes stopped; going on in this process")
    pool.shutdown(wait=False, cancel_futures=True)
    return None


def _remember_file(store: Store, document: Document, sha: str, item_id: int, is_alias: bool) -> None:
    if document.path is not None and document.size is not None and document.mtime_ns is not None:
        store.record_file(document.source, document.path, document.size, document.mtime_ns, sha, item_id, is_alias)


def _progress(events: Iterator[T], name: str) -> Iterator[T]:
    """A progress bar on a terminal; plain log lines otherwise (systemd)."""
    if not sys.stderr.isatty():
        return events
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: a single-threaded ingest may fork its workers
    return iter(tqdm(events, desc=name, unit="doc", leave=False))
