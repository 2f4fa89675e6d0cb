"""Configuration through the real CLI: `digest check`, errors naming the key path, path resolution."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from digest.cli import cli

REPO = Path(__file__).resolve().parent.parent
SECRET = "hunter2-Xq9-not-for-logs"


def error_message(result: Result, config: Path) -> str:
    """Assert the result is one `Error:` line and no traceback; return the message after the file name."""
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error:"), result.output
    assert "Traceback" not in result.output
    message = lines[0].removeprefix("Error:").strip()
    # The file is named; strip it so the key assertions below cannot match the tmp path by accident.
    for name in (str(config.resolve()), str(config)):
        if message.startswith(name + ":"):
            return message[len(name) + 1:].strip()
    raise AssertionError(f"config file not named in {lines[0]!r}")


def test_check_shipped_config(digest: Callable[..., Result], config_path: Path) -> None:
    result = digest("check")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"# {config_path.resolve()}: OK")
    effective = yaml.safe_load(result.stdout)
    assert effective["timezone"] == "Europe/London"
    assert effective["sources"][0]["name"] == "seeds"
    assert effective["sources"][0]["path"] == str(config_path.parent / "seeds")
    assert effective["schedule"]["ingest_every"] == 7200  # "2h" as seconds
    assert effective["fetch"]["timeout"] == 20
    assert effective["email"]["from"] == "digest@localhost"
    # Defaults for keys the file leaves out are filled in.
    assert effective["email"]["smtp"]["timeout"] == 30
    assert effective["sources"][0]["enabled"] is True


def test_check_fills_defaults_for_minimal_config(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("# nothing set\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "check"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    effective = yaml.safe_load(result.stdout)
    assert effective["sources"] == []
    assert effective["dedupe"]["near_duplicate"] == 0.55
    assert effective["schedule"]["digest"] == "mon 07:00"
    assert effective["database"] == str(tmp_path / "data" / "digest.db")


def test_check_masks_smtp_password(digest: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", SECRET)
    result = digest("check")
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert "*****" in result.output
    assert yaml.safe_load(result.stdout)["email"]["smtp"]["password"].startswith("*****")


def test_check_masks_password_from_configured_env_name(
    write_config: Callable[..., Path], digest: Callable[..., Result], monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    data["email"]["smtp"]["password_env"] = "MY_MAIL_PASSWORD"
    path = write_config(email=data["email"])
    monkeypatch.setenv("MY_MAIL_PASSWORD", SECRET)
    monkeypatch.delenv("DIGEST_SMTP_PASSWORD", raising=False)
    result = digest("check", config=path)
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert "*****" in result.output


def test_check_says_when_password_is_not_set(digest: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIGEST_SMTP_PASSWORD", raising=False)
    result = digest("check")
    assert result.exit_code == 0
    password = yaml.safe_load(result.stdout)["email"]["smtp"]["password"]
    assert "not set" in password and "DIGEST_SMTP_PASSWORD" in password


# --- errors naming the key path ------------------------------------------------------------

def feed(**keys: Any) -> dict[str, Any]:
    return {"name": "force-news", "kind": "feed", "url": "https://www.police.example.org/news/rss", **keys}


CONFIG_ERRORS: list[tuple[str, dict[str, Any], str]] = [
    ("unknown top-level key", {"frobnicate": 1}, "frobnicate"),
    ("unknown nested key", {"fetch": {"timeout": 5, "colour": "red"}}, "fetch.colour"),
    ("wrong type", {"fetch": {"timeout": "soon"}}, "fetch.timeout"),
    ("section not a mapping", {"fetch": 5}, "fetch"),
    ("bad value", {"classify": {"min_relevance": 2}}, "classify.min_relevance"),
    ("bad duration", {"schedule": {"ingest_every": "often"}}, "schedule.ingest_every"),
    ("zero duration", {"schedule": {"ingest_every": "0h"}}, "schedule.ingest_every"),
    ("bad weekly time", {"schedule": {"digest": "someday"}}, "schedule.digest"),
    ("bad timezone", {"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ("folder does not exist", {"sources": [{"name": "s", "kind": "folder", "path": "nowhere"}]}, "sources[0].path"),
    ("unknown source kind", {"sources": [{"name": "x", "kind": "carrier-pigeon", "url": "https://example.org/"}]},
     "sources[0].kind"),
    ("source without kind", {"sources": [{"name": "x", "url": "https://example.org/"}]}, "sources[0].kind"),
    ("source without name", {"sources": [{"kind": "feed", "url": "https://example.org/feed"}]}, "sources[0].name"),
    ("source with bad URL", {"sources": [feed(url="not a url")]}, "sources[0].url"),
    ("source with ftp URL", {"sources": [feed(url="ftp://example.org/feed")]}, "sources[0].url"),
    ("second source bad", {"sources": [feed(), feed(name="other", url="www.example.org")]}, "sources[1].url"),
    ("unknown area", {"sources": [feed(area="Atlantis")]}, "sources[0].area"),
    ("unknown org_kind", {"sources": [feed(org_kind="gang")]}, "sources[0].org_kind"),
    ("unknown source key", {"sources": [feed(colour="blue")]}, "sources[0].colour"),
    ("bad source duration", {"sources": [feed(every="soon")]}, "sources[0].every"),
    ("sources not a list", {"sources": "seeds"}, "sources"),
    ("bad recipient", {"email": {"recipients": [{"address": "nobody"}]}}, "email.recipients[0].address"),
    ("worker priority out of range", {"ingest": {"worker_nice": 25}}, "ingest.worker_nice"),
]


@pytest.mark.parametrize("overrides,key", [(o, k) for _, o, k in CONFIG_ERRORS], ids=[c[0] for c in CONFIG_ERRORS])
def test_config_error_names_key(
    overrides: dict[str, Any], key: str, write_config: Callable[..., Path], digest: Callable[..., Result],
) -> None:
    path = write_config(**overrides)
    message = error_message(digest("check", config=path), path)
    assert message.startswith(f"{key}:"), message


# The whole line after the file name: the key path, then what is wrong in words, with the value found.
CONFIG_MESSAGES: list[tuple[str, dict[str, Any], str]] = [
    ("unknown key deep inside", {"classify": {"topics": {"new_topic": {"terms": ["x"], "colour": "red"}}}},
     "classify.topics.new_topic.colour: unknown key"),
    ("unknown key in a list's entry", {"alerts": [{"name": "a", "webhook": {"url": "https://hooks.example.org/",
                                                                           "secret_env": "HOME", "colour": "red"}}]},
     "alerts[0].webhook.colour: unknown key"),
    ("missing key in a list's entry", {"email": {"recipients": [{"areas": ["Kent"]}]}},
     "email.recipients[0].address: required key is missing"),
    ("missing kind", {"sources": [{"name": "x", "url": "https://example.org/"}]},
     "sources[0].kind: required key is missing (folder, feed or webpage)"),
    ("unknown kind", {"sources": [{"name": "x", "kind": "carrier-pigeon"}]},
     "sources[0].kind: unknown source kind 'carrier-pigeon' (expected folder, feed or webpage)"),
    ("a choice", {"email": {"smtp": {"security": "tls"}}},
     "email.smtp.security: must be one of 'none', 'starttls', 'ssl' (got 'tls')"),
    ("a choice in a list", {"sources": [feed(org_kind="gang")]},
     "sources[0].org_kind: must be one of 'police', 'pcc', 'vru', 'council', 'news', 'other' (got 'gang')"),
    ("a choice or a number", {"ingest": {"workers": "many"}},
     "ingest.workers: must be 'auto' or a whole number (got 'many')"),
    ("an upper bound", {"server": {"port": 70000}}, "server.port: must be at most 65535 (got 70000)"),
    ("a lower bound", {"fetch": {"timeout": 0}}, "fetch.timeout: must be greater than 0 (got 0)"),
    ("a wrong type", {"server": {"port": "eighty"}}, "server.port: must be a whole number (got 'eighty')"),
    ("text expected", {"timezone": 5}, "timezone: must be text (got 5)"),
    ("a path expected", {"database": 5}, "database: must be a path (got 5)"),
    ("infinite, with a bound", {"fetch": {"timeout": float("inf")}}, "fetch.timeout: must be a finite number (got inf)"),
    ("not a number, with a bound", {"dedupe": {"near_duplicate": float("nan")}},
     "dedupe.near_duplicate: must be a finite number (got nan)"),
    ("infinite, with no upper bound", {"alerts": [{"name": "a", "figures": {"arrests": float("inf")}}]},
     "alerts[0].figures.arrests: must be a finite number (got inf)"),
    ("an entry of a mapping", {"alerts": [{"name": "a", "figures": {"arrests": 2, "weapons": "many"}}]},
     "alerts[0].figures.weapons: must be a number (got 'many')"),
    ("empty", {"site": {"title": ""}}, "site.title: must not be empty (got '')"),
    ("a pattern", {"sources": [feed(name="-x")]},
     "sources[0].name: must be letters, digits, '_', '.' or '-', beginning with a letter or a digit (got '-x')"),
    ("a trailing newline", {"email": {"recipients": [{"address": "duty@example.org\n"}]}},
     "email.recipients[0].address: must be one email address, such as duty@example.org (got 'duty@example.org\\n')"),
    ("another pattern", {"alerts": [{"name": "-a"}]},
     "alerts[0].name: must match the pattern '^[A-Za-z0-9][A-Za-z0-9 _.-]*$' (got '-a')"),
    ("a check of a section", {"site": {"base_url": "ftp://example.org/"}},
     "site.base_url: not a URL: 'ftp://example.org/' (http:// or https:// expected)"),
    ("a check across sections", {"email": {"recipients": [{"address": "a@example.org", "topics": ["nonsense"]}]}},
     "email.recipients: unknown topic 'nonsense' (see digest/data/taxonomy.yaml)"),
    ("a duration", {"sources": [feed(every="3x")]},
     "sources[0].every: not a duration: '3x' (use a number with s, m, h or d, e.g. 2h)"),
    ("where a source came from is not a key", {"sources": [feed(_origin="catalogue (seen)")]},
     "sources[0]._origin: unknown key"),
    ("the config's own path is not a key", {"config_path": "/etc/digest.yaml"}, "config_path: unknown key"),
]


@pytest.mark.parametrize("overrides,line", [(o, m) for _, o, m in CONFIG_MESSAGES], ids=[c[0] for c in CONFIG_MESSAGES])
def test_config_error_says_what_is_wrong(
    overrides: dict[str, Any], line: str, write_config: Callable[..., Path], digest: Callable[..., Result],
) -> None:
    path = write_config(**overrides)
    assert error_message(digest("check", config=path), path) == line


def test_durations_and_times_are_read_in_their_units(
    write_config: Callable[..., Path], digest: Callable[..., Result], seed_dir: Path,
) -> None:
    path = write_config(sources=[{"name": "seeds", "kind": "folder", "path": str(seed_dir), "every": "15m",
                                  "expect_every": 90}, feed(every="1.5d", expect_every=None)],
                        fetch={"blocked_backoff": "2h"}, schedule={"ingest_every": 600, "daily": "7:05",
                                                                  "digest": "TUE 6:30"})
    result = digest("check", config=path)
    assert result.exit_code == 0, result.output
    effective = yaml.safe_load(result.stdout)
    assert [(s["every"], s["expect_every"]) for s in effective["sources"]] == [(900.0, 90.0), (129600.0, None)]
    assert effective["fetch"]["blocked_backoff"] == 7200.0
    assert effective["schedule"] == {"ingest_every": 600.0, "digest": "tue 06:30", "daily": "07:05"}


def test_unknown_source_kind_lists_the_kinds(write_config: Callable[..., Path], digest: Callable[..., Result]) -> None:
    path = write_config(sources=[{"name": "x", "kind": "carrier-pigeon", "url": "https://example.org/"}])
    message = error_message(digest("check", config=path), path)
    assert "carrier-pigeon" in message and "feed" in message


def test_duplicate_source_names_is_an_error(write_config: Callable[..., Path], digest: Callable[..., Result]) -> None:
    path = write_config(sources=[feed(), feed(url="https://www.police.example.org/other/rss")])
    message = error_message(digest("check", config=path), path)
    assert "duplicate" in message and "force-news" in message


def test_duplicate_source_names_names_key_path(write_config: Callable[..., Path], digest: Callable[..., Result]) -> None:
    path = write_config(sources=[feed(), feed(url="https://www.police.example.org/other/rss")])
    message = error_message(digest("check", config=path), path)
    assert message.startswith("sources[1]"), message


def test_invalid_yaml_names_file(tmp_path: Path, digest: Callable[..., Result]) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("database: [unclosed\nfetch: {timeout: 5}\n", encoding="utf-8")
    message = error_message(digest("check", config=path), path)
    assert "YAML" in message


def test_top_level_not_a_mapping(tmp_path: Path, digest: Callable[..., Result]) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- database\n- out\n", encoding="utf-8")
    message = error_message(digest("check", config=path), path)
    assert "mapping" in message


def test_missing_config_file_names_file(tmp_path: Path, digest: Callable[..., Result]) -> None:
    path = tmp_path / "nope" / "config.yaml"
    message = error_message(digest("check", config=path), path)
    assert "not found" in message


def test_folder_error_names_the_missing_folder(write_config: Callable[..., Path], digest: Callable[..., Result],
                                               tmp_path: Path) -> None:
    path = write_config(sources=[{"name": "drop", "kind": "folder", "path": "inbox"}])
    message = error_message(digest("check", config=path), path)
    assert str(tmp_path / "inbox") in message


@pytest.mark.parametrize("overrides", [{"frobnicate": 1}, {"timezone": "Nowhere/Special"},
                                       {"sources": [{"name": "s", "kind": "folder", "path": "nowhere"}]}])
def test_bad_config_stops_ingest_before_anything_runs(
    overrides: dict[str, Any], write_config: Callable[..., Path], digest: Callable[..., Result], tmp_path: Path,
) -> None:
    path = write_config(**overrides)
    error_message(digest("ingest", config=path), path)
    assert not (tmp_path / "data").exists()
    assert not list(tmp_path.rglob("*.db"))


def test_unknown_source_name_stops_ingest_before_anything_runs(digest: Callable[..., Result], tmp_path: Path) -> None:
    result = digest("ingest", "--source", "nosuch")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:") and "nosuch" in lines[0]
    assert not (tmp_path / "data" / "digest.db").exists()


# --- paths and where the config comes from ---------------------------------------------------

def write_config_in(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "seeds").mkdir(exist_ok=True)
    path = directory / "config.yaml"
    path.write_text((REPO / "config.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_paths_are_relative_to_config_file(
    tmp_path: Path, digest: Callable[..., Result], monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = write_config_in(tmp_path / "etc" / "digest")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = digest("check", config=Path("..") / "etc" / "digest" / "config.yaml")
    assert result.exit_code == 0, result.output
    effective = yaml.safe_load(result.stdout)
    base = config.parent.resolve()
    assert effective["database"] == str(base / "data" / "digest.db")
    assert effective["output_dir"] == str(base / "out")
    assert effective["sources"][0]["path"] == str(base / "seeds")
    assert not (elsewhere / "data").exists()


def test_digest_config_env_var_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config_in(tmp_path / "conf")
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)  # no ./config.yaml here
    result = CliRunner().invoke(cli, ["check"], env={"DIGEST_CONFIG": str(config)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"# {config.resolve()}: OK")
    assert yaml.safe_load(result.stdout)["database"] == str(config.parent.resolve() / "data" / "digest.db")


def test_config_option_beats_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = write_config_in(tmp_path / "chosen")
    other = write_config_in(tmp_path / "other")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--config", str(chosen), "check"], env={"DIGEST_CONFIG": str(other)},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert str(chosen.resolve()) in result.stdout
    assert str(other.resolve()) not in result.stdout


def test_default_config_in_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config_in(tmp_path / "here")
    monkeypatch.chdir(config.parent)
    monkeypatch.delenv("DIGEST_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["check"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"# {config.resolve()}: OK")


def test_missing_default_config_is_a_user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIGEST_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["check"], catch_exceptions=False)
    message = error_message(result, Path("config.yaml"))
    assert "not found" in message


# --- usage errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["frobnicate"], ["check", "--bogus"], ["--nope", "check"], ["build", "--week"]])
def test_usage_errors_exit_2(args: list[str], config_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(config_path), *args], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "Usage:" in result.output or "Error:" in result.output
