"""Folder source: every .txt, .md, .html and .htm file under a path, recursively.

Unchanged files are skipped from their size and modification time alone; a file
whose time changed but whose bytes did not is noted without being re-extracted.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterator

from digest.config import FolderSource
from digest.errors import SourceError
from digest.models import Document, Failed, Unchanged
from digest.store import FileState

MEDIA_TYPES = {".txt": "text", ".md": "text", ".markdown": "text", ".html": "html", ".htm": "html"}


def list_files(root: Path) -> Iterator[Path]:
    """Document files under root in a stable order; hidden entries and README files are skipped."""
    for directory, subdirs, files in os.walk(root, onerror=_raise_walk_error):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.lower().startswith("readme"):
                continue
            if Path(name).suffix.lower() in MEDIA_TYPES:
                yield Path(directory) / name


def _raise_walk_error(error: OSError) -> None:
    raise SourceError(f"cannot list folder {error.filename}: {error.strerror}")


def read_folder(source: FolderSource, known: dict[str, FileState], default_max_bytes: int
                ) -> Iterator[Document | Unchanged | Failed]:
    root = source.path
    if not root.is_dir():
        raise SourceError(f"folder not found: {root}")
    max_bytes = source.max_bytes or default_max_bytes
    for full_path in list_files(root):
        relative = full_path.relative_to(root).as_posix()
        try:
            stat = full_path.stat()
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
            with open(full_path, "rb") as handle:
                content = handle.read(max_bytes + 1)
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
            source=source.name, content=content, media_type=MEDIA_TYPES[full_path.suffix.lower()],
            path=relative, size=stat.st_size, mtime_ns=stat.st_mtime_ns, sha256=sha,
        )
