"""Folder source: every .txt, .md, .html and .htm file under a path, recursively.

Unchanged files are skipped from their size and modification time alone; a file
whose time changed but whose bytes did not is noted without being re-extracted.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_module
from collections.abc import Iterator
from pathlib import Path

from digest.config import FolderSource
from digest.errors import SourceError
from digest.models import Document, Failed, FileState, Unchanged

MEDIA_TYPES = {".txt": "text", ".md": "text", ".markdown": "text", ".html": "html", ".htm": "html"}


def list_files(root: Path) -> Iterator[tuple[str, str]]:
    """(full path, path relative to root with "/") of the document files under root, in a stable
    order; hidden entries and README files are skipped. Plain strings: a big folder is read
    faster without a Path object per file."""
    top = os.fspath(root)
    for directory, subdirs, files in os.walk(top, onerror=_raise_walk_error):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        prefix = os.path.relpath(directory, top).replace(os.sep, "/") + "/" if directory != top else ""
        for name in sorted(files):
            if name.startswith(".") or name.lower().startswith("readme"):
                continue
            if _suffix(name) in MEDIA_TYPES:
                yield os.path.join(directory, name), shown_name(prefix + name)


def shown_name(relative: str) -> str:
    """A file name as it is stored, logged and shown: bytes that are not UTF-8 and control
    characters (a line break in a name would forge a log line) as backslash escapes."""
    text = os.fsencode(relative).decode("utf-8", "backslashreplace")
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _raise_walk_error(error: OSError) -> None:
    raise SourceError(f"cannot list folder {error.filename}: {error.strerror}")


def read_folder(source: FolderSource, known: dict[str, FileState], default_max_bytes: int
                ) -> Iterator[Document | Unchanged | Failed]:
    root = source.path
    if not root.is_dir():
        raise SourceError(f"folder not found: {root}")
    max_bytes = source.max_bytes or default_max_bytes
    real_root = os.path.realpath(root)
    for full_path, relative in list_files(root):
        try:
            stat = os.lstat(full_path)
            if stat_module.S_ISLNK(stat.st_mode):
                full_path = _inside(full_path, real_root)
                stat = os.stat(full_path)
            _check_regular(stat)
        except (OSError, _Skipped) as exc:
            yield Failed(source.name, relative, f"cannot read file ({_reason(exc)})")
            continue
        state = known.get(relative)
        if state and state.size == stat.st_size and state.mtime_ns == stat.st_mtime_ns:
            yield Unchanged(source.name, relative, stat.st_size, stat.st_mtime_ns)
            continue
        if stat.st_size > max_bytes:
            yield Failed(source.name, relative, f"file is over the size limit ({stat.st_size:,} bytes > {max_bytes:,})")
            continue
        try:
            content = _read(full_path, max_bytes + 1, stat)
        except (OSError, _Skipped) as exc:
            yield Failed(source.name, relative, f"cannot read file ({_reason(exc)})")
            continue
        if len(content) > max_bytes:
            yield Failed(source.name, relative, f"file is over the size limit (> {max_bytes:,} bytes)")
            continue
        sha = hashlib.sha256(content).hexdigest()
        if state and state.sha256 == sha:
            yield Unchanged(source.name, relative, stat.st_size, stat.st_mtime_ns, sha)
            continue
        yield Document(
            source=source.name, content=content, media_type=MEDIA_TYPES[_suffix(relative)],
            path=relative, size=stat.st_size, mtime_ns=stat.st_mtime_ns, sha256=sha,
        )


class _Skipped(Exception):
    """A name in the folder that is not a regular file inside it."""


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def _inside(path: str, real_root: str) -> str:
    """The real path a symbolic link names, which must be inside the folder (it may point
    elsewhere: /etc/passwd named news.txt)."""
    real = os.path.realpath(path)
    if os.path.commonpath([real, real_root]) != real_root:
        raise _Skipped("a symbolic link to outside the folder; skipped")
    return real


_KINDS = ((stat_module.S_ISFIFO, "a FIFO"), (stat_module.S_ISSOCK, "a socket"), (stat_module.S_ISCHR, "a device"),
          (stat_module.S_ISBLK, "a device"), (stat_module.S_ISDIR, "a directory"))


def _check_regular(stat: os.stat_result) -> None:
    if not stat_module.S_ISREG(stat.st_mode):
        kind = next((name for test, name in _KINDS if test(stat.st_mode)), "not a file")
        raise _Skipped(f"not a regular file but {kind}; skipped")


def _read(path: str, limit: int, expected: os.stat_result) -> bytes:
    """Up to `limit` bytes of a file (unbuffered: one read for a whole small file). Opened without
    blocking, and read only if it is still the regular file that was looked at: a FIFO put in
    its place meanwhile would block the read for ever."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with open(descriptor, "rb", buffering=0) as handle:
        opened = os.fstat(descriptor)
        _check_regular(opened)
        if (opened.st_dev, opened.st_ino) != (expected.st_dev, expected.st_ino):
            raise _Skipped("the file changed while it was read; skipped until the next run")
        chunks = []
        while limit > 0 and (chunk := handle.read(min(limit, 1 << 20))):
            chunks.append(chunk)
            limit -= len(chunk)
    return b"".join(chunks)
