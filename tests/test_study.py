"""The bundled study graph is a faithful, complete encoding of the source summary."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from cimo_graph._resources import resource_path
from cimo_graph.namespace import CIMO
from cimo_graph.namespace import LEERNETWERKEN as LNW
from cimo_graph.namespace import LEERNETWERKEN_THEME as THEME

# What the summary states, per design proposition (READING.md, "The CIMO template").
PROPOSITIONS = {
    "W": {
        "outcomes": ["W-O1", "W-O2", "W-O3", "W-O4"],
        "interventions": ["W-I1", "W-I2", "W-I3", "W-I4", "W-I5", "W-I6"],
        "mechanisms": ["W-M1", "W-M2", "W-M3", "W-M4"],
        "added_value": ["W-AV"],
    },
    "C": {
        "outcomes": ["C-O1", "C-O2", "C-O3", "C-O4"],
        "interventions": ["C-I1", "C-I2", "C-I3", "C-I4", "C-I5", "C-I6"],
        "mechanisms": ["C-M1", "C-M2", "C-M3", "C-M4", "C-M5", "C-M6"],
        "added_value": ["C-AV"],
    },
}
LINKS = {
    "outcomes": CIMO.hasOutcome,
    "interventions": CIMO.hasIntervention,
    "mechanisms": CIMO.hasMechanism,
    "added_value": CIMO.hasAddedValue,
}
# The five pillars: aim, the means named in the pillar, and the practices shaping it.
PILLARS = {
    "P1": ("P1-aim", [], ["P1-means-1", "P1-means-2"]),
    "P2": ("P2-aim", ["P2-means-1"], ["P2-means-2"]),
    "P3": ("P3-aim", ["P3-means-1"], ["P3-means-2", "P3-means-3"]),
    "P4": ("P4-aim", ["P4-means-1"], ["P4-means-2"]),
    "P5": ("P5-aim", [], ["P5-means-1"]),
}
RECOMMENDATIONS = {
    "A1": {"P3", "educator"},
    "A2": {"older-year-student"},
    "A3": {"P5"},
}
ROLES = {
    "student",
    "older-year-student",
    "earlier-year-student",
    "educator",
    "school-based-educator",
    "institute-based-educator",
    "founder",
    "teacher",
}
# Themes of READING.md with a Dutch name and synonyms a researcher may type.
THEMES = {
    "self-direction": (
        "zelfsturing",
        "self-direction",
        ["eigen regie", "self-regulated learning", "self-directed learning"],
    ),
    "well-being": ("welbevinden", "well-being", []),
    "competence-development": ("competentieontwikkeling", "competence development", []),
    "self-confidence": ("zelfvertrouwen", "self-confidence", []),
    "connectedness": ("verbondenheid", "connectedness", []),
    "social-safety": ("sociale veiligheid", "social safety", []),
    "feedback": ("feedback", "feedback", []),
    "collaboration": ("samenwerking", "collaboration", []),
    "theory-practice": ("koppeling theorie en praktijk", "theory-practice link", []),
    "research-capacity": ("onderzoekend vermogen", "research capacity", []),
    "guidance": ("begeleiding", "coaching and guidance", ["coaching"]),
    "accessibility": ("toegankelijkheid", "accessibility", ["korte lijnen"]),
    "learning-culture": ("leercultuur", "learning culture", []),
    "peer-learning": ("leren van elkaar", "peer learning", ["intervisie"]),
}


def _ids(kg, subject, predicate) -> set[str]:
    return {str(o).removeprefix(str(LNW)) for o in kg.graph.objects(subject, predicate)}


def _elements(kg):
    return sorted(set(kg.graph.subjects(CIMO.partOfStudy, LNW.study)))


def _normalise(text: str) -> str:
    text = re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1\2", text)  # words hyphenated across lines
    text = text.replace("@", "ti")  # interven@e, competen@eontwikkeling: mangled 'ti'
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("name", sorted(PROPOSITIONS))
@pytest.mark.parametrize("part", sorted(LINKS))
def test_proposition_links_match_the_source(kg, name, part):
    """Each proposition links exactly the outcomes, interventions, mechanisms and added
    value of its table."""
    assert _ids(kg, LNW[name], LINKS[part]) == set(PROPOSITIONS[name][part])


@pytest.mark.parametrize("name", sorted(PROPOSITIONS))
def test_proposition_has_the_learning_network_as_context(kg, name):
    """Both propositions hold in the one context, the learning network."""
    assert _ids(kg, LNW[name], CIMO.hasContext) == {"context"}


def test_no_pairwise_links_the_source_does_not_state(kg):
    """Links are stated per table: no intervention points at a mechanism or outcome."""
    for intervention in kg.graph.subjects(RDF.type, CIMO.Intervention):
        for _, _, target in kg.graph.triples((intervention, None, None)):
            assert (target, RDF.type, CIMO.Mechanism) not in kg.graph
            assert (target, RDF.type, CIMO.Outcome) not in kg.graph


@pytest.mark.parametrize("pillar", sorted(PILLARS))
def test_pillar_aim_and_means(kg, pillar):
    """Each pillar has its aim, the means in its phrase and the practices that shape it."""
    aim, means, shaping = PILLARS[pillar]
    assert _ids(kg, LNW[pillar], CIMO.hasAim) == {aim}
    assert _ids(kg, LNW[pillar], CIMO.hasMeans) == set(means)
    assert _ids(kg, LNW[pillar], CIMO.shapedBy) == set(shaping)


def test_context_is_shaped_around_five_pillars(kg):
    """The learning network is shaped around exactly the five pillars."""
    assert _ids(kg, LNW.context, CIMO.hasPillar) == set(PILLARS)


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (CIMO.Context, 1),
        (CIMO.DesignProposition, 2),
        (CIMO.Intervention, 12),
        (CIMO.Mechanism, 10),
        (CIMO.Outcome, 8),
        (CIMO.AddedValue, 2),
        (CIMO.Pillar, 5),
        (CIMO.Aim, 5),
        (CIMO.Means, 10),
        (CIMO.RoleStatement, 4),
        (CIMO.Recommendation, 3),
        (CIMO.Quote, 1),
        (CIMO.Role, len(ROLES)),
        (CIMO.Study, 1),
    ],
)
def test_counts_per_class(kg, cls, expected):
    """The graph holds exactly as many elements of each class as the source states."""
    assert len(set(kg.graph.subjects(RDF.type, cls))) == expected


def test_roles_are_the_actors_named_in_the_source(kg):
    """The roles are the actors the summary names, with educators and students grouped."""
    assert {str(r).removeprefix(str(LNW)) for r in kg.graph.subjects(RDF.type, CIMO.Role)} == ROLES
    assert _ids(kg, LNW["school-based-educator"], CIMO.broaderRole) == {"educator"}
    assert _ids(kg, LNW["institute-based-educator"], CIMO.broaderRole) == {"educator"}
    assert _ids(kg, LNW["older-year-student"], CIMO.broaderRole) == {"student"}


def test_well_being_interventions_are_carried_out_by_educators(kg):
    """'Zorg dan voor opleiders die ...': every W intervention, and only those, has an actor."""
    carried = {
        str(s).removeprefix(str(LNW)): _ids(kg, s, CIMO.carriedOutBy)
        for s in kg.graph.subjects(CIMO.carriedOutBy, None)
    }
    assert carried == {name: {"educator"} for name in PROPOSITIONS["W"]["interventions"]}


@pytest.mark.parametrize("statement", ["R1", "R2", "R3", "R4"])
def test_role_statements_describe_the_educator(kg, statement):
    """R1-R4 describe the teacher educator's role; R1 names both kinds of educator."""
    roles = _ids(kg, LNW[statement], CIMO.describesRole)
    assert "educator" in roles
    if statement == "R1":
        assert roles == {"educator", "school-based-educator", "institute-based-educator"}


@pytest.mark.parametrize("recommendation", sorted(RECOMMENDATIONS))
def test_recommendations_strengthen(kg, recommendation):
    """Each recommendation strengthens the pillar or role it bears on, with a note saying so."""
    assert _ids(kg, LNW[recommendation], CIMO.strengthens) == RECOMMENDATIONS[recommendation]
    assert kg.graph.value(LNW[recommendation], CIMO.interpretationNote) is not None


def test_first_recommendation_cites_struyven_2010(kg):
    """A1 references Struyven, Dochy & Janssens (2010) with its bibliographic details."""
    reference = kg.graph.value(LNW.A1, DCTERMS.references)
    assert reference == LNW["struyven-2010"]
    citation = str(kg.graph.value(reference, DCTERMS.bibliographicCitation))
    assert "Struyven, K., Dochy, F., & Janssens, S. (2010)" in citation
    assert "European Journal of Teacher Education, 33(1), 43-64" in citation


def test_quote_supports_the_second_pillar(kg):
    """The student quote is evidence for P2, attributed to a student, with a note."""
    assert _ids(kg, LNW.Q1, CIMO.supports) == {"P2"}
    assert "positieve feedback van mijn opleiders" in str(kg.graph.value(LNW.Q1, CIMO.sourceText))
    assert kg.graph.value(LNW.Q1, CIMO.interpretationNote) is not None


def test_competence_column_reading_is_an_explicit_note(kg):
    """The adopted reading of the competence table's columns is a note on proposition C."""
    notes = " ".join(str(n) for n in kg.graph.objects(LNW.C, CIMO.interpretationNote))
    assert "Een leercultuur" in notes and "een groepsgevoel" in notes


def test_study_metadata(kg):
    """The study has title, institution, method and the CIMO reference."""
    study = LNW.study
    assert (study, RDF.type, CIMO.Study) in kg.graph
    assert str(kg.graph.value(study, DCTERMS.title)) in {
        "Meerwaarde van Opleiden in Leernetwerken voor aanstaande leraren",
        "The added value of teacher education in learning networks for student teachers",
    }
    assert kg.graph.value(study, CIMO.institution) == LNW.HU
    assert any("CIMO-logica" in str(m) for m in kg.graph.objects(study, CIMO.method))
    assert kg.graph.value(study, DCTERMS.references) == LNW["denyer-2008"]


def test_every_element_has_dutch_and_english_labels(kg):
    """Every element of the study has an rdfs:label in Dutch and in English."""
    missing = []
    for node in _elements(kg):
        languages = {label.language for label in kg.graph.objects(node, RDFS.label)}
        if not {"nl", "en"} <= languages:
            missing.append(str(node))
    assert missing == []


def test_every_element_has_provenance(kg):
    """Every element is derived from the source summary (prov:wasDerivedFrom)."""
    prov_derived = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    assert [str(n) for n in _elements(kg) if (n, prov_derived, LNW.summary) not in kg.graph] == []


def test_source_text_is_verbatim_from_the_summary(kg):
    """Every Dutch source text stands in the summary, mangled characters repaired."""
    source = _normalise(
        resource_path("data", "source", "leernetwerken-samenvatting.txt").read_text(
            encoding="utf-8"
        )
    )
    texts = list(kg.graph.subject_objects(CIMO.sourceText))
    assert len(texts) > 60
    absent = [(str(s), str(t)) for s, t in texts if _normalise(str(t)) not in source]
    assert absent == []
    assert all(isinstance(t, Literal) and t.language == "nl" for _, t in texts)


def test_mangled_characters_are_repaired(kg):
    """No source text keeps the extraction's '@' for 'ti'."""
    assert [str(t) for t in kg.graph.objects(None, CIMO.sourceText) if "@" in str(t)] == []
    assert "competentieontwikkeling" in str(kg.graph.value(LNW["C-AV"], CIMO.sourceText))


def test_every_theme_assignment_is_explained(kg):
    """A node with a theme carries a note that explains the assignment."""
    unexplained = [
        str(node)
        for node in set(kg.graph.subjects(CIMO.theme, None))
        if not any(
            "Theme assignment" in str(n) for n in kg.graph.objects(node, CIMO.interpretationNote)
        )
    ]
    assert unexplained == []


@pytest.mark.parametrize("notation", sorted(THEMES))
def test_theme_vocabulary(kg, notation):
    """The READING.md themes are SKOS concepts with Dutch and English names and synonyms."""
    concept = THEME[notation]
    nl, en, synonyms = THEMES[notation]
    assert (concept, RDF.type, SKOS.Concept) in kg.graph
    assert (concept, SKOS.inScheme, LNW.themes) in kg.graph
    assert Literal(nl, lang="nl") in set(kg.graph.objects(concept, SKOS.prefLabel))
    assert Literal(en, lang="en") in set(kg.graph.objects(concept, SKOS.prefLabel))
    alternatives = {str(a) for a in kg.graph.objects(concept, SKOS.altLabel)}
    assert set(synonyms) <= alternatives


def test_self_direction_routes_are_encoded(kg):
    """Both self-direction routes of READING.md, and W-I3's mention, are in the graph."""
    assert (LNW["P3-aim"], CIMO.theme, THEME["self-direction"]) in kg.graph
    assert (LNW["C-AV"], CIMO.theme, THEME["self-direction"]) in kg.graph
    assert (LNW["W-I3"], CIMO.theme, THEME["self-direction"]) in kg.graph


def test_every_cimo_term_used_is_declared(kg, ontology):
    """Every cimo: class and property the study uses is declared in the ontology."""
    declared = (
        set(ontology.subjects(RDF.type, OWL.Class))
        | set(ontology.subjects(RDF.type, OWL.ObjectProperty))
        | set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    )
    used = {p for p in kg.graph.predicates() if str(p).startswith(str(CIMO._NS))}
    used |= {c for c in kg.graph.objects(None, RDF.type) if str(c).startswith(str(CIMO._NS))}
    assert sorted(used - declared) == []
    assert len(used) > 25
