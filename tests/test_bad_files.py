"""Bad files in a watched folder are reported by name and skipped (or read as text where that
makes sense); every good file is still ingested and nothing stored is lost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = """ date 2026-11-16 Knife surrender bin installed outside Wellingborough church
A knife surrender bin has been installed outside a church in Wellingborough as part of a countywide
campaign against knife crime. Northamptonshire Police said 40 knives were surrendered in the first week.
"""
LATIN1 = (" date 2026-11-16 Commissioner awards “violence fund” grants\n"
          "The Commissioner has awarded £45,000 to youth projects that tackle knife crime and serious "
          "violence across Luton and Bedford.\n").encode("cp1252")
UTF16 = """Police and Crime Commissioner backs county lines crackdown in Peterborough

The Police and Crime Commissioner has welcomed a week of action against county lines drug dealing in
Peterborough, in which officers closed three deal lines and safeguarded two vulnerable teenagers.
"""
NUL = (b" date 2026-11-17 Machete seized in Corby\nA man has been arrested after a machete was seized\x00 "
       b"during a stop and search in Corby, Northamptonshire. Officers said knife crime patrols continue.\n")
BROKEN_YAML = """```yaml
title: "Unclosed quote
area: [Bedfordshire
```

Officers in Luton seized 12 knives and made 5 arrests during a week of action against knife crime and gangs.
The operation, led by the Boson team, targeted street violence in the town centre.
"""


def _bad_folder(seed_dir: Path) -> None:
    (seed_dir / "good.txt").write_text(GOOD, encoding="utf-8")
    (seed_dir / "empty.txt").write_bytes(b"")
    (seed_dir / "blank.md").write_bytes(b"  \n\n \t\n")
    (seed_dir / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (seed_dir / "noise.html").write_bytes(bytes(range(32)) * 64)
    (seed_dir / "windows-1252.txt").write_bytes(LATIN1)
    (seed_dir / "utf16.txt").write_bytes(b"\xff\xfe" + UTF16.encode("utf-16-le"))
    (seed_dir / "nul-bytes.txt").write_bytes(NUL)
    (seed_dir / "huge.txt").write_bytes(b"knife crime " * 4000)  # 48,000 bytes > max_bytes below
    (seed_dir / "broken-front-matter.md").write_text(BROKEN_YAML, encoding="utf-8")
    (seed_dir / "dangling.txt").symlink_to(seed_dir / "does-not-exist.txt")


@pytest.fixture
def bad_config(seed_dir, write_config):
    return write_config(sources=[{"name": "seeds", "kind": "folder", "path": "seeds", "max_bytes": 20000}])


def test_each_bad_file_is_reported_and_good_files_are_ingested(digest, export, seed_dir, bad_config):
    first = digest("ingest", config=bad_config)
    assert first.exit_code == 0
    stored = export()
    _bad_folder(seed_dir)
    result = digest("ingest", config=bad_config)
    assert result.exit_code == 0, result.output
    assert "seeds: 5 new, 0 updated, 0 duplicate, 5 unchanged, 6 failed" in result.stdout
    log = result.stderr
    for name, reason in [
        ("empty.txt", "empty file"), ("blank.md", "empty file"), ("picture.txt", "binary file"),
        ("noise.html", "binary file"), ("huge.txt", "file is over the size limit"), ("dangling.txt", "cannot read file"),
    ]:
        assert f"skipped {name}: {reason}" in log, (name, log)
    assert "windows-1252.txt: not valid UTF-8" in log
    assert "utf16.txt: read as UTF-16-LE" in log
    assert "nul-bytes.txt: removed 1 NUL bytes" in log
    assert "broken-front-matter.md: broken YAML front matter" in log

    items = {item["path"]: item for item in export()}
    for item in stored:  # nothing already stored is lost or changed
        assert items[item["path"]] == item
    assert items["good.txt"]["title"] == "Knife surrender bin installed outside Wellingborough church"
    assert items["windows-1252.txt"]["title"] == "Commissioner awards “violence fund” grants"
    assert items["windows-1252.txt"]["figures"][0]["value"] == 45000
    assert items["utf16.txt"]["title"].startswith("Police and Crime Commissioner backs county lines")
    assert items["utf16.txt"]["area"] == "Cambridgeshire"
    assert "\x00" not in items["nul-bytes.txt"]["summary"] and "machete was seized during" in items["nul-bytes.txt"]["summary"]
    broken = items["broken-front-matter.md"]
    assert broken["title"].startswith("Officers in Luton seized 12 knives")
    assert "Unclosed" not in broken["title"] + broken["summary"]
    assert broken["area"] == "Bedfordshire"


def test_bad_files_are_listed_in_the_edition_foot(digest, seed_dir, bad_config, tmp_path):
    _bad_folder(seed_dir)
    digest("ingest", config=bad_config)
    assert digest("build", "--week", "current", config=bad_config).exit_code == 0
    text = next((tmp_path / "out" / "digests").glob("*.txt")).read_text(encoding="utf-8")
    assert "seeds" in text and "6 document(s) could not be read" in " ".join(text.split())


def test_a_file_nobody_may_read_is_reported(seed_dir, bad_config, tmp_path):
    """Run as a user for whom file permissions apply (root drops its override capability)."""
    locked = seed_dir / "locked.txt"
    locked.write_text(GOOD, encoding="utf-8")
    locked.chmod(0o000)
    command = [sys.executable, "-m", "digest", "--config", str(bad_config), "ingest"]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    locked.chmod(0o644)
    assert result.returncode == 0, result.stderr
    assert "skipped locked.txt: cannot read file (Permission denied)" in result.stderr
    assert "seeds: 5 new, 0 updated, 0 duplicate, 0 unchanged, 1 failed" in result.stdout


def test_strict_ingest_fails_only_on_a_failed_source(digest, web_config, seed_dir):
    config = web_config(
        {"name": "seeds", "kind": "folder", "path": "seeds"},
        {"name": "closed", "kind": "webpage", "url": "http://127.0.0.1:9/news/"},  # nothing listens on port 9
    )
    result = digest("ingest", config=config)
    assert result.exit_code == 0
    assert "seeds: 5 new" in result.stdout and "closed: FAILED:" in result.stdout
    strict = digest("ingest", "--strict", config=config)
    assert strict.exit_code == 1
    assert strict.output.strip().splitlines()[-1] == "Error: sources failed: closed"
    assert "Traceback" not in strict.output


def test_a_missing_folder_is_a_config_error_before_anything_runs(digest, write_config, tmp_path):
    config = write_config(sources=[{"name": "gone", "kind": "folder", "path": "gone"}])
    result = digest("ingest", config=config)
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error:") and "sources[0].path: no such folder" in result.output
    assert not (tmp_path / "data").exists()


def test_export_is_valid_json_lines_with_the_contract_fields(digest, export):
    digest("ingest")
    fields = {"id", "source", "url", "path", "title", "published", "first_seen", "area", "mentioned_areas",
              "org", "org_kind", "topics", "relevance", "relevant", "cluster", "aliases", "figures", "summary",
              "reasons"}
    for item in export():
        assert fields <= set(item)
        json.dumps(item)
