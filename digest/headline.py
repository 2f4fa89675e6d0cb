"""A text page's headline: which line of its head (the lines before its first paragraph) it is,
told apart from mastheads, bylines, captions, standfirsts and other stories' headlines."""

from __future__ import annotations

import re

from digest.dates import reads_as_prose
from digest.furniture import SENTENCE_VERB, SITE_NAME_AFTER, is_furniture
from digest.furniture_openings import DOCUMENT_KIND
from digest.language import reads_welsh
from digest.text import MASTHEAD

# Lines at the head of a page that are never its headline: bylines without a date, credits and
# captions' labels, calls to watch or read more.
_NEVER_TITLE = re.compile(
    r"^(?:[-•·]\s*)?(?:by|author|written by|words by|posted by|reporter|picture|pictures|photo|photograph|image|credit|"
    r"image caption|image source|caption|video|watch|listen|audio|read more|related|see also|more on|advertisement|"
    r"presented by)\b|^(?:meeting|venue|date|time|location|ref|reference|status|decision|contact|category|type|filed|tags?|"
    r"report):\s", re.I)
# A reporter's name and role: "Jo Bell, Crime Reporter", "Sam Lane Local Democracy Reporter".
_REPORTER = re.compile(r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,2}(?:,\s+|\s+(?=(?:Local|Crime|Court|Chief|Senior|Political|"
                       r"Health|Community|Trainee|Digital|News)\b))(?:[A-Z][\w&]*\s+){0,3}(?:Reporter|Correspondent|Editor|"
                       r"Journalist)$")
_DATED_ITEM = re.compile(r"^.{12,160}?\s[–—|-]\s*(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}|"
                         r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})$")
HEADLINE_WORDS = 16  # a longer line under a headline is its standfirst
TITLE_LINES = 30  # how far down a page's menus and banners the headline is looked for


def credited(line: str) -> bool:
    """A byline, a credit or a label: a line before the text that is never its headline; or a press archive's line
    of the paper, the date, the section and the author ("Bristol Post - - COMMENT - With <name>")."""
    if _REPORTER.match(line) or _NEVER_TITLE.match(line):
        return True
    archived = _ARCHIVE_LINE.match(line) if " - " in line or line.endswith(("-", "–", "—")) else None
    return archived is not None and MASTHEAD.match(archived.group(1)) is not None


# A press archive's line ("Bristol Post - - COMMENT - With <name>"), or an aggregator's credit of its source
# under a headline ("The Guardian -").
_ARCHIVE_LINE = re.compile(r"^(.{3,40}?)(?: - (?:[^-]{0,30} )?- |\s*[-–—]$)")


def choose_title(lines: list[str], skipped: set[int] | frozenset[int] = frozenset(),
                 dated: set[int] | frozenset[int] = frozenset()) -> int | None:
    """Which line of the head (the lines before the first paragraph) is the headline; None when the
    page begins with its lede. `skipped`: lines that are no text; `dated`: the page's date lines.

    The headline is headline-sized (4 to 16 words) and comes before the page's date line, byline
    or labelled details (Meeting:, Venue:), or before the text when none follows it: a masthead, a
    site's description or a caption can come before it. Of headline-sized lines in a row, the
    first is the headline and the next a standfirst or a subheading (a score, a period, a summary).
    A shorter line is a headline only when nothing headline-sized is there and the text follows it."""
    candidates = []
    first = next((index for index in range(len(lines)) if index not in skipped), None)
    for index, line in enumerate(lines[:TITLE_LINES]):
        if index in skipped:
            continue
        if reads_as_prose(line) and not (index == first and _question_headline(line)):
            break
        if heading_like(line) and not credited(line) and not MASTHEAD.match(LIST_MARK.sub("", line.strip())):
            candidates.append(index)
    text = [index for index in range(len(lines)) if index not in skipped]
    if not text:
        return None
    candidates = [index for index in candidates if index != text[-1]]  # the last line is text, not a title
    # A list's items (a summary's points under the headline) are not it, unless nothing else can be.
    candidates = [index for index in candidates if not _listed(lines, index)] or candidates
    sized = [index for index in candidates if headline_sized(lines[index])]
    # Another story's headline and date in a list of links ("Patrols to return – 12 September 2024") is
    # the title only when nothing else can be.
    sized = [index for index in sized if not _DATED_ITEM.match(lines[index])] or sized
    if sized:
        lede = next((lines[index] for index in text if index > sized[0] and reads_as_prose(lines[index])), "")
        return _in_english(lines, _bare_copy(lines, sized, _headline_of(lines, sized, dated, lede)), skipped)
    if not candidates:
        return None
    last = candidates[-1]
    following = next((index for index in text if index > last), None)
    if len(lines[last].split()) < 3:
        return None  # a label, a menu item or a name ("Funding", "Death notices"), never a headline
    if following is None or not reads_as_prose(lines[following]):
        return None
    # A short headline's lede retells it; another story's ("British Queen celebrates" in a menu) shares nothing with it.
    return last if _content_words(lines[last]) & _content_words(lines[following]) else None


def _listed(lines: list[str], index: int) -> bool:
    """An item of a bulleted list: the line and one beside it open with a bullet ("- ", "• ")."""
    return _bulleted(lines[index]) and any(_bulleted(lines[other]) for other in (index - 1, index + 1)
                                           if 0 <= other < len(lines))


def _bulleted(line: str) -> bool:
    return LIST_MARK.match(line) is not None


LIST_MARK = re.compile(r"^[-–*•·▪◦]\s+")  # a list item's bullet or dash


def _in_english(lines: list[str], chosen: int, skipped: set[int] | frozenset[int]) -> int:
    """The English of a bilingual page's headline: the headline-sized line after a Welsh one."""
    after = next((index for index in range(chosen + 1, len(lines)) if index not in skipped), None)
    if (after is not None and reads_welsh(lines[chosen]) and headline_sized(lines[after])
            and not reads_as_prose(lines[after]) and not reads_welsh(lines[after])):
        return after
    return chosen


def _question_headline(line: str) -> bool:
    """A headline asking a question ("What happened after a machete was seen on the high street?"): one
    sentence of a headline's length ending with its question mark, the page's first line."""
    return line.endswith("?") and headline_sized(line) and not any(mark in line[:-1] for mark in (". ", "? ", "! "))


_KIND_LENGTH = 40  # the longest kind of document is shorter


def labelled_headline(lines: list[str]) -> str | None:
    """The line under a kind of document ("Statutory guidance", "Agenda item", "Press release") at the head
    of a page, when no other headline follows it before the text: the title, however short (a publication's
    attachment, or a committee's report, is often named by it again below)."""
    # Kinds of document are rare: a page's text is read only when one of its first lines is one.
    index = next((index for index, label in enumerate(lines[:TITLE_LINES - 1])
                  if len(label) <= _KIND_LENGTH and DOCUMENT_KIND.match(label)), None)
    if index is None or any(reads_as_prose(line) for line in lines[:index + 2]):
        return None
    line = lines[index + 1]
    if not heading_like(line) or is_furniture(line):
        return None
    after = [other for other in lines[index + 2:TITLE_LINES] if not is_furniture(other)]
    head = after[:next((n for n, other in enumerate(after) if reads_as_prose(other)), len(after))]
    return None if any(headline_sized(other) and not credited(other) for other in head) else line


def _headline_of(lines: list[str], sized: list[int], dated: set[int] | frozenset[int], lede: str) -> int:
    """The headline among the headline-sized lines of the head: of the last run of them before the
    page's date line, byline or labelled details, the fullest line in headline style. Other stories'
    headlines beside it ("More from Crime", "Most read") share no word with the page's first
    paragraph, which retells its own headline's: when some lines share one, the headline is one of them."""
    ends = [index for index in range(sized[0] + 1, len(lines))
            if index not in sized and (index in dated or credited(lines[index]))]
    before = [index for index in sized if not ends or index < ends[0]]
    told = _content_words(lede)
    shared = {index: len(_content_words(lines[index]) & told) for index in before}
    # One word in common is chance when another line retells the lede ("running" in a ticker's "Fraudster
    # jailed for running a scam website" above "Man arrested after throwing away knife ...", whose lede runs away).
    fewest = 2 if max(shared.values(), default=0) >= 3 else 1
    before = [index for index in before if shared[index] >= fewest] or before
    # Headlines drop the verbs a standfirst keeps ("Police say the attack was targeted"), but for
    # whom they quote ("Man shot in west Belfast, police say").
    terse = [index for index in before if not SENTENCE_VERB.search(_ATTRIBUTED.sub("", lines[index]))] or before
    run = [terse[-1]]
    while run[0] - 1 in terse:
        run.insert(0, run[0] - 1)
    fullest = max(reversed(run), key=lambda index: _headline_weight(lines[index]))
    # The first of the run is the headline, the next its standfirst, unless the first is a much slighter line
    # that tells less of what the first paragraph tells (a kicker, a label) than the fuller one.
    slighter = _headline_weight(lines[run[0]]) * 4 < _headline_weight(lines[fullest]) * 3
    return fullest if slighter and shared[run[0]] < shared[fullest] else run[0]


_ATTRIBUTED = re.compile(r",\s+(?:[\w'’.-]+\s+){0,4}(?:says?|said|claims?)$")


def _bare_copy(lines: list[str], sized: list[int], chosen: int) -> int:
    """The headline said again without the site's name after it (the page's title "X | Exeter
    Express", then its heading "X"): the bare one."""
    found = SITE_NAME_AFTER.match(lines[chosen])
    return next((index for index in sized if found and lines[index] == found.group(1)), chosen)


def _content_words(line: str) -> set[str]:
    """The words of four letters or more but those any story's may hold, cut to their first five
    letters (so "stabbings" is "stabbed"), in lower case: what a lede repeats of its headline."""
    return {word.lower()[:5] for word in _LONG_WORD.findall(line) if word.lower() not in _ANY_STORYS}


_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
_ANY_STORYS = frozenset({"after", "with", "from", "into", "that", "this", "have", "been", "were", "their", "over",
                         "when", "more", "than", "said", "says", "police", "officers", "news"})


def _headline_weight(line: str) -> int:
    """How much of a story a line tells in headline style: its words, less those a headline drops
    (the articles and verbs a standfirst keeps), so a site's name, a score line or a period under
    the headline weighs less than it."""
    words = line.split()
    return len(words) - 3 * sum(1 for word in words if word.lower() in ("a", "an", "the"))


def headline_sized(line: str) -> bool:
    """A heading of 4 to HEADLINE_WORDS words: a headline's size (a shorter one is a label or a name)."""
    return heading_like(line) and 4 <= len(line.split()) <= HEADLINE_WORDS


def heading_like(line: str) -> bool:
    """A short line with no closing full stop reads as a headline, not a sentence."""
    return 3 <= len(line) <= 160 and len(line.split()) <= 25 and not line.endswith((".", ",", ";", ":"))
