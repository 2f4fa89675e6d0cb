"""Honest numbers (issue 17): an edition totals the figures of stories published in its week, each
fact once, funding per year; a first edition compares with nothing; every total links to its stories.

Real documents in a seed folder, ingested and built by the CLI into a real SQLite store."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from digest.config import load_config
from digest.service import edition_for
from digest.store import Store

TODAY = datetime.now(UTC).date()
KNIFE = "Tackling knife crime and serious violence remains a priority for the force."
RAID = ("Officers arrested five men and seized 12 knives during an operation against knife crime in Luton on "
        "Tuesday. The men, aged between 19 and 34, were held on suspicion of possessing offensive weapons and "
        "remain in custody. Detective Inspector Sam Hale said the raids followed months of work with "
        "neighbourhood teams and community groups in Marsh Farm and Lewsey, where residents had reported "
        "young people carrying blades. " + KNIFE)
STABBING = ("Three people were arrested after a man was stabbed outside a takeaway in Bedford town centre on "
            "Monday night. The victim, 24, is in a stable condition. Chief Inspector Dee Young said knife crime "
            "patrols would be stepped up in the High Street and St Paul's Square over the coming weekend.")
RETOLD = ("Police said officers arrested five men and seized 12 knives during an operation against knife crime "
          "in Luton on Tuesday. The men, aged between 19 and 34, were held on suspicion of possessing offensive "
          "weapons and remain in custody. Detective Inspector Sam Hale said the raids followed months of work "
          "with neighbourhood teams and community groups in Marsh Farm and Lewsey, where residents had "
          "reported young people carrying blades. Two of the men have since been charged. " + KNIFE)


def document(title: str, body: str, published: date | None, url: str) -> str:
    head = f"title: {title}\narea: Bedfordshire\nurl: {url}\n" + (f"date: {published.isoformat()}\n" if published else "")
    return f"---\n{head}---\n\n{body}\n"


def write(seed_dir: Path, name: str, title: str, body: str, published: date | None) -> None:
    (seed_dir / name).write_text(document(title, body, published, f"https://example.police.uk/news/{name[:-4]}"),
                                 encoding="utf-8")


def build(digest) -> None:
    assert digest("ingest").exit_code == 0
    assert digest("build", "--week", "current").exit_code == 0


def current_edition(config_path: Path):
    config = load_config(config_path)
    store = Store(config.database)
    try:
        return edition_for(config, store, "current")
    finally:
        store.close()


def built_html(tmp_path: Path, edition) -> str:
    return (tmp_path / "out" / "digests" / f"{edition.week}.html").read_text(encoding="utf-8")


def test_a_figure_restated_by_another_publisher_of_the_story_is_counted_once(digest, seed_dir, config_path,
                                                                             tmp_path, export):
    write(seed_dir, "t1-raid.txt", "Five arrested and 12 knives seized in Luton raids", RAID, TODAY)
    write(seed_dir, "t2-paper.txt", "Luton knife raids: five men held", RETOLD, TODAY)
    write(seed_dir, "t3-other.txt", "Three arrested after Bedford stabbing",
          STABBING, TODAY)
    build(digest)
    items = {item["path"]: item for item in export()}
    assert items["t2-paper.txt"]["cluster"] == items["t1-raid.txt"]["id"]  # one story, two publishers
    assert [f["value"] for f in items["t2-paper.txt"]["figures"] if f["kind"] == "arrests"] == [5]

    edition = current_edition(config_path)
    totals = {t.kind: t for t in edition.figure_totals}
    assert totals["arrests"].value == 5 + 3  # not 5 + 5 + 3
    assert totals["weapons"].value == 12
    assert totals["charged"].value == 2  # stated by the other publisher only: counted, once, for the story
    assert [s.id for s in totals["charged"].stories] == [items["t1-raid.txt"]["id"]]
    assert {s.id for s in totals["arrests"].stories} == {items["t1-raid.txt"]["id"], items["t3-other.txt"]["id"]}


def test_funding_of_two_years_is_never_summed(digest, seed_dir, config_path):
    write(seed_dir, "f1.txt", "Commissioner funds youth projects for next year",
          "The Police and Crime Commissioner has awarded £350,000 of funding for 2025/26 to youth projects in "
          "Luton that steer young people away from knife crime, including boxing sessions and mentoring. Knife "
          "crime in the town rose last year, and the projects work with teenagers at risk of exploitation by "
          "county lines gangs.", TODAY)
    write(seed_dir, "f2.txt", "Violence unit funding confirmed",
          "The Violence and Exploitation Reduction Unit will receive £600,000 in 2026/27 from the Home Office "
          "for its work against serious violence, a grant it will spend on youth workers in hospital emergency "
          "departments in Bedford.", TODAY)
    build(digest)
    funding = [t for t in current_edition(config_path).figure_totals if t.kind == "funding_gbp"]
    assert [(t.label, t.display) for t in funding] == [("Funding (2026/27)", "£600,000"),
                                                      ("Funding (2025/26)", "£350,000")]
    assert all(len(t.stories) == 1 for t in funding)


def test_older_and_undated_stories_are_listed_apart_not_totalled(digest, seed_dir, config_path, tmp_path):
    write(seed_dir, "o1-now.txt", "Three arrested after Bedford stabbing",
          STABBING, TODAY)
    write(seed_dir, "o2-earlier.txt", "Nine arrested in Bedford raids",
          "Officers arrested nine people in dawn raids across Kempston and Queens Park in Bedford, seizing "
          "machetes and a zombie knife, after a rise in knife crime linked to drug dealing near schools.", TODAY - timedelta(days=10))
    write(seed_dir, "o3-undated.txt", "Four arrested in Luton",
          "Officers arrested four people in Luton town centre on Saturday after reports of a group carrying "
          "knives outside the bus station; a kitchen knife was found in a bin and knife crime patrols continue.", None)
    write(seed_dir, "o4-old.txt", "Seven arrested in Dunstable",
          "Officers arrested seven people in Dunstable during a week of action on knife crime, with a surrender "
          "bin at the police station collecting blades handed in by the public.", TODAY - timedelta(days=90))
    build(digest)
    edition = current_edition(config_path)
    arrests = next(t for t in edition.figure_totals if t.kind == "arrests")
    assert arrests.value == 3
    mine = {e.title: e for e in edition.set_apart if e.title in ("Nine arrested in Bedford raids", "Four arrested in Luton")}
    assert len(mine) == 2
    assert all(e.published is None or e.published < edition.start for e in edition.set_apart)  # the seeds are undated
    assert "Seven arrested in Dunstable" in [e.title for e in edition.older]  # with three old seeds
    by_area = {c.label: c.count for c in edition.counts_by_area}
    assert by_area == {"Bedfordshire": 1}  # only the story published this week is counted

    html = built_html(tmp_path, edition)
    note = re.search(r"<div class=\"note set-apart\">(.*?)</div>", html, re.S)
    assert note, "the stories set apart are named"
    text = " ".join(note.group(1).split())
    assert "1 story published before" in text and "without a publication date" in text
    for story in mine.values():
        assert f'href="#item-{story.id}"' in note.group(1)
    text = " ".join((tmp_path / "out" / "digests" / f"{edition.week}.txt").read_text(encoding="utf-8").split())
    assert re.search(r"Not in these numbers: 1 story published before \d+ \w+ \d{4}; \d+ stories without a "
                     r"publication date\.", text)


def test_a_first_edition_says_no_previous_edition_and_has_no_change_column(digest, seed_dir, config_path, tmp_path):
    write(seed_dir, "n1.txt", "Three arrested after Bedford stabbing",
          STABBING, TODAY)
    build(digest)
    edition = current_edition(config_path)
    assert edition.first_edition
    assert all(c.previous is None and c.change is None for c in edition.counts_by_area + edition.counts_by_topic)
    html = built_html(tmp_path, edition)
    breakdown = html[html.index('id="breakdown"'):]
    assert "no previous edition" in breakdown
    assert ">Change<" not in html and ">Previous edition<" not in html
    text = (tmp_path / "out" / "digests" / f"{edition.week}.txt").read_text(encoding="utf-8")
    assert "No previous edition to compare with." in text and "Change" not in text


def test_after_a_week_of_collecting_the_counts_compare_with_the_previous_week(digest, seed_dir, config_path,
                                                                              tmp_path):
    last_week = TODAY - timedelta(days=7)
    write(seed_dir, "p1.txt", "Two arrested after Luton stabbing",
          "Two people were arrested after a teenager was stabbed in the leg in Wardown Park, Luton, on Friday "
          "afternoon; police increased knife crime patrols around the park and the nearby college.", last_week)
    assert digest("ingest").exit_code == 0
    found = datetime.combine(last_week, datetime.min.time(), UTC).replace(hour=12).isoformat(timespec="seconds")
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:  # found last week, as a running service would have
        db.execute("update items set first_seen = ?", [found])
    write(seed_dir, "p2.txt", "Three arrested after Bedford stabbing",
          STABBING, TODAY)
    build(digest)
    edition = current_edition(config_path)
    assert not edition.first_edition
    area = next(c for c in edition.counts_by_area if c.label == "Bedfordshire")
    assert (area.count, area.previous, area.change) == (1, 1, 0)
    html = built_html(tmp_path, edition)
    assert ">Change<" in html and "no previous edition" not in html


def test_every_total_links_to_stories_shown_on_the_page(digest, seed_dir, config_path, tmp_path):
    write(seed_dir, "l1-raid.txt", "Five arrested and 12 knives seized in Luton raids", RAID, TODAY)
    write(seed_dir, "l2-other.txt", "Three arrested after Bedford stabbing",
          STABBING, TODAY)
    build(digest)
    edition = current_edition(config_path)
    html = built_html(tmp_path, edition)
    figures = re.search(r'<ul class="key-figures">(.*?)</ul>', html, re.S)
    assert figures
    rows = re.findall(r'<li class="key-figure">(.*?)</li>', figures.group(1), re.S)
    assert len(rows) == len(edition.figure_totals) >= 2
    for row in rows:
        targets = re.findall(r'href="#item-(\d+)"', row)
        assert targets, row
        for target in targets:
            assert f'id="item-{target}"' in html
