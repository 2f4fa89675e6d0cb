"""The archive opens in Datasette with the shipped metadata: its full-text search over the stories
works, the facets are offered and the bookkeeping tables are hidden (a real `datasette serve`)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from conftest import REPO

METADATA = REPO / "datasette" / "metadata.yaml"


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        return int(listener.getsockname()[1])


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _wait_until_up(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"datasette exited with {process.returncode}: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            _get_json(f"{base}/-/versions.json")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("datasette did not answer within 60 s")


@pytest.fixture
def datasette(digest: Callable[..., Any], tmp_path: Path) -> Iterator[str]:
    """The seeds ingested into tmp_path/data/digest.db, served by Datasette; yields its base URL."""
    result = digest("ingest")
    assert result.exit_code == 0, result.output
    database = tmp_path / "data" / "digest.db"
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(database), "--metadata", str(METADATA),
         "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _search(base: str, query: str) -> dict[str, Any]:
    return _get_json(f"{base}/digest/items.json?{urlencode({'_search': query, '_shape': 'objects'})}")  # type: ignore[no-any-return]


def test_full_text_search_finds_the_stories_that_say_the_word(datasette: str) -> None:
    knife = _search(datasette, "knife")
    assert knife["rows"]
    assert all("knife" in (row["title"] + row["body"]).lower() for row in knife["rows"])

    sweeps = _search(datasette, "sweeps")
    assert [row["path"] for row in sweeps["rows"]] == ["003_0fc0534938e8ed63.txt"]


def test_search_results_come_with_the_facets_of_the_metadata(datasette: str) -> None:
    knife = _search(datasette, "knife")
    facets = knife["facet_results"]
    assert {"area", "org_kind", "relevant", "source", "cluster"} <= set(facets)
    area_counts = {entry["value"]: entry["count"] for entry in facets["area"]["results"]}
    assert sum(area_counts.values()) == len(knife["rows"])
    assert area_counts["Bedfordshire"] == 2


def test_a_stray_quote_or_operator_is_searched_not_an_error(datasette: str) -> None:
    knife_ids = {row["id"] for row in _search(datasette, "knife")["rows"]}
    hostile = _search(datasette, 'knife "NEAR(')  # an error status would have raised
    assert {row["id"] for row in hostile["rows"]} <= knife_ids


def test_the_bookkeeping_tables_are_hidden_and_the_stories_labelled(datasette: str) -> None:
    tables = {table["name"]: table for table in _get_json(f"{datasette}/digest.json")["tables"]}
    for internal in ("lsh_bands", "item_facts", "item_signatures", "_sqlite_migrations", "fetch_log", "http_cache",
                     "gone"):
        assert tables[internal]["hidden"], internal
    assert not tables["items"]["hidden"]
    page = urllib.request.urlopen(f"{datasette}/digest/items", timeout=10).read().decode()
    assert "<h1" in page and "Stories" in page
    assert 'name="_search"' in page  # the metadata names the full-text index (of the relevant stories)
