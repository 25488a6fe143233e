"""Every run seals its captures: one Merkle tree, one timestamp request per
TSA whatever the number of captures, tokens that rfc3161-client and
`openssl ts -verify` both accept, and TSAs that fail never block the archive."""

from __future__ import annotations

import json
import subprocess

import pytest
from cryptography import x509
from evidence_tsa import authority, other_authority, other_tsa, tsa  # noqa: F401 (fixtures)

from archiver.archive import archive
from archiver.evidence.merkle import root_from_proof
from archiver.evidence.timestamps import load_trust, verify_token
from archiver.fetch import FetchPolicy
from archiver.jobs import ConfigError, load_config, run_job
from archiver.store.schema import open_db

LOOPBACK = FetchPolicy(allowed_networks=["127.0.0.1/32"], retries=0)


def fictional_article(n: int) -> str:
    return (f"<html><head><title>Fictional report {n}</title></head><body><article><p>Report {n}.</p>"
            f'<blockquote class="twitter-tweet"><p>Fictional post {n}</p>&mdash; Fx Desk (@FxDesk) '
            f'<a href="https://twitter.com/FxDesk/status/{1412743195653046279 + n}">July 7, 2021</a></blockquote>'
            "</article></body></html>")


def write_articles(directory, count: int):
    directory.mkdir(exist_ok=True)
    for n in range(count):
        (directory / f"report-{n:03}.html").write_text(fictional_article(n), encoding="utf-8")
    return directory


def run_archive(tmp_path, sources, tsa_urls, policy=LOOPBACK, errors=None):
    db = open_db(str(tmp_path / "archive.db"))
    report = (lambda source, reason: errors.append((source, reason))) if errors is not None else (lambda s, r: None)
    summary = archive(db, [str(source) for source in sources], warc_dir=tmp_path / "warc", policy=policy,
                      report=report, tsa_urls=tsa_urls)
    return db, summary


def rows(db, sql, params=()):
    return [tuple(row) for row in db.execute(sql, params).fetchall()]


def test_a_run_makes_one_request_per_tsa_whatever_the_number_of_captures(tmp_path, tsa, other_tsa):
    db, summary = run_archive(tmp_path, [write_articles(tmp_path / "articles", 40)], [tsa.url, other_tsa.url])
    assert summary.articles_new == 40
    assert (len(tsa.requests), len(other_tsa.requests)) == (1, 1)
    assert rows(db, "SELECT id, run_id, size FROM evidence_trees") == [(1, summary.run_id, 40)]
    assert rows(db, "SELECT count(*), count(DISTINCT leaf_index) FROM evidence_leaves WHERE tree_id = 1") == [(40, 40)]
    assert rows(db, "SELECT tsa_url, status, attempts, last_error FROM evidence_timestamps ORDER BY id") == [
        (tsa.url, "granted", 1, None), (other_tsa.url, "granted", 1, None)]


def test_each_capture_proof_leads_to_the_timestamped_root(tmp_path, tsa, authority):
    db, _ = run_archive(tmp_path, [write_articles(tmp_path / "articles", 7)], [tsa.url])
    root = bytes.fromhex(db.execute("SELECT root FROM evidence_trees").fetchone()[0])
    for sha, index, proof in db.execute("SELECT record_sha256, leaf_index, proof FROM evidence_leaves"):
        assert root_from_proof(bytes.fromhex(sha), index, 7, [bytes.fromhex(p) for p in json.loads(proof)]) == root
    response, certificates = db.execute("SELECT response, certificates FROM evidence_timestamps").fetchone()
    assert verify_token(response, root, load_trust([authority.root_pem])).year >= 2026
    assert [cert.subject.rfc4514_string() for cert in x509.load_pem_x509_certificates(certificates.encode())] == [
        "CN=Fictional Test TSA"]


def test_tokens_verify_with_openssl_ts_verify(tmp_path, tsa, authority):
    db, _ = run_archive(tmp_path, [write_articles(tmp_path / "articles", 3)], [tsa.url])
    root = bytes.fromhex(db.execute("SELECT root FROM evidence_trees").fetchone()[0])
    (tmp_path / "root.bin").write_bytes(root)
    (tmp_path / "token.tsr").write_bytes(db.execute("SELECT response FROM evidence_timestamps").fetchone()[0])
    verified = subprocess.run(["openssl", "ts", "-verify", "-data", "root.bin", "-in", "token.tsr",
                               "-CAfile", str(authority.root_pem)], cwd=tmp_path, capture_output=True, text=True)
    assert (verified.returncode, verified.stdout.strip()) == (0, "Verification: OK")
    (tmp_path / "root.bin").write_bytes(bytes(32))
    refused = subprocess.run(["openssl", "ts", "-verify", "-data", "root.bin", "-in", "token.tsr",
                              "-CAfile", str(authority.root_pem)], cwd=tmp_path, capture_output=True, text=True)
    assert refused.returncode == 1


def test_a_failing_tsa_leaves_the_root_pending_and_the_next_run_asks_again(tmp_path, tsa):
    articles = write_articles(tmp_path / "articles", 3)
    tsa.fail = True
    errors = []
    db, summary = run_archive(tmp_path, [articles], [tsa.url], errors=errors)
    assert summary.status == "ok" and summary.articles_new == 3
    assert rows(db, "SELECT status, attempts, last_error FROM evidence_timestamps") == [
        ("pending", 1, "HTTP 503 from the TSA")]
    assert errors == [(tsa.url, "timestamp pending: tree 1: HTTP 503 from the TSA; it is asked again at the next run")]
    tsa.fail = False
    db, summary = run_archive(tmp_path, [articles], [tsa.url])
    assert summary.articles_unchanged == 3
    assert rows(db, "SELECT tree_id, status, attempts, last_error FROM evidence_timestamps") == [
        (1, "granted", 2, None)]
    assert len(tsa.requests) == 2


def test_an_offline_tsa_never_blocks_the_archive(tmp_path):
    errors = []
    db, summary = run_archive(tmp_path, [write_articles(tmp_path / "articles", 2)], ["http://127.0.0.1:9/tsr"],
                              errors=errors)
    assert summary.status == "ok" and summary.articles_new == 2
    assert rows(db, "SELECT status FROM evidence_timestamps") == [("pending",)]
    assert "cannot reach the TSA" in errors[0][1]


def test_a_loopback_tsa_is_refused_without_the_allowed_network(tmp_path, tsa):
    db, _ = run_archive(tmp_path, [write_articles(tmp_path / "articles", 1)], [tsa.url], policy=FetchPolicy())
    assert tsa.requests == []
    (error,) = db.execute("SELECT last_error FROM evidence_timestamps").fetchone()
    assert error.startswith("refused: 127.0.0.1 resolves to the internal address 127.0.0.1")


def test_a_run_without_tsa_still_seals_its_captures(tmp_path):
    db, _ = run_archive(tmp_path, [write_articles(tmp_path / "articles", 2)], [])
    assert rows(db, "SELECT size FROM evidence_trees") == [(2,)]
    assert rows(db, "SELECT count(*) FROM evidence_timestamps") == [(0,)]


def test_captures_left_by_a_run_that_died_are_sealed_by_the_next(tmp_path):
    """A run killed before its end leaves captures without a tree; the next one takes them in."""
    db, _ = run_archive(tmp_path, [write_articles(tmp_path / "a", 2)], [])
    db.execute("DROP TRIGGER evidence_leaves_kept")
    db.execute("DELETE FROM evidence_leaves")  # as if the first run had died before sealing
    db.conn.commit()
    db, _ = run_archive(tmp_path, [write_articles(tmp_path / "b", 1)], [])
    assert rows(db, "SELECT tree_id, count(*) FROM evidence_leaves GROUP BY tree_id") == [(2, 3)]


def test_a_jobs_tsa_list_timestamps_its_runs(tmp_path, tsa, other_tsa):
    write_articles(tmp_path / "articles", 2)
    (tmp_path / "jobs.toml").write_text(
        f'db = "archive.db"\n[jobs.desk]\nsources = ["articles"]\noffline = true\n'
        f'allowed_networks = ["127.0.0.1/32"]\ntsa = ["{tsa.url}", "{other_tsa.url}"]\n')
    config = load_config(tmp_path / "jobs.toml")
    assert config.jobs["desk"].tsa == [tsa.url, other_tsa.url]
    run_job(config.jobs["desk"], config.db)
    assert (len(tsa.requests), len(other_tsa.requests)) == (1, 1)
    db = open_db(str(config.db))
    assert rows(db, "SELECT tree_id, status FROM evidence_timestamps ORDER BY id") == [(1, "granted"), (1, "granted")]


def test_a_tsa_that_is_not_a_url_stops_the_job_file_with_its_line(tmp_path):
    (tmp_path / "jobs.toml").write_text('[jobs.desk]\nsteps = ["verify"]\ntsa = ["tsa.example"]\n')
    with pytest.raises(ConfigError) as refused:
        load_config(tmp_path / "jobs.toml")
    assert str(refused.value) == (f"{tmp_path / 'jobs.toml'}:3: jobs.desk.tsa: 'tsa.example' is not an http(s) URL "
                                  "of a timestamp authority")
