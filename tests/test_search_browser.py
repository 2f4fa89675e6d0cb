"""The search page in headless Chromium, served with the built pages by the real server on 127.0.0.1:
hostile queries stay text (nothing runs, nothing loads from elsewhere), the results start on a
phone's first screen, facets stand beside the results on a desktop, and an area page's search link
lands on that area's stories."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import waitress

from browsing import CHROMIUM, chromium
from digest.config import load_config
from digest.server import make_app
from digest.service import read_status
from digest.store.search import ThreadSearches
from test_serve import stop_server
from trend_fixture import found_when_published, write_twelve_weeks

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '"><img src="http://192.0.2.1/x.png" onerror="window.__pwned = 1">',
    "</title><script>window.__pwned = 1</script>",
    "javascript:window.__pwned = 1",
    "{{ 7 * 7 }} {% if 1 %}x{% endif %}",
    "<svg onload=\"window.__pwned = 1\"></svg> knife",
    "' OR 1=1 -- <iframe src=\"http://192.0.2.1/\"></iframe>",
    'NEAR("knife" "crime", 2) OR *',
    "\u202eknife",
    "k" * 10_000,
]


@pytest.fixture
def site(digest, seed_dir: Path, tmp_path: Path, config_path: Path) -> Iterator[str]:
    """Twelve weeks of stories, ingested and built, served with search by the app `digest serve` runs."""
    write_twelve_weeks(seed_dir, datetime.now(UTC).date())
    assert digest("ingest").exit_code == 0
    found_when_published(tmp_path / "data" / "digest.db")
    result = digest("build", "--week", "current")
    assert result.exit_code == 0, result.output
    config = load_config(config_path)
    server = waitress.create_server(
        make_app(config, partial(read_status, config.database), ThreadSearches(config.database)),
        host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}/"
    stop_server(server)
    thread.join(timeout=5)


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def _open(browser: Any, width: int, height: int) -> tuple[Any, list[str], list[str]]:
    """A page at that size, recording every URL it requests and every dialog it opens."""
    page = browser.new_page(viewport={"width": width, "height": height})
    requested: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return page, requested, dialogs


def test_hostile_queries_are_inert_text(site: str, browser: Any) -> None:
    page, requested, dialogs = _open(browser, 1280, 800)
    for query in HOSTILE:
        requested.clear()
        response = page.goto(f"{site}search?{urlencode({'q': query})}")
        assert response.status in (200, 400), query
        state = page.evaluate("""() => ({pwned: window.__pwned, scripts: document.scripts.length,
            embedded: document.querySelectorAll('main img, main svg, main iframe, header img, header iframe').length,
            value: document.querySelector('#q').value,
            lede: (document.querySelector('.lede') || document.querySelector('.error')).innerText})""")
        assert state["pwned"] is None and state["scripts"] == 0 and state["embedded"] == 0, (query, state)
        assert state["value"] == query[:1000]  # the box gives the query back as typed (up to its maxlength)
        if response.status == 200:  # told back as text: a template's braces are not evaluated either
            assert query[:60] in state["lede"], state["lede"]
        assert {urlsplit(url).netloc for url in requested} == {urlsplit(site).netloc}, requested
    assert dialogs == []


def test_a_query_typed_in_the_box_is_searched(site: str, browser: Any) -> None:
    page, _, dialogs = _open(browser, 1280, 800)
    page.goto(f"{site}search")
    page.fill("#q", 'knife "county line" <b>bold</b>')
    page.press("#q", "Enter")
    page.wait_for_load_state()
    assert "q=knife+%22county+line%22+%3Cb%3Ebold%3C%2Fb%3E" in page.url
    assert page.evaluate("document.querySelectorAll('main b').length") == 0
    assert page.input_value("#q") == 'knife "county line" <b>bold</b>'
    assert dialogs == []


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_results_come_first_and_facets_fit(site: str, browser: Any, width: int, height: int) -> None:
    page, _, _ = _open(browser, width, height)
    page.goto(f"{site}search?{urlencode({'q': 'knife', 'area': 'Bedfordshire'})}")
    first = page.locator(".results article").first.bounding_box()
    facets = page.locator("#narrow").bounding_box()
    assert first is not None and facets is not None
    assert first["y"] + 40 < height, "the first result starts on the first screen"
    assert page.evaluate(OVERFLOW) <= 0
    assert "Narrowed to area Bedfordshire" in page.inner_text(".narrowed")
    if width >= 1024:
        assert facets["x"] > first["x"] + first["width"] and facets["y"] < first["y"] + first["height"]
    else:
        assert facets["y"] > first["y"]
        page.click("text=Narrow by area, topic or publisher kind")
        assert page.evaluate("location.hash") == "#narrow"
    long_query = page.goto(f"{site}search?{urlencode({'q': 'k' * 10_000})}")
    assert long_query is not None and long_query.status in (200, 400)
    assert page.evaluate(OVERFLOW) <= 0


def test_an_area_pages_search_link_lands_on_its_stories(site: str, browser: Any) -> None:
    page, _, _ = _open(browser, 390, 844)
    page.goto(f"{site}areas/bedfordshire.html")
    page.click("text=Search Bedfordshire's stories")
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/search"
    assert "Narrowed to area Bedfordshire" in page.inner_text(".narrowed")
    areas = set(page.locator(".results .area").all_inner_texts())
    assert areas == {"Bedfordshire"}


def test_the_index_links_to_the_search(site: str, browser: Any) -> None:
    page, _, _ = _open(browser, 1280, 800)
    page.goto(f"{site}index.html")
    with page.expect_navigation() as landed:
        page.click("text=Search the archive")
    assert landed.value is not None and landed.value.status == 200
    assert urlsplit(page.url).path == "/search" and page.is_visible("#q")
