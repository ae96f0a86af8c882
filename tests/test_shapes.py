"""The SHACL shapes: every case in tests/data/shapes gives exactly its expected violations."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH

import cimo_graph as cg
from cimo_graph.namespace import CIMO
from cimo_graph.namespace import LEERNETWERKEN as LNW
from cimo_graph.validation import validate_graph

CASES_DIR = Path(__file__).parent / "data" / "shapes"
CASES = sorted(p for p in CASES_DIR.glob("*.ttl") if not p.name.startswith("_"))
TEST = Namespace("https://w3id.org/cimo-graph/test#")


def _case(path: Path) -> tuple[Graph, bool, set[str]]:
    """The base study plus the case's triples, and the case's expectations."""
    graph = Graph().parse(CASES_DIR / "_base.ttl")
    graph.parse(path)
    case = next(graph.subjects(TEST.conforms, None))
    conforms = graph.value(case, TEST.conforms).toPython()
    expected = {str(v) for v in graph.objects(case, TEST.violation)}
    graph.remove((case, None, None))
    return graph, conforms, expected


def _key(violation: cg.Violation) -> str:
    return " ".join(
        part for part in (violation.focus, violation.path or "-", violation.value) if part
    )


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_shape_case(path):
    """The case conforms, or fails with exactly the violations it lists."""
    graph, conforms, expected = _case(path)
    report = validate_graph(graph)
    assert (report.conforms, {_key(v) for v in report.violations}) == (conforms, expected), str(
        report
    )


def test_every_shape_has_a_violating_case(shapes):
    """Each node shape in ontology/shapes.ttl is broken by at least one case."""
    broken = set()
    for path in CASES:
        graph, _, _ = _case(path)
        broken |= {v.shape for v in validate_graph(graph).violations}
    named = {
        shapes.namespace_manager.normalizeUri(s) for s in shapes.subjects(RDF.type, SH.NodeShape)
    }
    assert named - broken == set()


def test_bundled_study_conforms(kg):
    """The bundled study satisfies every shape."""
    report = kg.validate()
    assert report.conforms, str(report)
    assert report.violations == ()


def test_broken_copy_of_the_study_fails_with_a_readable_report(kg):
    """Removing W's context and a label breaks the study, reported with node, path and line."""
    broken = Graph()
    for triple in kg.graph:
        broken.add(triple)
    broken.remove((LNW.W, CIMO.hasContext, None))
    broken.remove((LNW["C-I2"], URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None))
    report = cg.CimoGraph(broken, source=kg.source).validate()
    assert not report.conforms
    keys = {_key(v) for v in report.violations}
    assert keys == {
        "lnw:W cimo:hasContext",
        "lnw:C-I2 rdfs:label",
        "lnw:C-I2 rdfs:label 'nl'",
        "lnw:C-I2 rdfs:label 'en'",
    }
    text = str(report)
    assert (
        "does not conform" in text
        and "lnw:W cimo:hasContext: A design proposition has a context" in text
    )
    lines = kg.source.read_text(encoding="utf-8").splitlines()
    w = next(v for v in report.violations if v.focus == "lnw:W")
    assert lines[w.line - 1].startswith("lnw:W")
    assert f"{kg.source}:{w.line}: Violation: lnw:W cimo:hasContext" in text


def test_sparql_constraints_are_checked_once_not_per_focus_node(kg, shapes, monkeypatch):
    """The label-language rule (a SHACL-SPARQL constraint) runs as one query for all 75
    elements, and pySHACL is given the shapes without it (it would parse it 75 times)."""
    from rdflib.namespace import SH

    import cimo_graph.shacl_sparql as shacl_sparql
    from cimo_graph.validation import _split

    core, constraints, _ = _split(shapes)
    assert (None, SH.sparql, None) in shapes and (None, SH.sparql, None) not in core
    assert [c.target for c in constraints] == [CIMO.StudyElement]
    built = []
    original = shacl_sparql._query
    monkeypatch.setattr(shacl_sparql, "_query", lambda c: built.append(c) or original(c))
    assert validate_graph(kg.graph, shapes=shapes).conforms
    assert len(built) == len(constraints) == 1


def test_shapes_with_advanced_features_get_them(kg, shapes):
    """SHACL-AF (here a SPARQL-based target) is switched on for shapes that use it; the
    bundled shapes use none and are checked without it."""
    from cimo_graph.validation import _split

    assert _split(shapes)[2] is False
    custom = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix cimo: <https://w3id.org/cimo-graph/ontology#> .
        @prefix ex: <https://example.org/shapes#> .
        ex:NeedsColour a sh:NodeShape ;
            sh:target [ a sh:SPARQLTarget ;
                sh:prefixes [ sh:declare [ sh:prefix "cimo" ;
                    sh:namespace "https://w3id.org/cimo-graph/ontology#"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] ] ;
                sh:select "SELECT ?this WHERE { ?this a cimo:Intervention }" ] ;
            sh:property [ sh:path ex:colour ; sh:minCount 1 ] .
        """,
        format="turtle",
    )
    report = kg.validate(shapes=custom)
    assert not report.conforms
    assert len({v.focus for v in report.violations}) == 12  # every intervention
