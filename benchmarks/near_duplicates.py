"""Choosing the near-duplicate method: MinHash (datasketch) against SimHash (trafilatura),
measured on the labelled pairs of tests/eval.

For every pair of labelled documents it computes the exact Jaccard similarity of word
shingles, the MinHash estimate, and the SimHash similarity, then prints, per method and
threshold, the recall on pairs labelled as one story and the number of false merges among
pairs labelled apart, plus the highest score any unrelated pair reaches. It also checks
how many true pairs the LSH banding would propose as candidates at all.

Usage: python benchmarks/near_duplicates.py
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import re

import yaml
from trafilatura.deduplication import Simhash

from digest.extract import extract
from digest.models import Document
from digest.shingles import BANDS, ROWS, signature

EVAL = ROOT / "tests" / "eval"


def shingle_set(text: str, size: int) -> set[str]:
    words = re.findall(r"\w+", text.casefold())
    return {" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def main() -> None:
    labels = yaml.safe_load((EVAL / "labels.yaml").read_text(encoding="utf-8"))
    bodies = {name: extract(Document("eval", (EVAL / "docs" / name).read_bytes(), "text")).body for name in labels}
    sets = {size: {n: shingle_set(b, size) for n, b in bodies.items()} for size in (2, 3, 5)}
    minhashes = {n: signature(b) for n, b in bodies.items()}
    simhashes = {n: Simhash(b) for n, b in bodies.items()}
    bands = {n: set(enumerate(s.bands())) for n, s in minhashes.items()}

    scores: dict[str, list[tuple[float, bool]]] = {k: [] for k in
        ("jaccard-2", "jaccard-3", "jaccard-5", "minhash-3", "simhash")}
    candidates = true_pairs = 0
    for a, b in itertools.combinations(sorted(labels), 2):
        same = labels[a]["cluster"] == labels[b]["cluster"]
        for size in (2, 3, 5):
            scores[f"jaccard-{size}"].append((jaccard(sets[size][a], sets[size][b]), same))
        scores["minhash-3"].append((minhashes[a].similarity(minhashes[b]), same))
        scores["simhash"].append((simhashes[a].similarity(simhashes[b]), same))
        if same:
            true_pairs += 1
            candidates += bool(bands[a] & bands[b])

    print(f"{len(labels)} documents, {true_pairs} pairs labelled as one story, "
          f"{sum(1 for _, s in scores['simhash'] if not s)} pairs labelled apart\n")
    print(f"{'method':12} {'lowest same':>11} {'highest apart':>13}   recall / false merges at thresholds")
    for method, values in scores.items():
        same = [v for v, s in values if s]
        apart = [v for v, s in values if not s]
        grid = (0.4, 0.5, 0.6, 0.7, 0.8) if method != "simhash" else (0.75, 0.8, 0.85, 0.9, 0.95)
        cells = []
        for threshold in grid:
            recall = sum(v >= threshold for v in same) / len(same)
            false = sum(v >= threshold for v in apart)
            cells.append(f"{threshold:.2f}: {recall:.2f}/{false}")
        print(f"{method:12} {min(same):11.2f} {max(apart):13.2f}   " + "  ".join(cells))
    print(f"\nLSH banding {BANDS} bands x {ROWS} rows: {candidates}/{true_pairs} labelled pairs become candidates")


if __name__ == "__main__":
    main()
