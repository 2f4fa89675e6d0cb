"""The pages people look at, opened in a real headless Chromium over HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from browsing import CHROMIUM, chromium, served

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
TITLES = [
    "Partnership approach needed to tackle serious violence",
    "The Commissioner’s blog – tackling serious violence",
    "Serious violence and knife crime to be tackled ‘as one’ across Northamptonshire",
    "Since February, officers from across Bedfordshire Police",
    "Police and Crime Commissioner Darryl Preston has welcomed",
]



@pytest.fixture
def site(digest, tmp_path) -> Iterator[str]:
    assert digest("run", "--once").exit_code == 0
    with served(tmp_path / "out") as url:
        yield url


@pytest.fixture
def browser():
    with chromium() as instance:
        yield instance


def test_edition_shows_all_five_with_topics_and_links(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "index.html")
    page.locator("a[href^='digests/']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(".html") and "/digests/" in page.url
    body = page.locator("body")
    assert not page.get_by_text(TITLES[0]).first.is_visible()  # older items start collapsed
    page.get_by_text("Older items found this week (3)").first.click()
    for title in TITLES:
        heading = page.get_by_text(title, exact=False).first
        assert heading.is_visible(), title
    text = body.inner_text()
    for label in ("Knife crime", "Partnership"):
        assert label in text
    original = page.locator("a[href='https://www.bedfordshire.police.uk/news-and-appeals/partnership-tackle-violence-march2019']")
    assert original.count() >= 1 and original.first.is_visible()
    assert page.locator("script").count() == 0
    feed_link = page.locator("link[rel='alternate'][type='application/rss+xml']")
    assert feed_link.count() == 1


def test_each_item_lists_its_topic_labels(site, browser):
    page = browser.new_page()
    page.goto(site + "index.html")
    page.locator("a[href^='digests/']").first.click()
    items = page.locator("article.item")
    assert items.count() == 2  # the two without a stated date; the three older ones are listed compactly
    for index in range(items.count()):
        assert items.nth(index).locator(".topic").count() >= 1
    older = page.locator("#older")
    assert older.is_visible() and "Older items found this week (3)" in older.inner_text()


def test_reads_on_a_phone_without_sideways_scrolling(site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(site + "index.html")
    page.locator("a[href^='digests/']").first.click()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    font_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article.item p')).fontSize)")
    assert font_size >= 14


def test_prints_with_every_item_visible(site, browser, tmp_path: Path):
    page = browser.new_page()
    page.goto(site + "index.html")
    page.locator("a[href^='digests/']").first.click()
    page.emulate_media(media="print")
    text = page.locator("body").inner_text()
    for title in TITLES:
        assert title in " ".join(text.split())
    pdf = tmp_path / "edition.pdf"
    page.pdf(path=str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
