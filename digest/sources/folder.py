"""Folder source: every .txt, .md, .html and .htm file under a path, recursively.

Unchanged files are skipped from their size and modification time alone; a file
whose time changed but whose bytes did not is noted without being re-extracted.
"""

from __future__ import annotations

import hashlib
import os
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
                yield os.path.join(directory, name), prefix + name


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
    for full_path, relative in list_files(root):
        try:
            stat = os.stat(full_path)
        except OSError as exc:
            yield Failed(source.name, relative, f"cannot read file ({exc.strerror or exc})")
            continue
        state = known.get(relative)
        if state and state.size == stat.st_size and state.mtime_ns == stat.st_mtime_ns:
            yield Unchanged(source.name, relative, stat.st_size, stat.st_mtime_ns)
            continue
        if stat.st_size > max_bytes:
            yield Failed(source.name, relative, f"file is over the size limit ({stat.st_size:,} bytes > {max_bytes:,})")
            continue
        try:
            content = _read(full_path, max_bytes + 1)
        except OSError as exc:
            yield Failed(source.name, relative, f"cannot read file ({exc.strerror or exc})")
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


def _read(path: str, limit: int) -> bytes:
    """Up to `limit` bytes of a file (unbuffered: one read for a whole small file)."""
    with open(path, "rb", buffering=0) as handle:
        chunks = []
        while limit > 0 and (chunk := handle.read(min(limit, 1 << 20))):
            chunks.append(chunk)
            limit -= len(chunk)
    return b"".join(chunks)
