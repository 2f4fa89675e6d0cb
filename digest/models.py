"""The small typed records passed between stages: what sources yield, what extraction and
classification make of a document, and the stored Item that every output reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal, Protocol, TypeVar

OrgKind = Literal["police", "pcc", "vru", "council", "news", "other"]


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


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
    # A feed entry's own text and hints, hashed: the same entry again is known before it is judged.
    entry_sha256: str | None = None
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
    publisher: str | None = None  # the publisher the page's own chrome names (a masthead, an office)
    publisher_kind: str | None = None  # the kind of publisher the page's chrome shows (news, other...)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Figure:
    kind: str
    value: float
    text: str

    def exported(self) -> dict[str, Any]:
        """As `export` writes it: a whole number without a decimal point."""
        return {"kind": self.kind, "value": int(self.value) if float(self.value).is_integer() else self.value,
                "text": self.text}


# Figure kinds, in the order editions list them, with their labels (DESIGN.md §5).
FIGURE_LABELS = {
    "funding_gbp": "Funding",
    "arrests": "Arrests",
    "weapons": "Weapons seized or surrendered",
    "charged": "Charged",
    "sentence_years": "Years of prison sentences",
    "patrol_hours": "Patrol hours",
    "warrants": "Warrants executed",
    "stop_searches": "Stop and searches",
    "drugs_seized_gbp": "Drugs seized (street value)",
    "cash_seized_gbp": "Cash seized",
    "lines_closed": "County lines closed",
    "safeguarded": "People safeguarded",
    "people_reached": "Young people reached",
    "offences": "Offences",
    "percent_change": "Change",
}
# Kinds that are rates, not counts: never added up.
RATE_KINDS = frozenset({"percent_change"})


def figure_label(kind: str) -> str:
    return FIGURE_LABELS.get(kind, kind)


def format_figure(kind: str, value: float) -> str:
    if kind.endswith("_gbp"):
        return f"£{value:,.0f}"
    if kind == "percent_change":
        return f"{value:+g}%"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


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


@dataclass(frozen=True)
class Candidate:
    """A stored item that may retell the same story as a new text (the store proposes these)."""

    item_id: int
    cluster: int
    signature: bytes  # its MinHash signature, as digest.shingles.Signature.to_bytes() writes it
    fingerprint: str
    shingles: int = 0  # how many distinct shingles its text has (0: not known)
    facts: frozenset[str] = frozenset()  # the numbers and names it states (digest.facts.story_facts)
    lead: frozenset[str] = frozenset()  # those of its headline and first paragraph
    area: str | None = None
    published: date | None = None


# --- what sources yield besides documents ----------------------------------------------------


@dataclass
class FileState:
    """A folder file as the store last saw it, so an unchanged file is skipped without being read."""

    size: int
    mtime_ns: int
    sha256: str
    item_id: int | None
    is_alias: bool


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


@dataclass
class Validators:
    """A listing or feed was read in full: send these validators next time (conditional GET)."""

    source: str
    url: str
    etag: str | None
    last_modified: str | None


@dataclass
class Gone:
    """An article that answered 404 or 410: remembered, so it is not asked for again every run."""

    source: str
    where: str  # the link, as a listing gave it
    url: str  # its canonical URL
    status: int


SourceEvent = Document | Unchanged | NotModified | Failed | Validators | Gone


# --- the stored item --------------------------------------------------------------------------

# The fields of `digest export`, in order (DESIGN.md §9, plus why_not).
EXPORT_FIELDS = (
    "id", "source", "url", "path", "title", "published", "first_seen", "area", "mentioned_areas", "org",
    "org_kind", "topics", "relevance", "relevant", "cluster", "aliases", "figures", "summary", "reasons", "why_not",
)


@dataclass(frozen=True)
class Copy:
    """The item's text published word for word at another web address (an alias), and that address's site."""

    url: str
    site: str  # its host without "www." ("dunstabletoday.co.uk")


@dataclass
class Item:
    """An item as stored, with its topics (and the terms that matched), figures and aliases."""

    id: int
    key: str
    source: str
    url: str | None
    canonical_url: str | None
    path: str | None
    title: str
    summary: str
    published: date | None
    published_time: datetime | None
    first_seen: datetime
    updated_at: datetime
    area: str | None
    mentioned_areas: list[str]
    org: str | None
    org_kind: str | None
    relevance: float
    relevant: bool
    why_not: str | None
    cluster: int  # the id of the story's first item (its own id when it is the first)
    reasons: list[TopicMatch]  # topics in rank order, each with the terms that matched
    figures: list[Figure]
    aliases: list[str]  # other URLs or files with the same text
    reported: bool = False  # in its cluster as another outlet's own report of the incident, not a copy
    copies: list[Copy] = field(default_factory=list)  # the aliases at web addresses

    @property
    def topics(self) -> list[str]:
        return [reason.topic for reason in self.reasons]

    @property
    def publisher(self) -> str:
        """Who published it, as the item says: its organisation, else its source's name."""
        return self.org or self.source

    def export(self) -> dict[str, Any]:
        """The item as `digest export` prints it (EXPORT_FIELDS)."""
        record = {
            "id": self.id, "source": self.source, "url": self.url, "path": self.path, "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "first_seen": self.first_seen.isoformat(timespec="seconds"), "area": self.area,
            "mentioned_areas": self.mentioned_areas, "org": self.org, "org_kind": self.org_kind, "topics": self.topics,
            "relevance": self.relevance, "relevant": self.relevant, "cluster": self.cluster, "aliases": self.aliases,
            "figures": [figure.exported() for figure in self.figures], "summary": self.summary,
            "reasons": [{"topic": reason.topic, "terms": reason.terms} for reason in self.reasons],
            "why_not": self.why_not,
        }
        return {name: record[name] for name in EXPORT_FIELDS}


class Found(Protocol):
    """Anything found and stored: an item, or an edition's entry of one."""

    @property
    def id(self) -> int: ...
    @property
    def cluster(self) -> int: ...
    @property
    def first_seen(self) -> datetime: ...


FoundT = TypeVar("FoundT", bound=Found)


def stories(items: Iterable[FoundT]) -> list[list[FoundT]]:
    """Items grouped by story (cluster), each group in the order its items were found, the groups in
    the order their first items were found."""
    by_cluster: dict[int, list[FoundT]] = {}
    for item in sorted(items, key=lambda i: (i.first_seen, i.id)):
        by_cluster.setdefault(item.cluster, []).append(item)
    return list(by_cluster.values())
