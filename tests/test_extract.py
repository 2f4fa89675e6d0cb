"""Extraction of title, date, body and summary from real-shaped documents (no mocks)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from digest.dates import parse_date
from digest.errors import DocumentError
from digest.extract import TITLE_LIMIT, extract, extract_html, extract_text
from digest.furniture import is_furniture
from digest.models import Document
from digest.text import decode, fix_text, sentence_spans, sentences, trim

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FURNITURE_MARKS = ("ookie", "Accessibility", "Â", "technical problem", "Escape key", "beta")


def text_doc(text: str, **kwargs) -> Document:
    return Document(source="test", content=text.encode("utf-8"), media_type="text", **kwargs)


def assert_clean(extracted) -> None:
    for field in (extracted.title, extracted.summary, extracted.body):
        for mark in FURNITURE_MARKS:
            assert mark not in field, f"{mark!r} leaked into {field[:120]!r}"


# --- text documents ------------------------------------------------------------------------

FENCED = """```yaml
title: Knife arch checks at Luton station find two blades
url: https://www.police.example.org/news/knife-arch-luton
area: Bedfordshire
publish:
  date: 5 Mar 2019
```

**Officers ran knife arch checks at Luton railway station on Tuesday as part of a week of action.**

Two blades were found during the checks and a 19-year-old man was arrested. Sergeant Priya Nair said: “Most people were glad to see us there.”

Read more about [Operation Sceptre](https://www.police.example.org/sceptre) on our website.
"""


def test_fenced_yaml_front_matter() -> None:
    got = extract(text_doc(FENCED))
    assert got.title == "Knife arch checks at Luton station find two blades"
    assert got.url == "https://www.police.example.org/news/knife-arch-luton"
    assert got.area_hint == "Bedfordshire"
    assert got.published == date(2019, 3, 5)
    assert "```" not in got.body and "publish:" not in got.body
    # Markdown cleaned: bold markers and link syntax gone, link text kept.
    assert "**" not in got.body and "](" not in got.body
    assert "Read more about Operation Sceptre on our website." in got.body
    assert got.body.startswith("Officers ran knife arch checks at Luton railway station on Tuesday")
    assert got.summary.startswith("Officers ran knife arch checks")
    assert "“Most people were glad to see us there.”" in got.body


def test_dashed_front_matter_with_description() -> None:
    text = (
        "---\n"
        "title: Teenager charged after stabbing near Bedford bus station\n"
        "url: https://www.police.example.org/news/bedford-stabbing-charge\n"
        "area: Bedfordshire\n"
        "published: 2021-06-02\n"
        "description: A 17-year-old has been charged with wounding.\n"
        "---\n\n"
        "A 17-year-old boy has been charged with wounding after a man was stabbed near the bus station.\n\n"
        "He will appear before Luton magistrates on Friday.\n"
    )
    got = extract(text_doc(text))
    assert got.title == "Teenager charged after stabbing near Bedford bus station"
    assert got.published == date(2021, 6, 2)
    assert got.url == "https://www.police.example.org/news/bedford-stabbing-charge"
    assert got.summary == "A 17-year-old has been charged with wounding."
    assert got.body.split("\n\n") == [
        "A 17-year-old boy has been charged with wounding after a man was stabbed near the bus station.",
        "He will appear before Luton magistrates on Friday.",
    ]
    assert "---" not in got.body


def test_broken_front_matter_warns_and_keeps_text() -> None:
    text = "```yaml\ntitle: [unclosed\n```\nCounty lines gang jailed\nFour men were jailed for running a drugs line into Bedford.\n"
    got = extract_text(text)
    assert any("front matter" in warning for warning in got.warnings)
    assert got.title == "County lines gang jailed"
    assert "Four men were jailed" in got.body


def test_date_line_with_headline() -> None:
    text = (
        " date 2023-10-19 County lines gang jailed for exploiting Corby teenagers\n"
        "Five men have been jailed for a combined 41 years after running a drugs line into Corby.\n"
        "The gang used children as young as 14 to carry drugs and cash.\n"
    )
    got = extract(text_doc(text))
    assert got.title == "County lines gang jailed for exploiting Corby teenagers"
    assert got.published == date(2023, 10, 19)
    assert got.published_time is None
    assert "jailed for exploiting Corby teenagers" not in got.body
    assert "date 2023" not in got.body
    assert got.body.startswith("Five men have been jailed")
    assert got.summary.startswith("Five men have been jailed for a combined 41 years")


def test_date_line_with_long_sentence() -> None:
    sentence = (
        "Since the spring, neighbourhood officers across Northampton have carried out extra patrols, "
        "weapons sweeps and school visits after a run of stabbings in the town centre."
    )
    text = f" date 2022-09-30 {sentence}\n\nMore than 40 knives have been recovered so far.\n"
    got = extract(text_doc(text))
    assert got.published == date(2022, 9, 30)
    assert len(got.title) <= TITLE_LIMIT
    assert got.title.endswith("…")
    assert sentence.startswith(got.title[:-1])
    assert got.body.startswith(sentence)  # the sentence stays in the body
    assert "More than 40 knives have been recovered so far." in got.body


def test_date_line_with_short_sentence_stays_in_body() -> None:
    got = extract(text_doc(" date 2020-01-07 Officers seized three knives in Luton.\nTwo boys were arrested.\n"))
    assert got.title == "Officers seized three knives in Luton."
    assert got.body.startswith("Officers seized three knives in Luton.")
    assert got.published == date(2020, 1, 7)


FURNITURE_DOC = """Accessibility Options
Quickly exit this site by pressing the Escape key
This site is a beta service – your feedback will help us to improve it.
We use some essential cookies to make our website work. We’d like to set additional cookies to understand how you use it.
You can manage your preferences and cookie settings at any time by clicking on “Customise Cookies” below.
Your cookie preferences have been saved. You can update your cookie settings at any time on the cookies page.
Sorry, there was a technical problem. Please try again.
Commissioner backs £250,000 youth diversion fund

The Police and Crime Commissioner has committed Â£250,000 to youth diversion projects in Peterborough and Wisbech.
The money will pay for detached youth workers who meet young people on the streets at night. Groups can bid from next month.
Commissioner Joan Pike said: ‘No child is born carrying a knife’, adding that “early help saves lives.”
"""


def test_furniture_removed_and_mojibake_fixed() -> None:
    got = extract(text_doc(FURNITURE_DOC))
    assert got.title == "Commissioner backs £250,000 youth diversion fund"
    assert_clean(got)
    assert "Quickly exit" not in got.body and "Sorry" not in got.body
    assert got.body.startswith("The Police and Crime Commissioner has committed £250,000 to youth diversion")
    assert "‘No child is born carrying a knife’" in got.body
    assert "“early help saves lives.”" in got.body
    assert got.summary.startswith("The Police and Crime Commissioner has committed £250,000")
    assert got.published is None


def test_month_only_line_is_not_a_date() -> None:
    text = (
        "Accessibility Options\n\n"
        "The Commissioner’s blog – working together on violence\n\n"
        "March 2023\n\n"
        "Serious violence has a lasting effect on victims, families and whole neighbourhoods. "
        "No single agency can solve it alone.\n"
    )
    got = extract(text_doc(text))
    assert got.title == "The Commissioner’s blog – working together on violence"
    assert got.published is None
    assert got.published_time is None
    assert "March 2023" not in got.body
    assert got.body.startswith("Serious violence has a lasting effect")
    assert_clean(got)


def test_full_dateline_under_title() -> None:
    text = "Weapons sweeps in Luton parks\n12 April 2022\nOfficers seized ten knives in parks across the town. Patrols continue.\n"
    got = extract(text_doc(text))
    assert got.title == "Weapons sweeps in Luton parks"
    assert got.published == date(2022, 4, 12)
    assert "12 April 2022" not in got.body
    assert got.body == "Officers seized ten knives in parks across the town. Patrols continue."


def test_platform_timestamp_under_title() -> None:
    text = "Man charged after Bedford stabbing\n08:17 03/11/2021\nA 24-year-old man has been charged with attempted murder.\n"
    got = extract(text_doc(text))
    assert got.title == "Man charged after Bedford stabbing"
    assert got.published == date(2021, 11, 3)
    stamp = got.published_time
    assert stamp is not None and stamp.tzinfo is not None
    assert (stamp.hour, stamp.minute) == (8, 17)
    assert stamp.utcoffset() == timedelta(0)  # GMT on 3 November
    assert "08:17" not in got.body


def test_platform_timestamp_in_summer_is_bst() -> None:
    got = extract(text_doc("Knife amnesty results\n09:15 14/05/2024\nPeople handed in 120 blades.\n"))
    assert got.published_time == datetime.fromisoformat("2024-05-14T09:15:00+01:00")


def test_no_title_uses_first_sentence_not_furniture() -> None:
    text = (
        "Accessibility Options\n"
        "We use some essential cookies to make our website work.\n"
        "Sorry, there was a technical problem. Please try again.\n"
        "The Police and Crime Commissioner has welcomed a new county plan to stop young people being drawn into "
        "violence and exploitation by gangs. Partners will share data from April.\n"
        "The plan was agreed by councils, health and youth justice services.\n"
    )
    got = extract(text_doc(text))
    assert got.title.startswith("The Police and Crime Commissioner has welcomed a new county plan")
    assert len(got.title) <= TITLE_LIMIT and got.title.endswith("…")
    assert got.body.startswith("The Police and Crime Commissioner has welcomed")
    assert_clean(got)


@pytest.mark.parametrize("stamp,published", [
    ("12 April 2022", date(2022, 4, 12)), ("March 2023", None), ("08:17 03/11/2021", date(2021, 11, 3)),
])
def test_dateline_is_never_the_title(stamp: str, published: date | None) -> None:
    text = f"Accessibility Options\n{stamp}\nOfficers in Luton have seized ten knives during weapons sweeps. More patrols are planned.\n"
    got = extract(text_doc(text))
    assert got.title.startswith("Officers in Luton have seized ten knives")
    assert stamp not in got.title
    assert got.published == published


def test_only_furniture_is_a_document_error() -> None:
    text = (
        "Accessibility Options\n"
        "We use some essential cookies to make our website work.\n"
        "Your cookie preferences have been saved. You can update your cookie settings at any time.\n"
        "Quickly exit this site by pressing the Escape key\n"
        "Sorry, there was a technical problem. Please try again.\n"
    )
    with pytest.raises(DocumentError):
        extract(text_doc(text))


def test_document_hints_fill_gaps_only() -> None:
    hinted = datetime.fromisoformat("2024-02-01T10:00:00+00:00")
    doc = text_doc("Two men were arrested after a stabbing in Kettering. Both remain in custody.\n",
                   url="https://example.org/a", title_hint="Arrests after Kettering stabbing", published_hint=hinted)
    got = extract(doc)
    assert got.url == "https://example.org/a"
    assert got.published == date(2024, 2, 1)
    assert got.published_time == hinted
    # A title found in the text wins over the hint.
    assert got.title.startswith("Two men were arrested")


# --- seeds -----------------------------------------------------------------------------------

SEED_EXPECTED = {
    "000": ("Partnership approach needed to tackle serious violence", date(2019, 3, 5)),
    "001": ("The Commissioner’s blog – tackling serious violence", None),
    "002": ("Serious violence and knife crime to be tackled ‘as one’ across Northamptonshire", date(2023, 12, 8)),
    "003": (None, date(2022, 4, 12)),
    "004": (None, None),
}


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTED))
def test_seed(prefix: str) -> None:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    got = extract(Document(source="seeds", content=path.read_bytes(), media_type="text"))
    title, published = SEED_EXPECTED[prefix]
    if title is not None:
        assert got.title == title
    else:
        assert len(got.title) <= TITLE_LIMIT and got.body.startswith(got.title.rstrip("…"))
    assert got.published == published
    assert got.summary and got.body
    for field in (got.title, got.summary, got.body):
        for mark in ("ookie", "Accessibility", "Â", "technical problem"):
            assert mark not in field


def test_seed_000_funding_figure_is_fixed() -> None:
    (path,) = SEEDS.glob("000_*.txt")
    got = extract(Document(source="seeds", content=path.read_bytes(), media_type="text"))
    assert "£4.571m" in got.body


# --- HTML -----------------------------------------------------------------------------------

PARAGRAPHS = [
    "Officers in Kempston carried out a week of action against knife crime, visiting schools, youth clubs and "
    "shops that sell blades to remind staff of the law on underage sales.",
    "During the operation, patrols recovered nine knives from green spaces and alleyways after weapons sweeps led "
    "by the neighbourhood team, and two men were arrested on suspicion of possessing an offensive weapon.",
    "Inspector Dana Whitlock said: “Every knife taken off the street is one that cannot be used to hurt someone. "
    "We will keep working with parents, teachers and youth workers so young people feel safe without a weapon.”",
    "The force is also working with the local violence reduction unit to fund mentoring for teenagers at risk of "
    "exploitation by county lines gangs, with sessions running over the summer holidays.",
    "Anyone with information about people carrying knives can report it online or call 101. Information can also "
    "be given anonymously to the independent charity Crimestoppers.",
]
BANNER = "We use some essential cookies to make this website work"


def page(head: str = "", top: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Week of action against knife crime | Example Police</title>{head}</head><body>
<div id="cookie-banner" class="cookie-banner"><p>{BANNER}. We’d like to set additional cookies to understand
how you use the site.</p><button>Accept additional cookies</button><button>Reject additional cookies</button></div>
<a class="exit" href="https://www.example.org/weather">Quickly exit this site</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/report">Report a crime</a></li>
<li><a href="/contact">Contact us</a></li></ul></nav>
<main><article><h1>Week of action against knife crime</h1>{top}
{body}
</article></main>
<footer><p>© Example Police 2024. All rights reserved.</p><a href="/privacy">Privacy notice</a>
<a href="/cookies">Cookies</a> <a href="/accessibility">Accessibility statement</a></footer>
</body></html>"""


URL = "https://www.police.example.org/news/kempston-week-of-action"


def html_doc(html: str) -> Document:
    return Document(source="test", content=html.encode("utf-8"), media_type="html", url=URL)


def assert_article_body(got) -> None:
    for paragraph in PARAGRAPHS:
        assert paragraph in got.body
    for junk in (BANNER, "Quickly exit", "Accept additional cookies", "All rights reserved", "Contact us"):
        assert junk not in got.body
        assert junk not in got.summary
    assert got.url == URL


def test_html_og_title_and_published_time() -> None:
    head = ('<meta property="og:title" content="Knife crime week of action in Kempston">'
            '<meta property="article:published_time" content="2024-05-14T09:30:00+01:00">')
    got = extract(html_doc(page(head=head)))
    assert got.title == "Knife crime week of action in Kempston"
    assert got.published == date(2024, 5, 14)
    assert got.published_time == datetime.fromisoformat("2024-05-14T09:30:00+01:00")
    assert_article_body(got)


def test_html_headline_not_in_body_when_og_title_differs() -> None:
    head = '<meta property="og:title" content="Knife crime week of action in Kempston">'
    got = extract(html_doc(page(head=head)))
    assert got.body.startswith(PARAGRAPHS[0])
    assert got.summary.startswith("Officers in Kempston")


def test_html_json_ld_date_and_h1_title() -> None:
    head = ('<script type="application/ld+json">{"@context": "https://schema.example.org", "@type": "NewsArticle", '
            '"headline": "Week of action", "datePublished": "2024-05-14T09:30:00+01:00"}</script>')
    got = extract(html_doc(page(head=head)))
    assert got.title == "Week of action against knife crime"
    assert got.published_time == datetime.fromisoformat("2024-05-14T09:30:00+01:00")
    assert_article_body(got)
    assert got.body.startswith(PARAGRAPHS[0])  # the headline is the title, not body text
    assert got.summary.startswith("Officers in Kempston carried out a week of action")


@pytest.mark.parametrize("placeholder", ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00+00:00", "1900-01-01"])
def test_a_placeholder_date_in_metadata_is_no_date(placeholder: str) -> None:
    """Publishing systems fill an empty date with 0001-01-01 or the Unix epoch: the page's own date
    line is read instead, and a page with no other date has none."""
    head = ('<script type="application/ld+json">{"@context": "https://schema.example.org", "@type": "NewsArticle", '
            f'"datePublished": "{placeholder}"}}</script><meta property="article:published_time" content="{placeholder}">')
    dated = extract(html_doc(page(head=head, top='<p><time datetime="2024-05-14T08:05:00+01:00">14 May</time></p>')))
    assert dated.published == date(2024, 5, 14)
    assert extract(html_doc(page(head=head))).published is None


def test_a_feed_entry_dated_at_the_epoch_has_no_date() -> None:
    entry = Document(source="t", content=b"<p>" + PARAGRAPHS[0].encode() + b"</p>", media_type="fragment",
                     title_hint="Week of action", published_hint=datetime(1970, 1, 1, tzinfo=UTC))
    got = extract(entry)
    assert got.published is None and got.published_time is None


@pytest.mark.parametrize(("site", "publisher", "kind"), [
    ("Northampton Chronicle and Echo", "Northampton Chronicle and Echo", "news"),
    ("The Wessex Argus", "The Wessex Argus", "news"),
    ("Wessex Police", "Wessex Police", "police"),
    ("Wessex Police News", "Wessex Police", "police"),  # a force's newsroom is the force's, not a paper
    ("Office of the Police and Crime Commissioner for Wessex", "Office of the Police and Crime Commissioner for Wessex",
     "pcc"),
    ("Example Platform", None, None),  # a name that says no kind leaves it to the address and the text
])
def test_the_site_a_page_names_in_its_metadata_is_its_publisher(site: str, publisher: str | None,
                                                                 kind: str | None) -> None:
    got = extract(html_doc(page(head=f'<meta property="og:site_name" content="{site}">')))
    assert (got.publisher, got.publisher_kind) == (publisher, kind)


def test_a_papers_copy_of_a_release_is_the_papers() -> None:
    """A force's words in a paper's page are the paper's: its og:site_name says whose page it is."""
    from digest.config import load_config
    from digest.prepare import classifier_for

    classifier = classifier_for(load_config(Path(__file__).resolve().parent.parent / "config.yaml"))
    got = extract(html_doc(page(head='<meta property="og:site_name" content="Kempston Evening Courier">')))
    classified = classifier.classify(got, "seeds")
    assert (classified.org, classified.org_kind) == ("Kempston Evening Courier", "news")


def test_html_time_element() -> None:
    got = extract(html_doc(page(top='<p class="meta"><time datetime="2024-05-14T08:05:00+01:00">14 May 2024</time></p>')))
    assert got.published == date(2024, 5, 14)
    assert got.published_time == datetime.fromisoformat("2024-05-14T08:05:00+01:00")
    assert "14 May 2024" not in got.body
    assert_article_body(got)


def test_html_date_only_time_element_has_no_time() -> None:
    got = extract(html_doc(page(top='<p><time datetime="2024-05-14">14 May 2024</time></p>')))
    assert got.published == date(2024, 5, 14)
    assert got.published_time is None


@pytest.mark.parametrize("top", ['<div class="published">09:15 14/05/2024</div>', "<p>09:15 14/05/2024</p>"])
def test_html_platform_timestamp_line(top: str) -> None:
    got = extract(html_doc(page(top=top)))
    assert got.published == date(2024, 5, 14)
    assert got.published_time == datetime.fromisoformat("2024-05-14T09:15:00+01:00")
    assert "09:15" not in got.body
    assert_article_body(got)


def test_html_without_date() -> None:
    got = extract(html_doc(page()))
    assert got.title == "Week of action against knife crime"
    assert got.published is None and got.published_time is None
    assert_article_body(got)


def test_extract_html_direct_canonical_link() -> None:
    html = page(head='<link rel="canonical" href="https://www.police.example.org/news/canonical">')
    got = extract_html(html, URL)
    assert got.url == "https://www.police.example.org/news/canonical"
    assert PARAGRAPHS[1] in got.body


def test_html_with_no_article_text_is_a_document_error() -> None:
    html = f"<html><head><title></title></head><body><div class='cookie-banner'>{BANNER}.</div></body></html>"
    with pytest.raises(DocumentError):
        extract(html_doc(html))


# --- digest.text -------------------------------------------------------------------------------

PHRASE = "Knife amnesty: “we’ll take every blade” – £2,000 raised."


@pytest.mark.parametrize("bom,encoding", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_decode_utf16_with_bom(bom: bytes, encoding: str) -> None:
    text, warnings = decode(bom + PHRASE.encode(encoding))
    assert text == PHRASE
    assert any("UTF-16" in warning for warning in warnings)


def test_decode_utf8_bom_and_plain_utf8() -> None:
    assert decode(b"\xef\xbb\xbf" + PHRASE.encode()) == (PHRASE, [])
    assert decode(PHRASE.encode()) == (PHRASE, [])


def test_decode_invalid_utf8_falls_back_with_warning() -> None:
    text, warnings = decode("Café owner said “enough” after the stabbing.".encode("cp1252"))
    assert text == "Café owner said “enough” after the stabbing."
    assert len(warnings) == 1 and "UTF-8" in warnings[0]


def test_decode_strips_nul_bytes_with_warning() -> None:
    content = ("Officers seized knives in Luton. " * 10).encode() + b"\x00\x00"
    text, warnings = decode(content)
    assert "\x00" not in text
    assert text.startswith("Officers seized knives in Luton.")
    assert any("NUL" in warning for warning in warnings)


@pytest.mark.parametrize("content", [b"", b"   \n\t\n", b"\x00\x00\x00"])
def test_decode_empty_is_error(content: bytes) -> None:
    with pytest.raises(DocumentError):
        decode(content)


@pytest.mark.parametrize("content", [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"PK\x03\x04\x14\x00",
    bytes(range(32)) * 20,
])
def test_decode_binary_is_error(content: bytes) -> None:
    with pytest.raises(DocumentError):
        decode(content)


def test_fix_text_mojibake_and_quotes() -> None:
    fixed = fix_text("A Â£4.571m grant â€“ for ‘hotspot’ patrols, said “the chief”.\r\nNext\u00a0line")
    assert fixed == "A £4.571m grant – for ‘hotspot’ patrols, said “the chief”.\nNext line"


def test_fix_text_leaves_clean_text_alone() -> None:
    clean = "Officers seized 10 knives – “a good result”, said the inspector’s team."
    assert fix_text(clean) == clean


@pytest.mark.parametrize("line", [
    "Accessibility Options", "**Accessibility Options**", "Skip to main content",
    "Quickly exit this site by pressing the Escape key", "Exit this site",
    "We use some essential cookies to make our website work.",
    "Your cookie preferences have been saved. You can update your cookie settings at any time.",
    "Sorry, there was a technical problem. Please try again.",
    "This site is a beta service – your feedback will help us improve it.",
    "Home > News > Knife crime", "Share this page", "Back to top",
])
def test_is_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "", "Officers searched a home in Luton and seized two knives.", "March 2023",
    "The Commissioner’s blog – tackling serious violence", "News from the force this week includes three arrests.",
    "Police were called to reports of a man with a knife near the cookie factory on Dunstable Road.",
])
def test_is_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_sentences() -> None:
    text = ("He said: “It stops now.” Officers agreed. Mr. Jones was arrested. Det. Insp. J. Smith said so. "
            "£4.5m was spent. Done!")
    assert sentences(text) == [
        "He said: “It stops now.”", "Officers agreed.", "Mr. Jones was arrested.",
        "Det. Insp. J. Smith said so.", "£4.5m was spent.", "Done!",
    ]
    assert sentences("") == []
    assert sentences("No full stop at all") == ["No full stop at all"]


def test_sentence_spans_leave_out_the_spaces_around_sentences() -> None:
    text = " \t First one.\u2003\u00a0 “Second” one! Third \u3000"
    assert sentence_spans(text) == [(3, 13), (16, 29), (30, 35)]
    assert sentences(text) == ["First one.", "“Second” one!", "Third"]
    assert sentence_spans(" \u2003 ") == [] and sentences("Mr. Jones") == ["Mr. Jones"]


def test_trim() -> None:
    long = "The Police and Crime Commissioner has welcomed a new plan to help reduce the risk of violence"
    cut = trim(long, 50)
    assert len(cut) <= 50 and cut.endswith("…")
    assert long.startswith(cut[:-1])
    assert not cut[:-1].endswith(" ")
    assert trim("  Short   title  ", 50) == "Short title"
    assert trim(long, len(long)) == long


@pytest.mark.parametrize("value,expected", [
    ("5 Mar 2019", date(2019, 3, 5)), ("12 April 2022", date(2022, 4, 12)),
    ("Tuesday 12th April 2022", date(2022, 4, 12)), ("April 12, 2022", date(2022, 4, 12)),
    ("2022-04-12", date(2022, 4, 12)), ("2024-05-14T09:30:00+01:00", date(2024, 5, 14)),
    ("03/11/2021", date(2021, 11, 3)), (date(2020, 2, 29), date(2020, 2, 29)),
    (datetime(2021, 1, 2, 3, 4), date(2021, 1, 2)),
    ("March 2023", None), ("31 February 2022", None), ("last Tuesday", None), ("", None),
    (20220412, None), (None, None),
])
def test_parse_date(value, expected) -> None:
    assert parse_date(value) == expected


# --- markup parsed once, its text repaired after -------------------------------------------------


MOJIBAKE_PAGE = """<!DOCTYPE html><html><head><title>Grant news</title>
<meta property="og:title" content="Commissioner commits Â£250,000 to youth work">
<meta name="description" content="Â£250,000 goes to diversion projects â€“ the Commissioner said.">
<link rel="alternate canonical" href="https://www.example-pcc.org.uk/news/grant/">
</head><body><article><h1>Commissioner commits Â£250,000 to youth work</h1>
<p>The Police and Crime Commissioner has committed Â£250,000 to youth diversion projects in Peterborough
and Wisbech, funding detached youth workers on Friday and Saturday nights.</p>
<p>“Young people deserve a safe place to go,” the Commissioner said â€“ the money runs for two years
and the projects will report every quarter on how many young people they reached.</p>
<p>Press &amp; media enquiries: 01234 567890. Tags, R&amp;D and A&amp;E stay as written.</p>
</article></body></html>"""


def test_html_mojibake_repaired_in_the_text_taken_from_the_page() -> None:
    got = extract(Document(source="test", content=MOJIBAKE_PAGE.encode("utf-8"), media_type="html",
                           url="https://www.example-pcc.org.uk/news/grant"))
    assert got.title == "Commissioner commits £250,000 to youth work"
    assert got.summary == "£250,000 goes to diversion projects – the Commissioner said."
    assert "committed £250,000 to youth diversion" in got.body and "Â" not in got.body
    assert "“Young people deserve a safe place to go,” the Commissioner said – the money" in got.body
    assert "R&D and A&E stay as written" in got.body
    assert got.url == "https://www.example-pcc.org.uk/news/grant/"  # rel holds canonical among other words


def test_fragment_read_by_its_blocks_with_mojibake_repaired() -> None:
    fragment = ("<div><p>Officers seized Â£20,000 of cash.</p><ul><li>Two arrested</li>"
                "<li><p>One charged</p></li></ul><blockquote>We will not stop â€“ the inspector</blockquote></div>")
    got = extract(Document(source="test", content=fragment.encode("utf-8"), media_type="fragment",
                           title_hint="Cash seized"))
    assert got.body.split("\n\n") == ["Officers seized £20,000 of cash.", "Two arrested", "One charged",
                                      "We will not stop – the inspector"]
    assert got.title == "Cash seized"


_ARTICLE = ("<p>Thames Valley Police has arrested a man after a stabbing in Reading last night, when officers were "
            "called to reports of a man with stab wounds outside a shop on Oxford Road.</p>"
            "<p>The victim, a man aged 27, was taken to the Royal Berkshire Hospital, where he remains in a serious "
            "but stable condition.</p><p>A man aged 19 was arrested nearby on suspicion of wounding with intent.</p>")


@pytest.mark.parametrize(("head", "title"), [
    # the site's name appended to the headline in the metadata, as the <title> ends or og:site_name says
    ('<title>News | Thames Valley Police</title><meta property="og:title" content="Man arrested after Reading '
     'stabbing | Thames Valley Police">', "Man arrested after Reading stabbing"),
    ('<meta property="og:site_name" content="Reading Star"><meta property="og:title" content="Man arrested after '
     'Reading stabbing - Reading Star">', "Man arrested after Reading stabbing"),
    # a dash that is the headline's own, not a site's name
    ('<title>Reading Star</title><meta property="og:title" content="Knife arch at station - four blades in a week">',
     "Knife arch at station - four blades in a week"),
])
def test_a_site_name_after_the_metadata_headline_is_not_the_title(head: str, title: str) -> None:
    page = f"<html><head>{head}</head><body><article><h1>Headline</h1>{_ARTICLE}</article></body></html>"
    assert extract_html(page, "https://www.example.org/news/1").title == title


@pytest.mark.parametrize(("head", "title", "summary"), [
    # a property is read before a name, wherever each stands in the head
    ('<meta name="og:title" content="Named headline"><meta property="og:title" content="Property headline">'
     '<meta name="description" content="The page as its name describes it.">', "Property headline",
     "The page as its name describes it."),
    # the first of two alike is the page's; an empty one gives way to the next name asked for
    ('<meta property="og:title" content="First headline"><meta property="og:title" content="Second headline">'
     '<meta property="og:description" content=" "><meta name="description" content="Described by name.">',
     "First headline", "Described by name."),
    ('<meta property="og:title" content=""><meta name="twitter:title" content="The card\'s headline">', "The card's headline",
     None),
])
def test_metadata_is_read_by_property_then_name_first_one_first(head: str, title: str, summary: str | None) -> None:
    page = f"<html><head>{head}</head><body><article><h1>Headline</h1>{_ARTICLE}</article></body></html>"
    got = extract_html(page, "https://www.example.org/news/1")
    assert got.title == title
    if summary:
        assert got.summary == summary
    else:  # none in the metadata: the article's first sentences
        assert got.summary.startswith("Thames Valley Police has arrested")


@pytest.mark.parametrize("character", ["\x01", "\x0c", "\x1f", "\x7f", "\u200b", "\ufeff", "\ufffe", "\uffff"])
def test_markup_loses_its_control_characters_when_decoded(character: str) -> None:
    markup = f"<p>Knife{character} arch at the station</p>".encode()
    text, _ = decode(markup, repair=False)
    assert text == "<p>Knife arch at the station</p>"
    assert decode(b"<p>Knife arch\r\nat the\rstation\xc2\xa0today</p>", repair=False)[0] == (
        "<p>Knife arch\nat the\nstation today</p>")


def test_a_byline_and_date_the_article_text_leaves_out_date_the_page() -> None:
    page = ("<html><head><title>Reading Star</title></head><body><article><h1>Man arrested after Reading stabbing</h1>"
            "<div class='byline'><span>By Priya Natt</span> | <span>Published 16th Nov 2025, 17:25 GMT</span></div>"
            f"{_ARTICLE}</article><aside><h3>Related</h3><ul><li>Council tax to rise - 2 March 2026</li></ul></aside>"
            "</body></html>")
    assert extract_html(page, "https://www.example.org/news/1").published == date(2025, 11, 16)


@pytest.mark.parametrize(("url", "og_title", "title"), [
    ("https://www.kent.police.uk/news/kent/2025/man-charged/", "Man charged after Dartford stabbing | Kent Police",
     "Man charged after Dartford stabbing"),
    ("https://www.wessexstar.co.uk/news/1", "Man charged after Poole stabbing - Wessex Star",
     "Man charged after Poole stabbing"),
    ("https://www.example.org/news/1", "Man charged after Poole stabbing - Wessex Star",
     "Man charged after Poole stabbing - Wessex Star"),  # nothing says that is the site's name
])
def test_a_site_name_its_address_spells_is_not_part_of_the_title(url: str, og_title: str, title: str) -> None:
    page = (f'<html><head><title>{og_title}</title><meta property="og:title" content="{og_title}"></head>'
            f"<body><article><h1>{og_title}</h1>{_ARTICLE}</article></body></html>")
    assert extract_html(page, url).title == title
