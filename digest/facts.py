"""A story's facts: the numbers and names it states, and the stage of a case its lead reports.

Copies of one story keep its facts even when their words change (a spun or rewritten copy) or
most of the text is gone (a truncated one); different events told with one template keep the
template's words but not its facts. A fact is a number the text states ("n:23", or "m:19" for one written
out to open a sentence) or a name of two or more capitalised words ("w:central drive", "w:operation tern").
digest.dedupe compares them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from digest.figure_patterns import WORDS
from digest.pattern_dispatch import literal_starts
from digest.phrases import Automaton
from digest.text import TITLE_CASE_LITTLE_WORDS, fold_case, matches_at, without_days_of_month

# The patterns open with the character a match begins with, and look behind it only after it: the
# regex engine then skips to those characters instead of trying the pattern at every position.
# A number not inside another: "\d(?<![\d.,]\d)" is "(?<![\d.,])\d".
_NUMBER = re.compile(r"\d(?<![\d.,]\d)(?:\d{0,2}(?:,\d{3})+|\d*(?:\.\d+)?)(?![\d]|[.,]\d)")
# A phone number (0 and 9 to 11 digits) or 101, 999, 111, each a word of its own. A pattern for each
# first digit, which the engine skips to (one pattern opening with [019] tried every 0, 1 and 9: four
# times slower); none can begin inside another's match, so they are taken out one after the other.
_PHONES = (re.compile(r"0(?<!\w0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"), re.compile(r"1(?<!\w1)(?:01|11)\b"),
           re.compile(r"999(?<!\w999)\b"))
_NAME = re.compile(r"[A-Z](?<!\w[A-Z])[a-z’'-]+(?:[A-Z][a-z’'-]+)*(?:[ \t]+(?:of|the|and|upon|de|van|[A-Z][a-z’'-]+(?:[A-Z][a-z’'-]+)*))*"
                   r"[ \t]+[A-Z][a-z’'-]+(?:[A-Z][a-z’'-]+)*\b")  # a part may go on in capitals: "Chester-le-Street", "McDonald"
# Police ranks, written out or not, so that one outlet's "Detective Chief Inspector Jo Bell" and another's "Det Ch
# Insp Jo Bell" or "DCI Jo Bell" name the same person; inside a name, one parts the force before it from the officer.
_RANKS = frozenset({"det", "ch", "chief", "insp", "supt", "superintendent", "inspector", "sergeant", "sgt", "constable",
                    "pc", "dc", "ds", "di", "dci", "dcs", "detective", "commander", "pcso"})
_OPENERS = _RANKS | frozenset({"by", "the", "a", "an", "this", "it", "he", "she", "they", "we", "in", "on", "at", "but",
                               "and", "officers", "police", "mr", "mrs", "ms", "dr", "acting", "temporary", "assistant",
                               "deputy", "crime", "commissioner", "cllr", "councillor", "judge", "recorder", "sir", "dame"})


def story_facts(title: str, body: str) -> frozenset[str]:
    """The numbers and names a story states."""
    return _facts(f"{title}\n\n{body}")


def lead_facts(title: str, body: str) -> frozenset[str]:
    """The numbers and names of a story's headline and first paragraph: the event it is about; and
    the stage of a case it reports ("c:charged"), from the headline if it says, else the paragraph."""
    first = next((line for line in body.splitlines() if len(line.split()) >= LEAD_WORDS), "")[:LEAD_CHARS]
    stage = case_stage(title) or case_stage(first)
    return _facts(f"{title}\n\n{first}") | ({f"c:{stage}"} if stage else set())


# Stages of one case, earliest first: each is a story of its own ("Dawn raids", "Six charged",
# "Found guilty", "Jailed", "Appeal refused"). A text telling several is at its latest.
CASE_STAGES = (
    ("raided", re.compile(r"\b(?:raids?|raided|warrants?|arrest(?:s|ed)?|detained)\b", re.I)),
    ("charged", re.compile(r"\b(?:charged|charges?|remanded|accused|appear(?:s|ed)? (?:in|at|before) (?:court|"
                           r"magistrates))\b", re.I)),
    ("convicted", re.compile(r"\b(?:guilty|convicted|admit(?:s|ted)?)\b", re.I)),
    ("sentenced", re.compile(r"\b(?:jailed|sentenced|locked up|imprisoned|behind bars|years? in prison|detained for "
                             r"life)\b", re.I)),
    ("appealed", re.compile(r"\bappeal (?:refused|rejected|dismissed|allowed|upheld)|\b(?:loses?|lost|wins?|won) "
                            r"(?:an |his |her |their )?appeal\b", re.I)),
)


# Each stage's pattern is tried only where one of its literal starts begins (all found in one pass):
# searching a text with patterns opening with a word boundary and ignoring case tried every position.
_STAGE_STARTS = Automaton((start, index) for index, (_, pattern) in enumerate(CASE_STAGES)
                          for start in literal_starts(pattern))


def case_stage(text: str) -> str | None:
    """The latest stage of a case the text reports, if any."""
    starts: dict[int, set[int]] = {}
    for at, _, index in _STAGE_STARTS.find(fold_case(text)):
        starts.setdefault(index, set()).add(at)
    for index in sorted(starts, reverse=True):
        stage, pattern = CASE_STAGES[index]
        if next(matches_at(pattern, text, sorted(starts[index])), None) is not None:
            return stage
    return None


LEAD_CHARS = 400
LEAD_WORDS = 8  # a paragraph, not a byline or a stamp above it


def _facts(text: str) -> frozenset[str]:
    """The facts of a headline and its text, set apart by a blank line; a paragraph may be wrapped."""
    text = _WRAP.sub(" ", _without_phones(text))
    facts = {"n:" + match.replace(",", "") for match in _NUMBER.findall(without_days_of_month(text))}
    facts.update(f"m:{WORDS[found[1].lower()] + WORDS.get((found[2] or '').lower(), 0)}"
                 for found in _numbers_opening_sentences(text))

    def name(match: re.Match[str]) -> str:
        replacement, named = _name_facts(match.group())
        facts.update(named)
        return replacement

    # A heading in title case ("Violent Handbag Robbery Leaves Woman Hurt", "A Community Shaken") names
    # nothing: its capitals are its style. Its numbers still count.
    parts = text.split("\n\n")
    named = "\n\n".join(part for index, part in enumerate(parts) if not _title_case_heading(part, headline=index == 0))
    rest = _NAME.sub(name, named)
    words = {word.lower().replace("’", "'").removesuffix("'s") for word in _WORD_NAME.findall(rest)}
    facts.update("w:" + word for word in words - _NOT_NAMES)
    return frozenset(facts)


_WRAP = re.compile(r"\n(?<!\n\n)(?!\n)")  # a line break alone
def _numbers_opening_sentences(text: str) -> list[re.Match[str]]:
    """The matches of _NUMBER_IN_WORDS that open a sentence, tried only where such a word in capitals begins
    (found in one pass: the pattern tried at every position of a text cost 0.3 ms)."""
    found = (_NUMBER_IN_WORDS.match(text, at) for at in sorted({at for at, _, _ in _CAPITALISED_NUMBERS.find(text)})
             if _opens_sentence(text, at))
    return [match for match in found if match]


def _opens_sentence(text: str, at: int) -> bool:
    """Whether a capitalised word at `at` opens a sentence, a line or a list's item."""
    before = text[max(0, at - 4):at].rstrip(" \t•·▪◦*–—-")
    return text[at].isupper() and (not before or before[-1] in "\n.!?\"”’")


# A number from ten up written out to open a sentence, as a paper writes one ("Nineteen people were arrested"
# for a release's "19 people were arrested"): "m:19", the same number as its digits' "n:19" for another text
# that states it, and no number that text lacks (a copy's own sentence may open with one).
_TENS_AND_TEENS = "|".join(word for word, value in WORDS.items() if 10 <= value <= 90 and (value < 20 or value % 10 == 0))
_UNITS = "|".join(word for word, value in WORDS.items() if 1 <= value <= 9 and len(word) > 2)
_NUMBER_IN_WORDS = re.compile(rf"\b({_TENS_AND_TEENS})(?:[- ]({_UNITS}))?\b(?![- ](?:hundred|thousand|million)\b)"
                              r"(?<!past ten)(?<!past eleven)(?<!past twelve)"
                              rf"(?!\s+o['’]clock|\s+(?:past|to)\s+(?:{_UNITS}|ten|eleven|twelve|midnight|noon)\b)",
                              re.I)  # not a time: "ten past four"
_CAPITALISED_NUMBERS = Automaton((variant, None) for word in _TENS_AND_TEENS.split("|")
                                 for variant in (word.capitalize(), word.upper()))


def _without_phones(text: str) -> str:
    for phone in _PHONES:
        text = phone.sub(" ", text)
    return text


@lru_cache(maxsize=20_000)  # news names the same people, places and courts again and again
def _name_facts(found: str) -> tuple[str, tuple[str, ...]]:
    """What a match of _NAME is replaced by, and the facts it names."""
    words = found.lower().replace("’", "'").split()
    while words and words[0] in _OPENERS:  # "The Crown Court", "Detective Sergeant Jo Bell"
        words.pop(0)
    if words and words[-1].endswith("'s"):  # "County Durham's": the name
        words[-1] = words[-1][:-2]
    if len(words) < 2:
        return found, ()
    owner = next((index for index, word in enumerate(words[:-2]) if word.endswith("'s")), None)
    if owner is not None and words[owner] not in _NAMED_FOR:  # "Middlesbrough's James Cook University Hospital"
        return "name", _owned_facts(words[:owner + 1], words[owner + 1:])
    ranked = [index for index, word in enumerate(words[:-2]) if word in _RANKS]
    if ranked and ranked[0] >= 2:  # "Metropolitan Police Ch Supt Louise Sargent": the force, and the officer
        return "name", ("w:" + " ".join(words[:ranked[0]]), "w:" + " ".join(words[ranked[-1] + 1:]))
    return "name", ("w:" + " ".join(words), *_parts(words))  # "name": mid-sentence still, for the word after it


# Possessives that are part of a name, not its owner ("Queen's Medical Centre", "St John's Wood"); a name of one
# word after a possessive ("Addenbrooke's Hospital") is never parted from it.
_NAMED_FOR = frozenset({"queen's", "king's", "prince's", "princess's", "john's", "peter's", "paul's", "mary's", "thomas's",
                        "children's", "women's", "men's", "people's", "lady's", "bishop's", "guy's", "george's"})


def _owned_facts(owner: list[str], owned: list[str]) -> tuple[str, ...]:
    """The facts of "<owner>'s <name>": the owner, unless a role ("the Commissioner's"), and the name it
    owns, a single word only when it names something ("Luton's Police" names Luton)."""
    who = [word.removesuffix("'s") for word in owner if word.removesuffix("'s") not in ROLE_WORDS]
    named = [] if len(owned) == 1 and owned[0] in _NOT_NAMES else ["w:" + " ".join(owned)]
    return (*(["w:" + " ".join(who)] if who else []), *named, *_parts(owned))


def _parts(words: list[str]) -> set[str]:
    """The names a name joins with "and" ("Whatriggs Road and Bellfield Avenue"), each a fact too,
    so one text's pair and another's single names meet."""
    if "and" not in words[1:-1]:
        return set()
    parts: list[str] = []
    current: list[str] = []
    for word in [*words, "and"]:
        if word == "and":
            while current and current[0] in _OPENERS:
                current.pop(0)
            if current:
                parts.append("w:" + " ".join(current))
            current = []
        else:
            current.append(word)
    return set(parts)


# A single capitalised word inside a sentence is a name ("in Luton", "told the Echo"); at a
# sentence's start, or in a headline That Capitalises Every Word, it may be any word.
_WORD_NAME = re.compile(r"[A-Z](?<=[^\s.!?:;\"“‘'(•·▪◦*–—-] [A-Z])[a-z’'-]{2,}(?:[A-Z][a-z’'-]+)*\b")  # (a list item starts one)
_NOT_NAMES = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "police", "council",
    "court", "crown", "officers", "officer", "detective", "inspector", "sergeant", "constable", "chief",
    "superintendent", "commissioner", "mayor", "judge", "mrs", "christmas", "easter", "british", "english",
    "published", "updated", "posted",  # a date's label left alone on its line ("- Published")
})
# The words of a name that give a role, not who ("Police and Crime Commissioner Marc Jones",
# "Detective Inspector Hannah Corbett"): one outlet writes the role out, another "Mr Jones" or
# "the commissioner".
ROLE_WORDS = _NOT_NAMES | frozenset({
    "and", "of", "the", "crime", "fire", "deputy", "assistant", "acting", "temporary", "det", "insp", "supt", "mr", "ms",
    "dr", "pc", "dc", "ds", "di", "dci", "dcs", "councillor", "cllr", "lord", "lady", "sir",
})


def _title_case_heading(part: str, headline: bool) -> bool:
    """A headline written in title case (most of its words capitalised), or a crosshead of a few words
    all capitalised, with no punctuation: a line of a hard-wrapped paragraph is not one ("doors on
    Whatriggs Road and Bellfield Avenue, and Detective ...")."""
    if len(part) > 160 or part.rstrip().endswith((".", "!", "?", '"', "”", "'", "’", ":")):
        return False
    if headline:
        return _is_title_case(part)
    words = [word for word in part.split() if word.lower() not in TITLE_CASE_LITTLE_WORDS]
    return 2 <= len(words) <= 8 and all(word[:1].isupper() and word.isalpha() for word in words)


def _is_title_case(line: str) -> bool:
    long_words = [word for word in line.split() if len(word) > 3]
    return len(long_words) >= 3 and sum(word[:1].isupper() for word in long_words) / len(long_words) >= 0.7
