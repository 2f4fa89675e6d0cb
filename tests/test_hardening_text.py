"""Issue 16, items 1, 13, 14 and 15: what outside text can do to the store and the feeds.

Characters XML cannot carry never reach the store (and a store that holds one still builds); feeds
are inert in every reader; one large page costs a bounded amount of parsing; feed entries without
a title, or whose body is only markup, are not lost."""

from __future__ import annotations

import html
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from digest.extract import MAX_CHARACTERS, MAX_TAGS
from webfixture import Reply

ATOM_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "atom.rnc"
ATOM = "{http://www.w3.org/2005/Atom}"
HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
ATOM_TYPE = {"Content-Type": "application/atom+xml; charset=utf-8"}
STORY = ("A man was stabbed on George Street in Luton on Tuesday evening. Officers arrested two men on suspicion "
         "of wounding with intent and possession of a bladed article. Detectives said knife crime has no place in Luton.")
# Characters XML 1.0 cannot carry, and the bidi overrides and isolates that reorder a title.
NOT_XML = "\ufffe\uffff"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _rss(*items: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Commissioner news</title>'
            f'<link>http://127.0.0.1/</link><description>News</description>{"".join(items)}</channel></rss>').encode()


def _feeds(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.suffix in (".xml", ".atom") and p.is_file())


def _assert_feeds_valid(out: Path) -> None:
    """Every feed written parses cleanly, and feed.atom is valid Atom (RFC 4287's schema) where jing is installed."""
    feeds = _feeds(out)
    assert out / "feed.xml" in feeds and out / "feed.atom" in feeds
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
    if ATOM_SCHEMA.is_file() and shutil.which("jing"):
        result = subprocess.run(["jing", "-c", str(ATOM_SCHEMA), str(out / "feed.atom")],
                                check=False, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr


def _bodies(config_dir: Path) -> dict[str, str]:
    """The stored body of each item, by title, read from the database itself (export does not give bodies)."""
    with sqlite3.connect(config_dir / "data" / "digest.db") as db:
        return dict(db.execute("SELECT title, body FROM items"))


# --- item 1: characters XML cannot carry ------------------------------------------------------------


def test_characters_xml_cannot_carry_never_reach_the_store_from_a_file(digest, export, seed_dir, tmp_path):
    (seed_dir / "200_bad_title.txt").write_text(
        f"Man stabbed{NOT_XML} in \u202eLuton\u202c knife \u2066attack\u2069\n\n{STORY}\ufffe\n", encoding="utf-8")
    assert digest("ingest").exit_code == 0
    item = next(i for i in export() if i["path"] == "200_bad_title.txt")
    assert item["title"] == "Man stabbed in Luton knife attack"
    assert not set(NOT_XML + BIDI) & set(item["summary"] + "".join(_bodies(tmp_path).values()))
    result = digest("build", "--week", "current")
    assert result.exit_code == 0, result.output
    assert any(e.title == "Man stabbed in Luton knife attack"
               for e in feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes()).entries)
    _assert_feeds_valid(tmp_path / "out")


def test_characters_xml_cannot_carry_never_reach_the_store_from_a_feed(web, web_config, digest, export, tmp_path):
    """References to U+FFFE, U+FFFF and lone surrogates (feedparser's lenient parser failed on the whole
    feed at one), raw U+FFFE, and bidi controls, in titles and text."""
    web.script("/feed/", Reply(200, _rss(
        "<item><title>Knife&#xFFFE; arch &#xD800;at Luton&#55296; station&#xFFFF; \ufffe&#x202E;seized&#x2069;</title>"
        f"<link>/news/arch/</link><description>{STORY} &#xDFFF;Two knives were seized.</description></item>",
        f"<item><title>Teenager charged after &#x2067;Bedford&#x202C; stabbing</title><link>/news/charged/</link>"
        f"<description>{STORY}&#xFFFE;</description></item>"), RSS))
    config = web_config({"name": "pccfeed", "kind": "feed", "url": web.url("/feed/"), "area": "Bedfordshire"})
    assert "pccfeed: 2 new" in digest("ingest", config=config).stdout
    assert {i["title"] for i in export()} == {"Knife arch at Luton station seized",
                                              "Teenager charged after Bedford stabbing"}
    for text in [*_bodies(tmp_path).values(), *(i["summary"] for i in export())]:
        assert not any(c in NOT_XML + BIDI or "\ud800" <= c <= "\udfff" for c in text)
    result = digest("build", "--week", "current", config=config)
    assert result.exit_code == 0, result.output
    _assert_feeds_valid(tmp_path / "out")


def test_a_store_already_holding_such_a_title_still_builds_its_feeds(digest, tmp_path):
    """A title stored before this rule (or by an older version) must not stop every later build."""
    assert digest("ingest").exit_code == 0
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        db.execute("UPDATE items SET title = title || char(65534) || char(65535) || char(8238) || ' end',"
                   " summary = summary || char(65534)")
    result = digest("build", "--week", "current")
    assert result.exit_code == 0, result.output
    _assert_feeds_valid(tmp_path / "out")
    titles = [e.title for e in feedparser.parse((tmp_path / "out" / "feed.atom").read_bytes()).entries]
    assert titles and all(t.endswith(" end") and not set(NOT_XML + BIDI) & set(t) for t in titles)


# --- item 13: feeds are inert in every reader ---------------------------------------------------------

MARKUP = 'Officers seized <img src="x" onerror="alert(1)"> a knife & <script>alert(2)</script> a machete in Luton.'


def test_markup_in_a_summary_shows_as_text_in_rss_and_atom(digest, seed_dir, tmp_path):
    (seed_dir / "300_markup.md").write_text(
        f"---\ntitle: Knife and machete seized in Luton\ndescription: '{MARKUP}'\n---\n{STORY}\n", encoding="utf-8")
    assert digest("ingest").exit_code == 0
    assert digest("build", "--week", "current").exit_code == 0
    out = tmp_path / "out"
    rss = etree.fromstring((out / "feed.xml").read_bytes())
    description = next(item.findtext("description") for item in rss.iter("item")
                       if item.findtext("title") == "Knife and machete seized in Luton")
    # Read as HTML, its first paragraph is the summary's text (then why included, and the figures).
    assert description.split("\n\n")[0] == html.escape(MARKUP, quote=False)
    assert "<" not in description
    entry = next(e for e in feedparser.parse((out / "feed.xml").read_bytes()).entries
                 if e.title == "Knife and machete seized in Luton")
    assert "<img" not in entry.summary and "<script" not in entry.summary  # what a reader renders: text
    atom = etree.fromstring((out / "feed.atom").read_bytes())
    content = next(e.find(f"{ATOM}content") for e in atom.iter(f"{ATOM}entry")
                   if e.findtext(f"{ATOM}title") == "Knife and machete seized in Luton")
    assert content.get("type") == "text" and content.text.split("\n\n")[0] == MARKUP
    for path in _feeds(out):  # every feed: topic, area and editions feeds too
        tree = etree.fromstring(path.read_bytes())
        assert all("<" not in (text.text or "") for text in tree.iter("description")), path
        assert all(text.get("type") == "text" for text in tree.iter(f"{ATOM}content", f"{ATOM}summary")), path


def test_no_date_in_a_feed_is_later_than_the_build(web, web_config, digest, tmp_path):
    web.script("/feed/", Reply(200, _rss(
        f"<item><title>Stabbing in Luton: appeal</title><link>/news/future/</link>"
        f"<pubDate>Mon, 01 Jan 2091 09:00:00 +0000</pubDate><description>{STORY}</description></item>"), RSS))
    config = web_config({"name": "pccfeed", "kind": "feed", "url": web.url("/feed/"), "area": "Bedfordshire"})
    assert "pccfeed: 1 new" in digest("ingest", config=config).stdout
    assert digest("build", "--week", "current", config=config).exit_code == 0
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:  # an edition built while the clock was wrong
        db.execute("UPDATE editions SET built_at = '2091-01-08T07:00:00+00:00'")
    assert digest("build", "--week", "last", config=config).exit_code == 0
    after = datetime.now(UTC)
    out = tmp_path / "out"
    stamps = []
    for path in _feeds(out):
        tree = etree.fromstring(path.read_bytes())
        stamps += [parsedate_to_datetime(e.text) for e in tree.iter("pubDate", "lastBuildDate")]
        stamps += [datetime.fromisoformat(e.text) for e in tree.iter(f"{ATOM}published", f"{ATOM}updated")]
    assert list(etree.fromstring((out / "feeds" / "editions.xml").read_bytes()).iter("item"))
    assert len(stamps) > 10 and max(stamps) <= after


# --- item 14: large pages are bounded -----------------------------------------------------------------

PARAGRAPH = ("<p>Officers in Luton are appealing for witnesses after a man was stabbed on Dunstable Road. Detectives "
             "arrested two men on suspicion of wounding with intent and possession of a bladed article.</p>")


def _page(*parts: str) -> bytes:
    """One line of HTML: no line breaks anywhere."""
    return ("<html><head><title>Knife arrests in Luton</title></head><body><article><h1>Knife arrests in Luton</h1>"
            + "".join(parts) + "</article></body></html>").encode()


def _webpage_source(web) -> dict:
    return {"name": "x", "kind": "webpage", "url": web.url("/news/x/news/"), "area": "Bedfordshire"}


def _listing(path: str) -> bytes:
    return f'<html><body><ul><li><a href="{path}">story</a></li></ul></body></html>'.encode()


def test_a_five_megabyte_one_line_page_is_read_up_to_a_bound(web, web_config, digest, tmp_path):
    start = "<p>The first paragraph says a knife was seized on Dunstable Road in Luton on Tuesday.</p>"
    late = "<p>A paragraph past two million characters names Zebedee Quartermaine.</p>"
    page = _page(start, PARAGRAPH * (2_100_000 // len(PARAGRAPH)), late, PARAGRAPH * (2_800_000 // len(PARAGRAPH)))
    assert 4_900_000 < len(page) < 5_000_000 and b"\n" not in page
    web.script("/news/x/news/", Reply(200, _listing("/news/x/news/2026/big/"), HTML))
    web.script("/news/x/news/2026/big/", Reply(200, page, HTML))
    result = digest("ingest", config=web_config(_webpage_source(web), max_bytes=6_000_000))
    assert "x: 1 new" in result.stdout, result.output
    assert "cut to its first 2,000,000 characters" in result.stderr
    body = _bodies(tmp_path)["Knife arrests in Luton"]
    assert "knife was seized on Dunstable Road" in body
    assert "Zebedee" not in body and len(body) <= MAX_CHARACTERS


def test_html_is_parsed_up_to_a_bound_on_its_tags(web, web_config, digest, tmp_path):
    """Bare markup costs trafilatura and BeautifulSoup most per byte: a page is parsed up to its 50,000th tag."""
    late = "<p>A paragraph past fifty thousand tags names Zebedee Quartermaine, who was charged.</p>"
    page = _page(PARAGRAPH * 3, "<i>x</i>" * (MAX_TAGS // 2), late, "<b>y</b>" * 200_000)
    assert len(page) < MAX_CHARACTERS and page.count(b"<") > MAX_TAGS * 8
    web.script("/news/x/news/", Reply(200, _listing("/news/x/news/2026/tags/"), HTML))
    web.script("/news/x/news/2026/tags/", Reply(200, page, HTML))
    result = digest("ingest", config=web_config(_webpage_source(web)))
    assert "x: 1 new" in result.stdout, result.output
    assert "HTML cut at its 50,000th tag" in result.stderr
    body = _bodies(tmp_path)["Knife arrests in Luton"]
    assert "appealing for witnesses" in body and "Zebedee" not in body


def test_a_five_megabyte_one_line_text_file_is_read_up_to_a_bound(digest, seed_dir, tmp_path):
    sentence = "Officers in Luton seized a knife after a man was stabbed on Dunstable Road on Tuesday. "
    text = "Knife seized after Luton stabbing\n\n" + sentence * (2_100_000 // len(sentence)) + "Zebedee was charged. "
    (seed_dir / "400_huge.txt").write_text(text + sentence * (2_800_000 // len(sentence)), encoding="utf-8")
    result = digest("ingest")
    assert "0 failed" in result.stdout, result.output
    assert "400_huge.txt" in result.stderr and "cut to its first 2,000,000 characters" in result.stderr
    body = _bodies(tmp_path)["Knife seized after Luton stabbing"]
    assert len(body) <= MAX_CHARACTERS and "Zebedee" not in body


# --- item 15: feed entries without a title --------------------------------------------------------------


def test_an_entry_without_a_title_is_titled_from_its_first_sentence(web, web_config, digest, export):
    web.script("/feed/", Reply(200, _rss(
        f"<item><link>/news/untitled/</link><description>&lt;p&gt;{STORY}&lt;/p&gt;</description></item>",
        "<item><description>Two teenagers were charged with possession of a knife in Bedford town centre. "
        "They appear at court on Monday.</description></item>",
        "<item><description>A machete was handed in at the Luton knife amnesty bin. Officers thanked the "
        "person who handed it in.</description></item>"), RSS))
    config = web_config({"name": "pccfeed", "kind": "feed", "url": web.url("/feed/"), "area": "Bedfordshire"})
    assert "pccfeed: 3 new" in digest("ingest", config=config).stdout
    assert {(i["title"], i["url"]) for i in export()} == {
        ("A man was stabbed on George Street in Luton on Tuesday evening.", web.url("/news/untitled/")),
        ("Two teenagers were charged with possession of a knife in Bedford town centre.", None),
        ("A machete was handed in at the Luton knife amnesty bin.", None),
    }


def test_an_atom_entry_without_a_title_is_titled_from_its_first_sentence(web, web_config, digest, export):
    feed = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>PCC</title>'
            '<id>urn:x</id><updated>2026-11-19T10:00:00Z</updated><entry><id>urn:x:1</id>'
            '<updated>2026-11-19T10:00:00Z</updated><link href="/news/atom-untitled/"/>'
            f'<content type="html">&lt;p&gt;{STORY}&lt;/p&gt;</content></entry></feed>')
    web.script("/feed.atom", Reply(200, feed.encode(), ATOM_TYPE))
    config = web_config({"name": "pccfeed", "kind": "feed", "url": web.url("/feed.atom"), "area": "Bedfordshire"})
    assert "pccfeed: 1 new" in digest("ingest", config=config).stdout
    [item] = export()
    assert item["title"] == "A man was stabbed on George Street in Luton on Tuesday evening."
    assert item["url"] == web.url("/news/atom-untitled/")


@pytest.mark.parametrize("markup", ['<img src="/photo.jpg" alt="">', "<div><iframe src='/video'></iframe></div>",
                                    "<p>Share this</p>"])
def test_an_entry_whose_body_is_only_markup_keeps_its_title_and_link(web, web_config, digest, export, markup):
    web.script("/feed/", Reply(200, _rss(
        f"<item><title>Knife arch catches two at Luton station</title><link>/news/arch/</link>"
        f"<description>{html.escape(markup)}</description></item>"), RSS))
    config = web_config({"name": "pccfeed", "kind": "feed", "url": web.url("/feed/"), "area": "Bedfordshire"})
    assert "pccfeed: 1 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in digest("ingest", config=config).stdout
    [item] = export()
    assert (item["title"], item["url"]) == ("Knife arch catches two at Luton station", web.url("/news/arch/"))
