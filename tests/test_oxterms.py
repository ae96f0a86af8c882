"""Oxigraph's answers become rdflib terms equal in every respect to oxrdflib's own."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from oxrdflib._converter import from_ox
from rdflib import Literal

from cimo_graph.oxterms import from_oxigraph, plain_from_oxigraph, rows

XSD = "http://www.w3.org/2001/XMLSchema#"
TERMS = [
    ox.Literal("leernetwerk", language="nl"),
    ox.Literal("Learning network", language="en-GB"),
    ox.Literal(""),
    ox.Literal("short"),
    ox.Literal("a longer plain string, past the shared table's length " * 3),
    ox.Literal("zelfstandigheid \u00e9\u00e8 \U0001f600"),
    ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("-120", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("0", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("007", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("1.5", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("2024-01-01", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal("x", datatype=ox.NamedNode("https://example.org/type")),
    ox.NamedNode("https://w3id.org/cimo-graph/study/leernetwerken/W-I3"),
    ox.BlankNode("b0"),
]


@pytest.mark.parametrize("term", TERMS, ids=repr)
def test_a_term_converts_as_oxrdflib_converts_it(term):
    ours, theirs = from_oxigraph(term), from_ox(term)
    assert type(ours) is type(theirs)
    assert ours == theirs and hash(ours) == hash(theirs)
    assert ours.n3() == theirs.n3()
    for attribute in ("value", "language", "datatype"):
        assert getattr(ours, attribute, None) == getattr(theirs, attribute, None)
    assert ours.toPython() == theirs.toPython()


@pytest.mark.parametrize("term", TERMS, ids=repr)
def test_a_plain_term_is_the_parser_s_plain_literal(term):
    """``xsd:string`` literals come back as a parser reads ``"text"``; the rest as above."""
    ours = plain_from_oxigraph(term)
    theirs = from_ox(term)
    if isinstance(term, ox.Literal) and term.datatype.value == XSD + "string":
        theirs = Literal(term.value)
    assert type(ours) is type(theirs)
    assert ours == theirs and hash(ours) == hash(theirs) and ours.n3() == theirs.n3()
    for attribute in ("value", "language", "datatype"):
        assert getattr(ours, attribute, None) == getattr(theirs, attribute, None)


def test_rows_keep_unbound_values_and_add_the_constants():
    store = ox.Store()
    text = "SELECT ?a ?b WHERE { VALUES (?a ?b) { ('x' UNDEF) } }"
    (row,) = rows(store.query(text), {"c": from_ox(ox.NamedNode("https://example.org/c"))})
    assert row["b"] is None and str(row["a"]) == "x" and str(row["c"]) == "https://example.org/c"
