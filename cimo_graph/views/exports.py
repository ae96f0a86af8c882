"""The drawing as a networkx graph, and as files other tools read: GraphML and GEXF
(Gephi, yEd), Cytoscape JSON and Graphviz DOT."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import atomic_path, write_text
from .interactive import node_ids
from .layout import layered_positions, wrap_label
from .style import style_for
from .subgraph import Drawing

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EXPORT_FORMATS",
    "cytoscape_json",
    "cytoscape_style",
    "to_dot",
    "to_networkx",
    "write_export",
]

#: Export formats by name, with their usual suffix.
EXPORT_FORMATS = {"graphml": ".graphml", "gexf": ".gexf", "cyjs": ".cyjs", "dot": ".dot"}


def to_networkx(drawing: Drawing) -> nx.MultiDiGraph:
    """A ``MultiDiGraph`` of the drawing, ready for networkx algorithms and exports.

    Nodes are keyed by their id (the IRI where ids collide) and carry ``iri``, ``kind``,
    ``label``, ``label_en``, ``label_nl``, ``source_text``, ``notes``, ``layer``, ``x`` and
    ``y``; edges carry ``relation`` (a prefixed name), ``label`` and a unique ``id``. Every
    value is a plain string or number, as GraphML and GEXF readers expect.
    """
    import networkx as nx

    layered_positions(drawing)
    ids = node_ids(drawing)
    graph = nx.MultiDiGraph(name=drawing.title or "cimo-graph", lang=drawing.lang)
    for node in sorted(drawing.nodes.values(), key=lambda n: (n.layer, n.order)):
        graph.add_node(
            ids[node.iri],
            iri=str(node.iri),
            kind=node.kind,
            label=node.label,
            label_en=node.label_en,
            label_nl=node.label_nl,
            source_text=node.source_text,
            notes=node.notes,
            layer=int(node.layer),
            x=float(node.x),
            y=float(node.y),
        )
    for number, edge in enumerate(drawing.edges):
        key = f"e{number}"
        graph.add_edge(
            ids[edge.source],
            ids[edge.target],
            key=key,
            id=key,
            relation=edge.relation,
            label=edge.label,
        )
    return graph


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def to_dot(graph: nx.MultiDiGraph) -> str:
    """Graphviz DOT text of a graph from :func:`to_networkx`, every id and label quoted:
    each class in its colour and shape, its label wrapped as the page wraps it, each CIMO
    column one rank, left to right (the first column alone on the first rank; each link
    spans as many ranks as its columns lie apart, a link back to an earlier column
    constrains nothing).

    Written here rather than through pydot, which cannot quote ids holding ``:``.
    """
    lines = [
        f"digraph {_quote(graph.graph.get('name', 'cimo-graph'))} {{",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f4f4", fontsize=10];',
        "  edge [fontsize=8];",
    ]
    layers: dict[int, list[str]] = {}
    layer_of: dict[object, int] = {}
    for node, data in graph.nodes(data=True):
        look = style_for(str(data.get("kind", "")))
        drawn = {
            "fillcolor": look.color,
            "shape": _DOT_SHAPES.get(look.shape, "ellipse"),
            "style": "rounded,filled" if look.shape == "box" else "filled",
        }
        # Graphviz draws `label`: the page's wrapped lines, a line break (\n in DOT) between
        # them; label_en and label_nl keep it whole
        shown = {**data, "label": "\n".join(wrap_label(str(data.get("label", node))))}
        attributes = ", ".join(
            f"{key}={_quote(str(value))}"
            for key, value in [*sorted(shown.items()), *drawn.items()]
            if key not in ("x", "y")
        )
        lines.append(f"  {_quote(str(node))} [{attributes}];")
        layer_of[node] = int(data.get("layer", 1))
        layers.setdefault(layer_of[node], []).append(_quote(str(node)))
    for layer in sorted(layers):  # one rank per CIMO column, left to right
        rank = "source" if layer == min(layers) else "same"
        lines.append(f"  {{ rank={rank}; {' '.join(layers[layer])}; }}")
    for source, target, key, data in graph.edges(keys=True, data=True):
        # an edge spans as many ranks as its ends' columns lie apart, so that columns no
        # link joins directly (a proposition's mechanisms and outcomes) keep their order
        apart = layer_of[target] - layer_of[source]
        layout = {"minlen": apart} if apart >= 0 else {"constraint": "false"}
        attributes = ", ".join(
            f"{k}={_quote(str(v))}" for k, v in sorted({**data, **layout}.items())
        )
        lines.append(
            f"  {_quote(str(source))} -> {_quote(str(target))} [key={_quote(key)}, {attributes}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


#: Graphviz's node shapes for the vis shapes of the styles
_DOT_SHAPES = {"box": "box", "ellipse": "ellipse", "diamond": "diamond", "database": "cylinder"}

#: Cytoscape's node shapes for the vis shapes of the styles
_CYTOSCAPE_SHAPES = {"box": "round-rectangle", "ellipse": "ellipse", "diamond": "diamond"}


def cytoscape_json(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Cytoscape JSON of a graph from :func:`to_networkx`, in the form Cytoscape Desktop
    writes (``.cyjs``): the network's ``data`` an object with its ``name``; every node's
    ``name`` (and ``shared_name``) its label, its ``position`` in the layered layout
    (Cytoscape's and Cytoscape.js's ``preset`` layout places it there); every edge named
    ``source (relation) target`` with the relation as its ``interaction``. ``style``
    gives each class its colour and shape (for Cytoscape.js; Cytoscape Desktop takes the
    same rules from :func:`cytoscape_style`); networkx reads it back with
    ``nx.cytoscape_graph``.

    >>> data = cytoscape_json(cg.load().to_networkx(focus="W"))
    >>> data["data"]["name"], data["elements"]["nodes"][0]["data"]["name"]
    ('W: Design proposition: well-being', 'teacher educator')
    >>> data["elements"]["nodes"][0]["position"], data["layout"]
    ({'x': 0.0, 'y': ...}, {'name': 'preset'})
    """
    import networkx as nx

    from .. import __version__

    elements = nx.cytoscape_data(graph)["elements"]
    names = {}
    for node in elements["nodes"]:
        shown = node["data"]
        shown["name"] = shown["shared_name"] = str(shown.get("label") or shown["id"])
        names[shown["id"]] = shown["name"]
        node["position"] = {"x": shown["x"], "y": shown["y"]}
        # the box fits the wrapped label (Cytoscape's "label" size is deprecated)
        lines = wrap_label(shown["name"]) or [""]
        shown["box_width"] = round(max(len(line) for line in lines) * 6.2 + 16)
        shown["box_height"] = len(lines) * 14 + 12
    for edge in elements["edges"]:
        shown = edge["data"]
        interaction = str(shown.get("relation") or shown.get("label") or "link")
        shown["name"] = shown["shared_name"] = (
            f"{names[shown['source']]} ({interaction}) {names[shown['target']]}"
        )
        shown["interaction"] = shown["shared_interaction"] = interaction
    title = str(graph.graph.get("name") or "cimo-graph")
    return {
        "format_version": "1.0",
        "generated_by": f"cimo-graph {__version__}",
        "target_cytoscapejs_version": "~2.1",
        "data": {
            **{key: value for key, value in graph.graph.items() if key != "name"},
            "name": title,
            "shared_name": title,
        },
        "directed": graph.is_directed(),
        "multigraph": graph.is_multigraph(),
        "elements": elements,
        "layout": {"name": "preset"},
        "style": [{"selector": rule["selector"], "style": rule["css"]} for rule in _rules(graph)],
    }


def cytoscape_style(graph: nx.MultiDiGraph, title: str = "cimo-graph") -> list[dict[str, Any]]:
    """The page's styles as a Cytoscape style file (JSON, the form Cytoscape Desktop
    exports and imports with File > Import > Styles from File): each class's colour and
    shape, wrapped labels, arrows with their relation's words.

    >>> style = cytoscape_style(cg.load().to_networkx(focus="W"))
    >>> style[0]["title"], style[0]["style"][0]["selector"]
    ('cimo-graph', 'node')
    """
    from .. import __version__

    return [
        {
            "format_version": "1.0",
            "generated_by": f"cimo-graph {__version__}",
            "target_cytoscapejs_version": "~2.1",
            "title": title,
            "style": _rules(graph),
        }
    ]


def _rules(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Cytoscape's style rules (``selector``, ``css``) for the classes in ``graph``."""
    kinds = sorted({str(kind) for _, kind in graph.nodes(data="kind") if kind})
    return [
        {
            "selector": "node",
            "css": {
                "content": "data(name)",
                "text-wrap": "wrap",
                "text-max-width": "180px",
                "text-valign": "center",
                "text-halign": "center",
                "font-size": 11,
                "width": "data(box_width)",
                "height": "data(box_height)",
                "border-width": 1,
                "border-color": "#555555",
            },
        },
        *(
            {
                "selector": f"node[kind = '{kind}']",
                "css": {
                    "background-color": style_for(kind).color,
                    "shape": _CYTOSCAPE_SHAPES.get(style_for(kind).shape, "ellipse"),
                },
            }
            for kind in kinds
        ),
        {
            "selector": "edge",
            "css": {
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "content": "data(label)",
                "font-size": 9,
                "text-rotation": "autorotate",
                "line-color": "#888888",
                "target-arrow-color": "#888888",
            },
        },
    ]


def _with_viz(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``graph`` whose nodes carry GEXF's ``viz`` position, colour and size, so
    that Gephi opens it in the layered layout and the page's colours (y points up there)."""
    drawn = graph.copy()
    for _, data in drawn.nodes(data=True):
        colour = style_for(str(data.get("kind", ""))).color.lstrip("#")
        red, green, blue = (int(colour[at : at + 2], 16) for at in (0, 2, 4))
        data["viz"] = {
            "position": {"x": data["x"], "y": -data["y"], "z": 0.0},
            "color": {"r": red, "g": green, "b": blue, "a": 1.0},
            "size": 12.0 if data.get("kind") in ("DesignProposition", "Pillar") else 8.0,
        }
    return drawn


def write_export(graph: nx.MultiDiGraph, path: Path | str, fmt: str) -> Path:
    """Write ``graph`` as ``fmt`` (graphml, gexf, cyjs, dot) to ``path``, whole or not at all."""
    import networkx as nx

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}.")
    from ..guards import refuse_unwritable

    path = Path(path)
    if fmt in ("graphml", "gexf"):  # XML: a control character would break the file
        texts = [value for _, data in graph.nodes(data=True) for value in data.values()]
        texts += [value for *_, data in graph.edges(data=True) for value in data.values()]
        refuse_unwritable(texts, path)
    if fmt == "dot":
        write_text(path, to_dot(graph))
    elif fmt == "cyjs":
        # the network, and beside it its style for Cytoscape Desktop (study.style.json)
        style = json.dumps(cytoscape_style(graph), ensure_ascii=False, indent=1)
        write_text(path.with_suffix(".style.json"), style)
        write_text(path, json.dumps(cytoscape_json(graph), ensure_ascii=False, indent=1))
    else:
        with atomic_path(path) as temporary:
            if fmt == "graphml":
                nx.write_graphml(graph, temporary, encoding="utf-8")
            else:
                _write_gexf(graph, temporary)
    return path


def _write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """GEXF 1.2 by networkx's writer, made valid and reproducible: the graph's name goes
    into the meta's description (GEXF's graph element has no name attribute), the creator
    is cimo-graph, and no date of writing is stamped (it changed the file's bytes every
    day), so the same study gives the same bytes."""
    from xml.etree.ElementTree import SubElement

    from networkx.readwrite.gexf import GEXFWriter

    from .. import __version__

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(_with_viz(graph))
    meta, drawn = writer.xml.find("meta"), writer.xml.find("graph")
    meta.attrib.pop("lastmodifieddate", None)
    meta.find("creator").text = f"cimo-graph {__version__}"
    name = drawn.attrib.pop("name", "")
    if name:
        SubElement(meta, "description").text = name
    with open(path, "wb") as handle:
        writer.write(handle)
