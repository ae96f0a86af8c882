"""A network for a paper: what the interactive page draws, as a static figure.

The drawing's nodes stand in the CIMO columns (context, propositions, interventions,
mechanisms, outcomes, themes) and in one band per study, so each study's parts sit
together; themes stand in a column of their own beside every band, so a concept that the
mappings make one across studies is drawn once, with each study's elements around it.

A link into the next column (or the one before) runs straight across the gap between the
two; every other link (further, within a column, or to a theme) runs in channels that
hold no text: down the gap right of its source, along the free strip under its band, and
up the gap left of its target. So no link crosses a label, however a study links its
elements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import CimoGraphError
from ..lookup import local_name
from .figures import CimoFigure, FigureItem, _Canvas, _title
from .style import LAYER_TITLES, LAYERS
from .subgraph import WHOLE_LINKS

if TYPE_CHECKING:
    from rdflib.term import Node

    from .subgraph import Drawing

__all__ = ["Band", "network_figure"]

#: Inches: the figure's margin, the gap between columns, between boxes, under bands.
_MARGIN, _GAP, _VGAP, _BAND_GAP = 0.12, 0.3, 0.07, 0.12
#: The narrowest column a label stays readable in, in inches.
_MIN_COLUMN = 0.7
#: The spacing of the lanes along the strip under a band, in inches.
_LANE = 0.035


@dataclass(frozen=True)
class Band:
    """The nodes of one study under its caption (no caption: nodes of no study)."""

    caption: str
    nodes: Sequence[Node]


#: A box's place: left and right edge, top and bottom, in inches (y grows upwards).
_Box = tuple[float, float, float, float]


def network_figure(
    drawing: Drawing,
    bands: Sequence[Band],
    *,
    captions: Mapping[Node, str] | None = None,
    title: bool = True,
    width: float = 7.0,
    fontsize: float = 6.0,
    grayscale: bool = False,
) -> CimoFigure:
    """The ``drawing`` as a figure: its nodes as boxes in their columns, the nodes of
    each band together (bands in the order given, themes in their own column beside them
    all), its links as arrows that cross no text (dashed: a theme's).

    ``captions`` adds to a node's box (which themes of which studies a drawn theme stands
    for). Not drawn: links that say a proposition or pillar holds a part (the band and the
    column show what belongs together) and links from a theme (a theme's broader one).
    """
    lang = drawing.lang if drawing.lang in LAYER_TITLES else "en"
    captions = captions or {}
    themes = sorted(
        (n.iri for n in drawing.nodes.values() if n.kind == "Theme"),
        key=lambda n: drawing.nodes[n].order,
    )
    layers = sorted(
        {drawing.nodes[n].layer for band in bands for n in band.nodes}
        | ({LAYERS["Theme"]} if themes else set())
    )
    links = [
        (e.source, e.target)
        for e in drawing.edges
        if local_name(e.relation.split(":")[-1]) not in WHOLE_LINKS
        and e.source in drawing.nodes
        and e.target in drawing.nodes
        and drawing.nodes[e.source].kind != "Theme"
    ]
    place = _Placement(drawing, {layer: index for index, layer in enumerate(layers)})
    gutter = _GAP if any(place.column(t) == 0 and not place.direct(s, t) for s, t in links) else 0
    count = len(layers)
    column = (width - 2 * _MARGIN - gutter - (count - 1) * _GAP) / count
    if column < _MIN_COLUMN:
        needed = 2 * _MARGIN + gutter + (count - 1) * _GAP + count * _MIN_COLUMN
        raise CimoGraphError(
            f"A network figure of {count} columns needs {_MIN_COLUMN} inches for each: "
            f"give width={needed:.1f} or more, or draw a smaller focus."
        )
    canvas = _Canvas(width, fontsize, grayscale)
    place.lefts = [_MARGIN + gutter + c * (column + _GAP) for c in range(count)]
    place.width = column
    top = _title(canvas, drawing.title if title else None, _MARGIN, width, fontsize)
    headers = LAYER_TITLES.get(lang, LAYER_TITLES["en"])
    y = top
    for layer, left in zip(layers, place.lefts, strict=True):
        y = min(y, canvas.text(left, top, headers[layer], column, fontweight="bold"))
    y = first = y - 0.08
    # captions span the columns of the bands, not the themes' column or the gap before it
    span = place.lefts[-2 if themes and count > 1 else -1] + column - _MARGIN
    routed = [(s, t) for s, t in links if not place.direct(s, t)]
    for number, band in enumerate(bands):
        if band.caption:
            y = canvas.text(_MARGIN, y, band.caption, span, fontstyle="italic") - 0.05
        y = place.band(canvas, band, number, y, captions)
        place.strips.append(y - _LANE)
        y -= sum(1 for s, _ in routed if place.band_of.get(s) == number) * _LANE + _BAND_GAP
    place.themes(canvas, themes, links, first, captions)
    _draw_links(canvas, place, links)
    canvas.figure.layout.places.update(place.boxes)
    return canvas.finish(_MARGIN)


class _Placement:
    """Where each node's box stands, by node, and the strip under each band."""

    def __init__(self, drawing: Drawing, column_of: Mapping[int, int]) -> None:
        self.drawing = drawing
        self.column_of = column_of
        self.lefts: list[float] = []
        self.width = 0.0
        self.boxes: dict[Node, _Box] = {}
        self.band_of: dict[Node, int] = {}
        self.strips: list[float] = []

    def column(self, node: Node) -> int:
        return self.column_of[self.drawing.nodes[node].layer]

    def direct(self, source: Node, target: Node) -> int:
        """Whether a link runs straight across one gap, and which way: 1 into the next
        column, -1 into the one before it, 0 not (a theme, or further)."""
        if self.drawing.nodes[target].kind == "Theme":
            return 0
        step = self.column(target) - self.column(source)
        return step if step in (1, -1) else 0

    def band(
        self, canvas: _Canvas, band: Band, number: int, top: float, captions: Mapping[Node, str]
    ) -> float:
        """Stack the band's nodes in their columns from ``top``; returns its bottom."""
        columns: dict[int, list[Node]] = defaultdict(list)
        for node in band.nodes:
            columns[self.column(node)].append(node)
            self.band_of[node] = number
        bottom = top
        for column, nodes in sorted(columns.items()):
            y = top
            for node in sorted(nodes, key=lambda n: self.drawing.nodes[n].order):
                y = self.box(canvas, node, column, y, captions) - _VGAP
            bottom = min(bottom, y + _VGAP)
        return bottom

    def box(
        self, canvas: _Canvas, node: Node, column: int, top: float, captions: Mapping[Node, str]
    ) -> float:
        """The node's box in ``column`` from ``top``; returns its bottom."""
        drawn = self.drawing.nodes[node]
        text = f"{drawn.label}: {captions[node]}" if node in captions else drawn.label
        left = self.lefts[column]
        bottom = canvas.box(left, top, self.width, FigureItem(text, drawn.kind))
        self.boxes[node] = (left, left + self.width, top, bottom)
        return bottom

    def themes(
        self,
        canvas: _Canvas,
        themes: Sequence[Node],
        links: Sequence[tuple[Node, Node]],
        top: float,
        captions: Mapping[Node, str],
    ) -> None:
        """Each theme level with the middle of the boxes that link to it (from ``top``
        down, none overlapping another)."""
        wanted = {}
        for theme in themes:
            middles = [_middle(self.boxes[s]) for s, t in links if t == theme and s in self.boxes]
            wanted[theme] = sum(middles) / len(middles) if middles else top
        y = top
        column = len(self.lefts) - 1
        for theme in sorted(themes, key=lambda n: (-wanted[n], self.drawing.nodes[n].order)):
            bottom = self.box(canvas, theme, column, y, captions)
            height = y - bottom
            shift = y - min(y, wanted[theme] + height / 2)
            if shift:  # lower it to its sources' middle: move the box and its text
                text, patch = canvas.figure.layout.boxes[-1]
                text.set_y(text.get_position()[1] - shift)
                patch.set_y(patch.get_y() - shift)
                left, right, _, _ = self.boxes[theme]
                self.boxes[theme] = (left, right, y - shift, bottom - shift)
                canvas.bottom = min(canvas.bottom, bottom - shift)
            y = self.boxes[theme][3] - _VGAP


def _middle(box: _Box) -> float:
    return (box[2] + box[3]) / 2


def _draw_links(canvas: _Canvas, place: _Placement, links: Sequence[tuple[Node, Node]]) -> None:
    """Every link as an arrow: straight into a neighbouring column, else through the
    channels.

    A routed link leaves its source into the first third of the gap on its right, runs
    along its own lane of the strip under its band, and rises in the second third of the
    gap left of its target; the last third keeps room for the arrowhead.
    """
    lanes: dict[object, int] = defaultdict(int)
    third = _GAP / 3
    for source, target in links:
        _, right, *_ = place.boxes[source]
        left, *_ = place.boxes[target]
        y0, y1 = _middle(place.boxes[source]), _middle(place.boxes[target])
        dashed = "--" if place.drawing.nodes[target].kind == "Theme" else "-"
        way = place.direct(source, target)
        if way == 1:
            canvas.route([(right, y0), (left - 0.02, y1)], linestyle=dashed)
            continue
        if way == -1:
            start, end = place.boxes[source][0], place.boxes[target][1]
            canvas.route([(start, y0), (end + 0.02, y1)], linestyle=dashed)
            continue
        band = place.band_of.get(source, len(place.strips) - 1)
        low = place.strips[band] - lanes["strip", band] * _LANE
        out_x = right + (0.25 + lanes["out", place.column(source)] % 3 * 0.25) * third
        in_x = left - 2 * third + (0.25 + lanes["in", place.column(target)] % 3 * 0.25) * third
        for key in (("strip", band), ("out", place.column(source)), ("in", place.column(target))):
            lanes[key] += 1
        canvas.route(
            [(right, y0), (out_x, y0), (out_x, low), (in_x, low), (in_x, y1), (left - 0.02, y1)],
            linestyle=dashed,
        )
