"""A feed whose entries' HTML feedparser's cleaning would not change in text is read without that
cleaning (issue 21: it was most of the cost of reading a feed); one it would change is cleaned as
before, so that a script's or an iframe's content never becomes an item's text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest

from digest.extract import extract
from digest.fetch import Response
from digest.sources.feed import _may_hide_text, entry_document, parse_feed

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"


def _response(content: bytes) -> Response:
    return Response("http://127.0.0.1/feed.xml", 200, httpx.Headers({"content-type": "application/rss+xml"}), content,
                    "application/rss+xml")


def _texts(parsed: Any) -> list[tuple[str, str, str]]:
    found = []
    for entry in parsed.entries:
        extracted = extract(entry_document(entry, "test", entry.get("link")))
        found.append((extracted.title, extracted.body, extracted.summary))
    return found


def _rss(description: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Force news</title>'
            "<link>http://127.0.0.1/</link><description>news</description><item><title>Man charged</title>"
            "<link>http://127.0.0.1/news/1</link><guid>http://127.0.0.1/news/1</guid>"
            f"<pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate>{description}</item></channel></rss>").encode()


PLAIN = ("<content:encoded><![CDATA[<p>A man has been <b>charged</b> after a stabbing in "
         '<a href="/places/luton">Luton</a>.</p><p>He appears in court on Monday.<br>Police thank the public.</p>'
         '<ul><li>Call 101</li></ul><img src="/a.jpg" alt=""></p>]]></content:encoded>')


@pytest.mark.parametrize("name", ["wordpress/feed/index.xml", "pcc/feed/index.xml", "atom/feed.xml"])
def test_a_plain_feed_is_read_without_feedparsers_cleaning_and_gives_the_same_text(name):
    content = (SITES / name).read_bytes().replace(b"_HOST", b"")
    assert not _may_hide_text(content)
    cleaned = feedparser.parse(content)  # feedparser's defaults: sanitized, URLs made absolute
    assert _texts(parse_feed(_response(content))) == _texts(cleaned) != []


def test_plain_entry_html_gives_the_same_text_either_way():
    content = _rss(PLAIN)
    assert not _may_hide_text(content)
    fast = _texts(parse_feed(_response(content)))
    assert fast == _texts(feedparser.parse(content))
    body = fast[0][1]
    assert body.startswith("A man has been charged after a stabbing in Luton")
    assert body.endswith("He appears in court on Monday. Police thank the public.\n\nCall 101")


@pytest.mark.parametrize("description", [
    "<description><![CDATA[<p>Safe</p><script>document.location='http://x.invalid/'</script><p>text</p>]]>"
    "</description>",
    "<description>&lt;p&gt;Safe&lt;/p&gt;&lt;script&gt;document.location='http://x.invalid/'&lt;/script&gt;"
    "&lt;p&gt;text&lt;/p&gt;</description>",
    "<description>&#60;p>Safe&#60;/p>&#x3C;style>p { document.location: none }&#60;/style>&#60;p>text&#60;/p>"
    "</description>",
    "<body>Safe<script>document.location='http://x.invalid/'</script> text</body>",  # HTML written as elements
])
def test_a_script_or_style_in_an_entry_is_cleaned_out_as_before(description):
    content = _rss(description)
    assert _may_hide_text(content)
    ((title, body, _),) = _texts(parse_feed(_response(content)))
    assert title == "Man charged"
    assert "Safe" in body and "text" in body and "document.location" not in body


@pytest.mark.parametrize("element", ["<iframe src='http://x.invalid/'>inside</iframe>", "<blink>inside</blink>",
                                     "<link rel='stylesheet' href='/a.css'>", "<object>inside</object>"])
def test_an_element_the_sanitizer_takes_out_sends_the_feed_its_way(element):
    """lxml would read these apart from the text around them (a paragraph split, a frame's text left out)."""
    content = _rss(f"<content:encoded><![CDATA[<p>Safe {element} text</p>]]></content:encoded>")
    assert _may_hide_text(content)
    assert _texts(parse_feed(_response(content))) == _texts(feedparser.parse(content))


@pytest.mark.parametrize("content", [
    _rss(PLAIN).decode().encode("utf-16"),  # not ASCII-compatible: its bytes cannot be searched for tags
    _rss('<content:encoded mode="base64">PHA+U2FmZTwvcD4=</content:encoded>'),
    _rss('<description><div xmlns="http://www.w3.org/1999/xhtml"><p>Safe text</p></div></description>'),
    _rss("<description><![CDATA[<p>a < b, said the judge</p>]]></description>"),  # a bare <
])
def test_feeds_whose_html_cannot_be_told_from_their_bytes_are_cleaned_as_before(content):
    assert _may_hide_text(content)
