"""What the figures of a story are found by: number words, and for each kind of count the patterns of
the sentences that state one (digest.figures finds them, with money and percentage changes)."""

from __future__ import annotations

import re

WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "a dozen": 12,
}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SMALL = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# "Thirty-eight" is one number, and the "eight" of it no number on its own; "1 in 4", "one in five" are shares.
_WORD_NUMBER = (r"(?:(?:" + _TENS + r")[- ](?:" + "|".join(_SMALL[:-1]) + r")\b|"
                + "|".join(sorted((w for w in WORDS if w not in ("a", "an", "hundred")), key=len, reverse=True)) + ")")
# A number in words may be scaled ("three thousand", "two hundred"); a number scaled by a word it does
# not take ("3 million", "1.2 million") is no count of it at all.
NUMBER = (r"(?<!-)(?<![\d,./])(" + _WORD_NUMBER + r"[- ](?:hundred|thousand)\b|\d{1,3}(?:,\d{3})+|\d+|" + _WORD_NUMBER
          + r"|hundred)(?!\s+(?:hundred|thousand|million|billion)\b)(?![.,]\d)(?!\s+in\s+(?:\d|" + "|".join(_SMALL) + r")\b)")
QUALIFIERS = ("more than", "over", "at least", "around", "about", "almost", "nearly", "some", "a total of", "in total",
               "an estimated", "a further", "another", "a combined", "totalling")
# Nor does a count begin right after "<number> in" (a share's second number) or "aged" (an age).
QUALIFIER = ("".join(rf"(?<!\b{share}\sin\s)" for share in _SMALL)
              + r"(?<!\d\sin\s)(?<!\baged\s)(?:(?:" + "|".join(QUALIFIERS) + r")\s+){0,2}")
# Up to two words between a number and what it counts, none of them a preposition or "and"
# ("nine people for offences" does not count offences, "Nineteen arrests and weapons" weapons).
_BETWEEN = r"(?:(?!(?:for|of|with|in|including|after|from|on|at|by|and|to)\b)[\w-]+\s+){0,2}?"
_PEOPLE = (r"(?:people|men|women|teenagers|teens|boys|girls|suspects|males|females|others|youths|youngsters|adults|"
           r"children|individuals|juveniles|persons|drivers|motorists|offenders|criminals|dealers)")
_YOUNG = r"(?:young\s+people|pupils|students|children|teenagers|youngsters|participants|families|people)"
_PUPILS = r"(?:young\s+people|pupils|students|children|teenagers|youngsters)"
_VULNERABLE = r"(?:people|children|adults|young\s+people|teenagers|individuals|victims|boys|girls|youngsters)"
# A subject may carry an aside before its verb: "Two men, aged 19 and 22, were arrested" (or between dashes).
# ... or a clause: "17 people who were wanted for weapons offences were arrested".
_ASIDE = r"(?:,[^.;]{0,90}?,|\s+[–—][^.;]{0,90}?[–—]|\s+who\s+(?:were|had\s+been)(?:\s+[\w-]+){1,8}?)?\s+(?:[\w-]+\s+){0,3}?"
_ARRESTED = r"(?:arrested|detained(?!\s+(?:for|until|under|indefinitely|in\s+hospital)\b))"
# A word for the people counted before them: "17 wanted people", "two young suspects" (not "two more men":
# those are added to a total the story gives).
_SOME = r"(?:(?!(?:and|of|were|have|had|in|more|further|other|additional)\b)[a-z][\w-]*\s+)?"
# A second count of the same kind, added to the first: "410 men and 72 women were arrested".
_AND_MORE = r"(?:\s+and\s+(?P<more>\d{1,3}(?:,\d{3})+|\d+)\s+(?:[\w-]+\s+){0,2}?"
# Weapons taken by officers and more given up, added: "seized 936 knives and 8,703 were surrendered".
_MORE_HANDED_IN = (r"(?:\s+(?:and|while|whilst)\s+(?:a\s+further\s+|another\s+)?(?P<more>\d{1,3}(?:,\d{3})+|\d+)\s+"
                   r"(?:more\s+|others\s+)?(?:were|was|have\s+been)\s+(?:either\s+)?"
                   r"(?:surrendered|handed\s+in|found|recovered|collected|deposited))?")
_HAVE_BEEN = r"(?:have\s+(?:now\s+|since\s+|each\s+)?been\s+|were\s+|had\s+been\s+|being\s+)"
_WEAPON = (r"(?:knives|knife|weapons|blades|machetes|firearms|guns|handguns|pistols|shotguns|rifles|swords|"
           r"bladed articles)\b(?!\s+(?:sweep|arch|bin|amnest|wand|surrender|crime|offence))")
# A second count of weapons of another kind, added: "along with 41 firearms and 352 bladed weapons".
_AND_MORE_WEAPONS = r"(?:,?\s+and\s+(?P<more_weapons>\d{1,3}(?:,\d{3})+|\d+)\s+(?:[\w-]+\s+)?" + _WEAPON + r")?"
# Weapons taken are taken off the streets (or out of circulation), not to school.
_TAKEN = (r"(?:seiz(?:ed|ing)|recover(?:ed|ing)|surrender(?:ed|ing)|f(?:ound|inding)|remov(?:ed|ing)|confiscat(?:ed|ing)|"
          r"collect(?:ed|ing)|t(?:ake|ook|aken|aking)(?=[^.]*\b(?:off|out\s+of)\b))")
# A prison term: "eight years", "four and a half years" (or "four-and-a-half"), "8 years and 6 months", "7 years, 5 months".
_FRACTION = r"(?:[\s-]+and[\s-]+(?:a[\s-]+half|a[\s-]+quarter|three[\s-]+quarters))?"
_NOT_SUSPENDED = r"(?!\s*,?\s*(?:suspended|which\s+was\s+suspended))"
_YEARS = (NUMBER + _FRACTION + r"\s+years(?:’|')?(?:(?:\s+and|,)\s+" + NUMBER + r"\s+months(?:’|')?)?" + _NOT_SUSPENDED)
SENTENCED = r"(?:jailed|sentenced|imprisoned|detained|locked\s+up|put\s+behind\s+bars)"
# Charged, or in Scotland reported to the procurator fiscal ("Thirty four people are to be reported to the procurator fiscal").
_CHARGED = r"(?:charged|reported\s+to\s+the\s+procurator\s+fiscal)"
_CRIMES = r"(?:offences|crimes|burglaries|robberies|thefts|assaults|attacks|stabbings|shootings|break-ins)"
_PLACES = r"(?:cars|vehicles|vans|lorries|homes|houses|properties|sheds|garages|shops|businesses)"


def _patterns(*sources: str) -> list[re.Pattern[str]]:
    return [re.compile(source, re.I) for source in sources]
# A running total, a figure of its own beside the count it adds ("In April 701 knives were handed in, taking
# the total since December to 2,944 bladed or sharp articles"; "bringing the total number of arrests to 57").
_RUNNING = r"\b(?:taking|bringing|takes|brings|took|brought)\s+(?:the|its|their)\s+(?:overall\s+|running\s+)?total\b"
_RUNNING_WEAPONS = (_RUNNING + r"[^.;]{0,80}?\s+to\s+" + QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,3}?(?:" + _WEAPON
                    + r"|(?:bladed|sharp)\b[\w\s]{0,20}?articles\b)")
_RUNNING_ARRESTS = (_RUNNING + r"\s+(?:(?:number\s+)?of\s+)?(?:arrests|(?:people\s+|suspects\s+)?arrested)\b[^.;]{0,60}?\s+to\s+"
                    + QUALIFIER + NUMBER + r"\b(?!\s*(?:%|per\s*cent))")


PATTERNS: dict[str, list[re.Pattern[str]]] = {
    "arrests": _patterns(
        QUALIFIER + NUMBER + r"\s+(?!of\s)(?:(?!and\b)[a-z][\w-]*\s+){0,2}arrests\b",  # not "£7,200 and 22 arrests"
        QUALIFIER + NUMBER + r"\s+" + _PEOPLE + _AND_MORE + _PEOPLE + r")?" + _ASIDE + _HAVE_BEEN + r"?" + _ARRESTED,
        # With a word before them, only as a verb ("17 wanted people were arrested", not "100 young people arrested
        # for carrying a knife have been offered ...").
        QUALIFIER + NUMBER + r"\s+" + _SOME + _PEOPLE + _ASIDE + _HAVE_BEEN + _ARRESTED,
        r"arrest(?:ed|ing|s?\s+of)\s+" + QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,3}?" + _PEOPLE,  # "the arrest of 94 people"
        r"(?<!\w\s)\bof\s+(?:the|these|those)\s+(?:[\w-]+\s+)?arrests,?\s+" + QUALIFIER + NUMBER + r"\b",
        # A results list's line: "43 arrested, including seven under 18" (not "aged 43 arrested").
        QUALIFIER + NUMBER + r"\s+arrested\b",
        _RUNNING_ARRESTS,
    ),
    "weapons": _patterns(
        _TAKEN + r"\s+" + QUALIFIER + NUMBER + r"\s+" + _BETWEEN + _WEAPON + _MORE_HANDED_IN + _AND_MORE_WEAPONS,
        QUALIFIER + NUMBER + r"\s+" + _BETWEEN + _WEAPON
        + r"(?=[^.]*\b(?:seiz|recover|surrender|found|remov|taken|handed|deposit|collect|confiscat|located|amnesty|"
        r"dropped|bins\b))",
        # The verb well before the count: "They seized drugs, cash and three weapons".
        r"\b(?:seized|recovered|confiscated|taken\s+off|found)\b(?!\s+(?:were|was|includ|guilty|dead|from))(?:[^.;]|\.(?=\d))"
        r"{0,150}?\b" + NUMBER + r"\s+(?:(?!(?:with|of|in|for|and|from|by)\b)[\w-]+\s+){0,2}" + _WEAPON
        + _AND_MORE_WEAPONS,
        # A total said after them: "the total number of recovered and seized weapons and knives reaching 637".
        r"\b(?:total|number)\s+(?:number\s+)?of\s+(?:[\w-]+\s+){0,4}?(?:weapons|knives|blades|bladed\s+articles)\s+"
        r"(?:[\w-]+\s+){0,3}?(?:reaching|reached|stood\s+at|came\s+to|totalled|rose\s+to|was|is)\s+" + QUALIFIER + NUMBER
        + r"\b(?!\s*(?:%|per\s*cent))",
        _RUNNING_WEAPONS,
        # Items handed in to an amnesty or a surrender bin are weapons.
        QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?items\b(?=[^.]*\b(?:amnesty|surrender))",
    ),
    "charged": _patterns(
        QUALIFIER + NUMBER + r"\s+(?:of\s+(?:those|them|the\s+\w+)\s+(?:arrested\s+|held\s+|detained\s+)?|" + _SOME + _PEOPLE + _ASIDE
        + r"(?:were\s+arrested[^.;]{0,40}?\s+and\s+)?)(?:have\s+(?:now\s+|since\s+|each\s+)?been\s+|were\s+|had\s+been\s+|"
        r"are\s+to\s+be\s+|will\s+be\s+)?" + _CHARGED,
        r"charged\s+" + QUALIFIER + NUMBER + r"\s+" + _PEOPLE,
        QUALIFIER + NUMBER + r"\s+(?:have\s+(?:now\s+|since\s+)?been\s+|were\s+|had\s+been\s+)" + _CHARGED,
    ),
    "sentence_years": _patterns(
        SENTENCED + r"\s+(?:[\w'’-]+,?\s+){0,4}?(?:for|to)\s+(?:serve\s+)?" + QUALIFIER + _YEARS,  # "sentenced Jo Bell, 19, to"
        r"(?:given|got|received|handed)\s+" + QUALIFIER + _YEARS + r"(?=\s*(?:imprisonment|in\s+(?:prison|jail|custody)|custody|"
        r"detention|jail|behind\s+bars|[.;,]|$|for\b|after\b))",
        r"(?:minimum\s+(?:term\s+)?of|serve\s+at\s+least)\s+" + NUMBER + r"\s+years",
        # "handed a seven-year sentence", "an 11-year jail term" (not a "four-year term" of office)
        QUALIFIER + NUMBER + _FRACTION + r"[\s-]year\s+(?:(?:prison|jail|custodial|extended)\s+)?(?:sentence|"
        r"(?:prison|jail|custodial)\s+term)\b" + _NOT_SUSPENDED,
        # "an extended sentence of 12 years" (not "a maximum sentence of" an offence)
        r"(?:(?<=\ba\s)|(?<=\ban\s))(?:(?:prison|jail|custodial|extended)\s+)?sentence\s+of\s+" + QUALIFIER + _YEARS,
        r"(?:sentences?|terms?|jail\s+terms?)\s+(?:totalling|of\s+a\s+total\s+of|adding\s+up\s+to)\s+" + QUALIFIER + NUMBER
        + r"\s+years",
        # A further term in a sentence that has passed one: "..., and Musgrave, 19, for four years".
        r"(?:,|\band\b)(?:\s+(?!ban|disqualif|driving|order|licen|having|had|has|have|after|who|which|been|since)"
        r"[\w’'-]+,?){0,8}?\s+for\s+" + _YEARS,
    ),
    "patrol_hours": _patterns(QUALIFIER + NUMBER + r"\s+hours\s+of\s+(?:[\w-]+\s+){0,2}patrol"),
    "warrants": _patterns(
        QUALIFIER + NUMBER + r"\s+(?:(?!and\b)[a-z][\w-]*\s+){0,2}warrants\b",
        r"warrants\s+(?:were\s+|have\s+been\s+)?(?:executed\s+|carried\s+out\s+|served\s+)?at\s+" + QUALIFIER + NUMBER
        + r"\s+(?:[\w-]+\s+)?(?:addresses|properties|homes|premises|locations)",
        r"(?:raided|raids\s+(?:on|at))\s+" + QUALIFIER + NUMBER
        + r"\s+(?:[\w-]+\s+)?(?:addresses|properties|homes|premises)",
    ),
    "stop_searches": _patterns(
        QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?stop[- ](?:and[- ])?search(?:es)?\b",
        r"stopped\s+and\s+searched\s+" + QUALIFIER + NUMBER,
        QUALIFIER + NUMBER + r"\s+" + _PEOPLE + r"\s+" + _HAVE_BEEN + r"stopped\s+and\s+searched",
    ),
    "lines_closed": _patterns(
        r"(?:closed|closing|closure\s+of|shut\s+down|shutting\s+down|dismantled|dismantling(?:\s+of)?|took\s+down|taken\s+down|"
        r"terminated)\s+"
        + QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?lines\b",
        # ... or their phones: "96 deal line phones were shut down", '102 "deal line" devices, linked to ..., were'
        QUALIFIER + NUMBER + r"\s+(?:(?:county|deal|drugs?|dealer)\s+lines|[\"“]?(?:county|deal|drugs?|dealer)\s+line[\"”]?\s+"
        r"(?:phones?|devices?|handsets?|numbers?))(?:,[^.;]{0,90}?,)?\s+" + _HAVE_BEEN
        + r"?(?:closed|shut\s+down|dismantled|taken\s+down|terminated)",
        # The lines as the networks that run them: "324 networks originating in the capital have been closed".
        QUALIFIER + NUMBER + r"\s+(?:(?:county|deal|drugs?|dealer)\s+)?(?:lines\s+)?networks\s+(?:(?!of\b)[\w-]+\s+){0,4}?"
        + _HAVE_BEEN + r"(?:closed|shut\s+down|dismantled|taken\s+down|terminated)",
    ),
    "safeguarded": _patterns(
        r"safeguard(?:ed|ing)\s+" + QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _VULNERABLE
        + _AND_MORE + _VULNERABLE + r")?",
        # "519 vulnerable adults and 364 children were safeguarded" (added), "49 people, including children, were ..."
        QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _VULNERABLE + r"(?:\s+and\s+(?:(?P<more>\d{1,3}(?:,\d{3})+|\d+)\s+"
        r"(?:[\w-]+\s+){0,2}?)?" + _VULNERABLE + r")?(?:,[^.;]{0,60}?,|\s+[–—-]\s+[^.;–—]{0,60}?\s+[–—-]|\s+who\s+(?:were|are|had\s+been|have\s+been)\s+"
        r"(?:being\s+)?[\w-]+(?:\s+[\w-]+)?)?\s+(?:who\s+)?" + _HAVE_BEEN + r"?(?:(?:[\w-]+\s+){1,2}(?:or|and)\s+)?(?:safeguarded|"
        r"(?:engaged|identified|visited|referred|contacted)(?:\s+by\s+[\w-]+(?:\s+[\w-]+)?)?\s+(?:for|to)\s+safeguarding)",
        # "put safeguarding plans in place for 48 vulnerable people"
        r"safeguarding\s+(?:plans|packages|measures)\s+(?:were\s+|have\s+been\s+)?(?:put\s+)?in\s+place\s+for\s+"
        + QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _VULNERABLE,
    ),
    "people_reached": _patterns(
        r"(?:worked\s+with|reached|reaching|engaged(?:\s+with)?|engaging(?:\s+with)?|supported|supporting|mentored|"
        r"referred|deliver(?:ed|ing)\s+(?:[\w-]+\s+){0,3}?to)\s+" + QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _YOUNG,
        # Talks and sessions count pupils, not passers-by: "spoke to 900 pupils", "held sessions for 40 students".
        r"(?:(?:spoke|spoken|speaking|talked|talking)\s+to|(?:gave|given|giving|held|ran)\s+(?:[\w-]+\s+){0,10}?(?:to|for|with))"
        r"\s+" + QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _PUPILS,
        QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _YOUNG + r"(?![^.]*\b(?:consultation|survey|poll)s?\b)"
        r"(?:\s+(?!safeguarded)[\w-]+){0,5}?\s+(?:have\s+|had\s+)?(?:been\s+|were\s+)?"
        r"(?:supported|engaged|reached|referred|mentored|t(?:ake|ook|aken)\s+part|attended|benefit+ed|heard|"
        r"received|completed|joined|learned|learnt)\b(?!\s+for\s+safeguarding)"
        # An incident's people, not a project's: "two people attended hospital", "received suspended sentences".
        # (What follows the verb only: "attended prison awareness sessions" is a project's.)
        r"(?!\s+(?:hospital|(?:medical\s+)?treatment|(?:[\w-]+\s+)?injuries|(?:prison|jail|custodial|suspended|community)\s+"
        r"(?:sentences?|terms?)\b|sentences?\b|fines?\b|cautions?\b))",
        # (a tip-off about someone is no one referred: "1,000 referrals about people trying to import weapons")
        QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?referrals\b(?!\s+(?:about|regarding|concerning|relating\s+to)\b)",
        QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _YOUNG + r"\s+had\s+(?:face[- ]to[- ]face\s+|one[- ]to[- ]one\s+)?"
        r"(?:engagement|contact|support|mentoring|sessions?|workshops?)\b",
    ),
    "offences": _patterns(
        QUALIFIER + NUMBER + r"\s+" + _BETWEEN + r"(?:offences|crimes)\b",
        r"(?:admitted|denied|faces|convicted\s+of|guilty\s+to|charged\s+with)\s+" + NUMBER + r"\s+counts?\s+of\b",
        r"(?:admitted|admitting|committed|committing|carried\s+out|carrying\s+out|responsible\s+for|linked\s+to|"
        r"guilty\s+to|convicted\s+of|recorded)\s+" + QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+){0,2}?" + _CRIMES,
        # The targets counted: "thefts from 212 cars", "23 vans were broken into".
        r"(?:thefts?|st(?:ole|olen|ealing)|burgl(?:ed|ing)|br(?:oke|oken|eaking)\s+into)\s+(?:[\w-]+\s+){0,3}?(?:from\s+)?"
        + NUMBER + r"\s+(?:[\w-]+\s+)?" + _PLACES + r"\b",
        QUALIFIER + NUMBER + r"\s+(?:[\w-]+\s+)?" + _PLACES + r"\s+" + _HAVE_BEEN + r"(?:broken\s+into|burgled)",
        # A count the change left: "knife offences fell by 12%, to 1,643".
        _CRIMES + r"\b[^.;]{0,60}?\b(?:fell|fallen|rose|risen|dropped|increased|decreased|declined|went\s+(?:up|down))\b"
        r"[^.;]{0,30}?\bto\s+(?!(?:19|20)\d\d\b)(\d{1,3}(?:,\d{3})+|\d+)\b(?![.,]?\d|\s*(?:%|per\s*cent))",
    ),
}
RUNNING_TOTALS = (_RUNNING_WEAPONS, _RUNNING_ARRESTS)  # the sources of the patterns that count a running total
