"""Finding themes and nodes by what a researcher types: ids, labels, synonyms, any case,
by bound queries (never by reading every name of a large graph)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib.namespace import XSD
from rdflib.term import Literal, Node, URIRef

from .errors import AmbiguousNameError, UnknownNodeError, UnknownThemeError
from .iris import iri_problem

if TYPE_CHECKING:
    from .sparql import Row

__all__ = ["NameIndex", "normalise"]


def normalise(text: str) -> str:
    """The form names are compared in: no accents, no case, punctuation as single spaces.

    >>> normalise("  Zelfsturing ")
    'zelfsturing'
    >>> normalise("Theory\u2013Practice_link") == normalise("theory practice link")
    True
    >>> normalise("creëren")
    'creeren'
    """
    if not text.isascii():  # ASCII has no accents to take off
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _PUNCTUATION.sub(" ", text.casefold()).strip()


_PUNCTUATION = re.compile(r"[\W_]+")


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``/`` or ``#``.

    >>> local_name("https://w3id.org/cimo-graph/study/leernetwerken/W-I3")
    'W-I3'
    """
    iri = iri.rstrip("/#")
    return iri[max(iri.rfind("/"), iri.rfind("#")) + 1 :]


def local_names(iris: Iterable[str]) -> dict[str, str]:
    """:func:`local_name` of each of many IRIs (a listing names 100,000 parts by theirs).

    >>> local_names(["https://example.org/s/W-I1", "https://example.org/s#C/"])
    {'https://example.org/s/W-I1': 'W-I1', 'https://example.org/s#C/': 'C'}
    """
    iris = list(iris)
    joined = "\n".join(iris)
    if "#" not in joined and "/\n" not in joined and not joined.endswith("/"):
        # as nearly always: no IRI has a "#" or ends in "/" (twice as fast)
        return {iri: iri.rpartition("/")[2] for iri in iris}
    return {iri: local_name(iri) for iri in iris}


#: How many names a lookup's fallback reads at most to find a spelling or suggest one.
SCAN_LIMIT = 200_000


@dataclass
class Found:
    """The nodes one name stands for: by id (identifier, notation, IRI, local name) or by
    label (any label or synonym), of elements and of themes."""

    element_ids: set[Node] = field(default_factory=set)
    element_labels: set[Node] = field(default_factory=set)
    theme_ids: set[Node] = field(default_factory=set)
    theme_labels: set[Node] = field(default_factory=set)
    #: close names, for the error when nothing was found: (normalised name, kind, node)
    near: list[tuple[str, str, Node]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.element_ids or self.element_labels or self.theme_ids or self.theme_labels)

    def add(self, node: Node, kind: str, field_: str) -> None:
        if kind == "theme":
            (self.theme_ids if field_ == "id" else self.theme_labels).add(node)
        else:
            (self.element_ids if field_ == "id" else self.element_labels).add(node)

    @property
    def themes(self) -> set[Node]:
        return self.theme_ids or self.theme_labels


class NameIndex:
    """Every name a theme or a study element answers to, looked up by query.

    A name is found by index, never by reading every name of the graph: the IRI it is (or,
    as a prefixed name, expands to); the spellings of it (as typed, lower case, upper
    case, capitalised; plain and in each label language of the studies) among
    identifiers, notations, labels and synonyms (``name-keys.rq``); as a local name in
    each namespace the graph binds. Only when none of these finds it: as a local name in
    each study's namespace, then among the names that begin with its first letter
    (``lookup-index.rq``), compared in the normalised form (:func:`normalise`: any case,
    accents, punctuation), which also gives the close names an error suggests.

    ``select(query_name, bindings)`` and ``select_each(query_name, variable, terms)`` run
    the library's named queries; answers are kept for the life of the index (one version
    of the data). ``present(iris)``, when given, keeps the IRIs that name a subject, by
    the store's index: a local name is tried in each study's namespace, 20,000 IRIs in a
    collection of 10,000 studies, of which most name nothing. With ``typed_strings``,
    each spelling is also looked up as an ``xsd:string`` literal, for a store that keeps
    it apart from the plain one (Virtuoso does, against RDF 1.1).
    """

    def __init__(
        self,
        select: Callable[[str, Mapping[str, Node]], list[Row]],
        select_each: Callable[[str, str, Iterable[Node]], list[Row]],
        prefixes: Mapping[str, str],
        present: Callable[[list[URIRef]], list[URIRef]] | None = None,
        *,
        typed_strings: bool = False,
    ) -> None:
        self._select = select
        self._select_each = select_each
        self._present = present
        self._typed_strings = typed_strings
        self._prefixes = dict(prefixes)
        self._found: dict[str, Found] = {}
        self._display: dict[Node, str] = {}
        self._languages: list[str] | None = None
        self._study_namespaces: list[str] | None = None

    # --- finding -----------------------------------------------------------------------

    def _expand(self, name: str) -> str:
        prefix, _, rest = name.partition(":")
        if rest and prefix in self._prefixes and not rest.startswith("//"):
            return self._prefixes[prefix] + rest
        return name

    def find(self, name: str | URIRef) -> Found:
        """Every node ``name`` stands for (cached)."""
        text = str(name).strip()
        found = self._found.get(text)
        if found is None:
            found = self._found[text] = self._lookup(text)
        return found

    def _lookup(self, text: str) -> Found:
        found = Found()
        expanded = self._expand(text)
        self._add_nodes(found, self._candidate_iris(expanded, self._prefixes.values()))
        keys = [Literal(v, lang=t) for v in _spellings(text) for t in self._tags()]
        if self._typed_strings:  # a store that keeps "a"^^xsd:string apart from "a"
            keys += [Literal(v, datatype=XSD.string) for v in _spellings(text)]
        rows = self._select_each("name-keys", "key", keys)
        for row in rows:
            found.add(row["node"], str(row["kind"]), str(row["field"]))
        if not found:
            self._add_nodes(found, self._candidate_iris(text, self._namespaces()))
        if not found:
            self._scan(found, normalise(expanded), expanded.lower()[:2])
        return found

    def _candidate_iris(self, name: str, namespaces: Iterable[str]) -> list[URIRef]:
        candidates = [name] if iri_problem(name) is None else []
        if _is_local_name(name):
            candidates += [namespace + name for namespace in namespaces]
        return [URIRef(c) for c in dict.fromkeys(candidates) if iri_problem(c) is None]

    def _add_nodes(self, found: Found, candidates: list[URIRef]) -> None:
        if self._present is not None and len(candidates) > 1:
            candidates = self._present(candidates)
        for row in self._select_each("name-nodes", "node", candidates):
            found.add(row["node"], str(row["kind"]), "id")

    def _tags(self) -> list[str | None]:
        """``None`` (a plain literal) and each label language the studies declare."""
        if self._languages is None:
            rows = self._select("study-languages", {})
            self._languages = sorted({str(r["lang"]) for r in rows})
        return [None, *self._languages]

    def _namespaces(self) -> list[str]:
        """The namespaces the studies' own IRIs open: ``.../study/x`` gives ``.../study/x/``
        and ``.../study/``."""
        if self._study_namespaces is None:
            spaces: dict[str, None] = {}
            for row in self._select("study-iris", {}):
                iri = str(row["study"])
                spaces[iri.rstrip("/#") + "/"] = None
                cut = max(iri.rstrip("/#").rfind("/"), iri.rfind("#"))
                if cut > iri.find("://") + 2:
                    spaces[iri[: cut + 1]] = None
            self._study_namespaces = list(spaces)
        return self._study_namespaces

    def _scan(self, found: Found, key: str, start: str) -> None:
        """The fallback: the names that begin with ``start`` (the first two letters typed,
        in lower case), compared with ``key`` normalised; the others kept as close names."""
        if not key or not start:
            return
        rows = self._select("lookup-index", {"start": Literal(start)})
        for row in rows[:SCAN_LIMIT]:
            node, kind, field_ = row["node"], str(row["kind"]), str(row["field"])
            name = normalise(str(row["key"]))
            if name == key or normalise(local_name(str(node))) == key:
                found.add(node, kind, "id" if name != key else field_)
            else:
                found.near.append((name, kind, node))

    # --- choosing ----------------------------------------------------------------------

    def _one(self, name: str, nodes: set[Node]) -> Node:
        if len(nodes) > 1:
            self.prefetch(nodes)
            shown = [self.display(n) for n in nodes]
            if len(set(shown)) < len(shown):  # the same id in several studies: show IRIs
                shown = [f"{s} <{n}>" for s, n in zip(shown, nodes, strict=True)]
            raise AmbiguousNameError(name, sorted(shown))
        return next(iter(nodes))

    def _suggestions(self, name: str, kinds: tuple[str, ...], limit: int = 3) -> list[str]:
        found = self.find(name)
        key = normalise(self._expand(str(name).strip()))
        by_name: dict[str, list[Node]] = {}
        for near, kind, node in found.near:
            if kind in kinds:
                by_name.setdefault(near, []).append(node)
        import difflib  # for suggestions only: not loaded with the package

        close = difflib.get_close_matches(key, list(by_name), n=limit * 3, cutoff=0.6)
        nodes = [by_name[c][0] for c in close]
        self.prefetch(nodes)
        unique: list[str] = []
        for node in nodes:
            if self.display(node) not in unique:
                unique.append(self.display(node))
        return unique[:limit]

    def theme(self, name: str | URIRef) -> Node:
        """The theme named ``name``: its IRI, notation, preferred label or any synonym."""
        nodes = self.find(name).themes
        if not nodes:
            raise UnknownThemeError(str(name), self._suggestions(name, ("theme",)))
        return self._one(str(name), nodes)

    def themes_named(self, name: str | URIRef) -> list[Node]:
        """Every theme named ``name``: one per study when several studies share it.

        Within a study a theme's id wins over another theme's label or synonym; across
        studies it does not: the theme of another study that has the name as its label or
        synonym comes too, so that no study's meaning of a name is dropped in silence
        ("verbondenheid", the id of one study's theme and the Dutch label of another's)."""
        found = self.find(name)
        nodes = found.themes
        if not nodes:
            raise UnknownThemeError(str(name), self._suggestions(name, ("theme",)))
        labelled = found.theme_labels - found.theme_ids
        if found.theme_ids and labelled:
            studies: dict[Node, set[Node]] = {}
            for row in self._select_each("node-study", "node", found.theme_ids | labelled):
                studies.setdefault(row["node"], set()).add(row["study"])
            taken = {s for node in found.theme_ids for s in studies.get(node, ())}
            nodes = found.theme_ids | {
                node for node in labelled if studies.get(node) and not studies[node] & taken
            }
        return sorted(nodes, key=str)

    def node(self, name: str | URIRef, *, themes: bool = False) -> tuple[Node, str]:
        """The element (or, with ``themes=True``, the theme) named ``name``.

        Returns the node and ``"element"`` or ``"theme"``. An element's id or IRI wins,
        then a theme's name, then an element's label.
        """
        found = self.find(name)
        if found.element_ids:
            return self._one(str(name), found.element_ids), "element"
        if themes and found.themes:
            return sorted(found.themes, key=str)[0], "theme"
        if found.element_labels:
            return self._one(str(name), found.element_labels), "element"
        kinds = ("element", "theme") if themes else ("element",)
        raise UnknownNodeError(str(name), self._suggestions(name, kinds, 5 if themes else 3))

    # --- showing -----------------------------------------------------------------------

    def prefetch(self, nodes: Iterable[Node]) -> None:
        """Read the ids of ``nodes`` in one query, for :meth:`display`."""
        wanted = [n for n in dict.fromkeys(nodes) if n is not None and n not in self._display]
        if not wanted:
            return
        ids: dict[Node, list[str]] = {}
        for row in self._select_each("names", "node", wanted):
            if str(row["field"]) == "id":
                ids.setdefault(row["node"], []).append(str(row["value"]))
        for node in wanted:
            self._display[node] = sorted(ids[node])[0] if node in ids else local_name(str(node))

    def display(self, node: Node) -> str:
        """The id a node is shown by: its identifier or notation, else its local name."""
        if node not in self._display:
            self.prefetch([node])
        return self._display[node]


def _spellings(text: str) -> list[str]:
    """The spellings of a typed name worth looking up as they are stored."""
    plain = " ".join(text.split())
    forms = [text, plain, plain.lower(), plain.upper(), plain.capitalize(), plain.title()]
    return [form for form in dict.fromkeys(forms) if form]


def _is_local_name(text: str) -> bool:
    """Whether ``text`` could end an IRI: no spaces, no scheme."""
    return bool(text) and not any(c.isspace() for c in text) and iri_problem(text) is not None
