"""Several sources read in parallel threads, stored by one writer: the same items as one source at a
time, each source's order kept, a broken source reported alone."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Generator
from contextlib import closing
from pathlib import Path

import pytest

from digest.parallel import in_threads

RSS = {"/feed/": "application/rss+xml; charset=UTF-8", "/atom/feed.xml": "application/atom+xml"}


def _sources(web) -> list[dict]:
    web.site("police")
    web.site("pcc", content_types=RSS)
    web.site("atom", prefix="/atom/", content_types=RSS)
    return [
        {"name": "seeds", "kind": "folder", "path": "seeds"},
        {"name": "police", "kind": "webpage", "url": web.url("/news/bedfordshire/news/"), "area": "Bedfordshire",
         "org_kind": "police", "max_pages": 3},
        {"name": "gone", "kind": "webpage", "url": web.url("/no/such/listing/")},
        {"name": "pcc", "kind": "feed", "url": web.url("/feed/"), "full_text": True, "org_kind": "pcc"},
        {"name": "paper", "kind": "feed", "url": web.url("/atom/feed.xml"), "org_kind": "news"},
    ]


def _stored(database: Path) -> set[tuple]:
    # Closed at once, not when collected: the file is renamed next, and a connection closed later
    # would copy its log (found by the old name, the new store's by then) into the renamed file.
    with closing(sqlite3.connect(database)) as db:
        return set(db.execute("select source, coalesce(url, path), title, area, org_kind, relevant from items"))


def test_sources_in_parallel_store_what_one_at_a_time_stores(web, web_config, digest, tmp_path, seed_dir):
    sources = _sources(web)
    config = web_config(*sources)
    together = digest("ingest", config=config)
    lines = together.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [s["name"] for s in sources]  # config order
    assert lines[2].startswith("gone: FAILED: ") and "HTTP 404" in lines[2]
    assert "seeds: 5 new" in lines[0] and "police: 6 new" in lines[1] and "pcc: 3 new" in lines[3]
    parallel = _stored(tmp_path / "data" / "digest.db")

    (tmp_path / "data" / "digest.db").rename(tmp_path / "parallel.db")
    for source in sources:
        digest("ingest", "--source", source["name"], config=config)
    assert _stored(tmp_path / "data" / "digest.db") == parallel and len(parallel) == 17

    again = digest("ingest", config=config).stdout  # the writer stored every listing's and feed's validators
    assert "police: 0 new" in again and again.count("(not modified since the last run)") == 3
    with closing(sqlite3.connect(tmp_path / "parallel.db")) as db:
        logged = db.execute("select count(*), count(distinct source) from fetch_log").fetchone()
        runs = [row[0] for row in db.execute("select source from runs order by id")]
    assert logged[0] >= 14 and logged[1] == 4  # every request, of every web source, stored by the writer
    assert sorted(runs) == sorted(s["name"] for s in sources)


def _counting(name: str, count: int, fail_at: int | None = None) -> Generator[str, None, None]:
    for number in range(count):
        if number == fail_at:
            raise ValueError(f"{name} broke")
        yield f"{name}-{number}"


def test_in_threads_keeps_each_producers_order():
    producers = [_counting(name, 300) for name in "abcdefghij"]
    idle_calls = []
    merged = list(in_threads(producers, idle=lambda: idle_calls.append(1), threads=4))
    assert len(merged) == 3000
    for name in "abcdefghij":
        assert [item for item in merged if item.startswith(name)] == [f"{name}-{n}" for n in range(300)]
    assert idle_calls, "the consumer waited at least once at the start"


def test_a_producer_that_raises_stops_the_stream_with_its_error():
    with pytest.raises(ValueError, match="b broke"):
        list(in_threads([_counting("a", 1000), _counting("b", 1000, fail_at=5)], idle=lambda: None))


def test_closing_the_stream_stops_the_producers():
    closed = threading.Event()

    def endless() -> Generator[int, None, None]:
        try:
            number = 0
            while True:
                yield number
                number += 1
        finally:
            closed.set()

    stream = in_threads([endless(), endless()], idle=lambda: None)
    assert next(stream) == 0
    stream.close()
    assert closed.wait(5)
