"""Documentation of the ontology: an HTML page made by pyLODE and a picture of its terms."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from ._files import write_text
from ._resources import ontology_graph
from .errors import CimoGraphError
from .labels import choose_label
from .lookup import local_name

if TYPE_CHECKING:
    from rdflib.term import Node

    from .views.figures import CimoFigure
from .namespace import CIMO

__all__ = ["build_docs", "ontology_figure"]


def build_docs(folder: Path | str) -> list[Path]:
    """Write ``index.html`` and ``ontology.html`` (pyLODE's page, the same, with the
    picture shown and linked) and ``ontology.svg``/``.png`` (every class and object
    property) into ``folder``; return their paths.

    Terms labelled in several languages are headed by every label, each tagged with its
    language ("intervention (en) · interventie (nl)"): pyLODE alone runs them together."""
    root = logging.getLogger()
    level = root.level
    try:  # pyLODE sets the root logger to DEBUG when imported: put it back afterwards
        try:
            from pylode import OntPub
        except ImportError as error:  # an optional part: say how to get it
            raise CimoGraphError(
                "Building the documentation needs pyLODE: pip install 'cimo-graph[docs]'"
            ) from error
        root.setLevel(logging.WARNING)
        html = OntPub(ontology=_labels_tagged(ontology_graph())).make_html()
    finally:
        root.setLevel(level)
    html = html.replace("<h2>Metadata</h2>", _PICTURE + "\n        <h2>Metadata</h2>", 1)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    figure = ontology_figure()
    written = []
    for suffix in ("svg", "png"):
        path = folder / f"ontology.{suffix}"
        figure.savefig(path, dpi=150)
        written.append(path)
    for name in ("ontology.html", "index.html"):
        write_text(folder / name, html)
        written.insert(0, folder / name)
    return written


#: the picture of the ontology at the top of its page, linked to both files
_PICTURE = """<p class="cimo-picture"><a href="ontology.svg"><img src="ontology.svg"
          alt="The CIMO ontology: classes and object properties" style="max-width: 100%"></a>
          <br>The picture as <a href="ontology.svg">SVG</a> or
          <a href="ontology.png">PNG</a>.</p>"""

#: the annotations pyLODE shows as a term's or the ontology's name
_NAMES = (RDFS.label, DCTERMS.title, SKOS.prefLabel)


def _labels_tagged(graph: Graph) -> Graph:
    """A copy of ``graph`` in which a name given in several languages becomes one text of
    all of them, each tagged, English first: what pyLODE heads a term with."""
    tagged = Graph()
    for prefix, namespace in graph.namespaces():
        tagged.bind(prefix, namespace)
    for triple in graph:
        tagged.add(triple)
    for name in _NAMES:
        subjects = {s for s, o in graph.subject_objects(name) if isinstance(o, Literal)}
        for subject in subjects:
            texts = [o for o in graph.objects(subject, name) if isinstance(o, Literal)]
            languages = {text.language for text in texts}
            if len(languages) < 2:
                continue
            texts.sort(key=lambda text: (text.language != "en", text.language or "", str(text)))
            joined = " · ".join(
                f"{text} ({text.language})" if text.language else str(text) for text in texts
            )
            tagged.remove((subject, name, None))
            tagged.add((subject, name, Literal(joined)))
    return tagged


def ontology_figure(*, lang: str = "en") -> CimoFigure:
    """A picture of the ontology: each class as a box in its CIMO column, each object
    property as an arrow from its domain to its range, labelled."""
    from .views.figures import FigureItem, _Canvas
    from .views.style import layer_of

    ontology = ontology_graph()
    classes = sorted(
        (
            c
            for c in ontology.subjects(RDF.type, OWL.Class)
            if isinstance(c, URIRef) and str(c).startswith(str(CIMO._NS))
        ),
        key=str,
    )
    columns: dict[int, list[URIRef]] = {}
    for cls in classes:
        name = local_name(str(cls))
        columns.setdefault(layer_of(name) if name != "StudyElement" else 5, []).append(cls)
    # a column as wide as the longest prefixed name ("(cimo:DesignProposition)") needs
    width, gap = 1.5, 0.22
    canvas = _Canvas(0.24 + len(columns) * (width + gap) - gap, 7.0, False)
    top = (
        canvas.text(
            0.12,
            -0.12,
            "The CIMO ontology: classes and object properties",
            8.5,
            fontsize=10,
            fontweight="bold",
        )
        - 0.15
    )
    boxes: dict[URIRef, tuple[float, float, float]] = {}
    for index, layer in enumerate(sorted(columns)):
        x = 0.12 + index * (width + gap)
        y = top
        for cls in columns[layer]:
            label = str(choose_label(ontology.objects(cls, RDFS.label), lang) or local_name(cls))
            bottom = canvas.box(
                x, y, width, FigureItem(f"{label}\n(cimo:{local_name(cls)})", local_name(cls))
            )
            boxes[cls] = (x, y, bottom)
            y = bottom - 0.25
    properties = sorted(ontology.subjects(RDF.type, OWL.ObjectProperty), key=str)
    lines = []
    for prop in properties:
        domain = ontology.value(prop, RDFS.domain)
        target = ontology.value(prop, RDFS.range)
        label = str(choose_label(ontology.objects(prop, RDFS.label), lang) or local_name(str(prop)))
        ends = f"{_name(domain)} -> {_name(target)}"
        lines.append(f"cimo:{local_name(str(prop))} ({label}): {ends}")
    y = (
        canvas.text(
            0.12,
            canvas.bottom - 0.2,
            "Object properties (domain -> range)",
            8.5,
            fontsize=8,
            fontweight="bold",
        )
        - 0.05
    )
    for line in lines:
        y = canvas.text(0.12, y, line, 8.5, fontsize=6.5) - 0.02
    return canvas.finish(0.12)


def _name(node: Node | None) -> str:
    if node is None:
        return "any"
    if isinstance(node, URIRef):
        return (
            f"cimo:{local_name(node)}" if str(node).startswith(str(CIMO._NS)) else local_name(node)
        )
    return "Pillar or Role"
