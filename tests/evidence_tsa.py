"""A real RFC 3161 timestamp authority on 127.0.0.1 for the evidence tests:
a test CA made with the openssl CLI, and a small HTTP server that answers each
request with `openssl ts -reply`. Every name in it is fictional."""

from __future__ import annotations

import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

_TS_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
other_policies = 1.3.6.1.4.1.99999.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@dataclass
class TestAuthority:
    """A root CA and a TSA certificate under it (extendedKeyUsage critical, timeStamping)."""

    dir: Path
    name: str

    @property
    def root_pem(self) -> Path:
        return self.dir / "root.pem"

    @property
    def config(self) -> Path:
        return self.dir / "ts.cnf"


def make_authority(directory: Path, name: str = "Fictional Test") -> TestAuthority:
    directory.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", "root.key", "-out", "root.pem", "-days", "3650", "-subj", f"/CN={name} Root CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=directory)
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "tsa.key",
             "-out", "tsa.csr", "-subj", f"/CN={name} TSA", cwd=directory)
    (directory / "tsa.ext").write_text("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                       "extendedKeyUsage=critical,timeStamping\n")
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial",
             "-out", "tsa.pem", "-days", "3650", "-extfile", "tsa.ext", cwd=directory)
    (directory / "serial").write_text("01\n")
    (directory / "ts.cnf").write_text(_TS_CONFIG.format(dir=directory))
    return TestAuthority(directory, name)


@dataclass
class TimestampServer:
    """Answers POSTed timestamp queries with `openssl ts -reply`; `fail` makes it answer 503."""

    authority: TestAuthority
    requests: list[bytes] = field(default_factory=list)
    fail: bool = False

    def start(self) -> "TimestampServer":
        server = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                query = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.requests.append(query)
                if server.fail:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with lock, tempfile.TemporaryDirectory() as work:
                    (Path(work) / "query.tsq").write_bytes(query)
                    subprocess.run(["openssl", "ts", "-reply", "-config", str(server.authority.config),
                                    "-queryfile", "query.tsq", "-out", "reply.tsr"], cwd=work, check=True,
                                   capture_output=True)
                    reply = (Path(work) / "reply.tsr").read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/tsr"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def authority(tmp_path_factory) -> TestAuthority:
    return make_authority(tmp_path_factory.mktemp("tsa"), "Fictional Test")


@pytest.fixture(scope="session")
def other_authority(tmp_path_factory) -> TestAuthority:
    return make_authority(tmp_path_factory.mktemp("other-tsa"), "Other Fictional")


@pytest.fixture
def tsa(authority):
    server = TimestampServer(authority).start()
    yield server
    server.stop()


@pytest.fixture
def other_tsa(other_authority):
    server = TimestampServer(other_authority).start()
    yield server
    server.stop()
