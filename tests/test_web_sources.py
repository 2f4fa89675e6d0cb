"""Web sources against fixture sites served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import feedparser

from webfixture import SITES

POLICE_LISTING = "/news/bedfordshire/news/"
RSS = {"/feed/": "application/rss+xml; charset=UTF-8"}
ATOM = {"/atom/feed.xml": "application/atom+xml"}


def _expected(site: str) -> dict[str, dict]:
    return json.loads((SITES / site / "expected.json").read_text(encoding="utf-8"))


def _bodies(tmp_path: Path) -> dict[str, str]:
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        return dict(db.execute("select url, body from items"))


def _police(web, **extra) -> dict:
    web.site("police")
    return {"name": "beds-police", "kind": "webpage", "url": web.url(POLICE_LISTING), "area": "Bedfordshire",
            "org": "Bedfordshire Police", "org_kind": "police", "max_pages": 3, **extra}


def _check_items(items: list[dict], bodies: dict[str, str], expected: dict[str, dict], base: str) -> None:
    by_url = {item["url"]: item for item in items}
    for key, want in expected.items():
        url = key if key.startswith("http") else base + key
        item = by_url[url]
        assert item["title"] == want["title"]
        assert item["published"] == want["published"], url
        assert item["area"] == want["area"], url
        if "relevant" in want:
            assert item["relevant"] is want["relevant"], (url, item["why_not"], item["reasons"])
        body = bodies[url]
        for phrase in want["body_contains"]:
            assert phrase in body, (url, phrase)
        for phrase in want.get("body_excludes", []):
            assert phrase not in body + item["title"] + item["summary"], (url, phrase)


def test_police_platform_listing_with_pagination(web, web_config, digest, export, tmp_path):
    config = web_config(_police(web))
    result = digest("ingest", config=config)
    assert "beds-police: 6 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in result.stdout
    _check_items(export(), _bodies(tmp_path), _expected("police"), web.base)
    assert web.seen(POLICE_LISTING + "?page=2"), "the second listing page was not followed"
    assert not any(path.startswith("/private/") for path in web.paths())
    agent = web.seen(POLICE_LISTING)[0].headers["user-agent"]
    assert agent.startswith("digest/") and "https://digest.example.org/contact" in agent
    assert web.paths()[0] == "/robots.txt"


def test_second_run_is_conditional_and_fetches_no_article_twice(web, web_config, digest, export, tmp_path):
    config = web_config(_police(web))
    digest("ingest", config=config)
    before = export()
    second = digest("ingest", config=config)
    assert "beds-police: 0 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed (not modified since the last run)" in second.stdout
    assert export() == before
    listing = web.seen(POLICE_LISTING)
    assert len(listing) == 2
    assert listing[1].headers.get("if-none-match", "").startswith('"')
    for path in _expected("police"):
        assert len(web.seen(path)) == 1, path
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        statuses = [row[0] for row in db.execute("select status from fetch_log where url = ? order by id", [web.url(POLICE_LISTING)])]
    assert statuses == [200, 304]


def test_changed_listing_fetches_only_new_articles(web, web_config, digest):
    config = web_config(_police(web, max_pages=1))
    digest("ingest", config=config)
    # The listing changes (a new ETag) but lists the same four articles plus page 2's two.
    page = (SITES / "police" / "news/bedfordshire/news/index.html").read_text(encoding="utf-8")
    extra = (SITES / "police" / "news/bedfordshire/news/page-2.html").read_text(encoding="utf-8")
    from webfixture import Reply

    web.script(POLICE_LISTING, Reply(200, (page + extra).encode(), {"Content-Type": "text/html", "ETag": '"v2"'}))
    result = digest("ingest", config=config)
    assert "beds-police: 2 new, 0 updated, 0 duplicate, 4 unchanged, 0 failed" in result.stdout
    for path in _expected("police"):
        assert len(web.seen(path)) == 1, path


def test_commissioner_feed_with_full_text(web, web_config, digest, export, tmp_path):
    web.site("pcc", content_types=RSS)
    config = web_config({"name": "beds-pcc", "kind": "feed", "url": web.url("/feed/"), "full_text": True,
                         "area": "Bedfordshire", "org_kind": "pcc"})
    result = digest("ingest", config=config)
    assert "beds-pcc: 3 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in result.stdout
    _check_items(export(), _bodies(tmp_path), _expected("pcc"), web.base)
    again = digest("ingest", config=config)
    assert "0 new" in again.stdout and "not modified" in again.stdout
    assert web.seen("/feed/")[1].headers.get("if-none-match")
    for path in _expected("pcc"):
        assert len(web.seen(path)) == 1


def test_feed_found_from_a_web_page(web, web_config, digest, export):
    web.site("pcc", content_types=RSS)
    config = web_config({"name": "beds-pcc", "kind": "feed", "url": web.url("/"), "area": "Bedfordshire"})
    result = digest("ingest", config=config)
    assert "beds-pcc: 3 new" in result.stdout
    assert web.seen("/feed/")
    titles = {item["title"] for item in export()}
    assert titles == {want["title"] for want in _expected("pcc").values()}


def test_atom_feed_entries_become_items(web, web_config, digest, export, tmp_path):
    web.site("atom", prefix="/atom/", content_types=ATOM)
    config = web_config({"name": "local-paper", "kind": "feed", "url": web.url("/atom/feed.xml"), "org_kind": "news"})
    result = digest("ingest", config=config)
    assert "local-paper: 3 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in result.stdout
    _check_items(export(), _bodies(tmp_path), _expected("atom"), web.base)
    assert all(item["org_kind"] == "news" for item in export())


def test_feed_entries_are_not_reprocessed_when_unchanged(web, web_config, digest, export):
    web.site("atom", prefix="/atom/", content_types=ATOM)
    config = web_config({"name": "local-paper", "kind": "feed", "url": web.url("/atom/feed.xml")})
    digest("ingest", config=config)
    body = (SITES / "atom" / "feed.xml").read_bytes().replace(b"ATOM_HOST", web.host.encode())
    from webfixture import Reply

    web.script("/atom/feed.xml", Reply(200, body, {"Content-Type": "application/atom+xml", "ETag": '"new-etag"'}))
    result = digest("ingest", config=config)
    assert "local-paper: 0 new, 0 updated, 0 duplicate, 3 unchanged, 0 failed" in result.stdout


def test_web_items_reach_the_edition_and_feed(web, web_config, digest, tmp_path):
    config = web_config(_police(web))
    assert digest("run", "--once", config=config).exit_code == 0
    rss = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    assert rss.bozo == 0
    links = {entry.link for entry in rss.entries}
    relevant = [key for key, want in _expected("police").items() if want["relevant"]]
    assert links == {web.base + key for key in relevant}
