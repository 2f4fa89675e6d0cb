"""A hostile story, served by `digest serve`'s app and opened in headless Chromium: shown as text, never run."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import waitress
from waitress import wasyncore

from browsing import CHROMIUM, chromium
from digest.config import load_config
from digest.server import make_app
from digest.service import read_status

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
REPO = Path(__file__).resolve().parent.parent
HOSTILE_TITLE = "<script>alert(1)</script> Knife arch at Luton station"
HOSTILE_BODY = (
    "Officers set up a knife arch at Luton station on Friday in a week of action against knife crime. "
    '"><img src=x onerror=alert(2)> Two men were arrested and three knives were seized after passengers '
    "walked through the arch. Bedfordshire Police said tackling knife crime and serious violence remains "
    "a priority, and officers carried out weapons sweeps around the town centre.\n"
)


@pytest.fixture
def site(digest, seed_dir: Path, config_path: Path) -> Iterator[str]:
    # Dated today, so the story is one of this week's items whatever the date the tests run on.
    (seed_dir / "hostile.txt").write_text(f" date {date.today().isoformat()} {HOSTILE_TITLE}\n{HOSTILE_BODY}",
                                          encoding="utf-8")
    result = digest("run", "--once")
    assert result.exit_code == 0, result.output
    config = load_config(config_path)
    server = waitress.create_server(make_app(config, partial(read_status, config.database)), host="127.0.0.1",
                                    port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}/"
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map, ignore_all=True))  # server.close() in its thread
    server.task_dispatcher.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def _is_safe_link(href: str, page_url: str, site: str) -> bool:
    if href.lower().startswith(("http://", "https://")):
        return True
    return ":" not in href.split("/")[0] and not href.startswith("//") and urljoin(page_url, href).startswith(site)


def _console_error(message: Any, errors: list[str]) -> None:
    # The browser's own request for /favicon.ico (the site has none) is not the page's doing.
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        errors.append(f"{message.text} at {message.location.get('url')}")


def test_hostile_story_is_shown_as_text_and_never_runs(site: str, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda message: _console_error(message, errors))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    response = page.goto(site)
    assert response is not None and response.status == 200
    page.locator("a.edition-link").first.click()
    page.wait_for_load_state("load")
    assert "/digests/" in page.url and page.url.endswith(".html")

    assert page.get_by_text("<script>alert(1)</script>", exact=False).first.is_visible()
    assert page.get_by_text("Knife arch at Luton station", exact=False).first.is_visible()
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert "onerror=alert(2)" in page.locator("body").inner_text()

    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and any(h.lower().startswith("http") for h in hrefs)
    unsafe = [href for href in hrefs if not _is_safe_link(href, page.url, site)]
    assert unsafe == []

    shot = tmp_path / "edition.png"
    page.screenshot(path=str(shot), full_page=True)
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copyfile(shot, artifacts / "edition.png")
    for png in (shot, artifacts / "edition.png"):
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000

    page.wait_for_timeout(300)  # give any injected handler a chance to fire before the final checks
    assert dialogs == [], dialogs
    assert errors == [], errors
