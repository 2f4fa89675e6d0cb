"""Near-duplicate clusters: a retold press release is one story; a shared template paragraph is not."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import feedparser

TEMPLATE = (
    "Anyone with information about knife crime in their community is asked to contact Bedfordshire Police "
    "online or by calling 101. Information can also be given anonymously to the independent charity "
    "Crimestoppers, online or by calling 0800 555 111. The Violence and Exploitation Reduction Unit works with "
    "schools, youth services and families across Bedford, Luton and Central Bedfordshire to steer young people "
    "away from weapons, gangs and exploitation, and offers mentoring to anyone worried about a friend."
)
RELEASE = f""" date 2026-11-16 Teenager charged after Bedford stabbing
A 17-year-old boy has been charged with wounding with intent after a man was stabbed in Bedford town centre on
Friday evening. Officers were called to Silver Street at about 7.20pm to reports of a fight between two groups
of young people. A 22-year-old man was taken to hospital with a stab wound to his leg and has since been discharged.
The boy, who cannot be named for legal reasons, was arrested nearby and a kitchen knife was recovered from a
garden in Harpur Street. He appeared at Luton Youth Court on Monday and was remanded into youth detention.
Detective Sergeant Priya Nair said: "Carrying a knife puts lives at risk, including your own. We are grateful to
the members of the public who helped officers on Friday night and we continue to ask for dashcam footage."
{TEMPLATE}
"""
RETELLING = f"""Accessibility Options
Boy, 17, charged after man stabbed in Bedford
A 17-year-old boy has been charged with wounding with intent after a man was stabbed in Bedford town centre on
Friday evening, police said. Officers were called to Silver Street at about 7.20pm to reports of a fight between
two groups of young people. A 22-year-old man was taken to hospital with a stab wound to his leg and has since been
discharged. The boy, who cannot be named for legal reasons, was arrested nearby and a kitchen knife was recovered
from a garden in Harpur Street. He appeared at Luton Youth Court on Monday and was remanded into youth detention.
Detective Sergeant Priya Nair said: "Carrying a knife puts lives at risk, including your own. We are grateful to
the members of the public who helped officers on Friday night and we continue to ask for dashcam footage."
{TEMPLATE}
"""
TRAP = f""" date 2026-11-17 Knife surrender bin unveiled in Luton
A new knife surrender bin has been installed outside the community centre in Marsh Farm, Luton, so that anyone
holding a blade can give it up safely and without questions. The bin was paid for by the Police and Crime
Commissioner and will be emptied every fortnight by officers from the Luton community policing team.
{TEMPLATE}
"""


def _write(seed_dir, **files: str) -> None:
    for name, text in files.items():
        (seed_dir / name).write_text(text, encoding="utf-8")


def test_retelling_joins_the_release_and_a_shared_template_does_not(digest, export, seed_dir):
    _write(seed_dir, **{"r1-release.txt": RELEASE, "r2-paper.txt": RETELLING, "r3-trap.txt": TRAP})
    digest("ingest")
    items = {item["path"]: item for item in export()}
    release, paper, trap = items["r1-release.txt"], items["r2-paper.txt"], items["r3-trap.txt"]
    assert paper["cluster"] == release["cluster"] == release["id"]
    assert trap["cluster"] == trap["id"]
    assert len({item["cluster"] for item in items.values()}) == 7  # five seeds, the story, the trap


def test_a_cluster_is_shown_once_in_the_edition_and_feed(digest, seed_dir, tmp_path):
    _write(seed_dir, **{"r1-release.txt": RELEASE, "r2-paper.txt": RETELLING, "r3-trap.txt": TRAP})
    digest("run", "--once")
    text = " ".join(next((tmp_path / "out" / "digests").glob("*.txt")).read_text(encoding="utf-8").split())
    assert text.count("Teenager charged after Bedford stabbing") == 1
    assert "Boy, 17, charged after man stabbed in Bedford" in text  # named among the other publishers
    html = next((tmp_path / "out" / "digests").glob("*.html")).read_text(encoding="utf-8")
    assert html.count('class="also"') == 1
    feed = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    titles = [entry.title for entry in feed.entries]
    assert "Teenager charged after Bedford stabbing" in titles
    assert "Boy, 17, charged after man stabbed in Bedford" not in titles
    assert len(titles) == 7


def test_a_later_retelling_is_a_follow_up_not_a_second_story(digest, seed_dir, tmp_path):
    _write(seed_dir, **{"r1-release.txt": RELEASE})
    digest("ingest")
    last_week = (datetime.now(UTC) - timedelta(days=7)).isoformat(timespec="seconds")
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:  # the release was found a week ago
        db.execute("update items set first_seen = ?", [last_week])
    _write(seed_dir, **{"r2-paper.txt": RETELLING})
    digest("run", "--once")
    text = " ".join(next((tmp_path / "out" / "digests").glob("*.txt")).read_text(encoding="utf-8").split())
    assert "More on stories from earlier editions (1)" in text
    assert "Boy, 17, charged after man stabbed in Bedford" in text and "First reported in" in text
    assert "Teenager charged after Bedford stabbing" not in text


def test_lookup_uses_the_band_index(tmp_path, seed_dir, digest):
    """Candidates come from an indexed band lookup, not a scan of every stored item."""
    digest("ingest")
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        plan = " ".join(row[-1] for row in db.execute(
            "explain query plan select item_id from lsh_bands where key = 1 and item_id != 0 "
            "order by item_id desc limit 50"))
        bands = db.execute("select count(*) from lsh_bands").fetchone()[0]
    assert ("INDEX" in plan.upper() or "PRIMARY KEY" in plan.upper()) and "KEY=?" in plan.upper()
    assert "SCAN" not in plan.upper()
    assert bands == 5 * 32


def test_a_changed_text_keeps_one_signature_row_and_only_its_new_bands(tmp_path, seed_dir, digest):
    from digest.shingles import Signature

    def stored() -> tuple[tuple, set, int]:
        with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
            item_id, minhash, shingles, facts = db.execute(
                "select s.item_id, s.minhash, s.shingles, s.facts from item_signatures s join files f "
                "on f.item_id = s.item_id where f.path = 'r1-release.txt'").fetchone()
            bands = {key for (key,) in db.execute("select key from lsh_bands where item_id = ?", [item_id])}
            rows = db.execute("select count(*) from item_signatures where item_id = ?", [item_id]).fetchone()[0]
        assert shingles > 50 and "w:silver street" in facts  # described when written, new or changed
        return Signature.from_bytes(minhash).bands(), bands, rows

    _write(seed_dir, **{"r1-release.txt": RELEASE})
    digest("ingest")
    first, first_bands, rows = stored()
    assert set(first) == first_bands and rows == 1
    _write(seed_dir, **{"r1-release.txt": RELEASE.replace("Friday evening", "Saturday night, after a party")})
    digest("ingest")
    changed, changed_bands, rows = stored()
    assert set(changed) == changed_bands != first_bands and rows == 1


def test_a_signature_left_by_a_deleted_newest_item_does_not_block_the_next(tmp_path, seed_dir, digest, export):
    _write(seed_dir, **{"r1-release.txt": RELEASE})
    digest("ingest")
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:  # someone deletes the newest item by hand,
        db.execute("pragma foreign_keys = on")  # and the rows that refer to it (the signature's does not)
        newest = db.execute("select max(id) from items").fetchone()[0]
        for table in ("files", "item_topics", "figures", "aliases"):
            db.execute(f"delete from {table} where item_id = ?", [newest])
        db.execute("delete from items where id = ?", [newest])
    (seed_dir / "r1-release.txt").unlink()
    _write(seed_dir, **{"r3-trap.txt": TRAP})
    assert digest("ingest").exit_code == 0
    trap = next(item for item in export() if item["path"] == "r3-trap.txt")
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        facts = db.execute("select facts from item_signatures where item_id = ?", [trap["id"]]).fetchone()[0]
    assert trap["id"] == newest and "w:marsh farm" in facts  # its id again, and its own signature row


def test_a_band_index_of_the_old_form_is_rebuilt_from_the_signatures(tmp_path, seed_dir, digest):
    """m020: a store whose band index is (hash, band, item_id) gets one key a band, the rows an ingest
    writes, and finds the same near-duplicates after."""
    from digest.store import Store

    digest("ingest")
    database = tmp_path / "data" / "digest.db"
    with sqlite3.connect(database) as db:
        written = db.execute("select key, item_id from lsh_bands order by 1, 2").fetchall()
        db.execute("drop table lsh_bands")  # as m006 made it, its rows of no use to today's code
        db.execute("create table lsh_bands (hash integer, band integer, item_id integer, "
                   "primary key (hash, band, item_id)) without rowid")
        db.execute("insert into lsh_bands values (1, 2, 3)")
        db.execute("delete from _sqlite_migrations where name = 'm020_band_keys'")
        db.execute("pragma user_version = 19")
    Store(database).close()  # migrates
    with sqlite3.connect(database) as db:
        assert db.execute("select key, item_id from lsh_bands order by 1, 2").fetchall() == written
    assert len(written) == 5 * 32 and all(0 <= key < 2**31 for key, _ in written)


def test_topics_can_be_extended_and_added_in_config(write_config, digest, export, seed_dir):
    (seed_dir / "bins.txt").write_text(
        " date 2026-11-18 Blade bank opens in Kempston\nA new blade bank has opened outside Kempston library so that "
        "people can hand in knives safely. Officers said the blade bank would be emptied every week.\n", encoding="utf-8")
    config = write_config(classify={"min_relevance": 0.5, "topics": {
        "knife_crime": {"terms": ["blade bank*"]},
        "knife_bins": {"label": "Knife surrender bins", "kind": "facet", "terms": ["blade bank*", "surrender bin*"]},
    }})
    digest("ingest", config=config)
    item = next(i for i in export() if i["path"] == "bins.txt")
    assert "knife_crime" in item["topics"] and "knife_bins" in item["topics"]
    reasons = {r["topic"]: r["terms"] for r in item["reasons"]}
    assert "blade bank" in reasons["knife_bins"]


def test_signature_is_datasketch_minhash_and_keys_survive_pickling():
    """The one-step numpy MinHash equals datasketch's own, and a document's keys cross processes intact."""
    import pickle

    import numpy as np
    from datasketch import MinHash

    from digest.shingles import NUM_PERM, Signature, TextKeys, _permutations

    keys = TextKeys("Officers seized 12 knives in Luton on Friday after a week of action against knife crime. " * 3
                    + "The café owner said the Straße sign was stolen.")
    reference = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int)
    reference.update_batch((keys.shingles & np.uint64(0xFFFFFFFF)).tolist())
    assert (keys.signature.hashvalues == reference.hashvalues.astype(np.uint64)).all()
    assert all((ours == theirs).all() for ours, theirs in zip(_permutations(), reference.permutations, strict=True))
    copy = pickle.loads(pickle.dumps(keys))
    assert copy.fingerprint == keys.fingerprint and (copy.shingles == keys.shingles).all()
    assert (copy.signature.hashvalues == keys.signature.hashvalues).all() and copy.words == []
    assert copy.signature.bands() == keys.signature.bands() == Signature(keys.signature.hashvalues).bands()


def test_signatures_do_not_load_datasketch_or_scipy():
    """Importing datasketch loads scipy (most of a second at the start of every ingest): signatures draw
    its permutations themselves."""
    import subprocess
    import sys

    script = ("import sys; from digest.shingles import signature; signature('officers seized knives in luton'); "
              "print(sorted(name for name in sys.modules if name.split('.')[0] in ('datasketch', 'scipy')))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_sorted_distinct_is_numpy_unique():
    import numpy as np

    from digest.shingles import sorted_distinct

    rng = np.random.default_rng(7)
    for size in (0, 1, 2, 3, 50, 900):
        for _ in range(50):
            values = rng.integers(0, 40 if size > 3 else 2, size=size, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
            assert np.array_equal(sorted_distinct(values), np.unique(values))


def test_similarities_in_one_step_equal_one_by_one():
    from digest.shingles import TextKeys

    texts = ["Officers seized knives in Luton after a week of action against knife crime.",
             "Officers seized knives in Luton after a month of action against knife crime.",
             "The commissioner opened a youth centre in Bedford with funding from the violence reduction unit.",
             "Short."]
    sigs = [TextKeys(text).signature for text in texts]
    for index, sig in enumerate(sigs):
        expected = [sig.similarity(other) for other in sigs]
        assert sig.similarities([other.to_bytes() for other in sigs]) == expected
        assert expected[index] == 1.0
    assert sigs[0].similarities([]) == []


def test_a_heading_in_title_case_names_nothing_but_a_sentence_case_one_does():
    from digest.facts import story_facts

    body = ("A Brutal Encounter\n\nThe 43-year-old was knocked down in Dunstable Road, Luton, on Wednesday night.\n\n"
            "The Hunt for the Culprits\n\nDetective Constable Priya Sandhu said the attack was cowardly.")
    styled = story_facts("Violent Handbag Robbery in Luton Leaves Woman With 2 Broken Bones", body)
    assert {"n:43", "n:2", "w:dunstable road", "w:priya sandhu"} <= styled
    assert not {fact for fact in styled if "brutal" in fact or "hunt" in fact or "handbag" in fact or "culprits" in fact}
    plain = story_facts("Woman hurt in Dunstable Road robbery", body)
    assert "w:dunstable road" in plain


def test_a_line_of_a_hard_wrapped_paragraph_is_no_heading():
    from digest.facts import story_facts

    wrapped = ("Officers have been knocking on doors\n\ndoors on Whatriggs Road and Bellfield Avenue, and Detective Inspector\n\n"
               "Morag Lennox said cameras were being checked.")
    assert {"w:whatriggs road", "w:bellfield avenue", "w:morag lennox"} <= story_facts("Boy hurt in knife attack", wrapped)


def test_a_date_label_left_alone_on_its_line_is_no_name():
    from digest.facts import story_facts

    body = "- Published\nYoung victims of violence in Wessex will be supported by hospital navigators, Dana Whitfield said."
    assert "w:published" not in story_facts("Hospital support for young victims", body)
    assert "w:updated" not in story_facts("Hospital support", "Officers said - Updated the figures at 5pm.")


def test_a_possessive_parts_the_owner_from_the_name_it_owns():
    from digest.facts import story_facts

    one = story_facts("Hospital support for victims", "Navigators at Wessex's Queen Anne Hospital will see young victims.")
    other = story_facts("Navigators start work", "Two navigators will work at Queen Anne Hospital from March, Wessex's "
                        "unit said.")
    assert {"w:queen anne hospital", "w:wessex"} <= one & other
    owned = story_facts("Navigators", "Youngsters seen in County Wessex's A&E departments will get help from the "
                        "Commissioner's Violence Reduction Unit in Chester-le-Street.")
    assert {"w:county wessex", "w:violence reduction unit", "w:chester-le-street"} <= owned
    assert not {"w:commissioner", "w:county wessex's", "w:chester-le-"} & owned  # a role owns nothing; one name
    named = story_facts("Boy in hospital", "He was taken to Addenbrooke's Hospital, then to Queen's Medical Centre.")
    assert {"w:addenbrooke's hospital", "w:queen's medical centre"} <= named and "w:hospital" not in named


def test_a_name_is_one_fact_however_its_rank_is_written():
    from digest.facts import story_facts

    force = story_facts("Man charged after Bury Park stabbing", "Detective Chief Inspector Jo Bell said the man was charged.")
    paper = story_facts("Bury Park stabbing: man charged", "Det Ch Insp Jo Bell told reporters the man had been charged.")
    short = story_facts("Man charged", "DCI Jo Bell said a man was charged in Bury Park.")
    assert "w:jo bell" in force & paper & short


TRIBUTE = (
    'His family said: "Sam was the kindest brother anyone could ask for. He filled every room with jokes and noise, '
    "and he never let a friend walk home alone. He had just started his apprenticeship and talked about nothing else. "
    "We cannot believe we will not hear him come through the door again, shouting that he was starving. Our home is "
    'so quiet without him. We ask everyone to remember the boy who made them laugh."\n'
    '"We are grateful to the paramedics who fought for him and to the neighbours who stayed with him until they came. '
    'Please give the police anything you know, however small it seems."\n'
)
FIRST_CHARGE = f""" date 2026-11-03 Man charged with murder of Wessex teenager
A 19-year-old man has been charged with murder after Sam Arden, 17, was stabbed in Mill Lane, Wessex, at 9pm on 30 October.
Kyle Dunmore, 19, of Station Road, appeared at Wessex Magistrates' Court on Monday and was remanded in custody.
Two other people arrested have been released on bail while enquiries continue.
{TRIBUTE}"""
SECOND_CHARGE = f""" date 2026-11-10 Second teenager charged over Wessex stabbing
A 16-year-old boy has now been charged with the murder of Sam Arden, 17, who died after he was stabbed in Wessex last month.
The boy, who cannot be named because of his age, will appear at Wessex Youth Court on 13 November. A girl of 14
arrested on Sunday has been released on bail.
Kyle Dunmore, 19, appeared in court last week charged with the same offence and is due to stand trial in April.
{TRIBUTE}"""

def test_a_later_development_repeating_the_familys_tribute_is_a_story_of_its_own(digest, export, seed_dir):
    _write(seed_dir, **{"c1-first.txt": FIRST_CHARGE, "c2-second.txt": SECOND_CHARGE})
    digest("ingest")
    items = {item["path"]: item for item in export()}
    assert items["c1-first.txt"]["cluster"] != items["c2-second.txt"]["cluster"]


def test_a_day_of_the_month_is_no_number_of_the_story():
    from digest.facts import story_facts

    dated = story_facts("Man arrested after shots fired", "Shots were fired in Wessex on Wednesday night, 3 January. "
                        "A 49-year-old man was arrested at 4.46am on January 4th, 2024. In March 12 people were held.")
    assert {"n:49", "n:4.46", "n:2024", "n:12"} <= dated and not {"n:3", "n:4"} & dated


def test_a_number_written_out_to_open_a_sentence_is_a_fact_and_a_list_item_names_nothing():
    from digest.facts import story_facts

    facts = story_facts("Week of action", "NINETEEN people were arrested.\n\n  • Twelve were charged.\n\n"
                                          "Twenty-four shops were visited. Officers spent ten days on it. It began "
                                          "at ten past four.\n\n  • Traffic offence reports went to 41 drivers.")
    assert {"m:19", "m:12", "m:24", "n:41"} <= facts
    assert not {"m:10", "w:twelve", "w:traffic"} & facts  # a number inside a sentence, a time; a list item's first word


def test_a_rank_inside_a_name_parts_the_force_from_the_officer():
    from digest.facts import story_facts

    facts = story_facts("Boy stabbed on bus", "Wessex Police Ch Supt Dana Hale said the attack was horrendous.")
    assert {"w:wessex police", "w:dana hale"} <= facts
    assert story_facts("Boy stabbed", "Supt Dana Hale said so.") >= {"w:dana hale"}  # one outlet's form, and another's
