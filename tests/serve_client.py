"""Datasette's test client as our tests use it: the login and the CSRF dance in one place."""

from __future__ import annotations

import asyncio

from archiver.serve.auth import login_cookie


class Client:
    """Requests to an in-process Datasette, logged in as reviewer `actor` when given
    (a real login cookie: the reviewer must be in the secrets file)."""

    def __init__(self, datasette):
        self.ds = datasette

    def cookies(self, actor=None, **more) -> dict:
        return ({"ds_actor": login_cookie(self.ds, actor)} if actor else {}) | more

    def get(self, path, actor=None, **cookies):
        return asyncio.run(self.ds.client.get(path, cookies=self.cookies(actor, **cookies)))

    def csrf(self, path, actor=None) -> str:
        """A CSRF token: from the form's own page, or (when that page is refused) the login page."""
        return (self.get(path, actor).cookies.get("ds_csrftoken")
                or self.get("/-/login", actor).cookies["ds_csrftoken"])

    def post(self, path, data, actor=None, token=True, **cookies):
        cookies = self.cookies(actor, **cookies)
        if token:
            cookies["ds_csrftoken"] = token = self.csrf(path, actor)
            data = dict(data, csrftoken=token)
        return asyncio.run(self.ds.client.post(path, data=data, cookies=cookies))
