"""Which lines are in Welsh: the bilingual pages of Welsh forces, commissioners, councils and the Welsh
Government give each headline and paragraph in Welsh and in English, and the digest is read in English."""

from __future__ import annotations

import re

# Words common in Welsh text and rare in English (no English word shares their spelling, or, as "a" and
# "i", one that reads as Welsh only beside the others).
_WELSH = frozenset((
    "yn", "yr", "y", "yng", "ym", "mae", "wedi", "gan", "ac", "ei", "eu", "ein", "hyn", "gyda", "ond", "neu", "bod",
    "mewn", "drwy", "ar", "o", "i'r", "a'r", "o'r", "sy'n", "mae'r", "nad", "fydd", "bydd", "hefyd", "newydd", "croesawu",
    "cyllid", "heddlu", "comisiynydd", "cymru", "pobl", "ifanc", "trais", "atal", "difrifol", "swyddfa", "gartref",
    "cyngor", "troseddu", "diogel", "cymunedau", "cymuned", "plant", "gwaith", "ynghylch",
))
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def reads_welsh(text: str) -> bool:
    """Whether a line or a paragraph is in Welsh: a quarter of its words, and at least two, common in
    Welsh and rare in English."""
    words = [word.lower().replace("’", "'") for word in _WORD.findall(text)]
    welsh = sum(word in _WELSH for word in words)
    return welsh >= 2 and welsh * 4 >= len(words)
