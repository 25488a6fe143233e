"""`archiver evidence verify` re-reads every record and refuses what does not
hold: a flipped byte in a WARC file, a token from another TSA, a token for
another root, a proof that belongs to another leaf."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from click.testing import CliRunner
from evidence_tsa import authority, other_authority, other_tsa, tsa  # noqa: F401 (fixtures)
from test_evidence_seal import run_archive, write_articles

from archiver.cli import cli
from archiver.evidence.timestamps import request_token
from archiver.fetch import make_session
from test_evidence_seal import LOOPBACK


@pytest.fixture
def sealed(tmp_path, tsa, authority):
    db, summary = run_archive(tmp_path, [write_articles(tmp_path / "articles", 4)], [tsa.url])
    return db, tmp_path


def evidence_verify(tmp_path, *args, trust=None):
    trust_args = ["--trust", str(trust)] if trust else []
    result = CliRunner().invoke(cli, ["evidence", "verify", *args, *trust_args, "--db", str(tmp_path / "archive.db")])
    return result.exit_code, result.output


def verdicts(output: str) -> dict[int, str]:
    """capture id -> 'ok' or 'FAILED: reason'"""
    found = {}
    for line in output.splitlines():
        match = re.match(r"capture (\d+) (ok|FAILED): (.*)", line)
        if match:
            failed = match.group(2) == "FAILED"
            found[int(match.group(1))] = f"FAILED: {match.group(3).split(': ', 1)[1]}" if failed else "ok"
    return found


def test_an_untouched_archive_verifies(sealed, tsa, authority):
    db, tmp_path = sealed
    status, output = evidence_verify(tmp_path, "--all", trust=authority.root_pem)
    assert status == 0
    assert verdicts(output) == {1: "ok", 2: "ok", 3: "ok", 4: "ok"}
    assert re.search(rf"capture 1 ok: file://\S+report-000.html; in tree 1 \(root [0-9a-f]{{16}}…\); "
                     rf"timestamped by {re.escape(tsa.url)} at \d{{4}}-\d\d-\d\dT", output)
    assert output.splitlines()[-1] == "4 captures verified: 4 ok, 0 failed"


@pytest.mark.parametrize("where", [4, 30, -12], ids=["gzip header", "compressed record", "gzip trailer"])
def test_one_flipped_byte_in_a_warc_file_fails_that_capture(sealed, authority, where):
    db, tmp_path = sealed
    warc, offset = db.execute("SELECT warc_path, warc_offset FROM captures WHERE id = 3").fetchone()
    end = db.execute("SELECT warc_offset FROM captures WHERE id = 4").fetchone()[0]
    position = offset + where if where > 0 else end + where
    path = tmp_path / "warc" / warc
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))
    status, output = evidence_verify(tmp_path, "--all", trust=authority.root_pem)
    assert status == 1
    found = verdicts(output)
    assert {k: v for k, v in found.items() if k != 3} == {1: "ok", 2: "ok", 4: "ok"}
    assert found[3].startswith("FAILED: ")
    assert output.splitlines()[-1] == "4 captures verified: 3 ok, 1 failed"


def test_a_changed_page_is_named_with_both_hashes(sealed, authority):
    """Re-written WARC record (valid gzip, new bytes): the page's hash and the record's both differ."""
    import gzip
    db, tmp_path = sealed
    warc, offset = db.execute("SELECT warc_path, warc_offset FROM captures WHERE id = 4").fetchone()
    path = tmp_path / "warc" / warc
    data = path.read_bytes()
    record = gzip.decompress(data[offset:]).replace(b"Fictional post 3", b"Fictional post X")
    path.write_bytes(data[:offset] + gzip.compress(record))
    status, output = evidence_verify(tmp_path, "--all", trust=authority.root_pem)
    assert status == 1
    assert re.search(r"capture 4 FAILED: \S+: the page's bytes changed: SHA-256 [0-9a-f]{64}, [0-9a-f]{64} at "
                     r"capture; the stored WARC record changed: SHA-256 [0-9a-f]{64}, [0-9a-f]{64} when sealed$",
                     output, re.M)


def test_a_token_from_another_tsa_certificate_is_refused(sealed, other_tsa, authority):
    db, tmp_path = sealed
    root = bytes.fromhex(db.execute("SELECT root FROM evidence_trees").fetchone()[0])
    forged = request_token(other_tsa.url, root, make_session(), LOOPBACK)
    db.execute("DROP TRIGGER evidence_tokens_fixed")
    db.execute("UPDATE evidence_timestamps SET response = ?", [forged.response])
    db.conn.commit()
    status, output = evidence_verify(tmp_path, "--all", trust=authority.root_pem)
    assert status == 1
    tsa_url = db.execute("SELECT tsa_url FROM evidence_timestamps").fetchone()[0]
    assert set(verdicts(output).values()) == {
        f"FAILED: timestamp from {tsa_url} refused: the TSA's signature or certificate chain does not check out "
        "(unable to get local issuer certificate); if the TSA is trusted, pass its root with --trust"}


def test_a_token_is_refused_without_its_tsa_root_in_the_trust_store(sealed):
    """Default trust is the public CA bundle, where the fictional test root is not."""
    db, tmp_path = sealed
    status, output = evidence_verify(tmp_path, "--all")
    assert status == 1
    assert all("certificate chain does not check out" in v for v in verdicts(output).values())


def test_a_token_for_another_root_is_refused(sealed, tsa, authority):
    db, tmp_path = sealed
    other = request_token(tsa.url, bytes(32), make_session(), LOOPBACK)
    db.execute("DROP TRIGGER evidence_tokens_fixed")
    db.execute("UPDATE evidence_timestamps SET response = ?", [other.response])
    db.conn.commit()
    status, output = evidence_verify(tmp_path, "--all", trust=authority.root_pem)
    assert status == 1
    assert set(verdicts(output).values()) == {
        f"FAILED: timestamp from {tsa.url} refused: wrong message imprint: the token is not for this Merkle root"}


def test_a_proof_for_another_leaf_is_refused(sealed, authority):
    db, tmp_path = sealed
    other_proof = db.execute("SELECT proof FROM evidence_leaves WHERE capture_id = 2").fetchone()[0]
    db.execute("DROP TRIGGER evidence_leaves_fixed")
    db.execute("UPDATE evidence_leaves SET proof = ? WHERE capture_id = 1", [other_proof])
    db.conn.commit()
    status, output = evidence_verify(tmp_path, "--all", trust=authority.root_pem)
    assert status == 1
    assert verdicts(output) == {1: "FAILED: its inclusion proof does not lead to the root of tree 1",
                                2: "ok", 3: "ok", 4: "ok"}


def test_a_post_or_an_article_selects_its_captures(sealed, authority):
    db, tmp_path = sealed
    status, output = evidence_verify(tmp_path, "twitter:1412743195653046281", trust=authority.root_pem)
    assert (status, list(verdicts(output))) == (0, [3])
    url = db.execute("SELECT url FROM articles WHERE id = 2").fetchone()[0]
    status, output = evidence_verify(tmp_path, url, trust=authority.root_pem)
    assert (status, list(verdicts(output))) == (0, [2])
    status, output = evidence_verify(tmp_path, "twitter:999")
    assert status == 1 and "no post or article 'twitter:999' in the archive" in output
    assert evidence_verify(tmp_path)[0] == 2


def test_each_verification_is_in_the_custody_log(sealed, authority):
    db, tmp_path = sealed
    evidence_verify(tmp_path, "--all", trust=authority.root_pem)
    logged = db.execute("SELECT action, subject, capture_id, detail FROM custody WHERE action = 'verification'"
                        " ORDER BY id").fetchall()
    assert [(a, s, c, json.loads(d)["ok"]) for a, s, c, d in logged] == [
        ("verification", f"capture {n}", n, True) for n in (1, 2, 3, 4)]


def test_pages_fetched_over_http_verify_down_to_their_payload(tmp_path, local_server, tsa, authority):
    """Response records: the page's SHA-256 is its body's, after the HTTP headers."""
    from conftest import Route
    from test_evidence_seal import fictional_article

    local_server.routes["/story.html"] = Route(fictional_article(7).encode())
    db, summary = run_archive(tmp_path, [local_server.url("/story.html")], [tsa.url])
    assert summary.articles_new == 1
    status, output = evidence_verify(tmp_path, "--all", trust=authority.root_pem)
    assert (status, verdicts(output)) == (0, {1: "ok"})
    assert db.execute("SELECT sha256 FROM captures").fetchone()[0] == hashlib.sha256(
        fictional_article(7).encode()).hexdigest()


def test_a_token_older_than_the_captures_it_covers_is_refused(sealed, tsa, authority):
    """A capture time rewritten to after the timestamp: the token cannot vouch for it."""
    db, tmp_path = sealed
    db.execute("UPDATE captures SET fetched_at = '2099-01-01T00:00:00Z' WHERE id = 2")
    db.conn.commit()
    status, output = evidence_verify(tmp_path, "--all", trust=authority.root_pem)
    assert status == 1
    assert set(verdicts(output).values()) == {
        f"FAILED: timestamp from {tsa.url} refused: the token's time "
        f"{db.execute('SELECT gen_time FROM evidence_timestamps').fetchone()[0]} is before the captures it covers"}
