"""The CLI contract: commands, help, exit codes, status, build weeks; and the README that documents it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import cli

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", section, re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_after_the_gate():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == _quick_start_commands()[1]
    assert any("ruff check" in line for line in ci) and any(line.strip().endswith("mypy") for line in ci)


def test_readme_quick_start_has_exactly_two_commands():
    assert README.index("## Quick start") < README.index("\n## ", README.index("## Quick start") + 5)
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert "digest run --once" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    last_command = [line for line in ci.splitlines() if line.strip() and not line.startswith("#")][-1]
    assert last_command.strip() == _quick_start_commands()[1]
    assert "apt-get update" in ci and "chromium" in ci


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_and_is_documented(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert cli.commands[command].help and len(cli.commands[command].help) > 20
    assert re.search(rf"^\s+{command}\b", README, re.M), f"{command} is not in the README's command list"


def test_contract_commands_exist():
    assert {"check", "ingest", "build", "send", "export", "status", "run"} <= set(cli.commands)


def test_usage_errors_exit_2(digest):
    assert digest("no-such-command").exit_code == 2
    assert digest("build", "--no-such-option").exit_code == 2


def test_status_shows_health_counts_and_runs(digest):
    before = digest("status")
    assert before.exit_code == 0
    assert "seeds (folder): never run" in before.stdout
    assert "Last edition: none built yet" in before.stdout
    digest("run", "--once")
    after = digest("status").stdout
    assert "Items: 5 (5 relevant), aliases: 0" in after
    assert re.search(r"seeds \(folder\): OK; last attempt \S+, last success \S+, 5 documents", after)
    assert re.search(r"Last edition: \d{4}-W\d{2} built", after)
    assert "Next ingest" in after and "(mon 07:00 Europe/London)" in after
    assert re.search(r"Next weekly edition: \d{4}-\d{2}-\d{2}T07:00[+]0[01]:00", after)


def test_run_once_leaves_the_edition_standing_when_nothing_changed(digest, seed_dir):
    """An unchanged second run writes no page or feed; a new document, or a missing page, rebuilds them."""
    first = digest("run", "--once")
    html = Path(re.search(r"HTML:  (\S+)", first.stdout).group(1))
    written = html.stat().st_mtime_ns
    second = digest("run", "--once")
    assert second.exit_code == 0
    assert "the current edition and feeds stand" in second.stdout and "HTML:" not in second.stdout
    assert html.stat().st_mtime_ns == written
    html.unlink()
    assert "HTML:" in digest("run", "--once").stdout and html.is_file()  # not there: built again
    (seed_dir / "zz-new.txt").write_text(
        "Man charged after stabbing in Luton\n\nA 24-year-old man has been charged with wounding with intent "
        "after a stabbing in Luton town centre on Friday night, Bedfordshire Police said.\n", encoding="utf-8")
    third = digest("run", "--once")
    assert "seeds: 1 new" in third.stdout and "HTML:" in third.stdout


def test_status_reports_a_failing_source(digest, web_config, seed_dir):
    config = web_config(
        {"name": "seeds", "kind": "folder", "path": "seeds"},
        {"name": "force-news", "kind": "webpage", "url": "http://127.0.0.1:9/news/", "area": "Bedfordshire"},
    )
    digest("ingest", config=config)
    digest("ingest", config=config)
    out = digest("status", config=config).stdout
    assert "force-news (webpage): FAILING (2 in a row)" in out
    assert "seeds (folder): OK" in out


def test_build_weeks(digest, tmp_path):
    digest("ingest")
    result = digest("build", "--week", "2026-W01")
    assert result.exit_code == 0 and "Edition 2026-W01: 0 items" in result.stdout
    page = (tmp_path / "out" / "digests" / "2026-W01.html").read_text(encoding="utf-8")
    assert "No relevant items" in page
    assert digest("build").exit_code == 0  # the last complete week
    for bad in ("2026-W54", "last-week", "2026-13"):
        failed = digest("build", "--week", bad)
        assert failed.exit_code == 1 and failed.output.startswith("Error: --week:"), failed.output
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert index.index("2026-W01") > index.index("digests/2")  # newest first: W01 is the oldest


def test_export_relevant_only(digest, export, seed_dir):
    (seed_dir / "roads.txt").write_text(
        " date 2026-11-17 Drivers urged to slow down on icy roads\n"
        "Roads policing officers are reminding drivers to check their tyres and slow down this winter after a "
        "rise in collisions on rural routes. Drink driving and speeding checks continue across the county.\n",
        encoding="utf-8",
    )
    digest("ingest")
    everything, relevant = export(), export("--relevant-only")
    assert len(everything) == 6 and len(relevant) == 5
    roads = next(item for item in everything if item["path"] == "roads.txt")
    assert roads["relevant"] is False and roads["why_not"]
    assert all(item["relevant"] for item in relevant)
