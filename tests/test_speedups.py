"""Edge cases the fast paths rely on: each cheap pre-check must never change a result (no mocks)."""

from __future__ import annotations

import random
import re
import sys
from datetime import date

import pytest

from digest import areas, gazetteer
from digest.dedupe import LOOKUP_FACTS, NearDuplicates
from digest.errors import DocumentError
from digest.extract import extract_text
from digest.facts import CASE_STAGES, _without_phones, case_stage
from digest.figure_cues import _HAS_NUMBER, _HAS_PERCENT, CUES, Cues
from digest.figure_patterns import PATTERNS as _PATTERNS
from digest.figures import extract_figures
from digest.furniture import is_furniture
from digest.models import Extracted, Figure
from digest.publisher import _CUE_STARTS, _ORG_PATTERNS, guess_org_kind
from digest.text import decode, fold_case, positions_of, sentence_spans
from digest.textpage import split_front_matter


def org_of(body: str) -> str:
    return guess_org_kind(Extracted(title="Knife arch", body=body, summary=""))


# --- who published it -------------------------------------------------------------------


@pytest.mark.parametrize(("body", "kind"), [
    ("A POLICE SPOKESMAN SAID THE ARCH WORKED.", "news"),  # a case-insensitive cue in upper case
    ("A police ſpokeſman ſaid the arch worked.", "news"),  # "ſ" matches "s" when case is ignored
    ("The OPFCC funds it.", "pcc"),
    ("Our reporter was there. The council said no.", "news"),
    ("DC Smith said officers arrested a man.", "police"),
    ("dc smith said it.", "other"),  # police cues are case-sensitive
])
def test_org_kind_from_text(body: str, kind: str) -> None:
    assert org_of(body) == kind


TRICKY = [
    "a police spokesman said police said officers said",  # overlapping starts, adjacent matches
    "xofficers said, Xpolice said; police,said",  # no word boundary before a start
    "A Spokeswoman confirmed. Detectives say. The Force have said. a spokesperson said",
    "told the Luton News told THE GAZETTE told The Bedford Borough Star",
    "Local Democracy Reporting; our reporter; contacted by this website",
    "Cllr Ali, Councillor Shah, the cabinet member, council leader and leader of the council met",
    "the council, city council, county council, borough council, district council",
    "commissioner’s blog, Commissioner's Blog, my office, as your commissioner, Deputy Mayor for Policing",
    "POLICE, FIRE AND CRIME COMMISSIONER PFCC OPCC opfcc PCC's",
    "Violence and Exploitation Reduction Unit, VERU, VRU-funded, VRP, CURV, violence prevention unit",
    "DC Ali said. DS Jo said. PC Li said. DI Ng said. PCSO Ray said. Sgt Tod said. Insp Kaur said.",
    "İnspector Smith said. Inspector Jones said. DCI Jones has said nothing. Detective Sergeant Ali said",
    "Sergeant Bo said. Superintendent Mo said. Chief Constable Jo Farrell said.",
    "calling 101 or call 101, Quoting incident, quoting crime reference 12, contact us",
    "officers arrested a man; the Constabulary said constabulary officers",
]


ODD = ["", "İ", "İnspector DC", "ſaid officers", "DCIPCSO", "police,police ", "a police spokesa spokes", "ΣPCC ς",
       "Officers\nofficers", "KONSTABULARY constabulary"]


@pytest.mark.parametrize("text", TRICKY)
def test_each_cue_counts_what_findall_counts(text: str) -> None:
    for cue, starts in zip(_ORG_PATTERNS, _CUE_STARTS.find(text, fold_case(text)), strict=True):
        assert cue.count(text, starts) == len(cue.pattern.findall(text)), cue.pattern.pattern


@pytest.mark.parametrize("text", TRICKY + ODD + [text.upper() for text in TRICKY] + [text.lower() for text in TRICKY])
def test_cue_starts_found_in_one_pass_are_those_a_search_per_start_finds(text: str) -> None:
    folded = fold_case(text)
    expected = [positions_of(folded if cue.ignore_case else text, cue.starts) for cue in _ORG_PATTERNS]
    assert _CUE_STARTS.find(text, folded) == expected


def test_fold_case_keeps_positions() -> None:
    assert fold_case("İſıKA") == "isika"
    assert len(fold_case("İnspector")) == len("İnspector")


# --- figures ----------------------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "kind", "value"), [
    ("Officers arrested twelve people.", "arrests", 12),  # the only number is a word
    ("TWELVE PEOPLE WERE ARRESTED.", "arrests", 12),
    ("OFFICERS SEIZED FOURTEEN KNIVES.", "weapons", 14),
    ("The Commissioner has awarded £250,000 of funding.", "funding_gbp", 250_000),
    ("Officers arrested ١٢ people.", "arrests", 12),  # any Unicode digit is a digit
    ("A dozen people were arrested.", "arrests", 12),  # a number of two words
    ("More than 20 people were arrested.", "arrests", 20),
    # "one" inside "someone" counts only because a real number word ("ſix" is "six") is present.
    ("ſix people saw someone arrests.", "arrests", 1),
])
def test_figure_stated(sentence: str, kind: str, value: float) -> None:
    assert extract_figures(sentence) == [Figure(kind, value, sentence)]


def test_number_inside_a_word_is_no_number() -> None:
    assert extract_figures("Police said someone arrests them.") == []


def test_figures_of_two_kinds_in_one_sentence() -> None:
    sentence = "In total 14 knives were seized and 9 arrests were made."
    assert extract_figures(sentence) == [Figure("arrests", 9, sentence), Figure("weapons", 14, sentence)]


@pytest.mark.parametrize("text", ["", "ARRESTED with KNIVES", "one warrant", "Patrol years; sword", "gun", "ſword",
                                  "İ arrest", "nothing here"])
def test_kinds_cued_as_a_set_of_every_cue_finds_them(text: str) -> None:
    every_cue = {kind for kind, cues in CUES.items() for cue in cues if cue in text.lower()}
    assert Cues(text).kinds(0, len(text), _PATTERNS) == [kind for kind in _PATTERNS if kind in every_cue]
    assert Cues(text).kinds(0, len(text), ["warrants", "arrests"]) == [
        kind for kind in ["warrants", "arrests"] if kind in every_cue]


def test_cues_of_a_line_or_a_sentence_asked_by_its_span_are_its_own() -> None:
    """Cues, number words and per cents found once in the whole text are those each line and each
    sentence has on its own, in every case and at every edge of a span."""
    pieces = ["Two men were arrested.", "ONE IN TEN", "someone", "Forty-one", "knives", "İ arrest", "arreſt", "ſix",
              "ıx", "ΣΑΣ", "per", "cent", "per cent", "%", "5%", "PERCENT", "young people", "Mr.", "in 2019.", "£5",
              "tens", "dozens!", "“Three”", "(seven)", "count", "year", "years.", " ", "\n", "\n\n", "\t", ". "]
    draw = random.Random(15)
    for _ in range(400):
        text = "".join(draw.choice(pieces) + draw.choice(["", " ", ". ", "\n"]) for _ in range(draw.randrange(1, 12)))
        cues = Cues(text)
        start = 0
        for line in text.split("\n"):
            spans = [(start, start + len(line))]
            spans += [(start + first, start + last) for first, last in sentence_spans(line)]
            for first, last in spans:
                part = text[first:last]
                assert cues.kinds(first, last, _PATTERNS) == [
                    kind for kind in _PATTERNS if any(cue in part.lower() for cue in CUES[kind])], (text, part)
                assert cues.states_number(first, last) == bool(_HAS_NUMBER.search(part)), (text, part)
                assert cues.percent(first, last) == bool(_HAS_PERCENT.search(fold_case(part))), (text, part)
            start += len(line) + 1


def test_title_adds_a_figure_the_body_lacks() -> None:
    assert extract_figures("No numbers here.", "Five arrests made in Luton") == [
        Figure("arrests", 5, "Five arrests made in Luton")]


# --- site furniture ---------------------------------------------------------------------


@pytest.mark.parametrize(("line", "furniture"), [
    ("ACCESSIBILITY OPTIONS", True),
    ("ſhare", True),
    ("İs this page useful?", True),
    ("  **Skip to main content**  ", True),
    ("Our Cookie Policy has changed", True),
    ("Home > News > Luton", True),
    ("This is a story", False),
    ("Officers said", False),
    ("x" * 400 + " cookies", False),
])
def test_furniture(line: str, furniture: bool) -> None:
    assert is_furniture(line) is furniture


# --- front matter -----------------------------------------------------------------------


@pytest.mark.parametrize(("front", "warning"), [
    # libyaml would read these three; PyYAML does not, and its verdict is the one kept.
    ("title:\tKnife arch", "broken YAML front matter at line 2 (found character '\\t' that cannot start any "
                           "token); read the text without it"),
    ("tags: [what next?]\ntitle: X", "broken YAML front matter at line 2 (expected ',' or ']', but got '?'); "
                                     "read the text without it"),
    ("description: >#\n  x", "broken YAML front matter at line 2 (expected chomping or indentation indicators, "
                             "but found '#'); read the text without it"),
    ("title: [unclosed", "broken YAML front matter at line 2 (expected ',' or ']', but got '<stream end>'); "
                         "read the text without it"),
], ids=["tab", "question mark in brackets", "comment after block indicator", "unclosed"])
def test_broken_front_matter_reported_as_pyyaml_reports_it(front: str, warning: str) -> None:
    assert split_front_matter(f"```yaml\n{front}\n```\nBody text.\n") == ({}, "Body text.\n", [warning])


def test_deep_front_matter_is_reported_not_fatal() -> None:
    # Nesting this deep overflows libyaml's C stack and kills the process; PyYAML reports it.
    meta, rest, warnings = split_front_matter("```yaml\n" + "[" * 100_000 + "\n```\nBody text.\n")
    assert (meta, rest) == ({}, "Body text.\n")
    assert warnings[0].startswith("broken YAML front matter (maximum recursion depth exceeded")


@pytest.mark.parametrize(("front", "meta"), [
    ("publish:\n  date: 2019-03-05\ntitle: Knife arch", {"publish": {"date": date(2019, 3, 5)}, "title": "Knife arch"}),
    ("title: !\nurl: https://a.example/x", {"title": None, "url": "https://a.example/x"}),  # libyaml says ""
    ("title: " + "x" * 1200, {"title": "x" * 1200}),  # too long for libyaml: PyYAML reads it
], ids=["nested date", "bare tag", "long"])
def test_front_matter_values(front: str, meta: dict) -> None:
    assert split_front_matter(f"```yaml\n{front}\n```\nBody.") == (meta, "Body.", [])


def test_broken_front_matter_is_reported_with_the_file_named(digest, seed_dir, write_config) -> None:
    (seed_dir / "tabbed.md").write_text("```yaml\ntitle:\tKnife arch at Luton station\n```\n"
                                        "Officers set up a knife arch at Luton station and seized two knives.\n",
                                        encoding="utf-8")
    result = digest("ingest", config=write_config())
    assert result.exit_code == 0, result.output
    assert "tabbed.md: broken YAML front matter at line 2" in result.stderr


def test_markdown_cleaned_only_where_marked() -> None:
    got = extract_text("## Luton knife arch\n__Officers__ ran checks at [Luton](https://x.example/a) station. "
                       "**Two** blades were found.\n####### Not a heading\n")
    assert (got.title, got.body) == (
        "Luton knife arch", "Officers ran checks at Luton station. Two blades were found.\n\n####### Not a heading")


# --- decoding ---------------------------------------------------------------------------


def test_control_bytes_up_to_five_percent_are_text() -> None:
    assert decode(b"\x01" * 5 + b"a" * 95) == ("a" * 95, [])


@pytest.mark.parametrize("byte", [0x00, 0x08, 0x0B, 0x0E, 0x1F])
def test_control_bytes_over_five_percent_are_binary(byte: int) -> None:
    with pytest.raises(DocumentError, match="too many control characters"):
        decode(bytes([byte]) * 6 + b"a" * 94)


@pytest.mark.parametrize(("byte", "text"), [
    (0x09, "\t" * 6 + "a" * 94), (0x0C, "a" * 94), (0x0D, "\n" * 6 + "a" * 94), (0x7F, "a" * 94),
])
def test_some_control_bytes_are_not_counted(byte: int, text: str) -> None:
    assert decode(bytes([byte]) * 6 + b"a" * 94) == (text, [])


# --- classification helpers -------------------------------------------------------------


def test_terms_found_need_no_second_normalising() -> None:
    """classify._distinct keeps found terms as they are: lowering and re-spacing one again changes nothing."""
    for char in map(chr, range(sys.maxunicode + 1)):
        once = " ".join(char.lower().split())
        assert " ".join(once.lower().split()) == once, hex(ord(char))


_RANK_OR_NAME_BEFORE = [
    "PC Preston", "PC. Preston", "Insp Sam Preston", "Mr  Preston", "Darryl Preston", "Darryl\u00a0Preston",
    "Darryl\nPreston", "O'Brien Preston", "d'Arcy Preston", "x-Ray Preston", "in Preston", "of Preston",
    "Street, Preston", "North Preston", "The Preston", "(Preston", "Preston", " Preston", "İnspector Preston",
    "Mcdonald Preston", "MR Preston", "Mr. Preston", "Superintendent " + "x" * 40 + " Preston",
    "Councillor Jo Ann Preston", "12th Preston", "DCI. \n\t Preston", "Sgt Preston’s said", "Dr Preston's",
]


@pytest.mark.parametrize("text", _RANK_OR_NAME_BEFORE)
def test_person_checks_agree_with_their_regular_expressions(text: str) -> None:
    start = text.rfind("Preston")
    end = start + len("Preston")
    before40, before30 = text[max(0, start - 40):start], text[max(0, start - 30):start]
    surname = bool(gazetteer._RANK.search(before40) or gazetteer._SPEECH_AFTER.match(text[end:end + 14]))
    preceding = gazetteer._PRECEDING_WORD.search(before30)
    after_first_name = bool(preceding) and preceding.group(1) not in gazetteer._PLACE_PREFIXES
    may_follow = gazetteer._may_follow_rank_or_name(text, start)
    assert gazetteer._is_surname(text, "Preston", start, end, may_follow) is surname
    assert gazetteer._after_first_name(text, "Preston", start, may_follow) is after_first_name
    if gazetteer._RANK.search(before40) or preceding:
        assert gazetteer._may_follow_rank_or_name(text, start)


@pytest.mark.parametrize("host", [
    "bedfordshire.police.uk", "www.bedfordshire.police.uk", "WWW.Bedfordshire.Police.UK", "news.bedfordshire.police.uk",
    "xbedfordshire.police.uk", "police.uk", "example.org", "bedfordshire.police.uk.example.org", "", None, "www.",
])
def test_area_for_host_is_the_first_area_listing_a_domain_of_it(host: str | None) -> None:
    def straightforward(host: str | None) -> areas.Area | None:
        if not host:
            return None
        host = host.lower().removeprefix("www.")
        return next((area for area in areas.load_areas()
                     if any(host == d or host.endswith("." + d) for d in area.domains)), None)

    assert areas.area_for_host(host) == straightforward(host)
    for area in areas.load_areas():
        for domain in area.domains:
            assert areas.area_for_host("news." + domain) == straightforward("news." + domain)


# --- words for fingerprints and shingles ----------------------------------------------------


def test_characters_read_as_spaces_are_no_word_characters() -> None:
    import re

    from digest.shingles import COMMON_NON_WORD

    assert not [char for char in COMMON_NON_WORD if re.match(r"\w", char)]


def test_phone_numbers_taken_out_a_kind_at_a_time_as_one_pattern_takes_them_out() -> None:
    one_pattern = re.compile(r"[019](?<!\w[019])(?:(?<=0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}|(?<=1)(?:01|11)|(?<=9)99)\b")
    draw = random.Random(21)
    for _ in range(20000):
        text = "".join(draw.choice("001123999 -\nx,") for _ in range(draw.randrange(40)))
        assert _without_phones(text) == one_pattern.sub(" ", text), text


def test_case_stage_tried_where_its_starts_are_is_the_latest_stage_a_search_finds() -> None:
    words = ["raided", "Warrants", "arreſted", "charged", "appeared in court", "APPEARS BEFORE magistrates", "guilty",
             "admits", "jailed", "locked up", "years in prison", "detained for life", "appeal dismissed", "lost his appeal",
             "WINS an appeal", "İ", "the", "by", ".", "\n", "court", "appeal", "in", "x"]
    draw = random.Random(25)
    for _ in range(3000):
        text = " ".join(draw.choice(words) for _ in range(draw.randrange(8)))
        searched = [stage for stage, pattern in CASE_STAGES if pattern.search(text)]
        assert case_stage(text) == (searched[-1] if searched else None), text


def test_lookup_facts_are_the_most_telling_sorted_by_how_telling_then_by_text() -> None:
    def telling(fact: str) -> tuple[int, str]:
        if fact.startswith("w:"):
            return (0 if " " in fact else 2), fact
        number = fact[2:].split(".")[0]
        return (1 if len(number) >= 3 and not re.match(r"^(?:19[5-9]\d|20[0-4]\d)$", number) else 3), fact

    pool = ["w:luton", "w:bury park", "w:operation tern", "w:kent", "n:2024", "n:1949", "n:440", "n:12", "n:1,300",
            "n:3.5", "n:1234.5", "n:999", "c:charged", "c:sentenced", "w:a b c", "n:2050"]
    draw = random.Random(69)
    for _ in range(2000):
        facts = frozenset(draw.sample(pool, draw.randrange(len(pool) + 1)))
        expected = sorted((fact for fact in facts if not fact.startswith("c:")), key=telling)[:LOOKUP_FACTS]
        assert NearDuplicates.lookup_facts(facts) == expected, facts


@pytest.mark.parametrize("text", [
    "Officers said: “We seized £4,500 – and 12 knives…”",
    "Ronan’s Law — ‘a start’ • 40° heat\u00a0costs €3",
    "The café’s owner – Zoë – said “no”",  # word characters outside ASCII too: the slow path
    "ÉMILE’S STRASSE, STRAßE and ﬁve",  # letters whose case-folded form differs
    "“”‘’", "",
])
def test_words_fast_path_is_the_definition(text: str) -> None:
    import re

    from digest.shingles import word_bytes

    normalised_words = re.findall(r"\w+", text.casefold())  # the definition: \w runs of the case-folded text
    assert word_bytes(text) == [word.encode("utf-8") for word in normalised_words]


@pytest.mark.parametrize("strings", [[], ["knife crime"], ["ronan’s law", 'a "quoted" term', "back\\slash", "tab\there", "\x00\x1f", "😀"]])
def test_json_strings_is_json_dumps(strings: list[str]) -> None:
    import json

    from digest.store.items import json_strings

    assert json_strings(strings) == json.dumps(strings)


@pytest.mark.parametrize("text", [
    "Forces across the country joined in.", "FORCES ACROSS THE COUNTRY", "It ran in England and Wales.",
    "in england and walesx", "all 43 police forces", "all 43 forces took part", "all of the forces", "every force",
    "Every police force in ſcotland", "a nationwide push", "nationally, 40 arrests", "international week",
    "a national week of action", "the national campaign", "no such words here", "", "İn England and Wales",
])
def test_national_tried_where_it_can_begin_is_a_search(text: str) -> None:
    assert gazetteer._national(text) is bool(gazetteer._NATIONAL.search(text))
