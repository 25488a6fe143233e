"""Reviewer logins for `archiver serve`, and what every request and response
passes through. Registered by archiver/serve/plugin.py.

- `/-/login` checks a password against `config/reviewers.json` read at request
  time (hashes never go through Datasette's metadata, which anyone can read),
  in a worker thread so other pages keep being served, and throttles failures
  per client address and per name (archiver/serve/login_throttle.py).
- Its cookie (`ds_actor`, HttpOnly, SameSite=Lax) expires after `login_hours`
  and carries the reviewer's session key; every request's cookie is checked
  against the file, and dropped before Datasette sees it when the reviewer has
  logged out, was removed or the cookie expired: the request is anonymous.
- A request with `Authorization: Bearer` (which Datasette exempts from CSRF
  checks) is never authenticated by a cookie.
- Every response forbids framing and loading scripts, styles or images from
  elsewhere (Content-Security-Policy, X-Frame-Options).
"""

from __future__ import annotations

import asyncio
import math
import secrets
import sys
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from datasette import hookimpl
from datasette.utils import baseconv
from datasette.utils.asgi import Response
from datasette_auth_passwords.utils import hash_password, verify_password
from itsdangerous import BadSignature

from .login_throttle import LoginThrottle
from .reviewers import ReviewerError, begin_session, end_sessions, load_reviewers, session_key

LOGIN_HOURS = 8  # a working day; `login_hours` under `plugins: archiver:` in config/metadata.yaml
CHECKING_AT_ONCE = 4  # password checks queued at most; more are told to retry
# Datasette's pages use inline scripts and styles, so those stay allowed; nothing else may load from elsewhere.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline';"
                           " img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self';"
                           " frame-ancestors 'none'")
SECURITY_HEADERS = [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode()), (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff")]

_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archiver-login")
_UNKNOWN_NAME_HASH: list[str] = []  # checked against for unknown names, so they take as long as known ones


@dataclass
class _Logins:
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    checking: int = 0


_logins: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Datasette -> _Logins


class LoginSettingError(ValueError):
    """A login setting in the metadata that `archiver serve` cannot use; the message says why."""


def login_lifetime(datasette) -> int:
    """Seconds a login lasts."""
    hours = (datasette.plugin_config("archiver") or {}).get("login_hours", LOGIN_HOURS)
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= 24 * 366:
        raise LoginSettingError(f"config/metadata.yaml: plugins: archiver: login_hours: {hours!r} is not a number of"
                         " hours between 0 and 8784; set it to how long a login lasts, such as 8")
    return int(hours * 3600)


def login_cookie(datasette, name: str) -> str | None:
    """A signed `ds_actor` cookie for reviewer NAME, who just proved their password; None if NAME was removed."""
    key = begin_session(name)
    if key is None:
        return None
    expires = baseconv.base62.encode(int(time.time()) + login_lifetime(datasette))
    return datasette.sign({"a": {"id": name, "name": name}, "e": expires, "k": key}, "actor")


def valid_login_cookie(datasette, value: str, now: float) -> bool:
    """Whether VALUE is a cookie we issued that has not expired, for a reviewer still
    in the file who has not logged out since."""
    try:
        decoded = datasette.unsign(value, "actor")
        actor, key, expires = decoded["a"], decoded["k"], decoded["e"]
        name = actor["id"]
        alive = now < baseconv.base62.decode(expires)
    except (BadSignature, ValueError, TypeError, KeyError):
        return False
    if actor != {"id": name, "name": name} or not isinstance(name, str) or not isinstance(key, str) or not alive:
        return False
    try:
        current = session_key(name)
    except ReviewerError as error:
        print(f"archiver serve: nobody is logged in: {error}", file=sys.stderr)
        return False
    return current is not None and secrets.compare_digest(current, key)


def _password_matches(password: str, password_hash: str | None) -> bool:
    if not _UNKNOWN_NAME_HASH:
        _UNKNOWN_NAME_HASH.append(hash_password(secrets.token_hex(16)))
    try:
        matches = verify_password(password, password_hash or _UNKNOWN_NAME_HASH[0])
    except (AssertionError, ValueError):  # a hash edited by hand into something else
        return False
    return matches and password_hash is not None


async def _check_password(datasette, request, name: str, password: str) -> tuple[str | None, str | None, dict]:
    """(cookie, None, {}) for a right password, else (None, what to tell the person, response headers)."""
    logins = _logins.setdefault(datasette, _Logins())
    client = (request.scope.get("client") or ("unknown",))[0]
    keys = [f"address:{client}", f"name:{name[:64].lower()}"]  # names are 64 characters at most
    wait = logins.throttle.wait(keys, time.monotonic())
    if wait > 0:
        seconds = math.ceil(wait)
        return (None, f"Too many logins: wait {seconds} seconds, then log in again at /-/login.",
                {"Retry-After": str(seconds)})
    if logins.checking >= CHECKING_AT_ONCE:
        return None, "The server is checking other logins: try again in a moment.", {"Retry-After": "1"}
    try:
        password_hash = load_reviewers().get(name)
    except ReviewerError as error:
        print(f"archiver serve: logins refused: {error}", file=sys.stderr)
        return None, "Logins are unavailable: the server cannot read its reviewers file (its log says why).", {}
    logins.throttle.checked(keys, time.monotonic())
    logins.checking += 1
    try:
        matches = await asyncio.get_running_loop().run_in_executor(_HASHING, _password_matches, password,
                                                                   password_hash)
    finally:
        logins.checking -= 1
    if not matches:
        logins.throttle.failed(keys, time.monotonic())
        return None, "Invalid username or password", {}
    logins.throttle.succeeded(keys)
    cookie = login_cookie(datasette, name)
    return (cookie, None, {}) if cookie else (None, "Invalid username or password", {})


async def login(request, datasette):
    error = None
    if request.method == "POST":
        if "ds_csrftoken" not in request.cookies or _bearer(request.scope):
            return Response.text("Log in from the login page (/-/login).", status=403)
        form = await request.post_vars()
        cookie, error, headers = await _check_password(datasette, request, form.get("username") or "",
                                                       form.get("password") or "")
        if "Retry-After" in headers:  # plain text: a flood of refusals costs little
            return Response.text(error, status=429, headers=headers)
        if cookie:
            response = Response.redirect(datasette.urls.instance())
            response.set_cookie("ds_actor", cookie, max_age=login_lifetime(datasette), httponly=True,
                                samesite="lax", secure=request.scheme == "https")
            return response
    page = await datasette.render_template("password_login.html", {"error": error}, request=request)
    return Response.html(page)


async def logout(request, datasette):
    """Logging out ends the reviewer's sessions in every browser, not just this cookie."""
    if request.method == "POST":
        if request.actor:
            end_sessions(request.actor["id"])
            datasette.add_message(request, "You are now logged out", datasette.WARNING)
        response = Response.redirect(datasette.urls.instance())
        response.set_cookie("ds_actor", "", expires=0, max_age=0, httponly=True, samesite="lax")
        return response
    if not request.actor:
        return Response.redirect(datasette.urls.instance())
    page = await datasette.render_template("logout.html", {"actor": request.actor}, request=request)
    return Response.html(page)


async def not_served(request, datasette):
    return Response.text("Not found", status=404)


@hookimpl(specname="register_routes", tryfirst=True)
def login_routes():
    """Ours before datasette-auth-passwords' (installed for its hashing functions),
    whose password tool would hash for anyone, unthrottled."""
    return [(r"^/-/login$", login), (r"^/-/logout$", logout), (r"^/-/password-tool$", not_served)]


def _bearer(scope) -> bool:
    return any(name == b"authorization" and value[:7].lower() == b"bearer " for name, value in scope["headers"])


def _valid_cookies_only(datasette, scope) -> dict:
    """The request without any `ds_actor` cookie that no longer logs anybody in."""
    bearer, now = _bearer(scope), time.time()

    def kept(part: bytes) -> bool:
        name, _, value = part.strip().partition(b"=")
        return name != b"ds_actor" or (not bearer and valid_login_cookie(datasette, value.decode("latin-1"), now))

    headers = [(name, b";".join(filter(kept, value.split(b";"))) if name == b"cookie" else value)
               for name, value in scope["headers"]]
    return dict(scope, headers=headers)


def with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The response's headers with ours added. A page that sets its own policy
    (the sandboxed view of a captured page, stricter, framable by our own pages
    only) keeps it, and then gets no X-Frame-Options, which would forbid that."""
    own = {name.lower() for name, _ in headers}
    if b"content-security-policy" in own:
        return headers + [(name, value) for name, value in SECURITY_HEADERS
                          if name not in own and name not in (b"content-security-policy", b"x-frame-options")]
    return headers + [(name, value) for name, value in SECURITY_HEADERS if name not in own]


@hookimpl(specname="asgi_wrapper")
def checked_requests(datasette):
    def wrap(app):
        async def checked(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)

            async def send_with_security_headers(message):
                if message["type"] == "http.response.start":
                    message = dict(message, headers=with_security_headers(message.get("headers", [])))
                await send(message)

            await app(_valid_cookies_only(datasette, scope), receive, send_with_security_headers)
        return checked
    return wrap
