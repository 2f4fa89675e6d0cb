"""Several producers read in threads, their items merged into one stream for one consumer.

Each producer's items arrive in its own order; producers run in up to `threads` threads at a
time. The consumer is the only one that acts on the items (the ingest's one writer).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
QUEUE_SIZE = 64
POLL_SECONDS = 0.1  # how soon a producer blocked on a full queue notices that the consumer stopped
JOIN_SECONDS = 5.0  # how long a stopping consumer waits for producers (one may be in a slow request)


class _Finished:
    """A thread has no producer left."""


class _Crashed:
    def __init__(self, error: BaseException):
        self.error = error


def in_threads(producers: Sequence[Generator[T, None, None]], idle: Callable[[], None],
               threads: int = 8) -> Iterator[T]:
    """Everything the producers yield. `idle` runs whenever the consumer is about to wait for the
    next item. A producer that raises stops the stream with its exception; the consumer stopping
    (an error, or closing the stream) makes the producers stop at their next item."""
    items: queue.Queue[T | _Finished | _Crashed] = queue.Queue(maxsize=QUEUE_SIZE)
    stopping = threading.Event()
    todo = iter(producers)
    todo_lock = threading.Lock()

    def put(item: T | _Finished | _Crashed) -> bool:
        while not stopping.is_set():
            try:
                items.put(item, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def pump() -> None:
        while not stopping.is_set():
            with todo_lock:
                producer = next(todo, None)
            if producer is None:
                break
            try:
                for item in producer:
                    if not put(item):
                        producer.close()
                        return
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
                put(_Crashed(exc))
                return
        put(_Finished())

    workers = [threading.Thread(target=pump, name=f"source-{n}", daemon=True)
               for n in range(min(threads, len(producers)))]
    for worker in workers:
        worker.start()
    try:
        yield from _consume(items, len(workers), idle)
    finally:
        stopping.set()
        for worker in workers:
            worker.join(timeout=JOIN_SECONDS)


def _consume(items: queue.Queue[T | _Finished | _Crashed], threads: int, idle: Callable[[], None]) -> Iterator[T]:
    finished = 0
    while finished < threads:
        try:
            item = items.get_nowait()
        except queue.Empty:
            idle()
            item = items.get()
        if isinstance(item, _Finished):
            finished += 1
        elif isinstance(item, _Crashed):
            raise item.error
        else:
            yield item
