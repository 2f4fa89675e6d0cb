"""Sources that say why: a bot-protection challenge is "blocked by bot protection" (and the source
waits, longer each time, before it is tried again; never evaded), a known listing layout that no
longer matches is "layout changed", a source quiet for longer than its expect_every is "stale";
each in `digest status`, /healthz and the edition's foot."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from digest.bot_protection import PROVIDERS, challenge_in_headers, challenge_in_page, interstitial
from webfixture import SITES, Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
LISTING = "/news/kent/latest/"
# A Cloudflare-style managed challenge, as such pages are built (in our own words).
CHALLENGE = b"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body><div class="main-wrapper" role="main">
<h1>www.kent.police.uk</h1><p>Verifying you are human. This may take a few seconds.</p>
<noscript>Enable JavaScript and cookies to continue</noscript>
<script>(function(){window._cf_chl_opt={cvId:'3',cZone:'www.kent.police.uk',cType:'managed'};
var s=document.createElement('script');s.src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f2a';
document.getElementsByTagName('head')[0].appendChild(s);}());</script></div></body></html>"""
CLOUDFLARE = {**HTML, "Server": "cloudflare", "CF-RAY": "8f2a61b7e9c1-LHR"}
# The same provider's plainer page, with no challenge script: known by its headers and its words.
WAIT_PAGE = (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><p>Checking your browser "
             b"before accessing the site.</p></body></html>")


def _source(web, path: str = LISTING, **extra) -> dict:
    web.site("platform")
    return {"name": "kent", "kind": "webpage", "url": web.url(path), "area": "Kent", "org": "Kent Police",
            "org_kind": "police", **extra}


def _health(digest, config) -> dict:
    from digest.config import load_config
    from digest.server import health
    from digest.service import read_status

    loaded = load_config(config)
    code, report = health(loaded, lambda: read_status(loaded.database))
    assert code == 200
    return report


def _foot(digest, config, tmp_path: Path) -> str:
    assert digest("build", "--week", "current", config=config).exit_code == 0
    text = next((tmp_path / "out" / "digests").glob("*.txt")).read_text(encoding="utf-8")
    html = next((tmp_path / "out" / "digests").glob("*.html")).read_text(encoding="utf-8")
    return " ".join(text.split()) + "\n" + html


def test_a_challenge_with_cf_mitigated_is_blocked_not_layout_changed(web, web_config, digest, tmp_path):
    web.script(LISTING, Reply(403, CHALLENGE, {**CLOUDFLARE, "cf-mitigated": "challenge"}))
    config = web_config(_source(web))
    result = digest("ingest", config=config)
    host = web.host
    assert (f"kent: FAILED: {web.url(LISTING)}: blocked by bot protection ({host}): HTTP 403 with a Cloudflare "
            "challenge; not retried in this run") in result.stdout, result.output
    assert "layout" not in result.stdout
    assert len(web.seen(LISTING)) == 1  # not retried within the run
    agent = web.seen(LISTING)[0].headers["user-agent"]
    assert agent.startswith("digest/") and "digest.example.org/contact" in agent  # as always: no disguise

    status = digest("status", config=config).stdout
    assert f"kent (webpage): BLOCKED (1 in a row): {web.url(LISTING)}: blocked by bot protection ({host})" in status
    assert "not tried again before 20" in status

    report = _health(digest, config)
    assert report["status"] == "degraded"
    [failing] = report["failing_sources"]
    assert failing["name"] == "kent" and failing["problem"] == "blocked"
    assert failing["last_error"] == f"blocked by bot protection ({host})"
    assert failing["retry_after"] and "http" not in json.dumps(report)  # no URL, no private detail

    foot = _foot(digest, config, tmp_path)
    assert f"Kent Police: failed 1 of 1 runs; last error: blocked by bot protection ({host})" in foot


def test_a_blocked_source_waits_longer_each_time_and_is_tried_again(web, web_config, digest, tmp_path):
    """The wait is an hour, then twice that; the clock is moved on by rewriting the stored time the
    source may be tried again (so the test does not depend on how fast this machine runs a command)."""
    from datetime import datetime

    database = tmp_path / "data" / "digest.db"

    def wait_over() -> None:
        with sqlite3.connect(database) as db:
            db.execute("update sources set retry_after = '2000-01-01T00:00:00+00:00'")

    web.script(LISTING, Reply(403, CHALLENGE, {**CLOUDFLARE, "cf-mitigated": "challenge"}))
    config = web_config(_source(web), blocked_backoff="1h")
    digest("ingest", config=config)
    waiting = digest("ingest", config=config)
    assert (f"kent: SKIPPED: blocked by bot protection ({web.host}) (1 run in a row); not tried again before 20"
            in waiting.stdout), waiting.output
    assert len(web.seen(LISTING)) == 1  # the waiting source asked nothing
    wait_over()
    digest("ingest", config=config)
    assert len(web.seen(LISTING)) == 2  # its wait over, it is tried once more: blocked again
    with sqlite3.connect(database) as db:
        blocked, attempt, retry = db.execute("select blocked_runs, last_attempt, retry_after from sources").fetchone()
        runs = db.execute("select count(*), sum(error like '%not tried again before%') from runs").fetchone()
    assert blocked == 2
    wait = (datetime.fromisoformat(retry) - datetime.fromisoformat(attempt)).total_seconds()
    assert wait == pytest.approx(7200, abs=60)  # an hour, then twice that
    assert runs == (3, 1)  # two attempts and the skipped run between them

    web.script(LISTING, Reply(200, (SITES / "platform" / "news/kent/latest/index.html").read_bytes(), HTML))
    wait_over()
    recovered = digest("ingest", config=config)
    assert "kent: 2 new" in recovered.stdout, recovered.output
    assert "kent (webpage): OK" in digest("status", config=config).stdout
    assert _health(digest, config)["failing_sources"] == []


def test_a_503_challenge_is_blocked_and_not_retried(web, web_config, digest):
    web.script(LISTING, Reply(503, WAIT_PAGE, CLOUDFLARE))
    config = web_config(_source(web))
    result = digest("ingest", config=config)
    assert f"blocked by bot protection ({web.host}): HTTP 503 with a Cloudflare challenge" in result.stdout
    assert len(web.seen(LISTING)) == 1  # an ordinary 503 is retried (fetch.retries); a challenge is not


def test_an_ordinary_403_is_an_ordinary_failure(web, web_config, digest, tmp_path):
    web.script(LISTING, Reply(403, b"<html><body><h1>403 Forbidden</h1><p>You may not see this page.</p></body></html>",
                              CLOUDFLARE))
    config = web_config(_source(web), blocked_backoff="1h")
    result = digest("ingest", config=config)
    assert f"kent: FAILED: {web.url(LISTING)}: HTTP 403" in result.stdout
    assert "bot protection" not in result.stdout
    assert "kent (webpage): FAILING (1 in a row)" in digest("status", config=config).stdout
    [failing] = _health(digest, config)["failing_sources"]
    assert failing["problem"] == "failing" and failing["last_error"] == "HTTP 403"
    digest("ingest", config=config)
    assert len(web.seen(LISTING)) == 2  # no wait: tried again at the next run


def test_a_challenge_on_robots_txt_is_blocked_not_a_robots_rule(web, web_config, digest):
    web.script("/robots.txt", Reply(403, CHALLENGE, {**CLOUDFLARE, "cf-mitigated": "challenge"}))
    result = digest("ingest", config=web_config(_source(web)))
    assert f"kent: FAILED: {web.url('/robots.txt')}: blocked by bot protection ({web.host})" in result.stdout
    assert "robots.txt (" not in result.stdout and not web.seen(LISTING)


def test_a_challenge_on_an_article_stops_the_source(web, web_config, digest):
    first = "/news/kent/news/news/2024/march/weapons-sweep-finds-knives-in-margate-parks/"
    web.script(first, Reply(403, b'<html><body><script src="https://geo.captcha-delivery.com/captcha/"></script>'
                                 b"</body></html>", {**HTML, "X-DataDome": "protected"}))
    result = digest("ingest", config=web_config(_source(web)))
    assert (f"kent: FAILED: {web.url(first)}: blocked by bot protection ({web.host}): HTTP 403 with a DataDome "
            "challenge") in result.stdout, result.output
    assert not web.seen("/news/kent/news/appeals/2024/march/appeal-after-robbery-at-knifepoint-in-chatham/")


def test_a_listing_replaced_by_a_challenge_page_is_blocked(web, web_config, digest):
    web.script(LISTING, Reply(200, CHALLENGE, HTML))  # served as if it were the page
    result = digest("ingest", config=web_config(_source(web)))
    assert f"blocked by bot protection ({web.host}): the page is a Cloudflare challenge" in result.stdout
    assert "layout changed" not in result.stdout


def test_a_platform_listing_whose_layout_changed(web, web_config, digest, tmp_path):
    redesigned = (SITES / "police" / "changed-layout" / "index.html").read_bytes()
    web.script(LISTING, Reply(200, redesigned, HTML))
    config = web_config(_source(web))
    result = digest("ingest", config=config)
    assert (f"kent: FAILED: {web.url(LISTING)}: layout changed: the page loaded, but no link on it has the "
            "article shape of the police platform (Single Online Home)") in result.stdout, result.output
    assert "kent (webpage): LAYOUT CHANGED (1 in a row)" in digest("status", config=config).stdout
    [failing] = _health(digest, config)["failing_sources"]
    assert failing["problem"] == "layout changed" and failing["last_error"] == "layout changed"
    assert "Kent Police: failed 1 of 1 runs; last error: layout changed" in _foot(digest, config, tmp_path)
    digest("ingest", config=config)
    assert len(web.seen(LISTING)) == 2  # no wait: a changed layout is asked for again


def test_own_selectors_that_find_nothing_are_layout_changed(web, web_config, digest):
    web.site("platform")
    config = web_config(_source(web, link_selector="ul.headlines a"))
    assert "layout changed: the page loaded, but the source's link_selector" in digest("ingest", config=config).stdout


def test_a_source_with_no_new_item_for_longer_than_expect_every_is_stale(web, web_config, digest,
                                                                         tmp_path, seed_dir):
    config = web_config(_source(web, expect_every="1s"))
    data_sources = [{"name": "seeds", "kind": "folder", "path": str(seed_dir)}]
    import yaml

    loaded = yaml.safe_load(config.read_text(encoding="utf-8"))
    loaded["sources"] += data_sources
    config.write_text(yaml.safe_dump(loaded), encoding="utf-8")
    assert "kent: 2 new" in digest("ingest", config=config).stdout
    assert "kent (webpage): OK" in digest("status", config=config).stdout
    time.sleep(2.1)  # times are kept to the second
    assert "kent: 0 new" in digest("ingest", config=config).stdout  # read fine, nothing new
    status = digest("status", config=config).stdout
    assert "kent (webpage): STALE: no new item for over 1 second, last new item 20" in status, status
    assert "seeds (folder): OK" in status  # a folder has no expect_every unless given one
    report = _health(digest, config)
    assert report["status"] == "degraded" and report["failing_sources"] == []
    assert [(s["name"], s["problem"]) for s in report["stale_sources"]] == [("kent", "stale: no new item for over 1 second")]
    assert "Kent Police: stale: no new item for over 1 second" in _foot(digest, config, tmp_path)


@pytest.mark.parametrize("provider, headers, page", [
    ("Akamai", {"Server": "AkamaiGHost"}, b"<H1>Access Denied</H1>You don't have permission to access this server."
                                          b"<P>Reference&#32;&#35;18&#46;5c3e1402"),
    ("Akamai", {}, b'<p>See <a href="https://errors.edgesuite.net/18.5c3e1402">the reference</a></p>'),
    ("Imperva", {"X-Iinfo": "14-123456-0 0NNN RT(1700000000000 0)"}, b"<html><head><META NAME=\"robots\" "
                b"CONTENT=\"noindex,nofollow\"><script src=\"/_Incapsula_Resource?SWJIYLWA=5074a744\"></script>"),
    ("DataDome", {"X-DataDome": "protected"}, b'{"url":"https://geo.captcha-delivery.com/captcha/?initialCid=AHrl"}'),
    ("Sucuri", {"X-Sucuri-ID": "16014"}, b"<title>Sucuri WebSite Firewall - Access Denied</title>"),
    ("Cloudflare", {"Server": "cloudflare"}, b"<title>Attention Required! | Cloudflare</title>"),
])
def test_each_provider_challenge_page_is_known(provider, headers, page):
    assert challenge_in_page(headers, page) == provider


def test_ordinary_pages_are_not_challenges():
    forbidden = b"<h1>Access Denied</h1><p>This page is for staff only.</p>"
    assert challenge_in_page({}, forbidden) is None  # the words alone, without the provider's headers
    assert challenge_in_page({"Server": "cloudflare"}, b"<h1>403 Forbidden</h1>") is None
    assert challenge_in_headers({"Server": "cloudflare", "CF-RAY": "1"}) is None
    assert challenge_in_headers({"cf-mitigated": "challenge"}) == "Cloudflare"
    assert challenge_in_headers({"x-amzn-waf-action": "captcha"}) == "AWS WAF"
    article = b"<p>The site runs behind Cloudflare; officers said access denied to the building was lifted.</p>"
    assert interstitial(article) is None
    assert {p.name for p in PROVIDERS} >= {"Cloudflare", "Akamai", "Imperva", "DataDome", "Sucuri"}


@pytest.mark.parametrize("new_in_window, stale", [(True, False), (False, True)])
def test_a_past_weeks_edition_judges_staleness_as_at_its_end(tmp_path, new_in_window, stale):
    """The store keeps only a source's last new item; for a week before it, the runs tell."""
    from datetime import timedelta

    import yaml

    from digest.config import load_config
    from digest.report import build_edition
    from digest.store import Store
    from digest.store.db import iso
    from digest.topics import Taxonomy
    from digest.weeks import week_bounds

    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump({"sources": [{"name": "pcc", "kind": "feed", "url": "https://pcc.example/feed/",
                                                        "org": "The Commissioner", "expect_every": "7d"}]}))
    config = load_config(config_file)
    store = Store(config.database)
    start, end = week_bounds("2026-W40", config.tz)
    store.runs.record("pcc", "feed", start, {"new": 1}, None)  # the source's row; its times set below
    with store.db.transaction():
        store.db.execute("delete from runs")
        runs = [(end - timedelta(days=60), 2), (end - timedelta(days=2), 0), (end + timedelta(days=30), 4)]
        if new_in_window:
            runs.append((end - timedelta(days=3), 1))
        for started, new in runs:
            store.db.insert("runs", {"source": "pcc", "started": iso(started), "finished": iso(started), "new": new,
                                     "updated": 0, "duplicate": 0, "unchanged": 0, "failed": 0, "not_modified": 0})
        store.db.execute("update sources set first_attempt = ?, last_new = ?",
                         [iso(end - timedelta(days=60)), iso(end + timedelta(days=30))])
    edition = build_edition(config, store.archive, store.runs, Taxonomy({}), "2026-W40")
    problems = [p["problem"] for p in edition.source_problems]
    assert problems == (["stale: no new item for over 7 days"] if stale else [])
    store.close()
