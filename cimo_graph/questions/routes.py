"""The route questions: which interventions, mechanisms and outcomes lie on the routes
to a theme or through a proposition or pillar, with the evidence of each."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..errors import NoRouteError
from ..labels import choose_text
from ..sparql import named_query
from .base import (
    _ID_SEPARATOR,
    _TEXT_SEPARATOR,
    MAPPINGS,
    Base,
    check_mappings,
    cimo_kind,
    column_frame,
    in_id_order,
    natural_key,
    one_lookup,
)
from .collection import Shown, joined_ids, shown_each, term_of

if TYPE_CHECKING:
    import pandas as pd

    from ..lookup import NameIndex

__all__ = ["MAPPINGS", "Routes"]

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


#: A part of a whole as a route answer reads it: (part, kind, role, id).
Part = tuple[str, str, Any, Any]
#: The parts of each whole and what to show of each part, as a theme's query reads them.
Members = tuple[dict[str, list[Part]], dict[str, Shown]]

#: The query that reads the routes to a theme with their members, by helper.
THEME_QUERIES = {
    "interventions_for": "theme-interventions",
    "mechanisms_for": "theme-mechanisms",
    "outcomes_of": "theme-outcomes",
}


def _columns(rows: list[tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    """A frame of ``rows`` (tuples in the order of ``columns``), built column by column."""
    values = map(list, zip(*rows, strict=True)) if rows else ([] for _ in columns)
    return column_frame(dict(zip(columns, values, strict=True)))


#: a node of the links :func:`_reach` follows (a term, or its name as a string)
_T = TypeVar("_T", bound=Hashable)


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


def _joined_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """A route answer and those reached through mappings as one: the rows of the first,
    then the rows of the others not already given, with every whole they go through."""
    import pandas as pd

    throughs = sorted({t for frame in frames for t in frame.attrs.get("throughs", [])})
    answer = frames[0]
    if len(frames) > 1:
        answer = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
        answer = answer.drop_duplicates(["iri", "match", "through", "via"], ignore_index=True)
    answer.attrs["throughs"] = throughs
    return answer


def _reach(links: Iterable[tuple[_T, _T]], start: _T | None) -> set[_T]:
    """What the stated links connect to ``start``: what leads to it (an outcome's
    mechanisms and their interventions) and what it leads to (an intervention's
    mechanisms and their outcomes). Empty without links or a start."""
    links = list(links)
    if start is None or not links:
        return set()
    found: set[_T] = set()
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


#: How near the outcome each kind of element carrying a theme stands: where a proposition
#: links its parts only as a whole, its route to the theme goes via the nearest carriers.
_NEARNESS = {
    "outcome": 0,
    "added value": 0,
    "aim": 0,
    "mechanism": 1,
    "intervention": 2,
    "means": 2,
    "proposition": 3,
    "pillar": 3,
    "context": 4,
}


def _kept_routes(
    routes: list[dict[str, Any]],
    linked: Collection[str],
    mentions: Sequence[Sequence[Any]] = (),
) -> list[dict[str, Any]]:
    """The routes an answer keeps of those to a theme, per theme and whole. Where the
    whole states no links (``linked`` holds those that do), every carrier gives the same
    parts: the route goes via the carriers nearest the outcome (:data:`_NEARNESS`), so
    a proposition's outcome before its mechanism, its mechanism before the proposition
    itself or its context. An element of the kind asked for that carries the theme
    (``mentions``: node, kind, through) counts among them: nearer than every route, it is
    the answer itself (a mention), and the whole gives no route. Where the whole states
    links, each element carrying the theme gives its own route (the links reach different
    parts from each); the proposition itself or its context only where no element does."""

    def rank_of(route: dict[str, Any]) -> int:
        rank = _NEARNESS.get(route["via_kind"], 0)
        if route["through"] in linked and rank <= _NEARNESS["means"]:
            return 0  # where links are stated, every element's route counts alike
        return rank

    best: dict[tuple[Any, ...], int] = {}
    nearest_mention: dict[str | None, int] = {}
    for _, kind, through in mentions:
        if through is not None and through not in linked:
            rank = _NEARNESS.get(str(kind), 0)
            nearest_mention[through] = min(nearest_mention.get(through, rank), rank)
    for route in routes:
        key, rank = (route.get("theme"), route["through"]), rank_of(route)
        best[key] = min(best.get(key, rank), rank)
    kept = []
    for route in routes:
        rank = rank_of(route)
        if rank != best[route.get("theme"), route["through"]]:
            continue
        if nearest_mention.get(route["through"], rank + 1) < rank:
            continue  # an element asked for carries the theme nearer the outcome
        kept.append(route)
    return kept


def _route_entries(
    routes: list[dict[str, Any]],
    parts: dict[str, list[Part]],
    links: dict[str, list[tuple[str, str]]],
    kinds: set[str],
    mentions: Sequence[Sequence[Any]],
    *,
    carriers: Collection[str] = (),
    along: Collection[str] | None = None,
) -> dict[tuple[str, str | None, str], dict[str, Any]]:
    """The rows of a route answer being gathered, by (node, through, link): the parts of each
    route's whole of ``kinds`` (those the study's stated ``links`` reach from the route's
    element, where it states them), then the ``mentions`` that lie on no route.

    A route via an element of a kind in ``carriers`` shows that element alone (an outcome
    carrying the theme is the outcome asked for); the others show their whole's parts of
    the ``along`` kinds (default: ``kinds``)."""
    along = kinds if along is None else along
    entries: dict[tuple[str, str | None, str], dict[str, Any]] = {}
    for route in routes:
        through, via = route["through"], route["via"]
        rows = parts.get(through, ())
        mechanisms = [part for part, kind, _, _ in rows if kind == "mechanism"]
        # the parts the study links to the route's element itself, where it says so
        reach = _reach(links.get(through, ()), via)
        kinds_reached = {kind for part, kind, _, _ in rows if part in reach} if reach else ()
        alone = route["via_kind"] in carriers
        for part, kind, role, _ in rows:
            if kind not in (kinds if alone else along):
                continue
            if alone and part != via:
                continue
            # a carrier shown alone is linked by what the links reach from it
            specific = bool(reach) if alone else kind in kinds_reached
            if specific and not alone and part not in reach:
                continue  # the study links other parts of this kind to the element
            link = ""
            if route["route"] == "proposition":
                link = "stated" if specific else "proposition"
            # a part reached by stated links and through the whole as well: a row each
            key = (part, through, link)
            entry = entries.get(key)
            if entry is None:
                entry = entries[key] = _member(part, route["match"], route["route"], through)
            if link:
                linked = [m for m in mechanisms if m in reach or m == via] if specific else []
                entry["mechanisms"].update(dict.fromkeys(linked or mechanisms))
                entry["link"].add(link)
            if via is not None:
                entry["via"].add(via)
                entry["via_kind"].add(route["via_kind"])
            if role is not None:
                entry["roles"].add(role)
    on_route = {node for node, _, _ in entries}
    for node, kind, through in mentions:
        if node in on_route:
            continue
        holder_kind = "pillar" if kind in ("aim", "means") else "proposition"
        if (node, through, "") not in entries:
            on = holder_kind if through is not None else ""
            entries[node, through, ""] = _member(node, "mention", on, through)
    return entries


def _outcome_iris(answer: pd.DataFrame) -> set[str]:
    """The IRIs of the outcomes among an answer's rows."""
    return {str(i) for i, k in zip(answer["iri"], answer["kind"], strict=True) if k == "Outcome"}


def _plural(kind: str, count: int) -> str:
    """``kind`` (``"role statement"``) for ``count`` elements."""
    if count == 1:
        return f"the {kind}"
    return f"the {kind}{'' if kind.endswith('s') else 's'}"


def _joined(values: Collection[str]) -> str:
    """Distinct ``values`` (route kinds, link kinds) in order, joined."""
    if len(values) < 2:
        return next(iter(values)) if values else ""
    return _ID_SEPARATOR.join(sorted(values))


def _route_rows(
    entries: dict[tuple[str, str | None, str], dict[str, Any]],
    infos: dict[str, Shown],
    names: NameIndex,
    lang: str,
) -> list[tuple[Any, ...]]:
    """The rows of a route answer as shown (in :data:`ROUTE_COLUMNS`' order), sorted by
    study, route and id; ``names`` names what ``infos`` does not."""
    # each node's id and label, and each set's joined ids and labels, found once: a
    # collection's answer names the same propositions and roles in thousands of rows
    ids: dict[str | None, str] = {None: ""}
    shown_labels: dict[str, str] = {}
    joined_ids_of: dict[frozenset[str], str] = {}
    joined_labels: dict[frozenset[str], str] = {}

    def ident(node: str | None) -> str:
        found = ids.get(node)
        if found is None:  # None itself is known: node is a name here
            info = infos.get(cast(str, node))
            found = info.id if info is not None else names.display(term_of(cast(str, node)))
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

    def ids_of(nodes: Collection[str]) -> str:
        if len(nodes) < 2:  # as in most rows: one via, one role, or none
            return ident(next(iter(nodes))) if nodes else ""
        key = frozenset(nodes)
        found = joined_ids_of.get(key)
        if found is None:
            found = joined_ids_of[key] = joined_ids({ident(node) for node in key})
        return found

    def labels(nodes: Collection[str]) -> str:
        if len(nodes) < 2:
            return label(next(iter(nodes))) if nodes else ""
        key = frozenset(nodes)
        found = joined_labels.get(key)
        if found is None:
            ordered = in_id_order(key, ident)
            found = joined_labels[key] = _TEXT_SEPARATOR.join(map(label, ordered))
        return found

    shown_studies: dict[tuple[tuple[str, Any], ...], str] = {}
    kinds_of: dict[tuple[str, ...], str] = {}

    def studies(info: Shown) -> str:
        key = tuple(info.studies)
        found = shown_studies.get(key)
        if found is None:
            shown = sorted(names.display(URIRef(study)) for study, _ in key)
            found = shown_studies[key] = _ID_SEPARATOR.join(shown)
        return found

    def kind(info: Shown) -> str:
        key = tuple(info.types)
        found = kinds_of.get(key)
        if found is None:
            found = kinds_of[key] = info.kind
        return found

    rows: list[tuple[Any, ...]] = []
    for entry in entries.values():
        node, through = entry["node"], entry["through"]
        info = infos[node]
        rows.append(
            (
                ident(node),
                label(node),
                kind(info),
                entry["match"],
                entry["route"],
                ident(through),
                label(through),
                ids_of(entry["via"]),
                _joined(entry["via_kind"]),
                labels(entry["via"]),
                ids_of(entry["mechanisms"]),
                _joined(entry["link"]),
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
        key=lambda r: (r[15], order.get(r[3], 2), r[4] != "pillar", keys[r[5]], keys[r[0]], r[11])
    )
    return rows


class Routes(Base):
    """``interventions_for``, ``mechanisms_for``, ``outcomes_of``."""

    def _route_frame(
        self,
        routes: list[dict[str, Any]],
        kinds: set[str],
        lang: str,
        mentions: Sequence[Sequence[Any]] = (),
        *,
        carriers: Collection[str] = (),
        along: Collection[str] | None = None,
        members: Members | None = None,
    ) -> pd.DataFrame:
        """One row per (node, route): the members of each route's whole of the given kinds
        (a route via a kind in ``carriers`` shows its carrier alone; the others their
        whole's parts of the ``along`` kinds), then the mentions (node, kind, through)
        that lie on no route. The routes to a theme (``members`` given) are those
        :func:`_kept_routes` keeps.

        ``members``: the wholes' parts of those kinds and what to show of each, as a
        theme's query read them with its routes (:meth:`_theme_members`); read here
        otherwise.

        Every node is a string here, as read from the store (an IRI, or a blank node's
        label: :func:`.collection.term_of`), so that a question over a whole collection makes
        no term for the hundreds of thousands of values it reads.
        """
        stated = self._stated_links(
            {term_of(r["through"]) for r in routes if r["route"] == "proposition"}
        )
        links = {
            str(whole): [(str(a), str(b)) for a, b in found] for whole, found in stated.items()
        }
        if members is not None:
            routes = _kept_routes(routes, links.keys(), mentions)
        throughs = {r["through"] for r in routes}
        if members is None:
            parts, infos = self._part_strings(throughs), cast("dict[str, Shown]", {})
        else:
            parts, infos = members
        if links and members is not None:
            # which kinds the stated links reach is asked of every part of those wholes
            parts.update(self._part_strings(links.keys() & throughs))
        wholes: dict[str, Shown] = {}
        if members is not None:
            # the names of the wholes, of what the routes go via and of the roles; with
            # them, each proposition's mechanisms (a theme's query reads only the kinds asked)
            roles = {
                role
                for rows in parts.values()
                for _, kind, role, _ in rows
                if role is not None and kind in kinds
            }
            vias = {r["via"] for r in routes if r["via"] is not None}
            holders = {through for _, _, through in mentions if through is not None}
            wholes, mechanisms = self._route_names(throughs | holders | vias | roles, lang)
            if "mechanism" not in kinds:
                for whole, rows in mechanisms.items():
                    if whole not in links:
                        parts.setdefault(whole, []).extend(rows)
        entries = _route_entries(
            routes, parts, links, kinds, mentions, carriers=carriers, along=along
        )
        # the rows' own nodes with their evidence (those a theme's query did not read), and
        # (for an element's routes) the propositions, pillars, carriers and roles they name
        # by label or id; mechanisms, shown by id, with the ids their proposition's parts
        # came with. A theme's query and the names read labels in ``lang`` only: a node
        # lacking one gets one in another language from all of its labels.
        partial = set(infos)
        unread = {entry["node"] for entry in entries.values()} - partial
        if members is None:
            for entry in entries.values():
                unread |= {entry["through"], *entry["via"], *entry["roles"]}
            unread.discard(None)
        if unread:
            infos.update(shown_each(self._strings_each, [term_of(node) for node in unread]))
        for node, info in wholes.items():
            if node not in infos:
                infos[node] = info
                partial.add(node)
        labelled = {n for e in entries.values() for n in (e["node"], e["through"], *e["via"])}
        lacking = [node for node in labelled & partial if not infos[node].labels]
        if lacking:
            for node, info in shown_each(self._strings_each, map(term_of, lacking)).items():
                infos[node].labels = info.labels
        made: set[str] = set()
        for rows in parts.values():
            for part, kind, _, part_id in rows:
                if kind != "mechanism" or (part in infos and part not in made):
                    continue
                known = infos.get(part)
                if known is None:
                    known = infos[part] = Shown(part)
                    made.add(part)
                info = known
                if part_id is not None and part_id not in info.ids:
                    info.ids.append(part_id)
        names = self._names()
        owners = {study for e in entries.values() for study, _ in infos[e["node"]].studies}
        names.prefetch(map(URIRef, owners))
        frame = _columns(_route_rows(entries, infos, names, lang), ROUTE_COLUMNS)
        # the wholes the routes go through, for chains=True (popped before it is returned)
        frame.attrs["throughs"] = sorted(
            {str(r["through"]) for r in routes if r["route"] == "proposition"}
        )
        return frame

    def _theme_members(
        self, helper: str, themes: list[Node], lang: str
    ) -> tuple[list[dict[str, Any]], Members]:
        """The routes to ``themes`` with the parts the helper shows (interventions,
        mechanisms or carriers) and what to show of each, from one query
        (:data:`THEME_QUERIES`): the store joins the routes to their parts and the parts to
        their fields, where asking for each in turn read every part of every whole and
        every field of every part (interventions_for("feedback") over 10,000 studies: 4.9 s
        to 3.7 s in bench/run.py).
        """
        query = named_query(THEME_QUERIES[helper]).fixing({"language": Literal(lang.lower())})
        routes: dict[tuple[str | None, ...], dict[str, Any]] = {}
        parts: dict[str, dict[Part, None]] = defaultdict(dict)
        # each node's fields (id, label, class, text, its language, note, its language,
        # study) as read: a row per route and per combination of its values
        fields: dict[str, dict[tuple[str | None, ...], None]] = {}
        for row in self._strings_each(query, "theme", themes):
            key = tuple(row[:5])
            if key not in routes:
                theme, through, route, via, via_kind = key
                routes[key] = {
                    "through": through, "route": route, "via": via, "via_kind": via_kind,
                    "match": "route", "theme": theme,
                }  # fmt: skip
            node = row[5]
            parts[row[1]][node, row[6], row[7], row[8]] = None
            found = fields.get(node)
            if found is None:
                fields[node] = {tuple(row[8:]): None}
            else:
                found[tuple(row[8:])] = None
        tag = lang.lower()
        infos: dict[str, Shown] = {}
        for node, combinations in fields.items():
            info = infos[node] = Shown(node)
            if len(combinations) == 1:  # as nearly always: each field once, or not at all
                node_id, label, cimo_type, text, text_lang, note, note_lang, study = next(
                    iter(combinations)
                )
                info.ids = [] if node_id is None else [node_id]
                info.labels = [] if label is None else [(label, tag)]
                info.types = [] if cimo_type is None else [cimo_type]
                info.source_texts = [] if text is None else [(text, text_lang or "")]
                info.notes = [] if note is None else [(note, note_lang or "")]
                info.studies = [] if study is None else [(study, None)]
                continue
            for node_id, label, cimo_type, text, text_lang, note, note_lang, study in combinations:
                pairs: tuple[tuple[list[Any], Any], ...] = (
                    (info.ids, node_id),
                    (info.labels, None if label is None else (label, tag)),
                    (info.types, cimo_type),
                    (info.source_texts, None if text is None else (text, text_lang or "")),
                    (info.notes, None if note is None else (note, note_lang or "")),
                    (info.studies, None if study is None else (study, None)),
                )
                for values, value in pairs:
                    if value is not None and value not in values:
                        values.append(value)
        return list(routes.values()), ({whole: list(rows) for whole, rows in parts.items()}, infos)

    def _route_names(
        self, nodes: Collection[str], lang: str
    ) -> tuple[dict[str, Shown], dict[str, list[Part]]]:
        """The ids and labels in ``lang`` of ``nodes`` (wholes, what routes go via, roles),
        and the mechanisms of those that are propositions, as parts (``route-wholes``)."""
        query = named_query("route-wholes").fixing({"language": Literal(lang.lower())})
        shown = {node: Shown(node) for node in nodes}
        mechanisms: dict[str, list[Part]] = defaultdict(list)
        for node, name, value, mechanism_id in self._strings_each(
            query, "node", [term_of(node) for node in nodes]
        ):
            info = shown.get(node)
            if info is None or value is None:
                continue
            if name == "label":
                info.labels.append((value, lang.lower()))
            elif name == "id":
                info.ids.append(value)
            elif name == "mechanism":
                mechanisms[node].append((value, "mechanism", None, mechanism_id))
        return shown, mechanisms

    def _theme_routes(self, themes: list[Node]) -> list[dict[str, Any]]:
        """The routes to ``themes`` (``theme-routes``): through which proposition or
        pillar, via what, each node a string (what a theme's network draws)."""
        rows = self._strings_each(named_query("theme-routes"), "theme", themes)
        return [
            {"through": through, "route": route, "via": via, "via_kind": via_kind, "match": "route"}
            for _, through, route, via, via_kind in rows
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
            raise NoRouteError(
                f"{what} takes a design proposition, a pillar, an element of one, or a theme; "
                f"{self._names().display(node)!r} is a {kind or 'node'} that no proposition "
                "or pillar holds."
            )
        return routes, kind

    def _answered(
        self, answer: pd.DataFrame, helper: str, asked: str | URIRef, themes: list[Node]
    ) -> pd.DataFrame:
        """``answer``, or where it is empty, a :class:`NoRouteError` saying what carries
        the theme and why no route reaches the kind asked for."""
        if len(answer):
            return answer
        types: dict[str, list[str]] = defaultdict(list)
        for node, cimo_type in self._strings_each(named_query("theme-carriers"), "theme", themes):
            types[node].extend([cimo_type] if cimo_type else [])
        carriers: dict[str, list[str]] = defaultdict(list)
        for node, found in types.items():
            words = re.sub(r"(?<!^)(?=[A-Z])", " ", cimo_kind(found)).lower() or "node"
            carriers[words].append(self._names().display(term_of(node)))
        asked_for = {
            "interventions_for": "interventions",
            "mechanisms_for": "mechanisms",
            "outcomes_of": "outcomes",
        }[helper]
        if not carriers:
            reason = "no element of the study carries it"
        else:
            held = "; ".join(
                f"{_plural(kind, len(ids))} {joined_ids(set(ids))}"
                for kind, ids in sorted(carriers.items())
            )
            reason = f"it is carried only by {held}, and no route from those leads to {asked_for}"
        raise NoRouteError(
            f"{helper}({str(asked)!r}) has no answer: {reason}. "
            f"kg.evidence({str(asked)!r}) shows everything that carries the theme."
        )

    def _mapped_themes(self, themes: list[Node], mappings: str) -> list[tuple[Node, str]]:
        """The themes the graph's accepted mappings make one with ``themes``
        (``mapped-concepts``), each with the mapping that reaches it (``skos:exactMatch
        belonging``): exact matches for ``mappings="exact"``, close ones too for
        ``"close"``, none for ``"none"``. An exact match wins over a close one."""
        check_mappings(mappings)
        if mappings == "none":
            return []
        asked = {str(theme) for theme in themes}
        # only the themes some mapping joins are followed (a theme of 10,000 studies: one
        # query of the mappings instead of a path query for each theme)
        clusters = self._theme_clusters(mappings)
        mapped = [theme for theme in themes if str(theme) in clusters]
        if not mapped:
            return []
        found: dict[str, str] = {}
        rows = self._strings_each(named_query("mapped-concepts"), "concept", mapped)
        for _, other, predicate in rows:
            if other is None or predicate is None or other in asked:
                continue
            exact = predicate.endswith("exactMatch")
            if not exact and mappings != "close":
                continue
            if exact or other not in found:
                found[other] = "skos:exactMatch" if exact else "skos:closeMatch"
        names = self._names()
        nodes = {other: URIRef(other) for other in found}
        names.prefetch(nodes.values())
        return [
            (nodes[other], f"{found[other]} {names.display(nodes[other])}")
            for other in sorted(found, key=lambda o: (found[o] != "skos:exactMatch", o))
        ]

    def _theme_answer(
        self,
        helper: str,
        asked: str | URIRef,
        mappings: str,
        build: Callable[[list[Node]], pd.DataFrame],
    ) -> pd.DataFrame:
        """The answer of ``helper`` for the theme named ``asked``: ``build``'s rows for its
        themes, then for each theme a mapping makes one with them (``mappings``), those
        rows not already given, with the mapping in column ``mapping``."""

        themes = self._names().themes_named(asked)
        frames = [build(themes)]
        mapped = self._mapped_themes(themes, mappings)
        if mapped:
            frames[0]["mapping"] = ""
        for theme, mapping in mapped:
            frame = build([theme])
            frame["mapping"] = mapping
            frames.append(frame)
        return self._answered(_joined_frames(frames), helper, asked, themes)

    def _element_answer(
        self, node: Node, mappings: str, build: Callable[[Node], pd.DataFrame]
    ) -> pd.DataFrame:
        """``build``'s rows for an element, then for each element of another study that a
        mapping makes one with it (``element-mappings``; one held by no proposition
        or pillar adds nothing), those rows not already given, with the mapping in column
        ``mapping``."""

        answer = build(node)
        clusters = self._theme_clusters(mappings, "element-mappings")
        if str(node) not in clusters:
            return answer
        answer["mapping"] = ""
        group, joined = clusters[str(node)]
        others = sorted(m for m, (g, _) in clusters.items() if g == group and m != str(node))
        names = self._names()
        frames = [answer]
        for other in others:
            try:
                frame = build(URIRef(other))
            except NoRouteError:
                continue  # held by no proposition or pillar: no route there
            frame["mapping"] = f"{joined} {names.display(URIRef(other))}"
            frames.append(frame)
        return _joined_frames(frames)

    def _finished(
        self,
        answer: pd.DataFrame,
        kinds: set[str],
        lang: str,
        *,
        chains: bool,
        forward: bool,
        least: str | None = None,
    ) -> pd.DataFrame:
        """``answer`` as returned: with the chained configurations where ``chains``, only
        the rows through findings assessed at ``least`` or higher where it is given, and
        its ``mapping`` column (empty where no mapping led to a row) before ``study``."""
        if chains:
            answer = self._chained(answer, kinds, lang, forward=forward)
        kept = self._confident(least)
        if kept is not None:
            through = {(study, finding) for _, study, finding in kept}
            rows = [
                pair in through for pair in zip(answer["study"], answer["through"], strict=True)
            ]
            answer = answer[rows].reset_index(drop=True)
        answer.attrs.pop("throughs", None)
        if "mapping" not in answer:  # no mapping led anywhere: an empty column, in place
            answer.insert(list(answer.columns).index("study"), "mapping", "")
            return answer
        answer["mapping"] = answer["mapping"].fillna("")
        columns = [c for c in answer.columns if c != "mapping"]
        columns.insert(columns.index("study"), "mapping")
        return answer[columns]

    def _chained(
        self,
        answer: pd.DataFrame,
        kinds: set[str],
        lang: str,
        *,
        forward: bool,
    ) -> pd.DataFrame:
        """``answer`` with the configurations chained to its routes (``chains=True``): an
        outcome that is a context of another proposition leads on to that proposition's
        outcomes (``forward``); a proposition whose context is another's outcome is
        reached by that proposition's interventions and mechanisms (back). Each added
        row has ``match="chain"`` and goes via the outcome that links the two."""
        import pandas as pd

        frames = [answer]
        seen = set(answer.attrs.get("throughs", ()))
        frontier = _outcome_iris(answer) if forward else set(seen)
        while frontier:
            variable = "outcome" if forward else "after"
            rows = self._strings_each(
                named_query("chain-links"), variable, [URIRef(n) for n in frontier]
            )
            routes = [
                {
                    "through": before if not forward else after,
                    "route": "proposition",
                    "via": outcome,
                    "via_kind": "context" if forward else "outcome",
                    "match": "chain",
                }
                for outcome, before, after in rows
                if (after if forward else before) not in seen
            ]
            if not routes:
                break
            seen |= {r["through"] for r in routes}
            found = self._route_frame(routes, kinds, lang)
            frames.append(found)
            frontier = _outcome_iris(found) if forward else {r["through"] for r in routes}
        answer.attrs.pop("throughs", None)
        if len(frames) == 1:
            return answer
        for frame in frames:
            frame.attrs.pop("throughs", None)
        return pd.concat(frames, ignore_index=True)

    # --- the helpers -------------------------------------------------------------------

    @one_lookup
    def interventions_for(
        self,
        theme: str | URIRef,
        *,
        lang: str = "en",
        chains: bool = False,
        mappings: str = "exact",
        min_confidence: str | None = None,
    ) -> pd.DataFrame:
        """Which interventions lead to a theme, by which route, with the evidence.

        Two kinds of rows, told apart by ``match``:

        - ``route``: the intervention lies on a route to the theme. Through a design
          proposition (``route="proposition"``) whose added value or outcomes carry the
          theme (``via``), or through a pillar (``route="pillar"``) whose aim carries it;
          a pillar's "interventions" are its means (``kind="Means"``).
        - ``mention``: the intervention names the theme itself but lies on no route to it,
          so it serves something else (see ``through``).

        Every element that carries the theme starts a route: an outcome, added value,
        mechanism or context of a proposition (or the proposition itself), a pillar's aim
        (or the pillar). Where a proposition links its parts only as a whole, the route
        goes via the carrier nearest the outcome. A theme that no route reaches (carried
        only by a role, a quote, a recommendation) raises :class:`~cimo_graph.NoRouteError`
        saying what carries it.

        Parameters
        ----------
        theme
            A theme's id, Dutch or English label or synonym, in any case.
        lang
            ``"en"`` or ``"nl"``: the language of the labels.
        chains
            Follow chains of configurations back: where a proposition on a route holds in
            a context that is another proposition's outcome, that proposition's
            interventions lead there too (rows with ``match="chain"``, via that outcome).
        mappings
            Which mappings between studies to follow (kept by
            :meth:`~cimo_graph.CimoGraph.add_mappings`): ``"exact"`` (the default) answers
            for the themes of other studies that are an exact match of the theme too,
            ``"close"`` for close matches as well, ``"none"`` for the theme alone. The
            ``mapping`` column names the mapping a row was reached through
            (``skos:exactMatch belonging``), empty for the theme's own rows.

        Returns
        -------
        pandas.DataFrame
            Columns ``id, label, kind, match, route, through, through_label, via,
            via_kind, via_label, mechanisms, link, carried_out_by, source_text, notes,
            mapping, study, iri``. ``mechanisms`` lists the mechanisms of a proposition route.
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

        def build(themes: list[Node]) -> pd.DataFrame:
            routes, members = self._theme_members("interventions_for", themes, lang)
            return self._route_frame(
                routes,
                {"intervention", "means", "shaping"},
                lang,
                self._theme_mentions(themes, {"intervention", "means"}),
                members=members,
            )

        answer = self._theme_answer("interventions_for", theme, mappings, build)
        return self._finished(
            answer, {"intervention"}, lang, chains=chains, forward=False, least=min_confidence
        )

    @one_lookup
    def mechanisms_for(
        self,
        target: str | URIRef,
        *,
        lang: str = "en",
        chains: bool = False,
        mappings: str = "exact",
        min_confidence: str | None = None,
    ) -> pd.DataFrame:
        """The mechanisms of a design proposition, of the propositions holding an outcome
        (or any other element), or on the routes to a theme.

        For a theme, ``match="route"`` rows are the mechanisms of propositions whose added
        value or outcomes carry it, and ``match="mention"`` rows mechanisms that carry the
        theme themselves but lie on no route. Columns as :meth:`interventions_for`; with
        ``chains=True``, also the mechanisms of the propositions whose outcome is the
        context of one on a route (``match="chain"``).

        >>> kg = cg.load()
        >>> kg.mechanisms_for("W")["id"].tolist()
        ['W-M1', 'W-M2', 'W-M3', 'W-M4']
        >>> kg.mechanisms_for("W-O1")[["id", "through", "via"]].values.tolist()[0]
        ['W-M1', 'W', 'W-O1']
        """
        node, kind = self._names().node(target, themes=True)
        if kind == "theme":

            def build(themes: list[Node]) -> pd.DataFrame:
                routes, members = self._theme_members("mechanisms_for", themes, lang)
                mentions = self._theme_mentions(themes, {"mechanism"})
                return self._route_frame(routes, {"mechanism"}, lang, mentions, members=members)

            answer = self._theme_answer("mechanisms_for", target, mappings, build)
        else:

            def build_for(element: Node) -> pd.DataFrame:
                routes, _ = self._element_routes(element, "mechanisms_for")
                routes = [r for r in routes if r["route"] == "proposition"]
                return self._route_frame(routes, {"mechanism"}, lang)

            answer = self._element_answer(node, mappings, build_for)
        return self._finished(
            answer, {"mechanism"}, lang, chains=chains, forward=False, least=min_confidence
        )

    @one_lookup
    def outcomes_of(
        self,
        source: str | URIRef,
        *,
        lang: str = "en",
        chains: bool = False,
        mappings: str = "exact",
        min_confidence: str | None = None,
    ) -> pd.DataFrame:
        """The outcomes an intervention (or any element) leads to through its propositions,
        the outcomes of a proposition, or the aim of a pillar.

        A pillar's outcome is its aim (``kind="Aim"``); for a means, the aim of its pillar.
        For a theme: the outcomes, added values and aims that carry it, and the outcomes
        that a mechanism, intervention or context carrying it leads to. Columns as
        :meth:`interventions_for`. With ``chains=True``, an outcome that is the context of
        another proposition leads on to that one's outcomes (``match="chain"``, via it).

        >>> kg = cg.load()
        >>> kg.outcomes_of("W-I3")["id"].tolist()
        ['W-O1', 'W-O2', 'W-O3', 'W-O4']
        >>> kg.outcomes_of("P3")["id"].tolist()
        ['P3-aim']
        """
        node, kind = self._names().node(source, themes=True)
        if kind == "theme":

            def build(themes: list[Node]) -> pd.DataFrame:
                routes, members = self._theme_members("outcomes_of", themes, lang)
                return self._route_frame(
                    routes,
                    {"outcome", "added value", "aim"},
                    lang,
                    carriers={"outcome", "added value", "aim"},
                    along={"outcome", "aim"},
                    members=members,
                )

            answer = self._theme_answer("outcomes_of", source, mappings, build)
        else:

            def build_for(element: Node) -> pd.DataFrame:
                routes, _ = self._element_routes(element, "outcomes_of")
                return self._route_frame(routes, {"outcome", "aim"}, lang)

            answer = self._element_answer(node, mappings, build_for)
        return self._finished(
            answer, {"outcome"}, lang, chains=chains, forward=True, least=min_confidence
        )
