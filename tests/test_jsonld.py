"""JSON-LD as people read it: compacted with the ontology's context, and read back as the
same triples."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import cimo_graph as cg
from cimo_graph.jsonld import context
from cimo_graph.sources import plain_strings as _plain

from .conftest import DATA, reviewed_studies

STUDIES = {
    "bundled": lambda: cg.load(),
    "realist": lambda: cg.load(DATA / "studies" / "widening-access.yaml"),
    "blended-review": lambda: cg.load(DATA / "studies" / "blended-review.yaml"),
    "dutch": lambda: cg.load(DATA / "studies" / "eerstejaars-nl.yaml"),
    "assessed": lambda: cg.load(assessments=DATA / "confidence" / "leernetwerken.yaml"),
    "three with mappings": reviewed_studies,
}


@pytest.mark.parametrize("name", list(STUDIES))
def test_compact_json_ld_reads_back_as_the_same_triples(name, tmp_path):
    """Written compact (the default) and loaded again: the same graph, for the bundled
    study, a realist one, assessments, and three studies with their mapping table."""
    kg = STUDIES[name]()
    path = tmp_path / "study.jsonld"
    kg.serialize(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "@context" in data
    assert isomorphic(_plain(cg.load(path).graph), _plain(kg.graph))


def test_a_proposition_reads_as_its_names(kg):
    """Compact: classes and links by their names, texts as language maps, the study's
    own prefix; only the prefixes the study uses."""
    data = json.loads(kg.serialize(format="json-ld"))
    nodes = {node["id"]: node for node in data["@graph"]}
    proposition = nodes["lnw:W"]
    assert proposition["type"] == "DesignProposition"
    assert "lnw:W-I3" in proposition["hasIntervention"]
    assert proposition["label"] == {
        "en": "Design proposition: well-being",
        "nl": "Ontwerpprincipe welbevinden",
    }
    assert nodes["lnw:W-I3"]["sourceText"] == {"nl": "eigen initiatief en zelfsturing verwachten"}
    assert data["@context"]["lnw"] == "https://w3id.org/cimo-graph/study/leernetwerken/"
    assert "brick" not in data["@context"]  # bound by rdflib, used by no IRI of the study


def test_every_term_of_the_ontology_has_a_name_in_the_context(ontology):
    from rdflib import OWL, RDF

    from cimo_graph.namespace import CIMO

    ctx = context()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology.subjects(RDF.type, kind):
            if str(term).startswith(str(CIMO)):
                name = str(term)[len(str(CIMO)) :]
                entry = ctx[name]
                assert (entry if isinstance(entry, str) else entry["@id"]) == f"cimo:{name}"
    assert ctx["carriedOutBy"]["@type"] == "@id"


def test_a_context_of_your_own_or_expanded(kg, tmp_path):
    own = {
        "@context": {
            "cimo": "https://w3id.org/cimo-graph/ontology#",
            "Prop": "cimo:DesignProposition",
        }
    }
    file = tmp_path / "context.jsonld"
    file.write_text(json.dumps(own), encoding="utf-8")
    for given in (own, own["@context"], file, str(file)):
        text = kg.serialize(format="json-ld", context=given)
        assert '"@type": "Prop"' in text
        assert isomorphic(Graph().parse(data=text, format="json-ld"), kg.graph)
    expanded = json.loads(kg.serialize(format="json-ld", context="expanded"))
    assert isinstance(expanded, list) and "@context" not in expanded[0]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("missing.jsonld", "no such JSON-LD context file"),
        ("broken.jsonld", "not a JSON-LD context"),
        ("list.jsonld", "a JSON object of terms"),
    ],
)
def test_a_context_file_that_is_none_is_named(kg, tmp_path, given, message):
    (tmp_path / "broken.jsonld").write_text("{not json", encoding="utf-8")
    (tmp_path / "list.jsonld").write_text('["a"]', encoding="utf-8")
    with pytest.raises(cg.CimoGraphError, match=message):
        kg.serialize(tmp_path / "out.jsonld", context=tmp_path / given)
    assert not (tmp_path / "out.jsonld").exists()


def test_a_context_is_for_json_ld_only(kg):
    with pytest.raises(cg.CimoGraphError, match="context= is for JSON-LD, not turtle"):
        kg.serialize(format="turtle", context={})
