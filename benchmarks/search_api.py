"""Search and the JSON API over HTTP, on stores of 100,000 and 500,000 items.

Each store is filled in bulk as benchmarks/build_edition.py fills its own (synthetic documents
from benchmarks/synth.py, with topics, areas, figures, clusters and two years of dates), with
the full-text index written a batch at a time as an ingest writes it; commissioners' posts are
filed as `pcc` publishers and the local papers' retellings as `news`, so every facet has a few
values. Then `digest serve` runs on 127.0.0.1 (it opens the database read-only) and a set of
typical analyst queries is timed over one keep-alive connection: the median and 95th
percentile of each, over all of them, then requests per second with 8 clients sending the
queries in a shuffled mix. The server keeps results until the database changes, so each query
is timed twice: afresh (a commit to the database before each request, as an ingest would make,
so nothing kept is used) and asked again (kept). Prints the figures; asserts nothing.

Usage: python benchmarks/search_api.py [--items 100000 500000] [--repeats 20] [--requests 800]
       [--keep DIR] (keep the filled stores in DIR, and reuse one that is already there)
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import yaml

from build_edition import prefill
from digest.config import load_config
from digest.store import Store

CLIENTS = 8
TARGET_MS = 150  # issue 18: p95 at 500,000 items
STORIES = re.compile(r'<p class="lede">([\d,]+) stor')
# (label, path, parameters): what an analyst asks. "cursor" pages are resolved against the store.
QUERIES: list[tuple[str, str, dict[str, str]]] = [
    ("county lines, Bedfordshire, since 2025", "/search", {"q": "county lines luton", "area": "Bedfordshire",
                                                            "from": "2025-01-01"}),
    ("knife, topic and a quarter", "/search", {"q": "knife", "topic": "knife_crime", "from": "2026-07-01",
                                               "to": "2026-09-30"}),
    ('phrase "Operation Sceptre"', "/search", {"q": '"Operation Sceptre"'}),
    ("prefix knife*", "/search", {"q": "knife*"}),
    ("exclusion stabbed -hospital", "/search", {"q": "stabbed -hospital"}),
    ("phrase and exclusion, pcc", "/search", {"q": '"serious violence" -cordon', "org_kind": "pcc"}),
    ("firearm, area and kind", "/search", {"q": "firearm", "area": "West Midlands", "org_kind": "police"}),
    ("common word, by relevance", "/search", {"q": "police"}),
    ("common word, by date", "/search", {"q": "police", "sort": "date"}),
    ("filters only: area", "/search", {"area": "Kent"}),
    ("filters only: topic since 2026", "/search", {"topic": "county_lines", "from": "2026-01-01"}),
    ("everything (no parameters)", "/search", {}),
    ("knife crime, page 2", "/search", {"q": "knife crime", "page": "2"}),
    ("knife crime by date, page 5", "/search", {"q": "knife crime", "sort": "date", "page": "5"}),
    ("atom: county lines, Bedfordshire", "/search.atom", {"q": "county lines", "area": "Bedfordshire"}),
    ("atom: topic knife_crime", "/search.atom", {"topic": "knife_crime"}),
    ("api items: knife, Kent", "/api/v1/items", {"q": "knife", "area": "Kent"}),
    ("api items: area only", "/api/v1/items", {"area": "Merseyside"}),
    ("api items: topic, 50, page 1", "/api/v1/items", {"topic": "county_lines", "limit": "50"}),
    ("api items: topic, 50, page 2", "/api/v1/items", {"topic": "county_lines", "limit": "50", "cursor": ""}),
    ("api items: topic, 50, page 3", "/api/v1/items", {"topic": "county_lines", "limit": "50", "cursor": ""}),
    ("api one item", "/api/v1/items/{middle}", {}),
    ("api stats, 12 weeks", "/api/v1/stats", {}),
    ("api stats, Kent knife crime, 52 weeks", "/api/v1/stats", {"area": "Kent", "topic": "knife_crime", "weeks": "52"}),
]


def fill(database: Path, count: int, tz) -> None:
    """A store of `count` items with its full-text index, a progress line every 5 %."""
    started = time.perf_counter()
    shown = [0]

    def progress(done: int) -> None:
        if done - shown[0] >= count // 20 or done == count:
            shown[0] = done
            print(f"  filled {done:,} of {count:,} items ({time.perf_counter() - started:.0f} s)", flush=True)

    store = Store(database)
    prefill(store, count, current=1000, tz=tz, seed=1, full_text=True, progress=progress)
    with store.db.transaction():
        store.db.execute("update items set org_kind = 'pcc', org = area || ' PCC' where title like 'Commissioner %'")
        store.db.execute("update items set org_kind = 'news', org = 'The Gazette' where key like '%-retold.txt'")
    store.close()


def stored_count(database: Path) -> int:
    if not database.is_file():
        return 0
    with sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True) as db:
        return int(db.execute("select count(*) from items").fetchone()[0])


@contextmanager
def server(config_path: Path) -> Iterator[int]:
    """`digest serve` in its own process on a free port of 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "digest", "--config", str(config_path), "serve",
                                "--port", str(port)], stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def resolve_paths(port: int, count: int) -> list[tuple[str, str, str]]:
    """(label, request path, stories found) of each query; a cursor page follows the page before it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    paths: list[tuple[str, str, str]] = []
    cursor = ""
    for label, path, params in QUERIES:
        if "cursor" in params:
            params = {**params, "cursor": cursor}
        full = path.format(middle=count // 2) + ("?" + urlencode(params) if params else "")
        status, body = get(connection, full)
        if status != 200:
            raise SystemExit(f"{label}: {full} answered {status}: {body[:300]!r}")
        if path == "/api/v1/items":
            cursor = json.loads(body)["next_cursor"] or ""
        found = STORIES.search(body.decode("utf-8")) if path == "/search" else None
        paths.append((label, full, found.group(1) if found else ""))
    connection.close()
    return paths


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def touch(database: Path) -> None:
    """Two commits that the server's connections see as changes to the database (so what they kept is
    dropped), leaving it as it was: a relevant item's relevance negated and its search columns written
    (its area, as it was), twice; as an ingest's commit changes items, so the server reads that item
    again (the change log, m021). (A value written back as it is changes no page.)"""
    with sqlite3.connect(database, timeout=30) as db:
        item = db.execute("select min(id) from items where relevance > 0 and relevant = 1").fetchone()[0]
    for _ in range(2):
        with sqlite3.connect(database, timeout=30) as db:
            db.execute("update items set relevance = -relevance, area = area where id = ?", [item])


def time_each(port: int, paths: list[tuple[str, str, str]], repeats: int, afresh: Path | None = None
              ) -> dict[str, list[float]]:
    """Each query `repeats` times, one at a time (after a commit to `afresh` each time, when given); prints
    its median and p95. Returns the timings (ms) by query."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    everything: dict[str, list[float]] = {}
    print(f"  {'query':42} {'median':>8} {'p95':>8} {'stories':>8} {'bytes':>8}")
    for label, path, found in paths:
        timings = []
        for _ in range(repeats):
            if afresh:
                touch(afresh)
            started = time.perf_counter()
            _, body = get(connection, path)
            timings.append((time.perf_counter() - started) * 1000)
        everything[label] = timings
        print(f"  {label:42} {statistics.median(timings):8.1f} {percentile(timings, 0.95):8.1f} {found:>8} "
              f"{len(body):8,}", flush=True)
    connection.close()
    return everything


def throughput(port: int, paths: list[str], requests: int) -> tuple[float, list[float]]:
    """Requests a second with CLIENTS keep-alive clients sending `requests` in all, each its own shuffled
    cycle of the queries; and every request's latency (ms)."""
    share = requests // CLIENTS
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    failures = [0] * CLIENTS

    def client(index: int) -> None:
        order = paths[:]
        random.Random(index).shuffle(order)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for n in range(share):
            started = time.perf_counter()
            status, _ = get(connection, order[n % len(order)])
            latencies[index].append((time.perf_counter() - started) * 1000)
            failures[index] += status != 200
        connection.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if sum(failures):
        print(f"  {sum(failures)} requests did not answer 200")
    return share * CLIENTS / elapsed, [ms for each in latencies for ms in each]


def measure(count: int, keep: Path | None, repeats: int, requests: int) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        folder = keep or Path(workdir)
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / f"search-{count}.db"
        config_path = Path(workdir) / "config.yaml"
        config_path.write_text(yaml.safe_dump({
            "database": str(database.resolve()), "output_dir": str(Path(workdir) / "out"),
            "sources": [{"name": "bench", "kind": "folder", "path": workdir}],
        }), encoding="utf-8")
        config = load_config(config_path)
        if stored_count(database) != count:
            database.unlink(missing_ok=True)
            print(f"filling a store of {count:,} items", flush=True)
            fill(database, count, config.tz)
        Store(database).close()  # a kept store gets this version's migrations, as an ingest would give it
        size = database.stat().st_size / 2**30
        print(f"{count:,} items ({size:.1f} GiB), `digest serve` on 127.0.0.1:", flush=True)
        with server(config_path) as port:
            paths = resolve_paths(port, count)  # also the warm-up: the pages read are cached
            for afresh, how in ((database, "afresh (a commit before each request)"), (None, "asked again (kept)")):
                print(f"one client, {repeats} times each, {how} (ms):")
                summarise(time_each(port, paths, repeats, afresh))
            rate, loaded = throughput(port, [path for _, path, _ in paths], requests)
            print(f"{CLIENTS} clients, {requests:,} requests of the mix: {rate:.1f} requests/s "
                  f"(latency median {statistics.median(loaded):.0f} ms, p95 {percentile(loaded, 0.95):.0f} ms)",
                  flush=True)


def summarise(by_query: dict[str, list[float]]) -> None:
    timings = [ms for each in by_query.values() for ms in each]
    print(f"  {'all queries':42} {statistics.median(timings):8.1f} {percentile(timings, 0.95):8.1f}")
    worst = max(by_query, key=lambda label: percentile(by_query[label], 0.95))
    within = sum(percentile(each, 0.95) <= TARGET_MS for each in by_query.values())
    print(f"  worst p95: {worst} ({percentile(by_query[worst], 0.95):.0f} ms); "
          f"{within} of {len(by_query)} queries have a p95 within {TARGET_MS} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, nargs="+", default=[100_000, 500_000])
    parser.add_argument("--repeats", type=int, default=20, help="timings of each query, one client")
    parser.add_argument("--requests", type=int, default=800, help="requests of the mix, 8 clients")
    parser.add_argument("--keep", type=Path, help="a folder to keep the filled stores in (and reuse them)")
    args = parser.parse_args()
    for count in args.items:
        measure(count, args.keep, args.repeats, args.requests)


if __name__ == "__main__":
    main()
