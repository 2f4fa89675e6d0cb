"""Typed records of how digest itself is doing: requests made, ingest runs, source health,
editions built, deliveries and the status that `digest status` and `/healthz` show."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

# What a public output (an edition, its email, /healthz) says of a failure: the HTTP status or
# the kind of error, never the error's own words, which may name a URL, a path or a server's reply.
_ERROR_KINDS = [(re.compile(pattern, re.I), kind) for pattern, kind in (
    (r"timed out|took longer than", "timed out"),
    (r"cannot connect|connection broken|name or service not known", "could not connect"),
    (r"disallowed by robots\.txt|cannot read robots\.txt", "refused by robots.txt"),
    (r"allow_private_networks", "address not allowed"),
    (r"redirect", "redirect problem"),
    (r"max_bytes", "response too large"),
    (r"content coding|not valid \w+ data", "response could not be decoded"),
    (r"content type", "unexpected content type"),
    (r"not a usable URL|only http and https", "unusable URL"),
    (r"no article links", "no article links found (page layout changed?)"),
    (r"feed", "not a readable feed"),
    (r"folder", "folder could not be read"),
    (r"stopped", "stopped (shutting down)"),
)]
_HTTP_STATUS = re.compile(r"\bHTTP (\d{3})\b")


def stamp(moment: datetime | None) -> str | None:
    """A stored time as it is shown: ISO 8601 in UTC to the second."""
    return moment.isoformat(timespec="seconds") if moment else None


def public_error(error: str | None) -> str | None:
    """A failure as public outputs name it: `HTTP 500`, or its kind (`timed out`), else `failed`."""
    if not error:
        return error
    status = _HTTP_STATUS.search(error)
    if status:
        return f"HTTP {status.group(1)}"
    return next((kind for pattern, kind in _ERROR_KINDS if pattern.search(error)), "failed")


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


@dataclass(frozen=True)
class AlertDelivery:
    """One target's delivery of one alert (digest.store.alerts)."""

    id: int
    rule: str
    story: int
    item_id: int
    target: str  # "email:<address>" or "webhook"
    status: str
    attempts: int
    error: str | None
    next_try: datetime | None


@dataclass
class Status:
    items: int
    relevant: int
    aliases: int
    last_ingest: datetime | None
    last_edition: EditionRecord | None
    sources: list[SourceHealth] = field(default_factory=list)
    failed_deliveries: list[Delivery] = field(default_factory=list)
    alert_problems: list[AlertDelivery] = field(default_factory=list)  # to retry, failed or possibly sent

    def failing(self, enabled: set[str]) -> list[SourceHealth]:
        """The enabled sources whose last run failed."""
        return [health for health in self.sources if health.name in enabled and health.consecutive_failures]
