"""`digest run --once` on the shipped config and seed folder gives the digest a user expects."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import feedparser

EXPECTED = [
    # (file, title or None when it is the trimmed first sentence, published, area)
    ("000_b20f7c643c2cc7b4.txt", "Partnership approach needed to tackle serious violence", "2019-03-05", "Bedfordshire"),
    ("001_1fa40bf0c9897c04.txt", "The Commissioner’s blog – tackling serious violence", None, "Cambridgeshire"),
    ("002_1e75195c5c38274b.txt", "Serious violence and knife crime to be tackled ‘as one’ across Northamptonshire",
     "2023-12-08", "Northamptonshire"),
    ("003_0fc0534938e8ed63.txt", None, "2022-04-12", "Bedfordshire"),
    ("004_5368001f88e3753a.txt", None, None, "Cambridgeshire"),
]
FURNITURE = ("cookie", "Cookie", "Accessibility Options", "Quickly exit", "technical problem")


def test_run_once_prints_where_the_outputs_are(digest, tmp_path):
    result = digest("run", "--once")
    assert result.exit_code == 0, result.output
    assert "seeds: 5 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in result.stdout
    html = tmp_path / "out" / "digests"
    assert str(next(html.glob("*.html"))) in result.stdout
    assert str(tmp_path / "out" / "feed.xml") in result.stdout
    assert (tmp_path / "out" / "index.html").is_file()


def test_export_has_the_five_seeds_as_stated(digest, export):
    assert digest("run", "--once").exit_code == 0
    items = export()
    assert [item["path"] for item in items] == [row[0] for row in EXPECTED]
    for item, (_, title, published, area) in zip(items, EXPECTED, strict=True):
        if title:
            assert item["title"] == title
        assert item["published"] == published
        assert item["area"] == area
        assert item["relevant"] is True
        assert item["reasons"] and all(reason["terms"] for reason in item["reasons"])
        assert item["topics"]
        assert item["source"] == "seeds"
        for field in ("title", "summary"):
            assert not any(word in item[field] for word in FURNITURE), (field, item[field])
        assert "Â" not in item["title"] + item["summary"]


def test_titles_without_a_headline_come_from_the_first_sentence(digest, export):
    digest("run", "--once")
    items = {item["path"]: item for item in export()}
    title = items["003_0fc0534938e8ed63.txt"]["title"]
    assert title.startswith("Since February, officers from across Bedfordshire Police")
    assert len(title) <= 110 and title.endswith("…")
    title = items["004_5368001f88e3753a.txt"]["title"]
    assert title.startswith("Police and Crime Commissioner Darryl Preston has welcomed a new plan")
    assert len(title) <= 110


def test_bodies_are_clean_and_mojibake_is_fixed(digest, tmp_path):
    digest("run", "--once")
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        bodies = dict(db.execute("select path, body from items"))
    assert "£4.571m" in bodies["000_b20f7c643c2cc7b4.txt"]
    assert all("Â" not in body for body in bodies.values())
    assert all(not any(word in body for word in FURNITURE) for body in bodies.values())
    assert "‘as one’" in bodies["002_1e75195c5c38274b.txt"] or "“as one”" in bodies["002_1e75195c5c38274b.txt"]
    assert "March 2023" not in bodies["001_1fa40bf0c9897c04.txt"].split("\n\n")[0]


def test_first_seed_carries_its_url_figures_and_org(digest, export):
    digest("run", "--once")
    first = export()[0]
    assert first["url"] == "https://www.bedfordshire.police.uk/news-and-appeals/partnership-tackle-violence-march2019"
    assert {k: first["figures"][0][k] for k in ("kind", "value")} == {"kind": "funding_gbp", "value": 4571000}
    assert "£4.571m" in first["figures"][0]["text"]
    assert first["org_kind"] == "police"
    assert first["first_seen"].endswith("+00:00")


def test_feed_parses_with_five_entries(digest, tmp_path):
    digest("run", "--once")
    rss = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    assert rss.bozo == 0
    assert len(rss.entries) == 5
    assert {e.title for e in rss.entries} >= {EXPECTED[0][1], EXPECTED[1][1], EXPECTED[2][1]}
    atom = feedparser.parse((tmp_path / "out" / "feed.atom").read_bytes())
    assert atom.bozo == 0 and len(atom.entries) == 5


def test_second_run_adds_nothing_and_changes_nothing(digest, export, tmp_path):
    digest("run", "--once")
    before = export()
    result = digest("run", "--once")
    assert "seeds: 0 new, 0 updated, 0 duplicate, 5 unchanged, 0 failed" in result.stdout
    assert export() == before


def test_guids_are_stable_across_rebuilds(digest, tmp_path):
    digest("run", "--once")
    first = [e.id for e in feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes()).entries]
    digest("build", "--week", "current")
    second = [e.id for e in feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes()).entries]
    assert first == second and len(set(first)) == 5


def test_edition_text_lists_all_five(digest, tmp_path):
    digest("run", "--once")
    text = next((tmp_path / "out" / "digests").glob("*.txt")).read_text(encoding="utf-8")
    flowed = " ".join(text.split())
    for _, title, _, _ in EXPECTED:
        if title:
            assert title in flowed
    assert "&amp;" not in text and "<" not in text.replace("<http", "")


def test_shipped_default_works_from_the_repo_layout(tmp_path):
    """The shipped config.yaml points at seeds/ beside it."""
    import yaml

    config = yaml.safe_load((Path(__file__).resolve().parent.parent / "config.yaml").read_text(encoding="utf-8"))
    assert {"name": "seeds", "kind": "folder", "path": "seeds"}.items() <= config["sources"][0].items()


def test_shipped_config_watches_the_three_forces_and_their_commissioners(tmp_path):
    """Validated without fetching anything: tests never reach the internet."""
    from digest.config import load_config

    config = load_config(Path(__file__).resolve().parent.parent / "config.yaml")
    web = [s for s in config.sources if s.kind != "folder"]
    areas = {(s.area, s.org_kind) for s in web}
    for area in ("Bedfordshire", "Cambridgeshire", "Northamptonshire"):
        assert (area, "police") in areas and (area, "pcc") in areas
    assert all(s.url.startswith("https://") for s in web)
    assert {s.kind for s in web} == {"webpage", "feed"}
