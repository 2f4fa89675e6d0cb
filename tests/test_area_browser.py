"""Twelve weeks of stories built into an edition and area pages, opened in headless Chromium on a
desktop and on a phone: the charts are SVG with a text alternative, an area page never scrolls
sideways, and its figure totals link to stories on it. Screenshots are saved to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from browsing import CHROMIUM, chromium, served
from trend_fixture import found_when_published, write_twelve_weeks

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SCREENS = [pytest.param(1280, 800, id="desktop-1280x800"), pytest.param(390, 844, id="phone-390x844")]
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Each chart: an <svg role="img"> labelled by its own non-empty <title> and <desc>.
CHARTS = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const ids = (svg.getAttribute('aria-labelledby') || '').split(' ');
  const named = ids.map(id => document.getElementById(id)).filter(el => el && svg.contains(el));
  return {role: svg.getAttribute('role'), title: svg.querySelector('title')?.textContent || '',
          desc: svg.querySelector('desc')?.textContent || '', labelledBy: named.map(el => el.tagName).join(' '),
          width: svg.getBoundingClientRect().width};
})"""



@pytest.fixture
def site(digest, seed_dir: Path, tmp_path: Path) -> Iterator[str]:
    write_twelve_weeks(seed_dir, datetime.now(UTC).date())
    assert digest("ingest").exit_code == 0
    found_when_published(tmp_path / "data" / "digest.db")
    result = digest("build", "--week", "current")
    assert result.exit_code == 0, result.output
    with served(tmp_path / "out") as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def _charts_ok(page: Any, viewport_width: int) -> list[dict[str, Any]]:
    charts = page.evaluate(CHARTS)
    assert charts
    for chart in charts:
        assert chart["role"] == "img" and chart["title"].strip() and chart["desc"].strip(), chart
        assert chart["labelledBy"] == "title desc", chart
        assert 0 < chart["width"] <= viewport_width
    return charts


def _save(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)
    assert (ARTIFACTS / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_an_area_page_shows_its_trend_and_never_scrolls_sideways(site, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(site + "index.html")
    page.locator("a[href='areas/bedfordshire.html']").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/areas/bedfordshire.html")
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert page.evaluate(OVERFLOW) == 0
    charts = _charts_ok(page, width)
    assert len(charts) > 1  # the area's weeks, and a small chart for each of its topics
    overall = page.locator("svg.chart").first
    assert overall.is_visible() and overall.bounding_box()["y"] < height  # the trend is on the first screen
    assert "stories published in the 12 weeks" in page.locator("#trend-all-desc").text_content()
    _save(page, f"area-{width}.png")

    first_total = page.locator(".area-figures .key-figure a:visible").first
    target = first_total.get_attribute("href")
    assert target and target.startswith("#item-")
    first_total.click()
    story = page.locator(target)
    assert story.is_visible() and story.bounding_box()["y"] < height


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_edition_shows_the_weekly_chart_as_svg_with_a_text_alternative(site, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(site + "index.html")
    page.locator("a.edition-link").first.click()
    page.wait_for_load_state("load")
    assert page.evaluate(OVERFLOW) == 0
    _charts_ok(page, width)
    chart = page.locator("svg.chart").first
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    assert page.locator("table:has(caption:text-is('Stories published each week, all areas'))").count() == 1  # read aloud
    trend = page.locator("section.trend")
    ARTIFACTS.mkdir(exist_ok=True)
    trend.screenshot(path=str(ARTIFACTS / f"edition-trend-{width}.png"))
