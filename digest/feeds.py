"""RSS 2.0 and Atom feeds, through feedgen: the latest relevant items (`feed.xml`, `feed.atom`),
one RSS feed per topic and per area (`feeds/topics/`, `feeds/areas/`) and the weekly
editions (`feeds/editions.xml`)."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any, Protocol

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension
from feedgen.ext.dc import DcEntryExtension
from feedgen.feed import FeedGenerator

from digest.areas import area_slug
from digest.config import Config
from digest.edition import ShownFigure, figures_line, publisher_name, reason_line
from digest.models import Item, stories, utc_now
from digest.records import EditionRecord
from digest.render import atomic_write
from digest.report import copied_elsewhere, reasons_shown
from digest.text import clean_title, strip_controls
from digest.topics import Taxonomy
from digest.urls import area_feed, edition_page, is_web_url, topic_feed
from digest.weeks import date_range, week_label

_FEED_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")  # topic ids and area slugs that make safe file names
_SUBFOLDERS = ("topics", "areas")


class StoredItems(Protocol):
    def items(self, *, relevant_only: bool = False, limit: int | None = None, newest_first: bool = False,
              topic: str | None = None, area: str | None = None) -> Iterable[Item]: ...

    def relevant_areas(self) -> list[str]: ...


def item_guid(item: Item) -> tuple[str, bool]:
    """A GUID that never changes for an item: its URL when it has one, else a URN from its key."""
    if item.canonical_url:
        return item.canonical_url, True
    return "urn:digest:item:" + hashlib.sha1(item.key.encode("utf-8")).hexdigest(), False


def item_link(config: Config, item: Item) -> str:
    """The original article, or the item's place in its weekly edition when there is no URL."""
    if item.url and is_web_url(item.url):
        return item.url
    return f"{edition_page(config.site.base_url, week_label(item.first_seen, config.tz))}#item-{item.id}"


def item_date(config: Config, item: Item, now: datetime) -> datetime:
    """The item's date as readers sort by it: the date it states, else when it was found. A stated
    date after the build (a page's typo, a clock that was wrong) is not believed: the item is dated
    when it was found, so it is not placed above the rest at every build."""
    stated = None
    if item.published_time:
        stated = item.published_time
    elif item.published:
        stated = datetime.combine(item.published, time(0), tzinfo=config.tz)
    if stated is not None and stated <= now:
        return stated
    return min(item.first_seen, now)


class PlainText(BaseEntryExtension):  # type: ignore[misc]  # feedgen has no type information
    """An entry's summary is plain text, and shows as such in every reader: RSS readers read
    <description> as HTML, so it is HTML-escaped there (markup in it shows as text); Atom says
    type="text"."""

    def extend_rss(self, entry: Any) -> Any:
        description = entry.find("description")
        if description is not None and description.text:
            description.text = html.escape(description.text, quote=False)
        return entry

    def extend_atom(self, entry: Any) -> Any:
        for text in (entry.find("content"), entry.find("summary")):
            if text is not None:
                text.set("type", "text")
        return entry


def describe(entry: FeedEntry, text: str) -> None:
    """The entry's summary, as plain text in RSS and Atom alike."""
    entry.description(strip_controls(text))
    entry.register_extension("plain_text", PlainText)


def set_links(fg: FeedGenerator, base: str, self_path: str) -> None:
    """The feed's own URL as rel="self", then the site: RSS <link> comes from the last link() call."""
    kind = "application/atom+xml" if self_path.endswith(".atom") else "application/rss+xml"
    fg.link(href=base + self_path, rel="self", type=kind, replace=True)
    fg.link(href=base, rel="alternate")


def new_feed(config: Config, title: str, self_path: str, atom_path: str | None = None,
             now: datetime | None = None) -> FeedGenerator:
    base, title = config.site.base_url, strip_controls(title)
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)  # xmlns:dc on <rss>, for its items' dc:creator
    fg.id(base + (atom_path or self_path))
    fg.title(title)
    fg.description(f"{title}: UK police and commissioner news about serious violence")
    fg.language("en-GB")
    fg.updated(now or utc_now())
    fg.generator("digest")
    fg.author({"name": strip_controls(config.site.title)})
    set_links(fg, base, self_path)
    return fg


def item_entry(config: Config, item: Item, taxonomy: Taxonomy, now: datetime) -> FeedEntry:
    """An item's entry; no date in it is later than `now`, the build's time (a page may state any date)."""
    base = config.site.base_url
    entry = FeedEntry()
    guid, permalink = item_guid(item)
    entry.id(guid)
    entry.guid(guid, permalink=permalink)
    entry.title(clean_title(item.title))
    entry.link(href=item_link(config, item))
    describe(entry, item_text(item, taxonomy))
    entry.published(item_date(config, item, now))
    entry.updated(min(item.updated_at, now))
    publisher = strip_controls(publisher_name(item.org, item.org_kind))
    entry.author({"name": publisher})  # Atom's <author>; RSS's <author> must be an email address, so dc:creator
    entry.register_extension("dc", DcEntryExtension, atom=False, rss=True)
    entry.dc.dc_creator(publisher)
    for topic in item.topics:
        entry.category(term=topic, label=strip_controls(taxonomy.label(topic)), scheme=base + "topics")
    if item.area:
        entry.category(term=item.area, label=item.area, scheme=base + "areas")
    return entry


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…", ")")) else f"{text}."


def item_text(item: Item, taxonomy: Taxonomy) -> str:
    """What a reader shows of an item: its summary, why it is in the digest (the edition's one-line
    reason) and the figures it states, a paragraph each."""
    parts = [_sentence(item.summary or item.title)]
    if reason := reason_line(reasons_shown(item, taxonomy)):
        parts.append(_sentence(f"Why included: {reason}"))
    if figures := figures_line([ShownFigure.of(figure) for figure in item.figures]):
        parts.append(_sentence(f"Key figures: {figures}"))
    return "\n\n".join(parts)


def build_feed(config: Config, items: list[Item], taxonomy: Taxonomy, title: str, rss_path: str,
               atom_path: str | None = None, cache: dict[tuple[int, str], FeedEntry] | None = None,
               now: datetime | None = None) -> FeedGenerator:
    """A feed of these items whose self link is `rss_path` (call `set_links` before writing Atom).

    `cache` shares entries between the feeds of one build (an item is in several of them), built at `now`.
    """
    now = now or utc_now()
    fg = new_feed(config, title, rss_path, atom_path, now)
    cache = {} if cache is None else cache
    for item in items:
        key = (item.id, item.summary)  # a cluster lead's summary names the other publishers
        if key not in cache:
            cache[key] = item_entry(config, item, taxonomy, now)
        fg.add_entry(cache[key], order="append")
    return fg


def _also(lead: Item, others: list[Item]) -> str:
    """"Also published by A; also reported by B": copies (other items, then other sites the text was
    copied to word for word), then other outlets' own reports; "" when there are none."""
    copied = [copy.site for _, copy in copied_elsewhere([lead, *others])]
    said = []
    for reported, label in ((False, "also published by"), (True, "also reported by")):
        names = [other.publisher for other in others if other.reported == reported] + ([] if reported else copied)
        if names:
            said.append(f"{label} {', '.join(dict.fromkeys(names))}")
    text = "; ".join(said)
    return text[:1].upper() + text[1:]


def one_per_cluster(items: list[Item], limit: int) -> list[Item]:
    """Newest stories first, each cluster once as its first-found member, the others noted in its summary."""
    leads = []
    for lead, *others in stories(items):
        if also := _also(lead, others):
            lead = dataclasses.replace(lead, summary=f"{lead.summary} ({also}.)")
        leads.append(lead)
    leads.sort(key=lambda i: (i.first_seen, i.id), reverse=True)
    return leads[:limit]


@dataclass
class Recent:
    """The latest relevant items in one query; topic and area feeds are cut from them when they hold enough."""

    items: list[Item]
    complete: bool  # every relevant item in the store
    entries: dict[tuple[int, str], FeedEntry] = field(default_factory=dict)
    now: datetime = field(default_factory=utc_now)  # the build's time, which no date in a feed is later than
    groups: dict[tuple[str | None, str | None], list[Item]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in self.items:  # newest first in every group too
            self.groups.setdefault((None, None), []).append(item)
            for topic in item.topics:
                self.groups.setdefault((topic, None), []).append(item)
            if item.area:
                self.groups.setdefault((None, item.area), []).append(item)

    @classmethod
    def load(cls, config: Config, archive: StoredItems) -> Recent:
        size = config.feeds.items * 30
        items = list(archive.items(relevant_only=True, newest_first=True, limit=size))
        return cls(items, len(items) < size)


def latest(config: Config, archive: StoredItems | None, recent: Recent, topic: str | None = None,
           area: str | None = None) -> list[Item]:
    """The latest `feeds.items` relevant stories (optionally of one topic or area), one per cluster.

    The same items as `archive.items(..., limit=need)`: the recent items are a prefix of that order.
    """
    need = config.feeds.items * 3
    rows = recent.groups.get((topic, area), [])
    if len(rows) < need and not recent.complete and archive is not None:
        rows = list(archive.items(relevant_only=True, newest_first=True, limit=need, topic=topic, area=area))
    return one_per_cluster(rows[:need], config.feeds.items)


def relevant_areas(archive: StoredItems, recent: Recent) -> list[str]:
    if recent.complete:
        return sorted({item.area for item in recent.items if item.area})
    return archive.relevant_areas()


def edition_title(edition: EditionRecord) -> str:
    """"Week 2026-W47: 16–22 November 2026 (12 items)"."""
    count = edition.item_count
    return f"Week {edition.week}: {date_range(edition.start, edition.end)} ({count} item{'' if count == 1 else 's'})"


def build_editions_feed(config: Config, editions: Iterable[EditionRecord], now: datetime) -> FeedGenerator:
    fg = new_feed(config, f"{config.site.title} – weekly editions", "feeds/editions.xml", now=now)
    for edition in editions:  # newest first
        entry = fg.add_entry(order="append")
        guid = f"urn:digest:edition:{edition.week}"
        entry.id(guid)
        entry.guid(guid, permalink=False)
        entry.title(edition_title(edition))
        entry.link(href=edition_page(config.site.base_url, edition.week))
        describe(entry, f"The weekly digest of serious violence news for {date_range(edition.start, edition.end)}.")
        entry.published(min(edition.built_at, now))
        entry.updated(min(edition.built_at, now))
    return fg


def write_rss(config: Config, fg: FeedGenerator, path: str) -> Path:
    target = config.output_dir / path
    atomic_write(target, fg.rss_str(pretty=True))
    return target


def write_main(config: Config, archive: StoredItems, taxonomy: Taxonomy, recent: Recent) -> list[Path]:
    fg = build_feed(config, latest(config, archive, recent), taxonomy, config.site.title, "feed.xml", "feed.atom",
                    recent.entries, recent.now)
    rss = write_rss(config, fg, "feed.xml")
    set_links(fg, config.site.base_url, "feed.atom")
    atom = config.output_dir / "feed.atom"
    atomic_write(atom, fg.atom_str(pretty=True))
    return [rss, atom]


def write_selection(config: Config, archive: StoredItems, taxonomy: Taxonomy, recent: Recent, path: str, name: str,
                    scheme: str, term: str, topic: str | None = None, area: str | None = None) -> Path:
    """A topic's or an area's feed: its latest stories, the channel titled and categorised by it."""
    items = latest(config, archive, recent, topic=topic, area=area)
    fg = build_feed(config, items, taxonomy, f"{config.site.title} – {name}", path, cache=recent.entries,
                    now=recent.now)
    fg.category(term=term, label=strip_controls(name), scheme=config.site.base_url + scheme)
    return write_rss(config, fg, path)


def remove_stale(config: Config, keep: list[Path]) -> None:
    """Delete topic and area feeds this build did not write; never anything outside output_dir/feeds/."""
    feeds = config.output_dir / "feeds"
    kept = {path.resolve() for path in keep}
    for folder in (feeds / sub for sub in _SUBFOLDERS):
        if feeds.is_symlink() or folder.is_symlink() or not folder.is_dir():
            continue
        for path in folder.glob("*.xml"):
            if path.is_file() and not path.is_symlink() and path.resolve() not in kept:
                path.unlink()


def write_feeds(config: Config, archive: StoredItems, taxonomy: Taxonomy, editions: list[EditionRecord]) -> list[Path]:
    """Write every feed; remove topic and area feeds no longer written; return the paths written."""
    recent = Recent.load(config, archive)
    written = write_main(config, archive, taxonomy, recent)
    for topic in filter(_FEED_NAME.fullmatch, taxonomy.topics):
        written.append(write_selection(config, archive, taxonomy, recent, topic_feed(topic),
                                       taxonomy.label(topic), "topics", topic, topic=topic))
    for area in relevant_areas(archive, recent):
        if _FEED_NAME.fullmatch(area_slug(area)):
            written.append(write_selection(config, archive, taxonomy, recent, area_feed(area),
                                           area, "areas", area, area=area))
    written.append(write_rss(config, build_editions_feed(config, editions, recent.now), "feeds/editions.xml"))
    remove_stale(config, written)
    return written
