"""What every question helper stands on: the backend's three methods, names, the query
library, annotations (ids, labels, evidence of many nodes in one go) and the parts of
propositions and pillars; the decorators that pin the name lookup for one question and add
a ``study`` column to listings.
"""

from __future__ import annotations

import functools
import gc
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..errors import CimoGraphError, QueryParameterError, UnknownThemeError
from ..labels import choose_label
from ..lookup import NameIndex, local_name
from ..namespace import CIMO
from ..sparql import NamedQuery, Row, StringRow, named_queries, named_query

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

__all__ = ["Base", "Info", "Row", "collector_paused", "natural_key", "one_lookup", "per_study"]

T = TypeVar("T")

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
        return cimo_kind(self.types)


#: What the questions across studies follow of the mappings between them (``mappings=``).
MAPPINGS = ("exact", "close", "none")


def check_mappings(mappings: str) -> None:
    """Refuse a ``mappings=`` value that is not one of :data:`MAPPINGS`."""
    if mappings not in MAPPINGS:
        raise QueryParameterError(
            f"mappings={mappings!r}: use 'exact' (follow exact matches between studies), "
            "'close' (close matches too) or 'none'"
        )


def mapped_groups(clusters: Mapping[str, tuple[str, str]]) -> dict[str, list[str]]:
    """The members of each group of :meth:`Base._theme_clusters`, by the group's first."""
    groups: dict[str, list[str]] = defaultdict(list)
    for member, (group, _) in clusters.items():
        groups[group].append(member)
    return dict(groups)


def cimo_kind(types: Iterable[object]) -> str:
    """The CIMO class name (``Intervention``) among a node's classes, the most specific
    (not ``StudyElement``) first, or ``""``."""
    names = sorted(local_name(str(t)) for t in types if str(t).startswith(str(CIMO._NS)))
    specific = [n for n in names if n != "StudyElement"]
    return specific[0] if specific else (names[0] if names else "")


@functools.lru_cache(maxsize=65_536)
def natural_key(text: str) -> tuple[Any, ...]:
    """Sort ``C-I2`` before ``C-I10`` (kept per id: a listing sorts the same ids often)."""
    parts: list[Any] = _DIGITS.split(text)
    parts[1::2] = map(int, parts[1::2])  # the split's odd places are its runs of digits
    return tuple(parts)


def natural_sorted(texts: Iterable[str]) -> list[str]:
    """``texts`` in the order of :func:`natural_key`.

    When all have their ASCII digits in the same places (``s12-W-I1`` to ``s12-W-I6``),
    that order is the plain one, which is found without a key for each (a listing of
    10,000 studies sorts 170,000 ids).

    >>> natural_sorted(["C-I10", "C-I2", "C-I1"])
    ['C-I1', 'C-I2', 'C-I10']
    """
    ordered = sorted(texts)
    if len(ordered) > 1:
        # the shapes of all in one pass ("\0" is no digit, so it stays a separator)
        shapes = "\0".join(ordered).translate(_DIGIT_SHAPE).split("\0")
        if shapes.count(shapes[0]) != len(ordered):
            ordered.sort(key=natural_key)
    return ordered


def _as_strings(rows: Iterable[Row], columns: Sequence[str]) -> list[StringRow]:
    return [
        [None if (value := row.get(column)) is None else str(value) for column in columns]
        for row in rows
    ]


def in_id_order(nodes: Iterable[T], ident: Callable[[T], str]) -> list[T]:
    """The distinct ``nodes`` in the natural order of their ids (``ident``); nodes sharing
    an id (in several studies) in the order of their names."""
    unique = set(nodes)
    if len(unique) < 2:
        return list(unique)
    ids = {ident(node): node for node in unique}
    if len(ids) == len(unique):  # each its own id, as nearly always
        return [ids[key] for key in natural_sorted(ids)]
    by_id: dict[str, list[T]] = defaultdict(list)
    for node in unique:
        by_id[ident(node)].append(node)
    return [node for key in natural_sorted(by_id) for node in sorted(by_id[key], key=str)]


_DIGIT_SHAPE = str.maketrans("0123456789", "0000000000")
_DIGITS = re.compile(r"(\d+)")


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns))


def column_frame(columns: Mapping[str, list[Any]]) -> pd.DataFrame:
    """A frame built column by column (faster than from rows), empty as :func:`_frame`."""
    import pandas as pd

    if not any(columns.values()):
        return _frame([], list(columns))
    return pd.DataFrame(dict(columns), columns=list(columns))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while an answer is built.

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
    """Check once per question that the data did not change (the name lookup and its
    answers are kept per version), not at every name looked up; and build the answer
    with the cycle collector paused."""

    @functools.wraps(method)
    def wrapper(self: Base, *args: Any, **kwargs: Any) -> Any:
        if getattr(self, "_pinned_names", None) is not None:
            return method(self, *args, **kwargs)
        with collector_paused():
            self._pinned_names = self._names()
            try:
                return method(self, *args, **kwargs)
            except UnknownThemeError as error:
                hint = self._mentions(error.name)
                if not hint:
                    raise
                raise UnknownThemeError(error.name, error.suggestions, hint=hint) from None
            finally:
                self._pinned_names = None

    return wrapper


def per_study(method: Any) -> Any:
    """A listing gains a ``study`` column, after ``label``, when the graph holds more than
    one study: the same id may then stand in several, and each row says whose it is."""

    @functools.wraps(method)
    def wrapper(self: Base, *args: Any, **kwargs: Any) -> Any:
        frame = method(self, *args, **kwargs)
        if "study" in frame.columns or "iri" not in frame.columns:
            return frame
        if not self._several_studies():
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


class Base:
    """The shared part of the question helpers; a backend supplies ``_select``,
    ``_select_each`` and ``_prefixes`` (and ``sparql``)."""

    # --- provided by the backend -------------------------------------------------------

    #: Whether the store may keep ``"a"^^xsd:string`` apart from ``"a"`` (a remote one
    #: may: Virtuoso does), so names are also looked up as typed strings.
    _typed_strings = False
    #: the name index one question reads throughout (see :func:`one_lookup`); None between
    _pinned_names: NameIndex | None = None
    #: the folder of a store kept on disk, where what is worked out once is kept too
    location: Path | None = None

    def _select(self, query: NamedQuery, bindings: Mapping[str, Node]) -> list[Row]:
        raise NotImplementedError

    def _select_each(self, query: NamedQuery, variable: str, terms: Iterable[Node]) -> list[Row]:
        raise NotImplementedError

    def _prefixes(self) -> dict[str, str]:
        raise NotImplementedError

    def _strings(self, query: NamedQuery, bindings: Mapping[str, Node]) -> list[StringRow]:
        """The answer as rows of plain strings in the order of the query's projection: an
        IRI or blank node by its name, a literal by its lexical form, ``None`` unbound.

        What a listing over a whole collection reads (:mod:`.collection`); a backend may
        read its store's answer without making terms (the Oxigraph engine does).
        """
        return _as_strings(self._select(query, bindings), query.projection)

    def _strings_each(
        self, query: NamedQuery, variable: str, terms: Iterable[Node]
    ) -> list[StringRow]:
        """:meth:`_select_each`, read as :meth:`_strings` reads."""
        return _as_strings(self._select_each(query, variable, terms), query.projection)

    def _confident(self, min_confidence: str | None) -> set[tuple[str, str, str]] | None:
        """The findings assessed at ``min_confidence`` or higher, each as (IRI, study id,
        id): what ``min_confidence=`` keeps of a listing; ``None`` keeps everything."""
        if min_confidence is None:
            return None
        from .collection import id_of
        from .confidence import confidence_rank, level_rank

        least = confidence_rank(min_confidence)
        found: dict[str, tuple[int, set[str], str, set[str]]] = {}
        for finding, level, finding_id, study, study_id in self._strings(
            named_query("confidence-levels"), {}
        ):
            if finding is None:
                continue
            _, ids, _, study_ids = found.setdefault(
                finding, (level_rank(level), set(), study or "", set())
            )
            if finding_id:
                ids.add(finding_id)
            if study_id:
                study_ids.add(study_id)
        return {
            (finding, id_of(of, study_ids) if of else "", id_of(finding, ids))
            for finding, (rank, ids, of, study_ids) in found.items()
            if rank >= least
        }

    def _several_studies(self) -> bool:
        """Whether the graph holds more than one study (answers then name the study)."""
        return len(self._strings(named_query("two-studies"), {})) > 1

    def _present(self, iris: list[URIRef]) -> list[URIRef]:
        """The IRIs among ``iris`` that name a subject; a backend may check by its index
        (this one keeps them all: the lookup's query then finds which do)."""
        return iris

    def _index_key(self) -> object:
        """A value that changes when the data does, so the name index is rebuilt."""
        return None

    # --- mappings between studies -----------------------------------------------------

    def _theme_clusters(
        self, mappings: str, query: str = "theme-mappings"
    ) -> dict[str, tuple[str, str]]:
        """The themes the graph's mappings join (``theme-mappings``; the elements, with
        ``query="element-mappings"``): for each in a group of more than one, the group's
        first (by IRI) and how it is joined to the others (``skos:exactMatch``, or
        ``skos:closeMatch`` where a close match is on its way). Exact matches join for
        ``mappings="exact"``, close ones too for ``"close"``; ``"none"`` joins nothing."""
        check_mappings(mappings)
        if mappings == "none":
            return {}
        rows = self._strings(named_query(query), {})
        if not rows:
            return {}  # no mapping at all: nothing more to import or to do
        from networkx.utils import UnionFind

        groups = UnionFind()
        closeness: dict[str, bool] = {}
        for subject, predicate, target in rows:
            if subject is None or predicate is None or target is None:
                continue
            close = not predicate.endswith("exactMatch")
            if close and mappings != "close":
                continue
            groups.union(subject, target)
            closeness[subject] = closeness.get(subject, False) or close
            closeness[target] = closeness.get(target, False) or close
        found = {}
        for members in groups.to_sets():
            close = any(closeness.get(m, False) for m in members)
            joined = "skos:closeMatch" if close else "skos:exactMatch"
            first = min(members)
            for member in members:
                found[member] = (first, joined)
        return found

    # --- names -------------------------------------------------------------------------

    def _names(self) -> NameIndex:
        pinned: NameIndex | None = getattr(self, "_pinned_names", None)
        if pinned is not None:  # inside one question: the version was checked at its start
            return pinned
        key = self._index_key()
        cached = getattr(self, "_name_cache", None)
        if cached is None or cached[0] != key:
            index = NameIndex(
                lambda name, bindings: self._select(named_query(name), bindings),
                lambda name, variable, terms: self._select_each(named_query(name), variable, terms),
                self._prefixes(),
                self._present,
                typed_strings=self._typed_strings,
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
        return cast(URIRef, self._names().theme(name))  # themes are named by IRIs

    def node(self, name: str | URIRef) -> URIRef:
        """The IRI of the study element called ``name``: its id (``W-I3``), prefixed name
        (``lnw:W-I3``), IRI or label in either language.

        >>> cg.load().node("W-I3")
        rdflib.term.URIRef('https://w3id.org/cimo-graph/study/leernetwerken/W-I3')
        """
        return cast(URIRef, self._names().node(name)[0])  # elements are named by IRIs

    def _mentions(self, name: str) -> str:
        """For a name that is no theme: how many elements mention it, and the search that
        finds them ("2 elements mention it: kg.search('LOS')"), or ``""``."""
        search = getattr(self, "search", None)
        try:
            found = len(search(name)) if search is not None else 0
        except CimoGraphError:
            return ""
        if not found:
            return ""
        many = f"{found} elements mention" if found > 1 else "1 element mentions"
        return f"{many} it: kg.search({name!r})"

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
        self,
        wholes: Iterable[Node],
        *,
        roles: bool = False,
        labelled: Collection[str] | None = None,
    ) -> tuple[dict[Node, dict[str, list[Node]]], dict[Node, Info]]:
        """For each whole, its parts by kind (``"intervention"``, ...), and the annotations
        of the wholes, their parts and (with ``roles``) the roles carrying them out.

        The parts' ids come with them; their labels are read for the kinds in
        ``labelled`` only (every kind when ``None``), so that a listing that shows most
        parts by id reads no labels for them.
        """
        wholes = list(wholes)
        grouped: dict[Node, dict[str, list[Node]]] = {w: defaultdict(list) for w in wholes}
        parts: dict[Node, Info] = {}
        named: set[Node] = set()
        for whole, rows in self._parts(wholes).items():
            seen: set[tuple[Node, str, Node | None]] = set()
            for row in rows:
                part, kind, role = row["part"], str(row["kind"]), row.get("role")
                info = parts.get(part)
                if info is None:
                    info = parts[part] = Info(part)
                if row.get("partId") is not None and str(row["partId"]) not in info.ids:
                    info.ids.append(str(row["partId"]))
                if (part, kind, role) in seen:
                    continue  # another id of the same part
                seen.add((part, kind, role))
                if part not in grouped[whole][kind]:
                    grouped[whole][kind].append(part)
                if labelled is None or kind in labelled:
                    named.add(part)
                if roles and role is not None:
                    grouped[whole]["role"].append(role)
                    named.add(role)
        infos = {node: info for node, info in parts.items() if node not in named}
        infos.update(self._annotate(named - set(wholes), names_only=True))
        infos.update(self._annotate(wholes))
        return grouped, infos

    def _role_name(self, role: Node, infos: Mapping[Node, Info], lang: str) -> str:
        """How a sentence or figure names a role: its plural ("opleiders"), else its label."""
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
