"""One live progress line on stderr, drawn by tqdm: only on a terminal, only after about a second,
never with ``quiet``. Commands and long library calls take a ``progress`` callable from here."""

from __future__ import annotations

import sys


class Progress:
    """A live line ``label: done/total [elapsed] status``; a no-op when stderr is not a terminal.

    Call it as ``progress(done, total)`` (the form the sweeps, proofs and rewrite use) and set a
    free-text ``status`` (the search's pieces, bracket and limit). Use as a context manager.

    Examples
    --------
    >>> with Progress("pools", quiet=True) as p:   # quiet: draws nothing
    ...     p(1, 3); p.status("bracket [0, 1]")
    """

    def __init__(self, label: str, total: int | None = None, quiet: bool = False, delay: float = 1.0):
        self.bar = None
        if quiet or not sys.stderr.isatty():
            return
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=label, file=sys.stderr, delay=delay, leave=False,
                        dynamic_ncols=True, unit="")

    def __call__(self, done: int, total: int | None = None) -> None:
        if self.bar is None:
            return
        if total is not None and total != self.bar.total:
            self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def status(self, text: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(text, refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
