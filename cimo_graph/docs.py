"""Documentation of the ontology: an HTML page made by pyLODE and a picture of its terms."""

from __future__ import annotations

import logging
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ._files import write_text
from ._resources import ontology_graph, ontology_path
from .errors import CimoGraphError
from .labels import choose_label
from .lookup import local_name
from .namespace import CIMO

__all__ = ["build_docs", "ontology_figure"]


def build_docs(folder: Path | str) -> list[Path]:
    """Write ``ontology.html`` (pyLODE) and ``ontology.svg``/``.png`` (every class and
    object property) into ``folder``; return their paths."""
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
        html = OntPub(ontology=str(ontology_path())).make_html()
    finally:
        root.setLevel(level)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "ontology.html"
    write_text(page, html)
    figure = ontology_figure()
    written = [page]
    for suffix in ("svg", "png"):
        path = folder / f"ontology.{suffix}"
        figure.savefig(path, dpi=150)
        written.append(path)
    return written


def ontology_figure(*, lang: str = "en"):
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
    canvas = _Canvas(9.0, 7.0, False)
    columns: dict[int, list[URIRef]] = {}
    for cls in classes:
        name = local_name(str(cls))
        columns.setdefault(layer_of(name) if name != "StudyElement" else 5, []).append(cls)
    width, gap = 1.25, 0.22
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
        label = str(choose_label(ontology.objects(prop, RDFS.label), lang) or local_name(prop))
        ends = f"{_name(domain)} -> {_name(target)}"
        lines.append(f"cimo:{local_name(prop)} ({label}): {ends}")
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


def _name(node) -> str:
    if node is None:
        return "any"
    if isinstance(node, URIRef):
        return (
            f"cimo:{local_name(node)}" if str(node).startswith(str(CIMO._NS)) else local_name(node)
        )
    return "Pillar or Role"
