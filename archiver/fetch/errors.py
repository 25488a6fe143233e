"""Why a URL was not fetched; every message is for the person running the job."""


class FetchError(Exception):
    """A URL that could not be fetched; the message is for the person running the job."""


class Refused(FetchError):
    """The fetch guard would not request this URL (scheme, internal address, ambiguous URL)."""


class Unreachable(FetchError):
    """The network or the host could not be reached at all (no DNS, no route, refused connection)."""
