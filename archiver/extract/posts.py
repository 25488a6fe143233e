"""The record of one cited post, and the text rules every extractor shares."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

# A post's attached photos and videos as tweets print them: pic.twitter.com/CODE, pic.x.com/CODE.
MEDIA_LINK = re.compile(r"(?<![\w.-])(?:https?://)?(?:pic\.twitter\.com|pic\.x\.com)/[A-Za-z0-9]+")
# Short links, media or not, differ between copies of one post.
SHORT_LINK = re.compile(r"(?<![\w.-])(?:https?://)?(?:pic\.twitter\.com|pic\.x\.com|t\.co)/[A-Za-z0-9]+")
# Any other link written in a post's text: t.co short links, bare or full URLs.
_TEXT_LINK = re.compile(
    r"(?<![\w@.-])(?:https?://\S+|t\.co/[A-Za-z0-9]+|(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*)", re.I)
_LINK_TRAILING = ".,;:!?)\u2026\"'\u201d\u2019"
# What Twitter shows instead of the text of a post that is gone.
_GONE = re.compile(
    r"^(?:this (?:tweet|post) (?:was deleted|is unavailable|has been deleted|may have been deleted)"
    r"|(?:tweet|post) (?:is )?unavailable|this tweet is from an account that no longer exists)",
    re.I,
)

# Zero-width spaces and joiners that pages and copies carry (sites put them in handles,
# "@\u200bdesk", so that a handle does not link): read past. Not the zero-width
# (non-)joiner, which scripts and emoji need.
_INVISIBLE = ("\u200b", "\u2060", "\ufeff")


def visible(text: str) -> str:
    """The text without zero-width spaces and joiners. One `str.replace` a
    character: `str.translate` with a table is a Python lookup a character,
    15 ms for a page's text outside Latin-1."""
    for character in _INVISIBLE:
        text = text.replace(character, "")
    return text


FIELDS = (
    "source", "platform", "post_id", "url", "handle", "author_name",
    "date_text", "date", "text", "media", "links", "context", "position",
)


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """`text` with lone surrogates (a JSON `\\ud800`, a str built from broken data) as
    U+FFFD: no UTF-8 writer, file or database, takes them."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


# Chinese and Japanese write no spaces between words: there a character counts as half a word,
# about what a word of a spaced language holds, so that counts of words read alike.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def word_count(text: str) -> int:
    """About how many words `text` holds, in a language that spaces its words or not."""
    return len(text.split()) + len(_UNSPACED.findall(text)) // 2


def collapse(text: str | None) -> str | None:
    """Collapse runs of whitespace; empty text becomes None. str.split() splits on
    the characters a regex's \\s matches (both ask Py_UNICODE_ISSPACE), four times faster."""
    if text is None:
        return None
    return " ".join(text.split()) or None


def media_links(text: str | None) -> list[str]:
    """The photo and video links (pic.twitter.com) a post's text carries, in order, as printed."""
    return [m.group(0) for m in MEDIA_LINK.finditer(text or "")]


def text_links(text: str | None) -> list[str]:
    """The other links a post's text carries (t.co and written-out URLs), in order, as printed."""
    links = []
    for match in _TEXT_LINK.finditer(text or ""):
        link = match.group(0).rstrip(_LINK_TRAILING)
        if not MEDIA_LINK.fullmatch(link) and link not in links:
            links.append(link)
    return links


def without_media_links(text: str) -> str:
    """The text with its short links taken out (they differ between copies of one post)."""
    return SHORT_LINK.sub(" ", text)


def post_text(raw: str | None) -> str | None:
    """A post's text as the article shows it, or None for a 'deleted' placeholder."""
    text = collapse(raw)
    if text:
        # A right-to-left post copied as text keeps the direction marks around it, which show nothing.
        text = text.strip(_DIRECTION_MARKS).strip() or None
    if text and _GONE.match(text):
        return None
    return text


_DIRECTION_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@dataclass
class PostRef:
    """What a link or an embed attribute says about a post: enough to name it."""

    platform: str
    post_id: str
    url: str
    handle: str | None = None


@dataclass
class Post:
    """One post cited by an article, with everything the article shows about it."""

    platform: str
    post_id: str | None = None
    url: str | None = None
    handle: str | None = None
    author_name: str | None = None
    date_text: str | None = None
    date: str | None = None
    text: str | None = None
    media: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    context: str | None = None
    position: int | None = None
    source: str | None = None

    @classmethod
    def from_ref(cls, ref: PostRef, **fields) -> "Post":
        return cls(platform=ref.platform, post_id=ref.post_id, url=ref.url,
                   handle=ref.handle, **fields)

    @property
    def key(self) -> tuple:
        """Identity within one article: the id, or what an id-less citation prints."""
        if self.post_id:
            return (self.platform, self.post_id)
        return (self.platform, None, (self.handle or "").lower(), self.date_text, self.text)

    def absorb(self, other: "Post") -> None:
        """Fill what this citation lacks from another citation of the same post."""
        for name in ("url", "handle", "author_name", "date_text", "date", "text", "context"):
            if getattr(self, name) is None and getattr(other, name) is not None:
                setattr(self, name, getattr(other, name))
        if not self.media:
            self.media = list(other.media)
        if not self.links:
            self.links = list(other.links)

    def to_dict(self) -> dict:
        data = asdict(self)
        return {name: data[name] for name in FIELDS}
