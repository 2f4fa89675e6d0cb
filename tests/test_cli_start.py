"""`digest --help`, `status` and `check` import only what they use, so they start quickly (issue 21).

Each command runs in a fresh interpreter, which then lists the modules it loaded: an import
added at the top of a module on their path shows up here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RUN_AND_LIST = """
import json, sys
from digest.cli import cli
try:
    cli(sys.argv[2:], prog_name="digest")
except SystemExit as exit:
    code = exit.code
with open(sys.argv[1], "w") as listing:
    json.dump({"code": code, "modules": sorted(sys.modules)}, listing)
"""
# What judging, fetching or rendering loads: none of these three commands needs any of it.
HEAVY = ["trafilatura", "jinja2", "httpx", "ftfy", "lxml", "feedparser", "feedgen", "ahocorasick_rs",
         "apscheduler.schedulers", "digest.extract", "digest.classify", "digest.gazetteer", "digest.terms",
         "digest.pipeline", "digest.service", "digest.scheduler", "digest.render", "digest.fetch"]
# What the store and the config's validation load: --help needs neither.
STORE_AND_CONFIG = ["sqlite_utils", "numpy", "pydantic", "yaml", "digest.store", "digest.config"]


def modules_loaded(tmp_path: Path, *args: str) -> set[str]:
    listing = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", RUN_AND_LIST, str(listing), *args], cwd=REPO, check=True,
                          capture_output=True, text=True, timeout=120)
    found = json.loads(listing.read_text(encoding="utf-8"))
    assert found["code"] in (0, None), done.stdout + done.stderr
    return set(found["modules"])


def loaded(modules: set[str], names: list[str]) -> list[str]:
    return [name for name in names if name in modules]


def test_help_loads_neither_the_store_nor_the_config(tmp_path):
    modules = modules_loaded(tmp_path, "--help")
    assert "click" in modules
    assert loaded(modules, HEAVY + STORE_AND_CONFIG) == []


def seeds_config(write_config, seed_dir) -> Path:
    return write_config(sources=[{"name": "seeds", "kind": "folder", "path": str(seed_dir)}])


def test_status_loads_nothing_of_judging_fetching_or_rendering(tmp_path, write_config, seed_dir, digest):
    config = seeds_config(write_config, seed_dir)
    assert digest("ingest", config=config).exit_code == 0
    modules = modules_loaded(tmp_path, "--config", str(config), "status")
    assert {"digest.store", "digest.config"} <= modules
    assert loaded(modules, HEAVY) == []


@pytest.mark.parametrize("command", ["check", "sources"])
def test_check_loads_no_store(tmp_path, write_config, seed_dir, command):
    modules = modules_loaded(tmp_path, "--config", str(seeds_config(write_config, seed_dir)), command)
    assert "digest.config" in modules
    assert loaded(modules, [*HEAVY, "sqlite_utils", "numpy", "digest.store"]) == []
