"""The interactive network: a pyvis Network, written as one self-contained, offline page."""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import write_text
from ..locales import words
from .layout import layered_positions, wrap_label
from .style import LAYER_TITLES, STYLES, style_for
from .subgraph import Drawing

if TYPE_CHECKING:
    from pyvis.network import Network

__all__ = ["NetworkPage", "page_data", "render_page", "to_pyvis"]

_TEMPLATES = Path(__file__).parent / "templates"

#: The nodes' font size in the network's own units, and the least size a label is drawn
#: at on screen (in CSS pixels): vis-network leaves out a label below it (and fades it in
#: over the pixel above), and the page writes the node's id in its place at that size (a
#: whole study at fit).
FONT_PX = 14
LEGIBLE_PX = 10


def to_pyvis(drawing: Drawing, *, layout: str = "cimo", height: str = "720px") -> Network:
    """A pyvis ``Network`` of ``drawing``: nodes coloured and shaped by class, placed in the
    layered CIMO columns (``layout="cimo"``, physics off) or by a seeded force layout that
    stops once stable (``layout="force"``); links labelled by relation."""
    from pyvis.network import Network

    if layout not in ("cimo", "force"):
        raise ValueError(f"layout must be 'cimo' or 'force', not {layout!r}")
    layered_positions(drawing)
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line", heading="")
    lang = drawing.lang
    ids = node_ids(drawing)
    for node in sorted(drawing.nodes.values(), key=lambda n: (n.layer, n.order)):
        style = style_for(node.kind)
        kind_title = style.title_nl if lang == "nl" else style.title_en
        tip = [["", node.label], ["", f"{kind_title} {node.id}"]]
        other = node.label_nl if lang == "en" else node.label_en
        if other and other != node.label:
            tip.append(["nl" if lang == "en" else "en", other])
        if node.source_text:
            tip.append(["bron" if lang == "nl" else "source", node.source_text])
        if node.notes:
            tip.append(["notities" if lang == "nl" else "notes", node.notes])
        extra: dict[str, Any] = {"x": node.x, "y": node.y} if layout == "cimo" else {}
        net.add_node(
            ids[node.iri],
            label="\n".join(wrap_label(node.label)),
            shape=style.shape,
            color={
                "background": style.color,
                "border": "#444444",
                "highlight": {"background": style.color, "border": "#000000"},
            },
            level=node.layer,
            tip=tip,
            find=list(node.texts),
            kind=node.kind,
            **extra,
        )
    for number, edge in enumerate(drawing.edges):
        span = abs(drawing.nodes[edge.source].layer - drawing.nodes[edge.target].layer)
        # a link past a column, or within one, bows out of the straight line through the
        # boxes between its ends
        bow = {"smooth": {"type": "curvedCW", "roundness": 0.25}} if span != 1 else {}
        net.add_edge(
            ids[edge.source],
            ids[edge.target],
            id=f"e{number}",
            label=edge.label,
            title=edge.relation,
            arrows="to",
            **bow,
        )
    net.set_options(_options(layout))
    net.cimo_legend = _legend(drawing)  # read by render_page
    net.cimo_title = drawing.title
    net.cimo_lang = lang
    return net


def node_ids(drawing: Drawing) -> dict[Any, str]:
    """Node keys for pictures and exports: the readable id, or the IRI where ids collide."""
    counts: dict[str, int] = {}
    for node in drawing.nodes.values():
        counts[node.id] = counts.get(node.id, 0) + 1
    return {
        iri: node.id if counts[node.id] == 1 else str(iri) for iri, node in drawing.nodes.items()
    }


def _options(layout: str) -> str:
    import json

    options: dict[str, Any] = {
        "layout": {"randomSeed": 7, "improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "keyboard": True, "multiselect": True},
        # a label is drawn only where it reads (LEGIBLE_PX on screen); the others show on
        # hover, in the detail panel and once zoomed in
        "nodes": {
            "font": {"size": FONT_PX, "face": "sans-serif"},
            "margin": 8,
            "borderWidth": 1,
            "scaling": {"label": {"drawThreshold": LEGIBLE_PX + 1}},
        },
        "edges": {
            "color": {"color": "#8a8a8a", "highlight": "#222222"},
            "font": {"size": 10, "color": "#555555", "strokeWidth": 3, "align": "middle"},
            "smooth": {
                "enabled": True,
                "type": "cubicBezier",
                "forceDirection": "horizontal",
                "roundness": 0.45,
            },
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        },
        "physics": {"enabled": False},
    }
    if layout == "force":
        options["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "stabilization": {"enabled": True, "iterations": 400, "fit": True},
        }
        options["edges"]["smooth"] = {"enabled": True, "type": "continuous"}
    return json.dumps(options)


def _legend(drawing: Drawing) -> list[dict[str, str]]:
    kinds = {node.kind for node in drawing.nodes.values()}
    entries = []
    for kind, style in STYLES.items():
        if kind in kinds:
            entries.append(
                {
                    "kind": kind,
                    "label": style.title_nl if drawing.lang == "nl" else style.title_en,
                    "color": style.color,
                }
            )
    return entries


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    import pyvis

    folder = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = _used_rules((folder / "vis-network.css").read_text(encoding="utf-8"))
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError("the bundled vis-network cannot be inlined safely")
    return js, css


#: vis-network's parts the page leaves off (navigation buttons, the editing toolbar, the
#: configurator): their styles, with their inlined icons, are 210 of the sheet's 215 KB.
_UNUSED_PARTS = (
    "vis-manipulation",
    "vis-navigation",
    "vis-edit-mode",
    "vis-close",
    "vis-configuration",
    "vis-color-picker",
    "vis-button",
    "vis-separator-line",
    "vis-label",
    "vis-config",
)


def _used_rules(css: str) -> str:
    """vis-network's style sheet without the rules of the parts the page leaves off; the
    sheet whole where it is not the flat list of rules this reads (an @-rule, a comment).

    >>> _used_rules(".vis-close { x: 1 } div.vis-tooltip { y: 2 }")
    'div.vis-tooltip { y: 2 }'
    """
    import re

    if "@" in css or "/*" in css:
        return css
    kept = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        each = [s.strip() for s in selectors.split(",")]
        if not all(any(part in s for part in _UNUSED_PARTS) for s in each):
            kept.append(f"{selectors.strip()} {{{body}}}")
    return "\n".join(kept)


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def page_data(net: Network) -> dict[str, Any]:
    """What the page (and the explorer widget) draws of ``net``, as JSON-ready data: its
    nodes with their places, colours, tooltips and texts to search, its links, vis-network's
    options, the legend, the least legible label size and the page's words."""
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    return {
        "nodes": nodes,
        "edges": edges,
        "options": options if isinstance(options, dict) else _json(options),
        "legend": getattr(net, "cimo_legend", []),
        "legible": LEGIBLE_PX,
        "font": FONT_PX,
        "words": dict(words("page", getattr(net, "cimo_lang", "en"))),
    }


def render_page(net: Network, *, title: str | None = None, subtitle: str = "") -> str:
    """One self-contained HTML page for ``net``: vis-network and its styles inlined, no
    request to any other address (a Content-Security-Policy forbids them), the graph's
    text set as text only."""
    import jinja2

    from .. import __version__

    vis_js, vis_css = _vis_assets()
    page_js = (_TEMPLATES / "network.js").read_text(encoding="utf-8")
    search_js = (_TEMPLATES / "search.js").read_text(encoding="utf-8")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, keep_trailing_newline=True
    )
    lang = getattr(net, "cimo_lang", "en")
    heading = title if title is not None else getattr(net, "cimo_title", "")
    data = page_data(net)
    layers = sorted({n.get("level", 0) for n in data["nodes"]})
    columns = " | ".join(LAYER_TITLES.get(lang, LAYER_TITLES["en"])[layer] for layer in layers)
    return environment.get_template("network.html.j2").render(
        words=data["words"],
        lang=lang,
        title=f"cimo-graph: {heading}" if heading else "cimo-graph",
        subtitle=subtitle or columns,
        vis_js=vis_js,
        vis_css=vis_css,
        page_js=page_js,
        search_js=search_js,
        script_hashes=" ".join(_script_hash(s) for s in (vis_js, search_js, page_js)),
        data=data,
        version=__version__,
    )


def _json(text: str) -> Any:
    import json

    return json.loads(text)


@dataclass
class NetworkPage:
    """A rendered network page. In Jupyter it shows inline in an isolated iframe (which
    JupyterLab, VS Code and Colab all display) over a static picture of the same network,
    which a notebook opened untrusted, a GitHub preview or a sanitised render shows where
    they strip the iframe; ``path`` is the file it was written to."""

    html: str = field(repr=False)
    path: Path | None = None
    height: int = 760
    #: what it draws: its title and how many elements and links
    title: str = ""
    nodes: int = 0
    links: int = 0
    #: draws the static picture (a figure of the same network), asked once, when first
    #: shown or by :meth:`png`; ``None``: no picture
    picture: Callable[[], Any] | None = field(default=None, repr=False, compare=False)
    _png: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def __repr__(self) -> str:
        """A line, not the 700 KB page: what it draws and where it is.

        >>> cg.load().to_html(focus="W")
        <NetworkPage 'W: Design proposition: well-being': 18 elements, 22 links; not saved (...)>
        """
        where = f"saved at {self.path}" if self.path else "not saved (.save(path) writes it)"
        return f"<NetworkPage {self.title!r}: {self.nodes} elements, {self.links} links; {where}>"

    def text(self) -> str:
        """What a reader without the interactive view is told (the notebook's plain text,
        the picture's description).

        >>> cg.load().to_html(focus="W").text()
        "network 'W: Design proposition: well-being': 18 elements, 22 links; trust the ..."
        """
        return (
            f"network {self.title!r}: {self.nodes} elements, {self.links} links; trust the "
            "notebook or run the cell for the interactive view"
        )

    def png(self) -> bytes | None:
        """The static picture as PNG (the network figure in the CIMO columns, in a palette
        of 32 colours to keep notebooks small), or ``None`` where there is none (a network
        too large for one figure)."""
        if self._png is None and self.picture is not None:
            from ..errors import DrawingTooLargeError

            try:
                figure = self.picture()
            except DrawingTooLargeError:
                figure = None
            self._png = b"" if figure is None else _palette_png(figure)
        return self._png or None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """The notebook's forms: the interactive frame over the picture (HTML), and the
        plain text."""
        return {"text/html": self._repr_html_(), "text/plain": self.text()}

    def _repr_html_(self) -> str:
        # in single quotes, where only ' and & are escaped: a page has thousands of ",
        # each six characters as &quot; (a notebook stores the page 10% smaller)
        page = self.html.replace("&", "&amp;").replace("'", "&#39;")
        png = self.png()
        # over the picture, filling its box; without one, at the page's own height
        place = (
            "position: absolute; top: 0; left: 0; height: 100%"
            if png
            else (f"height: {self.height}px")
        )
        frame = (
            f"<iframe srcdoc='{page}' sandbox=\"allow-scripts\" "
            f'title="cimo-graph network" style="{place}; width: 100%; '
            'border: 1px solid #ddd; background: #fff;"></iframe>'
        )
        if not png:
            return frame
        picture = (
            f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
            f'alt="{html.escape(self.text(), quote=True)}" '
            'style="display: block; max-width: 100%; height: auto;">'
        )
        return (
            f'<div class="cimo-graph-network" style="position: relative; min-height: '
            f'{self.height}px;">{picture}{frame}</div>'
        )

    def save(self, path: Path | str) -> Path:
        """Write the page to ``path`` whole or not at all; return the path."""
        write_text(path, self.html)
        self.path = Path(path)
        return self.path


def _palette_png(figure: Any) -> bytes:
    """``figure`` as a PNG at 96 dpi in a palette of 32 colours (a third of the full-colour size for
    flat drawings); the figure closed."""
    import io

    import matplotlib.pyplot as plt

    from .figures import palette_png

    try:
        full = io.BytesIO()
        figure.savefig(full, format="png", dpi=96)
    finally:
        plt.close(figure)
    return palette_png(full.getvalue(), colors=32)
