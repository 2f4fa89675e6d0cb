"""Site furniture in the shapes real force, commissioner, VRU, council, GOV.UK and newspaper pages
take, worded the many ways different publishers word them (every line here is written for the test;
none is copied from a page), and the lines of article text that look like them but are not."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from digest.furniture import is_furniture, organisation_kind, organisation_named
from digest.furniture_openings import _OPENED_RE, opened
from digest.pattern_dispatch import patterns_by_first_char
from digest.text import fold_case
from digest.textpage import extract_text

LEDE = ("A 19-year-old man has been charged with wounding after a man was stabbed near the bus station in "
        "Wessex on Sunday evening, and officers are asking witnesses to come forward.")
SECOND = "Officers were called at about 9pm and the victim was taken to hospital, where he remains in a stable condition."

SHAPES = {
    "skip links and exits": ["Jump to content", "Skip to toolbar", "Skip navigation", "Exit mobile version",
                             "Back to top of page", "Press Esc to leave this site quickly", "Hide this page",
                             "Leave this site now", "Mobile menu"],
    "service and feedback banners": ["Sorry, something went wrong. Please try again later.", "Give feedback",
                                     "New service: tell us what you think of it", "Help us improve GOV.UK",
                                     "We are testing a new version of this website",
                                     "This part of GOV.UK is being rebuilt – find out what beta means"],
    "accessibility tools": ["Font size A- A A+", "Text size: Small Medium Large", "High contrast", "Recite Me"],
    "another story's teaser and a comments policy": ["READ AGAIN: Tenant speaks out about flat taken over by dealers",
                                                     "Comments: Our rules",
                                                     "We want our comments to be a lively part of our community"],
    "breadcrumbs and spaced-out letters": ["You are in: UK: Scotland | |||||||||||||||||||||||", "You are in: News",
                                           "N E W S F E E D S >>> |", "H O M E  | N E W S", "M E N U"],
    "comment widgets": ["0 Comments", "No comments to display", "No comments:", "Post a Comment",
                        "One reply to “Teenager charged after town centre stabbing”", "%d bloggers like this:",
                        "You must be logged in to post a comment Login", "Comments are closed.",
                        "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
                        "Fill in your details below or click an icon to log in:"],
    "newsletter and alert calls": ["Register now for our free morning newsletter",
                                   "Stay up to date with notifications from the Wessex Echo",
                                   "Join the Wessex Echo WhatsApp community!",
                                   "Get the headlines sent straight to your phone by joining our WhatsApp channel today.",
                                   "Subscribe to free daily news email", "View all newsletters",
                                   "You'll receive daily updates on breaking news and the top stories from the county.",
                                   "For free real time breaking news alerts sent straight to your inbox sign up to our "
                                   "breaking news emails Sign up Please enter a valid email address SIGN UP Read our "
                                   "privacy policy Thanks for signing up to the"],
    "links on to more": ["Read more from Crime", "Read Entire Article", "Read the full story here", "Visit website »",
                         "Læs mere »", "Originally published as Pensioner hurt in Wessex street robbery",
                         "Additional reporting by PA Media.", "News Source : Jo Bell", "View more in",
                         "Similar News: more stories like this one", "Find out more about the VRU", "Click here"],
    "advertising slots": ["Advertising", "ARTICLE CONTINUES BELOW AD", "Story continues below advertisement", "mpu1",
                          "outbrain pixel", "Content from our partners", "Advertisement - scroll to continue"],
    "sharing and printing": ["SHARE:", "Share.", "Email this link", "Share on Pinterest", "- Get link", "- Other Apps",
                             "Printable version", "Print this article", "Share this story on Facebook",
                             "LIKE THIS ARTICLE? SHARE ON SOCIAL MEDIA"],
    "embeds and browser notices": ["Skip twitter post", "End of twitter post", "Allow Twitter content?",
                                   "This Twitter post cannot be displayed in your browser. Please enable JavaScript.",
                                   "The BBC is not responsible for the content of external sites.",
                                   "Your web browser is no longer supported. To improve your experience update it here",
                                   "Loading Audio... Article will play after ad...",
                                   "You need to enable JavaScript to run this app.",
                                   "This website requires JavaScript to work properly.",
                                   "Please turn on JavaScript to see the map"],
    "audio prompts": ["Listen to this story. More audio and podcasts in the Wessex Echo app.",
                      "Listen to the article 4 min", "Listen to this article: 3 minutes"],
    "GOV.UK notices": ["This was published under the 2015 to 2016 Conservative government", "Applies to England and Wales",
                       "This publication is licensed under the terms of the Open Government Licence v3.0.",
                       "Any enquiries regarding this publication should be sent to us at duty@example.gov.uk."],
    "press-office and contact blocks": ["Communications office", "Phone: 0800 000 0000",
                                        "Email: press.office@example.police.uk",
                                        "For enquiries and bookings, call us on 01632 960000",
                                        "01632 960000 | opcc@example.pnn.police.uk",
                                        "Wessex Police HQ, Sandford Road, Wessex WX1 2AB",
                                        "Send your story ideas to newsdesk@example.co.uk",
                                        "Follow BBC Wessex on X (formerly Twitter), Facebook and Instagram.",
                                        "Report a crime online", "Call 101 or report online", "Contact us online"],
    "captions naming who is pictured": ["Wessex Police and Crime Commissioner Dana Whitfield.", "Detective Inspector Sam Hale.",
                                        "Commissioner Dana Whitfield (centre) with members of the youth panel",
                                        "Officers (L-R) PC Amy Cole, PC Tom Reed and Sgt Ali Khan at the knife arch",
                                        "The new youth hub's manager Jo Bell (second from left) at its opening."],
    "captions and credits": ["Officers at the scene on Tuesday Credit: PA",
                             "Youth workers at a hospital in the city. Image Sam Reed/Shutterstock.com",
                             "Knife bin outside the station - Credit: Wessex Police",
                             "Old Market Street, Wessex Picture: GOOGLE",
                             "Officers were called to the street on Sunday night. Pic: Google Street View",
                             "Roads were closed for the afternoon.(Source: Wessex News Agency)",
                             "Chief Inspector Ann Hale of Wessex Police.PICTURE SAM LANE.",
                             "Flowers left at the scene (Google Street Map)", "(Google)",
                             "Wessex police station - by Jo Reid via Flickr", "editorial image", "File photo",
                             "Staff/Voice photos", "Stock image of a police car", "A police cordon. Stock image",
                             "Wessex Police handout", "Court news. NNL-170524-154443005",
                             "Officers at the scene on Tuesday. Image credit: Wessex Police"],
    "stamps of how long ago": ["about 14 hours ago", "Updated: 29 minutes ago", "1 month ago 2",
                               "(1 day, 13 hours ago)", "Last Updated: 24 minutes ago"],
    "site names, slogans and menus": ["Your town. Your news.", "South Wessex's independent voice", "Crime Archives",
                                      "Home News Sport Business What's On Jobs", "Events ❯ Crime",
                                      "Home – News – Crime", "Logo of Wessex and District News", "Wessex Council crest",
                                      "SUBSCRIBE AND SAVE", "Live updates", "Rate this page", "Privacy notice",
                                      "Select language", "English | Cymraeg"],
    "bylines with an address": ["- By Sam Lane slane@example.co.uk", "By: Jo Bell jbell@example.co.uk"],
    "bylines and their labels": ["By Sam Lane", "By: Jo Bell", "Written by Priya Lal, Chief Reporter", "Author",
                                 "Reporter:", "Contributors", "Crime reporter", "Local democracy reporter",
                                 "Senior health correspondent"],
    "prompts and promoted links": ["Do you have a story? Email the newsdesk", "Promoted stories", "Recommended by",
                                   "Content continues after advertisement", "Video: officers at the scene on Friday",
                                   "WATCH: The moment the van was stopped", "In an emergency, always dial 999"],
    "a blog theme's labels and stock pictures' credits": ["Reading time:4 mins read", "• Reading time: 3 minutes",
                                                          "• Post category:Community News", "Post author:Jo Bell",
                                                          "Post comments:2 Comments", "Blades image by wessexlens",
                                                          "Photo by Sam Lane on Unsplash",
                                                          "Image by Priya Lal from Pixabay",
                                                          "Picture courtesy of Wessex Police", "• Share this page"],
    "aggregators' credits and widgets": ["(h/t Wessex Echo)", "h/t @wessexnews", "ARTICLE AD BOX",
                                         "Would love your thoughts, please comment.x"],
    "section labels after a bar": ["|News, Violent crime", "| Community safety"],
    "a publishing system's stand-in for a missing picture": ["Default image needed", "No image available",
                                                           "Placeholder image"],
    "a picture's text between two copies of its credit": [
        "Sam Lane/BBC Two officers in white suits search a verge beside a bus stopSam Lane/BBC",
        "Jo Bell/Wessex News A knife arch stands at the station entrance, with a queue of commuters behind itJo Bell/Wessex News"],
    "another story under a label in the text": ["LOCAL NEWS: Plans for a new bus station go on show",
                                                "Related: Knife arch checks at the station", "SEE ALSO: Two held after raid",
                                                "Also read: Council tax to rise by 5%", "Local news"],
    "a broadcaster's report credit": ["• Video report by Wessex TV Home Affairs Editor Sam Lane", "Audio report by Jo Bell"],
    "a mirror's markers and a paper group's newsletter consent": [
        "[block_2]", "More to follow.", "by wessexnews247",
        "We use your sign-up to send you the stories you asked for and to understand you better. This may include "
        "adverts from us and others based on what we know of you. You can unsubscribe at any time. More info"],
    "a blog host's comment form and a copied post's credit": [
        "You are commenting using your account. Log Out /  Change )", "Twitter picture", "Facebook photo",
        "Connecting to %s", "Article courtesy of Wessex Youth Network"],
    "a paper's and a radio station's calls to comment or to install their app, and a server's bracketed note": [
        "Have your say", "Want the latest Wessex headlines as they happen? Download the Wessex FM app today.",
        "Never miss the news that matters to you - get our free Wessex Echo app",
        "[an error occurred while processing this directive]", "[Advertisement]"],
    "a broadcaster's or a paper's warning of what the story holds, and links on to the story": [
        "Contains distressing content.", "Content warning: this story describes a violent attack",
        "Warning: this article contains details some readers may find upsetting.", "Full story", "Continue reading..."],
    "a site's notice that it cannot be shown here, a video player's and a live page's instructions": [
        "Oops.", "Our website is temporarily unavailable in your location.", "We are working hard to get it back online.",
        "Please use Chrome browser for a more accessible video player",
        "Click on Related Stories to view stories from your area"],
    "a paper group's links to other stories and its calls to sign up or follow": [
        "READ NEXT: Boy, 15, stabbed outside Wessex school", "READ SOME MORE", "MORE: Police name man who died after crash",
        "Don't miss the stories that matter - sign up to our daily newsletter here", "Like us on Facebook"],
    "a picture's caption naming a commissioner or an officer by the short form of their role": [
        "Wessex PCC Dana Whitfield.", "DCI Jo Bell and Supt Sam Hale."],
    "a paper group's comments policy": ["Comments & Moderation",
                                        "Readers' comments: you alone answer for what you post under our stories, so "
                                        "please take care. We do not read comments before they appear, but we act on "
                                        "complaints, and we may change or remove a comment under our terms of use when "
                                        "a problem is brought to us."],
}


@pytest.mark.parametrize("line", [line for lines in SHAPES.values() for line in lines])
def test_furniture_of_many_publishers(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "Man charged after stabbing near Wessex bus station", "Police launch community newsletter for Wessex residents",
    "Four arrested after WhatsApp messages lead police to drugs line", "Operation Image: 12 arrests in a week",
    "Source: Home Office figures show a 9% fall", "Comments made by the judge were reported to the panel.",
    "No comments were made by the defendant during the hearing.", "Join the community clean-up in Wessex park",
    "Print shop owner jailed for selling knives to children", "Share of knife crime in Wessex falls to 12%",
    "Report finds youth violence fell across the county", "The victim was taken to hospital by air ambulance.",
    "Stock market trader jailed for knife attack", "Top officer praises weapon sweeps in Wessex parks",
    "Right to ask: more people use Clare's Law in Wessex", "Home Office funds new Wessex violence reduction unit",
    "Press & media enquiries: 01234 567890. Tags, R&D and A&E stay as written.",
    "Man jailed after attack on local reporter", "Live music venue closed after knife attack",
    "Officers searched the park in Luton and found two knives hidden under a bench.",
    "He was sentenced to 3 years at Wessex Crown Court", "Knife amnesty bins to stay for a year",
    "Home Secretary Visits Wessex Knife Crime Project", "Man Charged After Luton Stabbing", "Home Office Funding Boost",
    # a press office's lines that read like a byline stay in the text (a byline in the chrome says a paper's page)
    "By phone: 0800 000 0000", "By email: press.office@example.police.uk", "Posted in News",
    # a sentence that says where someone stands in the picture is still text, and so is a title-case headline
    "Sam Hale (left) and Jo Bell were jailed at Wessex Crown Court on Friday.",
    'Commissioner Dana Whitfield (centre) said: "The panel chose every project."', "Man Charged After Luton Stabbing.",
    "Chief Constable Jo Bell said the force would act.",
    "The editor of the Wessex Echo said the paper would not name the boy.",
    "In an emergency the team can call on dog handlers and the force helicopter.",
    # a picture and who made it, in a headline or a sentence; a list item and a timeline
    "New image by artist marks a year since the stabbing", "Photo by officers shows the knife they found",
    "• 43 arrests and 12 knives seized", "Read timeline of the night's events",
    "Would love to see more patrols here, one resident said.", "Readers told us the park felt safer.",
    "Facebook photos of the knife were shared hundreds of times", "| Arrests | 43 |", "by the river",
    "More to follow on the inquiry next week.", "Video reports by bystanders showed the fight.",
    "Related to the victim, she told the court the family was devastated.", "Also read to the court was a statement.",
    "Local news reporters were told to leave the hearing.",
    "Police/CPS figures show 40 charges in a year, up from 31", "Sam Lane/BBC",
    "No image of the suspect has been released.", "Default sentences for knife possession are set by Parliament.",
    # a story's app, and a bracket inside a line
    "Police urged people to download the StreetSafe app to report places where they feel unsafe.",
    "Have your say on how Wessex spends its knife crime fund, the commissioner urged.",
    "The boy [who cannot be named] was sentenced on Friday.",
    "Warning over fake police officers calling Wessex residents", "This report contains figures for every Wessex force.",
    "Read next month's report for the figures.", "Don't miss the chance to hand in a knife at the amnesty bins.",
    "More than 40 officers searched the park.",
    "Our officers are working hard to keep people safe.", "Click on the link below to report a crime.",
    "Oops, the man said as he dropped the knife.",
    "You are in for a long wait: the court list runs to May.", "A B C D is the order the witnesses gave evidence in.",
    "Read again the terms of the order, the judge told him.", "We want our town centre to be safe at night.",
])
def test_article_lines_that_look_like_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_a_line_is_tried_only_against_the_patterns_its_first_character_can_begin() -> None:
    lines = [line for lines in SHAPES.values() for line in lines]
    eval_docs = Path(__file__).parent / "eval" / "docs"
    lines += [line.strip() for path in sorted(eval_docs.iterdir())[:120] for line in path.read_text("utf-8").split("\n")]
    for line in filter(None, lines):
        stripped = line.strip("*_#>").strip()
        folded = fold_case(stripped)
        whole = len(stripped) <= 200 and "cookie" not in folded and "partners" not in folded
        if whole and _OPENED_RE.match(stripped):
            assert opened(stripped, folded), line


def test_dispatch_by_first_character_keeps_every_alternative() -> None:
    table = patterns_by_first_char([r"(skip|jump) to content", r"\d+ comments|no comments", r"(the )?voice of \w+"],
                                   re.IGNORECASE)
    assert table["s"].match("Skip to content") and table["j"].match("jump to content")
    assert table["4"].match("4 comments") and table["n"].match("No comments")
    assert table["t"].match("The voice of Wessex") and table["v"].match("Voice of Wessex")
    assert "x" not in table


def test_the_first_of_several_logos_names_the_site() -> None:
    line = "Mayor of Wessex logo Wessex Assembly logo"
    assert organisation_named(line) == "Mayor of Wessex" and organisation_kind(line) == "pcc"
    assert organisation_named("Wessex Violence Reduction Unit logo") == "Wessex Violence Reduction Unit"


def _page(*lines: str) -> str:
    return "\n".join(lines)


def test_a_store_line_with_a_caption_or_a_date_has_no_headline() -> None:
    caption = extract_text(_page(" date 2024-05-19 The recovered blade", LEDE, SECOND))
    dated = extract_text(_page(" date 2022-12-17 Saturday, December 17, 2022", LEDE, SECOND))
    assert caption.title.startswith("A 19-year-old man has been charged") and "recovered blade" not in caption.body
    assert dated.title.startswith("A 19-year-old man has been charged")


def test_a_headline_said_again_above_the_text_is_the_title_once() -> None:
    headline = "Mayor announces £2m for summer activities for young people"
    page = extract_text(_page("Skip to main content", "Mayor of Wessex logo", headline, "Created on", "27 July 2023",
                              headline, LEDE, SECOND))
    assert page.title == headline and page.body.startswith("A 19-year-old man")


def test_a_caption_said_with_its_credit_or_run_into_itself_is_furniture() -> None:
    caption = "Commissioner Ann Hale at the launch of the new youth hub in Wessex."
    page = extract_text(_page("Youth hub opens in Wessex town centre", "14:05 03/06/2025", caption + "Picture: Wessex OPCC",
                              caption, LEDE, SECOND))
    doubled = extract_text(_page("Youth hub opens in Wessex town centre", "14:05 03/06/2025",
                                 "Police at the new hubPolice at the new hub", "Police at the new hub", LEDE, SECOND))
    assert page.summary.startswith("A 19-year-old man") and caption not in page.body
    assert "Police at the new hub" not in doubled.body


def test_a_credit_run_into_the_first_sentence_is_parted_from_it() -> None:
    page = extract_text(_page("Man charged after bus station stabbing", "14:05 03/06/2025",
                              "Picture: Wessex Police" + LEDE, SECOND))
    assert page.summary.startswith("A 19-year-old man") and "Picture: Wessex Police" not in page.body


@pytest.mark.parametrize("label", ["Related stories", "Most read", "More from Crime", "You may also like", "Read more",
                                   "Similar News:You can also read news stories like this one from other sources."])
def test_other_stories_listed_after_the_text_are_not_its_text(label: str) -> None:
    listed = ["1. Murder investigation launched after man dies in Wessex", "Teenager charged after knife attack"]
    page = extract_text(_page("Man charged after bus station stabbing", LEDE, SECOND, label, *listed))
    assert page.body.split("\n\n") == [LEDE, SECOND]


def test_a_list_label_above_the_headline_leaves_the_headline_alone() -> None:
    page = extract_text(_page("Latest news", "Man charged after bus station stabbing", LEDE, SECOND))
    assert page.title == "Man charged after bus station stabbing" and page.body.startswith(LEDE)


@pytest.mark.parametrize("marker", ["Hide Ad", "Advertisement", "Hide AdAdvertisement", "ADVERTISEMENT"])
def test_an_advert_marker_run_into_a_paragraph_is_parted_from_it(marker: str) -> None:
    page = extract_text(_page("Man charged after bus station stabbing", "Advertisement", "Hide AdAdvertisement",
                              marker + LEDE, "Advertisement", marker + SECOND))
    assert page.summary.startswith("A 19-year-old man")
    assert page.body.split("\n\n") == [LEDE, SECOND]


@pytest.mark.parametrize("label", ["Funding", "Death notices", "Ledger staff"])
def test_a_label_of_one_or_two_words_is_not_the_title_of_a_page_without_a_headline(label: str) -> None:
    page = extract_text(_page(label, LEDE, SECOND))
    assert page.title.startswith("A 19-year-old man")


@pytest.mark.parametrize("line", ["By Jo Bell, Crime Reporter", "Jo Bell, Crime Reporter",
                                  "Jo Bell Local Democracy Reporter", "Posted by Jo Bell"])
def test_a_byline_is_not_the_title_of_a_page_without_a_headline(line: str) -> None:
    page = extract_text(_page("14:05 03/06/2025", line, LEDE, SECOND))
    assert page.title.startswith("A 19-year-old man") and line not in page.body


def test_a_banner_run_together_with_the_text_is_parted_from_it() -> None:
    banner = ("Quickly exit this site by pressing the Escape key Leave this site We use some essential cookies to make "
              "our website work. You can manage your preferences and cookie settings at any time. Sorry, there was a "
              "technical problem. Please try again. This site is a beta, which means it's a work in progress. Your "
              "feedback helps us make things better, so please let us know what you think.")
    page = extract_text(_page(" date 2025-05-03 " + banner + " " + LEDE, SECOND))
    assert page.summary.startswith("A 19-year-old man") and "cookies" not in page.body
    headed = extract_text(_page(banner, "Man charged after Wessex bus station stabbing", "12:01 03/05/2025", LEDE, SECOND))
    assert headed.title == "Man charged after Wessex bus station stabbing" and headed.summary.startswith("A 19-year-old")


def test_another_story_listed_with_its_date_is_not_the_headline() -> None:
    page = extract_text(_page("Latest news", "Hotspot patrols to return to the city centre for the summer – 12 September 2024",
                              "Man charged after Wessex bus station stabbing", "12:01 03/05/2025", LEDE, SECOND))
    assert page.title == "Man charged after Wessex bus station stabbing"


def test_a_site_name_that_opens_a_furniture_line_stays_the_site_name() -> None:
    page = extract_text(_page("Trent Valley News", "Knife arch at station finds four blades in a week", LEDE,
                              "Trent Valley News is not responsible for the content of external sites.", SECOND))
    assert page.publisher == "Trent Valley News" and page.publisher_kind == "news"


@pytest.mark.parametrize("line", [
    "This article is more than 2 years old", "This page has been archived and is no longer updated.",
    "You are viewing an archived page.", "2 min read", "Estimated reading time: 3 minutes", "Gift this article",
    "Get the latest news from Wessex straight to your phone", "Download our free app for the latest news",
    "JavaScript is disabled in your browser.", "Advertising will end in 5 seconds", "Report this ad",
    "·4-min read", "6-minute read", "Dana Whitlock, PA", "Omar Haddad, Reuters", "Kit Marlow, PA Media",
    "2 Officers sealed off the street after the attack Credit: wessex sun",  # a gallery's numbered caption
])
def test_notices_of_age_reading_time_apps_and_adverts(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", ["This article was published by the force in May.", "Save the date: knife crime summit",
                                  "Close to 100 knives handed in at Wessex station", "Most violent crime in Wessex falls",
                                  "Police were called to Spa Road, Ap", "Officers thanked Paul, PA"])
def test_text_that_opens_like_those_notices(line: str) -> None:
    assert not is_furniture(line)


def test_a_menu_with_items_of_several_words_is_furniture_and_no_headline() -> None:
    page = extract_text(_page(" date 2025-03-02 News Things to do Sport Lifestyle E-Edition", "Man charged after bus station stabbing",
                              LEDE, "- Advertisement -", SECOND))
    assert page.title == "Man charged after bus station stabbing" and "Advertisement" not in page.body
    assert not is_furniture("Things To Do This Weekend In Wessex")


def test_a_headline_ending_with_a_quoted_phrase_is_the_title_not_the_first_paragraph() -> None:
    page = extract_text(_page("Officers face down man armed with ‘huge kitchen knife’", LEDE, SECOND))
    assert page.title == "Officers face down man armed with ‘huge kitchen knife’"
    assert page.summary.startswith("A 19-year-old man") and not page.body.startswith("Officers face")


WRAPPED = """Officers seize blades after stop in Wessex town centre

by Newsdesk

Officers took five knives off the streets after stopping a man in Castle Street, Wessex, late
on Friday night.

The man, 31, was stopped outside the bus station at about 10.40pm on Friday (6
June) after a passer-by reported seeing a blade in his waistband.

A search found a lock knife in his pocket and four more kitchen knives in a bag, and he was
arrested on suspicion of possessing bladed articles in a public place.

Inspector Ruth Calloway said: "Every blade we take away is one that cannot hurt someone, and we
are grateful to the member of the public who called us."
"""


def test_hard_wrapped_paragraphs_are_read_as_paragraphs() -> None:
    page = extract_text(WRAPPED)
    paragraphs = page.body.split("\n\n")
    assert page.title == "Officers seize blades after stop in Wessex town centre"
    assert paragraphs[0] == ("Officers took five knives off the streets after stopping a man in Castle Street, Wessex, "
                             "late on Friday night.")
    assert "Friday (6 June) after a passer-by" in page.body and "called us.\"" in paragraphs[-1]
    assert len(paragraphs) == 4


def test_a_headline_over_a_byline_in_lower_case_is_not_a_wrapped_line() -> None:
    page = extract_text(_page("Teenager arrested after man stabbed near Wessex flats", "author", "By: Jo Bell", LEDE,
                              SECOND))
    assert page.title == "Teenager arrested after man stabbed near Wessex flats"


def test_a_sites_name_with_its_initials_after_it_is_furniture_and_names_the_publisher() -> None:
    page = extract_text(_page("Police and Crime Commissioner for Wessex | WPCC",
                              "Commissioner responds to new funding for knife crime patrols", "4 March 2026", LEDE, SECOND))
    assert page.title == "Commissioner responds to new funding for knife crime patrols"
    assert (page.publisher, page.publisher_kind) == ("Police and Crime Commissioner for Wessex", "pcc")


@pytest.mark.parametrize("line", [
    "Statutory guidance", "Research and analysis", "Closed consultation", "Request an accessible format.",
    "This file may not be suitable for users of assistive technology.",
    "If you use assistive technology (such as a screen reader) and need a version of this document in a more "
    "accessible format, please email formats@wessex.gov.uk. Please tell us what format you need. It will help us if "
    "you say what assistive technology you use.",
])
def test_gov_uk_kinds_of_document_and_format_notes_are_furniture(line: str) -> None:
    assert is_furniture(line)


def test_a_headline_taken_from_a_list_item_has_no_bullet() -> None:
    page = extract_text(_page("• Man charged after bus station stabbing in Wessex", LEDE, SECOND))
    assert page.title == "Man charged after bus station stabbing in Wessex"


_LONG_CAPTION = ("Detective Chief Superintendent Ray Cole says officers are using stop and search led by intelligence, "
                 "weapons sweeps in parks and knife arches at stations, and are targeting people known to carry blades")


@pytest.mark.parametrize("line", [
    f"Wessex Recorder: {_LONG_CAPTION}. Picture: Sam Lane{_LONG_CAPTION}. Picture: Sam Lane (Image: Northgate Media)",
    f"{_LONG_CAPTION}. Photo: Sam Lane{_LONG_CAPTION}. Photo: Sam Lane",
])
def test_a_long_caption_run_into_its_own_copy_with_its_credit_is_furniture(line: str) -> None:
    assert len(line) > 300 and is_furniture(line)


def test_a_long_paragraph_that_names_a_picture_is_not_furniture() -> None:
    line = (f"{_LONG_CAPTION}, the force said. Picture: a boy of 15 who carries a knife because his friends do, and "
            "who would never think of himself as part of a gang; that is who the officers meet most weeks, and who the "
            "programme was set up to reach, the detective told a meeting of the partnership board on Tuesday.")
    assert len(line) > 400 and not is_furniture(line)


def test_a_headline_taken_from_a_table_cell_has_no_rules() -> None:
    """An alert message's layout table leaves a cell's rule after its headline."""
    page = extract_text(_page("|", "Man charged after bus station stabbing in Wessex |", LEDE, SECOND))
    assert page.title == "Man charged after bus station stabbing in Wessex"


@pytest.mark.parametrize("line", [
    "Follow Wessex and Downs news on BBC Sounds, Facebook, external, Instagram, external and X, external.",
    "Hear all the latest news from across the UK on the hour, every hour, on Wessex Radio on DAB.",
    "Read more of today's top stories here", "Sign in to comment", "Send us your news", "Notify of", "Inline Feedbacks",
    "View all comments", "This article contains affiliate links", "Getty Images", "PA Media", "Pic: Wessex Police",
    "Default Text Size icon Large Text Size icon Largest Text Size icon",
    "Set your Postcode This will personalise pages such as news and events with the latest from your area.",
    "Can't connect right now! retry", "add The Wessex Herald to homescreen", "Got it!",
    "tap to bring up your browser menu and select 'Add to homescreen' to pin the web app",
])
def test_prompts_credits_and_comment_widgets_are_furniture(line: str) -> None:
    assert is_furniture(line)
    page = extract_text(_page(line, "Man charged after bus station stabbing", LEDE, SECOND))
    assert page.title == "Man charged after bus station stabbing" and page.summary.startswith("A 19-year-old man")


def test_a_headline_said_twice_in_a_row_at_the_top_is_the_title_not_a_caption() -> None:
    headline = "Court staff seize hundreds of blades at security checks"
    page = extract_text(_page("logo", headline, headline, "Wessex News2 days ago", LEDE, SECOND))
    assert page.title == headline and page.summary.startswith("A 19-year-old man")
    captioned = extract_text(_page("Man charged after bus station stabbing", "Officers at the bus station on Friday",
                                   "Officers at the bus station on Friday", LEDE, SECOND))
    assert captioned.title == "Man charged after bus station stabbing" and "Officers at the bus" not in captioned.body


def test_a_skip_link_however_direct_is_no_headline() -> None:
    page = extract_text(_page(" date 2025-05-18 Jump directly to the content", "Man charged after bus station stabbing",
                              LEDE, SECOND))
    assert page.title == "Man charged after bus station stabbing"


@pytest.mark.parametrize(("line", "title"), [
    ("Wessex News24 | Man charged after bus station stabbing", "Man charged after bus station stabbing"),
    ("Operation Sceptre | Man charged after bus station stabbing", "Operation Sceptre | Man charged after bus station "
     "stabbing"),
    ("Man charged after bus station stabbing - Wessex Echo", "Man charged after bus station stabbing"),
    ("Man charged after a stabbing near the bus station in Wessex town | United Kingdom | News",
     "Man charged after a stabbing near the bus station in Wessex town"),
    ("Man charged after a stabbing near the bus station in Wessex town | Crime | Wessex Echo",
     "Man charged after a stabbing near the bus station in Wessex town"),
    ("Man charged after bus station stabbing | UK news", "Man charged after bus station stabbing"),
    ("Man charged after bus station stabbing | News | Wessex Echo", "Man charged after bus station stabbing"),
    ("News - Man charged after bus station stabbing", "Man charged after bus station stabbing"),
    ("Crime | Man charged after bus station stabbing", "Man charged after bus station stabbing"),
    ("Agenda item - Serious Violence Duty Strategy 2025-2028", "Serious Violence Duty Strategy 2025-2028"),
    ("Stab vests - donated by a Wessex firm to its officers", "Stab vests - donated by a Wessex firm to its officers"),
    ("Jailed: the gang that ran drug lines - and how they were caught", "Jailed: the gang that ran drug lines - and how "
     "they were caught"),
])
def test_a_papers_or_sections_name_after_the_headline_is_not_the_title(line: str, title: str) -> None:
    assert extract_text(_page(line, LEDE, SECOND)).title == title


def test_a_sites_notice_of_its_own_faults_and_a_date_badge_are_not_the_title() -> None:
    page = extract_text(_page("Website issues", "We're currently experiencing some issues with our website. You may find "
                              "information missing from pages. We apologise for the inconvenience.", LEDE, SECOND))
    assert page.title.startswith("A 19-year-old man") and page.summary.startswith("A 19-year-old man")
    badged = extract_text(_page("12 Mar Man charged after bus station stabbing", LEDE, SECOND))
    assert badged.title == "Man charged after bus station stabbing"


def test_a_short_title_under_its_kind_of_document_stays_the_title_when_an_attachment_repeats_it() -> None:
    """A GOV.UK publication: its kind over its title over its summary, then its documents, the first named by
    the title again. A short line said twice is otherwise read as a caption or a banner."""
    summary = "Partners in each area must plan together to prevent knife crime and exploitation among young people."
    page = extract_text(_page("Policy paper", "Youth Violence Plan", summary, "Documents", "Youth Violence Plan",
                              "Request an accessible format.", "Details", LEDE))
    assert page.title == "Youth Violence Plan" and page.summary == summary
    assert "Youth Violence Plan" not in page.body
    # A short line said twice, not between a kind of document and the first prose, is still a banner
    banner = extract_text(_page("Press release", "Wessex Police", "12 May 2025", "Man charged after bus station stabbing",
                                LEDE, "Wessex Police"))
    assert banner.title == "Man charged after bus station stabbing" and "Wessex Police" not in banner.body


@pytest.mark.parametrize(("kind", "content"), [
    ("fragment", "<p>{lede}</p><p>{second} &hellip; <a href='/more'>Read more</a></p>"),
    ("fragment", "<p>{lede}</p><p>{second} <a href='/more'>Continue reading...</a></p>"),
    ("fragment", "<p>{lede}</p><p>{second} [&hellip;]</p><p>The post Man charged appeared first on Wessex Echo.</p>"),
    ("text", "Man charged after bus station stabbing\n\n{lede}\n\n{second} Read the full story »\n"),
    ("text", "Man charged after bus station stabbing\n\n{lede}\n\n{second} (more…)\n"),
])
def test_a_closing_prompt_to_read_on_leaves_the_text_and_the_summary(kind: str, content: str) -> None:
    from digest.extract import extract
    from digest.models import Document

    page = extract(Document("wessex", content.format(lede=LEDE, second=SECOND).encode(), kind, title_hint="Man charged"))
    assert page.body == f"{LEDE}\n\n{SECOND}" and page.summary == f"{LEDE} {SECOND}"[:len(page.summary)]
    assert not re.search(r"read|more|…|\[", page.summary.removeprefix(LEDE), re.I)


def test_an_excerpt_cut_mid_sentence_keeps_its_ellipsis_and_a_sentence_about_reading_is_text() -> None:
    from digest.furniture import without_read_on

    assert without_read_on("Officers said a 16-year-old boy was [...]") == "Officers said a 16-year-old boy was…"
    assert without_read_on("Officers said a 16-year-old boy was… Read more") == "Officers said a 16-year-old boy was…"
    for text in ("The school asked parents to read more about the scheme on its website.",
                 "Read more about the knife amnesty on the force's website before Friday.",
                 "He said: “We will keep going… we owe it to the family.”"):
        assert without_read_on(text) == text


def test_a_pictures_caption_above_the_headline_is_not_the_title() -> None:
    """A blog's picture caption, a whole clause without its full stop, over the headline and its date."""
    page = extract_text(_page("Boxing clubs across the whole county can give bored teenagers somewhere safe to go after school",
                              "£300,000 for youth clubs to steer teenagers away from knife crime", "12 June 2024",
                              "The Commissioner has awarded £300,000 to youth clubs in Wessex so that more teenagers "
                              "are steered away from knife crime.", SECOND))
    assert page.title == "£300,000 for youth clubs to steer teenagers away from knife crime"


def test_a_blog_themes_viewing_line_gives_the_title_and_its_post_labels_stay_out() -> None:
    page = extract_text(_page("You are currently viewing Knife arches return to Wessex stations", "Arches image by wessexlens",
                              "  • Reading time:3 mins read", "  • Post category:Community News", "", LEDE, SECOND))
    assert page.title == "Knife arches return to Wessex stations" and page.body == f"{LEDE}\n\n{SECOND}"


def test_a_content_systems_stamp_run_into_a_flattened_page_dates_it_and_leaves_its_text() -> None:
    page = extract_text(_page(f"Submitted by sam on Sun, 07/12/2025 - 08:03 {LEDE} {SECOND}"))
    assert page.published == date(2025, 12, 7)
    assert "Submitted by" not in page.title + page.body and page.body.startswith(LEDE[:40])


def test_a_committee_pages_agenda_item_gives_its_title_not_the_report_line_under_it() -> None:
    """A council's committee system: "Agenda item", the item's title, then the report's label or author."""
    summary = "The board agreed a three-year plan to cut knife crime and exploitation among young people in Wessex."
    labelled = extract_text(_page("Agenda item", "Youth Violence Plan", "Report: Youth Violence Plan",
                                  "Presented by Councillor Sam Lane, Cabinet Member for Communities", summary,
                                  "Report: Youth Violence Plan", "Supporting documents:"))
    assert labelled.title == "Youth Violence Plan" and labelled.summary == summary
    authored = extract_text(_page("Agenda item", "Youth Violence Plan", "Report of the Chief Executive.", "Minutes:",
                                  summary))
    assert authored.title == "Youth Violence Plan"


def test_a_papers_name_on_the_store_line_names_the_publisher_and_is_not_the_title() -> None:
    page = extract_text(_page(" date 2026-07-09 Wessex Echo", "Man charged after bus station stabbing", LEDE, SECOND))
    assert (page.publisher, page.publisher_kind) == ("Wessex Echo", "news")
    assert page.title == "Man charged after bus station stabbing" and str(page.published) == "2026-07-09"


def test_an_autoblogs_advert_box_and_link_on_say_an_aggregator_published_it() -> None:
    page = extract_text(_page("Wessex Daily News | Man charged after bus station stabbing", "2 hours ago 3",
                              "ARTICLE AD BOX", LEDE, SECOND, "Read Entire Article"))
    assert page.publisher_kind == "other" and page.title == "Man charged after bus station stabbing"


def test_other_stories_listed_without_a_label_each_with_how_long_ago_are_not_the_text() -> None:
    teasers = ["Dealers jailed after £3m cocaine found in lorry", "Two men were jailed at Wessex Crown Court on Monday.",
               "about 5 hours ago", "Council agrees new parking charges for the seafront",
               "Charges will rise by 50p an hour from April, the council said.", "1 day ago"]
    page = extract_text(_page("Man charged after bus station stabbing", LEDE, SECOND, *teasers,
                              "Anyone with information should call 101."))
    assert page.body == f"{LEDE}\n\n{SECOND}\n\nAnyone with information should call 101."
    assert page.publisher_kind == "news"  # lists of other stories with their times are a news site's
    own = extract_text(_page("Man charged after bus station stabbing", "A man was hurt in the town centre.",
                             "2 hours ago", LEDE, SECOND))
    assert own.title == "Man charged after bus station stabbing" and own.body.startswith("A man was hurt")


def test_a_headline_saying_whom_it_quotes_is_the_title_over_its_standfirst() -> None:
    lede = ("A 34-year-old man was shot in both legs in an alleyway in Wessex on Tuesday night, and detectives are "
            "treating it as a punishment attack.")
    page = extract_text(_page("Man shot in the legs in Wessex alleyway, police say",
                              "Detectives describe the punishment attack in the Wessex alleyway as cowardly and brutal",
                              lede, SECOND))
    assert page.title == "Man shot in the legs in Wessex alleyway, police say"


def test_the_line_after_an_image_caption_label_is_the_caption_not_the_headline() -> None:
    lede = "Three knives were found when officers set up a knife arch at the bus station in Wessex during a week of action."
    page = extract_text(_page("Wessex Radio News", "Image source, Wessex Police", "Image caption,",
                              "Officers used a knife arch at the Wessex bus station during the week of action on knives",
                              "Knife arch at bus station finds three blades", lede, SECOND))
    assert page.title == "Knife arch at bus station finds three blades"
    assert "during the week of action on knives" not in page.body


def test_a_wrapped_line_going_on_with_an_ampersand_is_one_paragraph() -> None:
    page = extract_text(_page("Youth mentoring scheme grows", "",
                              "In 2024 the partnership published its violence strategy, and the scheme took its first",
                              "& second groups of young people, who were each matched with a mentor for six months.",
                              "", SECOND))
    assert page.title == "Youth mentoring scheme grows" and page.summary.startswith("In 2024 the partnership published")
    assert "first & second groups" in page.body


def test_a_date_over_the_sites_name_is_the_day_it_was_fetched_and_a_section_is_no_masthead() -> None:
    fetched = extract_text(_page("04/26/2024", "Wessex News Online", "Man charged after bus station stabbing", LEDE, SECOND))
    assert fetched.published is None and fetched.title == "Man charged after bus station stabbing"
    section = extract_text(_page("World News", "Man charged after bus station stabbing", LEDE, SECOND))
    assert section.publisher is None


def test_other_stories_under_a_dont_miss_label_are_not_the_text() -> None:
    page = extract_text(_page("Man charged after bus station stabbing", LEDE, "DON’T MISS:",
                              "Council tax to rise by five per cent in Wessex [REPORT]",
                              "Minister urged to act on potholes before winter [OPINION]", SECOND))
    assert page.body == f"{LEDE}\n\n{SECOND}"


def test_a_reporters_name_over_their_role_is_a_byline_not_the_text() -> None:
    page = extract_text(_page("Man charged after bus station stabbing", "Sam Lane", "Former Home Affairs Editor", LEDE,
                              SECOND))
    assert page.body == f"{LEDE}\n\n{SECOND}"
    kept = extract_text(_page("Man charged after bus station stabbing", LEDE, "Jo Bell", "Sam Lane", SECOND))
    assert "Jo Bell" in kept.body  # a name without a role under it is not dropped


def test_a_summarys_bullet_points_under_the_headline_are_not_it() -> None:
    page = extract_text(_page("Boy, 15, arrested after two teenagers stabbed near Wessex bus station",
                              "- The boys were stabbed near the bus station at about 11pm on Saturday",
                              "- One remains in hospital in a serious condition",
                              "- Wessex Police confirmed the arrest on Monday evening", LEDE, SECOND))
    assert page.title == "Boy, 15, arrested after two teenagers stabbed near Wessex bus station"
    listed = extract_text(_page("- Man charged after bus station stabbing", "- Patrols stepped up in the town centre",
                                LEDE, SECOND))
    assert listed.title == "Man charged after bus station stabbing"


def test_a_link_to_another_story_run_into_the_text_is_taken_out_of_it() -> None:
    page = extract_text(_page("Boy charged after machete found in Wessex park",
                              "A 16-year-old boy has been charged with possession of a bladed article in a public "
                              "place.READ MORE: Man shot in the leg in horror attack near Wessex station He will appear "
                              "in court in November, police said.", SECOND))
    assert "shot" not in page.body and "READ MORE" not in page.body
    assert "public place." in page.body and "He will appear in court in November, police said." in page.body


def test_a_reports_paragraph_number_is_not_part_of_its_summary() -> None:
    page = extract_text(_page("Community safety plan 2025-2028",
                              "1. This report asks the cabinet to approve the borough's plan for preventing serious "
                              "violence over the next three years.", "2. The plan was drawn up with the police."))
    assert page.summary.startswith("This report asks the cabinet")
    dotted = extract_text(_page("Community safety plan 2025-2028",
                                "1.1 The partnership agreed its definition of serious violence in the spring.", SECOND))
    assert dotted.summary.startswith("The partnership agreed")
    kept = extract_text(_page("Minister visits knife crime project", "10 Downing Street said the visit was private.",
                              SECOND))
    assert kept.summary.startswith("10 Downing Street")


def test_a_publications_subscription_box_says_a_newsroom_published_the_page() -> None:
    page = extract_text(_page("Why are fewer people hurt in fights?", LEDE, "Subscribe to The Wessex Weekly",
                              "Sign up for The Wessex Weekly's free newsletters", SECOND))
    assert page.publisher_kind == "news" and "Subscribe" not in page.body
    commissioner = extract_text(_page("Why are fewer people hurt in fights?", LEDE, "Subscribe",
                                      "Sign up for the Commissioner's free newsletters", SECOND))
    assert commissioner.publisher_kind != "news"


def test_a_standfirst_said_again_as_the_first_paragraph_is_the_text_once() -> None:
    lede = "WESSEX officers have been praised for disarming a man with a machete outside a school."
    page = extract_text(_page("Officers praised for bravery", lede, lede, SECOND))
    assert page.body == f"{lede}\n\n{SECOND}" and page.summary.startswith("WESSEX officers have been praised")


def test_a_sites_notice_that_it_is_blocked_where_the_reader_is_says_a_newsroom_published_it() -> None:
    page = extract_text(_page("Oops.", "Our website is temporarily unavailable in your location.",
                              "Officers honoured for bravery", LEDE, SECOND))
    assert page.publisher_kind == "news" and page.title == "Officers honoured for bravery"
