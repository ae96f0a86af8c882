"""Finding themes and nodes by what a researcher types: ids, labels, synonyms, any case."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib.term import Node, URIRef

from .errors import AmbiguousNameError, UnknownNodeError, UnknownThemeError

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
    """The part of an IRI after its last ``/`` or ``#``."""
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]


@dataclass
class _Names:
    """Normalised names of one kind of node: exact ids first, then labels."""

    ids: dict[str, set[Node]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, set[Node]] = field(default_factory=lambda: defaultdict(set))
    display: dict[Node, str] = field(default_factory=dict)
    nodes: set[Node] = field(default_factory=set)

    def find(self, key: str) -> set[Node]:
        return self.ids.get(key) or self.labels.get(key) or set()

    def suggestions(self, key: str, limit: int = 3) -> list[str]:
        by_key: dict[str, str] = {}
        for names in (self.ids, self.labels):
            for name, nodes in names.items():
                for node in nodes:
                    by_key.setdefault(name, self.display[node])
        close = difflib.get_close_matches(key, list(by_key), n=limit * 3, cutoff=0.6)
        unique: list[str] = []
        for name in close:
            if by_key[name] not in unique:
                unique.append(by_key[name])
        return unique[:limit]


class NameIndex:
    """Every name a theme or a study element answers to.

    Built from rows of ``(node, kind, field, key)``: ``kind`` is ``"theme"`` or
    ``"element"``; ``field`` is ``"id"`` (identifier, notation, IRI, local name) or
    ``"label"`` (any label or synonym). Ids win over labels.
    """

    def __init__(self, rows: Iterable[tuple[Node, str, str, str]], prefixes: dict[str, str]):
        self.themes = _Names()
        self.elements = _Names()
        self._prefixes = prefixes
        for node, kind, field_, key in rows:
            names = self.themes if kind == "theme" else self.elements
            (names.ids if field_ == "id" else names.labels)[normalise(key)].add(node)
            if field_ == "id":
                names.display.setdefault(node, key)
            names.nodes.add(node)
        for names in (self.themes, self.elements):
            for node in names.nodes:
                names.ids[normalise(str(node))].add(node)
                names.ids[normalise(local_name(str(node)))].add(node)
                names.display.setdefault(node, local_name(str(node)))

    def _expand(self, name: str) -> str:
        prefix, _, rest = name.partition(":")
        if rest and prefix in self._prefixes and not rest.startswith("//"):
            return self._prefixes[prefix] + rest
        return name

    def _one(self, name: str, nodes: set[Node], names: _Names) -> Node:
        if len(nodes) > 1:
            shown = [names.display.get(n, str(n)) for n in nodes]
            if len(set(shown)) < len(shown):  # the same id in several studies: show IRIs
                shown = [f"{s} <{n}>" for s, n in zip(shown, nodes, strict=True)]
            raise AmbiguousNameError(name, sorted(shown))
        return next(iter(nodes))

    def theme(self, name: str | URIRef) -> Node:
        """The theme named ``name``: its IRI, notation, preferred label or any synonym."""
        key = normalise(self._expand(str(name)))
        nodes = self.themes.find(key)
        if not nodes:
            raise UnknownThemeError(str(name), self.themes.suggestions(key))
        return self._one(str(name), nodes, self.themes)

    def themes_named(self, name: str | URIRef) -> list[Node]:
        """Every theme named ``name``: one per study when several studies share it."""
        key = normalise(self._expand(str(name)))
        nodes = self.themes.find(key)
        if not nodes:
            raise UnknownThemeError(str(name), self.themes.suggestions(key))
        return sorted(nodes, key=str)

    def node(self, name: str | URIRef, *, themes: bool = False) -> tuple[Node, str]:
        """The element (or, with ``themes=True``, the theme) named ``name``.

        Returns the node and ``"element"`` or ``"theme"``. An element's id or IRI wins,
        then a theme's name, then an element's label.
        """
        key = normalise(self._expand(str(name)))
        nodes = self.elements.ids.get(key)
        if nodes:
            return self._one(str(name), nodes, self.elements), "element"
        if themes:
            theme_nodes = self.themes.find(key)
            if theme_nodes:
                return sorted(theme_nodes, key=str)[0], "theme"
        nodes = self.elements.labels.get(key)
        if nodes:
            return self._one(str(name), nodes, self.elements), "element"
        suggestions = self.elements.suggestions(key)
        if themes:
            suggestions = (suggestions + self.themes.suggestions(key))[:5]
        raise UnknownNodeError(str(name), suggestions)

    def display(self, node: Node) -> str:
        """The id a node is shown by: its identifier or notation, else its local name."""
        return (
            self.elements.display.get(node)
            or self.themes.display.get(node)
            or local_name(str(node))
        )
