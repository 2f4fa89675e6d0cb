"""A picture's caption known by its credit, as pages keep it among their text (digest.furniture asks)."""

from __future__ import annotations

import re

# A caption ending in its credit: "A police cruiser. (Ledger file photo)".
_PHOTO_CREDIT = re.compile(r"\((?:[^()]*\b(?:photo|picture|pic|image|credit|source)\b[^()]*|google(?: street (?:view|maps?))?|"
                           r"getty images|pa(?: media| wire)?|alamy|shutterstock)\)$", re.I)
# A caption with its credit glued on: "Knives recovered by policeWessex Police", "...on MondayWGP".
_GLUED_CREDIT = re.compile(r"[a-z](?:[A-Z]{2,}|[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,3})$")
# A picture's description between two copies of its credit, as a broadcaster's page gives the picture's
# text: "Sam Lane/BBC An officer kneels by a bus shelterSam Lane/BBC".
_BETWEEN_CREDITS = re.compile(r"^((?:[A-Z][\w.'’-]*\s){0,3}[A-Z][\w.'’-]*/[A-Z][\w.'’ -]{1,30})\s\S.{10,}\1$")
# A caption ending in its credit after a sentence: "Knives handed in at the station. Picture: Kent Police".
_TRAILING_CREDIT = re.compile(r"[.!?]\s*(?:(?:(?:picture|photo|photograph|image|credit)s?\s*:|image source\s*[:,])\s*[^.!?:]{1,60}|"
                              r"(?:image|photo|picture)\s+[^.!?:]{1,60}/(?:shutterstock|getty ?images|alamy|istock)(?:\.com)?)$", re.I)
# A caption ending in its credit (a name, five words at most), after a space, a dash or a bracket: "Police at the
# scene Credit: PA", "Old Parr Road, Banbury Picture: GOOGLE", "Chief Inspector Ann Hale.PICTURE MARK JAMES."
_CREDIT_TAIL = re.compile(r"[\s.!?,(|–-](?:(?:(?:Image|Photo|Picture|Pic)\s+[Cc]redit|Pictures?|Pics?|Photos?|"
                          r"Photograph|Images?|Credit|Source)\s*[:–-]|"
                          r"(?:PICTURES?|PICS?|PHOTOS?|IMAGES?|CREDIT):?)\s*[A-Za-z@][\w&'’/+.-]*(?:\s+[\w&'’/+.-]+){0,4}\.?\)?$")
_CREDIT_LABEL = re.compile("Pic|Photo|Image|Credit|Source|PIC|PHOTO|IMAGE|CREDIT")  # one of which _CREDIT_TAIL has
# A broadcaster's picture labelled with its owner, then its caption: "Image copyright Getty Images Image caption ...".
BROADCASTER_PICTURE = re.compile(r"image copyright\s+\S.{0,60}?\s+image caption\b", re.I)


def credited_caption(line: str, short: bool) -> bool:
    """A caption ending in or glued to its credit, between two copies of it, after it, or run into its own copy with it
    (`short`: the line is 100 characters at most)."""
    if short and line.endswith(")") and _PHOTO_CREDIT.search(line):
        return True
    if len(line) <= 300 and line[-1:].isalpha() and _TRAILING_CREDIT.search(line):
        return True
    if short and line[-1:].isalpha() and _GLUED_CREDIT.search(line):
        return True
    if "/" in line and _BETWEEN_CREDITS.match(line):
        return True
    if line[:1] in "Ii" and BROADCASTER_PICTURE.match(line):
        return True
    if not _CREDIT_LABEL.search(line):
        return False
    if len(line) <= 300 and (tail := _CREDIT_TAIL.search(line[-90:])) and (len(line) > 90 or tail.start() >= 3):
        return True
    return said_again_after_its_credit(line)


def said_again_after_its_credit(line: str) -> bool:
    """A caption, however long, said again after its credit: "<Paper>: Officers at the scene. Picture: Sam
    LaneOfficers at the scene. Picture: Sam Lane (Image: Agency)"."""
    credit = _CREDIT_LABEL_COLON.search(line)
    if not credit or len(line) > 1500:
        return False
    said = line[max(0, credit.start() - 40):credit.start()].strip()
    return len(said) >= 25 and said in line[credit.end():]


_CREDIT_LABEL_COLON = re.compile(r"\b(?:Pictures?|Pics?|Photos?|Images?|Credit)\s*:")
