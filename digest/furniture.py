"""Site furniture: whole lines of a stored page that are never article text, a title or a summary.

Consent and access banners, service banners, newspaper chrome (mastheads' slogans, navigation
trails, section labels, video prompts, ad markers), portal chrome (logo lines, a phone-number
header, a lone "|"), bylines without a date, captions' credits, feed mirrors' footers and
sharing, printing and searching links. The rules are shapes seen across many publishers
(../shared/research/real-shapes.md), never the wording of one page.
"""

from __future__ import annotations

import re

from digest.phrases import Automaton
from digest.text import fold_case

# Whole lines, by their opening word (matched on the stripped line, ignoring case).
_OPENED = [
    r"accessibility( options| tools| settings| controls| statement)?",
    r"skip to (the )?(main |page )?(content|player|navigation|search|footer)",
    r"main content( area)?", r"article content", r"font size:?( a)+", r"text size:?( a)+",
    r"(quickly )?exit (this )?(site|website)( now| quickly)?\b.*",
    r"(leave|hide) (this )?(site|website|page) quickly.*",
    r"sorry, there was a (technical )?problem.*",
    r"this (site|website|service) is (a |in )?(new|beta|public beta).*",
    r"this is a (new|beta) (service|website|site)\b.*",
    r"(beta|alpha)( this is a new (service|website).*)?",
    r"we (value|care about|respect) your privacy.*",
    r"(accept|reject|allow|deny|decline|refuse) all( cookies)?", r"(manage )?(your )?(preferences|choices|options)",
    r"personalised (advertising|ads|content)\b.*", r"use precise geolocation data.*",
    r"actively scan device characteristics.*", r"advertise with us", r"newsletters?", r"page \d+ of \d+",
    r"continued (from|on) page \d+",
    r"change (the )?(font|text) size\b.*", r"(increase|decrease|reset) (the )?(font|text) size\b.*",
    r"(for )?(media|press) (enquiries|office)\b.*", r"(or )?\S+ \S+ for urgent out of hours enquiries.*",
    r"you can also email the press office.*", r"thanks for signing up!?", r"sign up( now| here| today)?",
    r"(read|view) (the|our|today's) e-?(paper|edition)", r"view (the )?text only version", r"serving [\w ,&'’-]{2,80}", r"(the )?(latest )?breaking news( updates)?",
    r"(the )?latest news( updates| and updates)?", r"news (from|for) [\w ,&'’-]{2,80}",
    r"(back to top|print this page|share this (page|article|story|post)|share( on| via)? (facebook|twitter|x|linkedin|whatsapp|email))",
    r"(share|print|menu|search|close|home|open menu|main menu|cookie settings|report|contact us|sign in|log in|"
    r"advanced search|search this site|show more|load more|view all|more|next|previous|copy link|comments?)",
    r"(home|news)(\s*[>›»/|]\s*[^>›»/|]{1,60}){1,6}",
    r"listen( to this (article|story))?|video unavailable|report this comment|email this( (article|story))?|"
    r"(back|return) to (news|top|results|the news|news listings|all news)\b.*|continue reading|related topics|"
    r"more on this (story|topic)|top stories|latest( news| stories)?|you may also like|trending( now)?|save|"
    r"open in (the )?app|register|download (our|the) app\b.*|got a story\??\b.*|want (to get )?the latest\b.*|"
    r"the home of [^.!?]{1,60}|posted by admin\b.*|(a|an) ([\w-]+ ){0,2}(image|photo|picture|photograph) of\b[^.!?]{0,100}",
    r"get (the|our) .{0,80}\b(sent|delivered) (straight |directly )?to your inbox\b.*|"
    r"your email address will not be published\b.*|required fields are marked\b.*|leave a (reply|comment)|"
    r"read the full (release|statement|story|article) (on|at) .{1,80}|public access to information:.*|"
    r"date calculator|printed:? .{1,40}|"
    r"share this:?|like this:?|like loading\.*|reply to this message\b.*|tell a friend\b.*|baca juga:?.*|"
    r"kategori:.*|source: [^.!?\d\s]+( [^.!?\d\s]+){0,4}|notes to editors|hide this message|view cookies|navigation menu|"
    r"yes( \| no)?|no|comments? \| \d+|read next|< ?previous( page)?|next( page)? ?>|"
    r"(more|latest) (in|from) [^.!?]{1,40}|related (posts|pages)|subscribe( now| today)?|bookmark|more options|"
    r"agree|i agree|read this (letter|page|article|document) in welsh|cymraeg|english|newyddion \| news|x",
    r"(tweet|email|facebook|twitter|linkedin|whatsapp)(\s+(tweet|email|facebook|twitter|linkedin|whatsapp))*",
    r"(was this page (useful|helpful)\??|is this page useful\??).*",
    r"(hide ad|advertisement|advert|sponsored( content)?|quantcast|ad)",
    r"(watch more of our videos|visit \S+ now|video loading|click to play|play video|watch:?( the)? video)\b.*",
    r"and live on freeview( channel \d+)?",
    r"(read more|related (articles?|stories|content|news|links)|more (stories|news)( (from|on) [^.]{1,60})?|"
    r"most (read|popular)|trending)(:.{0,160})?",
    r"(sign up|subscribe) (to|for) (our|the) .{0,40}(newsletter|emails?|alerts)\b.*",
    r"follow us on .{1,40}",
    r"channel: .{1,80}",
    r"(tags|tagged|tagged with|categories|category|filed under|posted in|topics):.*",
    r"(image|picture|photo|photograph|video) (source|caption|credit)\b.*",
    r"(picture|pictures|photo|image|credit|caption)s?: .{1,80}",
    r"(from|part of|organisation|organisations): .{1,120}",
    r"(press release|news story|news release|policy paper|guidance|consultation outcome|agenda item|"
    r"neighbourhood priorities|latest news|news|gallery|crime|sport|business|opinion|appeals|in court|"
    r"statement|contents|related content|explore the topic|report it|pay it|apply for it)",
]
# A consent banner's lines, wherever their words are: each mentions cookies or partners.
_CONSENT_LINES = [
    r".*\bwe use (some )?(essential |necessary )?cookies\b.*",
    r".*\bcookie (settings|preferences|policy|notice|banner)\b.*",
    r".*\b(customise|manage|accept|reject|allow) (all |additional |optional )?cookies\b.*",
    r".*\bcookies( notice| on \S+)\b.*",
    r".*\bwe and our (\d+ )?partners\b.*",
]
_OPENED_RE = re.compile(r"^(?:" + "|".join(_OPENED) + r")$", re.IGNORECASE)
# A line mentioning cookies or partners is tried with all of them; any other, without the slow ".*" ones.
_OPENED_OR_CONSENT_RE = re.compile(r"^(?:" + "|".join(_OPENED + _CONSENT_LINES) + r")$", re.IGNORECASE)
# Every pattern of _OPENED begins with one of these words: lines without them skip the slow
# regular expression. Keep this in step with _OPENED.
_OPENINGS = (
    "accessibility", "skip", "main", "article", "font", "text", "quickly", "exit", "leave", "hide", "sorry", "this",
    "beta", "alpha", "back", "print", "share", "menu", "search", "close", "home", "open", "cookie", "report",
    "contact", "sign", "log", "advanced", "show", "load", "view", "more", "next", "previous", "copy", "comment",
    "news", "tweet", "email", "facebook", "twitter", "linkedin", "whatsapp", "was", "is", "advert", "ad", "sponsored",
    "quantcast", "watch", "visit", "video", "click", "play", "and live", "read", "related", "most", "trending",
    "subscribe", "follow", "channel", "tag", "categor", "filed", "posted", "topics", "image", "picture", "photo",
    "credit", "caption", "from", "part of", "organisation", "press", "policy", "guidance", "consultation", "agenda",
    "neighbourhood", "latest", "gallery", "crime", "sport", "business", "opinion", "appeals", "in court",
    "statement", "contents", "explore", "pay", "apply", "we ", "change", "increase", "decrease", "reset", "for ",
    "media", "or ", "you can also", "serving", "the ", "breaking", "thanks", "view", "reject", "allow", "deny",
    "decline", "refuse", "manage", "your", "prefer", "choices", "options", "personalised", "use precise", "actively",
    "continued", "newsletter", "page", "listen", "return", "save", "register", "download", "got a", "want", "a ", "an ",
    "top", "you may", "continue", "get ", "required", "leave", "public access", "date calculator", "like",
    "reply", "tell a", "baca", "kategori", "source:", "notes to", "view cookies", "navigation", "yes", "no",
    "< ", "<p", "bookmark", "agree", "i agree", "cymraeg", "english", "newyddion", "x", "subscribe",
)
# Shapes that do not begin with a fixed word.
_SLOGAN = re.compile(r"^(?:\S+\s+){0,7}(?:since|est\.?|established|founded)\s+(?:in\s+)?(?:1[5-9]\d\d|20\d\d)$", re.I)
# A site's description of itself: "Hull's news, every day", "Local news for South Cheshire".
_SITE_LINE = re.compile(r"^(?:(?:the|your)\s+)?(?:(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*['’]s\s+|(?:local|community|latest|breaking|independent|"
                        r"daily|weekly)\s+)+news\b(?:,?\s+(?:for|from|in|across|every|and|since|on)\b[^.!?]*)?$", re.I)
# Menu items set apart by runs of spaces: "Home  World  UK  Entertainment".
_MENU_WORDS = r"[A-Z&][^.!?,\s]*(?: (?:[A-Z&][^.!?,\s]*|and|of)){0,2}"
_SPACED_MENU = re.compile(rf"^{_MENU_WORDS}(?: {{2,}}{_MENU_WORDS}){{3,}}$")
# Icon names between a breadcrumb's items: "Home chevron-right News chevron-right Crime".
_ICON_NAME = re.compile(r"\b(?:chevron|arrow|caret|angle)-(?:right|left|down|up)\b", re.I)
# A consent banner's sentences, wherever they begin.
_CONSENT = re.compile(r"\bcookies?\b.*\b(?:set|use|store|accept|reject|manage|customi[sz]e|allow|preferences|settings|"
                      r"consent)\b|\b(?:set|use|store|accept|reject|manage|allow)\b.*\bcookies?\b|store and/or access "
                      r"information|legitimate interest|your choices apply|manage your choices|change your choices|"
                      r"how your data is used|precise geolocation", re.I)
# In fold_case(line): one of these is in every match of _CONSENT (all found in one pass).
_CONSENT_WORDS = Automaton((word, None) for word in ("cookie", "store and/or", "legitimate interest", "your choices",
                                                     "your data", "geolocation"))
_LOGO = re.compile(r"^.{2,100}\blogo$", re.I)
_MIRROR = re.compile(r"^the post\b.{1,300}\bappeared first on\b.{1,100}$", re.I)
_CREDIT = re.compile(r"(?:\bcopyright\b|©|\(c\)\s+\d{4})", re.I)
_PHONE = re.compile(r"(?:\+44\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
_ICON = re.compile(r"^(?:(?:icon|arrow|chevron|caret|svg|fa)[-_][\w-]+|chevron|caret)(?:\s+(?:icon|arrow|chevron|caret)[-_]?[\w-]*)*$",
                   re.I)
# A menu or a breadcrumb trail: three or more short items between "|" or "/", or two or more between
# ">", "›" or "»" ("Carlisle | Penrith | Lakes", "Community and living > Community safety").
_MENU_ITEM = r"[^|/>›»·•.!?]{1,40}"
_MENU = re.compile(rf"^{_MENU_ITEM}(?:\s[|/·•]\s{_MENU_ITEM}){{2,}}$|^{_MENU_ITEM}(?:\s?[>›»]\s?{_MENU_ITEM}){{1,}}$")
_MENU_MARK = re.compile(r"[|/>›»·•]")  # one of which every _MENU line has
# A line that is only an organisation's name: the site's name above its pages.
_ORG_NAME = re.compile(
    r"^(?:(?:Office of|The)\s+)?(?:(?:[A-Z][\w'’.-]*,?|&|and|of|for|the|on|upon|[–-])\s+){0,9}"
    r"(?:Commissioner|Council|Constabulary|Police|Unit|Partnership|Authority|Agency|Office|Network|Service|Cymru|"
    r"Alliance|Board)$|^(?:Office of the\s+)?(?:Police,? (?:Fire )?and Crime Commissioner|Deputy Mayor|Mayor|"
    r"Violence Reduction Unit|Police Service|Fire and Rescue Service) (?:for|of) (?:[A-Z][\w'’-]*|and|&)(?:\s+(?:[A-Z][\w'’-]*|and|&)){0,5}$")
# A caption ending in its credit: "A police cruiser. (Ledger file photo)".
_PHOTO_CREDIT = re.compile(r"\((?:[^()]*\b(?:photo|picture|pic|image|credit)\b[^()]*)\)$", re.I)
# A caption with its credit glued on: "Knives recovered by policeWessex Police", "...on MondayWGP".
_GLUED_CREDIT = re.compile(r"[a-z](?:[A-Z]{2,}|[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,3})$")
# A caption ending in its credit after a sentence: "Knives handed in at the station. Picture: Kent Police".
_TRAILING_CREDIT = re.compile(r"[.!?]\s*(?:picture|pictures|photo|photograph|image|credit)s?\s*:\s*[^.!?:]{1,60}$", re.I)
_DAYS_FROM_TODAY = re.compile(r"^\d+ (?:days|weeks|months) (?:from|before|after) today is\b", re.I)
# A stamp of how long ago, alone on its line: "2 hours ago", "Updated 35 mins ago".
_RELATIVE_STAMP = re.compile(r"^(?:(?:updated|published|posted)\s+)?(?:\d{1,2}|an?|one)\s+"
                             r"(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?)(?:\s+ago)?$", re.I)
_ALT_TEXT = re.compile(r"\ban icon of\b|\bicon:\s", re.I)
_BYLINE = re.compile(r"^(?:by|written by|words by)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
                     r"(?:\s*[,|-]\s*[\w ]{0,40})?$")
_SEPARATORS = "|•·⋅/\\-–—_*~=:;,. "
_OPENED_LENGTH = 200  # lines longer than this are furniture only as consent banners
_HEADER_WORDS = 14  # a phone-number or address header is short


def is_furniture(line: str) -> bool:
    """Whether a whole line is site furniture."""
    stripped = line.strip().strip("*_#>").strip()
    if not stripped:
        return False
    folded = fold_case(stripped)
    if folded.count("icon") >= 2 and _ALT_TEXT.search(stripped):
        return True  # a row of icons' text: "Calendar An icon of a calendar page. Close An icon of..."
    if len(stripped) >= 400:
        return False
    if not stripped.strip(_SEPARATORS):
        return True  # "|", "•", "···": a separator
    if "cookie" in folded or "partners" in folded:
        if _OPENED_OR_CONSENT_RE.match(stripped):
            return True
    elif len(stripped) <= _OPENED_LENGTH and folded.startswith(_OPENINGS) and _OPENED_RE.match(stripped):
        return True
    return _shaped(stripped, folded)


def _shaped(line: str, folded: str) -> bool:
    """Furniture recognised by its shape rather than its first word."""
    if _CONSENT_WORDS.find(folded) and _CONSENT.search(line):
        return True
    short = len(line) <= 100
    if short and folded.endswith("logo") and _LOGO.match(line):
        return True
    if short and any(word in folded for word in ("since", "est", "founded")) and _SLOGAN.match(line):
        return True
    if "appeared first on" in folded and _MIRROR.match(line):
        return True
    if short and ("copyright" in folded or "(c)" in folded or "©" in line) and _CREDIT.search(line) and not line.endswith("."):
        return True
    if len(line) <= 160 and len(line.split()) <= _HEADER_WORDS and sum(map(str.isdigit, line)) >= 9 and (
            _PHONE.search(line) and (_POSTCODE.search(line) or folded.startswith(("tel", "call", "phone")) or
                                     not any(char.islower() for char in line.replace("tel", "")))):
        return True
    if len(line) <= 80 and "news" in folded and _SITE_LINE.match(line):
        return True
    if short and "  " in line and _SPACED_MENU.match(line):
        return True
    if short and not line.endswith(".") and len(_ICON_NAME.findall(line)) >= 1 and len(line.split()) <= 12:
        return True
    if "today is" in folded and _DAYS_FROM_TODAY.match(line):
        return True  # a date calculator's widget: "90 days from today is ..."
    if len(line) <= 30 and _RELATIVE_STAMP.match(line):
        return True
    if short and _ICON.match(line):
        return True
    if "." not in line and _MENU_MARK.search(line) and _MENU.match(line):  # no menu item has a full stop
        return True
    if len(line) <= 120 and line[-1:].isalpha() and _ORG_NAME.match(line):
        return True
    if short and line.endswith(")") and _PHOTO_CREDIT.search(line):
        return True
    if len(line) <= 300 and line[-1:].isalpha() and _TRAILING_CREDIT.search(line):
        return True
    if short and line[-1:].isalpha() and _GLUED_CREDIT.search(line):
        return True
    return short and folded.startswith(("by ", "written by", "words by")) and bool(_BYLINE.match(line))


_KINDS = (
    ("pcc", re.compile(r"\b(?:Commissioner|Mayor|OP(?:F)?CC|P(?:F)?CC)\b")),
    ("vru", re.compile(r"\bViolence (?:and Exploitation )?(?:Reduction|Prevention)\b|\bVE?RU\b|\bVRP\b|\bVRN\b")),
    ("council", re.compile(r"\bCouncil\b|\bCommunity Safety Partnership\b|\bCombined Authority\b")),
    ("police", re.compile(r"\bPolice\b|\bConstabulary\b|\bCrime Agency\b|\bPolice Chiefs\b")),
    ("other", re.compile(r"\b(?:Home Office|Ministry|Department|Crown Prosecution|CPS|Agency|Office)\b")),
)


def organisation_kind(line: str) -> str | None:
    """The kind of publisher a line naming only an organisation names (its site's name above its
    pages: "Office of the Police and Crime Commissioner for Kent logo"), or None."""
    name = line.strip().removesuffix(" logo").strip()
    if not name or len(name) > 120 or not (_ORG_NAME.match(name) or name in ("Home Office", "GOV.UK")):
        return None
    return next((kind for kind, pattern in _KINDS if pattern.search(name)), None)
