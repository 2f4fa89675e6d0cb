"""Who published a page: its kind (police, pcc, vru, council, news, other) and its name.

The page's own chrome is the best evidence (a newspaper's masthead and bylines, an aggregator's
"appeared first on" footer, an office's name above its pages, GOV.UK's "From:" line), then the
site's host, then the cues the text gives of itself ("told the Gazette", "my office", an officer
quoted). A newspaper's copy of a force release is the newspaper's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from digest.areas import area_by_name, area_for_council_host, area_for_host, site_name
from digest.captions import BROADCASTER_PICTURE
from digest.furniture import (
    STAMP_LABEL,
    is_furniture,
    named_with_role,
    newsroom_call,
    organisation_kind,
    organisation_named,
    relative_stamp,
    split_title_line,
)
from digest.models import Extracted
from digest.phrases import Automaton
from digest.text import MASTHEAD, SECTION_NEWS, fold_case, matches_at

# A newspaper's chrome: ads, video prompts, subscriptions, reading times, most-read lists.
_NEWS_CHROME = re.compile(
    r"^(?:hide ad|advertisement|subscribe\b.*|sign in|most (?:read|popular)|comments?\b.*|watch more of our videos.*|"
    r"and (?:live )?on freeview.*|newsletters?|advertise with us|read the e-?paper|trending|bookmark|"
    r"(?:by|written by)\s+[A-Z].{0,60})$|\b\d+\s+min(?:ute)?s?\s+read\b|\b(?:BST|GMT)\b|"
    # a publication's own newsletters, by its title ("Sign up for The Weekly Round's free newsletters")
    r"^sign up (?:to|for) (?!.*\b(?:Commissioner|Police|Council|Constabulary|Unit|Partnership|Mayor)\b)(?:the )?"
    r"(?:[A-Z][\w&]*\s){0,3}[A-Z][\w&]*['’]s (?:free |daily |weekly )*newsletters?\b|"
    # another story under a label inside the text: "LOCAL NEWS: …", "Related: …", "SEE ALSO: …"
    r"^(?:local news|more news|related|see also|also read|read more|don'?t miss):\s*\S", re.I)
# An aggregator's or content farm's: the mirrored post's footer, tag lists, "by admin".
_AGGREGATOR = re.compile(r"appeared first on|\[ad_\d\]|^source link$|^supply hyperlink$|^posted in\b|^filed under\b|"
                         r"^tags?:|(?:^|\|\s*)categor(?:y|ies):|\bby admin\b|\bauthor:\s*admin\b|^article ad box$|"
                         r"^read entire article$|"
                         # a British story under another language's chrome: "Beranda", "Kamis, 04 Januari 2024"
                         r"^beranda\b|^(?:senin|selasa|rabu|kamis|jumat|sabtu|minggu),\s+\d{1,2}\s", re.I)
# "By Sam Hollis": a reporter's byline, a person's name with no role (not "By Commissioner Jo Bell").
# ... after a list's dash or a date ("December 8, 2017 By Erica Doyle"), its name in capitals or not ("BY STAFF REPORTER").
_BY_REPORTER = re.compile(r"^(?:[-–•]\s*|.{0,40}\d{4},?\s+)?(?:By|BY|Written by):?\s+(?!(?i:Cllr|Councillor|Commissioner|Mayor|"
                          r"Chief|Deputy|Detective|Inspector|Superintendent|Sergeant|Dr|Professor|Sir|Dame|Lord|Lady|The|Our|"
                          r"Police)\b)(?:[A-Z][a-z'’-]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z'’-]+|[A-Z]{2,})){1,2}"
                          r"(?:\s+[•|·–—-]\s+(?=[^•|·]*\d)[^•|·]{1,30}){0,2}$")  # its date and time after it: "• 03 March 2026 • 10:12"

_FROM = re.compile(r"^(?:from|organisation):\s*(.{2,80})$", re.I)


@dataclass(frozen=True)
class PageOwner:
    """What a page's own chrome says of its publisher."""

    kind: str | None = None
    name: str | None = None


def page_owner(head: Sequence[str], chrome: Sequence[str], banners: Sequence[str] = ()) -> PageOwner:
    """The publisher a page names above its text (`head`: the lines before the article; `banners`: those
    there dropped as furniture, among them a paper's name a news app repeats over its copy) and in its
    furniture (`chrome`: the lines dropped as site furniture, bylines and stamps)."""
    if sum(1 for line in chrome if _AGGREGATOR.search(line)):
        return PageOwner("other", None)
    for line in chrome:
        if match := _FROM.match(line):
            name = match.group(1).strip()
            return PageOwner(organisation_kind(name) or "other", name)
    # The site a title line names after its headline ("... | Kent Police", "... - Wessex Echo"): a mirror's
    # copy so credits the paper it copied.
    site = next((name for line in head[:TITLE_LINE_AT] if (name := split_title_line(line)[1])), None)
    if site and (kind := organisation_kind(site)):
        return PageOwner(kind, organisation_named(site))
    masthead = ((site if site and MASTHEAD.match(site) else None) or _masthead(head)
                or _masthead(banners, unless=is_furniture))  # not a menu's "News"
    # A paper's chrome, or its lists of other stories, each saying how long ago ("about 6 hours ago"); a line
    # only a newsroom has (a reporter's byline) says as much alone (an organisation's page is signed by its
    # role, if at all).
    if masthead or sum(2 if _newsroom_says(line) else 1 for line in chrome
                       if _newsroom_says(line) or _NEWS_CHROME.search(line) or relative_stamp(line)) >= 2:
        return PageOwner("news", masthead)
    for line in chrome:
        if kind := organisation_kind(line):
            return PageOwner(kind, organisation_named(line))
    return PageOwner()


TITLE_LINE_AT = 3  # a title line stands among the first lines of a page


def _newsroom_says(line: str) -> bool:
    """A line only a newsroom's page has: a reporter's byline, a call to its readers only a newsroom makes, its
    notice that it cannot be read where the reader is (a commercial site's block by country), a news agency's
    picture or a broadcaster's labelled one, its labelled stamp of how long ago, or a trail through its sections."""
    return (_reporter(line) or newsroom_call(line)
            or bool(_GEO_BLOCK.search(line) or _AGENCY_PICTURE.search(line) or BROADCASTER_PICTURE.match(line))
            or (_STAMP_LABEL.match(line) is not None and relative_stamp(line)) or bool(_NEWSROOM_TRAIL.match(line)))


# A trail through a newsroom's sections: "You are in: UK: Scotland", "You are here: Home > News > World".
_NEWSROOM_TRAIL = re.compile(r"you are (?:in|here)\b.{0,60}\b(?:UK|World|Politics|Business|Sport|Showbiz|Entertainment)\b",
                             re.I)
# A news site's own stamp of how long ago, labelled: "Last Updated: 24 minutes ago" (a listing's "2 hours ago" is not).
_STAMP_LABEL = re.compile(r"\(?" + STAMP_LABEL + r"\b", re.I)
_GEO_BLOCK = re.compile(r"\bunavailable in your (?:location|country|region)\b", re.I)
# A picture from a news agency, which an organisation's own pages do not buy: "... heavy stubble. Image source, PA Media".
_AGENCY_PICTURE = re.compile(r"(?:^|\b(?:image source|image|picture|photo|credit)[:,]?\s*)(?:PA (?:Media|Wire|Images)|"
                             r"Press Association|Reuters|AFP|SWNS)(?:/\w+)?$", re.I)


def _reporter(line: str) -> bool:
    """A reporter's byline: "By Sam Hollis", or "Sam Hollis, Kent reporter"."""
    return bool(_BY_REPORTER.match(line)) or named_with_role(line)


def _masthead(lines: Sequence[str], unless: Callable[[str], bool] | None = None) -> str | None:
    """The first line that is a paper's name (but not a site's section, nor what `unless` says), without the dash
    an aggregator puts after its source's name ("The Guardian -")."""
    names = (line.rstrip(" -–—") for line in lines)
    return next((name for name in names if MASTHEAD.match(name.title() if name.isupper() else name)
                 and not SECTION_NEWS.match(name) and not (unless and unless(name))), None)


def named_site(name: str) -> PageOwner:
    """The publisher a page's metadata names as its site (og:site_name): a paper by its masthead
    ("Northampton Chronicle and Echo"), or an organisation by its name ("Kent Police")."""
    name = " ".join(name.split())
    # An organisation's newsroom is the organisation's ("Kent Police News"), not a paper.
    organisation = re.sub(r"\s+(?:News|Newsroom|Media Centre)$", "", name)
    if kind := organisation_kind(organisation):
        return PageOwner(kind, organisation_named(organisation))
    if MASTHEAD.match(name):
        return PageOwner("news", name)
    return PageOwner()


_PAPER_WORD = ("Gazette|Echo|Standard|Chronicle|Post|Times|Mail|Telegraph|Herald|Courier|Advertiser|Journal|News|Mercury|"
               "Argus|Express|Star|Citizen|Independent|Observer|Press|Live|Recorder|Sentinel|Examiner|Bulletin|FM|Radio")
# (publisher kind, cue, weight, starts): cues a release, a blog or a news story gives of who wrote it.
# Council and police cues are case-sensitive. `starts` lists what every match of the cue begins
# with (in any case, when the cue ignores case): the cue is only tried where one of them begins,
# far faster than scanning the text with it. A start missing here silently loses matches.
# Starts of case-sensitive cues are ASCII.
_ORG_CUES = [
    ("news", r"\btold (?:the )?(?:[A-Z][\w’']+ ){0,3}(?:" + _PAPER_WORD + r")\b", 4,
     ("told ",)),
    # A paper speaking of itself by its masthead's last word: "the Echo understands", "a Post investigation".
    ("news", r"\b(?-i:" + _PAPER_WORD + r") (?:understands|has (?:learned|learnt|been told)|can reveal|investigation|asked|"
             r"visits|visited)\b", 4, tuple(word.lower() + " " for word in _PAPER_WORD.split("|"))),
    ("news", r"\blocal democracy reporting\b|\bour reporter\b|\bcontacted by (?:the|this) (?:newspaper|paper|website)\b", 4,
     ("local democracy reporting", "our reporter", "contacted by ")),
    # A court reporter's barristers, named by their part in the case: "William Carter, prosecuting, said".
    ("news", r", (?:prosecuting|mitigating|defending)(?:,| said| told| added)", 4,
     (", prosecuting", ", mitigating", ", defending")),
    # A tabloid's words for the police and a suspect, which no force, commissioner or council writes.
    ("news", r"\bcops\b|\bknife(?:man|men)\b", 2, ("cops", "knifem")),
    ("news", r"\b(?:police|officers|detectives|the force|a (?:police )?spokes(?:wo)?man|a spokesperson) (?:said|say|have said|confirmed)\b", 2,
     ("police ", "officers ", "detectives ", "the force ", "a police spokes", "a spokes")),
    ("council", r"\b(?:Cllr|Councillor|cabinet member|council leader|leader of the council)\b", 2,
     ("Cllr", "Councillor", "cabinet member", "council leader", "leader of the council")),
    ("council", r"\b(?:the council|(?:city|county|borough|district) council|(?:City|County|Borough|District) Council)\b", 1,
     ("the council", "city council", "county council", "borough council", "district council", "City Council",
      "County Council", "Borough Council", "District Council")),
    ("pcc", r"\bcommissioner[’']s blog\b|\bmy office\b|\bas (?:your )?commissioner\b|\bdeputy mayor for policing\b", 4,
     ("commissioner’s blog", "commissioner's blog", "my office", "as commissioner", "as your commissioner",
      "deputy mayor for policing")),
    ("pcc", r"\b(?:police(?:,)? (?:fire )?and crime commissioner|\bP(?:F)?CC\b|\bOP(?:F)?CC\b)", 2,
     ("police ", "police,", "PCC", "PFCC", "OPCC", "OPFCC")),
    # An assistant commissioner is a rank of the Met and the City of London's forces, not a commissioner.
    ("pcc", r"\b(?<!assistant )commissioner(?: [A-Z][\w’'-]+){0,3},? (?:has |have |had )?(?:praised|welcomed|announced|visited|joined|"
            r"launched|awarded|pledged|backed|thanked|funded|invested|committed|called|urged|said|says)\b", 2,
     ("commissioner",)),
    ("vru", r"\b(?:violence (?:and exploitation )?reduction (?:unit|partnership|network)|VE?RU|VRP|CURV|violence prevention (?:unit|partnership))\b", 2,
     ("violence ", "VRU", "VERU", "VRP", "CURV")),
    ("police", r"\b(?:DC|DS|PC|DI|DCI|PCSO|Sgt|Insp|Detective|Inspector|Sergeant|Superintendent|Chief Constable)\b[^.]{0,60}\bsaid\b", 2,
     ("DC", "DS", "PC", "DI", "DCI", "PCSO", "Sgt", "Insp", "Detective", "Inspector", "Sergeant", "Superintendent",
      "Chief Constable")),
    ("police", r"\bquoting (?:crime reference|incident|reference|operation)\b|\bcall(?:ing)? 101\b|\bcontact us\b", 2,
     ("quoting ", "call 101", "calling 101", "contact us")),
    ("police", r"\b(?:officers|arrested|constabulary)\b", 1,
     ("officers", "arrested", "constabulary")),
]


@dataclass(frozen=True)
class _OrgCue:
    kind: str
    pattern: re.Pattern[str]
    weight: int
    starts: tuple[str, ...]  # lower-cased when the pattern ignores case
    ignore_case: bool

    def count(self, text: str, starts_at: list[int]) -> int:
        """len(self.pattern.findall(text)), trying the pattern only at `starts_at`: every place,
        in order, where one of the cue's starts begins (as _CueStarts.find gives them)."""
        return sum(1 for _ in matches_at(self.pattern, text, starts_at))


def _org_cue(kind: str, cue: str, weight: int, starts: tuple[str, ...]) -> _OrgCue:
    if kind in ("council", "police"):
        assert all(start.isascii() for start in starts), "case-sensitive starts are found in the folded text"
        return _OrgCue(kind, re.compile(cue), weight, starts, ignore_case=False)
    return _OrgCue(kind, re.compile(cue, re.I), weight, tuple(start.lower() for start in starts), ignore_case=True)


class _CueStarts:
    """Where the starts of each cue begin in a text, for all cues in one pass: an automaton of the
    starts in lower case over the case-folded text, keeping a case-sensitive start only where the
    text has it as written. A str.find per start and text cost more than all the rest of guess_org_kind.
    """

    def __init__(self, cues: list[_OrgCue]):
        self._cue_count = len(cues)
        by_key: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
        for index, cue in enumerate(cues):
            for start in cue.starts:
                # An ASCII start's lower case is where fold_case puts it, at the same position.
                by_key[start if cue.ignore_case else start.lower()].append((index, start, cue.ignore_case))
        self._automaton = Automaton((key, tuple(entries)) for key, entries in by_key.items())

    def find(self, text: str, folded: str) -> list[list[int]]:
        """For each cue, in order: the positions where one of its starts begins. `folded` is fold_case(text)."""
        found: list[set[int]] = [set() for _ in range(self._cue_count)]
        for at, _, entries in self._automaton.find(folded):
            for index, start, ignore_case in entries:
                if ignore_case or text.startswith(start, at):
                    found[index].add(at)
        return [sorted(positions) for positions in found]


_ORG_PATTERNS = [_org_cue(*cue) for cue in _ORG_CUES]
_CUE_STARTS = _CueStarts(_ORG_PATTERNS)


def guess_org_kind(extracted: Extracted) -> str:
    """Who published it: what the page's own chrome says, else the URL's host, else what the text
    says of itself."""
    if extracted.publisher_kind:
        return extracted.publisher_kind
    host = urlsplit(extracted.url).hostname if extracted.url else None
    if host and (kind := host_kind(host)):
        return kind
    return _text_kind(extracted)


def host_kind(host: str) -> str | None:
    """The kind of publisher a site's host names: a commissioner's, a VRU's, a force's, GOV.UK."""
    if re.search(r"pcc|pfcc|commissioner|mopac", host):
        return "pcc"
    if re.search(r"vru|veru|vrp|violence", host):
        return "vru"
    if area_for_host(host) or host.endswith("police.uk"):
        return "police"
    if host in ("gov.uk", "www.gov.uk"):
        return "other"
    if area_for_council_host(host) and host.removeprefix("www.") != "london.gov.uk":  # the Mayor's, MOPAC's and its VRU's
        return "council"
    if _NEWS_HOST.search(site_name(host)):
        return "news"
    return None


# A paper's, a broadcaster's or a radio station's site's name says what it is: "shropshirestar.com",
# "manchestereveningnews.co.uk", "yorkpress.co.uk", "bbc.co.uk", "greatesthitsradio.co.uk", "capitalfm.com".
_NEWS_HOST = re.compile(r"(?:echo|gazette|chronicle|herald|advertiser|courier|mercury|argus|journal|telegraph|express|observer|"
                        r"standard|sentinel|times|mail|post|star|news|press|mirror|examiner|citizen|bulletin|reporter|recorder|"
                        r"messenger|live|radio|fm)$|news|radio|^(?:bbci?|itv|channel4|sky)$")


def _text_kind(extracted: Extracted) -> str:
    """Who wrote it, from the cues a release, a blog or a news story gives of itself."""
    paragraphs = extracted.body.split("\n\n")
    opening = extracted.title + "\n" + "\n".join(paragraphs[:3])
    rest = "\n".join(paragraphs[3:])
    in_opening = _CUE_STARTS.find(opening, fold_case(opening))
    in_rest = _CUE_STARTS.find(rest, fold_case(rest))
    if _CAPITALS_LEAD.match(paragraphs[0]) or _AGENCY_SIGNATURE.search(extracted.body[-12:]):
        return "news"  # a paper's house style ("TWENTY-ONE people were arrested", "A MAN has been"), or an agency's copy
    scores: dict[str, float] = {}
    for cue, opening_starts, rest_starts in zip(_ORG_PATTERNS, in_opening, in_rest, strict=True):
        hits = ((2 * cue.count(opening, opening_starts) if opening_starts else 0)  # most cues have no start
                + (cue.count(rest, rest_starts) if rest_starts else 0))
        if hits and cue.weight >= _DECISIVE and cue.kind == "news":
            return "news"  # a paper quoting what it was told: a force's words in a paper are the paper's
        scores[cue.kind] = scores.get(cue.kind, 0.0) + cue.weight * min(hits, 4)
    best = max(scores, key=lambda kind: scores[kind])
    return best if scores[best] else "other"


_DECISIVE = 4
_AGENCY_SIGNATURE = re.compile(r"[—–-] ?(?:PA|Reuters|AFP|AP)\s*$")  # a news agency's copy signed at its end: "... —PA"
# Its first word in capitals, of five letters or more with a vowel (not an acronym: "NHS", "NCLCC"), then a word with
# lower case; or an article in capitals and a word after it ("A MAN has", "THE nation's"), not a policing acronym.
_CAPITALS_LEAD = re.compile(r"(?=[A-Z]*[AEIOU])[A-Z]{5,}(?:[-'’][A-Z]+)*(?=[-'’ ]+[A-Za-z]*[a-z])|THE(?= [a-z])|"
                            r"(?:A|AN) (?!(?:PCSO|OPCC|ASB|VRU|NCA|MPS|PCC)\b)[A-Z]{3,}(?= [a-z])")
_PAPER = r"(?:[A-Z][\w’']+ ){0,3}(?:" + _PAPER_WORD + ")"
_NAMED = {
    "news": re.compile(r"\btold (?:the )?(" + _PAPER + r")\b"),
    "vru": re.compile(r"\b((?:[A-Z][\w'’-]+ ){1,4}Violence (?:and Exploitation )?(?:Reduction|Prevention) "
                      r"(?:Unit|Partnership|Network|Alliance))\b"),
    "council": re.compile(r"\b((?:[A-Z][\w'’-]+(?:-(?:on|upon|under)-[A-Z][\w'’-]+)? (?:and )?){1,4}"
                          r"(?:City |Borough |County |District |Metropolitan Borough )?Council)\b"),
}
_NAMED_WORD = {"news": "told ", "vru": "Violence ", "council": "Council"}  # a word every match has


def named_in_text(org_kind: str, text: str) -> str | None:
    """The publisher of that kind that the text names ("told the Luton Gazette", "the Kent Violence
    Reduction Unit"), when it names one."""
    pattern = _NAMED.get(org_kind)
    # Scanning a story with these patterns takes a tenth of a millisecond: only where it has their word.
    found = pattern.finditer(text) if pattern and _NAMED_WORD[org_kind] in text else iter(())
    # "City Council secures ..." in a council's own headline names no council: its text names it in full.
    names = (match.group(1).removeprefix("The ").strip() for match in found)
    return next((name for name in names if not _KINDS_OF_COUNCIL.issuperset(name.split())), None)


_KINDS_OF_COUNCIL = frozenset({"City", "County", "Borough", "District", "Metropolitan", "Council"})


def org_name(area: str | None, org_kind: str) -> str | None:
    """The force's or commissioner's name for a publisher of that kind in that area."""
    known = area_by_name(area)
    if not known:
        return None
    if org_kind == "police":
        return known.force
    if org_kind == "pcc":
        return known.commissioner
    return None
