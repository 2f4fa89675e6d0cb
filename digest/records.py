"""Typed records of how digest itself is doing: requests made, ingest runs, source health,
editions built, deliveries and the status that `digest status` and `/healthz` show."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

# The words every report uses for the two failures a source's health tells apart from the rest
# (the fetcher's and the webpage source's messages start with them, and public_error finds them).
BLOCKED = "blocked by bot protection"
LAYOUT_CHANGED = "layout changed"
_BLOCKED_AT = re.compile(re.escape(BLOCKED) + r" \(([^)\s]+)\)")
_LAYOUT = re.compile(r"\b" + re.escape(LAYOUT_CHANGED) + r"\b")
LONGEST_BLOCKED_WAIT = 7 * 86400.0

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
    blocked = _BLOCKED_AT.search(error)
    if blocked:
        return f"{BLOCKED} ({blocked.group(1)})"
    if _LAYOUT.search(error):
        return LAYOUT_CHANGED
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


def blocked_wait(first_wait: float, blocked_runs: int) -> float:
    """Seconds a source blocked by bot protection `blocked_runs` times in a row waits before it is
    tried again: `first_wait`, doubled at each block, at most a week (or first_wait, if longer)."""
    return min(first_wait * 2.0 ** max(0, blocked_runs - 1), max(first_wait, LONGEST_BLOCKED_WAIT))


@dataclass
class SourceHealth:
    name: str
    kind: str
    last_attempt: datetime | None
    last_success: datetime | None
    consecutive_failures: int
    last_error: str | None
    last_count: int
    problem: str | None = None  # the kind of the last failure: "blocked", "layout" or None
    blocked_runs: int = 0  # runs in a row blocked by bot protection
    retry_after: datetime | None = None  # a blocked source is not run before this
    first_attempt: datetime | None = None
    last_new: datetime | None = None  # the end of its last run that stored a new item

    def stale(self, expect_every: float | None, at: datetime) -> bool:
        """No new item for longer than `expect_every` seconds (None: never stale), counted from
        its first run when it never gave one."""
        since = self.last_new or self.first_attempt
        return expect_every is not None and since is not None and at - since > timedelta(seconds=expect_every)


@dataclass(frozen=True)
class Condition:
    """A source's state as `status`, `/healthz` and the edition's foot report it."""

    state: str  # ok, failing, blocked, layout changed, stale, never run
    detail: str  # what is wrong, in public words ("" when ok)
    since: datetime | None = None  # stale: its last new item (or first run); blocked: when it may be tried again

    def in_status(self, row: SourceHealth) -> str:
        """The words `digest status` shows (private: the whole error, with its URL)."""
        in_a_row = f"({row.consecutive_failures} in a row)"
        if self.state == "blocked":
            return f"BLOCKED {in_a_row}: {row.last_error}; not tried again before {stamp(row.retry_after)}"
        if self.state in ("layout changed", "failing"):
            return f"{self.state.upper()} {in_a_row}: {row.last_error}"
        if self.state == "stale":
            return f"STALE: {self.detail.removeprefix('stale: ')}, last new item {stamp(row.last_new) or 'never'}"
        return "OK"


def source_condition(health: SourceHealth | None, expect_every: float | None, at: datetime) -> Condition:
    """One rule for every report: a failing source by the kind of its failure, else stale or ok."""
    if health is None or health.last_attempt is None:
        return Condition("never run", "")
    if health.consecutive_failures:
        detail = public_error(health.last_error) or "failed"
        if health.problem == "blocked":
            return Condition("blocked", detail, health.retry_after)
        return Condition("layout changed" if health.problem == "layout" else "failing", detail)
    if expect_every is not None and health.stale(expect_every, at):
        return Condition("stale", stale_detail(expect_every), health.last_new or health.first_attempt)
    return Condition("ok", "")


def stale_detail(expect_every: float) -> str:
    return f"stale: no new item for over {span(expect_every)}"


def span(seconds: float) -> str:
    """A length of time in its largest whole unit: "30 days", "6 hours", "1 second"."""
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size or size == 1:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    raise AssertionError("unreachable")


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
class Matchable:
    """What an alert rule looks at in a stored item (digest.alerts)."""

    title: str
    body: str
    relevant: bool
    relevance: float
    area: str | None
    org_kind: str | None
    topics: frozenset[str]
    figures: dict[str, float]  # the largest value stated of each kind


# An alert delivery's states (digest.store.alerts): waiting, handed over or about to be, done.
ALERT_PENDING, ALERT_POSSIBLY_SENT, ALERT_SENT, ALERT_RETRY, ALERT_FAILED = (
    "pending", "possibly-sent", "sent", "retry", "failed")


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
