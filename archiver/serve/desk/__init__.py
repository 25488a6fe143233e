"""The reviewer's desk: the Datasette pages a fact-checker works in.

One module per page or concept: `cards` (a post as a person reads it),
`checks` (check results for people), `queue` (the review queue), `captures`
(a capture's evidence: its WARC record and a safe view of the page), `paste`
(search that takes what people paste), `returns` (back to the page a
reviewer came from), `pages` (what the row pages show) and `plugin` (the
Datasette hooks, registered by `archiver.serve.plugin`).
"""
