"""Facets for low-cardinality columns, counted once per page instead of once per facet.

A stock Datasette column facet runs its own GROUP BY over every matching row:
on a million posts that is about 60 ms a facet. A `tally` facet (metadata
`facets: [{tally: status}, ...]`) counts all of a page's tally facets together:
- from the table's summary table, kept exact by triggers (`post_tallies`,
  schema m009), when the page is unfiltered or filtered only by equality on
  summarised columns: a few hundred rows instead of a million;
- otherwise (a search, any other filter) from one GROUP BY over all the
  tally columns of the page's own rows, which is as exact as the stock facets
  (also when an archive older than m009 is served by a plain `datasette`).
The counts and links are those of a stock column facet; a value is selected by
the same `?column=value` filter.
"""

from __future__ import annotations

from collections import Counter

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

# table -> (summary table, the columns it counts by, its count column)
SUMMARIES = {"posts": ("post_tallies", ("status", "platform", "availability"), "posts")}
# Query-string arguments that change how a page looks, not which rows it counts.
_PRESENTATION_ARGS = {"_sort", "_sort_desc", "_next", "_size", "_col", "_nocol", "_labels", "_nolabels",
                      "_nofacet", "_nocount", "_nosuggest", "_trace", "_timelimit", "_shape", "_json",
                      "_json_infinity", "_nl", "_stream", "_dl", "_facet_size"}


def equality_filters(query: list[tuple[str, str]], columns: tuple[str, ...]) -> dict[str, str] | None:
    """The page's filters as {column: value} when they are only `column=value`
    (or `column__exact=value`) on the given columns, else None."""
    filters: dict[str, str] = {}
    for key, value in query:
        if key.startswith("_facet") or key in _PRESENTATION_ARGS:
            continue
        column = key.removesuffix("__exact")
        if column not in columns or column in filters:
            return None
        filters[column] = value
    return filters


def value_counts(cube: list[tuple], index: int) -> list[tuple[object, int]]:
    """Counts per non-null value of one column of (value, ..., count) rows,
    largest first then by value, as a stock facet orders them."""
    counts: Counter = Counter()
    for row in cube:
        if row[index] is not None:
            counts[row[index]] += row[-1]
    return sorted(((value, n) for value, n in counts.items() if n > 0), key=lambda item: (-item[1], item[0]))


class TallyFacet(Facet):
    type = "tally"

    async def facet_results(self):
        configs = self.get_configs()
        columns = [config["config"].get("column") or config["config"]["simple"] for config in configs]
        if not columns:
            return [], []
        query = self.get_querystring_pairs()
        try:
            cube = await self.cube(columns, query)
        except QueryInterrupted:
            return [], columns
        size = self.get_facet_size()
        results = []
        for index, (config, column) in enumerate(zip(configs, columns)):
            counts = value_counts(cube, index)
            if not counts:  # a facet with nothing to choose (no post checked online yet) is noise
                continue
            results.append({
                # Shown and linked as the column facet it is (Datasette labels other types).
                "name": column, "type": "column", "hideable": config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_tally": column})),
                "results": [self.value_result(column, value, n, query) for value, n in counts[:size]],
                "truncated": len(counts) > size,
            })
        return results, []

    def value_result(self, column: str, value, count: int, query: list[tuple[str, str]]) -> dict:
        argument = f"{column}__exact" if column.startswith("_") else column
        selected = (argument, str(value)) in query
        toggle = (path_with_removed_args(self.request, {argument: str(value)}) if selected
                  else path_with_added_args(self.request, {argument: value}))
        return {"value": value, "label": value, "count": count, "selected": selected,
                "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle))}

    async def cube(self, columns: list[str], query: list[tuple[str, str]]) -> list[tuple]:
        """Rows of (value of each column..., count) covering the page's rows."""
        grouped = ", ".join(escape_sqlite(column) for column in columns)
        summary, summarised, count = SUMMARIES.get(self.table, (None, (), None))
        filters = equality_filters(query, summarised) if set(columns) <= set(summarised) else None
        if filters is not None and await self.ds.get_database(self.database).table_exists(summary):
            where = " AND ".join(f"{escape_sqlite(column)} = :{column}" for column in filters) or "1"
            sql = f"SELECT {grouped}, sum({count}) FROM {summary} WHERE {where} GROUP BY {grouped}"
            params = filters
        else:
            sql = f"SELECT {grouped}, count(*) FROM ({self.sql}) GROUP BY {grouped}"
            params = self.params
        results = await self.ds.execute(self.database, sql, params, truncate=False,
                                        custom_time_limit=self.ds.setting("facet_time_limit_ms"))
        return [tuple(row) for row in results.rows]


# `?_flag=CHECK` keeps the posts flagged by that check (repeat it for all of several). Datasette's own
# `flags__arraycontains=CHECK` reads the JSON of every post (1.2 s on a million, bench/serve.py);
# this reads only the flagged posts: `flags IS NOT NULL` lets SQLite use the partial index
# `posts_flagged`, which holds the flags (schema m080), so counts and facets never read a row.
FLAG_ARG = "_flag"
_FLAGGED = "flags IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(flags) WHERE value = :{param})"


def flag_filter(request, table: str) -> FilterArguments | None:
    """The `?_flag=` filters of a posts page, as Datasette's filters_from_request wants them."""
    flags = request.args.getlist(FLAG_ARG) if table == "posts" else []
    if not flags:
        return None
    params = {f"flag_{number}": flag for number, flag in enumerate(flags)}
    return FilterArguments([_FLAGGED.format(param=param) for param in params], params,
                           [f'flagged by "{flag}"' for flag in flags])


class FlagsFacet(Facet):
    """The posts' flags by check name (`facets: [{flags: flags}]`), not by JSON list;
    a value's link filters by `?_flag=` (see `flag_filter`).

    Flagged posts are few, and the partial index `posts_flagged` (schema m020)
    holds only them: unfiltered, or filtered by equality on tallied columns,
    the counts read that index; otherwise the page's own rows."""

    type = "flags"

    async def facet_results(self):
        results = []
        for config in self.get_configs():
            column = config["config"].get("column") or config["config"]["simple"]
            try:
                rows = await self.counts(column)
            except QueryInterrupted:
                return results, [column]
            query = self.get_querystring_pairs()
            argument = FLAG_ARG if self.table == "posts" and column == "flags" else f"{column}__arraycontains"
            values = []
            for value, count in rows[:self.get_facet_size()]:
                selected = (argument, str(value)) in query
                toggle = (path_with_removed_args(self.request, {argument: str(value)}) if selected
                          else path_with_added_args(self.request, {argument: value}))
                values.append({"value": value, "label": value, "count": count, "selected": selected,
                               "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle))})
            if values:
                results.append({"name": column, "type": "column", "hideable": config["source"] != "metadata",
                                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request,
                                                                                       {"_facet_flags": column})),
                                "results": values, "truncated": len(rows) > self.get_facet_size()})
        return results, []

    async def counts(self, column: str) -> list[tuple]:
        summarised = SUMMARIES.get(self.table, (None, (), None))[1]
        filters = equality_filters(self.get_querystring_pairs(), summarised)
        quoted = escape_sqlite(column)
        if self.table == "posts" and column == "flags" and filters is not None:
            where = "".join(f" AND {escape_sqlite(name)} = :{name}" for name in filters)
            sql = (f"SELECT j.value, count(*) AS n FROM posts INDEXED BY posts_flagged, json_each(posts.flags) j"
                   f" WHERE posts.flags IS NOT NULL{where} GROUP BY j.value ORDER BY n DESC, j.value")
            params = filters
        else:
            sql = (f"SELECT j.value, count(*) AS n FROM ({self.sql}) page, json_each(page.{quoted}) j"
                   f" WHERE json_valid(page.{quoted}) GROUP BY j.value ORDER BY n DESC, j.value")
            params = self.params
        results = await self.ds.execute(self.database, sql, params, truncate=False,
                                        custom_time_limit=self.ds.setting("facet_time_limit_ms"))
        return [tuple(row) for row in results.rows]
