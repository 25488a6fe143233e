"""The desk's Datasette hooks: cells rendered for review (badges, safe links,
ids linked to their pages), the row pages' data, the review queue, capture
downloads and views, search that takes pasted URLs, and returning reviewers
to the page they came from. Registered by `archiver.serve.plugin`."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import Response
from markupsafe import Markup

from ...store.schema import AVAILABILITY, CHECK_OUTCOMES, CREDIBILITY, POST_STATUSES
from . import captures, paste, queue, returns, tables
from .cards import flag_names, post_card
from .links import account_id, internal, link, linked_text, media_link, row_path, same_origin_path
from .pages import PAGES, VIEWABLE, warc_dir

STATIC = Path(__file__).resolve().parent / "static"
_BADGES = {"status": POST_STATUSES, "credibility": CREDIBILITY, "outcome": CHECK_OUTCOMES,
           "availability": AVAILABILITY, "verdict": POST_STATUSES + CREDIBILITY}
_URL_COLUMNS = {"url", "archived_url", "evidence_url", "resolved_url", "fetch_url", "status_url", "article_url"}
_TEXT_COLUMNS = {"text", "shown_text"}
# Columns of canned queries (and tables) holding the key of a row that has its own page.
_KEY_COLUMNS = {"post_id": "posts", "article_id": "articles", "capture_id": "captures", "account_id": "accounts",
                "run_id": "runs"}
_POST_KEY = re.compile(r"^(?:%s):\S+$" % "|".join(paste.PLATFORM_NAMES))


def badge(value) -> Markup:
    return Markup('<span class="badge badge-{0}">{0}</span>').format(value)


def flag_badges(names) -> Markup:
    return Markup(" ").join(Markup('<span class="badge badge-flag">{}</span>').format(name) for name in names)


def _column(row, name):
    try:
        return row[name]
    except (IndexError, KeyError, TypeError):
        return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table is None and column in _KEY_COLUMNS and isinstance(value, (int, str)) and value != "":
        return internal(row_path(database, _KEY_COLUMNS[column], value), value)  # ids in canned queries
    if not isinstance(value, str) or not value:
        return None
    if column in _BADGES and value in _BADGES[column]:
        return badge(value)
    if column in _URL_COLUMNS:
        return link(value)
    if column == "flags":
        names = flag_names(value)
        return flag_badges(names) if names else None
    if column in _TEXT_COLUMNS:
        return linked_text(value)
    if column == "link" and table == "media":
        return media_link(value)
    if column == "handle" and _column(row, "platform"):
        return internal(row_path(database, "accounts", account_id(_column(row, "platform"), value)), "@" + value)
    if table is None and column == "id" and _POST_KEY.match(value):
        return internal(row_path(database, "posts", value), value)
    return None


def _archive_database(datasette, name: str | None = None):
    """The named database, or the archive (the first one) when none is named."""
    if name:
        return datasette.databases.get(name)
    return next((db for db in datasette.databases.values() if db.name != "_internal"), None)


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """For every page: `sql()`, the login link that returns here; for the row
    pages of posts, accounts, articles and captures: `desk`, what they show."""
    db = _archive_database(datasette, database)

    async def sql(query: str, params=None):
        """Read-only rows for templates: Datasette's read connections cannot write."""
        return [dict(row) for row in (await (db or _archive_database(datasette)).execute(query, params or {})).rows]

    here = (request.path + (f"?{request.query_string}" if request.query_string else "")) if request else "/"
    variables = {"sql": sql, "login_url": "/-/login?next=" + quote(here, safe="/~"), "here": here,
                 "archive_db": getattr(db or _archive_database(datasette), "name", None)}
    if view_name != "row" or table not in PAGES or request is None or db is None:
        return variables

    async def row_page():
        return {**variables, "desk": await PAGES[table](db, tilde_decode(request.url_vars["pks"]))}
    return row_page


async def _capture(datasette, request):
    db = _archive_database(datasette, request.url_vars["database"])
    if db is None:
        return None, None
    rows = (await db.execute("SELECT * FROM captures WHERE id = ?", [request.url_vars["id"]])).rows
    return db, (dict(rows[0]) if rows else None)


def _evidence_problem(message: str, status: int = 404) -> Response:
    return Response.text(f"{message}\n", status=status, headers={"Cache-Control": "no-store"})


async def _verified_record(datasette, request):
    """(capture, record) or (None, an error Response for people)."""
    db, capture = await _capture(datasette, request)
    if capture is None:
        return None, _evidence_problem(f"No capture {request.url_vars['id']} in this archive.")
    try:
        record = captures.read_record(warc_dir(db), capture["warc_path"], capture["warc_offset"])
    except (captures.EvidenceMissing, OSError) as error:
        return None, _evidence_problem(f"Capture {capture['id']}: {error}")
    if record.payload_sha256 != capture["sha256"]:
        return None, _evidence_problem(
            f"Capture {capture['id']}: the WARC record's payload hashes to {record.payload_sha256}, not the "
            f"{capture['sha256']} recorded when it was captured: the WARC file was altered or the row points "
            "at the wrong record.", 409)
    return capture, record


async def warc_record(request, datasette):
    """The capture's WARC record, byte for byte (a gzip member: `warcio check` and `zcat` read it)."""
    capture, record = await _verified_record(datasette, request)
    if capture is None:
        return record
    return Response(record.raw, content_type="application/warc", headers={
        "Content-Disposition": f'attachment; filename="{captures.download_name(capture["id"])}"',
        "X-Payload-SHA256": record.payload_sha256, "X-Content-Type-Options": "nosniff"})


async def capture_view(request, datasette):
    """The captured bytes for the capture page's sandboxed frame: no scripts, forms or network."""
    capture, record = await _verified_record(datasette, request)
    if capture is None:
        return record
    kind = (capture["content_type"] or "").split(";")[0].strip()
    content_type = "text/plain; charset=utf-8"
    if kind in VIEWABLE and kind != "text/plain":
        charset = re.search(r"charset=([\w.-]+)", capture["content_type"] or "")
        content_type = f"text/html; charset={charset.group(1) if charset else 'utf-8'}"
    return Response(record.payload, content_type=content_type, headers={
        "Content-Security-Policy": captures.VIEW_CSP, "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer", "Cache-Control": "private, max-age=3600"})


async def review_queue(request, datasette):
    db = _archive_database(datasette, request.url_vars["database"])
    if db is None:
        return Response.text("No such database.\n", status=404)
    status = queue.queue_status(request.args.get("status"))
    page = queue.page_number(request.args.get("page"))
    rows = (await db.execute(queue.queue_sql(), {"status": status, "offset": (page - 1) * queue.PAGE_SIZE})).rows
    total = (await db.execute(queue.TOTAL_SQL, {"status": status})).rows[0][0]
    def page_url(number: int) -> str:
        return f"{request.path}?{urlencode({'status': status, 'page': number})}"

    return Response.html(await datasette.render_template("desk_queue.html", {
        "database": db.name, "status": status, "statuses": POST_STATUSES, "page": page, "total": total,
        "first": (page - 1) * queue.PAGE_SIZE + 1, "cards": [post_card(dict(row)) for row in rows[:queue.PAGE_SIZE]],
        "next_url": page_url(page + 1) if len(rows) > queue.PAGE_SIZE else None,
        "previous_url": page_url(page - 1) if page > 1 else None,
    }, request=request, view_name="desk_queue"))


async def search(request, datasette):
    """/-/search?q=: a pasted post URL, status id or @handle goes to its page; words to full-text search."""
    db = _archive_database(datasette)
    text = (request.args.get("q") or "").strip()
    found = await db.execute_fn(lambda conn: paste.resolve(conn, text))
    if found.key:
        return Response.redirect(row_path(db.name, found.table, found.key))
    if found.prefix:
        return Response.redirect(f"/{db.name}/accounts?" + urlencode({"handle__startswith": found.prefix}))
    return Response.redirect(f"/{db.name}/posts?" + urlencode({"_search": text}))


async def stylesheet(request, datasette):
    return Response((STATIC / "desk.css").read_text(encoding="utf-8"), content_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "max-age=3600"})


@hookimpl
def register_routes():
    return [
        (r"^/-/desk\.css$", stylesheet),
        (r"^/-/search$", search),
        (r"^/(?P<database>[^/]+)/-/queue$", review_queue),
        (r"^/(?P<database>[^/]+)/captures/(?P<id>[0-9]+)/record$", warc_record),
        (r"^/(?P<database>[^/]+)/captures/(?P<id>[0-9]+)/view$", capture_view),
    ]


@hookimpl
def extra_css_urls():
    return ["/-/desk.css"]


def pasted_search(app, datasette):
    """The posts table's own search box takes pasted URLs, ids and @handles too."""
    async def searching(scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].endswith("/posts"):
            text = (parse_qs(scope.get("query_string", b"").decode("latin-1")).get("_search") or [""])[0].strip()
            db = _archive_database(datasette, scope["path"][1:-len("/posts")])
            if db is not None and (paste.candidate_posts(text) or text.startswith("@")):
                found = await db.execute_fn(lambda conn: paste.resolve(conn, text))
                if found.key:
                    response = Response.redirect(row_path(db.name, found.table, found.key))
                    return await response.asgi_send(send)
        return await app(scope, receive, send)
    return searching


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: returns.wrap(pasted_search(app, datasette))


@hookimpl
def prepare_jinja2_environment(env):
    env.filters.update(archiver_link=link, archiver_badge=badge, archiver_text=linked_text,
                       archiver_flags=flag_badges, archiver_row=row_path, archiver_json_list=flag_names,
                       archiver_reviewer_table=tables.for_reviewers, archiver_column_order=tables.column_order)
    env.globals.update(archiver_quote=quote, archiver_safe_path=same_origin_path)
