"""Per-item cost of judging a new document (extract, classify, near-duplicate lookup and
cluster assignment) with 1,000 and with 100,000 items already stored.

The stores are prefilled in bulk with synthetic documents (benchmarks/synth.py) and their
real MinHash signatures and LSH bands; each measured document is judged inside a
transaction that is rolled back, so the store keeps its size. Prints medians of several
rounds and the ratio. Usage: python benchmarks/judge_scaling.py [--sizes 1000 100000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import yaml

from digest.classify import Classifier
from digest.config import load_config
from digest.dedupe import NearDuplicates, ShingleCache, Story
from digest.extract import extract
from digest.facts import lead_facts, story_facts
from digest.models import Document
from digest.prepare import classifier_for
from digest.shingles import TextKeys, signature
from digest.store import Store
from synth import generate

BATCH = 2000


@dataclass
class Judges:
    """What judges a new document, as the ingest's writer holds it."""

    classifier: Classifier
    near_duplicates: NearDuplicates
    shingles: ShingleCache


def prefill(store: Store, count: int, seed: int) -> None:
    """Bulk-load `count` items with signatures and bands (what ingest would have stored)."""
    docs = generate(count, seed=seed)
    for start in range(0, count, BATCH):
        items, signatures, bands, facts = [], [], [], []
        for offset, doc in enumerate(docs[start:start + BATCH]):
            item_id = start + offset + 1
            body = doc.text
            sig = signature(body)
            items.append({"id": item_id, "key": f"bench:{doc.name}", "source": "bench", "path": doc.name,
                          "title": doc.name, "first_seen": "2026-11-16T09:00:00+00:00", "body": body,
                          "fingerprint": TextKeys(body).fingerprint + str(item_id), "relevant": int(doc.relevant),
                          "cluster": item_id, "relevance": 0.9 if doc.relevant else 0.1, "org_kind": "police"})
            stated = sorted(story_facts(doc.name, body))
            signatures.append({"item_id": item_id, "minhash": sig.to_bytes(), "shingles": len(TextKeys(body).shingles),
                               "facts": json.dumps(stated), "lead": json.dumps(sorted(lead_facts(doc.name, body)))})
            facts += [{"fact": fact, "item_id": item_id} for fact in NearDuplicates.lookup_facts(frozenset(stated))]
            bands += [{"key": key, "item_id": item_id} for key in dict.fromkeys(sig.bands())]
        with store.db.transaction():
            store.db.tables["items"].insert_all(items)
            store.db.tables["item_signatures"].insert_all(signatures)
            store.db.tables["lsh_bands"].insert_all(bands, ignore=True)
            store.db.tables["item_facts"].insert_all(facts)


def judge_round(store: Store, judges: Judges, docs: list) -> list[float]:
    """Time each document; its writes are rolled back so the store keeps its size."""
    timings = []
    for doc in docs:
        store.db.execute("BEGIN IMMEDIATE")
        try:
            started = time.perf_counter()
            extracted = extract(Document("bench", doc.text.encode("utf-8"), "text", path=doc.name))
            classification = judges.classifier.classify(extracted, "bench")
            keys = TextKeys(extracted.body)
            facts, lead = story_facts(extracted.title, extracted.body), lead_facts(extracted.title, extracted.body)
            telling = NearDuplicates.lookup_facts(facts)
            candidates = store.items.near_duplicate_candidates(keys.signature.bands(), telling, 0,
                                                               NearDuplicates.MAX_CANDIDATES)
            story = Story(keys, facts, lead, classification.area, extracted.published)
            judges.near_duplicates.judge(story, candidates, judges.shingles.of)
            store.items.save_signature(10_000_000, keys.signature, len(keys.shingles), facts, lead, telling)
            judges.shingles.remember(10_000_000, keys.fingerprint, keys.shingles)
            timings.append(time.perf_counter() - started)
        finally:
            store.db.conn.rollback()
    return timings


def measure(size: int, rounds: int, per_round: int) -> float:
    with tempfile.TemporaryDirectory() as workdir:
        config_path = Path(workdir) / "config.yaml"
        config_path.write_text(yaml.safe_dump({
            "database": str(Path(workdir) / "bench.db"),
            "sources": [{"name": "bench", "kind": "folder", "path": workdir}],
        }), encoding="utf-8")
        config = load_config(config_path)
        store = Store(config.database)
        prefill(store, size, seed=1)
        judges = Judges(classifier_for(config), NearDuplicates(config.dedupe.near_duplicate),
                        ShingleCache(store.items.body))
        fresh = generate(per_round * rounds, seed=99)
        medians = []
        judge_round(store, judges, fresh[:20])  # warm up caches and compiled patterns
        for round_index in range(rounds):
            batch = fresh[round_index * per_round:(round_index + 1) * per_round]
            medians.append(statistics.median(judge_round(store, judges, batch)))
        store.close()
    return statistics.median(medians)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=100)
    args = parser.parse_args()
    results = {}
    for size in args.sizes:
        started = time.perf_counter()
        results[size] = measure(size, args.rounds, args.per_round)
        print(f"{size:>8,} stored: median {results[size] * 1000:.2f} ms per item "
              f"(prefill and measure took {time.perf_counter() - started:.0f} s)", flush=True)
    base = results[args.sizes[0]]
    for size in args.sizes[1:]:
        print(f"ratio {size:,} / {args.sizes[0]:,}: {results[size] / base:.2f}x")


if __name__ == "__main__":
    main()
