"""The code to compare against, for the side-by-side benchmarks: a git revision checked out in a
temporary worktree (removed afterwards), or a checkout already there."""

from __future__ import annotations

import shutil
import subprocess
import sys
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


def byte_compiled(code: Path) -> Path:
    """`code` with its package's modules compiled to bytecode, as `pip install` leaves an installed
    tool (rss2email in the peer benchmark): an editable checkout under PYTHONDONTWRITEBYTECODE would
    otherwise compile every module it imports, on every start (about 70 ms for `run --once`)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "digest")], check=True)
    return code
