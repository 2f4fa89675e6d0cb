"""Charts of weekly counts: the counting (digest.charts), the SVG and the email bars
(templates/charts.html.j2) rendered by the real template environment."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from digest.charts import TrendStory, archive_trend, bar_chart, trend, weeks_ending
from digest.models import Item, TopicMatch
from digest.render import environment
from digest.topics import Taxonomy
from digest.totals import funding_period

TZ = ZoneInfo("Europe/London")
WEEK = "2026-W49"  # 30 November - 6 December 2026
SVG = "{http://www.w3.org/2000/svg}"


def weeks():
    return weeks_ending(WEEK, TZ)


def sample() -> list[TrendStory]:
    monday = date(2026, 11, 30)
    return [
        TrendStory(monday, ["Knife crime"]), TrendStory(monday + timedelta(days=6), ["Knife crime", "County lines"]),
        TrendStory(monday - timedelta(days=7), ["County lines"]),  # the week before
        TrendStory(date(2026, 9, 14), ["Knife crime"]),  # the first of the twelve weeks
        TrendStory(date(2026, 9, 13), ["Knife crime"]),  # the day before them: not counted
        TrendStory(None, ["Knife crime"]),  # no date: counted apart
    ]


def test_stories_are_counted_in_the_week_they_were_published():
    shown = trend(sample(), weeks(), "all areas")
    assert (shown.weeks[0].label, shown.weeks[-1].label, len(shown.weeks)) == ("2026-W38", WEEK, 12)
    assert shown.overall.counts == [1] + [0] * 9 + [1, 2]
    assert shown.undated == 1
    assert [(s.label, s.counts[-1], s.total) for s in shown.by_topic] == [("Knife crime", 2, 3), ("County lines", 1, 2)]
    assert shown.describe(shown.overall) == ("4 stories published in the 12 weeks from 14 September 2026 to "
                                             "6 December 2026; the most, 2, in the week of 30 November 2026; "
                                             "2 in the latest week.")


def item(item_id: int, cluster: int, published: date | None, found: datetime, topic: str = "knife_crime") -> Item:
    return Item(id=item_id, key=f"k{item_id}", source="s", url=None, canonical_url=None, path=None, title="t",
                summary="", published=published, published_time=None, first_seen=found, updated_at=found,
                area="Bedfordshire", mentioned_areas=[], org=None, org_kind="police", relevance=1.0, relevant=True,
                why_not=None, cluster=cluster, reasons=[TopicMatch(topic, 1.0, [])], figures=[], aliases=[])


def test_a_story_counts_once_at_its_earliest_date_and_only_if_found_by_the_end_of_the_week():
    found = datetime(2026, 12, 2, 9, tzinfo=UTC)
    items = [
        item(1, 1, date(2026, 12, 1), found),
        item(2, 1, date(2026, 11, 24), found + timedelta(hours=1)),  # the same story, told a week earlier
        item(3, 3, date(2026, 12, 2), datetime(2026, 12, 8, tzinfo=UTC)),  # found after the week: not yet known
    ]
    shown = archive_trend(items, Taxonomy(), WEEK, TZ, "all areas")
    assert shown.overall.counts[-2:] == [1, 0]
    assert [s.label for s in shown.by_topic] == [Taxonomy().short_label("knife_crime")] == ["Knife crime"]


def test_bars_are_proportional_and_the_latest_is_marked():
    series = trend(sample(), weeks(), "all areas").overall
    chart = bar_chart(series, weeks(), 360, 130, labels=True, shown_width=480)
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.value == 2 and tallest.y == 14 and round(tallest.y + tallest.height) == chart.baseline
    one = next(b for b in chart.bars if b.value == 1)
    assert one.height == tallest.height / 2
    assert [b.latest for b in chart.bars] == [False] * 11 + [True]
    assert all(b.x + b.width <= 360 for b in chart.bars)
    assert [text for _, text, _ in chart.ticks] == ["21 Sep", "5 Oct", "19 Oct", "2 Nov", "16 Nov", "30 Nov"]
    assert chart.ticks[-1][0] == 360 and chart.ticks[-1][2] == "end"


def render(source: str, **context: object) -> str:
    return environment().from_string(source).render(**context)


def test_the_svg_has_a_text_alternative_values_on_its_bars_and_no_script():
    shown = trend(sample(), weeks(), "all areas")
    html = render('{% with charts = t %}{% include "charts.html.j2" %}{% endwith %}', t=shown)
    assert "<script" not in html.lower() and "onload" not in html.lower()
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 1 + len(shown.by_topic)
    for svg in svgs:
        root = ElementTree.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
        assert root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        values = [t.text for t in root.iter(f"{SVG}text")]
        bars = [r for r in root.iter(f"{SVG}rect") if r.get("height") and r.get("x")]
        assert len([v for v in values if v and v.isdigit() and v != "0"]) == len(bars)  # every bar has its value
        assert sum("url(#" in (r.get("fill") or "") for r in bars) <= 1  # the latest week hatched, not coloured
    overall = svgs[0]
    assert "4 stories published in the 12 weeks" in overall
    table = re.search(r'<div class="sr-only"><table>(.*?)</table></div>', html, re.S)
    assert table and len(re.findall(r"<tr>", table.group(1))) == 1 + 12
    assert "Not shown: 1 story without a publication date" in html


def test_no_stories_is_said_in_words_not_drawn_as_an_empty_chart():
    shown = trend([TrendStory(None, ["Knife crime"])], weeks(), "Bedfordshire")
    html = render('{% from "charts.html.j2" import trend_charts %}{{ trend_charts(t) }}', t=shown)
    assert "<svg" not in html
    assert "No stories published in the 12 weeks from 14 September 2026 to 6 December 2026." in html


def test_the_email_bars_are_table_cells_with_inline_attributes_only():
    shown = trend(sample(), weeks(), "all areas")
    html = render('{% from "charts.html.j2" import email_trend %}{{ email_trend(t) }}', t=shown)
    for unsupported in ("<svg", "<style", "<script", "<link", "class=", "position:", "rem;", "aria-"):
        assert unsupported not in html, unsupported
    widths = [int(w) for w in re.findall(r'<table role="presentation" width="(\d+)%"', html)[1:]]
    assert max(widths) == 100 and 50 in widths  # a bar a row, as long as its share of the longest
    rows = re.findall(r"<tr><td>(.*?)</td>.*?<b>(\d+)</b>(.*?)</td></tr>", html)
    assert rows[:12] == [(w.short, str(n), " this week" if i == 11 else "")
                         for i, (w, n) in enumerate(zip(shown.weeks, shown.overall.counts, strict=True))]
    assert ("Knife crime", "3", " 2 this week") in rows
    assert len(html) < 6000  # an email must stay under Gmail's clip with sixty stories


def test_funding_is_told_apart_by_the_years_its_sentence_gives():
    assert funding_period("The PCC has awarded £350,000 for 2025/26 to youth projects.") == "2025/26"
    assert funding_period("£1.2m in 2024-25 from the Home Office") == "2024/25"
    assert funding_period("£600,000 over the next three years") == "over three years"
    assert funding_period("In 2026 the unit received £80,000") == "2026"
    assert funding_period("£2m between 2024 and 2026") == "2024–2026"
    assert funding_period("A further £50,000 was awarded") == "year not stated"
    assert funding_period("£1m for 2025 to 2026") == "2025/26"


def test_a_trend_narrows_to_a_readers_areas_and_topics():
    monday = date(2026, 11, 30)
    stories = [TrendStory(monday, ["Knife crime"], "Bedfordshire", ("knife_crime",)),
               TrendStory(monday, ["County lines"], "Bedfordshire", ("county_lines",)),
               TrendStory(monday, ["Knife crime"], "Cambridgeshire", ("knife_crime",)),
               TrendStory(None, ["Knife crime"], "Bedfordshire", ("knife_crime",))]
    everywhere = trend(stories, weeks(), "all areas")
    assert everywhere.overall.latest == 3
    mine = everywhere.narrowed(["Bedfordshire"], [], "Bedfordshire")
    assert (mine.scope, mine.overall.latest, mine.undated) == ("Bedfordshire", 2, 1)
    knives = everywhere.narrowed(["Bedfordshire"], ["knife_crime"], "Bedfordshire, knife crime")
    assert (knives.overall.latest, [s.label for s in knives.by_topic]) == (1, ["Knife crime"])
    assert everywhere.narrowed([], [], "all areas").overall.counts == everywhere.overall.counts
