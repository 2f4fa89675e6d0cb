"""Time `digest.service.build(config, store, "current")` on a store of 100,000 items.

The store is filled in bulk with synthetic documents (benchmarks/synth.py), each with topics
(rank, score, matched terms), an area, figures for some, relevant=1 for about 20%, clusters for
the retellings, and first_seen spread over two years with 1,000 items in the current week;
about two years of weekly editions are recorded as built. Then the build (edition HTML and
text, the index and every feed) is timed over several runs. Prints the median, min and max
in seconds and the number of files written; asserts nothing.

Usage: python benchmarks/build_edition.py [--items 100000] [--current 1000] [--runs 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import yaml

from digest.areas import load_areas
from digest.config import load_config
from digest.models import utc_now
from digest.service import build
from digest.shingles import TextKeys
from digest.store import Store
from digest.weeks import resolve_week, shift_week, week_bounds
from synth import PLACES, documents

BATCH = 2000
# Title words -> (topic, matched terms), in rank order; the synthetic stories' templates.
TOPICS = [
    ("stabbed", [("knife_crime", ["stabbed", "bladed article"]), ("enforcement", ["arrested"])]),
    ("County lines", [("county_lines", ["county lines", "deal line"]), ("exploitation", ["cuckooed"]),
                      ("enforcement", ["warrants"])]),
    ("knife crime", [("knife_crime", ["knife crime", "knives"]), ("enforcement", ["weapons sweeps"]),
                     ("prevention", ["youth workers"])]),
    ("firearm", [("firearms", ["firearm", "handgun"]), ("court", ["jailed"]), ("gangs", ["gang"])]),
    ("Commissioner", [("funding", ["Home Office funding"]), ("partnership", ["Serious Violence Duty"]),
                      ("prevention", ["early intervention"])]),
]
FIGURES = [("arrests", "{n} arrests were made"), ("weapons", "{n} knives were seized"),
           ("warrants", "Officers executed {n} warrants"), ("funding_gbp", "£{n},000 awarded")]


def title_of(text: str) -> str:
    """The title each synthetic shape carries (front matter, ` date` line, or after the furniture)."""
    lines = text.split("\n")
    if lines[0] == "```yaml":
        return lines[1].removeprefix("title: ").strip('"')
    if lines[0].startswith(" date "):
        return lines[0][16:]
    long_lines = [line for line in lines if line.strip()]
    return next((line for line in long_lines[3:] if len(line) < 120), long_lines[0])[:110]


def first_seen_times(count: int, current: int, week_start: datetime, now: datetime, rng: random.Random) -> list[str]:
    """`count - current` times over the two years before this week, then `current` times in it; ascending."""
    span = timedelta(days=728).total_seconds()
    older = sorted(week_start - timedelta(seconds=rng.uniform(1, span)) for _ in range(count - current))
    window = max((now - week_start).total_seconds(), 60)
    recent = sorted(week_start + timedelta(seconds=rng.uniform(0, window - 1)) for _ in range(current))
    return [moment.isoformat(timespec="seconds") for moment in older + recent]


def item_topics(item_id: int, title: str, relevant: bool, rng: random.Random) -> list[dict]:
    matched = next((topics for word, topics in TOPICS if word in title), None)
    if not relevant or matched is None:
        matched = [("enforcement", ["arrested"])] if rng.random() < 0.3 else []
    return [{"item_id": item_id, "topic": topic, "rank": rank, "score": round(2.0 - rank * 0.4, 2),
             "terms": json.dumps(terms)} for rank, (topic, terms) in enumerate(matched)]


def choose_area(rng: random.Random, all_areas: list[str]) -> str | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    return rng.choice(all_areas) if roll < 0.15 else rng.choice(list(PLACES))


def prefill(store: Store, count: int, current: int, tz, seed: int = 1, full_text: bool = False,
            progress: Callable[[int], None] | None = None) -> None:
    """Bulk-load `count` items with topics, figures and clusters, plus two years of editions; with
    `full_text`, each batch enters the full-text index as an ingest's batch does. The documents are
    made a batch at a time; `progress` is told how many are stored after each batch."""
    rng = random.Random(seed)
    docs = documents(count, seed=seed)
    now = utc_now()
    week_start = week_bounds(resolve_week("current", tz), tz)[0].astimezone(now.tzinfo)
    seen = first_seen_times(count, current, week_start, now, rng)
    ids: dict[str, int] = {}
    all_areas = [area.name for area in load_areas()]
    for start in range(0, count, BATCH):
        items, topics, figures = [], [], []
        for offset, doc in enumerate(islice(docs, BATCH)):
            item_id = start + offset + 1
            ids[doc.name] = item_id
            title, body, first = title_of(doc.text), doc.text, seen[item_id - 1]
            area = choose_area(rng, all_areas)
            published = (datetime.fromisoformat(first) - timedelta(days=rng.choice([0, 0, 1, 2, 3, 60]))).date()
            url = f"https://www.example.org/news/{item_id}" if item_id % 3 else None
            items.append({
                "id": item_id, "key": f"bench:{doc.name}", "source": "bench", "url": url, "canonical_url": url,
                "path": None if url else doc.name, "title": title, "published": published.isoformat(),
                "first_seen": first, "updated_at": first, "body": body,
                "summary": " ".join(body.split("\n")[-2:])[:300], "fingerprint": TextKeys(body).fingerprint + str(item_id),
                "area": area, "mentioned_areas": json.dumps([area] if area else []),
                "org": f"{area} Police" if area else None, "org_kind": "police",
                "relevance": 0.9 if doc.relevant else 0.1, "relevant": int(doc.relevant), "why_not": None,
                "cluster": ids.get(doc.duplicate_of or "", item_id)})
            these = item_topics(item_id, title, doc.relevant, rng)
            items[-1]["topics"] = " ".join(topic["topic"] for topic in these) or None  # as the writer keeps them
            topics += these
            if doc.relevant and rng.random() < 0.4:
                kind, text = rng.choice(FIGURES)
                value = rng.randint(2, 90)
                figures.append({"item_id": item_id, "kind": kind, "value": value * (1000 if kind == "funding_gbp" else 1),
                                "text": text.format(n=value)})
        with store.db.transaction():
            store.db.tables["items"].insert_all(items)
            store.db.tables["item_topics"].insert_all(topics)
            store.db.tables["figures"].insert_all(figures)
            if full_text:
                store.db.execute("insert into items_fts (rowid, title, body) select id, title, body from relevant_items "
                                 "where id > ? and id <= ?", [start, start + len(items)])
        if progress:
            progress(start + len(items))
    record_editions(store, tz, weeks=104)


def record_editions(store: Store, tz, weeks: int) -> None:
    label = shift_week(resolve_week("current", tz), -weeks, tz)
    rows = []
    for _ in range(weeks):
        start, end = week_bounds(label, tz)
        rows.append({"week": label, "start": start.date().isoformat(), "end": (end - timedelta(days=1)).date().isoformat(),
                     "built_at": end.astimezone(utc_now().tzinfo).isoformat(timespec="seconds"), "item_count": 190})
        label = shift_week(label, 1, tz)
    with store.db.transaction():
        store.db.tables["editions"].insert_all(rows, replace=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--current", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also profile one build and print the top costs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        config_path = Path(workdir) / "config.yaml"
        config_path.write_text(yaml.safe_dump({
            "database": "bench.db", "output_dir": "out",
            "sources": [{"name": "bench", "kind": "folder", "path": workdir}],
        }), encoding="utf-8")
        config = load_config(config_path)
        store = Store(config.database)
        started = time.perf_counter()
        prefill(store, args.items, args.current, config.tz)
        print(f"prefilled {args.items:,} items ({args.current:,} this week) in {time.perf_counter() - started:.0f} s",
              flush=True)
        build(config, store, "current")  # warm up: templates, taxonomy, gazetteer, SQLite page cache
        timings, files = [], 0
        for _ in range(args.runs):
            started = time.perf_counter()
            result = build(config, store, "current")
            timings.append(time.perf_counter() - started)
            files = 3 + len(result.feeds)
        print(f"build --week current ({result.item_count} items, {result.older_count} older), {args.runs} runs: "
              f"median {statistics.median(timings):.3f} s, min {min(timings):.3f} s, max {max(timings):.3f} s; "
              f"{files} files written ({len(result.feeds)} feeds)")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(build, config, store, "current")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        store.close()


if __name__ == "__main__":
    main()
