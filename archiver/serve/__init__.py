"""Serving the archive with Datasette and the project's configuration in
`config/`: metadata (titles, descriptions, facets, canned and tagging queries),
settings, templates, and the plugin in `archiver.serve.plugin`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml
from datasette.app import Datasette

from .auth import login_lifetime
from .reviewers import make_private, secrets_path, signing_secret

CONFIG = Path(__file__).resolve().parents[2] / "config"
CONFIGURED_DATABASE = "archive"  # the key under `databases:` in config/metadata.yaml


def load_metadata(db_path: str | Path) -> dict:
    """config/metadata.yaml, its database section renamed to this database's name."""
    metadata = yaml.safe_load((CONFIG / "metadata.yaml").read_text(encoding="utf-8"))
    name = Path(db_path).stem
    if name != CONFIGURED_DATABASE:
        metadata["databases"] = {name: metadata["databases"].pop(CONFIGURED_DATABASE)}
    return metadata


def load_settings() -> dict:
    return json.loads((CONFIG / "settings.json").read_text(encoding="utf-8"))


def make_datasette(db_path: str | Path) -> Datasette:
    """The Datasette app `archiver serve` runs (tests and benchmarks use it too)."""
    datasette = Datasette([str(db_path)], metadata=load_metadata(db_path), settings=load_settings(),
                          template_dir=str(CONFIG / "templates"), secret=signing_secret())
    login_lifetime(datasette)  # a bad login_hours stops the server before it listens
    return datasette


def serve(db_path: str | Path, host: str, port: int) -> None:
    import uvicorn

    if make_private():
        print(f"archiver: {secrets_path()} was readable by others; it is now readable by its owner only",
              file=sys.stderr)
    datasette = make_datasette(db_path)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")
