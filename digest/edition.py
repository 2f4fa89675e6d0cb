"""The edition model: what a weekly edition shows, as the templates, the email and the CLI read it.

Built by digest.report from stored items; a recipient's copy is the same edition filtered
(`Edition.filtered`), its counts and totals recomputed from what it keeps.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from digest.models import FIGURE_LABELS, RATE_KINDS, Figure, figure_label, format_figure

AREA_NOT_KNOWN = "Area not known"


@dataclass
class ShownFigure:
    kind: str
    value: float
    label: str
    display: str
    text: str

    @classmethod
    def of(cls, figure: Figure) -> ShownFigure:
        return cls(figure.kind, figure.value, figure_label(figure.kind), format_figure(figure.kind, figure.value),
                   figure.text)


@dataclass
class Entry:
    """One story of an edition, as shown."""

    id: int
    title: str
    url: str | None
    org: str | None
    org_kind: str
    area: str | None
    published: date | None
    first_seen: datetime
    summary: str
    topics: list[dict[str, str]]  # {"id", "label"}, subjects first
    figures: list[ShownFigure]
    why: str
    also: list[dict[str, Any]]  # the story's other publishers: {"org", "url", "title", "reported"}
    source: str
    path: str | None
    cluster: int = 0
    reported: bool = False  # in its story as another outlet's own report of the incident, not a copy
    earlier_week: str | None = None  # for a follow-up: the week its story was first shown

    @property
    def sort_time(self) -> datetime:
        if self.published:
            return datetime.combine(self.published, time(12), tzinfo=UTC)
        return self.first_seen


@dataclass
class Group:
    key: str
    label: str
    entries: list[Entry]


@dataclass
class Count:
    label: str
    count: int
    previous: int

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclass
class Edition:
    week: str
    start: date
    end: date
    timezone: str
    generated_at: datetime
    group_by: str
    groups: list[Group]
    older: list[Entry]
    counts_by_area: list[Count]
    counts_by_topic: list[Count]
    figure_totals: list[dict[str, Any]]
    source_problems: list[dict[str, str]]
    followups: list[Entry] = field(default_factory=list)
    previous_entries: list[Entry] = field(default_factory=list)  # last week's stories, to recount under a filter
    late: list[Entry] = field(default_factory=list)  # in email: items found after their own week was sent
    previous_week: str | None = None
    next_week: str | None = None
    feed_url: str = "../feed.xml"
    index_url: str = "../index.html"
    page_base: str = ""  # prefix for links to other editions ("" on the site; absolute in email)
    email: bool = False

    @property
    def item_count(self) -> int:
        return sum(len(g.entries) for g in self.groups)

    @property
    def older_count(self) -> int:
        return len(self.older)

    def all_entries(self) -> list[Entry]:
        """Every entry it shows: the stories, the older items, the follow-ups and the late items."""
        return [e for g in self.groups for e in g.entries] + self.older + self.followups + self.late

    def filtered(self, keep: Callable[[Entry], bool]) -> Edition:
        """The edition with only the entries `keep` accepts; counts and totals recomputed from them."""
        groups = [Group(g.key, g.label, [e for e in g.entries if keep(e)]) for g in self.groups]
        groups = [g for g in groups if g.entries]
        previous = [e for e in self.previous_entries if keep(e)]
        return dataclasses.replace(
            self, groups=groups, older=[e for e in self.older if keep(e)],
            followups=[e for e in self.followups if keep(e)], previous_entries=previous,
            late=[e for e in self.late if keep(e)],
            **tallies([e for g in groups for e in g.entries], previous),
        )


def tallies(fresh: list[Entry], previous: list[Entry]) -> dict[str, Any]:
    """An edition's counts by area and by topic against the previous week's, and its figure totals."""
    return {
        "counts_by_area": _counts([e.area or AREA_NOT_KNOWN for e in fresh], [e.area or AREA_NOT_KNOWN for e in previous]),
        "counts_by_topic": _counts([t["label"] for e in fresh for t in e.topics],
                                   [t["label"] for e in previous for t in e.topics]),
        "figure_totals": _figure_totals(fresh),
    }


def _counts(current: list[str], previous: list[str]) -> list[Count]:
    now, before = Counter(current), Counter(previous)
    labels = sorted(set(now) | set(before), key=lambda label: (-now[label], label))
    return [Count(label, now[label], before[label]) for label in labels]


def _figure_totals(entries: list[Entry]) -> list[dict[str, Any]]:
    totals: dict[str, float] = {}
    for entry in entries:
        for figure in entry.figures:
            if figure.kind not in RATE_KINDS:
                totals[figure.kind] = totals.get(figure.kind, 0) + figure.value
    return [{"kind": kind, "label": figure_label(kind), "display": format_figure(kind, totals[kind])}
            for kind in FIGURE_LABELS if kind in totals]
