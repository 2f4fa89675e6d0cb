"""Honest numbers: what an edition (or an area page) counts and totals, and what it sets apart.

The rules, in one place:
- Only stories published within the period count (an edition's week; an area page's twelve
  weeks). Stories published before it, and stories with no date, are set apart: listed, never
  added in.
- Each fact once. A story's figures of one kind are one publisher's account: the lead item's
  when it states that kind, else the first other publisher's that does. A figure another
  publisher of the same story restates is never added again.
- Funding of different years is never summed: funding totals are kept per period stated in
  the figure's sentence ("2025/26", "2026", "over three years", or "year not stated").
- Rates (percentage changes) are never added up.
- Against the previous edition only when there was one: with no previous edition, a count has
  no previous value and no change (None), never a "change" from zero.
- Every total keeps the stories it came from, so a page can link each total to them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

from digest.models import FIGURE_LABELS, RATE_KINDS, figure_label, format_figure


class StatedFigure(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def text(self) -> str: ...


class Story(Protocol):
    """What the totals read of a story (an edition's Entry): its other publishers' figures are in
    `also`, under "figures"."""

    @property
    def id(self) -> int: ...
    @property
    def published(self) -> date | None: ...
    @property
    def area(self) -> str | None: ...
    @property
    def topics(self) -> list[dict[str, str]]: ...
    @property
    def figures(self) -> Sequence[StatedFigure]: ...
    @property
    def also(self) -> list[dict[str, Any]]: ...

AREA_NOT_KNOWN = "Area not known"
YEAR_NOT_STATED = "year not stated"
_FINANCIAL_YEAR = re.compile(r"\b(20\d\d)\s*(?:/|-|–|to)\s*(?:20)?(\d\d)\b")
_YEAR = re.compile(r"\b(?:19[89]\d|20\d\d)\b")
_SEVERAL_YEARS = re.compile(r"\bover\s+(?:the\s+(?:next|last|past)\s+)?(two|three|four|five|six|seven|eight|nine|ten|\d+)"
                            r"\s+years\b", re.IGNORECASE)


@dataclass
class Count:
    """Stories of one area or topic this period, and in the previous edition's (None: there was none)."""

    label: str
    count: int
    previous: int | None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.count - self.previous


@dataclass
class FigureTotal:
    """The sum of one kind of figure (funding: of one period) over the stories counted."""

    kind: str
    name: str  # the kind's label: "Funding"
    period: str | None  # funding only: the year or years its sentences state, or YEAR_NOT_STATED
    value: float
    stories: list[Story] = field(default_factory=list)  # the stories whose figures make it, first stated first

    @property
    def display(self) -> str:
        return format_figure(self.kind, self.value)

    @property
    def label(self) -> str:
        """"Funding (2025/26)", "Arrests": a funding total always says which year it is for."""
        return f"{self.name} ({self.period})" if self.period else self.name


def published_within(entry: Story, first_day: date, last_day: date) -> bool:
    """Whether a story counts in a period: it states a publication date within it."""
    return entry.published is not None and first_day <= entry.published <= last_day


def funding_period(text: str) -> str:
    """The year or years a funding sentence gives its money for: "2025/26" for a financial year,
    "2026" for one year named, "2024–2026" for several, "over three years", else "year not stated"."""
    if match := _FINANCIAL_YEAR.search(text):
        start, end = int(match.group(1)), int(match.group(2))
        if end == (start + 1) % 100:
            return f"{start}/{end:02d}"
    if match := _SEVERAL_YEARS.search(text):
        return f"over {match.group(1).lower()} years"
    years = sorted({int(year) for year in _YEAR.findall(text)})
    if len(years) == 1:
        return str(years[0])
    if years:
        return f"{years[0]}–{years[-1]}"
    return YEAR_NOT_STATED


StoryT = TypeVar("StoryT", bound=Story)


@dataclass
class Period(Generic[StoryT]):
    """Stories and the days within which they count (an edition's week, an area page's weeks)."""

    stories: list[StoryT]
    first_day: date
    last_day: date

    def counted(self) -> list[StoryT]:
        return [e for e in self.stories if published_within(e, self.first_day, self.last_day)]

    def set_apart(self) -> list[StoryT]:
        """The stories listed but not counted: published before the period, or with no date."""
        return [e for e in self.stories if not published_within(e, self.first_day, self.last_day)]


def tallies(this: Period[StoryT], previous: Period[StoryT] | None) -> dict[str, Any]:
    """Counts by area and topic (against the previous edition's; None: there was none), figure
    totals, and the stories set apart."""
    counted = this.counted()
    before = None if previous is None else previous.counted()
    return {
        "counts_by_area": counts([e.area or AREA_NOT_KNOWN for e in counted],
                                 None if before is None else [e.area or AREA_NOT_KNOWN for e in before]),
        "counts_by_topic": counts([t["label"] for e in counted for t in e.topics],
                                  None if before is None else [t["label"] for e in before for t in e.topics]),
        "figure_totals": figure_totals(counted),
        "set_apart": this.set_apart(),
    }


def counts(current: list[str], previous: list[str] | None) -> list[Count]:
    """How often each label occurs, the most first; against `previous` unless it is None."""
    now, before = Counter(current), Counter(previous or [])
    labels = sorted(set(now) | set(before), key=lambda label: (-now[label], label))
    return [Count(label, now[label], None if previous is None else before[label]) for label in labels]


def figure_totals(stories: Sequence[Story]) -> list[FigureTotal]:
    """Totals of the figures the stories state: one account per story and kind, funding per period,
    rates left out; in the order of FIGURE_LABELS, funding periods newest first, undated last."""
    totals: dict[tuple[str, str | None], FigureTotal] = {}
    for story in stories:
        for kind, figures in story_figures(story).items():
            for figure in figures:
                period = funding_period(figure.text) if kind == "funding_gbp" else None
                total = totals.setdefault((kind, period), FigureTotal(kind, figure_label(kind), period, 0))
                total.value += figure.value
                if not total.stories or total.stories[-1] is not story:  # a story's figures of a kind come together
                    total.stories.append(story)
    order = list(FIGURE_LABELS)
    newest_first = sorted(totals.values(), key=lambda t: t.period or "", reverse=True)
    return sorted(newest_first, key=lambda t: (order.index(t.kind) if t.kind in order else len(order),
                                               t.period == YEAR_NOT_STATED))


def story_figures(story: Story) -> dict[str, list[StatedFigure]]:
    """A story's figures by kind, each kind from one publisher's account: the lead item's when it
    states that kind, else the first other publisher's that does. Rates are left out."""
    accounts = [story.figures] + [other.get("figures") or [] for other in story.also]
    chosen: dict[str, list[StatedFigure]] = {}
    for figures in accounts:
        for kind in dict.fromkeys(f.kind for f in figures):
            if kind not in chosen and kind not in RATE_KINDS:
                chosen[kind] = [f for f in figures if f.kind == kind]
    return chosen
