"""Pictures of a study: networkx graphs, interactive pages, exports and paper figures.

:class:`Drawings` adds the drawing methods to a graph (local or remote). networkx, pyvis
and matplotlib are imported on first use, not with the package.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from .._files import safe_stem
from ..errors import CimoGraphError
from ..sentences import join

if TYPE_CHECKING:
    from collections.abc import Mapping

    import networkx as nx
    from pyvis.network import Network
    from rdflib.term import Node

    # the questions a graph also answers, which the drawings use (for type checkers; at
    # run time both are bases of CimoGraph and RemoteGraph)
    from ..questions import Questions as _Asking
    from ..questions.base import Info
    from .figures import CimoFigure
    from .interactive import NetworkPage
    from .subgraph import Drawing
else:
    _Asking = object

__all__ = ["MAX_FIGURE_NODES", "MAX_NODES", "RENDER_FORMATS", "Drawings"]

#: Interactive pages beyond this many nodes become unreadable: draw a focus instead.
MAX_NODES = 400
#: The options of :meth:`~Views.to_html` its static picture (the network figure) shares.
_PICTURED = ("focus", "depth", "themes", "lang", "mappings")
#: A figure for a paper beyond this many nodes is unreadable on a page.
MAX_FIGURE_NODES = 80
#: What ``export`` and ``cimo-graph render`` write.
RENDER_FORMATS = ("html", "svg", "pdf", "png", "graphml", "gexf", "cyjs", "dot")


class Drawings(_Asking):
    """Drawing methods for any graph that answers the question helpers' queries."""

    def _drawing(
        self,
        focus: str | URIRef | None,
        depth: int | None,
        themes: bool | None,
        lang: str,
        max_nodes: int | None = None,
        mappings: str = "exact",
        readable: str = "an interactive page",
    ) -> Drawing:
        from .subgraph import select  # with the drawing: its queries and styles

        return select(
            self,
            focus=focus,
            depth=depth,
            themes=themes,
            lang=lang,
            max_nodes=max_nodes,
            mappings=mappings,
            readable=readable,
        )

    def to_networkx(
        self,
        *,
        focus: str | URIRef | None = None,
        depth: int | None = None,
        themes: bool | None = None,
        lang: str = "en",
        mappings: str = "exact",
    ) -> nx.MultiDiGraph:
        """The study (or a focus) as a networkx ``MultiDiGraph``.

        Nodes are keyed by id and carry ``iri, kind, label, label_en, label_nl,
        source_text, notes, layer, x, y``; edges carry ``relation``, ``label`` and ``id``.
        ``focus`` takes a proposition or pillar (its parts), a theme (its routes) or any
        node (its neighbourhood, ``depth`` links deep); ``themes=True`` adds theme nodes.
        Themes of several studies that the graph's mappings make one concept are one node
        (``mappings="exact"``; ``"close"`` joins close matches too, ``"none"`` none), its
        notes naming them, with each study's elements around it.

        >>> import networkx as nx
        >>> g = cg.load().to_networkx()
        >>> mechanisms = [n for n, kind in g.nodes(data="kind") if kind == "Mechanism"]
        >>> sorted(nx.degree_centrality(g)[m] > 0 for m in mechanisms)[0]
        True
        >>> g.nodes["W-I3"]["kind"], g.nodes["W-I3"]["label_nl"]
        ('Intervention', 'eigen initiatief en zelfsturing verwachten')
        """
        from .exports import to_networkx

        return to_networkx(self._drawing(focus, depth, themes, lang, mappings=mappings))

    def to_pyvis(
        self,
        *,
        focus: str | URIRef | None = None,
        depth: int | None = None,
        themes: bool | None = None,
        lang: str = "en",
        layout: str = "cimo",
        max_nodes: int = MAX_NODES,
        mappings: str = "exact",
    ) -> Network:
        """A pyvis ``Network``: nodes coloured and shaped by CIMO class in the layered
        CIMO layout (``layout="force"`` for a seeded force layout that stops once stable),
        labels in ``lang``, tooltips with both labels, the source text and notes, links
        labelled by relation. See :meth:`to_networkx` for ``focus``, ``depth``, ``themes``
        and ``mappings``.

        Beyond ``max_nodes`` nodes it raises :class:`~cimo_graph.DrawingTooLargeError`,
        which suggests a focus.

        >>> net = cg.load().to_pyvis(focus="W")
        >>> len(net.nodes), len(net.edges)
        (18, 22)
        """
        from .interactive import to_pyvis

        drawing = self._drawing(focus, depth, themes, lang, max_nodes, mappings)
        return to_pyvis(drawing, layout=layout)

    def to_html(self, **options: Any) -> NetworkPage:
        """The interactive network as one self-contained, offline HTML page (a
        :class:`~cimo_graph.views.interactive.NetworkPage`; it displays inline in Jupyter).
        Takes the options of :meth:`to_pyvis`."""
        from .interactive import NetworkPage, render_page

        net = self.to_pyvis(**options)
        drawn = {k: options[k] for k in _PICTURED if options.get(k) is not None}
        return NetworkPage(
            render_page(net),
            title=str(getattr(net, "cimo_title", "")),
            nodes=len(net.nodes),
            links=len(net.edges),
            picture=functools.partial(self.network_figure, width=9.0, fontsize=7.0, **drawn),
        )

    def explore(self, focus: str = "", *, lang: str = "en", **options: Any) -> Any:
        """The network as a two-way notebook widget (:class:`~cimo_graph.views.explorer.
        Explorer`): click an element to read its evidence beside the network and get its id
        in Python (``explorer.selected``, observable; ``explorer.evidence`` its evidence);
        pick a theme or proposition (or set ``explorer.focus``) to redraw the network
        around it and list its routes (``explorer.routes``). Works offline in JupyterLab,
        Jupyter Notebook, VS Code, Colab and marimo. Takes the options of :meth:`to_pyvis`
        (but ``focus`` and ``lang``). Needs ``pip install "cimo-graph[notebook]"``."""
        try:
            from .explorer import Explorer
        except ImportError as error:
            raise CimoGraphError(
                f"the explorer needs anywidget ({error}): pip install 'cimo-graph[notebook]'"
            ) from error
        return Explorer(self, focus=focus, lang=lang, **options)

    def show(self, path: Path | str | None = None, **options: Any) -> Path:
        """Write the interactive network to ``path`` (default: ``<focus>.html`` or
        ``network.html`` here) and, in Jupyter, show it inline. Returns the path.

        The page embeds every script and style it needs and requests nothing from the
        internet. Takes the options of :meth:`to_pyvis`.
        """
        page = self.to_html(**options)
        focus = options.get("focus")
        target = Path(path) if path is not None else Path(f"{safe_stem(focus, 'network')}.html")
        page.save(target)
        _display(page)
        return target

    def report(
        self,
        path: Path | str,
        *,
        lang: str = "en",
        max_nodes: int | None = None,
        limit: int | None = 50,
    ) -> Path:
        """Write the evidence report to ``path``: one self-contained HTML file (nothing is
        fetched; print it to PDF from the browser) with each study's reference, method
        and validation, each design proposition's sentence and figure, the interactive
        network (left out, with a note, beyond ``max_nodes`` nodes), every element with its
        verbatim source text, place, source, notes, themes and links, anchored by its id
        (``report.html#W-I3``), the routes to each theme, and a filter over the elements.
        A ``path`` ending in ``.docx`` gets the same sections, tables and figures as a
        Word document (the network as its static picture), for supervisors and journals.
        A collection's report draws the first ``limit`` propositions and gives the routes
        of the first ``limit`` themes (by id; ``None``: all), and says what it leaves out.

        >>> import tempfile
        >>> path = cg.load().report(Path(tempfile.mkdtemp()) / "report.html")
        >>> 'id="W-I3"' in path.read_text(encoding="utf-8")
        True
        """
        from .._files import write_text

        if Path(path).suffix.lower() == ".docx":
            from .word import write_word_report

            return write_word_report(self, path, lang=lang, max_nodes=max_nodes, limit=limit)
        from .report import render_report

        page = render_report(self, lang=lang, max_nodes=max_nodes, limit=limit)
        write_text(path, page)
        return Path(path)

    def summary_of_findings(
        self, path: Path | str, *, lang: str = "en", min_confidence: str | None = None
    ) -> Path:
        """Write the GRADE-CERQual Summary of Qualitative Findings and the Evidence Profile
        behind it, in the layout of the CERQual papers, for every finding assessed (at
        ``min_confidence`` or higher): an ``.xlsx`` workbook (a sheet each) or one
        self-contained ``.html`` page (it prints, A4 landscape). The summary gives each
        finding, its overall confidence, the explanation and the contributing studies (as
        references); the profile each component's level and explanation, and what the
        graph counts behind the finding. Written whole or not at all.

        >>> import tempfile
        >>> kg = cg.load(assessments="tests/data/confidence/leernetwerken.yaml")
        >>> path = kg.summary_of_findings(Path(tempfile.mkdtemp()) / "soqf.html")
        >>> "Low confidence" in path.read_text(encoding="utf-8")
        True
        """
        from .soqf import findings_tables, write_findings_tables

        tables = findings_tables(self, lang=lang, min_confidence=min_confidence)
        return write_findings_tables(tables, path)

    def figure(
        self,
        proposition: str | URIRef | Sequence[str | URIRef] | None = None,
        *,
        pillars: bool = False,
        lang: str = "en",
        width: float = 7.0,
        fontsize: float = 7.0,
        grayscale: bool = False,
        title: bool = True,
    ) -> CimoFigure:
        """A figure for a paper: a design proposition as a CIMO chain in four columns
        (Context | Interventions | Mechanisms | Outcomes, with its added value), or with
        ``pillars=True`` the pillars with their aims and means.

        Where the study states which intervention activates which mechanism and which
        mechanism leads to which outcome, those links are drawn box to box (one arrow
        joins two columns only where it states none between them). A list of
        propositions (realist configurations sharing their elements) gives one figure of
        all of them, each element once. The interventions are headed by the role that
        carries out all of them, or each group by the role that carries it out.

        ``width`` is in inches (7.0 fits a two-column journal page, 3.5 one column);
        ``grayscale=True`` fills in greys; ``title=False`` leaves out the title (journals
        set their own captions).
        Save with ``fig.savefig("chain.pdf")``: SVG keeps text as text, PDF embeds its
        fonts, PNG takes ``dpi=``; files are written whole or not at all.

        >>> fig = cg.load().figure("W", lang="nl")
        >>> float(fig.get_figwidth())
        7.0
        """
        if pillars:
            return self._pillars_figure(lang, width, fontsize, grayscale, title)
        if proposition is None:
            raise CimoGraphError(
                "figure() needs a design proposition (figure('W')) or pillars=True."
            )
        return self._chain_figure(proposition, lang, width, fontsize, grayscale, title)

    def network_figure(
        self,
        focus: str | URIRef | None = None,
        *,
        depth: int | None = None,
        themes: bool | None = None,
        lang: str = "en",
        mappings: str = "exact",
        width: float = 7.0,
        fontsize: float = 6.0,
        grayscale: bool = False,
        title: bool = True,
        max_nodes: int = MAX_FIGURE_NODES,
    ) -> CimoFigure:
        """The network of :meth:`to_pyvis` as a figure for a paper: boxes in the CIMO
        columns, each study's elements in a band of their own, themes in a column beside
        them all, and every stated link an arrow that crosses no text (dashed: to a theme).

        Themes that the graph's mappings make one concept (``mappings``, as in
        :meth:`to_networkx`) are drawn once, naming the themes and studies they join,
        with each study's elements around them: ``network_figure("sense of belonging")``
        is the cross-study figure of a concept. Beyond ``max_nodes`` nodes it raises
        :class:`~cimo_graph.DrawingTooLargeError`, which suggests a focus. ``width``,
        ``grayscale``, ``title`` and saving are as for :meth:`figure`.

        >>> fig = cg.load().network_figure("W")
        >>> sorted(set(fig.layout.box_kinds))[:3]
        ['AddedValue', 'Context', 'DesignProposition']
        """
        from ..labels import choose_text
        from ..namespace import CIMO
        from ..questions.collection import shown_nodes
        from ..sparql import named_query
        from .network_figure import Band, network_figure

        drawing = self._drawing(focus, depth, themes, lang, max_nodes, mappings, "a figure")
        elements = sorted((n for n, d in drawing.nodes.items() if d.kind != "Theme"), key=str)
        study_of = {
            node: study
            for node, study in self._strings_each(named_query("node-study"), "node", elements)
            if node is not None and study is not None
        }
        grouped: dict[str, list[Node]] = defaultdict(list)
        for node in elements:
            grouped[study_of.get(str(node), "")].append(node)
        shown = shown_nodes(self._strings, CIMO.Study, "listing-heads") if grouped else {}

        def caption(study: str) -> str:
            entry = shown.get(study)
            if entry is None or len(grouped) == 1:
                return ""
            return choose_text(entry.titles, lang) or entry.label(lang)

        order = sorted(grouped, key=lambda s: (not s, _natural(shown[s].id if s in shown else s)))
        bands = [Band(caption(study), grouped[study]) for study in order]
        captions = {n: "; ".join(d.joined) for n, d in drawing.nodes.items() if d.joined}
        return network_figure(
            drawing,
            bands,
            captions=captions,
            title=title,
            width=width,
            fontsize=fontsize,
            grayscale=grayscale,
        )

    def _chain_figure(
        self,
        proposition: str | URIRef | Sequence[str | URIRef],
        lang: str,
        width: float,
        fontsize: float,
        grayscale: bool,
        title: bool,
    ) -> CimoFigure:
        from .figures import FigureItem, chain_figure

        asked = [proposition] if isinstance(proposition, str | URIRef) else list(proposition)
        if not asked:
            raise CimoGraphError("figure() needs at least one design proposition.")
        nodes = list(dict.fromkeys(self.node(name) for name in asked))
        grouped, infos = self._parts_by_kind(nodes, roles=True)
        for node in nodes:
            kind = infos[node].kind
            if kind != "DesignProposition":
                raise CimoGraphError(
                    f"{self._id(node, infos)!r} is a {kind or 'node'}, not a "
                    "design proposition; figure(pillars=True) draws pillars."
                )
        # several configurations in one figure: each element once, every stated link
        parts: dict[str, list[Node]] = defaultdict(list)
        for node in nodes:
            for key, found in grouped[node].items():
                parts[key].extend(n for n in found if key == "role" or n not in parts[key])
        carriers: dict[Node, set[Node]] = defaultdict(set)
        for rows in self._parts(nodes).values():
            for row in rows:
                if str(row["kind"]) == "intervention" and row.get("role") is not None:
                    carriers[row["part"]].add(row["role"])

        def ordered(key: str) -> list[Node]:
            return sorted(set(parts[key]), key=lambda n: _natural(self._id(n, infos)))

        columns = [ordered(k) for k in ("context", "intervention", "mechanism", "outcome")]
        actors = self._figure_actors(columns[1], carriers, infos, lang)
        if actors is None:  # each role heads the interventions it carries out
            roles_order = {
                role: number
                for number, role in enumerate(
                    sorted(
                        {r for found in carriers.values() for r in found},
                        key=lambda r: _natural(self._id(r, infos)),
                    )
                )
            }
            columns[1].sort(
                key=lambda n: (
                    sorted(roles_order[r] for r in carriers.get(n, ())) or [len(roles_order)]
                )
            )
        position = {n: (c, i) for c, column in enumerate(columns) for i, n in enumerate(column)}
        stated = self._stated_links(nodes)
        links = sorted(
            {
                (position[a], position[b])
                for node in nodes
                for a, b in stated.get(node, ())
                if a in position and b in position
            }
        )
        by = {"nl": "uitgevoerd door"}.get(lang, "carried out by")

        def item(node: Node, cls: str) -> FigureItem:
            group = ""
            if cls == "Intervention" and actors is None and carriers.get(node):
                names = [
                    self._role_name(r, infos, lang)
                    for r in sorted(carriers[node], key=lambda r: _natural(self._id(r, infos)))
                ]
                group = f"{by} {join(names, lang)}"
            return FigureItem(self._label(node, infos, lang), cls, group)

        classes = ("Context", "Intervention", "Mechanism", "Outcome")
        heading = "; ".join(self._label(node, infos, lang) for node in nodes)
        return chain_figure(
            heading if title else None,
            [[item(n, cls) for n in column] for column, cls in zip(columns, classes, strict=True)],
            lang=lang,
            added_value=[item(n, "AddedValue") for n in ordered("added value")],
            actors=actors,
            links=links,
            width=width,
            fontsize=fontsize,
            grayscale=grayscale,
        )

    def _figure_actors(
        self,
        interventions: Sequence[Node],
        carriers: Mapping[Node, set[Node]],
        infos: Mapping[Node, Info],
        lang: str,
    ) -> str | None:
        """Who carries out the interventions, as the heading of their column: the one role
        that carries out every one of them (as the sentence names it), or ``None`` where
        they differ (each role then heads the interventions it carries out)."""
        roles = {frozenset(carriers.get(node, ())) for node in interventions}
        if len(roles) != 1:
            return None
        (shared,) = roles
        if not shared:
            return None
        names = [
            self._role_name(r, infos, lang)
            for r in sorted(shared, key=lambda r: _natural(self._id(r, infos)))
        ]
        return join(names, lang)

    def _pillars_figure(
        self, lang: str, width: float, fontsize: float, grayscale: bool, title: bool
    ) -> CimoFigure:
        from ..sparql import named_query
        from .figures import FigureItem, pillars_figure

        rows = self._select(named_query("pillars"), {})
        pillars = {r["pillar"] for r in rows}
        if not pillars:
            raise CimoGraphError(
                "figure(pillars=True): the study has no pillars (cimo:Pillar) to draw; "
                "draw a design proposition instead, figure('<its id>')"
            )
        grouped, infos = self._parts_by_kind(pillars)
        ordered = sorted(pillars, key=lambda p: _natural(self._id(p, infos)))
        columns = []
        for pillar in ordered:
            parts = grouped[pillar]
            columns.append(
                (
                    FigureItem(
                        f"{self._id(pillar, infos)}. {self._label(pillar, infos, lang)}", "Pillar"
                    ),
                    [FigureItem(t, "Aim") for t in self._label_list(parts["aim"], infos, lang)],
                    [
                        FigureItem(t, "Means")
                        for t in self._label_list(parts["means"] + parts["shaping"], infos, lang)
                    ],
                )
            )
        headings = {"en": "The pillars of the design", "nl": "De pijlers van het ontwerp"}
        heading = headings.get(lang, headings["en"])
        return pillars_figure(
            heading if title else None,
            columns,
            lang=lang,
            width=width,
            fontsize=fontsize,
            grayscale=grayscale,
        )

    def export(
        self,
        path: Path | str,
        *,
        format: str | None = None,
        focus: str | URIRef | None = None,
        depth: int | None = None,
        themes: bool | None = None,
        lang: str = "en",
        mappings: str = "exact",
        dpi: int = 300,
        width: float = 7.0,
        grayscale: bool = False,
        title: bool = True,
    ) -> Path:
        """Write a picture or export to ``path``; the format comes from ``format`` or the
        suffix: ``html`` (interactive page), ``svg``/``pdf``/``png`` (a figure), ``graphml``,
        ``gexf``, ``cyjs`` (Cytoscape JSON) or ``dot``. Written whole or not at all.

        The figure of a design proposition in ``focus`` is its CIMO chain
        (:meth:`figure`), of ``focus="pillars"`` the pillars; of any other focus (a theme,
        a node, a proposition with ``depth`` or ``themes``) or of a whole study small
        enough, the network (:meth:`network_figure`). ``dpi``, ``width``, ``grayscale``
        and ``title`` shape figures as in :meth:`figure`; ``mappings`` joins the themes of
        several studies as in :meth:`to_networkx`.
        """
        path = Path(path)
        fmt = (format or path.suffix.lstrip(".")).lower()
        if fmt not in RENDER_FORMATS:
            raise CimoGraphError(f"Cannot write {fmt!r}; formats: {', '.join(RENDER_FORMATS)}.")
        if fmt == "html":
            self.to_html(
                focus=focus, depth=depth, themes=themes, lang=lang, mappings=mappings
            ).save(path)
        elif fmt in ("svg", "pdf", "png"):
            if focus is not None and str(focus).lower() in ("pillars", "pijlers"):
                fig = self.figure(
                    pillars=True, lang=lang, width=width, grayscale=grayscale, title=title
                )
            elif focus is not None and depth is None and not themes and self._is_proposition(focus):
                fig = self.figure(focus, lang=lang, width=width, grayscale=grayscale, title=title)
            else:
                fig = self.network_figure(
                    focus,
                    depth=depth,
                    themes=themes,
                    mappings=mappings,
                    lang=lang,
                    width=width,
                    grayscale=grayscale,
                    title=title,
                )
            fig.savefig(path, format=fmt, dpi=dpi)
        else:
            from .exports import write_export

            graph = self.to_networkx(
                focus=focus, depth=depth, themes=themes, lang=lang, mappings=mappings
            )
            write_export(graph, path, fmt)
        return path

    def _is_proposition(self, name: str | URIRef) -> bool:
        node, kind = self._names().node(name, themes=True)
        return kind != "theme" and self._annotate([node])[node].kind == "DesignProposition"


def _natural(text: str) -> tuple[Any, ...]:
    from ..questions import natural_key

    return natural_key(text)


def _display(page: NetworkPage) -> None:
    """Show the page inline when running in a Jupyter kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        from IPython.display import display

        display(page)  # type: ignore[no-untyped-call]  # IPython is not annotated
