"""The Datasette plugin of the archive: reviewer logins from the secrets file,
the tally facets, connection settings, and the reviewer's desk (the pages,
cells and routes in `archiver.desk`, registered here as a plugin of its own).

Everything shown from a post, an article or a note is untrusted: it is escaped,
and only http(s) URLs become links, with rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.plugins import pm

from .desk import plugin as desk_plugin
from .facets import FlagsFacet, TallyFacet
from .reviewers import load_reviewers

if not pm.is_registered(desk_plugin):
    pm.register(desk_plugin, name="archiver.desk")


@hookimpl
def get_metadata(datasette, key, database, table):
    """Logins for the reviewers in the secrets file (`archiver reviewer add`)."""
    reviewers = load_reviewers()
    if not reviewers:
        return {}
    config = {f"{name}_password_hash": password_hash for name, password_hash in reviewers.items()}
    config["actors"] = {name: {"id": name, "name": name} for name in reviewers}
    return {"plugins": {"datasette-auth-passwords": config}}


@hookimpl
def register_facet_classes():
    return [TallyFacet, FlagsFacet]


@hookimpl
def prepare_connection(conn):
    """Read through memory-mapped I/O with a larger page cache: facet counts and
    searches over a million posts then cost CPU, not system calls (bench/serve.py)."""
    conn.execute("PRAGMA mmap_size = 2147483648")
    conn.execute("PRAGMA cache_size = -131072")  # KiB: 128 MiB per connection
