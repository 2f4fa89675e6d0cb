"""Synthetic documents in the seed styles, for benchmarks.

Deterministic for a seed. Each document is a force release, a commissioner post, a
local-paper retelling or routine police news, 3-6 KB, in one of the seed shapes (fenced
YAML front matter, a ` date YYYY-MM-DD Title` line, or text opening with site furniture).
A share of documents are near-duplicates: another document retold with small edits.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

PLACES = {
    "Bedfordshire": ["Luton", "Bedford", "Dunstable", "Leighton Buzzard", "Biggleswade", "Kempston"],
    "Cambridgeshire": ["Peterborough", "Cambridge", "Huntingdon", "Wisbech", "St Neots", "Ely"],
    "Northamptonshire": ["Northampton", "Kettering", "Corby", "Wellingborough", "Daventry", "Rushden"],
    "West Midlands": ["Birmingham", "Coventry", "Wolverhampton", "Walsall", "Dudley", "Solihull"],
    "Greater Manchester": ["Manchester", "Salford", "Bolton", "Wigan", "Oldham", "Rochdale"],
    "Thames Valley": ["Reading", "Slough", "Oxford", "Milton Keynes", "High Wycombe", "Aylesbury"],
    "Merseyside": ["Liverpool", "Birkenhead", "Bootle", "Southport", "St Helens", "Kirkby"],
    "Kent": ["Maidstone", "Canterbury", "Chatham", "Dartford", "Gravesend", "Margate"],
}
FIRST = ["Sarah", "James", "Priya", "Tom", "Aisha", "Mark", "Helen", "Daniel", "Grace", "Owen", "Ruth", "Imran"]
LAST = ["Holloway", "Nair", "Whitfield", "Okafor", "Brennan", "Shah", "Carter", "Doyle", "Morgan", "Ellis"]
RANKS = ["Detective Inspector", "Chief Inspector", "Superintendent", "Sergeant", "Detective Sergeant"]
STREETS = ["High Street", "Station Road", "Church Lane", "Market Square", "Park Road", "Bridge Street"]

VIOLENT = [
    ("{n} arrested after man stabbed in {town}",
     ["A man has been taken to hospital with stab wounds after a disturbance on {street}, {town}, on {day} evening.",
      "Officers were called at about {hour}pm and found the victim, a {age}-year-old man, with injuries to his arm and back.",
      "{N} people have been arrested on suspicion of wounding with intent and possession of a bladed article.",
      "A knife was recovered from a garden nearby and has been sent for forensic examination."]),
    ("County lines drugs network dismantled in {town}",
     ["A county lines drug dealing network supplying crack cocaine and heroin in {town} has been dismantled.",
      "Officers executed {w} warrants across the county and seized cash, phones and class A drugs.",
      "Two teenagers who had been criminally exploited to run drugs were safeguarded and referred for support.",
      "Detectives believe the deal line had been operating for more than a year, using a cuckooed address."]),
    ("Week of action against knife crime in {town}",
     ["Officers in {town} took part in a week of action against knife crime as part of Operation Sceptre.",
      "Weapons sweeps were carried out in parks and a knife arch was set up at the railway station.",
      "In total {k} knives were seized and {n} arrests were made during the week.",
      "Youth workers from the Violence Reduction Unit gave talks in schools about the dangers of carrying a knife."]),
    ("Man jailed for {y} years after firearm found in {town}",
     ["A {age}-year-old man has been jailed for {y} years after a loaded handgun was found at a flat in {town}.",
      "Officers from the force's firearms team executed a warrant at the address in {month}.",
      "He pleaded guilty at Crown Court to possession of a firearm with intent to endanger life.",
      "The judge said the weapon posed a serious risk to the public and to rival gang members."]),
    ("Commissioner awards £{money} to tackle serious violence in {area}",
     ["The Police and Crime Commissioner has awarded £{money} of Home Office serious violence funding to youth projects in {area}.",
      "The money will pay for mentoring, youth workers in A&E and diversionary sport sessions for young people at risk.",
      "The Serious Violence Duty requires local partners to work together on a strategy to prevent violence.",
      "The Commissioner said early intervention is the best way to keep young people away from knife crime and exploitation."]),
]
ROUTINE = [
    ("Drivers urged to slow down on rural roads around {town}",
     ["Roads policing officers are urging drivers to slow down after a rise in collisions on rural roads near {town}.",
      "Speed checks will be carried out throughout the month and drink driving will not be tolerated.",
      "Officers will also be checking tyres and lights as the nights draw in."]),
    ("Missing {town} woman found safe and well",
     ["A woman reported missing from {town} on {day} has been found safe and well.",
      "Officers would like to thank everyone who shared the appeal."]),
    ("Residents warned about courier fraud in {town}",
     ["Older residents in {town} are being warned about courier fraud after several reports this week.",
      "Fraudsters pretend to be police officers or bank staff and ask victims to hand over cash or cards.",
      "Your bank will never ask you to withdraw money or send a courier to collect your card."]),
    ("New police dogs join the force",
     ["Four new police dogs have completed their training and joined the force's dog unit.",
      "The puppies were named by pupils from schools across {area}."]),
]
# Background sentences: templates with many slots, so that two unrelated documents share
# about as many word triples as two unrelated real releases do (a fixed pool of padding
# sentences made every pair look 30-60 % alike, which no real pair of stories is).
DETAIL = [
    "{name}, {age}, of {street}, {town}, was {verb} on {day} and {outcome}.",
    "Officers were called to {street} in {town} at about {time} on {day} after reports of {event}.",
    "A {colour} {vehicle} was seen leaving {street} shortly afterwards, heading towards {town2}.",
    "A cordon remained in place around {street} until {time} while {team} carried out enquiries.",
    "{rank} {name} from the {team} said {event} on {street} had left people in {town} {feeling}.",
    "House-to-house enquiries are being carried out on {street} and {street2}, and CCTV from {place} is being reviewed.",
    "The {age}-year-old was treated by paramedics at the scene and taken to {hospital}, where {condition}.",
    "Neighbours on {street2} described hearing {noise} at around {time} before seeing {count} people run towards {place}.",
    "{name} appeared before {court} on {day} and was {remand} until a further hearing on {date}.",
    "The {team} has made {count} arrests in {town} since {month} as part of Operation {op}.",
    "Residents in {town2} told officers at a {meeting} that {concern} was their biggest worry this year.",
    "The {partner} and {partner2} are working with the force to {aim} in {town}.",
    "Figures for {month} show {count} reports of {event} in {town}, compared with {count2} in the same month last year.",
    "A {age}-year-old {person} from {town2} has been {verb} in connection with {event} on {street}.",
    "Patrols by the {team} will continue around {place} and {place2} over the {period}.",
    "{rank} {name} thanked staff at {place} and members of the public who had {helped}.",
    "The incident happened between {time} and {time2}, and anyone who was on {street} then is asked to get in touch.",
    "Under Operation {op}, officers visited {count} addresses in {town} and {town2} during {month}.",
    "The {partner} said {count} young people in {area} had been referred for support through its {programme} since {month}.",
    "A {vehicle} belonging to the victim was later found abandoned near {place} in {town2}.",
]
APPEAL = "Anyone with information is asked to contact police online or by calling 101, quoting crime reference {ref}."
VALUES = {
    "verb": ["arrested", "charged", "interviewed under caution", "released on bail", "summonsed", "cautioned"],
    "outcome": ["remains in custody", "has been released on bail", "will appear at court next month",
                "has been released under investigation", "was later charged"],
    "colour": ["black", "silver", "white", "dark blue", "red", "grey"],
    "vehicle": ["hatchback", "Audi A3", "moped", "Transit van", "Ford Fiesta", "electric bike", "BMW saloon"],
    "team": ["neighbourhood policing team", "major crime unit", "serious organised crime team", "roads policing unit",
             "community safety team", "proactive crime team", "rural crime team", "child exploitation team"],
    "event": ["a fight", "a disturbance", "a robbery", "an assault", "a break-in", "anti-social behaviour",
              "a burglary", "drug dealing", "a stabbing", "criminal damage", "a car being set alight"],
    "feeling": ["shaken", "worried", "angry", "concerned for their safety", "upset"],
    "hospital": ["Bedford Hospital", "Luton and Dunstable Hospital", "Addenbrooke's Hospital", "Northampton General Hospital",
                 "Peterborough City Hospital", "the Queen Elizabeth Hospital", "Kettering General Hospital"],
    "condition": ["his condition is stable", "she remains in a serious condition", "he was later discharged",
                  "his injuries are not thought to be life-threatening", "she is recovering"],
    "noise": ["shouting", "a loud bang", "glass breaking", "an argument", "screaming", "car doors slamming"],
    "court": ["Luton Magistrates' Court", "Bedford Crown Court", "Northampton Crown Court", "Cambridge Magistrates' Court",
              "Peterborough Crown Court", "Huntingdon Magistrates' Court"],
    "remand": ["remanded in custody", "granted conditional bail", "bailed", "remanded"],
    "meeting": ["community meeting", "ward surgery", "street briefing", "parish council meeting", "drop-in session"],
    "concern": ["speeding", "drug dealing", "youths gathering", "burglary", "fly-tipping", "knife crime", "e-scooters"],
    "partner": ["council", "Violence Reduction Unit", "youth service", "fire service", "NHS trust", "housing association"],
    "aim": ["reduce violence", "support young people", "close drug houses", "improve street lighting",
            "divert children from crime", "protect vulnerable tenants"],
    "person": ["man", "woman", "boy", "girl", "teenager"],
    "helped": ["called 999", "given first aid", "come forward with footage", "shared the appeal", "stayed with the victim"],
    "place": ["the railway station", "the bus station", "the retail park", "the town centre", "the leisure centre",
              "the community centre", "the library", "the park", "the shopping centre", "the recreation ground"],
    "period": ["weekend", "coming weeks", "half-term holiday", "Christmas period", "summer"],
    "programme": ["mentoring scheme", "sports programme", "hospital navigator service", "school outreach work",
                  "detached youth work"],
}
OPERATIONS = ["Sceptre", "Guardian", "Viper", "Tornado", "Fortress", "Orochi", "Harbour", "Lantern", "Meridian", "Falcon"]


def _detail_slots(rng: random.Random, slots: dict[str, str]) -> dict[str, str]:
    area = slots["area"]
    hour, minute = rng.randint(0, 23), rng.choice(["00", "10", "15", "20", "30", "40", "45", "50"])
    picked = {key: rng.choice(values) for key, values in VALUES.items()}
    return {
        **slots, **picked,
        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "rank": rng.choice(RANKS),
        "street2": rng.choice(STREETS), "town2": rng.choice(PLACES[area]),
        "time": f"{hour:02d}:{minute}", "time2": f"{(hour + 1) % 24:02d}:{minute}",
        "date": f"{rng.randint(1, 28)} {rng.choice(['January', 'February', 'April', 'July', 'October', 'December'])}",
        "count": str(rng.randint(2, 60)), "count2": str(rng.randint(2, 60)),
        "op": rng.choice(OPERATIONS), "partner2": rng.choice(VALUES["partner"]), "place2": rng.choice(VALUES["place"]),
    }


def _detail_paragraph(rng: random.Random, slots: dict[str, str]) -> str:
    return " ".join(rng.choice(DETAIL).format(**_detail_slots(rng, slots)) for _ in range(rng.randint(2, 4)))


FURNITURE = [
    "Accessibility Options",
    "We use some essential cookies to make our website work.",
    "You can manage your preferences and cookie settings at any time by clicking on “Customise Cookies” below.",
    "Quickly exit this site by pressing the Escape key",
    "Sorry, there was a technical problem. Please try again.",
]


@dataclass
class SynthDoc:
    name: str
    text: str
    relevant: bool
    duplicate_of: str | None = None


def _fill(template: str, rng: random.Random, slots: dict[str, str]) -> str:
    return template.format(**slots)


def _slots(rng: random.Random) -> dict[str, str]:
    area = rng.choice(list(PLACES))
    n = rng.randint(2, 12)
    return {
        "area": area, "town": rng.choice(PLACES[area]), "street": rng.choice(STREETS),
        "day": rng.choice(["Monday", "Tuesday", "Friday", "Saturday"]), "hour": str(rng.randint(6, 11)),
        "age": str(rng.randint(16, 45)), "n": str(n), "N": str(n), "w": str(rng.randint(3, 15)),
        "k": str(rng.randint(5, 90)), "y": str(rng.randint(3, 18)), "money": f"{rng.randint(50, 900)},000",
        "month": rng.choice(["March", "June", "September", "November"]),
    }


def _quote(rng: random.Random, slots: dict[str, str]) -> str:
    who = f"{rng.choice(RANKS)} {rng.choice(FIRST)} {rng.choice(LAST)}"
    return (f'{who} said: "We will not tolerate violence on the streets of {slots["town"]}. '
            f'I want to reassure residents that we are doing everything we can, and I would urge anyone '
            f'who knows something to come forward, even if they think it is a small detail."')


def make_document(index: int, rng: random.Random, relevant: bool) -> tuple[str, str]:
    title_t, lines_t = rng.choice(VIOLENT if relevant else ROUTINE)
    slots = _slots(rng)
    title = _fill(title_t, rng, slots)
    paragraphs = [_fill(line, rng, slots) for line in lines_t]
    if relevant:
        paragraphs.insert(2, _quote(rng, slots))
    target = rng.randint(2600, 5200)
    while sum(len(p) for p in paragraphs) < target:
        paragraphs.append(_detail_paragraph(rng, slots))
    if rng.random() < 0.7:  # most releases close with the same appeal
        paragraphs.append(APPEAL.format(ref=f"{rng.randint(10, 99)}/{index:06d}/26"))
    published = date(2026, 11, 16) - timedelta(days=rng.randint(0, 20))
    shape = index % 3
    if shape == 0:
        head = (f"```yaml\ntitle: \"{title}\"\nurl: https://www.example.org/news/{index}\n"
                f"publish:\n  date: {published.strftime('%d %b %Y')}\n```\n\n")
        return title, head + "\n\n".join(paragraphs) + "\n"
    if shape == 1:
        return title, f" date {published.isoformat()} {title}\n" + "\n".join(paragraphs) + "\n"
    return title, "\n".join(rng.sample(FURNITURE, 3)) + f"\n{title}\n" + "\n".join(paragraphs) + "\n"


def retell(text: str, rng: random.Random) -> str:
    """A local paper's copy: the same paragraphs with a new opening line and small edits."""
    lines = text.split("\n")
    edited = [line.replace(" said:", " told the Gazette:") if rng.random() < 0.5 else line for line in lines]
    body_start = next((i for i, line in enumerate(edited) if len(line) > 120), 1)
    edited.insert(body_start, "Police have released more details about the incident, which happened last week.")
    return "\n".join(edited)


def generate(count: int, seed: int = 7, duplicate_share: float = 0.10, relevant_share: float = 0.20,
             first: int = 0) -> list[SynthDoc]:
    return list(documents(count, seed, duplicate_share, relevant_share, first))


def documents(count: int, seed: int = 7, duplicate_share: float = 0.10, relevant_share: float = 0.20,
              first: int = 0) -> Iterator[SynthDoc]:
    """The documents of `generate`, one at a time (a retelling draws on the 200 before it), for stores too big
    to hold every text in memory. `first`: the number of the first (file names and stated URLs follow it), so
    documents from two calls are different documents."""
    rng = random.Random(seed)
    recent: deque[SynthDoc] = deque(maxlen=200)
    for index in range(first, first + count):
        if recent and rng.random() < duplicate_share:
            original = rng.choice(recent)
            doc = SynthDoc(f"{index:06d}-retold.txt", retell(original.text, rng), original.relevant, original.name)
        else:
            relevant = rng.random() < relevant_share
            _, text = make_document(index, rng, relevant)
            doc = SynthDoc(f"{index:06d}.txt", text, relevant)
        recent.append(doc)
        yield doc


def write_folder(folder: Path, count: int, seed: int = 7, first: int = 0) -> list[SynthDoc]:
    folder.mkdir(parents=True, exist_ok=True)
    docs = generate(count, seed, first=first)
    for doc in docs:
        (folder / doc.name).write_text(doc.text, encoding="utf-8")
    return docs
