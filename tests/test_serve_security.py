"""What a hostile probe of `archiver serve` found (issue 14, items 1, 2, 8 and
11), pinned: secrets on public pages, cookies that outlive a logout or a
removal, anonymous SQL, unthrottled logins hashing on the event loop, framing,
Bearer requests skipping CSRF, a world-readable secrets file."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time

import httpx
import pytest
import requests
from click.testing import CliRunner

from archiver.cli import cli
from archiver.serve.login_throttle import LoginThrottle
from archiver.serve.reviewers import add_reviewer, remove_reviewer, session_key
from archiver.store.schema import open_db
from archiver.serve import make_datasette
from archiver.serve.auth import CONTENT_SECURITY_POLICY, login_cookie, login_lifetime
from datasette.app import Datasette
from datasette.utils import baseconv
from datasette_auth_passwords.utils import hash_password

POST = "twitter:1412743195653046279"
PASSWORD = "correct horse battery"
VERDICT = {"post_id": POST, "status": "false", "note": "old footage"}
pytestmark = pytest.mark.filterwarnings("ignore:Setting per-request cookies")  # the Browser keeps its own jar


@pytest.fixture
def secrets_file(tmp_path, monkeypatch):
    path = tmp_path / "reviewers.json"
    monkeypatch.setenv("ARCHIVER_REVIEWERS", str(path))
    add_reviewer("alice", PASSWORD)
    return path


@pytest.fixture
def db(tmp_path):
    db = open_db(str(tmp_path / "archive.db"))
    db.execute("INSERT INTO posts (id, platform, post_id, handle, text, first_seen, last_seen)"
               " VALUES (?, 'twitter', '1412743195653046279', 'FxDesk', 'Water over the bridge deck',"
               " '2026-01-01', '2026-01-01')", [POST])
    db.conn.commit()
    return db


@pytest.fixture
def site(secrets_file, db, tmp_path):
    return Browser(make_datasette(tmp_path / "archive.db"))


class Browser:
    """One visitor of the app through Datasette's test client, keeping cookies as a browser does."""

    def __init__(self, datasette, address="127.0.0.1"):
        self.ds, self.address, self.cookies = datasette, address, {}

    def request(self, method, path, data=None, headers=None, csrf=True):
        async def send():
            transport = httpx.ASGITransport(app=self.ds.app(), client=(self.address, 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
                if method == "POST" and csrf:
                    token = (self.cookies.get("ds_csrftoken")
                             or (await client.get("/-/login", cookies=self.cookies)).cookies["ds_csrftoken"])
                    self.cookies["ds_csrftoken"] = token
                    form = dict(data or {}, csrftoken=token)
                else:
                    form = data
                return await client.request(method, path, data=form, headers=headers, cookies=self.cookies)
        response = asyncio.run(send())
        for name, value in response.cookies.items():
            self.cookies[name] = value
        if 'ds_actor=""' in response.headers.get("set-cookie", ""):
            self.cookies.pop("ds_actor", None)
        return response

    def get(self, path, **options):
        return self.request("GET", path, **options)

    def post(self, path, data, **options):
        return self.request("POST", path, data, **options)

    def log_in(self, name="alice", password=PASSWORD):
        return self.post("/-/login", {"username": name, "password": password})

    def actor(self):
        return self.get("/-/actor.json").json()["actor"]


def test_no_password_hash_or_secret_on_any_page_anonymous_or_logged_in(site, secrets_file):
    """Issue 14.1: /-/metadata.json showed every reviewer's PBKDF2 hash (injected through get_metadata)."""
    anonymous = Browser(site.ds)
    assert site.log_in().status_code == 302
    stored = json.loads(secrets_file.read_text())
    secrets = [stored["secret"], stored["reviewers"]["alice"], stored["reviewers"]["alice"].split("$")[-1],
               *stored.get("sessions", {}).values(), PASSWORD]
    for path in ("/-/metadata.json", "/-/metadata", "/-/settings.json", "/-/plugins.json", "/-/actor.json",
                 "/-/versions.json", "/-/databases.json", "/-/threads.json", "/-/login", "/-/logout", "/",
                 "/archive", "/archive/posts", f"/archive/posts/{POST.replace(':', '~3A')}", "/archive/review_queue",
                 "/archive/reviewer_verdicts?reviewer=alice", "/-/messages", "/-/patterns"):
        for visitor in (anonymous, site):
            page = visitor.get(path)
            assert page.status_code in (200, 302), path
            assert "pbkdf2" not in page.text, path
            assert [secret for secret in secrets if secret in page.text] == [], path
    assert len(secrets) == 5  # the session key too


def test_a_logged_out_cookie_is_anonymous_and_refused_for_writes(site, db):
    """Issue 14.2: after /-/logout the old ds_actor cookie still recorded a verdict."""
    assert site.log_in().status_code == 302
    assert site.actor() == {"id": "alice", "name": "alice"}
    assert site.post("/archive/tag_post", VERDICT).status_code == 302
    old_cookie = site.cookies["ds_actor"]
    assert site.post("/-/logout", {}).status_code == 302
    assert "ds_actor" not in site.cookies
    site.cookies["ds_actor"] = old_cookie  # kept by someone who copied it
    assert site.actor() is None
    assert "Log in" in site.get(f"/archive/posts/{POST.replace(':', '~3A')}").text
    assert site.post("/archive/tag_post", VERDICT).status_code == 403
    assert site.post("/archive/tag_account", {"account_id": "twitter:fxdesk", "credibility": "credible"}
                     ).status_code == 403
    assert [row["reviewer"] for row in db["verifications"].rows] == ["alice"]
    assert site.log_in().status_code == 302 and site.actor() == {"id": "alice", "name": "alice"}


def test_logging_out_ends_the_reviewers_sessions_in_every_browser(site):
    laptop, phone = site, Browser(site.ds)
    laptop.log_in(), phone.log_in()
    laptop.post("/-/logout", {})
    assert phone.actor() is None


def test_a_removed_reviewer_is_anonymous_at_once(site, db):
    """Issue 14.2: after `archiver reviewer remove dave` his cookie still recorded a verdict."""
    add_reviewer("dave", "dave's long password")
    site.log_in("dave", "dave's long password")
    assert site.actor() == {"id": "dave", "name": "dave"}
    assert CliRunner().invoke(cli, ["reviewer", "remove", "dave"]).exit_code == 0
    assert site.actor() is None
    assert site.post("/archive/tag_post", VERDICT).status_code == 403
    assert db["verifications"].count == 0
    add_reviewer("dave", "a new long password")  # back again: the old cookie stays dead
    assert site.actor() is None


def test_a_new_password_ends_the_old_sessions(site):
    site.log_in()
    add_reviewer("alice", "a brand new password")
    assert site.actor() is None


def test_cookies_without_a_live_session_key_are_anonymous(site):
    """Cookies as Datasette and the old plugin signed them (no expiry, no key), expired ones, forged keys."""
    site.log_in()
    key, now = session_key("alice"), int(time.time())
    alice = {"id": "alice", "name": "alice"}
    for payload in ({"a": alice}, {"a": alice, "k": key}, {"a": alice, "k": key, "e": baseconv.base62.encode(now - 1)},
                    {"a": alice, "k": "guessed", "e": baseconv.base62.encode(now + 60)},
                    {"a": {"id": "root"}, "k": key, "e": baseconv.base62.encode(now + 60)},
                    {"a": dict(alice, extra=1), "k": key, "e": baseconv.base62.encode(now + 60)},
                    {"a": alice, "k": key, "e": "!!"}, ["a"], "alice"):
        visitor = Browser(site.ds)
        visitor.cookies["ds_actor"] = site.ds.sign(payload, "actor")
        assert visitor.actor() is None, payload
    visitor.cookies["ds_actor"] = site.ds.sign({"a": alice, "k": key, "e": baseconv.base62.encode(now + 60)}, "actor")
    assert visitor.actor() == alice


def test_the_login_cookie_is_httponly_samesite_and_lasts_a_working_day(site):
    response = site.log_in()
    cookie = response.headers["set-cookie"]
    assert re.search(r"(?i)\bds_actor=\S+;.*HttpOnly", cookie) and re.search(r"(?i)Max-Age=28800\b", cookie)
    assert re.search(r"(?i)SameSite=Lax", cookie)
    expires = site.ds.unsign(site.cookies["ds_actor"], "actor")["e"]
    assert abs(baseconv.base62.decode(expires) - (time.time() + 8 * 3600)) < 60


def test_the_login_lifetime_comes_from_the_metadata_and_is_checked(secrets_file, db, tmp_path):
    def app(plugins):
        return Datasette([str(tmp_path / "archive.db")], metadata={"plugins": plugins}, secret="s")
    assert login_lifetime(app({"archiver": {"login_hours": 0.5}})) == 1800
    assert login_lifetime(app({})) == 8 * 3600
    response = Browser(app({"archiver": {"login_hours": 2}})).log_in()
    assert re.search(r"(?i)Max-Age=7200\b", response.headers["set-cookie"])
    for wrong in (0, -1, "8", True, 10_000):
        with pytest.raises(ValueError, match="login_hours"):
            login_lifetime(app({"archiver": {"login_hours": wrong}}))


def test_serve_refuses_a_bad_login_lifetime_before_listening(db, tmp_path, monkeypatch):
    import archiver.serve

    metadata = archiver.serve.load_metadata(tmp_path / "archive.db")
    metadata["plugins"]["archiver"]["login_hours"] = "all day"
    monkeypatch.setattr(archiver.serve, "load_metadata", lambda path: metadata)
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "archive.db"), "--port", str(free_port())])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "archiver: config/metadata.yaml: plugins: archiver: login_hours: 'all day' is not a number of hours"
        " between 0 and 8784; set it to how long a login lasts, such as 8")


def test_a_bearer_request_is_never_authenticated_by_its_cookie(site, db):
    """Issue 14.11: Datasette skips the CSRF check for `Authorization: Bearer`, and the cookie still logged in."""
    site.log_in()
    bearer = {"Authorization": "Bearer anything"}
    response = site.post("/archive/tag_post", VERDICT, headers=bearer, csrf=False)
    assert response.status_code == 403
    assert site.get("/-/actor.json", headers=bearer).json()["actor"] is None
    assert site.post("/-/login", {"username": "alice", "password": PASSWORD, "csrftoken": "x"}, headers=bearer,
                     csrf=False).status_code == 403
    assert db["verifications"].count == 0
    assert site.post("/archive/tag_post", VERDICT).status_code == 302  # the same cookie, without the header


@pytest.mark.parametrize("path", ["/", "/archive", "/archive/posts", "/archive/posts.json", "/-/login",
                                  "/-/static/app.css", "/-/archiver.css", "/no-such-page", "/archive/review_queue"])
def test_every_response_forbids_framing_and_foreign_content(site, path):
    """Issue 14.11: no Content-Security-Policy, no frame-ancestors, no X-Frame-Options."""
    for visitor in (Browser(site.ds), site):
        response = visitor.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers.get_list("x-frame-options") == ["DENY"]
        site.log_in()


def test_the_secrets_file_is_owner_only_whatever_is_lying_around(tmp_path, monkeypatch):
    """Issue 14.11: a stale config/reviewers.tmp (0644) made the new reviewers.json world-readable."""
    monkeypatch.setenv("ARCHIVER_REVIEWERS", str(tmp_path / "reviewers.json"))
    monkeypatch.chdir(tmp_path)
    stale = tmp_path / "reviewers.tmp"
    stale.write_text("{}")
    stale.chmod(0o644)
    (tmp_path / "elsewhere").write_text("not ours")
    os.symlink(tmp_path / "elsewhere", tmp_path / ".reviewers.json.tmp")
    add_reviewer("alice", PASSWORD)
    assert (tmp_path / "reviewers.json").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "elsewhere").read_text() == "not ours"
    (tmp_path / "reviewers.json").chmod(0o644)  # as the old code left it
    remove_reviewer("alice")
    assert (tmp_path / "reviewers.json").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reviewers.json.tmp", "elsewhere", "reviewers.json",
                                                          "reviewers.tmp"]


def test_anonymous_visitors_cannot_run_sql_but_reviewers_can(site):
    """Issue 14.8: anonymous recursive CTEs stalled the server."""
    anonymous = Browser(site.ds)
    for path in ("/archive.json?sql=select+1", "/archive/posts.json?_where=1", "/archive?sql=select+1"):
        assert anonymous.get(path).status_code == 403, path
    for path in ("/archive/posts.json", "/archive/review_queue.json", "/archive/posts.json?_facet=status",
                 "/archive/posts.json?_search=bridge", "/archive/account_posts.json?handle=fxdesk"):
        assert anonymous.get(path).status_code == 200, path
    site.log_in()
    assert site.get("/archive.json?sql=select+1+as+one&_shape=array").json() == [{"one": 1}]


def test_a_runaway_query_is_stopped_by_the_time_limit(site):
    site.log_in()
    endless = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
    response = site.get("/archive.json?" + str(httpx.QueryParams({"sql": endless})))
    assert response.status_code == 400 and "SQL query took too long" in response.text


def test_failed_logins_are_throttled_per_address_and_per_name(site):
    """Issue 14.8: 8.5 wrong passwords a second were accepted."""
    for _ in range(5):
        assert "Invalid username or password" in site.log_in(password="wrong guess").text
    refused = site.log_in()  # even the right password waits
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    assert "Too many logins: wait 1 seconds" in refused.text and "ds_actor" not in site.cookies
    assert site.log_in("bob", "anything at all").status_code == 429  # same address, other name
    elsewhere = Browser(site.ds, address="10.0.0.9")
    assert elsewhere.log_in().status_code == 429  # other address, same name
    assert Browser(site.ds, address="10.0.0.9").log_in("carol", "a wrong password").status_code == 200


def test_the_login_throttle_doubles_the_wait_up_to_a_ceiling():
    throttle, keys = LoginThrottle(free=2, longest=8), ["address:10.0.0.1", "name:alice"]
    checked = []
    for now in range(40):  # a wrong password every second; only those let through are checked (and fail)
        if throttle.wait(keys, now) <= 0:
            throttle.failed(keys, now)
            checked.append(now)
    assert checked == [0, 1, 2, 4, 8, 16, 24, 32]
    assert throttle.wait(["name:alice"], 33) == 7 and throttle.wait(["address:10.0.0.2"], 33) == 0
    throttle.succeeded(keys)
    assert throttle.wait(keys, 33) == 0


def test_right_passwords_too_are_checked_at_most_so_often_per_address_and_name():
    """Issue 14.8: a flood of right passwords made every PBKDF2 check and slowed every page."""
    throttle, keys = LoginThrottle(checks=3, window=60), ["address:10.0.0.1", "name:alice"]
    checked = []
    for now in range(0, 130, 5):  # a right password every 5 s
        if throttle.wait(keys, now) <= 0:
            throttle.checked(keys, now)
            throttle.succeeded(keys)
            checked.append(now)
    assert checked == [0, 5, 10, 60, 65, 70, 120, 125]
    assert throttle.wait(["address:10.0.0.2"], 126) == 0 and throttle.wait(["name:alice"], 126) == 4


def test_the_login_throttle_forgets_the_oldest_names_first():
    throttle = LoginThrottle(free=1, longest=60, remembered=3)
    for key in ("a", "b", "c", "d"):
        throttle.failed([key], 0)
    assert [throttle.wait([key], 0) for key in ("a", "b", "c", "d")] == [0, 1, 1, 1]


def test_the_password_check_does_not_hold_up_other_requests(site, secrets_file):
    """Issue 14.8: PBKDF2 ran on the event loop: every page waited for every login."""
    stored = json.loads(secrets_file.read_text())
    stored["reviewers"]["slow"] = hash_password("a long password", iterations=4_000_000)  # seconds to check
    secrets_file.write_text(json.dumps(stored))

    async def login_and_page():
        transport = httpx.ASGITransport(app=site.ds.app())
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            token = (await client.get("/-/login")).cookies["ds_csrftoken"]
            login = asyncio.create_task(client.post("/-/login", data={"username": "slow", "password": "a long password",
                                                                      "csrftoken": token},
                                                    cookies={"ds_csrftoken": token}))
            await asyncio.sleep(0.1)  # the login is being checked now
            page = await client.get("/archive/posts.json")
            return page.status_code, login.done(), (await login).status_code
    assert asyncio.run(login_and_page()) == (200, False, 302)


def test_the_login_form_needs_its_csrf_cookie_and_the_password_tool_is_gone(site):
    form = {"username": "alice", "password": PASSWORD}
    assert site.post("/-/login", form, csrf=False).status_code == 403
    assert "ds_actor" not in site.cookies
    assert site.get("/-/password-tool").status_code == 404


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_logout_and_removal_take_effect_in_a_running_server(secrets_file, db, tmp_path):
    """A real `archiver serve`: revocation without a restart, nothing secret in its log, and a
    secrets file left readable by others made private."""
    add_reviewer("dave", "dave's long password")
    secrets_file.chmod(0o644)  # as an older version could leave it
    port, base = free_port(), ""
    environment = dict(os.environ, ARCHIVER_REVIEWERS=str(secrets_file))
    server = subprocess.Popen([sys.executable, "-m", "archiver.cli", "serve", "--db", str(tmp_path / "archive.db"),
                               "--port", str(port)], env=environment, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(base + "/-/versions.json", timeout=2)
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, server.stdout.read().decode()
                time.sleep(0.1)

        def logged_in(name, password):
            session = requests.Session()
            token = session.get(base + "/-/login", timeout=10).cookies["ds_csrftoken"]
            session.post(base + "/-/login", data={"username": name, "password": password, "csrftoken": token},
                         allow_redirects=False, timeout=30)
            return session

        def tag(session):
            token = session.cookies.get("ds_csrftoken")
            return session.post(base + "/archive/tag_post", data=dict(VERDICT, csrftoken=token),
                                allow_redirects=False, timeout=10).status_code

        alice = logged_in("alice", PASSWORD)
        kept = alice.cookies.get("ds_actor")
        assert tag(alice) == 302
        alice.post(base + "/-/logout", data={"csrftoken": alice.cookies.get("ds_csrftoken")}, allow_redirects=False,
                   timeout=10)
        alice.cookies.set("ds_actor", kept)
        assert alice.get(base + "/-/actor.json", timeout=10).json() == {"actor": None}
        assert tag(alice) == 403

        dave = logged_in("dave", "dave's long password")
        assert dave.get(base + "/-/actor.json", timeout=10).json() == {"actor": {"id": "dave", "name": "dave"}}
        removed = subprocess.run([sys.executable, "-m", "archiver.cli", "reviewer", "remove", "dave"],
                                 env=environment, capture_output=True, text=True, timeout=60)
        assert removed.returncode == 0, removed.stderr
        assert dave.get(base + "/-/actor.json", timeout=10).json() == {"actor": None}
        assert tag(dave) == 403
        assert [row["reviewer"] for row in db["verifications"].rows] == ["alice"]
    finally:
        server.terminate()
        log = server.communicate(timeout=10)[0].decode()
    stored = json.loads(secrets_file.read_text())
    for secret in (stored["secret"], stored["reviewers"]["alice"], PASSWORD, kept):
        assert secret not in log
    assert f"archiver: {secrets_file} was readable by others; it is now readable by its owner only" in log
    assert secrets_file.stat().st_mode & 0o777 == 0o600
