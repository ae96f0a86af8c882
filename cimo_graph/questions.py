"""The questions researchers ask, answered as DataFrames with the evidence behind them.

:class:`Questions` holds every helper (``interventions_for``, ``mechanisms_for``, ...).
It runs the named queries of ``cimo_graph/queries/`` through three methods a backend
provides (``_select``, ``_select_each`` and ``_prefixes``), so the same helpers answer
from the in-memory graph and from a remote SPARQL endpoint.
"""

from __future__ import annotations

import functools
import gc
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from .errors import CimoGraphError, QueryParameterError
from .labels import choose_label
from .lookup import NameIndex, local_name
from .namespace import CIMO
from .sentences import proposition_sentence
from .sparql import NamedQuery, named_queries, named_query

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Questions", "Row"]

Row = dict[str, Node | None]

#: Columns of the route answers (interventions_for, mechanisms_for, outcomes_of).
ROUTE_COLUMNS = [
    "id",
    "label",
    "kind",
    "match",
    "route",
    "through",
    "through_label",
    "via",
    "via_kind",
    "via_label",
    "mechanisms",
    "link",
    "carried_out_by",
    "source_text",
    "notes",
    "study",
    "iri",
]
_TEXT_SEPARATOR = " | "
#: Annotation fields shown in a fixed order: by language, then text.
_SORTED_FIELDS = {"label", "synonym", "source_text", "note"}
_ID_SEPARATOR = "; "


@dataclass(slots=True)
class Info:
    """What the annotations query returned for one node."""

    iri: Node
    labels: list[Literal] = field(default_factory=list)
    synonyms: list[Literal] = field(default_factory=list)
    plurals: list[Literal] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    types: list[Node] = field(default_factory=list)
    themes: list[Node] = field(default_factory=list)
    source_texts: list[Literal] = field(default_factory=list)
    locations: list[Literal] = field(default_factory=list)
    notes: list[Literal] = field(default_factory=list)
    studies: list[Node] = field(default_factory=list)
    titles: list[Literal] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """The node's CIMO class name (``Intervention``), or ``""``."""
        names = sorted(local_name(str(t)) for t in self.types if str(t).startswith(str(CIMO._NS)))
        specific = [n for n in names if n != "StudyElement"]
        return specific[0] if specific else (names[0] if names else "")


def natural_key(text: str) -> list[Any]:
    """Sort ``C-I2`` before ``C-I10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while an answer (or the name index) is built.

    A large answer makes hundreds of thousands of small objects and no reference cycles;
    the collector would walk every live object again and again (half the time of
    ``propositions()`` at 1,000 studies, bench/run.py).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def one_lookup(method: Any) -> Any:
    """Check the name index once per question, not at every name looked up in it; and
    build the answer with the cycle collector paused."""

    @functools.wraps(method)
    def wrapper(self: Questions, *args: Any, **kwargs: Any) -> Any:
        if getattr(self, "_pinned_names", None) is not None:
            return method(self, *args, **kwargs)
        with collector_paused():
            self._pinned_names = self._names()
            try:
                return method(self, *args, **kwargs)
            finally:
                self._pinned_names = None

    return wrapper


def _reach(links: Iterable[tuple[Node, Node]], start: Node | None) -> set[Node]:
    """What the stated links connect to ``start``: what leads to it (an outcome's
    mechanisms and their interventions) and what it leads to (an intervention's
    mechanisms and their outcomes). Empty without links or a start."""
    links = list(links)
    if start is None or not links:
        return set()
    found: set[Node] = set()
    for forward in (True, False):
        frontier = [start]
        while frontier:
            node = frontier.pop()
            for source, target in links:
                here, there = (source, target) if forward else (target, source)
                if here == node and there not in found:
                    found.add(there)
                    frontier.append(there)
    return found


def per_study(method: Any) -> Any:
    """A listing gains a ``study`` column, after ``label``, when the graph holds more than
    one study: the same id may then stand in several, and each row says whose it is."""

    @functools.wraps(method)
    def wrapper(self: Questions, *args: Any, **kwargs: Any) -> Any:
        frame = method(self, *args, **kwargs)
        if "study" in frame.columns or "iri" not in frame.columns:
            return frame
        if len(self._select(named_query("study-iris"), {})) < 2:
            return frame
        nodes = [URIRef(iri) for iri in frame["iri"]]
        rows = self._select_each(named_query("node-study"), "node", nodes)
        names = self._names()
        names.prefetch(row["study"] for row in rows)
        owner: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            owner[str(row["node"])].add(names.display(row["study"]))
        column = [_ID_SEPARATOR.join(sorted(owner.get(iri, ()))) for iri in frame["iri"]]
        frame.insert(list(frame.columns).index("label") + 1, "study", column)
        return frame

    return wrapper


class Questions:
    """The question helpers; a backend supplies ``_select``, ``_select_each``, ``_prefixes``."""

    # --- provided by the backend -------------------------------------------------------

    def _select(self, query: NamedQuery, bindings: Mapping[str, Node]) -> list[Row]:
        raise NotImplementedError

    def _select_each(self, query: NamedQuery, variable: str, terms: Iterable[Node]) -> list[Row]:
        raise NotImplementedError

    def _prefixes(self) -> dict[str, str]:
        raise NotImplementedError

    def _index_key(self) -> object:
        """A value that changes when the data does, so the name index is rebuilt."""
        return None

    # --- names -------------------------------------------------------------------------

    def _names(self) -> NameIndex:
        pinned = getattr(self, "_pinned_names", None)
        if pinned is not None:  # inside one question: the version was checked at its start
            return pinned
        key = self._index_key()
        cached = getattr(self, "_name_cache", None)
        if cached is None or cached[0] != key:
            index = NameIndex(
                lambda name, bindings: self._select(named_query(name), bindings),
                lambda name, variable, terms: self._select_each(named_query(name), variable, terms),
                self._prefixes(),
            )
            self._name_cache = (key, index)
        return self._name_cache[1]

    def theme(self, name: str | URIRef) -> URIRef:
        """The IRI of the theme called ``name``: its id, Dutch or English label or any
        synonym, in any case and with or without accents.

        Raises :class:`~cimo_graph.UnknownThemeError` naming the closest themes.

        >>> kg = cg.load()
        >>> kg.theme("Eigen regie") == kg.theme("self-direction") == kg.theme("zelfsturing")
        True
        >>> try:
        ...     kg.theme("self-directon")
        ... except cg.UnknownThemeError as error:
        ...     print(error)
        Unknown theme 'self-directon'. Did you mean: 'self-direction'?
        """
        return self._names().theme(name)

    def node(self, name: str | URIRef) -> URIRef:
        """The IRI of the study element called ``name``: its id (``W-I3``), prefixed name
        (``lnw:W-I3``), IRI or label in either language.

        >>> cg.load().node("W-I3")
        rdflib.term.URIRef('https://w3id.org/cimo-graph/study/leernetwerken/W-I3')
        """
        return self._names().node(name)[0]

    # --- the query library -------------------------------------------------------------

    def queries(self) -> pd.DataFrame:
        """The named queries: name, what each answers, and its parameters.

        >>> "theme-routes" in cg.load().queries()["name"].tolist()
        True
        """
        rows = [
            {
                "name": q.name,
                "summary": q.summary,
                "parameters": ", ".join(f"{p.name} ({p.kind})" for p in q.parameters),
                "description": q.description,
            }
            for q in named_queries().values()
        ]
        return _frame(rows, ["name", "summary", "parameters", "description"])

    def query(
        self, name: str, *, timeout: float | None = None, **params: Any
    ) -> pd.DataFrame | bool | Any:
        """Run the named query ``name`` with its parameters bound, as :meth:`sparql` does.

        A ``theme`` parameter takes any name of a theme, a ``node`` parameter any id or
        label of an element; each is resolved to its IRI and bound, never pasted into the
        query text. Parameters left out stay unbound (the query then ranges over all).
        ``timeout`` (seconds) bounds the run as in :meth:`sparql`.

        >>> kg = cg.load()
        >>> kg.query("theme-routes", theme="zelfsturing")["through"].tolist()
        ['lnw:C', 'lnw:P3']
        """
        query = named_query(name)
        declared = {p.name: p for p in query.parameters}
        unknown = sorted(set(params) - set(declared))
        if unknown:
            expected = ", ".join(declared) or "none"
            raise QueryParameterError(
                f"Query {name!r} takes no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters: {expected}."
            )
        bindings = {
            key: self._parameter(declared[key].kind, value) for key, value in params.items()
        }
        limit = {} if timeout is None else {"timeout": timeout}
        result = self.sparql(query.text, **limit, **bindings)
        if hasattr(result, "sort_values") and len(result.columns):
            # SPARQL leaves the order open; sort so that answers repeat
            result = result.sort_values(
                list(result.columns), key=lambda c: c.astype(str), ignore_index=True
            )
        return result

    def _parameter(self, kind: str, value: Any) -> Node:
        if isinstance(value, Node):
            return value
        if kind == "theme":
            return self.theme(str(value))
        if kind == "node":
            return self._names().node(str(value), themes=True)[0]
        return Literal(value)

    def sparql(self, text: str, **bindings: Any) -> Any:
        raise NotImplementedError

    # --- annotations -------------------------------------------------------------------

    def _annotate(
        self, nodes: Iterable[Node | None], *, names_only: bool = False
    ) -> dict[Node, Info]:
        """What to show of each node; ``names_only``: its labels and ids alone."""
        wanted = sorted({n for n in nodes if n is not None}, key=str)
        infos = {node: Info(node) for node in wanted}
        slots = {
            "label": "labels",
            "synonym": "synonyms",
            "plural": "plurals",
            "type": "types",
            "theme": "themes",
            "source_text": "source_texts",
            "location": "locations",
            "note": "notes",
            "study": "studies",
            "title": "titles",
        }
        query = named_query("names" if names_only else "annotations")
        unsorted: list[list[Literal]] = []
        for row in self._select_each(query, "node", wanted):
            info = infos.get(row["node"])
            if info is None:
                continue
            name, value = str(row["field"]), row["value"]
            if name == "id":
                info.ids.append(str(value))
            elif name in slots:
                values = getattr(info, slots[name])
                values.append(value)
                if len(values) == 2 and name in _SORTED_FIELDS:
                    unsorted.append(values)
        for values in unsorted:  # only lists of two or more need an order
            values.sort(key=lambda v: (v.language or "", str(v)))
        return infos

    def _id(self, node: Node | None, infos: Mapping[Node, Info]) -> str:
        if node is None:
            return ""
        info = infos.get(node)
        if info is None:
            return self._names().display(node)
        # the annotations were read with the ids: a node without one shows its local name
        return sorted(info.ids)[0] if info.ids else local_name(str(node))

    def _label(self, node: Node | None, infos: Mapping[Node, Info], lang: str) -> str:
        if node is None:
            return ""
        info = infos.get(node)
        label = choose_label(info.labels, lang) if info is not None else None
        return str(label) if label is not None else self._id(node, infos)

    @staticmethod
    def _texts(literals: Iterable[Literal]) -> str:
        return _TEXT_SEPARATOR.join(str(t) for t in literals)

    def _ids(self, nodes: Iterable[Node], infos: Mapping[Node, Info]) -> str:
        return _ID_SEPARATOR.join(sorted({self._id(n, infos) for n in nodes}, key=natural_key))

    def _label_list(
        self, nodes: Iterable[Node], infos: Mapping[Node, Info], lang: str
    ) -> list[str]:
        ordered = sorted(set(nodes), key=lambda n: natural_key(self._id(n, infos)))
        return [self._label(n, infos, lang) for n in ordered]

    def _labels(self, nodes: Iterable[Node], infos: Mapping[Node, Info], lang: str) -> str:
        return _TEXT_SEPARATOR.join(self._label_list(nodes, infos, lang))

    # --- routes ------------------------------------------------------------------------

    def _parts(self, wholes: Iterable[Node]) -> dict[Node, list[Row]]:
        parts: dict[Node, list[Row]] = defaultdict(list)
        for row in self._select_each(named_query("parts"), "whole", wholes):
            parts[row["whole"]].append(row)
        return parts

    def _parts_by_kind(
        self, wholes: Iterable[Node], *, roles: bool = False
    ) -> tuple[dict[Node, dict[str, list[Node]]], dict[Node, Info]]:
        """For each whole, its parts by kind (``"intervention"``, ...), and the annotations
        of the wholes, their parts and (with ``roles``) the roles carrying them out."""
        wholes = list(wholes)
        grouped: dict[Node, dict[str, list[Node]]] = {w: defaultdict(list) for w in wholes}
        nodes: set[Node] = set(wholes)
        for whole, rows in self._parts(wholes).items():
            for row in rows:
                grouped[whole][str(row["kind"])].append(row["part"])
                nodes.add(row["part"])
                if roles and row.get("role") is not None:
                    grouped[whole]["role"].append(row["role"])
                    nodes.add(row["role"])
        infos = self._annotate(nodes - set(wholes), names_only=True)
        infos.update(self._annotate(wholes))
        return grouped, infos

    def _actors(
        self, parts: Mapping[str, list[Node]], infos: Mapping[Node, Info], lang: str
    ) -> str | None:
        """The plural of the one role that carries out every intervention of a
        proposition ("opleiders"), or ``None`` when there is no such single role."""
        roles = set(parts["role"])
        if len(roles) != 1 or len(parts["role"]) != len(parts["intervention"]):
            return None
        role = next(iter(roles))
        plural = choose_label(infos[role].plurals, lang)
        return str(plural) if plural is not None else self._label(role, infos, lang)

    def _stated_links(self, wholes: Iterable[Node]) -> dict[Node, list[tuple[Node, Node]]]:
        """For each proposition, the (from, to) links its study states between its parts:
        intervention activates mechanism, mechanism leads to outcome."""
        links: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        if not self._select(named_query("any-stated-link"), {}):
            return links  # most studies state none: one look at the index says so
        for row in self._select_each(named_query("stated-links"), "whole", wholes):
            links[row["whole"]].append((row["from"], row["to"]))
        return links

    def _holders(self, node: Node) -> list[Row]:
        return self._select(named_query("parts"), {"part": node})

    def _route_frame(
        self,
        routes: list[dict[str, Any]],
        kinds: set[str],
        lang: str,
        mentions: Sequence[Row] = (),
        *,
        carriers_only: bool = False,
    ) -> pd.DataFrame:
        """One row per (node, route): the members of each route's whole of the given kinds
        (with ``carriers_only``, only those that carry the route's theme), then the
        mentions that lie on no route."""
        parts = self._parts({r["through"] for r in routes})
        stated = self._stated_links({r["through"] for r in routes if r["route"] == "proposition"})
        members: dict[tuple[Node, Node], dict[str, Any]] = {}
        for route in routes:
            rows = parts.get(route["through"], [])
            mechanisms = [r["part"] for r in rows if str(r["kind"]) == "mechanism"]
            # the parts the study links to the route's element itself, where it says so
            reach = _reach(stated.get(route["through"], ()), route.get("via"))
            kinds_reached = {str(r["kind"]) for r in rows if r["part"] in reach}
            for row in rows:
                kind = str(row["kind"])
                if kind not in kinds:
                    continue
                if carriers_only and row["part"] != route.get("via"):
                    continue
                specific = kind in kinds_reached
                if specific and row["part"] not in reach:
                    continue  # the study links other parts of this kind to the element
                key = (row["part"], route["through"])
                entry = members.setdefault(
                    key,
                    {
                        "node": row["part"],
                        "match": route["match"],
                        "route": route["route"],
                        "through": route["through"],
                        "via": set(),
                        "via_kind": set(),
                        "mechanisms": [],
                        "link": set(),
                        "roles": set(),
                    },
                )
                if route["route"] == "proposition":
                    linked = [m for m in mechanisms if m in reach] if specific else []
                    entry["mechanisms"] = list(
                        dict.fromkeys([*entry["mechanisms"], *(linked or mechanisms)])
                    )
                    entry["link"].add("stated" if specific else "proposition")
                if route.get("via") is not None:
                    entry["via"].add(route["via"])
                    entry["via_kind"].add(route["via_kind"])
                if row.get("role") is not None:
                    entry["roles"].add(row["role"])
        on_route = {node for node, _ in members}
        for row in mentions:
            if row["node"] in on_route:
                continue
            key = (row["node"], row.get("through"))
            holder_kind = "pillar" if str(row["kind"]) in ("aim", "means") else "proposition"
            members.setdefault(
                key,
                {
                    "node": row["node"],
                    "match": "mention",
                    "route": holder_kind if row.get("through") is not None else "",
                    "through": row.get("through"),
                    "via": set(),
                    "via_kind": set(),
                    "mechanisms": [],
                    "link": set(),
                    "roles": set(),
                },
            )
        nodes: set[Node] = set()
        for entry in members.values():
            nodes |= {
                entry["node"],
                entry["through"],
                *entry["via"],
                *entry["mechanisms"],
                *entry["roles"],
            }
        infos = self._annotate(nodes)
        self._names().prefetch(study for info in infos.values() for study in info.studies)
        table = []
        for entry in members.values():
            info = infos.get(entry["node"], Info(entry["node"]))
            table.append(
                {
                    "id": self._id(entry["node"], infos),
                    "label": self._label(entry["node"], infos, lang),
                    "kind": info.kind,
                    "match": entry["match"],
                    "route": entry["route"],
                    "through": self._id(entry["through"], infos),
                    "through_label": self._label(entry["through"], infos, lang),
                    "via": self._ids(entry["via"], infos),
                    "via_kind": _ID_SEPARATOR.join(sorted(entry["via_kind"])),
                    "via_label": self._labels(entry["via"], infos, lang),
                    "mechanisms": self._ids(entry["mechanisms"], infos),
                    "link": _ID_SEPARATOR.join(sorted(entry["link"])),
                    "carried_out_by": self._ids(entry["roles"], infos),
                    "source_text": self._texts(info.source_texts),
                    "notes": self._texts(info.notes),
                    "study": _ID_SEPARATOR.join(
                        sorted(self._names().display(study) for study in info.studies)
                    ),
                    "iri": str(entry["node"]),
                }
            )
        order = {"route": 0, "part": 0, "mention": 1}
        table.sort(
            key=lambda r: (
                r["study"],
                order.get(r["match"], 2),
                r["route"] != "pillar",
                natural_key(r["through"]),
                natural_key(r["id"]),
            )
        )
        return _frame(table, ROUTE_COLUMNS)

    def _theme_routes(
        self, themes: list[Node], kinds: set[str] | None = None
    ) -> list[dict[str, Any]]:
        rows = self._select_each(named_query("theme-routes"), "theme", themes)
        return [
            {
                "through": r["through"],
                "route": str(r["route"]),
                "via": r["via"],
                "via_kind": str(r["viaKind"]),
                "match": "route",
            }
            for r in rows
            if kinds is None or str(r["route"]) in kinds
        ]

    def _theme_mentions(self, themes: list[Node], kinds: set[str]) -> list[Row]:
        rows = self._select_each(named_query("theme-mentions"), "theme", themes)
        return [r for r in rows if str(r["kind"]) in kinds]

    def _element_routes(self, node: Node, what: str) -> tuple[list[dict[str, Any]], str]:
        """Routes through the propositions (or pillars) that hold ``node``, or through
        ``node`` itself when it is a proposition or pillar."""
        kind = self._annotate([node])[node].kind
        if kind == "DesignProposition":
            return [
                {
                    "through": node,
                    "route": "proposition",
                    "via": None,
                    "via_kind": "",
                    "match": "part",
                }
            ], kind
        if kind == "Pillar":
            return [
                {"through": node, "route": "pillar", "via": None, "via_kind": "", "match": "part"}
            ], kind
        routes = [
            {
                "through": r["whole"],
                "route": str(r["wholeKind"]),
                "via": node,
                "via_kind": str(r["kind"]),
                "match": "route",
            }
            for r in self._holders(node)
        ]
        if not routes:
            raise CimoGraphError(
                f"{what} takes a design proposition, a pillar, an element of one, or a theme; "
                f"{self._names().display(node)!r} is a {kind or 'node'} that no proposition "
                "or pillar holds."
            )
        return routes, kind

    # --- the helpers -------------------------------------------------------------------

    @one_lookup
    def interventions_for(self, theme: str | URIRef, *, lang: str = "en") -> pd.DataFrame:
        """Which interventions lead to a theme, by which route, with the evidence.

        Two kinds of rows, told apart by ``match``:

        - ``route``: the intervention lies on a route to the theme. Through a design
          proposition (``route="proposition"``) whose added value or outcomes carry the
          theme (``via``), or through a pillar (``route="pillar"``) whose aim carries it;
          a pillar's "interventions" are its means (``kind="Means"``).
        - ``mention``: the intervention names the theme itself but lies on no route to it,
          so it serves something else (see ``through``).

        Parameters
        ----------
        theme
            A theme's id, Dutch or English label or synonym, in any case.
        lang
            ``"en"`` or ``"nl"``: the language of the labels.

        Returns
        -------
        pandas.DataFrame
            Columns ``id, label, kind, match, route, through, through_label, via,
            via_kind, via_label, mechanisms, link, carried_out_by, source_text, notes,
            study, iri``. ``mechanisms`` lists the mechanisms of a proposition route.
            ``link`` says how the row is linked to ``via``: ``proposition`` where the study
            states the link for the proposition as a whole (then every intervention of
            it is on the route), ``stated`` where it states it for this element itself
            (an intervention that activates a mechanism that leads to the outcome; the
            others of the proposition are then not on that route).

        Examples
        --------
        >>> kg = cg.load()
        >>> answer = kg.interventions_for("zelfsturing")
        >>> for row in answer.itertuples():
        ...     print(row.id, row.match, row.route, row.through, row.via)
        P3-means-1 route pillar P3 P3-aim
        P3-means-2 route pillar P3 P3-aim
        P3-means-3 route pillar P3 P3-aim
        C-I1 route proposition C C-AV
        C-I2 route proposition C C-AV
        C-I3 route proposition C C-AV
        C-I4 route proposition C C-AV
        C-I5 route proposition C C-AV
        C-I6 route proposition C C-AV
        W-I3 mention proposition W
        """
        themes = self._names().themes_named(theme)
        return self._route_frame(
            self._theme_routes(themes),
            {"intervention", "means", "shaping"},
            lang,
            self._theme_mentions(themes, {"intervention", "means"}),
        )

    @one_lookup
    def mechanisms_for(self, target: str | URIRef, *, lang: str = "en") -> pd.DataFrame:
        """The mechanisms of a design proposition, of the propositions holding an outcome
        (or any other element), or on the routes to a theme.

        For a theme, ``match="route"`` rows are the mechanisms of propositions whose added
        value or outcomes carry it, and ``match="mention"`` rows mechanisms that carry the
        theme themselves but lie on no route. Columns as :meth:`interventions_for`.

        >>> kg = cg.load()
        >>> kg.mechanisms_for("W")["id"].tolist()
        ['W-M1', 'W-M2', 'W-M3', 'W-M4']
        >>> kg.mechanisms_for("W-O1")[["id", "through", "via"]].values.tolist()[0]
        ['W-M1', 'W', 'W-O1']
        """
        node, kind = self._names().node(target, themes=True)
        if kind == "theme":
            themes = self._names().themes_named(target)
            routes = self._theme_routes(themes, {"proposition"})
            mentions = self._theme_mentions(themes, {"mechanism"})
        else:
            routes, _ = self._element_routes(node, "mechanisms_for")
            routes = [r for r in routes if r["route"] == "proposition"]
            mentions = []
        return self._route_frame(routes, {"mechanism"}, lang, mentions)

    @one_lookup
    def outcomes_of(self, source: str | URIRef, *, lang: str = "en") -> pd.DataFrame:
        """The outcomes an intervention (or any element) leads to through its propositions,
        the outcomes of a proposition, or the aim of a pillar.

        A pillar's outcome is its aim (``kind="Aim"``); for a means, the aim of its pillar.
        For a theme: the outcomes, added values and aims that carry it on a route. Columns
        as :meth:`interventions_for`.

        >>> kg = cg.load()
        >>> kg.outcomes_of("W-I3")["id"].tolist()
        ['W-O1', 'W-O2', 'W-O3', 'W-O4']
        >>> kg.outcomes_of("P3")["id"].tolist()
        ['P3-aim']
        """
        node, kind = self._names().node(source, themes=True)
        if kind == "theme":
            routes = self._theme_routes(self._names().themes_named(source))
            return self._route_frame(
                routes, {"outcome", "added value", "aim"}, lang, carriers_only=True
            )
        routes, _ = self._element_routes(node, "outcomes_of")
        return self._route_frame(routes, {"outcome", "aim"}, lang)

    @per_study
    @one_lookup
    def propositions(self, *, lang: str = "en") -> pd.DataFrame:
        """The design propositions with their context, interventions, mechanisms, outcomes,
        added value and themes.

        >>> cg.load().propositions()[["id", "interventions"]].values.tolist()
        [['C', 'C-I1; C-I2; C-I3; C-I4; C-I5; C-I6'], ['W', 'W-I1; W-I2; W-I3; W-I4; W-I5; W-I6']]
        """
        rows = self._select(named_query("propositions"), {})
        propositions = sorted({r["proposition"] for r in rows}, key=str)
        grouped, infos = self._parts_by_kind(propositions)
        table = []
        for proposition in propositions:
            by_kind = grouped[proposition]
            info = infos[proposition]
            table.append(
                {
                    "id": self._id(proposition, infos),
                    "label": self._label(proposition, infos, lang),
                    "context": self._ids(by_kind["context"], infos),
                    "context_label": self._labels(by_kind["context"], infos, lang),
                    "interventions": self._ids(by_kind["intervention"], infos),
                    "mechanisms": self._ids(by_kind["mechanism"], infos),
                    "outcomes": self._ids(by_kind["outcome"], infos),
                    "added_value": self._ids(by_kind["added value"], infos),
                    "added_value_label": self._labels(by_kind["added value"], infos, lang),
                    "themes": self._ids(info.themes, infos),
                    "source_text": self._texts(info.source_texts),
                    "notes": self._texts(info.notes),
                    "iri": str(proposition),
                }
            )
        table.sort(key=lambda r: natural_key(r["id"]))
        return _frame(
            table,
            [
                "id",
                "label",
                "context",
                "context_label",
                "interventions",
                "mechanisms",
                "outcomes",
                "added_value",
                "added_value_label",
                "themes",
                "source_text",
                "notes",
                "iri",
            ],
        )

    @per_study
    @one_lookup
    def pillars(self, *, lang: str = "en") -> pd.DataFrame:
        """The pillars with their aim, the means in their phrase and the practices that
        shape them (``shaping``), their themes and source text.

        >>> cg.load().pillars()[["id", "aim", "means", "shaping"]].values.tolist()[2]
        ['P3', 'P3-aim', 'P3-means-1', 'P3-means-2; P3-means-3']
        """
        rows = self._select(named_query("pillars"), {})
        pillars = sorted({r["pillar"] for r in rows}, key=str)
        contexts = {r["pillar"]: r["context"] for r in rows if r.get("context") is not None}
        grouped, infos = self._parts_by_kind(pillars)
        infos.update(self._annotate(contexts.values()))
        table = []
        for pillar in pillars:
            by_kind = grouped[pillar]
            info = infos[pillar]
            table.append(
                {
                    "id": self._id(pillar, infos),
                    "label": self._label(pillar, infos, lang),
                    "aim": self._ids(by_kind["aim"], infos),
                    "aim_label": self._labels(by_kind["aim"], infos, lang),
                    "means": self._ids(by_kind["means"], infos),
                    "shaping": self._ids(by_kind["shaping"], infos),
                    "means_labels": self._labels(
                        by_kind["means"] + by_kind["shaping"], infos, lang
                    ),
                    "context": self._id(contexts.get(pillar), infos),
                    "themes": self._ids(info.themes, infos),
                    "source_text": self._texts(info.source_texts),
                    "notes": self._texts(info.notes),
                    "iri": str(pillar),
                }
            )
        table.sort(key=lambda r: natural_key(r["id"]))
        return _frame(
            table,
            [
                "id",
                "label",
                "aim",
                "aim_label",
                "means",
                "shaping",
                "means_labels",
                "context",
                "themes",
                "source_text",
                "notes",
                "iri",
            ],
        )

    @per_study
    @one_lookup
    def roles(self, *, lang: str = "en") -> pd.DataFrame:
        """The roles (actors), what each carries out and the statements about its role,
        including those the source makes for a broader role (``stated_for``).

        >>> roles = cg.load().roles().set_index("id")
        >>> roles.loc["school-based-educator", ["broader", "statements", "stated_for"]].tolist()
        ['educator', 'R1; R2; R3; R4', 'educator; school-based-educator']
        >>> roles.loc["educator", "carries_out"]
        'W-I1; W-I2; W-I3; W-I4; W-I5; W-I6'
        """
        rows = self._select(named_query("roles"), {})
        grouped: dict[Node, dict[str, set]] = defaultdict(lambda: defaultdict(set))
        for row in rows:
            entry = grouped[row["role"]]
            if row.get("broader") is not None:
                entry["broader"].add(row["broader"])
            if row.get("item") is not None:
                entry[str(row["kind"])].add(row["item"])
                entry["stated_for"].add(row["statedFor"])
        nodes = set(grouped)
        for entry in grouped.values():
            for values in entry.values():
                nodes |= values
        infos = self._annotate(nodes)
        table = []
        for role, entry in grouped.items():
            info = infos[role]
            table.append(
                {
                    "id": self._id(role, infos),
                    "label": self._label(role, infos, lang),
                    "broader": self._ids(entry["broader"], infos),
                    "carries_out": self._ids(entry["intervention"], infos),
                    "carries_out_labels": self._labels(entry["intervention"], infos, lang),
                    "statements": self._ids(entry["statement"], infos),
                    "statement_labels": self._labels(entry["statement"], infos, lang),
                    "stated_for": self._ids(entry["stated_for"], infos),
                    "source_text": self._texts(info.source_texts),
                    "iri": str(role),
                }
            )
        table.sort(key=lambda r: r["id"])
        return _frame(
            table,
            [
                "id",
                "label",
                "broader",
                "carries_out",
                "carries_out_labels",
                "statements",
                "statement_labels",
                "stated_for",
                "source_text",
                "iri",
            ],
        )

    @per_study
    @one_lookup
    def recommendations(self, *, lang: str = "en") -> pd.DataFrame:
        """The recommendations, one row per pillar or role each strengthens, with the works
        they reference and the note that explains the link.

        >>> for row in cg.load().recommendations().itertuples():
        ...     print(row.id, row.strengthens, row.strengthens_kind)
        A1 P3 pillar
        A1 educator role
        A2 older-year-student role
        A3 P5 pillar
        """
        rows = self._select(named_query("recommendations"), {})
        targets: dict[Node, set[tuple[Node | None, str]]] = defaultdict(set)
        citations: dict[Node, set[str]] = defaultdict(set)
        for row in rows:
            kind = str(row["targetKind"]) if row.get("targetKind") is not None else ""
            targets[row["recommendation"]].add((row.get("target"), kind))
            if row.get("citation") is not None:
                citations[row["recommendation"]].add(str(row["citation"]))
        nodes = set(targets) | {t for pairs in targets.values() for t, _ in pairs if t is not None}
        infos = self._annotate(nodes)
        table = []
        for recommendation, pairs in targets.items():
            info = infos[recommendation]
            for target, kind in pairs:
                table.append(
                    {
                        "id": self._id(recommendation, infos),
                        "label": self._label(recommendation, infos, lang),
                        "strengthens": self._id(target, infos),
                        "strengthens_label": self._label(target, infos, lang),
                        "strengthens_kind": kind,
                        "references": _TEXT_SEPARATOR.join(sorted(citations[recommendation])),
                        "source_text": self._texts(info.source_texts),
                        "notes": self._texts(info.notes),
                        "iri": str(recommendation),
                    }
                )
        table.sort(
            key=lambda r: (
                natural_key(r["id"]),
                r["strengthens_kind"] != "pillar",
                natural_key(r["strengthens"]),
            )
        )
        return _frame(
            table,
            [
                "id",
                "label",
                "strengthens",
                "strengthens_label",
                "strengthens_kind",
                "references",
                "source_text",
                "notes",
                "iri",
            ],
        )

    @one_lookup
    def evidence(self, node: str | URIRef, *, lang: str = "en") -> pd.DataFrame:
        """The evidence behind a node: verbatim source text, its place in the source,
        supporting quotes, the encoders' notes, the source document and references.

        >>> ev = cg.load().evidence("P2")
        >>> ev["kind"].tolist()
        ['source text', 'location', 'quote', 'note', 'derived from']
        >>> ev.loc[ev["kind"] == "quote", "item"].item()
        'Q1'
        """
        iri, _ = self._names().node(node, themes=True)
        rows = self._select(named_query("evidence"), {"node": iri})
        infos = self._annotate([iri, *(r.get("item") for r in rows)])
        order = ["source text", "location", "quote", "note", "derived from", "reference"]
        table = [
            {
                "node": self._id(iri, infos),
                "kind": str(r["kind"]),
                "text": str(r["text"]),
                "lang": (r["text"].language or "") if isinstance(r["text"], Literal) else "",
                "item": self._id(r.get("item"), infos),
                "item_label": self._label(r.get("item"), infos, lang) if r.get("item") else "",
            }
            for r in rows
        ]
        table.sort(
            key=lambda r: (
                order.index(r["kind"]) if r["kind"] in order else 99,
                r["item"],
                r["text"],
            )
        )
        return _frame(table, ["node", "kind", "text", "lang", "item", "item_label"])

    @one_lookup
    def shared_elements(
        self,
        a: str | URIRef,
        b: str | URIRef,
        *,
        kinds: str | Iterable[str] | None = None,
        lang: str = "en",
    ) -> pd.DataFrame:
        """What two design propositions share, by theme: for each theme carried by parts of
        both, the parts of each.

        ``kinds`` limits the parts compared (``"mechanism"``, ``"intervention"``,
        ``"outcome"``, ``"added value"``).

        >>> shared = cg.load().shared_elements("W", "C", kinds="mechanism")
        >>> for row in shared.itertuples():
        ...     print(f"{row.theme}: {row.a} | {row.b}")
        accessibility: W-M1 | C-M3
        feedback: W-M2 | C-M5; C-M6
        group: W-M4 | C-M1
        guidance: W-M2 | C-M5
        """
        first, second = self.node(a), self.node(b)
        wanted = {kinds} if isinstance(kinds, str) else set(kinds) if kinds is not None else None
        rows = self._select(named_query("shared-themes"), {"a": first, "b": second})
        sides: dict[Node, dict[str, set[Node]]] = defaultdict(lambda: {"a": set(), "b": set()})
        for row in rows:
            if wanted is None or str(row["kind"]) in wanted:
                sides[row["theme"]][str(row["side"])].add(row["element"])
        shared = {t: s for t, s in sides.items() if s["a"] and s["b"]}
        nodes = set(shared) | {n for s in shared.values() for n in s["a"] | s["b"]}
        infos = self._annotate(nodes)
        table = [
            {
                "theme": self._id(theme, infos),
                "label": self._label(theme, infos, lang),
                "a": self._ids(s["a"], infos),
                "b": self._ids(s["b"], infos),
                "a_labels": self._labels(s["a"], infos, lang),
                "b_labels": self._labels(s["b"], infos, lang),
            }
            for theme, s in shared.items()
        ]
        table.sort(key=lambda r: r["theme"])
        return _frame(table, ["theme", "label", "a", "b", "a_labels", "b_labels"])

    @one_lookup
    def describe(self, node: str | URIRef, *, lang: str = "en") -> pd.DataFrame:
        """Everything the graph says about a node, one statement a row, with the
        ontology's label for each property.

        >>> d = cg.load().describe("W-I3")
        >>> d.loc[d["predicate"] == "cimo:carriedOutBy", "value"].item()
        'educator'
        """
        from ._resources import ontology_graph

        iri, _ = self._names().node(node, themes=True)
        rows = self._select(named_query("describe"), {"node": iri})
        resources = [r["value"] for r in rows if isinstance(r["value"], URIRef)]
        infos = self._annotate([iri, *resources])
        ontology = ontology_graph()
        names = NamespaceManager(ontology)
        for prefix, namespace in self._prefixes().items():
            names.bind(prefix, namespace, override=True)
        table = []
        for row in rows:
            predicate, value = row["predicate"], row["value"]
            known = infos.get(value)
            is_element = known is not None and (known.labels or known.ids)
            table.append(
                {
                    "direction": str(row["direction"]),
                    "predicate": names.normalizeUri(predicate),
                    "predicate_label": str(
                        choose_label(ontology.objects(predicate, URIRef(_RDFS_LABEL)), lang)
                        or local_name(str(predicate))
                    ),
                    "value": self._id(value, infos)
                    if is_element
                    else (names.normalizeUri(value) if isinstance(value, URIRef) else str(value)),
                    "value_label": self._label(value, infos, lang) if is_element else "",
                    "lang": value.language or "" if isinstance(value, Literal) else "",
                }
            )
        table.sort(
            key=lambda r: (r["direction"] != "out", r["predicate"], natural_key(str(r["value"])))
        )
        return _frame(
            table, ["direction", "predicate", "predicate_label", "value", "value_label", "lang"]
        )

    @per_study
    @one_lookup
    def themes(self, *, lang: str = "en") -> pd.DataFrame:
        """The theme vocabulary: id, label in ``lang``, the label in the other language,
        synonyms, definition and how many elements carry each theme.

        >>> themes = cg.load().themes(lang="nl").set_index("id")
        >>> themes.loc["self-direction", "label"], int(themes.loc["self-direction", "elements"])
        ('zelfsturing', 7)
        """
        rows = self._select(named_query("themes"), {})
        infos = self._annotate(r["theme"] for r in rows)
        other = "nl" if lang == "en" else "en"
        table = []
        for row in rows:
            info = infos[row["theme"]]
            table.append(
                {
                    "id": self._id(row["theme"], infos),
                    "label": self._label(row["theme"], infos, lang),
                    "other_label": self._label(row["theme"], infos, other),
                    "synonyms": _ID_SEPARATOR.join(str(s) for s in info.synonyms),
                    "definition": str(row["definition"]) if row.get("definition") else "",
                    "elements": int(row["elements"].toPython()) if row.get("elements") else 0,
                    "scheme": self._id(row.get("scheme"), infos),
                    "iri": str(row["theme"]),
                }
            )
        table.sort(key=lambda r: r["id"])
        return _frame(
            table,
            ["id", "label", "other_label", "synonyms", "definition", "elements", "scheme", "iri"],
        )

    @one_lookup
    def studies(self, *, lang: str = "en") -> pd.DataFrame:
        """The studies in the graph: id, title, and how many propositions, pillars,
        interventions, mechanisms and outcomes each holds.

        >>> cg.load().studies()[["id", "propositions", "interventions"]].values.tolist()
        [['leernetwerken', 2, 12]]
        """
        rows = self._select(named_query("studies"), {})
        counts: dict[Node, dict[str, int]] = defaultdict(dict)
        for row in rows:
            if row.get("class") is not None:
                counts[row["study"]][local_name(str(row["class"]))] = int(row["count"].toPython())
            else:
                counts.setdefault(row["study"], {})
        infos = self._annotate(counts)
        self._names().prefetch(counts)
        table = []
        for study, by_class in counts.items():
            table.append(
                {
                    "id": self._names().display(study),
                    "title": str(
                        choose_label(infos[study].titles, lang) or self._label(study, infos, lang)
                    ),
                    "propositions": by_class.get("DesignProposition", 0),
                    "pillars": by_class.get("Pillar", 0),
                    "interventions": by_class.get("Intervention", 0),
                    "mechanisms": by_class.get("Mechanism", 0),
                    "outcomes": by_class.get("Outcome", 0),
                    "elements": sum(by_class.values()),
                    "iri": str(study),
                }
            )
        table.sort(key=lambda r: r["id"])
        return _frame(
            table,
            [
                "id",
                "title",
                "propositions",
                "pillars",
                "interventions",
                "mechanisms",
                "outcomes",
                "elements",
                "iri",
            ],
        )

    @one_lookup
    def compare_studies(self, *, lang: str = "en") -> pd.DataFrame:
        """Themes across studies: for each theme (matched by id) and each study that has
        it, the interventions (and pillar means), mechanisms and outcomes (and added
        values and aims) carrying it. ``studies`` counts the studies sharing the theme:
        above 1 it recurs, 1 marks where studies differ.

        >>> cg.load().compare_studies().set_index("theme").loc["feedback", "mechanisms"]
        'C-M5; C-M6; W-M2'
        """
        rows = self._select(named_query("theme-mentions"), {})
        groups = {
            "intervention": "interventions",
            "means": "interventions",
            "mechanism": "mechanisms",
            "outcome": "outcomes",
            "added value": "outcomes",
            "aim": "outcomes",
        }
        infos = self._annotate({r["node"] for r in rows} | {r["theme"] for r in rows})
        self._names().prefetch(study for info in infos.values() for study in info.studies)
        cells: dict[tuple[str, str], dict[str, set[Node]]] = defaultdict(lambda: defaultdict(set))
        labels: dict[str, Node] = {}
        for row in rows:
            theme = self._id(row["theme"], infos)
            labels.setdefault(theme, row["theme"])
            for study in infos[row["node"]].studies:
                cells[(theme, self._names().display(study))][groups[str(row["kind"])]].add(
                    row["node"]
                )
        sharing = defaultdict(set)
        for theme, study in cells:
            sharing[theme].add(study)
        table = [
            {
                "theme": theme,
                "label": self._label(labels[theme], infos, lang),
                "study": study,
                "interventions": self._ids(found["interventions"], infos),
                "mechanisms": self._ids(found["mechanisms"], infos),
                "outcomes": self._ids(found["outcomes"], infos),
                "studies": len(sharing[theme]),
            }
            for (theme, study), found in cells.items()
        ]
        table.sort(key=lambda r: (-r["studies"], r["theme"], r["study"]))
        return _frame(
            table, ["theme", "label", "study", "interventions", "mechanisms", "outcomes", "studies"]
        )

    @one_lookup
    def cite(
        self, work: str | URIRef | None = None, *, format: str = "text", lang: str = "en"
    ) -> str:
        """The study's reference (or that of a work it cites, by id), as a formatted
        citation (``format="text"``) or as BibTeX (``format="bibtex"``).

        >>> print(cg.load().cite("struyven-2010", format="bibtex").splitlines()[1])
          author = {Struyven, K. and Dochy, F. and Janssens, S.},
        """
        if work is None:
            studies = self._select(named_query("studies"), {})
            target = sorted({r["study"] for r in studies}, key=str)[0]
        else:
            target = self._names().node(work)[0]
        rows = self._select(named_query("citation"), {"work": target})
        fields: dict[str, list[Any]] = defaultdict(list)
        authors: list[tuple[float, str]] = []
        parts: dict[str, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            if str(row["field"]) == "author":
                authors.append((float(row["position"].toPython()), str(row["value"])))
            else:
                fields[str(row["field"])].append(row["value"])
                if row.get("part") is not None:
                    parts[str(row["field"])][row["part"]].append(row["value"])
        names = [name for _, name in sorted(authors)]
        original = str(fields["language"][0]) if fields["language"] else lang
        title = str(choose_label(fields["title"], original) or "")
        translated = str(choose_label(fields["title"], lang) or "")
        year = str(fields["year"][0]) if fields["year"] else ""
        # each institution once, by its name (foaf:name) or else its label in ``lang``
        by_part = parts["institution_name"] or parts["institution"]
        institutions = [
            str(choose_label(by_part[part], lang) or "") for part in sorted(by_part, key=str)
        ]
        doi = str(fields["doi"][0]) if fields["doi"] else ""
        url = str(fields["url"][0]) if fields["url"] else ""
        key = (
            str(fields["identifier"][0]) if fields["identifier"] else self._names().display(target)
        )
        if format == "bibtex":
            entry = {
                "author": " and ".join(names),
                "title": title,
                "year": year,
                "journal": str(fields["journal"][0]) if fields["journal"] else "",
                "volume": str(fields["volume"][0]) if fields["volume"] else "",
                "number": str(fields["issue"][0]) if fields["issue"] else "",
                "pages": "--".join(
                    str(fields[k][0]) for k in ("page_start", "page_end") if fields[k]
                ),
                "doi": doi,
                "url": url,
            }
            kind = "article" if entry["journal"] else "techreport"
            if kind == "techreport":
                entry["institution"] = " and ".join(institutions)
            body = ",\n".join(f"  {name} = {{{value}}}" for name, value in entry.items() if value)
            return f"@{kind}{{{key},\n{body}\n}}"
        if format != "text":
            raise ValueError(f"format must be 'text' or 'bibtex', not {format!r}")
        if fields["citation"]:
            return str(fields["citation"][0])
        # APA: Family, G., Family, G., & Family, G. (Year). Title [Translation]. Publisher. DOI
        who = _apa_authors(names) or "; ".join(institutions) or "Anonymous"
        translation = f" [{translated}]" if translated and translated != title else ""
        publisher = "; ".join(i for i in institutions if i != who)
        parts = [
            _sentence(who),
            f"({year or 'n.d.'}).",
            _sentence(f"{title}{translation}"),
            _sentence(publisher) if publisher else "",
            f"https://doi.org/{doi}" if doi else url,
        ]
        return " ".join(part for part in parts if part)

    @per_study
    @one_lookup
    def sentences(self, *, lang: str = "en") -> pd.DataFrame:
        """Each design proposition stated in the CIMO template, in Dutch or English.

        >>> s = cg.load().sentences(lang="nl").set_index("id")
        >>> s.loc["W", "sentence"][:75]
        'Als je in een leernetwerk wilt bereiken dat studenten verbondenheid en soci'
        """
        languages: dict[Any, set[str]] = defaultdict(set)
        for row in self._select(named_query("study-languages"), {}):
            languages[row["study"]].add(str(row["lang"]))
        lacking = sorted(str(study) for study, tags in languages.items() if lang not in tags)
        if lacking:
            known = sorted(set().union(*languages.values()))
            raise CimoGraphError(
                f"sentences(lang={lang!r}): {', '.join(lacking)} has no labels in {lang!r} "
                f"(its languages: {', '.join(known)}); a sentence would mix languages. "
                f"Ask in one of {', '.join(known)}."
            )
        propositions = sorted(
            {r["proposition"] for r in self._select(named_query("propositions"), {})}, key=str
        )
        grouped, infos = self._parts_by_kind(propositions, roles=True)
        table = []
        for proposition in propositions:
            by_kind = grouped[proposition]
            actors = self._actors(by_kind, infos, lang)
            table.append(
                {
                    "id": self._id(proposition, infos),
                    "label": self._label(proposition, infos, lang),
                    "lang": lang,
                    "sentence": proposition_sentence(
                        lang,
                        context=", ".join(self._label_list(by_kind["context"], infos, lang)),
                        outcomes=self._label_list(by_kind["outcome"], infos, lang),
                        interventions=self._label_list(by_kind["intervention"], infos, lang),
                        mechanisms=self._label_list(by_kind["mechanism"], infos, lang),
                        actors=actors,
                    ),
                    "iri": str(proposition),
                }
            )
        table.sort(key=lambda r: natural_key(r["id"]))
        return _frame(table, ["id", "label", "lang", "sentence", "iri"])


_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _apa_authors(names: list[str]) -> str:
    """Authors as APA lists them: ``A, B, & C``; two: ``A, & B``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _sentence(text: str) -> str:
    """``text`` ending in a full stop (an initial's own stop counts)."""
    text = text.strip()
    return text if not text or text.endswith((".", "?", "!")) else f"{text}."
