"""Ingest runs and the health of each source (last attempt, last success, failures in a row).

Errors are stored and read with the secrets of URLs redacted (digest.urls.redact): rows
written before redaction existed come out redacted too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from digest.records import RunRecord, SourceHealth
from digest.store.db import Database, iso, now_iso, parse_time
from digest.urls import redact


class Runs:
    def __init__(self, database: Database):
        self.db = database

    def record(self, source: str, kind: str, started: datetime, counts: dict[str, int], error: str | None) -> None:
        """One source's run: a row in `runs`, and its health in `sources`."""
        finished = now_iso()
        error = _redacted(error)
        with self.db.transaction():
            self.db.insert("runs", {"source": source, "started": iso(started), "finished": finished,
                                    "error": error, **counts})
            previous = self.db.execute("select consecutive_failures, last_success from sources where name = ?",
                                       [source]).fetchone()
            failures = 0 if error is None else int((previous[0] if previous else 0) or 0) + 1
            last_success = finished if error is None else (previous[1] if previous else None)
            self.db.execute(
                "insert into sources (name, kind, last_attempt, last_success, consecutive_failures, last_error, "
                "last_count) values (?, ?, ?, ?, ?, ?, ?) on conflict (name) do update set kind = excluded.kind, "
                "last_attempt = excluded.last_attempt, last_success = excluded.last_success, "
                "consecutive_failures = excluded.consecutive_failures, last_error = excluded.last_error, "
                "last_count = excluded.last_count",
                [source, kind, finished, last_success, failures, error, sum(counts.values())])

    def health(self) -> list[SourceHealth]:
        return [
            SourceHealth(row["name"], row["kind"], parse_time(row["last_attempt"]), parse_time(row["last_success"]),
                         int(row["consecutive_failures"] or 0), _redacted(row["last_error"]), int(row["last_count"] or 0))
            for row in self.db.rows("select * from sources order by name")
        ]

    def between(self, since: datetime, until: datetime) -> list[RunRecord]:
        rows = self.db.rows("select * from runs where started >= ? and started < ? order by id",
                            [iso(since), iso(until)])
        return [_run(row) for row in rows]

    def last(self) -> RunRecord | None:
        rows = self.db.rows("select * from runs order by id desc limit 1")
        return _run(rows[0]) if rows else None


def _run(row: dict[str, Any]) -> RunRecord:
    counts = {name: int(row[name] or 0) for name in ("new", "updated", "duplicate", "unchanged", "failed",
                                                     "not_modified")}
    return RunRecord(source=row["source"], started=datetime.fromisoformat(row["started"]),
                     finished=datetime.fromisoformat(row["finished"]), error=_redacted(row["error"]), **counts)


def _redacted(error: str | None) -> str | None:
    return None if error is None else redact(error)
