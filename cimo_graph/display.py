"""How answers show themselves in IPython and in notebooks: a summary or a validation
report as the text ``print`` gives (not a dataclass's fields); evidence with its verbatim
texts whole (pandas cuts a cell at 50 characters), pandas' options unchanged for the rest.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Readable", "whole_texts"]


class Readable:
    """A mixin: the object's ``str()`` as its IPython and notebook forms. A dataclass
    that makes its own ``__repr__`` takes ``_repr_pretty_`` into its body
    (``_repr_pretty_ = Readable._repr_pretty_``): IPython uses the first of the two it
    meets along the classes."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        from html import escape

        return f"<pre>{escape(str(self))}</pre>"


def whole_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (a DataFrame) as one that shows every text whole in a notebook (the
    browser wraps it); what is computed from it is an ordinary DataFrame.

    >>> shown = whole_texts(cg.load().evidence("W-I3"))._repr_html_()
    >>> "it serves well-being, not self-direction as an outcome." in shown
    True
    """
    shown: pd.DataFrame = _whole_texts_class()(frame)
    return shown


@lru_cache(maxsize=1)
def _whole_texts_class() -> type:
    """The DataFrame subclass, made when first needed (pandas loads on first use)."""
    import pandas as pd

    class WholeTexts(pd.DataFrame):
        """A DataFrame whose notebook and terminal forms show each text whole."""

        @property
        def _constructor(self) -> type:
            return pd.DataFrame

        def _repr_html_(self) -> str | None:
            with pd.option_context("display.max_colwidth", None):
                shown: str | None = super()._repr_html_()  # type: ignore[misc]  # no stub
                return shown

    return WholeTexts
