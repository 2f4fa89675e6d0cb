"""Judgement quality on the labelled set in tests/eval/ (or any folder labelled the same way).

Runs the real pipeline (folder source -> extract -> classify -> dedupe -> store) over the
documents into a temporary database and compares what it stored with the labels
(tests/eval/labels.yaml and tests/eval/labels/*.yaml; tests/eval/README.md defines them):

- relevance precision and recall; topic micro-F1 over the documents labelled relevant;
- area accuracy (a labelled null area counts too); org_kind accuracy; org accuracy;
- title accuracy (normalised exact match) where the text has a headline, and furniture that
  became a title or a summary;
- date accuracy (null for null included) and dates invented where the text states none;
- near-duplicate pair recall (copies of one story), same-incident recall (pairs with an
  independent rewrite), false merges (all pairs labelled apart) and trap merges;
- figure recall and precision.

Each figure is reported for the whole set, for the held-out third (chosen by a hash of the file
name, never read while tuning) and for the first, in-house set (documents 001-199). `--errors`
lists the misses outside the held-out third only.

Usage: python benchmarks/quality.py [--errors] [--json] [--docs DIR --labels DIR] [--check-labels]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"
COPY_KINDS = ("original", "verbatim", "truncated", "cut", "excerpt", "reordered", "localised", "spun", "rewrite")
FIGURE_KINDS = ("funding_gbp", "arrests", "weapons", "charged", "sentence_years", "patrol_hours", "warrants",
                "stop_searches", "drugs_seized_gbp", "cash_seized_gbp", "lines_closed", "safeguarded",
                "people_reached", "offences", "percent_change")
ORG_KINDS = ("police", "pcc", "vru", "council", "news", "other")
SETS: dict[str, Callable[[str], bool]] = {
    "all": lambda name: True,
    "held-out": lambda name: held_out(name),
    "in-house": lambda name: name[:3].isdigit() and int(name[:3]) < 200,
}
SUMMARY_KEYS = ("documents", "relevance_precision", "relevance_recall", "topic_micro_f1", "area_accuracy",
                "org_kind_accuracy", "org_accuracy", "title_accuracy", "furniture_in_titles", "date_accuracy",
                "dates_invented", "near_duplicate_recall", "same_incident_recall", "false_merges", "trap_merges",
                "figure_recall", "figure_precision")


def held_out(name: str) -> bool:
    """The fixed held-out third: measured and reported, never read while tuning."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % 3 == 0


def load_labels(labels_dir: Path = EVAL) -> dict[str, dict[str, Any]]:
    """labels.yaml and every labels/*.yaml under `labels_dir`, merged; a name labelled twice is an error."""
    files = [labels_dir / "labels.yaml"] if (labels_dir / "labels.yaml").is_file() else []
    files += sorted((labels_dir / "labels").glob("*.yaml"))
    labels: dict[str, dict[str, Any]] = {}
    for path in files:
        for name, label in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if name in labels:
                raise SystemExit(f"{path}: {name} is labelled twice")
            labels[name] = label
    return labels


def check_labels(labels: dict[str, dict[str, Any]], docs: Path) -> list[str]:
    """Problems with the labels: unknown documents, topics, areas, kinds; documents without labels."""
    sys.path.insert(0, str(ROOT))
    from digest.areas import area_names
    from digest.topics import shipped_topic_ids

    problems = [f"{name}: no such document" for name in labels if not (docs / name).is_file()]
    problems += [f"{path.name}: not labelled" for path in sorted(docs.iterdir())
                 if path.is_file() and path.name not in labels and not path.name.startswith((".", "README"))]
    for name, label in labels.items():
        for key in ("relevant", "topics", "area", "org_kind", "cluster"):
            if key not in label:
                problems.append(f"{name}: {key} missing")
        if "cluster" in label and not label["cluster"]:
            problems.append(f"{name}: no cluster named (documents of one story share a name; a story alone has its own)")
        problems += [f"{name}: unknown topic {t}" for t in label.get("topics") or [] if t not in shipped_topic_ids()]
        if label.get("area") is not None and label["area"] not in area_names():
            problems.append(f"{name}: unknown area {label['area']}")
        if label.get("org_kind") not in ORG_KINDS:
            problems.append(f"{name}: unknown org_kind {label.get('org_kind')}")
        if label.get("copy", "original") not in COPY_KINDS:
            problems.append(f"{name}: unknown copy {label.get('copy')}")
        problems += [f"{name}: unknown figure kind {f.get('kind')}" for f in label.get("figures") or []
                     if f.get("kind") not in FIGURE_KINDS]
        published = label.get("published")
        if published is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(published)):
            problems.append(f"{name}: published {published!r} is not YYYY-MM-DD")
    return problems


def run_pipeline(docs: Path, workdir: Path) -> dict[str, dict[str, Any]]:
    """Ingest the documents; returns export records keyed by file name (aliases included)."""
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
            item["lines"] = (docs / item["path"]).read_text(encoding="utf-8", errors="replace").splitlines()
            records[item["path"]] = item
            for alias in item["aliases"]:
                records[alias] = {**item, "path": alias}
    finally:
        store.close()
    return records


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 1.0


def _accuracy(errors: int, total: int) -> float:
    return _ratio(total - errors, total)


def normalise(text: str | None) -> str:
    """A title as compared: case, quotes, dashes, spacing and closing punctuation set aside."""
    text = (text or "").casefold().translate(str.maketrans("‘’“”–—", "''\"\"--"))
    return " ".join(text.split()).rstrip(" .…:;,|-")


def evaluate(labels: dict[str, dict[str, Any]], got: dict[str, dict[str, Any]]) -> dict[str, Any]:
    results: dict[str, Any] = {"documents": len(labels), "not_ingested": sorted(set(labels) - set(got))}
    for measure in (_relevance, _topics, _areas_and_publishers, _titles, _dates, _clusters, _figures):
        results.update(measure(labels, got))
    return results


def _relevance(labels: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    said = {name: bool(got.get(name, {}).get("relevant")) for name in labels}
    tp = sum(1 for name, want in labels.items() if want["relevant"] and said[name])
    fp = sum(1 for name, want in labels.items() if not want["relevant"] and said[name])
    fn = sum(1 for name, want in labels.items() if want["relevant"] and not said[name])
    return {"relevance_precision": _ratio(tp, tp + fp), "relevance_recall": _ratio(tp, tp + fn),
            "relevance_errors": sorted(f"{name}: labelled {'relevant' if want['relevant'] else 'irrelevant'}"
                                       for name, want in labels.items() if said[name] != bool(want["relevant"]))}


def _topics(labels: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    per_topic: dict[str, Counter[str]] = {}
    errors = []
    for name, want in labels.items():
        if not want["relevant"]:
            continue
        gold, predicted = set(want.get("topics") or []), set(got.get(name, {}).get("topics") or [])
        if gold != predicted:
            errors.append(f"{name}: missed {sorted(gold - predicted)}, extra {sorted(predicted - gold)}")
        for topic in gold | predicted:
            counts = per_topic.setdefault(topic, Counter())
            counts["tp" if topic in gold and topic in predicted else "fn" if topic in gold else "fp"] += 1
    total: Counter[str] = Counter()
    for counts in per_topic.values():
        total.update(counts)
    precision = _ratio(total["tp"], total["tp"] + total["fp"])
    recall = _ratio(total["tp"], total["tp"] + total["fn"])
    return {
        "topic_micro_precision": precision, "topic_micro_recall": recall,
        "topic_micro_f1": _ratio(2 * precision * recall, precision + recall),
        "per_topic": {topic: {"precision": _ratio(c["tp"], c["tp"] + c["fp"]),
                              "recall": _ratio(c["tp"], c["tp"] + c["fn"]), "support": c["tp"] + c["fn"]}
                      for topic, c in sorted(per_topic.items())},
        "topic_errors": errors,
    }


def _areas_and_publishers(labels: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    area_errors = [f"{name}: labelled {want['area']}, got {got.get(name, {}).get('area')}"
                   for name, want in labels.items() if "area" in want and got.get(name, {}).get("area") != want["area"]]
    kind_errors = [f"{name}: labelled {want['org_kind']}, got {got.get(name, {}).get('org_kind')}"
                   for name, want in labels.items() if got.get(name, {}).get("org_kind") != want.get("org_kind")]
    with_org = [name for name, want in labels.items() if want.get("org")]
    org_errors = [f"{name}: labelled {labels[name]['org']!r}, got {got.get(name, {}).get('org')!r}"
                  for name in with_org if normalise(got.get(name, {}).get("org")) != normalise(labels[name]["org"])]
    return {"area_accuracy": _accuracy(len(area_errors), len([n for n in labels if "area" in labels[n]])),
            "area_errors": sorted(area_errors),
            "org_kind_accuracy": _accuracy(len(kind_errors), len(labels)), "org_kind_errors": sorted(kind_errors),
            "org_accuracy": _accuracy(len(org_errors), len(with_org)), "org_errors": sorted(org_errors)}


def _titles(labels: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    titled = [name for name, want in labels.items() if want.get("title")]
    title_errors = [f"{name}: labelled {labels[name]['title']!r}, got {got.get(name, {}).get('title')!r}"
                    for name in titled if normalise(got.get(name, {}).get("title")) != normalise(labels[name]["title"])]
    leaks = []
    for name, want in labels.items():
        shown = {"title": normalise(got.get(name, {}).get("title")), "summary": normalise(got.get(name, {}).get("summary"))}
        prose = [normalise(line) for line in got.get(name, {}).get("lines") or []]
        for line in want.get("furniture") or []:
            furniture = normalise(line)
            # A short label ("Crime") counts only as a whole title or run into its first word ("Hide AdA
            # man was ..."); a longer line anywhere in one, unless the page's own sentences say it too
            # (a council's name in its news story).
            said = any(furniture in text and furniture != text for text in prose)
            leaks += [f"{name}: {where} has furniture {line!r}" for where, text in shown.items()
                      if furniture and (text == furniture or _run_into(furniture, text)
                                        or (len(furniture.split()) >= 3 and furniture in text and not said))]
    return {"title_accuracy": _accuracy(len(title_errors), len(titled)), "title_errors": sorted(title_errors),
            "furniture_in_titles": len(leaks), "furniture_errors": sorted(leaks)}


def _run_into(furniture: str, text: str) -> bool:
    """Whether the text opens with the furniture run into its next word (not a label of one short word,
    which many headlines begin with: "Crime" in "Crimestoppers")."""
    return len(furniture) >= 7 and text.startswith(furniture) and text[len(furniture):len(furniture) + 1].isalnum()


def _dates(labels: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    dated = [name for name, want in labels.items() if "published" in want]
    wrong, invented = [], []
    for name in dated:
        want = str(labels[name]["published"]) if labels[name]["published"] else None
        said = got.get(name, {}).get("published")
        if said != want:
            wrong.append(f"{name}: labelled {want}, got {said}")
            if want is None:
                invented.append(name)
    return {"date_accuracy": _accuracy(len(wrong), len(dated)), "dates_invented": len(invented),
            "date_errors": sorted(wrong)}


def _clusters(labels: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    copies = incidents = copies_merged = incidents_merged = 0
    missed, false_merges, trap_merges = [], [], []
    for a, b in itertools.combinations(sorted(labels), 2):
        together = a in got and b in got and got[a]["cluster"] == got[b]["cluster"]
        if labels[a]["cluster"] == labels[b]["cluster"]:
            rewrite = "rewrite" in (labels[a].get("copy"), labels[b].get("copy"))
            copies += not rewrite
            incidents += rewrite
            copies_merged += together and not rewrite
            incidents_merged += together and rewrite
            if not together:
                missed.append(f"{a} ~ {b}{' (independent rewrite)' if rewrite else ''}")
        elif together:
            false_merges.append(f"{a} ~ {b}")
            if labels[a].get("trap") and labels[a].get("trap") == labels[b].get("trap"):
                trap_merges.append(f"{a} ~ {b}")
    return {"near_duplicate_pairs": copies, "near_duplicate_recall": _ratio(copies_merged, copies),
            "same_incident_pairs": incidents, "same_incident_recall": _ratio(incidents_merged, incidents),
            "missed_pairs": missed, "false_merges": len(false_merges), "false_merge_pairs": false_merges,
            "trap_merges": len(trap_merges), "trap_groups": len({w["trap"] for w in labels.values() if w.get("trap")})}


def _figures(labels: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    wanted = found = predicted_total = 0
    misses, extras = [], []
    for name, want in labels.items():
        gold = Counter((f["kind"], float(f["value"])) for f in want.get("figures") or [])
        predicted = Counter((f["kind"], float(f["value"])) for f in got.get(name, {}).get("figures") or [])
        hits = gold & predicted
        wanted += sum(gold.values())
        found += sum(hits.values())
        predicted_total += sum(predicted.values())
        misses += [f"{name}: {kind} {value:g}" for kind, value in (gold - predicted).elements()]
        extras += [f"{name}: {kind} {value:g}" for kind, value in (predicted - gold).elements()]
    return {"figure_recall": _ratio(found, wanted), "figure_precision": _ratio(found, predicted_total),
            "figure_misses": misses, "figure_extras": extras}


ERROR_KEYS = ("not_ingested", "relevance_errors", "topic_errors", "area_errors", "org_kind_errors", "org_errors", "title_errors",
              "furniture_errors", "date_errors", "missed_pairs", "false_merge_pairs", "figure_misses", "figure_extras")


def evaluate_sets(docs: Path = EVAL / "docs", labels_dir: Path = EVAL) -> dict[str, dict[str, Any]]:
    """The results for each set of SETS, from one run of the pipeline over all the documents."""
    labels = load_labels(labels_dir)
    with tempfile.TemporaryDirectory() as workdir:
        got = run_pipeline(docs, Path(workdir))
    results = {}
    for name, member in SETS.items():
        chosen = {doc: label for doc, label in labels.items() if member(doc)}
        if chosen:
            results[name] = evaluate(chosen, got)
    tuning = {doc: label for doc, label in labels.items() if not held_out(doc)}
    results["tuning"] = evaluate(tuning, got)
    return results


def print_summary(results: dict[str, dict[str, Any]]) -> None:
    sets = [name for name in ("all", "held-out", "in-house") if name in results]
    print(f"{'':24}" + "".join(f"{name:>12}" for name in sets))
    for key in SUMMARY_KEYS:
        cells = [results[name].get(key) for name in sets]
        print(f"{key:24}" + "".join(f"{cell:>12.3f}" if isinstance(cell, float) else f"{cell!s:>12}" for cell in cells))
    whole = results["all"]
    print(f"near-duplicate pairs {whole['near_duplicate_pairs']}, same-incident pairs {whole['same_incident_pairs']}, "
          f"trap groups {whole['trap_groups']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")
    parser.add_argument("--errors", action="store_true", help="list the misses outside the held-out third")
    parser.add_argument("--docs", type=Path, default=EVAL / "docs", help="a folder of documents")
    parser.add_argument("--labels", type=Path, default=EVAL, help="the folder holding labels.yaml and labels/")
    parser.add_argument("--check-labels", action="store_true", help="only check the labels")
    args = parser.parse_args()
    if args.check_labels:
        problems = check_labels(load_labels(args.labels), args.docs)
        print("\n".join(problems) or "labels OK")
        raise SystemExit(1 if problems else 0)
    results = evaluate_sets(args.docs, args.labels)
    if args.json:
        print(json.dumps({name: r for name, r in results.items() if name != "tuning"}, indent=2))
        return
    print_summary(results)
    if args.errors:
        for key in ERROR_KEYS:
            for line in results["tuning"].get(key, []):
                print(f"{key}: {line}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
