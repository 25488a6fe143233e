"""Score the extractor on the development sets in ../shared/devset, with their own scorers.

The pages belong to other sites: they are read from beside the checkout, never copied here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.extract import extract_posts
from archiver.sources import Loaded, read_sources

DEVSET = Path(__file__).resolve().parents[1].parent / "shared" / "devset"


def require_devset(name: str) -> Path:
    """The folder of one development set, or a skip saying where it was looked for."""
    folder = DEVSET / name
    if not (folder / "score.py").exists():
        pytest.skip(f"development set not found at {folder} (it lives in ../shared/devset beside the checkout)")
    return folder


def predictions(folder: Path) -> list[dict]:
    """Every post the extractor finds in FOLDER, as the scorer reads them."""
    rows = []
    for loaded in read_sources([str(folder)]):
        assert isinstance(loaded, Loaded), f"{loaded.source}: {loaded.reason}"
        for post in extract_posts(loaded.data, loaded.url, charset=loaded.charset,
                                  content_type=loaded.content_type):
            row = post.to_dict()
            row["source"] = loaded.source
            row["media_codes"] = row.get("media")
            rows.append(row)
    return rows


def score(folder: Path, rows: list[dict], tmp_path: Path, *args: str) -> dict[str, float]:
    """Run the set's score.py on ROWS; its summary line as {name: value}."""
    pred = tmp_path / f"{folder.name}-pred.jsonl"
    pred.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    done = subprocess.run([sys.executable, str(folder / "score.py"), str(pred), *args, "-v"],
                          capture_output=True, text=True, check=True)
    summary = done.stdout.strip().splitlines()[-1]
    figures = {}
    for pair in summary.split():
        name, _, value = pair.partition("=")
        try:
            figures[name] = float(value)
        except ValueError:
            pass
    figures["report"] = done.stdout
    return figures
