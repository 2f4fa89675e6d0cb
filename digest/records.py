"""Typed records of how digest itself is doing: requests made, ingest runs, source health,
editions built, deliveries and the status that `digest status` and `/healthz` show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


def stamp(moment: datetime | None) -> str | None:
    """A stored time as it is shown: ISO 8601 in UTC to the second."""
    return moment.isoformat(timespec="seconds") if moment else None


@dataclass
class FetchRecord:
    """One HTTP request, for the fetch log."""

    source: str
    url: str
    status: int | None
    size: int
    duration_ms: int
    error: str | None
    at: datetime


@dataclass
class RunRecord:
    """One source's part of one ingest."""

    source: str
    started: datetime
    finished: datetime
    new: int
    updated: int
    duplicate: int
    unchanged: int
    failed: int
    not_modified: int
    error: str | None

    @property
    def seen(self) -> int:
        """Documents it delivered, read or not."""
        return self.new + self.updated + self.duplicate + self.unchanged


@dataclass
class SourceHealth:
    name: str
    kind: str
    last_attempt: datetime | None
    last_success: datetime | None
    consecutive_failures: int
    last_error: str | None
    last_count: int


@dataclass
class EditionRecord:
    """An edition that was built: its week, first and last day, when, and how many items it held."""

    week: str
    start: date
    end: date
    built_at: datetime
    item_count: int


@dataclass
class Delivery:
    """The delivery ledger's row for one edition and one recipient."""

    id: int
    week: str
    recipient: str
    status: str  # sent, retry or failed
    attempts: int
    message_id: str | None
    item_count: int
    error: str | None
    sent_at: datetime | None


@dataclass
class Status:
    items: int
    relevant: int
    aliases: int
    last_ingest: datetime | None
    last_edition: EditionRecord | None
    sources: list[SourceHealth] = field(default_factory=list)
    failed_deliveries: list[Delivery] = field(default_factory=list)

    def failing(self, enabled: set[str]) -> list[SourceHealth]:
        """The enabled sources whose last run failed."""
        return [health for health in self.sources if health.name in enabled and health.consecutive_failures]
