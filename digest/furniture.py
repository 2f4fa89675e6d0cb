"""Site furniture: whole lines of a stored page that are never article text, a title or a summary.

Consent and access banners, service banners, newspaper chrome (mastheads' slogans, navigation
trails, section labels, video prompts, ad markers), portal chrome (logo lines, a phone-number
header, a lone "|"), bylines without a date, captions' credits, feed mirrors' footers and
sharing, printing and searching links. The rules are shapes seen across many publishers
(../shared/research/real-shapes.md), never the wording of one page.
"""

from __future__ import annotations

import re
from functools import lru_cache

from digest.captions import credited_caption, said_again_after_its_credit
from digest.furniture_openings import DOCUMENT_KIND, opened
from digest.phrases import holds_any
from digest.text import MASTHEAD, SECTION, SECTION_NEWS, TITLE_CASE_LITTLE_WORDS, fold_case

# Shapes that do not begin with a fixed word.
_SLOGAN = re.compile(r"^(?:\S+\s+){0,7}(?:since|est\.?|established|founded)\s+(?:in\s+)?(?:1[5-9]\d\d|20\d\d)$", re.I)
# A site's description of itself: "Hull's news, every day", "Local news for South Cheshire".
_SITE_LINE = re.compile(r"^(?:(?:the|your)\s+)?(?:(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*['’]s\s+|(?:local|community|latest|breaking|independent|"
                        r"daily|weekly|trusted|favourite|award-winning)\s+)+(?:news|voice|newspaper|paper|news source|news website)\b"
                        r"(?:,?\s+(?:for|from|in|across|every|and|since|on)\b[^.!?]*)?$|"
                        r"^(?:your|our) \w+[.,!]? (?:your|our) \w+[.!]?$|^(?:the )?(?:voice|heart|pride|paper) of [^.!?]{2,40}$|"
                        r"^news,? views?,? (?:and |& )?(?:sport|events|more)\b[^.!?]*$", re.I)
# Menu items set apart by runs of spaces: "Home  World  UK  Entertainment".
_MENU_WORDS = r"[A-Z&][^.!?,\s]*(?: (?:[A-Z&][^.!?,\s]*|and|of)){0,2}"
_SPACED_MENU = re.compile(rf"^{_MENU_WORDS}(?: {{2,}}{_MENU_WORDS}){{3,}}$")
_SPACED_APART = r"(?:(?:\s*[^\w\s])+\s*| {2,})"  # marks between words of spaced letters, or a wide gap
_LETTER_SPACED = re.compile(rf"\w(?: \w){{3,}}(?:{_SPACED_APART}\w(?: \w){{3,}})*{_SPACED_APART}?$")
# Icon names between a breadcrumb's items: "Home chevron-right News chevron-right Crime".
_ICON_NAME = re.compile(r"\b(?:chevron|arrow|caret|angle)-(?:right|left|down|up)\b", re.I)
# A consent banner's sentences, wherever they begin.
_CONSENT = re.compile(r"\bcookies?\b.*\b(?:set|use|store|accept|reject|manage|customi[sz]e|allow|preferences|settings|"
                      r"consent)\b|\b(?:set|use|store|accept|reject|manage|allow)\b.*\bcookies?\b|store and/or access "
                      r"information|legitimate interest|your choices apply|manage your choices|change your choices|"
                      r"how your data is used|precise geolocation", re.I)
# In fold_case(line): one of these is in every match of _CONSENT (all found in one pass).
_CONSENT_WORDS = ("cookie", "store and/or", "legitimate interest", "your choices", "your data", "geolocation")
_LOGO = re.compile(r"^.{2,100}\b(?:logo|crest|emblem)(?: image| icon)?$", re.I)
_MIRROR = re.compile(r"^the post\b.{1,300}\bappeared first on\b.{1,100}$", re.I)
_CREDIT = re.compile(r"(?:\bcopyright\b|©|\(c\)\s+\d{4})", re.I)
_PHONE = re.compile(r"(?:\+44\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
# A menu run together on one line: "Home News Sport Business What's On Jobs" (most of its words are menu items).
_LOWER_WORD = re.compile(r"\s[a-z]")  # a word without a capital, which no menu item is
_MENU_PHRASES = re.compile(r"\b(?:Things to do|What['’]s on|Family notices|Public notices)\b")
_MENU_ITEMS = frozenset(("things", "e-edition", "home", "news", "sport", "sports", "business", "opinion", "lifestyle", "entertainment",
                        "jobs", "weather", "contact", "crime", "politics", "health", "education", "property",
                        "motoring", "puzzles", "obituaries", "announcements", "events", "video", "videos",
                        "podcasts", "community", "travel", "subscribe", "newsletters", "advertise", "about",
                        "courts", "features", "what's", "on", "more"))
_POSTAL_ADDRESS = re.compile(r"(?:,|\bPO Box\b).*\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}$")  # "Police HQ, Sandford Road, Wessex WX1 2AB"
_ICON = re.compile(r"^(?:(?:icon|arrow|chevron|caret|svg|fa)[-_][\w-]+|chevron|caret)(?:\s+(?:icon|arrow|chevron|caret)[-_]?[\w-]*)*$",
                   re.I)
# A menu or a breadcrumb trail: three or more short items between "|" or "/", or two or more between
# ">", "›" or "»" ("Carlisle | Penrith | Lakes", "Community and living > Community safety").
_MENU_ITEM = r"[^|/>›»·•→❯.!?]{1,40}"
_MENU = re.compile(rf"^{_MENU_ITEM}(?:\s[|/·•]\s{_MENU_ITEM}){{2,}}$|^{_MENU_ITEM}(?:\s?[>›»❯]\s?{_MENU_ITEM}){{1,}}$|"
                   rf"^{_MENU_ITEM}(?:\s?→\s?{_MENU_ITEM}){{2,}}$")  # an arrow in a sentence ("click A → B") is no trail
_MENU_MARK = re.compile(r"[|/>›»·•→❯]")  # one of which every _MENU line has
# A line that is only an organisation's name: the site's name above its pages.
_ORG_NAME = re.compile(
    r"^(?:(?:Office of|The)\s+)?(?:(?:[A-Z][\w'’.-]*,?|&|and|of|for|the|on|upon|[–-])\s+){0,9}"
    r"(?:Commissioner|Council|Constabulary|Police|Unit|Partnership|Authority|Agency|Office|Network|Service|Cymru|"
    r"Alliance|Board)$|^(?:Office of the\s+)?(?:Police,? (?:Fire )?and Crime Commissioner|Deputy Mayor|Mayor|"
    r"Violence Reduction Unit|Police Service|Fire and Rescue Service) (?:for|of) (?:[A-Z][\w'’-]*|and|&)(?:\s+(?:[A-Z][\w'’-]*|and|&)){0,5}$")
_INITIALS_AFTER = re.compile(r"\s+[|–—-]\s+[A-Z][A-Z&]{1,9}$")
# A picture's caption that only names who is in it: "Wessex Police and Crime Commissioner Dana Whitfield."
_NAMED_CAPTION = re.compile(r"^(?:(?:[A-Z][\w'’.-]*|and|of|for|the|&)\s+){2,11}[A-Z][\w'’-]+\.$")
_ROLE = re.compile(r"\b(?:Commissioner|P?CC|PCSO|DCI|Supt|Insp|Sgt|Constable|Inspector|Sergeant|Superintendent|Officer|"
                   r"Chief|Mayor|Councillor|Cllr|MP|Minister|Secretary|Director|Manager|Leader|Detective|Dr|Professor|"
                   r"Chair\w*|Coordinator|Founder|Head|Deputy)\b")
# Where someone stands in a picture, in its caption: "Dana Whitfield (centre) with the youth panel", "(L-R)".
_PICTURE_PLACE = re.compile(r"\((?:(?:second |third |fourth |far )?(?:from )?(?:left|right|centre|center)|l-r|l to r)\)", re.I)
# A reporter's role alone on its line, under a byline: "Crime reporter", "Local democracy reporter".
# A reporter's role under their name, or after it: "Home Affairs Editor", "Priya Nair, Birmingham reporter".
_NAMED = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}"  # a person's name
_ROLE_LINE = re.compile(rf"^(?:(?:{_NAMED},\s+)?(?:[\w-]+\s+){{0,3}}(?:reporter|correspondent|editor)s?|"
                        rf"(?-i:{_NAMED},\s+(?:PA(?: Media)?|Press Association|Reuters|AFP|AP)))$", re.I)  # "Sam Lane, PA"
_PERSON = re.compile(rf"^{_NAMED}$")
_ROLE_ENDS = ("reporter", "reporters", "correspondent", "editor", "pa", "media", "association", "reuters", "afp", "ap")
# A sentence's verb, which a headline or a caption does without: "(left) and Jo Bell were jailed" is a
# sentence of the text; "Police say the attack was targeted" a standfirst (digest.headline).
SENTENCE_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|been|will|would|could|should|can|cannot|must|might|says?|said|told|believes?|"
                           r"believed)\b", re.I)
_DAYS_FROM_TODAY = re.compile(r"^\d+ (?:days|weeks|months) (?:from|before|after) today is\b", re.I)
STAMP_LABEL = r"(?:last\s+)?(?:updated|published|posted)"  # a stamp of how long ago: "2 hours ago", "Updated 35 mins ago"
_RELATIVE_STAMP = re.compile(r"^\(?(?:" + STAMP_LABEL + r":?\s+|[A-Z][\w. ]{0,30}[A-Za-z.](?=\d))?(?:(?:about|around|over|nearly|just|less than)\s+)?"
                             r"(?:(?:\d{1,2}|an?|one)\s+(?:days?|hours?|hrs?),?\s+)?(?:\d{1,2}|an?|one)\s+"
                             r"(?:(?:months?|years?|yrs?)\s+ago|(?:sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|days?|weeks?)(?:\s+ago)?)"
                             r"\)?(?:\s+\d{1,3})?$", re.I)
# A picture standing in for one, or its library's label: "editorial image", "File photo", "Staff/Voice photos".
_PLACEHOLDER = re.compile(r"^(?:editorial|stock|file|library|archive|generic|illustrative|staff|submitted|handout|supplied|"
                          r"contributed)(?:/\w+)? (?:image|photo|picture|pic|photograph)s?(?: of [^.!?]{1,80})?$|"
                          r"^(?:[A-Z][\w&'’.-]*\s+){1,4}handout(?: (?:image|photo|picture)s?)?$|"
                          r"[.!?]\s*(?:Stock|File|Library|Archive|Generic|Editorial) (?:image|photo|picture|pic)s?\.?$", re.I)
# A credit from a picture library or a platform: "Perth station - by Jo Reid via Flickr".
_VIA_CREDIT = re.compile(r"[\s(–-](?:by\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}\s+)?via\s+(?:Flickr|Wikimedia(?: Commons)?|"
                         r"Unsplash|Getty(?: Images)?|Shutterstock|Alamy|Instagram|Twitter|Facebook|PA(?: Media| Wire)?|"
                         r"Google(?: Street View)?)\)?$")
_PICTURE_ID = re.compile(r"\b[A-Z]{2,5}-\d{6}-\d{6,}$")  # an agency's picture number closing a caption
# A picture's credit: "Knives image by stevepb", "Photo by Jo Bell on Unsplash", "Picture courtesy of Wessex Police".
_PICTURE_BY = re.compile(r"^(?:[\w'’-]+\s+){0,3}(?i:photo(?:graph)?s?|images?|pictures?|pics?|illustrations?)\s+(?i:by|courtesy\s+of)"
                         r"\s+(?:[A-Z][\w'’.-]*|[a-z0-9_.-]+)(?:\s+[A-Z][\w'’.-]*){0,3}(?:\s+(?i:on|from|via)\s+[A-Z][\w.]*)?$")
# A link to a document: "Draft strategy 2024 to 2027 (PDF, 1.1MB)", "Minutes PDF 112 KB".
_ATTACHMENT = re.compile(r"\((?:PDF|DOCX?|XLSX?|ODT|ODS|CSV|PPTX?)\b[^()]*\)$|\b(?:PDF|DOCX?|XLSX?)\s*,?\s*\d+(?:\.\d+)?\s?[KM]B\b")
# A council's or a force's task link: "Check your bin day", "Report a missed bin", "Apply for a road closure".
_TASK = re.compile(r"^(?:report|apply|pay|check|book|request|renew|find|register) (?:a|an|for|your|my|if|whether|out|to) "
                   r"[^.!?]{1,50}$", re.I)
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)  # a page's address printed alone
_ARCHIVES = re.compile(r"^(?:[\w&'’]+ ){1,3}Archives?$")  # a section's archive: "Crime Archives"
# An all-capitals line of calls: "SIGN UP TO OUR NEWSLETTERS LISTEN TO OUR PODCASTS", "SUBSCRIBE AND SAVE".
_CALLS_IN_CAPS = re.compile(r"\b(?:SIGN UP|SUBSCRIBE|LISTEN (?:TO|LIVE|NOW)|WATCH (?:LIVE|NOW|MORE)|NEWSLETTERS?|PODCASTS?|"
                            r"SHARE (?:ON|THIS))\b")
_LINK_ARROW = re.compile(r"^[^.!?»›]{1,50}\s?[»›]$")  # a link on to more: "Læs mere »"
# A byline with the reporter's address: "- By Sam Lane slane@example.co.uk", "By: Jo Bell jbell@example.com".
_BYLINE_EMAIL = re.compile(r"^(?:[-•·]\s*)?(?:[Bb]y:?\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}\s+\S+@\S+\.\w+$")
_ICON_ROW = re.compile(r"^(?:(?:[\w'’-]+ ){0,4}icon\b\s*){2,}$", re.I)  # names of icons, each ending in "icon"
_ALT_TEXT = re.compile(r"\ban icon of\b|\bicon:\s", re.I)
_BYLINE = re.compile(r"^(?:[Bb]y|[Ww]ritten by|[Ww]ords by):?\s+(?:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
                     r"(?:\s*[,|-]\s*[\w ]{0,40})?|[a-z][a-z0-9_.]{2,30})$")  # a name, or a site's user name
_SEPARATORS = "|•·⋅/\\-–—_*~=:;,. »›«‹◦▪■□●○◆◇►▶→❯…"
# A call to install a paper's or a station's app, wherever it stands in its line (with news to get from it).
_APP_PROMPT = re.compile(r"\b(?:download|get|install) (?:the|our) (?:free )?(?:[\w'’&-]+ ){0,4}app\b", re.I)
_HEADER_WORDS = 14  # a phone-number or address header is short


@lru_cache(maxsize=8192)  # a site's furniture recurs on every page of it, and many a release's closing lines
def is_furniture(line: str) -> bool:
    """Whether a whole line is site furniture."""
    stripped = line.strip().strip("*_#>").lstrip("•·▪◦‣").strip()  # a list's bullet: its item is what counts
    if not stripped:
        return False
    folded = fold_case(stripped)
    if folded.count("icon") >= 2 and (_ALT_TEXT.search(stripped) or _ICON_ROW.match(stripped)):
        return True  # a row of icons' text: "Calendar An icon of a calendar page. Close An icon of...",
        # "Default Text Size icon Large Text Size icon"
    if len(stripped) >= 400:
        return said_again_after_its_credit(stripped)  # a long caption run into its own copy; no other line so long
    if not stripped.strip(_SEPARATORS):
        return True  # "|", "•", "···": a separator
    if stripped[0] == "|" and len(stripped) <= 60 and "|" not in stripped[1:] and not stripped.endswith("."):
        return True  # a separator before a page's section labels: "|News, Violent crime"
    if (headline := _title_line_headline(stripped)) is not None:
        return is_furniture(headline)  # "News - X", "X | News | Wessex Echo": furniture only if X is
    return opened(stripped, folded) or _shaped(stripped, folded)


def _title_line_headline(line: str) -> str | None:
    """The headline of a page's title line, with its site's name or section after or before it, or None."""
    if len(line) > 200 or line.endswith(".") or not any(mark in line for mark in ("|", "–", "—", " - ")):
        return None
    headline = without_site_suffix(line)
    return headline if headline != line else None


def _shaped(line: str, folded: str) -> bool:
    """Furniture recognised by its shape rather than its first word."""
    if holds_any(folded, _CONSENT_WORDS) and _CONSENT.search(line):
        return True
    short = len(line) <= 100
    if short and folded.endswith(("logo", "crest", "emblem", "image", "icon")) and _LOGO.match(line):
        return True
    if short and any(word in folded for word in ("since", "est", "founded")) and _SLOGAN.match(line):
        return True
    if "appeared first on" in folded and _MIRROR.match(line):
        return True
    if short and ("copyright" in folded or "(c)" in folded or "©" in line) and _CREDIT.search(line) and not line.endswith("."):
        return True
    if len(line) <= 160 and len(line.split()) <= _HEADER_WORDS and sum(map(str.isdigit, line)) >= 9 and (
            _PHONE.search(line) and (_POSTCODE.search(line) or folded.startswith(("tel", "call", "phone")) or
                                     (". " not in line and (_PHONE.match(line.lstrip("(+")) or "@" in line or any(
                                         call in folded for call in ("call us", "ring us", "contact us", "enquiries")))) or
                                     not any(char.islower() for char in line.replace("tel", "")))):
        return True
    if len(line) <= 80 and ("news" in folded or "voice" in folded or "paper" in folded or folded.startswith(
            ("your ", "our ", "the heart", "the pride", "heart of", "pride of"))) and _SITE_LINE.match(line):
        return True
    if short and "  " in line and _SPACED_MENU.match(line):
        return True
    if short and line[:1].isupper() and _run_together_menu(line):
        return True
    if short and not line.endswith(".") and len(_ICON_NAME.findall(line)) >= 1 and len(line.split()) <= 12:
        return True
    if short and folded.endswith(_ROLE_ENDS) and _ROLE_LINE.match(line):
        return True
    if short and line[-1:] == "." and _NAMED_CAPTION.match(line) and _ROLE.search(line):
        return True
    if (len(line) <= 160 and "(" in line and _PICTURE_PLACE.search(line) and not SENTENCE_VERB.search(line)
            and not any(mark in line for mark in "\"“”")):  # a caption quotes no one
        return True
    if "today is" in folded and _DAYS_FROM_TODAY.match(line):
        return True  # a date calculator's widget: "90 days from today is ..."
    if relative_stamp(line):
        return True
    if short and _ICON.match(line):
        return True
    if "." not in line and _MENU_MARK.search(line) and _MENU.match(line):  # no menu item has a full stop
        return True
    if len(line) <= 120 and line[-1:].isalpha() and _ORG_NAME.match(organisation_named(line)):
        return True
    if credited_caption(line, short):
        return True
    return _more_shaped(line, folded, short)


def newsroom_call(line: str) -> bool:
    """A paper's or a station's call to its readers that only a newsroom makes: to install its news app
    ("... Download the Wessex Radio app today.": an app a story is about is no news app) or to send it
    story ideas ("Send your story ideas to ...")."""
    return _news_app_prompt(line) or bool(_STORY_IDEAS.search(line))


def _news_app_prompt(line: str) -> bool:
    """A call to install a news app (see newsroom_call)."""
    folded = line.lower()
    return (len(line) <= 300 and " app" in folded and ("news" in folded or "latest" in folded or "headlines" in folded)
            and bool(_APP_PROMPT.search(line)))


_STORY_IDEAS = re.compile(r"\bsend (?:us )?your (?:stories|story|news)(?: ideas| tips)?\b", re.I)


def byline_name(line: str, after: str) -> bool:
    """A reporter's name on its own over their role or outlet ("Sam Lane" / "Former Home Affairs Editor", "BBC News")."""
    return (len(line) <= 40 and bool(_PERSON.match(line)) and len(after) <= 60
            and bool(_ROLE_LINE.match(after) or (MASTHEAD.match(after) and not SECTION_NEWS.match(after))))


def named_with_role(line: str) -> bool:
    """A reporter's name and role on one line: "Priya Nair, Birmingham reporter"."""
    return "," in line and bool(_ROLE_LINE.match(line))


def relative_stamp(line: str) -> bool:
    """A time said relative to now ("about 23 hours ago", "1 day ago"): a listing's, not a date."""
    return len(line) <= 40 and bool(_RELATIVE_STAMP.match(line))


def _run_together_menu(line: str) -> bool:
    """Four or more capitalised words of a news site's menu: most of them its items, or three of them
    and none of the little words a headline in title case keeps ("After", "In", "For")."""
    line = _MENU_PHRASES.sub("Things", line)  # an item of several words ("Things to do") is one
    if _LOWER_WORD.search(line):
        return False
    words = line.split()
    if len(words) < 4 or not all(word[:1].isupper() or word == "&" for word in words):
        return False
    items = sum(1 for word in words if word.lower().strip("'’") in _MENU_ITEMS)
    little = any(word.lower() in TITLE_CASE_LITTLE_WORDS for word in words)
    return items >= 3 and (items * 5 >= len(words) * 3 or not little)


def _more_shaped(line: str, folded: str, short: bool) -> bool:
    """Picture placeholders, calls in capitals, links on and bylines with an address."""
    pictured = short and ("photo" in folded or "image" in folded or "pic" in folded or "handout" in folded
                          or "illustration" in folded)
    if pictured and (_PLACEHOLDER.search(line) or _PICTURE_BY.match(line)):
        return True
    if short and " via " in line and _VIA_CREDIT.search(line):
        return True
    if short and line[-1:].isdigit() and _PICTURE_ID.search(line):
        return True
    if short and ("PDF" in line or "DOC" in line or "XLS" in line or "KB" in line or "MB" in line) and (
            _ATTACHMENT.search(line)):
        return True
    if short and len(line.split()) <= 7 and _TASK.match(line):
        return True
    if folded.startswith(("http", "www.")) and _URL_LINE.match(line):
        return True
    if short and folded.endswith(("archive", "archives")) and _ARCHIVES.match(line):
        return True
    if line.isupper() and _CALLS_IN_CAPS.search(line):
        return True
    if short and line.endswith(("»", "›")) and _LINK_ARROW.match(line):
        return True
    if short and "@" in line and _BYLINE_EMAIL.match(line):
        return True
    if len(line) <= 200 and ("not responsible for the content of external" in folded or "all rights reserved" in folded):
        return True  # "Wessex News is not responsible for the content of external sites."
    if short and line[1:2] == line[3:4] == " " and _LETTER_SPACED.match(line):
        return True  # letters spaced out for show, a menu's or a banner's: "N E W S F E E D S >>>"
    if _news_app_prompt(line):
        return True
    if short and line[0] == "[" and line[-1] == "]" and "[" not in line[1:-1] and "]" not in line[1:-1]:
        return True  # a bracketed note of the page's own: "[an error occurred while processing this directive]", "[Advertisement]"
    if short and line[-2:].isupper() and _POSTAL_ADDRESS.search(line):
        return True
    return short and folded.startswith(("by ", "by:", "written by", "words by")) and bool(_BYLINE.match(line))


_KINDS = (
    ("pcc", re.compile(r"\b(?:Commissioner|Mayor|OP(?:F)?CC|P(?:F)?CC)\b")),
    ("vru", re.compile(r"\bViolence (?:and Exploitation )?(?:Reduction|Prevention)\b|\bVE?RU\b|\bVRP\b|\bVRN\b")),
    ("council", re.compile(r"\bCouncil\b|\bCommunity Safety Partnership\b|\bCombined Authority\b")),
    ("police", re.compile(r"\bPolice\b|\bConstabulary\b|\bCrime Agency\b|\bPolice Chiefs\b")),
    ("other", re.compile(r"\b(?:Home Office|Ministry|Department|Crown Prosecution|CPS|Agency|Office)\b")),
)


def organisation_named(line: str) -> str:
    """The organisation a line names: itself, or the first of its logos ("Mayor of London logo London
    Assembly logo": the site's own comes first), without the initials a site's head adds after it."""
    name = line.strip().split(" logo ", 1)[0].removesuffix(" logo").strip()
    return _INITIALS_AFTER.sub("", name)  # "Police and Crime Commissioner for Wessex | WPCC": a site's head


def organisation_kind(line: str) -> str | None:
    """The kind of publisher a line naming only an organisation names (its site's name above its
    pages: "Office of the Police and Crime Commissioner for Kent logo"), or None."""
    name = organisation_named(line)
    if not name or len(name) > 120 or not (_ORG_NAME.match(name) or name in ("Home Office", "GOV.UK")):
        return None
    return next((kind for kind, pattern in _KINDS if pattern.search(name)), None)


# A headline and, after a bar or a dash, the name of the site it is on ("X | Kent Police"): its two groups.
SITE_NAME_AFTER = re.compile(r"^(.*\S)\s+[|–—-]\s+(\S[^|–—]*?)\s*$")


def without_site_suffix(title: str) -> str:
    """A headline without the paper's, organisation's or section's name a page's title line appends to it
    ("... - BBC News", "... | The Guardian", "... | Kent Police", "... | UK news") or, on aggregators, puts
    before it ("News24 | ..."): the labels' convention, and one story's titles agree."""
    return split_title_line(title)[0]


def split_title_line(title: str) -> tuple[str, str | None]:
    """(the headline of a page's title line, the name of the site it names, if any, not a section's):
    "X | News | Wessex Echo" is ("X", "Wessex Echo"); "Crime - X" is ("X", None); any other line is itself."""
    found = SITE_NAME_AFTER.match(title)
    if found and len(found.group(1).split()) >= 4 and (MASTHEAD.match(found.group(2)) or SECTION_NEWS.match(
            found.group(2)) or organisation_kind(found.group(2))):
        site = None if _section(found.group(2)) else found.group(2)
        section = SITE_NAME_AFTER.match(found.group(1))  # and the section before the paper's name: "| UK | News"
        return (section.group(1) if section and _section(section.group(2)) else found.group(1)), site
    before = _SITE_NAME_BEFORE.match(title)
    if before and len(before.group(2).split()) >= 4 and (MASTHEAD.match(before.group(1).rstrip("0123456789"))
                                                         or _section(before.group(1))):
        return before.group(2), None if _section(before.group(1)) else before.group(1)
    return title, None


_SITE_NAME_BEFORE = re.compile(r"^([^|–—]{2,40}?)\s+[|–—-]\s+(\S.*)$")  # "News24 | X", "BBC News – X", "Crime - X"


def _section(name: str) -> bool:
    """A site's section, or a kind of document, named in a title line: "Crime", "UK news", "News", "Agenda item"."""
    return bool(SECTION.match(name) or SECTION_NEWS.match(name) or DOCUMENT_KIND.match(name)) or name.lower() == "news"


# A prompt to read on that closes a teaser or a feed's excerpt, after its last sentence or its cut ("... in a
# stable condition. … Read more", "... the series began. Continue reading...", "... a boy was [...]").
_READ_ON = re.compile(r"(?:(?<=[.!?…\]\"”’)])|(?<=\.\.\.))\s*(?:read more|continue reading|keep reading|read on|"
                      r"read (?:the )?(?:full|rest of the) (?:story|article|release|post)|\(more\s*(?:…|\.\.\.)?\))"
                      r"\s*(?:…|\.{2,3}|[»›→>]|&raquo;)?\s*$", re.I)
_EXCERPT_CUT = re.compile(r"\s*\[\s*(?:…|\.\.\.|&hellip;)\s*\]\s*$")  # "[…]": where an excerpt was cut
_ELLIPSIS_AFTER_SENTENCE = re.compile(r"(?<=[.!?\"”’])\s*(?:…|\.\.\.)\s*$")
_READ_ON_TAIL = 80  # characters of a paragraph's end looked at


def without_read_on(paragraph: str) -> str:
    """The paragraph without a closing prompt to read on; an excerpt's cut shown as "…" (after a whole
    sentence, nothing)."""
    head, tail = paragraph[:-_READ_ON_TAIL], paragraph[-_READ_ON_TAIL:]
    if not ("ead" in tail or "ore" in tail or "…" in tail or ".." in tail or "[" in tail or "ontinue" in tail
            or "EAD" in tail or "ORE" in tail or "ONTINUE" in tail):
        return paragraph  # most paragraphs: none of the characters or words a prompt needs
    cut = _READ_ON.sub("", tail)
    cut = _EXCERPT_CUT.sub("…", cut)
    cut = _ELLIPSIS_AFTER_SENTENCE.sub("", cut) if cut != tail else cut
    return (head + cut).rstrip() if cut != tail else paragraph
