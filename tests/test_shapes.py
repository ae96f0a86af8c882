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
CIMO_SHAPES = Namespace("https://w3id.org/cimo-graph/shapes#")


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
        and "lnw:W cimo:hasContext: A design proposition has at least one context" in text
    )
    lines = kg.source.read_text(encoding="utf-8").splitlines()
    w = next(v for v in report.violations if v.focus == "lnw:W")
    assert lines[w.line - 1].startswith("lnw:W")
    assert f"{kg.source}:{w.line}: Violation: lnw:W cimo:hasContext" in text


def test_sparql_constraints_are_checked_once_not_per_focus_node(kg, shapes, monkeypatch):
    """The SHACL-SPARQL constraints (label languages, stated links, links across
    propositions) run as one query each for all their focus nodes (the label-language
    rule: 75 elements), and pySHACL is given the shapes without them (it would parse each
    once per node)."""
    import cimo_graph.shacl_sparql as shacl_sparql
    from cimo_graph.validation import _prepare

    prepared, _ = _prepare(shapes)
    assert (None, SH.sparql, None) in shapes and (None, SH.sparql, None) not in prepared.core
    sparql = [c for c in prepared.constraints if c.component == SH.SPARQLConstraintComponent]
    assert sorted(c.targets for c in sparql) == sorted(
        [
            (CIMO.Intervention, CIMO.Mechanism),
            (CIMO.StatedLink,),
            (CIMO.StatedLink,),
            (CIMO.StudyElement,),
        ]
    )
    built = []
    original = shacl_sparql._query
    monkeypatch.setattr(shacl_sparql, "_query", lambda c: built.append(c) or original(c))
    assert validate_graph(kg.graph, shapes=shapes).conforms
    assert len(built) == len(prepared.constraints)


def test_the_study_is_checked_where_it_stands(monkeypatch):
    """pySHACL is given the study's own graph, not a copy with the ontology mixed in: the
    shapes carry the ontology's subclasses (a target of cimo:StudyElement names
    cimo:Intervention too), and the graph is left exactly as it was."""
    import pyshacl

    from cimo_graph._resources import shapes_graph
    from cimo_graph.validation import _prepare

    prepared, _ = _prepare(shapes_graph())
    targets = set(prepared.core.objects(CIMO_SHAPES.StudyElementShape, SH.targetClass))
    assert {CIMO.StudyElement, CIMO.Intervention, CIMO.Quote} <= targets
    assert not prepared.needs_ontology
    study = cg.load()
    before = set(study.graph)
    given = []
    original = pyshacl.validate
    monkeypatch.setattr(pyshacl, "validate", lambda g, **kw: given.append(g) or original(g, **kw))
    assert study.validate().conforms
    assert given == [study.graph] and given[0] is study.graph
    assert set(study.graph) == before


def test_a_class_with_subclasses_is_checked_by_query_with_the_data_s_own_subclasses():
    """sh:class cimo:StudyElement (what a recommendation strengthens) is met by an
    instance of a subclass the ontology names, and of a subclass the study itself
    declares; a theme is none, reported as pySHACL reports a class constraint."""
    graph = Graph().parse(CASES_DIR / "_base.ttl")
    graph.parse(
        data="""
        @prefix cimo: <https://w3id.org/cimo-graph/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix ex: <https://example.org/study/> .
        ex:Workshop rdfs:subClassOf cimo:Intervention .
        ex:w1 a ex:Workshop .
        ex:w2 a ex:Theme .
        ex:R1 a cimo:Recommendation ; cimo:strengthens ex:w1 .
        ex:R2 a cimo:Recommendation ; cimo:strengthens ex:w2 .
        """,
        format="turtle",
    )
    report = validate_graph(graph)
    strengthens = {v.focus for v in report.violations if v.path == "cimo:strengthens"}
    assert strengthens == {"ex:R2"}, str(report)
    case, _, expected = _case(CASES_DIR / "recommendation-strengthens-a-theme.ttl")
    report = validate_graph(case)
    assert {_key(v) for v in report.violations} == expected
    components = set(report.results.objects(None, SH.sourceConstraintComponent))
    assert SH.ClassConstraintComponent in components


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_the_prepared_shapes_find_what_pyshacl_finds_with_the_ontology_mixed_in(path, shapes):
    """Each case gives the same results (focus, path, value, component, shape) as pySHACL
    checking the core shapes on a copy with the ontology mixed in, as before."""
    import pyshacl

    from cimo_graph._resources import ontology_graph

    graph, _, _ = _case(path)
    core = Graph()  # the SPARQL rule out: pySHACL would parse it per node
    for triple in shapes.triples((None, None, None)):
        if triple[1] != SH.sparql:
            core.add(triple)
    _, expected, _ = pyshacl.validate(
        graph, shacl_graph=core, ont_graph=ontology_graph(), allow_warnings=True
    )
    found = validate_graph(graph, shapes=shapes).results

    assert _results(found) == _results(expected)


def _results(report: Graph) -> set[tuple]:
    """What each result of a report says, but for the SPARQL rules (pySHACL would parse
    the label-language rule once per node, seconds a study)."""
    said = (
        SH.focusNode,
        SH.resultPath,
        SH.value,
        SH.sourceConstraintComponent,
        SH.sourceShape,
        SH.resultSeverity,
    )
    return {
        tuple(report.value(r, p) for p in said)
        for r in report.subjects(RDF.type, SH.ValidationResult)
        if report.value(r, SH.sourceConstraintComponent) != SH.SPARQLConstraintComponent
    }


OWN_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cimo: <https://w3id.org/cimo-graph/ontology#> .
@prefix ex: <https://example.org/shapes#> .
ex:HasColour a sh:NodeShape ; sh:targetClass cimo:Intervention ;
    sh:property [ sh:path ex:colour ; sh:minCount 1 ] .
ex:Outer a sh:NodeShape ; sh:targetClass cimo:DesignProposition ;
    sh:property [ sh:path cimo:hasIntervention ; sh:node ex:HasColour ] ,
        [ sh:path cimo:hasIntervention ; sh:class cimo:StudyElement ; sh:maxCount 3 ;
          sh:severity sh:Warning ] .
ex:Elements a sh:NodeShape ; sh:targetClass cimo:StudyElement ;
    sh:property [ sh:path cimo:partOfStudy ; sh:class cimo:Mechanism ;
                  sh:message "not a mechanism"@en, "geen mechanisme"@nl ] .
ex:Off a sh:NodeShape ; sh:targetClass cimo:Outcome ; sh:deactivated true ;
    sh:property [ sh:path ex:colour ; sh:minCount 1 ] .
ex:Either a sh:NodeShape ; sh:targetClass cimo:Mechanism ;
    sh:or ( [ sh:path ex:colour ; sh:minCount 1 ] [ sh:path ex:size ; sh:minCount 1 ] ) .
ex:EitherClass a sh:NodeShape ; sh:targetClass cimo:StudyElement ;
    sh:or ( [ sh:path ex:colour ; sh:minCount 1 ] [ sh:class cimo:Outcome ] ) .
ex:HasSize a sh:NodeShape ; sh:targetClass cimo:Outcome ;
    sh:or ( [ sh:path ex:size ; sh:minCount 1 ] [ sh:path ex:weight ; sh:minCount 1 ] ) ;
    sh:property [ sh:path cimo:partOfStudy ; sh:class cimo:StudyElement ] .
ex:OuterSize a sh:NodeShape ; sh:targetClass cimo:DesignProposition ;
    sh:property [ sh:path cimo:hasOutcome ; sh:node ex:HasSize ] .
ex:Closed a sh:NodeShape ; sh:targetClass cimo:Context ; sh:closed true ;
    sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) ;
    sh:property [ sh:path cimo:partOfStudy ] , [ sh:path <http://www.w3.org/2000/01/rdf-schema#label> ] .
ex:Shared a sh:PropertyShape ; sh:path cimo:leadsTo ; sh:class cimo:StudyElement .
ex:UsesShared a sh:NodeShape ; sh:targetClass cimo:Mechanism ; sh:property ex:Shared .
ex:AlsoShared a sh:NodeShape ; sh:targetClass cimo:Context ; sh:property ex:Shared .
"""


def test_own_shapes_find_what_pyshacl_finds_with_the_ontology_mixed_in(kg):
    """Shapes a researcher writes (a node shape reached through sh:node, a class with
    subclasses under a warning, messages in two languages, a switched-off shape, a
    property shape two node shapes share, a value of one of two properties, an sh:or
    with a class, a node shape with such rules reached through sh:node, a closed shape)
    give the same results as pySHACL on a copy with the ontology mixed in."""
    import pyshacl

    from cimo_graph._resources import ontology_graph

    own = Graph().parse(data=OWN_SHAPES, format="turtle")
    _, expected, _ = pyshacl.validate(
        kg.graph, shacl_graph=own, ont_graph=ontology_graph(), allow_warnings=True
    )
    report = kg.validate(shapes=own)
    assert _results(report.results) == _results(expected)
    assert len(_results(expected)) > 30
    messages = {v.message for v in report.violations if v.shape == "ex:Elements"}
    assert messages == {"geen mechanisme; not a mechanism"}


def test_shapes_with_advanced_features_get_them(kg, shapes):
    """SHACL-AF (here a SPARQL-based target) is switched on for shapes that use it; the
    bundled shapes use none and are checked without it."""
    from cimo_graph.validation import _prepare

    assert _prepare(shapes)[1] is False
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
