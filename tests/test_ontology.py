"""The ontology is code: it parses, documents every term, and matches the Python namespace."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from cimo_graph.namespace import CIMO

CHECKS = sorted((Path(__file__).parent / "data" / "ontology-checks").glob("*.rq"))
ONTOLOGY_IRI = URIRef("https://w3id.org/cimo-graph/ontology")


def _declared(ontology: Graph) -> set[str]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
    return {
        str(term)[len(str(CIMO._NS)) :]
        for kind in kinds
        for term in ontology.subjects(RDF.type, kind)
        if str(term).startswith(str(CIMO._NS))
    }


@pytest.mark.parametrize("check", CHECKS, ids=[c.stem for c in CHECKS])
def test_quality_check_finds_nothing(ontology, check):
    """Each quality query in tests/data/ontology-checks returns no offending term."""
    offenders = sorted(str(row[0]) for row in ontology.query(check.read_text()))
    assert offenders == [], f"{check.name}: {offenders}"


def test_ontology_has_version_and_dcterms_metadata(ontology):
    """The ontology says its version, title, description, creator, dates and licence."""
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for predicate in (
        OWL.versionInfo,
        OWL.versionIRI,
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.creator,
        DCTERMS.created,
        DCTERMS.modified,
        DCTERMS.license,
    ):
        assert ontology.value(ONTOLOGY_IRI, predicate) is not None, predicate


def test_python_namespace_declares_exactly_the_ontology_terms(ontology):
    """cimo_graph.namespace.CIMO and ontology/cimo.ttl declare the same terms."""
    in_python = {name for name in CIMO.__annotations__ if not name.startswith("_")}
    assert in_python == _declared(ontology)


def test_namespace_rejects_unknown_terms():
    """A typo in a term name fails at once instead of minting a new IRI."""
    with pytest.raises(AttributeError, match="Intervension"):
        _ = CIMO.Intervension


@pytest.mark.parametrize(
    "name",
    [
        "Study",
        "Context",
        "Intervention",
        "Mechanism",
        "Outcome",
        "DesignProposition",
        "Pillar",
        "Role",
        "RoleStatement",
        "AddedValue",
        "Recommendation",
        "Quote",
    ],
)
def test_issue_classes_are_declared(ontology, name):
    """The classes the foundation issue asks for exist as OWL classes."""
    assert (CIMO[name], RDF.type, OWL.Class) in ontology


def test_reuses_standard_vocabularies(ontology):
    """Themes are SKOS concepts, provenance is PROV-O, statements hang under DCTerms."""
    assert (
        CIMO.theme,
        RDFS.range,
        URIRef("http://www.w3.org/2004/02/skos/core#Concept"),
    ) in ontology
    assert (
        CIMO.StudyElement,
        RDFS.subClassOf,
        URIRef("http://www.w3.org/ns/prov#Entity"),
    ) in ontology
    assert (CIMO.partOfStudy, RDFS.subPropertyOf, DCTERMS.isPartOf) in ontology


@pytest.mark.parametrize("check", CHECKS, ids=[c.stem for c in CHECKS])
def test_quality_check_catches_an_undocumented_term(ontology, check):
    """Each quality query flags a term declared without labels, definition or domain."""
    broken = Graph()
    for triple in ontology:
        broken.add(triple)
    broken.add((CIMO._NS["Broken"], RDF.type, OWL.Class))
    broken.add((CIMO._NS["broken"], RDF.type, OWL.ObjectProperty))
    offenders = {str(row[0]) for row in broken.query(check.read_text())}
    assert offenders & {str(CIMO._NS["Broken"]), str(CIMO._NS["broken"])}
