"""The route questions: which interventions, mechanisms and outcomes lie on the routes
to a theme or through a proposition or pillar, with the evidence of each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.term import Node

from ..errors import CimoGraphError
from ..labels import choose_text
from ..sparql import named_query
from .base import (
    _ID_SEPARATOR,
    _TEXT_SEPARATOR,
    Base,
    column_frame,
    in_id_order,
    natural_key,
    one_lookup,
)
from .collection import Shown, joined_ids, shown_each, term_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Routes"]

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


def _columns(rows: list[tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    """A frame of ``rows`` (tuples in the order of ``columns``), built column by column."""
    values = map(list, zip(*rows, strict=True)) if rows else ([] for _ in columns)
    return column_frame(dict(zip(columns, values, strict=True)))


def _member(node: str, match: str, route: str, through: str | None) -> dict[str, Any]:
    """A row of a route answer being gathered: ``node`` on ``route`` through ``through``,
    with the sets its vias, links, mechanisms and roles are added to."""
    return {
        "node": node,
        "match": match,
        "route": route,
        "through": through,
        "via": set(),
        "via_kind": set(),
        "mechanisms": {},
        "link": set(),
        "roles": set(),
    }


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


class Routes(Base):
    """``interventions_for``, ``mechanisms_for``, ``outcomes_of``."""

    def _route_frame(
        self,
        routes: list[dict[str, Any]],
        kinds: set[str],
        lang: str,
        mentions: Sequence[Sequence[str | None]] = (),
        *,
        carriers_only: bool = False,
    ) -> pd.DataFrame:
        """One row per (node, route): the members of each route's whole of the given kinds
        (with ``carriers_only``, only those that carry the route's theme), then the
        mentions (node, kind, through) that lie on no route.

        Every node is a string here, as read from the store (an IRI, or a blank node's
        label: :func:`.collection.term_of`), so that a question over a whole collection makes
        no term for the hundreds of thousands of values it reads.
        """
        parts = self._part_strings({r["through"] for r in routes})
        stated = self._stated_links(
            [term_of(r["through"]) for r in routes if r["route"] == "proposition"]
        )
        links = {
            str(whole): [(str(a), str(b)) for a, b in found] for whole, found in stated.items()
        }
        members: dict[tuple[str, str | None], dict[str, Any]] = {}
        for route in routes:
            through, via = route["through"], route["via"]
            rows = parts.get(through, ())
            mechanisms = [part for part, kind, _, _ in rows if kind == "mechanism"]
            # the parts the study links to the route's element itself, where it says so
            reach = _reach(links.get(through, ()), via)
            kinds_reached = {kind for part, kind, _, _ in rows if part in reach} if reach else ()
            for part, kind, role, _ in rows:
                if kind not in kinds:
                    continue
                if carriers_only and part != via:
                    continue
                specific = kind in kinds_reached
                if specific and part not in reach:
                    continue  # the study links other parts of this kind to the element
                key = (part, through)
                entry = members.get(key)
                if entry is None:
                    entry = members[key] = _member(part, route["match"], route["route"], through)
                if route["route"] == "proposition":
                    linked = [m for m in mechanisms if m in reach] if specific else []
                    entry["mechanisms"].update(dict.fromkeys(linked or mechanisms))
                    entry["link"].add("stated" if specific else "proposition")
                if via is not None:
                    entry["via"].add(via)
                    entry["via_kind"].add(route["via_kind"])
                if role is not None:
                    entry["roles"].add(role)
        on_route = {node for node, _ in members}
        for node, kind, through in mentions:
            if node in on_route:
                continue
            holder_kind = "pillar" if kind in ("aim", "means") else "proposition"
            if (node, through) not in members:
                route = holder_kind if through is not None else ""
                members[node, through] = _member(node, "mention", route, through)
        # the rows' own nodes with their evidence, and the propositions, pillars, carriers
        # and roles they name by label or id, read as text; mechanisms, shown by id, with
        # the ids their proposition's parts came with
        named: set[str | None] = set()
        for entry in members.values():
            named |= {entry["node"], entry["through"], *entry["via"], *entry["roles"]}
        named.discard(None)
        infos = shown_each(self._strings_each, [term_of(name) for name in named])
        made: set[str] = set()
        for rows in parts.values():
            for part, kind, _, part_id in rows:
                if kind != "mechanism" or (part in infos and part not in made):
                    continue
                info = infos.get(part)
                if info is None:
                    info = infos[part] = Shown(part)
                    made.add(part)
                if part_id is not None and part_id not in info.ids:
                    info.ids.append(part_id)
        names = self._names()
        names.prefetch(
            {URIRef(study) for e in members.values() for study, _ in infos[e["node"]].studies}
        )

        # each node's id and label, and each set's joined ids and labels, found once: a
        # collection's answer names the same propositions and roles in thousands of rows
        ids: dict[str | None, str] = {None: ""}
        shown_labels: dict[str, str] = {}
        joined: dict[frozenset[str], str] = {}
        joined_labels: dict[frozenset[str], str] = {}

        def ident(node: str | None) -> str:
            found = ids.get(node)
            if found is None:
                info = infos.get(node)
                found = info.id if info is not None else names.display(term_of(node))
                ids[node] = found
            return found

        def label(node: str | None) -> str:
            if node is None:
                return ""
            found = shown_labels.get(node)
            if found is None:
                info = infos.get(node)
                chosen = choose_text(info.labels, lang) if info is not None else None
                found = shown_labels[node] = chosen if chosen is not None else ident(node)
            return found

        def ids_of(nodes: Iterable[str]) -> str:
            key = frozenset(nodes)
            found = joined.get(key)
            if found is None:
                found = joined[key] = joined_ids({ident(node) for node in key})
            return found

        def labels(nodes: Iterable[str]) -> str:
            key = frozenset(nodes)
            found = joined_labels.get(key)
            if found is None:
                ordered = in_id_order(key, ident)
                found = joined_labels[key] = _TEXT_SEPARATOR.join(map(label, ordered))
            return found

        def studies(info: Shown) -> str:
            return _ID_SEPARATOR.join(sorted(names.display(URIRef(s)) for s, _ in info.studies))

        rows = []
        for entry in members.values():
            node, through = entry["node"], entry["through"]
            info = infos[node]
            rows.append(
                (
                    ident(node),
                    label(node),
                    info.kind,
                    entry["match"],
                    entry["route"],
                    ident(through),
                    label(through),
                    ids_of(entry["via"]),
                    _ID_SEPARATOR.join(sorted(entry["via_kind"])),
                    labels(entry["via"]),
                    ids_of(entry["mechanisms"]),
                    _ID_SEPARATOR.join(sorted(entry["link"])),
                    ids_of(entry["roles"]),
                    info.texts(info.source_texts),
                    info.texts(info.notes),
                    studies(info),
                    node,
                )
            )
        order = {"route": 0, "part": 0, "mention": 1}
        keys = {text: natural_key(text) for row in rows for text in (row[0], row[5])}
        rows.sort(
            key=lambda r: (r[15], order.get(r[3], 2), r[4] != "pillar", keys[r[5]], keys[r[0]])
        )
        return _columns(rows, ROUTE_COLUMNS)

    def _theme_routes(
        self, themes: list[Node], kinds: set[str] | None = None
    ) -> list[dict[str, Any]]:
        """The routes to ``themes``: through which proposition or pillar, via what (each
        node a string, as :meth:`_route_frame` takes them)."""
        rows = self._strings_each(named_query("theme-routes"), "theme", themes)
        return [
            {"through": through, "route": route, "via": via, "via_kind": via_kind, "match": "route"}
            for _, through, route, via, via_kind in rows
            if kinds is None or route in kinds
        ]

    def _theme_mentions(self, themes: list[Node], kinds: set[str]) -> list[tuple[str, str, str]]:
        """The elements of ``kinds`` that carry one of ``themes`` themselves: (node, kind,
        through), through ``None`` when no proposition or pillar holds it."""
        rows = self._strings_each(named_query("theme-mentions"), "theme", themes)
        return [(node, kind, through) for _, node, kind, through, _ in rows if kind in kinds]

    def _part_strings(self, wholes: Iterable[str]) -> dict[str, list[tuple[str, str, Any, Any]]]:
        """The parts of each of ``wholes``: (part, kind, role, id), one per id and role."""
        parts: dict[str, list[tuple[str, str, Any, Any]]] = defaultdict(list)
        query = named_query("parts")
        for whole, _, part, kind, role, part_id in self._strings_each(
            query, "whole", [term_of(whole) for whole in wholes]
        ):
            parts[whole].append((part, kind, role, part_id))
        return parts

    def _element_routes(self, node: Node, what: str) -> tuple[list[dict[str, Any]], str]:
        """Routes through the propositions (or pillars) that hold ``node``, or through
        ``node`` itself when it is a proposition or pillar."""
        kind = self._annotate([node])[node].kind
        if kind == "DesignProposition":
            return [
                {
                    "through": str(node),
                    "route": "proposition",
                    "via": None,
                    "via_kind": "",
                    "match": "part",
                }
            ], kind
        if kind == "Pillar":
            return [
                {
                    "through": str(node),
                    "route": "pillar",
                    "via": None,
                    "via_kind": "",
                    "match": "part",
                }
            ], kind
        routes = [
            {
                "through": str(r["whole"]),
                "route": str(r["wholeKind"]),
                "via": str(node),
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
