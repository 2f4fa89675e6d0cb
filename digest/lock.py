"""Locks beside the database, so one service runs per database and steps never overlap.

`run` holds the "service" lock for its lifetime; every ingest, build and send (by the
service or by hand) holds the lock of its step while it works. A lock is an flock on a
file holding the owner's PID: the kernel releases it when the process ends, even on SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from digest.errors import DigestError

ACTIONS = {"service": "running the service", "ingest": "ingesting", "build": "building", "send": "sending"}


class Lock:
    def __init__(self, database: Path, name: str):
        self.name = name
        self.path = Path(f"{database}.{name}.lock")
        self._handle: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(handle, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(handle)
            raise DigestError(
                f"another digest process (PID {holder}) is already {ACTIONS.get(self.name, self.name)} "
                f"with this database ({self.path})"
            ) from None
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode("ascii"))
        self._handle = handle
        _HELD.add(handle)

    def release(self) -> None:
        if self._handle is not None:
            _HELD.discard(self._handle)
            os.close(self._handle)  # closing drops the flock; the file stays for the next holder
            self._handle = None


# A forked child (an ingest worker process) shares the lock's open file, so the lock would
# outlive a killed parent while the child lives: children close their copies at once.
_HELD: set[int] = set()


def _close_inherited_locks() -> None:
    for handle in list(_HELD):
        with suppress(OSError):
            os.close(handle)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_inherited_locks)


_THREAD_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


@contextmanager
def holding(database: Path, name: str) -> Iterator[None]:
    """Hold a step's lock: threads of this process wait their turn; another process fails at once."""
    lock = Lock(database, name)
    with _GUARD:
        in_process = _THREAD_LOCKS.setdefault(str(lock.path), threading.Lock())
    with in_process:
        lock.acquire()
        try:
            yield
        finally:
            lock.release()
