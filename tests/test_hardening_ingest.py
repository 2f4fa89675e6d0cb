"""Ingest under hostile folders and failing storage: only regular files inside the folder are
read, names are shown escaped, and nothing is counted as stored that was not."""

from __future__ import annotations

import os
import socket
import sqlite3
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


@pytest.mark.parametrize("room", [20, 60, 140])  # pages: full while writing a document, or at a commit
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


FIRST = """```yaml
url: https://www.beds.police.uk/news/bedford-knife-arrest
title: Man arrested after knife found in Bedford High Street
publish:
  date: 30 Nov 2026
```

Officers arrested a 23-year-old man on Monday after a knife was found in a bag in Bedford High Street.
He remains in custody while enquiries continue, and patrols have been stepped up in the town centre.
"""
SECOND = """```yaml
url: https://www.beds.police.uk/news/bedford-knife-arrest
title: Bedford man charged with carrying a knife
publish:
  date: 1 Dec 2026
```

A 23-year-old man from Bedford has been charged with possession of a bladed article in a public place.
He was remanded to appear at Luton Magistrates' Court, where the case will be heard later this month.
"""


def _two_folders_config(tmp_path: Path, *folders: Path) -> Path:
    config_path = tmp_path / "two.yaml"
    config_path.write_text(yaml.safe_dump({
        "database": str(tmp_path / "two.db"), "output_dir": str(tmp_path / "out"),
        "sources": [{"name": folder.name, "kind": "folder", "path": str(folder)} for folder in folders],
    }), encoding="utf-8")
    return config_path


def _bodies(config_path: Path) -> dict[str, tuple[str, str, int]]:
    """Each item's (source, body, cluster) by its title."""
    config = load_config(config_path)
    store = Store(config.database)
    try:
        return {title: (source, body, cluster) for title, source, body, cluster in store.db.execute(
            "select title, source, body, coalesce(cluster, id) from items")}
    finally:
        store.close()


def test_another_source_stating_a_stored_url_never_replaces_its_text(tmp_path):
    force, other = tmp_path / "force", tmp_path / "other"
    force.mkdir(), other.mkdir()
    (force / "arrest.txt").write_text(FIRST, encoding="utf-8")
    (other / "charged.txt").write_text(SECOND, encoding="utf-8")
    config_path = _two_folders_config(tmp_path, force, other)
    config = load_config(config_path)
    store = Store(config.database)
    try:
        first = ingest(config, store, ["force"])[0]
        second = ingest(config, store, ["other"])[0]
        aliases = store.db.execute("select source, path from aliases").fetchall()
    finally:
        store.close()
    bodies = _bodies(config_path)
    assert list(bodies) == ["Man arrested after knife found in Bedford High Street"]
    assert "bag in Bedford High Street" in bodies["Man arrested after knife found in Bedford High Street"][1]
    assert first.new == 1 and second.duplicate == 1 and second.updated == 0
    assert ("other", "charged.txt") in aliases


def test_two_files_stating_one_url_are_two_items_of_one_story(tmp_path):
    folder = tmp_path / "force"
    folder.mkdir()
    (folder / "a-arrest.txt").write_text(FIRST, encoding="utf-8")
    (folder / "b-charged.txt").write_text(SECOND, encoding="utf-8")
    config_path = _two_folders_config(tmp_path, folder)
    config = load_config(config_path)
    store = Store(config.database)
    try:
        summary = ingest(config, store)[0]
        again = ingest(config, store)[0]
    finally:
        store.close()
    bodies = _bodies(config_path)
    arrest = bodies["Man arrested after knife found in Bedford High Street"]
    charged = bodies["Bedford man charged with carrying a knife"]
    assert summary.new == 2 and again.unchanged == 2 and again.new == again.updated == 0
    assert "bag in Bedford High Street" in arrest[1] and "remanded" in charged[1]
    assert arrest[2] == charged[2]  # one story


def _seeded(config_path: Path) -> Path:
    """The database after a first ingest of the seeds."""
    assert _ingest(config_path).returncode == 0
    return config_path.parent / "data" / "digest.db"


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_a_database_from_a_newer_digest_is_refused_naming_both_versions(config_path):
    database = _seeded(config_path)
    with sqlite3.connect(database) as db:
        db.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                   "values ('digest', 'm099_from_the_future', '2027-06-01')")
        db.execute("pragma user_version = 99")  # as that digest stamps it
    line = _one_error_line(_ingest(config_path))
    assert "schema version 99" in line and "knows up to version" in line


def test_a_read_only_database_gives_one_error_line_and_nothing_is_written(config_path, seed_dir):
    database = _seeded(config_path)
    (seed_dir / "zz-story.txt").write_text(STORY, encoding="utf-8")
    before = database.read_bytes()
    # Read-only for root too: the immutable attribute (plain permissions do not bind root).
    made_immutable = subprocess.run(["chattr", "+i", str(database)], capture_output=True, check=False).returncode == 0
    if not made_immutable:
        database.chmod(0o444)
        assert os.geteuid() != 0, "cannot make the database read-only here: chattr failed and we are root"
    try:
        line = _one_error_line(_ingest(config_path))
    finally:
        subprocess.run(["chattr", "-i", str(database)], capture_output=True, check=False)
        database.chmod(0o644)
    assert "read-only" in line
    assert database.read_bytes() == before


@pytest.mark.parametrize("table", ["files", "items"])  # found before the first document, or while storing one
def test_a_malformed_database_stops_the_ingest_with_one_error_line(config_path, seed_dir, table):
    database = _seeded(config_path)
    with sqlite3.connect(database) as db:
        db.execute("pragma wal_checkpoint(truncate)")
        page_size = db.execute("pragma page_size").fetchone()[0]
        root = db.execute("select rootpage from sqlite_master where name = ?", [table]).fetchone()[0]
    with open(database, "r+b") as handle:  # the table's first page: the schema still reads
        handle.seek((root - 1) * page_size)
        handle.write(b"\xde\xad" * (page_size // 2))
    (seed_dir / "zz-story.txt").write_text(STORY, encoding="utf-8")
    before = database.read_bytes()
    line = _one_error_line(_ingest(config_path))
    assert "malformed" in line
    wal = database.with_name(database.name + "-wal")
    assert database.read_bytes() == before and (not wal.exists() or wal.stat().st_size == 0)
    if table == "items":  # other commands that meet it say so in one line too
        export = subprocess.run([sys.executable, "-m", "digest", "--config", str(config_path), "export"], cwd=REPO,
                                capture_output=True, text=True, timeout=120, check=False)
        assert "malformed" in _one_error_line(export)
