"""Ingest runs and the health of each source (last attempt, last success, failures in a row).

Errors are stored and read with the secrets of URLs redacted (digest.urls.redact): rows
written before redaction existed come out redacted too.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from digest.models import utc_now
from digest.records import RunRecord, SourceHealth, blocked_wait
from digest.store.db import Database, iso, now_iso, parse_time
from digest.urls import redact


class Runs:
    def __init__(self, database: Database):
        self.db = database

    def record(self, source: str, kind: str, started: datetime, counts: dict[str, int], error: str | None,
               problem: str | None = None, first_blocked_wait: float = 6 * 3600) -> None:
        """One source's run: a row in `runs`, and its health in `sources`. A run blocked by bot
        protection (`problem` "blocked") sets when the source may be tried again (records.blocked_wait)."""
        now = utc_now()
        finished = iso(now)
        error = _redacted(error)
        with self.db.transaction():
            self.db.insert("runs", {"source": source, "started": iso(started), "finished": finished,
                                    "error": error, **counts})
            previous = self.db.execute("select consecutive_failures, last_success, blocked_runs, first_attempt, "
                                       "last_new from sources where name = ?", [source]).fetchone()
            failures, last_success, blocked, first, last_new = previous or (0, None, 0, None, None)
            failures = 0 if error is None else int(failures or 0) + 1
            blocked = int(blocked or 0) + 1 if problem == "blocked" else 0
            retry_after = iso(now + timedelta(seconds=blocked_wait(first_blocked_wait, blocked))) if blocked else None
            self.db.execute(
                "insert into sources (name, kind, last_attempt, last_success, consecutive_failures, last_error, "
                "last_count, problem, blocked_runs, retry_after, first_attempt, last_new) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (name) do update set kind = excluded.kind, "
                "last_attempt = excluded.last_attempt, last_success = excluded.last_success, "
                "consecutive_failures = excluded.consecutive_failures, last_error = excluded.last_error, "
                "last_count = excluded.last_count, problem = excluded.problem, blocked_runs = excluded.blocked_runs, "
                "retry_after = excluded.retry_after, first_attempt = excluded.first_attempt, "
                "last_new = excluded.last_new",
                [source, kind, finished, finished if error is None else last_success, failures, error,
                 sum(counts.values()), problem if error else None, blocked, retry_after, first or iso(started),
                 finished if counts.get("new") else last_new])

    def skipped(self, source: str, started: datetime, reason: str) -> None:
        """A run of a source left out while it waits after being blocked: a row in `runs` (so a week's
        report shows it), its health unchanged (it was not tried)."""
        with self.db.transaction():
            self.db.insert("runs", {"source": source, "started": iso(started), "finished": now_iso(),
                                    "error": _redacted(reason), "new": 0, "updated": 0, "duplicate": 0,
                                    "unchanged": 0, "failed": 0, "not_modified": 0})

    def waiting(self, at: datetime) -> dict[str, SourceHealth]:
        """The sources blocked by bot protection whose wait has not ended at `at`."""
        return {health.name: health for health in self.health()
                if health.retry_after is not None and health.retry_after > at}

    def health(self) -> list[SourceHealth]:
        return [
            SourceHealth(row["name"], row["kind"], parse_time(row["last_attempt"]), parse_time(row["last_success"]),
                         int(row["consecutive_failures"] or 0), _redacted(row["last_error"]), int(row["last_count"] or 0),
                         row["problem"], int(row["blocked_runs"] or 0), parse_time(row["retry_after"]),
                         parse_time(row["first_attempt"]), parse_time(row["last_new"]))
            for row in self.db.rows("select * from sources order by name")
        ]

    def between(self, since: datetime, until: datetime) -> list[RunRecord]:
        rows = self.db.rows("select * from runs where started >= ? and started < ? order by id",
                            [iso(since), iso(until)])
        return [_run(row) for row in rows]

    def new_between(self, source: str, since: datetime, until: datetime) -> bool:
        """Whether a run of the source started in [since, until) stored a new item."""
        return self.db.execute("select 1 from runs where started >= ? and started < ? and source = ? and new > 0 "
                               "limit 1", [iso(since), iso(until), source]).fetchone() is not None

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
