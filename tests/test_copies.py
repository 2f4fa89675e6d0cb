"""Copies that keep only part of a story's words, and independent reports of one incident, join
its cluster; different events told with one template do not."""

from __future__ import annotations

from datetime import date

import feedparser

RELEASE = """ date 2026-10-02 Two men charged after shots fired in Radford
Two men have been charged after shots were fired at a house in Alfreton Road, Radford, in the early hours of
Tuesday 29 September.

Officers were called at 2.40am to reports of a loud bang and found damage to the front window of the house.
Nobody was hurt. A search of a car stopped on the A610 an hour later recovered a converted pistol and 14 rounds.

Kieran Doyle, 24, of Hyson Green, and Adam Fenwick, 31, of no fixed address, are charged with possession of a
firearm with intent to endanger life. They appeared at Nottingham Magistrates' Court and were remanded in custody
to appear at Nottingham Crown Court on 30 October.

Detective Inspector Laura Quigley said: "Firearms have no place on our streets. This was a frightening night for
the family inside, and I want to thank the neighbours who called us straight away and helped us move so quickly."

Anyone with information can call 101 quoting incident 56 of 29 September, or contact Crimestoppers anonymously.
The force's Operation Reliant team continues to target the supply of guns and ammunition across the city and
works with the Nottingham Violence Reduction Unit on mentoring for young people drawn into groups that carry them.
"""

# A paper's copy, cut off after its second paragraph by a subscription banner.
TRUNCATED = """ date 2026-10-02 Men charged over Radford shooting
Two men have been charged after shots were fired at a house in Alfreton Road, Radford, in the early hours of
Tuesday 29 September.

Officers were called at 2.40am to reports of a loud bang and found damage to the front window of the house.
Nobody was hurt. A search of a car stopped on the A610 an hour later recovered a converted pistol and 14 rounds.
"""

# Another paper's own report of the same night: other words, the same place, people and numbers.
INDEPENDENT = """ date 2026-10-03 Pistol found in car after Radford house shot at
A converted pistol and 14 bullets were found in a car stopped on the A610 shortly after a house in Alfreton Road,
Radford, was shot at on Tuesday 29 September, a court heard.

Kieran Doyle, 24, from Hyson Green, and Adam Fenwick, 31, who has no fixed address, stood in the dock at
Nottingham Magistrates' Court on Friday accused of possessing a firearm with intent to endanger life.

The shot shattered a front window at about 2.40am while a family slept upstairs; no one was injured. Neither man
entered a plea and both were remanded to Nottingham Crown Court, where they will appear on 30 October.
"""

TEMPLATE = (
    "Operation Sceptre is the national campaign against knife crime, run twice a year by forces in England and "
    "Wales. During the week officers carry out weapons sweeps in parks and open spaces, run test purchases at "
    "shops that sell knives, visit schools and youth clubs, and place surrender bins at police stations so that "
    "anyone can hand in a blade without questions. The Nottinghamshire Violence Reduction Unit funds youth workers "
    "who follow up with young people stopped with a knife, and the Police and Crime Commissioner pays for the "
    "mentoring programme that runs in schools across Nottingham, Mansfield and Ashfield all year."
)
SCEPTRE_MAY = f""" date 2026-05-22 Sceptre week: 19 arrests and 63 knives off the streets
Officers made 19 arrests and took 63 knives off the streets of Nottinghamshire during the spring week of action,
including 41 blades handed in at the surrender bins in Mansfield and Bulwell.

{TEMPLATE}
"""
SCEPTRE_NOVEMBER = f""" date 2026-11-20 Sceptre week: 27 arrests and 88 knives off the streets
Officers made 27 arrests and took 88 knives off the streets of Nottinghamshire during the autumn week of action,
including 52 blades handed in at the surrender bins in Arnold and Worksop.

{TEMPLATE}
"""


def _write(seed_dir, **files: str) -> None:
    for name, text in files.items():
        (seed_dir / name).write_text(text, encoding="utf-8")


def test_a_truncated_copy_and_an_independent_report_join_the_release(digest, export, seed_dir):
    _write(seed_dir, **{"c1-release.txt": RELEASE, "c2-truncated.txt": TRUNCATED, "c3-report.txt": INDEPENDENT})
    digest("ingest")
    items = {item["path"]: item for item in export()}
    release = items["c1-release.txt"]
    assert items["c2-truncated.txt"]["cluster"] == release["cluster"]
    assert items["c3-report.txt"]["cluster"] == release["cluster"]


def test_two_weeks_of_one_campaign_told_with_one_template_stay_apart(digest, export, seed_dir):
    _write(seed_dir, **{"s1-may.txt": SCEPTRE_MAY, "s2-november.txt": SCEPTRE_NOVEMBER})
    digest("ingest")
    items = {item["path"]: item for item in export()}
    assert items["s1-may.txt"]["cluster"] != items["s2-november.txt"]["cluster"]


def test_a_template_week_and_its_truncated_copy_join_only_their_own_week(digest, export, seed_dir):
    may_copy = SCEPTRE_MAY.split("\n\n")[0].replace("2026-05-22", "2026-05-23") + "\n"
    _write(seed_dir, **{"s1-may.txt": SCEPTRE_MAY, "s2-november.txt": SCEPTRE_NOVEMBER, "s3-may-copy.txt": may_copy})
    digest("ingest")
    items = {item["path"]: item for item in export()}
    assert items["s3-may-copy.txt"]["cluster"] == items["s1-may.txt"]["cluster"]
    assert items["s3-may-copy.txt"]["cluster"] != items["s2-november.txt"]["cluster"]


RAIDS = """ date 2026-09-08 Dawn raids target drugs network in Pennywell
Officers carried out dawn raids at eleven addresses in Pennywell and Hylton Castle on Tuesday as part of
Operation Larkspur, an investigation into a network supplying heroin and crack cocaine across Sunderland.

Nine people were arrested and cash, phones and a quantity of drugs were seized. Superintendent Helen Ward said:
"Drug supply brings violence and exploitation into our neighbourhoods. Operation Larkspur shows we will act on
what residents tell us." Anyone with information can contact Northumbria Police or Crimestoppers.
"""
CHARGED = """ date 2026-09-10 Six charged after Operation Larkspur raids in Pennywell
Six people have been charged with conspiracy to supply class A drugs following the Operation Larkspur raids.

Officers carried out dawn raids at eleven addresses in Pennywell and Hylton Castle on Tuesday as part of
Operation Larkspur, an investigation into a network supplying heroin and crack cocaine across Sunderland.

Nine people were arrested and cash, phones and a quantity of drugs were seized. Superintendent Helen Ward said:
"Drug supply brings violence and exploitation into our neighbourhoods. Operation Larkspur shows we will act on
what residents tell us." Anyone with information can contact Northumbria Police or Crimestoppers.
"""


def test_the_raids_and_the_charges_of_one_case_are_two_stories(digest, export, seed_dir):
    _write(seed_dir, **{"k1-raids.txt": RAIDS, "k2-charged.txt": CHARGED})
    digest("ingest")
    items = {item["path"]: item for item in export()}
    assert items["k1-raids.txt"]["cluster"] != items["k2-charged.txt"]["cluster"]


NAMED_RELEASE = """ date 2026-06-14 Appeal after teenager stabbed near Bellfield Park
Detectives in Kilmarnock are appealing for witnesses after a 17-year-old boy was stabbed near Bellfield Park on
Friday evening. The boy was found on Whatriggs Road by a passer-by and taken to University Hospital Crosshouse,
where his condition is described as stable. Detective Inspector Morag Lennox said officers from Police Scotland
were carrying out house-to-house inquiries on Whatriggs Road and Bellfield Avenue, and reviewing footage from
Kilmarnock Academy and the Riccarton community centre. She asked anyone who saw a group of youths near Bellfield
Park or on the Riccarton footpath to come forward.
"""
NAMED_REPORT = """ date 2026-06-14 Boy hurt in Bellfield Park knife attack
A 17-year-old was rushed to University Hospital Crosshouse after being knifed close to Bellfield Park in
Kilmarnock on Friday night. A walker found him lying on Whatriggs Road. Police Scotland have been knocking on
doors on Whatriggs Road and Bellfield Avenue, and Detective Inspector Morag Lennox said cameras at Kilmarnock
Academy and the Riccarton community centre were being checked. Youths were seen on the Riccarton footpath and
around Bellfield Park shortly before, neighbours told the Ayrshire Bugle.
"""


def test_independent_reports_stating_one_number_join_on_their_names(digest, export, seed_dir):
    _write(seed_dir, **{"n1-release.txt": NAMED_RELEASE, "n2-report.txt": NAMED_REPORT})
    digest("ingest")
    items = {item["path"]: item for item in export()}
    assert items["n1-release.txt"]["cluster"] == items["n2-report.txt"]["cluster"]


def test_an_independent_report_is_shown_as_also_reported_by_and_a_copy_as_also_published_by(
        digest, seed_dir, tmp_path):
    today = date.today().isoformat()  # published this week: shown in full, with its other publishers
    _write(seed_dir, **{name: text.replace("2026-10-02", today).replace("2026-10-03", today) for name, text in
                        {"c1-release.txt": RELEASE, "c2-truncated.txt": TRUNCATED, "c3-report.txt": INDEPENDENT}.items()})
    digest("run", "--once")
    text = " ".join(next((tmp_path / "out" / "digests").glob("*.txt")).read_text(encoding="utf-8").split())
    published, reported = text.index("Also published by:"), text.index("Also reported by:")
    copy, report = text.index("Men charged over Radford shooting"), text.index("Pistol found in car after Radford")
    assert published < copy < reported < report
    html = next((tmp_path / "out" / "digests").glob("*.html")).read_text(encoding="utf-8")
    assert html.count('class="also"') == 2 and "Also reported by" in html
    feed = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    lead = next(entry for entry in feed.entries if entry.title == "Two men charged after shots fired in Radford")
    assert "Also published by" in lead.summary and "also reported by" in lead.summary


def test_a_word_for_word_copy_on_another_site_is_named_as_another_publisher(digest, export, seed_dir, tmp_path):
    today = date.today().isoformat()
    text = RELEASE.replace("2026-10-02", today)
    _write(seed_dir, **{
        "w1-force.txt": f"---\nurl: https://www.wessex.police.uk/news/radford-shots\n---\n{text}",
        "w2-paper.txt": f"---\nurl: https://www.radfordrecorder.co.uk/news/radford-shots-charged\n---\n{text}",
        "w3-print.txt": f"---\nurl: https://www.wessex.police.uk/news/radford-shots?print=1\n---\n{text}",
    })
    digest("run", "--once")
    stored = [item for item in export() if item["title"] == "Two men charged after shots fired in Radford"]
    assert len(stored) == 1 and len(stored[0]["aliases"]) == 2  # one story, its copies its aliases
    html = next((tmp_path / "out" / "digests").glob("*.html")).read_text(encoding="utf-8")
    also = html[html.index('class="also"'):]
    also = also[:also.index("</p>")]
    assert "radfordrecorder.co.uk" in also and "https://www.radfordrecorder.co.uk/news/radford-shots-charged" in also
    assert "wessex.police.uk" not in also  # the force's own print view is no other publisher
    feed = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    lead = next(entry for entry in feed.entries if entry.title == "Two men charged after shots fired in Radford")
    assert "Also published by radfordrecorder.co.uk" in lead.summary, lead.summary


# A force's results, and two papers' copies of them that write a number opening a sentence out in words (as
# papers do), put a list's items in bullets and keep different parts of the text.
RESULTS_ONE = """Wessex Star

Week of action leads to 23 arrests

-

A total of 23 people were arrested and a number of knives seized as Wessex Police took part in a national week of
action against knife crime.

Wessex Police has published its results from the week, which ran from 14 to 20 April, when officers across the
force carried out patrols, weapons sweeps and visits to shops that sell blades.

The week was led by the force's neighbourhood teams, working with the youth service in the three towns.

The operation ran across Kingsbridge, Eastham, Marlow Vale and the villages around them.

Inspector Hana Okafor said: "These results show what a week of joined-up work can do, and we will keep going."

During the week 17 people were stopped and searched by officers, resulting in six arrests for possession of
offensive weapons.

Eleven people were arrested for drink driving after checks on vehicles, and 38 drivers were reported for other
offences.
"""
RESULTS_OTHER = """TWENTY-THREE people were arrested and a number of knives were seized as Wessex Police took part in a
national week of action against knife crime.

Wessex Police has published its results from the week, which ran from 14 to 20 April, when officers across the
force carried out patrols, weapons sweeps and visits to shops that sell blades.

Neighbourhood officers led the work, alongside youth workers from the county council.

During the week:

  • Seventeen people were stopped and searched by officers, resulting in six arrests for possession of offensive weapons.
  • Eleven people were arrested for drink driving after checks on vehicles.
  • Reports were issued to 38 drivers for other offences.

Shop visits found that 64 of the 70 shops checked were refusing to sell knives to under-18s.

In Eastham surrender bins were set up at the library and the leisure centre, and a further bin will stay at the
town's police station until the summer.

Officers also gave talks at four secondary schools about the law on carrying a blade and what happens to those
caught with one.

Inspector Hana Okafor said: "These results show what a week of joined-up work can do, and we will keep going."
"""


def test_copies_writing_numbers_out_to_open_sentences_join(digest, export, seed_dir):
    _write(seed_dir, **{"w1-star.txt": RESULTS_ONE, "w2-guardian.txt": RESULTS_OTHER})
    digest("ingest")
    items = {item["path"]: item for item in export()}
    assert items["w1-star.txt"]["cluster"] == items["w2-guardian.txt"]["cluster"]
