"""The offline Atom checks (tests/atom_checks.py) find what the W3C validator reports, and pass a
document it accepts: without these, a check that found nothing would pass every feed."""

from __future__ import annotations

import pytest

from atom_checks import atom_problems

HERE = "https://digest.example.org/feed.atom"
GOOD_ENTRY = """<entry><id>urn:digest:item:1</id><title>Knife arch at Luton station</title>
<updated>2026-11-19T10:00:00Z</updated><published>2026-11-18T09:00:00+00:00</published>
<link href="https://www.police.example.org/news/1/" rel="alternate"/>
<summary type="html">&lt;p&gt;Officers &lt;a href="https://www.police.example.org/"&gt;said&lt;/a&gt;.&lt;/p&gt;</summary>
</entry>"""


def feed(*, head: str = "", entries: str = GOOD_ENTRY, self_link: str = HERE) -> bytes:
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>https://digest.example.org/</id><title>Digest</title>
<updated>2026-11-19T10:00:00Z</updated><author><name>digest</name></author>
<link href="{self_link}" rel="self" type="application/atom+xml"/>{head}{entries}</feed>""".encode()


def test_a_valid_feed_has_no_problems() -> None:
    assert atom_problems(feed(), HERE) == []


@pytest.mark.parametrize(("document", "found"), [
    (feed(entries=GOOD_ENTRY.replace("<id>urn:digest:item:1</id>", "")), "entry 1: 0 <id>"),
    (feed(entries=GOOD_ENTRY.replace("urn:digest:item:1", "item-1")), "is not an absolute IRI"),
    (feed(entries=GOOD_ENTRY.replace("urn:digest:item:1", "HTTP://Example.org/1")), "not canonical"),
    (feed(entries=GOOD_ENTRY + GOOD_ENTRY), "entry 2: duplicate id"),
    (feed(entries=GOOD_ENTRY.replace("2026-11-19T10:00:00Z", "19 Nov 2026")), "not an RFC 3339"),
    (feed(entries=GOOD_ENTRY.replace("2026-11-19T10:00:00Z", "2099-01-01T00:00:00Z")), "in the future"),
    (feed(entries=GOOD_ENTRY.replace("&lt;/p&gt;", "&lt;script&gt;x()&lt;/script&gt;&lt;/p&gt;")), "<script>"),
    (feed(entries=GOOD_ENTRY.replace('href="https://www.police.example.org/"', 'href="/news"')), "relative href"),
    (feed(entries=GOOD_ENTRY.replace('<summary type="html">', '<summary type="html" onclick="x">')
          .replace("&lt;a href", "&lt;a onclick='x()' href")), "security risk"),
    (feed(self_link="https://digest.example.org/other.atom"), "not where it was fetched"),
    (feed(head='<link href="https://a.example/" rel="alternate"/><link href="https://b.example/"/>'),
     "two links with rel=alternate"),
    (feed(entries=GOOD_ENTRY.replace('<link href="https://www.police.example.org/news/1/" rel="alternate"/>',
                                     '<link href="news/1/" rel="alternate"/>')), "is relative"),
    (feed(entries=GOOD_ENTRY.replace("<summary", "<content type='text'>x</content><summary")
          .replace("<title>", "<title type='markdown'>")), "not text, html or xhtml"),
    (feed().replace(b"<author><name>digest</name></author>", b""), "no author"),
    (feed().replace(b"encoding='UTF-8'", b"encoding='latin-1'"), "encoding UTF-8"),
    (feed().replace(b"</feed>", b""), "not well-formed"),
])
def test_each_rule_reports_its_problem(document: bytes, found: str) -> None:
    problems = atom_problems(document, HERE)
    assert any(found in problem for problem in problems), problems
