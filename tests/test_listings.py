"""The webpage source on the shapes of publishers' listings, from fixture sites written in them:
the police platform's (category segments, month formats, ?page= pagination, Kent's /latest/ and
BTP's region listings), a WordPress-style commissioner site (its feed found first) and a
Mynewsdesk-style newsroom (the Met's: a cursor-paged listing, and its RSS)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from webfixture import SITES, Reply

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"


def _expected(site: str) -> dict[str, dict]:
    return json.loads((SITES / site / "expected.json").read_text(encoding="utf-8"))


def _bodies(tmp_path: Path) -> dict[str, str]:
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        return dict(db.execute("select url, body from items"))


def _check(items: list[dict], bodies: dict[str, str], expected: dict[str, dict], base: str) -> None:
    by_url = {item["url"]: item for item in items}
    for path, want in expected.items():
        item = by_url[base + path]
        assert item["title"] == want["title"]
        assert item["published"] == want["published"], path
        assert item["area"] == want["area"], path
        assert item["relevant"] is want["relevant"], (path, item["why_not"])
        for phrase in want["body_contains"]:
            assert phrase in bodies[base + path], (path, phrase)
        for phrase in want["body_excludes"]:
            assert phrase not in bodies[base + path] + item["summary"], (path, phrase)


def _platform(web, name: str, path: str, area: str, **extra) -> dict:
    web.site("platform")
    return {"name": name, "kind": "webpage", "url": web.url(path), "area": area, "org_kind": "police", **extra}


def test_platform_listing_with_categories_month_formats_and_numbered_pages(web, web_config, digest, export, tmp_path):
    config = web_config(_platform(web, "northants", "/news/northants/news/", "Northamptonshire", max_pages=3))
    result = digest("ingest", config=config)
    assert "northants: 6 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in result.stdout, result.output
    expected = {path: want for path, want in _expected("platform").items() if "/northants/" in path}
    _check(export(), _bodies(tmp_path), expected, web.base)
    listing = "/news/northants/news/"
    assert web.seen(listing + "?page=2") and web.seen(listing + "?page=3")
    assert len(web.seen(listing + "?page=3")) == 1  # page 3 is followed from page 2, not again from page 1's "3"
    for category in ("news/", "in-court/", "appeals/"):  # a category's own listing is not an article
        assert not web.seen(listing + category)


def test_max_pages_bounds_the_numbered_pages(web, web_config, digest):
    config = web_config(_platform(web, "northants", "/news/northants/news/", "Northamptonshire", max_pages=2))
    assert "northants: 5 new" in digest("ingest", config=config).stdout
    assert web.seen("/news/northants/news/?page=2") and not web.seen("/news/northants/news/?page=3")


def test_latest_listing_links_articles_outside_its_own_path(web, web_config, digest, export, tmp_path):
    """Kent lists its news at /news/kent/latest/ while the articles live under /news/kent/news/..."""
    config = web_config(_platform(web, "kent", "/news/kent/latest/", "Kent"))
    assert "kent: 2 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in digest("ingest", config=config).stdout
    expected = {path: want for path, want in _expected("platform").items() if "/kent/" in path}
    _check(export(), _bodies(tmp_path), expected, web.base)


def test_transport_police_region_listing(web, web_config, digest, export, tmp_path):
    config = web_config(_platform(web, "btp", "/news/btp/news/", "British Transport Police"))
    assert "btp: 1 new" in digest("ingest", config=config).stdout
    expected = {path: want for path, want in _expected("platform").items() if "/btp/" in path}
    _check(export(), _bodies(tmp_path), expected, web.base)


def test_a_second_run_asks_the_pages_conditionally(web, web_config, digest):
    config = web_config(_platform(web, "northants", "/news/northants/news/", "Northamptonshire", max_pages=3))
    digest("ingest", config=config)
    second = digest("ingest", config=config)
    assert "northants: 0 new" in second.stdout and "not modified" in second.stdout
    assert web.seen("/news/northants/news/")[1].headers.get("if-none-match")


def _wordpress(web, path: str) -> dict:
    web.site("wordpress", content_types={"/feed/": RSS, "/news/feed/": RSS, "/comments/feed/": RSS})
    return {"name": "kent-pcc", "kind": "webpage", "url": web.url(path), "area": "Kent", "org_kind": "pcc"}


def test_commissioner_listing_is_read_through_the_feed_it_declares(web, web_config, digest, export, tmp_path):
    config = web_config(_wordpress(web, "/news/"))
    result = digest("ingest", config=config)
    assert "kent-pcc: 2 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in result.stdout, result.output
    assert web.seen("/news/feed/")  # the category's own feed, before the site's
    assert not web.seen("/feed/") and not web.seen("/comments/feed/")
    items = {item["title"]: item for item in export()}
    assert set(items) == {"Commissioner funds knife crime mentoring in Medway",
                          "Kent and Medway serious violence strategy published"}
    mentoring = items["Commissioner funds knife crime mentoring in Medway"]
    assert mentoring["published"] == "2026-11-12" and mentoring["org_kind"] == "pcc"
    assert "trained mentors for a year" in _bodies(tmp_path)[mentoring["url"]]  # the whole article, from its page
    again = digest("ingest", config=config)
    assert "kent-pcc: 0 new" in again.stdout and "not modified" in again.stdout
    assert web.seen("/news/feed/")[1].headers.get("if-none-match")


def test_commissioner_site_whose_feed_fails_is_read_from_its_page(web, web_config, digest, export):
    config = web_config(_wordpress(web, "/"))
    web.script("/feed/", Reply(500, b"<h1>Error establishing a database connection</h1>", {"Content-Type": HTML}))
    result = digest("ingest", config=config)
    assert "kent-pcc: 3 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in result.stdout, result.output
    assert len(web.seen("/feed/")) == 3  # a 500 is retried (fetch.retries: 2), then the page is read
    assert {item["published"] for item in export()} == {"2026-11-12", "2026-11-05", "2026-10-28"}


def test_feed_discovery_can_be_turned_off(web, web_config, digest):
    config = web_config({**_wordpress(web, "/"), "discover_feed": False})
    assert "kent-pcc: 3 new" in digest("ingest", config=config).stdout
    assert not web.seen("/feed/")


def _newsroom(web) -> None:
    pages = [path for path in (SITES / "newsroom").rglob("*") if path.is_file() and not path.suffix]
    types = {"/" + path.relative_to(SITES / "newsroom").as_posix(): HTML for path in pages}
    types["/rss/current_news/66871"] = RSS
    web.site("newsroom", content_types=types)
    page_two = (SITES / "newsroom" / "latest_news-page-2.html").read_bytes()
    web.script("/latest_news?after=2025-11-16T14%3A30%3A00.000Z--505471--News", Reply(200, page_two, {"Content-Type": HTML}))


def test_newsroom_listing_paged_by_cursor(web, web_config, digest, export, tmp_path):
    _newsroom(web)
    config = web_config({"name": "met", "kind": "webpage", "url": web.url("/latest_news"), "area": "London",
                         "org_kind": "police", "max_pages": 2})
    result = digest("ingest", config=config)
    assert "met: 3 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in result.stdout, result.output
    _check(export(), _bodies(tmp_path), _expected("newsroom"), web.base)
    assert not any("/news/tag/" in path for path in web.paths())  # a tag page is not an article


def test_newsroom_rss_and_its_listing_give_the_same_items(web, web_config, digest, export):
    _newsroom(web)
    feed = {"name": "met-rss", "kind": "feed", "url": web.url("/rss/current_news/66871"), "area": "London",
            "org_kind": "police", "full_text": True}
    listing = {"name": "met", "kind": "webpage", "url": web.url("/latest_news"), "area": "London",
               "org_kind": "police", "max_pages": 2}
    config = web_config(feed, listing)
    result = digest("ingest", "--source", "met-rss", config=config)
    assert "met-rss: 3 new" in result.stdout, result.output
    result = digest("ingest", "--source", "met", config=config)
    assert "met: 0 new, 0 updated, 0 duplicate, 3 unchanged" in result.stdout, result.output
    assert len(export()) == 3
    assert {item["published"] for item in export()} == {"2025-11-18", "2025-11-16", "2025-11-10"}


def test_newsroom_home_declares_its_rss(web, web_config, digest):
    _newsroom(web)
    config = web_config({"name": "met", "kind": "webpage", "url": web.url("/"), "area": "London"})
    assert "met: 3 new" in digest("ingest", config=config).stdout
    assert web.seen("/rss/current_news/66871")
