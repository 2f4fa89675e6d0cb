"""The alert ledger: which story each rule matched (once a story), and each target's delivery.

A match is written by the ingest's writer in the transaction that stores the item, with one
`pending` delivery a target, so a stored item's alert is never lost. A delivery is marked
"possibly-sent", durably, just before it is handed over and its result right after: a crash in
between leaves "possibly-sent", which is reported and never sent again unless asked (`resend`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from digest.records import (
    ALERT_FAILED,
    ALERT_PENDING,
    ALERT_POSSIBLY_SENT,
    ALERT_RETRY,
    ALERT_SENT,
    AlertDelivery,
    Matchable,
)
from digest.store.db import Database, iso, now_iso, parse_time, store_errors

PENDING, POSSIBLY_SENT, SENT, RETRY, FAILED = ALERT_PENDING, ALERT_POSSIBLY_SENT, ALERT_SENT, ALERT_RETRY, ALERT_FAILED
NEEDS_ASKING = (FAILED, POSSIBLY_SENT)


@dataclass
class RuleState:
    """What `alerts list` says of a rule."""

    matches: int = 0
    last_match: datetime | None = None
    sent: int = 0
    waiting: int = 0  # pending or to be retried
    failed: int = 0
    possibly_sent: int = 0
    last_error: str | None = None


@dataclass(frozen=True)
class Stored:
    """An archived item as a rule sees it (`alerts test`)."""

    item_id: int
    story: int
    first_seen: datetime
    candidate: Matchable


class Alerts:
    def __init__(self, database: Database):
        self.db = database

    def record(self, item_id: int, story: int, targets: dict[str, list[str]]) -> list[str]:
        """In the caller's transaction: the rules (keys of `targets`) that matched the item, each with
        its targets; a rule that already matched the story is left out. Returns the rules recorded."""
        recorded = []
        now = now_iso()
        for rule, rule_targets in targets.items():
            cursor = self.db.execute("insert or ignore into alert_matches (rule, story, item_id, matched_at) "
                                     "values (?, ?, ?, ?)", [rule, story, item_id, now])
            if cursor.rowcount != 1:
                continue
            recorded.append(rule)
            self.db.conn.executemany(
                "insert or ignore into alert_deliveries (rule, story, item_id, target, status) values (?, ?, ?, ?, ?)",
                [(rule, story, item_id, target, PENDING) for target in rule_targets])
        return recorded

    def due(self, now: datetime) -> list[AlertDelivery]:
        """Deliveries to make now: pending ones, and retries whose time has come; oldest first."""
        with store_errors():
            rows = self.db.rows("select * from alert_deliveries where status = ? or (status = ? and next_try <= ?) "
                                "order by id", [PENDING, RETRY, iso(now)])
        return [_delivery(row) for row in rows]

    def attempt(self, delivery_id: int) -> None:
        """Just before handing it over: from now on it may have been sent (written with a full sync)."""
        with store_errors(), self.db.durable():
            self.db.execute("update alert_deliveries set status = ?, attempts = attempts + 1, last_attempt = ? "
                            "where id = ?", [POSSIBLY_SENT, now_iso(), delivery_id])

    def result(self, delivery_id: int, status: str, error: str | None = None,
               next_try: datetime | None = None) -> None:
        """Right after: sent, retry (at `next_try`) or failed, with the reason."""
        with store_errors(), self.db.transaction():
            self.db.execute("update alert_deliveries set status = ?, error = ?, next_try = ?, "
                            "sent_at = case when ? = 'sent' then ? else sent_at end where id = ?",
                            [status, error, iso(next_try) if next_try else None, status, now_iso(), delivery_id])

    def resend(self, rule: str | None = None) -> int:
        """`alerts resend`: failed and possibly-sent deliveries (of one rule) are sent again; how many."""
        sql = "update alert_deliveries set status = ?, next_try = null where status in (?, ?)"
        with store_errors(), self.db.transaction():
            cursor = self.db.execute(sql + (" and rule = ?" if rule else ""),
                                     [PENDING, *NEEDS_ASKING, *([rule] if rule else [])])
        return cursor.rowcount

    def problems(self) -> list[AlertDelivery]:
        """Deliveries waiting for a retry, failed for good, or possibly sent."""
        if not self.db.has_table("alert_deliveries"):  # a database not yet migrated, read as it is
            return []
        with store_errors():
            rows = self.db.rows("select * from alert_deliveries where status in (?, ?, ?) order by id",
                                [RETRY, *NEEDS_ASKING])
        return [_delivery(row) for row in rows]

    def states(self) -> dict[str, RuleState]:
        """Each rule that ever matched: its matches, last match, and deliveries by outcome."""
        states: dict[str, RuleState] = {}
        with store_errors():
            for rule, count, last in self.db.execute(
                    "select rule, count(*), max(matched_at) from alert_matches group by rule"):
                states[rule] = RuleState(matches=count, last_match=parse_time(last))
            for rule, status, count in self.db.execute(
                    "select rule, status, count(*) from alert_deliveries group by rule, status"):
                state = states.setdefault(rule, RuleState())
                field = {SENT: "sent", PENDING: "waiting", RETRY: "waiting", FAILED: "failed",
                         POSSIBLY_SENT: "possibly_sent"}[status]
                setattr(state, field, getattr(state, field) + count)
            for rule, error in self.db.execute(
                    "select rule, error from alert_deliveries where error is not null and id in "
                    "(select max(id) from alert_deliveries where error is not null group by rule)"):
                states.setdefault(rule, RuleState()).last_error = error
        return states

    def stored_since(self, since: datetime) -> Iterator[Stored]:
        """Relevant items first seen since then, oldest first, as rules see them."""
        cursor = self.db.execute(
            "select id, cluster, first_seen, title, body, relevance, area, org_kind from items "
            "where relevant = 1 and first_seen >= ? order by id", [iso(since)])
        while rows := cursor.fetchmany(500):
            ids = [row[0] for row in rows]
            marks = ",".join("?" * len(ids))
            topics: dict[int, set[str]] = {}
            for item_id, topic in self.db.execute(
                    f"select item_id, topic from item_topics where item_id in ({marks})", ids):
                topics.setdefault(item_id, set()).add(topic)
            figures: dict[int, dict[str, float]] = {}
            for item_id, kind, value in self.db.execute(
                    f"select item_id, kind, max(value) from figures where item_id in ({marks}) "
                    "group by item_id, kind", ids):
                figures.setdefault(item_id, {})[kind] = value
            for item_id, cluster, first_seen, title, body, relevance, area, org_kind in rows:
                candidate = Matchable(title, body or "", True, relevance or 0.0, area, org_kind,
                                      frozenset(topics.get(item_id, ())), figures.get(item_id, {}))
                seen = parse_time(first_seen)
                assert seen is not None
                yield Stored(item_id, cluster or item_id, seen, candidate)


def _delivery(row: dict[str, Any]) -> AlertDelivery:
    return AlertDelivery(row["id"], row["rule"], row["story"], row["item_id"], row["target"], row["status"],
                         int(row["attempts"] or 0), row["error"], parse_time(row["next_try"]))
