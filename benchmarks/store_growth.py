"""Does the store keep its pace as it grows? Adding documents to a store of many against an empty one.

A store of --stored synthetic documents (benchmarks/synth.py) is made by a real ingest, once (kept
with --keep DIR and reused). Then --add other documents are ingested into a copy of it and into an
empty store, the two alternating for --runs runs, each in a child process of its own: wall time,
documents per second, bytes the ingest's main process read and wrote (/proc/self/io, so the page
cache does not hide it), per document, and peak memory: the RSS of the whole process tree (the main
process and its workers, summed, sampled from outside every 0.05 s) and, as the kernel counts it,
the main process's plus its largest worker's. Prints medians and the ratios grown / empty; asserts
nothing.

Usage: python benchmarks/store_growth.py [--stored 100000] [--add 10000] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import yaml

from ingest import tree_memory

CHILD = r"""
import json, resource, sys, time
sys.path[:0] = [sys.argv[1]]
from pathlib import Path
from digest.config import load_config
from digest.pipeline import ingest
from digest.store import Store

def io():
    fields = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    return int(fields["read_bytes"]), int(fields["write_bytes"])

config = load_config(sys.argv[2])
store = Store(config.database)
read0, written0 = io()
started = time.perf_counter()
summaries = ingest(config, store)
store.close()  # the last connection closing copies the write-ahead log back: part of the ingest's cost
elapsed = time.perf_counter() - started
read1, written1 = io()
print(json.dumps({"seconds": elapsed, "new": sum(s.new + s.duplicate for s in summaries),
                  "read": read1 - read0, "written": written1 - written0,
                  "rss_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                             + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024}))
"""


MIGRATE = "import sys; sys.path[:0] = [sys.argv[1]]; from digest.store import Store; Store(sys.argv[2]).close()"


def config_for(folder: Path, database: Path, docs: Path, source: str = "synth") -> Path:
    path = folder / f"{database.stem}.yaml"
    path.write_text(yaml.safe_dump({"database": str(database), "output_dir": str(folder / "out"),
                                    "sources": [{"name": source, "kind": "folder", "path": str(docs)}]}),
                    encoding="utf-8")
    return path


def run_child(config: Path) -> dict[str, float]:
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), str(config)], stdout=subprocess.PIPE,
                                 stderr=errors, text=True)
        tree_peak = 0.0
        while child.poll() is None:
            tree_peak = max(tree_peak, tree_memory(child.pid, with_pss=False)[0])
            time.sleep(0.05)
        output = child.stdout.read() if child.stdout else ""
        if child.returncode:
            errors.seek(0)
            raise SystemExit(f"the ingest failed ({child.returncode}): {errors.read()[-2000:]}")
    return {**json.loads(output.strip().splitlines()[-1]), "tree_rss_mb": tree_peak}


def base_store(folder: Path, stored: int) -> Path:
    from synth import write_folder

    database = folder / f"base-{stored}.db"
    if database.exists():
        print(f"reusing {database} (migrated to this schema first, if it is older)", file=sys.stderr)
        subprocess.run([sys.executable, "-c", MIGRATE, str(ROOT), str(database)], check=True)
        return database
    docs = folder / f"docs-{stored}"
    print(f"writing {stored} documents and ingesting them (once) ...", file=sys.stderr)
    write_folder(docs, stored, seed=41)
    result = run_child(config_for(folder, database, docs))
    print(f"  {result['seconds']:.0f} s", file=sys.stderr)
    return database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--add", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    from synth import write_folder

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        base = base_store(folder, args.stored)
        added = Path(scratch) / "added"
        # New documents (numbered after the stored ones: their own files and URLs) from a source of
        # their own, as a store grows: none is an update of a stored item, no stored file goes missing.
        write_folder(added, args.add, seed=97, first=args.stored)
        results: dict[str, list[dict[str, float]]] = {"empty": [], "grown": []}
        for run in range(args.runs):
            for kind in ("empty", "grown") if run % 2 == 0 else ("grown", "empty"):
                database = Path(scratch) / f"{kind}.db"
                for stale in Path(scratch).glob(f"{kind}.db*"):
                    stale.unlink()
                if kind == "grown":
                    shutil.copyfile(base, database)
                time.sleep(1)
                result = run_child(config_for(Path(scratch), database, added, source="added"))
                results[kind].append(result)
                print(f"  run {run + 1} {kind}: {args.add / result['seconds']:.0f} docs/s", file=sys.stderr)
    medians = {kind: {key: statistics.median(r[key] for r in rows) for key in rows[0]}
               for kind, rows in results.items()}
    print(f"adding {args.add} documents; medians of {args.runs} runs each, alternating")
    for kind, label in (("empty", "to an empty store"), ("grown", f"to a store of {args.stored:,}")):
        m = medians[kind]
        print(f"  {label:>26}: {m['seconds']:7.1f} s ({args.add / m['seconds']:.0f} docs/s), "
              f"{m['read'] / args.add / 1024:7.1f} KB read and {m['written'] / args.add / 1024:7.1f} KB written "
              f"a document by the main process; peak RSS {m['tree_rss_mb']:.0f} MB the whole tree, "
              f"{m['rss_mb']:.0f} MB main + largest worker")
    grown, empty = medians["grown"], medians["empty"]
    read = (f"read {grown['read'] / empty['read']:.1f}x" if empty["read"] > 1 << 20  # else a ratio to nearly nothing
            else f"read {(grown['read'] - empty['read']) / args.add / 1024:.1f} KB a document more")
    print(f"  grown / empty: time {grown['seconds'] / empty['seconds']:.2f}x, {read}, "
          f"written {grown['written'] / max(empty['written'], 1):.1f}x")


if __name__ == "__main__":
    main()
