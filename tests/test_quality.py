"""The quality gate: the labelled set in tests/eval must stay above the floors in baseline.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from quality import EVAL, evaluate, run_pipeline  # noqa: E402

BASELINE = json.loads((EVAL / "baseline.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def results():
    return evaluate()


@pytest.mark.parametrize("metric", [k for k in BASELINE if not k.startswith(("_", "max_"))])
def test_metric_stays_above_its_floor(results, metric):
    assert results[metric] >= BASELINE[metric], f"{metric} fell to {results[metric]:.3f} (floor {BASELINE[metric]})"


def test_no_false_merges(results):
    assert results["false_merges"] <= BASELINE["max_false_merges"], results["false_merge_pairs"]


def test_the_set_is_as_large_as_the_issue_asks(results):
    assert results["documents"] >= 80 and results["near_duplicate_pairs"] >= 12
    assert not results["not_ingested"]


def test_every_item_says_why_it_is_in_or_out(tmp_path):
    for item in run_pipeline(EVAL / "docs", tmp_path).values():
        if item["relevant"]:
            assert item["reasons"] and all(reason["terms"] for reason in item["reasons"]), item["path"]
            assert item["why_not"] is None
        else:
            assert item["why_not"], item["path"]
