"""Publication dates in the forms real pages state them, and dates that are not publication dates."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from digest.dates import LONDON, head_date, line_date, opening_date, parse_date, signature_date
from digest.extract import extract_text

STATED = [
    ("Date published: 08 September 2023 12:24", datetime(2023, 9, 8, 12, 24, tzinfo=LONDON)),
    ("Published 28 May 2021", date(2021, 5, 28)),
    ("Published: 21 May 2019", date(2019, 5, 21)),
    ("Posted on 3rd March 2024", date(2024, 3, 3)),
    ("Dated: 3 February 2022", date(2022, 2, 3)),
    ("By Priya Lal - 30 November 2021", date(2021, 11, 30)),
    ("Author: Tom ShawPublished 25th Nov 2024", date(2024, 11, 25)),
    ("Tuesday, 13th August 2019, 10:49 am", datetime(2019, 8, 13, 10, 49, tzinfo=LONDON)),
    ("25 March 2019, 11:05 | Updated: 25 March 2019, 11:07", datetime(2019, 3, 25, 11, 5, tzinfo=LONDON)),
    ("Crime / Mon 31st May 2021 at 03:24pm", datetime(2021, 5, 31, 15, 24, tzinfo=LONDON)),
    ("24.11.2025", date(2025, 11, 24)),
    ("04 Jul 2025", date(2025, 7, 4)),
    ("Sep 25, 2024", date(2024, 9, 25)),
    ("October 5, 2023", date(2023, 10, 5)),
    ("Alert message sent 30/11/2021 12:06:00", datetime(2021, 11, 30, 12, 6, tzinfo=LONDON)),
    ("8 May 2019)", date(2019, 5, 8)),
    ("08:17 03/11/2021", datetime(2021, 11, 3, 8, 17, tzinfo=LONDON)),
    ("Kamis, 04 Januari 2024", date(2024, 1, 4)),
    ("Dydd Mawrth 12 Mawrth 2024", date(2024, 3, 12)),  # a Welsh date: the weekday read as its label
]


@pytest.mark.parametrize(("line", "expected"), STATED)
def test_date_lines(line: str, expected: date | None) -> None:
    found = line_date(line)
    assert (found.value if found else None) == expected


@pytest.mark.parametrize("line", [
    "The attack happened on 3 May 2023", "He appeared at Luton Crown Court on 12 June 2024.",
    "Current timestamp: 2024-01-01 10:00", "90 days from today is 14 March 2025", "14 hours ago", "March 2023",
    "Date signed:", "Officers were called to Hightown Road at about 9pm on Saturday 3 May 2025 after reports of a fight",
])
def test_lines_that_state_no_publication_date(line: str) -> None:
    assert line_date(line) is None


def test_an_update_stamp_counts_only_alone() -> None:
    both = head_date(["Knife crime plan", "Published 2 May 2023", "Last updated 4 June 2023", "Text."])
    assert both.published == date(2023, 5, 2) and both.updated == date(2023, 6, 4) and both.lines == {1, 2}
    alone = head_date(["Guidance", "Updated 30 March 2023", "Text."])
    assert alone.published is None and alone.updated == date(2023, 3, 30)


def test_created_on_with_the_date_on_the_next_line() -> None:
    found = head_date(["Office of the Police and Crime Commissioner logo", "Created on", "14 March 2023", "Headline"])
    assert found.published == date(2023, 3, 14) and found.lines == {1, 2}


def test_today_in_the_opening_needs_a_year() -> None:
    assert opening_date("The commissioner today (15 July 2022) opened bids for the fund.") == date(2022, 7, 15)
    assert opening_date("The commissioner today (Monday 12 August) opened bids for the fund.") is None


def test_a_dated_signature_at_the_end() -> None:
    lines = ["We will keep working with partners.", "Ruth Ogunleye", "Police and Crime Commissioner, 14 March 2023"]
    assert signature_date(lines) == (date(2023, 3, 14), 2)
    assert signature_date(["The trial was set for 14 March 2023."]) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("Tuesday, 13th August 2019", date(2019, 8, 13)), ("1st of May 2024", date(2024, 5, 1)),
    ("29 February 2023", None), ("2024-13-01", None), ("12 Smarch 2024", None),
])
def test_parse_date(value: str, expected: date | None) -> None:
    assert parse_date(value) == expected


PAGE = """Wearside Evening Star
Serving Sunderland since 1876
Home / News / Crime
Teenager charged after Hendon stabbing
By Jane Moss - 30 November 2021
Updated 1 December 2021
A 17-year-old boy has been charged after a man was stabbed in Hendon on Saturday 27 November.
The victim, 31, remains in hospital in a stable condition, Northumbria Police said.
"""


def test_a_newspaper_page_gives_its_headline_and_byline_date() -> None:
    got = extract_text(PAGE)
    assert got.title == "Teenager charged after Hendon stabbing"
    assert got.published == date(2021, 11, 30)
    assert got.body.startswith("A 17-year-old boy has been charged")
    assert "Jane Moss" not in got.body and "Wearside" not in got.body and "Updated" not in got.body


def test_the_page_byline_wins_over_a_store_line() -> None:
    got = extract_text(" date 2024-02-03 Man jailed for Bedford machete attack\nBy Sam Roe - 1 February 2024\n"
                       "A man who attacked a neighbour with a machete in Bedford has been jailed for nine years.\n")
    assert got.published == date(2024, 2, 1)


def test_a_store_line_with_a_month_only_states_no_date() -> None:
    got = extract_text(" date 2022-07 Police step up patrols in Corby after stabbings\n"
                       "Extra officers will patrol Corby town centre this weekend after two stabbings.\n")
    assert got.published is None and got.title == "Police step up patrols in Corby after stabbings"


def test_court_dates_in_the_text_are_not_publication_dates() -> None:
    got = extract_text("Man jailed for Dunstable stabbing\nA man was jailed at Luton Crown Court on 12 June 2024.\n"
                       "He stabbed a man in Dunstable on 3 May 2023, the court heard.\n")
    assert got.published is None
