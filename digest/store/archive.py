"""Reading the archive: stored items as typed Items (with topics, reasons, figures and aliases),
for editions, feeds, export and status."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from digest.models import Copy, Figure, Item, TopicMatch
from digest.store.db import Database, iso, parse_time
from digest.urls import is_web_url, site_of

_ITEM_COLUMNS = ("id, key, source, url, canonical_url, path, title, summary, published, published_time, first_seen, "
                 "updated_at, area, mentioned_areas, org, org_kind, relevance, relevant, why_not, cluster, reported")


@dataclass
class Counts:
    items: int
    relevant: int
    aliases: int


class Archive:
    def __init__(self, database: Database):
        self.db = database

    def items(self, *, relevant_only: bool = False, since: datetime | None = None,
              until: datetime | None = None, limit: int | None = None, newest_first: bool = False,
              topic: str | None = None, area: str | None = None, after_id: int | None = None) -> Iterator[Item]:
        """Items first seen in [since, until), of a topic or an area, stored after item `after_id`,
        oldest first by id or newest first by first_seen (loaded in batches)."""
        where, params = ["1 = 1"], []
        for condition, value in (("first_seen >= ?", since and iso(since)), ("first_seen < ?", until and iso(until)),
                                 ("id > ?", after_id),
                                 ("id in (select item_id from item_topics where topic = ?)", topic),
                                 ("area = ?", area)):
            if value:
                where.append(condition)
                params.append(value)
        if relevant_only:
            where.append("relevant = 1")
        order = "first_seen desc, id desc" if newest_first else "id"
        sql = f"select {_ITEM_COLUMNS} from items where {' and '.join(where)} order by {order}"
        if limit:
            sql += f" limit {int(limit)}"
        cursor = self.db.execute(sql, params)
        while rows := cursor.fetchmany(500):
            yield from self._complete(rows)

    def _complete(self, rows: list[tuple[Any, ...]]) -> list[Item]:
        """Items of a batch of rows, with their topics, reasons, figures and aliases: four queries in all."""
        ids = [row[0] for row in rows]
        marks = ",".join("?" * len(ids))
        reasons: dict[int, list[TopicMatch]] = {i: [] for i in ids}
        for item_id, topic, score, terms in self.db.execute(
                f"select item_id, topic, score, terms from item_topics where item_id in ({marks}) "
                f"order by item_id, rank", ids):
            reasons[item_id].append(TopicMatch(topic, score, json.loads(terms)))
        figures: dict[int, list[Figure]] = {i: [] for i in ids}
        for item_id, kind, value, text in self.db.execute(
                f"select item_id, kind, value, text from figures where item_id in ({marks}) order by id", ids):
            figures[item_id].append(Figure(kind, value, text))
        aliases: dict[int, list[str]] = {i: [] for i in ids}
        copies: dict[int, list[Copy]] = {i: [] for i in ids}
        for item_id, url, path in self.db.execute(
                f"select item_id, url, path from aliases where item_id in ({marks}) order by id", ids):
            aliases[item_id].append(url or path)
            if is_web_url(url) and (site := site_of(url)):
                copies[item_id].append(Copy(url, site))
        return [_item(row, reasons[row[0]], figures[row[0]], aliases[row[0]], copies[row[0]]) for row in rows]

    def items_by_id(self, ids: list[int]) -> list[Item]:
        """These items, in the order given (ids not stored are left out)."""
        if not ids:
            return []
        rows = self.db.execute(f"select {_ITEM_COLUMNS} from items where id in ({','.join('?' * len(ids))})",
                               ids).fetchall()
        found = {item.id: item for item in self._complete(rows)} if rows else {}
        return [found[i] for i in ids if i in found]

    def clusters_seen_before(self, clusters: set[int], before: datetime) -> dict[int, datetime]:
        """For each of these clusters with a relevant item found before `before`: when it was first found."""
        if not clusters:
            return {}
        marks = ",".join("?" * len(clusters))
        rows = self.db.execute(
            f"select cluster, min(first_seen) from items where relevant = 1 and cluster in ({marks}) "
            f"and first_seen < ? group by cluster",
            [*clusters, iso(before)],
        ).fetchall()
        return {cluster: datetime.fromisoformat(first) for cluster, first in rows}

    def last_id(self) -> int:
        """The newest item's id (ids only grow: what was stored after a moment has a greater one)."""
        return int(self.db.execute("select coalesce(max(id), 0) from items").fetchone()[0])

    def first_seen(self) -> datetime | None:
        row = self.db.execute("select min(first_seen) from items").fetchone()
        return parse_time(row[0]) if row else None

    def relevant_areas(self) -> list[str]:
        rows = self.db.execute("select distinct area from items where relevant = 1 and area is not null and area != ''")
        return sorted(row[0] for row in rows)

    def counts(self) -> Counts:
        total, relevant = self.db.execute("select count(*), coalesce(sum(relevant), 0) from items").fetchone()
        aliases = self.db.execute("select count(*) from aliases").fetchone()[0]
        return Counts(total, relevant, aliases)


def _item(row: tuple[Any, ...], reasons: list[TopicMatch], figures: list[Figure], aliases: list[str],
          copies: list[Copy]) -> Item:
    (item_id, key, source, url, canonical_url, path, title, summary, published, published_time, first_seen,
     updated_at, area, mentioned_areas, org, org_kind, relevance, relevant, why_not, cluster, reported) = row
    return Item(
        id=item_id, key=key, source=source, url=url, canonical_url=canonical_url, path=path, title=title,
        summary=summary or "", published=date.fromisoformat(published) if published else None,
        published_time=parse_time(published_time), first_seen=datetime.fromisoformat(first_seen),
        updated_at=datetime.fromisoformat(updated_at), area=area, mentioned_areas=json.loads(mentioned_areas or "[]"),
        org=org, org_kind=org_kind, relevance=relevance, relevant=bool(relevant), why_not=why_not,
        cluster=cluster or item_id, reported=bool(reported), reasons=reasons, figures=figures, aliases=aliases,
        copies=copies,
    )
