"""The JSON API (/api/v1/) on a real server over a real store of synthetic documents, read-only,
while the real pipeline stores more items between pages."""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import waitress
import yaml

from digest.config import Config, load_config
from digest.pipeline import ingest
from digest.server import make_app
from digest.service import read_status
from digest.store import Store
from digest.store.search import ThreadSearches
from test_serve import request, stop_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synth import write_folder


@dataclass
class Served:
    port: int
    config: Config
    root: Path

    def get(self, path: str, **params: str) -> tuple[int, dict[str, str], Any]:
        status, headers, body = request(self.port, path + ("?" + urlencode(params) if params else ""))
        return status, headers, json.loads(body) if body else None

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(f"file:{self.config.database}?mode=ro", uri=True) as db:
            return db.execute(sql, params).fetchall()

    def ingest_more(self, count: int, seed: int) -> None:
        """Store more documents through the real pipeline (the server keeps reading meanwhile)."""
        write_folder(self.root / "more" / f"batch{seed}", count, seed=seed)
        store = Store(self.config.database)
        try:
            ingest(self.config, store)
        finally:
            store.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    write_folder(tmp_path / "docs", 300, seed=21)
    (tmp_path / "more").mkdir()
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump({
        "database": str(tmp_path / "digest.db"), "output_dir": str(tmp_path / "out"), "ingest": {"workers": 0},
        "sources": [{"name": "synth", "kind": "folder", "path": str(tmp_path / "docs")},
                    {"name": "more", "kind": "folder", "path": str(tmp_path / "more")}]}), encoding="utf-8")
    config = load_config(config_file)
    store = Store(config.database)
    ingest(config, store)
    store.close()
    app = make_app(config, partial(read_status, config.database), ThreadSearches(config.database))
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield Served(server.effective_port, config, tmp_path)
    stop_server(server)
    thread.join(timeout=5)


def all_pages(served: Served, between: Any = None, **params: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = ""
    for page in range(1000):
        status, _, body = served.get("/api/v1/items", **params, **({"cursor": cursor} if cursor else {}))
        assert status == 200, body
        items += body["items"]
        if body["next_cursor"] is None:
            return items
        cursor = body["next_cursor"]
        if between:
            between(page)
    raise AssertionError("the cursor never ended")


def test_paging_gives_each_item_once_while_items_are_stored(served):
    before = {row[0] for row in served.rows("select id from items where relevant = 1")}
    seeds = iter(range(100, 110))
    items = all_pages(served, between=lambda page: page < 3 and served.ingest_more(40, next(seeds)), limit="25")
    ids = [item["id"] for item in items]
    after = {row[0] for row in served.rows("select id from items where relevant = 1")}
    assert after > before  # items were stored while paging
    assert len(ids) == len(set(ids))
    assert set(ids) == before
    assert ids == sorted(ids, reverse=True)


def test_filters_are_the_searchs(served):
    area, kind = served.rows("select area, org_kind from items where relevant = 1 and area is not null "
                             "and org_kind is not null group by area, org_kind order by count(*) desc limit 1")[0]
    dates = sorted(row[0] for row in served.rows("select published from items where relevant = 1 and published "
                                                 "is not null"))
    start, end = dates[len(dates) // 4], dates[3 * len(dates) // 4]
    expected = {row[0] for row in served.rows(
        "select id from items where relevant = 1 and area = ? and org_kind = ? and published between ? and ?",
        area, kind, start, end)}
    found = all_pages(served, area=area, org_kind=kind, **{"from": start, "to": end}, limit="7")
    assert {item["id"] for item in found} == expected
    assert all(item["area"] == area and item["org_kind"] == kind and start <= item["published"] <= end
               for item in found)
    word = served.rows("select lower(title) from items where relevant = 1 limit 1")[0][0].split()[-1]
    searched = all_pages(served, q=word, limit="100")
    assert searched and all(item["relevant"] for item in searched)
    assert {item["id"] for item in searched} <= {row[0] for row in served.rows("select id from items where relevant = 1")}


def test_one_item_and_missing_ones(served):
    item_id, title, cluster = served.rows("select id, title, cluster from items order by id limit 1")[0]
    status, headers, body = served.get(f"/api/v1/items/{item_id}")
    assert status == 200 and headers["content-type"] == "application/json"
    assert (body["id"], body["title"], body["cluster"]) == (item_id, title, cluster)
    assert served.get("/api/v1/items/999999999")[0] == 404
    assert served.get("/api/v1/nothing")[0] == 404


@pytest.mark.parametrize(("path", "params", "named"), [
    ("/api/v1/items", {"limit": "0"}, "limit"), ("/api/v1/items", {"limit": "101"}, "limit"),
    ("/api/v1/items", {"limit": "ten"}, "limit"), ("/api/v1/items", {"cursor": "bm9wZQ"}, "cursor"),
    ("/api/v1/items", {"cursor": "!!"}, "cursor"), ("/api/v1/items", {"from": "2024-13-01"}, "from"),
    ("/api/v1/items", {"from": "2025-02-01", "to": "2025-01-01"}, "to"), ("/api/v1/items", {"q": "-knife"}, "q"),
    ("/api/v1/items", {"topic": "Knife Crime"}, "topic"), ("/api/v1/items", {"page": "2"}, "page"),
    ("/api/v1/items/abc", {}, "id"), ("/api/v1/items/1", {"limit": "1"}, "limit"),
    ("/api/v1/stats", {"weeks": "0"}, "weeks"), ("/api/v1/stats", {"weeks": "105"}, "weeks"),
    ("/api/v1/stats", {"area": "x" * 81}, "area"), ("/api/v1/stats", {"q": "knife"}, "q"),
])
def test_bad_parameters_are_named(served, path, params, named):
    status, headers, body = served.get(path, **params)
    assert status == 400 and headers["content-type"] == "application/json"
    assert body["error"]["parameter"] == named and body["error"]["message"]
    assert headers["etag"]


def test_etag_and_not_modified(served):
    for path in ("/api/v1/items?limit=5", "/api/v1/items/1", "/api/v1/stats", "/api/v1/openapi.json"):
        status, headers, _ = request(served.port, path)
        assert status == 200 and headers["etag"] == request(served.port, path)[1]["etag"]
        status, again, empty = request(served.port, path, headers={"If-None-Match": headers["etag"]})
        assert (status, empty, again["etag"]) == (304, b"", headers["etag"])
        assert request(served.port, path, headers={"If-None-Match": '"other"'})[0] == 200
    first = request(served.port, "/api/v1/items?limit=5")[1]["etag"]
    served.ingest_more(40, seed=200)
    assert request(served.port, "/api/v1/items?limit=5")[1]["etag"] != first


def expected_weeks(served: Served, weeks: int, area: str | None = None, topic: str | None = None) -> dict[str, int]:
    """Stories a week by plain counting: a story is its relevant items, dated by the earliest, filed by
    the area and topics of the one found first; weeks named by ISO week in Europe/London."""
    rows = served.rows("select id, cluster, first_seen, published, area from items where relevant = 1 "
                       "order by first_seen, id")
    topics: dict[int, set[str]] = {}
    for item_id, topic_id in served.rows("select item_id, topic from item_topics"):
        topics.setdefault(item_id, set()).add(topic_id)
    leads: dict[int, tuple[int, str | None]] = {}
    dated: dict[int, list[date]] = {}
    for item_id, cluster, _, published, item_area in rows:
        leads.setdefault(cluster, (item_id, item_area))
        if published:
            dated.setdefault(cluster, []).append(date.fromisoformat(published))
    today = datetime.now(ZoneInfo("Europe/London")).date()
    monday = today - timedelta(days=today.weekday())
    counts = {(monday - timedelta(weeks=back)).isoformat(): 0 for back in range(weeks)}
    for cluster, (lead, lead_area) in leads.items():
        if cluster not in dated or (area and lead_area != area) or (topic and topic not in topics.get(lead, set())):
            continue
        first = min(dated[cluster])
        week = (first - timedelta(days=first.weekday())).isoformat()
        if week in counts:
            counts[week] += 1
    return counts


def test_weekly_stats(served):
    status, _, body = served.get("/api/v1/stats")
    assert status == 200 and len(body["weeks"]) == 12
    assert {week["first_day"]: week["stories"] for week in body["weeks"]} == expected_weeks(served, 12)
    assert sum(week["stories"] for week in body["weeks"]) > 0
    assert [week["first_day"] for week in body["weeks"]] == sorted(week["first_day"] for week in body["weeks"])
    area = served.rows("select area from items where relevant = 1 and area is not null group by area "
                       "order by count(*) desc limit 1")[0][0]
    topic = served.rows("select topic from item_topics group by topic order by count(*) desc limit 1")[0][0]
    for params in ({"area": area}, {"topic": topic}, {"area": area, "topic": topic, "weeks": "30"}):
        status, _, body = served.get("/api/v1/stats", **params)
        assert status == 200 and (body["area"], body["topic"]) == (params.get("area"), params.get("topic"))
        assert {week["first_day"]: week["stories"] for week in body["weeks"]} == expected_weeks(
            served, int(params.get("weeks", "12")), params.get("area"), params.get("topic"))
    assert served.get("/api/v1/stats", weeks="1")[2]["weeks"][0]["week"] == datetime.now(
        ZoneInfo("Europe/London")).strftime("%G-W%V")


# --- the responses against the OpenAPI description ---------------------------------------------

def check(value: Any, schema: dict[str, Any], spec: dict[str, Any], where: str = "$") -> list[str]:
    """Where `value` breaks `schema` (the JSON Schema keywords the description uses)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return check(value, spec["components"]["schemas"][name], spec, where)
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    types = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    if kinds and not any(_is(value, kind, types) for kind in kinds):
        return [f"{where}: {value!r} is not {kinds}"]
    problems = []
    if isinstance(value, dict):
        problems += [f"{where}: lacks {name}" for name in schema.get("required", []) if name not in value]
        for name, inner in value.items():
            if name in schema.get("properties", {}):
                problems += check(inner, schema["properties"][name], spec, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                problems.append(f"{where}: {name} is not described")
    if isinstance(value, list) and "items" in schema:
        for index, inner in enumerate(value):
            problems += check(inner, schema["items"], spec, f"{where}[{index}]")
    return problems


def _is(value: Any, kind: str, types: dict[str, type]) -> bool:
    if kind in ("integer", "number"):
        wanted = int if kind == "integer" else (int, float)
        return isinstance(value, wanted) and not isinstance(value, bool)
    return isinstance(value, types[kind])


def test_responses_follow_the_openapi_description(served):
    status, _, spec = served.get("/api/v1/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {"/api/v1/items", "/api/v1/items/{id}", "/api/v1/stats", "/api/v1/openapi.json"}
    item_id = served.rows("select id from items where relevant = 1 and id in (select item_id from figures) limit 1")
    cases = [("/api/v1/items", "/api/v1/items", {"limit": "100"}), ("/api/v1/items", "/api/v1/items", {"limit": "x"}),
             ("/api/v1/items/{id}", f"/api/v1/items/{item_id[0][0] if item_id else 1}", {}),
             ("/api/v1/items/{id}", "/api/v1/items/999999999", {}), ("/api/v1/items/{id}", "/api/v1/items/x", {}),
             ("/api/v1/stats", "/api/v1/stats", {"weeks": "20"}), ("/api/v1/stats", "/api/v1/stats", {"weeks": "-1"})]
    for route, path, params in cases:
        status, _, body = served.get(path, **params)
        described = spec["paths"][route]["get"]["responses"][str(status)]
        schema = described["content"]["application/json"]["schema"]
        assert check(body, schema, spec) == [], (path, params)
    page = served.get("/api/v1/items", limit="100")[2]
    assert any(item["figures"] for item in page["items"]) or not item_id
    broken = {**page["items"][0], "relevance": "high"}
    assert check(broken, {"$ref": "#/components/schemas/Item"}, spec) == ["$.relevance: 'high' is not ['number']"]


def test_before_any_ingest_only_the_description_answers(tmp_path):
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump({"database": str(tmp_path / "digest.db"), "output_dir": str(tmp_path / "out"),
                                           "sources": []}), encoding="utf-8")
    config = load_config(config_file)
    server = waitress.create_server(make_app(config, partial(read_status, config.database),
                                             ThreadSearches(config.database)), host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        assert request(server.effective_port, "/api/v1/openapi.json")[0] == 200
        for path in ("/api/v1/items", "/api/v1/items/1", "/api/v1/stats"):
            status, headers, body = request(server.effective_port, path)
            assert (status, headers["content-type"]) == (503, "application/json")
            assert "digest ingest" in json.loads(body)["error"]["message"]
        assert not (tmp_path / "digest.db").exists()
    finally:
        stop_server(server)
        thread.join(timeout=5)
