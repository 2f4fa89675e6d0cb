"""Area pages (DESIGN.md §12): areas/<slug>.html written with each edition from a real store: the
area's recent stories, its trend, its figure totals linked to its stories, the areas its stories
mention, its feed; linked from the edition and the index."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.charts import weeks_ending
from digest.config import load_config
from trend_fixture import found_when_published, write_twelve_weeks

TODAY = datetime.now(UTC).date()


@pytest.fixture
def built(digest, seed_dir: Path, tmp_path: Path, config_path: Path) -> dict[str, object]:
    written = write_twelve_weeks(seed_dir, TODAY)
    assert digest("ingest").exit_code == 0
    found_when_published(tmp_path / "data" / "digest.db")
    stale = tmp_path / "out" / "areas" / "gone-area.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("an area that no longer has stories", encoding="utf-8")
    result = digest("build", "--week", "current")
    assert result.exit_code == 0, result.output
    assert f"areas: 3 area pages under {tmp_path / 'out' / 'areas'}" in result.output
    config = load_config(config_path)
    weeks = weeks_ending(re.search(r"Edition (\S+):", result.output).group(1), config.tz)
    return {"out": tmp_path / "out", "written": written, "first_day": weeks[0].first_day, "stale": stale}


def page(built: dict[str, object], slug: str) -> str:
    return (built["out"] / "areas" / f"{slug}.html").read_text(encoding="utf-8")


def test_each_area_with_stories_has_a_page_and_a_gone_one_is_removed(built):
    pages = sorted(path.name for path in (built["out"] / "areas").glob("*.html"))
    assert pages == ["bedfordshire.html", "cambridgeshire.html", "northamptonshire.html"]
    assert not built["stale"].exists()


def test_an_area_page_lists_its_recent_stories_and_no_others(built):
    html = page(built, "bedfordshire")
    recent = [(i % 3, title) for i, (title, published) in enumerate(built["written"]) if published >= built["first_day"]]
    ours = [title for turn, title in recent if turn == 0]  # the fixture's areas take turns: Bedfordshire first
    for title in ours:
        assert f">{title}</a></h3>" in html, title
    for title in (title for turn, title in recent if turn != 0):
        assert f">{title}</a></h3>" not in html, title
    ids = re.findall(r'<article class="item" id="item-(\d+)">', html)
    assert len(ids) == len(set(ids)) >= len(ours)
    assert f"{len(ours)} published in the 12 weeks" in html


def test_an_area_page_draws_its_trend_as_svg_with_a_text_alternative(built):
    html = page(built, "bedfordshire")
    assert "<script" not in html
    svg = re.search(r'<svg class="chart"[^>]*role="img" aria-labelledby="trend-all-title trend-all-desc"', html)
    assert svg
    desc = re.search(r'<desc id="trend-all-desc">(.*?)</desc>', html).group(1)
    total = sum(1 for i, (_, published) in enumerate(built["written"]) if i % 3 == 0 and published >= built["first_day"])
    assert desc.startswith(f"{total} stories published in the 12 weeks")
    assert html.count('<svg class="chart"') > 1  # and one small chart a topic


def test_an_area_page_totals_its_figures_with_links_to_its_stories(built):
    html = page(built, "bedfordshire")
    figures = re.search(r'<section class="area-figures".*?</section>', html, re.S).group(0)
    rows = re.findall(r'<li class="key-figure">(.*?)</li>', figures, re.S)
    assert rows
    for row in rows:
        targets = re.findall(r'href="#item-(\d+)"', row)
        assert targets, row
        for target in targets:
            assert f'<article class="item" id="item-{target}">' in html
    labels = re.findall(r'<span class="key-figure-label">(.*?)</span>', figures)
    funding = [label for label in labels if label.startswith("Funding")]
    assert sorted(funding) == ["Funding (2025/26)", "Funding (2026/27)"]  # two years, never one sum


def test_an_area_page_links_its_feed_the_areas_it_mentions_and_its_editions(built):
    html = page(built, "bedfordshire")
    feed = re.search(r'<link rel="alternate" type="application/rss\+xml"[^>]*href="\.\./([^"]+)"', html).group(1)
    assert feed == "feeds/areas/bedfordshire.xml" and (built["out"] / feed).is_file()
    mentioned = re.search(r'<section class="area-mentioned".*?</section>', html, re.S).group(0)
    assert "London" in mentioned  # the county lines it closed ran from London
    for href in re.findall(r'href="\.\./(areas/[^"]+)"', mentioned):
        assert (built["out"] / href).is_file()
    editions = re.findall(r'href="\.\./(digests/[^"#]+)#item-\d+"', html)
    assert editions and all((built["out"] / href).is_file() for href in editions)


def test_the_edition_and_the_index_link_to_the_area_pages(built):
    out = built["out"]
    edition = next((out / "digests").glob("*.html")).read_text(encoding="utf-8")
    linked = set(re.findall(r'href="\.\./(areas/[a-z0-9-]+\.html)"', edition))
    assert linked and all((out / href).is_file() for href in linked)
    index = (out / "index.html").read_text(encoding="utf-8")
    from_index = set(re.findall(r'href="(areas/[a-z0-9-]+\.html)"', index))
    assert from_index == {f"areas/{path.name}" for path in (out / "areas").glob("*.html")}


def test_an_area_whose_stories_are_all_older_still_lists_them_without_a_chart(digest, seed_dir, tmp_path):
    (seed_dir / "kent.txt").write_text(
        "---\ntitle: Knife arch at Maidstone station\narea: Kent\nurl: https://www.kent.police.uk/news/arch\n---\n\nOfficers set up a knife arch at "
        "Maidstone station and arrested two men after a week of action against knife crime.\n", encoding="utf-8")
    assert digest("ingest").exit_code == 0
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:  # found twenty weeks ago
        db.execute("update items set first_seen = ? where path = 'kent.txt'",
                   [(datetime.now(UTC) - timedelta(weeks=20)).isoformat(timespec="seconds")])
    assert digest("build", "--week", "current").exit_code == 0
    html = (tmp_path / "out" / "areas" / "kent.html").read_text(encoding="utf-8")
    assert ">Knife arch at Maidstone station</a></h3>" in html
    assert "0 published in the 12 weeks" in html and "<svg" not in html
    assert "No stories published in the 12 weeks" in html
    assert "without a publication date" not in html  # found before the weeks: not one of their undated stories
