"""Building an edition: the relevant items first seen in one week (digest.weeks), one entry per
story, grouped by topic or area, with counts against the previous week and the sources that
had problems.

Every item lands in exactly one edition. Items published long before they were found go in
the "older items" section; later retellings of a story shown in an earlier edition come back
as follow-ups.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from digest.config import Config, Source
from digest.edition import AREA_NOT_KNOWN, Edition, Entry, Group, Reason, ShownFigure
from digest.models import Copy, Item, stories, utc_now
from digest.records import RunRecord, SourceHealth, public_error, source_condition, stale_detail
from digest.topics import Taxonomy
from digest.totals import tallies
from digest.urls import site_of
from digest.weeks import shift_week, week_bounds, week_days, week_label


class StoredItems(Protocol):
    def items(self, *, relevant_only: bool = False, since: datetime | None = None,
              until: datetime | None = None, after_id: int | None = None) -> Iterable[Item]: ...

    def clusters_seen_before(self, clusters: set[int], before: datetime) -> dict[int, datetime]: ...

    def first_seen(self) -> datetime | None: ...


class RunHistory(Protocol):
    def between(self, since: datetime, until: datetime) -> list[RunRecord]: ...

    def health(self) -> list[SourceHealth]: ...

    def new_between(self, source: str, since: datetime, until: datetime) -> bool: ...


@dataclass
class WeekEntries:
    fresh: list[Entry]  # this week's stories
    older: list[Entry]  # items found this week but published long before
    followups: list[Entry]  # new items of stories shown in an earlier edition


def build_edition(config: Config, archive: StoredItems, runs: RunHistory, taxonomy: Taxonomy, week: str,
                  previous_week: str | None = None, next_week: str | None = None) -> Edition:
    stories, newest_first = _stories(config, archive, taxonomy, week)
    return _completed(config, archive, runs, taxonomy, stories, newest_first, previous_week, next_week)


def edition_stories(config: Config, archive: StoredItems, taxonomy: Taxonomy, week: str) -> Edition:
    """The week's edition with its stories only (no trend, no comparison with the week before, no
    source problems): what deciding whether it goes to a recipient needs."""
    return _stories(config, archive, taxonomy, week)[0]


def complete_edition(config: Config, archive: StoredItems, runs: RunHistory, taxonomy: Taxonomy,
                     stories: Edition) -> Edition:
    """The edition of `stories` (edition_stories) with all that is shown of it besides; its totals
    count the stories as grouped, as a recipient's copy (Edition.filtered) counts them."""
    grouped = [entry for group in stories.groups for entry in group.entries]
    return _completed(config, archive, runs, taxonomy, stories, grouped, None, None)


def _stories(config: Config, archive: StoredItems, taxonomy: Taxonomy, week: str) -> tuple[Edition, list[Entry]]:
    tz = config.tz
    start, end = week_bounds(week, tz)
    this = _week_entries(archive, taxonomy, tz, start, end, config.digest.backfill_days)
    first_day, last_day = week_days(week, tz)
    stories = Edition(
        week=week, start=first_day, end=last_day, timezone=config.timezone,
        generated_at=utc_now().astimezone(tz), group_by=config.digest.group_by,
        groups=_group(this.fresh, config.digest.group_by, taxonomy), older=this.older,
        counts_by_area=[], counts_by_topic=[], figure_totals=[], source_problems=[],
        followups=this.followups, first_edition=_first_edition(archive, start),
    )
    return stories, this.fresh


def _completed(config: Config, archive: StoredItems, runs: RunHistory, taxonomy: Taxonomy, stories: Edition,
               fresh: list[Entry], previous_week: str | None, next_week: str | None) -> Edition:
    """`stories` with its trend, its counts against the week before (of `fresh`, its stories in the
    order they are counted) and the sources that had problems."""
    from digest.charts import archive_trend, window_start  # a send that decides nothing goes needs no trend

    tz = config.tz
    start, end = week_bounds(stories.week, tz)
    prev_start, _ = week_bounds(shift_week(stories.week, -1, tz), tz)
    previous = _week_entries(archive, taxonomy, tz, prev_start, start, config.digest.backfill_days).fresh
    edition = dataclasses.replace(
        stories, source_problems=_source_problems(config, runs, start, end), previous_entries=previous,
        previous_week=previous_week, next_week=next_week,
        trend=archive_trend(archive.items(relevant_only=True, since=window_start(stories.week, tz), until=end),
                            taxonomy, stories.week, tz, "all areas"),
    )
    return dataclasses.replace(edition, **tallies(edition.week_period(fresh),
                                                  None if edition.first_edition else edition.previous_week_period(previous)))


def _first_edition(archive: StoredItems, start: datetime) -> bool:
    """Nothing was found before the week starting at `start`: there is no previous edition to compare with."""
    first = archive.first_seen()
    return first is None or first >= start


def build_daily(config: Config, archive: StoredItems, taxonomy: Taxonomy, day: str, items: Iterable[Item]) -> Edition:
    """A daily digest (labelled by its day, YYYY-MM-DD) of these items, the relevant ones stored since
    a recipient's last daily digest, shown as an edition shows its week: a story once, new versions of
    stories found before them as follow-ups, items published long before they were found apart."""
    tz = config.tz
    entries = [_entry(item, taxonomy, tz) for item in items]
    last_day = datetime.fromisoformat(day).date()
    start = min((e.first_seen for e in entries), default=datetime.combine(last_day, time(0), tzinfo=tz))
    these = _entries_of(archive, entries, start, config.digest.backfill_days, tz)
    digest = Edition(  # its dates span the days its items were found: its totals count them as an edition its week
        week=day, start=min(start.date(), last_day), end=last_day, timezone=config.timezone,
        generated_at=utc_now().astimezone(tz),
        group_by=config.digest.group_by, groups=_group(these.fresh, config.digest.group_by, taxonomy),
        older=these.older, followups=these.followups, counts_by_area=[], counts_by_topic=[], figure_totals=[],
        source_problems=[], first_edition=True,
    )
    return dataclasses.replace(digest, **tallies(digest.week_period(these.fresh), None))


def _week_entries(archive: StoredItems, taxonomy: Taxonomy, tz: ZoneInfo, start: datetime, end: datetime,
                  backfill_days: int) -> WeekEntries:
    week_entries = [_entry(item, taxonomy, tz) for item in archive.items(relevant_only=True, since=start, until=end)]
    return _entries_of(archive, week_entries, start, backfill_days, tz)


def _entries_of(archive: StoredItems, found: list[Entry], start: datetime, backfill_days: int,
                tz: ZoneInfo) -> WeekEntries:
    """Entries found from `start` on, one per story: those of stories found before it are follow-ups,
    and those published more than `backfill_days` before it are older items."""
    shown_before = archive.clusters_seen_before({e.cluster for e in found}, start)
    entries, followups = merge_clusters(found, shown_before)
    for entry in followups:
        entry.earlier_week = week_label(shown_before[entry.cluster], tz)
    cutoff = start.date() - timedelta(days=backfill_days)
    fresh = sorted((e for e in entries if not (e.published and e.published < cutoff)), key=lambda e: e.sort_time,
                   reverse=True)
    older = sorted((e for e in entries if e.published and e.published < cutoff), key=lambda e: e.sort_time,
                   reverse=True)
    return WeekEntries(fresh, older, followups)


def late_entries(archive: StoredItems, taxonomy: Taxonomy, tz: ZoneInfo, after_id: int,
                 before: datetime) -> list[Entry]:
    """Relevant items stored after item `after_id` yet first seen before `before` (the clock was
    set back): for recipients whose edition of that week had already been sent."""
    items = archive.items(relevant_only=True, until=before, after_id=after_id)
    return sorted((_entry(item, taxonomy, tz) for item in items), key=lambda e: e.sort_time, reverse=True)


def story_entries(items: Iterable[Item], taxonomy: Taxonomy, tz: ZoneInfo) -> list[Entry]:
    """One entry per story of these items: its first-found item, with the others as its other publishers."""
    main, _ = merge_clusters([_entry(item, taxonomy, tz) for item in items], {})
    return main


def merge_clusters(entries: list[Entry], shown_before: dict[int, datetime]) -> tuple[list[Entry], list[Entry]]:
    """One entry per story (its first-found member), the others as "also published by" (copies)
    or "also reported by" (other outlets' own reports of the incident).

    A story already shown in an earlier edition is not shown again: its new members come
    back as follow-ups, listed compactly.
    """
    main, followups = [], []
    for lead, *others in stories(entries):
        if lead.cluster in shown_before:
            followups += [lead, *others]
            continue
        lead.also = _other_publishers(lead, others)
        main.append(lead)
    return main, followups


def _other_publishers(lead: Entry, others: list[Entry]) -> list[dict[str, object]]:
    """A story's other publishers: its other items, then the other sites its items' text was copied to."""
    shown: list[dict[str, object]] = [
        {"id": o.id, "org": o.publisher, "url": o.url, "title": o.title, "reported": o.reported,
         "published": o.published, "figures": o.figures} for o in others]
    return shown + [{"id": entry.id, "org": copy.site, "url": copy.url, "title": entry.title, "reported": False,
                     "published": None, "figures": []} for entry, copy in copied_elsewhere([lead, *others])]


class _Copied(Protocol):
    @property
    def url(self) -> str | None: ...
    @property
    def copies(self) -> list[Copy]: ...


_C = TypeVar("_C", bound=_Copied)


def copied_elsewhere(members: list[_C]) -> list[tuple[_C, Copy]]:
    """Each word-for-word copy of a story's items on a site none of its items is from (a site's own
    second address, a print view, is no other publisher), each site once, with the item it copies."""
    sites = {site_of(member.url) for member in members if member.url}
    found = []
    for member in members:
        for copy in member.copies:
            if copy.site not in sites:
                sites.add(copy.site)
                found.append((member, copy))
    return found


def _entry(item: Item, taxonomy: Taxonomy, tz: ZoneInfo) -> Entry:
    reasons = reasons_shown(item, taxonomy)
    return Entry(
        id=item.id, title=item.title, url=item.url, org=item.org,
        org_kind=item.org_kind or "other", area=item.area, published=item.published,
        first_seen=item.first_seen.astimezone(tz), summary=item.summary,
        topics=[{"id": r.topic, "label": r.label, "short": r.short} for r in reasons],
        figures=[ShownFigure.of(figure) for figure in item.figures], reasons=reasons,
        also=[], source=item.source, path=item.path, cluster=item.cluster, reported=item.reported,
        relevance=item.relevance, copies=item.copies,
    )


def reasons_shown(item: Item, taxonomy: Taxonomy) -> list[Reason]:
    """The item's topics with their matched terms, subjects first (each kind in the classifier's rank order)."""
    reasons = [Reason(r.topic, taxonomy.label(r.topic), taxonomy.short_label(r.topic), taxonomy.is_subject(r.topic),
                      list(r.terms)) for r in item.reasons]
    return sorted(reasons, key=lambda r: not r.subject)


def _group(entries: list[Entry], group_by: str, taxonomy: Taxonomy) -> list[Group]:
    groups: dict[str, Group] = {}
    for entry in entries:
        if group_by == "area":
            key = label = short = entry.area or AREA_NOT_KNOWN
        else:  # by its first subject (a facet when it has none)
            first = entry.topics[0] if entry.topics else {"id": "other", "label": "Other", "short": "Other"}
            key, label, short = first["id"], first["label"], first["short"]
        groups.setdefault(key, Group(key, label, [], short)).entries.append(entry)
    order = list(taxonomy.topics) if group_by == "topic" else sorted(groups)
    return sorted(groups.values(), key=lambda g: order.index(g.key) if g.key in order else len(order))


def _source_problems(config: Config, runs: RunHistory, start: datetime, end: datetime) -> list[dict[str, str]]:
    week_runs = runs.between(start, end)
    health = {row.name: row for row in runs.health()}
    problems = []
    for source in config.sources:
        if not source.enabled:
            continue
        named = {"source": source.name, "publisher": source.org or source.name}
        mine = [r for r in week_runs if r.source == source.name]
        errors = [r.error for r in mine if r.error]
        failed_docs = sum(r.failed for r in mine)
        stale = None if errors else _stale(source, runs, health.get(source.name), min(end, utc_now()))
        if errors:
            problems.append({**named, "problem": f"failed {len(errors)} of {len(mine)} runs; last error: {public_error(errors[-1])}"})
        elif stale:
            problems.append({**named, "problem": stale})
        elif mine and not sum(r.seen for r in mine) and not failed_docs:
            problems.append({**named, "problem": "returned nothing"})
        if failed_docs:
            problems.append({**named, "problem": f"{failed_docs} document(s) could not be read"})
    return problems


def _stale(source: Source, runs: RunHistory, row: SourceHealth | None, at: datetime) -> str | None:
    """What the foot says of a source stale at `at` (the week's end, or now), else None. The store
    keeps each source's last new item; a new item after `at` is looked for in its runs before it."""
    if source.expect_every is None:
        return None
    window = at - timedelta(seconds=source.expect_every)
    if row is None or row.first_attempt is None or row.first_attempt >= window:
        return None  # not watched for that long yet
    if row.last_new is not None and row.last_new > at:  # a past week's edition: was there one before `at`?
        return None if runs.new_between(source.name, window, at) else stale_detail(source.expect_every)
    condition = source_condition(dataclasses.replace(row, consecutive_failures=0), source.expect_every, at)
    return condition.detail if condition.state == "stale" else None
