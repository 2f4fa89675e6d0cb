"""The area a story is about: none for national, shared or foreign stories; the publisher's own
name as evidence; a street named after a city is not the city."""

from __future__ import annotations

from digest.gazetteer import Gazetteer

GAZETTEER = Gazetteer()


def _area(title: str, body: str, publisher: str | None = None) -> str | None:
    return GAZETTEER.detect(title, body, publisher=publisher)[0]


def test_a_national_campaign_naming_one_force_in_passing_has_no_area() -> None:
    body = ("Forces across England and Wales took part in the national week of action against knife crime, "
            "sweeping parks and testing shops. British Transport Police officers searched trains at busy hubs. "
            "More than 8,000 knives were taken off the streets nationally.")
    assert _area("Thousands of knives taken off the streets in national week", body) is None


def test_a_national_results_story_listing_the_railways_force_twice_has_no_area() -> None:
    body = ("Every force in England and Wales, as well as the British Transport Police, joined the week.\n\n"
            "The week, run by all 43 forces and the British Transport Police, ended with 1,204 arrests and "
            "more than 6,000 knives off the streets.")
    assert _area("National knife week ends with 1,204 arrests", body) is None


def test_national_statistics_compared_across_areas_have_no_area() -> None:
    body = ("Offences involving a knife recorded by police in England and Wales rose by 6% last year, official "
            "figures show.\n\nAbout a third were recorded in London, where they rose by 4%. West Midlands Police "
            "recorded a rise of 11%, while West Yorkshire saw a fall of 7%. London also saw more homicides, and "
            "the Metropolitan Police said London's figures reflected its size.")
    assert _area("Knife offences at record high in England and Wales", body) is None


def test_a_forces_operation_joined_by_some_others_keeps_its_area() -> None:
    body = ("The Metropolitan Police has closed 90 county lines run from London in a year. Joint operations were "
            "run with 20 other forces, from Scotland to Devon and Cornwall. A senior officer in London said all 20 "
            "forces working together had made the difference.")
    assert _area("Met closes 90 county lines run from London", body) == "London"


def test_a_story_about_the_railways_force_keeps_it_as_its_area() -> None:
    body = ("British Transport Police are appealing for witnesses after a man was stabbed on a train. "
            "British Transport Police officers arrested a 19-year-old at the next station.")
    assert _area("Man stabbed on train", body) == "British Transport Police"


def test_a_local_story_about_a_national_campaign_keeps_its_area() -> None:
    body = ("Leicestershire Police joined forces across England and Wales for the national week of action. "
            "Officers in Loughborough and Hinckley seized 31 knives, and Leicestershire Police said it would "
            "keep the surrender bins at Loughborough station open.")
    assert _area("Knife week: 31 blades seized", body) == "Leicestershire"


def test_a_story_spread_evenly_over_several_forces_has_no_area() -> None:
    body = ("Officers from Derbyshire Constabulary, Leicestershire Police and Nottinghamshire Police carried out "
            "warrants at the same time as part of a regional investigation into the supply of guns.")
    assert _area("Regional raids target supply of guns", body) is None


def test_a_london_abroad_is_not_the_capital() -> None:
    body = ("A 30-year-old London man was charged after a stabbing downtown at about 11:20 p.m. on Thursday. "
            "Officers in a police cruiser found the victim near the park. Anyone with information can call "
            "London police or Crime Stoppers.")
    assert _area("Man charged after stabbing near park in London", body) is None


def test_a_street_named_after_a_city_is_not_that_city() -> None:
    body = ("A man was stabbed in Manchester Road, Swindon, on Friday night. Wiltshire Police are appealing "
            "for witnesses.")
    assert _area("Man stabbed in Manchester Road", body) == "Wiltshire"


def test_the_publishers_own_name_places_a_story_that_names_no_place() -> None:
    body = "Residents told us which issues matter most, and the neighbourhood team will review them in July."
    assert _area("Neighbourhood priorities for the spring", body) is None
    assert _area("Neighbourhood priorities for the spring", body, publisher="Stevenage Borough Council") == \
        "Hertfordshire"


def test_places_of_real_pages_are_known() -> None:
    assert _area("Man shot in legs in Creggan", "Police in Derry are investigating.") == "Northern Ireland"
    assert _area("Fete in Wickham Market", "Pupils raised money for their school.") == "Suffolk"
    assert _area("Lifeboat night at Llanon", "The village hall was full on Saturday.") == "Dyfed-Powys"
    assert _area("Boy stabbed in New Ferry", "Officers were called to a street near the shops.") == "Merseyside"
    assert _area("Teenager stabbed in Wem", "He was taken to hospital and has since gone home.") == "West Mercia"
    assert _area("Man charged after Pitsea stabbing", "He will appear before magistrates.") == "Essex"
    assert _area("Two arrested in Ardoyne", "Officers searched two houses.") == "Northern Ireland"
    assert _area("Knife possession arrests double", "Officers in West Lothian made 40 arrests this year.") == "Scotland"
    assert _area("Weapons found in park", "A search in Pollok and Ruchill turned up two blades.") == "Scotland"
    assert _area("Blades handed in across Tayside", "Bins at police stations took 400 knives.") == "Scotland"


def test_a_place_that_is_also_a_word_or_a_surname_needs_another_mention_of_its_area() -> None:
    assert _area("Cyclist hurt as Settle traffic backs up", "Drivers were asked to be patient.") is None
    assert _area("Marple jailed for attack", "Marple, 24, admitted wounding when he appeared in court.") is None
    assert _area("Man jailed for Marple attack", "The attack in Marple left a man hurt, Stockport officers said.") \
        == "Greater Manchester"


def test_a_roundup_naming_many_forces_none_leading_has_no_area() -> None:
    body = ("Twenty projects will share the national youth fund. Projects were chosen in Kent, Essex, Cumbria, "
            "Gwent, Dorset, Wiltshire, Derbyshire, Lincolnshire, Staffordshire, Norfolk and Lancashire. The "
            "commissioner for Lancashire said Lancashire Constabulary would work with its project.")
    assert _area("Youth projects share £9 million", body) is None


def test_a_local_story_comparing_itself_with_other_forces_keeps_its_area() -> None:
    body = ("Knife crime in Kent fell by a fifth last year, Kent Police said. Essex, Sussex, Surrey and Hampshire "
            "saw smaller falls, and Kent Police said its patrols in Maidstone and Margate had made the difference.")
    assert _area("Knife crime falls in Kent", body) == "Kent"


def test_a_regional_ambulance_service_or_prosecutors_area_is_not_the_area() -> None:
    body = ("A boy was found with a stab wound in the high street. Officers attended with the West Midlands "
            "Ambulance Service and he was taken to hospital. Anyone with information should call West Mercia Police.")
    assert _area("Boy stabbed in the high street", body) == "West Mercia"
    body = ("CPS West Midlands said the man would appear before magistrates next week, after Staffordshire Police "
            "arrested him.")
    assert _area("Man charged after stabbing", body) == "Staffordshire"


def test_a_city_centre_street_many_towns_share_is_not_the_city_of_london() -> None:
    body = ("A 17-year-old was stabbed in his leg in Preston. Shops on Cheapside were taped off last night while "
            "officers searched the area.")
    assert _area("Teenager stabbed in the city centre", body) == "Lancashire"
    assert _area("Appeal after man assaulted near the Guildhall", "Officers in Exeter want to speak to witnesses.") \
        == "Devon and Cornwall"
    assert _area("Cyclist hurt in Cheapside collision", "Officers closed Cheapside near St Paul's Cathedral.") \
        == "City of London"


def test_a_park_named_after_a_place_elsewhere_is_not_that_place() -> None:
    body = ("The boy was found injured in Titchfield Park in Mansfield on Saturday. Nottinghamshire Police will keep "
            "patrols in the Titchfield Park area.")
    assert GAZETTEER.detect("Boy stabbed in park", body)[1] == ["Nottinghamshire"]


def test_a_councils_site_gives_its_area_and_says_a_councils_page() -> None:
    from pathlib import Path

    from digest.config import load_config
    from digest.models import Document
    from digest.prepare import classifier_for, prepare

    config = load_config(Path(__file__).resolve().parent.parent / "config.yaml")
    text = ("Serious Violence Duty strategy approved\n\nCabinet approved the Serious Violence Duty Strategy 2024-2027, "
            "which sets out how partners will prevent knife crime and youth violence over the next three years.\n")
    for url, area in [("https://democracy.havering.gov.uk/mgAi.aspx?ID=1", "London"),
                      ("https://www.wiltshire.gov.uk/news/serious-violence", "Wiltshire"),
                      ("https://www.cps.gov.uk/news/strategy", None)]:
        document = Document(source=config.sources[0].name, content=text.encode(), media_type="text", path="page.txt",
                            url=url)
        judged = prepare(document, classifier_for(config))
        judged_kind = judged.classification.org_kind
        assert (judged.classification.area, judged_kind == "council") == (area, area is not None), url


def test_a_university_named_for_its_city_places_a_story_only_with_another_mention() -> None:
    body = ("Researchers at Sheffield Hallam University found that hospital admissions for assault across England "
            "rose by a fifth over five years.")
    assert _area("Assault admissions up by a fifth", body) is None
    assert _area("Study of knife injuries", "A team from the University of Leeds looked at 40 hospitals.") is None
    body = ("Sheffield Hallam University will evaluate the mentoring scheme, which South Yorkshire Police run in "
            "Sheffield schools.")
    assert _area("Mentoring scheme to be evaluated", body) == "South Yorkshire"
    assert _area("Man seriously hurt in attack", "He was taken to Southampton University Hospital by ambulance.") \
        == "Hampshire"  # a hospital is where it happened, whatever it is named


def test_a_place_in_a_papers_capitals_lead_is_read() -> None:
    body = "WREXHAM officers have been commended for disarming a man with a knife in the town centre."
    assert _area("Officers commended", body) == "North Wales"
    assert _area("Officers commended", "NHS staff and READING volunteers helped.") is None  # not a lead's words


def test_a_parliamentary_groups_national_study_naming_a_few_forces_has_no_area() -> None:
    body = ("A study by an all-party parliamentary group found the average council had cut youth services by 40%. "
            "Forces serving the areas with the deepest cuts, such as West Midlands Police, Thames Valley Police and "
            "Cambridgeshire Police, saw some of the largest rises in knife crime, as did Wolverhampton.")
    assert _area("Knife crime rises linked to youth service cuts", body) is None


def test_a_name_with_the_possessives_s_places_a_story() -> None:
    body = "Chief Inspector Ana Ruiz, Police Scotland’s local area commander, said patrols would go on."
    assert _area("Patrols stepped up after knife seizures", body) == "Scotland"
    assert _area("Shops targeted", "Traders in Luton's town centre say thefts are rising.") == "Bedfordshire"
    assert GAZETTEER.find("Kent Police's chief constable") == [("Kent Police", 0, 11)]  # the force, not its county alone
    assert GAZETTEER.find("the Lutonsville estate and Luton'sville") == []  # an apostrophe inside a word joins it
