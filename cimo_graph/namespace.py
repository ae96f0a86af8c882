"""The CIMO ontology's terms as Python names, and the namespaces a study uses."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace
from rdflib.term import URIRef

__all__ = ["BIBO", "CIMO", "FOAF", "LEERNETWERKEN", "LEERNETWERKEN_THEME", "PREFIXES"]


class CIMO(DefinedNamespace):
    """The CIMO ontology (``ontology/cimo.ttl``).

    A typo fails at once instead of minting a new IRI:

    >>> CIMO.Intervention
    rdflib.term.URIRef('https://w3id.org/cimo-graph/ontology#Intervention')
    >>> CIMO.Intervension
    Traceback (most recent call last):
    ...
    AttributeError: term 'Intervension' not in namespace 'https://w3id.org/cimo-graph/ontology#'
    """

    _NS = Namespace("https://w3id.org/cimo-graph/ontology#")
    _fail = True

    # Classes
    Study: URIRef
    StudyElement: URIRef
    Context: URIRef
    Intervention: URIRef
    Mechanism: URIRef
    Outcome: URIRef
    DesignProposition: URIRef
    AddedValue: URIRef
    Pillar: URIRef
    Aim: URIRef
    Means: URIRef
    Role: URIRef
    Organisation: URIRef
    RoleStatement: URIRef
    Recommendation: URIRef
    Quote: URIRef
    StatedLink: URIRef
    FindingLink: URIRef
    ConfidenceAssessment: URIRef
    ComponentAssessment: URIRef
    CerqualComponent: URIRef
    ConcernLevel: URIRef
    ConfidenceLevel: URIRef
    methodologicalLimitations: URIRef
    coherence: URIRef
    adequacyOfData: URIRef
    relevance: URIRef
    noOrVeryMinorConcerns: URIRef
    minorConcerns: URIRef
    moderateConcerns: URIRef
    seriousConcerns: URIRef
    highConfidence: URIRef
    moderateConfidence: URIRef
    lowConfidence: URIRef
    veryLowConfidence: URIRef
    assessesFinding: URIRef
    hasComponentAssessment: URIRef
    component: URIRef
    concern: URIRef
    overallConfidence: URIRef
    contributingStudy: URIRef
    assessedBy: URIRef
    findingStatement: URIRef
    explanation: URIRef
    TheoryChange: URIRef
    ChangeKind: URIRef
    confirmation: URIRef
    refutation: URIRef
    refinement: URIRef
    changed: URIRef
    changeKind: URIRef
    Passage: URIRef
    OutcomeKind: URIRef
    OutcomeDirection: URIRef
    TheoryStage: URIRef

    # Individuals
    intendedOutcome: URIRef
    unintendedOutcome: URIRef
    positiveOutcome: URIRef
    negativeOutcome: URIRef
    mixedOutcome: URIRef
    initialTheory: URIRef
    refinedTheory: URIRef
    testedTheory: URIRef

    # Object properties
    partOfStudy: URIRef
    institution: URIRef
    hasContext: URIRef
    hasIntervention: URIRef
    hasMechanism: URIRef
    activates: URIRef
    leadsTo: URIRef
    statedIn: URIRef
    passage: URIRef
    outcomeKind: URIRef
    outcomeDirection: URIRef
    theoryStage: URIRef
    refines: URIRef
    supportedBy: URIRef
    relatesToFinding: URIRef
    confirms: URIRef
    qualifies: URIRef
    disputes: URIRef
    encodedBy: URIRef
    encodingLicence: URIRef
    hasOutcome: URIRef
    hasAddedValue: URIRef
    hasPillar: URIRef
    hasAim: URIRef
    hasMeans: URIRef
    shapedBy: URIRef
    carriedOutBy: URIRef
    involves: URIRef
    describesRole: URIRef
    broaderRole: URIRef
    strengthens: URIRef
    supports: URIRef
    theme: URIRef

    # Datatype properties
    sourceText: URIRef
    sourceLocation: URIRef
    interpretationNote: URIRef
    pluralLabel: URIRef
    mechanismResource: URIRef
    mechanismReasoning: URIRef
    method: URIRef
    labelLanguage: URIRef


BIBO = Namespace("http://purl.org/ontology/bibo/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

#: The bundled study's elements, for example ``LEERNETWERKEN["W-I3"]``.
LEERNETWERKEN = Namespace("https://w3id.org/cimo-graph/study/leernetwerken/")
#: The bundled study's themes, for example ``LEERNETWERKEN_THEME["self-direction"]``.
LEERNETWERKEN_THEME = Namespace("https://w3id.org/cimo-graph/study/leernetwerken/theme/")

#: Prefixes bound on every graph cimo-graph makes.
PREFIXES: dict[str, str] = {
    "cimo": str(CIMO._NS),
    "lnw": str(LEERNETWERKEN),
    "theme": str(LEERNETWERKEN_THEME),
    "rdf": str(RDF._NS),
    "rdfs": str(RDFS._NS),
    "owl": str(OWL._NS),
    "xsd": str(XSD._NS),
    "skos": str(SKOS._NS),
    "prov": str(PROV._NS),
    "dcterms": str(DCTERMS._NS),
    "bibo": str(BIBO),
    "foaf": str(FOAF),
}
