"""Area pages (DESIGN.md §12): `areas/<slug>.html` for every area with relevant items, built with
each edition: the area's stories of the last twelve weeks (at least its latest few), their
weekly trend, the figures they state (digest.totals' rules), the other areas they mention, and
the area's feed.

Everything is read as it was at the end of the edition's week, so rebuilding an old edition
writes the same pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from digest.charts import Trend, trend, trend_stories, weeks_ending, window_start
from digest.config import Config
from digest.edition import Entry
from digest.models import Item, utc_now
from digest.render import atomic_write, environment
from digest.report import story_entries
from digest.topics import Taxonomy
from digest.totals import FigureTotal, Period, figure_totals
from digest.urls import area_page
from digest.weeks import week_bounds, week_label

AT_LEAST = 10  # stories an area page lists even when fewer were found in its twelve weeks
_FOLDER = "areas"


class StoredItems(Protocol):
    def items(self, *, relevant_only: bool = False, since: datetime | None = None,
              until: datetime | None = None, limit: int | None = None, newest_first: bool = False,
              area: str | None = None) -> Iterable[Item]: ...

    def relevant_areas(self) -> list[str]: ...


@dataclass
class AreaPage:
    area: str
    week: str  # the edition it was built with
    stories: list[Entry]  # newest first
    trend: Trend
    figure_totals: list[FigureTotal]  # of the stories published in the trend's weeks
    set_apart: list[Entry]  # listed stories not in the totals: published before the weeks, or undated
    mentioned: list[tuple[str, int]]  # other areas its stories mention, with how many stories, the most first
    editions: dict[int, str]  # a story's id -> the built edition it is in

    @property
    def path(self) -> str:
        return area_page(self.area)


def area_pages(config: Config, archive: StoredItems, taxonomy: Taxonomy, week: str,
               built_weeks: set[str]) -> list[AreaPage]:
    """The pages of every area with relevant items found by the end of `week`."""
    tz = config.tz
    _, end = week_bounds(week, tz)
    recent: dict[str, list[Item]] = {}
    for item in archive.items(relevant_only=True, since=window_start(week, tz), until=end):
        if item.area:
            recent.setdefault(item.area, []).append(item)
    pages = []
    for area in sorted(set(archive.relevant_areas()) | set(recent)):
        items = recent.get(area, [])
        earlier = _earlier(archive, area, window_start(week, tz)) if len(_story_ids(items)) < AT_LEAST else []
        if items or earlier:
            pages.append(_page(area, items, earlier, taxonomy, tz, week, built_weeks))
    return pages


def _earlier(archive: StoredItems, area: str, before: datetime) -> list[Item]:
    """An area's latest items found before `before`, enough for AT_LEAST stories on its page."""
    return list(archive.items(relevant_only=True, area=area, until=before, newest_first=True, limit=4 * AT_LEAST))


def _story_ids(items: list[Item]) -> set[int]:
    return {item.cluster for item in items}


def _page(area: str, recent: list[Item], earlier: list[Item], taxonomy: Taxonomy, tz: ZoneInfo, week: str,
          built_weeks: set[str]) -> AreaPage:
    """An area's page from the items found in its twelve weeks (`recent`) and, to list at least
    AT_LEAST stories, some found before them (`earlier`)."""
    area_trend = trend(trend_stories(recent, taxonomy), weeks_ending(week, tz), area)
    in_window = _newest_first(story_entries(recent, taxonomy, tz))
    stories = {e.cluster for e in in_window}
    before = [e for e in _newest_first(story_entries(earlier, taxonomy, tz)) if e.cluster not in stories]
    shown = in_window + before[:max(0, AT_LEAST - len(in_window))]
    period = Period(in_window, area_trend.first_day, area_trend.last_day)
    editions = {e.id: label for e in shown if (label := week_label(e.first_seen, tz)) in built_weeks}
    return AreaPage(area, week, shown, area_trend, figure_totals(period.counted()), period.set_apart(),
                    _mentioned(recent + earlier, area), editions)


def _newest_first(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e.sort_time, reverse=True)


def _mentioned(items: list[Item], area: str) -> list[tuple[str, int]]:
    """The other areas an area's stories mention (county lines run between them), by how many stories."""
    by_story: dict[int, set[str]] = {}
    for item in items:
        by_story.setdefault(item.cluster, set()).update(item.mentioned_areas)
    counts = Counter(name for names in by_story.values() for name in names - {area})
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def write_area_pages(config: Config, archive: StoredItems, taxonomy: Taxonomy, week: str,
                     built_weeks: set[str]) -> list[Path]:
    """Write every area's page; remove pages of areas that no longer have one. Returns the paths written."""
    folder = config.output_dir / _FOLDER
    pages = area_pages(config, archive, taxonomy, week, built_weeks)
    template = environment().get_template("area.html.j2")
    generated = utc_now().astimezone(config.tz)
    with_pages = {page.area for page in pages}
    written = []
    for page in pages:
        path = config.output_dir / page.path
        atomic_write(path, template.render(site=config.site, page=page, generated_at=generated,
                                           has_page=with_pages.__contains__))
        written.append(path)
    _remove_stale(folder, set(written))
    return written


def _remove_stale(folder: Path, written: set[Path]) -> None:
    if folder.is_dir():
        for path in folder.glob("*.html"):
            if path not in written and path.is_file() and not path.is_symlink():
                path.unlink()
