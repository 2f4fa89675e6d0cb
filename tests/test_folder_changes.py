"""Editing, adding, copying and deleting files in a watched folder."""

from __future__ import annotations

import os
import shutil
import sqlite3

NEW_RELEASE = """ date 2026-11-18 Two arrested after stabbing in Kempston
Two men have been arrested after a teenager was stabbed in Kempston on Saturday evening.

Officers were called to Bedford Road at about 9.40pm to reports of a fight. A 17-year-old boy was taken
to hospital with stab wounds that are not thought to be life-threatening.

Detective Inspector Sam Okafor, from Bedfordshire Police, said: "Knife crime devastates families and we
will not tolerate it on our streets. Anyone with information should contact us."
"""


def _ingest(digest) -> str:
    result = digest("ingest")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_unchanged_files_are_skipped_without_reading(digest, export, seed_dir):
    """Size and modification time decide: same stat, no read (proved by bytes it never notices)."""
    _ingest(digest)
    path = seed_dir / "002_1e75195c5c38274b.txt"
    stat = path.stat()
    content = path.read_bytes()
    path.write_bytes(content.replace(b"75 representatives", b"99 representatives"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    out = _ingest(digest)
    assert "0 new, 0 updated, 0 duplicate, 5 unchanged, 0 failed" in out
    assert "75 representatives" in next(i for i in export() if i["path"] == path.name)["summary"]


def test_touched_but_identical_file_is_not_reprocessed(digest, export, seed_dir):
    _ingest(digest)
    before = export()
    path = seed_dir / "002_1e75195c5c38274b.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    out = _ingest(digest)
    assert "5 unchanged" in out
    assert export() == before


def test_edited_file_updates_its_item_in_place(digest, export, seed_dir):
    _ingest(digest)
    before = {item["path"]: item for item in export()}
    path = seed_dir / "002_1e75195c5c38274b.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("more than 75 representatives", "more than 90 representatives"), encoding="utf-8")
    out = _ingest(digest)
    assert "0 new, 1 updated, 0 duplicate, 4 unchanged" in out
    after = {item["path"]: item for item in export()}
    assert len(after) == 5
    edited = after[path.name]
    assert edited["id"] == before[path.name]["id"]
    assert edited["first_seen"] == before[path.name]["first_seen"]
    assert "90 representatives" in edited["summary"]


def test_added_file_becomes_a_new_item(digest, export, seed_dir):
    _ingest(digest)
    (seed_dir / "kempston.txt").write_text(NEW_RELEASE, encoding="utf-8")
    out = _ingest(digest)
    assert "1 new, 0 updated, 0 duplicate, 5 unchanged" in out
    item = next(i for i in export() if i["path"] == "kempston.txt")
    assert item["title"] == "Two arrested after stabbing in Kempston"
    assert item["published"] == "2026-11-18"
    assert item["area"] == "Bedfordshire"
    assert "knife_crime" in item["topics"] and item["relevant"]


def test_copy_under_another_name_is_an_alias(digest, export, seed_dir):
    _ingest(digest)
    shutil.copy(seed_dir / "001_1fa40bf0c9897c04.txt", seed_dir / "commissioner-blog-copy.txt")
    shutil.copy(seed_dir / "000_b20f7c643c2cc7b4.txt", seed_dir / "with-url-copy.txt")  # states a URL
    # A text-identical copy: same words, different line endings and spacing.
    original = (seed_dir / "002_1e75195c5c38274b.txt").read_text(encoding="utf-8")
    (seed_dir / "sub").mkdir()
    (seed_dir / "sub" / "northants.md").write_text(original.replace("\n", "  \r\n"), encoding="utf-8")
    out = _ingest(digest)
    assert "0 new, 0 updated, 3 duplicate, 5 unchanged" in out
    items = export()
    assert len(items) == 5
    by_path = {item["path"]: item for item in items}
    assert by_path["000_b20f7c643c2cc7b4.txt"]["aliases"] == ["with-url-copy.txt"]
    assert by_path["001_1fa40bf0c9897c04.txt"]["aliases"] == ["commissioner-blog-copy.txt"]
    assert by_path["002_1e75195c5c38274b.txt"]["aliases"] == ["sub/northants.md"]
    assert "duplicate" in _ingest(digest) and "0 duplicate, 8 unchanged" in _ingest(digest)


def test_deleted_file_keeps_its_item(digest, export, seed_dir, tmp_path):
    _ingest(digest)
    before = export()
    (seed_dir / "003_0fc0534938e8ed63.txt").unlink()
    out = _ingest(digest)
    assert "4 unchanged, 0 failed, 1 no longer present" in out
    assert export() == before
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        missing = db.execute("select path from files where missing_since is not null").fetchall()
    assert missing == [("003_0fc0534938e8ed63.txt",)]


def test_restored_file_is_not_a_new_item(digest, export, seed_dir):
    _ingest(digest)
    path = seed_dir / "003_0fc0534938e8ed63.txt"
    content = path.read_bytes()
    path.unlink()
    _ingest(digest)
    path.write_bytes(content)
    out = _ingest(digest)
    assert "0 new" in out and len(export()) == 5


def test_edited_copy_stops_being_an_alias(digest, export, seed_dir):
    _ingest(digest)
    copy = seed_dir / "copy.txt"
    copy.write_text(NEW_RELEASE, encoding="utf-8")
    _ingest(digest)
    shutil.copy(seed_dir / "kempston.txt" if (seed_dir / "kempston.txt").exists() else copy, seed_dir / "again.txt")
    assert "1 duplicate" in _ingest(digest)
    (seed_dir / "again.txt").write_text(NEW_RELEASE.replace("Kempston", "Bedford"), encoding="utf-8")
    out = _ingest(digest)
    assert "1 new" in out
    items = {item["path"]: item for item in export()}
    assert items["copy.txt"]["aliases"] == []
    assert items["again.txt"]["title"] == "Two arrested after stabbing in Bedford"
