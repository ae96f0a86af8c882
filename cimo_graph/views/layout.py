"""The layered CIMO layout: columns left to right, rows in a fixed order, so pictures repeat."""

from __future__ import annotations

import textwrap
from collections import defaultdict
from typing import Any

from .subgraph import Drawing

__all__ = ["LABEL_WIDTH", "layered_positions", "wrap_label"]

#: Characters per line of a node's label in the interactive network.
LABEL_WIDTH = 28


def wrap_label(label: str) -> list[str]:
    """The lines a node's label is drawn in."""
    return textwrap.wrap(label, LABEL_WIDTH) or [label]


def layered_positions(
    drawing: Drawing, *, column_gap: float = 340.0, row_gap: float = 22.0, line: float = 17.0
) -> None:
    """Give every node of ``drawing`` its place: its class's column (context, propositions
    and pillars, interventions, mechanisms, outcomes, themes; empty columns closed up), and
    within the column the order of its proposition or pillar, then its id.

    Rows are spaced by the height of their wrapped labels (``line`` per line, plus
    ``row_gap``), so boxes never overlap. The interactive page and the paper figures both
    place nodes in these columns and this order.
    """
    columns: dict[int, list[Any]] = defaultdict(list)
    for node in drawing.nodes.values():
        columns[node.layer].append(node)
    for column, layer in enumerate(sorted(columns)):
        nodes = sorted(columns[layer], key=lambda n: n.order)
        heights = [len(wrap_label(n.label)) * line + 16 for n in nodes]
        total = sum(heights) + row_gap * (len(nodes) - 1)
        y = -total / 2
        for node, height in zip(nodes, heights, strict=True):
            node.x = column * column_gap
            node.y = y + height / 2
            y += height + row_gap
