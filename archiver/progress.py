"""Progress bars for the long commands: shown on a terminal, silent in a pipe.

One object follows a run through its stages ("articles", then "posts"): each
stage gets its own bar, and messages printed meanwhile do not tear it.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


class Progress:
    """`progress(stage, done, total)` moves the bar of `stage`, opening it on first use.

    Disabled (no terminal, --quiet, --json), it draws nothing and `write` is a plain print.
    """

    def __init__(self, label: str, *, enabled: bool, stream: TextIO | None = None):
        self.label = label
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.stage: str | None = None
        self.bar: tqdm | None = None

    @classmethod
    def on_terminal(cls, label: str, *, quiet: bool = False, stream: TextIO | None = None) -> "Progress":
        stream = stream or sys.stderr
        return cls(label, enabled=not quiet and stream.isatty(), stream=stream)

    def __call__(self, stage: str, done: float, total: float | None = None, note: str | None = None) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            # An explicit total (None allowed): a tqdm made without one refuses bool().
            self.bar = tqdm(desc=f"{self.label}: {stage}", unit=f" {stage}", total=total,
                            file=self.stream, leave=False, dynamic_ncols=True)
        if total is not None and self.bar.total != total:
            self.bar.total = total
        if note:
            self.bar.set_postfix_str(note, refresh=False)
        self.bar.update(done - self.bar.n)

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar = None
        self.stage = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
