"""What a worker does with one slice of a WARC: read it and extract it. Pure:
no database and no network, so any Dask worker anywhere can run it; what it
returns is plain, picklable data for the one writer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..extract import extract_document
from ..extract.document import InputError, decode
from ..extract.prefilter import may_cite_posts
from ..fetch import FetchError
from .records import HtmlRecord, SliceCount, WarcExtent, read_slice


@dataclass
class Page:
    """One archived page that cites posts (or any page, with --all-articles)."""

    url: str
    crawled_at: str | None
    warc_offset: int
    warc_record_id: str | None
    status: int | None
    headers: dict
    content_type: str | None
    size: int
    sha256: str
    record: dict  # the article record: url, title, site, language, published, posts


@dataclass
class SliceResult:
    """A slice's pages with posts, and what was read and skipped."""

    warc: str
    start: int
    end: int
    records: int = 0
    html: int = 0
    pages: list[Page] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)


def extract_slice(extent: WarcExtent, start: int, end: int, all_articles: bool = False) -> SliceResult:
    """Read the records starting in [start, end) of `extent` and extract their posts.

    A page whose bytes hold no post marker at all is not parsed (unless
    `all_articles`); one bad record is reported and skipped, never the slice.
    """
    result = SliceResult(extent.name, start, end)
    wanted = (lambda body: True) if all_articles else may_cite_posts
    try:
        for item in read_slice(extent, start, end, wanted):
            if isinstance(item, SliceCount):
                result.records, result.html = item.records, item.html
                result.problems += [(extent_source(extent.name, offset), reason) for offset, reason in item.problems]
            else:
                page = _page(item, all_articles, result)
                if page:
                    result.pages.append(page)
    except (OSError, FetchError) as error:  # a file that cannot be read, reached or decompressed from here on
        result.problems.append((extent_source(extent.name, start),
                                f"unreadable WARC data ({error}); check the file: the rest of the slice is skipped"))
    return result


def _page(item: HtmlRecord, all_articles: bool, result: SliceResult) -> Page | None:
    source = extent_source(result.warc, item.offset)
    try:
        document = decode(item.body, item.charset, item.content_type)
        record = extract_document(document, item.url, metadata=all_articles, date_every_page=all_articles)
    except InputError as error:
        result.problems.append((source, str(error)))
        return None
    except Exception as error:  # noqa: BLE001 - one hostile page must not cost the slice
        result.problems.append((source, f"extraction failed ({type(error).__name__}: {error})"))
        return None
    if not record["posts"] and not all_articles:
        return None
    return Page(url=item.url, crawled_at=item.date, warc_offset=item.offset, warc_record_id=item.record_id,
                status=item.status, headers=item.headers, content_type=item.content_type, size=len(item.body),
                sha256=hashlib.sha256(item.body).hexdigest(), record=record)


def extent_source(warc: str, offset: int) -> str:
    """How a record is named in errors: its WARC and offset."""
    return f"{warc}@{offset}"
