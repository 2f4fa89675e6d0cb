"""RSS 2.0 and Atom feeds of the latest relevant items, through feedgen."""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from pathlib import Path
from typing import Any

from feedgen.feed import FeedGenerator

from digest.classify import Taxonomy
from digest.config import Config
from digest.extract import web_url
from digest.models import utc_now
from digest.render import atomic_write
from digest.report import week_label
from digest.store import Store
from digest.text import strip_controls


def item_guid(item: dict[str, Any]) -> tuple[str, bool]:
    """A GUID that never changes for an item: its URL when it has one, else a URN from its key."""
    if item.get("canonical_url"):
        return item["canonical_url"], True
    return "urn:digest:item:" + hashlib.sha1(item["key"].encode("utf-8")).hexdigest(), False


def item_link(config: Config, item: dict[str, Any]) -> str:
    """The original article, or the item's place in its weekly edition when there is no URL."""
    if web_url(item.get("url")):
        return item["url"]
    week = week_label(datetime.fromisoformat(item["first_seen"]), config.tz)
    return f"{config.site.base_url}digests/{week}.html#item-{item['id']}"


def item_date(config: Config, item: dict[str, Any]) -> datetime:
    if item.get("published_time"):
        return datetime.fromisoformat(item["published_time"])
    if item.get("published"):
        return datetime.combine(datetime.fromisoformat(item["published"]).date(), time(0), tzinfo=config.tz)
    return datetime.fromisoformat(item["first_seen"])


def build_feed(config: Config, items: list[dict[str, Any]], taxonomy: Taxonomy, title: str,
               rss_path: str, atom_path: str) -> FeedGenerator:
    base = config.site.base_url
    fg = FeedGenerator()
    fg.id(base + atom_path)
    fg.title(title)
    fg.description(f"{title}: UK police and commissioner news about serious violence")
    fg.language("en-GB")
    fg.updated(utc_now())
    fg.generator("digest")
    fg.author({"name": config.site.title})
    fg.link(href=base + atom_path, rel="self", type="application/atom+xml")
    fg.link(href=base, rel="alternate")  # RSS <link> comes from the last link() call
    for item in items:
        entry = fg.add_entry(order="append")
        guid, permalink = item_guid(item)
        entry.id(guid)
        entry.guid(guid, permalink=permalink)
        entry.title(strip_controls(item["title"]))
        entry.link(href=item_link(config, item))
        entry.description(strip_controls(item["summary"] or item["title"]))
        entry.published(item_date(config, item))
        entry.updated(datetime.fromisoformat(item["updated_at"]))
        if item.get("org"):
            entry.author({"name": item["org"]})
        for topic in item["topics"]:
            entry.category(term=topic, label=taxonomy.label(topic), scheme=base + "topics")
        if item.get("area"):
            entry.category(term=item["area"], label=item["area"], scheme=base + "areas")
    return fg


def one_per_cluster(items: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Newest stories first, each cluster once as its first-found member, the others noted in its summary."""
    clusters: dict[int, list[dict[str, Any]]] = {}
    for item in sorted(items, key=lambda i: (i["first_seen"], i["id"])):
        clusters.setdefault(item["cluster"] or item["id"], []).append(item)
    leads = []
    for lead, *others in clusters.values():
        if others:
            names = ", ".join(dict.fromkeys(o["org"] or o["source"] for o in others))
            lead = {**lead, "summary": f"{lead['summary']} (Also published by {names}.)"}
        leads.append(lead)
    leads.sort(key=lambda i: (i["first_seen"], i["id"]), reverse=True)
    return leads[:limit]


def write_feeds(config: Config, store: Store, taxonomy: Taxonomy) -> list[Path]:
    recent = list(store.items(relevant_only=True, newest_first=True, limit=config.feeds.items * 3))
    items = one_per_cluster(recent, config.feeds.items)
    fg = build_feed(config, items, taxonomy, config.site.title, "feed.xml", "feed.atom")
    rss, atom = config.output_dir / "feed.xml", config.output_dir / "feed.atom"
    atomic_write(rss, fg.rss_str(pretty=True))
    atomic_write(atom, fg.atom_str(pretty=True))
    return [rss, atom]
