"""The checks, one module each. Each takes plain data (a post, its citations,
a snapshot; network checks an `HttpClient`) and returns a `Result`, or None
when it does not apply to the post."""

OFFLINE_CHECKS = ("status_id_time", "handle_consistency", "cross_citation")
NETWORK_CHECKS = ("media_resolution", "liveness", "text_drift", "archived_copies")
ALL_CHECKS = OFFLINE_CHECKS + NETWORK_CHECKS
