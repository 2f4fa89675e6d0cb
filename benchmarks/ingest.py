"""Folder ingest: end-to-end speed, peak memory, unchanged re-ingest, and cost per stage.

1. Ingest N synthetic documents (benchmarks/synth.py: 3-6 KB, 10 % near-duplicates, 20 %
   relevant) into an empty database: documents per second and the peak RSS of the process.
2. Ingest the same unchanged folder again: documents per second (only stat checks run).
3. One profiled ingest of a smaller folder, its time split by stage (read, fix text,
   extract, classify, dedupe, store).

Each measurement runs in a fresh child process so peak RSS is its own; medians of --runs.
Usage: python benchmarks/ingest.py [--docs 10000] [--runs 3] [--profile-docs 1000]

With --base REV (checked out in a temporary git worktree, removed afterwards) or --base-path DIR
(a checkout already there), only 1. is measured, for that code and for this tree on the same
folder, their runs alternating: old and new side by side, and the new rate as a multiple of the old.

The clock runs from the call of ingest to its return. The modules are imported before it in either
code: the first release imported its judgement with digest.pipeline, this one when the first
document needs judging (a run with nothing new imports none of it); that once-a-process cost
(0.7 s here) is not a rate of documents and would otherwise count against one code only.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("DIGEST_BENCH_CODE", ROOT))  # whose digest a measuring child imports
sys.path[:0] = [str(CODE), str(ROOT / "benchmarks")]

from worktree import base_code

STAGES = {  # stage -> (module, function) pairs whose cumulative time is the stage's (none nested in another)
    "read": [("folder.py", "read_folder")],
    "fix text": [("text.py", "decode")],
    "extract": [("textpage.py", "extract_text"), ("extract.py", "extract_html"), ("extract.py", "extract_fragment")],
    "classify": [("classify.py", "classify")],
    "facts": [("facts.py", "story_facts"), ("facts.py", "lead_facts"), ("dedupe.py", "lookup_facts")],
    "dedupe": [("dedupe.py", "judge"), ("items.py", "near_duplicate_candidates"), ("items.py", "save_signature"),
               ("shingles.py", "__init__"), ("shingles.py", "shingle_hashes"), ("shingles.py", "of"),
               ("urls.py", "canonical_url")],
    "store": [("items.py", name) for name in ("save", "record_file", "add_alias", "unchanged", "find")]
    + [("runs.py", "record"), ("db.py", "_begin"), ("db.py", "done_one")],
}


def tree_memory(pid: int, with_pss: bool = True) -> tuple[float, float]:
    """(RSS, PSS) in MB of a process and all its descendants (worker processes, a fork server).

    PSS comes from smaps_rollup, which walks the page tables (costly to sample often: it takes
    CPU from the run being measured); RSS from statm, which is cheap. Without `with_pss`, PSS is 0.
    """
    rss = pss = 0.0
    for member in [pid, *_descendants(pid)]:
        if with_pss:
            fields = _rollup(member)
            rss += fields.get("Rss", 0.0)
            pss += fields.get("Pss", 0.0)
        else:
            rss += _statm_rss(member)
    return rss, pss


def _statm_rss(pid: int) -> float:
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def _descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
        for child_pid in children:
            found += [child_pid, *_descendants(child_pid)]
    return found


def _rollup(pid: int) -> dict[str, float]:
    """Memory figures of one process in MB (from /proc/PID/smaps_rollup)."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return {}
    return {line.split(":")[0]: int(line.split()[1]) / 1024 for line in lines[1:] if line.endswith("kB")}


def child(folder: str, database: str, passes: int, workers: str, worker_nice: str) -> None:
    """Run in a child process: ingest `passes` times; print timings and peak memory as JSON."""
    import yaml

    import digest
    import digest.prepare  # the judgement's modules, imported before the clock (see the docstring)
    from digest.config import load_config
    from digest.pipeline import ingest
    from digest.store import Store

    config_path = Path(database).parent / "config.yaml"
    ingest_keys = {"workers": _workers(workers), **({"worker_nice": int(worker_nice)} if worker_nice else {})}
    config_path.write_text(yaml.safe_dump({"database": database, "ingest": ingest_keys,
                                           "sources": [{"name": "bench", "kind": "folder", "path": folder}]}),
                           encoding="utf-8")
    config = load_config(config_path)
    store = Store(config.database)
    timings, cpu = [], []
    for _ in range(passes):
        started, before = time.perf_counter(), os.times()
        ingest(config, store)  # the workers have ended when it returns, so their CPU time is counted
        timings.append(time.perf_counter() - started)
        after = os.times()
        cpu.append({"main": after.user + after.system - before.user - before.system,
                    "workers": after.children_user + after.children_system
                    - before.children_user - before.children_system})
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"timings": timings, "cpu": cpu, "peak_mb": peak_kb / 1024, "worker_peak_mb": worker_kb / 1024,
                      "code": str(Path(digest.__file__).resolve().parent.parent)}))


def _workers(value: str) -> int | str:
    return value if value == "auto" else int(value)


def run_child(folder: Path, workdir: Path, passes: int, workers: str, worker_nice: str = "",
              code: Path = ROOT) -> dict[str, Any]:
    """Run one measuring child (single-threaded, as `digest ingest` is) and sample its memory from here.

    The child, and the worker processes it starts, run the digest found at `code` (from its folder).
    """
    database = workdir / f"bench-{time.monotonic_ns()}.db"
    env = {**os.environ, "DIGEST_BENCH_CODE": str(code), "PYTHONPATH": str(code)}
    child_process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", str(folder),
                                      str(database), str(passes), workers, worker_nice],
                                     stdout=subprocess.PIPE, text=True, env=env, cwd=code)
    peak_rss = peak_pss = 0.0
    samples = 0
    while child_process.poll() is None:
        with_pss = samples % 10 == 0  # PSS every 0.5 s, RSS every 0.05 s
        rss, pss = tree_memory(child_process.pid, with_pss)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        samples += 1
        time.sleep(0.05)
    out = child_process.stdout.read() if child_process.stdout else ""
    if child_process.returncode:
        raise SystemExit(f"benchmark child failed ({child_process.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    if Path(result["code"]) != code.resolve():
        raise SystemExit(f"the child ran the digest in {result['code']}, not the one in {code}")
    return {**result, "total_rss_mb": peak_rss, "total_pss_mb": peak_pss}


def stage_split(folder: Path, workdir: Path) -> dict[str, float]:
    import yaml

    from digest.config import load_config
    from digest.pipeline import ingest
    from digest.shingles import signature
    from digest.store import Store

    config_path = workdir / "profile.yaml"
    config_path.write_text(yaml.safe_dump({"database": str(workdir / "profile.db"), "ingest": {"workers": 0},
                                           "sources": [{"name": "bench", "kind": "folder", "path": str(folder)}]}),
                           encoding="utf-8")
    config = load_config(config_path)
    store = Store(config.database)
    signature("warm-up")  # draws the MinHash permutations once, outside the profile
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.runcall(ingest, config, store)
    total = time.perf_counter() - started
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    split = {}
    for stage, names in STAGES.items():
        split[stage] = sum(entry[3] for (path, _, name), entry in stats.items() if (Path(path).name, name) in names)
    split["other"] = max(0.0, total - sum(split.values()))
    return split


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile-docs", type=int, default=1000)
    parser.add_argument("--workers", default="auto", help="ingest.workers for 1. and 2. ('auto', 0, 2, ...)")
    parser.add_argument("--worker-nice", default="", help="ingest.worker_nice for 1. and 2. (default: the config's)")
    old = parser.add_mutually_exclusive_group()
    old.add_argument("--base", metavar="REV", help="also run 1. with this git revision's code, side by side")
    old.add_argument("--base-path", metavar="DIR", type=Path, help="also run 1. with the code checked out in DIR")
    args = parser.parse_args()
    from synth import write_folder

    if args.base or args.base_path:
        compare(args)
        return

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        folder = workdir / "docs"
        docs = write_folder(folder, args.docs, seed=11)
        size = sum(len(d.text.encode("utf-8")) for d in docs)
        print(f"{len(docs):,} documents, {size / len(docs) / 1024:.1f} KB on average, "
              f"{sum(d.relevant for d in docs) / len(docs):.0%} relevant, "
              f"{sum(1 for d in docs if d.duplicate_of) / len(docs):.0%} near-duplicates")
        first, again, results = [], [], []
        for _ in range(args.runs):
            result = run_child(folder, workdir, passes=2, workers=args.workers, worker_nice=args.worker_nice)
            first.append(len(docs) / result["timings"][0])
            again.append(len(docs) / result["timings"][1])
            results.append(result)
        memory = {key: statistics.median(r[key] for r in results)
                  for key in ("peak_mb", "worker_peak_mb", "total_rss_mb", "total_pss_mb")}
        nice = f", worker_nice: {args.worker_nice}" if args.worker_nice else ""
        print(f"1. first ingest (workers: {args.workers}{nice}): median {statistics.median(first):6.0f} docs/s "
              f"(runs: {', '.join(f'{v:.0f}' for v in first)})")
        main_ms = statistics.median(r["cpu"][0]["main"] for r in results) / len(docs) * 1000
        workers_ms = statistics.median(r["cpu"][0]["workers"] for r in results) / len(docs) * 1000
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        busy = statistics.median((r["cpu"][0]["main"] + r["cpu"][0]["workers"]) / (r["timings"][0] * cores)
                                 for r in results)
        print(f"   CPU a document, medians: main process {main_ms:.2f} ms, workers {workers_ms:.2f} ms; "
              f"{busy:.0%} of {cores} cores busy (at this CPU cost, all cores give at most "
              f"{cores * 1000 / (main_ms + workers_ms):.0f} docs/s)")
        print(f"   peak memory, medians: main process {memory['peak_mb']:.0f} MB RSS, largest worker "
              f"{memory['worker_peak_mb']:.0f} MB RSS; all processes together {memory['total_rss_mb']:.0f} MB RSS "
              f"(shared pages counted in each), {memory['total_pss_mb']:.0f} MB PSS")
        print(f"2. unchanged again:   median {statistics.median(again):8.0f} docs/s; "
              f"{statistics.median(again) / statistics.median(first):.0f}x the first ingest")
        small = workdir / "profile-docs"
        write_folder(small, args.profile_docs, seed=12)
        split = stage_split(small, workdir)
        total = sum(split.values())
        print(f"3. cost per document by stage ({args.profile_docs:,} documents, in one process, profiled, so slower than 1.):")
        for stage, seconds in sorted(split.items(), key=lambda kv: -kv[1]):
            print(f"   {stage:10} {seconds / args.profile_docs * 1000:7.2f} ms  {seconds / total:5.0%}")


def compare(args: argparse.Namespace) -> None:
    """1. for the old code and this tree on one folder, runs alternating (old first, then new first, ...)."""
    from synth import write_folder

    with tempfile.TemporaryDirectory() as tmp, base_code(args.base, args.base_path, Path(tmp)) as base:
        workdir = Path(tmp)
        docs = write_folder(workdir / "docs", args.docs, seed=11)
        print(f"{len(docs):,} documents; old: {args.base or base} "
              f"({_revision(base)}), new: this tree ({_revision(ROOT)}, uncommitted changes included)")
        codes = {"old": base, "new": ROOT}
        results: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
        for run in range(args.runs):
            for label in (("old", "new") if run % 2 == 0 else ("new", "old")):
                result = run_child(workdir / "docs", workdir, passes=1, workers=args.workers,
                                   worker_nice=args.worker_nice, code=codes[label])
                results[label].append(result)
                print(f"   run {run + 1} {label}: {len(docs) / result['timings'][0]:.0f} docs/s", flush=True)
        rates = {label: _report(label, runs, len(docs)) for label, runs in results.items()}
        print(f"new rate = {rates['new'] / rates['old']:.2f}x old")


def _revision(path: Path) -> str:
    found = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return found.stdout.strip() or "not a git checkout"


def _report(label: str, runs: list[dict[str, Any]], docs: int) -> float:
    """Print one code's medians; return its median rate in documents a second."""
    rate: float = statistics.median(docs / r["timings"][0] for r in runs)
    main_ms = statistics.median(r["cpu"][0]["main"] for r in runs) / docs * 1000
    workers_ms = statistics.median(r["cpu"][0]["workers"] for r in runs) / docs * 1000
    total_ms = statistics.median(r["cpu"][0]["main"] + r["cpu"][0]["workers"] for r in runs) / docs * 1000
    peak = statistics.median(r["peak_mb"] for r in runs)
    total_rss = statistics.median(r["total_rss_mb"] for r in runs)
    print(f"{label}: median {rate:5.0f} docs/s; CPU a document {total_ms:.2f} ms (main process {main_ms:.2f}, "
          f"workers {workers_ms:.2f}); peak RSS main process {peak:.0f} MB, all processes {total_rss:.0f} MB")
    return rate


if __name__ == "__main__":
    main()
