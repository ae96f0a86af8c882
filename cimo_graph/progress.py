"""Progress of the steps that can take more than a few seconds (loading many studies,
publishing and verifying a collection, drawing the figures of a report or an archive,
importing a coded project, aligning by meaning): a bar on a terminal (tqdm's), a widget
in a Jupyter notebook (tqdm's, where ipywidgets is installed: ``pip install
cimo-graph[notebook]``), nothing when the output is piped or captured, nothing at all
when quiet (``cimo-graph --quiet``, ``set_quiet()``, or the environment variable
``CIMO_GRAPH_QUIET=1``)."""

from __future__ import annotations

import importlib.util
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
    if _in_notebook():
        if importlib.util.find_spec("ipywidgets") is None:
            yield _Silent()  # a text bar would be kept in the notebook's saved output
            return
        from tqdm.notebook import tqdm as widget

        with widget(total=total, desc=what, unit=unit, leave=False) as shown:
            yield shown
        return
    from tqdm import tqdm

    with tqdm(
        total=total, desc=what, unit=unit, disable=None, leave=False, file=sys.stderr
    ) as shown:
        yield shown


def _in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (JupyterLab, Notebook, VS Code, Colab):
    IPython's shell there is the ZMQ one. IPython is not imported for the question."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"
