"""Reading an article within a time budget.

Extraction is pure Python (and libxml2): a thread running it cannot be
interrupted, and a signal timer works only in the main thread, which
`archiver schedule` does not run jobs in. So articles are read in a worker
process that is killed, and replaced, when one article runs over its budget:
a hostile page becomes one recorded error, and the job lock is not held for
as long as the page would take.
"""

from __future__ import annotations

import signal
from typing import Callable

from . import extract_document
from .document import decode

DEFAULT_ARTICLE_BUDGET = 60.0  # seconds
_STARTUP = 120.0  # seconds a new worker may take to start (imports, on a loaded machine)
_PATIENT = 0.1  # seconds of extraction after which the caller is told it is waiting (on_wait)


_WARM_UP = (b'<html><body><article><blockquote class="twitter-tweet"><p>Warm-up</p>&mdash; Fx (@FxWarmUp) '
            b'<a href="https://twitter.com/FxWarmUp/status/1412743195653046279">July 7, 2021</a></blockquote>'
            b'</article></body></html>')


def _context():
    """The forkserver context (forking a process with fetch threads is unsafe),
    imported on the first worker: `archiver extract` reads in its own process."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["archiver.extract.budget"])
    return context


class ReadAborted(Exception):
    """Reading an article was stopped: over its budget, or its worker died."""


def read_article(data: bytes, charset: str | None, content_type: str | None,
                 url: str | None) -> tuple[bool, dict, str | None]:
    """(whether the page is HTML, its article record with its posts, a warning on how it was decoded)."""
    document = decode(data, charset, content_type)
    return document.is_html, extract_document(document, url), document.warning


def _serve(conn) -> None:
    """The worker: read each article it is sent, send back the result or the exception."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    read_article(_WARM_UP, None, None, None)  # loads what the first article would (dateparser's languages)
    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the parent is gone
            return
        try:
            conn.send((True, read_article(*task)))
        except Exception as error:  # the parent raises it, as if it had read the article itself
            conn.send((False, error))


class ArticleReader:
    """Reads articles within `budget` seconds each, in a worker process;
    with no budget (None or 0), in this process."""

    def __init__(self, budget: float | None = DEFAULT_ARTICLE_BUDGET):
        self.budget = budget or None
        self._process = None
        self._conn = None

    def read(self, data: bytes, charset: str | None, content_type: str | None, url: str | None, *,
             on_wait: Callable[[], None] = lambda: None) -> tuple[bool, dict, str | None]:
        """Like read_article; raises ReadAborted when the budget runs out. `on_wait`
        is called once when the article is slow, so the caller can release what
        it holds (the write lock) meanwhile."""
        if self.budget is None:
            return read_article(data, charset, content_type, url)
        if self._process is None:
            self._start()
        self._conn.send((data, charset, content_type, url))
        ready = self._conn.poll(min(_PATIENT, self.budget))
        if not ready:
            on_wait()
            ready = self._conn.poll(max(self.budget - _PATIENT, 0))
        if not ready:
            self.close(kill=True)
            raise ReadAborted(f"reading it took longer than the budget of {self.budget:g} s, so it was stopped; "
                             "raise it with --article-budget (article_budget in the job file) if the page is "
                             "a real article")
        try:
            ok, result = self._conn.recv()
        except EOFError:
            self.close(kill=True)
            raise ReadAborted("the process reading it died; the page may be hostile")
        if not ok:
            raise result
        return result

    def _start(self) -> None:
        context = _context()
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs,), name="archiver-reader", daemon=True)
        process.start()
        theirs.close()
        # Starting is not reading: the budget counts from a worker that is ready.
        if not ours.poll(_STARTUP) or ours.recv() != "ready":
            process.kill()
            raise RuntimeError(f"the article reader process did not start within {_STARTUP:g} s")
        self._process, self._conn = process, ours

    def close(self, kill: bool = False) -> None:
        """Stop the worker (`kill`: at once, though busy); the next read starts another."""
        if self._process is None:
            return
        self._conn.close()  # an idle worker exits on its own
        if not kill:
            self._process.join(timeout=1)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._process = self._conn = None
