"""The whole catalogue with no network at all (a network namespace of its own, as on a machine
that is offline): every web source fails at once, is reported once, and the edition is still built
from the seed folder, all within the fetch timeouts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from digest.config import load_config

REPO = Path(__file__).resolve().parent.parent


def _offline_runner() -> list[str] | None:
    """A command prefix that runs a program with no network (not even loopback), if this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    probe = subprocess.run([unshare, "-rn", sys.executable, "-c", "import socket; socket.create_connection"
                            "(('127.0.0.1', 9), timeout=1)"], capture_output=True, text=True)
    return [unshare, "-rn"] if "Network is unreachable" in probe.stderr else None


@pytest.mark.skipif(_offline_runner() is None, reason="needs `unshare -rn` (a network namespace of its own)")
def test_the_whole_catalogue_offline_fails_each_web_source_once_and_builds_the_edition(write_config, seed_dir,
                                                                                       tmp_path):
    timeout = 5
    config = write_config(catalogue={"areas": "all"}, fetch={"timeout": timeout, "retries": 3, "backoff": 1.0})
    web = [s for s in load_config(config).sources if s.kind != "folder"]
    assert len(web) > 100
    started = time.monotonic()
    result = subprocess.run([*(_offline_runner() or []), sys.executable, "-m", "digest", "--config", str(config),
                             "run", "--once"], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-2000:]
    assert elapsed < 3 * timeout, f"{elapsed:.1f} s"  # one request's deadline, not one per source
    lines = result.stdout.splitlines()
    assert "seeds: 5 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in lines
    for source in web:
        mine = [line for line in lines if line.startswith(f"{source.name}: ")]
        assert len(mine) == 1 and mine[0].startswith(f"{source.name}: FAILED: "), (source.name, mine)
        assert "cannot connect" in mine[0]
    edition = " ".join(next((tmp_path / "out" / "digests").glob("*.txt")).read_text(encoding="utf-8").split())
    foot = edition[edition.index("Sources that failed"):]
    publishers = Counter(source.org or source.name for source in web)
    for publisher, count in publishers.items():  # once each (a publisher with two sources twice)
        assert foot.count(f"- {publisher}: failed 1 of 1 runs; last error: could not connect") == count, publisher
    assert foot.count(" - ") == len(web)
