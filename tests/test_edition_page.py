"""The edition as a reader meets it: stories first, items that read well, the archive index, and
which week `digest build` builds."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Tag

from digest.models import utc_now
from digest.weeks import week_label

TODAY = date.today().isoformat()
SOURCE = "zz-internal-folder"  # a config name no reader should ever see
MANY_TOPICS = (
    f" date {TODAY} Knife crime and county lines gang: man shot dead in Luton as 12 arrested\n"
    "A man was shot dead in Luton on Monday night and detectives have launched a murder investigation.\n"
    "Officers arrested 12 people and seized 9 knives during raids on Tuesday linked to a county lines gang "
    "exploiting children.\n"
    "The organised crime group ran a drug line from London into Luton, and two men have been charged with murder.\n"
    "Bedfordshire Police said the Violence Reduction Unit would fund diversion work in schools to prevent knife "
    "crime.\n"
)
TWO_FIGURES = "Officers arrested 12 people and seized 9 knives during raids on Tuesday"
NO_PUBLISHER = (
    f" date {TODAY} Teenager stabbed outside Bedford takeaway\n"
    "A 17-year-old boy was stabbed outside a takeaway in Bedford on Saturday evening and taken to hospital.\n"
    "Detectives are appealing for witnesses to the knife attack.\n"
)


def _config(write_config: Any, tmp_path: Path, **docs: str) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return write_config(sources=[{"name": SOURCE, "kind": "folder", "path": "docs"}])


def _page(tmp_path: Path, suffix: str = "html") -> str:
    return next((tmp_path / "out" / "digests").glob(f"*.{suffix}")).read_text(encoding="utf-8")


def _article(html: str, title: str) -> Tag:
    soup = BeautifulSoup(html, "html.parser")
    heading = next(h for h in soup.select("article.item h3") if title in h.get_text())
    article = heading.find_parent("article")
    assert isinstance(article, Tag)
    return article


def _exported(digest: Any, config: Path, title_start: str) -> dict[str, Any]:
    rows = [json.loads(line) for line in digest("export", config=config).stdout.splitlines()]
    return next(row for row in rows if row["title"].startswith(title_start))


def test_an_item_shows_three_topic_chips_at_most_subjects_first(digest, write_config, tmp_path):
    config = _config(write_config, tmp_path, **{"multi.txt": MANY_TOPICS})
    assert digest("run", "--once", config=config).exit_code == 0
    topics = _exported(digest, config, "Knife crime and county lines")["topics"]
    assert len(topics) > 3 and "enforcement" in topics  # a facet among many subjects
    chips = [chip.get_text() for chip in _article(_page(tmp_path), "Knife crime and county lines").select(".topic")]
    assert 1 <= len(chips) <= 3
    assert "Enforcement" not in chips  # the subjects come first
    text = " ".join(_page(tmp_path, "txt").split())
    assert "Topics: " + ", ".join(chips) in text


def test_a_sentence_with_two_figures_is_quoted_once(digest, write_config, tmp_path):
    config = _config(write_config, tmp_path, **{"multi.txt": MANY_TOPICS})
    assert digest("run", "--once", config=config).exit_code == 0
    figures = _exported(digest, config, "Knife crime and county lines")["figures"]
    assert {f["kind"] for f in figures if f["text"].startswith(TWO_FIGURES)} == {"arrests", "weapons"}
    article = _article(_page(tmp_path), "Knife crime and county lines")
    assert article.get_text().count(TWO_FIGURES) == 1
    line = next(li for li in article.select(".figures li") if TWO_FIGURES in li.get_text())
    assert "Arrests:" in line.get_text() and "Weapons seized or surrendered:" in line.get_text()
    assert " ".join(_page(tmp_path, "txt").split()).count(TWO_FIGURES) == 1


def test_a_reason_is_one_line_with_every_matched_term_behind_a_disclosure(digest, write_config, tmp_path):
    config = _config(write_config, tmp_path, **{"multi.txt": MANY_TOPICS})
    assert digest("run", "--once", config=config).exit_code == 0
    reasons = _exported(digest, config, "Knife crime and county lines")["reasons"]
    why = _article(_page(tmp_path), "Knife crime and county lines").select_one("details.why")
    assert why is not None
    summary = why.select_one("summary")
    assert summary is not None
    line = " ".join(summary.get_text().split())
    # "Why: Homicide: shot dead, murder investigation · Gangs: gang, organised crime group"
    assert line.startswith("Why: ") and line.count(" · ") == 1 and len(line) < 120
    assert line.split("Why: ")[1].split(":")[0] in {"Homicide", "Gangs", "County lines", "Knife crime", "Firearms"}
    every = " ".join(why.get_text().split())
    for reason in reasons:
        for term in reason["terms"]:
            assert term in every
    assert "Relevance" in every and "Relevance" not in line


def test_no_source_name_or_file_path_is_shown_to_readers(digest, write_config, tmp_path):
    config = _config(write_config, tmp_path, **{"038-internal-name.txt": NO_PUBLISHER, "multi.txt": MANY_TOPICS})
    assert digest("run", "--once", config=config).exit_code == 0
    item = _exported(digest, config, "Teenager stabbed")
    assert item["org"] is None and item["url"] is None and item["path"] == "038-internal-name.txt"
    for shown in (_page(tmp_path), _page(tmp_path, "txt"), (tmp_path / "out" / "index.html").read_text()):
        assert SOURCE not in shown and "038-internal-name" not in shown
    article = _article(_page(tmp_path), "Teenager stabbed")
    assert article.select_one(".org").get_text() in {"Police", "News outlet", "Other publisher", "Council",  # type: ignore[union-attr]
                                                     "Police and Crime Commissioner", "Violence Reduction Unit"}
    assert article.select_one(".origin").get_text() == "No web link"  # type: ignore[union-attr]
    assert "No web link\n" in _page(tmp_path, "txt")


def test_the_lead_stories_come_before_the_tables(digest, write_config, tmp_path):
    config = _config(write_config, tmp_path, **{"multi.txt": MANY_TOPICS, "stab.txt": NO_PUBLISHER})
    assert digest("run", "--once", config=config).exit_code == 0
    soup = BeautifulSoup(_page(tmp_path), "html.parser")
    main = soup.select_one("main")
    assert main is not None
    first = main.find(["section", "table", "details"])
    assert isinstance(first, Tag) and "leads" in (first.get("class") or [])
    assert [a["href"] for a in soup.select(".where a")] == ["../areas/bedfordshire.html"]
    tables = soup.select("table.counts")
    assert tables and all(table.find_parent("details") for table in tables)  # folded, after the stories
    text = _page(tmp_path, "txt")
    assert text.index("Lead stories") < text.index("Knife crime and county lines") < text.index("Items by area")


def test_the_index_links_every_area_page_and_every_feed(digest, write_config, tmp_path):
    config = _config(write_config, tmp_path, **{"multi.txt": MANY_TOPICS})
    assert digest("run", "--once", config=config).exit_code == 0
    out = tmp_path / "out"
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {str(a["href"]) for a in soup.select("a[href]")}
    feeds = {path.relative_to(out).as_posix() for path in out.rglob("*.xml")} | {"feed.atom"}
    assert feeds and feeds <= hrefs, feeds - hrefs
    assert "areas/bedfordshire.html" in hrefs
    assert any(h.startswith("digests/") for h in hrefs)
    row = soup.select_one(".edition-row")
    assert row is not None and "1 item" in row.get_text()


def test_a_first_build_without_a_week_builds_the_current_week(digest, write_config, tmp_path):
    config = _config(write_config, tmp_path, **{"multi.txt": MANY_TOPICS})
    assert digest("ingest", config=config).exit_code == 0
    current = week_label(utc_now(), ZoneInfo("Europe/London"))
    first = digest("build", config=config)
    assert first.exit_code == 0 and f"Edition {current}: 1 items" in first.stdout, first.output
    last = week_label(utc_now() - timedelta(days=7), ZoneInfo("Europe/London"))
    again = digest("build", config=config)  # an edition exists: the default is the last complete week again
    assert again.exit_code == 0 and f"Edition {last}:" in again.stdout


def test_a_week_after_the_current_one_is_refused_in_one_line(digest, write_config, tmp_path):
    config = _config(write_config, tmp_path, **{"multi.txt": MANY_TOPICS})
    future = week_label(utc_now() + timedelta(days=14), ZoneInfo("Europe/London"))
    result = digest("build", "--week", future, config=config)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: --week: {future} has not begun") and result.output.count("\n") == 1
    assert not (tmp_path / "out" / "digests").exists()
    assert digest("build", "--week", "current", config=config).exit_code == 0


def _story(place: str, force: str) -> str:
    return (f" date {TODAY} Man stabbed in {place} town centre\n"
            f"A 22-year-old man was stabbed in {place} town centre on Friday evening and taken to hospital with a "
            f"stab wound to his leg. Officers were called at about 7.20pm to reports of a fight between two groups "
            f"of young people and a kitchen knife was recovered from a garden nearby. {force} said a 17-year-old "
            f"boy has been charged with wounding with intent and will appear at the youth court on Monday.\n")


def test_the_story_told_by_most_publishers_leads_and_a_readers_area_comes_first(write_config, tmp_path):
    from digest.config import load_config
    from digest.service import edition_for, ingest_step
    from digest.store import Store

    for folder in ("police", "paper", "cambs"):
        (tmp_path / folder).mkdir()
    bedford = _story("Bedford", "Bedfordshire Police")
    (tmp_path / "police" / "bedford.txt").write_text(bedford, encoding="utf-8")
    (tmp_path / "paper" / "bedford.txt").write_text(bedford.replace("Man stabbed", "Teenager charged after man stabbed")
                                                   + "Witnesses told the Gazette the fight began outside a bar.\n", encoding="utf-8")
    (tmp_path / "cambs" / "ely.txt").write_text(
        f" date {TODAY} Knife arch and weapons sweeps in Ely after robbery\nCambridgeshire Constabulary set up a "
        "knife arch at Ely station on Saturday after a teenager was robbed at knifepoint near the cathedral. "
        "Officers carried out weapons sweeps of parks and the riverside and found two knives hidden in hedges.\n",
        encoding="utf-8")
    config = load_config(write_config(sources=[
        {"name": "police", "kind": "folder", "path": "police", "org": "Bedfordshire Police", "org_kind": "police",
         "area": "Bedfordshire"},
        {"name": "paper", "kind": "folder", "path": "paper", "org": "Bedford Gazette", "org_kind": "news",
         "area": "Bedfordshire"},
        {"name": "cambs", "kind": "folder", "path": "cambs", "org": "Cambridgeshire Constabulary",
         "org_kind": "police", "area": "Cambridgeshire"},
    ], digest={"group_by": "area", "backfill_days": 30}))
    store = Store(config.database)
    try:
        ingest_step(config, store)
        edition = dataclasses.replace(edition_for(config, store, "current"), lead_count=1)
    finally:
        store.close()
    assert edition.item_count == 2  # the paper's copy is one story with the police's release
    assert [(e.area, e.publishers) for e in edition.leads] == [("Bedfordshire", 2)]
    assert [g.label for g in edition.more_groups] == ["Cambridgeshire"]
    theirs = edition.with_areas_first(["Cambridgeshire"])
    assert [e.area for e in theirs.leads] == ["Cambridgeshire"] and theirs.where[0] == ("Cambridgeshire", 1)
    assert [g.label for g in theirs.more_groups] == ["Bedfordshire"]
