"""The head of a real-shaped page: which line is the headline, and which lines are the site's
furniture (its description, menus, breadcrumbs, its own name, stamps and captions)."""

from __future__ import annotations

import pytest

from digest.extract import extract
from digest.furniture import is_furniture
from digest.models import Document


def _extracted(page: str):
    return extract(Document(source="t", content=page.encode("utf-8"), media_type="text/plain", path="p.txt"))


def _title(page: str) -> str:
    return _extracted(page).title


LEDE = ("Detectives have charged a man after a woman was seriously hurt in a knife attack on a bus in the town "
        "centre on Saturday evening, and they are asking anyone with footage to get in touch.")


@pytest.mark.parametrize("line", [
    "Market Town Echo's news, every day", "Local news for North Wessex", "Community news for Ashby and the villages",
    "Home  World  UK  Sport  Money  Health", "Home chevron-right News chevron-right Courts",
    "Axbridge, Cheddar and Wedmore Town Council", "Police Service of Northern Ireland",
    "3 hours ago", "Updated 20 mins ago", "Image description", "Priya Nair, Birmingham reporter",
    "Share on Facebook Share on X Share by email", "Sign in / Register",
    "Blades left in the amnesty bin during the week. Picture: Wessex Police",
    "A blurred image of a youth holding a blade", "Listen to this article", "Continue reading", "You may also like",
    "Get the week's biggest stories sent straight to your inbox", "Your email address will not be published.",
    "Read the full release on the Home Office website.", "60 days from today is Monday, 2 March 2026",
    "Source: Wessex Police", "Like Loading...", "Notes to editors", "Yes | No", "Read this page in Welsh",
])
def test_site_furniture_of_real_pages(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "Man, 24, charged  after  bus stabbing", "Knife crime news from across the county this week.",
    "He was jailed for 3 hours ago, the court heard, no he was not.",
    "The council said the Police Service of Northern Ireland would attend the meeting on Tuesday evening.",
    "Source: Home Office figures show a 9% fall", "An image of the suspect has been released by detectives.",
    "Latest figures show knife crime fell by 9%", "Like many towns, Wessex has seen a rise in knife crime.",
])
def test_lines_that_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_a_standfirst_under_the_headline_is_not_the_title() -> None:
    page = (f"Northvale Evening Post\nCrime\nKnife surrender week: 31 arrests and 120 blades handed in\n"
            f"Officers took a new amnesty van to the smaller market towns\nBy Sam Ridley\n"
            f"Published 22nd Nov 2024, 16:48 GMT\n{LEDE}\n")
    assert _title(page) == "Knife surrender week: 31 arrests and 120 blades handed in"


def test_a_print_editions_deck_under_a_short_headline_is_not_the_title() -> None:
    # a press reader's copy of a printed page: masthead, headline, deck, a dashed byline, then the text;
    # the deck is fuller but tells no more of the first paragraph than the headline does
    page = ("Lowmoor Courier\nScores of blade carriers caught\nOfficers make 212 arrests for possession over six years\n"
            "- Rowan Pike\nOfficers have seized scores of knives in Lowmoor during the last six years.\n"
            "Figures released under freedom of information show 212 people were arrested for carrying blades.\n")
    assert _title(page) == "Scores of blade carriers caught"


@pytest.mark.parametrize("head", [
    # a list under the headline, longer lines than it
    "Crime\nMan charged after woman hurt in bus knife attack\nMore from Crime\n"
    "Planning inspector allows appeal over former quarry's holiday lodges near Upper Wick green\n"
    "Ring road roadworks to last until end of summer holidays, highways team confirms\nBy Sam Ridley\n",
    # a list above it, in a row with it
    "News\nLatest news\nPlanning inspector allows appeal over former quarry's holiday lodges near Upper Wick green\n"
    "Ring road roadworks to last until end of summer holidays, highways team confirms\n"
    "Man charged after woman hurt in bus knife attack\n12 March 2026\n",
    # a list between it and the text
    "Man charged after woman hurt in bus knife attack\nTrending\n"
    "Planning inspector allows appeal over former quarry's holiday lodges near Upper Wick green\n"
    "Ring road roadworks to last until end of summer holidays, highways team confirms\n",
    # a ticker above it, in a row with it, one of its headlines sharing a word with the text by chance
    "BREAKING\nCouncillor cleared after spending whole evening locked inside council library\n"
    "Man charged after woman hurt in bus knife attack\nBy Sam Ridley\n",
])
def test_other_stories_headlines_beside_the_headline_are_not_the_title(head: str) -> None:
    """The page's own headline is the one its first paragraph retells; the others share none of its words."""
    assert _title(head + LEDE + "\n") == "Man charged after woman hurt in bus knife attack"


def test_the_page_title_with_the_sites_name_above_its_heading_is_not_the_title() -> None:
    """A page saved as text says its headline twice: as its title, the site's name after it, then as its heading."""
    page = (f"Man charged after woman hurt in bus knife attack | Exeter Express\n"
            f"Man charged after woman hurt in bus knife attack\n{LEDE}\n")
    assert _title(page) == "Man charged after woman hurt in bus knife attack"


def test_a_score_line_under_a_match_report_headline_is_not_the_title() -> None:
    page = (f"Valley Sport\nFootball\nCwmdu Rovers' fierce attack too much for Pontardu Town\n"
            f"Cwmdu Rovers 3 Pontardu Town 0\n{LEDE}\n")
    assert _title(page) == "Cwmdu Rovers' fierce attack too much for Pontardu Town"


def test_a_site_name_above_the_headline_and_a_month_under_it() -> None:
    page = f"Ashby and District Benefice\nHome\nNews\nOctober 2024\nHarvest knife and fork supper\n{LEDE}\n"
    assert _title(page) == "Harvest knife and fork supper"


def test_a_committee_item_title_comes_before_its_meeting_details() -> None:
    page = ("Wessex Council logo\nAgenda item\nProposed police precept 2026/27\n"
            "Meeting: Wessex Police and Crime Panel, Thursday 5 February 2026 10.00 am\nVenue: County Hall\n"
            f"Purpose of the report\n{LEDE}\n")
    assert _title(page) == "Proposed police precept 2026/27"


def test_a_period_under_the_headline_is_not_the_title() -> None:
    page = f"Neighbourhood priorities\nNorthgate and Old Town: April to July 2025\nPriorities set: April 2025\n{LEDE}\n"
    assert _title(page) == "Northgate and Old Town: April to July 2025"


def test_the_site_description_before_the_headline_is_not_the_title() -> None:
    page = f"Skip to content\nLocal news for North Wessex\nWoman hurt in knife attack on town centre bus\n{LEDE}\n"
    assert _title(page) == "Woman hurt in knife attack on town centre bus"


def _publisher(page: str) -> tuple[str | None, str]:
    from digest.publisher import guess_org_kind

    extracted = _extracted(page)
    return extracted.publisher, guess_org_kind(extracted)


def test_a_masthead_in_capitals_under_the_store_line_makes_the_page_a_papers() -> None:
    page = (" date 2026-03-09 Brothers jailed for running drugs line into market town\nNORTH WESSEX POST\n"
            "Home / News / Crime\nBy Sam Ridley\nTwo brothers who used a teenager to sell drugs have been jailed, "
            "Wessex Crown Court heard. Detective Sergeant Kay Lowe said the sentences sent a clear message.\n")
    assert _publisher(page) == ("North Wessex Post".upper(), "news")


@pytest.mark.parametrize("said", ["The Post asked the force how many searches found a weapon.",
                                  "A Post investigation found attacks on under-25s had risen sharply.",
                                  "The Wessex Echo understands two more boys were spoken to.",
                                  "When the Star visits an estate after a stabbing, residents ask for patrols."])
def test_a_paper_speaking_of_itself_by_its_masthead_is_the_papers(said: str) -> None:
    page = ("Detective urges community to help stop youth stabbings\nA senior detective has called on residents to work "
            "with officers to prevent youth violence after a rise in attacks.\nDetective Chief Superintendent Ray Cole "
            f"said stop and search must be led by intelligence.\n{said}\nOfficers arrested three people last week.\n")
    assert _publisher(page)[1] == "news"


def test_a_court_report_naming_the_barristers_by_their_part_is_a_papers() -> None:
    page = ("Man jailed for stabbing outside flats\nA man who stabbed a neighbour three times has been jailed for four "
            "years, a court heard.\nDetective Constable Amy Hart said the sentence sent a clear message.\nOfficers "
            "arrested him at the scene.\nSam Lowe, prosecuting, said the victim had been lucky to survive.\n")
    assert _publisher(page)[1] == "news"


def test_a_broadcasters_labelled_picture_makes_the_page_a_newsrooms() -> None:
    page = ("Image copyright Wessex Police Image caption The boy was arrested at the railway station\nA 16-year-old boy "
            "has been detained for four years over a stabbing in a street.\nOfficers arrested him the next morning.\n"
            "Detective Sergeant Kay Lowe said the victim was lucky to survive.\n")
    assert _publisher(page)[1] == "news"
    assert "Image copyright" not in _extracted(page).body


def test_a_british_story_under_another_languages_chrome_is_an_aggregators() -> None:
    page = ("DAILY WIRE HUB\nBeranda / Crime\nKamis, 04 Januari 2024 | 08:12 WIB\n"
            "Man fighting for life after street stabbing\nA man is fighting for his life in hospital after he was "
            "stabbed in a street in the early hours of Sunday, police said.\n")
    assert _publisher(page)[1] == "other"


def test_a_post_led_by_the_commissioner_is_the_commissioners() -> None:
    page = ("The Police and Crime Commissioner has welcomed the seizure of three guns in dawn raids across the "
            "county, and thanked officers and residents for their help.\n\nOfficers arrested five people. The "
            "Commissioner said the raids showed what can be done when communities speak up.\n")
    assert _publisher(page)[1] == "pcc"


def test_an_assistant_commissioner_speaking_is_a_police_officer_not_a_commissioner() -> None:
    page = ("Forces across the region made 212 arrests during a week of action against knife crime.\n\n"
            "Officers searched parks and alleyways and recovered 64 blades.\n\n"
            "Deputy Assistant Commissioner Lee Marsh said the results showed officers arrested those who "
            "carried weapons.\n")
    assert _publisher(page)[1] == "police"


def test_a_papers_name_an_app_repeats_over_its_copy_makes_the_page_the_papers() -> None:
    """A news app's copy: its own banner, then the paper's logo and name (the same line twice, dropped as a
    banner), a section and the reporter over the headline; a force named in the text is not the publisher."""
    page = ("Every paper in one place.\nHundreds of titles.\nOne app.\nStart reading\nWessex Evening Echo\n"
            "Wessex Evening Echo\nNational\nSam Ridley\n\nBoy cut with his own blade after row with a driver\n\n"
            "A boy of 16 was cut with his own blade after he squared up to a driver on a quiet close, neighbours said.\n\n"
            "A man in his 50s has been arrested by Wessex Police on suspicion of wounding with intent.\n")
    assert _publisher(page) == ("Wessex Evening Echo", "news")
    assert _title(page) == "Boy cut with his own blade after row with a driver"


def test_a_menu_word_that_ends_like_a_papers_name_over_a_release_names_no_paper() -> None:
    page = ("Skip to content\nWessex Police\nMenu\nHome\nNews\nAppeals\nNews\nMan charged after town centre stabbing\n"
            "Detectives have charged a man after a woman was stabbed in the town centre on Saturday evening. "
            "Officers were called at 9.40pm and the woman was taken to hospital.\n")
    assert _publisher(page)[1] != "news"


def test_a_broadcasters_byline_picture_text_and_outlet_are_not_the_text() -> None:
    page = ("Age of bus stop stabbing suspects 'worrying' - police\n\nSam Lane\nWessex News\nReporting fromAxbridge\n"
            "Sam Lane/Wessex News An officer kneels beside a bus shelter with a forensic tent behind himSam Lane/Wessex News\n"
            "Forensic officers were at the scene on Friday\n\nThe ages of two boys held after a teenager was stabbed at a bus "
            "shelter are worrying, police have said.\n\nTwo boys aged 13 and 14 are in custody on suspicion of attempted "
            "murder after a 16-year-old was stabbed in Axbridge on Thursday evening.\n")
    got = _extracted(page)
    assert not any(line.startswith(("Sam Lane", "Wessex News", "Reporting")) for line in got.body.split("\n\n"))
    assert (got.publisher, got.title) == ("Wessex News", "Age of bus stop stabbing suspects 'worrying' - police")


def test_other_stories_under_labels_inside_the_text_say_a_papers_page() -> None:
    page = ("Boy held after two teenagers knifed at bus stop\n\nA 14-year-old boy has been arrested after a boy and a girl "
            "were knifed at a bus stop in Axbridge on Wednesday evening.\n\nLOCAL NEWS: Plans for a new leisure centre go on "
            "show\n\nChief Inspector Jo Bell said officers believed the attack followed an earlier row.\n\nSEE ALSO: Council "
            "tax to rise by 4.99%\n\nAnyone with information should call Wessex Police on 101.\n")
    extracted = _extracted(page)
    assert _publisher(page)[1] == "news"
    assert "4.99" not in extracted.body and "leisure centre" not in extracted.body


def test_a_headline_asking_a_question_is_the_title_and_not_the_text() -> None:
    page = ("What happened after two teenagers were seen with a machete in the high street?\n"
            "Published: 2026-01-17 05:00 | Category: news\n"
            "Two boys have been arrested after police were called to reports of youths carrying blades, one of them a "
            "large machete, in a busy shopping street on Friday afternoon.\n"
            "Officers found the pair within minutes and nobody was hurt.\n")
    got = _extracted(page)
    assert got.title == "What happened after two teenagers were seen with a machete in the high street?"
    assert got.body.startswith("Two boys have been arrested") and got.summary.startswith("Two boys have been arrested")


def test_a_bilingual_pages_title_and_summary_are_its_english() -> None:
    """A Welsh public body's page gives each headline and paragraph in Welsh, then in English."""
    page = ("Skip to main content\nCymraeg\nComisiynydd yn croesawu cyllid newydd i atal trais difrifol\n"
            "Commissioner welcomes new funding to prevent serious violence\n12 Mawrth 2025\n12 March 2025\n"
            "Mae'r Comisiynydd wedi croesawu £450,000 o gyllid newydd gan y Swyddfa Gartref i atal trais difrifol "
            "ymhlith pobl ifanc yng Ngogledd Cymru.\nThe Commissioner has welcomed £450,000 of new Home Office funding to "
            "prevent serious violence among young people in North Wales.\n")
    got = _extracted(page)
    assert got.title == "Commissioner welcomes new funding to prevent serious violence"
    assert got.summary.startswith("The Commissioner has welcomed £450,000")
    assert got.published is not None and got.published.isoformat() == "2025-03-12"


def test_a_page_only_in_welsh_keeps_its_welsh_and_english_names_of_welsh_places_are_english() -> None:
    welsh = ("Comisiynydd yn croesawu cyllid newydd i atal trais difrifol\n12 Mawrth 2025\nMae'r Comisiynydd wedi "
             "croesawu £450,000 o gyllid newydd gan y Swyddfa Gartref i atal trais difrifol ymhlith pobl ifanc yng Nghymru.\n")
    assert _title(welsh) == "Comisiynydd yn croesawu cyllid newydd i atal trais difrifol"
    english = ("Man jailed after stabbing outside Y Felinheli pub\nPublished 3 March 2025\nA man who stabbed a stranger "
               "outside a pub in Y Felinheli, near Bangor, has been jailed for six years at Caernarfon Crown Court.\n"
               "Officers from North Wales Police arrested him at his home in Ty Croes the next morning.\n")
    assert _title(english) == "Man jailed after stabbing outside Y Felinheli pub"


def test_a_reporters_byline_alone_makes_the_page_a_papers() -> None:
    page = ("Commissioners' youth schemes share £9 million\nThe Home Office has named the schemes it will fund.\n"
            "Mar 4, 2025\nBy Sam Hollis\nTwenty projects backed by police and crime commissioners will share "
            "£9 million. The police and crime commissioner for Kent said the money would reach young people "
            "sooner, and the police and crime commissioner for Essex welcomed it.\n")
    assert _publisher(page)[1] == "news"


def test_a_commissioners_signed_post_is_not_a_papers() -> None:
    page = ("Why I am backing the knife bins\nBy Commissioner Jo Bell\nAs your commissioner I have funded twelve "
            "knife surrender bins across the county, and my office will publish what they collect.\n")
    assert _publisher(page)[1] == "pcc"


def test_a_reporters_name_and_role_on_one_line_makes_the_page_a_papers() -> None:
    page = ("Mentor scheme keeps teenagers off the streets\nImage description\nPriya Nair, Birmingham reporter\n"
            "A teenager said a mentor funded by the Violence Reduction Partnership had kept him out of trouble, and "
            "the partnership said knife crime was falling across the region.\n")
    extracted = _extracted(page)
    assert _publisher(page)[1] == "news"
    assert "reporter" not in extracted.body and "Image description" not in extracted.body


def test_a_content_farms_category_and_admin_author_make_the_page_an_aggregators() -> None:
    page = ("Daily Buzz Hub\nMan arrested after stabbing in town centre\n"
            "Published: 12 March 2024 | Category: Crime | Author: admin\n"
            "A man has been arrested after a stabbing in the town centre on Monday night, Wessex Police said. "
            "Officers were called at about 9pm and a 24-year-old man was taken to hospital.\n")
    assert _publisher(page)[1] == "other"


@pytest.mark.parametrize("head", ["Man charged after town centre stabbing | Kent Police",
                                  "Man charged after town centre stabbing - Surrey Police",
                                  "Man charged after town centre stabbing – Thames Valley Violence Reduction Unit"])
def test_an_organisations_name_after_the_headline_on_its_title_line_is_not_the_title(head: str) -> None:
    assert _title(f"{head}\n{LEDE}\n") == "Man charged after town centre stabbing"


@pytest.mark.parametrize(("head", "publisher"), [
    ("Man charged after town centre stabbing | Kent Police", ("Kent Police", "police")),
    ("Man charged after town centre stabbing – Thames Valley Violence Reduction Unit",
     ("Thames Valley Violence Reduction Unit", "vru")),
    ("Man charged after town centre stabbing - Wessex Echo", ("Wessex Echo", "news")),
    # a library's or a blog's copy, titled with the paper it copied, is the paper's story
    ("Knife carrying will not stop until it is no longer seen as cool, judge says – Daily Telegraph",
     ("Daily Telegraph", "news")),
])
def test_the_site_a_title_line_names_publishes_the_page(head: str, publisher: tuple[str, str]) -> None:
    assert _publisher(f"{head}\n{LEDE}\n") == publisher


def test_a_stations_call_to_install_its_news_app_makes_the_page_a_news_outlets() -> None:
    text = ("Drug networks across the county were hit hard last week as a police operation led to the closure of 12 "
            "county lines and the arrest of 40 people.\nForces took part in the week of action, coordinated nationally.\n")
    assert _publisher(text)[1] != "news"
    assert _publisher(text + "Want the latest headlines as they happen? Download the Wessex FM app today.\n")[1] == "news"


def test_a_broadcasters_call_for_story_ideas_makes_the_page_a_news_outlets() -> None:
    text = ("Young victims of violence in Wessex will get support in hospital from a new team of navigators.\n"
            "Police and Crime Commissioner Dana Whitfield said the navigators would help break the cycle of violence.\n")
    assert _publisher(text)[1] == "pcc"
    footer = "Follow Wessex Live on X, Facebook and Instagram. Send your story ideas to newsdesk@example.co.uk.\n"
    assert _publisher(text + footer)[1] == "news"


@pytest.mark.parametrize(("host", "kind"), [
    ("www.shropshirestar.com", "news"), ("www.manchestereveningnews.co.uk", "news"), ("www.yorkpress.co.uk", "news"),
    ("news.sky.com", "news"), ("feeds.bbci.co.uk", "news"), ("www.greatesthitsradio.co.uk", "news"),
    ("www.havering.gov.uk", "council"), ("www.kent.police.uk", "police"),
    # a site whose name merely holds a masthead's word is no paper's
    ("www.stardust.com", None), ("www.postcode.org", None), ("www.mailchimp.com", None), ("127.0.0.1", None),
])
def test_a_sites_host_names_what_kind_of_publisher_it_is(host: str, kind: str | None) -> None:
    from digest.publisher import host_kind

    assert host_kind(host) == kind


@pytest.mark.parametrize("chrome", [
    "Daily Mirror (Northern Ireland)\n",  # a paper's name with its edition
    "- BY MIRROR REPORTER\n",  # a byline in capitals after a list's dash
    "December 8, 2017 By  Erica Doyle\n",  # a date with the reporter's byline after it
])
def test_a_papers_edition_or_byline_in_capitals_or_after_a_date_makes_the_page_a_papers(chrome: str) -> None:
    text = ("Man shot in leg in Wessex estate attack\n" + chrome +
            "Detectives are appealing for witnesses after a man was shot in the leg on the Moorside estate on Thursday.\n"
            "Chief Inspector Jo Bell said the attack was barbaric and urged anyone with information to call 101.\n")
    assert _publisher(text)[1] == "news"


def test_a_tabloids_words_for_the_police_and_a_suspect_say_a_paper_wrote_it() -> None:
    page = (" date 2026-02-11 A TEENAGER is fighting for his life after being knifed outside a Wessex chip shop - as "
            "cops hunt the knifeman.\nOfficers found the boy, 17, with stab wounds shortly after 11pm.\n"
            "Detective Sergeant Kay Lowe said the attack was a shocking one.\n")
    assert _publisher(page)[1] == "news"


@pytest.mark.parametrize("lead", ["TWENTY-ONE people were arrested in Wessex during the week of action.",
                                  "A MAN has been charged after officers found a machete in his car in Wessex.",
                                  "POLICE in Wessex arrested 21 people during the week of action."])
def test_a_lead_opening_in_capitals_is_a_papers_house_style(lead: str) -> None:
    page = f" date 2026-02-11 {lead}\nDetective Sergeant Kay Lowe said officers had worked hard all week.\n"
    assert _publisher(page)[1] == "news"


@pytest.mark.parametrize("opening", ["NHS staff and officers will work together", "A PCSO has been praised for her work",
                                     "A SAFE Taskforce of schools will work together"])
def test_an_acronym_opening_a_release_is_no_capitals_lead(opening: str) -> None:
    page = (f" date 2026-02-11 {opening} on a new violence project in Wessex.\n"
            "Detective Sergeant Kay Lowe said officers were glad to take part. Officers will start in May.\n")
    assert _publisher(page)[1] == "police"


def test_a_news_agencys_copy_signed_at_its_end_is_a_newsrooms() -> None:
    page = (" date 2026-02-11 Officers seized 700 knives during the national week of action.\n"
            "Detective Sergeant Kay Lowe said officers had worked hard all week. —PA\n")
    assert _publisher(page)[1] == "news"


def test_an_aggregators_headline_said_three_times_under_a_tag_page_label_is_the_title() -> None:
    headline = "Youth workers in Wessex custody suites cut reoffending, says report"
    page = (f"logo\nLatest news with #ViolenceReductionUnit\n{headline}\n{headline}\nThe Wessex Gazette\n"
            f"time3 days ago\n  • Crime\n  • The Wessex Gazette\n{headline}\n{LEDE}\n")
    assert _title(page) == headline


def test_a_date_run_into_the_end_of_the_headline_is_not_part_of_it() -> None:
    page = f" date 2026-03-09 Teenager hurt in Wessex knife attackMarch 9, 2026\n{LEDE}\n"
    assert _title(page) == "Teenager hurt in Wessex knife attack"


def test_a_press_archives_line_of_paper_section_and_author_is_not_the_title() -> None:
    page = ("Working together to keep knives off Wessex streets\n"
            "Wessex Gazette - - COMMENT - With Police and Crime Commissioner Dana Whitfield\n"
            "LAST week I joined the policing minister at a serious violence event in the city, and we heard from "
            "youth workers about what keeps young people safe.\n")
    assert _title(page) == "Working together to keep knives off Wessex streets"


def test_a_label_over_a_text_without_a_headline_is_not_its_title() -> None:
    page = ("(Wessex Online, dated 9th March 2026, author Sam Ridley\nSaved article [copy 1]:\n"
            "Schoolchildren in Wessex are carrying knives for status, the chief constable warned.\n")
    assert _title(page).startswith("Schoolchildren in Wessex are carrying knives")


def test_an_aggregators_credit_of_its_source_under_the_headline_ends_the_headline_and_names_the_paper() -> None:
    page = ("Knife crime reaches record high across Wessex\nThe Wessex Gazette -\n"
            "Police figures show an 8% rise in offences involving a bladed article over the past year\n"
            "Knife crime in Wessex reached a record high in the year to June, rising by 8% on the year before.\n"
            "Read this story at\n")
    assert _title(page) == "Knife crime reaches record high across Wessex"
    assert _publisher(page) == ("The Wessex Gazette", "news")


def test_a_short_headline_that_tells_the_lede_is_the_title_over_a_long_standfirst() -> None:
    page = ("Knife crime hits record high in Wessex\n"
            "Police figures show sharp rises in knife offences across every district over twelve months to June\n"
            "Knife crime in Wessex reached a record high this year, rising in every district, officers said.\n")
    assert _title(page) == "Knife crime hits record high in Wessex"


def test_a_pictures_description_credited_to_a_news_agency_is_furniture_and_says_a_newsrooms_page() -> None:
    page = ("Two held after officer hurt with kitchen knife\n"
            "A senior officer speaks at a lectern in front of a force badge. He wears a white shirt and a black tie."
            " Image source, PA Media\nImage caption,\nThe officer was treated in hospital\n"
            "A police officer was cut on the arm with a kitchen knife while answering a call in Ashbury, a senior "
            "detective has said.\nTwo men were arrested at the house on Thursday night.\n")
    extracted = _extracted(page)
    assert extracted.summary.startswith("A police officer was cut on the arm")
    assert (extracted.publisher_kind, extracted.publisher) == ("news", None)


def test_another_storys_short_headline_in_a_menu_above_a_page_without_one_is_not_the_title() -> None:
    page = ("Culture\nRiver festival returns\nThe commissioner has given £40,000 to a scheme that places youth workers "
            "in the town's hospital to support young people hurt in violence.\nThe workers will start in May.\n")
    assert _title(page).startswith("The commissioner has given £40,000")
    page = "Crime\nLuton knife arrest\nA man was arrested in Luton after officers found a knife in his car.\n"
    assert _title(page) == "Luton knife arrest"  # a short headline that its lede retells


@pytest.mark.parametrize("chrome", [
    "By Tamsin Reyes • 03 March 2026 • 10:12",  # a byline with its date and time after it
    "You are in: UK: Wales",  # a trail through a newsroom's sections
    "Last Updated: 38 minutes ago",  # a news site's labelled stamp of how long ago
])
def test_a_line_only_a_newsroom_has_above_the_text_says_a_newsrooms_page(chrome: str) -> None:
    page = (f"{chrome}\nOfficers recovered 29 knives from amnesty bins outside two police stations in Cardiff, "
            f"Inspector Dafydd Rowlands said.\nHe said officers would keep the bins open all year.\n")
    assert _extracted(page).publisher_kind == "news"


def test_a_council_naming_itself_in_capitals_is_the_councils_page_and_is_named_in_full() -> None:
    page = ("City Council closes flat taken over by dealers\nPublished: Monday, 3rd March 2025\n"
            "Northvale City Council has secured a closure order on a flat in Ashbury Road to protect a tenant whose home "
            "was taken over by drug dealers.\nThe order was granted by magistrates on Friday. Police officers and City "
            "Council officers may still enter the flat.\nCouncillor Priya Shah said the council would act wherever "
            "tenants were exploited.\nOfficers from the neighbourhood team will visit the tenant each week.\n")
    from digest.publisher import guess_org_kind, named_in_text

    extracted = _extracted(page)
    assert guess_org_kind(extracted) == "council"
    assert named_in_text("council", f"{extracted.title}\n{extracted.body}") == "Northvale City Council"
