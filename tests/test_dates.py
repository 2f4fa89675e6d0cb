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
    # a content system's byline: who submitted it, then the weekday and the date day first
    ("Submitted by sanjay on Mon, 10/03/2025 - 09:41", date(2025, 3, 10)),
    ("Posted by Jo Bell on Tuesday, 3 June 2025", date(2025, 6, 3)),
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
    ("14/03/22", date(2022, 3, 14)),  # a small site's dateline, its year in two digits
    ("Release date 14/3/24", date(2024, 3, 14)),  # and so after a label
    ("Published: 2/11/23", date(2023, 11, 2)),
    ("The press release issued by Wessex Police on 4 March 2025.", date(2025, 3, 4)),  # a mirror's note
    ("3 November 2024 / Knife crime", date(2024, 11, 3)),  # the section after the date
    ("- Published16 April 2023", date(2023, 4, 16)),  # its label run into it
    ("Yahoo24-05-2025", date(2025, 5, 24)),  # an aggregator's source run into the date, day first with dashes
    ("Date:Friday, July 27,2012", date(2012, 7, 27)),
    ("Date of release: 14 March 2024", date(2024, 3, 14)),
]


@pytest.mark.parametrize(("line", "expected"), STATED)
def test_date_lines(line: str, expected: date | None) -> None:
    found = line_date(line)
    assert (found.value if found else None) == expected


@pytest.mark.parametrize("line", [
    "The attack happened on 3 May 2023", "He appeared at Luton Crown Court on 12 June 2024.",
    "Current timestamp: 2024-01-01 10:00", "90 days from today is 14 March 2025", "14 hours ago", "March 2023",
    "Date signed:", "24/7", "He was jailed on 3 November 2024 | Crime", "The report was published by the council on 3 May 2023 and found rising knife crime.", "Open 24/7/365", "Ref 14/3/24", "Case no. 114/3/24", "Scores 3/1/22 on the night", "Officers were called to Hightown Road at about 9pm on Saturday 3 May 2025 after reports of a fight",
])
def test_lines_that_state_no_publication_date(line: str) -> None:
    assert line_date(line) is None


def test_an_update_stamp_counts_only_alone() -> None:
    both = head_date(["Knife crime plan", "Published 2 May 2023", "Last updated 4 June 2023", "Text."])
    assert both.published == date(2023, 5, 2) and both.updated == date(2023, 6, 4) and both.lines == {1, 2}
    alone = head_date(["Guidance", "Updated 30 March 2023", "Text."])
    assert alone.published is None and alone.updated == date(2023, 3, 30)
    reviewed = head_date(["Knife crime plan", "Published 2 May 2023", "Page last reviewed: 4 June 2023", "Text."])
    assert reviewed.published == date(2023, 5, 2) and reviewed.updated == date(2023, 6, 4)


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


def test_a_line_with_an_update_first_gives_the_publication_date() -> None:
    found = line_date("Updated 9 October 2024 | Published 1 October 2024")
    assert found is not None and found.value == date(2024, 10, 1) and not found.updated
    only_update = line_date("Last revised: 9 October 2024")
    assert only_update is not None and only_update.updated


@pytest.mark.parametrize(("value", "expected"), [
    ("10/23/2024", date(2024, 10, 23)),  # a month of 23 cannot be: a US date
    ("05/06/2024", date(2024, 6, 5)),  # either way round: read as a UK date
])
def test_numeric_dates_read_day_first_unless_only_month_first_can_be(value: str, expected: date) -> None:
    assert parse_date(value) == expected


def test_dates_after_the_text_has_begun_are_not_the_pages() -> None:
    lines = [
        "Neighbours were woken by shouting in Castle Street shortly after midnight, one of them told us.",
        "Officers arrested two men at the scene and a third was detained later in the morning.",
        "See also",
        "Community meeting planned after Castle Street disorder",
        "6 August 2024",
    ]
    found = head_date(lines)
    assert found.published is None and found.updated is None and not found.lines


def test_a_labelled_date_after_the_text_still_counts() -> None:
    lines = [
        "Volunteers collected more than forty bags of litter from the riverside path on Sunday.",
        "The group meets on the first weekend of every month and new members are welcome.",
        "Posted on 8 September 2024",
    ]
    assert head_date(lines).published == date(2024, 9, 8)


def test_a_list_of_stories_states_no_date_for_the_page() -> None:
    lines = [
        "Ferry Lane Residents Association",
        "Latest from the association",
        "Street party raises money for the play area",
        "19 May 2025",
        "New benches installed along the towpath",
        "2 May 2025",
    ]
    assert head_date(lines).published is None


def test_a_sidebar_list_before_the_headline_leaves_the_pages_own_date() -> None:
    lines = [
        "Top stories",
        "Council approves new cycle lanes for the ring road",
        "11 March 2025",
        "Teenager injured in Moss Side stabbing",
        "By Hannah Ilori | 13 March 2025",
        "A 16-year-old boy was taken to hospital with stab wounds after an attack on Thursday evening, police said.",
    ]
    found = head_date(lines)
    assert found.published == date(2025, 3, 13) and found.lines == {4}


def test_a_headline_and_its_date_at_the_end_is_no_signature() -> None:
    lines = [
        "Anyone with information should call 101, quoting log 482.",
        "Other news",
        "Flooded underpass closed until the weekend - Nov 4, 2024",
        "Market traders back late-night opening - Nov 3, 2024",
    ]
    assert signature_date(lines) is None
    assert signature_date(["We thank everyone who took part.", "Roads reopen after resurfacing work",
                           "14 February 2025"]) is None


def test_signatures_by_names_and_roles() -> None:
    assert signature_date(["Thank you for reading.", "Amira Costa, chief executive, 2 June 2024"]) == (date(2024, 6, 2), 1)
    assert signature_date(["Thank you for reading.", "Amira Costa", "2 June 2024"]) == (date(2024, 6, 2), 2)
    assert signature_date(["Thank you for reading this update from the team.", "2 June 2024"]) == (date(2024, 6, 2), 1)


def test_a_continued_page_with_related_stories_gets_no_date() -> None:
    got = extract_text(
        "Witnesses described seeing the driver leave the car and run towards the canal before officers arrived.\n\n"
        "The court was told the van had been reported stolen from a driveway in Ashton two days earlier.\n\n"
        "A spokesperson for the force said enquiries into the wider group were continuing.\n\n"
        "More from our reporters\n"
        "Warehouse fire brought under control overnight\n"
        "21 January 2025\n"
        "School crossing patrol honoured after thirty years\n"
        "17 January 2025\n"
    )
    assert got.published is None


def test_a_date_over_the_weather_is_the_day_the_page_was_fetched() -> None:
    page = extract_text("Friday 9 May 2025\n14.2 C\n\nTeenager arrested after knife found near school\n\n"
                        "A 16-year-old boy was arrested after officers found a kitchen knife in a bag near a school gate "
                        "in Wessex on Tuesday.\n\nHe has been released on bail while enquiries continue.\n")
    assert page.published is None and page.title == "Teenager arrested after knife found near school"
    assert "14.2 C" not in page.body


def test_a_related_links_date_with_its_label_run_in_after_the_text_is_not_the_pages() -> None:
    page = extract_text("Funding for youth projects\n- Published\nA fund for youth projects opened today in Wessex, the "
                        "commissioner said.\nGroups can bid for money to run sessions in the summer holidays.\n"
                        "Related topics\n- Published16 April 2023\n")
    assert page.published is None


def test_a_labelled_date_with_its_time_first_counts_after_the_text_too() -> None:
    page = extract_text("Boy hurt in park stabbing\nA boy of 15 was found with a stab wound on a bench in a park in Wessex "
                        "late on Tuesday, police said.\nOfficers are appealing for anyone who saw the attack to come "
                        "forward and speak to them.\nPUBLISHED: 13:14 20 February 2019\n")
    assert page.published == date(2019, 2, 20)
