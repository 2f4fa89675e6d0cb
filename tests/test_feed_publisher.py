"""Feeds a reader shows well: each item names its publisher, says why it is in the digest and what
figures it states, and an item dated after the build does not sit above the rest."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from digest.config import load_config
from digest.edition import KIND_LABELS
from digest.feeds import build_feed
from digest.models import Figure, Item, TopicMatch
from digest.topics import Taxonomy

ATOM_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "atom.rnc"
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
LUTON = """---
title: Two arrested after man stabbed in Luton town centre
url: https://www.bedfordshire.police.uk/news/luton-stabbing
---
A man has been taken to hospital with stab wounds after a disturbance on George Street, Luton, on Tuesday evening.
Officers from Bedfordshire Police were called at about 9pm and found the victim, a 23-year-old man, with injuries to his arm.
Two people have been arrested on suspicion of wounding with intent and possession of a bladed article.
A knife was recovered from a garden nearby and has been sent for forensic examination.
"""
UNNAMED = """ date {today} Knife arch finds three blades at the station
Officers set up a knife arch at the railway station as part of a week of action against knife crime. Three
knives were seized and two men were arrested for possession of a bladed article.
"""


@pytest.fixture
def out(digest, seed_dir: Path, tmp_path: Path) -> Path:
    (seed_dir / "luton.md").write_text(LUTON, encoding="utf-8")
    (seed_dir / "unnamed.txt").write_text(UNNAMED.format(today=date.today().isoformat()), encoding="utf-8")
    result = digest("run", "--once")
    assert result.exit_code == 0, result.output
    return tmp_path / "out"


def rss_items(path: Path) -> dict[str, etree._Element]:
    return {item.findtext("title"): item for item in etree.fromstring(path.read_bytes()).iter("item")}


def test_every_rss_item_names_its_publisher_as_readers_know_it(out, export):
    relevant = {item["title"]: item for item in export("--relevant-only")}
    feeds = [out / "feed.xml", *sorted((out / "feeds").rglob("*.xml"))]
    checked = 0
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        if path.name == "editions.xml":
            continue
        for title, item in rss_items(path).items():
            creators = [c.text for c in item.iter(f"{DC}creator")]
            assert len(creators) == 1 and creators[0], (path, title)
            assert item.find("author") is None  # RSS 2.0's <author> is an email address; dc:creator names
            stored = relevant[title]
            assert creators[0] == (stored["org"] or KIND_LABELS[stored["org_kind"] or "other"]), (title, creators)
            assert creators[0] != stored["source"] and "/" not in creators[0]
            checked += 1
        assert all(entry.get("author") for entry in parsed.entries), path  # what a reader shows as the author
    assert checked > 10
    unnamed = rss_items(out / "feed.xml")["Knife arch finds three blades at the station"]
    assert relevant["Knife arch finds three blades at the station"]["org"] is None
    assert unnamed.findtext(f"{DC}creator") in KIND_LABELS.values()  # its kind of publisher, never the source's name
    luton = rss_items(out / "feed.xml")["Two arrested after man stabbed in Luton town centre"]
    assert luton.findtext(f"{DC}creator") == "Bedfordshire Police"


def test_an_item_says_its_summary_why_it_is_included_and_its_figures(out, export):
    luton = next(i for i in export("--relevant-only") if i["title"].startswith("Two arrested after man stabbed"))
    description = rss_items(out / "feed.xml")[luton["title"]].findtext("description")
    summary, why, figures = description.split("\n\n")
    assert summary.startswith(luton["summary"].rstrip("."))
    assert why.startswith("Why included: Knife crime: ") and " · " in why
    assert figures == "Key figures: Arrests 2."
    atom = etree.fromstring((out / "feed.atom").read_bytes())
    entry = next(e for e in atom.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == luton["title"])
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Bedfordshire Police"
    assert entry.find(f"{ATOM}content").text == description
    assert not list(atom.iter(f"{DC}creator"))  # Atom has its own <author>


def test_atom_with_publishers_still_passes_the_schema(out):
    if not ATOM_SCHEMA.is_file():
        pytest.skip(f"Atom schema not found at {ATOM_SCHEMA}")
    if not shutil.which("jing"):
        pytest.skip("jing is not installed (apt-get install jing default-jre-headless)")
    result = subprocess.run(["jing", "-c", str(ATOM_SCHEMA), str(out / "feed.atom")],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def _item(index: int, title: str, published: date | None, found: datetime) -> Item:
    return Item(
        id=index, key=f"test:{index}", source="seeds", url=f"https://www.police.example.org/news/{index}",
        canonical_url=f"https://www.police.example.org/news/{index}", path=None, title=title,
        summary=f"{title}.", published=published, published_time=None, first_seen=found, updated_at=found,
        area="Bedfordshire", mentioned_areas=[], org="Bedfordshire Police", org_kind="police", relevance=0.9,
        relevant=True, why_not=None, cluster=index, reasons=[TopicMatch("knife_crime", 3.0, ["knife"])],
        figures=[Figure("arrests", 2, "Two men were arrested.")], aliases=[],
    )


def test_an_item_dated_after_the_build_is_not_placed_above_the_rest(config_path):
    config = load_config(config_path)
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    items = [
        _item(1, "Found last week, a date next year", date(2027, 11, 20), now - timedelta(days=6)),
        _item(2, "Published yesterday", date(2026, 11, 19), now - timedelta(hours=20)),
        _item(3, "Published this morning", date(2026, 11, 20), now - timedelta(hours=2)),
    ]
    fg = build_feed(config, items, Taxonomy(), "Test feed", "feeds/test.xml", "feeds/test.atom", now=now)
    dated = {item.findtext("title"): parsedate_to_datetime(item.findtext("pubDate"))
             for item in etree.fromstring(fg.rss_str()).iter("item")}
    newest_first = sorted(dated, key=dated.__getitem__, reverse=True)  # as a reader lists them
    assert newest_first == ["Published this morning", "Published yesterday", "Found last week, a date next year"]
    assert dated["Found last week, a date next year"] == now - timedelta(days=6)  # when it was found
    for entry in feedparser.parse(fg.atom_str()).entries:
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) <= now
