"""What extracting a page costs, and what comes out: this tree against another revision, side by side.

The pages: the 181 real article pages of ../shared/testdata/article-extraction-benchmark/ (with
the bodies a person extracted from them) and the HTML of the test fixture sites (tests/fixtures);
the feed entries of the fixture feeds as fragments; the labelled text documents of tests/eval/docs;
and one 5 MB page on one line. Each set is extracted (digest.extract.extract, the whole step) in a
fresh process per round, --rounds times, the two codes alternating; trafilatura's own `extract`
on the same pages is timed in the same process as a yardstick.

Printed: milliseconds a page (median over rounds) per set for each code and their ratio; each
code's time as a multiple of trafilatura's own; the F1 of the bodies against the hand-extracted
ones (words counted with multiplicity); and how many documents' title,
date, URL, summary or body differ between the two codes (the differential check), with the first
few differences.

Usage: python benchmarks/extract_cost.py [--base REV | --base-path DIR] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from worktree import base_code

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "testdata" / "article-extraction-benchmark"
FIXTURES = ROOT / "tests" / "fixtures" / "sites"
EVAL = ROOT / "tests" / "eval" / "docs"
FIELDS = ("title", "published", "url", "summary", "body")


def documents(kind: str) -> list[tuple[str, bytes, str | None, str]]:
    """(name, content, url, media type) of each document of a set."""
    if kind == "pages":
        truth = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
        found = [(name, gzip.decompress((PAGES / "html" / f"{name}.html.gz").read_bytes()), truth[name]["url"], "html")
                 for name in sorted(truth)]
        found += [(str(path.relative_to(FIXTURES)), path.read_bytes(), f"https://www.example.org/{path.name}", "html")
                  for path in sorted(FIXTURES.rglob("*.htm*")) if path.stat().st_size < 1_000_000]
        return found
    if kind == "fragments":
        import feedparser

        found = []
        for path in sorted(FIXTURES.rglob("*.xml")):
            for index, entry in enumerate(feedparser.parse(path.read_bytes()).entries):
                html = (entry.get("content") or [{}])[0].get("value") or entry.get("summary") or ""
                if html.strip():
                    found.append((f"{path.relative_to(FIXTURES)}#{index}", html.encode("utf-8"), None, "fragment"))
        return found
    if kind == "text":
        return [(path.name, path.read_bytes(), None, "text") for path in sorted(EVAL.glob("*.txt"))]
    words = " ".join(f"<span class='w{i % 7}'>Officers seized {i} knives</span>" for i in range(90_000))
    return [("one-line-5MB", f"<html><head><title>A long page</title></head><body><p>{words}</p></body></html>"
             .encode()[:5_000_000], "https://www.example.org/long", "html")]


def child(kind: str, out: Path) -> None:
    """Extract one set with the digest on the path; write timings and outputs as JSON."""
    from digest.errors import DocumentError
    from digest.extract import extract
    from digest.models import Document

    docs = documents(kind)
    results: dict[str, Any] = {"outputs": {}, "seconds": 0.0, "own": 0.0}
    start = time.process_time()
    for name, content, url, media_type in docs:
        try:
            got = extract(Document(source="bench", content=content, media_type=media_type, url=url))
            results["outputs"][name] = {field: str(getattr(got, field)) for field in FIELDS}
        except DocumentError as exc:
            results["outputs"][name] = {"error": str(exc)}
    results["seconds"] = time.process_time() - start
    if kind in ("pages", "long"):
        import trafilatura

        start = time.process_time()
        for _, content, url, _ in docs:
            trafilatura.extract(content.decode("utf-8", errors="replace"), url=url)
        results["own"] = time.process_time() - start
    out.write_text(json.dumps(results), encoding="utf-8")


def run_child(code: Path, kind: str, workdir: Path) -> dict[str, Any]:
    out = workdir / f"{kind}.json"
    env = {**os.environ, "PYTHONPATH": str(code)}
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", kind, str(out)], cwd=code, env=env,
                   check=True)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def f1(outputs: dict[str, dict[str, str]]) -> float:
    """Mean F1 of the extracted bodies against the hand-extracted ones, words counted with multiplicity."""
    truth = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
    scores = []
    for name, expected in truth.items():
        got = Counter(re.findall(r"\w+", outputs[name].get("body", "").lower()))
        want = Counter(re.findall(r"\w+", expected["articleBody"].lower()))
        common = sum((got & want).values())
        precision = common / max(1, sum(got.values()))
        recall = common / max(1, sum(want.values()))
        scores.append(2 * precision * recall / (precision + recall) if common else 0.0)
    return statistics.mean(scores)


def differences(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> list[str]:
    return [f"{name} {field}: {str(old[name].get(field))[:150]!r} -> {str(new[name].get(field))[:150]!r}"
            for name in old for field in (*FIELDS, "error") if old[name].get(field) != new[name].get(field)]


def compare(codes: dict[str, Path], rounds: int, workdir: Path) -> None:
    for kind in ("pages", "fragments", "text", "long"):
        count = len(documents(kind))
        runs: dict[str, list[dict[str, Any]]] = {label: [] for label in codes}
        for round_ in range(rounds):
            for label in (list(codes) if round_ % 2 == 0 else list(reversed(codes))):
                runs[label].append(run_child(codes[label], kind, workdir))
        medians = {label: statistics.median(r["seconds"] for r in found) / count * 1000 for label, found in runs.items()}
        line = f"{kind:9} {count:4} documents: " + ", ".join(f"{label} {ms:.2f} ms" for label, ms in medians.items())
        if len(codes) == 2:
            line += f"; new/old {medians['new'] / medians['old']:.2f}x"
        print(line)
        if kind in ("pages", "long"):
            own = statistics.median(r["own"] for found in runs.values() for r in found) / count * 1000
            print(f"          trafilatura's own extract {own:.2f} ms a page; "
                  + ", ".join(f"{label} {ms / own:.2f}x it" for label, ms in medians.items()))
        if kind == "pages":
            print("          body F1 against the hand-extracted bodies (the 181 real pages): "
                  + ", ".join(f"{label} {f1(found[0]['outputs']):.3f}" for label, found in runs.items()))
        if len(codes) == 2:
            changed = differences(runs["old"][0]["outputs"], runs["new"][0]["outputs"])
            print(f"          differential: {len(changed)} fields differ")
            for difference in changed[:8]:
                print(f"            {difference}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("SET", "OUT"), help=argparse.SUPPRESS)
    old = parser.add_mutually_exclusive_group()
    old.add_argument("--base", metavar="REV", help="also measure this git revision's code, side by side")
    old.add_argument("--base-path", metavar="DIR", type=Path, help="also measure the code checked out in DIR")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as tmp, base_code(args.base, args.base_path, Path(tmp)) as base:
        codes = {"old": base, "new": ROOT} if args.base or args.base_path else {"new": ROOT}
        print(f"{args.rounds} rounds; " + ", ".join(f"{label}: {code}" for label, code in codes.items()))
        compare(codes, args.rounds, Path(tmp))


if __name__ == "__main__":
    main()
