"""Editions: one ISO week in the configured time zone, Monday 00:00 to Monday 00:00.

An edition holds the relevant items first seen in its week, so every item lands in
exactly one edition. Items published long before they were found go in the
"older items" section.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from digest.classify import Taxonomy
from digest.config import Config
from digest.errors import DigestError
from digest.figures import LABELS, format_value
from digest.models import utc_now
from digest.store import Store

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


# --- weeks ---------------------------------------------------------------------------------


def week_label(moment: datetime, tz: ZoneInfo) -> str:
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(label: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 local to the next Monday 00:00 local, both aware."""
    match = _WEEK.match(label)
    if not match:
        raise DigestError(f"--week: {label!r} is not a week (use YYYY-Www, current or last)")
    try:
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise DigestError(f"--week: {label!r} does not exist") from None
    start = datetime.combine(monday, time(0), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz)
    return start, end


def resolve_week(value: str | None, tz: ZoneInfo, now: datetime | None = None) -> str:
    """'current', 'last' (the default: the last complete week) or an explicit YYYY-Www."""
    now = now or utc_now()
    if value in (None, "last"):
        return week_label(now - timedelta(days=7), tz)
    if value == "current":
        return week_label(now, tz)
    week_bounds(value, tz)
    return value


def shift_week(label: str, weeks: int, tz: ZoneInfo) -> str:
    start, _ = week_bounds(label, tz)
    return week_label(start + timedelta(days=7 * weeks, hours=12), tz)


# --- the edition model ---------------------------------------------------------------------


@dataclass
class Entry:
    id: int
    title: str
    url: str | None
    org: str | None
    org_kind: str
    area: str | None
    published: date | None
    first_seen: datetime
    summary: str
    topics: list[dict[str, str]]
    figures: list[dict[str, Any]]
    why: str
    also: list[dict[str, Any]]
    source: str
    path: str | None
    cluster: int = 0
    earlier_week: str | None = None  # for a follow-up: the week its story was first shown

    @property
    def sort_time(self) -> datetime:
        if self.published:
            return datetime.combine(self.published, time(12), tzinfo=timezone.utc)
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
    previous_week: str | None = None
    next_week: str | None = None
    feed_url: str = "../feed.xml"
    index_url: str = "../index.html"
    page_base: str = ""  # prefix for links to other editions ("" on the site; absolute in email)
    email: bool = False
    entries: list[Entry] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(g.entries) for g in self.groups)

    @property
    def older_count(self) -> int:
        return len(self.older)


def build_edition(config: Config, store: Store, taxonomy: Taxonomy, week: str,
                  previous_week: str | None = None, next_week: str | None = None) -> Edition:
    tz = config.tz
    start, end = week_bounds(week, tz)
    fresh, older, followups = _week_entries(store, taxonomy, tz, start, end, config.digest.backfill_days)
    prev_start, _ = week_bounds(shift_week(week, -1, tz), tz)
    previous, _, _ = _week_entries(store, taxonomy, tz, prev_start, start, config.digest.backfill_days)
    return Edition(
        week=week, start=start.date(), end=(end - timedelta(days=1)).date(), timezone=config.timezone,
        generated_at=utc_now().astimezone(tz), group_by=config.digest.group_by,
        groups=_group(fresh, config.digest.group_by, taxonomy),
        older=older,
        counts_by_area=counts([e.area or "Area not known" for e in fresh],
                               [e.area or "Area not known" for e in previous]),
        counts_by_topic=counts([t["label"] for e in fresh for t in e.topics],
                                [t["label"] for e in previous for t in e.topics]),
        figure_totals=figure_totals(fresh),
        source_problems=_source_problems(config, store, start, end),
        followups=followups, previous_entries=previous, previous_week=previous_week, next_week=next_week,
        entries=fresh + older,
    )


def _week_entries(store: Store, taxonomy: Taxonomy, tz: ZoneInfo, start: datetime, end: datetime,
                  backfill_days: int) -> tuple[list[Entry], list[Entry], list[Entry]]:
    """(this week's stories, older items found this week, follow-ups to earlier stories)."""
    rows = store.items(relevant_only=True, since=start, until=end)
    week_entries = [_entry(row, taxonomy, tz) for row in rows]
    shown_before = store.clusters_seen_before({e.cluster for e in week_entries}, start)
    entries, followups = merge_clusters(week_entries, shown_before)
    for entry in followups:
        entry.earlier_week = week_label(shown_before[entry.cluster], tz)
    cutoff = start.date() - timedelta(days=backfill_days)
    fresh = sorted((e for e in entries if not (e.published and e.published < cutoff)), key=lambda e: e.sort_time, reverse=True)
    older = sorted((e for e in entries if e.published and e.published < cutoff), key=lambda e: e.sort_time, reverse=True)
    return fresh, older, followups


def merge_clusters(entries: list[Entry], shown_before: dict[int, datetime]) -> tuple[list[Entry], list[Entry]]:
    """One entry per cluster (its first-found member), the others as "also published by".

    A cluster already shown in an earlier edition is not shown again: its new members
    come back as follow-ups, listed compactly.
    """
    by_cluster: dict[int, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: (e.first_seen, e.id)):
        by_cluster.setdefault(entry.cluster, []).append(entry)
    main, followups = [], []
    for cluster, members in by_cluster.items():
        if cluster in shown_before:
            followups += members
            continue
        lead, *others = members
        lead.also = [{"org": o.org or o.source, "url": o.url, "title": o.title} for o in others]
        main.append(lead)
    return main, followups


def _entry(row: dict[str, Any], taxonomy: Taxonomy, tz: ZoneInfo) -> Entry:
    topics = [{"id": t, "label": taxonomy.label(t)} for t in row["topics"]]
    why = "; ".join(f"{taxonomy.label(r['topic'])}: {', '.join(r['terms'][:5])}" for r in row["reasons"])
    return Entry(
        id=row["id"], title=row["title"], url=row["url"], org=row["org"], org_kind=row["org_kind"] or "other",
        area=row["area"], published=date.fromisoformat(row["published"]) if row["published"] else None,
        first_seen=datetime.fromisoformat(row["first_seen"]).astimezone(tz), summary=row["summary"] or "", topics=topics,
        figures=[{"label": LABELS.get(f["kind"], f["kind"]), "display": format_value(f["kind"], f["value"]),
                  "text": f["text"], "kind": f["kind"], "value": f["value"]} for f in row["figures"]],
        why=f"Matched {why} (relevance {row['relevance']:.2f})" if why else f"Relevance {row['relevance']:.2f}",
        also=[], source=row["source"], path=row["path"], cluster=row["cluster"] or row["id"],
    )


def _group(entries: list[Entry], group_by: str, taxonomy: Taxonomy) -> list[Group]:
    groups: dict[str, Group] = {}
    for entry in entries:
        if group_by == "area":
            key = label = entry.area or "Area not known"
        else:
            key = entry.topics[0]["id"] if entry.topics else "other"
            label = entry.topics[0]["label"] if entry.topics else "Other"
        groups.setdefault(key, Group(key, label, [])).entries.append(entry)
    order = list(taxonomy.topics) if group_by == "topic" else sorted(groups)
    return sorted(groups.values(), key=lambda g: order.index(g.key) if g.key in order else len(order))


def counts(current: list[str], previous: list[str]) -> list[Count]:
    now, before = Counter(current), Counter(previous)
    labels = sorted(set(now) | set(before), key=lambda label: (-now[label], label))
    return [Count(label, now[label], before[label]) for label in labels]


def figure_totals(entries: list[Entry]) -> list[dict[str, Any]]:
    totals: dict[str, float] = {}
    for entry in entries:
        for figure in entry.figures:
            totals[figure["kind"]] = totals.get(figure["kind"], 0) + figure["value"]
    return [{"kind": kind, "label": LABELS.get(kind, kind), "display": format_value(kind, totals[kind])}
            for kind in LABELS if kind in totals]


def _source_problems(config: Config, store: Store, start: datetime, end: datetime) -> list[dict[str, str]]:
    runs = store.runs_between(start, end)
    problems = []
    for source in config.sources:
        if not source.enabled:
            continue
        mine = [r for r in runs if r["source"] == source.name]
        errors = [r["error"] for r in mine if r["error"]]
        failed_docs = sum(r["failed"] or 0 for r in mine)
        seen = sum((r["new"] or 0) + (r["updated"] or 0) + (r["duplicate"] or 0) + (r["unchanged"] or 0) for r in mine)
        if errors:
            problems.append({"source": source.name, "problem": f"failed {len(errors)} of {len(mine)} runs; last error: {errors[-1]}"})
        elif mine and not seen and not failed_docs:
            problems.append({"source": source.name, "problem": "returned nothing"})
        if failed_docs:
            problems.append({"source": source.name, "problem": f"{failed_docs} document(s) could not be read"})
    return problems
