"""The email of a full week (60 stories and more), sent through aiosmtpd on 127.0.0.1: it fits
under Gmail's clipping size, uses only what mail clients render, reads on a phone, says what a
filtered copy covers, and says how to unsubscribe."""

from __future__ import annotations

import random
import re
import sys
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import lxml.html
import pytest

from test_mail import smtp  # noqa: F401 - the fixture: aiosmtpd on 127.0.0.1, recording what it is sent

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
from browsing import CHROMIUM, chromium  # noqa: E402
from synth import make_document  # noqa: E402 - the benchmarks' generator of releases in the seed styles

EVERYONE, BEDS, KNIVES = "analyst@digest.example.org", "beds@beds.example.org", "knives@example.org"
GMAIL_CLIPS_AT = 100_000  # bytes of HTML; Gmail clips a message past about 102 KB
SYNTH_DOCUMENTS = 95  # releases of a busy week: more than 60 stories once copies are merged


def write_week(folder: Path, count: int) -> None:
    """`count` releases dated today (this week's news): every other one with a web link."""
    rng = random.Random(17)
    today = date.today()
    for index in range(count):
        title, text = make_document(index * 3 + 1, rng, relevant=True)  # the " date YYYY-MM-DD Title" shape
        body = text.split("\n", 1)[1]
        if index % 2:
            head = (f'```yaml\ntitle: "{title}"\nurl: https://www.police.example.org/news/{index}\n'
                    f"publish:\n  date: {today.strftime('%d %b %Y')}\n```\n\n")
        else:
            head = f" date {today.isoformat()} {title}\n"
        (folder / f"week-{index:03d}.txt").write_text(head + body, encoding="utf-8")


@pytest.fixture
def busy_week(digest, write_config, seed_dir, smtp):  # noqa: F811 - the fixture imported above
    """Send a busy week's edition to three readers: everything, Bedfordshire only, knife crime only."""
    write_week(seed_dir, SYNTH_DOCUMENTS)

    def send(unsubscribe: str | None = "unsubscribe@digest.example.org") -> dict[str, EmailMessage]:
        config = write_config(email={
            "enabled": True, "from": "digest@digest.example.org", "unsubscribe": unsubscribe,
            "smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none", "timeout": 5},
            "recipients": [{"address": EVERYONE}, {"address": BEDS, "areas": ["Bedfordshire"]},
                           {"address": KNIVES, "topics": ["knife_crime"]}],
        })
        for step in (("ingest",), ("send", "--week", "current")):
            result = digest(*step, config=config)
            assert result.exit_code == 0, result.output
        return {address: smtp.to(address)[-1] for address in (EVERYONE, BEDS, KNIVES)}

    return send


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def words(text: str) -> str:
    return " ".join(text.split())


def shown(html: str) -> str:
    """The text a reader sees in the HTML part."""
    return words(lxml.html.document_fromstring(html).body.text_content())


def stories_in(html: str) -> int:
    match = re.search(r"<b>(\d+) stor(?:y|ies)</b>", html)
    assert match, "the lede counts the stories"
    return int(match.group(1))


def test_a_week_of_sixty_stories_fits_under_gmails_clipping_size(busy_week, export):
    message = busy_week()[EVERYONE]
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    html = html_of(message)
    assert stories_in(html) >= 60
    assert len(html.encode("utf-8")) < GMAIL_CLIPS_AT, len(html.encode("utf-8"))
    # Every story is in it: the leads in full, the rest as a line each (a title, a link where there is one).
    text = shown(html)
    leads = [item for item in export("--relevant-only") if item["id"] == item["cluster"]]
    assert len(leads) >= 60 and all(words(item["title"]) in text for item in leads)
    linked = [item for item in leads if item["url"]]
    assert linked and all(f'href="{item["url"]}"' in html for item in linked)
    assert html.count("<b>Why:</b>") == 5  # the lead stories, in full: with their one-line reason
    assert "no web link" in text


def test_the_email_uses_only_what_mail_clients_render(busy_week):
    html = html_of(busy_week()[EVERYONE])
    lowered = html.lower()
    for tag in ("<style", "<script", "<link", "<svg", "<img", "<details", "<video", "<form"):
        assert tag not in lowered, tag
    styles = " ".join(re.findall(r'style="([^"]*)"', html))
    assert styles and "position" not in styles and not re.search(r"\d(\.\d+)?rem\b", styles)
    assert not re.search(r"display:\s*(flex|grid)", styles)
    assert "aria-" not in lowered and set(re.findall(r'role="([^"]*)"', html)) <= {"presentation"}
    # Fluid: at most 640 px wide where max-width works; the fixed-width table is for old Outlook only.
    outside_outlook = re.sub(r"<!--\[if mso\]>.*?<!\[endif\]-->", "", html, flags=re.S)
    assert "max-width:640px" in outside_outlook and 'width="640"' not in outside_outlook
    assert not re.search(r"(?<![-\w])width:\s*\d{3,}px", styles)  # no fixed width in px (max-width is fine)


def test_a_filtered_copy_says_what_it_covers_in_its_first_line(busy_week):
    sent = busy_week()
    beds_html, beds_text = html_of(sent[BEDS]), text_of(sent[BEDS])
    first = "Your copy has only the stories from Bedfordshire."
    assert shown(beds_html).startswith(first)
    assert beds_text.splitlines()[0] == first
    for path in ("areas/bedfordshire.html", "feeds/areas/bedfordshire.xml"):
        assert f'href="http://127.0.0.1:8080/{path}"' in beds_html and f"http://127.0.0.1:8080/{path}" in beds_text
    assert 'href="http://127.0.0.1:8080/feed.xml"' not in beds_html  # the national feed is not theirs
    knives = sent[KNIVES]
    assert text_of(knives).splitlines()[0] == "Your copy has only the stories about Knife crime and offensive weapons."
    assert 'href="http://127.0.0.1:8080/feeds/topics/knife_crime.xml"' in html_of(knives)
    everyone = text_of(sent[EVERYONE])
    assert not everyone.startswith("Your copy") and "Week " in everyone.splitlines()[0]
    assert stories_in(beds_html) < stories_in(html_of(sent[EVERYONE]))
    # Its trend counts its own stories: the heading names its area, not all areas.
    assert "Stories each week, Bedfordshire" in beds_text and "Stories each week, all areas" in everyone
    assert "Stories each week, all areas, about Knife crime" in text_of(knives)


@pytest.mark.parametrize(("setting", "header", "said"), [
    ("unsubscribe@digest.example.org", "<mailto:unsubscribe@digest.example.org?subject=unsubscribe>",
     "an email to unsubscribe@digest.example.org"),
    ("https://digest.example.org/unsubscribe", "<https://digest.example.org/unsubscribe>", "unsubscribe"),
])
def test_unsubscribe_is_in_the_body_as_well_as_the_header(busy_week, setting, header, said):
    for message in busy_week(setting).values():
        assert message["List-Unsubscribe"] == header
        html, text = html_of(message), text_of(message)
        target = header.strip("<>")
        assert f'href="{target}"' in html and "To stop receiving this digest" in words(html)
        assert said in shown(html)
        assert "To stop receiving this digest" in words(text) and target.split("?")[0].removeprefix("mailto:") in text


def test_without_an_unsubscribe_setting_there_is_no_unsubscribe_line(busy_week):
    message = busy_week(None)[EVERYONE]
    assert message["List-Unsubscribe"] is None
    assert "unsubscribe" not in html_of(message).lower() and "unsubscribe" not in text_of(message).lower()


def test_the_subject_has_single_spaces_as_a_mail_client_reads_it(busy_week):
    subject = busy_week()[EVERYONE]["Subject"]
    assert "  " not in subject and subject == words(subject)
    assert re.fullmatch(r"Serious violence news digest: week \d{4}-W\d{2} \(\d{1,2}( [A-Z][a-z]+)?( \d{4})?"
                        r"( – |–)\d{1,2} [A-Z][a-z]+ \d{4}\)", subject), subject


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
def test_the_email_reads_on_a_phone_without_sideways_scrolling(busy_week, tmp_path):
    sent = busy_week()
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with chromium() as browser:
        for address, name in ((EVERYONE, "email"), (BEDS, "email-filtered")):
            page_file = tmp_path / f"{name}.html"
            page_file.write_text(html_of(sent[address]), encoding="utf-8")
            for width, height in ((390, 844), (1280, 800)):
                page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
                page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                           else route.continue_())  # an email loads nothing from the network
                page.goto(page_file.as_uri())
                overflow = page.evaluate("document.documentElement.scrollWidth - "
                                         "document.documentElement.clientWidth")
                assert overflow <= 0, (name, width, overflow)
                inner = page.evaluate("document.querySelector('table table').getBoundingClientRect().width")
                assert inner <= min(width, 640), (name, width, inner)
                size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h3 + p + p')).fontSize)")
                assert size >= 15  # a lead story's summary
                headline = page.locator("h3").first.bounding_box()
                assert headline is not None and headline["y"] + headline["height"] <= height  # on the first screen
                shot = artifacts / f"{name}-{width}.png"
                page.screenshot(path=str(shot), full_page=width == 390)
                assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
                page.close()
