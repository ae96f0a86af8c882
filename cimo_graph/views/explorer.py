"""The explorer: the network as a two-way notebook widget (anywidget), in JupyterLab,
Jupyter Notebook, VS Code, Colab and marimo.

The view draws the same network as the page (layout, colours, legend, tooltips); clicking
an element puts its id in Python (:attr:`Explorer.selected`, an observable trait) and
shows its evidence beside the network; choosing a theme or a proposition in the picker
(or setting :attr:`Explorer.focus`) redraws the network around it and fills the routes
table. Everything the view needs travels with the widget: nothing is fetched.

Needs ``pip install "cimo-graph[notebook]"`` (anywidget).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ..errors import CimoGraphError, NoRouteError
from ..locales import words
from .interactive import _vis_assets, page_data

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Explorer"]

_TEMPLATES = Path(__file__).parent / "templates"

#: The routes table's questions, by the kind of element focused on.
_ROUTE_QUESTIONS = ("interventions_for", "mechanisms_for", "outcomes_of")
#: The columns of the evidence beside the network and of the routes table.
_EVIDENCE_COLUMNS = ("kind", "text", "lang", "item")
_ROUTE_COLUMNS = ("id", "label", "kind", "route", "via")

_CSS = """
.cimo-explorer { font-family: system-ui, sans-serif; font-size: 13px; color: #222; }
.cimo-explorer .bar { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center;
  margin-bottom: .3rem; }
.cimo-explorer .legend .item { margin-right: .7rem; white-space: nowrap; }
.cimo-explorer .swatch { display: inline-block; width: .8rem; height: .8rem;
  border: 1px solid #555; border-radius: 2px; margin-right: .25rem; vertical-align: -1px; }
.cimo-explorer .middle { display: flex; gap: .6rem; }
.cimo-explorer .network { flex: 1 1 auto; height: 520px; border: 1px solid #ddd;
  background: #fff; min-width: 0; }
.cimo-explorer .evidence { flex: 0 0 22rem; max-height: 520px; overflow: auto; }
.cimo-explorer table { border-collapse: collapse; width: 100%; margin: .3rem 0; }
.cimo-explorer th, .cimo-explorer td { border: 1px solid #ddd; padding: .15rem .3rem;
  text-align: left; vertical-align: top; white-space: pre-wrap; }
.cimo-explorer th { background: #f4f4f4; }
.cimo-explorer h4 { margin: .2rem 0; }
.cimo-explorer .hint { color: #555; }
.cimo-explorer-tip { max-width: 28rem; white-space: normal; font-size: 12px; }
.cimo-explorer-tip .head { font-weight: 600; }
.cimo-explorer-tip .name { color: #666; font-size: 11px; }
@media (max-width: 50rem) { .cimo-explorer .middle { flex-direction: column; }
  .cimo-explorer .evidence { flex-basis: auto; } }
"""


@cache
def _module() -> str:
    """The widget's module: vis-network (into a local ``exports``) and the view."""
    vis_js, _ = _vis_assets()
    view = (_TEMPLATES / "explorer.js").read_text(encoding="utf-8")
    return f"const exports = {{}};\nconst module = {{}};\n{vis_js}\n{view}"


class Explorer(anywidget.AnyWidget):
    """The network of a study as a two-way widget: click an element to read its evidence
    here and in Python, pick a theme or proposition to refocus it and list its routes.

    >>> explorer = cg.load().explore(focus="self-direction")
    >>> explorer.selected = "P3-means-1"  # as a click on it in the view would
    >>> explorer.evidence["kind"].tolist()
    ['source text', 'location', 'note', 'derived from']
    >>> explorer.routes[["id", "question"]].head(2).values.tolist()
    [['P3-means-1', 'interventions_for'], ['P3-means-2', 'interventions_for']]
    >>> explorer.observe(lambda change: print("chosen:", change.new), names="selected")
    >>> explorer.selected = "C-I1"
    chosen: C-I1
    """

    _esm = traitlets.Unicode().tag(sync=True)
    _css = traitlets.Unicode(_CSS).tag(sync=True)
    #: what the view draws: the page's data for the current focus
    network = traitlets.Dict().tag(sync=True)
    #: the picker's entries: (value, label); "" is the whole network
    choices: traitlets.List[list[str]] = traitlets.List().tag(sync=True)
    #: the theme or proposition the network is drawn around ("" the whole network)
    focus = traitlets.Unicode("").tag(sync=True)
    #: the id of the selected element ("" none): set by a click, or from Python
    selected = traitlets.Unicode("").tag(sync=True)
    #: what the view shows beside the network and below it (set here, from Python)
    evidence_shown = traitlets.Dict().tag(sync=True)
    routes_shown = traitlets.Dict().tag(sync=True)

    def __init__(self, kg: Any, *, focus: str = "", lang: str = "en", **options: Any) -> None:
        self._kg = kg
        self._lang = lang
        self._options = options
        said = words("drawing", lang)
        entries: list[list[str]] = [["", said["all"]]]
        entries += [
            [str(t.id), f"{said['theme']}: {t.label}"] for t in kg.themes(lang=lang).itertuples()
        ]
        entries += [
            [str(p.id), f"{p.id}: {p.label}"] for p in kg.propositions(lang=lang).itertuples()
        ]
        super().__init__(_esm=_module(), choices=entries)
        self.focus = focus
        self._draw()
        self._show_evidence()

    # the view's state, kept in step with focus and selected
    @traitlets.observe("focus")
    def _focus_changed(self, change: Any) -> None:
        self.selected = ""
        self._draw()

    @traitlets.observe("selected")
    def _selected_changed(self, change: Any) -> None:
        self._show_evidence()

    def _draw(self) -> None:
        net = self._kg.to_pyvis(focus=self.focus or None, lang=self._lang, **self._options)
        self.network_title = str(getattr(net, "cimo_title", ""))
        self.network = page_data(net)
        frame = self.routes
        self.routes_shown = (
            {
                "title": self.network_title,
                "columns": list(frame.columns),
                "rows": frame.astype(str).values.tolist(),
            }
            if self.focus
            else {}
        )

    def _show_evidence(self) -> None:
        if not self.selected:
            self.evidence_shown = {"hint": words("page", self._lang)["nothing"]}
            return
        frame = self.evidence
        self.evidence_shown = {
            "id": self.selected,
            "label": self._label(self.selected),
            "columns": list(frame.columns),
            "rows": frame.fillna("").astype(str).values.tolist(),
        }

    def _label(self, node: str) -> str:
        for entry in self.network.get("nodes", ()):
            if entry.get("id") == node:
                return " ".join(str(entry.get("label", "")).split())
        return ""

    @property
    def evidence(self) -> pd.DataFrame:
        """The selected element's evidence (:meth:`~cimo_graph.CimoGraph.evidence`), its
        kinds, texts, languages and items; empty when nothing is selected."""
        import pandas as pd

        if not self.selected:
            return pd.DataFrame(columns=list(_EVIDENCE_COLUMNS))
        frame: pd.DataFrame = self._kg.evidence(self.selected, lang=self._lang)
        return frame[[c for c in _EVIDENCE_COLUMNS if c in frame.columns]]

    @property
    def routes(self) -> pd.DataFrame:
        """The routes to the focus: the interventions, mechanisms and outcomes on them
        (each question's rows, ``question`` naming it); empty for the whole network."""
        import pandas as pd

        frames: list[pd.DataFrame] = []
        for question in _ROUTE_QUESTIONS if self.focus else ():
            try:
                found: pd.DataFrame = getattr(self._kg, question)(self.focus, lang=self._lang)
            except (NoRouteError, CimoGraphError):
                continue
            shown = found[[c for c in _ROUTE_COLUMNS if c in found.columns]]
            frames.append(shown.assign(question=question))
        if not frames:
            return pd.DataFrame(columns=[*_ROUTE_COLUMNS, "question"])
        return pd.concat(frames, ignore_index=True)
