"""The researcher questions of the study reading, each answered exactly, with its route."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

import cimo_graph as cg
from cimo_graph.namespace import LEERNETWERKEN as LNW

W_INTERVENTIONS = [f"W-I{i}" for i in range(1, 7)]
C_INTERVENTIONS = [f"C-I{i}" for i in range(1, 7)]

# "Which interventions lead to student self-direction?": both routes, and W-I3 apart.
SELF_DIRECTION = {
    ("P3-means-1", "Means", "route", "pillar", "P3", "P3-aim", "aim"),
    ("P3-means-2", "Means", "route", "pillar", "P3", "P3-aim", "aim"),
    ("P3-means-3", "Means", "route", "pillar", "P3", "P3-aim", "aim"),
    *{
        (i, "Intervention", "route", "proposition", "C", "C-AV", "added value")
        for i in C_INTERVENTIONS
    },
    ("W-I3", "Intervention", "mention", "proposition", "W", "", ""),
}

# Routes of other themes, as (id, match, through, via) sets.
ROUTES = {
    "well-being": {(i, "route", "W", "W-AV") for i in W_INTERVENTIONS},
    "self-confidence": {(i, "route", "W", "W-O3") for i in W_INTERVENTIONS}
    | {(i, "route", "C", "C-O1; C-O2; C-O3") for i in C_INTERVENTIONS},
    "research capacity": {("P5-means-1", "route", "P5", "P5-aim")},
    # carried by a mechanism (C-M2): its proposition's interventions lead to it
    "theory-practice link": {
        ("P1-means-1", "route", "P1", "P1-aim"),
        ("P1-means-2", "route", "P1", "P1-aim"),
    }
    | {(i, "route", "C", "C-M2") for i in C_INTERVENTIONS},
}

# Columns each helper promises.
COLUMNS = {
    "interventions_for": [
        "id",
        "label",
        "kind",
        "match",
        "route",
        "through",
        "through_label",
        "via",
        "via_kind",
        "via_label",
        "mechanisms",
        "link",
        "carried_out_by",
        "source_text",
        "notes",
        "mapping",
        "study",
        "iri",
    ],
    "propositions": [
        "id",
        "label",
        "context",
        "context_label",
        "interventions",
        "mechanisms",
        "outcomes",
        "added_value",
        "added_value_label",
        "theory_stage",
        "themes",
        "source_text",
        "notes",
        "iri",
    ],
    "pillars": [
        "id",
        "label",
        "aim",
        "aim_label",
        "means",
        "shaping",
        "means_labels",
        "context",
        "themes",
        "source_text",
        "notes",
        "iri",
    ],
    "roles": [
        "id",
        "label",
        "broader",
        "carries_out",
        "carries_out_labels",
        "statements",
        "statement_labels",
        "stated_for",
        "source_text",
        "iri",
    ],
    "recommendations": [
        "id",
        "label",
        "strengthens",
        "strengthens_label",
        "strengthens_kind",
        "references",
        "source_text",
        "notes",
        "iri",
    ],
    "themes": [
        "id",
        "label",
        "other_label",
        "synonyms",
        "definition",
        "elements",
        "scheme",
        "matches",
        "iri",
    ],
    "sentences": ["id", "label", "lang", "sentence", "iri"],
}

SENTENCES = {
    (
        "W",
        "nl",
    ): "Als je in een leernetwerk wilt bereiken dat studenten verbondenheid en sociale veiligheid ervaren, studenten duidelijkheid over verwachtingen hebben, studenten vertrouwen in zichzelf en de begeleiding hebben en studenten zich gezien en goed voelen binnen de groep, zorg dan voor opleiders die veel contact en korte lijnen bieden, met persoonlijke aandacht en positieve feedback, eigen initiatief en zelfsturing verwachten, individuele behoeften erkennen, vertrouwde samenwerking bevorderen en studenten betrekken bij de bijeenkomsten, want dan zet je korte lijntjes en toegankelijkheid van opleiders, persoonlijke feedback en ondersteuning, een gevoel van verbondenheid en comfort en een informele en ondersteunende groep waarin studenten gemakkelijk vragen kunnen stellen en ervaringen kunnen delen in gang.",
    (
        "W",
        "en",
    ): "If you want to achieve in a learning network that students experience connectedness and social safety, students are clear about what is expected of them, students have confidence in themselves and in their guidance and students feel seen and at ease within the group, provide teacher educators who offer plenty of contact and short lines, give personal attention and positive feedback, expect initiative and self-direction, recognise individual needs, foster trusting collaboration and involve students in the meetings, because that sets in motion short lines to and accessibility of educators, personal feedback and support, a sense of connectedness and comfort and an informal and supportive group in which students can easily ask questions and share experiences.",
    (
        "C",
        "nl",
    ): "Als je in een leernetwerk wilt bereiken dat studenten zelfverzekerdheid, vertrouwen en groei in bekwaamheid ontwikkelen, studenten meer zelfvertrouwen en inzicht krijgen in wat de klas nodig heeft, studenten sterk in hun schoenen staan en studenten zich competent voelen in het team, zorg dan voor een leercultuur met wekelijkse feedback vanuit verschillende perspectieven waarin fouten durven maken wordt aangemoedigd, studenten elkaar feedback geven en leren van elkaars fouten, ondersteuning bij didactische ontwikkeling en praktijkervaringen, verbondenheid en sparren met medestudenten, positieve feedback en begeleiding en tools om te observeren en feedback te geven en observaties van andere docenten, want dan zet je een groepsgevoel, theorie gekoppeld aan studentervaringen, korte lijnen en zichtbaarheid als lerende collega, leren van elkaar door casussen, begeleiding in feedbackprocessen en gerichte en opbouwende feedback door opleiders in gang.",
}


def _rows(frame, *columns):
    return {tuple(row) for row in frame[list(columns)].itertuples(index=False)}


def test_self_direction_has_both_routes_and_tells_w_i3_apart(study):
    """Self-direction: P3's means and C's interventions on routes; W-I3 only a mention."""
    answer = study.interventions_for("self-direction")
    assert (
        _rows(answer, "id", "kind", "match", "route", "through", "via", "via_kind")
        == SELF_DIRECTION
    )
    assert len(answer) == len(SELF_DIRECTION)


@pytest.mark.parametrize(
    "name",
    [
        "self-direction",
        "zelfsturing",
        "eigen regie",
        "self-regulated learning",
        "Zelfsturing ",
        "SELF DIRECTION",
        "theme:self-direction",
        "https://w3id.org/cimo-graph/study/leernetwerken/theme/self-direction",
    ],
)
def test_theme_names_all_give_the_same_answer(study, name):
    """Id, Dutch or English label, synonym, any case or spacing, prefixed name or IRI."""
    answer = study.interventions_for(name)
    assert (
        _rows(answer, "id", "kind", "match", "route", "through", "via", "via_kind")
        == SELF_DIRECTION
    )


@pytest.mark.parametrize("theme", sorted(ROUTES))
def test_routes_of_other_themes(study, theme):
    """Outcomes, added values, aims and mechanisms that carry a theme put their whole on a
    route."""
    answer = study.interventions_for(theme)
    assert (
        _rows(answer[answer["match"] == "route"], "id", "match", "through", "via") == ROUTES[theme]
    )


def test_route_rows_carry_evidence(study):
    """Each row has its verbatim source text, the mechanisms of its proposition, its actors."""
    answer = study.interventions_for("well-being").set_index("id")
    assert answer.loc["W-I1", "source_text"] == "veel contact en korte lijnen bieden"
    assert answer.loc["W-I1", "mechanisms"] == "W-M1; W-M2; W-M3; W-M4"
    assert answer.loc["W-I1", "carried_out_by"] == "educator"
    assert answer.loc["W-I1", "via_label"].startswith("students feel connected to the school")
    w_i3 = study.interventions_for("self-direction").set_index("id").loc["W-I3"]
    assert "serves well-being" in w_i3["notes"] and w_i3["through_label"].endswith("well-being")


def test_labels_follow_the_language(study):
    """lang='nl' gives Dutch labels, lang='en' English ones."""
    nl = study.interventions_for("zelfsturing", lang="nl").set_index("id")
    en = study.interventions_for("zelfsturing", lang="en").set_index("id")
    assert nl.loc["W-I3", "label"] == "eigen initiatief en zelfsturing verwachten"
    assert en.loc["W-I3", "label"] == "expect initiative and self-direction"
    assert nl.loc["P3-means-1", "via_label"] == "zelfsturing"


def test_a_node_without_a_label_in_the_language_is_kept(kg):
    """Without an English label, the Dutch one stands in; without any, the id."""
    graph = Graph()
    for triple in kg.graph:
        graph.add(triple)
    graph.remove(
        (LNW["W-I3"], RDFS.label, Literal("expect initiative and self-direction", lang="en"))
    )
    graph.remove((LNW["C-I1"], RDFS.label, None))
    for engine in ("oxigraph", "rdflib"):
        answer = cg.CimoGraph(graph, engine=engine).interventions_for("self-direction")
        answer = answer.set_index("id")
        assert len(answer) == len(SELF_DIRECTION)
        assert answer.loc["W-I3", "label"] == "eigen initiatief en zelfsturing verwachten"
        assert answer.loc["C-I1", "label"] == "C-I1"


def test_a_route_without_labels_in_the_language_names_them_in_another(kg):
    """A proposition, pillar or aim a route goes through or via, without an English
    label, is named by its Dutch one."""
    graph = Graph()
    for triple in kg.graph:
        graph.add(triple)
    for node in (LNW["C"], LNW["P3"], LNW["P3-aim"]):
        for label in list(graph.objects(node, RDFS.label)):
            if label.language == "en":
                graph.remove((node, RDFS.label, label))
    dutch = kg.interventions_for("self-direction", lang="nl").set_index("id")
    answer = cg.CimoGraph(graph).interventions_for("self-direction").set_index("id")
    for row in ("C-I1", "P3-means-1"):
        assert answer.loc[row, "through_label"] == dutch.loc[row, "through_label"]
    assert answer.loc["P3-means-1", "via_label"] == dutch.loc["P3-means-1", "via_label"]
    assert (
        answer.loc["C-I1", "through_label"]
        != kg.interventions_for("self-direction").set_index("id").loc["C-I1", "through_label"]
    )


def test_mechanisms_and_outcomes_of_well_being(study):
    """Proposition W works through W-M1..W-M4 towards W-O1..W-O4."""
    assert study.mechanisms_for("W")["id"].tolist() == ["W-M1", "W-M2", "W-M3", "W-M4"]
    assert study.outcomes_of("W")["id"].tolist() == ["W-O1", "W-O2", "W-O3", "W-O4"]
    assert set(study.mechanisms_for("W")["match"]) == {"part"}


def test_mechanisms_for_an_outcome_and_a_theme(study):
    """An outcome leads to its proposition's mechanisms; a theme to those on its routes."""
    by_outcome = study.mechanisms_for("C-O3")
    assert _rows(by_outcome, "id", "through", "via") == {
        (f"C-M{i}", "C", "C-O3") for i in range(1, 7)
    }
    by_theme = study.mechanisms_for("well-being")
    assert _rows(by_theme, "id", "match", "through") == {
        (f"W-M{i}", "route", "W") for i in range(1, 5)
    }
    feedback = study.mechanisms_for("feedback")
    assert _rows(feedback, "id", "match") == {
        ("W-M2", "mention"),
        ("C-M5", "mention"),
        ("C-M6", "mention"),
    }


def test_outcomes_of_an_intervention_means_and_pillar(study):
    """An intervention leads to its proposition's outcomes; a pillar and its means to its aim."""
    assert _rows(study.outcomes_of("W-I3"), "id", "through", "via") == {
        (f"W-O{i}", "W", "W-I3") for i in range(1, 5)
    }
    assert study.outcomes_of("P3")["id"].tolist() == ["P3-aim"]
    assert _rows(study.outcomes_of("P3-means-2"), "id", "kind", "through") == {
        ("P3-aim", "Aim", "P3")
    }
    by_theme = study.outcomes_of("self-confidence")
    assert set(by_theme["id"]) == {"W-O3", "C-O1", "C-O2", "C-O3"}


def test_mechanisms_for_something_no_proposition_holds(study):
    """A role is neither a proposition, nor part of one, nor a theme: a clear error."""
    with pytest.raises(cg.CimoGraphError, match="'founder' is a Role"):
        study.mechanisms_for("founder")


def test_what_the_two_propositions_share(study):
    """W and C share short lines, feedback and the group in their mechanisms."""
    shared = study.shared_elements("W", "C", kinds="mechanism")
    assert _rows(shared, "theme", "a", "b") == {
        ("accessibility", "W-M1", "C-M3"),
        ("feedback", "W-M2", "C-M5; C-M6"),
        ("group", "W-M4", "C-M1"),
        ("guidance", "W-M2", "C-M5"),
    }
    every_part = study.shared_elements("W", "C").set_index("theme")
    assert every_part.loc["feedback", "b"] == "C-I1; C-I2; C-I5; C-I6; C-M5; C-M6"
    assert every_part.loc["accessibility", "a"] == "W-I1; W-M1"


def test_interventions_educators_carry_out_and_the_school_based_role(study):
    """Educators carry out W-I1..W-I6; the school-based educator's role is R1-R4."""
    roles = study.roles().set_index("id")
    assert roles.loc["educator", "carries_out"] == "; ".join(W_INTERVENTIONS)
    school = roles.loc["school-based-educator"]
    assert school["broader"] == "educator"
    assert school["statements"] == "R1; R2; R3; R4"
    assert school["stated_for"] == "educator; school-based-educator"
    assert school["carries_out"] == "; ".join(W_INTERVENTIONS)
    assert roles.loc["founder", "carries_out"] == "" and roles.loc["founder", "statements"] == ""


def test_which_pillar_each_recommendation_strengthens(study):
    """A1 strengthens P3 and the educator's role, A2 older-year students, A3 P5."""
    answer = study.recommendations()
    assert _rows(answer, "id", "strengthens", "strengthens_kind") == {
        ("A1", "P3", "pillar"),
        ("A1", "educator", "role"),
        ("A2", "older-year-student", "role"),
        ("A3", "P5", "pillar"),
    }
    a1 = answer[answer["id"] == "A1"].iloc[0]
    assert a1["references"].startswith("Struyven, K., Dochy, F., & Janssens, S. (2010)")
    assert "does not name the pillar" in a1["notes"]


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_a_recommendation_may_strengthen_any_element(store, tmp_path):
    """A recommendation that strengthens an intervention, a mechanism, an outcome, a
    context or a proposition lists each, with its kind, beside the pillars and roles."""
    graph = Graph()
    graph += cg.load().graph
    for target in ("W-I1", "W-M1", "W-O1", "context", "W"):
        graph.add((LNW["A3"], cg.CIMO.strengthens, LNW[target]))
    path = tmp_path / "study.ttl"
    graph.serialize(path, format="turtle")
    answer = cg.load(path, store=store).recommendations()
    assert _rows(answer, "id", "strengthens", "strengthens_kind") == {
        ("A1", "P3", "pillar"),
        ("A1", "educator", "role"),
        ("A2", "older-year-student", "role"),
        ("A3", "P5", "pillar"),
        ("A3", "W-I1", "intervention"),
        ("A3", "W-M1", "mechanism"),
        ("A3", "W-O1", "outcome"),
        ("A3", "context", "context"),
        ("A3", "W", "design proposition"),
    }


@pytest.mark.parametrize(("proposition", "lang"), sorted(SENTENCES))
def test_propositions_as_sentences(study, proposition, lang):
    """Each proposition reads as the CIMO template sentence in Dutch and in English."""
    sentences = study.sentences(lang=lang).set_index("id")
    assert sentences.loc[proposition, "sentence"] == SENTENCES[(proposition, lang)]


def test_sentences_cover_both_propositions_in_both_languages(study):
    """sentences() states every proposition; the Dutch ones follow the study's template."""
    for lang, opening, middle, closing in [
        ("nl", "Als je in een leernetwerk wilt bereiken dat", "zorg dan voor", "in gang."),
        ("en", "If you want to achieve in a learning network that", "provide", ""),
    ]:
        frame = study.sentences(lang=lang)
        assert frame["id"].tolist() == ["C", "W"]
        for sentence in frame["sentence"]:
            assert (
                sentence.startswith(opening) and middle in sentence and sentence.endswith(closing)
            )


def test_evidence_for_a_pillar(study):
    """P2's evidence: its source text, location, the student quote, notes, the summary."""
    evidence = study.evidence("P2")
    assert evidence["kind"].tolist() == ["source text", "location", "quote", "note", "derived from"]
    quote = evidence[evidence["kind"] == "quote"].iloc[0]
    assert quote["item"] == "Q1" and quote["text"].startswith("Ik merk dat de positieve feedback")
    assert evidence[evidence["kind"] == "source text"].iloc[0]["lang"] == "nl"


def test_evidence_for_a_recommendation_includes_its_reference(study):
    """A1's evidence lists the Struyven et al. (2010) reference."""
    evidence = study.evidence("A1")
    assert evidence[evidence["kind"] == "reference"]["text"].item().startswith("Struyven, K.")


def test_propositions_and_pillars_tables(study):
    """propositions() and pillars() list every part by id."""
    propositions = study.propositions().set_index("id")
    assert propositions.loc["C", "mechanisms"] == "; ".join(f"C-M{i}" for i in range(1, 7))
    assert propositions.loc["W", "added_value"] == "W-AV"
    assert propositions.loc["W", "context_label"] == "learning network"
    pillars = study.pillars().set_index("id")
    assert pillars.index.tolist() == ["P1", "P2", "P3", "P4", "P5"]
    assert (
        pillars.loc["P1", "shaping"] == "P1-means-1; P1-means-2"
        and pillars.loc["P1", "means"] == ""
    )
    assert (
        pillars.loc["P4", "means_labels"]
        == "LOS meetings | facilitating meetings at the school with students and educators"
    )


def test_themes_table(study):
    """themes() lists every theme with both labels, synonyms and its use."""
    themes = study.themes().set_index("id")
    assert len(themes) == 15
    assert themes.loc["self-direction", "other_label"] == "zelfsturing"
    assert "eigen regie" in themes.loc["self-direction", "synonyms"]
    assert themes.loc["feedback", "elements"] == 9


def test_describe(study):
    """describe() lists the statements about a node, out and in, with property labels."""
    described = study.describe("W-I3")
    out = _rows(described[described["direction"] == "out"], "predicate", "value")
    assert ("cimo:carriedOutBy", "educator") in out and ("cimo:theme", "self-direction") in out
    incoming = _rows(described[described["direction"] == "in"], "predicate", "value")
    assert incoming == {("cimo:hasIntervention", "W")}
    assert set(
        described.loc[described["predicate"] == "cimo:hasIntervention", "predicate_label"]
    ) == {"has intervention"}


@pytest.mark.parametrize("helper", sorted(COLUMNS))
def test_helpers_have_their_documented_columns(study, helper):
    """Each helper's DataFrame has exactly the documented columns, in order."""
    call = getattr(study, helper)
    frame = call("self-direction") if helper == "interventions_for" else call()
    assert frame.columns.tolist() == COLUMNS[helper]


def test_answers_repeat(kg):
    """The same question gives the same rows in the same order."""
    first = kg.interventions_for("feedback")
    second = cg.load().interventions_for("feedback")
    assert first.equals(second)
