"""A big folder is prepared in worker processes: the same items, reasons and clusters as in one process."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import yaml

from digest.config import load_config
from digest.pipeline import ingest
from digest.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

FIELDS = ("path", "title", "body", "published", "area", "mentioned_areas", "org_kind", "relevance", "relevant",
          "why_not", "reasons", "figures", "aliases", "fingerprint")


def _ingest(tmp_path: Path, folder: Path, name: str, workers: int) -> tuple[list, list, dict]:
    config_path = tmp_path / f"{name}.yaml"
    config_path.write_text(yaml.safe_dump({
        "database": str(tmp_path / f"{name}.db"),
        "ingest": {"workers": workers, "parallel_after": 10},
        "sources": [{"name": "bulk", "kind": "folder", "path": str(folder)}],
    }), encoding="utf-8")
    config = load_config(config_path)
    store = Store(config.database)
    try:
        summaries = ingest(config, store)
        stored = {item.id: item for item in store.archive.items()}
        items = [{**item.export(), "fingerprint": fingerprint, "body": body} for item_id, fingerprint, body
                 in store.db.execute("select id, fingerprint, body from items order by id")
                 for item in [stored[item_id]]]
        clusters = dict(store.db.execute(
            "select f.path, i.cluster from files f join items i on i.id = f.item_id").fetchall())
    finally:
        store.close()
    return summaries, items, clusters


def test_workers_store_what_one_process_stores(tmp_path, caplog):
    from synth import write_folder

    caplog.set_level(logging.INFO, "digest.ingest")
    folder = tmp_path / "bulk"
    docs = write_folder(folder, 150, seed=21)
    (folder / "zz-empty.txt").write_text("   \n", encoding="utf-8")  # fails in a worker, reported by name
    one, alone, _ = _ingest(tmp_path, folder, "alone", workers=0)
    assert "worker processes" not in caplog.text
    many, parallel, cluster_of = _ingest(tmp_path, folder, "parallel", workers=2)
    assert "preparing documents in 2 worker processes" in caplog.text

    assert one[0].counts() == many[0].counts() and many[0].failed == 1
    assert [p.where for p in many[0].problems] == ["zz-empty.txt"]
    assert len(parallel) == len(alone) > 100
    for mine, theirs in zip(parallel, alone, strict=True):
        assert {f: mine[f] for f in FIELDS} == {f: theirs[f] for f in FIELDS}
    # The same clusters, and retellings in their originals' clusters.
    path_of = {i["id"]: i["path"] for i in parallel}
    assert [path_of[i["cluster"]] for i in parallel] == [path_of_alone[i["cluster"]] for i in alone
                                                         for path_of_alone in [{j["id"]: j["path"] for j in alone}]]
    retold = [d for d in docs if d.duplicate_of]
    assert retold and all(cluster_of[d.name] == cluster_of[d.duplicate_of] for d in retold)


def test_workers_yield_the_cpu_to_the_process_writing_the_store(tmp_path):
    """Workers run at ingest.worker_nice below this process, so the store's writer goes first."""
    from digest.workers import Judging, _start_pool

    config_path = tmp_path / "nice.yaml"
    config_path.write_text(yaml.safe_dump({"database": str(tmp_path / "nice.db"), "ingest": {"worker_nice": 7},
                                           "sources": [{"name": "bulk", "kind": "folder", "path": str(tmp_path)}]}),
                           encoding="utf-8")
    config = load_config(config_path)
    pool = _start_pool(config, Judging(config), 2)
    try:
        in_workers = {pool.submit(os.nice, 0).result() for _ in range(6)}
    finally:
        pool.shutdown()
    assert in_workers == {min(19, os.nice(0) + 7)}


def test_workers_start_only_for_more_than_parallel_after_documents(tmp_path, caplog):
    """At `parallel_after` documents one process does it all; one more, and workers prepare every one."""
    from synth import write_folder

    caplog.set_level(logging.INFO, "digest.ingest")
    folder = tmp_path / "small"
    write_folder(folder, 10, seed=3)
    summaries, _, _ = _ingest(tmp_path, folder, "ten", workers=2)  # parallel_after: 10
    assert "worker processes" not in caplog.text
    assert sum(summaries[0].counts().values()) == 10 and summaries[0].failed == 0
    write_folder(tmp_path / "one-more", 11, seed=3)
    summaries, _, _ = _ingest(tmp_path, tmp_path / "one-more", "eleven", workers=2)
    assert "preparing documents in 2 worker processes" in caplog.text
    assert sum(summaries[0].counts().values()) == 11 and summaries[0].failed == 0


def _feed(host: str, feed: int, docs: list) -> bytes:
    """An RSS feed whose entries carry their whole text (as a force's newsroom feed does)."""
    from html import escape

    items = []
    for number, doc in enumerate(docs):
        lines = [line for line in doc.text.splitlines() if line.strip() and not line.startswith(("```", "title:",
                                                                                                 "url:", "publish:"))]
        title, paragraphs = lines[0].strip(), lines[1:]
        body = "".join(f"<p>{escape(line)}</p>" for line in paragraphs)
        items.append(f"<item><title>{escape(title)}</title><link>http://{host}/feed{feed}/{number}</link>"
                     f"<guid>http://{host}/feed{feed}/{number}</guid><pubDate>Mon, 16 Nov 2026 09:{number:02d}:00 GMT"
                     f"</pubDate><content:encoded><![CDATA[{body}]]></content:encoded></item>")
    return (f'<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>Newsroom {feed}</title><link>http://{host}/</link>{''.join(items)}</channel></rss>"
            ).encode()


def _ingest_feeds(tmp_path: Path, web, name: str, workers: int, feeds: list[str]) -> list[dict]:
    """The items of an ingest of these feeds, by URL, each with its cluster's first item's URL."""
    from conftest import FAST_FETCH

    config_path = tmp_path / f"{name}.yaml"
    config_path.write_text(yaml.safe_dump({
        "database": str(tmp_path / f"{name}.db"), "fetch": FAST_FETCH,
        "ingest": {"workers": workers, "parallel_after": 10},
        "sources": [{"name": f"newsroom-{n}", "kind": "feed", "url": web.url(feed)} for n, feed in enumerate(feeds)],
    }), encoding="utf-8")
    config = load_config(config_path)
    store = Store(config.database)
    try:
        summaries = ingest(config, store)
        assert [s.failed for s in summaries] == [0] * len(feeds) and sum(s.new for s in summaries) > 50
        by_id = {item.id: item for item in store.archive.items()}
        return sorted(({**item.export(), "cluster": by_id[item.cluster or item.id].url} for item in by_id.values()),
                      key=lambda row: row["url"])
    finally:
        store.close()


JUDGED = ("url", "title", "summary", "published", "area", "topics", "figures", "relevance", "relevant", "why_not",
          "reasons", "org_kind")


def _judged(rows: list[dict], fields: tuple[str, ...] = JUDGED) -> list[dict]:
    return [{field: row.get(field) for field in fields} for row in rows]


def test_a_feed_of_many_entries_is_prepared_in_workers_and_stored_as_one_process_stores_it(tmp_path, web, caplog):
    from synth import generate
    from webfixture import Reply

    web.script("/feed.xml", Reply(200, _feed(web.host, 0, generate(60, seed=5)), {"Content-Type": "application/rss+xml"}))
    caplog.set_level(logging.INFO, "digest.ingest")
    alone = _ingest_feeds(tmp_path, web, "alone", 0, ["/feed.xml"])
    assert "worker processes" not in caplog.text
    parallel = _ingest_feeds(tmp_path, web, "parallel", 2, ["/feed.xml"])
    assert "preparing documents in 2 worker processes" in caplog.text
    assert _judged(parallel, (*JUDGED, "cluster")) == _judged(alone, (*JUDGED, "cluster"))


def test_small_feeds_together_past_parallel_after_are_prepared_in_workers(tmp_path, web, caplog):
    """Each feed is under `parallel_after`, the run's web documents together are not (a catalogue's
    first run): workers prepare them, and each item is judged as one process judges it (the sources'
    threads interleave, so which copy of a story came first, its cluster's head, may differ)."""
    from synth import generate
    from webfixture import Reply

    docs = generate(60, seed=5)
    feeds = [f"/feed{n}.xml" for n in range(6)]
    for n, feed in enumerate(feeds):
        web.script(feed, Reply(200, _feed(web.host, n, docs[n * 10:(n + 1) * 10]), {"Content-Type": "application/rss+xml"}))
    caplog.set_level(logging.INFO, "digest.ingest")
    alone = _ingest_feeds(tmp_path, web, "alone", 0, feeds)
    parallel = _ingest_feeds(tmp_path, web, "parallel", 2, feeds)
    assert "preparing documents in 2 worker processes" in caplog.text
    assert _judged(parallel) == _judged(alone)


def test_an_ingest_collects_less_often_and_puts_the_collector_back(tmp_path):
    import gc

    from synth import write_folder

    write_folder(tmp_path / "bulk", 12, seed=5)
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []

    class Note(logging.Handler):  # what the collector is set to when the ingest says something
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(gc.get_threshold())

    note = Note(logging.DEBUG)
    logger = logging.getLogger("digest")
    level, logger.level = logger.level, logging.DEBUG
    logger.addHandler(note)
    try:
        _ingest(tmp_path, tmp_path / "bulk", "alone", workers=0)
    finally:
        logger.removeHandler(note)
        logger.setLevel(level)
    assert (10_000, *before[1:]) in seen  # during the ingest
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0  # and after it
