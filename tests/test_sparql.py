"""SPARQL: the named query library, bound parameters, result types, syntax errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

import cimo_graph as cg
from cimo_graph.namespace import CIMO
from cimo_graph.sparql import QUERY_DIR, named_queries

from .conftest import reviewed_studies

QUERIES = sorted(named_queries())
HOSTILE = [
    'zelfsturing" } ; DROP ALL #',
    "x' } UNION { ?s ?p ?o } #",
    "}}}}",
    "; DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    '"""',
    "<https://w3id.org/cimo-graph/study/leernetwerken/W-I3>",
    "\\u0022 } #",
]


@pytest.mark.parametrize("name", QUERIES)
def test_every_named_query_documents_itself(name):
    """Each .rq file says what it answers, declares its parameters and uses them."""
    query = named_queries()[name]
    assert query.summary and not query.summary.startswith("?")
    for parameter in query.parameters:
        assert parameter.kind in {"theme", "node", "literal"}, parameter
        assert re.search(rf"\?{parameter.name}\b", query.text.split("SELECT", 1)[1])
    assert "Example:" in query.text


#: Questions the bundled study answers with nothing, as it states no such thing, with the
#: tests' study that answers them.
_STUDIES = Path(__file__).parent / "data" / "studies"
NOT_IN_BUNDLED = {
    "stated-links": _STUDIES / "blended-review.yaml",
    "any-stated-link": _STUDIES / "blended-review.yaml",
    "chain-links": _STUDIES / "widening-access.yaml",
    "unwanted-outcomes": _STUDIES / "widening-access.yaml",
    "realist-fields": _STUDIES / "widening-access.yaml",
    "mappings": "reviewed",
    "mapping-sets": "reviewed",
    "mapped-concepts": "reviewed",
    "theme-mappings": "reviewed",
    "element-mappings": "reviewed",
    "finding-links": _STUDIES / "eerstejaars-nl.yaml",
    "confidence-assessments": _STUDIES / "blended-review.yaml",
    "confidence-components": _STUDIES / "blended-review.yaml",
    "confidence-levels": _STUDIES / "blended-review.yaml",
    "theory-changes": _STUDIES / "widening-access.yaml",
    "refinements": _STUDIES / "widening-access.yaml",
}


#: Queries that mean nothing without their parameter (a search without its words).
NEEDS_ITS_PARAMETER = {"search": {"pattern": "zelfsturing"}, "nodes-ending": {"end": "/W-I3"}}


@pytest.mark.parametrize("name", QUERIES)
def test_every_named_query_runs_unbound(kg, name):
    """Each named query runs with its parameters unbound (ranging over everything)."""
    if name in NOT_IN_BUNDLED:
        assert len(kg.query(name)) == 0
        kg = (
            reviewed_studies()
            if NOT_IN_BUNDLED[name] == "reviewed"
            else cg.load(NOT_IN_BUNDLED[name])
        )
    if name in NEEDS_ITS_PARAMETER:
        assert len(kg.query(name)) == 0
        result = kg.query(name, **NEEDS_ITS_PARAMETER[name])
    else:
        result = kg.query(name)
    assert len(result) > 0


def test_queries_lists_the_library(kg):
    """kg.queries() has a row per .rq file, with its summary and parameters."""
    listed = kg.queries()
    assert listed["name"].tolist() == sorted(p.stem for p in QUERY_DIR.glob("*.rq"))
    row = listed.set_index("name").loc["theme-routes"]
    assert row["parameters"] == "theme (theme)"
    assert row["summary"].startswith("What serves a theme")


def test_query_resolves_names_and_binds_them(kg):
    """A named query's theme parameter takes any name of the theme."""
    by_name = kg.query("theme-routes", theme="eigen regie")
    by_iri = kg.query("theme-routes", theme=cg.LEERNETWERKEN_THEME["self-direction"])
    assert by_name.equals(by_iri)
    assert set(by_name["through"]) == {"lnw:P3", "lnw:C"}


def test_query_unknown_name_and_parameter(kg):
    """An unknown query or parameter is named with what exists."""
    with pytest.raises(cg.UnknownQueryError, match="Did you mean: 'theme-routes'"):
        kg.query("theme-route")
    with pytest.raises(cg.QueryParameterError, match="its parameters: theme"):
        kg.query("theme-routes", topic="feedback")


def test_select_gives_a_dataframe_with_prefixed_names(kg):
    """SELECT: a DataFrame, IRIs as prefixed names, literals as Python values."""
    frame = kg.sparql(
        "SELECT ?p ?id WHERE { ?p a cimo:DesignProposition ; dcterms:identifier ?id } ORDER BY ?id"
    )
    assert frame.to_dict(orient="list") == {"p": ["lnw:C", "lnw:W"], "id": ["C", "W"]}
    raw = kg.sparql("SELECT ?p WHERE { ?p a cimo:DesignProposition } ORDER BY ?p", raw=True)
    assert raw["p"].tolist() == [cg.LEERNETWERKEN.C, cg.LEERNETWERKEN.W]


def test_ask_construct_and_describe(kg):
    """ASK gives a bool; CONSTRUCT and DESCRIBE give a CimoGraph."""
    assert kg.sparql("ASK { lnw:W cimo:hasMechanism lnw:W-M4 }") is True
    assert kg.sparql("ASK { lnw:W cimo:hasMechanism lnw:C-M4 }") is False
    built = kg.sparql("CONSTRUCT { ?p cimo:hasMechanism ?m } WHERE { ?p cimo:hasMechanism ?m }")
    assert isinstance(built, cg.CimoGraph) and len(built) == 10
    described = kg.sparql("DESCRIBE lnw:W-I3")
    assert isinstance(described, cg.CimoGraph) and len(described) > 5


def test_predeclared_prefixes(kg):
    """cimo, lnw, skos, rdfs, prov, dcterms and xsd need no PREFIX lines."""
    frame = kg.sparql("""
        SELECT (COUNT(*) AS ?n) WHERE {
            ?x prov:wasDerivedFrom lnw:summary ; rdfs:label ?l .
            ?x cimo:theme ?t . ?t skos:prefLabel ?pl .
            lnw:study dcterms:title ?title .
            FILTER (datatype(?l) = rdf:langString || datatype(?l) = xsd:string)
        }""")
    assert frame["n"].item() > 0


def test_bindings_bind_variables(kg):
    """Keyword bindings set variables: terms as given, other values as literals."""
    frame = kg.sparql("SELECT ?i WHERE { ?i dcterms:identifier ?id }", id="W-I3")
    assert frame["i"].tolist() == ["lnw:W-I3"]
    frame = kg.sparql("SELECT ?id WHERE { ?i dcterms:identifier ?id }", i=kg.node("C-M1"))
    assert frame["id"].tolist() == ["C-M1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_binding_is_an_ordinary_string(kg, value):
    """Quotes, braces, }, ;, # and DROP ALL in a bound value match nothing and change nothing."""
    size = len(kg)
    frame = kg.sparql("SELECT ?node WHERE { ?node rdfs:label ?label }", label=value)
    assert frame.empty
    assert kg.sparql("ASK { ?node dcterms:identifier ?id }", id=Literal(value)) is False
    assert len(kg) == size


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_theme_or_node_is_unknown(kg, value):
    """Helpers and named queries refuse hostile names as unknown, changing nothing."""
    size = len(kg)
    with pytest.raises(cg.UnknownNameError):
        kg.interventions_for(value)
    with pytest.raises(cg.UnknownNameError):
        kg.query("evidence", node=value + "x")
    assert len(kg) == size


def test_hostile_iri_cannot_reach_query_text(kg):
    """An IRI with SPARQL syntax in it is a term, matched as such (and matches nothing)."""
    frame = kg.sparql("SELECT ?p WHERE { ?s ?p ?o }", s=URIRef("http://x/> } ; DROP ALL #"))
    assert frame.empty


def test_syntax_error_names_line_and_column(kg):
    """A syntax error points at the line and column of the user's query."""
    text = "SELECT ?s\nWHERE {\n  ?s a cimo:Intervention .\n  FILTER (\n}"
    with pytest.raises(cg.SparqlSyntaxError, match="line 4, column 3") as caught:
        kg.sparql(text)
    assert (caught.value.line, caught.value.column) == (4, 3)
    assert "^" in str(caught.value)


def test_unknown_prefix_is_located(kg):
    """An undeclared prefix is a syntax error that names it, its line and the declared ones."""
    with pytest.raises(
        cg.SparqlSyntaxError, match=r"line 2, column 6: unknown prefix 'foo:'"
    ) as caught:
        kg.sparql("SELECT ?s WHERE {\n  ?s foo:bar ?o }")
    assert "cimo" in str(caught.value)


@pytest.mark.parametrize(
    "update",
    [
        "DROP ALL",
        "INSERT DATA { lnw:a lnw:b lnw:c }",
        "PREFIX ex: <http://e/>\nDELETE WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(kg, update):
    """kg.sparql never changes the graph: updates are refused with a clear message."""
    size = len(kg)
    with pytest.raises(cg.SparqlSyntaxError, match="SPARQL Update"):
        kg.sparql(update)
    assert len(kg) == size


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?o WHERE { ?s ?p ?o }",  # the projection would be empty
        "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s",
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?o",
        "SELECT ?s WHERE { { SELECT ?o WHERE { ?o ?p ?q } } ?s ?p ?o }",
        "SELECT ?s WHERE { ?s ?p ?x BIND (?x AS ?o) }",
        "SELECT ?s WHERE { VALUES ?o { 1 } ?s ?p ?o }",
        "SELECT ?s WHERE { ?s ?p '?o' }",  # a string, no variable
        "ASK { ?s ?p ?o }",
    ],
)
def test_constants_only_where_they_mean_the_same(text):
    """A bound term is written into the pattern only where it means what VALUES means;
    elsewhere ``with_constants`` declines and the caller binds with VALUES."""
    from cimo_graph.sparql import with_constants

    assert with_constants(text, {"o": URIRef("http://example.org/a")}) is None


def test_constants_are_written_by_rdflib():
    """A hostile literal becomes one escaped constant; the projection loses the variable
    (the helpers add its known value back)."""
    from cimo_graph.sparql import prepare, with_constants

    text = with_constants(
        "SELECT ?s ?o WHERE { ?s rdfs:label ?o . ?s a ?o }",
        {"o": Literal('x" } ; DROP ALL ; #', lang="en")},
    )
    assert text.count('"x\\" } ; DROP ALL ; #"@en') == 2
    assert "?o" not in text
    prepare(text)  # still one well-formed query


#: a value for each kind of parameter, and per query where the bundled study needs another
SAMPLES = {"theme": "self-direction", "node": "W-I3", "literal": "zelf"}
SAMPLE_FOR = {
    ("parts", "whole"): "W",
    ("shared-themes", "a"): "W",
    ("shared-themes", "b"): "C",
    ("stated-links", "whole"): "BL",
    ("citation", "work"): "leernetwerken",
    ("name-keys", "key"): "W-I3",
    ("network", "source"): "W",
    ("listing-nodes", "class"): CIMO.DesignProposition,
    ("listing-names", "class"): CIMO.Role,
    ("listing-heads", "class"): CIMO.DesignProposition,
    ("listing-parts", "class"): CIMO.Pillar,
    ("listing-parts-labelled", "class"): CIMO.Pillar,
    ("listing-parts-labelled", "language"): "en",
    ("listing-labels", "class"): CIMO.Pillar,
    ("listing-labels", "link"): CIMO.hasAim,
    ("listing-labels", "language"): "nl",
    ("listing-roles", "language"): "en",
    ("listing-themes", "language"): "en",
    ("listing-themes", "other"): "nl",
    ("search", "pattern"): "zelfsturing",
    ("search", "labelLang"): "en",
    ("nodes-ending", "end"): "/W-I3",
    ("study-details", "study"): "leernetwerken",
    ("theme-interventions", "language"): "en",
    ("theme-mechanisms", "language"): "en",
    ("theme-outcomes", "language"): "en",
    ("route-wholes", "node"): "W",
    ("route-wholes", "language"): "nl",
    ("chain-links", "outcome"): "WA-O3",
    ("chain-links", "after"): "CMO5",
    ("realist-fields", "node"): "WA-O4",
}


@pytest.mark.parametrize("name", [q for q in QUERIES if named_queries()[q].parameters])
def test_a_bound_parameter_means_the_same_as_a_constant(kg, name):
    """Each parameter of each named query, bound as Oxigraph's constant (written into the
    pattern) and by rdflib's engine (initBindings), gives the same rows."""
    query = named_queries()[name]
    if name in NOT_IN_BUNDLED:
        kg = (
            reviewed_studies()
            if NOT_IN_BUNDLED[name] == "reviewed"
            else cg.load(NOT_IN_BUNDLED[name])
        )
    baseline = cg.CimoGraph(kg.graph, engine="rdflib")
    needed = {
        key: kg._parameter("literal", value)
        for key, value in NEEDS_ITS_PARAMETER.get(name, {}).items()
    }
    for parameter in query.parameters:
        value = SAMPLE_FOR.get((name, parameter.name), SAMPLES[parameter.kind])
        term = kg._parameter(parameter.kind, value)
        fast = kg._run(query.text, {**needed, parameter.name: term})
        slow = baseline._run(query.text, {**needed, parameter.name: term})
        assert slow, f"{name}: the sample {value!r} finds nothing to compare"
        bound = {parameter.name, *needed}
        assert sorted(_row_key(r, bound) for r in fast) == sorted(
            _row_key(r, bound) for r in slow
        ), parameter.name


def _row_key(row, bound):
    """A row without the bound variables (whose values are known) and unbound values."""
    return tuple(sorted((k, str(v)) for k, v in row.items() if v is not None and k not in bound))
