"""A matrix of counts as a heatmap for papers: each cell shaded by its count and the count
written in it, readable in grayscale print."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .figures import CimoFigure

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["heatmap"]


def heatmap(
    counts: pd.DataFrame,
    *,
    title: str | None = None,
    row_title: str = "",
    column_title: str = "",
    width: float | None = None,
    dpi: int = 100,
) -> CimoFigure:
    """``counts`` (rows by columns of whole numbers) as a heatmap: greys from white (0) to
    near black (the largest count), each count written in its cell in black or white,
    whichever reads on its shade. Labels are drawn as written (no math)."""
    import numpy as np
    from matplotlib import colormaps

    values = counts.to_numpy(dtype=float) if counts.size else np.zeros((1, 1))
    rows, columns = values.shape
    label_width = max((len(str(r)) for r in counts.index), default=4) * 0.075
    figure_width = width or min(3.0 + label_width + 0.9 * columns, 16.0)
    figure = CimoFigure(figsize=(figure_width, 1.4 + 0.38 * rows), dpi=dpi)
    axes = figure.add_subplot()
    top = max(float(values.max()), 1.0)
    greys = colormaps["Greys"]
    axes.imshow(values, cmap=greys, vmin=0, vmax=top * 1.15, aspect="auto")
    for (row, column), value in np.ndenumerate(values):
        shade = value / (top * 1.15)
        axes.text(
            column,
            row,
            f"{int(value)}" if value else "",
            ha="center",
            va="center",
            fontsize=9,
            color="white" if shade > 0.5 else "black",
            parse_math=False,
        )
    axes.set_xticks(range(columns))
    axes.set_yticks(range(rows))
    axes.set_xticklabels([str(c) for c in counts.columns], rotation=30, ha="right", fontsize=9)
    axes.set_yticklabels([str(r) for r in counts.index], fontsize=9)
    for text in (*axes.get_xticklabels(), *axes.get_yticklabels()):
        text.set_parse_math(False)
    axes.set_xlabel(column_title, fontsize=9)
    axes.set_ylabel(row_title, fontsize=9)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    if title:
        axes.set_title(title, fontsize=10, loc="left").set_parse_math(False)
    figure.tight_layout()
    return figure
