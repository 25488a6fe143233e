"""The Datasette plugin of the archive: reviewer logins and request checks
(archiver/serve_auth.py, registered here), cells rendered for review (badges, safe links), and the post and account pages'
extra sections (verdict form, history, citations, checks, archived copies).

Everything shown from a post, an article or a note is untrusted: it is escaped,
and only http(s) URLs become links, with rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

import json
import re

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from .facets import TallyFacet
from .posts import MEDIA_LINK
from .schema import AVAILABILITY, CHECK_OUTCOMES, CREDIBILITY, LATEST_CHECKS, POST_STATUSES
from .schema import prepare_connection as prepare_archive_connection

from .serve_auth import checked_requests, login_routes  # noqa: F401  (hook implementations of this plugin)

LINK_REL = "noopener noreferrer nofollow"
_BADGES = {"status": POST_STATUSES, "credibility": CREDIBILITY, "outcome": CHECK_OUTCOMES,
           "availability": AVAILABILITY}
_URL_COLUMNS = {"url", "archived_url", "evidence_url", "resolved_url", "fetch_url", "status_url"}
_TEXT_COLUMNS = {"text", "shown_text"}
CSS = """
.badge { display: inline-block; padding: 0.1em 0.5em; border-radius: 0.8em; font-size: 0.85em;
  font-weight: 600; background: #e5e7eb; color: #1f2937; white-space: nowrap; }
.badge-verified, .badge-credible, .badge-pass, .badge-live { background: #d1fae5; color: #065f46; }
.badge-false, .badge-not_credible, .badge-sockpuppet, .badge-fail, .badge-unavailable { background: #fee2e2; color: #991b1b; }
.badge-misleading, .badge-warn, .badge-error { background: #fef3c7; color: #92400e; }
.badge-in_progress, .badge-inconclusive { background: #dbeafe; color: #1e40af; }
.archiver-section { margin-top: 1.5em; }
.archiver-section table { margin-top: 0.5em; }
.archiver-form label { display: block; margin: 0.5em 0; }
.archiver-form textarea { width: 100%; max-width: 40em; height: 5em; }
"""


def badge(value) -> Markup:
    return Markup('<span class="badge badge-{0}">{0}</span>').format(value)


def link(url: str, text: str | None = None) -> Markup | str:
    """A safe outbound link for an http(s) URL; anything else stays plain (escaped) text."""
    if not re.match(r"(?i)https?://", url or ""):
        return escape(url)
    return Markup('<a href="{}" rel="{}">{}</a>').format(url, LINK_REL, text or url)


def media_link(short: str) -> Markup:
    """A media short link as printed (pic.twitter.com/CODE), linked to its https URL."""
    return link(short if short.startswith("http") else f"https://{short}", short)


def text_with_media_links(text: str) -> Markup | None:
    """Post text, escaped, with its media short links (as extraction finds them)
    made into links; None when it has none."""
    parts, end = [], 0
    for match in MEDIA_LINK.finditer(text):
        parts += [escape(text[end:match.start()]), media_link(match.group())]
        end = match.end()
    if not parts:
        return None
    return Markup("").join([*parts, escape(text[end:])])


def flags_cell(value: str) -> Markup | None:
    try:
        names = json.loads(value)
    except ValueError:
        return None
    if not isinstance(names, list):
        return None
    return Markup(" ").join(Markup('<span class="badge badge-warn">{}</span>').format(n) for n in names)


@hookimpl
def render_cell(value, column, table, database, datasette):
    if not isinstance(value, str) or not value:
        return None
    if column in _BADGES and value in _BADGES[column]:
        return badge(value)
    if column in _URL_COLUMNS:
        return link(value)
    if column == "flags":
        return flags_cell(value)
    if column in _TEXT_COLUMNS:
        return text_with_media_links(value)
    if column == "link" and table == "media":
        return media_link(value)
    return None


async def stylesheet(request, datasette):
    return Response(CSS, content_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


@hookimpl
def register_routes():
    return [(r"^/-/archiver\.css$", stylesheet)]


@hookimpl
def extra_css_urls():
    return ["/-/archiver.css"]


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """The post or account page's review sections."""
    if view_name != "row" or table not in ("posts", "accounts") or request is None:
        return {}

    async def review_sections():
        key = tilde_decode(request.url_vars["pks"])
        db = datasette.get_database(database)
        if table == "accounts":
            history = await db.execute(
                "SELECT created_at, credibility, reviewer, note FROM account_verdicts WHERE account_id = ?"
                " ORDER BY id DESC", [key])
            return {"review": {"kind": "account", "key": key, "choices": CREDIBILITY, "field": "credibility",
                               "query": "tag_account", "id_param": "account_id", "history": history.rows}}
        history = await db.execute(
            "SELECT created_at, status, reviewer, note FROM verifications WHERE post_id = ? ORDER BY id DESC", [key])
        citations = await db.execute(
            "SELECT articles.id AS article_id, articles.title, articles.url, citations.context, citations.first_seen,"
            " citations.removed_at FROM citations JOIN articles ON articles.id = citations.article_id"
            " WHERE citations.post_id = ? ORDER BY citations.first_seen", [key])
        checks = await db.execute(
            f"SELECT check_name, outcome, summary, evidence_url, checked_at FROM checks WHERE id IN ({LATEST_CHECKS})"
            " ORDER BY check_name", [key])
        copies = await db.execute(
            "SELECT kind, url, fetched_at, http_status, sha256, warc_path FROM captures WHERE post_id = ?"
            " ORDER BY id DESC LIMIT 50", [key])
        return {"review": {"kind": "post", "key": key, "choices": POST_STATUSES, "field": "status",
                           "query": "tag_post", "id_param": "post_id", "history": history.rows,
                           "citations": citations.rows, "checks": checks.rows, "captures": copies.rows}}
    return review_sections


@hookimpl
def register_facet_classes():
    return [TallyFacet]


@hookimpl
def prepare_connection(conn, database):
    """The archive's own connection settings (foreign keys, REPLACE guards),
    except on Datasette's internal database, whose foreign keys Datasette
    does not keep. Reads go through memory-mapped I/O with a larger page
    cache: facet counts and searches over a million posts then cost CPU, not
    system calls (bench/serve.py)."""
    if database != "_internal":
        prepare_archive_connection(conn)
    conn.execute("PRAGMA mmap_size = 2147483648")
    conn.execute("PRAGMA cache_size = -131072")  # KiB: 128 MiB per connection


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["archiver_link"] = link
    env.filters["archiver_badge"] = badge
