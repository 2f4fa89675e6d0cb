"""Reading search results from the full-text index (items_fts, porter-stemmed title and body).

Only relevant items are searched (the stories the digest reports). A story is a cluster: its
items that match are one result, led by its best-ranked (or newest) matching item, the other
publishers named. Counts (the total and each facet's) are of stories.
"""

from __future__ import annotations

import html
import threading
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

from digest.models import Item
from digest.search import (
    FACETS,
    MARK_CLOSE,
    MARK_OPEN,
    PAGE_SIZE,
    Counted,
    Facets,
    Hit,
    Results,
    Search,
    facet_counts,
    marked_html,
)
from digest.store.archive import Archive
from digest.store.db import Database, iso
from digest.store.kept import ResultsCache

_TITLE_WEIGHT, _BODY_WEIGHT = 5.0, 1.0
_BM25 = f"bm25(items_fts, {_TITLE_WEIGHT}, {_BODY_WEIGHT})"


# A search's matching relevant items, gathered once (the full-text match is the costly part) and then
# counted, faceted and paged from here. A temporary table: the database itself is only read.
_HITS = ("create temp table if not exists search_hits (story integer not null, id integer not null, rank real, "
         "published text, area text, org_kind text, topics text, topical integer, primary key (story, id)) "
         "without rowid")
# The search's columns of items, in an index (schema m013, m019), so a match never reads the item's row:
# the columns after the body lie on the row's overflow pages.
_COVERING = "items_search"
# An item's topic ids, space-separated, in a database written before items.topics (m019): the server
# opens a database as it is.
_JOINED_TOPICS = "(select group_concat(topic, ' ') from item_topics where item_topics.item_id = items.id)"
# Each gathered story in one string, for the facet counts: its items' facet values (area, publisher kind,
# topics, apart by unit separators), the items apart by group separators, the stories by record
# separators. Control characters, which no name or topic id holds; one string, not 90,000 rows.
_FIELD, _ITEM, _STORY = "\x1f", "\x1d", "\x1e"
_FIELDS = (("area", "area"), ("org_kind", "org_kind"), ("topic", "topics"))  # (facet, column of search_hits)


class SearchIndex:
    def __init__(self, database: Database, cache: ResultsCache | None = None):
        self.db = database
        covered = self.db.execute("select 1 from sqlite_master where type = 'index' and name = ?", [_COVERING])
        self._indexed_by = f"indexed by {_COVERING}" if covered.fetchone() else ""
        has_topics = self.db.execute("select 1 from pragma_table_info('items') where name = 'topics'").fetchone()
        self._topics = "items.topics" if has_topics else _JOINED_TOPICS
        self._in_topic = f"instr(' ' || {self._topics} || ' ', ' ' || ? || ' ') > 0"
        self.db.execute("pragma temp_store = memory")
        self.db.execute(_HITS)
        self._cache = cache or ResultsCache(size=0)
        self._data_version = int(self.db.execute("pragma data_version").fetchone()[0])
        self._cache.changed()  # what this connection sees may be newer than what the others have seen

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

    def relevant_since(self, since: datetime, area: str | None = None, topic: str | None = None) -> list[Counted]:
        """The relevant items first seen from `since` on (a year of them is tens of thousands: not kept, as
        search results are); of the stories with an item of `area` and `topic` when given."""
        sql = (f"select items.id, coalesce(items.cluster, items.id), items.first_seen, items.published, items.area, "
               f"{self._topics} from items {self._indexed_by} where items.relevant = 1 and items.first_seen >= ?")
        params: list[Any] = [iso(since)]
        if area or topic:
            sql += (f" and coalesce(items.cluster, items.id) in (select coalesce(items.cluster, items.id) from items "
                    f"{self._indexed_by} where items.relevant = 1 and items.first_seen >= ?")
            params.append(iso(since))
            for condition, value in (("items.area = ?", area), (self._in_topic, topic)):
                if value:
                    sql += f" and {condition}"
                    params.append(value)
            sql += ")"
        return [Counted(item_id, story, datetime.fromisoformat(first), date.fromisoformat(published) if published else None,
                        area, topics.split(" ") if topics else [])
                for item_id, story, first, published, area, topics in self.db.execute(sql, params)]

    def search(self, search: Search, facets: bool = True) -> Results:
        generation = self._generation()
        matches = _matches(search)
        key = (*matches, search.sort, search.page, facets)
        found: Results | None = self._cache.get(key)
        if found is None:
            # The total and facet counts of another page or order of the same search, when kept.
            counted: tuple[int, dict[str, list[tuple[str, int]]]] | None = self._cache.get(matches)
            found = self._search(search, facets, counted)
            self._cache.put(key, generation, found)
            if facets:
                self._cache.put(matches, generation, (found.total, found.facets))
        return found

    def _generation(self) -> int:
        """The cache's generation, a new one begun when an ingest committed since this connection last
        looked; taken before the search reads, so what it reads is at least as new."""
        version = int(self.db.execute("pragma data_version").fetchone()[0])
        if version != self._data_version:
            self._data_version = version
            self._cache.changed()
        return self._cache.generation

    def _search(self, search: Search, facets: bool, counted: tuple[int, dict[str, list[tuple[str, int]]]] | None
                ) -> Results:
        known = self._known_facets(search) if facets and counted is None else {}
        # Matches outside the chosen area, publisher kind or topic are gathered only to count that facet.
        wide = facets and counted is None and any(getattr(search, name) and name not in known for name in FACETS)
        try:  # in one read transaction (begun by filling search_hits): the counts and the page agree
            self._gather(search, narrowed=not wide)
            where, params = _narrowed(search)
            if counted is None:
                total = int(self.db.execute(f"select count(distinct story) from search_hits where {where}", params)
                            .fetchone()[0])
                counts = {**known, **self._count_facets(search, known)} if facets else {}
            else:
                total, counts = counted[0], counted[1] if facets else {}
            hits = self._page(search, where, params)
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
                           (self._in_topic, search.topic)]
        for condition, value in conditions:
            if value:
                sql += f" and {condition}"
                params.append(value)
        return sql, params

    def _gather(self, search: Search, narrowed: bool) -> None:
        """search_hits := the relevant items matching the query and dates; of any area, publisher kind and
        topic unless `narrowed` (each facet counts them without its own filter)."""
        match = search.query.match()
        # By date, relevance only breaks ties within a day: computed in _page, for the days it shows.
        rank = ("null" if search.sort == "date" else _BM25) if match else "0.0"
        topical, topic = (self._in_topic, (search.topic,)) if search.topic else ("1", ())
        sql, params = self._matching(search, f"coalesce(items.cluster, -items.id), items.id, {rank}, items.published, "
                                             f"items.area, items.org_kind, {self._topics}, {topical}", narrowed, topic)
        self.db.execute("delete from search_hits")
        self.db.execute(f"insert into search_hits (story, id, rank, published, area, org_kind, topics, topical) {sql}",
                        params)

    def _page(self, search: Search, where: str, params: list[Any]) -> list[Hit]:
        order = ("rank, published desc nulls last, id desc" if search.sort == "relevance"
                 else "published desc nulls last, rank, id desc")
        match = search.query.match()
        if match and search.sort == "date":
            self._rank_days(match, where, params, search.page * PAGE_SIZE)
        rows = self._leads(order, where, params, search.page * PAGE_SIZE)[(search.page - 1) * PAGE_SIZE:]
        if not rows:
            return []
        leads = [lead for lead, _ in rows]
        others = self._others(dict(rows), where, params)
        hits = self._hits(leads, others)
        self._highlight(search, hits)
        return hits

    def _rank_days(self, match: str, where: str, params: list[Any], count: int) -> None:
        """The rank (bm25) of the matches that place the first `count` stories by date: all those published
        on or after the day of the last of them (it may share that day with others), not the tens of
        thousands before. All of them when the stories run out or reach the undated ones."""
        leads = self._leads("published desc nulls last, id desc", where, params, count)
        if not leads:
            return
        lead, story = leads[-1]
        day = self.db.execute("select published from search_hits where story = ? and id = ?", [story, lead]).fetchone()[0]
        since, day_params = ("and published >= ?", [day]) if day and len(leads) == count else ("", [])
        placed = {item_id: story for story, item_id in self.db.execute(
            f"select story, id from search_hits where {where} {since}", [*params, *day_params])}
        ranks = self.db.execute(  # "+rowid": one pass over the matches, not a MATCH for each id
            f"select rowid, {_BM25} from items_fts where items_fts match ? and +rowid in "
            f"(select id from search_hits where {where} {since})", [match, *params, *day_params]).fetchall()
        self.db.conn.executemany("update search_hits set rank = ? where story = ? and id = ?",
                                 [(rank, placed[item_id], item_id) for item_id, rank in ranks])

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

    def _known_facets(self, search: Search) -> dict[str, list[tuple[str, int]]]:
        """The counts of each chosen facet kept for the search without it (the search it was chosen from,
        say): the same counts, since a facet counts the matches within the other filters."""
        known = {}
        for name in FACETS:
            if getattr(search, name):
                kept = self._cache.get(_matches(search.without(name)))
                if kept is not None:
                    known[name] = kept[1][name]
        return known

    def _count_facets(self, search: Search, known: dict[str, list[tuple[str, int]]]
                      ) -> dict[str, list[tuple[str, int]]]:
        """The facet counts not `known`: those of the facets not chosen from the matches within every filter
        in one pass, each chosen one's from the matches within the others."""
        passes: list[tuple[tuple[str, ...], str | None]] = [
            (tuple(name for name in FACETS if not getattr(search, name)), None)]
        passes += [((name,), name) for name in FACETS if getattr(search, name) and name not in known]
        counts = {}
        for names, without in passes:
            if names:
                counts.update(self._facets(names, *_narrowed(search, without)))
        return counts

    def _facets(self, names: tuple[str, ...], where: str, params: list[Any]) -> dict[str, list[tuple[str, int]]]:
        """The named facets' counts of the gathered matches within `where`, in one pass over them: each
        story's items' values of those facets read back in one string (digest.search.facet_counts counts them)."""
        fields = tuple(name for name, _ in _FIELDS if name in names)
        values = " || char(31) || ".join(f"ifnull({column}, '')" for name, column in _FIELDS if name in names)
        text = self.db.execute(f"select group_concat(story, char(30)) from (select group_concat({values}, char(29)) "
                               f"story from search_hits where {where} group by story)", params).fetchone()[0]
        alike = Counter(text.split(_STORY)) if text else Counter()
        stories: Counter[tuple[Facets, ...]] = Counter()
        for items, count in alike.items():
            stories[tuple(_facets_of(fields, item) for item in items.split(_ITEM))] += count
        return facet_counts(stories, names)


def _facets_of(fields: tuple[str, ...], item: str) -> Facets:
    """An item's values of the facets `fields`, as _facets reads them back (the others unknown)."""
    given = dict(zip(fields, item.split(_FIELD), strict=True))
    return Facets(given.get("area") or None, given.get("org_kind") or None, tuple(given.get("topic", "").split()))


def _matches(search: Search) -> tuple[Any, ...]:
    """What a search's matches (and so its total and facet counts) depend on: not its order or page."""
    return search.query.match(), search.area, search.topic, search.org_kind, search.start, search.end


def _narrowed(search: Search, without: str | None = None) -> tuple[str, list[Any]]:
    """The condition on search_hits of the search's area, publisher kind and topic (but `without`'s: a
    facet counts the matches within the other filters)."""
    where, params = ["1 = 1"], []
    for name, value in (("area", search.area), ("org_kind", search.org_kind)):
        if value and name != without:
            where.append(f"search_hits.{name} = ?")
            params.append(value)
    if search.topic and without != "topic":
        where.append("search_hits.topical = 1")
    return " and ".join(where), params


class ThreadSearches:
    """A SearchOpener: one read-only SearchIndex for each server thread, opened when first needed; their
    results cached together."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._cache = ResultsCache()

    def __call__(self) -> SearchIndex | None:
        index = getattr(self._local, "index", None)
        if index is None and self.path.is_file():
            index = self._local.index = SearchIndex(Database(self.path, read_only=True), self._cache)
        return index
