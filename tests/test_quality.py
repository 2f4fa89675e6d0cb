"""The quality gate: the labelled set in tests/eval must stay above the floors in baseline.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from quality import EVAL, check_labels, evaluate_sets, load_labels, run_pipeline  # noqa: E402

BASELINE = json.loads((EVAL / "baseline.json").read_text(encoding="utf-8"))
FLOORS = [(which, metric) for which, floors in BASELINE.items() if not which.startswith("_")
          for metric in floors if not metric.startswith("max_")]


@pytest.fixture(scope="module")
def results():
    return evaluate_sets()


def test_the_labels_are_well_formed():
    assert check_labels(load_labels(), EVAL / "docs") == []


@pytest.mark.parametrize(("which", "metric"), FLOORS)
def test_metric_stays_above_its_floor(results, which, metric):
    floor = BASELINE[which][metric]
    assert results[which][metric] >= floor, f"{which}: {metric} fell to {results[which][metric]:.3f} (floor {floor})"


@pytest.mark.parametrize("which", [which for which in BASELINE if not which.startswith("_")])
def test_no_false_merges(results, which):
    assert results[which]["false_merges"] <= BASELINE[which]["max_false_merges"], results[which]["false_merge_pairs"]


def test_the_set_is_as_large_as_the_issue_asks(results):
    assert results["in-house"]["documents"] >= 80 and results["in-house"]["near_duplicate_pairs"] >= 12
    assert not results["all"]["not_ingested"]


def test_every_item_says_why_it_is_in_or_out(tmp_path):
    for item in run_pipeline(EVAL / "docs", tmp_path).values():
        if item["relevant"]:
            assert item["reasons"] and all(reason["terms"] for reason in item["reasons"]), item["path"]
            assert item["why_not"] is None
        else:
            assert item["why_not"], item["path"]
