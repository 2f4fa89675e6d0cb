"""The configuration's schema: every key with its type, its default and its validator.

Errors name the key path (`sources[2].url: not a URL`); digest.config.loading reads a file into it.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, ConfigDict, Field, PrivateAttr, field_validator

from digest.areas import area_names
from digest.config.alerts import AlertRule
from digest.config.checks import Strict, check_areas, check_url
from digest.config.coverage import CatalogueChoice
from digest.errors import ConfigError
from digest.models import OrgKind
from digest.topics import shipped_topic_ids

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
# Bounds beyond which a number is a typo: a schedule of over a year, a request or delay of over
# ten minutes, a document of over 100 MB (it is read whole into memory).
LONGEST_DURATION = 366 * 86400
MAX_WAIT = 600
MAX_BYTES = 100_000_000
EXPECT_EVERY = 30 * 86400.0  # a web source with no new item for longer is reported as stale


def parse_duration(value: Any) -> float:
    """'2h' -> 7200.0; a bare number is seconds."""
    if isinstance(value, bool):
        raise ValueError("not a duration (use a number with s, m, h or d, e.g. 2h)")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"not a duration: {value!r} (use a number with s, m, h or d, e.g. 2h)")
        seconds = float(match.group(1)) * _DURATION_UNITS[match.group(2)]
    if not math.isfinite(seconds):
        raise ValueError(f"must be a finite duration (got {value!r})")
    if seconds <= 0:
        raise ValueError("must be greater than zero")
    if seconds > LONGEST_DURATION:
        raise ValueError(f"must be at most 366d (got {value!r})")
    return seconds


def _check_network(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        raise ValueError(f"not a network: {value!r} (use CIDR notation, e.g. 10.0.0.0/8 or fd00::/8)") from None


class SourceBase(Strict):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    area: str | None = None
    org: str | None = None
    org_kind: OrgKind | None = None
    enabled: bool = True
    every: float | None = None
    # Stale after this long with no new item (null: never). A folder's documents come by hand: no default.
    expect_every: float | None = EXPECT_EVERY
    _origin: str = PrivateAttr(default="config")  # or "catalogue (<how sure>)", or the OPML file and line

    @field_validator("every", "expect_every", mode="before")
    @classmethod
    def _every(cls, value: Any) -> float | None:
        return None if value is None else parse_duration(value)

    @field_validator("area")
    @classmethod
    def _area(cls, value: str | None) -> str | None:
        if value is not None and value not in area_names():
            raise ValueError(f"unknown area {value!r} (use a force area name such as 'Bedfordshire')")
        return value


class FolderSource(SourceBase):
    kind: Literal["folder"]
    path: Path
    expect_every: float | None = None
    max_bytes: int | None = Field(default=None, gt=0, le=MAX_BYTES)


class FeedSource(SourceBase):
    kind: Literal["feed"]
    url: str
    full_text: bool = False

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)


class WebpageSource(SourceBase):
    kind: Literal["webpage"]
    url: str
    link_selector: str | None = None
    link_pattern: str | None = None
    next_selector: str | None = None
    max_pages: int = Field(default=1, ge=1, le=100)
    discover_feed: bool = True  # read the feed the page declares (<link rel="alternate">) instead, if it has one

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)

    @field_validator("link_pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


Source = Annotated[FolderSource | FeedSource | WebpageSource, Field(discriminator="kind")]


class Site(Strict):
    title: str = Field(default="Serious violence news digest", min_length=1, pattern=r"^[^\x00-\x1f]+$")
    base_url: str = "http://127.0.0.1:8080/"

    @field_validator("base_url")
    @classmethod
    def _base(cls, value: str) -> str:
        check_url(value)
        return value if value.endswith("/") else value + "/"


class Fetch(Strict):
    user_agent: str = Field(default="digest/0.1 (serious violence news digest)", min_length=1, pattern=r"^\S")
    contact: str = "https://github.com/digest-news/digest"
    timeout: float = Field(default=20.0, gt=0, le=MAX_WAIT)
    per_host_delay: float = Field(default=1.0, ge=0, le=MAX_WAIT)
    max_bytes: int = Field(default=5_000_000, gt=0, le=MAX_BYTES)
    retries: int = Field(default=3, ge=0, le=10)
    respect_robots: bool = True
    backoff: float = Field(default=1.0, ge=0, le=MAX_WAIT)  # first retry waits this long, then doubles
    max_retry_after: float = Field(default=120.0, ge=0, le=3600)  # a longer Retry-After fails the request
    max_redirects: int = Field(default=5, ge=0, le=20)
    # A source blocked by bot protection waits this long before it is tried again, twice as long
    # after each further block, at most a week (digest.records.blocked_wait).
    blocked_backoff: float = 6 * 3600.0

    @field_validator("blocked_backoff", mode="before")
    @classmethod
    def _blocked_backoff(cls, value: Any) -> float:
        return parse_duration(value)
    # Networks (CIDR) that may be fetched besides public addresses; private, link-local, CGNAT,
    # unique-local and unspecified addresses are refused unless listed here.
    allow_private_networks: list[Annotated[str, AfterValidator(_check_network)]] = ["127.0.0.0/8", "::1/128"]


class Dedupe(Strict):
    # Jaccard similarity of 3-word shingles; 0.55 separates retellings (0.64-0.94) from
    # different stories sharing boilerplate (at most 0.44) on the labelled set (README).
    near_duplicate: float = Field(default=0.55, gt=0, le=1)


class Ingest(Strict):
    # Worker processes that extract and classify documents in parallel ("auto": one per CPU;
    # 0 or 1: all in this process). They start only once a folder source has more than
    # `parallel_after` documents to read in one run, or the run's web sources together have.
    workers: int | Literal["auto"] = Field(default="auto")
    parallel_after: int = Field(default=64, ge=0, le=10_000_000)
    # How much lower the workers' CPU priority is than this process's (nice). They only feed
    # it, and it writes the store alone: when all compete for the cores, it should go first.
    worker_nice: int = Field(default=10, ge=0, le=19)

    @field_validator("workers")
    @classmethod
    def _workers(cls, value: int | str) -> int | str:
        if isinstance(value, int) and not 0 <= value <= 64:
            raise ValueError("must be 'auto' or a number from 0 to 64")
        return value

    def worker_count(self) -> int:
        if self.workers == "auto":
            return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return int(self.workers)


class TopicOverride(Strict):
    label: str | None = None
    kind: Literal["subject", "facet"] | None = None
    terms: list[str] = []
    replace: bool = False


class Classify(Strict):
    min_relevance: float = Field(default=0.5, ge=0, le=1)
    topics: dict[str, TopicOverride] = {}

    @field_validator("topics")
    @classmethod
    def _new_topics_have_terms(cls, topics: dict[str, TopicOverride]) -> dict[str, TopicOverride]:
        if not topics:
            return topics
        for topic_id, override in topics.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", topic_id):
                raise ValueError(f"topic id {topic_id!r}: use lower-case letters, digits and _")
            if topic_id not in shipped_topic_ids() and not override.terms:
                raise ValueError(f"{topic_id}: a new topic needs terms")
        return topics


class DigestSettings(Strict):
    group_by: Literal["topic", "area"] = "topic"
    backfill_days: int = Field(default=30, ge=0, le=36_500)


class Feeds(Strict):
    items: int = Field(default=100, ge=1, le=10_000)


class Schedule(Strict):
    ingest_every: float = 7200.0
    digest: str = "mon 07:00"
    daily: str = "07:00"  # the daily digest (recipients with cadence: daily), in `timezone`

    @field_validator("ingest_every", mode="before")
    @classmethod
    def _every(cls, value: Any) -> float:
        return parse_duration(value)

    @field_validator("digest")
    @classmethod
    def _digest(cls, value: str) -> str:
        parts = value.lower().split()
        time = _clock(parts[1]) if len(parts) == 2 else None
        if time is None or parts[0] not in WEEKDAYS:
            raise ValueError(f"not a weekly time: {value!r} (e.g. 'mon 07:00')")
        return f"{parts[0]} {time}"

    @field_validator("daily", mode="before")
    @classmethod
    def _daily(cls, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):  # YAML reads an unquoted 7:30 as 450
            raise ValueError(f"not a time of day: {value!r} (put the time in quotes, e.g. '07:30')")
        time = _clock(str(value))
        if time is None:
            raise ValueError(f"not a time of day: {value!r} (e.g. '07:00')")
        return time


def _clock(text: str) -> str | None:
    """'7:05' -> '07:05'; None when it is not a time of day."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


class Smtp(Strict):
    host: str = "localhost"
    port: int = Field(default=25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password_env: str = "DIGEST_SMTP_PASSWORD"
    timeout: float = Field(default=30.0, gt=0, le=MAX_WAIT)


class Recipient(Strict):
    address: str = Field(pattern=r"^[^@\s<>,;]+@[^@\s<>,;]+$")
    areas: list[str] = []
    topics: list[str] = []
    cadence: Literal["weekly", "daily"] = "weekly"  # daily: a digest each day at schedule.daily, not the weekly email

    _areas = field_validator("areas")(check_areas)


class Email(Strict):
    enabled: bool = False
    from_: str = Field(default="digest@localhost", alias="from", pattern=r"^[^\x00-\x1f]*@[^\x00-\x1f]+$")
    unsubscribe: str | None = None
    smtp: Smtp = Smtp()
    recipients: list[Recipient] = []

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Server(Strict):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)


class Config(Strict):
    database: Path = Path("data/digest.db")
    output_dir: Path = Path("out")
    timezone: str = "Europe/London"
    site: Site = Site()
    fetch: Fetch = Fetch()
    sources: list[Source] = []
    catalogue: CatalogueChoice | None = None  # publishers of digest/data/catalogue.yaml added as sources
    opml: list[Path] = []  # OPML files whose feeds are added as sources
    dedupe: Dedupe = Dedupe()
    ingest: Ingest = Ingest()
    classify: Classify = Classify()
    digest: DigestSettings = DigestSettings()
    feeds: Feeds = Feeds()
    schedule: Schedule = Schedule()
    email: Email = Email()
    alerts: list[AlertRule] = []
    server: Server = Server()
    # Set by load_config, not by the file.
    config_path: Path | None = Field(default=None, exclude=True)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/London)") from None
        return value

    @field_validator("email")
    @classmethod
    def _recipient_topics(cls, email: Email, info: Any) -> Email:
        wanted = {t for r in email.recipients for t in r.topics}
        if wanted:
            known = set(shipped_topic_ids()) | set(info.data.get("classify", Classify()).topics)
            unknown = sorted(wanted - known)
            if unknown:
                raise ValueError(f"recipients: unknown topic {unknown[0]!r} (see digest/data/taxonomy.yaml)")
        return email

    @field_validator("alerts")
    @classmethod
    def _alert_rules(cls, alerts: list[AlertRule], info: Any) -> list[AlertRule]:
        names = [rule.name for rule in alerts]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"two rules are named {twice[0]!r} (a rule's name must be its own)")
        known = set(shipped_topic_ids()) | set(info.data.get("classify", Classify()).topics)
        for index, rule in enumerate(alerts):
            unknown = sorted(set(rule.topics) - known)
            if unknown:
                raise ValueError(f"[{index}].topics: unknown topic {unknown[0]!r} (see digest/data/taxonomy.yaml)")
        return alerts

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def source(self, name: str) -> FolderSource | FeedSource | WebpageSource:
        for source in self.sources:
            if source.name == name:
                return source
        raise ConfigError(f"sources: no source named {name!r}")
