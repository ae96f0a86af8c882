"""Progress of the steps that can take more than a few seconds (publishing a collection,
drawing the figures of a report or an archive of many studies): a bar on a terminal
(tqdm's), nothing when the output is piped or captured, nothing at all when quiet
(``cimo-graph --quiet``, or the environment variable ``CIMO_GRAPH_QUIET=1``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["bar", "set_quiet"]

_QUIET = False


def set_quiet(quiet: bool = True) -> None:
    """Show no progress (or show it again, with ``quiet=False``)."""
    global _QUIET
    _QUIET = quiet


class _Silent:
    """What a bar is where none is shown."""

    def update(self, n: int = 1) -> None:
        pass


@contextmanager
def bar(total: int | None, what: str, unit: str = "step") -> Iterator[Any]:
    """A progress bar of ``total`` ``unit``s doing ``what``, on standard error where it
    is a terminal; ``update(n)`` moves it on. It is gone when the step ends."""
    if _QUIET or os.environ.get("CIMO_GRAPH_QUIET", "") not in ("", "0"):
        yield _Silent()
        return
    from tqdm import tqdm

    with tqdm(
        total=total, desc=what, unit=unit, disable=None, leave=False, file=sys.stderr
    ) as shown:
        yield shown
