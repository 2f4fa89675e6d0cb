"""The read-only JSON API: /api/v1/items (the search's filters, paged by a cursor), /api/v1/items/<id>,
/api/v1/stats (stories a week) and /api/v1/openapi.json, the description of them.

Items are listed newest id first and a cursor carries the last id given: an item stored
between two pages has a higher id, so paging gives each item at most once, and every item that
matched when paging began exactly once. A bad parameter is a 400 whose JSON names it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime
from typing import Any

from digest.charts import WEEKS, trend, trend_stories, weeks_ending
from digest.config import Config
from digest.models import EXPORT_FIELDS, utc_now
from digest.search import BadParameter, SearchArchive, parse_search
from digest.search_pages import request_params
from digest.topics import Taxonomy
from digest.weeks import shift_week, week_bounds, week_label

PREFIX = "/api/v1/"
FILTERS = ("q", "area", "topic", "org_kind", "from", "to")
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
MAX_WEEKS = 104
_ITEM_PATH = re.compile(r"/api/v1/items/([^/]*)")
_CURSOR = re.compile(r"before:([1-9][0-9]{0,17})")

Reply = tuple[int, dict[str, Any]]


def api_reply(config: Config, archive: SearchArchive | None, path: str, query_string: str) -> Reply:
    """(HTTP status, JSON body) for a path under /api/v1/; `archive` is None when there is none yet."""
    try:
        params = request_params(query_string)
        if path == "/api/v1/openapi.json":
            _only(params, ())
            return 200, OPENAPI
        item = _ITEM_PATH.fullmatch(path)
        if path not in ("/api/v1/items", "/api/v1/stats") and item is None:
            return 404, _error("no such route: see /api/v1/openapi.json")
        if archive is None:
            return 503, _error("there is no archive yet: run `digest ingest` first")
        if path == "/api/v1/stats":
            return 200, weekly_stats(config, archive, params)
        if item is None:
            return 200, list_items(archive, params)
        return one_item(archive, item.group(1), params)
    except BadParameter as exc:
        return 400, _error(exc.message, exc.name)


def body_json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def list_items(archive: SearchArchive, params: dict[str, str]) -> dict[str, Any]:
    _only(params, (*FILTERS, "cursor", "limit"))
    search = parse_search({name: params[name] for name in FILTERS if name in params})
    below = decode_cursor(params["cursor"]) if params.get("cursor") else None
    limit = _bounded("limit", params.get("limit") or str(DEFAULT_LIMIT), MAX_LIMIT)
    ids = archive.item_ids(search, below, limit + 1)
    items = archive.items(ids[:limit])
    more = len(ids) > limit and bool(items)
    return {"items": [item.export() for item in items], "next_cursor": encode_cursor(items[-1].id) if more else None}


def one_item(archive: SearchArchive, given: str, params: dict[str, str]) -> Reply:
    _only(params, ())
    if not given.isascii() or not given.isdigit() or len(given) > 18:
        raise BadParameter("id", "expected an item id (a whole number)")
    found = archive.items([int(given)])
    return (200, found[0].export()) if found else (404, _error(f"no item {int(given)}"))


def weekly_stats(config: Config, archive: SearchArchive, params: dict[str, str], now: datetime | None = None
                 ) -> dict[str, Any]:
    """Stories published each week, the latest `weeks` weeks up to this one, counted as the edition's
    charts count them (digest.charts), of an area and a topic when given."""
    _only(params, ("area", "topic", "weeks"))
    search = parse_search({name: params[name] for name in ("area", "topic") if params.get(name)})
    count = _bounded("weeks", params.get("weeks") or str(WEEKS), MAX_WEEKS)
    week = week_label(now or utc_now(), config.tz)

    def counted() -> dict[str, Any]:
        since, _ = week_bounds(shift_week(week, 1 - count, config.tz), config.tz)
        found = trend(trend_stories(archive.relevant_since(since, search.area, search.topic),
                                    Taxonomy(config.classify.topics)), weeks_ending(week, config.tz, count), "")
        shown = (found.narrowed([search.area] if search.area else [], [search.topic] if search.topic else [], "")
                 if search.area or search.topic else found)
        return {"area": search.area, "topic": search.topic,
                "weeks": [{"week": w.label, "first_day": w.first_day.isoformat(), "stories": n}
                          for w, n in zip(shown.weeks, shown.overall.counts, strict=True)],
                "undated": shown.undated}

    # Kept with the search results until the next ingest: counting a year's stories takes a tenth of a second.
    found: dict[str, Any] = archive.kept(("stats", search.area, search.topic, count, week), counted)
    return found


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"before:{last_id}".encode("ascii")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor carries; raises BadParameter("cursor") for anything this API did not give."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        text = ""
    found = _CURSOR.fullmatch(text) if len(cursor) <= 40 else None
    if found is None:
        raise BadParameter("cursor", "not a cursor this API gave (use next_cursor as it came)")
    return int(found.group(1))


def _bounded(name: str, value: str, most: int) -> int:
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= most:
        raise BadParameter(name, f"expected a whole number from 1 to {most}")
    return int(value)


def _only(params: dict[str, str], allowed: tuple[str, ...]) -> None:
    for name in params:
        if name not in allowed:
            expected = ", ".join(allowed) if allowed else "no parameters"
            raise BadParameter(name, f"not a parameter of this route (it takes {expected})")


def _error(message: str, parameter: str | None = None) -> dict[str, Any]:
    return {"error": {"parameter": parameter, "message": message}}


def _nullable(kind: str, **more: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **more}


_STRINGS = {"type": "array", "items": {"type": "string"}}
ITEM_SCHEMA: dict[str, Any] = {
    "type": "object", "required": list(EXPORT_FIELDS), "additionalProperties": False,
    "properties": {
        "id": {"type": "integer"}, "source": {"type": "string"}, "url": _nullable("string"),
        "path": _nullable("string"), "title": {"type": "string"}, "published": _nullable("string", format="date"),
        "first_seen": {"type": "string", "format": "date-time"}, "area": _nullable("string"),
        "mentioned_areas": _STRINGS, "org": _nullable("string"), "org_kind": _nullable("string"), "topics": _STRINGS,
        "relevance": {"type": "number"}, "relevant": {"type": "boolean"}, "cluster": {"type": "integer"},
        "aliases": _STRINGS,
        "figures": {"type": "array", "items": {
            "type": "object", "required": ["kind", "value", "text"], "additionalProperties": False,
            "properties": {"kind": {"type": "string"}, "value": {"type": "number"}, "text": {"type": "string"}}}},
        "summary": {"type": "string"},
        "reasons": {"type": "array", "items": {
            "type": "object", "required": ["topic", "terms"], "additionalProperties": False,
            "properties": {"topic": {"type": "string"}, "terms": _STRINGS}}},
        "why_not": _nullable("string"),
    },
}
_FILTER_DOCS = {
    "q": "Words (all must appear), \"phrases\", -exclusions and prefix* (as /search).",
    "area": "Only items of this area.", "topic": "Only items of this topic id (such as knife_crime).",
    "org_kind": "Only items of publishers of this kind (such as police).",
    "from": "Only items published on or after this date (YYYY-MM-DD).",
    "to": "Only items published on or before this date (YYYY-MM-DD).",
    "cursor": "The next_cursor of the previous page.",
}


def _query(name: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": _FILTER_DOCS[name],
            "schema": {"type": "string"}}


def _json(description: str, ref: str) -> dict[str, Any]:
    return {"description": description,
            "headers": {"ETag": {"description": "A hash of the body.", "schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


_NOT_MODIFIED = {"description": "Not modified: the If-None-Match ETag is still the body's."}
_BAD = _json("A parameter cannot be used: error.parameter names it.", "Error")
OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "digest JSON API", "version": "1",
             "description": "Read-only: the archive's relevant items by the search's filters, any item by id, "
                            "and weekly counts of stories."},
    "paths": {
        "/api/v1/items": {"get": {
            "summary": "Relevant items matching the filters, newest id first, paged by a cursor.",
            "parameters": [*(_query(name) for name in (*FILTERS, "cursor")),
                           {"name": "limit", "in": "query", "required": False, "description": "Items per page.",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                       "default": DEFAULT_LIMIT}}],
            "responses": {"200": _json("A page of items.", "ItemPage"), "304": _NOT_MODIFIED, "400": _BAD,
                          "503": _json("No archive yet.", "Error")}}},
        "/api/v1/items/{id}": {"get": {
            "summary": "One stored item (relevant or not).",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": _json("The item.", "Item"), "304": _NOT_MODIFIED, "400": _BAD,
                          "404": _json("No such item.", "Error"), "503": _json("No archive yet.", "Error")}}},
        "/api/v1/stats": {"get": {
            "summary": "Stories published each week (the edition charts' count), the latest weeks up to this one.",
            "parameters": [_query("area"), _query("topic"),
                           {"name": "weeks", "in": "query", "required": False, "description": "How many weeks.",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_WEEKS, "default": WEEKS}}],
            "responses": {"200": _json("Weekly counts, oldest week first.", "Stats"), "304": _NOT_MODIFIED,
                          "400": _BAD, "503": _json("No archive yet.", "Error")}}},
        "/api/v1/openapi.json": {"get": {
            "summary": "This description.",
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}},
                          "304": _NOT_MODIFIED}}},
    },
    "components": {"schemas": {
        "Item": ITEM_SCHEMA,
        "ItemPage": {"type": "object", "required": ["items", "next_cursor"], "additionalProperties": False,
                     "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                                    "next_cursor": _nullable("string")}},
        "Stats": {"type": "object", "required": ["area", "topic", "weeks", "undated"], "additionalProperties": False,
                  "properties": {
                      "area": _nullable("string"), "topic": _nullable("string"),
                      "undated": {"type": "integer", "description": "Stories found in the weeks with no date."},
                      "weeks": {"type": "array", "items": {
                          "type": "object", "required": ["week", "first_day", "stories"], "additionalProperties": False,
                          "properties": {"week": {"type": "string"}, "first_day": {"type": "string", "format": "date"},
                                         "stories": {"type": "integer"}}}}}},
        "Error": {"type": "object", "required": ["error"], "additionalProperties": False,
                  "properties": {"error": {
                      "type": "object", "required": ["parameter", "message"], "additionalProperties": False,
                      "properties": {"parameter": _nullable("string"), "message": {"type": "string"}}}}},
    }},
}
