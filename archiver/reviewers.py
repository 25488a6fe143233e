"""Reviewer logins: password hashes (never passwords) in a git-ignored secrets
file, read by the Datasette plugin. Also holds the cookie-signing secret, so
logins survive a restart of `archiver serve`."""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path

from datasette_auth_passwords.utils import hash_password

DEFAULT_SECRETS = "config/reviewers.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_cache: dict[str, tuple[float, dict]] = {}


class ReviewerError(ValueError):
    """A reviewer name or secrets file the command cannot use; the message says why."""


def secrets_path() -> Path:
    """$ARCHIVER_REVIEWERS, else config/reviewers.json under the working directory."""
    return Path(os.environ.get("ARCHIVER_REVIEWERS") or DEFAULT_SECRETS)


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ReviewerError(f"{path}: cannot read the reviewers file ({error}); fix or remove it")
    if not isinstance(data, dict) or not isinstance(data.get("reviewers", {}), dict):
        raise ReviewerError(f"{path}: not a reviewers file; fix or remove it")
    return data


def load_reviewers(path: Path | None = None) -> dict[str, str]:
    """Reviewer name -> password hash; re-read only when the file changes."""
    path = path or secrets_path()
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return {}
    cached = _cache.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    reviewers = dict(_read(path).get("reviewers", {}))
    _cache[str(path)] = (stamp, reviewers)
    return reviewers


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    os.replace(temporary, path)


def add_reviewer(name: str, password: str, path: Path | None = None) -> None:
    """Store (or replace) a reviewer's password hash."""
    if not _NAME.match(name):
        raise ReviewerError(f"reviewer name {name!r}: use letters, digits, '.', '_' or '-' (at most 64)")
    if len(password) < 8:
        raise ReviewerError("the password needs at least 8 characters")
    path = path or secrets_path()
    data = _read(path)
    data.setdefault("reviewers", {})[name] = hash_password(password)
    data.setdefault("secret", secrets.token_hex(32))
    _write(path, data)


def remove_reviewer(name: str, path: Path | None = None) -> bool:
    path = path or secrets_path()
    data = _read(path)
    if name not in data.get("reviewers", {}):
        return False
    del data["reviewers"][name]
    _write(path, data)
    return True


def signing_secret(path: Path | None = None) -> str | None:
    """The secret Datasette signs login cookies with, made on the first `reviewer add`."""
    return _read(path or secrets_path()).get("secret")
