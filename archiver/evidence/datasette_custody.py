"""The custody section of a post's page in Datasette: this plugin gives the
post page's template `post_custody`: the post's id and the custody rows about it (its
captures, checks and verdicts, its articles' captures, the exports holding
it), which `config/templates/_post_custody.html` shows."""

from __future__ import annotations

import json

from datasette import hookimpl
from datasette.utils import tilde_decode

from .custody import POST_CUSTODY


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    if view_name != "row" or table != "posts" or request is None:
        return {}

    async def custody_rows():
        key = tilde_decode(request.url_vars["pks"])
        result = await datasette.get_database(database).execute(POST_CUSTODY, {"post": key})
        return {"post_custody": {"post": key,
                                 "rows": [dict(row, detail=_summary(row["detail"])) for row in result.rows]}}
    return custody_rows


def _summary(detail: str) -> str:
    """The row's detail as `key: value` pairs, the way a reader scans them."""
    values = json.loads(detail or "{}")
    return "; ".join(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                     for key, value in values.items() if value not in (None, "", []))
