"""Classification and clustering quality on the labelled set in tests/eval/.

Runs the real pipeline (folder source -> extract -> dedupe -> classify -> store) over
tests/eval/docs into a temporary database and compares with tests/eval/labels.yaml:

- relevance precision and recall;
- topic precision/recall per topic and micro-F1, over the documents labelled relevant
  (topics are what an analyst sees on relevant items);
- area accuracy over documents with a labelled area;
- near-duplicate pair recall (pairs labelled as one cluster that come out as one) and
  false merges (pairs labelled apart that come out together);
- figure recall (labelled `{kind, value}` found) and precision;
- org_kind accuracy.

Usage: python benchmarks/quality.py [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"


def run_pipeline(docs: Path, workdir: Path) -> dict[str, dict[str, Any]]:
    """Ingest the documents; returns export-like records keyed by file name (aliases included)."""
    from digest.config import load_config
    from digest.pipeline import ingest
    from digest.store import Store

    config_path = workdir / "config.yaml"
    config_path.write_text(yaml.safe_dump({
        "database": str(workdir / "eval.db"), "output_dir": str(workdir / "out"),
        "sources": [{"name": "eval", "kind": "folder", "path": str(docs)}],
    }), encoding="utf-8")
    config = load_config(config_path)
    store = Store(config.database)
    try:
        ingest(config, store)
        records: dict[str, dict[str, Any]] = {}
        for stored in store.archive.items():
            item = stored.export()
            records[item["path"]] = item
            for alias in item["aliases"]:
                records[alias] = {**item, "path": alias}
    finally:
        store.close()
    return records


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 1.0


def evaluate(docs: Path = EVAL / "docs", labels_path: Path = EVAL / "labels.yaml") -> dict[str, Any]:
    labels: dict[str, dict[str, Any]] = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as workdir:
        got = run_pipeline(docs, Path(workdir))
    missing = sorted(set(labels) - set(got))
    results: dict[str, Any] = {"documents": len(labels), "not_ingested": missing}

    # Relevance
    tp = sum(1 for name, want in labels.items() if want["relevant"] and got.get(name, {}).get("relevant"))
    fp = sum(1 for name, want in labels.items() if not want["relevant"] and got.get(name, {}).get("relevant"))
    fn = sum(1 for name, want in labels.items() if want["relevant"] and not got.get(name, {}).get("relevant"))
    results["relevance_precision"] = _ratio(tp, tp + fp)
    results["relevance_recall"] = _ratio(tp, tp + fn)
    results["relevance_errors"] = sorted(
        f"{name}: labelled {'relevant' if want['relevant'] else 'irrelevant'}"
        for name, want in labels.items() if bool(got.get(name, {}).get("relevant")) != bool(want["relevant"])
    )

    # Topics, on the documents labelled relevant
    per_topic: dict[str, Counter[str]] = {}
    for name, want in labels.items():
        if not want["relevant"]:
            continue
        gold, predicted = set(want.get("topics") or []), set(got.get(name, {}).get("topics") or [])
        for topic in gold | predicted:
            counts = per_topic.setdefault(topic, Counter())
            counts["tp" if topic in gold and topic in predicted else "fn" if topic in gold else "fp"] += 1
    total = Counter()
    for counts in per_topic.values():
        total.update(counts)
    precision = _ratio(total["tp"], total["tp"] + total["fp"])
    recall = _ratio(total["tp"], total["tp"] + total["fn"])
    results["topic_micro_precision"], results["topic_micro_recall"] = precision, recall
    results["topic_micro_f1"] = _ratio(2 * precision * recall, precision + recall)
    results["per_topic"] = {
        topic: {"precision": _ratio(c["tp"], c["tp"] + c["fp"]), "recall": _ratio(c["tp"], c["tp"] + c["fn"]),
                "support": c["tp"] + c["fn"]}
        for topic, c in sorted(per_topic.items())
    }

    # Areas
    with_area = [name for name, want in labels.items() if want.get("area")]
    right = [name for name in with_area if got.get(name, {}).get("area") == labels[name]["area"]]
    results["area_accuracy"] = _ratio(len(right), len(with_area))
    results["area_errors"] = sorted(
        f"{name}: labelled {labels[name]['area']}, got {got.get(name, {}).get('area')}"
        for name in with_area if name not in right
    )

    # Organisation kind
    with_kind = [name for name, want in labels.items() if want.get("org_kind")]
    results["org_kind_accuracy"] = _ratio(
        sum(1 for name in with_kind if got.get(name, {}).get("org_kind") == labels[name]["org_kind"]), len(with_kind))

    # Near-duplicate pairs
    same, merged, false_merges = 0, 0, []
    for a, b in itertools.combinations(sorted(labels), 2):
        together = a in got and b in got and got[a]["cluster"] == got[b]["cluster"]
        if labels[a]["cluster"] == labels[b]["cluster"]:
            same += 1
            merged += together
            if not together:
                results.setdefault("missed_pairs", []).append(f"{a} ~ {b}")
        elif together:
            false_merges.append(f"{a} ~ {b}")
    results["near_duplicate_pairs"] = same
    results["near_duplicate_recall"] = _ratio(merged, same)
    results["false_merges"] = len(false_merges)
    results["false_merge_pairs"] = false_merges

    # Figures
    wanted = found = predicted_total = predicted_right = 0
    figure_misses = []
    for name, want in labels.items():
        gold = Counter((f["kind"], float(f["value"])) for f in want.get("figures") or [])
        predicted = Counter((f["kind"], float(f["value"])) for f in got.get(name, {}).get("figures") or [])
        hits = gold & predicted
        wanted += sum(gold.values())
        found += sum(hits.values())
        predicted_total += sum(predicted.values())
        predicted_right += sum(hits.values())
        for kind, value in (gold - predicted).elements():
            figure_misses.append(f"{name}: {kind} {value:g}")
    results["figure_recall"] = _ratio(found, wanted)
    results["figure_precision"] = _ratio(predicted_right, predicted_total)
    results["figure_misses"] = figure_misses
    return results


SUMMARY_KEYS = ("relevance_precision", "relevance_recall", "topic_micro_f1", "area_accuracy",
                "near_duplicate_recall", "false_merges", "figure_recall", "figure_precision", "org_kind_accuracy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")
    parser.add_argument("--errors", action="store_true", help="also list every error")
    args = parser.parse_args()
    results = evaluate()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"Labelled documents: {results['documents']}  (near-duplicate pairs: {results['near_duplicate_pairs']})")
    for key in SUMMARY_KEYS:
        value = results[key]
        print(f"  {key:24} {value:.3f}" if isinstance(value, float) else f"  {key:24} {value}")
    print("Per topic (precision / recall / support):")
    for topic, figures in results["per_topic"].items():
        print(f"  {topic:16} {figures['precision']:.2f} / {figures['recall']:.2f} / {figures['support']}")
    if args.errors:
        for key in ("not_ingested", "relevance_errors", "area_errors", "missed_pairs", "false_merge_pairs", "figure_misses"):
            for line in results.get(key, []):
                print(f"{key}: {line}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
