"""Weekly counts over the last twelve weeks, as data and as chart geometry for
templates/charts.html.j2 (SVG on the web, table-cell bars in email).

A story counts once, in the week it was published (its earliest dated item); stories with no
date are not placed in any week and are counted apart (`Trend.undated`). Only what had been
found by the end of the edition's week is counted, so rebuilding an old edition draws the
same chart.

Template interface (templates/charts.html.j2):
- `{% with charts = trend %}{% include "charts.html.j2" %}{% endwith %}`: the SVG charts of a
  Trend (overall, then one small chart per topic), each `role="img"` with `<title>` and `<desc>`,
  a visible caption, and the numbers in a visually hidden table. No script.
- `{% from "charts.html.j2" import email_trend, bar_rows %}`: `email_trend(trend)` is the same
  trend as rows of table-cell bars for email (inline attributes only, fluid width);
  `bar_rows(rows)` draws any list of BarRow (label, value, width in per cent, note) as `<tr>`s
  of such a table.

A reader's filtered copy can show the trend of its own areas and topics:
`edition.trend.narrowed(recipient.areas, recipient.topics, "Bedfordshire")`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from digest.models import Found, Item, stories
from digest.topics import Taxonomy
from digest.weeks import MONTHS, long_date, shift_week, week_bounds, week_days

WEEKS = 12


@dataclass(frozen=True)
class Week:
    label: str  # "2026-W49"
    first_day: date  # its Monday

    @property
    def short(self) -> str:
        """"14 Sep": the week by its Monday, as an axis shows it."""
        return f"{self.first_day.day} {MONTHS[self.first_day.month - 1][:3]}"


@dataclass
class Series:
    label: str
    counts: list[int]  # one a week, oldest first

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def peak(self) -> int:
        return max(self.counts, default=0)

    @property
    def latest(self) -> int:
        return self.counts[-1] if self.counts else 0


@dataclass
class TrendStory:
    """What the charts need of a story: the day it was published (None: not stated), its topics'
    labels, and (to narrow a trend to a reader's filter) its area and topic ids."""

    published: date | None
    topics: list[str]
    area: str | None = None
    topic_ids: tuple[str, ...] = ()


@dataclass
class Trend:
    scope: str  # "all areas", or the area's name
    weeks: list[Week]
    overall: Series
    by_topic: list[Series]  # topics with a story in the weeks, the most first
    undated: int  # stories found in the weeks with no publication date: in no week
    stories: list[TrendStory] = field(default_factory=list, repr=False)  # what it counted, to narrow it

    def narrowed(self, areas: Iterable[str], topics: Iterable[str], scope: str) -> Trend:
        """The same weeks counting only the stories of these areas and of any of these topic ids
        (an empty list: no filter on it), as a reader's filtered copy shows them."""
        areas, topics = set(areas), set(topics)
        kept = [s for s in self.stories
                if (not areas or s.area in areas) and (not topics or topics.intersection(s.topic_ids))]
        return trend(kept, self.weeks, scope)

    @property
    def first_day(self) -> date:
        return self.weeks[0].first_day

    @property
    def last_day(self) -> date:
        return self.weeks[-1].first_day + timedelta(days=6)

    @property
    def period(self) -> str:
        return f"{long_date(self.first_day)} to {long_date(self.last_day)}"

    def describe(self, series: Series) -> str:
        """The chart in one sentence, for its <desc> and for readers without the picture."""
        if not series.total:
            return f"No stories published in the {len(self.weeks)} weeks from {self.period}."
        busiest = max(range(len(series.counts)), key=lambda i: (series.counts[i], i))
        return (f"{series.total} {'story' if series.total == 1 else 'stories'} published in the {len(self.weeks)} weeks "
                f"from {self.period}; the most, {series.peak}, in the week of {long_date(self.weeks[busiest].first_day)}; "
                f"{series.latest} in the latest week.")

    def overall_chart(self) -> Chart:
        # Drawn 360 wide and shown up to 480: 12-unit text is 12 px on a phone, 16 px on a desktop.
        return bar_chart(self.overall, self.weeks, 360, 130, labels=True, shown_width=480)

    def topic_chart(self, series: Series) -> Chart:
        return bar_chart(series, self.weeks, 240, 48, labels=False, shown_width=240)

    def overall_rows(self) -> list[BarRow]:
        """The overall series as email bar rows: one a week, oldest first."""
        peak = self.overall.peak or 1
        return [BarRow(week.short, count, round(100 * count / peak), "this week" if i == len(self.weeks) - 1 else "")
                for i, (week, count) in enumerate(zip(self.weeks, self.overall.counts, strict=True))]

    def topic_rows(self) -> list[BarRow]:
        """Each topic's twelve-week total as an email bar row, with its latest week as a note."""
        peak = max((s.total for s in self.by_topic), default=0) or 1
        return [BarRow(s.label, s.total, round(100 * s.total / peak), f"{s.latest} this week") for s in self.by_topic]


@dataclass(frozen=True)
class BarRow:
    label: str
    value: int
    width: int  # per cent of the longest bar
    note: str = ""


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    latest: bool


@dataclass(frozen=True)
class Chart:
    """A bar chart's geometry in its viewBox (0 0 width height): bars, baseline and axis labels."""

    width: int
    height: int
    shown_width: int  # CSS pixels wide at most (narrower screens scale it down)
    baseline: float
    bars: list[Bar]
    ticks: list[tuple[float, str, str]]  # (x, text, text-anchor) of the labels along the bottom


def weeks_ending(week: str, tz: ZoneInfo, count: int = WEEKS) -> list[Week]:
    """The `count` weeks up to and including `week`, oldest first."""
    labels = [shift_week(week, offset, tz) for offset in range(1 - count, 1)]
    return [Week(label, week_days(label, tz)[0]) for label in labels]


class Charted(Found, Protocol):
    """What a chart needs of an item (an Item, or the lighter digest.search.Counted)."""

    @property
    def published(self) -> date | None: ...
    @property
    def area(self) -> str | None: ...
    @property
    def topics(self) -> list[str]: ...


def trend_stories(items: Iterable[Charted], taxonomy: Taxonomy) -> list[TrendStory]:
    """One TrendStory per story: its earliest stated publication date, its first-found item's topics."""
    result = []
    labels: dict[str, str] = {}  # a year's stories name a few dozen topics a hundred thousand times
    for members in stories(items):
        dates = [item.published for item in members if item.published]
        lead = members[0]
        shown = [labels.get(t) or labels.setdefault(t, taxonomy.short_label(t)) for t in lead.topics]
        result.append(TrendStory(min(dates) if dates else None, shown, lead.area, tuple(lead.topics)))
    return result


def trend(found: list[TrendStory], weeks: list[Week], scope: str) -> Trend:
    """Stories per week, overall and by topic, over `weeks`."""
    first = weeks[0].first_day
    last = weeks[-1].first_day + timedelta(days=6)
    overall = [0] * len(weeks)
    by_topic: dict[str, list[int]] = {}
    undated = 0
    for story in found:
        if story.published is None:
            undated += 1
            continue
        if not first <= story.published <= last:
            continue
        index = (story.published - first).days // 7
        overall[index] += 1
        for topic in story.topics:
            by_topic.setdefault(topic, [0] * len(weeks))[index] += 1
    topics = sorted((Series(label, counts) for label, counts in by_topic.items()), key=lambda s: (-s.total, s.label))
    return Trend(scope, weeks, Series("All stories", overall), topics, undated, found)


def archive_trend(items: Iterable[Item], taxonomy: Taxonomy, week: str, tz: ZoneInfo, scope: str) -> Trend:
    """The trend of the twelve weeks ending with `week`, from the relevant items found by its end
    (`items`: those found from window_start(week) on)."""
    _, end = week_bounds(week, tz)
    found = [item for item in items if item.relevant and item.first_seen < end]
    return trend(trend_stories(found, taxonomy), weeks_ending(week, tz), scope)


def window_start(week: str, tz: ZoneInfo) -> datetime:
    """From when items are read for the trend of `week`: the start of its first week (a story is
    found after it is published, and its undated stories are those found in the weeks)."""
    start, _ = week_bounds(shift_week(week, 1 - WEEKS, tz), tz)
    return start


def bar_chart(series: Series, weeks: list[Week], width: int, height: int, labels: bool, shown_width: int) -> Chart:
    """Bars for a series in a viewBox `width` by `height`: room above for the values and, when
    `labels`, below for every other week's date (the latest week's always)."""
    top, bottom = 14, (18 if labels else 4)
    plot = height - top - bottom
    slot = width / len(series.counts)
    gap = max(2.0, slot * 0.2)
    peak = series.peak or 1
    bars = []
    for i, value in enumerate(series.counts):
        bar_height = round(plot * value / peak, 1)
        bars.append(Bar(round(i * slot + gap / 2, 1), round(top + plot - bar_height, 1), round(slot - gap, 1),
                        bar_height, value, i == len(series.counts) - 1))
    ticks = []
    if labels:
        last = len(weeks) - 1
        # Every other week's date under its bar, the latest's always; the last ends at the right edge.
        ticks = [(round(i * slot + slot / 2, 1), week.short, "middle") if i < last else (float(width), week.short, "end")
                 for i, week in enumerate(weeks) if (last - i) % 2 == 0]
    return Chart(width, height, shown_width, top + plot, bars, ticks)
