"""Ingest under hostile folders and failing storage: only regular files inside the folder are
read, names are shown escaped, and nothing is counted as stored that was not."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from digest.cli import cli
from digest.config import load_config
from digest.pipeline import ingest
from digest.store import Store

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

STORY = """ date 2026-11-30 Knife seized in Luton town centre
Officers seized a large kitchen knife from a 19-year-old man in George Street, Luton, on Saturday evening.
He has been charged with possession of a bladed article and will appear at Luton Magistrates' Court.
"""


def _ingest(config_path: Path) -> subprocess.CompletedProcess[str]:
    """`digest ingest` in its own process, so a read that blocks fails the test instead of hanging it."""
    return subprocess.run([sys.executable, "-m", "digest", "--config", str(config_path), "ingest"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_fifo_socket_or_outside_link_named_txt_is_skipped_with_its_reason_without_blocking(
        config_path, seed_dir, tmp_path, export):
    secret = tmp_path / "secret.txt"
    secret.write_text(" date 2026-11-30 Private notes\nThe password for the mail account is hunter2.\n")
    (seed_dir / "zz-story.txt").write_text(STORY, encoding="utf-8")
    os.mkfifo(seed_dir / "pipe.txt")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(seed_dir / "socket.txt"))
    (seed_dir / "leak.txt").symlink_to(secret)
    (seed_dir / "inside.txt").symlink_to(seed_dir / "zz-story.txt")
    try:
        result = _ingest(config_path)
    finally:
        listener.close()
    assert result.returncode in (0, 1), result.stderr
    log = result.stdout + result.stderr
    assert "pipe.txt" in log and "FIFO" in log
    assert "socket.txt" in log and "socket" in log
    assert "leak.txt" in log and "outside the folder" in log
    items = export()
    paths = {item["path"] for item in items}
    assert paths & {"zz-story.txt", "inside.txt"} and "leak.txt" not in paths
    assert not any("hunter2" in (item["summary"] or "") for item in items)


def test_a_file_name_with_a_line_break_and_bad_utf8_is_shown_escaped(config_path, seed_dir, export):
    name = os.fsencode(seed_dir) + b"/evil\nERROR forged line \xff.txt"
    with open(name, "wb") as handle:
        handle.write(STORY.encode("utf-8"))
    result = _ingest(config_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not any(line.startswith("ERROR forged") for line in (result.stdout + result.stderr).splitlines())
    paths = {item["path"] for item in export()}
    assert "evil\\nERROR forged line \\xff.txt" in paths


def _bulk_config(tmp_path: Path, folder: Path) -> Path:
    config_path = tmp_path / "bulk.yaml"
    config_path.write_text(yaml.safe_dump({
        "database": str(tmp_path / "bulk.db"), "output_dir": str(tmp_path / "out"), "ingest": {"workers": 0},
        "sources": [{"name": "bulk", "kind": "folder", "path": str(folder)}],
    }), encoding="utf-8")
    return config_path


@pytest.mark.parametrize("room", [20, 60, 160])  # pages: full while writing a document, or at a commit
def test_a_full_database_counts_what_did_not_commit_as_failed_and_the_next_run_stores_it(tmp_path, room):
    from synth import write_folder

    folder = tmp_path / "bulk"
    write_folder(folder, 60, seed=8)
    config_path = _bulk_config(tmp_path, folder)
    config = load_config(config_path)
    store = Store(config.database)
    try:
        # SQLite's own "database or disk is full" (SQLITE_FULL), as a full disk gives it: the file may
        # grow by a few documents' worth of pages, in this connection (a real disk cannot be filled here).
        pages = store.db.execute("pragma page_count").fetchone()[0]
        store.db.execute(f"pragma max_page_count = {pages + room}")
        summary = ingest(config, store)[0]
        stored = store.db.execute("select count(*) from items").fetchone()[0]
        files = store.db.execute("select count(*) from files").fetchone()[0]
    finally:
        store.close()
    assert summary.failed > 0 and summary.new == stored  # never "new" for what is not stored
    assert summary.new + summary.duplicate + summary.failed == 60
    assert all("not stored" in problem.reason and "full" in problem.reason for problem in summary.problems)
    assert "not stored" in (summary.error or "")
    assert files == stored + summary.duplicate  # what did not commit is read again next time

    status = CliRunner().invoke(cli, ["--config", str(config_path), "status"], catch_exceptions=False).output
    assert "bulk" in status and "not stored" in status

    store = Store(config.database)
    try:
        again = ingest(config, store)[0]
        total = store.db.execute("select count(*) from items").fetchone()[0]
    finally:
        store.close()
    assert again.failed == 0 and again.error is None
    assert again.new + again.updated + again.duplicate == summary.failed and total == stored + again.new
