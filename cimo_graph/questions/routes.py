"""The route questions: which interventions, mechanisms and outcomes lie on the routes
to a theme or through a proposition or pillar, with the evidence of each."""

from __future__ import annotations

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
    Row,
    _frame,
    in_id_order,
    natural_key,
    one_lookup,
)
from .collection import Shown, joined_ids, shown_each

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
        # the rows' own nodes with their evidence, and the propositions, pillars, carriers
        # and roles they name by label or id, read as text; mechanisms, shown by id, with
        # the ids their proposition's parts came with
        named: set[Node] = set()
        for entry in members.values():
            named |= {entry["node"], entry["through"], *entry["via"], *entry["roles"]}
        named.discard(None)
        infos = shown_each(self._strings_each, named)
        for rows in parts.values():
            for row in rows:
                if str(row["kind"]) != "mechanism" or row["part"] in infos:
                    continue
                info = infos[row["part"]] = Shown(str(row["part"]))
                if row.get("partId") is not None and str(row["partId"]) not in info.ids:
                    info.ids.append(str(row["partId"]))
        names = self._names()
        names.prefetch(
            {URIRef(study) for e in members.values() for study, _ in infos[e["node"]].studies}
        )

        def ident(node: Node | None) -> str:
            if node is None:
                return ""
            info = infos.get(node)
            return info.id if info is not None else names.display(node)

        def label(node: Node | None) -> str:
            info = infos.get(node) if node is not None else None
            chosen = choose_text(info.labels, lang) if info is not None else None
            return chosen if chosen is not None else ident(node)

        def labels(nodes: Iterable[Node]) -> str:
            return _TEXT_SEPARATOR.join(label(node) for node in in_id_order(nodes, ident))

        table = []
        for entry in members.values():
            info = infos[entry["node"]]
            table.append(
                {
                    "id": info.id,
                    "label": label(entry["node"]),
                    "kind": info.kind,
                    "match": entry["match"],
                    "route": entry["route"],
                    "through": ident(entry["through"]),
                    "through_label": label(entry["through"]) if entry["through"] else "",
                    "via": joined_ids({ident(v) for v in entry["via"]}),
                    "via_kind": _ID_SEPARATOR.join(sorted(entry["via_kind"])),
                    "via_label": labels(entry["via"]),
                    "mechanisms": joined_ids({ident(m) for m in entry["mechanisms"]}),
                    "link": _ID_SEPARATOR.join(sorted(entry["link"])),
                    "carried_out_by": joined_ids({ident(r) for r in entry["roles"]}),
                    "source_text": info.texts(info.source_texts),
                    "notes": info.texts(info.notes),
                    "study": _ID_SEPARATOR.join(
                        sorted(names.display(URIRef(study)) for study, _ in info.studies)
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
