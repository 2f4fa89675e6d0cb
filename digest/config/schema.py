"""The configuration's schema: every key with its type, its default and its check.

Errors name the key path (`sources[2].url: not a URL`); digest.config.loading reads a file into it.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Annotated, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msgspec import Meta, field

from digest.areas import area_names
from digest.config.alerts import AlertRule
from digest.config.checks import (
    ADDRESS,
    SOURCE_NAME,
    Seconds,
    Strict,
    TimeOfDay,
    check_areas,
    check_url,
    clock,
)
from digest.config.coverage import CatalogueChoice
from digest.errors import ConfigError
from digest.models import OrgKind
from digest.topics import shipped_topic_ids

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Bounds beyond which a number is a typo: a request or delay of over ten minutes, a document of
# over 100 MB (it is read whole into memory); a schedule of over a year (digest.config.checks).
MAX_WAIT = 600
MAX_BYTES = 100_000_000
EXPECT_EVERY = 30 * 86400.0  # a web source with no new item for longer is reported as stale


def _check_network(key: str, value: str) -> str:
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        raise ValueError(f"{key}: not a network: {value!r} (use CIDR notation, e.g. 10.0.0.0/8 or fd00::/8)") from None


class SourceBase(Strict, tag_field="kind", dict=True):
    name: Annotated[str, Meta(min_length=1, pattern=SOURCE_NAME)]
    area: str | None = None
    org: str | None = None
    org_kind: OrgKind | None = None
    enabled: bool = True
    every: Seconds | None = None
    # Stale after this long with no new item (null: never). A folder's documents come by hand: no default.
    expect_every: Seconds | None = Seconds(EXPECT_EVERY)
    # Where it came from: "config", "catalogue (<how sure>)", or the OPML file and line. Not a
    # field, so no config file sets it; came_from sets it on the one source (hence dict=True).
    _origin: ClassVar[str] = "config"

    def came_from(self, origin: str) -> None:
        vars(self)["_origin"] = origin

    def __post_init__(self) -> None:
        if self.area is not None and self.area not in area_names():
            raise ValueError(f"area: unknown area {self.area!r} (use a force area name such as 'Bedfordshire')")


class FolderSource(SourceBase, tag="folder", kw_only=True):
    kind: ClassVar[Literal["folder"]] = "folder"
    path: Path
    expect_every: Seconds | None = None
    max_bytes: Annotated[int, Meta(gt=0, le=MAX_BYTES)] | None = None


class FeedSource(SourceBase, tag="feed", kw_only=True):
    kind: ClassVar[Literal["feed"]] = "feed"
    url: str
    full_text: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        check_url("url", self.url)


class WebpageSource(SourceBase, tag="webpage", kw_only=True):
    kind: ClassVar[Literal["webpage"]] = "webpage"
    url: str
    link_selector: str | None = None
    link_pattern: str | None = None
    next_selector: str | None = None
    max_pages: Annotated[int, Meta(ge=1, le=100)] = 1
    discover_feed: bool = True  # read the feed the page declares (<link rel="alternate">) instead, if it has one

    def __post_init__(self) -> None:
        super().__post_init__()
        check_url("url", self.url)
        if self.link_pattern is not None:
            try:
                re.compile(self.link_pattern)
            except re.error as exc:
                raise ValueError(f"link_pattern: not a valid regular expression: {exc}") from None


Source = FolderSource | FeedSource | WebpageSource  # told apart by `kind`


class Site(Strict):
    title: Annotated[str, Meta(min_length=1, pattern=r"^[^\x00-\x1f]+\Z")] = "Serious violence news digest"
    base_url: str = "http://127.0.0.1:8080/"

    def __post_init__(self) -> None:
        check_url("base_url", self.base_url)
        if not self.base_url.endswith("/"):
            self.base_url += "/"


class Fetch(Strict):
    user_agent: Annotated[str, Meta(min_length=1, pattern=r"^\S")] = "digest/0.1 (serious violence news digest)"
    contact: str = "https://github.com/digest-news/digest"
    timeout: Annotated[float, Meta(gt=0, le=MAX_WAIT)] = 20.0
    per_host_delay: Annotated[float, Meta(ge=0, le=MAX_WAIT)] = 1.0
    max_bytes: Annotated[int, Meta(gt=0, le=MAX_BYTES)] = 5_000_000
    retries: Annotated[int, Meta(ge=0, le=10)] = 3
    respect_robots: bool = True
    backoff: Annotated[float, Meta(ge=0, le=MAX_WAIT)] = 1.0  # first retry waits this long, then doubles
    max_retry_after: Annotated[float, Meta(ge=0, le=3600)] = 120.0  # a longer Retry-After fails the request
    max_redirects: Annotated[int, Meta(ge=0, le=20)] = 5
    # A source blocked by bot protection waits this long before it is tried again, twice as long
    # after each further block, at most a week (digest.records.blocked_wait).
    blocked_backoff: Seconds = Seconds(6 * 3600.0)
    # Networks (CIDR) that may be fetched besides public addresses; private, link-local, CGNAT,
    # unique-local and unspecified addresses are refused unless listed here.
    allow_private_networks: list[str] = field(default_factory=lambda: ["127.0.0.0/8", "::1/128"])

    def __post_init__(self) -> None:
        self.allow_private_networks = [_check_network(f"allow_private_networks[{index}]", network)
                                       for index, network in enumerate(self.allow_private_networks)]


class Dedupe(Strict):
    # Jaccard similarity of 3-word shingles; 0.55 separates retellings (0.64-0.94) from
    # different stories sharing boilerplate (at most 0.44) on the labelled set (README).
    near_duplicate: Annotated[float, Meta(gt=0, le=1)] = 0.55


class Ingest(Strict):
    # Worker processes that extract and classify documents in parallel ("auto": one per CPU;
    # 0 or 1: all in this process). They start only once a folder source has more than
    # `parallel_after` documents to read in one run, or the run's web sources together have.
    workers: int | Literal["auto"] = "auto"
    parallel_after: Annotated[int, Meta(ge=0, le=10_000_000)] = 64
    # How much lower the workers' CPU priority is than this process's (nice). They only feed
    # it, and it writes the store alone: when all compete for the cores, it should go first.
    worker_nice: Annotated[int, Meta(ge=0, le=19)] = 10

    def __post_init__(self) -> None:
        if isinstance(self.workers, int) and not 0 <= self.workers <= 64:
            raise ValueError("workers: must be 'auto' or a number from 0 to 64")

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
    min_relevance: Annotated[float, Meta(ge=0, le=1)] = 0.5
    topics: dict[str, TopicOverride] = {}

    def __post_init__(self) -> None:
        for topic_id, override in self.topics.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", topic_id):
                raise ValueError(f"topics: topic id {topic_id!r}: use lower-case letters, digits and _")
            if topic_id not in shipped_topic_ids() and not override.terms:
                raise ValueError(f"topics: {topic_id}: a new topic needs terms")


class DigestSettings(Strict):
    group_by: Literal["topic", "area"] = "topic"
    backfill_days: Annotated[int, Meta(ge=0, le=36_500)] = 30


class Feeds(Strict):
    items: Annotated[int, Meta(ge=1, le=10_000)] = 100


class Schedule(Strict):
    ingest_every: Seconds = Seconds(7200.0)
    digest: str = "mon 07:00"
    daily: TimeOfDay = TimeOfDay("07:00")  # the daily digest (recipients with cadence: daily), in `timezone`

    def __post_init__(self) -> None:
        parts = self.digest.lower().split()
        time = clock(parts[1]) if len(parts) == 2 else None
        if time is None or parts[0] not in WEEKDAYS:
            raise ValueError(f"digest: not a weekly time: {self.digest!r} (e.g. 'mon 07:00')")
        self.digest = f"{parts[0]} {time}"


class Smtp(Strict):
    host: str = "localhost"
    port: Annotated[int, Meta(ge=1, le=65535)] = 25
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password_env: str = "DIGEST_SMTP_PASSWORD"
    timeout: Annotated[float, Meta(gt=0, le=MAX_WAIT)] = 30.0


class Recipient(Strict):
    address: Annotated[str, Meta(pattern=ADDRESS)]
    areas: list[str] = []
    topics: list[str] = []
    cadence: Literal["weekly", "daily"] = "weekly"  # daily: a digest each day at schedule.daily, not the weekly email

    def __post_init__(self) -> None:
        check_areas("areas", self.areas)


class Email(Strict):
    enabled: bool = False
    from_: Annotated[str, Meta(pattern=r"^[^\x00-\x1f]*@[^\x00-\x1f]+\Z")] = field(default="digest@localhost",
                                                                                   name="from")
    unsubscribe: str | None = None
    smtp: Smtp = field(default_factory=Smtp)
    recipients: list[Recipient] = []


class Server(Strict):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: Annotated[int, Meta(ge=1, le=65535)] = 8080


class Config(Strict, dict=True):
    database: Path = Path("data/digest.db")
    output_dir: Path = Path("out")
    timezone: str = "Europe/London"
    site: Site = field(default_factory=Site)
    fetch: Fetch = field(default_factory=Fetch)
    sources: list[Source] = []
    catalogue: CatalogueChoice | None = None  # publishers of digest/data/catalogue.yaml added as sources
    opml: list[Path] = []  # OPML files whose feeds are added as sources
    dedupe: Dedupe = field(default_factory=Dedupe)
    ingest: Ingest = field(default_factory=Ingest)
    classify: Classify = field(default_factory=Classify)
    digest: DigestSettings = field(default_factory=DigestSettings)
    feeds: Feeds = field(default_factory=Feeds)
    schedule: Schedule = field(default_factory=Schedule)
    email: Email = field(default_factory=Email)
    alerts: list[AlertRule] = []
    server: Server = field(default_factory=Server)
    # The file it was read from: set by load_config (not a field: no file sets it).
    config_path: ClassVar[Path | None] = None

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone: unknown time zone {self.timezone!r} (e.g. Europe/London)") from None
        known = set(shipped_topic_ids()) | set(self.classify.topics)
        unknown = sorted({topic for recipient in self.email.recipients for topic in recipient.topics} - known)
        if unknown:
            raise ValueError(f"email.recipients: unknown topic {unknown[0]!r} (see digest/data/taxonomy.yaml)")
        self._check_alert_rules(known)

    def _check_alert_rules(self, known_topics: set[str]) -> None:
        names = [rule.name for rule in self.alerts]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"alerts: two rules are named {twice[0]!r} (a rule's name must be its own)")
        for index, rule in enumerate(self.alerts):
            unknown = sorted(set(rule.topics) - known_topics)
            if unknown:
                raise ValueError(f"alerts[{index}].topics: unknown topic {unknown[0]!r} (see digest/data/taxonomy.yaml)")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def source(self, name: str) -> FolderSource | FeedSource | WebpageSource:
        for source in self.sources:
            if source.name == name:
                return source
        raise ConfigError(f"sources: no source named {name!r}")
