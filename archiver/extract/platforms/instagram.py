"""Instagram: `blockquote.instagram-media` and AMP embeds, post/reel links.

The embed ends in an attribution line, "A post shared by Name (@handle)", printed
in the language of whoever copied the embed code. That line is found by its
`(@handle)` wherever it is, so the handle is kept and the line is left out of the
text in any language; the translations below only tell the name from the phrase.
"""

from __future__ import annotations

import re

from ..dates import parse_date
from ..posts import Post, PostRef, collapse, post_text
from ._html import lang_of, permalink_ref, text_lines, url_of

NAME = "instagram"
HINTS = ("instagram.com/", "instagr.am/")
EMBEDS = {"instagram-media": ".//blockquote[contains(@class, 'instagram-media')]",
          "amp-instagram": ".//amp-instagram[@data-shortcode]"}

_POST = re.compile(
    r"^(?:https?:)?(?://)?(?:www\.)?(?:instagram\.com|instagr\.am)/"
    r"(?:[A-Za-z0-9_.]{1,30}/)?(?:p|reel|reels|tv)/(?!audio/)(?P<id>[A-Za-z0-9_-]{5,64})",  # reels/audio/: a sound's page
    re.I,
)
_CODE = re.compile(r"^[A-Za-z0-9_-]{5,64}$")
_PROFILE = re.compile(r"^(?:https?:)?//(?:www\.)?instagram\.com/(?P<handle>[A-Za-z0-9_.]{1,30})/?(?:[?#]|$)", re.I)
_HANDLE = re.compile(r"\(\s*@(?P<handle>[A-Za-z0-9_.]{1,30})\s*\)")
# "A post shared by %s" as Instagram's embed prints it, phrase before the name...
_BEFORE_NAME = (
    "a post shared by", "ein beitrag geteilt von", "une publication partagée par",
    "una publicación compartida por", "una publicación compartida de", "un post condiviso da",
    "een bericht gedeeld door", "uma publicação compartilhada por", "uma publicação partilhada por",
    "post udostępniony przez", "ett inlägg delat av", "et opslag delt af", "et innlegg delt av",
    "публикация от", "příspěvek sdílený uživatelem", "príspevok zdieľaný používateľom",
    "o postare distribuită de", "sebuah kiriman dibagikan oleh", "satu hantaran dikongsi oleh",
    "isang post na ibinahagi ni", "bài viết do", "käyttäjän", "โพสต์ที่แชร์โดย",
    "تمت مشاركة منشور بواسطة", "μια δημοσίευση που κοινοποιήθηκε από το χρήστη", "פוסט ששותף על ידי",
    "una publicació compartida per",
)
# ... and after it (Japanese, Korean, Chinese, Turkish, Hungarian, Hindi, Finnish, Vietnamese).
_AFTER_NAME = ("がシェアした投稿", "님의 공유 게시물", "分享的帖子", "分享的貼文", "tarafından paylaşılan bir gönderi",
               "által megosztott bejegyzés", "द्वारा साझा की गई पोस्ट", "jakama julkaisu", "chia sẻ")
_PHRASE = re.compile(
    r"^(?P<before>" + "|".join(map(re.escape, _BEFORE_NAME)) + r")?\s*(?P<name>.*?)\s*\(\s*@[A-Za-z0-9_.]{1,30}\s*\)"
    r"\s*(?P<after>" + "|".join(map(re.escape, _AFTER_NAME)) + r")?",
    re.I,
)
# A paragraph of a few words naming Instagram is the "View this post on Instagram" link.
_VIEW_ON_INSTAGRAM_WORDS = 8


def _ref(code: str) -> PostRef:
    return PostRef(NAME, code, f"https://www.instagram.com/p/{code}/")


def match_url(url: str) -> PostRef | None:
    match = _POST.match(url)
    return _ref(match.group("id")) if match else None


def parse_embed(element) -> Post | None:
    if element.tag == "amp-instagram":  # an AMP page's embed names its post by shortcode alone
        code = (element.get("data-shortcode") or "").strip()
        return Post.from_ref(_ref(code)) if _CODE.match(code) else None
    ref = permalink_ref(element, "data-instgrm-permalink", match_url)
    if not ref:
        return None
    post = Post.from_ref(ref)
    paragraphs = [(p, collapse(text_lines(p))) for p in element.iterfind(".//p")]  # a <br> is a space
    paragraphs = [(p, line) for p, line in paragraphs if line]
    signed = [i for i, (_, line) in enumerate(paragraphs) if _HANDLE.search(line)]
    if signed:
        _read_attribution(post, *paragraphs.pop(signed[-1]))
    captions = [line for _, line in paragraphs if not _is_view_link(line)]
    time = element.find(".//time")
    if time is not None:
        post.date_text = collapse(time.text_content())
        post.date = parse_date(time.get("datetime") or post.date_text, lang_of(element))
    post.text = post_text(" ".join(captions)) if captions else None
    return post


def _read_attribution(post: Post, paragraph, line: str) -> None:
    """Handle and name from "A post shared by Name (@handle)" in any language."""
    post.handle = _HANDLE.search(line).group("handle")
    profile = [a for a in paragraph.iterfind(".//a[@href]") if _PROFILE.match(url_of(a))]
    if profile:
        post.author_name = collapse(profile[0].text_content())
        return
    phrase = _PHRASE.match(line)
    if phrase and (phrase.group("before") or phrase.group("after")):
        post.author_name = collapse(phrase.group("name"))


def _is_view_link(line: str) -> bool:
    return "instagram" in line.lower() and len(line.split()) <= _VIEW_ON_INSTAGRAM_WORDS
