"""The figures partners quote, in the phrasings real releases use; and numbers that are not figures."""

from __future__ import annotations

import pytest

from digest.figures import extract_figures


def figures(text: str, title: str = "") -> set[tuple[str, float]]:
    return {(figure.kind, figure.value) for figure in extract_figures(text, title)}


@pytest.mark.parametrize(("text", "expected"), [
    ("Officers carried out 1,204 stop and searches during the operation.", {("stop_searches", 1204)}),
    ("Patrols stopped and searched 85 people in the town centre.", {("stop_searches", 85)}),
    ("Officers seized drugs with a street value of £45,000 from the flat.", {("drugs_seized_gbp", 45000)}),
    ("They found cannabis worth an estimated £20,000 in the loft.", {("drugs_seized_gbp", 20000)}),
    ("Detectives recovered £1.2m worth of cocaine at the port.", {("drugs_seized_gbp", 1200000)}),
    ("Officers seized £12,500 in cash and two phones.", {("cash_seized_gbp", 12500)}),
    ("Cash totalling £8,000 was found under a bed.", {("cash_seized_gbp", 8000)}),
    ("The operation closed 14 deal lines across the county.", {("lines_closed", 14)}),
    ("Six county lines have been shut down since June.", {("lines_closed", 6)}),
    ("Officers safeguarded 23 vulnerable people during the week.", {("safeguarded", 23)}),
    ("Four children were safeguarded and referred for support.", {("safeguarded", 4)}),
    ("The programme has worked with more than 1,200 young people since 2021.", {("people_reached", 1200)}),
    ("More than 2,000 pupils across the town have heard from the team.", {("people_reached", 2000)}),
    ("The service received 310 referrals last year.", {("people_reached", 310)}),
    ("Police recorded 340 knife crime offences in the year.", {("offences", 340)}),
    ("He admitted three counts of robbery.", {("offences", 3)}),
    ("Knife crime fell by 36 per cent in the three months.", {("percent_change", -36)}),
    ("Robberies were down 12% on last year.", {("percent_change", -12)}),
    ("There was a 14 per cent increase in reports.", {("percent_change", 14)}),
    ("The force saw a reduction of 20% in stabbings.", {("percent_change", -20)}),
    ("The Home Office has made available £340 million for violence reduction.", {("funding_gbp", 340000000)}),
    ("During the week 440 weapons were taken off the streets, arresting 440 people.",
     {("weapons", 440), ("arrests", 440)}),
    ("In all, 305 were charged with offences linked to the network.", {("charged", 305)}),
    ("Members of the network were jailed for a total of more than 800 years.", {("sentence_years", 800)}),
    ("Smith was jailed for eight and a half years.", {("sentence_years", 8.5)}),
])
def test_figures_partners_quote(text: str, expected: set[tuple[str, float]]) -> None:
    assert figures(text) == expected


@pytest.mark.parametrize("text", [
    "He was jailed for 18 months.",
    "She was sentenced to two years, suspended for 18 months.",
    "Possession of a knife carries a maximum sentence of up to four years.",
    "Around one in five knife offences involves a suspect under 18.",
    "Officers arrested nine people for offences including affray.",
    "The precept makes up around 40 per cent of the budget.",
    "The charity clay shoot raised more than £2,500 for the benevolent fund.",
    "The gang made $40,000 from the scheme.",
])
def test_numbers_that_are_not_these_figures(text: str) -> None:
    found = figures(text)
    assert not {kind for kind, _ in found} & {"sentence_years", "offences", "percent_change", "funding_gbp"}


def test_a_total_of_terms_also_given_one_by_one_is_not_another_figure() -> None:
    text = ("Three men were jailed for a combined 31 years. Allen was jailed for 14 years, Brook was jailed for 10 years "
            "and Carr was sentenced to seven years.")
    assert figures(text) == {("sentence_years", 14), ("sentence_years", 10), ("sentence_years", 7)}


def test_a_restated_figure_is_one_fact() -> None:
    text = "Officers seized £12,500 in cash.\nThe £12,500 in cash will be forfeited, police said."
    assert [f.kind for f in extract_figures(text)] == ["cash_seized_gbp"]
