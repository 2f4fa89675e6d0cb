"""Site furniture known by its first words: a whole line that opens the way banners, menus, links,
labels, prompts and widgets do ("Skip to content", "Share this story on Facebook", "0 Comments",
"Sign up to our newsletter"). The other shapes of furniture are in digest.furniture.
"""

from __future__ import annotations

import re

from digest.pattern_dispatch import patterns_by_first_char

# Calls to sign up for newsletters, alerts, notifications or a WhatsApp channel, however worded.
_SIGN_UP = (r"(sign up|subscribe|register|join|get|receive|stay up to date|never miss|don['’]?t miss|"
            r"for (free )?(real.time )?breaking news)"
            r"\b.{0,120}\b(newsletters?|inbox|e-?mails?|alerts|notifications|whatsapp)\b.{0,400}")
_SIGN_UP_RE = re.compile(_SIGN_UP, re.IGNORECASE)
# Whole lines, by their opening word (matched on the stripped line, ignoring case).
# Kinds of document, each a label over its title: a release's, and GOV.UK's.
DOCUMENT_KINDS = (
    r"press release|news story|news release|policy paper|guidance|consultation outcome|agenda item|"
    r"statutory guidance|detailed guide|corporate report|research and analysis|(accredited |national )?official statistics|"
    r"transparency data|independent report|impact assessment|(open |closed )?consultation|policy statement|speech|"
    r"correspondence|collection|case study|foi release")
DOCUMENT_KIND = re.compile(rf"^(?:{DOCUMENT_KINDS})$", re.IGNORECASE)

_OPENED = [
    r"accessibility( options| tools| settings| controls| statement)?",
    # Skip links and exits, however the site words them: "Jump to content", "Press Esc to leave this site".
    r"(skip|jump|go)( directly| straight)? to (the )?(main |page |article |primary )?(content|article|story|player|navigation|nav|menu|"
    r"search|footer|toolbar|top)|skip (navigation|nav|links|ad|advert)|(back to |go to )?top of (the )?page|"
    r"exit mobile version|(mobile|main|site) (menu|navigation)|(open|toggle) (the )?(navigation|menu)",
    r"(quickly |safely )?(exit|leave|hide|close) (this )?(site|website|page)( now| quickly| immediately| safely)?\b.*",
    r"press (the )?(esc|escape)( key)? to (leave|exit|hide|close)\b.*",
    r"main content( area)?", r"article content",
    r"(change |adjust )?(font|text) size:?(\s+(a[+-]?|[+-]|small|medium|large|larger|default|normal|reset)){1,5}",
    r"sorry, there was a (technical )?problem.*|please (try again|refresh)( later| the page)?[.!]?|"
    r"your feedback (helps|will help|can help)\b.*",
    # Service banners and feedback prompts: "Something went wrong", "New service: tell us what you think".
    r"(sorry, )?something (went|has gone) wrong[.!]?( please (try again|refresh)\b.*)?",
    r"(give|send|leave|share) (us )?(your )?feedback( (on|about) (this|our) (page|site|website|service))?|feedback|"
    r"tell us what you think( (of|about) (this|it|our) [\w ]{1,30})?|help us improve (this|our) (site|website|service|page)\b.*|"
    r"(new|beta) (service|website|site): .{1,100}|"
    r"we('re| are) (testing|trialling|building) (a |the )?new (version of (this|our) )?(site|website|service)\b.*",
    r"this (site|website|service) is (a |in )?(new|beta|public beta).*",
    r"this is a (new|beta) (service|website|site)\b.*",
    r"(beta|alpha)( this is a new (service|website).*)?",
    r"we (value|care about|respect) your privacy.*",
    r"(accept|reject|allow|deny|decline|refuse) all( cookies)?", r"(manage )?(your )?(preferences|choices|options)",
    r"personalised (advertising|ads|content)\b.*", r"use precise geolocation data.*",
    r"actively scan device characteristics.*", r"advertise with us", r"newsletters?", r"page \d+ of \d+",
    r"continued (from|on) page \d+",
    r"change (the )?(font|text) size\b.*", r"(increase|decrease|reset) (the )?(font|text) size\b.*",
    r"(for )?(media|press) (enquiries|office)\b.*", r"(or )?[\d+(][\d\s()-]{5,20} for urgent out of hours enquiries.*",
    r"you can also email the press office.*", r"thanks for signing up!?", r"sign up( now| here| today)?",
    r"(read|view) (the|our|today's) e-?(paper|edition)", r"view (the )?text only version", r"serving [\w ,&'’-]{2,80}", r"(the )?(latest )?breaking news( updates)?",
    r"(the )?latest news( updates| and updates)?", r"news (from|for) [\w ,&'’-]{2,80}",
    r"(back to top|print this page|share this (page|article|story|post)|share( on| via)? (facebook|twitter|x|linkedin|whatsapp|email))",
    r"(share (on|via|by) [\w.]{1,20} ?){2,}",  # a row of share buttons: "Share on Facebook Share on X Share by email"
    r"(sign in|log in)( (/|or) (register|sign up))?",
    r"(share|print|menu|search|close|home|open menu|main menu|cookie settings|report|contact us|sign in|log in|"
    r"advanced search|search this site|show more|load more|view all|more|next|previous|copy link|comments?)",
    r"(home|news)(\s*[>›»/|–→❯-]\s*[^>›»/|–→❯]{1,60}){1,6}",
    r"listen( to this (article|story))?|video unavailable|report this comment|email this( (article|story))?|"
    r"(back|return) to (news|top|results|the news|news listings|all news)\b.*|continue reading(\.{3}|…)?|related topics|"
    r"more on this (story|topic)|top stories|latest( news| stories)?|you may also like|trending( now)?|save|"
    r"open in (the )?app|register|download (our|the) app\b.*|got a story\??\b.*|want (to get )?the latest\b.*|"
    r"the home of [^.!?]{1,60}|posted by admin\b.*|(authors?|reporters?|writers?|contributors?):?|(a|an) ([\w-]+ ){0,3}(image|photo|picture|photograph|still|screenshot) "
    r"(of|from|showing)\b[^.!?]{0,100}|(pictured|picture shows|image shows|photo shows|main (picture|image)|inset|above|"
    r"top|left|right|below)\s*[:–-]\s*[^.!?]{1,160}|posed by models?|images? may be subject to copyright\.?",
    r"get (the|our) .{0,80}\b(sent|delivered) (straight |directly )?to your inbox\b.*|"
    r"your email address will not be published\b.*|required fields are marked\b.*|leave a (reply|comment)|"
    r"read the full (release|statement|story|article) (on|at) .{1,80}|read this (story|article)( (at|on)( .{1,60})?)?|public access to information:.*|"
    r"date calculator|printed:? .{1,40}|"
    r"share this:?|like this:?|like loading\.*|reply to this message\b.*|tell a friend\b.*|baca juga:?.*|"
    r"kategori:.*|source: [^.!?\d\s]+( [^.!?\d\s]+){0,4}|notes to editors|hide this message|view cookies|navigation menu|"
    r"yes( \| no)?|no|comments? \| \d+|read next|< ?previous( page)?|next( page)? ?>|"
    r"(more|latest) (in|from) [^.!?]{1,40}|related (posts|pages)|subscribe( now| today| to [^.!?]{2,40})?|bookmark|more options|"
    r"agree|i agree|read this (letter|page|article|document) in welsh|cymraeg|english|newyddion \| news|x",
    r"(tweet|email|facebook|twitter|linkedin|whatsapp)(\s+(tweet|email|facebook|twitter|linkedin|whatsapp))*",
    r"(was this page (useful|helpful)\??|is this page useful\??).*",
    # GOV.UK's notes on an attached document's format
    # A site's notice of its own faults: "Website issues", "We're currently experiencing some issues with our website".
    r"(website|site|technical) (issues|problems)|(we'?re|we are) (currently )?experiencing (some )?(technical )?"
    r"(issues|problems|difficulties)\b.*|"
    # A web app's own notices: offline, install prompts ("add The News to homescreen", "Got it!").
    r"(can'?t|cannot|unable to) connect( right now)?!?( (retry|try again))?|(you'?re|you are) offline\b.*|"
    r"add .{1,40} to (your )?home ?screen|tap to bring up your browser menu\b.*|got it!?|"
    r"set your (postcode|post code|location|area)\b.*|this will personalise (pages|the site|this site)\b.*|"
    r"request an accessible format\.?|this file may not be suitable for users of assistive technology\.?|"
    r"if you use assistive technology\b.*",
    r"([-–—•·] ?)?(hide ad|advertisement|advert|sponsored( content)?|quantcast|ad)( ?[-–—•·])?",
    r"(watch more of our videos|visit [\w!'’ ]{1,40} now|video loading|click to play|play video|watch:?( the)? video)\b.*|"
    r"(watch|see|stream) (more|our|the latest)( of our)? (videos?|video content|clips|films)\b.*|"
    r"and (watch )?(live )?on freeview\b.*",
    r"and live on freeview( channel \d+)?",
    r"(read (some )?more|read (next|again)|related( (articles?|stories|content|news|links))?|see also|also read|(local|more) news|"
    r"more stories( (from|on) [^.]{1,60})?|more news (from|on) [^.]{1,60}|most (read|popular)|trending)(:.{0,160})?|"
    r"more: .{1,160}",  # another story's headline under a label: "READ NEXT: ...", "MORE: ..."
    r"(sign up|subscribe) (to|for) (our|the) .{0,40}(newsletter|emails?|alerts)\b.*",
    r"(follow|like) us on .{1,40}",
    r"channel: .{1,80}",
    r"(tags|tagged|tagged with|categories|category|filed under|posted in|topics|related topics):.*",
    r"(image|picture|photo|photograph|video) (source|caption|credit|description)\b.*",
    # a publishing system's stand-in for a missing picture: "Default image needed", "No image available"
    r"(default|placeholder|fallback) (image|picture|photo)( needed| required| goes here)?|no (image|picture|photo)"
    r"( available)?|(image|picture|photo) (not available|unavailable|coming soon)",
    r"(picture|pictures|photo|image|credit|caption)s?: .{1,80}",
    r"(from|part of|organisation|organisations): .{1,120}",
    # Comment widgets: "0 Comments", "No comments to display", "One reply to “...”", "%d bloggers like this:".
    r"(\d+|no|one) (comments?|repl(y|ies)|responses?)( (to|on) .{1,80}| to display| yet| so far|…? ?add one|:)?|"
    r"(post|add|write|view|show|hide|load) (a |your |all |more )?(comments?|repl(y|ies))( below)?|"
    r"you must be (logged|signed) in to (post|leave|add) a (comment|reply)\b.*|this site uses akismet\b.*|"
    r"fill in your details below\b.*|%d bloggers like this:?|have your say( on this (story|article))?|comments? (are|have been) (closed|disabled|turned off)\b.*|"
    r"comments: our rules|we want our comments to be\b.*",  # a paper group's comments policy
    _SIGN_UP,
    r"you('ll| will) (receive|get) .{0,40}\b(updates|alerts|newsletters?|notifications)\b.*|"
    r"(view|see|browse|manage) (all |our )?newsletters|(download|get it) on (the )?(app store|google play)|"
    r"loading (audio|video|player)\b.*|(article|audio|video) will play after (the )?ad\b.*|playing in :?\d+.*|"
    r"the [\w'’]+ newsletter( [^.!?]{1,60})?|please enter a valid email address\b.*|"
    r"i would like to be emailed about\b.*|read our privacy (policy|notice)\b.*|indicates required",
    # Links on to more: "Read more from Crime", "Read Entire Article", "Visit website »", "Originally published as ...".
    r"read (more|on|next|(the )?(full|whole|entire) (story|article|release|press release|report|statement))"
    r"( here| online| (from|about|on|at|in) [^.!?]{1,60})?( ?[»›>])?|(more|read more) about this (article|story):? .{0,60}|"
    r"(visit|view|see) (the )?(website|site|more|all|original|source)( in| from)?( [^.!?]{1,40})?( ?[»›>])|"
    r"originally published (as|on|in|at|by)\b.*|(additional|further) reporting by [^.!?]{1,60}\.?|"
    r"similar news:.*|(news )?source ?: [^.!?\d]{1,60}|view more in|latest (news|headlines|stories) (from|with|on)\b.*|"
    r"read more of (today'?s|our|the latest|the day'?s) [^.!?]{1,40}|hear (all )?the latest (news|headlines)\b.*|"
    r"sign in to (comment|reply|join the conversation|continue reading)\b.*|notify of|inline feedbacks|"
    r"(view all|jump to) comments|this (article|story|page|post) (contains|may contain|includes) affiliate links\b.*|"
    # A picture's credit alone: "Getty Images", "PA Media", "Pic: Wessex Police".
    r"(getty images|pa media|pa wire|alamy|shutterstock|reuters|ap photo)( via [^.!?]{1,40})?|pic: [^.!?]{1,60}",
    # Advertising slots and promoted content.
    r"advertising|sponsored by [^.!?]{1,60}|(article|story) continues (below|after)( (the )?(ad|advert|advertisement))?|"
    r"content continues (below|after)\b.*|promoted (stories|content|links)|recommended( by\b.*| for you)|"
    r"in an emergency,? (always |please )?(call|dial|ring) 999\b.*|(do you have|have you got) a (news )?story\b.*|"
    r"(video|watch): .{1,120}|"
    r"mpu\d*|(outbrain|taboola)( \w+)?|content from our partners|premium content\b.*",
    # Sharing and printing, however worded: "Email this link", "Share this story on Facebook", "Printable version".
    r"(share|email|send|copy)( (this|the))?( (page|article|story|post|link|release))?( (on|via|to|by) [\w .]{1,30})?[:.]?|"
    r"print(able)?( (this|the))?( (page|article|story|release|version|view|friendly))*|(- )?(get link|other apps)|"
    r"(like|enjoy|enjoyed|love|loved) this (article|story|post)\?? ?(please )?share\b.*",
    # Embedded posts and browser notices: "Skip twitter post", "Your web browser is no longer supported".
    r"(this|the) ([\w]+ )?(post|content|video|tweet|embed) (cannot|can't|could not) be (displayed|shown|loaded)\b.*|"
    r"your (web )?browser (is no longer supported|does not support|doesn't support|is out of date)\b.*|"
    r"((you )?(will )?(need|must|have) to |please )?(enable|turn on|switch on|allow) javascript\b.*|"
    r"(this|the) (site|website|app|application|page|service) (requires|needs|uses|works best with) javascript\b.*|(skip|end of) ([\w]+ )?(post|content|video|tweet|embed)( by .{1,40})?|"
    r"allow ([\w]+ )?content\??|view this post on [\w ]{1,20}|this article contains content provided by\b.*|"
    r"(the|we)\b.{1,30}\bnot responsible for the content of external (sites|websites|internet sites|links)\.?",
    # GOV.UK's notices above and below a publication.
    r"this was published under the .{1,80} government|"
    r"applies to (england|wales|scotland|northern ireland|the uk|all of the uk|great britain)"
    r"((,| and) (england|wales|scotland|northern ireland))*|this publication is (licensed|available)\b.*|"
    r"any enquiries regarding this publication\b.*|where we have identified any third.party copyright\b.*",
    # Press-office and contact blocks: "By phone: 0800 ...", "Send your story ideas to ...".
    r"(phone|email|e-mail|tel|telephone|fax|mobile)\s*:\s*\S.{0,80}|(communications|press|media) "
    r"(office|team|relations|contacts?)|send (us )?your (stories|story|news|pictures|photos|videos)( ideas)?( to\b.*)?|"
    r"follow \S+( \S+){0,6} on (bbc sounds|x|twitter|facebook|instagram|tiktok|youtube|linkedin|social media)\b.*|"
    r"(see all|updates to this page|see all updates)|source link|supply hyperlink|\[(ad|block)_\d+\]|more to follow\.?|"
    r"we use your sign-?up to\b.*",  # a paper group's newsletter consent
    r"logo(:| of| for)?( .{1,80})?",
    # Accessibility toolbars, consent and exit variants, GOV.UK's beta line, ad-blocker and support appeals.
    r"(high|normal) contrast|text only( version)?|(reset|change) (colours|colors|contrast)|recite me|browsealoud|"
    r"reachdeck|readspeaker|listen (to this page|with readspeaker)|manage consent|consent|privacy settings|"
    r"do not sell or share my personal information|quick exit|escape (this )?(site|website|page)\b.*|"
    r"this part of .{1,40} is (being rebuilt|new)\b.*|help us improve\b.*|"
    r"(we('ve| have) noticed|it looks like) you('re| are) using an ad ?blocker\b.*|ad ?blocker detected\b.*|"
    r"(your support (helps|makes|means)|support (local|independent|quality|our|us)|donate (now|today|to us))\b.*|"
    r"advanced (news )?search( options)?|(labels|keywords|filed in):? .{1,120}|skip to (the )?video|"
    r"post (categor(y|ies)|author|comments?|tags?):.{1,120}|"  # a blog theme's labels of a post
    r"\(?h/t\b.{1,60}|article ad box|would love your thoughts, please comment\.?x?|"
    r"comments (&|and) moderation|readers['’]? comments:.*|"  # a paper group's comments policy
    # a blog host's comment form, and a blog's credit for a post it copied
    r"you are commenting using your .{0,40}account\b.*|connecting to %s|(twitter|facebook|google) (picture|photo)|"
    r"article courtesy (of|from) .{1,60}|(video|audio) report by .{1,80}",
    # Notices of a page's age, reading time, errors, apps, saving and the advert player.
    r"this (article|story|page|news item|post|content|release) (is (more than|over|older than) .{1,40}|was (first )?"
    r"published .{1,80}\b(outdated|archived|old|no longer)\b.*|has been archived\b.*|is archived\b.*)|"
    r"you are viewing an archived (page|version)\b.*|you are (here|in)(:\s*.{1,120}| \S+ ?[>›»/|].{1,120})|(estimated )?(reading|read) time(:\s*|\s+).{1,20}|\d+[- ]min(ute)?s?[- ]read|"
    r"listen to (this |the )?(article|story)\b[.:]?( .{0,120})?|(sorry, )?(an error has occurred|this video is not available|this content is "
    r"(only )?available to subscribers)\b.*|javascript is (disabled|required|turned off)\b.*|"
    r"get the latest .{1,60}\b(straight|sent|delivered) to your (phone|inbox|device|messages)\b.*|"
    r"download our (free )?app\b.*|(save|gift) (this )?article|add to your saved articles|most viewed|close ad|"
    r"report this ad|advertising will end\b.*|the video player is .{1,40}\bad\.?",
    # A page's own utilities and signposts: ratings, reporting a fault, languages, legal links, "Find out more".
    r"rate this page|did you find (what you were looking for|this (page |information )?(useful|helpful))\??|"
    r"is there anything wrong with this page\??|report a (problem|fault|mistake) (with|on) this page|"
    r"(privacy|cookie|cookies|accessibility)( notice| policy| statement)?|cookies|terms( and conditions| of use)?|"
    r"site ?map|(select|choose|change) (your )?language|language|translate( this page)?|(english|cymraeg) \| (english|cymraeg)|"
    r"back|submit|go|search for|open search|close (menu|search)|in this section|on this page|table of contents|"
    r"useful (links|information)|more information|resources|downloads?( (this|the) (release|pdf|document|report))?|"
    r"download pdf|(find out|learn|read|see) more( about [^.!?]{1,40})?|click here( to [^.!?]{1,40})?|"
    r"get in touch( with us)?|contact (the|us|our) ?(office|team|commissioner)?|connect with us|follow us|"
    r"(previous|next) (article|story|post|page|item)|(view )?all news|you (may|might) also (like|be interested in)|"
    r"popular|continue reading( below)?|scroll (down )?to continue( reading)?|advertisement( - scroll to continue)?|"
    r"(press|media|news) releases?|blogs?|courts?|crime (&|and) courts?|all rights reserved\.?|"
    r"(call 101 or )?report( (a crime|it|a concern|an incident|crime))?( online| anonymously| to us)?|contact us online",
    r"(" + DOCUMENT_KINDS + r"|neighbourhood priorities|latest news|news|gallery|crime|sport|business|opinion|appeals|in court|"
    r"statement|contents|related content|explore the topic|report it|pay it|apply for it|live( updates)?|just in|"
    r"latest headlines|featured( post| story| stories)?|editor'?s picks|don['’]?t miss:?|in other news|news in brief|"
    r"(sort|filter)( (by|results|news|stories|articles|topic|date))*:?|"
    r"search( (this|the|our))?( (site|website|news|page|articles|stories|all news|everything))?)",
    # A site's notice that it cannot be shown, and a player's or a live page's instructions.
    r"oops[.!]*|(our|this) (web)?site is (temporarily )?(unavailable|not available)\b.{0,120}|we('re| are) working "
    r"(hard )?to (get it back|restore|fix)\b.{0,120}|please use .{1,40} browser\b.{0,120}|click on .{1,40} to (view|see|read)\b.{0,120}",
    # A warning of what the story holds, over it: "Contains distressing content.", "Content warning: ..."
    r"contains (distressing|disturbing|graphic|upsetting) (content|images|scenes|details|material)\.?|"
    r"(content|trigger) warning\b.{0,200}|(warning:? )?(this|the following) (article|story|report|page|video) "
    r"(contains|includes)\b.{0,200}\b(distress|upset|disturb|graphic)\w*.{0,100}|full story\.?",
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
# The same patterns, only those a line's first character can begin (one regular expression of them all tries
# every pattern on every line).
_OPENED_BY_CHAR = patterns_by_first_char(_OPENED, re.IGNORECASE)
# A line mentioning cookies or partners is also tried against the consent lines (slow: they open with ".*").
_CONSENT_LINES_RE = re.compile(r"^(?:" + "|".join(_CONSENT_LINES) + r")$", re.IGNORECASE)
# Every pattern of _OPENED begins with one of these words: lines without them skip the slow
# regular expression. Keep this in step with _OPENED.
_OPENINGS = (
    "accessibility", "skip", "main", "article", "font", "text", "quickly", "exit", "leave", "hide", "sorry", "this",
    "beta", "alpha", "back", "print", "share", "menu", "search", "close", "home", "open", "cookie", "report",
    "contact", "sign", "log", "advanced", "show", "load", "view", "more", "next", "previous", "copy", "comment",
    "news", "tweet", "email", "facebook", "twitter", "linkedin", "whatsapp", "was", "is", "advert", "ad", "sponsored",
    "quantcast", "watch", "visit", "video", "click", "play", "and live", "and on", "and watch", "read", "related", "most", "trending",
    "subscribe", "follow", "channel", "tag", "categor", "filed", "posted", "topics", "image", "picture", "photo",
    "credit", "caption", "from", "part of", "organisation", "press", "policy", "guidance", "consultation", "agenda",
    "neighbourhood", "latest", "gallery", "crime", "sport", "business", "opinion", "appeals", "in court", "statement",
    "contents", "explore", "pay", "apply", "we ", "change", "increase", "decrease", "reset", "for ", "media", "or ",
    "you can also", "serving", "the ", "breaking", "thanks", "reject", "allow", "deny", "decline", "refuse", "manage",
    "your", "prefer", "choices", "options", "personalised", "use precise", "actively", "continued", "newsletter",
    "page", "listen", "return", "save", "register", "download", "got a", "want", "a ", "an ", "top", "you may",
    "continue", "get ", "required", "public access", "date calculator", "like", "reply", "tell a", "baca", "kategori",
    "source:", "notes to", "view cookies", "navigation", "yes", "no", "< ", "<p", "bookmark", "agree", "i agree",
    "cymraeg", "english", "newyddion", "x", "contains", "trigger", "warning", "full story", "oops", "our ", "we'", "we are",
    "click on", "jump", "go ", "mobile", "site ", "toggle", "safely", "adjust",
    "something", "give", "send", "feedback", "tell us", "help us", "new ", "one ", "post", "add", "write", "you must",
    "fill in", "%d", "join", "receive", "stay up", "never", "you'", "you will", "please enter", "i would", "* ",
    "originally", "additional", "further", "similar", "mpu", "outbrain", "taboola", "premium", "enjoy", "love",
    "your ", "end of", "applies", "any enquiries", "where we", "phone", "e-mail", "tel", "fax", "communications",
    "logo", "just in", "featured", "editor", "don", "in other", "sort", "filter", "- ", "– ", "— ", "• ", "1", "2", "3", "4", "5", "6",
    "7", "8", "9", "0", "source", "see ", "story", "content", "live", "please", "enable", "indicates", "other",
    "get it", "playing", "audio", "browse", "rate", "did you", "privacy", "terms", "site", "select", "choose",
    "language", "translate", "submit", "go", "in this", "on this", "table", "useful", "resources", "find out",
    "learn", "get in", "connect", "popular", "scroll", "blog", "court", "all ", "you might", "call 101", "pictured",
    "picture shows", "image shows", "photo shows", "inset", "above", "left", "right", "below", "posed", "images",
    "stream", "high", "normal", "recite", "browsealoud", "reachdeck", "readspeaker", "consent", "do not sell",
    "escape", "quick exit", "we've", "it looks", "ad blocker", "adblocker", "support", "donate", "labels", "keywords",
    "filed in", "updates", "supply", "[ad", "estimated", "reading", "read time", "an error", "javascript", "gift",
    "add to", "the video", "you are", "you need", "you have", "turn on", "switch on", "author", "reporter", "content", "promoted", "recommended", "in an",
    "do you", "have you", "website", "technical", "we're", "we are", "can't", "cant", "cannot", "unable", "you're", "you are", "tap to", "got it", "set your", "this will", "hear", "notify", "inline", "getty", "pa ", "alamy", "shutterstock", "reuters", "ap photo",
    "pic:", "request", "if you use", "statutory", "detailed", "corporate", "research", "accredited",
    "national", "official", "transparency", "independent", "impact", "closed", "consultation", "policy", "speech",
    "correspondence", "collection", "case", "foi",
    "writer", "contributor", "h/t", "(h/t", "would love", "comments", "readers", "connecting", "twitter",
    "facebook", "google", "article", "[block", "more to", "we use your", "we want our", "local news", "also read", "default", "placeholder", "fallback",
)
_OPENED_LENGTH = 200  # lines longer than this are furniture only as consent banners or newsletter boxes


def opened(stripped: str, folded: str) -> bool:
    """Whether a stripped line (`folded`: its folded case) is furniture by the way it opens."""
    if ("cookie" in folded or "partners" in folded or "assistive technology" in folded
            or "comments:" in folded or "your sign-up" in folded):  # whatever its length
        pattern = _OPENED_BY_CHAR.get(folded[0], _OPENED_RE)
        return bool(_CONSENT_LINES_RE.match(stripped) or (pattern is not None and pattern.match(stripped)))
    if len(stripped) <= _OPENED_LENGTH and folded.startswith(_OPENINGS):
        pattern = _OPENED_BY_CHAR.get(folded[0], _OPENED_RE)
        if pattern is not None and pattern.match(stripped):
            return True
    # a newsletter box run together into one long line
    return folded.startswith(("sign up", "subscribe", "for free", "for real", "for breaking")) and bool(
        _SIGN_UP_RE.match(stripped))
