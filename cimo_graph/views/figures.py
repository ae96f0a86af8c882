"""Figures for papers: a design proposition as a CIMO chain, and the pillars of a design.

Boxes are sized from the measured size of their wrapped text and arrows run in the gaps
between columns, so text never sits under a box edge or an arrow. Colours keep distinct
grey levels, so the figures read in grayscale print too.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure

from .._files import atomic_path
from ..locales import words
from .style import style_for

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.text import Text
    from matplotlib.typing import RcKeyType

__all__ = ["CimoFigure", "FigureItem", "Link", "chain_figure", "pillars_figure"]

#: Settings for saving: text stays text in SVG; PDF embeds TrueType fonts (Type 42).
SAVE_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.hashsalt": "cimo-graph",
}
#: No creation dates in the files, so the same figure gives the same bytes.
_NO_DATES = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {}}


def _words(lang: str) -> Mapping[str, str]:
    """The figure's own words in ``lang``; English for a language they are not in (the
    study's labels still come in ``lang`` where it has them)."""
    return words("figure", lang)


def _headers(lang: str) -> list[str]:
    said = _words(lang)
    return [said[k] for k in ("context", "interventions", "mechanisms", "outcomes")]


class CimoFigure(Figure):
    """A matplotlib Figure that saves for print: vector text in SVG and PDF (fonts
    embedded), written whole or not at all.

    ``layout`` records every text, box and arrow drawn, for checks of the geometry.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.layout = _Layout()

    def savefig(self, fname: Any, *args: Any, **kwargs: Any) -> None:
        from matplotlib import rc_context

        with rc_context(SAVE_RC):
            if isinstance(fname, str | os.PathLike):
                target = Path(fname)
                kwargs.setdefault("format", target.suffix.lstrip(".").lower() or None)
                kwargs.setdefault("metadata", _NO_DATES.get(kwargs["format"]))
                with atomic_path(target) as temporary:
                    super().savefig(temporary, *args, **kwargs)
            else:
                super().savefig(fname, *args, **kwargs)

    def show(self, warn: bool = True) -> None:
        """Show the figure: in a window where matplotlib has one (a script, Spyder,
        PyCharm: ``fig.show()``, or ``plt.show()`` after it), inline in a notebook. A
        figure made by cimo-graph belongs to no pyplot window until shown (matplotlib's
        own ``show`` raised for it); under a backend without windows (Agg) nothing shows,
        as for any figure.

        >>> import matplotlib.pyplot as plt
        >>> figure = cg.load().figure("W")
        >>> figure.show(warn=False)
        >>> figure.number in plt.get_fignums()
        True
        >>> plt.close(figure)
        """
        if self.canvas.manager is None:
            import itertools

            import matplotlib.pyplot as plt
            from matplotlib._pylab_helpers import Gcf

            # as pyplot.figure() does: a manager from the backend, known to pyplot
            taken = set(plt.get_fignums())
            number = next(n for n in itertools.count(1) if n not in taken)
            backend = plt._get_backend_mod()
            manager = backend.new_figure_manager_given_figure(number, self)
            Gcf._set_new_active_manager(manager)
        super().show(warn=warn)

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The figure as Jupyter, JupyterLab, VS Code and Colab show it, with no
        ``%matplotlib`` magic: a PNG drawn at twice the screen's resolution and shown at the
        figure's size (sharp on high-density screens), in a palette of 256 colours (a
        third of the size; a grey figure loses nothing), beside its plain-text name.
        Saving (:meth:`savefig`) keeps every colour.

        >>> data, metadata = cg.load().figure("W")._repr_mimebundle_()
        >>> data["image/png"][:4], metadata["image/png"]["width"]
        (b'\\x89PNG', 700)
        """
        import io

        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=2 * self.dpi, metadata=_NO_DATES["png"])
        width, height = (round(inches * self.dpi) for inches in self.get_size_inches())
        data = {"image/png": palette_png(buffer.getvalue()), "text/plain": repr(self)}
        return data, {"image/png": {"width": width, "height": height}}


def palette_png(data: bytes, colors: int = 256) -> bytes:
    """A PNG in a palette of ``colors`` colours: drawings of flat colours and grey text
    keep their look at a third of the size (notebooks stay small).

    >>> import io
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("RGB", (4, 4), "#78a5d2").save(buffer, format="PNG")
    >>> Image.open(io.BytesIO(palette_png(buffer.getvalue()))).mode
    'P'
    """
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=colors)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass
class _Layout:
    texts: list[Text] = field(default_factory=list)
    boxes: list[tuple[Text, FancyBboxPatch]] = field(default_factory=list)
    #: the class of each box, in the order of ``boxes``
    box_kinds: list[str] = field(default_factory=list)
    arrows: list[FancyArrowPatch] = field(default_factory=list)
    #: the points each routed arrow runs through, in inches, in the order of ``arrows``
    routes: list[list[tuple[float, float]]] = field(default_factory=list)
    #: a network figure's boxes by node: left, right, top and bottom in inches
    places: dict[Any, tuple[float, float, float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class FigureItem:
    """One box: its text and the class that styles it; ``group`` is the heading it is
    drawn under within its column (who carries it out), empty for none."""

    text: str
    kind: str
    group: str = ""


#: A stated link drawn item to item: (column, index in the column) to (column, index).
Link = tuple[tuple[int, int], tuple[int, int]]


class _Canvas:
    """Draws in inches on a figure of fixed width; the height follows the content."""

    def __init__(self, width: float, fontsize: float, grayscale: bool, dpi: float = 100) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.width = width
        self.fontsize = fontsize
        self.grayscale = grayscale
        self.figure = CimoFigure(figsize=(width, 10), dpi=dpi)
        canvas = FigureCanvasAgg(self.figure)
        self.axes: Axes = self.figure.add_axes((0, 0, 1, 1))
        self.axes.set_axis_off()
        self.axes.set_xlim(0, width)
        self.axes.set_ylim(-10, 0)
        self.renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]  # unannotated
        self.pad = fontsize / 72 * 0.6
        self.bottom = 0.0

    def _size(self, text: Text) -> tuple[float, float]:
        extent = text.get_window_extent(self.renderer)
        return extent.width / self.figure.dpi, extent.height / self.figure.dpi

    def text(self, x: float, y: float, content: str, width: float, **style: Any) -> float:
        """Text wrapped to fit ``width`` inches, top-left at (x, y); returns its bottom."""
        return self._text(x, y, content, width, **style)[1]

    def _text(
        self, x: float, y: float, content: str, width: float, **style: Any
    ) -> tuple[Text, float]:
        size = style.pop("fontsize", self.fontsize)
        first = max(8, int(width * 72 / (size * 0.5)))
        # the text as written: "$5 a $week" is no formula, "\\frac" no command
        artist = self.axes.text(
            x, y, "", fontsize=size, va="top", ha="left", parse_math=False, **style
        )
        # words whole where they fit; where one does not even in the tenth kept to spare
        # (a Dutch compound in a narrow column), wrapped again with words longer than a
        # line hyphenated
        for hyphenate in (False, True):
            chars = first
            while True:
                artist.set_text("\n".join(_wrap(content, chars, hyphenate)) or " ")
                # a tenth to spare: glyph widths shift a little with the output's resolution
                if self._size(artist)[0] <= 0.9 * width or chars <= 8:
                    break
                chars -= 2
            if self._size(artist)[0] <= 0.98 * width:
                break
        self.figure.layout.texts.append(artist)
        bottom = y - self._size(artist)[1]
        self.bottom = min(self.bottom, bottom)
        return artist, bottom

    def box(self, x: float, y: float, width: float, item: FigureItem, **text_style: Any) -> float:
        """A box of ``width`` at top ``y`` holding ``item``'s text; returns its bottom."""
        from matplotlib.patches import FancyBboxPatch

        style = style_for(item.kind)
        text, _ = self._text(
            x + self.pad, y - self.pad, item.text, width - 2 * self.pad, zorder=3, **text_style
        )
        height = self._size(text)[1] + 2 * self.pad
        patch = FancyBboxPatch(
            (x, y - height),
            width,
            height,
            boxstyle=f"round,pad=0,rounding_size={self.pad * 0.8}",
            facecolor=style.gray if self.grayscale else style.color,
            edgecolor="#333333",
            linewidth=0.6,
            linestyle="--" if item.kind in ("AddedValue", "Aim") else "-",
            zorder=2,
        )
        self.axes.add_patch(patch)
        self.figure.layout.boxes.append((text, patch))
        self.figure.layout.box_kinds.append(item.kind)
        self.bottom = min(self.bottom, y - height)
        return y - height

    def arrow(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        from matplotlib.patches import FancyArrowPatch

        patch = FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=9,
            linewidth=1.0,
            color="#333333",
            zorder=1,
            shrinkA=0,
            shrinkB=0,
        )
        self.axes.add_patch(patch)
        self.figure.layout.arrows.append(patch)

    def route(self, points: Sequence[tuple[float, float]], *, linestyle: str = "-") -> None:
        """An arrow along the straight segments through ``points``, its head at the last."""
        from matplotlib.patches import FancyArrowPatch
        from matplotlib.path import Path as Segments

        patch = FancyArrowPatch(
            path=Segments(points),
            arrowstyle="-|>",
            mutation_scale=7,
            linewidth=0.6,
            linestyle=linestyle,
            color="#555555",
            zorder=1,
        )
        self.axes.add_patch(patch)
        self.figure.layout.arrows.append(patch)
        self.figure.layout.routes.append(list(points))

    def finish(self, margin: float) -> CimoFigure:
        """Fit the figure's height to what was drawn."""
        height = -self.bottom + 2 * margin
        self.figure.set_size_inches(self.width, height)
        self.axes.set_ylim(self.bottom - margin, margin)
        return self.figure


def _wrap(content: str, chars: int, hyphenate: bool = False) -> list[str]:
    """``content`` in lines of at most ``chars`` characters, broken between words; with
    ``hyphenate``, a word longer than a line is hyphenated where the line ends."""
    words = []
    for word in content.split(" "):
        while hyphenate and len(word) > chars:
            words.append(word[: chars - 1] + "-")
            word = word[chars - 1 :]
        words.append(word)
    return textwrap.wrap(" ".join(words), chars, break_long_words=False)


def _title(canvas: _Canvas, title: str | None, margin: float, width: float, size: float) -> float:
    """The figure's title at the top (none when ``title`` is None: journals set their own
    captions); where what follows it begins."""
    if title is None:
        return -margin
    top = canvas.text(
        margin, -margin, title, width - 2 * margin, fontsize=size + 2, fontweight="bold"
    )
    return top - 0.12


def chain_figure(
    title: str | None,
    columns: Sequence[Sequence[FigureItem]],
    *,
    lang: str = "en",
    added_value: Sequence[FigureItem] = (),
    actors: str | None = None,
    links: Sequence[Link] = (),
    width: float = 7.0,
    fontsize: float = 7.0,
    grayscale: bool = False,
) -> CimoFigure:
    """A design proposition as four columns, Context | Interventions | Mechanisms |
    Outcomes, and the added value under the outcomes.

    Between two columns, the ``links`` the study states item to item (an intervention
    that activates a mechanism, a mechanism that leads to an outcome) are drawn box to
    box; where it states none between them, one arrow joins the columns (the proposition
    links them as a whole). ``actors`` heads the interventions when one role carries out
    all of them; otherwise each item's ``group`` heads the items it names. A column too
    narrow for four runs top to bottom, with arrows between the sections."""
    canvas = _Canvas(width, fontsize, grayscale)
    margin, gap, vgap = 0.12, 0.34, 0.07
    column_width = (width - 2 * margin - 3 * gap) / 4
    bold = {"fontweight": "bold"}
    top = _title(canvas, title, margin, width, fontsize)
    sections = list(zip(_headers(lang), columns, strict=True))
    if column_width < 1.1:  # too narrow for four columns: the chain runs top to bottom
        # stated links cannot be drawn box to box here: the sections' order says the chain
        return _vertical_chain(canvas, top, sections, lang, added_value, actors, margin)
    spans = []
    #: each box's left and right edge and middle height, by (column, index)
    places: dict[tuple[int, int], tuple[float, float, float]] = {}
    for index, (header, items) in enumerate(sections):
        x = margin + index * (column_width + gap)
        y = canvas.text(x, top, header, column_width, fontsize=fontsize + 1, **bold) - 0.06
        if index == 1 and actors:
            y = _caption(canvas, x, y, f"{_words(lang)['by']} {actors}", column_width)
        column_top = y
        group = ""
        for number, item in enumerate(items):
            if item.group != group and item.group and not (index == 1 and actors):
                y = _caption(canvas, x, y, item.group, column_width)
            group = item.group
            bottom = canvas.box(x, y, column_width, item)
            places[index, number] = (x, x + column_width, (y + bottom) / 2)
            y = bottom - vgap
        if index == 3 and added_value:
            y -= 0.06
            y = (
                canvas.text(
                    x, y, _words(lang)["added"], column_width, fontsize=fontsize + 1, **bold
                )
                - 0.06
            )
            for item in added_value:
                y = canvas.box(x, y, column_width, item) - vgap
        spans.append((x, column_top, y + vgap))
    stated = {(a[0], b[0]) for a, b in links if b[0] == a[0] + 1}
    for left, ((x0, top0, bottom0), (x1, top1, bottom1)) in enumerate(pairwise(spans)):
        if (left, left + 1) in stated:
            for source, target in links:
                if (source[0], target[0]) == (left, left + 1):
                    _, right_edge, y0 = places[source]
                    left_edge, _, y1 = places[target]
                    canvas.arrow((right_edge + 0.04, y0), (left_edge - 0.04, y1))
            continue
        middle = (max(bottom0, bottom1) + min(top0, top1)) / 2
        canvas.arrow((x0 + column_width + 0.05, middle), (x1 - 0.05, middle))
    return canvas.finish(margin)


def _caption(canvas: _Canvas, x: float, y: float, text: str, width: float) -> float:
    """An italic caption over boxes (who carries them out); returns where they begin."""
    return canvas.text(x, y, text, width, fontstyle="italic", color="#333333") - 0.05


def _vertical_chain(
    canvas: _Canvas,
    top: float,
    sections: list[tuple[str, Sequence[FigureItem]]],
    lang: str,
    added_value: Sequence[FigureItem],
    actors: str | None,
    margin: float,
) -> CimoFigure:
    """The chain for a narrow column: sections top to bottom, arrows down between them."""
    width = canvas.width - 2 * margin
    bold = {"fontweight": "bold"}
    size = canvas.fontsize + 1
    y = top
    for index, (header, items) in enumerate(sections):
        if index:
            canvas.arrow((canvas.width / 2, y + 0.02), (canvas.width / 2, y - 0.2))
            y -= 0.26
        y = canvas.text(margin, y, header, width, fontsize=size, **bold) - 0.05
        if index == 1 and actors:
            y = _caption(canvas, margin, y, f"{_words(lang)['by']} {actors}", width)
        group = ""
        for item in items:
            if item.group != group and item.group and not (index == 1 and actors):
                y = _caption(canvas, margin, y, item.group, width)
            group = item.group
            y = canvas.box(margin, y, width, item) - 0.05
    if added_value:
        y = canvas.text(margin, y - 0.08, _words(lang)["added"], width, fontsize=size, **bold)
        y -= 0.05
        for item in added_value:
            y = canvas.box(margin, y, width, item) - 0.05
    return canvas.finish(margin)


def pillars_figure(
    title: str | None,
    pillars: Sequence[tuple[FigureItem, Sequence[FigureItem], Sequence[FigureItem]]],
    *,
    lang: str = "en",
    width: float = 7.0,
    fontsize: float = 7.0,
    grayscale: bool = False,
) -> CimoFigure:
    """The pillars side by side: each pillar, its aim, and the means that realise it."""
    canvas = _Canvas(width, fontsize, grayscale)
    margin, gap, vgap = 0.12, 0.12, 0.07
    # as many pillars side by side as fit at a readable width; the rest in further rows
    per_row = max(1, min(len(pillars), int((width - 2 * margin + gap) // (1.25 + gap))))
    column_width = (width - 2 * margin - (per_row - 1) * gap) / per_row
    row_top = _title(canvas, title, margin, width, fontsize)
    for start in range(0, len(pillars), per_row):
        row_bottom = row_top
        for index, (pillar, aims, means) in enumerate(pillars[start : start + per_row]):
            x = margin + index * (column_width + gap)
            y = canvas.box(x, row_top, column_width, pillar, fontweight="bold") - 0.1
            for caption, items in ((_words(lang)["aim"], aims), (_words(lang)["means"], means)):
                if not items:
                    continue
                y = canvas.text(x, y, caption, column_width, fontstyle="italic") - 0.04
                for item in items:
                    y = canvas.box(x, y, column_width, item) - vgap
                y -= 0.05
            row_bottom = min(row_bottom, y)
        row_top = row_bottom - 0.15
    return canvas.finish(margin)
