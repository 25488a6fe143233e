"""The copy-pasted form of an embed, as readers, scrapers and text extractors print it.

An embed copied as text is its post text, often a `pic.twitter.com/CODE` line,
then `— Name (@handle)` and the date, on one line or spread over several:
`get_text("\\n")`-style extractors put every inline element (a link, a mention,
a hashtag) on a line of its own. Site-rendered cards print as `Name`, `@handle`,
the text and the date, each on its own line.

Pure functions over lines of text; the HTML extractor feeds `attributions`
with the text of block elements.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .dates import parse_date
from .posts import MEDIA_LINK, Post, collapse, media_links, post_text, text_links, visible, word_count

# Em, en, figure and horizontal-bar dashes, a hyphen or two, and the entity forms.
_DASH = r"(?:[\u2012-\u2015]|--?|&mdash;|&#8212;)"
HANDLE = r"[A-Za-z0-9_]{1,15}"
# A printed date: CJK/Korean year-month-day, numeric, or a short phrase that ends in a year;
# after the time of day when the copy has it ("4:27 PM - 15 Jan 2014", "10:42 AM · Jul 9, 2021").
_DATE = (
    r"(?:\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?\s*[-\u2013\u2014\u00b7\u2022|,]?\s*)?"
    r"(?:\d{4}\s*[年년]\s*\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일]?"
    r"|\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{4}"
    r"|\d{4}\.?\s(?:m\.\s)?[^\W\d_]{3,12}\.?\s\d{1,2}\.?(?:\sd\.)?"
    r"|[^\n()\u2012-\u2015/:;|@#\"]{0,32}?(?<!\d)\d{4}(?!\d)(?:\s*(?:г\.|р\.|год[а]?))?)"
)
# A name runs to the `(@handle)`; " - " inside it would be a hyphen used as a dash earlier on.
_NAME = r"(?:(?! - )[^\n\u2012-\u2015]){0,80}?"
# Direction marks a right-to-left post or name carries around its attribution (LRM, RLM, ALM, isolates).
_MARKS = "\u200e\u200f\u061c\u2066-\u2069"
# White space within a line (a pasted attribution's may be no-break spaces) and direction marks.
# One class (an alternation is slower), possessive: the gaps around a name would otherwise
# share a run of spaces every way they can (cubic in a run of 2,000 no-break spaces).
_GAP = rf"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000{_MARKS}]*+"


# Twitter's em dash may be glued to the text before it, as text extractors print an embed
# whose parts are elements (`pic.twitter.com/CODE— Name`); a hyphen so written is a word's.
_EM_DASHES = "(?:\u2014|&mdash;|&#8212;)"


def _attribution(dash: str, name: str) -> re.Pattern:
    """`— Name (@handle) date`: the date opens with a word or a number and no
    comma follows it (a name and handle in a sentence that goes on, ", on July
    6, 2021, at noon, ...", are prose). A Markdown text read as plain text
    links the date: `[July 7, 2021](URL)`."""
    return re.compile(
        rf"(?:(?:(?<=\s)|^)[{_MARKS}]*{dash}|{_EM_DASHES}){_GAP}\n?{_GAP}(?P<name>{name}){_GAP}"
        rf"\(@(?P<handle>{HANDLE})\){_GAP}\n?{_GAP}\[?(?P<date>(?=[^\W_]){_DATE})"
        rf"(?!{_GAP},)",
        re.M,
    )


ATTRIBUTION = _attribution(_DASH, _NAME)
# Twitter's embed code writes an em dash before the name, which may hold a hyphen or a dash.
_EM_DASH = re.compile(_EM_DASHES)
_OPENS_WITH_EM_DASH = re.compile(rf"[{_MARKS}]*(?:{_EM_DASH.pattern})")
_EM_DASH_ATTRIBUTION = _attribution(f"(?:{_EM_DASH.pattern})", r"[^\n.!?]{1,80}?")
# Without a dash the attribution must be a line of its own, right under the post's
# media or link line: a byline or photo credit under a headline carries none.
# The post's own URL printed after its date, as Markdown's date link reads (see markdown.py)
# and as some copies keep it: `— Name (@handle) July 7, 2021 https://twitter.com/...`.
_PERMALINK_AFTER = r"(?:[ \t]+<?|\]\()(?P<link>https?://[^\s<>()]+)[>)]?"
_BARE_ATTRIBUTION = re.compile(
    rf"^(?P<name>[^\n()@\u2012-\u2015]{{0,80}}?)[ \t]*\(@(?P<handle>{HANDLE})\)[ \t]*\n?[ \t]*"
    rf"(?P<date>{_DATE})(?:{_PERMALINK_AFTER})?[ \t]*$",
    re.M,
)
_PERMALINK = re.compile(_PERMALINK_AFTER)
_CREDIT_WORDS = "by|photo|photos|image|credit|source|via|from|foto|fotos|bild|von|par|por|di|door|av|af|od|фото"
_CREDIT = re.compile(rf"^(?:{_CREDIT_WORDS})\b", re.I)
# A caption's credit line: "Image: Fx Agency", "Foto: ...", "写真：...", Korean "사진=...". Its words
# in more languages than a byline's or a name's first word is refused for ("Quelle Radio" is a name).
_CREDIT_LABEL = re.compile(
    rf"^(?:{_CREDIT_WORDS}|fuente|fonte|quelle|bron|źródło|kaynak|sumber|источник|джерело|"
    r"المصدر|צילום|מקור|写真|画像|图片来源|图片|圖片|来源|來源|사진|출처)\b\s*[:\uff1a=]", re.I)
# A tweet is at most 280 characters, a link counting 23 and attached media nothing:
# above an attribution in plain text, collect at most that much text.
_MAX_POST_WEIGHT = 280
_LINK_WEIGHT = 23
# Posts written in paragraphs fill most of that.
_PARAGRAPHED_POST_WEIGHT = 200
# A post's own short paragraphs, above a last one without media, are shorter than a line of prose.
_SHORT_PARAGRAPH = 50
# Three short paragraphs or more above a post's media, each closed by a stop, a mention, a
# hashtag or a link, are the post's own (a prose line above a short post is one, the items
# of a list are not closed).
_STACKED_PARAGRAPHS = 2
# Within one block of HTML, at most this many characters as printed.
_MAX_POST_CHARS = 300
# Even split at every word, a post spans fewer lines than this.
_MAX_POST_LINES = 100
_URL = re.compile(r"(?:https?://|www\.)\S+|(?<![\w@.-])(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*", re.I)
# Lines an inline element makes: a mention, hashtag, link, or a sliver such as "." or an emoji.
_SHORT_TOKEN = re.compile(r"[@#]\w+|\W{1,3}|.{1,2}")
# A sentence's stops, of the Latin script and of others (CJK, Devanagari, Myanmar, Ethiopic, Arabic).
_STOPS = ".!?:\u2026\u3002\uff01\uff1f\u0964\u0965\u104b\u1362\u061f\u06d4"
# Closing punctuation: a stop, a quote or bracket, the CJK corner brackets and other full stops.
_SENTENCE_END = re.compile(f"[{_STOPS};\"\u201d\u2019\u00bb)\\]\uff0e\uff61\u300d\u300f]$")
# A sentence's stop, with the quotes and brackets that close after it: a heading such as
# "9. Fx Festival (June 5-7)" ends in a bracket, not a stop.
_ENDS_SENTENCE = re.compile(f"[{_STOPS}]['\"\u201d\u2019\u00bb)\\]]*$")
# A sentence's final stop printed on a line of its own, after the link that ended the sentence.
_FULL_STOP = re.compile(r"[.!?\u2026\u3002\uff01\uff1f]+[\"'\u201d\u2019\u00bb)\]]*")
# What follows an inline element without a space: "@FxMayor" then "'s words".
_NO_SPACE_BEFORE = re.compile(r"^[.,;:!?)\]}'’”%…]")
_BULLET = re.compile(r"^(?:[-•*–·]|\d{1,2}[.)])\s")
# A line without closing punctuation this long is a sentence that goes on; shorter
# ones are headings, labels and link titles.
_RUN_ON_CHARS = 50
_HANDLE_LINE = re.compile(rf"@{HANDLE}")
# A label before a handle ("LINE ID = @desk", "Twitter | @desk"), not a display name.
_LABEL_END = re.compile(r"[=|/,\u2022\u00b7\u2013\u2014-]$")
_HANDLE_ALONE = re.compile(HANDLE)
_WORDS = re.compile(r"[^\W\d_]{2}")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_COUNT = re.compile(r"\d[\d,.]*[KkMm]?")
_MAX_CARD_LINES = 24
# A card shows one post: past its reply mentions, at most a tweet's weight, with room for
# the emoji our count weighs more than Twitter does. Prose under a byline's handle weighs more.
_MAX_CARD_WEIGHT = 2 * _MAX_POST_WEIGHT
_REPLY_MENTIONS = re.compile(rf"^(?:@{HANDLE}\s+)+")
_MAX_NAME_CHARS = 50  # display names are at most 50 characters


@dataclass
class Attribution:
    """One `— Name (@handle) date` line and the post text found above it."""

    start: int
    end: int
    name: str | None
    handle: str
    date_text: str
    above: str  # the paragraph's text between the previous attribution and this one

    @functools.cached_property
    def text_before(self) -> str:
        """The post text above the line, read when asked: an embed's own markup tells it."""
        return _post_text_above(self.above)


def attributions(paragraph: str) -> list[Attribution]:
    """Every attribution line in a paragraph, with the text that precedes it."""
    found = []
    previous_end = 0
    for match in _matches(paragraph):
        date_text = collapse(match.group("date"))
        found.append(Attribution(
            start=match.start(),
            end=match.end(),
            name=collapse(match.group("name")),
            handle=match.group("handle"),
            date_text=date_text,
            above=paragraph[previous_end:match.start()],
        ))
        previous_end = match.end()
    return found


def _matches(text: str) -> list[re.Match]:
    """The dashed attributions of `text` whose date names a whole day, each
    from the em dash Twitter writes before the name when the name holds a
    hyphen or a dash of its own ("— Fx Transit - Alerts (@fx_transit)"). Every
    attribution writes "(@": a text without one is not searched (the search
    reads 25 MB/s)."""
    if "(@" not in text:
        return []
    return [_from_em_dash(text, m) for m in ATTRIBUTION.finditer(text) if parse_date(collapse(m.group("date")))]


def _from_em_dash(text: str, match: re.Match) -> re.Match:
    """The attribution from an em dash earlier on its line, when one opens the
    line or follows a sentence's end, and opens a name running to the same
    handle without ending a sentence on the way."""
    if _OPENS_WITH_EM_DASH.match(match.group(0)):
        return match
    line_start = text.rfind("\n", 0, match.start()) + 1
    for dash in _EM_DASH.finditer(text, max(line_start, match.start() - _MAX_NAME_CHARS), match.start()):
        before = text[line_start:dash.start()].rstrip()
        if before and not _ENDS_SENTENCE.search(before):
            continue  # a dash of the post's own text ("the line — finally - Fx Transit")
        wider = _EM_DASH_ATTRIBUTION.match(text, dash.start())
        if wider and wider.end() == match.end():
            return wider
    return match


def _post_text_above(text: str) -> str:
    """The lines at the end of `text` that are the text of a post copied under
    it, as `_post_lines` tells them from the prose above."""
    lines = [line.strip() for line in _tail_lines(text).splitlines()]
    return "\n".join(_post_lines(lines, [None] * len(lines)))


def _tail_lines(text: str) -> str:
    """The last lines of `text` that fit in one post: the nearest line always."""
    lines = [line for line in text.splitlines() if line.strip()]
    kept: list[str] = []
    size = 0
    for line in reversed(lines):
        if kept and size + len(line) > _MAX_POST_CHARS:
            break
        kept.insert(0, line)
        size += len(line)
    return "\n".join(kept)


def is_credit_label(text: str) -> bool:
    """A photo or source credit ("Image: Fx Agency"), not a sentence of the article."""
    return bool(_CREDIT_LABEL.match(text))


def make_post(attribution: Attribution, text: str | None) -> Post:
    """The post an attribution line describes; the platform is Twitter/X."""
    return _twitter_post(attribution.handle, attribution.name, attribution.date_text, text)


def _twitter_post(handle: str, name: str | None, date_text: str, text: str | None) -> Post:
    body = post_text(text)
    return Post(
        platform="twitter",
        handle=handle,
        author_name=name,
        date_text=date_text,
        date=parse_date(date_text),
        text=body,
        media=media_links(body),
        links=text_links(body),
    )


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain-text article.

    Texts that separate paragraphs with blank lines give their blocks (a post
    may span lines inside one); a text without that structure is one block,
    whose lines `text_posts` tells apart (one paragraph a line, or the lines
    of a text extractor, where every inline element is a line).
    """
    text = _unquoted(visible(text.replace("\r\n", "\n").replace("\r", "\n")))
    blocks = [b for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    lines = [line for line in text.split("\n") if line.strip()]
    if len(blocks) >= 2 and len(lines) <= 4 * len(blocks):
        return [b.strip("\n") for b in blocks]
    return ["\n".join(lines)] if lines else []


_QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M)


def _unquoted(text: str) -> str:
    """A text without the quote marks of its quotations: runs of two lines or more
    that open with `>` (an e-mail's quoted lines, a Markdown blockquote holding a
    copied post); a lone line opening so stays as it is. A text without a `>`
    is not searched: the search tries every character of it."""
    if ">" not in text:
        return text
    return _QUOTED_RUN.sub(lambda run: _QUOTE_MARKS.sub("", run.group(0)), text)


_QUOTED_RUN = re.compile(r"(?:^[ \t]*>[^\n]*(?:\n|\Z)){2,}", re.M)


@dataclass
class _Cited:
    """A post found in the lines of a text, and the lines it spans."""

    first: int
    last: int
    post: Post


def text_posts(paragraphs: list[str]) -> list[Post]:
    """Posts cited in copy-pasted form, in order, with their context paragraph."""
    lines, breaks = _lines(paragraphs)
    cited = _attributed(lines, breaks)
    cited += _cards(lines, _spanned(cited))
    cited.sort(key=lambda c: c.first)
    taken = _spanned(cited)
    prose = [i for i, line in enumerate(lines) if i not in taken and len(line.split()) >= 4]
    for item in cited:
        item.post.context = _nearest_prose(lines, item.first, item.last, prose)
    return [item.post for item in cited]


def _lines(paragraphs: list[str]) -> tuple[list[str], set[int] | None]:
    """Every non-blank line, stripped, and the indexes of lines that open a
    paragraph (None when the text has no paragraphs but its lines)."""
    lines: list[str] = []
    breaks: set[int] = set()
    for paragraph in paragraphs:
        breaks.add(len(lines))
        lines += [line.strip() for line in paragraph.splitlines() if line.strip()]
    return lines, breaks if len(paragraphs) > 1 else None


def _spanned(cited: list[_Cited]) -> set[int]:
    return {i for c in cited for i in range(c.first, c.last + 1)}


def _attributed(lines: list[str], breaks: set[int] | None) -> list[_Cited]:
    """Posts closed by an attribution, each with the text above it."""
    text = "\n".join(lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    matches = sorted(_matches(text) + _bare_matches(text, lines, starts), key=lambda m: m.start())
    cited: list[_Cited] = []
    floor, floor_end = -1, 0  # the last line the posts so far took, and where their last attribution ends
    for match in matches:
        if match.start() < floor_end:
            continue
        first = _line_at(starts, match.start())
        # A text printed on one line (`get_text(" ")`) holds several posts on a line: the
        # text of the next one starts where the attribution before it ends.
        prefix = text[max(starts[first], floor_end):match.start()].strip()
        top = first if first <= floor else max(floor + 1, first - _MAX_POST_LINES)
        above = lines[top:first] + ([prefix] if prefix else [])
        kept = _post_lines(above, _given_joins(breaks, top, first, bool(prefix)))
        post = _twitter_post(match.group("handle"), collapse(match.group("name")),
                             collapse(match.group("date")), _join(kept))
        _take_permalink(post, match, text)
        top = first - (len(kept) - (1 if prefix else 0))
        floor, floor_end = _line_at(starts, match.end() - 1), match.end()
        cited.append(_Cited(min(top, first), floor, post))
    return cited


def _take_permalink(post: Post, match: re.Match, text: str) -> None:
    """The post's id and URL from its status URL printed after its date: one of
    the same platform and, when the URL names a handle, of the same handle (a
    URL of another account's post there is a reply's or a quote's)."""
    from .platforms import match_url  # here, not at the top: the platforms read attributions with this module

    link = match.groupdict().get("link")
    if link is None and (permalink := _PERMALINK.match(text, match.end())):
        link = permalink.group("link")
    ref = match_url(link) if link else None
    if ref and ref.platform == post.platform and (not ref.handle or ref.handle.lower() == post.handle.lower()):
        post.post_id, post.url = ref.post_id, ref.url


def _bare_matches(text: str, lines: list[str], starts: list[int]) -> list[re.Match]:
    """Dash-less attribution lines right under a line that ends in a link."""
    found = []
    if "(@" not in text:
        return found
    for match in _BARE_ATTRIBUTION.finditer(text):
        index = _line_at(starts, match.start())
        name = collapse(match.group("name")) or ""
        if (index and _ends_in_link(lines[index - 1]) and not _CREDIT.match(name)
                and parse_date(collapse(match.group("date")))):
            found.append(match)
    return found


def _line_at(starts: list[int], offset: int) -> int:
    """The index of the line that holds character `offset` of the joined text."""
    low, high = 0, len(starts) - 2
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def _given_joins(breaks: set[int] | None, top: int, first: int, prefix: bool) -> list[str | None]:
    """For each line from `top` on, how it joins the line above when the text's
    blank lines say so: lines of one paragraph belong together, and a post
    copied in lines of its own, or on its attribution's line, is closed by the
    blank line above. A post of one line under a blank line may be the last of
    its own paragraphs (a browser copies <br><br> and <p> as blank lines): there
    the lines' shapes decide ("paragraph"), as in a text without them (None)."""
    indexes = list(range(top, first)) + ([first] if prefix else [])
    if breaks is None:
        return [None] * len(indexes)
    joins = ["blank line" if i in breaks else "inline" for i in indexes]
    if not prefix and joins and joins[-1] == "blank line":
        return ["paragraph" if join == "blank line" else join for join in joins]
    return joins


def _join_of(given: str | None, upper: str, lower: str) -> str | None:
    """How `lower` joins the line `upper` above it: as the text's blank lines
    say, else by the lines' shapes (see `_joins`); no sentence wraps over a
    blank line, so a line without a stop above one is not read as running on."""
    if given in ("inline", "blank line"):
        return given
    join = _joins(upper, lower)
    return None if given == "paragraph" and join == "wrap" else join


def _post_lines(above: list[str], given: list[str | None]) -> list[str]:
    """The lines at the end of `above` that are the post's text.

    Lines split by inline elements, or a sentence that runs on, belong
    together; other line breaks are paragraph breaks. The post is its last
    paragraph, and the paragraphs above it while each is one unwrapped
    paragraph of the same block, the whole stays within a tweet's length, and
    either the post ends in its media or a link, a hashtag or mention opens
    the paragraph below or the paragraph is at most half a tweet, and the post
    comes out long (press offices and news accounts write such posts in short
    paragraphs, while a short post under a line of the article's prose is one
    paragraph); or the post ends in neither, and the paragraph is a line break
    of its own (see `_own_line_break`) or the paragraph below is only the
    post's hashtags and mentions.
    """
    if not above:
        return []
    paragraphs: list[tuple[list[str], bool, str | None]] = []  # lines, wrapped, break above
    current, wrapped = [above[-1]], False
    for k in range(len(above) - 2, -1, -1):
        join = _join_of(given[k + 1], above[k], above[k + 1])
        if join in ("inline", "wrap"):
            current.insert(0, above[k])
            wrapped = wrapped or join == "wrap"
            continue
        paragraphs.append((current, wrapped, join))
        current, wrapped = [above[k]], False
    paragraphs.append((current, wrapped, None))
    kept: list[str] = []
    size = 0
    paragraphs[0][0][-1] = _within_a_post(paragraphs[0][0][-1])
    for line in reversed(paragraphs[0][0]):
        # A link alone closing the post is what it attaches (a quoted post, a card): Twitter counts it not.
        weight = 0 if not kept and _is_token(line) and _URL.fullmatch(line) else _weight(line)
        if kept and size + weight > _MAX_POST_WEIGHT:
            return kept
        kept.insert(0, line)
        size += weight
    attached = _ends_in_link(kept[-1])
    one_paragraph = None
    parted = 0  # paragraphs joined over a paragraph break
    blank_lined = "paragraph" in given  # a text whose blank lines part its paragraphs
    for index, ((lines, wrapped, _), (below, _, join)) in enumerate(zip(paragraphs[1:], paragraphs), 1):
        weight = sum(map(_weight, lines))
        if wrapped or size + weight > _MAX_POST_WEIGHT or join == "blank line" or (join != "sentence" and _introduces(lines)):
            break
        if not attached:
            above_line = paragraphs[index + 1][0][-1] if index + 1 < len(paragraphs) else None
            tags_below = join == "sentence" and all(map(_is_token, below))
            if not tags_below and (weight > _SHORT_PARAGRAPH or not _own_line_break(lines, above_line)):
                break
            kept = lines + kept
            size += weight
            continue
        if join is None:
            if weight > _MAX_POST_WEIGHT // 2 or _is_list(lines):
                break
            one_paragraph = kept if one_paragraph is None else one_paragraph
            parted += blank_lined and _closes(lines[-1])
        kept = lines + kept
        size += weight
    if one_paragraph is not None and size < _PARAGRAPHED_POST_WEIGHT and parted < _STACKED_PARAGRAPHS:
        return one_paragraph
    return kept


def _closes(line: str) -> bool:
    """Whether a line ends as a post's paragraph does: a sentence's end, a mention, a hashtag, a link."""
    words = line.split()
    return bool(_SENTENCE_END.search(line)) or (bool(words) and (_is_token(words[-1]) or _ends_in_link(line)))


def _within_a_post(line: str) -> str:
    """The end of a line too long to be a post that a post can be (a page printed
    on one line holds a post at the end of a run of prose): its last sentences
    that fit in one, else its last words that do. A line up to two posts long
    is left whole: a post over 280 characters (a subscriber's, an embed
    cutting it short with "…") is printed on one line too."""
    if _weight(line) <= _MAX_CARD_WEIGHT:
        return line
    window = line[-_POST_WINDOW:]
    starts = [m.end() for m in _SENTENCE_BREAK.finditer(window)]
    # The tail's weight falls as its start moves right: the first start that fits, by bisection.
    first = bisect_left(starts, True, key=lambda start: _weight(window[start:]) <= _MAX_POST_WEIGHT)
    if first < len(starts):
        return window[starts[first]:]
    tail = window[-_MAX_POST_WEIGHT:]
    return tail.split(" ", 1)[-1] if " " in tail else tail


# A sentence's end (or a title's bar) and the space after it; a post's weight is found within
# the line's last few thousand characters, however long the line (one page printed whole).
_SENTENCE_BREAK = re.compile(r"(?:[.!?\u2026][\"'\u201d\u2019\u00bb)\]]*|\s\|)\s+|[\u3002\uff01\uff1f][\u300d\u300f]?\s*")
_POST_WINDOW = 4000


def _is_list(lines: list[str]) -> bool:
    """Lines of a list or of headings ("Aufmerksames Auge für die Umwelt", "Foto
    posten"): several, none ending a sentence or in a link, none a token; a
    post's own short paragraphs above its media are sentences."""
    return len(lines) > 1 and not any(_SENTENCE_END.search(line) or _ends_in_link(line) or _is_token(line)
                                      for line in lines)


def _introduces(lines: list[str]) -> bool:
    """Whether a paragraph above a post is the article's, introducing the post:
    a sentence of three words or more that ends in a colon ("The mayor tweeted:",
    "In a post on X, the mayor wrote:", "北京市气象台发文称：", words counted as
    `word_count` counts them), a byline or credit (a few words, no stop), a date
    alone. A post's own opening label is a word or two ("Watch:", "Service
    update:") or a few words opening in capitals ("UPDATE on the crossing:"; a
    longer line that does is a sentence: "AFAD, the agency, said on Monday:") and
    stays (so does "She tweeted:", which reads the same), as does a colon
    before a mention or hashtag the post goes on with (its caller asks only
    of a paragraph the one below does not open so)."""
    last = lines[-1]
    if last.endswith((":", "\uff1a")):
        words = word_count(" ".join(lines))
        opening = lines[0].split()[0]
        label = len(opening) > 1 and opening.isupper() and (words <= _MAX_LABEL_WORDS or last.isupper())
        return words > 2 and not label
    byline = len(lines) == 1 and len(last.split()) <= 6 and not _SENTENCE_END.search(last) and _CREDIT.match(last)
    return bool(byline) or (len(lines) == 1 and len(last) <= 40 and bool(_DATE_ALONE.fullmatch(last))
                            and parse_date(last) is not None)


# "UPDATE on the crossing:", or any length in capitals ("BREAKING NEWS FROM THE HARBOUR:");
# "AFAD, the agency, said on Wednesday:" is a sentence.
_MAX_LABEL_WORDS = 5
_DATE_ALONE = re.compile(r"[\w.,/ -]+\d{4}\.?|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")


def _joins(upper: str, lower: str) -> str | None:
    """How two adjacent lines belong together: "inline" (an inline element split
    them; a media or link line belongs to the text above it), "wrap" (a sentence
    runs on), "sentence" (a sentence ends and a hashtag or mention follows: one
    post, or prose above a post), or None for a paragraph break."""
    if _NO_SPACE_BEFORE.match(lower) or (_is_token(upper) and _continues(lower)
                                         and not _FULL_STOP.fullmatch(upper)):
        return "inline"
    if _BULLET.match(lower) and (upper.endswith(":") or _BULLET.match(upper)):
        return "inline"
    if _SENTENCE_END.search(upper):
        if _ends_in_link(lower) and len(lower.split()) == 1:
            return "inline"
        return "sentence" if _is_token(lower) else None
    if _is_token(upper) or _is_token(lower):
        return "inline"
    if _continues(lower) or len(upper) >= _RUN_ON_CHARS:
        return "wrap"
    return None


def _own_line_break(lines: list[str], above_line: str | None) -> bool:
    """Whether a short paragraph above a post that ends in no link is the post's
    own line: posts break their text into short sentences ("Statement:", "Service
    resumes at nine."), while the article's prose above is longer. The paragraph
    must be a sentence, opened and closed, under a line that ends one too: the
    last words of a paragraph split at a link ("to be the plane."), a heading or a
    link title ("9. Fx Festival (June 5-7)") and a photo credit are not."""
    first = lines[0]
    return (not _continues(first) and first[:1] not in "[(\"'\u00ab\u00bb" and not _CREDIT.match(first)
            and bool(_ENDS_SENTENCE.search(lines[-1]))
            and (above_line is None or bool(_SENTENCE_END.search(above_line))))


def _continues(line: str) -> bool:
    """A line that carries on the sentence above: it opens in lower case or punctuation."""
    return line[:1].islower() or bool(_NO_SPACE_BEFORE.match(line))


def _weight(line: str) -> int:
    """A line's length as Twitter counts it (twitter-text's weights): links 23,
    attached media nothing, Latin, Greek, Cyrillic, Hebrew, Arabic and other
    scripts up to U+10FF and common punctuation 1, the rest (CJK, emoji) 2."""
    line = _URL.sub("x" * _LINK_WEIGHT, MEDIA_LINK.sub("", line))
    return len(line) + len(_DOUBLE_WEIGHT.findall(line))


# Characters twitter-text weighs 200 against the 100 of the ranges it lists (config v3).
_DOUBLE_WEIGHT = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")


def _ends_in_link(line: str) -> bool:
    words = line.split()
    return bool(words) and bool(MEDIA_LINK.fullmatch(words[-1]) or _URL.fullmatch(words[-1]))


def _join(lines: list[str]) -> str:
    """Lines an extractor split back into one text: a space between words,
    none before the punctuation that followed an inline element."""
    text = ""
    for line in lines:
        text += line if not text or _NO_SPACE_BEFORE.match(line) else " " + line
    return text



def _cards(lines: list[str], taken: set[int]) -> list[_Cited]:
    """Site-rendered cards: a name line over an `@handle` line (or both on one
    line, as a browser copies them), the text, a date line.

    A second name and handle before the date open a quoted post, which is not
    cited on its own; the date after it is the outer post's.
    """
    cited = []
    i = 0
    while i < len(lines) - 2:
        header = _card_header(lines, i, taken)
        if header is None:
            i += 1
            continue
        name, handle, start = header
        body: list[str] = []
        quoted = False
        end = None
        for j in range(start, min(len(lines), start + _MAX_CARD_LINES)):
            if j in taken:
                break
            if _date_line(lines[j]):
                end = j
                break
            quoted = quoted or (bool(body) and _card_header(lines, j, taken) is not None)
            if not quoted:
                body.append(lines[j])
        text = _join(body)
        if (end is None or not any(_WORDS.search(line) for line in body)
                or any(_CREDIT.fullmatch(line) or _is_byline(line) for line in body)
                or (len(body) == 1 and _JOB_TITLE.fullmatch(body[0])) or _is_menu(body)
                or _weight(_REPLY_MENTIONS.sub("", text)) > _MAX_CARD_WEIGHT):
            i += 1
            continue
        post = _twitter_post(handle, name, lines[end], text)
        cited.append(_Cited(i, _after_counters(lines, end, taken), post))
        i = cited[-1].last + 1
    return cited


def _is_byline(line: str) -> bool:
    """"By Fx Author", "Par Fx Auteur": an article's byline under a photo credit
    naming a handle, not a post's text ("From the ferry this morning" may be)."""
    words = line.split()
    return (bool(_CREDIT.match(line)) and 2 <= len(words) <= _BYLINE_WORDS
            and all(word[:1].isupper() for word in words[1:]) and not _SENTENCE_END.search(line))


_BYLINE_WORDS = 4  # "By Fx First Last"; a link card's title in capitals runs longer


def _is_menu(body: list[str]) -> bool:
    """A run of one-word lines making most of a card's body: the share menu or the
    links under a "Follow @handle" button ("Facebook", "Twitter", "Email"), not
    a post's text, whose inline elements copied on lines of their own are
    mentions, hashtags and links."""
    words = sum(1 for line in body if " " not in line and len(line) <= _MENU_WORD_CHARS and not _is_token(line)
                and not _SPACELESS_SCRIPT.search(line))
    return words >= _MENU_LINES and words * 2 > len(body)


_MENU_LINES = 4
_MENU_WORD_CHARS = 16  # "Pinterest", "WhatsApp"
_SPACELESS_SCRIPT = re.compile("[\u0e00-\u0eff\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]")  # Thai, Lao, CJK, Hangul: sentences without spaces


def _card_header(lines: list[str], i: int, taken: set[int]) -> tuple[str, str, int] | None:
    """(name, handle, index of the text's first line) of a card opening at line
    `i`: a display name over an `@handle` line, or "Name @handle" on one line;
    not a byline, nor the rest of a sentence a mention or link split ("@Desk"
    then "and Blogger")."""
    if i in taken:
        return None
    one_line = _name_and_handle(lines[i])
    if one_line:
        (name, handle), start = one_line, i + 1
    elif i + 1 < len(lines) and i + 1 not in taken and _HANDLE_LINE.fullmatch(lines[i + 1]):
        name, handle, start = lines[i], lines[i + 1][1:], i + 2
    else:
        return None
    if i and _joins(lines[i - 1], name) == "inline":
        return None
    if (len(name) <= _MAX_NAME_CHARS and _WORDS.search(name) is not None
            and not _is_token(name) and not _NO_SPACE_BEFORE.match(name)
            and not _SENTENCE_END.search(name) and not _LABEL_END.search(name) and not _YEAR.search(name)
            and not _CREDIT.match(name) and not (i and _CREDIT.fullmatch(lines[i - 1]))
            and not (_CLAUSE.search(name) and len(name.split()) >= 4)):
        return name, handle, start
    return None


# A name's comma before a lowercase word: the start of a sentence a mention split
# ("Speaking to reporters, council chair" / "@fx_chair" / "said ..."), not a display name.
_CLAUSE = re.compile(r",\s+[a-z]")


def _is_token(text: str) -> bool:
    """A line that is one token: a mention or hashtag, a URL (a word with a dot and,
    after it, a slash), or a character or three of punctuation. The URL is told by
    two finds: a regex `\\S+\\.\\S+/` tried every split of a long dotted word."""
    if _SHORT_TOKEN.fullmatch(text):
        return True
    dot = text.find(".", 1)
    return dot > 0 and text.find("/", dot + 2) > 0 and not any(c.isspace() for c in text)


def _name_and_handle(line: str) -> tuple[str, str] | None:
    """(name, handle) of a "Name @handle" line: the line's one `@`, white space before
    it. Found by its `@`: a lazy regex for the name tried every split of a long run of spaces."""
    at = line.find("@")
    if at < 2 or line[at - 1] not in " \t" or "@" in line[at + 1:]:
        return None
    name = line[:at].rstrip(" \t")
    return (name, line[at + 1:]) if name and _HANDLE_ALONE.fullmatch(line, at + 1) else None


def _date_line(line: str) -> bool:
    """A card's date line; not a byline ("By Fx Author, July 7, 2021") nor an
    article's own dateline ("Published July 8, 2021")."""
    return (len(line) <= 40 and _YEAR.search(line) is not None and not _CREDIT.match(line)
            and not _DATELINE_LABEL.match(line) and parse_date(line) is not None)


_DATELINE_LABEL = re.compile(
    r"^(?:published|updated|posted|first published|last updated|modified|veröffentlicht|aktualisiert|"
    r"publié|mis à jour|publicado|actualizado|pubblicato|aggiornato|gepubliceerd|bijgewerkt)\b", re.I)
# A job title under a byline's handle ("Senior City Reporter"): a few words, one naming a job.
_JOB_TITLE = re.compile(
    r"(?=.*\b(?:editor|correspondent|writer|columnist|journalist|producer|contributor|staff|"
    r"analyst|critic|redakteur(?:in)?|reporter(?:in)?|korrespondent(?:in)?|journaliste|rédact(?:eur|rice)|"
    r"periodista|redactor(?:a)?|giornalista|jornalista)\b)(?:\S+\s+){0,5}\S+", re.I)


def _after_counters(lines: list[str], end: int, taken: set[int]) -> int:
    """The last line of a card: its date, or the counts under it ("52", "Retweets")."""
    while (end + 2 < len(lines) and end + 1 not in taken and _COUNT.fullmatch(lines[end + 1])
           and len(lines[end + 2]) <= 12):
        end += 2
    return end


def _nearest_prose(lines: list[str], first: int, last: int, prose: list[int]) -> str | None:
    """The closest line before (else after) a post that is prose, not a post;
    `prose` holds the indexes of such lines, in order."""
    at = bisect_left(prose, first)
    if at:
        return trim_context(lines[prose[at - 1]])
    after = bisect_right(prose, last)
    return trim_context(lines[prose[after]]) if after < len(prose) else None


CONTEXT_CHARS = 1000  # a context is trimmed to this many characters


def trim_context(text: str | None, limit: int = CONTEXT_CHARS) -> str | None:
    """Collapse a context paragraph and bound its length at a word boundary."""
    # A long text's collapsed start is the start of the collapsed text: only that is read.
    head = collapse(text[:4 * limit]) if text and len(text) > 4 * limit else None
    text = head if head and len(head) > limit else collapse(text)
    if text and len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "\u2026"
    return text
