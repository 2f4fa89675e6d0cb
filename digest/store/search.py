"""Reading search results from the full-text index (items_fts, porter-stemmed title and body).

Only relevant items are searched (the stories the digest reports). A story is a cluster: its
items that match are one result, led by its best-ranked (or newest) matching item, the other
publishers named. Counts (the total and each facet's) are of stories.
"""

from __future__ import annotations

import html
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

from digest.models import Item
from digest.search import FACETS, MARK_CLOSE, MARK_OPEN, PAGE_SIZE, Hit, Results, Search, marked_html
from digest.store.archive import Archive
from digest.store.db import Database

_TITLE_WEIGHT, _BODY_WEIGHT = 5.0, 1.0


class SearchIndex:
    def __init__(self, database: Database):
        self.db = database

    def items(self, ids: list[int]) -> list[Item]:
        return Archive(self.db).items_by_id(ids)

    def item_ids(self, search: Search, below: int | None, limit: int) -> list[int]:
        """Ids of the matching items (not stories), newest id first, each below `below` when given."""
        sql, params = self._matching(search)
        if below is not None:
            sql += " and items.id < ?"
            params.append(below)
        return [row[0] for row in self.db.execute(f"select id from ({sql}) order by id desc limit ?", [*params, limit])]

    def relevant_since(self, since: datetime) -> list[Item]:
        """The relevant items first seen from `since` on."""
        return list(Archive(self.db).items(relevant_only=True, since=since))

    def search(self, search: Search) -> Results:
        total = self._count(search)
        hits = self._page(search)
        facets = {name: self._facet(search, name) for name in FACETS}
        return Results(total, hits, facets)

    def _matching(self, search: Search) -> tuple[str, list[Any]]:
        """SQL for the matching items (id, story, rank, published), and its parameters."""
        match = search.query.match()
        if match:
            sql = (f"select items.id, coalesce(items.cluster, -items.id) as story, "
                   f"bm25(items_fts, {_TITLE_WEIGHT}, {_BODY_WEIGHT}) as rank, items.published "
                   f"from items_fts join items on items.id = items_fts.rowid where items_fts match ?")
            params: list[Any] = [match]
        else:
            sql = ("select items.id, coalesce(items.cluster, -items.id) as story, 0.0 as rank, items.published "
                   "from items where 1 = 1")
            params = []
        sql += " and items.relevant = 1"
        for condition, value in (("items.area = ?", search.area), ("items.org_kind = ?", search.org_kind),
                                 ("items.id in (select item_id from item_topics where topic = ?)", search.topic),
                                 ("items.published >= ?", search.start and search.start.isoformat()),
                                 ("items.published <= ?", search.end and search.end.isoformat())):
            if value:
                sql += f" and {condition}"
                params.append(value)
        return sql, params

    def _count(self, search: Search) -> int:
        sql, params = self._matching(search)
        return int(self.db.execute(f"select count(distinct story) from ({sql})", params).fetchone()[0])

    def _page(self, search: Search) -> list[Hit]:
        sql, params = self._matching(search)
        lead = ("rank, published desc nulls last, id desc" if search.sort == "relevance"
                else "published desc nulls last, rank, id desc")
        rows = self.db.execute(
            f"with hits as ({sql}), ranked as (select *, row_number() over (partition by story order by {lead}) as n, "
            f"min(rank) over (partition by story) as story_rank from hits) "
            f"select id, story from ranked where n = 1 order by "
            f"{'story_rank, published desc nulls last, id desc' if search.sort == 'relevance' else lead} "
            f"limit ? offset ?", [*params, PAGE_SIZE, (search.page - 1) * PAGE_SIZE]).fetchall()
        if not rows:
            return []
        leads = [row[0] for row in rows]
        others = self._others(sql, params, leads)
        hits = self._hits(leads, others)
        self._highlight(search, hits)
        return hits

    def _others(self, sql: str, params: list[Any], leads: list[int]) -> dict[int, list[str]]:
        """For each leading item: the publishers of its story's other matching items."""
        marks = ",".join("?" * len(leads))
        found: dict[int, list[str]] = {lead: [] for lead in leads}
        for lead, org in self.db.execute(
                f"with hits as ({sql}) select l.id, coalesce(items.org, items.source) from hits l "
                f"join hits o on o.story = l.story and o.id != l.id join items on items.id = o.id "
                f"where l.id in ({marks}) order by l.id, o.id", [*params, *leads]):
            if org not in found[lead]:
                found[lead].append(org)
        return found

    def _hits(self, leads: list[int], others: dict[int, list[str]]) -> list[Hit]:
        marks = ",".join("?" * len(leads))
        rows = {row[0]: row for row in self.db.execute(
            f"select id, title, coalesce(canonical_url, url), published, area, org, org_kind from items "
            f"where id in ({marks})", leads)}
        hits = []
        for lead in leads:
            item_id, title, url, published, area, org, org_kind = rows[lead]
            publisher = org or ""
            hits.append(Hit(item_id, title, url, date.fromisoformat(published) if published else None, area, org,
                            org_kind, [name for name in others[lead] if name != publisher],
                            title_html=html.escape(title, quote=True)))
        return hits

    def _highlight(self, search: Search, hits: list[Hit]) -> None:
        match = search.query.match()
        by_id = {hit.item_id: hit for hit in hits}
        marks = ",".join("?" * len(by_id))
        if match:
            rows = self.db.execute(
                f"select rowid, highlight(items_fts, 0, ?, ?), snippet(items_fts, 1, ?, ?, '…', 32) from items_fts "
                f"where items_fts match ? and rowid in ({marks})",
                [MARK_OPEN, MARK_CLOSE, MARK_OPEN, MARK_CLOSE, match, *by_id])
        else:
            rows = self.db.execute(
                f"select id, title, coalesce(nullif(summary, ''), substr(body, 1, 240)) from items "
                f"where id in ({marks})", list(by_id))
        for item_id, title, snippet in rows:
            by_id[item_id].title_html = marked_html(title)
            by_id[item_id].snippet_html = marked_html(snippet or "")

    def _facet(self, search: Search, name: str) -> list[tuple[str, int]]:
        sql, params = self._matching(search.without(name))
        if name == "topic":
            query = (f"select t.topic, count(distinct h.story) from ({sql}) h "
                     f"join item_topics t on t.item_id = h.id group by t.topic")
        else:
            query = (f"select items.{name}, count(distinct h.story) from ({sql}) h join items on items.id = h.id "
                     f"where items.{name} is not null group by items.{name}")
        return sorted(((value, int(count)) for value, count in self.db.execute(query, params)),
                      key=lambda pair: (-pair[1], pair[0]))


class ThreadSearches:
    """A SearchOpener: one read-only SearchIndex for each server thread, opened when first needed."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    def __call__(self) -> SearchIndex | None:
        index = getattr(self._local, "index", None)
        if index is None and self.path.is_file():
            index = self._local.index = SearchIndex(Database(self.path, read_only=True))
        return index
