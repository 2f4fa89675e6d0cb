"""The delivery ledger: which edition or daily digest went to whom, with what outcome, and which
items each recipient has received (so no one gets an item twice, whichever cadence carried it).

A message is recorded as "possibly-sent", durably, before its DATA, and its result right
after: a crash or a failed write in between leaves "possibly-sent", which is never sent
again unless asked (`clear`). A read or write that fails raises DigestError with SQLite's
reason ("database or disk is full"), for the caller to say what could not be done.

A delivery's `cadence` is `weekly` (labelled by its week, 2026-W49) or `daily` (by its day,
2026-12-04). A daily digest carries the items stored after the mark of the recipient's last daily
digest that may have reached them or had nothing for them (`daily_mark`), so downtime loses
nothing; once one is sent (or had nothing new), earlier daily digests that failed are
`superseded`, their items having been taken in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from digest.records import Delivery
from digest.store.db import Database, now_iso, parse_time, store_errors

POSSIBLY_SENT = "possibly-sent"
NEEDS_ASKING = ("failed", POSSIBLY_SENT)  # not sent again until `send --retry-failed` clears them
REACHED = ("sent", POSSIBLY_SENT)  # a message that may have reached its recipient: its items are not sent again
NOTHING_NEW = "nothing-new"  # a daily digest that had nothing for its recipient: no message, but a mark
SUPERSEDED = "superseded"  # a failed daily digest whose items a later one took in


class Ledger:
    def __init__(self, database: Database):
        self.db = database

    def delivery(self, week: str, recipient: str) -> Delivery | None:
        with store_errors():
            rows = self.db.rows("select * from deliveries where week = ? and recipient = ?", [week, recipient])
        return _delivery(rows[0]) if rows else None

    def delivered_items(self, recipient: str, item_ids: list[int]) -> set[int]:
        if not item_ids:
            return set()
        marks = ",".join("?" * len(item_ids))
        with store_errors():
            return {row[0] for row in self.db.execute(
                f"select item_id from delivered_items where recipient = ? and item_id in ({marks})",
                [recipient, *item_ids])}

    def sent_before(self, recipient: str) -> tuple[int | None, set[str]]:
        """The newest item stored when the recipient was last (possibly) sent a message, and the
        weeks they were sent: an item stored after that in one of those weeks came too late for it."""
        with store_errors():
            rows = self.db.execute(
                "select week, status, items_through from deliveries where recipient = ? "
                "and (sent_at is not null or status = ?)", [recipient, POSSIBLY_SENT]).fetchall()
        # A row whose latest attempt failed carries that attempt's mark, which nothing delivered.
        marks = [through for _, status, through in rows if through is not None and status in REACHED]
        return (max(marks) if marks else None), {week for week, _, _ in rows}

    def daily_mark(self, recipient: str, day: str) -> tuple[int | None, str]:
        """Where the recipient's daily digest of `day` starts: the newest item stored when they were
        last sent (or possibly sent) a daily digest, or found nothing new in one, before `day`, or
        before their first daily digest waiting for a retry (one `send --retry-failed` cleared), and
        that day. The mark is None when there was no such digest."""
        with store_errors():
            pending = self.db.execute(
                "select min(week) from deliveries where recipient = ? and cadence = 'daily' and status = 'retry' "
                "and week <= ?", [recipient, day]).fetchone()[0]
            start = pending or day
            row = self.db.execute(
                "select max(items_through) from deliveries where recipient = ? and cadence = 'daily' "
                "and status in (?, ?, ?) and week < ?", [recipient, *REACHED, NOTHING_NEW, start]).fetchone()
        return (row[0] if row else None), start

    def nothing_new(self, day: str, recipient: str, items_through: int) -> None:
        """A daily digest had nothing for the recipient among the items up to `items_through`: the next
        one starts after them. A message already sent that day keeps its status."""
        with self._writing():
            previous = self.delivery(day, recipient)
            if previous is None:
                self.db.insert("deliveries", {"week": day, "recipient": recipient, "cadence": "daily",
                                              "status": NOTHING_NEW, "attempts": 0, "item_count": 0,
                                              "items_through": items_through, "first_attempt": now_iso()})
            elif previous.status in ("sent", NOTHING_NEW):
                self.db.execute("update deliveries set items_through = max(coalesce(items_through, 0), ?) where id = ?",
                                [items_through, previous.id])
            self._supersede(recipient, day)

    def _supersede(self, recipient: str, day: str) -> None:
        """The daily digest of `day` took in what earlier failed ones had: they are done with."""
        self.db.execute("update deliveries set status = ? where recipient = ? and cadence = 'daily' and week < ? "
                        "and status in ('retry', 'failed')", [SUPERSEDED, recipient, day])

    def attempt(self, weeks: list[str], recipient: str, message_id: str, item_count: int, items_through: int,
                cadence: str = "weekly") -> None:
        """Just before DATA: from now on the message may have been sent (written with a full sync)."""
        with self._writing(durable=True):
            for week in weeks:
                self._write(week, recipient, {"status": POSSIBLY_SENT, "message_id": message_id, "error": None,
                                              "item_count": item_count, "items_through": items_through},
                            attempt=True, cadence=cadence)

    def result(self, weeks: list[str], recipient: str, status: str, error: str | None = None,
               item_ids: list[int] | None = None, cadence: str = "weekly") -> None:
        """Right after DATA: `sent` (with the items it carried), or `retry`/`failed` with the server's reply."""
        now = now_iso()
        with self._writing():
            for week in weeks:
                self._write(week, recipient, {"status": status, "error": error,
                                              **({"sent_at": now} if status == "sent" else {})},
                            attempt=False, cadence=cadence)
            if status == "sent" and item_ids:
                self.db.conn.executemany(
                    "insert or ignore into delivered_items (recipient, item_id, week, sent_at) values (?, ?, ?, ?)",
                    [(recipient, item_id, weeks[0], now) for item_id in item_ids])
            if status == "sent" and cadence == "daily":
                self._supersede(recipient, weeks[0])

    def refused(self, weeks: list[str], recipient: str, status: str, error: str, message_id: str | None = None,
                cadence: str = "weekly") -> None:
        """An attempt that ended before DATA (the recipient, the sender or the session was refused)."""
        with self._writing():
            for week in weeks:
                self._write(week, recipient, {"status": status, "error": error, "message_id": message_id},
                            attempt=True, cadence=cadence)

    def clear(self, week: str) -> list[str]:
        """`send --retry-failed`: the week's permanent failures and possibly-sent messages may be sent
        again; the recipients cleared."""
        return [recipient for recipient, _ in self._clear("week = ?", [week])]

    def clear_daily(self) -> list[tuple[str, str]]:
        """`send --daily --retry-failed`: the items of every daily message that failed for good or was
        possibly sent may be sent again (in the next daily digest); (recipient, day) of each cleared."""
        return self._clear("cadence = 'daily'", [])

    def _clear(self, where: str, params: list[Any]) -> list[tuple[str, str]]:
        with self._writing():
            cleared = [(row[0], row[1]) for row in self.db.execute(
                f"select recipient, week from deliveries where {where} and status in (?, ?) order by recipient, week",
                [*params, *NEEDS_ASKING])]
            self.db.execute(f"update deliveries set status = 'retry' where {where} and status in (?, ?)",
                            [*params, *NEEDS_ASKING])
        return cleared

    def failed(self, week: str | None = None, cadence: str | None = None) -> list[Delivery]:
        """Deliveries waiting for a retry, failed for good, or possibly sent (of one week, or one cadence)."""
        sql, params = "select * from deliveries where status in ('retry', 'failed', ?)", [POSSIBLY_SENT]
        for column, value in (("week", week), ("cadence", cadence)):
            if value:
                sql += f" and {column} = ?"
                params.append(value)
        return [_delivery(row) for row in self.db.rows(sql + " order by week, recipient", params)]

    def _write(self, week: str, recipient: str, row: dict[str, Any], attempt: bool, cadence: str) -> None:
        previous = self.delivery(week, recipient)
        if attempt:
            row["last_attempt"] = now_iso()
        if previous is None:
            self.db.insert("deliveries", {"week": week, "recipient": recipient, "cadence": cadence,
                                          "attempts": int(attempt), "first_attempt": now_iso(), **row})
            return
        assignments = ", ".join(f"{column} = ?" for column in row)
        self.db.execute(f"update deliveries set attempts = attempts + ?, {assignments} where id = ?",
                        [int(attempt), *row.values(), previous.id])

    @contextmanager
    def _writing(self, durable: bool = False) -> Iterator[None]:
        """One transaction; `durable` waits for the disk (synchronous=FULL) so even a power cut keeps it."""
        with store_errors():
            if durable:
                self.db.execute("PRAGMA synchronous=FULL")
            try:
                with self.db.transaction():
                    yield
            finally:
                if durable:
                    self.db.execute("PRAGMA synchronous=NORMAL")


def _delivery(row: dict[str, Any]) -> Delivery:
    return Delivery(row["id"], row["week"], row["recipient"], row["status"], int(row["attempts"] or 0),
                    row["message_id"], int(row["item_count"] or 0), row["error"], parse_time(row["sent_at"]))
