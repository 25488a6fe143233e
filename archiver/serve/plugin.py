"""The Datasette plugin of the archive: reviewer logins and request checks
(`archiver.serve.auth`), the tally and flags facets with the `?_flag=`
filter, connection settings, and the reviewer's desk (the pages, cells and routes in `archiver.serve.desk`, registered
here as a plugin of its own).

Everything shown from a post, an article or a note is untrusted: it is escaped,
and only http(s) URLs become links, with rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.plugins import pm

from ..store.schema import prepare_connection as prepare_archive_connection
from .desk import plugin as desk_plugin
from .facets import FlagsFacet, TallyFacet, flag_filter
from .auth import checked_requests, login_routes  # noqa: F401  (hook implementations of this plugin)

if not pm.is_registered(desk_plugin):
    pm.register(desk_plugin, name="archiver.serve.desk")


@hookimpl
def register_facet_classes():
    return [TallyFacet, FlagsFacet]


@hookimpl
def filters_from_request(request, database, table, datasette):
    return flag_filter(request, table)


@hookimpl
def prepare_connection(conn, database):
    """The archive's own connection settings (foreign keys, REPLACE guards),
    except on Datasette's internal database, whose foreign keys Datasette
    does not keep. Reads go through memory-mapped I/O with a larger page
    cache: facet counts and searches over a million posts then cost CPU, not
    system calls (bench/serve.py)."""
    if database != "_internal":
        prepare_archive_connection(conn)
    conn.execute("PRAGMA mmap_size = 2147483648")
    conn.execute("PRAGMA cache_size = -131072")  # KiB: 128 MiB per connection
