"""The small typed records passed between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def require_aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return value.astimezone(timezone.utc)


@dataclass
class Document:
    """Raw input from a source, before extraction. Every source adapter yields these."""

    source: str
    content: bytes
    media_type: str  # "text" or "html"
    url: str | None = None  # the article's URL, when known
    path: str | None = None  # folder documents: path relative to the source folder
    # Hints from the source (a feed entry's title and date, say); extraction may use them.
    guid: str | None = None  # a feed entry's id, for entries without a link
    title_hint: str | None = None
    published_hint: datetime | None = None
    summary_hint: str | None = None
    # Folder bookkeeping so unchanged files are skipped cheaply next time.
    size: int | None = None
    mtime_ns: int | None = None
    sha256: str | None = None  # of `content`, when the source has already computed it
    # Used instead when this document yields no article text (a feed entry's own content
    # when its full-text page turns out empty).
    fallback: Document | None = None


@dataclass
class Extracted:
    """What extraction makes of a document."""

    title: str
    body: str
    summary: str
    url: str | None = None
    published: date | None = None
    published_time: datetime | None = None
    area_hint: str | None = None  # an area the document itself states (front matter)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Figure:
    kind: str
    value: float
    text: str


@dataclass
class TopicMatch:
    topic: str
    score: float
    terms: list[str]


@dataclass
class Classification:
    topics: list[TopicMatch]
    relevance: float
    relevant: bool
    area: str | None
    mentioned_areas: list[str]
    org: str | None
    org_kind: str
    figures: list[Figure]
    why_not: str | None = None  # for irrelevant items: why they were left out


@dataclass
class Unchanged:
    """A document the source already delivered: nothing to do but note it."""

    source: str
    where: str  # file path or URL
    size: int | None = None  # folder files: the stat that was checked
    mtime_ns: int | None = None
    sha256: str | None = None  # set when the bytes had to be read to find out


@dataclass
class NotModified:
    """The source's page or feed answered 304 Not Modified: nothing new."""

    source: str
    url: str


@dataclass
class Failed:
    """A document (file, entry, page) that could not be read; the rest of its source carries on."""

    source: str
    where: str  # file path or URL
    reason: str
