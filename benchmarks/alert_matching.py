"""The cost of matching alert rules as items are stored: milliseconds per stored item with 500 rules.

Synthetic documents (benchmarks/synth.py) are ingested into a temporary store once; their stored
items are read back as the writer hands them to the matcher (title, body, relevance, area, kind,
topics, figures). Then 500 generated rules (words, phrases, prefixes, exclusions, areas, topics,
kinds, figure minimums, in the mix a config would have) are matched against every item, over
several runs, with a fresh matcher each run (so the stem cache starts empty, as at each ingest).
Prints the median per item over all items and over the relevant ones (the others are skipped at
once), and the same for 50 rules beside it. Asserts nothing. Target: at most 0.2 ms per item.

Usage: python benchmarks/alert_matching.py [--docs 3000] [--rules 500] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import yaml

from digest.alerts import Matcher
from digest.config import AlertRule, load_config
from digest.config.checks import decode
from digest.models import FIGURE_LABELS
from digest.pipeline import ingest
from digest.records import Matchable
from digest.store import Store
from digest.topics import shipped_topic_ids
from synth import PLACES, write_folder

WORDS = ["knife", "stabbed", "arrested", "county", "lines", "drugs", "teenager", "exploited", "firearm", "jailed",
         "weapons", "sweep", "funding", "commissioner", "youth", "gang", "machete", "warrant", "cocaine", "violence",
         "school", "mentoring", "robbery", "injured", "hospital", "court", "sentenced", "patrol", "surrender", "bin"]
PHRASES = ['"county lines"', '"knife crime"', '"serious violence"', '"operation sceptre"', '"violence reduction"',
           '"week of action"', '"stab wounds"', '"class a"']


def make_rules(count: int, seed: int = 5) -> list[AlertRule]:
    rng = random.Random(seed)
    topics = sorted(shipped_topic_ids())
    rules = []
    for number in range(count):
        parts = rng.sample(WORDS, rng.choice((0, 1, 1, 2, 2, 3)))
        if rng.random() < 0.3:
            parts.append(rng.choice(PHRASES))
        if rng.random() < 0.2:
            parts.append(rng.choice(WORDS)[:4] + "*")
        if parts and rng.random() < 0.2:
            parts.append("-" + rng.choice(WORDS))
        rule = {"name": f"rule {number}", "q": " ".join(parts)}
        if rng.random() < 0.5:
            rule["areas"] = rng.sample(sorted(PLACES), rng.choice((1, 1, 2)))
        if rng.random() < 0.3:
            rule["topics"] = rng.sample(topics, rng.choice((1, 2)))
        if rng.random() < 0.1:
            rule["org_kinds"] = [rng.choice(["police", "pcc", "news"])]
        if rng.random() < 0.1:
            rule["figures"] = {rng.choice(sorted(FIGURE_LABELS)): rng.choice((2, 5, 10))}
        rules.append(decode(rule, AlertRule))
    return rules


def stored_items(docs: int) -> list[Matchable]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_folder(root / "docs", docs, seed=31)
        (root / "config.yaml").write_text(yaml.safe_dump({
            "database": str(root / "digest.db"), "output_dir": str(root / "out"),
            "sources": [{"name": "synth", "kind": "folder", "path": str(root / "docs")}]}), encoding="utf-8")
        config = load_config(root / "config.yaml")
        store = Store(config.database)
        print(f"ingesting {docs} synthetic documents ...", file=sys.stderr)
        ingest(config, store)
        items = [stored.candidate for stored in store.alerts.stored_since(datetime(2000, 1, 1, tzinfo=UTC))]
        irrelevant = store.db.execute("select title, body from items where relevant = 0").fetchall()
        store.close()
    items += [Matchable(title, body or "", False, 0.0, None, None, frozenset(), {}) for title, body in irrelevant]
    random.Random(3).shuffle(items)
    return items


def time_matching(rules: list[AlertRule], items: list[Matchable], runs: int) -> tuple[float, float, int]:
    """(median ms per item over all items, over relevant ones, matches)."""
    per_all, per_relevant, matches = [], [], 0
    relevant = [item for item in items if item.relevant]
    for _ in range(runs):
        matcher = Matcher(rules)
        started = time.perf_counter()
        for item in items:
            matches += len(matcher.matching(item))
        elapsed = time.perf_counter() - started
        per_all.append(elapsed * 1000 / len(items))
        matcher = Matcher(rules)
        started = time.perf_counter()
        for item in relevant:
            matcher.matching(item)
        per_relevant.append((time.perf_counter() - started) * 1000 / max(len(relevant), 1))
    return statistics.median(per_all), statistics.median(per_relevant), matches // runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    items = stored_items(args.docs)
    relevant = sum(item.relevant for item in items)
    print(f"{len(items)} stored items ({relevant} relevant); median of {args.runs} runs, a fresh matcher each")
    for count in (args.rules // 10, args.rules):
        every, only_relevant, matches = time_matching(make_rules(count), items, args.runs)
        print(f"{count:4d} rules: {every:.4f} ms per stored item, {only_relevant:.4f} ms per relevant item "
              f"({matches} matches)")
    print("target: at most 0.2 ms per stored item with 500 rules")


if __name__ == "__main__":
    main()
