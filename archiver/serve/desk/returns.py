"""Back to the page a reviewer came from, after a verdict or a login.

Datasette sends a writable canned query back to the query's own page, and the
login back to "/". Our forms and "Log in" links carry the page to return to
as `?next=/path` (always a path on this server: `links.same_origin_path`):
- a POST to any page with `?next=` in its URL that answers with a redirect
  goes to `next` instead (the verdict forms post to `/db/tag_post?next=...`;
  Datasette's message cookie comes along, so the post page shows it);
- `GET /-/login?next=/path` remembers the path in a cookie, and the
  successful login's redirect to "/" goes there instead.
A login that honours `next` itself is left alone (its redirect is not to "/").
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote, unquote

from .links import same_origin_path

LOGIN = "/-/login"
COOKIE = "archiver_next"


def _next_of(scope) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return same_origin_path((query.get("next") or [None])[0])


def _cookie(scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            morsel = SimpleCookie(value.decode("latin-1")).get(name)
            if morsel:
                return morsel.value
    return None


def _set_cookie(value: str, max_age: int) -> tuple[bytes, bytes]:
    return (b"set-cookie", f"{COOKIE}={quote(value, safe='/')}; Path={LOGIN}; Max-Age={max_age}; HttpOnly; "
                           f"SameSite=Lax".encode("latin-1"))


def wrap(app):
    async def returning(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        method, path = scope["method"], scope["path"]
        target = _next_of(scope)
        remember = method == "GET" and path == LOGIN and target
        if method == "POST" and path == LOGIN and not target:
            target = same_origin_path(unquote(_cookie(scope, COOKIE) or ""))
        if not (remember or (method == "POST" and target)):
            return await app(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if remember:
                    headers.append(_set_cookie(target, 600))
                elif 300 <= message["status"] < 400 and _redirects_home_or_back(path, headers):
                    headers = [(k, v) for k, v in headers if k.lower() != b"location"]
                    headers.append((b"location", target.encode("latin-1")))
                    if path == LOGIN:
                        headers.append(_set_cookie("", 0))
                message = {**message, "headers": headers}
            await send(message)

        return await app(scope, receive, sending)

    return returning


def _redirects_home_or_back(path: str, headers) -> bool:
    """A login's redirect to "/" or a canned query's back to itself: the ones we re-aim."""
    location = next((v.decode("latin-1") for k, v in headers if k.lower() == b"location"), "")
    return location.split("?", 1)[0] in ("/", path)
