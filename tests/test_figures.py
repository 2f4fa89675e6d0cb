"""The figures partners quote, in the phrasings real releases use; and numbers that are not figures."""

from __future__ import annotations

import pytest

from digest.figures import extract_figures


def figures_list(text: str) -> list[tuple[str, float]]:
    return [(figure.kind, figure.value) for figure in extract_figures(text)]


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
    ("• £3.2m in dirty cash seized", {("cash_seized_gbp", 3200000)}),
    ("A total of £846,200 was also seized, along with £1.4 million worth of class A drugs.",
     {("cash_seized_gbp", 846200), ("drugs_seized_gbp", 1400000)}),
    ("The operation closed 14 deal lines across the county.", {("lines_closed", 14)}),
    ("Six county lines have been shut down since June.", {("lines_closed", 6)}),
    ("Officers safeguarded 23 vulnerable people during the week.", {("safeguarded", 23)}),
    ("Some 1,912 vulnerable people – most of them teenagers – were engaged for safeguarding.", {("safeguarded", 1912)}),
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
    ("Overall crime in the city was down four percent on last year.", {("percent_change", -4)}),
    ("Knife crime in the region is falling by 12.6% in a year.", {("percent_change", -12.6)}),
    ("Admissions for assault with a sharp object were decreasing by 6% over the period.", {("percent_change", -6)}),
    ("Robberies have been rising by 3% a year.", {("percent_change", 3)}),
    # a results week's phrasings
    ("Drugs with a street value of around £7,200 were found and 22 arrests made.",
     {("drugs_seized_gbp", 7200), ("arrests", 22)}),
    ("Class A drugs worth £7,200 and 22 arrests were the week's result.", {("drugs_seized_gbp", 7200), ("arrests", 22)}),
    ("31 vulnerable children and adults identified and safeguarded", {("safeguarded", 31)}),
    ("Officers put safeguarding plans in place for 48 vulnerable people.", {("safeguarded", 48)}),
    ("Some 1,204 vulnerable people were contacted by officers for safeguarding reasons.", {("safeguarded", 1204)}),
    ("Officers gave talks and workshops on the dangers of county lines to more than 5,000 children and young people.",
     {("people_reached", 5000)}),
    ("A total of 96 deal line phones were shut down.", {("lines_closed", 96)}),
    ('Officers found that 102 "deal line" devices, each linked to numbers sold to users, were shut down.',
     {("lines_closed", 102)}),
    ("Robberies rose by ten per cent in the summer.", {("percent_change", 10)}),
    ("The Home Office has made available £340 million for violence reduction.", {("funding_gbp", 340000000)}),
    ("I announced that the county is getting around £385,000 to support young people.", {("funding_gbp", 385000)}),
    ("The unit will receive £1.2 million a year for three years.", {("funding_gbp", 1200000)}),
    ("More than £12 million to tackle knife crime has been announced by the Home Secretary.", {("funding_gbp", 12000000)}),
    ("* £2.5 million for the three force areas where most knife crime happens;", {("funding_gbp", 2500000)}),
    ("During the week 440 weapons were taken off the streets, arresting 440 people.",
     {("weapons", 440), ("arrests", 440)}),
    ("In all, 305 were charged with offences linked to the network.", {("charged", 305)}),
    ("Members of the network were jailed for a total of more than 800 years.", {("sentence_years", 800)}),
    ("Smith was jailed for eight and a half years.", {("sentence_years", 8.5)}),
    ("Crossley was given four-and-a-half years' custody at a young offender institution.", {("sentence_years", 4.5)}),
    ("The judge handed him a seven-year sentence.", {("sentence_years", 7)}),
    ("She was given an extended sentence of 12 years, with eight in custody.", {("sentence_years", 12)}),
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
    "The precept makes up around forty per cent of the budget.", "Often ten percent of calls are hoaxes.",
    "He was given a two-year sentence, suspended for 18 months.", "The force launched a five-year strategy last year.",
    "The dealer was getting £2,000 a week from the line.", "Runners were given £50 a day to deliver drugs.",
    "Crimestoppers announced a reward of up to £10,000 for information.", "Police announced he had stolen £500.",
    "* £2,000 for the family was raised by neighbours.",
    "A 17-year-old was given a 12-month sentence.", "She got a sentence of two years, suspended for a year.",
    "Possession carries a maximum prison sentence of 14 years.", "She began a four-year term as commissioner.",
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


@pytest.mark.parametrize(("text", "expected"), [
    # numbers in words, hyphenated
    ("Thirty-two people were arrested during the week.", {("arrests", 32)}),
    ("Fifty-six knives were handed in at the front counter.", {("weapons", 56)}),
    # weapons: taken off the streets, found on a search, seized alongside other things, left in an amnesty bin
    ("Officers took 45 knives and other weapons off the streets.", {("weapons", 45)}),
    ("Officers searched the woods, recovering four knives.", {("weapons", 4)}),
    ("They seized phones, a laptop and two weapons, including a machete.", {("weapons", 2)}),
    ("Some 52 items were left in the surrender bin outside the station.", {("weapons", 52)}),
    ("Detectives found two pistols in the boot of the car.", {("weapons", 2)}),
    # people reached: talks and sessions, and those expected to take part
    ("Youth workers spoke to more than 1,500 pupils about knife crime.", {("people_reached", 1500)}),
    ("The team held workshops for 640 students across the county.", {("people_reached", 640)}),
    ("Around 4,200 pupils are expected to take part this spring.", {("people_reached", 4200)}),
    ("The charity has given knife crime talks to 700 young people.", {("people_reached", 700)}),
    # safeguarded: two groups named, or a relative clause
    ("Twelve vulnerable adults and children were safeguarded.", {("safeguarded", 12)}),
    ("They included nine children who were safeguarded after being found at the address.", {("safeguarded", 9)}),
    ("Officers safeguarded 433 vulnerable adults and 291 children during the week.", {("safeguarded", 724)}),
    ("In all, 97 vulnerable people were visited or safeguarded by officers.", {("safeguarded", 97)}),
    ("Some 1,388 vulnerable people were engaged for safeguarding purposes.", {("safeguarded", 1388)}),
    # results weeks: two groups arrested, a closure, a sum with a plus
    ("In all, 410 men and 72 women were arrested during the week.", {("arrests", 482)}),
    ("Our work led directly to the closure of four lines.", {("lines_closed", 4)}),
    ("Early totals show 96 arrests, £41,000+ in cash seized and 12 deal lines closed.",
     {("arrests", 96), ("cash_seized_gbp", 41000), ("lines_closed", 12)}),
    # arrests and charges in other words
    ("Two teenagers have been detained after the robbery.", {("arrests", 2)}),
    ("Four people – two men and two women – were arrested at the flat.", {("arrests", 4)}),
    ("Officers arrested 61 drink drivers over the holiday.", {("arrests", 61)}),
    ("Of those arrests, 230 were for carrying a weapon.", {("arrests", 230)}),
    # warrants: at addresses, or raids
    ("The inquiry ended with warrants at nine addresses in the city.", {("warrants", 9)}),
    ("Police raided 14 properties on Tuesday morning.", {("warrants", 14)}),
    # offences: admitted, carried out, recorded; counted by what was broken into; a count a change left
    ("He admitted 11 burglaries at homes in the town.", {("offences", 11)}),
    ("The group carried out 19 robberies over the summer.", {("offences", 19)}),
    ("Police recorded 25 serious assaults in the area.", {("offences", 25)}),
    ("Thieves stole catalytic converters from 48 cars.", {("offences", 48)}),
    ("Nine vans have been broken into in the village.", {("offences", 9)}),
    ("Knife-enabled offences fell by 8%, to 950.", {("offences", 950), ("percent_change", -8)}),
    # funding: shared, a priced scheme, one line of a list of awards
    ("Schools across the city will share £45,000.", {("funding_gbp", 45000)}),
    ("A £120,000 project will put mentors in schools.", {("funding_gbp", 120000)}),
    ("• Northfield Boxing Club – £7,500 for coached sessions on Friday nights", {("funding_gbp", 7500)}),
    ("Eastside Youth Trust: £4,000 towards a summer camp", {("funding_gbp", 4000)}),
    # a decision notice's list of bids approved: the sum alone after the name (a text about grants)
    ("The following bids were approved:\nRiverside Youth Trust – £12,500\nEvening sessions for young people.\n"
     "Northgate Mentors -£9,862.40\nTraining for volunteer mentors.", {("funding_gbp", 12500), ("funding_gbp", 9862)}),
    # a sum straight before the drugs it was worth, beside a sum of cash; no arrests counted from a result of them
    ("Raids saw £21,000 cash and £9,000 drugs seized in the town.", {("cash_seized_gbp", 21000), ("drugs_seized_gbp", 9000)}),
    ("As a result of the arrests, 14 people have now been charged.", {("charged", 14)}),
    # in Scotland a charge is a report to the procurator fiscal; one person's report is no count
    ("Twenty two men, three of them under 18, are to be reported to the Procurator Fiscal.", {("charged", 22)}),
    ("A woman, 41, has been arrested and a report will be sent to the procurator fiscal.", set()),
    ("Nineteen of those arrested are to be reported to the procurator fiscal.", {("charged", 19)}),
    ("Four of those held will be charged with affray, police said.", {("charged", 4)}),
    # safeguarded, with a relative clause between the people and the verb
    ("Officers said three children and 15 adults who were being exploited had been safeguarded.", {("safeguarded", 18)}),
    ("Six teenagers who had been reported missing were safeguarded.", {("safeguarded", 6)}),
    # given or handed to a body, and sums for projects or schemes in the plural
    ("The government has given £640,000 to the commissioner's office to run a new unit.", {("funding_gbp", 640000)}),
    ("About £95,000 is being handed to the town's youth partnership.", {("funding_gbp", 95000)}),
    ("The £300,000 for projects named today goes to existing schemes.", {("funding_gbp", 300000)}),
    # "worth of funding" is a sum given, though "worth" alone is a value
    ("The commissioner has handed out £650,000 worth of funding to eleven youth groups.", {("funding_gbp", 650000)}),
    ("Partners have agreed £1.2m worth of additional investment in the estate.", {("funding_gbp", 1200000)}),
    ("The funded patrols found heroin worth £3,000 in a car.", {("drugs_seized_gbp", 3000)}),
    # weapons officers took and those given up, one total
    ("Officers seized 412 knives and 2,306 were either surrendered or found in sweeps.", {("weapons", 2718)}),
    ("Teams recovered 58 blades while 140 were handed in at front counters.", {("weapons", 198)}),
    ("Officers seized 12 knives and 3 men were arrested.", {("weapons", 12), ("arrests", 3)}),
    # a further term after the first; county lines closed, as the networks that ran them
    ("Forty dealers were jailed for 210 years and nine runners received a further 18 years.",
     {("sentence_years", 210), ("sentence_years", 18)}),
    ("In all, 57 networks run from the city have been shut down since the spring.", {("lines_closed", 57)}),
    ("Six lines of enquiry have been closed.", set()),
    ("Some 45 pupils attended prison awareness sessions run by the charity.", {("people_reached", 45)}),
    ("He was sentenced to serve six years and six months in prison.", {("sentence_years", 6.5)}),
    ("The rise of 12 per cent was revealed by senior officers.", {("percent_change", 12)}),
    ("Officers arrested two men and seized more than £8,000 and a bag of cocaine.", {("arrests", 2), ("cash_seized_gbp", 8000)}),
    ("Twenty people were stopped and searched, resulting in seven arrests.", {("stop_searches", 20), ("arrests", 7)}),
    ("Eleven arrests and weapons seized in week of action", {("arrests", 11)}),
    # results lists' lines and their groups
    ("612 vulnerable adults and 288 children were safeguarded", {("safeguarded", 900)}),
    ("37 vulnerable people, including children, were engaged for safeguarding purposes.", {("safeguarded", 37)}),
    ("51 arrested, including eight under 18.", {("arrests", 51)}),
    ("Forces have arrested 1,204 criminals and closed 188 county lines.", {("arrests", 1204), ("lines_closed", 188)}),
    ("Thanks to the team we were able to take seven blades off the streets.", {("weapons", 7)}),
    # funding "worth" a sum is the sum given; drugs worth a sum are its street value
    ("Further funding worth £232,600 will place mentors in police custody.", {("funding_gbp", 232600)}),
    ("Cannabis worth £5,000 was seized from the flat.", {("drugs_seized_gbp", 5000)}),
    # a change's sign said again after its verb
    ("Serious violence offences have fallen -12.1% while robbery has seen a -6.1% decrease.",
     {("percent_change", -12.1), ("percent_change", -6.1)}),
    # the defendant named, with an age, between the verb and the term; a court's name and a later year are no term
    ("The judge sentenced Tom Reed, 19, to 12 years in jail for manslaughter.", {("sentence_years", 12)}),
    ("He was sentenced at Wessex Crown Court, 25 years after the attack.", set()),
    # a results week's totals: knives dropped into amnesty bins, a total said after the weapons
    ("A total of 312 knives were dropped into the amnesty bins at stations across Wessex.", {("weapons", 312)}),
    ("The week ended with the total number of recovered and seized weapons and knives reaching 655.", {("weapons", 655)}),
    ("The number of knives handed in was 40% higher than last year.", {("percent_change", 40)}),
    # two kinds of weapons after a sum with a decimal point, added; a minimum term said "serve at least"
    ("Officers seized drugs worth more than £1.2 million, along with 38 firearms and 310 bladed weapons.",
     {("drugs_seized_gbp", 1200000), ("weapons", 348)}),
    ("They recovered 12 knives and 3 guns during the week.", {("weapons", 15)}),
    ("He was jailed for life and told he must serve at least 24 years.", {("sentence_years", 24)}),
    # nominalised: the arrest, the dismantling, a referral to safeguarding
    ("The week saw the dismantling of 240 county lines and the arrest of 1,520 people.",
     {("lines_closed", 240), ("arrests", 1520)}),
    ("In all, 650 vulnerable people, among them 61 children, were referred by officers to safeguarding services.",
     {("safeguarded", 650)}),
    # young people reached, however it is put
    ("During the week 640 young people had face to face engagement with youth workers.", {("people_reached", 640)}),
    ("Thirty two young people from Harlow and Basildon took part in the residential.", {("people_reached", 32)}),
])
def test_figures_in_more_phrasings(text: str, expected: set[tuple[str, float]]) -> None:
    assert figures(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Hale was jailed for five and a half years, and his cousin, 24, for three years.",
     {("sentence_years", 5.5), ("sentence_years", 3)}),
    ("She received 9 years' imprisonment.", {("sentence_years", 9)}),
    ("He was given seven years and three months.", {("sentence_years", 7.25)}),
    ("Ross got six years.", {("sentence_years", 6)}),
    ("He was locked up for 12 years.", {("sentence_years", 12)}),
    ("The court sentenced her to four years and six months.", {("sentence_years", 4.5)}),
    # a list of those sentenced: years, then months after a comma
    ("· Jo Bell, 31, from Station Road, sentenced to seven years, six months", {("sentence_years", 7.5)}),
    ("He was jailed for two years, having dealt drugs for three years.", {("sentence_years", 2)}),
    ("He was jailed for 20 weeks and banned from driving for three years.", set()),
    ("The project has received three years of funding.", set()),
])
def test_prison_terms_in_more_phrasings(text: str, expected: set[tuple[str, float]]) -> None:
    assert {(kind, value) for kind, value in figures(text) if kind == "sentence_years"} == expected


def test_a_term_restated_in_the_detail_is_one_fact() -> None:
    text = ("A man was jailed for four and a half years today for a stabbing in Wessex.\n"
            "He was jailed for four and a half years for wounding and nine months for the knife, to run together.")
    assert [value for kind, value in figures_list(text) if kind == "sentence_years"] == [4.5]


def test_a_total_far_beyond_the_terms_given_is_a_figure() -> None:
    text = ("Dealers have been jailed for more than 600 years in total since the operation began. "
            "Its leader was jailed for 15 years.")
    assert figures(text) == {("sentence_years", 600), ("sentence_years", 15)}


@pytest.mark.parametrize("text", [
    "Grants of between £500 and £5,000 are available to local groups.",
    "Groups can bid for up to £2,500 each.",
    "Grants range from £1,000 to £8,000.",
    "Applications are open for grants of £250-£2,000.",
    "The precept would rise by £13 a year for a Band D home.",
    "Tickets are £10 for adults and £4 for children, available at the door.",
    "A man who owed the dealers £300 was threatened, and others received messages.",
    "Commissioner launches £50,000 fund for youth clubs – 14 June 2023",
    "A pensioner handed over £12,000 after a caller claimed to be a detective.",
    "One trader said: \"I've spent more than £3,000 replacing tools this year.\"",
    "This year I was able to provide funding of up to £5,000 to 41 worthwhile projects.",  # a cap on each of them
])
def test_sums_no_one_was_given_are_not_funding(text: str) -> None:
    assert not {kind for kind, _ in figures(text)} & {"funding_gbp"}


def test_a_sum_distributed_is_funding() -> None:
    assert figures("A total of £200,000 was distributed to successful applicants with the community foundation.") == {
        ("funding_gbp", 200000)}


@pytest.mark.parametrize("text", [
    "Officers spoke to 30 people who were in the street at the time.",
    "More than 2,000 people took part in the budget survey.",
    "Among the items recovered were three lock knives.",
    "A boy took two knives to school, the court heard.",
    "He was found guilty of carrying two knives in a park.",
    # an incident's people, not a project's
    "Three people attended hospital with cuts after the fight.",
    "Eleven people have received prison sentences for their part in the supply.",
    "Two women received treatment at the scene from paramedics.",
    "Two young people had cuts to their arms and legs.",
    "1 in 4 pupils in the county were reached by the programme.",  # a share, not a count
])
def test_counts_that_are_not_these_figures(text: str) -> None:
    assert not {kind for kind, _ in figures(text)} & {"people_reached", "weapons"}


def test_a_rounder_restatement_of_a_count_is_one_fact() -> None:
    assert figures("More than 1,200 people were arrested.\nIn all, officers made 1,236 arrests during the week.") == {
        ("arrests", 1236)}
    assert figures("Officers recovered 3,412 knives during the week.", "More than 3,400 knives recovered") == {
        ("weapons", 3412)}
    # said as a ceiling, the round number is up to a tenth above the count it restates
    assert figures("Almost 100 arrests were made across the region.\nIn the county, a total of 94 arrests were made.") == {
        ("arrests", 94)}
    assert figures("Nearly 100 arrests were made.\nOfficers made 85 arrests.") == {("arrests", 100), ("arrests", 85)}
    # a small count said as a floor: rounder still
    assert figures("MORE than 50 arrests were made across the county.\nFifty-seven people were arrested in all.") == {
        ("arrests", 57)}
    assert figures("More than 50 arrests were made.\nOfficers made 64 arrests.") == {("arrests", 50), ("arrests", 64)}


def test_a_rounder_restatement_of_a_sum_is_one_fact() -> None:
    text = ("Nearly £500,000 of cash has been seized from dealers this year.\n"
            "Officers have seized £483,250 in cash since January, the force said.")
    assert figures(text) == {("cash_seized_gbp", 483250)}
    headline = "£1.2m for youth workers"  # a headline's rounding of the sum the text gives
    assert figures("The commissioner has given £1,215,000 to fund youth workers.", headline) == {("funding_gbp", 1215000)}


def test_grants_written_out_in_full_beside_each_other_are_each_a_fact() -> None:
    text = ("Other groups to be given funding were:\n- Northgate Boxing Club, which was awarded £14,000 for coaching\n"
            "- Eastside Mentors, granted £13,560 for mentoring\n- Riverside Youth Trust, which received £14,240 for camps")
    assert figures(text) == {("funding_gbp", 14000), ("funding_gbp", 13560), ("funding_gbp", 14240)}


def test_a_headline_count_without_a_verb() -> None:
    assert figures("Both appeared before magistrates on Monday.", "Three men charged after town centre stabbing") == {
        ("charged", 3)}


@pytest.mark.parametrize(("text", "expected"), [
    ("Knives were handed in and 17 wanted people have been arrested for weapons offences.", 17),
    ("A total of 17 people who were wanted for weapons offences were arrested during the week.", 17),
    ("Two young men were arrested near the station.", 2),
])
def test_arrested_people_with_a_word_or_a_clause_before_the_verb(text: str, expected: int) -> None:
    assert ("arrests", expected) in figures(text)


@pytest.mark.parametrize("text", [
    "More than a hundred young people arrested for carrying a knife have been offered the scheme.",  # not the verb
    "Two young men were detained in hospital overnight.",  # treated, not held
    "Two more men have been arrested, bringing the total to six.",  # added to the total the story gives
])
def test_people_arrested_only_as_the_sentence_says_it(text: str) -> None:
    assert ("arrests", 100) not in figures(text) and ("arrests", 2) not in figures(text)


def test_a_results_list_of_labels_and_numbers() -> None:
    text = ("Knives recovered from surrender bins: 296\nStop and searches where a knife was found: 12\n"
            "Arrests for knife offences: 9\n• Warrants executed: 14")
    expected = [("weapons", 296), ("stop_searches", 12), ("arrests", 9), ("warrants", 14)]
    assert figures_list(text) == expected
    # the same run into one line, as an alert's table becomes: each number is its own label's, not the next one's
    run_together = "The week's results: " + " ".join(text.replace("• ", "").split("\n"))
    assert figures_list(run_together) == expected
    assert [figure.text for figure in extract_figures(run_together)][1:] == [
        "Stop and searches where a knife was found: 12", "Arrests for knife offences: 9", "Warrants executed: 14"]


@pytest.mark.parametrize("text", ["Officers arrived at 10:30 and spoke to staff.", "Crime reference: 20/617057/23",
                                  "Date: 12 March 2024", "Age: 16", "Call 101 or contact us on: 0800 555 111"])
def test_labels_with_numbers_that_count_nothing(text: str) -> None:
    assert figures(text) == set()


def test_dozens_is_no_number_stated() -> None:
    assert figures("Officers were out across the county all week.", "70 knives seized and dozens arrested in crackdown") == {
        ("weapons", 70)}
    assert figures("Dozens of people were arrested and a dozen knives were seized.") == {("weapons", 12)}


@pytest.mark.parametrize("text", [
    "A man aged 43 arrested on suspicion of assault has been released.",  # an age, and the end of one
    "Two men aged 19 and 22 were arrested on suspicion of possessing a bladed article.",
    "Six homes raided and five arrested in drugs crackdown - 12th Oct 2023",  # another story's link
])
def test_ages_and_other_stories_links_are_no_arrest_counts(text: str) -> None:
    assert "arrests" not in {kind for kind, _ in figures(text)}


@pytest.mark.parametrize(("text", "expected"), [
    ("Close to two thousand blades have been handed in at the front counters this year.", {("weapons", 2000)}),
    ("Officers arrested two hundred people in the week of action.", {("arrests", 200)}),
    ("Some twenty-five thousand pupils have heard the talk since it began.", {("people_reached", 25000)}),
])
def test_a_number_in_words_is_read_with_its_scale(text: str, expected: set[tuple[str, float]]) -> None:
    assert figures(text) == expected


@pytest.mark.parametrize("text", [
    "Nearly 4 million people were stopped and searched across the country in a decade.",
    "About 1.5 million knives are sold online each year, and 9 of them were found in the car.",
])
def test_a_number_scaled_by_a_word_is_never_read_short(text: str) -> None:
    assert not {value for _, value in figures(text)} & {1, 1.5, 4}


def test_a_running_total_is_a_figure_beside_the_count_it_adds() -> None:
    assert figures("In May 312 knives were dropped into the four bins, taking the total since the bins were put in "
                   "last year to 1,870 bladed or sharp articles.") == {("weapons", 312), ("weapons", 1870)}
    assert figures("Two more men were arrested on Friday, bringing the total number of people arrested to 11.") == {
        ("arrests", 11)}
    assert figures("Officers arrested 4 suspects, bringing the total arrested in the inquiry to 19.") == {
        ("arrests", 4), ("arrests", 19)}


def test_knives_left_in_surrender_bins_are_weapons_handed_in() -> None:
    assert figures("Last month 64 knives were dropped off in the bins outside the two stations.") == {("weapons", 64)}


def test_what_a_sculpture_is_made_of_is_no_count_of_weapons_taken() -> None:
    text = ("The 8-metre figure, created from over 90,000 blades handed in to police forces, arrives at the minster "
            "on Monday. During its last visit officers seized 14 knives in the town.")
    assert figures(text) == {("weapons", 14)}
    assert figures("A memorial made of 2,000 knives recovered by officers was unveiled.") == set()


def test_tip_offs_about_people_are_no_people_referred() -> None:
    assert figures("Border Force received more than 1,000 referrals about people trying to import weapons.") == set()
    assert figures("The hub took 45 referrals from schools in its first year.") == {("people_reached", 45)}


def test_a_financial_year_is_no_count() -> None:
    assert figures("Between 2022/23 and 2023/24 knife crimes rose by more than 20%.") == {("percent_change", 20)}


def test_a_round_floor_under_the_exact_count_is_one_fact() -> None:
    text = ("Over 2,000 suspects were arrested during the national week.\n"
            "Officers arrested 2,131 people, 604 of them for knife offences.")
    assert figures(text) == {("arrests", 2131)}
    apart = "Officers arrested 2,131 people this week.\nLast year 2,000 people were arrested in the same week."
    assert figures(apart) == {("arrests", 2131), ("arrests", 2000)}  # no floor: another year's count
