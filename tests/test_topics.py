"""Topic tagging with the shipped taxonomy: a story is tagged with a topic it is substantially about,
not with every topic it names in passing. Every text here is written for these tests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from digest.classify import Classifier
from digest.models import Classification, Extracted
from digest.terms import TermIndex
from digest.topics import Taxonomy

SOURCE = SimpleNamespace(area=None, org=None, org_kind=None)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(Taxonomy(), 0.5, {"test": SOURCE})


def judge(classifier: Classifier, title: str, *paragraphs: str) -> Classification:
    return classifier.classify(Extracted(title=title, body="\n\n".join(paragraphs), summary=""), "test")


def topics(classification: Classification) -> set[str]:
    return {match.topic for match in classification.topics}


def terms(classification: Classification, topic: str) -> list[str]:
    return next(match.terms for match in classification.topics if match.topic == topic)


# --- funding: a grant stated in the text -------------------------------------------------------

def test_a_grant_stated_once_makes_a_funding_story(classifier):
    result = judge(
        classifier, "Youth workers for Hastings parks this summer",
        "The Police and Crime Commissioner has agreed £240,000 so that youth workers can spend summer evenings "
        "in three Hastings parks where teenagers have been caught up in knife crime.",
        "The workers will talk to young people, offer mentoring and point them to clubs nearby.")
    assert "funding" in topics(result)
    assert "£240,000" in terms(result, "funding")


def test_the_street_value_of_drugs_is_no_funding(classifier):
    result = judge(
        classifier, "Crack cocaine and a machete found in Hastings flat",
        "Officers found crack cocaine with an estimated street value of £30,000 and a machete when they searched "
        "a flat in Hastings on Tuesday. A 24-year-old man has been charged with possession with intent to supply.")
    assert "funding" not in topics(result)


def test_a_small_sum_is_no_funding(classifier):
    result = judge(
        classifier, "Man stabbed over unpaid debt",
        "A man was stabbed in the arm in Hove after an argument over £200 he was said to owe. He was treated in "
        "hospital. Anyone who saw the attack in Church Road is asked to contact police.")
    assert "funding" not in topics(result)


# --- homicide: GBH with intent, attempted murder -----------------------------------------------

def test_an_arrest_for_wounding_with_intent_is_a_homicide_story(classifier):
    result = judge(
        classifier, "Teenager stabbed near Crawley leisure centre",
        "A 17-year-old was taken to hospital with a stab wound to his back after being attacked near the leisure "
        "centre in Crawley on Sunday evening.",
        "An 18-year-old man was later arrested on suspicion of wounding with intent and remains in custody.")
    assert {"knife_crime", "homicide"} <= topics(result)


def test_a_killing_years_ago_does_not_make_a_homicide_story(classifier):
    result = judge(
        classifier, "Knife crime talks reach every Year 9 pupil in Swale",
        "Every Year 9 pupil in Swale will hear a talk on the risks of carrying a knife this spring, led by youth "
        "workers and a mother whose son was stabbed to death in 2014.",
        "The sessions include a short film and a workshop on how to help a friend who carries a blade.")
    assert "homicide" not in topics(result)
    assert {"knife_crime", "prevention"} <= topics(result)


# --- enforcement: an operation, not a passing arrest --------------------------------------------

def test_an_arrest_and_reassurance_patrols_in_passing_are_no_enforcement_story(classifier):
    result = judge(
        classifier, "Witness appeal after man stabbed in Luton",
        "Police are appealing for witnesses after a man was stabbed in the leg in Luton town centre late on Friday.",
        "A 30-year-old man was arrested nearby and has been released on bail while enquiries continue.",
        "People will see extra patrols in the area over the weekend.")
    assert "knife_crime" in topics(result)
    assert "enforcement" not in topics(result)


def test_arrests_in_the_headline_make_an_enforcement_story(classifier):
    result = judge(
        classifier, "Two teenagers arrested after boy stabbed in Dover",
        "Two teenagers have been arrested after a 15-year-old boy was stabbed in Dover on Wednesday afternoon.")
    assert "enforcement" in topics(result)


def test_a_week_of_action_is_an_enforcement_story(classifier):
    result = judge(
        classifier, "Knife crime week of action in Kent",
        "Officers carried out weapon sweeps in parks, used a knife arch at Canterbury bus station and made "
        "nine arrests during a week of action against knife crime.")
    assert "enforcement" in topics(result)


# --- gangs -------------------------------------------------------------------------------------

def test_a_paramilitary_style_shooting_is_about_firearms_and_gangs(classifier):
    result = judge(
        classifier, "Man shot in both legs in Strabane",
        "Police are appealing for information after a man in his twenties was shot in both legs in what they "
        "describe as a paramilitary-style attack in Strabane on Tuesday night.",
        "A detective said those behind the shooting wanted to control the estate through fear.")
    assert result.relevant
    assert {"firearms", "gangs"} <= topics(result)


def test_a_kneecapping_described_without_a_word_for_shooting_is_about_firearms(classifier):
    result = judge(
        classifier, "Teenager kneecapped in Derry alleyway",
        "A 19-year-old man was shot in the knees in an alleyway in Derry on Sunday night. Police said he had been "
        "ordered to attend the alleyway by the gang that attacked him.")
    assert "firearms" in topics(result)


def test_a_blade_is_a_knife(classifier):
    result = judge(
        classifier, "Teenager slashed with his own blade in row with driver",
        "A 16-year-old was taken to hospital with a deep cut to his hand after a row with a driver in a quiet close "
        "on Tuesday evening. A man in his 50s was arrested.")
    assert "knife_crime" in topics(result) and "blade" in terms(result, "knife_crime") and result.relevant


def test_a_county_line_named_blade_is_no_knife(classifier):
    result = judge(
        classifier, "Brothers jailed for running 'Blade' drugs line",
        "Two brothers ran a deal line known as the Blade line, which sent crack cocaine and heroin from the city "
        "into market towns. Both admitted conspiracy to supply class A drugs.")
    assert "county_lines" in topics(result) and "knife_crime" not in topics(result)
    found = judge(classifier, "Man jailed for carrying a knife", "He was stopped near the railway line with a blade in his "
                  "waistband and admitted possession of a bladed article.")
    assert "blade" in terms(found, "knife_crime")  # a blade before no line's name is still a blade


def test_a_shot_in_the_arm_for_a_town_is_no_shooting(classifier):
    result = judge(
        classifier, "New market a shot in the arm for Wessex town centre",
        "Traders said the new Saturday market had been a shot in the arm for the high street.")
    assert "firearms" not in topics(result) and not result.relevant


def test_an_organised_crime_group_named_as_the_offenders_is_a_gangs_story(classifier):
    result = judge(
        classifier, "Four jailed for flooding Grimsby with heroin",
        "Four men who ran an organised crime group supplying heroin and crack cocaine in Grimsby have been "
        "jailed at Hull Crown Court.")
    assert "gangs" in topics(result)


def test_gangs_in_general_are_no_gangs_story(classifier):
    result = judge(
        classifier, "Youth club opens late to keep teenagers safe",
        "A youth club in Thanet will open until 10pm on Fridays so that teenagers have a safe space away from the "
        "street, where gangs look for young people to run drugs.",
        "Youth workers and mentors will run sport and music sessions, paid for through the violence reduction unit.",
        "Gangs target children who are bored and alone, the club's manager said, and organisers hope to keep "
        "young people away from gangs and knife crime.")
    assert "gangs" not in topics(result)
    assert "prevention" in topics(result)


# --- street violence ---------------------------------------------------------------------------

def test_an_assault_said_in_passing_is_no_street_violence_story(classifier):
    result = judge(
        classifier, "Man stabbed in Sittingbourne flat",
        "A man was stabbed in a flat in Sittingbourne on Monday night. Officers were called to reports that a man "
        "had been assaulted and found him with a stab wound to his chest.",
        "Detectives believe it was a targeted attack and that the people involved know each other.")
    assert "street_violence" not in topics(result)


def test_hospital_figures_for_violence_related_injuries_make_a_relevant_story(classifier):
    result = judge(
        classifier, "Violence-related injuries seen in hospitals fall by 8%",
        "Emergency departments in the region saw 8 per cent fewer violence-related injuries last year, and "
        "assault-related admissions fell for a third year running, a university study has found.",
        "Young men were still the most likely to be hurt, and most were injured on Friday and Saturday nights. The "
        "study counted attendances at 30 emergency departments and minor injury units.")
    assert result.relevant and "street_violence" in topics(result)


def test_a_crack_house_closed_by_the_court_is_a_drug_supply_story(classifier):
    result = judge(
        classifier, "Court shuts Wessex crack house for three months",
        "Magistrates have ordered a flat described by neighbours as a crack den to be closed after months of "
        "visitors at all hours. Officers told the court a warrant had been executed there in the spring.")
    assert result.relevant and "county_lines" in topics(result)


def test_a_street_robbery_is_a_street_violence_story(classifier):
    result = judge(
        classifier, "Teenager robbed at knifepoint in Maidstone",
        "A 16-year-old was robbed of his phone at knifepoint in Maidstone on Saturday. Police are treating the "
        "robbery as linked to two others in the town this month.")
    assert {"knife_crime", "street_violence"} <= topics(result)


# --- court orders, prevention, names and policy ------------------------------------------------

def test_a_court_order_is_a_court_outcome(classifier):
    result = judge(
        classifier, "Closure order on Margate flat used by drug dealers",
        "A flat in Margate that dealers had taken over from its vulnerable tenant has been closed for three months "
        "after magistrates granted police a closure order. Officers found crack cocaine there twice in a month.")
    assert "court" in topics(result)


def test_young_people_reached_make_a_prevention_story(classifier):
    result = judge(
        classifier, "Knife crime charity reports its year",
        "A knife crime charity in Medway says it worked with 1,200 young people in the last year, mostly after "
        "referrals from schools.")
    assert "prevention" in topics(result)


def test_a_word_inside_a_units_name_is_not_that_topic(classifier):
    result = judge(
        classifier, "Man stabbed in Newport city centre",
        "A 25-year-old man was stabbed in Newport city centre on Saturday night and is in a stable condition.",
        "The Wales Violence Prevention Unit said it was working with the council on the area's night-time safety.",
        "Figures from the Violence Prevention Unit show that knife injuries in the city fell last year.",
        "The Violence Prevention Unit brings together police, health boards and councils.")
    assert "prevention" not in topics(result)


def test_people_safeguarded_make_an_exploitation_story(classifier):
    result = judge(
        classifier, "County lines week: 40 arrests",
        "Officers arrested 40 people and closed nine deal lines during the week.",
        "Some 63 vulnerable people - most of them teenagers - were engaged for safeguarding by officers.")
    assert "exploitation" in topics(result)
    assert any("63" in term for term in terms(result, "exploitation"))


def test_navigators_in_hospitals_are_prevention(classifier):
    result = judge(
        classifier, "Navigators to meet injured teenagers in Brighton A&E",
        "Young people treated for stab wounds in Brighton will be met by navigators who help them away from "
        "violence, under a new scheme run with the violence reduction unit.",
        "The navigators will stay in touch after the patients go home.")
    assert "prevention" in topics(result)


def test_the_home_office_named_in_a_funding_story_is_no_policy_story(classifier):
    result = judge(
        classifier, "£1.1 million to keep violence reduction work going in Essex",
        "The Essex violence reduction unit will receive £1.1 million from the Home Office next year.",
        "The Home Office grant pays for mentoring and youth workers in schools across the county.")
    assert "funding" in topics(result)
    assert "policy" not in topics(result)


# --- relevance is weighed as before ------------------------------------------------------------

def test_weak_terms_still_count_fully_for_relevance(classifier):
    result = judge(
        classifier, "Man assaulted in Dartford",
        "A man was assaulted outside a shop in Dartford on Sunday evening in what police believe was a targeted "
        "attack. The assault left him with a broken jaw.")
    assert result.relevant
    assert topics(result) == {"street_violence"}  # the strongest match stands in when none reaches the bar


def test_prevention_works_words_for_violence_make_a_relevant_story_but_tag_no_partnership_in_passing(classifier):
    result = judge(
        classifier, "More youth workers for city hospitals",
        "The violence reduction unit is to pay for six more youth workers in emergency departments, where they meet "
        "young people with injuries from violence and help them find a way out of violence.",
        "The workers have supported 900 young people affected by violence since the scheme began.")
    assert result.relevant
    passing = judge(
        classifier, "Man jailed for killing friend after night out",
        "A man who stabbed his friend after a night out has been jailed for 14 years for manslaughter.",
        "The judge said the victim's family had been left devastated. A charity that helps young people away from "
        "violence spoke at the hearing.")
    assert "partnership" not in topics(passing)
    titled = judge(
        classifier, "Summer fund opens to steer young people away from violence",
        "The commissioner has opened a £60,000 fund for youth clubs and sports groups running activities over the "
        "summer holidays.", "Groups can apply until the end of May for activities in school holidays.")
    assert titled.relevant and "partnership" not in topics(titled)  # a weak term in the title alone tags nothing


def test_an_axe_as_a_weapon_is_knife_crime_and_an_axe_to_services_is_not(classifier):
    result = judge(
        classifier, "Man jailed for carrying axe in town centre",
        "A man who admitted possessing an axe in a public place has been jailed for two years. He had threatened "
        "shoppers with an axe outside a bakery.")
    assert result.relevant and "knife_crime" in topics(result)
    cut = judge(classifier, "Council to axe youth bus service",
                "The council is to axe the evening bus that takes young people to the sports centre.")
    assert not cut.relevant


# --- the index and the taxonomy ----------------------------------------------------------------

def test_each_hit_says_which_term_matched_it_and_where():
    index = TermIndex({"knife_crime": ["knife*", "knife crime"], "enforcement": ["arrest*"]})
    text = "Two arrests after knife crime in Deal"
    found = index.find_terms(text)
    assert [(hit.phrase, hit.term) for hit in found["knife_crime"]] == [("knife crime", "knife crime")]
    arrest = found["enforcement"][0]
    assert (arrest.phrase, arrest.term, text[arrest.start:arrest.end]) == ("arrests", "arrest*", "arrests")
    assert index.find(text) == {"knife_crime": ["knife crime"], "enforcement": ["arrests"]}


def test_strong_and_weak_terms_are_terms_and_a_replacement_drops_them():
    taxonomy = Taxonomy()
    homicide = taxonomy.topics["homicide"]
    assert "wounding with intent" in homicide.terms and homicide.strength("wounding with intent") == "strong"
    assert taxonomy.topics["enforcement"].strength("arrest*") == "weak"
    assert homicide.strength("murder*") == "plain"
    change = SimpleNamespace(label=None, kind=None, terms=["wounding with intent"], replace=True)
    replaced = Taxonomy({"homicide": change}).topics["homicide"]
    assert replaced.terms == ["wounding with intent"] and replaced.strength("wounding with intent") == "plain"
