"""The delivery ledger: which edition went to whom, with what outcome, and which items each
recipient has received (so no one gets an item twice)."""

from __future__ import annotations

from typing import Any

from digest.records import Delivery
from digest.store.db import Database, now_iso, parse_time


class Ledger:
    def __init__(self, database: Database):
        self.db = database

    def delivery(self, week: str, recipient: str) -> Delivery | None:
        rows = self.db.rows("select * from deliveries where week = ? and recipient = ?", [week, recipient])
        return _delivery(rows[0]) if rows else None

    def delivered_items(self, recipient: str, item_ids: list[int]) -> set[int]:
        if not item_ids:
            return set()
        marks = ",".join("?" * len(item_ids))
        return {row[0] for row in self.db.execute(
            f"select item_id from delivered_items where recipient = ? and item_id in ({marks})", [recipient, *item_ids])}

    def record(self, week: str, recipient: str, status: str, message_id: str | None, item_count: int,
               error: str | None, item_ids: list[int]) -> None:
        """One attempt for (week, recipient): `status` is its outcome; a success also records its items."""
        now = now_iso()
        with self.db.transaction():
            previous = self.delivery(week, recipient)
            row = {"status": status, "message_id": message_id, "item_count": item_count, "error": error,
                   "last_attempt": now}
            if status == "sent":
                row["sent_at"] = now
            if previous is None:
                self.db.insert("deliveries", {"week": week, "recipient": recipient, "status": status,
                                              "attempts": 1, "message_id": message_id, "item_count": item_count,
                                              "error": error, "first_attempt": now, "last_attempt": now,
                                              "sent_at": row.get("sent_at")})
            else:
                assignments = ", ".join(f"{column} = ?" for column in row)
                self.db.execute(f"update deliveries set attempts = ?, {assignments} where id = ?",
                                [previous.attempts + 1, *row.values(), previous.id])
            self.db.conn.executemany(
                "insert or ignore into delivered_items (recipient, item_id, week, sent_at) values (?, ?, ?, ?)",
                [(recipient, item_id, week, now) for item_id in item_ids])

    def failed(self, week: str | None = None) -> list[Delivery]:
        sql = "select * from deliveries where status in ('retry', 'failed')"
        rows = self.db.rows(sql + (" and week = ?" if week else "") + " order by week, recipient",
                            [week] if week else [])
        return [_delivery(row) for row in rows]


def _delivery(row: dict[str, Any]) -> Delivery:
    return Delivery(row["id"], row["week"], row["recipient"], row["status"], int(row["attempts"] or 0),
                    row["message_id"], int(row["item_count"] or 0), row["error"], parse_time(row["sent_at"]))
