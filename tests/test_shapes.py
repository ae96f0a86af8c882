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


def _read_back(report: cg.ValidationReport, graph: Graph, shapes: Graph, source=None) -> list:
    """The violations as read from the report's results graph (the way pySHACL's results
    are read), in the report's order: what the violations read from the queries' rows must
    equal, word for word."""
    from cimo_graph.validation import _shape_names, _subject_lines, _violation

    results, names = report.results, graph.namespace_manager
    lines = _subject_lines(Path(source)) if source is not None else {}
    read = [
        _violation(results, result, names, lines, _shape_names(shapes))
        for result in results.subjects(SH.resultSeverity, None)
    ]
    assert len(read) == len(report.violations)
    order = {violation: at for at, violation in enumerate(report.violations)}
    assert all(violation in order for violation in read), set(read) - set(order)
    return sorted(read, key=order.__getitem__)


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
    from cimo_graph._resources import shapes_graph

    broken = Graph()
    for triple in kg.graph:
        broken.add(triple)
    broken.remove((LNW.W, CIMO.hasContext, None))
    broken.remove((LNW["C-I2"], URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None))
    report = cg.CimoGraph(broken, source=kg.source).validate()
    assert not report.conforms
    assert _read_back(report, broken, shapes_graph(), kg.source) == list(report.violations)
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


def test_every_bundled_rule_is_checked_by_query(monkeypatch):
    """Every constraint of ontology/shapes.ttl is one query over all its focus nodes:
    pySHACL is left nothing to check (and is not called), and the study is left exactly
    as it was."""
    import pyshacl

    from cimo_graph._resources import shapes_graph
    from cimo_graph.shacl_core import left_for_pyshacl
    from cimo_graph.validation import _prepare

    prepared, _ = _prepare(shapes_graph())
    assert not left_for_pyshacl(prepared.core)
    components = {c.component for c in prepared.constraints}
    assert {SH.MinCountConstraintComponent, SH.QualifiedMaxCountConstraintComponent} <= components
    study = cg.load()
    before = set(study.graph)
    monkeypatch.setattr(pyshacl, "validate", lambda *a, **kw: pytest.fail("pySHACL called"))
    assert study.validate().conforms
    assert set(study.graph) == before


def test_what_no_query_says_is_left_to_pyshacl_on_the_study_itself(monkeypatch):
    """A closed shape (its properties say what it allows) stays with pySHACL, which is
    given the study's own graph, not a copy with the ontology mixed in: the shapes carry
    the ontology's subclasses (a target of cimo:StudyElement names cimo:Intervention
    too), and the graph is left exactly as it was."""
    import pyshacl

    from cimo_graph._resources import shapes_graph
    from cimo_graph.validation import _prepare

    shapes = Graph()
    shapes += shapes_graph()
    shapes.parse(data=CLOSED, format="turtle")
    prepared, _ = _prepare(shapes)
    targets = set(prepared.core.objects(TEST_SHAPES.ClosedElement, SH.targetClass))
    assert {CIMO.StudyElement, CIMO.Intervention, CIMO.Quote} <= targets
    assert not prepared.needs_ontology
    study = cg.load()
    before = set(study.graph)
    given = []
    original = pyshacl.validate
    monkeypatch.setattr(pyshacl, "validate", lambda g, **kw: given.append(g) or original(g, **kw))
    report = study.validate(shapes=shapes)
    assert given == [study.graph] and given[0] is study.graph
    assert set(study.graph) == before
    closed = {v.focus for v in report.violations if v.shape == "test:ClosedElement"}
    assert "lnw:W" in closed and not report.conforms


TEST_SHAPES = Namespace("https://w3id.org/cimo-graph/test-shapes#")
EX_SHAPES = Namespace("https://example.org/shapes#")
CLOSED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cimo: <https://w3id.org/cimo-graph/ontology#> .
@prefix test: <https://w3id.org/cimo-graph/test-shapes#> .
test:ClosedElement a sh:NodeShape ; sh:targetClass cimo:StudyElement ; sh:closed true ;
    sh:property [ sh:path cimo:partOfStudy ] .
"""


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


#: What a result says, compared with pySHACL's (its messages apart).
SAID = (
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.sourceConstraintComponent,
    SH.sourceShape,
    SH.resultSeverity,
)


def _results(report: Graph, *, messages: bool = False) -> set[tuple]:
    """What each result of a report says (with its messages where asked), but for the
    SPARQL rules (pySHACL would parse the label-language rule once per node, seconds a
    study)."""
    return {
        tuple(report.value(r, p) for p in SAID)
        + ((frozenset(str(m) for m in report.objects(r, SH.resultMessage)),) if messages else ())
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


def _with_messages(report: Graph) -> set[tuple]:
    """What each result says, its messages included (:func:`_results`)."""
    return _results(report, messages=True)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_a_rule_without_a_message_is_worded_as_pyshacl_words_it(path, shapes):
    """With every sh:message taken out of the shapes, each case's results are pySHACL's,
    word for word ("Less than 1 values on ex:W->cimo:hasContext")."""
    import pyshacl

    from cimo_graph._resources import ontology_graph

    graph, _, _ = _case(path)
    bare = Graph()
    for triple in shapes:
        if triple[1] not in (SH.message, SH.sparql):
            bare.add(triple)
    for prefix, namespace in shapes.namespaces():
        bare.bind(prefix, namespace)
    _, expected, _ = pyshacl.validate(
        graph, shacl_graph=bare, ont_graph=ontology_graph(), allow_warnings=True
    )
    report = validate_graph(graph, shapes=bare)
    assert _with_messages(report.results) == _with_messages(expected)
    assert _read_back(report, graph, bare) == list(report.violations)


PARAMETERS = """minCount maxCount uniqueLang nodeKind qualifiedValueShape qualifiedMinCount
    hasValue datatype pattern flags in not and xone node class"""
EVERY_COMPONENT = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix cimo: <https://w3id.org/cimo-graph/ontology#> .
@prefix ex: <https://example.org/shapes#> .
ex:Counts a sh:NodeShape ; sh:targetClass cimo:DesignProposition ;
    sh:property [ sh:path cimo:hasIntervention ; sh:minCount 7 ; sh:maxCount 2 ] ,
        [ sh:path rdfs:label ; sh:uniqueLang true ; sh:minCount 0 ] ,
        [ sh:path ( cimo:hasIntervention cimo:carriedOutBy ) ; sh:nodeKind sh:Literal ] ,
        [ sh:path [ sh:inversePath cimo:partOfStudy ] ; sh:maxCount 3 ] ,
        [ sh:path cimo:hasMechanism ; sh:qualifiedValueShape [ sh:class cimo:Outcome ] ;
          sh:qualifiedMinCount 1 ] ,
        [ sh:path cimo:hasOutcome ; sh:hasValue ex:nothing ] .
ex:Values a sh:NodeShape ; sh:targetSubjectsOf cimo:partOfStudy ;
    sh:property [ sh:path rdfs:label ; sh:datatype xsd:string ] ,
        [ sh:path ex:date ; sh:datatype xsd:date ] ,
        [ sh:path rdfs:label ; sh:pattern "^[a-z]" ; sh:flags "i" ] ,
        [ sh:path ex:kind ; sh:in ( "a" "b"@en 3 ex:c ) ] ,
        [ sh:path cimo:partOfStudy ; sh:not [ sh:class cimo:Study ] ; sh:severity sh:Info ] ,
        [ sh:path cimo:partOfStudy ; sh:and ( [ sh:nodeKind sh:IRI ] [ sh:class cimo:Study ] ) ] ,
        [ sh:path ex:kind ; sh:xone ( [ sh:datatype xsd:string ] [ sh:in ( "a" ) ] ) ] ,
        [ sh:path cimo:partOfStudy ; sh:node ex:Titled ] .
ex:Titled a sh:NodeShape ; sh:property [ sh:path ex:missing ; sh:minCount 1 ] .
ex:TitledToo a sh:NodeShape ; sh:targetClass cimo:Study ; sh:node ex:Titled .
ex:One a sh:NodeShape ; sh:targetNode ex:ghost , <https://w3id.org/cimo-graph/study/leernetwerken/W> ;
    sh:class cimo:Context ; sh:nodeKind sh:IRI ; sh:hasValue ex:ghost .
ex:Many a sh:NodeShape ; sh:targetObjectsOf cimo:hasPillar ;
    sh:property [ sh:path cimo:hasAim ; sh:minCount 2 ; sh:message "two aims"@en ] ,
        [ sh:path [ sh:zeroOrMorePath cimo:hasMeans ] ; sh:class cimo:Means ] .
"""

ODD_DATA = """
@prefix ex: <https://example.org/shapes#> .
@prefix lnw: <https://w3id.org/cimo-graph/study/leernetwerken/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
lnw:W rdfs:label "Welzijn, nogmaals"@NL , "1 odd label" ; ex:date "2025-13-45"^^xsd:date , "2025-01-02"^^xsd:date ; ex:kind "a" , "c" , 3 , ex:c .
lnw:WB <https://w3id.org/cimo-graph/ontology#partOfStudy> lnw:W ; ex:date "yesterday" ; ex:kind "b"@en , "b"@nl .
"""


def test_every_core_component_a_query_says_gives_pyshacl_s_results(kg):
    """Counts, qualified counts, unique languages, datatypes (an ill-typed date),
    patterns with flags, lists, logic (not, and, xone, node), node-level rules, and
    targets of every kind over sequence, inverse and repeated paths: the same results as
    pySHACL, messages included. pySHACL is left only sh:node (whose results carry the
    inner shape's as sh:detail), and the node shape it names."""
    import pyshacl

    from cimo_graph._resources import ontology_graph
    from cimo_graph.shacl_core import left_for_pyshacl
    from cimo_graph.validation import _prepare

    own = Graph().parse(data=EVERY_COMPONENT, format="turtle")
    core = _prepare(own)[0].core
    parameters = {SH[name] for name in PARAMETERS.split()}
    named = {EX_SHAPES.Titled, *core.objects(EX_SHAPES.Titled, SH.property)}
    left = {p for s, p, _ in core if p in parameters and s not in named}
    assert left_for_pyshacl(core) and left == {SH.node}, left
    data = Graph()
    data += kg.graph
    data.parse(data=ODD_DATA, format="turtle")
    for prefix, namespace in kg.graph.namespaces():
        data.bind(prefix, namespace)
    _, expected, _ = pyshacl.validate(
        data, shacl_graph=own, ont_graph=ontology_graph(), allow_warnings=True
    )
    report = validate_graph(data, shapes=own)
    assert _with_messages(report.results) == _with_messages(expected)
    assert _read_back(report, data, own) == list(report.violations)
    components = {r[3] for r in _with_messages(expected)}
    assert len(components) >= 14, components


def _synthetic(studies: int) -> str:
    """The benchmark's synthetic studies (bench/run.py), as N-Triples."""
    import importlib.util

    bench = Path(__file__).resolve().parents[1] / "bench" / "run.py"
    spec = importlib.util.spec_from_file_location("bench_run", bench)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic(studies)


@pytest.mark.parametrize("side_by_side", [False, True], ids=["in-turn", "side-by-side"])
def test_a_collection_gives_pyshacl_s_report_on_a_sample_of_studies(
    tmp_path, monkeypatch, side_by_side
):
    """Thirty of the benchmark's synthetic studies (no evidence on their elements, no
    means for their pillars), a few broken further (a proposition without interventions,
    a mechanism leading to a role, an ill-typed date, a second outcome kind) and validated
    as one collection in Oxigraph's store: every result is pySHACL's, messages included
    (the SPARQL rules left out of the comparison: pySHACL parses each once per node),
    whether the queries run one after another or side by side on two threads."""
    import pyshacl

    from cimo_graph import shacl_sparql

    monkeypatch.setattr(shacl_sparql, "_ALONE", 0.0 if side_by_side else 1e9)
    monkeypatch.setattr(shacl_sparql, "_workers", lambda queries: min(queries, 2))
    threads = []
    pool = shacl_sparql.ThreadPoolExecutor
    monkeypatch.setattr(
        shacl_sparql, "ThreadPoolExecutor", lambda **kw: threads.append(kw) or pool(**kw)
    )

    from cimo_graph._resources import ontology_graph, shapes_graph

    bench = Namespace("https://example.org/bench/")
    text = _synthetic(30)
    kept = [
        line
        for line in text.splitlines()
        if not line.startswith(f"<{bench}s3/s3-W> <{CIMO.hasIntervention}>")
    ]
    kept += [
        f"<{bench}s5/s5-W-M1> <{CIMO.leadsTo}> <{bench}s5/s5-educator> .",
        f'<{bench}s7/study> <http://purl.org/dc/terms/date> "2025-02-30"^^'
        "<http://www.w3.org/2001/XMLSchema#date> .",
        f"<{bench}s9/s9-W-O1> <{CIMO.outcomeKind}> <{CIMO.intendedOutcome}> .",
        f"<{bench}s9/s9-W-O1> <{CIMO.outcomeKind}> <{CIMO.unintendedOutcome}> .",
    ]
    path = tmp_path / "collection.nt"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    kg = cg.load(path, store="oxigraph")
    report = kg.validate()
    graph = Graph().parse(path, format="nt")
    core = Graph()
    for triple in shapes_graph():  # the shapes kg.validate() uses: the same blank nodes
        if triple[1] != SH.sparql:
            core.add(triple)
    _, expected, _ = pyshacl.validate(
        graph, shacl_graph=core, ont_graph=ontology_graph(), allow_warnings=True
    )
    assert _with_messages(report.results) == _with_messages(expected)
    assert _read_back(report, kg.graph, shapes_graph()) == list(report.violations)
    broken = {(v.focus.rsplit("/", 1)[-1][:-1], v.path) for v in report.violations}
    assert {
        ("s3-W", "cimo:hasIntervention"),
        ("s5-W-M1", "cimo:leadsTo"),
        ("s9-W-O1", "cimo:outcomeKind"),
    } <= broken
    assert len(report.violations) > 30 * 20
    assert threads == ([{"max_workers": 2}] if side_by_side else [])
