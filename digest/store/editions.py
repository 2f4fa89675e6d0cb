"""The editions that were built: week, days, when, and how many items each held."""

from __future__ import annotations

from datetime import date, datetime

from digest.records import EditionRecord
from digest.store.db import Database, now_iso


class Editions:
    def __init__(self, database: Database):
        self.db = database

    def record(self, week: str, start: date, end: date, item_count: int) -> None:
        with self.db.transaction():
            self.db.execute(
                "insert into editions (week, start, end, built_at, item_count) values (?, ?, ?, ?, ?) "
                "on conflict (week) do update set start = excluded.start, end = excluded.end, "
                "built_at = excluded.built_at, item_count = excluded.item_count",
                [week, start.isoformat(), end.isoformat(), now_iso(), item_count])

    def all(self) -> list[EditionRecord]:
        """Newest first."""
        return [
            EditionRecord(row["week"], date.fromisoformat(row["start"][:10]), date.fromisoformat(row["end"][:10]),
                          datetime.fromisoformat(row["built_at"]), int(row["item_count"] or 0))
            for row in self.db.rows("select * from editions order by week desc")
        ]
