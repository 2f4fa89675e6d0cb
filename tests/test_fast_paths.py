"""Fast paths of the judgement give what the slow ones give (no mocks): patterns tried only where
a match can begin (digest.pattern_dispatch.literal_starts) find what scanning the whole text finds."""

from __future__ import annotations

import dataclasses
import random
import re
from datetime import date
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from digest.areas import load_data
from digest.classify import Classifier
from digest.figure_patterns import PATTERNS as _PATTERNS
from digest.figures import _SITES
from digest.models import Candidate, Classification, Document, Extracted
from digest.pattern_dispatch import literal_needs, literal_starts
from digest.prepare import Prepared, prepare, prepare_all
from digest.shingles import TextKeys
from digest.store import Store
from digest.text import fold_case, matches_at
from digest.topics import Taxonomy


@pytest.mark.parametrize(("pattern", "starts"), [
    (re.compile(r"abc|abd"), ("abc", "abd")),
    (re.compile(r"\bFoo(?:bar)?\b", re.I), ("foo",)),  # lower case: looked for in the folded text
    (re.compile(r"\bFoo"), ("Foo",)),  # as written when case counts
    (re.compile(r"x*y"), ("x", "y")),  # an optional part: what follows it may begin the match
    (re.compile(r"(?<!\bin\s)(?:(?:some|over)\s+){0,2}cars", re.I), ("cars", "over", "some")),
    (re.compile(r"an?d|an", re.I), ("ad", "an")),  # "and" begins where "an" does: not listed
    (re.compile(r"[ab]c"), ("ac", "bc")),
])
def test_literal_starts(pattern: re.Pattern[str], starts: tuple[str, ...]) -> None:
    assert literal_starts(pattern) == starts


@pytest.mark.parametrize("pattern", [
    re.compile(r"\d+ arrests"), re.compile(r"\w+"), re.compile(r"(?:some\s+)?\d"), re.compile(r"[a-c]x"),
    re.compile(r"[^a]x"), re.compile(r"(?i:ab)c"), re.compile(r"é", re.I), re.compile(r"x?"),
])
def test_no_literal_starts(pattern: re.Pattern[str]) -> None:
    with pytest.raises(ValueError):
        literal_starts(pattern)


SENTENCES = [
    "Officers arrested twelve people and seized three knives, cash and two machetes.",
    "OFFICERS SEIZED FOURTEEN KNIVES AND ARRESTED 12 PEOPLE.",
    "Smith was jailed for six years, and Jones, 19, for four years and six months.",
    "Warrants were executed at 14 addresses after raids on 3 homes; 2 men were charged.",
    "The project has worked with 340 young people and spoke to 900 pupils at 12 schools.",
    "Thefts from 212 cars fell by 12%, to 1,643, and 23 vans were broken into.",
    "He admitted 3 counts of robbery and was convicted of 4 burglaries. ſix people ſafeguarded.",
    "İn total 40 lines were closed, dismantling 5 county lines and safeguarding 19 children.",
    "Some 1,200 stop and searches were carried out and officers stopped and searched 30 people.",
]
VOCABULARY = sorted({word for sentence in SENTENCES for word in re.findall(r"\w+|[^\w\s]", sentence)}
                    | {"and", "of", "the", "Of", "Given", "handed", "guilty", "to", "ſ", "K", "İ", "-"})


def _texts() -> list[str]:
    draw = random.Random(7)
    texts = list(SENTENCES)
    for _ in range(300):
        words = [draw.choice(VOCABULARY) for _ in range(draw.randint(1, 25))]
        text = " ".join(words)
        texts.append(text.upper() if draw.random() < 0.2 else text)
    return texts


@pytest.mark.parametrize(("pattern", "needs"), [
    (re.compile(r"\d+\s+(?:young\s+)?people\s+(?:were|have\s+been)\s+arrested", re.I),
     [("people",), ("have", "were"), ("arrested",)]),
    (re.compile(r"(?:seized|found)\s+\d+\s+(?:knives|guns)", re.I), [("found", "seized"), ("guns", "knives")]),
    (re.compile(r"(?:a|b)x?(?=cdef)\bcars\b"), [("cars",)]),  # short, optional and zero-width parts need nothing
])
def test_literal_needs(pattern: re.Pattern[str], needs: list[tuple[str, ...]]) -> None:
    assert literal_needs(pattern) == needs


@pytest.mark.parametrize("kind", list(_PATTERNS))
def test_figure_patterns_tried_where_they_can_begin_find_what_finditer_finds(kind: str) -> None:
    for text in _texts():
        for pattern, sites in zip(_PATTERNS[kind], _SITES[kind].find(text), strict=True):
            expected = [match.span() for match in pattern.finditer(text)]
            got = [match.span() for match in matches_at(pattern, text, sites or ())]
            assert got == expected, (pattern.pattern, text)


def test_starts_found_in_the_folded_text_keep_their_places() -> None:
    assert fold_case("ſeized") == "seized"
    assert _SITES["weapons"].find("ſeized 3 knives")[0] == [0]  # the first pattern: "seized ... knives"
    assert _SITES["weapons"].find("ſeized 3 kniv")[0] is None  # no weapon named


@pytest.mark.parametrize("name", ["gazetteer.yaml", "taxonomy.yaml"])
def test_shipped_data_read_as_pyyaml_reads_it(name: str) -> None:
    text = resources.files("digest.data").joinpath(name).read_text(encoding="utf-8")
    assert repr(load_data(name)) == repr(yaml.safe_load(text))


def _summary(result: Prepared | Exception) -> tuple[object, ...]:
    if isinstance(result, Exception):
        return type(result), str(result)
    return (result.extracted, result.classification, result.canonical, result.facts, result.lead, result.telling,
            result.fallback, result.keys.fingerprint, result.keys.signature.bands())


def test_prepare_all_gives_what_prepare_gives_one_document_at_a_time() -> None:
    classifier = Classifier(Taxonomy(), 0.5, {"test": SimpleNamespace(area=None, org=None, org_kind=None)})
    entry = Document(source="test", content=b"<p>Two men were arrested in Luton after a stabbing.</p>",
                     media_type="fragment", title_hint="Two arrested in Luton")
    documents = [
        Document(source="test", content=sentence.encode(), media_type="text", path=f"{index}.txt")
        for index, sentence in enumerate(SENTENCES)
    ] + [
        Document(source="test", content=b"", media_type="text", path="empty.txt"),  # no article: DocumentError
        Document(source="test", content=b"\x00" * 10, media_type="text", path="binary.txt"),
        Document(source="test", content=b"   ", media_type="text", url="https://a.example/x", fallback=entry),
        Document(source="unknown", content=b"A story.", media_type="text", path="x.txt"),  # KeyError from classify
    ]
    one_at_a_time: list[Prepared | Exception] = []
    for document in documents:
        try:
            one_at_a_time.append(prepare(document, classifier))
        except Exception as exc:  # noqa: BLE001 - compared as a result
            one_at_a_time.append(exc)
    assert [_summary(each) for each in prepare_all(documents, classifier)] == [_summary(each) for each in one_at_a_time]
    assert prepare_all(documents, classifier)[-2].fallback  # type: ignore[union-attr]


def test_candidates_known_from_before_are_not_read_again(tmp_path: Path) -> None:
    items = Store(tmp_path / "digest.db").items
    body = "Officers seized 12 knives on Market Square in Luton after a stabbing on Saturday evening."
    keys = TextKeys(body)
    facts = ["n:12", "w:market square", "w:luton"]
    item = items.save(item_id=None, key="a", source="s", path=None,
                      extracted=Extracted(title="Knives seized", body=body, summary="", published=date(2026, 11, 4)),
                      canonical=None, fingerprint=keys.fingerprint, cluster=None,
                      classification=Classification(topics=[], relevance=0.0, relevant=False, area="Bedfordshire",
                                                    mentioned_areas=[], org="x", org_kind="police", figures=[]))
    items.save_signature(item, keys.signature, len(keys.shingles), frozenset(facts), frozenset(), facts)

    def area_found(known: dict[int, Candidate]) -> str | None:
        found = items.near_duplicate_candidates(keys.signature.bands(), facts, 0, 20, known=known)
        assert [candidate.item_id for candidate in found] == [item]
        return found[0].area

    known: dict[int, Candidate] = {}
    assert area_found(known) == "Bedfordshire" and item in known  # read, and remembered
    known[item] = dataclasses.replace(known[item], area="as known")
    assert area_found(known) == "as known"  # not read again
    assert area_found({}) == "Bedfordshire"
