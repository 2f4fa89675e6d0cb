"""A realistic week (the hundred-odd labelled documents of tests/eval) opened in headless Chromium
on a desktop and on a phone: the lead story is on the first screen, nothing scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browsing import CHROMIUM, chromium, served

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "tests" / "eval" / "docs"
ARTIFACTS = REPO / "test-artifacts"
SCREENS = [pytest.param(1280, 800, id="desktop-1280x800"), pytest.param(390, 844, id="phone-390x844")]
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"



@pytest.fixture
def site(digest, write_config, tmp_path: Path) -> Iterator[str]:
    # Every document is one of this week's stories whenever the tests run (none is an "older item").
    config = write_config(sources=[{"name": "eval", "kind": "folder", "path": str(DOCS)}],
                          digest={"group_by": "topic", "backfill_days": 36_500})
    result = digest("run", "--once", config=config)
    assert result.exit_code == 0, result.output
    with served(tmp_path / "out") as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def _save(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_first_lead_story_is_on_the_first_screen(site, browser, width: int, height: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(site + "index.html")
    page.locator("a.edition-link").first.click()
    page.wait_for_load_state("load")
    assert page.locator("article.item").count() > 40  # a full week, not a handful
    headline = page.locator(".leads article.item h3").first
    box = headline.bounding_box()
    assert box is not None and page.evaluate("window.scrollY") == 0
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box  # seen without scrolling
    assert page.evaluate(OVERFLOW) <= 0
    # The tables are folded below the stories.
    assert not page.locator("table.counts").first.is_visible()
    _save(page, f"edition-{width}x{height}.png")


def test_the_reason_opens_to_every_matched_term(site, browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(site + "index.html")
    page.locator("a.edition-link").first.click()
    why = page.locator(".leads details.why").first
    assert why.locator("summary").is_visible() and not why.locator(".why-full").is_visible()
    why.locator("summary").click()
    assert why.locator(".why-full").is_visible() and "Matched terms" in why.inner_text()


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_index_fits_the_screen(site, browser, width: int, height: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(site + "index.html")
    assert page.locator("a.edition-link").first.is_visible()
    assert page.evaluate(OVERFLOW) <= 0
    assert page.locator("#areas a[href^='areas/']").count() > 20 and page.locator("a[href^='feeds/topics/']").count()
    _save(page, f"index-{width}x{height}.png")
