"""Taxonomy terms and place names found in one pass (digest.phrases): the edge cases of joins and boundaries."""

from __future__ import annotations

import pytest

from digest.gazetteer import Gazetteer
from digest.terms import TermIndex

INDEX = TermIndex({
    "knife": ["knife crime", "knife*", "stab*", "stab wound*", "stabbing*"],
    "law": ["ronan's law", "clare's law", "magistrates court"],
    "other": ["crime", "a&e navigator*", "İstanbul"],
})


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer()


@pytest.mark.parametrize("text, expected", [
    # Words joined by hyphens, dashes and any whitespace; the longest term wins in its group.
    ("Knife-crime, knife–crime, knife — crime and knife\n\n crime",
     {"knife": ["knife-crime", "knife–crime", "knife — crime", "knife crime"],
      "other": ["crime", "crime", "crime", "crime"]}),
    # Apostrophes are optional, straight or curly, inside or at the end of a word.
    ("the magistrates’ court, the Magistrates' Court and the magistrates court",
     {"law": ["magistrates’ court", "magistrates' court", "magistrates court"]}),
    ("Ronan's Law, Ronan’s Law, Ronans Law and ronan ' s law",
     {"law": ["ronan's law", "ronan’s law", "ronans law"]}),
    ("Clare’s law", {"law": ["clare’s law"]}),
    # Stems match the start of a word, to its end; never inside a word.
    ("He was stabbed. Stabbings rose. Stab-wounds. To establish. Unstable.",
     {"knife": ["stabbed", "stabbings", "stab-wounds"]}),
    ("a knife's edge; knives; knifepoint", {"knife": ["knife's", "knifepoint"]}),
    ("A&E navigators and a & e navigator", {"other": ["a&e navigators"]}),
    # "İ" lower-cases to two characters: positions still map back; phrases come out with single spaces.
    ("İSTANBUL and İstanbul knife  crime", {"other": ["i̇stanbul", "i̇stanbul", "crime"], "knife": ["knife crime"]}),
    ("ΟΔΟΣ knife", {"knife": ["knife"]}),
    ("", {}),
])
def test_terms(text, expected):
    assert INDEX.find(text) == expected


def test_groups_keep_their_order_and_repeats():
    found = INDEX.find("crime, knife crime, crime")
    assert list(found.items()) == [("other", ["crime", "crime", "crime"]), ("knife", ["knife crime"])]


@pytest.mark.parametrize("text, expected", [
    ("Bury St Edmunds, not Bury", [("Bury St Edmunds", 0, 15), ("Bury", 21, 25)]),
    ("Bury  St\nEdmunds", [("Bury St Edmunds", 0, 16)]),
    # ", " and "-" may join the words of a name; " - " may not.
    ("High Town, Luton and High Town Luton and High Town - Luton",
     [("High Town, Luton", 0, 16), ("High Town, Luton", 21, 36), ("Luton", 53, 58)]),
    ("Weston-super-Mare", [("Weston-super-Mare", 0, 17)]),
    ("Avon & Somerset", [("Avon & Somerset", 0, 15)]),
    ("Avon&Somerset", [("Somerset", 5, 13)]),  # "&" is a word of its own, but needs the spaces
    ("King’s Lynn and King's Lynn and Kings Lynn", [("King's Lynn", 0, 11), ("King's Lynn", 16, 27)]),
    ("Luton's streets and Luton’s shops", [("Luton", 0, 5), ("Luton", 20, 25)]),  # a possessive's "'s" ends the name
    ("Luton", [("Luton", 0, 5)]),
    ("Lutonian", []),
    ("İ Luton İ", [("Luton", 2, 7)]),
])
def test_place_names(gazetteer, text, expected):
    assert gazetteer.find(text) == expected


def test_place_offsets_are_in_the_original_text(gazetteer):
    text = "In  the\n\n  town of  Luton, Bedfordshire"
    found = gazetteer.find(text)
    assert found == [("Luton", 20, 25), ("Bedfordshire", 27, 39)]
    assert [text[start:end] for _, start, end in found] == ["Luton", "Bedfordshire"]


def test_detect(gazetteer):
    assert gazetteer.detect("Man stabbed in Luton", "Bury St Edmunds police said a man from Luton was hurt.") == (
        "Bedfordshire", ["Bedfordshire", "Suffolk"])


def test_automaton_finds_every_occurrence_in_order_of_ends():
    """Overlapping occurrences too, at one end the longest first; positions count characters."""
    import random

    from digest.phrases import Automaton

    rng = random.Random(3)
    alphabet = "ab é😀-’"
    for _ in range(300):
        keys = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 6))}
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        expected = sorted(((start, start + len(key), key) for key in keys for start in range(len(text))
                           if text.startswith(key, start)), key=lambda found: (found[1], found[0]))
        assert Automaton((key, key) for key in keys).find(text) == expected
    assert Automaton([]).find("anything") == []
