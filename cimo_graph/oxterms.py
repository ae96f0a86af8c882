"""Oxigraph's answers as rdflib terms, made fast: the helpers read hundreds of thousands.

oxrdflib's ``from_ox`` builds each literal through ``rdflib.Literal()``, which checks and
casts its value (3.2 us a literal; 5 of the 14 s ``propositions()`` took over 10,000
studies). A language-tagged or ``xsd:string`` literal needs none of that: its value is
its text; nor does a canonical ``xsd:integer`` (the counts of aggregating queries). Those
are made directly (0.3 us), equal in every respect to rdflib's own (``==``, ``hash``,
``.value``, ``.language``, ``.datatype``, ``n3()``; tests/test_oxterms.py). IRIs are made
without ``URIRef()``'s character check (Oxigraph parsed them: none has a character it
refuses; 1.2 s of a 10,000-study validation's 237,397 IRIs). IRIs and short plain strings
(the kinds and fields a query binds) are shared through bounded tables, since the same ones
come back in row after row; every other term goes through ``from_ox``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from rdflib import Literal, URIRef
from rdflib.term import Node

if TYPE_CHECKING:
    from .sparql import Row

__all__ = ["from_oxigraph", "plain_from_oxigraph", "rows"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_STRING_IRI = URIRef(_XSD_STRING)
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_XSD_INTEGER_IRI = URIRef(_XSD_INTEGER)
#: the canonical form of an integer, whose value rdflib reads as ``int(text)``
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
#: IRIs kept for reuse; the table starts again when it holds this many
_IRI_TABLE_SIZE = 200_000
_iris: dict[str, URIRef] = {}
#: plain strings this short (the kinds and field names queries bind) are shared too
_SHORT = 24
_strings: dict[str, Literal] = {}


def from_oxigraph(term: Any) -> Node | None:
    """A pyoxigraph term as the rdflib term oxrdflib's ``from_ox`` gives.

    >>> import pyoxigraph as ox
    >>> from_oxigraph(ox.Literal("leernetwerk", language="nl"))
    rdflib.term.Literal('leernetwerk', lang='nl')
    """
    import pyoxigraph as ox

    kind = type(term)
    if kind is ox.NamedNode:
        value = term.value
        iri = _iris.get(value)
        if iri is None:
            if len(_iris) >= _IRI_TABLE_SIZE:
                _iris.clear()
            # a valid IRI already (Oxigraph parsed it): made as URIRef() makes it, unchecked
            iri = _iris[value] = str.__new__(URIRef, value)
        return iri
    if kind is ox.Literal:
        language = term.language
        if language:
            return _literal(term.value, language, None)
        if term.datatype.value == _XSD_STRING:
            text = term.value
            if len(text) <= _SHORT:  # a kind or field name a query binds: shared
                literal = _strings.get(text)
                if literal is None:
                    if len(_strings) >= _IRI_TABLE_SIZE:
                        _strings.clear()
                    literal = _strings[text] = _literal(text, None, _XSD_STRING_IRI)
                return literal
            return _literal(text, None, _XSD_STRING_IRI)
        if term.datatype.value == _XSD_INTEGER and _INTEGER.fullmatch(term.value):
            return _integer(term.value)  # the counts of aggregating queries
    if term is None:
        return None
    from oxrdflib._converter import from_ox

    return cast(Node, from_ox(term))  # a term, never a quoted triple: no query asks for one


def plain_from_oxigraph(term: Any) -> Node | None:
    """:func:`from_oxigraph`, with an ``xsd:string`` literal written plain, as a parser
    reads ``"text"`` (RDF 1.1 makes the two one; Oxigraph returns them typed).

    >>> import pyoxigraph as ox
    >>> plain_from_oxigraph(ox.Literal("leernetwerk"))
    rdflib.term.Literal('leernetwerk')
    """
    import pyoxigraph as ox

    if type(term) is ox.Literal and not term.language and term.datatype.value == _XSD_STRING:
        return _literal(term.value, None, None)
    return from_oxigraph(term)


def _literal(text: str, language: str | None, datatype: URIRef | None) -> Literal:
    """The literal ``Literal(text, lang=language, datatype=datatype)`` makes, for a string
    (whose value is its text and which is never ill-typed), without its checks."""
    literal = str.__new__(Literal, text)
    literal._language = language
    literal._datatype = datatype
    literal._value = text
    literal._ill_typed = None if datatype is None else False
    return literal


def _integer(text: str) -> Literal:
    """The ``xsd:integer`` literal ``text`` (canonical digits) as rdflib makes it."""
    literal = str.__new__(Literal, text)
    literal._language = None
    literal._datatype = _XSD_INTEGER_IRI
    literal._value = int(text)
    literal._ill_typed = False
    return literal


def rows(solutions: Any, known: Mapping[str, Node]) -> list[Row]:
    """pyoxigraph's SELECT ``solutions`` as dicts of rdflib terms, each with ``known``
    (the values bound as constants) added."""
    names = [variable.value for variable in solutions.variables]
    convert = from_oxigraph
    if known:
        return [{**known, **dict(zip(names, map(convert, s), strict=True))} for s in solutions]
    return [dict(zip(names, map(convert, s), strict=True)) for s in solutions]
