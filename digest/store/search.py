"""Reading search results: the full-text index (items_fts, porter-stemmed title and body) finds the
matches, the relevant items' columns held in memory (digest.store.search_columns) count and order them.

Only relevant items are searched (the stories the digest reports). A story is a cluster: its
items that match are one result, led by its best-ranked (or newest) matching item, the other
publishers named. Counts (the total and each facet's) are of stories.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Hashable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest.models import Item
from digest.search import (
    FACETS,
    MARK_CLOSE,
    MARK_OPEN,
    PAGE_SIZE,
    Counted,
    Hit,
    Results,
    Search,
    marked_html,
)
from digest.store.archive import Archive
from digest.store.db import Database, iso
from digest.store.items import json_ints
from digest.store.kept import ResultsCache
from digest.store.search_columns import (
    JOINED_TOPICS,
    SearchColumns,
    Snapshot,
    change_seq,
    facet_counts,
    story_count,
)

if TYPE_CHECKING:
    import numpy as np

_TITLE_WEIGHT, _BODY_WEIGHT = 5.0, 1.0
_BM25 = f"bm25(items_fts, {_TITLE_WEIGHT}, {_BODY_WEIGHT})"
# The search's columns of items, in an index (schema m013, m019), so a match never reads the item's row:
# the columns after the body lie on the row's overflow pages.
_COVERING = "items_search"
# Ranked matches limited to these ids: "+rowid", one pass over the matches, not a MATCH for each id.
_AMONG = "and +rowid in (select value from json_each(?))"


class SearchIndex:
    def __init__(self, database: Database, cache: ResultsCache | None = None, columns: SearchColumns | None = None):
        self.db = database
        covered = self.db.execute("select 1 from sqlite_master where type = 'index' and name = ?", [_COVERING])
        self._indexed_by = f"indexed by {_COVERING}" if covered.fetchone() else ""
        has_topics = self.db.execute("select 1 from pragma_table_info('items') where name = 'topics'").fetchone()
        self._topics = "items.topics" if has_topics else JOINED_TOPICS
        self._in_topic = f"instr(' ' || {self._topics} || ' ', ' ' || ? || ' ') > 0"
        self._cache = cache or ResultsCache(size=0)
        self._columns = columns or SearchColumns()
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

    def kept(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        generation = self._generation()
        found = self._cache.get(key)
        if found is None:
            found = compute()
            self._cache.put(key, generation, found)
        return found

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
        for attempt in range(3):
            self.db.execute("begin")  # one read transaction: the columns, the matches and the page agree
            try:
                snapshot = self._columns.at(self.db.conn, change_seq(self.db.conn))
                if snapshot is not None:
                    return self._answer(snapshot, search, facets, counted, known)
            finally:
                self.db.conn.rollback()
            if attempt:  # the change log went back since the columns were read: another database
                self._columns.forget()
        raise RuntimeError("the search columns could not be brought in step with the database")

    def _answer(self, snapshot: Snapshot, search: Search, facets: bool,
                counted: tuple[int, dict[str, list[tuple[str, int]]]] | None,
                known: dict[str, list[tuple[str, int]]]) -> Results:
        import numpy as np

        match = search.query.match()
        base = self._matched(snapshot, match) if match else np.ones(len(snapshot), dtype=bool)
        if search.start:
            base &= snapshot.day >= search.start.toordinal()
        if search.end:
            base &= (snapshot.day <= search.end.toordinal()) & (snapshot.day > 0)
        chosen = _chosen(snapshot, search)
        within = base.copy()
        for mask in chosen.values():
            within &= mask
        if counted is None:
            total = story_count(snapshot, within)
            counts = {**known, **_facets(snapshot, base, within, chosen, known)} if facets else {}
        else:
            total, counts = counted[0], counted[1] if facets else {}
        narrowed = bool(search.start or search.end or chosen)  # not every match is within the filters
        return Results(total, self._page(snapshot, search, within, match, narrowed), counts)

    def _matched(self, snapshot: Snapshot, match: str) -> np.ndarray:
        """The items matching the full-text query, as a mask over the snapshot."""
        import numpy as np

        listed = self.db.execute("select group_concat(rowid) from items_fts where items_fts match ?", [match]).fetchone()[0]
        mask = np.zeros(len(snapshot), dtype=bool)
        if listed:
            mask[snapshot.positions(np.array(listed.split(","), dtype=np.int64))] = True
        return mask

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

    def _page(self, snapshot: Snapshot, search: Search, within: np.ndarray, match: str | None, narrowed: bool
              ) -> list[Hit]:
        import numpy as np

        count = search.page * PAGE_SIZE
        items = np.flatnonzero(within)
        if not len(items):
            return []
        if match and search.sort == "relevance":
            leads = self._by_rank(snapshot, match, items if narrowed else None, count)
        else:
            leads = self._by_date(snapshot, match, items, count)
        rows = leads[(search.page - 1) * PAGE_SIZE:]
        if not rows:
            return []
        hits = self._hits([lead for lead, _ in rows], self._others(snapshot, within, dict(rows)))
        self._highlight(search, hits)
        return hits

    def _by_rank(self, snapshot: Snapshot, match: str, items: np.ndarray | None, count: int) -> list[tuple[int, int]]:
        """The first `count` stories by relevance (ties: newest day, then newest id): the best-ranked matches
        (only those of `items`, the positions within the filters, when given), as many as the stories need."""
        ids = json_ints(snapshot.ids[items].tolist()) if items is not None else None
        limit = count * 4
        while True:
            rows = self.db.execute(
                f"select rowid, {_BM25} from items_fts where items_fts match ? {_AMONG if ids else ''} "
                f"order by {_BM25}, rowid desc limit ?", [match, *([ids] if ids else []), limit]).fetchall()
            leads = _leads(snapshot, _in_order(snapshot, _ranked(snapshot, rows), by_day=False), count)
            if len(leads) >= count or len(rows) < limit:
                return leads
            limit *= 8

    def _by_date(self, snapshot: Snapshot, match: str | None, items: np.ndarray, count: int) -> list[tuple[int, int]]:
        """The first `count` stories by date, newest first (undated last); within a day, by relevance: it is
        computed only for the matches on or after the day of the last of them (all, when the stories run
        out or reach the undated ones), not the tens of thousands before."""
        import numpy as np

        newest = items[np.lexsort((-snapshot.ids[items], -snapshot.day[items]))]
        leads = _leads(snapshot, newest.tolist(), count)
        if not match or not leads:
            return leads
        last_day = int(snapshot.day[snapshot.positions(np.array([leads[-1][0]]))[0]])
        placed = newest[snapshot.day[newest] >= last_day] if last_day and len(leads) == count else newest
        rows = self.db.execute(f"select rowid, {_BM25} from items_fts where items_fts match ? {_AMONG}",
                               [match, json_ints(snapshot.ids[placed].tolist())]).fetchall()
        return _leads(snapshot, _in_order(snapshot, _ranked(snapshot, rows), by_day=True), count)

    def _others(self, snapshot: Snapshot, within: np.ndarray, leads: dict[int, int]) -> dict[int, list[str]]:
        """For each leading item (id: story): the publishers of its story's other matching items."""
        import numpy as np

        lead_of = {story: lead for lead, story in leads.items()}
        members = np.flatnonzero(within & np.isin(snapshot.story, list(lead_of)))
        found: dict[int, list[str]] = {lead: [] for lead in leads}
        story_of = dict(zip(snapshot.ids[members].tolist(), snapshot.story[members].tolist(), strict=True))
        for item_id, org in self.db.execute("select id, coalesce(org, source) from items where id in "
                                            "(select value from json_each(?)) order by id", [json_ints(list(story_of))]):
            lead = lead_of[story_of[item_id]]
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



def _chosen(snapshot: Snapshot, search: Search) -> dict[str, np.ndarray]:
    """The mask of each facet the search narrows to (its area, publisher kind, topic)."""
    import numpy as np

    masks = {}
    for name, column, names, value in (("area", snapshot.area, snapshot.codes.areas, search.area),
                                       ("org_kind", snapshot.kind, snapshot.codes.kinds, search.org_kind)):
        if value:
            masks[name] = column == snapshot.code(names, value)
    if search.topic:
        masks["topic"] = np.zeros(len(snapshot), dtype=bool)
        masks["topic"][snapshot.topic_item[snapshot.topic_code == snapshot.code(snapshot.codes.topics, search.topic)]] = True
    return masks


def _facets(snapshot: Snapshot, base: np.ndarray, within: np.ndarray, chosen: dict[str, np.ndarray],
            known: dict[str, list[tuple[str, int]]]) -> dict[str, list[tuple[str, int]]]:
    """The facet counts not `known`: a facet not chosen counts the matches within every filter, a chosen
    one those within the others (what choosing another value of it gives)."""
    counts = {}
    for name in FACETS:
        if name in known:
            continue
        mask = within
        if name in chosen:
            mask = base.copy()
            for other, narrowed in chosen.items():
                if other != name:
                    mask &= narrowed
        counts[name] = facet_counts(snapshot, name, mask)
    return counts


def _ranked(snapshot: Snapshot, rows: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """(position, rank) of ranked item ids the snapshot holds (an index out of step may hold others)."""
    import numpy as np

    if not rows or not len(snapshot):
        return []
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    at = np.minimum(np.searchsorted(snapshot.ids, ids), len(snapshot) - 1)
    held = (snapshot.ids[at] == ids).tolist()
    return [(position, row[1]) for position, row, ok in zip(at.tolist(), rows, held, strict=True) if ok]


def _in_order(snapshot: Snapshot, ranked: list[tuple[int, float]], by_day: bool) -> list[int]:
    """Ranked positions by (rank, newest day, newest id), or by (newest day, rank, newest id); undated last."""
    days, ids = snapshot.day, snapshot.ids
    if by_day:
        return [at for at, _ in sorted(ranked, key=lambda pair: (-int(days[pair[0]]), pair[1], -int(ids[pair[0]])))]
    return [at for at, _ in sorted(ranked, key=lambda pair: (pair[1], -int(days[pair[0]]), -int(ids[pair[0]])))]


def _leads(snapshot: Snapshot, ordered: list[int], count: int) -> list[tuple[int, int]]:
    """The first `count` stories as (leading item's id, story), of items (positions) in order: a story is
    led by its first item."""
    leads: dict[int, int] = {}
    for at in ordered:
        story = int(snapshot.story[at])
        if story not in leads:
            leads[story] = int(snapshot.ids[at])
            if len(leads) == count:
                break
    return [(lead, story) for story, lead in leads.items()]


def _matches(search: Search) -> tuple[Any, ...]:
    """What a search's matches (and so its total and facet counts) depend on: not its order or page."""
    return search.query.match(), search.area, search.topic, search.org_kind, search.start, search.end


class ThreadSearches:
    """A SearchOpener: one read-only SearchIndex for each server thread, opened when first needed; their
    results cached together, their columns shared."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._cache = ResultsCache()
        self._columns = SearchColumns()

    def __call__(self) -> SearchIndex | None:
        index = getattr(self._local, "index", None)
        if index is None and self.path.is_file():
            index = self._local.index = SearchIndex(Database(self.path, read_only=True), self._cache, self._columns)
        return index
