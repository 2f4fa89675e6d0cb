"""The full-text index (FTS5 over title and body) follows every way an item is written.

New items of a folder enter the index together when their batch commits; web items one by
one; edited items through the update trigger, which needs the old text to be indexed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_web_sources import _police

RELEASE = """```yaml
title: Two arrested after stabbing in {town}
url: https://news.example/{slug}
published: 2026-11-18
```
Two men have been arrested after a teenager was stabbed in {town} on Saturday evening.

Officers were called to the high street at about 9.40pm to reports of a fight. A 17-year-old boy
was taken to hospital with stab wounds that are not thought to be life-threatening.

Detective Inspector Sam Okafor said: "Knife crime devastates families and we will not tolerate it
on our streets. Anyone with information should contact us."
"""


def _search(db_path: Path, query: str) -> list[str]:
    with sqlite3.connect(db_path) as db:
        db.execute("insert into items_fts (items_fts) values ('integrity-check')")  # raises if inconsistent
        return [row[0] for row in db.execute(
            "select items.title from items_fts join items on items.id = items_fts.rowid "
            "where items_fts match ? order by items.id", [query])]


def _ingest(digest, config: Path | None = None) -> str:
    result = digest("ingest", config=config)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_folder_items_are_searchable_with_stems(digest, seed_dir, tmp_path):
    (seed_dir / "kempston.txt").write_text(RELEASE.format(town="Kempston", slug="kempston"), encoding="utf-8")
    _ingest(digest)
    db_path = tmp_path / "data" / "digest.db"
    assert _search(db_path, "kempston") == ["Two arrested after stabbing in Kempston"]
    # porter stems: "stab", "stabbed" and "stabbing" are one term
    assert "Two arrested after stabbing in Kempston" in _search(db_path, "stab")
    with sqlite3.connect(db_path) as db:
        items, indexed = db.execute("select (select count(*) from items), (select count(*) from items_fts)").fetchone()
    assert items == indexed == 6


def test_two_files_stating_one_url_in_one_batch_are_both_searchable(digest, seed_dir, tmp_path):
    """Two files stating one URL: two items of one story, both indexed, neither text replacing the other."""
    (seed_dir / "a-kempston.txt").write_text(RELEASE.format(town="Kempston", slug="one"), encoding="utf-8")
    (seed_dir / "b-biggleswade.txt").write_text(RELEASE.format(town="Biggleswade", slug="one"), encoding="utf-8")
    assert "7 new, 0 updated" in _ingest(digest)
    db_path = tmp_path / "data" / "digest.db"
    assert _search(db_path, "kempston") == ["Two arrested after stabbing in Kempston"]
    assert _search(db_path, "biggleswade") == ["Two arrested after stabbing in Biggleswade"]


def test_edited_file_is_searched_by_its_new_text(digest, seed_dir, tmp_path):
    path = seed_dir / "kempston.txt"
    path.write_text(RELEASE.format(town="Kempston", slug="kempston"), encoding="utf-8")
    _ingest(digest)
    path.write_text(RELEASE.format(town="Sandy", slug="kempston"), encoding="utf-8")
    assert "0 new, 1 updated" in _ingest(digest)
    db_path = tmp_path / "data" / "digest.db"
    assert _search(db_path, "kempston") == []
    assert _search(db_path, "sandy") == ["Two arrested after stabbing in Sandy"]


def test_web_items_are_searchable_when_relevant(web, web_config, digest, tmp_path):
    """Relevant items are searchable; the others are not in the index (search shows none of them)."""
    config = web_config(_police(web))
    assert "6 new" in _ingest(digest, config)
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        rows = db.execute("select title, relevant from items order by id").fetchall()
    relevant = [title for title, flag in rows if flag]
    left_out = [title for title, flag in rows if not flag]
    assert relevant and left_out
    word = relevant[0].split()[-1]
    assert relevant[0] in _search(tmp_path / "data" / "digest.db", f'"{word}"')
    assert _search(tmp_path / "data" / "digest.db", "police OR the") == relevant
    assert _search(tmp_path / "data" / "digest.db", f'"{left_out[0]}"') == []


def test_an_item_becoming_relevant_or_not_enters_or_leaves_the_index(digest, seed_dir, tmp_path):
    (seed_dir / "kempston.txt").write_text(RELEASE.format(town="Kempston", slug="kempston"), encoding="utf-8")
    _ingest(digest)
    db_path = tmp_path / "data" / "digest.db"
    with sqlite3.connect(db_path) as db:
        db.execute("update items set relevant = 0 where title like '%Kempston%'")
    assert _search(db_path, "kempston") == []
    with sqlite3.connect(db_path) as db:
        db.execute("update items set relevant = 1 where title like '%Kempston%'")
    assert _search(db_path, "kempston") == ["Two arrested after stabbing in Kempston"]
    with sqlite3.connect(db_path) as db:
        db.execute("delete from items where title like '%Kempston%'")
    assert _search(db_path, "kempston") == []


def test_document_failing_halfway_through_its_writes_leaves_nothing_behind(digest, seed_dir, tmp_path):
    """Each document of a batch is its own savepoint: one whose writes fail after its item row,
    topics and figures are written is undone alone; the documents around it are kept and indexed."""
    _ingest(digest)  # creates the database
    db_path = tmp_path / "data" / "digest.db"
    with sqlite3.connect(db_path) as db:  # the Shefford story's last write will fail
        db.execute("create trigger fail_shefford before insert on item_signatures when "
                   "(select title from items where id = new.item_id) like '%Shefford' "
                   "begin select raise(abort, 'disk said no'); end")
    for town in ("Kempston", "Shefford", "Sandy"):  # read in this order, in one batch
        (seed_dir / f"{town.lower()}.txt").write_text(RELEASE.format(town=town, slug=town.lower()), encoding="utf-8")
    output = _ingest(digest)
    assert "2 new" in output and "1 failed" in output
    with sqlite3.connect(db_path) as db:
        leftovers = db.execute(
            "select (select count(*) from items where title like '%Shefford'),"
            " (select count(*) from item_topics where item_id not in (select id from items)),"
            " (select count(*) from figures where item_id not in (select id from items)),"
            " (select count(*) from files where path = 'shefford.txt')").fetchone()
    assert leftovers == (0, 0, 0, 0)
    assert _search(db_path, "kempston OR shefford OR sandy") == ["Two arrested after stabbing in Kempston",
                                                                 "Two arrested after stabbing in Sandy"]
    with sqlite3.connect(db_path) as db:
        db.execute("drop trigger fail_shefford")
    assert "1 new" in _ingest(digest)  # not remembered as read: the next run takes it
    assert _search(db_path, "shefford") == ["Two arrested after stabbing in Shefford"]
