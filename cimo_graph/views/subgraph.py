"""What to draw: the nodes and links of the whole study or of a focus, with their text."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from ..errors import DrawingTooLargeError
from ..labels import term_words
from ..locales import words
from ..lookup import local_name
from ..questions import Info, natural_key
from ..questions.base import mapped_groups
from ..questions.collection import term_of
from ..sparql import named_query
from .style import layer_of

if TYPE_CHECKING:
    from ..questions import Questions

__all__ = ["WHOLE_LINKS", "Drawing", "DrawnEdge", "DrawnNode", "select"]

#: The links that say a whole (a proposition, a pillar) holds a part.
WHOLE_LINKS = frozenset(
    {
        "hasContext",
        "hasIntervention",
        "hasMechanism",
        "hasOutcome",
        "hasAddedValue",
        "hasAim",
        "hasMeans",
        "shapedBy",
    }
)


@dataclass
class DrawnNode:
    """A node to draw: its identity, class, labels in both languages and its evidence."""

    iri: Node
    id: str
    kind: str
    label: str
    label_en: str
    label_nl: str
    source_text: str
    notes: str
    layer: int
    order: tuple[Any, ...] = ()
    x: float = 0.0
    y: float = 0.0
    #: a theme drawn for themes a mapping joins: each one's label and its studies' ids
    joined: tuple[str, ...] = ()
    #: the texts kg.search looks in: labels, synonyms, source texts, notes, quotes
    texts: tuple[str, ...] = ()


@dataclass
class DrawnEdge:
    """A link to draw: its ends (IRIs), the relation's prefixed name and label."""

    source: Node
    target: Node
    relation: str
    label: str


@dataclass
class Drawing:
    """The nodes and links of a picture, in a fixed order so pictures repeat."""

    nodes: dict[Node, DrawnNode] = field(default_factory=dict)
    edges: list[DrawnEdge] = field(default_factory=list)
    title: str = ""
    lang: str = "en"


def select(
    kg: Questions,
    *,
    focus: str | URIRef | None = None,
    depth: int | None = None,
    themes: bool | None = None,
    lang: str = "en",
    max_nodes: int | None = None,
    mappings: str = "exact",
    readable: str = "an interactive page",
) -> Drawing:
    """Choose what to draw.

    Without ``focus``, every element of the graph. With ``focus``: a design proposition or
    pillar shows its parts (and the roles carrying out its interventions); a theme shows
    the interventions, mechanisms and outcomes on its routes and the elements that mention
    it; any other node its neighbourhood. ``depth`` draws the neighbourhood of the focus
    to that many links instead. ``themes`` adds the theme nodes (default: only for a theme
    focus). Beyond ``max_nodes`` nodes, :class:`DrawingTooLargeError` asks for a focus.

    Themes the graph's mappings make one concept (``mappings="exact"``, ``"close"``; see
    :meth:`~cimo_graph.CimoGraph.compare_studies`) are drawn once, each study's elements
    around them; a theme focus draws the routes to all of them.
    """
    names = kg._names()
    clusters = kg._theme_clusters(mappings)
    members = {
        group: [URIRef(m) for m in found] for group, found in mapped_groups(clusters).items()
    }
    theme_focus: Node | None = None
    focus_themes: set[Node] = set()
    if focus is None:
        chosen = _everything(kg)
        title = words("drawing", lang)["all"]
    else:
        node, kind = names.node(focus, themes=True)
        infos = kg._annotate([node])
        label = kg._label(node, infos, lang)
        if kind == "theme":  # a theme's id is a word of one language: its label instead
            title = f"{words('drawing', lang)['theme']}: {label}"
        else:
            title = f"{kg._id(node, infos)}: {label}"
        if kind == "theme":
            theme_focus = node
            group = clusters.get(str(node), (str(node),))[0]
            focus_themes = set(members.get(group, [node]))
            chosen = set().union(*(_theme_nodes(kg, theme) for theme in focus_themes))
        elif depth is not None:
            chosen = _neighbourhood(kg, node, depth)
        else:
            cls = infos[node].kind
            if cls in ("DesignProposition", "Pillar"):
                grouped, _ = kg._parts_by_kind([node], roles=True)
                chosen = {node} | {n for nodes in grouped[node].values() for n in nodes}
            else:
                chosen = _neighbourhood(kg, node, 1)
    with_themes = themes if themes is not None else theme_focus is not None
    if not (with_themes and clusters):  # no mapping can merge nodes: too many already?
        _at_most(len(chosen), max_nodes, readable)
    edges = _edges_among(kg, chosen, with_themes, focus_themes or None)
    joined: dict[Node, list[Node]] = {}
    if with_themes and clusters:
        # a theme a mapping joins to others is drawn once: as the first of its group with
        # a label in ``lang``
        labelled = kg._annotate({m for found in members.values() for m in found})
        shown = {
            group: min(
                found,
                key=lambda m: (
                    not any(label.language == lang for label in labelled[m].labels),
                    str(m),
                ),
            )
            for group, found in members.items()
        }

        def drawn(node: Node) -> Node:
            return shown[clusters[str(node)][0]] if str(node) in clusters else node

        edges = list(dict.fromkeys((s, r, drawn(t)) for s, r, t in edges))
        chosen = {drawn(n) for n in chosen}
        for group, found in members.items():
            joined[shown[group]] = sorted(found, key=str)
    if with_themes:
        chosen |= {e[2] for e in edges}
    _at_most(len(chosen), max_nodes, readable)
    return _drawing(kg, chosen, edges, title, lang, joined)


def _at_most(count: int, max_nodes: int | None, readable: str) -> None:
    """Refuse a drawing of ``count`` nodes beyond ``max_nodes``, before its links are read
    (a collection's whole network: a minute of queries only to be refused)."""
    if max_nodes is not None and count > max_nodes:
        raise DrawingTooLargeError(
            f"The network would have {count} nodes, more than max_nodes={max_nodes} "
            f"{readable} stays readable with. Draw a focus instead: "
            "focus='<proposition or pillar id>', focus='<theme>', or focus='<node>' with "
            "depth=1; or raise max_nodes."
        )


def _everything(kg: Questions) -> set[Node]:
    nodes = {row["node"] for row in kg._select(named_query("elements"), {})}
    for row in kg._select(named_query("network"), {}):
        if str(row["relation"]).endswith("#theme"):
            continue
        nodes |= {row["source"], row["target"]}
    return nodes


def _theme_nodes(kg: Questions, theme: Node) -> set[Node]:
    routes = kg._theme_routes([theme])
    wholes = {term_of(r["through"]) for r in routes}
    grouped, _ = kg._parts_by_kind(wholes, roles=True)
    chosen = {theme} | wholes
    for parts in grouped.values():
        for kind, nodes in parts.items():
            if kind != "role":
                chosen |= set(nodes)
    for node, _, through in kg._theme_mentions(
        [theme], {"intervention", "mechanism", "outcome", "added value", "aim", "means"}
    ):
        chosen.add(term_of(node))
        if through is not None:
            chosen.add(term_of(through))
    return chosen


def _links(kg: Questions, variable: str, nodes: Iterable[Node]) -> list[tuple[Node, str, Node]]:
    return [
        (row["source"], str(row["relation"]), row["target"])
        for row in kg._select_each(named_query("network"), variable, nodes)
    ]


def _neighbourhood(kg: Questions, start: Node, depth: int) -> set[Node]:
    seen = {start}
    frontier = deque([start])
    for _ in range(max(depth, 0)):
        links = _links(kg, "source", frontier) + _links(kg, "target", frontier)
        following = set()
        for source, relation, target in links:
            if relation.endswith("#theme"):
                continue
            following |= {source, target} - seen
        seen |= following
        frontier = deque(sorted(following, key=str))
        if not frontier:
            break
    return seen


def _edges_among(
    kg: Questions, nodes: set[Node], with_themes: bool, themes: set[Node] | None
) -> list[tuple[Node, str, Node]]:
    edges = []
    for source, relation, target in _links(kg, "source", sorted(nodes, key=str)):
        if relation.endswith("#theme"):
            if with_themes and (themes is None or target in themes):
                edges.append((source, relation, target))
        elif target in nodes:
            edges.append((source, relation, target))
    return edges


def _drawing(
    kg: Questions,
    nodes: set[Node],
    edges: list[tuple[Node, str, Node]],
    title: str,
    lang: str,
    joined: dict[Node, list[Node]] | None = None,
) -> Drawing:
    """The drawing of ``nodes`` and ``edges``; a theme drawn for the group of themes a
    mapping joins (``joined``: the group's themes by the one drawn) names them in its
    notes."""
    joined = {node: found for node, found in (joined or {}).items() if node in nodes}
    infos = kg._annotate(nodes | {m for found in joined.values() for m in found})
    holders: dict[Node, list[str]] = {}
    for source, relation, target in edges:
        if local_name(relation) in WHOLE_LINKS:
            holders.setdefault(target, []).append(kg._id(source, infos))
    quotes: dict[Node, list[str]] = {}
    for row in kg._select_each(named_query("evidence"), "node", sorted(nodes, key=str)):
        if str(row.get("kind")) == "quote" and row.get("text") is not None:
            quotes.setdefault(row["node"], []).append(str(row["text"]))
    drawing = Drawing(title=title, lang=lang)
    for node in nodes:
        info = infos.get(node, Info(node))
        kind = info.kind or ("Theme" if SKOS.Concept in info.types else "")
        node_id = kg._id(node, infos)
        holder = min(holders.get(node, []), key=natural_key, default="")
        members = _joined_members(kg, node, joined, infos, lang)
        drawing.nodes[node] = DrawnNode(
            iri=node,
            id=node_id,
            kind=kind,
            label=kg._label(node, infos, lang),
            label_en=kg._label(node, infos, "en"),
            label_nl=kg._label(node, infos, "nl"),
            source_text=kg._texts(info.source_texts),
            notes=(
                "one theme across studies: " + "; ".join(members)
                if members
                else kg._texts(info.notes)
            ),
            layer=layer_of(kind),
            order=(natural_key(holder), natural_key(node_id)),
            joined=tuple(members),
            texts=tuple(
                str(text)
                for text in [*info.labels, *info.synonyms, *info.source_texts, *info.notes]
            )
            + tuple(sorted(set(quotes.get(node, ())))),
        )
    label_of = {relation: term_words(relation, lang) for _, relation, _ in edges}
    names = kg._prefixes()
    for source, relation, target in sorted(
        edges, key=lambda e: (drawing.nodes[e[0]].order, e[1], drawing.nodes[e[2]].order)
    ):
        drawing.edges.append(
            DrawnEdge(source, target, _prefixed(relation, names), label_of[relation])
        )
    return drawing


def _joined_members(
    kg: Questions, node: Node, joined: dict[Node, list[Node]], infos: Any, lang: str
) -> list[str]:
    """The themes a theme is drawn for (a group a mapping joins), each with its studies."""
    if node not in joined:
        return []
    studies: dict[str, set[str]] = {}
    for member, study in kg._strings_each(named_query("node-study"), "node", joined[node]):
        if member is not None and study is not None:
            studies.setdefault(member, set()).add(study)
    names = kg._annotate({URIRef(s) for found in studies.values() for s in found})
    parts = []
    for member in joined[node]:
        label = kg._label(member, infos, lang)
        held = sorted(kg._id(URIRef(s), names) for s in studies.get(str(member), ()))
        parts.append(f"{label} ({', '.join(held)})" if held else label)
    return parts


def _prefixed(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, namespace in sorted(prefixes.items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace) and prefix:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
