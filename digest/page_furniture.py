"""Which lines of a text page are its site's furniture, as a whole page shows it: beyond the lines
furniture by their own shape (digest.furniture), captions and banners said more than once, a
caption run into its own copy or credit, a reporter's name over their role, other stories listed
under a label or as teasers after the text has begun."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from digest.dates import line_date, reads_as_prose
from digest.furniture import byline_name, is_furniture, relative_stamp
from digest.headline import heading_like, headline_sized


def without_furniture(lines: list[str], labelled: str | None = None) -> tuple[list[str], list[str]]:
    """(the lines that are not site furniture, those that are); a short line said more than once (a caption,
    a banner) is furniture too, and so is a caption whose copy with its credit or run into itself is."""
    lede = next((line for line in lines if reads_as_prose(line) and not is_furniture(line)), None)
    repeated = _repeated(lines, labelled) - {lede}  # a paper's standfirst said again as its first paragraph
    teasers = _teasers(lines)
    bylines = {at for at, pair in enumerate(pairwise(lines)) if byline_name(*pair)}  # a name; its role follows
    kept: list[str] = []
    dropped: list[str] = []
    begun = listing = False  # the article's text has begun; a list of other stories follows its label
    for index, line in enumerate(lines):  # a date line like a menu dates the page; a byline's name and role go
        captioned = index > 0 and bool(_CAPTION_LABEL.match(lines[index - 1]))  # "Image caption," then the caption
        captioned = captioned or index in bylines or index - 1 in bylines
        furniture = (index in teasers or captioned or (index > 0 and line == lede == lines[index - 1])
                     or ((line in repeated or _doubled(line) or is_furniture(line)) and line_date(line) is None))
        listing = (begun and furniture and bool(_STORY_LIST.match(line))) or (listing and heading_like(line))
        (dropped if furniture or listing else kept).append(line)
        begun = begun or (not furniture and reads_as_prose(line))
    captions: dict[str, list[str]] = {}  # furniture lines by their first word
    for line in dropped:
        if len(line) <= 300:
            captions.setdefault(line.split(maxsplit=1)[0], []).append(line)
    copies = {line for line in kept if any(_caption_copy(line, caption)
                                           for caption in captions.get(line.split(maxsplit=1)[0], ()))}
    if copies:
        dropped += [line for line in kept if line in copies]
        kept = [line for line in kept if line not in copies]
    return kept, dropped


_CAPTION_LABEL = re.compile(r"^(?:image |picture |photo |video )?caption[,:]?$", re.I)  # over a caption


def _teasers(lines: list[str]) -> set[int]:
    """Other stories listed without a label inside or after the text, each a headline, a sentence and
    how long ago ("about 23 hours ago"): the lines of two or more such, once the text has begun."""
    if len(stamps := [index for index, line in enumerate(lines) if index >= 2 and relative_stamp(line)]) < 2:
        return set()
    first_text = next((index for index, line in enumerate(lines) if reads_as_prose(line)), len(lines))
    found = [(index - 2, index - 1) for index in stamps if index - 2 > first_text and heading_like(lines[index - 2])
             and reads_as_prose(lines[index - 1])]
    return {index for pair in found for index in pair} if len(found) >= 2 else set()


# The label of a list of other stories' headlines under an article ("Related stories", "Most read",
# "More from Crime"): the headlines after it are not the article's text (nor cues of what it is about).
_STORY_LIST = re.compile(r"^(?:related(?: stories| articles?| news| content| links| posts)?|most (?:read|popular|viewed|"
                         r"shared|watched)(?: (?:today|this week|stories|news))?|more (?:from|in|on) [^.!?]{1,40}|"
                         r"more (?:stories|news|headlines)|trending(?: now| stories)?|latest(?: news| stories| headlines)?|"
                         r"top stories|you (?:may|might) also (?:like|be interested in)|recommended(?: for you| stories)?|"
                         r"read (?:more|next)|popular(?: now| stories)?|what to read next|editor'?s picks|see also|don['’]?t miss|"
                         r"similar (?:news|stories|articles)(?::.*)?)\s*:?$",
                         re.I)


def _repeated(lines: list[str], labelled: str | None) -> set[str]:
    """Lines of up to 200 characters said more than once: captions and banners. A headline-sized
    line said twice apart (a portal's headline above its date and again above its text), or twice
    in a row as the page's first, is the page's headline, not a caption (a caption's copies stand
    together, under the headline); so is the line under a kind of document (`labelled`)."""
    counts = Counter(lines)
    repeated = set()
    for line, count in counts.items():
        if count < 2 or len(line) > 200 or line == labelled:
            continue
        if headline_sized(line) and (not any(first == second == line for first, second in pairwise(lines))
                               or line == _first_headline_sized(lines)):
            continue
        repeated.add(line)
    return repeated


def _first_headline_sized(lines: list[str]) -> str | None:
    """The page's first headline-sized line before its text (furniture aside): said twice in a row there, the headline."""
    for line in lines:
        if reads_as_prose(line):
            return None
        if headline_sized(line) and not is_furniture(line):
            return line
    return None


# What follows a caption in its credited copy: "... Picture: Wessex Police", "...(Credit: PA)", "...Wessex Police".
_CREDIT_AFTER = re.compile(r"\s*[.!?]?\s*[-–(|]?\s*(?:pictures?|pics?|photos?|images?|credit|source|©|copyright)\b", re.I)


def _doubled(line: str) -> bool:
    """A caption run into its own copy: "Police at the scenePolice at the scene"."""
    half = len(line) // 2
    return len(line) >= 12 and (line[:half] == line[half:] or (line[half] == " " and line[:half] == line[half + 1:]))


def _caption_copy(line: str, caption: str) -> bool:
    """Whether `line` is a caption that the furniture line `caption` repeats with its credit or runs into itself."""
    if len(line.split()) < 2 or len(caption) <= len(line) or not caption.startswith(line):
        return False
    rest = caption[len(line):]
    return _doubled(caption) or (len(rest) <= 80 and bool(
        _CREDIT_AFTER.match(rest) or (line[-1:].islower() and rest[:1].isupper())))
