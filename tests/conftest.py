"""Shared fixtures: a real config file, a real SQLite database and real seed files in tmp_path."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from digest.cli import cli

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A copy of the shipped seed documents (without the folder's README)."""
    target = tmp_path / "seeds"
    target.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy2(path, target / path.name)
    return target


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write config.yaml in tmp_path: the shipped config (seed folder only) with the given keys replaced."""

    def write(**overrides: Any) -> Path:
        data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
        # Tests never reach the internet: keep the shipped config's seed folder, not its web sources.
        data["sources"] = [s for s in data["sources"] if s["kind"] == "folder"]
        data.update(overrides)
        path = tmp_path / "config.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    return write


@pytest.fixture
def config_path(seed_dir: Path, write_config: Callable[..., Path]) -> Path:
    return write_config()


@pytest.fixture
def digest(config_path: Path) -> Callable[..., Result]:
    """Run the `digest` CLI against the test config, as a user would."""
    runner = CliRunner()

    def run(*args: str, config: Path | None = None) -> Result:
        return runner.invoke(cli, ["--config", str(config or config_path), *args], catch_exceptions=False)

    return run


@pytest.fixture
def export(digest: Callable[..., Result]) -> Callable[..., list[dict[str, Any]]]:
    def run(*args: str) -> list[dict[str, Any]]:
        result = digest("export", *args)
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    return run


# Polite but quick: tests talk to 127.0.0.1 only, so no per-host delay and tiny backoffs.
FAST_FETCH = {"per_host_delay": 0, "backoff": 0.01, "timeout": 5, "retries": 2, "contact": "https://digest.example.org/contact"}


@pytest.fixture
def web() -> Iterator[Any]:
    from webfixture import FixtureServer

    server = FixtureServer()
    yield server
    server.close()


@pytest.fixture
def web_config(write_config: Callable[..., Path]) -> Callable[..., Path]:
    """A config whose sources are the given ones, with fast fetch settings (overridable)."""

    def write(*sources: dict[str, Any], **fetch: Any) -> Path:
        return write_config(sources=list(sources), fetch={**FAST_FETCH, **fetch})

    return write
