"""Worker processes that prepare documents (digest.prepare) ahead of the writer.

Extraction, fingerprints and classification need no store and are most of the cost of a
document: for a big folder, or many web documents, they run in worker processes, a bounded
window ahead, while the ingest's one writer stores the results in each source's order.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from digest.config import Config
from digest.models import Document

if TYPE_CHECKING:  # the judgement is imported when a document needs it, the pool when one starts
    from concurrent.futures import Future, ProcessPoolExecutor

    from digest.classify import Classifier
    from digest.prepare import Prepared

log = logging.getLogger("digest.ingest")
T = TypeVar("T")

_worker_classifier: Classifier | None = None
CHUNK = 32  # documents per task: fewer, larger messages (and thread wake-ups) between processes
WINDOW_PER_WORKER = 4  # tasks in flight per worker


class Judging:
    """The classifier (taxonomy, gazetteer, compiled patterns), made the first time a document needs
    judging, in whichever source's thread asks first: a run with nothing new makes none, and imports
    nothing of the judgement (nor numpy)."""

    def __init__(self, config: Config):
        self.config = config
        self._classifier: Classifier | None = None
        self._lock = threading.Lock()

    def classifier(self) -> Classifier:
        with self._lock:
            if self._classifier is None:
                from digest.prepare import classifier_for

                self._classifier = classifier_for(self.config)
            return self._classifier


class Workers:
    """The ingest's worker processes, shared by its sources, started when there is enough to prepare:
    a folder with more than `ingest.parallel_after` documents to read, or the web sources' documents
    together past that number (a feed with hundreds of new entries, a catalogue's first run). They
    only prepare; the sources' threads still fetch, each host's requests one at a time, and the
    writer still stores every document itself, in each source's order."""

    def __init__(self, config: Config, judging: Judging):
        self.config, self.judging = config, judging
        self.count = config.ingest.worker_count()
        self._pool: ProcessPoolExecutor | None = None
        self._stopped = False  # broken, or closed: what is left is prepared where it is read
        self._lock = threading.Lock()
        self._web_documents = 0

    def ahead(self, events: Iterable[T], web: bool) -> Iterator[tuple[T, Prepared | Exception | None]]:
        """Each event with its documents prepared in advance (None: prepare it in this process).

        A folder's first `parallel_after` documents are read before any is prepared, so that in a big
        folder the workers prepare them too, while this process would otherwise do it with a core
        idle; a web source's are counted as they come, and go to the workers once the run's web
        documents are past that number."""
        events = iter(events)
        if self.count < 2:
            yield from ((event, None) for event in events)
            return
        if not web:
            head, many = self._folder_head(events)
            if not many:
                yield from ((event, None) for event in head)
                return
            events = itertools.chain(head, events)
        window: deque[tuple[list[T], Future[list[Prepared | Exception]] | None]] = deque()
        for chunk in _chunks(events, CHUNK):
            to_prepare: list[Document] = [event for event in chunk if isinstance(event, Document)]
            future = self._submit(to_prepare) if to_prepare and (not web or self._past_web(len(to_prepare))) else None
            window.append((chunk, future))
            if len(window) >= self.count * WINDOW_PER_WORKER:
                yield from _settle(*window.popleft())
        while window:
            yield from _settle(*window.popleft())

    def close(self) -> None:
        with self._lock:
            pool, self._pool, self._stopped = self._pool, None, True
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _folder_head(self, events: Iterator[T]) -> tuple[list[T], bool]:
        """The events up to the first document past `parallel_after`, and whether there was one."""
        head: list[T] = []
        documents = 0
        for event in events:
            head.append(event)
            documents += isinstance(event, Document)
            if documents > self.config.ingest.parallel_after:
                return head, True
        return head, False

    def _past_web(self, documents: int) -> bool:
        with self._lock:
            self._web_documents += documents
            return self._web_documents > self.config.ingest.parallel_after

    def _submit(self, documents: list[Document]) -> Future[list[Prepared | Exception]] | None:
        with self._lock:
            if self._stopped:
                return None
            if self._pool is None:
                self._pool = _start_pool(self.config, self.judging, self.count)
            from concurrent.futures.process import BrokenProcessPool

            try:
                return self._pool.submit(_prepare_in_worker, documents)
            except BrokenProcessPool:
                _broken(self._pool)
                self._pool, self._stopped = None, True
                return None


def _chunks(events: Iterator[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for event in events:
        chunk.append(event)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _start_pool(config: Config, judging: Judging, workers: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _worker_classifier
    # Forked workers inherit the compiled classifier; with other threads running (the service,
    # or sources read in threads), fork is unsafe, so a fork server builds it afresh.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    _worker_classifier = judging.classifier() if method == "fork" else None
    log.info("preparing documents in %d worker processes (%s, nice +%d)", workers, method, config.ingest.worker_nice)
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker, initargs=(config, os.getpid() if method == "fork" else None))


def _start_worker(config: Config, parent: int | None) -> None:
    global _worker_classifier
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop, and stops us
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(parent)
    _lower_priority(config.ingest.worker_nice)
    if _worker_classifier is None:
        _worker_classifier = Judging(config).classifier()
    gc.freeze()  # what the worker starts with lives as long as it: the collector need not scan it


def _die_with_parent(parent: int | None) -> None:
    """Linux: the kernel kills this worker when its parent (us, or the fork server) dies, even by SIGKILL."""
    import ctypes
    import ctypes.util

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
    with contextlib.suppress(AttributeError, OSError):  # not on this system: the kernel shares fairly
        os.nice(increment)


def _prepare_in_worker(documents: list[Document]) -> list[Prepared | Exception]:
    from digest.prepare import prepare_all

    assert _worker_classifier is not None
    return prepare_all(documents, _worker_classifier)  # each failure is reported against its document by the writer


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
    return
