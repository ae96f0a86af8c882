"""Loading studies in every supported format, and writing them back whole."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import cimo_graph as cg
from cimo_graph.sources import plain_strings

FORMATS = [
    ("study.ttl", "turtle"),
    ("study.jsonld", "json-ld"),
    ("study.rdf", "xml"),
    ("study.nt", "nt"),
    ("study.n3", "n3"),
]


def test_load_returns_the_bundled_study(kg):
    """cg.load() with no argument loads the bundled leernetwerken study."""
    assert isinstance(kg.graph, Graph)
    assert kg.source.name == "leernetwerken.ttl"
    assert len(kg) == len(kg.graph) > 1000


def test_repr_names_source_and_counts(kg):
    """The repr says where the study came from and what it holds."""
    assert repr(kg) == (
        f"<CimoGraph leernetwerken.ttl: 1 study, 2 design propositions, 5 pillars, {len(kg)} triples>"
    )


def test_summary_counts(kg):
    """The summary counts each class, the themes and the label languages."""
    summary = kg.summary()
    assert summary.counts["DesignProposition"] == 2
    assert summary.counts["Intervention"] == 12
    assert summary.themes == 15
    assert summary.languages == ("en", "nl")
    assert "Triples:   " + str(len(kg)) in str(summary)


@pytest.mark.parametrize(("name", "rdf_format"), FORMATS)
def test_round_trip_through_each_format(kg, tmp_path, name, rdf_format):
    """A study written in a format and loaded back is the same graph, Dutch text intact."""
    path = tmp_path / name
    kg.serialize(path)
    again = cg.load(path)
    assert isomorphic(again.graph, kg.graph)
    assert "creëren" in path.read_text(encoding="utf-8")


def test_explicit_format_overrides_the_suffix(kg, tmp_path):
    """format= reads a file whose suffix says nothing."""
    path = tmp_path / "study.data"
    path.write_text(kg.serialize(format="nt"), encoding="utf-8")
    assert len(cg.load(path, format="ntriples")) == len(kg)


def test_serialize_returns_turtle_text_by_default(kg):
    """Without a destination, serialize returns the text."""
    text = kg.serialize()
    assert "@prefix cimo: <https://w3id.org/cimo-graph/ontology#>" in text


def test_serialize_leaves_no_partial_file(kg, tmp_path):
    """A failing serialisation leaves neither the destination nor a temporary file."""
    path = tmp_path / "out.ttl"
    with pytest.raises(cg.UnsupportedFormatError):
        kg.serialize(path, format="no-such-format")
    assert list(tmp_path.iterdir()) == []


def test_load_with_validation(tmp_path, kg):
    """validate=True passes a valid study and raises, with the report, on an invalid one."""
    assert len(cg.load(validate=True)) == len(kg)
    broken = tmp_path / "broken.ttl"
    text = kg.serialize(format="turtle").replace("cimo:hasContext lnw:context ;", "", 1)
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(cg.StudyValidationError, match="does not conform") as caught:
        cg.load(broken, validate=True)
    assert not caught.value.report.conforms


@pytest.mark.parametrize(("name", "rdf_format"), FORMATS)
def test_oxigraph_store_reads_every_format(kg, tmp_path, name, rdf_format):
    """store='oxigraph' parses each format with Oxigraph and holds the same graph."""
    path = tmp_path / name
    kg.serialize(path)
    again = cg.load(path, store="oxigraph")
    assert again.store == "oxigraph"
    assert isomorphic(plain_strings(again.graph), kg.graph)


def test_oxigraph_store_for_templates_and_merges(tmp_path):
    """Templates and merged studies keep the store asked for."""
    from cimo_graph.authoring import example_path

    example = cg.load(example_path(), store="oxigraph")
    assert example.store == "oxigraph" and example.validate().conforms
    both = cg.load([None, example_path()], store="oxigraph")
    assert both.store == "oxigraph" and both.studies()["id"].tolist() == [
        "example",
        "leernetwerken",
    ]


def test_unknown_store():
    """An unknown store names the ones there are."""
    with pytest.raises(cg.UnsupportedFormatError, match="memory, oxigraph"):
        cg.load(store="postgres")


def test_oxigraph_parse_error_names_the_line(tmp_path):
    """Oxigraph's parser errors are StudyParseErrors with the line too."""
    path = tmp_path / "bad.ttl"
    path.write_text(
        '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n',
        encoding="utf-8",
    )
    with pytest.raises(cg.StudyParseError) as caught:
        cg.load(path, store="oxigraph")
    assert caught.value.line == 3


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_answers_follow_changes_to_the_graph(store):
    """Oxigraph answers the helpers on both stores (for the memory store, from a copy):
    a triple added or removed through rdflib shows in the next answer."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS

    from cimo_graph.namespace import CIMO

    kg = cg.load(store=store)
    before = kg.interventions_for("zelfsturing")["id"].tolist()
    assert "W-I1" not in before
    feedback_route = (kg.node("W-I1"), CIMO.theme, kg.theme("zelfsturing"))
    version = kg.graph.store.version
    kg.graph.add(feedback_route)
    assert kg.graph.store.version > version
    assert "W-I1" in kg.interventions_for("zelfsturing")["id"].tolist()
    kg.graph.remove(feedback_route)
    assert kg.interventions_for("zelfsturing")["id"].tolist() == before
    # a new element is found by name once added
    new = URIRef(str(kg.node("W-I1")) + "-new")
    with pytest.raises(cg.UnknownNodeError):
        kg.node("W-I1-new")
    kg.graph.add((new, CIMO.partOfStudy, kg.node("leernetwerken")))
    kg.graph.add((new, RDFS.label, Literal("a new intervention", lang="en")))
    assert kg.node("W-I1-new") == kg.node("a new intervention") == new


def test_a_plain_rdflib_graph_is_followed_by_its_size():
    """A CimoGraph made around any rdflib Graph sees triples added to it."""
    from rdflib import Graph

    from cimo_graph import CimoGraph
    from cimo_graph.namespace import CIMO

    source = cg.load()
    plain = Graph()
    plain += source.graph
    kg = CimoGraph(plain)
    assert "W-I1" not in kg.interventions_for("zelfsturing")["id"].tolist()
    plain.add((kg.node("W-I1"), CIMO.theme, kg.theme("zelfsturing")))
    assert "W-I1" in kg.interventions_for("zelfsturing")["id"].tolist()


def test_blank_nodes_are_answered_on_the_memory_store():
    """A blank node cannot be written into SPARQL; the memory store binds it directly."""
    from rdflib import BNode, Literal
    from rdflib.namespace import RDFS

    kg = cg.load()
    blank = BNode()
    kg.graph.add((blank, RDFS.label, Literal("a blank element", lang="en")))
    rows = kg._select(cg.sparql.named_query("annotations"), {"node": blank})
    assert [str(r["value"]) for r in rows] == ["a blank element"]


def test_unknown_engine_names_the_choices():
    with pytest.raises(cg.UnsupportedFormatError, match="oxigraph, rdflib"):
        cg.CimoGraph(engine="jena")


def test_rdflib_engine_is_kept_by_merge():
    kg = cg.CimoGraph(cg.load().graph, engine="rdflib")
    assert kg.engine == "rdflib" and kg.merge(cg.load()).engine == "rdflib"
    assert cg.load().engine == cg.load(store="oxigraph").engine == "oxigraph"


def test_rdflib_engine_makes_no_oxigraph_copy():
    """engine='rdflib' answers every question, the name lookup included, with rdflib."""
    kg = cg.CimoGraph(cg.load().graph, engine="rdflib")
    assert kg.interventions_for("zelfsturing")["id"].tolist()
    assert kg.node("W-I3") and kg._copy is None


def test_answers_read_as_text_in_ipython_and_notebooks(kg):
    """A summary and a validation report show as the text print() gives (IPython's pretty
    printer, a notebook's HTML), not as their dataclass fields; the report's repr is one
    line."""
    from IPython.lib.pretty import pretty

    summary, report = kg.summary(), kg.validate()
    assert pretty(summary) == str(summary) and "Triples:" in pretty(summary)
    assert pretty(report) == str(report)
    assert "Triples:" in summary._repr_html_() and summary._repr_html_().startswith("<pre>")
    assert repr(report).startswith("<ValidationReport: conforms") and len(repr(report)) < 100


def test_evidence_shows_whole_in_a_notebook_without_changing_pandas(kg):
    import pandas as pd

    before = pd.get_option("display.max_colwidth")
    evidence = kg.evidence("W-I3")
    note = evidence.loc[evidence["kind"] == "note", "text"].item()
    assert len(note) > 100
    import html

    assert html.escape(note, quote=False) in evidence._repr_html_()
    assert pd.get_option("display.max_colwidth") == before
    assert type(evidence[evidence["kind"] == "note"]) is pd.DataFrame  # ordinary, once used
