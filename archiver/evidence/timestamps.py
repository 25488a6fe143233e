"""RFC 3161 timestamps of Merkle roots, with `rfc3161-client`: the request is
built and the answer checked here; it travels through the archive's HTTP
client rules (fetch guard, proxies from the environment, timeouts, size cap).

A token proves that the root, and so every capture under it, existed at the
token's time, signed by the TSA whose certificate chain is kept with it. It
says nothing about where the bytes came from."""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import certifi
import requests
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from rfc3161_client import (HashAlgorithm, PKIStatus, TimestampRequestBuilder, VerificationError,
                            VerifierBuilder, decode_timestamp_response)

from ..fetch import FetchPolicy, open_stream

MAX_RESPONSE_BYTES = 1 << 20  # a token with its certificates is a few KiB
# Our clock and the TSA's may disagree this much before a token that
# predates its captures counts as wrong.
CLOCK_TOLERANCE = timedelta(minutes=10)


class TimestampError(Exception):
    """A TSA that did not give a usable token; the message says why."""


@dataclass
class Token:
    response: bytes  # the DER TimeStampResp, as `openssl ts -verify -in` reads it
    gen_time: datetime
    certificates: str  # PEM, the certificates the TSA sent with the token


def request_token(tsa_url: str, root: bytes, session: requests.Session, policy: FetchPolicy) -> Token:
    """Ask the TSA at `tsa_url` to timestamp `root` (its SHA-256 is the message
    imprint); the answer must grant it, for this imprint and nonce."""
    request = TimestampRequestBuilder().data(root).hash_algorithm(HashAlgorithm.SHA256).build()
    body = _post(tsa_url, request.as_bytes(), session, policy)
    try:
        response = decode_timestamp_response(body)
    except Exception as error:  # the decoder raises ValueError or its own kinds
        raise TimestampError(f"the answer is not an RFC 3161 timestamp response ({error})")
    if PKIStatus(response.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        said = "; ".join(response.status_string) or f"status {response.status}"
        raise TimestampError(f"the TSA refused the request ({said})")
    info = response.tst_info
    if info.message_imprint.message != request.message_imprint.message:
        raise TimestampError("the token is for another message imprint than the one asked for")
    if info.nonce != request.nonce:
        raise TimestampError("the token's nonce is not the request's (a replayed or mixed-up answer)")
    return Token(response=response.as_bytes(), gen_time=_utc(info.gen_time), certificates=_pem(response))


def _post(url: str, body: bytes, session: requests.Session, policy: FetchPolicy) -> bytes:
    try:
        reply = open_stream(url, policy, session, method="POST", data=body,
                            headers={"Content-Type": "application/timestamp-query"})
        content = reply.raw.read(MAX_RESPONSE_BYTES + 1, decode_content=True)
    except requests.exceptions.Timeout:
        raise TimestampError(f"timed out after {policy.read_timeout:g} s")
    except requests.exceptions.RequestException as error:
        raise TimestampError(f"cannot reach the TSA ({error.__class__.__name__}); check the URL and the network")
    finally:
        if "reply" in locals():
            reply.close()
    if reply.status_code != 200:
        raise TimestampError(f"HTTP {reply.status_code} from the TSA")
    if len(content) > MAX_RESPONSE_BYTES:
        raise TimestampError(f"the answer is larger than {MAX_RESPONSE_BYTES:,} bytes; not a timestamp")
    return content


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _pem(response) -> str:
    certificates = [x509.load_der_x509_certificate(der) for der in response.signed_data.certificates]
    return "".join(cert.public_bytes(Encoding.PEM).decode() for cert in certificates)


def load_trust(paths: list[str | Path] | None = None) -> list[x509.Certificate]:
    """The root certificates a token must chain to: the PEM files given, else
    the CA bundle requests uses (certifi), where the public TSAs' roots are."""
    certificates = []
    for path in paths or [certifi.where()]:
        try:
            with warnings.catch_warnings():  # certifi keeps a few old roots cryptography frowns on
                warnings.simplefilter("ignore")
                certificates += x509.load_pem_x509_certificates(Path(path).read_bytes())
        except (OSError, ValueError) as error:
            raise TimestampError(f"cannot read trusted roots from {path} ({error}); give a PEM file")
    return certificates


def verify_token(response_der: bytes, root: bytes, trust: list[x509.Certificate], *,
                 not_before: datetime | None = None) -> datetime:
    """Check a stored token: the TSA's signature, its certificate's chain to one
    of the `trust` roots and its time-stamping purpose, that it is for `root`,
    and that its time is not before the captures it covers (`not_before`).
    Returns the token's time; raises TimestampError saying what failed."""
    try:
        response = decode_timestamp_response(response_der)
    except Exception as error:
        raise TimestampError(f"the stored token cannot be read ({error})")
    if response.tst_info.message_imprint.message != hashlib.sha256(root).digest():
        raise TimestampError("wrong message imprint: the token is not for this Merkle root")
    # Only the trusted roots are given: rfc3161-client trusts every certificate
    # it is handed, intermediates included; the chain comes from the token.
    try:
        VerifierBuilder(roots=list(trust)).build().verify_message(response, root)
    except VerificationError as error:
        said = re.search(r'Verify error: ([^"]+)', str(error))  # OpenSSL's reason, out of its error stack
        raise TimestampError(f"the TSA's signature or certificate chain does not check out "
                             f"({said.group(1) if said else error}); if the TSA is trusted, pass its root with --trust")
    gen_time = _utc(response.tst_info.gen_time)
    if not_before and gen_time < not_before - CLOCK_TOLERANCE:
        raise TimestampError(f"the token's time {gen_time:%Y-%m-%dT%H:%M:%SZ} is before the captures it covers")
    return gen_time
