"""Choosing a label: the asked language first, then the study's other language, then any."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rdflib import Literal
from rdflib.term import Node

__all__ = [
    "LANGUAGES",
    "choose_label",
    "choose_text",
    "preferred_languages",
    "term_words",
    "value_words",
]

#: The languages labels are looked up in, in order of preference after the asked one.
LANGUAGES: tuple[str, ...] = ("en", "nl")


def choose_label(literals: Iterable[Node], lang: str = "en") -> Literal | None:
    """Return the literal to show in language ``lang``.

    The asked language comes first, then the other study languages (:data:`LANGUAGES`),
    then an untagged literal, then any other language; among equals, the first in sort
    order, so the choice is repeatable. A node is never left without a label because it
    lacks one in ``lang``.

    >>> from rdflib import Literal
    >>> labels = [Literal("leernetwerk", lang="nl"), Literal("learning network", lang="en")]
    >>> str(choose_label(labels, "nl"))
    'leernetwerk'
    >>> str(choose_label(labels[:1], "en"))
    'leernetwerk'
    """
    order = _preference(lang)
    plain, others = len(order), len(order) + 1
    best: Literal | None = None
    best_key: tuple[int, str] | None = None
    for node in literals:
        if not isinstance(node, Literal):
            continue
        tag = node.language
        rank = order.get(tag.lower(), others) if tag else plain
        key = (rank, str(node))
        if best_key is None or key < best_key:
            best, best_key = node, key
    return best


def choose_text(labels: Iterable[tuple[str, str]], lang: str = "en") -> str | None:
    """:func:`choose_label` for labels read as strings: (text, language tag or ``""``).

    >>> choose_text([("leernetwerk", "nl"), ("learning network", "en")], "nl")
    'leernetwerk'
    """
    order = _preference(lang)
    plain, others = len(order), len(order) + 1
    best: tuple[int, str] | None = None
    for text, tag in labels:
        key = (order.get(tag.lower(), others) if tag else plain, text)
        if best is None or key < best:
            best = key
    return None if best is None else best[1]


def preferred_languages(lang: str) -> tuple[str, ...]:
    """The language tags a label is looked for in, in order, before an untagged label and
    then any other language: ``lang``, then :data:`LANGUAGES`.

    >>> preferred_languages("nl")
    ('nl', 'en')
    """
    return tuple(_preference(lang))


@lru_cache(maxsize=64)
def _preference(lang: str) -> dict[str, int]:
    """Rank of each preferred language tag: ``lang`` first, then :data:`LANGUAGES`."""
    order = (lang, *(other for other in LANGUAGES if other != lang))
    return {tag: rank for rank, tag in enumerate(dict.fromkeys(order))}


def value_words(classes: Iterable[str], lang: str) -> dict[str, str]:
    """The ontology's label in ``lang`` of every value of the classes named (by local
    name: ``"ConfidenceLevel"``), by the value's IRI; its local name where it has none.

    >>> value_words(["ChangeKind"], "nl")["https://w3id.org/cimo-graph/ontology#refinement"]
    'verfijnd'
    """
    from rdflib import URIRef
    from rdflib.namespace import RDF, RDFS

    from ._resources import ontology_graph

    ontology = ontology_graph()
    words = {}
    for cls in classes:
        for value in ontology.subjects(
            RDF.type, URIRef(f"https://w3id.org/cimo-graph/ontology#{cls}")
        ):
            label = choose_label(ontology.objects(value, RDFS.label), lang)
            words[str(value)] = str(label) if label is not None else str(value).rsplit("#", 1)[-1]
    return words


@lru_cache(maxsize=1024)
def term_words(iri: str, lang: str) -> str:
    """A term of the ontology (a class, a link, a value) in words of ``lang``: its label
    there; for a link of another vocabulary that studies use, the library's own words for
    it; else its name split at capitals (``wasAttributedTo`` -> ``was attributed to``).

    >>> term_words("https://w3id.org/cimo-graph/ontology#hasPillar", "nl")
    'heeft pijler'
    >>> term_words("http://www.w3.org/2004/02/skos/core#broader", "en")
    'broader'
    >>> term_words("https://example.org/vocab#partOfWhole", "de")
    'part of whole'
    """
    import re

    from rdflib import URIRef
    from rdflib.namespace import RDFS

    from ._resources import ontology_graph
    from .locales import words

    label = choose_label(ontology_graph().objects(URIRef(iri), RDFS.label), lang)
    if label is not None:
        return str(label)
    known = words("links", lang).get(iri)
    if known is not None:
        return known
    name = re.split(r"[#/]", iri.rstrip("#/"))[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()
