"""The code to compare against, for the side-by-side benchmarks: a git revision checked out in a
temporary worktree (removed afterwards), or a checkout already there."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def base_code(revision: str | None, path: Path | None, workdir: Path) -> Iterator[Path]:
    """The base code's directory: `path` as it is, or `revision` checked out under `workdir`."""
    base = path or workdir / "base"
    if revision:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(base), revision],
                       check=True)
    try:
        yield base
    finally:
        if revision:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
            shutil.rmtree(base, ignore_errors=True)
