"""The delivery ledger: which edition went to whom, with what outcome, and which items each
recipient has received (so no one gets an item twice).

A message is recorded as "possibly-sent", durably, before its DATA, and its result right
after: a crash or a failed write in between leaves "possibly-sent", which is never sent
again unless asked (`clear`). A read or write that fails raises DigestError with SQLite's
reason ("database or disk is full"), for the caller to say what could not be done.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from digest.errors import DigestError
from digest.records import Delivery
from digest.store.db import Database, now_iso, parse_time

POSSIBLY_SENT = "possibly-sent"
NEEDS_ASKING = ("failed", POSSIBLY_SENT)  # not sent again until `send --retry-failed` clears them


class Ledger:
    def __init__(self, database: Database):
        self.db = database

    def delivery(self, week: str, recipient: str) -> Delivery | None:
        with _store_errors():
            rows = self.db.rows("select * from deliveries where week = ? and recipient = ?", [week, recipient])
        return _delivery(rows[0]) if rows else None

    def delivered_items(self, recipient: str, item_ids: list[int]) -> set[int]:
        if not item_ids:
            return set()
        marks = ",".join("?" * len(item_ids))
        with _store_errors():
            return {row[0] for row in self.db.execute(
                f"select item_id from delivered_items where recipient = ? and item_id in ({marks})",
                [recipient, *item_ids])}

    def sent_before(self, recipient: str) -> tuple[int | None, set[str]]:
        """The newest item stored when the recipient was last (possibly) sent a message, and the
        weeks they were sent: an item stored after that in one of those weeks came too late for it."""
        with _store_errors():
            rows = self.db.execute(
                "select week, status, items_through from deliveries where recipient = ? "
                "and (sent_at is not null or status = ?)", [recipient, POSSIBLY_SENT]).fetchall()
        # A row whose latest attempt failed carries that attempt's mark, which nothing delivered.
        marks = [through for _, status, through in rows if through is not None and status in ("sent", POSSIBLY_SENT)]
        return (max(marks) if marks else None), {week for week, _, _ in rows}

    def attempt(self, weeks: list[str], recipient: str, message_id: str, item_count: int, items_through: int) -> None:
        """Just before DATA: from now on the message may have been sent (written with a full sync)."""
        with self._writing(durable=True):
            for week in weeks:
                self._write(week, recipient, {"status": POSSIBLY_SENT, "message_id": message_id, "error": None,
                                              "item_count": item_count, "items_through": items_through}, attempt=True)

    def result(self, weeks: list[str], recipient: str, status: str, error: str | None = None,
               item_ids: list[int] | None = None) -> None:
        """Right after DATA: `sent` (with the items it carried), or `retry`/`failed` with the server's reply."""
        now = now_iso()
        with self._writing():
            for week in weeks:
                self._write(week, recipient, {"status": status, "error": error,
                                              **({"sent_at": now} if status == "sent" else {})}, attempt=False)
            if status == "sent" and item_ids:
                self.db.conn.executemany(
                    "insert or ignore into delivered_items (recipient, item_id, week, sent_at) values (?, ?, ?, ?)",
                    [(recipient, item_id, weeks[0], now) for item_id in item_ids])

    def refused(self, weeks: list[str], recipient: str, status: str, error: str, message_id: str | None = None) -> None:
        """An attempt that ended before DATA (the recipient, the sender or the session was refused)."""
        with self._writing():
            for week in weeks:
                self._write(week, recipient, {"status": status, "error": error, "message_id": message_id}, attempt=True)

    def clear(self, week: str) -> list[str]:
        """`send --retry-failed`: the week's permanent failures and possibly-sent messages may be sent
        again; the recipients cleared."""
        with self._writing():
            recipients = [row[0] for row in self.db.execute(
                "select recipient from deliveries where week = ? and status in (?, ?) order by recipient",
                [week, *NEEDS_ASKING])]
            self.db.execute("update deliveries set status = 'retry' where week = ? and status in (?, ?)",
                            [week, *NEEDS_ASKING])
        return recipients

    def failed(self, week: str | None = None) -> list[Delivery]:
        """Deliveries waiting for a retry, failed for good, or possibly sent."""
        sql = "select * from deliveries where status in ('retry', 'failed', ?)"
        rows = self.db.rows(sql + (" and week = ?" if week else "") + " order by week, recipient",
                            [POSSIBLY_SENT, week] if week else [POSSIBLY_SENT])
        return [_delivery(row) for row in rows]

    def _write(self, week: str, recipient: str, row: dict[str, Any], attempt: bool) -> None:
        previous = self.delivery(week, recipient)
        if attempt:
            row["last_attempt"] = now_iso()
        if previous is None:
            self.db.insert("deliveries", {"week": week, "recipient": recipient, "attempts": int(attempt),
                                          "first_attempt": now_iso(), **row})
            return
        assignments = ", ".join(f"{column} = ?" for column in row)
        self.db.execute(f"update deliveries set attempts = attempts + ?, {assignments} where id = ?",
                        [int(attempt), *row.values(), previous.id])

    @contextmanager
    def _writing(self, durable: bool = False) -> Iterator[None]:
        """One transaction; `durable` waits for the disk (synchronous=FULL) so even a power cut keeps it."""
        with _store_errors():
            if durable:
                self.db.execute("PRAGMA synchronous=FULL")
            try:
                with self.db.transaction():
                    yield
            finally:
                if durable:
                    self.db.execute("PRAGMA synchronous=NORMAL")


@contextmanager
def _store_errors() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise DigestError(str(exc)) from None


def _delivery(row: dict[str, Any]) -> Delivery:
    return Delivery(row["id"], row["week"], row["recipient"], row["status"], int(row["attempts"] or 0),
                    row["message_id"], int(row["item_count"] or 0), row["error"], parse_time(row["sent_at"]))
