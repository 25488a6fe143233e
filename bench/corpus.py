"""A generated corpus of realistic article pages (100-300 KiB, with and without embeds).

Pages look like news pages: a heavy head (styles, scripts, JSON-LD), navigation,
an article with paragraphs, figures and embeds, a sidebar with a timeline, a
footer full of links. Every account in them is fictional.
"""

from __future__ import annotations

import random

WORDS = ("the city council said on monday that the river crossing would stay closed while engineers "
         "inspected the bridge after floodwater reached the deck residents were told to use the northern "
         "road and emergency services asked people not to travel unless necessary").split()


def _sentence(rng: random.Random, n: int = 24) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _tweet(rng: random.Random, i: int, words: int = 18) -> str:
    status = 1412743195653046279 + i * 4194304
    return (f'<figure class="embed"><blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">'
            f'{_sentence(rng, words)} <a href="https://t.co/Fx{i:08d}">pic.twitter.com/Fx{i:08d}</a></p>'
            f'&mdash; Fictional Account {i} (@FxAccount{i % 1000}) '
            f'<a href="https://twitter.com/FxAccount{i % 1000}/status/{status}?ref_src=twsrc%5Etfw">July 7, 2021</a>'
            f'</blockquote></figure>')


def page(seed: int, target_kib: int | None = None, embeds: int | None = None, embed_words: int = 18) -> bytes:
    """One page; the same seed gives the same bytes."""
    rng = random.Random(seed)
    target = (target_kib or rng.randint(100, 300)) * 1024
    embeds = rng.choice((0, 0, 1, 2, 4)) if embeds is None else embeds
    head = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Fictional story</title>",
            "<meta name='twitter:site' content='@FxOutlet'><meta property='og:site_name' content='Fx Outlet'>",
            "<meta property='article:published_time' content='2021-07-08T06:00:00Z'>",
            "<style>" + ".c{margin:0 auto;padding:1px} .twitter-tweet{display:block}\n" * 400 + "</style>",
            "<script>" + "window.dataLayer=window.dataLayer||[];function g(){dataLayer.push(arguments)}\n" * 300
            + "</script></head><body>"]
    nav = "<nav class='menu'><ul>" + "".join(f"<li><a href='/section/{i}'>Section {i}</a></li>" for i in range(60)) + \
          "</ul><a href='https://twitter.com/FxOutlet'>Follow</a></nav>"
    body = ["<main><article><h1>Fictional story</h1><div class='article-body'>"]
    sidebar = ("<aside class='sidebar'><a class='twitter-timeline' href='https://twitter.com/FxOutlet'>Tweets</a>"
               + "".join(f"<div class='teaser'><a href='/story/{i}'><img src='/i/{i}.jpg' alt=''>Story {i}</a></div>"
                         for i in range(40)) + "</aside>")
    footer = "<footer>" + "".join(f"<a href='/page/{i}'>Link {i}</a> " for i in range(200)) + \
             "<a href='https://twitter.com/intent/tweet?url=x'>Share</a></footer></body></html>"
    fixed = sum(map(len, head)) + len(nav) + len(sidebar) + len(footer)
    paragraphs = []
    size = fixed
    while size < target:
        paragraph = f"<p>{_sentence(rng, rng.randint(20, 60))} <a href='/related/{len(paragraphs)}'>more</a></p>"
        paragraphs.append(paragraph)
        size += len(paragraph)
    for i in range(embeds):
        spot = rng.randrange(len(paragraphs) + 1)
        paragraphs.insert(spot, _tweet(rng, seed * 10 + i, embed_words))
    body.extend(paragraphs)
    body.append("</div></article>" + sidebar + "</main>")
    return "".join(head + [nav] + body + [footer]).encode()
