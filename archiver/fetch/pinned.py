"""Connections to the address the guard checked, not to whatever a second
DNS lookup returns. The URL, the Host header, TLS SNI and the certificate
check keep the host name; only the TCP connection goes to the pinned address.
Through a proxy the proxy connects (by name), after the guard checked the name.
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy

from .errors import Refused
from .guard import Target


class PinnedAdapter(HTTPAdapter):
    """An HTTPAdapter that connects each request to `request.pinned_address`."""

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        if select_proxy(request.url, proxies):
            return super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert)
        address = getattr(request, "pinned_address", None)
        if address is None:
            raise Refused(f"refused: {request.url} was not checked by the fetch guard; fetch it with fetch()")
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        name = host_params["host"]
        host_params["host"] = address
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = name
            pool_kwargs["assert_hostname"] = name
        return self.poolmanager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)


def pinned_request(session: requests.Session, target: Target, address: str,
                   headers: dict[str, str] | None) -> requests.PreparedRequest:
    """A GET of `target` built from its parsed parts, to be connected to `address`."""
    prepared = session.prepare_request(requests.Request("GET", target.url, headers=headers))
    prepared.headers["Host"] = target.authority
    prepared.pinned_address = address
    return prepared
