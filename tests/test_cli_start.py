"""`digest --help`, `status` and `check` import only what they use, so they start quickly (issue 21).

Each command runs in a fresh interpreter, which then lists the modules it loaded: an import
added at the top of a module on their path shows up here."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from test_mail import mail_config, smtp  # noqa: F401 - the fixtures: aiosmtpd on 127.0.0.1 and a config mailing it

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
STORE_AND_CONFIG = ["sqlite_utils", "numpy", "msgspec", "yaml", "digest.store", "digest.config"]


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
    assert {"digest.store", "digest.config", "msgspec"} <= modules
    assert "pydantic" not in modules  # the config is validated by msgspec: pydantic took 0.1 s of each start
    # The database is current (its user_version says so): its migrations, and sqlite-utils with numpy, stay unread.
    assert loaded(modules, [*HEAVY, "sqlite_utils", "numpy", "digest.store.schema"]) == []


# What judging a document loads (the taxonomy, gazetteer and patterns, extraction, MinHash with numpy).
JUDGEMENT = ["numpy", "trafilatura", "digest.prepare", "digest.classify", "digest.extract", "digest.dedupe",
             "digest.shingles", "digest.figures", "digest.gazetteer", "digest.terms", "digest.furniture"]


@pytest.mark.parametrize("command", [["ingest"], ["run", "--once"]])
def test_a_run_with_nothing_new_loads_nothing_of_the_judgement(tmp_path, write_config, seed_dir, digest, command):
    config = seeds_config(write_config, seed_dir)
    assert digest(*command, config=config).exit_code == 0
    modules = modules_loaded(tmp_path, "--config", str(config), *command)  # every file unchanged
    assert "digest.pipeline" in modules
    assert loaded(modules, JUDGEMENT) == []
    # The edition stands, no alert is due, no mail is sent: nothing of building, mailing or alerting;
    # no worker process starts, and the config has no alert rules to match.
    assert loaded(modules, ["jinja2", "feedgen", "digest.render", "digest.mailer", "digest.alert_delivery",
                            "multiprocessing", "concurrent.futures", "digest.alerts", "digest.search"]) == []
    (seed_dir / "zz-new.txt").write_text("Man charged after a stabbing in Luton\n\nA man has been charged with "
                                         "wounding after a stabbing in Luton on Friday, police said.\n", encoding="utf-8")
    assert {"digest.prepare", "digest.classify"} <= modules_loaded(tmp_path, "--config", str(config), *command)


def test_the_schema_version_a_current_database_is_stamped_with_is_the_newest_migration():
    from digest.store.db import SCHEMA_VERSION
    from digest.store.schema import newest_version

    assert newest_version() == SCHEMA_VERSION


def test_a_database_without_the_stamp_is_checked_and_stamped_and_then_opened_without_migrating(tmp_path):
    from digest.store import Store
    from digest.store.schema import migrations, newest_version

    path = tmp_path / "digest.db"
    Store(path).close()
    with sqlite3.connect(path) as opened:  # as a digest before the stamp left it: migrated, user_version 0
        opened.execute("pragma user_version = 0")
    Store(path).close()
    with sqlite3.connect(path) as opened:
        assert opened.execute("pragma user_version").fetchone()[0] == newest_version()
        applied = [row[0] for row in opened.execute("select name from _sqlite_migrations")]
    assert sorted(applied) == sorted(migration.name for migration in migrations._migrations)  # each once
    listing = tmp_path / "modules.json"
    opening = ("import json, sys; from digest.store import Store; Store(sys.argv[1]).close(); "
               "json.dump(sorted(sys.modules), open(sys.argv[2], 'w'))")
    subprocess.run([sys.executable, "-c", opening, str(path), str(listing)], cwd=REPO, check=True, timeout=120)
    assert loaded(set(json.loads(listing.read_text(encoding="utf-8"))), ["sqlite_utils", "digest.store.schema"]) == []


def test_an_unchanged_run_that_mails_loads_no_templates_and_sends_nothing(tmp_path, mail_config, smtp, digest):  # noqa: F811
    """With email on, the send step tells from the week's stories and the delivery ledger that nothing is
    new, without building the rest of the edition or loading the templates."""
    config = mail_config()
    assert digest("run", "--once", config=config).exit_code == 0
    sent = len(smtp.messages)
    assert sent >= 1  # the first run mailed this week's edition
    modules = modules_loaded(tmp_path, "--config", str(config), "run", "--once")
    assert "digest.mailer" in modules  # the send step ran
    assert loaded(modules, ["jinja2", "digest.render", "digest.mailer.content", "feedgen", "digest.charts"]) == []
    assert len(smtp.messages) == sent


@pytest.mark.parametrize("command", ["check", "sources"])
def test_check_loads_no_store(tmp_path, write_config, seed_dir, command):
    modules = modules_loaded(tmp_path, "--config", str(seeds_config(write_config, seed_dir)), command)
    assert "digest.config" in modules
    assert loaded(modules, [*HEAVY, "sqlite_utils", "numpy", "digest.store", "pydantic"]) == []
