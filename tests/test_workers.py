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
    from digest.prepare import classifier_for
    from digest.workers import _start_pool

    config_path = tmp_path / "nice.yaml"
    config_path.write_text(yaml.safe_dump({"database": str(tmp_path / "nice.db"), "ingest": {"worker_nice": 7},
                                           "sources": [{"name": "bulk", "kind": "folder", "path": str(tmp_path)}]}),
                           encoding="utf-8")
    config = load_config(config_path)
    pool = _start_pool(config, classifier_for(config), 2)
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
