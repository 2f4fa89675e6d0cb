"""Twelve weeks of stories for the charts and the area pages: real documents in a seed folder, dated
over the last 84 days in three areas, each found the day it was published (as a service running all
along would have found it)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PLACES = {
    "Bedfordshire": ["Luton", "Bedford", "Dunstable", "Leighton Buzzard", "Biggleswade"],
    "Cambridgeshire": ["Peterborough", "Cambridge", "Huntingdon", "Wisbech", "March"],
    "Northamptonshire": ["Northampton", "Kettering", "Corby", "Wellingborough", "Daventry"],
}
NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"]

# A story is a lead (its headline and the sentence with its figures) and three sentences drawn from
# pools of coprime sizes, so no two stories share most of their text (they would be one story).
LEADS = [
    ("{n} arrested in {place} knife crime operation",
     "Officers in {place} arrested {n} people during a week-long operation against knife crime and seized {k} "
     "knives, including a machete found behind a row of garages."),
    ("Knife surrender bin in {place} collects {k} blades",
     "A knife surrender bin outside the police station in {place} has collected {k} blades in its first month, "
     "among them kitchen knives, a zombie knife and a sword."),
    ("Teenager charged after {place} stabbing",
     "A 16-year-old boy has been charged with wounding with intent after a man, {age}, was stabbed in {place} on "
     "{day} evening in what police called a serious violence incident."),
    ("County line from London closed in {place}",
     "Detectives have closed a county line that supplied crack cocaine from London to {place}, arresting {n} "
     "people and safeguarding two teenagers exploited to carry drugs."),
    ("Commissioner awards {money} for {year} to {place} youth projects",
     "The Police and Crime Commissioner has awarded {money} of funding for {year} to youth projects in {place} "
     "that steer young people away from knife crime and serious violence."),
    ("Man jailed for {y} years after {place} knife attack",
     "A {age}-year-old man has been jailed for {y} years after attacking a delivery driver with a knife in "
     "{place}, in a case of serious violence the judge called cowardly."),
    ("Weapons sweep in {place} finds {k} knives",
     "Volunteers and neighbourhood officers swept play areas and hedgerows in {place} on {day}, finding {k} "
     "knives hidden where young people gather, as part of a campaign against knife crime."),
    ("Violence reduction unit talks to pupils in {place} about knife crime",
     "Workers from the violence reduction unit have spoken to pupils in every {place} secondary school this "
     "term about knife crime, exploitation and county lines."),
]
CONTEXT = [
    "The patrols used metal detectors in parks, alleyways and underpasses near the bus station.",
    "Residents had reported groups of young people carrying blades near the shops on the estate.",
    "The force has doubled the number of knife arches used at railway stations this year.",
    "Youth workers said many of the young people involved had been excluded from school.",
    "Hospital admissions for knife wounds in the county have fallen for two years running.",
    "The operation followed intelligence from teachers and taxi drivers passed on through Crimestoppers.",
    "Neighbourhood teams now hold drop-in sessions every Saturday at the community centre.",
    "Test purchases found two shops willing to sell knives to under-18s without asking for identification.",
    "Magistrates have granted closure orders on two flats used by dealers in the town.",
    "The local council has installed brighter street lighting along the river path after complaints.",
]
QUOTES = [
    "Inspector {name} said: \"Every knife taken off the street is a life that might have been saved.\"",
    "\"We will keep coming back until people feel safe,\" said Sergeant {name}.",
    "Detective Sergeant {name} appealed for doorbell or dashcam footage from anyone nearby.",
    "Chief Inspector {name} thanked the community for the information that led to the arrests.",
    "{name}, who leads the local youth charity, said the work had to start in primary schools.",
    "\"Carrying a knife does not make you safer,\" said {name}, whose son was stabbed in 2019.",
    "Superintendent {name} said the figures showed the partnership approach was working.",
    "Councillor {name} said the town would not let a few people define it.",
    "Detective Constable {name} said victims were often too frightened to come forward.",
]
CLOSING = [
    "Anyone with information can call 101 or Crimestoppers anonymously.",
    "The campaign runs until the end of the school holidays.",
    "Further sessions are planned in the spring term.",
    "The investigation is continuing and more arrests are expected.",
    "Parents can find advice on talking to children about knives on the force website.",
    "The funding comes from the Serious Violence Duty partnership budget.",
    "A second surrender bin will open in the town centre next month.",
]
NAMES = ["Priya Nair", "Tom Ellis", "Grace Okafor", "Ben Walsh", "Aisha Khan", "Rory Dunn", "Mei Chen", "Sam Hale",
         "Joe Pratt", "Lena Fox", "Omar Said"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
YEARS = ["2025/26", "2026/27"]


def write_twelve_weeks(seed_dir: Path, today: date, count: int = 40) -> list[tuple[str, date]]:
    """`count` stories published over the 84 days to `today`, in three areas; their titles and dates."""
    written = []
    for i in range(count):
        area = list(PLACES)[i % 3]
        place = PLACES[area][(i // 3) % 5]
        values = {"place": place, "n": NUMBERS[i % len(NUMBERS)], "k": 5 + (i * 7) % 40, "name": NAMES[i % len(NAMES)],
                  "day": DAYS[i % 7], "age": 19 + i % 30, "y": 3 + i % 9, "money": f"£{25 + (i * 15) % 200},000",
                  "year": YEARS[(i // len(LEADS)) % 2]}
        headline, lead = LEADS[i % len(LEADS)]
        body = " ".join([lead, CONTEXT[(i * 3) % len(CONTEXT)], QUOTES[(i * 2) % len(QUOTES)],
                         CLOSING[(i * 4) % len(CLOSING)]]).format(**values)
        published = today - timedelta(days=(i * 83 // count))
        title = headline.format(**values)
        text = (f"---\ntitle: {title}\narea: {area}\ndate: {published.isoformat()}\n"
                f"url: https://news.example.police.uk/{i:03d}\n---\n\n{body}\n")
        (seed_dir / f"story-{i:03d}.txt").write_text(text, encoding="utf-8")
        written.append((title, published))
    return written


def found_when_published(database: Path) -> None:
    """Each dated item found on the day it was published, at 10:00 UTC (never later than it was)."""
    with sqlite3.connect(database) as db:
        for item_id, published, first_seen in db.execute("select id, published, first_seen from items").fetchall():
            if published:
                when = datetime.combine(date.fromisoformat(published), datetime.min.time(), UTC) + timedelta(hours=10)
                if when < datetime.fromisoformat(first_seen):
                    db.execute("update items set first_seen = ? where id = ?", [when.isoformat(timespec="seconds"),
                                                                               item_id])
