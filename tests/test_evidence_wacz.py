"""`archiver export --wacz`: a package py-wacz's validator accepts, holding the
records byte for byte with their proofs, tokens and custody log, that a third
party can check with openssl and a shell alone (the README's commands)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from evidence_tsa import authority, tsa  # noqa: F401 (fixtures)
from test_evidence_seal import LOOPBACK

from archiver.archive import archive
from archiver.cli import cli
from archiver.store.schema import open_db

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "articles"
POST = "twitter:1711441393873846371"  # cited by the sample river-crossing.html alone


@pytest.fixture
def demo(tmp_path, tsa):
    """The bundled sample articles, archived and timestamped as `make demo` would with a TSA."""
    db = open_db(str(tmp_path / "archive.db"))
    archive(db, [str(SAMPLES)], warc_dir=tmp_path / "warc", policy=LOOPBACK, report=lambda s, r: None,
            tsa_urls=[tsa.url])
    return db, tmp_path


def export(tmp_path, *targets):
    result = CliRunner().invoke(cli, ["export", *targets, "--wacz", str(tmp_path / "post.wacz"),
                                      "--db", str(tmp_path / "archive.db")])
    return result.exit_code, result.output


def test_export_of_a_demo_post_is_a_wacz_that_wacz_validate_accepts(demo):
    db, tmp_path = demo
    status, output = export(tmp_path, POST)
    assert status == 0, output
    assert output.startswith(f"{tmp_path / 'post.wacz'}: 3 posts, 1 articles, 1 captures; sha256 ")
    validated = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(tmp_path / "post.wacz")],
                               capture_output=True, text=True)
    assert validated.returncode == 0 and "Validation succeeded" in validated.stdout, validated.stdout
    with zipfile.ZipFile(tmp_path / "post.wacz") as package:
        assert sorted(package.namelist()) == [
            "archive/data.warc.gz", "datapackage-digest.json", "datapackage.json", "indexes/index.cdx.gz",
            "indexes/index.idx", "logs/custody.jsonl", "logs/evidence-captures.json", "logs/evidence-trees.json",
            "logs/tree-1-tsa-1.pem", "logs/tree-1-tsa-1.tsr", "pages/pages.jsonl"]
        resources = json.loads(package.read("datapackage.json"))["resources"]
        assert {r["path"]: r["hash"] for r in resources} == {
            name: "sha256:" + hashlib.sha256(package.read(name)).hexdigest() for name in package.namelist()
            if not name.startswith("datapackage")}
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
        assert [page.get("title") for page in pages] == [
            "Articles", "Floodwater cuts the river crossing at Eastmere | The Sample Courier"]
        [capture] = json.loads(package.read("logs/evidence-captures.json"))
        member = package.read("archive/data.warc.gz")[capture["offset"]:capture["offset"] + capture["length"]]
        assert hashlib.sha256(member).hexdigest() == capture["record_sha256"]
        stored = db.execute("SELECT record_sha256 FROM evidence_leaves WHERE capture_id = ?",
                            [capture["capture"]]).fetchone()[0]
        assert stored == capture["record_sha256"]
        custody = [json.loads(line) for line in package.read("logs/custody.jsonl").splitlines()]
        # the exported posts' history: the captures of every article citing them (packaged or not), the timestamp
        citing = db.execute("SELECT DISTINCT articles.id FROM citations JOIN articles ON articles.id = article_id"
                            " WHERE post_id IN (SELECT post_id FROM citations WHERE article_id ="
                            " (SELECT article_id FROM captures WHERE id = ?))", [capture["capture"]]).fetchall()
        captured = [f"capture {row[0]}" for row in db.execute(
            f"SELECT id FROM captures WHERE article_id IN ({','.join('?' * len(citing))}) ORDER BY id",
            [row[0] for row in citing])]
        assert [(row["action"], row["subject"]) for row in custody] == [
            *(("capture", subject) for subject in captured), ("timestamp", "tree 1")]
        assert f"capture {capture['capture']}" in captured and len(captured) == 2
    [logged] = db.execute("SELECT detail FROM custody WHERE action = 'export'").fetchall()
    detail = json.loads(logged[0])
    assert (detail["posts"], detail["captures"]) == (
        ["telegram:eastmere_sample_news/1287", "twitter:1711350796907446279", POST], [capture["capture"]])
    assert detail["sha256"] == hashlib.sha256((tmp_path / "post.wacz").read_bytes()).hexdigest()


def readme_verification(readme: str) -> str:
    """The shell commands the README gives a third party, between its markers."""
    start = readme.index("# third-party verification: begin")
    return readme[start:readme.index("# third-party verification: end")]


def test_a_third_party_verifies_an_export_with_openssl_and_the_readme_alone(demo, authority, tmp_path):
    db, tmp_path = demo
    assert export(tmp_path, POST)[0] == 0
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(tmp_path / "post.wacz").extractall(unpacked)
    [capture] = json.loads((unpacked / "logs/evidence-captures.json").read_text())
    [tree] = json.loads((unpacked / "logs/evidence-trees.json").read_text())
    steps = " ".join(f"{side}:{node}" for step in capture["proof"] for side, node in step.items())
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    script = (f"set -e\nOFFSET={capture['offset']} LENGTH={capture['length']}\n"
              f"RECORD_SHA256={capture['record_sha256']} ROOT={tree['root']}\nSTEPS='{steps}'\n"
              f"TSA_ROOT={authority.root_pem}\n" + readme_verification(readme))
    ran = subprocess.run(["bash", "-c", script], cwd=unpacked, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == ["record OK", "proof OK", "Verification: OK"]


def test_an_export_of_nothing_known_is_an_error(demo):
    db, tmp_path = demo
    status, output = export(tmp_path, "twitter:1")
    assert status == 1 and "no post or article 'twitter:1' in the archive" in output
    assert not (tmp_path / "post.wacz").exists()


def test_an_export_refuses_a_record_that_no_longer_matches_its_seal(demo):
    db, tmp_path = demo
    capture, warc, offset = db.execute("SELECT id, warc_path, warc_offset FROM captures"
                                       " WHERE url LIKE '%river-crossing.html'").fetchone()
    path = tmp_path / "warc" / warc
    data = bytearray(path.read_bytes())
    data[offset + 4] ^= 0x01  # the gzip header's time: the page still reads, the record hash does not
    path.write_bytes(bytes(data))
    status, output = export(tmp_path, POST)
    assert status == 1
    assert f"capture {capture}: its WARC record no longer matches its seal" in output


def test_an_export_into_a_missing_folder_says_so(demo):
    db, tmp_path = demo
    result = CliRunner().invoke(cli, ["export", POST, "--wacz", str(tmp_path / "nowhere" / "post.wacz"),
                                      "--db", str(tmp_path / "archive.db")])
    assert result.exit_code == 1
    assert f"cannot write {tmp_path / 'nowhere' / 'post.wacz'}: no folder {tmp_path / 'nowhere'}" in result.output
