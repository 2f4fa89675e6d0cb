"""What keeps a broad search quick keeps it exact: each item's topics in its row and in the search
index (m019), the facet counts in one pass over the matches, and results kept while the database
is unchanged (a commit by an ingest starts afresh). tests/test_search.py holds the results and
counts equal to an oracle on a real server; these hold them equal across the migration and the cache.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from digest.api import weekly_stats
from digest.charts import trend, trend_stories, weeks_ending
from digest.config import Config, load_config
from digest.pipeline import ingest
from digest.search import parse_search
from digest.store import Store
from digest.store.db import Database
from digest.store.schema import newest_version
from digest.store.search import SearchIndex, ThreadSearches
from digest.store.search_columns import facet_counts, load_rows, story_count
from digest.topics import Taxonomy
from digest.weeks import week_label

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synth import write_folder

TOPICS_IN_RANK_ORDER = ("select id, topics, (select group_concat(topic, ' ') from (select topic from item_topics "
                        "where item_id = items.id order by rank)) from items")
RELEASE = """```yaml
title: {title}
url: https://news.example/kempston
published: 2026-11-18
```
{body}
"""
STABBING = ("Two men have been arrested after a teenager was stabbed in Kempston on Saturday evening. Officers "
            "were called to reports of a fight and a 17-year-old boy was taken to hospital with stab wounds. "
            "Detective Inspector Sam Okafor said knife crime devastates families.")
COUNTY_LINES = ("Officers in Kempston have closed a county lines drug line and safeguarded two children who were "
                "being exploited to sell crack cocaine and heroin. A 24-year-old man was charged with "
                "possession with intent to supply Class A drugs and will appear at Luton Magistrates' Court.")


def _folder_config(root: Path, docs: Path, database: Path | None = None) -> Config:
    path = root / "config.yaml"
    path.write_text(yaml.safe_dump({"database": str(database or root / "digest.db"), "output_dir": str(root / "out"),
                                    "ingest": {"workers": 0},
                                    "sources": [{"name": "synth", "kind": "folder", "path": str(docs)}]}),
                    encoding="utf-8")
    return load_config(path)


def _ingest(config: Config) -> None:
    store = Store(config.database)
    try:
        ingest(config, store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of 600 synthetic documents (about 120 relevant, some of them retold: stories of several items)."""
    root = tmp_path_factory.mktemp("counts")
    write_folder(root / "docs", 600, seed=23)
    config = _folder_config(root, root / "docs")
    _ingest(config)
    return config.database


def _queries(database: Path) -> list[dict[str, str]]:
    with sqlite3.connect(database) as db:
        area, org_kind = db.execute("select area, org_kind from items where relevant = 1 and area is not null "
                                    "group by area, org_kind order by count(*) desc limit 1").fetchone()
        topic = db.execute("select topic from item_topics group by topic order by count(*) desc limit 1").fetchone()[0]
    return [{}, {"q": "police"}, {"q": "knife*", "sort": "date"}, {"area": area}, {"topic": topic},
            {"q": "police", "topic": topic, "org_kind": org_kind}, {"q": "police -hospital", "area": area},
            {"topic": topic, "sort": "date", "page": "2"}, {"q": "officers", "page": "2"}]


def _answers(index: SearchIndex, queries: list[dict[str, str]]) -> list[Any]:
    found = []
    for params in queries:
        results = index.search(parse_search(params))
        found.append((results.total, [(hit.item_id, hit.others, hit.snippet_html) for hit in results.hits],
                      results.facets))
    return found


def _read_only(database: Path) -> SearchIndex:
    return SearchIndex(Database(database, read_only=True))


def test_migration_keeps_search_results_identical(archive: Path, tmp_path: Path) -> None:
    """A database from before items.topics (m018) answers every search as it does once migrated, read
    as it is by the server and after the writer's migration gives each item its topics."""
    database = tmp_path / "digest.db"
    shutil.copy2(archive, database)
    queries = _queries(database)
    current = _answers(_read_only(database), queries)
    assert sum(total for total, _, _ in current) > 0 and all(facets for _, _, facets in current)
    with sqlite3.connect(database) as db:  # the database as m018 left it
        db.execute("drop index items_search")
        db.execute("alter table items drop column topics")
        db.execute("create index items_search on items (relevant, id, cluster, area, org_kind, published, first_seen)")
        db.execute("delete from _sqlite_migrations where name = 'm019_topics_in_search_index'")
        db.execute("pragma user_version = 18")
    assert _answers(_read_only(database), queries) == current  # topics from item_topics

    Store(database).close()  # migrates
    with sqlite3.connect(database) as db:
        rows = db.execute(TOPICS_IN_RANK_ORDER).fetchall()
        assert db.execute("pragma user_version").fetchone()[0] == newest_version()
    assert all(topics == expected for _, topics, expected in rows)
    assert sum(topics is not None for _, topics, _ in rows) > 100
    assert _answers(_read_only(database), queries) == current


def test_an_items_topics_follow_its_classification(digest: Callable[..., Any], seed_dir: Path, tmp_path: Path) -> None:
    """items.topics is written with the item, new or edited, as item_topics is: in rank order."""
    path = seed_dir / "kempston.txt"
    path.write_text(RELEASE.format(title="Two arrested after stabbing in Kempston", body=STABBING), encoding="utf-8")
    assert digest("ingest").exit_code == 0
    database = tmp_path / "data" / "digest.db"

    def kempston() -> str | None:
        with sqlite3.connect(database) as db:
            rows = db.execute(TOPICS_IN_RANK_ORDER).fetchall()
            assert [(item, topics) for item, topics, expected in rows if topics != expected] == []
            found: str | None = db.execute("select topics from items where title like '%Kempston%'").fetchone()[0]
            return found

    before = kempston()
    assert before and "knife_crime" in before.split()
    path.write_text(RELEASE.format(title="County lines drug line closed in Kempston", body=COUNTY_LINES),
                    encoding="utf-8")
    result = digest("ingest")
    assert "0 new, 1 updated" in result.stdout
    after = kempston()
    assert after and "county_lines" in after.split() and "knife_crime" not in after.split()


def _more_documents(database: Path, tmp_path: Path) -> None:
    """An ingest of 300 further documents into the store, by the writer in this process."""
    write_folder(tmp_path / "more", 300, seed=29, first=600)
    _ingest(_folder_config(tmp_path, tmp_path / "more", database))


def _index(searches: ThreadSearches) -> SearchIndex:
    index = searches()
    assert index is not None
    return index


def test_results_are_kept_until_an_ingest_commits(archive: Path, tmp_path: Path) -> None:
    database = tmp_path / "digest.db"
    shutil.copy2(archive, database)
    searches = ThreadSearches(database)
    police = parse_search({"q": "police"})
    with ThreadPoolExecutor(max_workers=1) as other:  # a second server thread, with its own connection
        other.submit(searches).result()
        first = _index(searches).search(police)
        assert _index(searches).search(police) is first  # kept
        assert other.submit(lambda: _index(searches).search(police)).result() is first  # for every thread

        _more_documents(database, tmp_path)
        later = other.submit(lambda: _index(searches).search(police)).result()
        assert later.total > first.total
        assert _index(searches).search(police) == later
    queries = _queries(database)
    assert _answers(_index(searches), queries) == _answers(_read_only(database), queries)
    # Another page of a search whose counts are kept is gathered narrowed, and counted as they were.
    further = [{**params, "page": "2"} for params in queries] + [{**params, "sort": "date"} for params in queries]
    assert _answers(_index(searches), further) == _answers(_read_only(database), further)


def test_a_thread_opened_after_an_ingest_does_not_see_what_was_kept_before_it(archive: Path, tmp_path: Path) -> None:
    """A connection opened after a commit sees no change to report (its first look is after it): opening
    one starts afresh, or it would be handed what the other threads kept before the ingest."""
    database = tmp_path / "digest.db"
    shutil.copy2(archive, database)
    searches = ThreadSearches(database)
    police = parse_search({"q": "police"})
    first = _index(searches).search(police)
    _more_documents(database, tmp_path)
    found: list[Any] = []
    thread = threading.Thread(target=lambda: found.append(_index(searches).search(police)))
    thread.start()
    thread.join()
    assert found[0].total > first.total


def test_facet_counts_count_each_story_once_under_each_value_of_its_items() -> None:
    """Three stories of one item each told by Kent police, two of three items (Kent police, a paper in
    Kent, a paper with no area) and one in Essex: a story counts once under each value one of its items has."""
    import numpy as np

    rows = [(item_id, item_id, "2026-11-02", "Kent", "police", "knife_crime court") for item_id in (1, 2, 3)]
    for story in (10, 20):
        rows += [(story, story, None, "Kent", "police", "knife_crime"), (story + 1, story, None, "Kent", "news",
                 "knife_crime court"), (story + 2, story, None, None, "news", None)]
    rows.append((30, 30, None, "Essex", "pcc", "county_lines"))
    snapshot = load_rows(rows)
    every = np.ones(len(snapshot), dtype=bool)
    assert story_count(snapshot, every) == 6
    assert facet_counts(snapshot, "area", every) == [("Kent", 5), ("Essex", 1)]
    assert facet_counts(snapshot, "topic", every) == [("court", 5), ("knife_crime", 5), ("county_lines", 1)]  # ties by name
    assert facet_counts(snapshot, "org_kind", every) == [("police", 5), ("news", 2), ("pcc", 1)]
    dated = snapshot.day > 0
    assert (story_count(snapshot, dated), facet_counts(snapshot, "topic", dated)) == (3, [("court", 3), ("knife_crime", 3)])


def test_a_chosen_facets_counts_are_those_of_the_search_it_was_chosen_from(archive: Path) -> None:
    """Choosing a value keeps its facet's counts (the search without it counted them), so only the
    matches within every filter are gathered; the counts equal those counted afresh."""
    searches = ThreadSearches(archive)
    afresh = _read_only(archive)
    queries = [params for params in _queries(archive) if {"area", "topic", "org_kind"} & set(params)]
    assert len(queries) >= 3
    for params in queries:
        for name in ("area", "topic", "org_kind"):
            _index(searches).search(parse_search({key: value for key, value in params.items() if key != name}))
        assert _answers(_index(searches), [params]) == _answers(afresh, [params]), params


def _by_date(database: Path, params: dict[str, str]) -> list[int]:
    """The oracle of the date order: every match ranked, ordered by day (newest first, undated last), then
    rank, then newest id; a story led by its first item in that order."""
    search = parse_search(params)
    with sqlite3.connect(database) as db:
        rows = db.execute("select items.id, coalesce(items.cluster, -items.id), items.published, "
                          "bm25(items_fts, 5.0, 1.0) from items_fts join items on items.id = items_fts.rowid "
                          "and items.relevant = 1 where items_fts match ?", [search.query.match()]).fetchall()
    rows.sort(key=lambda row: (row[2] is None, [-ord(c) for c in row[2] or ""], row[3], -row[0]))
    leads: dict[int, int] = {}
    for item_id, story, _, _ in rows:
        leads.setdefault(story, item_id)
    first = (search.page - 1) * 20
    return list(leads.values())[first:first + 20]


def test_by_date_a_days_ties_are_broken_by_relevance(archive: Path, tmp_path: Path) -> None:
    """By date, relevance is computed only for the days a page shows; the order is the same as if every
    match had been ranked. Most matches share one of four days here (a few are undated), so every page
    is ordered within a day by rank."""
    database = tmp_path / "digest.db"
    shutil.copy2(archive, database)
    with sqlite3.connect(database) as db:
        db.execute("update items set published = case when id % 13 = 0 then null "
                   "else '2026-11-0' || (id % 4 + 1) end")
    index = _read_only(database)
    shown = 0
    for params in ({"q": "police"}, {"q": "officers", "page": "2"}, {"q": "police", "page": "3"},
                   {"q": "knife*", "page": "4"}, {"q": "arrested"}):
        params = {**params, "sort": "date"}
        leads = [hit.item_id for hit in index.search(parse_search(params)).hits]
        assert leads == _by_date(database, params), params
        shown += len(leads)
    assert shown >= 60


def test_weekly_stats_read_only_the_stories_of_their_area_and_topic(archive: Path, tmp_path: Path) -> None:
    """/api/v1/stats of an area and a topic reads the items of the stories with such an item, not the
    whole year, and counts what narrowing the whole year's trend counts: a story by its first item's
    area and topics, dated by its earliest item. Here a story's later items are moved to another area."""
    database = tmp_path / "digest.db"
    shutil.copy2(archive, database)
    with sqlite3.connect(database) as db:
        db.execute("update items set area = 'Elsewhere' where id > (select min(other.id) from items other "
                   "where coalesce(other.cluster, other.id) = coalesce(items.cluster, items.id))")
        moved = db.execute("select count(*) from items where area = 'Elsewhere' and relevant = 1").fetchone()[0]
        areas = [row[0] for row in db.execute("select distinct area from items where relevant = 1 and area is not null")]
        topics = [row[0] for row in db.execute("select distinct topic from item_topics")]
        newest = db.execute("select max(first_seen) from items").fetchone()[0]
    assert moved >= 5
    config = _folder_config(tmp_path, tmp_path, database)
    index = _read_only(database)
    now = datetime.fromisoformat(newest)
    whole = trend(trend_stories(index.relevant_since(now - timedelta(weeks=110)), Taxonomy(config.classify.topics)),
                  weeks_ending(week_label(now, config.tz), config.tz, 104), "")
    for params in [{"area": area} for area in areas] + [{"topic": topic} for topic in topics] + [
            {"area": area, "topic": topic} for area in areas[:4] for topic in topics[:4]]:
        stats = weekly_stats(config, index, {**params, "weeks": "104"}, now)
        narrowed = whole.narrowed([params["area"]] if "area" in params else [],
                                  [params["topic"]] if "topic" in params else [], "")
        assert [week["stories"] for week in stats["weeks"]] == narrowed.overall.counts, params
        assert stats["undated"] == narrowed.undated, params


def test_the_columns_kept_follow_every_change_to_the_items(archive: Path, tmp_path: Path) -> None:
    """The server reads again only the items its change log (m021) names: after each kind of write a
    store's items take (new stories and copies joining them, new areas and topics, an item leaving the
    relevant ones and coming back, a deletion), every answer equals one from columns read afresh."""
    database = tmp_path / "digest.db"
    shutil.copy2(archive, database)
    searches = ThreadSearches(database)
    queries = [*_queries(database), {"area": "Nowhere Shire"}, {"topic": "brand_new_topic"}, {"q": "police", "page": "3"}]
    _answers(_index(searches), queries)  # the columns read once
    with sqlite3.connect(database) as db:
        relevant = [row[0] for row in db.execute("select id from items where relevant = 1 order by id")]
    writes = [
        ("update items set area = 'Nowhere Shire', org_kind = 'news' where id in (?, ?)", relevant[:2]),
        ("update items set topics = 'brand_new_topic knife_crime', published = '2026-12-01' where id = ?", relevant[2:3]),
        ("update items set cluster = ? where id = ?", [relevant[3], relevant[4]]),  # a copy joins a story
        ("update items set relevant = 0 where id = ?", relevant[5:6]),
        ("update items set relevant = 1 where id = ?", relevant[5:6]),
        ("delete from items where id = ?", relevant[6:7]),
        ("update items set published = null where id = ?", relevant[7:8]),
    ]
    for sql, params in writes:
        with sqlite3.connect(database) as db:
            db.execute(sql, params)
        assert _answers(_index(searches), queries) == _answers(_read_only(database), queries), sql
    _more_documents(database, tmp_path)  # an ingest's new items
    assert _answers(_index(searches), queries) == _answers(_read_only(database), queries)
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from search_changes").fetchone()[0] >= len(writes)


def test_weekly_stats_are_kept_until_an_ingest_commits(archive: Path, tmp_path: Path) -> None:
    """Counting a year's stories takes a tenth of a second at 500,000 items: the stats are kept with the
    search results while the database is unchanged, and counted again after a commit."""
    database = tmp_path / "digest.db"
    shutil.copy2(archive, database)
    searches = ThreadSearches(database)
    config = _folder_config(tmp_path, tmp_path, database)
    with sqlite3.connect(database) as db:
        now = datetime.fromisoformat(db.execute("select max(first_seen) from items").fetchone()[0]) + timedelta(days=1)
    first = weekly_stats(config, _index(searches), {"weeks": "52"}, now)
    assert weekly_stats(config, _index(searches), {"weeks": "52"}, now) is first
    assert weekly_stats(config, _index(searches), {"weeks": "12"}, now) is not first  # another question
    _more_documents(database, tmp_path)
    later = weekly_stats(config, _index(searches), {"weeks": "52"}, now)
    assert later is not first and sum(week["stories"] for week in later["weeks"]) > sum(
        week["stories"] for week in first["weeks"])


def test_a_thread_whose_read_began_before_a_commit_never_gets_newer_columns(archive: Path, tmp_path: Path) -> None:
    """Columns and matches must come from one moment of the store: a connection whose read began before
    a commit that another thread's refresh has seen is told to begin again (None), never handed columns
    newer than its matches; begun again, it shares the one refreshed snapshot."""
    from digest.store.search_columns import SearchColumns, change_seq

    database = tmp_path / "digest.db"
    shutil.copy2(archive, database)
    columns = SearchColumns()
    early, late = (sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
                   for _ in range(2))
    early.execute("begin")
    seen = change_seq(early)
    assert seen is not None and columns.at(early, seen) is not None
    with sqlite3.connect(database) as db:
        db.execute("update items set area = 'Nowhere Shire' where id = (select min(id) from items where relevant = 1)")
    newer = columns.at(late, change_seq(late))
    assert newer is not None and newer.seq > seen and "Nowhere Shire" in newer.codes.areas
    assert change_seq(early) == seen and columns.at(early, seen) is None  # its read is older: it begins again
    early.execute("rollback")
    early.execute("begin")
    assert columns.at(early, change_seq(early)) is newer
    early.execute("rollback")


def test_an_index_entry_of_an_item_no_longer_relevant_is_left_out_not_an_error(archive: Path, tmp_path: Path) -> None:
    database = tmp_path / "digest.db"
    shutil.copy2(archive, database)
    with sqlite3.connect(database) as db:  # an index out of step with its items: a stray entry
        item_id, title, body = db.execute("select id, title, body from items where relevant = 0 limit 1").fetchone()
        db.execute("insert into items_fts (rowid, title, body) values (?, ?, ?)", [item_id, title + " zqxstray", body])
    for sort in ("relevance", "date"):
        results = _read_only(database).search(parse_search({"q": "zqxstray", "sort": sort}))
        assert (results.total, results.hits) == (0, [])
    assert _read_only(database).search(parse_search({"q": "police"})).total > 0
