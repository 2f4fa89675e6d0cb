"""The edition model: what a weekly edition shows, as the templates, the email and the CLI read it.

Built by digest.report from stored items; a recipient's copy is the same edition filtered
(`Edition.filtered`), its counts and totals recomputed from what it keeps.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from digest.models import Copy, Figure, figure_label, format_figure
from digest.totals import AREA_NOT_KNOWN, Count, FigureTotal, Period, tallies

if TYPE_CHECKING:  # a trend is made where an edition is shown whole (digest.report)
    from digest.charts import Trend

__all__ = ["AREA_NOT_KNOWN", "Count", "tallies"]  # kept importable from here
LEAD_STORIES = 5  # shown in full at the top of an edition
CHIPS = 3  # topic labels shown on an item
REASON_TOPICS, REASON_TERMS = 2, 2  # an item's one-line reason: its first topics, their first terms
# A publisher with no name is shown as its kind, as a reader knows it.
KIND_LABELS = {"police": "Police", "pcc": "Police and Crime Commissioner", "vru": "Violence Reduction Unit",
               "council": "Council", "news": "News outlet", "other": "Other publisher"}


def publisher_name(org: str | None, org_kind: str | None) -> str:
    """The name readers know a publisher by: its organisation, else the label of its kind; never
    a source's config name or a file's path."""
    return org or KIND_LABELS.get(org_kind or "other", KIND_LABELS["other"])


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
class Quote:
    """A sentence of a story and every figure taken from it: the sentence is quoted once."""

    text: str
    figures: list[ShownFigure]

    @property
    def values(self) -> str:
        """"Arrests: 2 · Weapons seized or surrendered: 3"."""
        return " · ".join(f"{f.label}: {f.display}" for f in self.figures)


@dataclass
class Reason:
    """A topic an item is tagged with and the terms that matched it, in the order the classifier found them."""

    topic: str
    label: str
    short: str  # the label as a chip and the one-line reason show it ("Knife crime")
    subject: bool  # a subject topic (a violence signal), not a facet
    terms: list[str]


def reason_line(reasons: list[Reason]) -> str:
    """An item's one-line reason: "Knife crime: stabbed, knife · Enforcement: arrested"."""
    return " · ".join(f"{r.short}: {', '.join(r.terms[:REASON_TERMS])}" if r.terms else r.short
                      for r in reasons[:REASON_TOPICS])


def figures_line(figures: list[ShownFigure]) -> str:
    """An item's figures in one line, each kind once with its values in the order stated (a value
    restated is not repeated): "Arrests 4, 7 · Weapons seized or surrendered 68"."""
    kinds: dict[str, list[str]] = {}
    for figure in figures:
        kinds.setdefault(figure.label, []).append(figure.display)
    return " · ".join(f"{label} {', '.join(dict.fromkeys(values))}" for label, values in kinds.items())


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
    topics: list[dict[str, str]]  # {"id", "label", "short"}, subjects first
    figures: list[ShownFigure]
    reasons: list[Reason]  # subjects first
    also: list[dict[str, Any]]  # the story's other publishers: {"id", "org", "url", "title", "reported", "published", "figures"}
    source: str
    path: str | None
    cluster: int = 0
    reported: bool = False  # in its story as another outlet's own report of the incident, not a copy
    earlier_week: str | None = None  # for a follow-up: the week its story was first shown
    relevance: float = 0.0
    copies: list[Copy] = field(default_factory=list)  # its text at other web addresses, word for word

    @property
    def publisher(self) -> str:
        return publisher_name(self.org, self.org_kind)

    @property
    def chips(self) -> list[dict[str, str]]:
        """The topics shown on the item: at most CHIPS, subjects first."""
        return self.topics[:CHIPS]

    @property
    def why(self) -> str:
        return reason_line(self.reasons)

    @property
    def quotes(self) -> list[Quote]:
        """The figures grouped by the sentence they came from, in the order first stated; a sentence
        the summary already says is not quoted again."""
        quotes: dict[str, Quote] = {}
        for figure in self.figures:
            text = "" if figure.text and figure.text in self.summary else figure.text
            quotes.setdefault(text, Quote(text, [])).figures.append(figure)
        return list(quotes.values())

    @property
    def publishers(self) -> int:
        """How many publishers tell this story: its own and those of its other versions."""
        return len({self.publisher} | {other["org"] for other in self.also})

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
    short: str = ""  # the label as the list of groups shows it (a topic's short label)


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
    figure_totals: list[FigureTotal]
    source_problems: list[dict[str, str]]
    followups: list[Entry] = field(default_factory=list)
    previous_entries: list[Entry] = field(default_factory=list)  # last week's stories, to recount under a filter
    first_edition: bool = False  # nothing was found before its week: no previous edition to compare with
    set_apart: list[Entry] = field(default_factory=list)  # stories not in the totals: published earlier, or undated
    trend: Trend | None = None  # weekly counts over the twelve weeks it ends
    late: list[Entry] = field(default_factory=list)  # in email: items found after their own week was sent
    previous_week: str | None = None
    next_week: str | None = None
    feed_url: str = "../feed.xml"
    index_url: str = "../index.html"
    page_base: str = ""  # prefix for links to other editions ("" on the site; absolute in email)
    email: bool = False
    first_areas: tuple[str, ...] = ()  # a reader's areas: their stories lead, their groups come first
    lead_count: int = LEAD_STORIES

    @property
    def site_root(self) -> str:
        """The prefix of links to the site's other pages ("../" on the site; the absolute base URL in email)."""
        return self.index_url.removesuffix("index.html")

    @property
    def item_count(self) -> int:
        return sum(len(g.entries) for g in self.groups)

    def stories(self) -> list[Entry]:
        """This week's stories (not the older items, follow-ups or late items), in group order."""
        return [e for g in self.groups for e in g.entries]

    @property
    def leads(self) -> list[Entry]:
        """The stories shown first and in full: most publishers first, then the most relevant."""
        return lead_stories(self.stories(), self.lead_count, self.first_areas)

    @property
    def more_groups(self) -> list[Group]:
        """The groups without the lead stories; under group_by area, the reader's areas first."""
        shown = {e.id for e in self.leads}
        groups = [dataclasses.replace(g, entries=[e for e in g.entries if e.id not in shown]) for g in self.groups]
        return sorted((g for g in groups if g.entries),
                      key=lambda g: self.group_by == "area" and g.key not in self.first_areas)

    @property
    def where(self) -> list[tuple[str, int]]:
        """The areas of this week's stories with how many each has, the most first (the reader's areas first)."""
        counts = Counter(e.area for e in self.stories() if e.area)
        return sorted(counts.items(), key=lambda pair: (pair[0] not in self.first_areas, -pair[1], pair[0]))

    def with_areas_first(self, areas: list[str] | tuple[str, ...]) -> Edition:
        return dataclasses.replace(self, first_areas=tuple(areas))

    @property
    def older_count(self) -> int:
        return len(self.older)

    def all_entries(self) -> list[Entry]:
        """Every entry it shows: the stories, the older items, the follow-ups and the late items."""
        return [e for g in self.groups for e in g.entries] + self.older + self.followups + self.late

    def week_period(self, stories: list[Entry]) -> Period[Entry]:
        """Stories as its totals count them: those published in its week."""
        return Period(stories, self.start, self.end)

    def previous_week_period(self, stories: list[Entry]) -> Period[Entry]:
        """The previous edition's stories as its counts compare with them: those published in that week."""
        return Period(stories, self.start - timedelta(days=7), self.end - timedelta(days=7))

    def filtered(self, keep: Callable[[Entry], bool]) -> Edition:
        """The edition with only the entries `keep` accepts; counts and totals recomputed from them."""
        groups = [dataclasses.replace(g, entries=[e for e in g.entries if keep(e)]) for g in self.groups]
        groups = [g for g in groups if g.entries]
        previous = [e for e in self.previous_entries if keep(e)]
        return dataclasses.replace(
            self, groups=groups, older=[e for e in self.older if keep(e)],
            followups=[e for e in self.followups if keep(e)], previous_entries=previous,
            late=[e for e in self.late if keep(e)],
            **tallies(self.week_period([e for g in groups for e in g.entries]),
                      None if self.first_edition else self.previous_week_period(previous)),
        )


def lead_stories(entries: list[Entry], count: int, first_areas: tuple[str, ...] = ()) -> list[Entry]:
    """The `count` stories to lead with: those of `first_areas` first, then those told by the most
    publishers, then the most relevant, then the newest."""
    ranked = sorted(entries, key=lambda e: (bool(first_areas) and e.area not in first_areas, -e.publishers,
                                            -e.relevance, -e.sort_time.timestamp()))
    return ranked[:count]
