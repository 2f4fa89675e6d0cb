"""Regressions from a review: each test reproduces one problem found in the code."""

from __future__ import annotations

import signal
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import feedparser
import pytest

from digest.text import sentences
from webfixture import Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml"}
PARAGRAPHS = "".join(
    f"<p>Officers in Luton are appealing for witnesses after a man was stabbed on Dunstable Road. Paragraph {n} "
    "gives more detail about the knife crime investigation and the arrests made by detectives.</p>" for n in range(4)
)


def _article(title: str, head: str = "", before: str = "") -> bytes:
    return (f"<html><head>{head}<title>{title}</title></head><body>{before}<article><h1>{title}</h1>"
            f"{PARAGRAPHS}</article></body></html>").encode()


def _listing(*paths: str) -> bytes:
    return ("<html><body><ul>" + "".join(f'<li><a href="{p}">story</a></li>' for p in paths) + "</ul></body></html>").encode()


@contextmanager
def _deadline(seconds: int):
    """Fail instead of hanging (a guard against runaway work, not a speed target)."""
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _webpage(web, path="/news/x/news/", **extra) -> dict:
    return {"name": "x", "kind": "webpage", "url": web.url(path), "area": "Bedfordshire", **extra}


def test_control_character_entities_never_break_the_feed(web, web_config, digest, tmp_path):
    web.script("/news/x/news/", Reply(200, _listing("/news/x/news/2026/a/"), HTML))
    web.script("/news/x/news/2026/a/", Reply(200, _article("Man stabbed&#8; in knife attack",
                                                           '<meta property="og:title" content="Man stabbed&#8; in knife attack">'), HTML))
    config = web_config(_webpage(web))
    assert digest("run", "--once", config=config).exit_code == 0
    feed = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    assert feed.bozo == 0 and feed.entries[0].title == "Man stabbed in knife attack"


def test_feed_entries_without_links_are_separate_items(web, web_config, digest, export):
    items = "".join(f"<item><guid>urn:x:{n}</guid><title>County lines gang {n} jailed</title>"
                    f"<description>Members of a county lines gang in Luton were jailed, story {n}.</description></item>"
                    for n in range(3))
    web.script("/feed/", Reply(200, f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(), RSS))
    config = web_config({"name": "pccfeed", "kind": "feed", "url": web.url("/feed/")})
    assert "pccfeed: 3 new" in digest("ingest", config=config).stdout
    assert "pccfeed: 0 new, 0 updated, 0 duplicate, 3 unchanged" in digest("ingest", config=config).stdout
    assert len(export()) == 3


def test_one_pathological_file_does_not_stop_its_folder(digest, export, seed_dir):
    (seed_dir / "deep.md").write_text("```yaml\n" + "[" * 20000 + "\n```\nKnife crime in Luton.\n", encoding="utf-8")
    (seed_dir / "bad-date.md").write_text("```yaml\ntitle: Knife arch at Luton station\ndate: 2023-02-30\n```\n"
                                          "Officers set up a knife arch at Luton station and seized two knives.\n", encoding="utf-8")
    result = digest("ingest")
    assert "seeds: 7 new" in result.stdout and "0 failed" in result.stdout
    titles = {item["title"] for item in export()}
    assert "Knife arch at Luton station" not in titles  # the broken front matter is ignored, the text kept
    assert any(t.startswith("Officers set up a knife arch") for t in titles)


def test_malformed_links_fail_only_themselves(web, web_config, digest):
    web.script("/news/x/news/", Reply(200, _listing("http://[2001:db8::1/news/x/news/2026/bad/",
                                                    "/news/x/news/2026/b&#1;ad/", "/news/x/news/2026/good/"), HTML))
    web.script("/news/x/news/2026/good/", Reply(200, _article("Good story about a stabbing in Luton"), HTML))
    result = digest("ingest", config=web_config(_webpage(web)))
    assert "x: 1 new" in result.stdout and "FAILED" not in result.stdout


def test_sentence_splitting_is_linear_on_hostile_text():
    with _deadline(20):
        parts = sentences("Knife crime in Luton. " + "Mr. Smith " * 12000)
    assert parts[0] == "Knife crime in Luton."


def test_a_server_dripping_bytes_is_cut_off(web, web_config, digest):
    web.script("/news/x/news/", Reply(200, _listing("/news/x/news/2026/slow/"), HTML))
    web.script("/news/x/news/2026/slow/", Reply(200, _article("Slow") * 3, HTML, drip=0.3))
    with _deadline(60):
        result = digest("ingest", config=web_config(_webpage(web), timeout=1, retries=0))
    assert "took longer than 3 s" in result.stderr


def test_robots_txt_redirect_is_followed(web, web_config, digest):
    web.script("/robots.txt", Reply(301, b"", {"Location": "/robots-real.txt"}))
    web.script("/robots-real.txt", Reply(200, b"User-agent: *\nDisallow: /news/x/news/2026/private/\n",
                                         {"Content-Type": "text/plain"}))
    web.script("/news/x/news/", Reply(200, _listing("/news/x/news/2026/private/", "/news/x/news/2026/open/"), HTML))
    web.script("/news/x/news/2026/open/", Reply(200, _article("Open story about a stabbing in Luton"), HTML))
    result = digest("ingest", config=web_config(_webpage(web)))
    assert "x: 1 new, 0 updated, 0 duplicate, 0 unchanged, 1 failed" in result.stdout
    assert not web.seen("/news/x/news/2026/private/")


def test_canonical_on_another_site_is_ignored_and_pages_are_not_refetched(web, web_config, digest, export):
    canonical = '<link rel="canonical" href="https://www.example.org/news/">'
    web.script("/news/x/news/", Reply(200, _listing("/news/x/news/2026/one/", "/news/x/news/2026/two/"), HTML))
    web.script("/news/x/news/2026/one/", Reply(200, _article("First stabbing appeal in Luton", canonical), HTML))
    web.script("/news/x/news/2026/two/", Reply(200, _article("Second stabbing appeal in Luton", canonical).replace(
        b"Paragraph 0", b"Another paragraph about Bedford"), HTML))
    config = web_config(_webpage(web))
    assert "x: 2 new" in digest("ingest", config=config).stdout
    assert {item["url"] for item in export()} == {web.url("/news/x/news/2026/one/"), web.url("/news/x/news/2026/two/")}
    web.script("/news/x/news/", Reply(200, _listing("/news/x/news/2026/one/", "/news/x/news/2026/two/") + b" ", HTML))
    assert "x: 0 new, 0 updated, 0 duplicate, 2 unchanged" in digest("ingest", config=config).stdout
    assert len(web.seen("/news/x/news/2026/one/")) == 1


def test_only_web_urls_reach_links(digest, export, seed_dir, tmp_path):
    (seed_dir / "js.md").write_text("```yaml\ntitle: Stabbing in Luton\nurl: \"javascript:alert(document.cookie)\"\n```\n"
                                    "A man was stabbed in Luton and officers are appealing for witnesses.\n", encoding="utf-8")
    digest("run", "--once")
    item = next(i for i in export() if i["path"] == "js.md")
    assert item["url"] is None
    for name in ("feed.xml", "feed.atom"):
        assert "javascript:" not in (tmp_path / "out" / name).read_text(encoding="utf-8")


def test_dates_come_from_the_article_not_the_navigation(tmp_path):
    from digest.extract import extract_html, extract_text

    page = ('<html><body><nav><time datetime="2019-05-01">1 May 2019</time></nav><article><h1>Knife arch at station</h1>'
            f'<p class="published">14:05 12/11/2026</p>{PARAGRAPHS}</article></body></html>')
    assert str(extract_html(page, "http://127.0.0.1/a").published) == "2026-11-12"
    text = extract_text(" date 2024-03-05 Accessibility Options\nKnife amnesty launched in Luton\nOfficers said knives can be handed in.\n")
    assert text.title == "Knife amnesty launched in Luton"


def test_feed_dates_are_local_dates(web, web_config, digest, export):
    item = ("<item><link>https://www.example.org/a</link><title>Stabbing in Luton</title>"
            "<pubDate>Tue, 02 Jun 2026 00:30:00 +0100</pubDate><description>A man was stabbed in Luton.</description></item>")
    web.script("/feed/", Reply(200, f'<rss version="2.0"><channel><title>t</title>{item}</channel></rss>'.encode(), RSS))
    digest("ingest", config=web_config({"name": "f", "kind": "feed", "url": web.url("/feed/")}))
    assert export()[0]["published"] == "2026-06-02"


@pytest.mark.parametrize("overrides, key", [
    ({"fetch": {"user_agent": ""}}, "fetch.user_agent"),
    ({"classify": {"topics": {"knife_bins": {"label": "Knife bins"}}}}, "classify.topics"),
])
def test_more_config_errors_name_their_key(write_config, digest, overrides, key):
    result = digest("check", config=write_config(**overrides))
    assert result.exit_code == 1 and key in result.output and "Traceback" not in result.output


def test_an_output_folder_that_is_a_file_is_a_one_line_error(write_config, digest, tmp_path):
    (tmp_path / "not-a-folder").write_text("x")
    result = digest("run", "--once", config=write_config(output_dir="not-a-folder"))
    assert result.exit_code == 1
    assert result.output.startswith("Error:") and "not-a-folder" in result.output and "Traceback" not in result.output


def test_previous_week_counts_leave_out_older_items(digest, seed_dir, tmp_path):
    last_week = (datetime.now(UTC) - timedelta(days=7)).date()
    (seed_dir / "last-week.txt").write_text(
        f"---\ntitle: Knife arch at Peterborough station\narea: Cambridgeshire\ndate: {last_week.isoformat()}\n---\n\n"
        "Officers set up a knife arch at Peterborough station and arrested two men after a week of action "
        "against knife crime and serious violence in the city.\n", encoding="utf-8")
    digest("ingest")
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:  # the seeds were found last week
        db.execute("update items set first_seen = datetime(first_seen, '-7 days') || '+00:00'")
    digest("build", "--week", "current")
    text = " ".join(next((tmp_path / "out" / "digests").glob("*.txt")).read_text(encoding="utf-8").split())
    # Last week had three new stories (Cambridgeshire), two of them undated, and three older items
    # (Bedfordshire, Northamptonshire): only the one published last week is counted.
    assert "Cambridgeshire 0 1 -1" in text.replace("−", "-")
    assert "Bedfordshire" not in text.split("Stories by area and topic")[1]


def test_atom_feed_names_an_author(digest, tmp_path):
    digest("run", "--once")
    atom = feedparser.parse((tmp_path / "out" / "feed.atom").read_bytes())
    assert atom.feed.author == "Serious violence news digest"
