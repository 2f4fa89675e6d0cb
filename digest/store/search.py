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
from digest.search import FACETS, MARK_CLOSE, MARK_OPEN, PAGE_SIZE, Counted, Hit, Results, Search, marked_html
from digest.store.archive import Archive
from digest.store.db import Database, iso

_TITLE_WEIGHT, _BODY_WEIGHT = 5.0, 1.0


# A search's matching relevant items, gathered once (the full-text match is the costly part) and then
# counted, faceted and paged from here. A temporary table: the database itself is only read.
_HITS = ("create temp table if not exists search_hits (story integer not null, id integer not null, rank real, "
         "published text, area text, org_kind text, topical integer, primary key (story, id)) without rowid")
# The search's columns of items, in an index (schema m013), so a match never reads the item's row: the
# columns after the body lie on the row's overflow pages.
_COVERING = "items_search"


class SearchIndex:
    def __init__(self, database: Database):
        self.db = database
        covered = self.db.execute("select 1 from sqlite_master where type = 'index' and name = ?", [_COVERING])
        self._indexed_by = f"indexed by {_COVERING}" if covered.fetchone() else ""
        self.db.execute("pragma temp_store = memory")
        self.db.execute(_HITS)

    def items(self, ids: list[int]) -> list[Item]:
        return Archive(self.db).items_by_id(ids)

    def item_ids(self, search: Search, below: int | None, limit: int) -> list[int]:
        """Ids of the matching items (not stories), newest id first, each below `below` when given."""
        sql, params = self._matching(search, "items.id", narrowed=True)
        # Both sides read ids in order, newest first, and stop at the limit.
        driver = "items_fts.rowid" if search.query.match() else "items.id"
        if below is not None:
            sql += f" and {driver} < ?"
            params.append(below)
        return [row[0] for row in self.db.execute(f"{sql} order by {driver} desc limit ?", [*params, limit])]

    def relevant_since(self, since: datetime) -> list[Counted]:
        """The relevant items first seen from `since` on (a year of them is tens of thousands)."""
        rows = self.db.execute(
            f"select items.id, coalesce(items.cluster, items.id), items.first_seen, items.published, items.area, "
            f"(select group_concat(topic, ' ') from item_topics where item_id = items.id) "
            f"from items {self._indexed_by} where items.relevant = 1 and items.first_seen >= ?",
            [iso(since)])
        return [Counted(item_id, story, datetime.fromisoformat(first), date.fromisoformat(published) if published else None,
                        area, topics.split(" ") if topics else [])
                for item_id, story, first, published, area, topics in rows]

    def search(self, search: Search, facets: bool = True) -> Results:
        try:  # in one read transaction (begun by filling search_hits): the counts and the page agree
            self._gather(search, narrowed=not facets)
            where, params = _narrowed(search)
            total = int(self.db.execute(f"select count(distinct story) from search_hits where {where}", params)
                        .fetchone()[0])
            hits = self._page(search, where, params)
            counts = {name: self._facet(search, name) for name in FACETS} if facets else {}
        finally:
            self.db.conn.rollback()  # search_hits emptied, and the next search sees newer items
        return Results(total, hits, counts)

    def _matching(self, search: Search, columns: str, narrowed: bool, column_params: tuple[Any, ...] = ()
                  ) -> tuple[str, list[Any]]:
        """SQL selecting `columns` (with `column_params`) of the relevant items matching the query and dates,
        and the area, publisher kind and topic when `narrowed`; and its parameters."""
        params = list(column_params)
        match = search.query.match()
        if match:
            # CROSS JOIN keeps the index the outer loop: driven from items, each row would run the
            # MATCH again, and bm25 reads the whole posting list of every term each time it starts.
            sql = (f"select {columns} from items_fts cross join items {self._indexed_by} "
                   f"on items.id = items_fts.rowid and items.relevant = 1 where items_fts match ?")
            params.append(match)
        else:
            sql = f"select {columns} from items {self._indexed_by} where items.relevant = 1"
        conditions = [("items.published >= ?", search.start and search.start.isoformat()),
                      ("items.published <= ?", search.end and search.end.isoformat())]
        if narrowed:
            conditions += [("items.area = ?", search.area), ("items.org_kind = ?", search.org_kind),
                           (f"{_IN_TOPIC} = 1", search.topic)]
        for condition, value in conditions:
            if value:
                sql += f" and {condition}"
                params.append(value)
        return sql, params

    def _gather(self, search: Search, narrowed: bool) -> None:
        """search_hits := the relevant items matching the query and dates; of any area, publisher kind and
        topic unless `narrowed` (each facet counts them without its own filter)."""
        rank = f"bm25(items_fts, {_TITLE_WEIGHT}, {_BODY_WEIGHT})" if search.query.match() else "0.0"
        topical, topic = (_IN_TOPIC, (search.topic,)) if search.topic else ("1", ())
        sql, params = self._matching(search, f"coalesce(items.cluster, -items.id), items.id, {rank}, items.published, "
                                             f"items.area, items.org_kind, {topical}", narrowed, topic)
        self.db.execute("delete from search_hits")
        self.db.execute(f"insert into search_hits (story, id, rank, published, area, org_kind, topical) {sql}", params)

    def _page(self, search: Search, where: str, params: list[Any]) -> list[Hit]:
        order = ("rank, published desc nulls last, id desc" if search.sort == "relevance"
                 else "published desc nulls last, rank, id desc")
        rows = self._leads(order, where, params, search.page * PAGE_SIZE)[(search.page - 1) * PAGE_SIZE:]
        if not rows:
            return []
        leads = [lead for lead, _ in rows]
        others = self._others(dict(rows), where, params)
        hits = self._hits(leads, others)
        self._highlight(search, hits)
        return hits

    def _leads(self, order: str, where: str, params: list[Any], count: int) -> list[tuple[int, int]]:
        """The first `count` stories as (leading item, story): a story is led by its first item in this
        order, and stories come in the order of their leads. The first items in order, not all sorted."""
        limit = count * 2
        while True:
            rows = self.db.execute(f"select id, story from search_hits where {where} order by {order} limit ?",
                                   [*params, limit]).fetchall()
            leads: dict[int, int] = {}
            for item_id, story in rows:
                leads.setdefault(story, item_id)
            if len(leads) >= count or len(rows) < limit:
                return [(lead, story) for story, lead in leads.items()][:count]
            limit *= 4

    def _others(self, stories: dict[int, int], where: str, params: list[Any]) -> dict[int, list[str]]:
        """For each leading item (id: story): the publishers of its story's other matching items."""
        lead_of = {story: lead for lead, story in stories.items()}
        marks = ",".join("?" * len(lead_of))
        found: dict[int, list[str]] = {lead: [] for lead in stories}
        for story, item_id, org in self.db.execute(
                f"select search_hits.story, search_hits.id, coalesce(items.org, items.source) from search_hits "
                f"join items on items.id = search_hits.id where search_hits.story in ({marks}) and {where} "
                f"order by search_hits.story, search_hits.id",
                [*lead_of, *params]):
            lead = lead_of[story]
            if item_id != lead and org not in found[lead]:
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
            # Looked up one by one, a prefix is expanded again for each item (5 ms each at 500,000 items):
            # a term with a prefix reads the matches once instead.
            one_pass = "+" if any(term.prefix for term in search.query.terms) else ""
            rows = self.db.execute(
                f"select rowid, highlight(items_fts, 0, ?, ?), snippet(items_fts, 1, ?, ?, '…', 32) from items_fts "
                f"where items_fts match ? and {one_pass}rowid in ({marks})",
                [MARK_OPEN, MARK_CLOSE, MARK_OPEN, MARK_CLOSE, match, *by_id])
        else:
            rows = self.db.execute(
                f"select id, title, coalesce(nullif(summary, ''), substr(body, 1, 240)) from items "
                f"where id in ({marks})", list(by_id))
        for item_id, title, snippet in rows:
            by_id[item_id].title_html = marked_html(title)
            by_id[item_id].snippet_html = marked_html(snippet or "")

    def _facet(self, search: Search, name: str) -> list[tuple[str, int]]:
        where, params = _narrowed(search, without=name, table="h")
        if name == "topic":
            query = (f"select t.topic, count(distinct h.story) from search_hits h "
                     f"join item_topics t on t.item_id = h.id where {where} group by t.topic")
        else:
            query = (f"select h.{name}, count(distinct h.story) from search_hits h "
                     f"where {where} and h.{name} is not null group by h.{name}")
        return sorted(((value, int(count)) for value, count in self.db.execute(query, params)),
                      key=lambda pair: (-pair[1], pair[0]))


_IN_TOPIC = "exists (select 1 from item_topics where item_topics.item_id = items.id and item_topics.topic = ?)"


def _narrowed(search: Search, without: str | None = None, table: str = "search_hits") -> tuple[str, list[Any]]:
    """The condition on search_hits of the search's area, publisher kind and topic (but `without`'s)."""
    where, params = ["1 = 1"], []
    for name, value in (("area", search.area), ("org_kind", search.org_kind)):
        if value and name != without:
            where.append(f"{table}.{name} = ?")
            params.append(value)
    if search.topic and without != "topic":
        where.append(f"{table}.topical = 1")
    return " and ".join(where), params


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
