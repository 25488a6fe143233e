"""Reviewer logins: password hashes (never passwords) in a git-ignored secrets
file, read by the login pages of `archiver serve` (archiver/serve/auth.py).

The file also holds the cookie-signing secret, so logins survive a restart, and
one session key per logged-in reviewer: every login cookie carries its
reviewer's key, so logging out or `archiver reviewer remove` (which change or
drop the key) ends every cookie at once, in a running server too."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import tempfile
from pathlib import Path

from datasette_auth_passwords.utils import hash_password

DEFAULT_SECRETS = "config/reviewers.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_cache: dict[str, tuple[tuple, dict]] = {}


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
    if not isinstance(data, dict) or not all(isinstance(data.get(key, {}), dict) for key in ("reviewers", "sessions")):
        raise ReviewerError(f"{path}: not a reviewers file; fix or remove it")
    return data


def _load(path: Path | None) -> dict:
    """The secrets file as it is now; parsed again only when it was replaced or changed."""
    path = path or secrets_path()
    try:
        status = path.stat()
    except OSError:
        return {}
    stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
    cached = _cache.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    data = _read(path)
    _cache[str(path)] = (stamp, data)
    return data


def load_reviewers(path: Path | None = None) -> dict[str, str]:
    """Reviewer name -> password hash."""
    return dict(_load(path).get("reviewers", {}))


def session_key(name: str, path: Path | None = None) -> str | None:
    """The key NAME's login cookies must carry; None when NAME may not be logged in."""
    data = _load(path)
    return data.get("sessions", {}).get(name) if name in data.get("reviewers", {}) else None


def _write(path: Path, data: dict) -> None:
    """Replace the file with one only its owner can read: a fresh temporary file
    (never one lying around, which may be readable by others), then a rename."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def _changing(path: Path):
    """The file's contents to change in place, written back on exit; the folder is
    locked meanwhile, so a logout in the server and a `reviewer remove` at the
    same moment both take effect."""
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        data = _read(path)
        before = json.dumps(data, sort_keys=True)
        yield data
        if json.dumps(data, sort_keys=True) != before:
            _write(path, data)
    finally:
        os.close(folder)  # releases the lock


def add_reviewer(name: str, password: str, path: Path | None = None) -> None:
    """Store (or replace) a reviewer's password hash; a new password ends the reviewer's sessions."""
    if not _NAME.match(name):
        raise ReviewerError(f"reviewer name {name!r}: use letters, digits, '.', '_' or '-' (at most 64)")
    if len(password) < 8:
        raise ReviewerError("the password needs at least 8 characters")
    password_hash = hash_password(password)
    with _changing(path or secrets_path()) as data:
        data.setdefault("reviewers", {})[name] = password_hash
        data.setdefault("sessions", {}).pop(name, None)
        data.setdefault("secret", secrets.token_hex(32))


def remove_reviewer(name: str, path: Path | None = None) -> bool:
    """Take NAME's login away; their cookies stop working at their next request."""
    with _changing(path or secrets_path()) as data:
        if name not in data.get("reviewers", {}):
            return False
        del data["reviewers"][name]
        data.get("sessions", {}).pop(name, None)
    return True


def begin_session(name: str, path: Path | None = None) -> str | None:
    """The session key for a reviewer who just gave their password (made on their
    first login); None if they were removed meanwhile."""
    path = path or secrets_path()
    key = session_key(name, path)
    if key:
        return key
    with _changing(path) as data:
        if name not in data.get("reviewers", {}):
            return None
        sessions = data.setdefault("sessions", {})
        key = sessions[name] = sessions.get(name) or secrets.token_urlsafe(24)
    return key


def end_sessions(name: str, path: Path | None = None) -> None:
    """Log NAME out everywhere: every cookie with the old key is refused from now on."""
    with _changing(path or secrets_path()) as data:
        data.get("sessions", {}).pop(name, None)


def make_private(path: Path | None = None) -> bool:
    """Make the file readable by its owner only, if others could read it (as an
    older version could leave it); True when it had to."""
    path = path or secrets_path()
    try:
        if path.stat().st_mode & 0o077 == 0:
            return False
        os.chmod(path, 0o600)
    except FileNotFoundError:
        return False
    return True


def signing_secret(path: Path | None = None) -> str | None:
    """The secret Datasette signs login cookies with, made on the first `reviewer add`."""
    return _read(path or secrets_path()).get("secret")
