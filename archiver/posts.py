"""The record of one cited post, and the text rules every extractor shares."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

_SPACE = re.compile(r"\s+")
# Media short links as tweets print them: pic.twitter.com/CODE, pic.x.com/CODE, t.co/CODE.
MEDIA_LINK = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:pic\.twitter\.com|pic\.x\.com|t\.co)/[A-Za-z0-9]+"
)
# What Twitter shows instead of the text of a post that is gone.
_GONE = re.compile(
    r"^(?:this (?:tweet|post) (?:was deleted|is unavailable|has been deleted|may have been deleted)"
    r"|(?:tweet|post) (?:is )?unavailable|this tweet is from an account that no longer exists)",
    re.I,
)

FIELDS = (
    "source", "platform", "post_id", "url", "handle", "author_name",
    "date_text", "date", "text", "media", "context", "position",
)


def collapse(text: str | None) -> str | None:
    """Collapse runs of whitespace; empty text becomes None."""
    if text is None:
        return None
    text = _SPACE.sub(" ", text).strip()
    return text or None


def media_links(text: str | None) -> list[str]:
    """The media short links a post's text carries, in order, as printed."""
    return [m.group(0) for m in MEDIA_LINK.finditer(text or "")]


def without_media_links(text: str) -> str:
    """The text with its media short links taken out (they differ between copies of one post)."""
    return MEDIA_LINK.sub(" ", text)


def post_text(raw: str | None) -> str | None:
    """A post's text as the article shows it, or None for a 'deleted' placeholder."""
    text = collapse(raw)
    if text and _GONE.match(text):
        return None
    return text


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

    def to_dict(self) -> dict:
        data = asdict(self)
        return {name: data[name] for name in FIELDS}
