"""A researcher's own study, first time right: shaped unlike the bundled one (English only,
several sources, several institutions, authors), from `new-study` to answers and back."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from rdflib import URIRef
from rdflib.compare import isomorphic

import cimo_graph as cg
from cimo_graph.authoring import new_study
from cimo_graph.cli import main

SECOND = Path(__file__).parent / "data" / "studies" / "blended-review.yaml"
FORMATS = {"csv": "template", "xlsx": "template.xlsx", "yaml": "template.yaml"}


@pytest.fixture(scope="module")
def second() -> cg.CimoGraph:
    """The tests' second study: English only, two papers, two institutions."""
    return cg.load(SECOND)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("languages", [["en"], ["nl", "en"], ["en", "de"], ["nl"]])
def test_new_study_in_any_languages_loads_without_a_mistake(tmp_path, fmt, languages):
    """`new-study --languages ...` writes label columns for exactly those languages, and
    the template as written loads and conforms, in every format."""
    target = tmp_path / FORMATS[fmt]
    assert main(["new-study", str(target), "--languages", ",".join(languages)]) == 0
    study = cg.load(target)
    assert study.validate().conforms
    assert sorted(study.summary().languages) == sorted(languages)
    study.export_template(tmp_path / "again.yaml")
    columns = set().union(
        *(set(r) for r in yaml.safe_load((tmp_path / "again.yaml").read_text())["interventions"])
    )
    assert {c for c in columns if c.startswith("label_")} == {f"label_{lang}" for lang in languages}


def test_other_languages_columns_left_empty_are_no_mistake(tmp_path):
    """A workbook written for nl and en, turned English-only with its nl columns left
    empty, loads: no 'Did you mean' for the columns the template itself wrote."""
    path = new_study(tmp_path / "study.xlsx", languages=["nl", "en"])
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        header = [c.value for c in sheet[1]]
        for index, name in enumerate(header):
            if name == "languages":
                sheet.cell(row=2, column=index + 1, value="en")
            if isinstance(name, str) and name.endswith("_nl"):
                for row in range(2, sheet.max_row + 1):
                    sheet.cell(row=row, column=index + 1).value = None
    workbook.save(path)
    assert cg.load(path).validate().conforms


def test_text_in_a_language_the_study_lacks_says_what_to_do(tmp_path):
    """label_de filled in a study declaring only en: the message names the languages."""
    path = new_study(tmp_path / "study.yaml", languages=["en"])
    text = path.read_text(encoding="utf-8").replace(
        "  label_en: peer consultation group\n",
        "  label_en: peer consultation group\n  label_de: Intervisionsgruppe\n",
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(cg.TemplateError) as caught:
        cg.load(path)
    (problem,) = caught.value.problems
    assert problem.column == "label_de" and "Did you mean" not in problem.message
    assert "'de' is not one of the study's languages (en" in problem.message
    assert "add de there, or leave this column empty" in problem.message


def test_missing_evidence_is_said_in_the_templates_words(tmp_path):
    """A shape violation reads as what to fill, in the same list as the other mistakes."""
    path = new_study(tmp_path / "study.yaml", languages=["en"])
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["mechanisms"][0]["source_text"]
    data["outcomes"][0]["themes"] = "self-confidense"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(cg.TemplateError) as caught:
        cg.load(path)
    messages = [str(p) for p in caught.value.problems]
    assert any("unknown theme. Did you mean: 'self-confidence'?" in m for m in messages)
    assert any(
        "sheet 'mechanisms'" in m
        and "has no evidence: fill 'source_text'" in m
        and "add a row to the 'notes' sheet" in m
        for m in messages
    ), messages
    assert not any("cimo:" in m for m in messages)


def test_second_study_conforms_and_round_trips_in_every_format(second, tmp_path):
    """The English-only study of two papers: valid, and the same graph after
    export_template and import, the document no element cites included."""
    assert second.validate().conforms
    protocol = URIRef("https://example.org/cimo-study/blended-review/protocol")
    assert (protocol, None, None) in second.graph
    for name in FORMATS.values():
        back = cg.load(second.export_template(tmp_path / name))
        assert isomorphic(back.graph, second.graph), name


def test_evidence_names_the_elements_own_source(second):
    """In a synthesis, evidence() names the paper each element comes from."""
    evidence = second.evidence("BL-I1")
    derived = evidence[evidence["kind"] == "derived from"]
    assert derived["text"].tolist() == ["Online peer feedback in initial teacher education"]
    location = evidence[evidence["kind"] == "location"]["text"].tolist()
    assert location == ["p. 5"]
    # an element that names no source keeps the study's own
    roles = second.evidence("student")
    assert sorted(roles[roles["kind"] == "derived from"]["text"]) == [
        "Evaluating a blended mathematics course",
        "Online peer feedback in initial teacher education",
    ]


def test_citation_of_a_study_with_authors_year_and_doi(second):
    """kg.cite() gives a complete APA reference and a BibTeX entry."""
    assert second.cite() == (
        "Jansen, A., de Vries, B., & O'Neill, C. (2024). A realist review of blended "
        "learning in teacher education. University A; University B. "
        "https://doi.org/10.1234/blended.2024.001"
    )
    bibtex = second.cite(format="bibtex")
    for line in (
        "@techreport{blended-review,",
        "  author = {Jansen, A. and de Vries, B. and O'Neill, C.},",
        "  year = {2024},",
        "  doi = {10.1234/blended.2024.001},",
        "  url = {https://example.org/reports/blended-review},",
        "  institution = {University A and University B}",
    ):
        assert line in bibtex


def test_a_recommendation_may_bear_on_an_intervention(second):
    """Recommendations strengthen any element, here an intervention."""
    recommendations = second.recommendations()
    assert recommendations["id"].tolist() == ["REC1"]
    assert "BL-I1" in str(recommendations.iloc[0].to_dict())


def test_several_institutions(second):
    """A study carried out by two institutions names both."""
    assert len(list(second.graph.objects(None, cg.CIMO.institution))) == 2


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_statement_no_column_holds_is_carried_in_extra(second, tmp_path, fmt):
    """A triple the sheets have no column for goes to the 'extra' sheet and comes back."""
    from rdflib import Graph, Literal
    from rdflib.namespace import DCTERMS, XSD

    graph = Graph()
    graph += second.graph
    element = URIRef("https://example.org/cimo-study/blended-review/BL-M1")
    graph.add((element, DCTERMS.created, Literal("2024-05-01", datatype=XSD.date)))
    graph.add((element, URIRef("https://example.org/vocab#weight"), Literal(0.75)))
    study = cg.CimoGraph(graph)
    back = cg.load(study.export_template(tmp_path / FORMATS[fmt]))
    assert isomorphic(back.graph, graph)


def test_a_blank_node_statement_the_template_cannot_write_is_refused_by_name(second, tmp_path):
    """export_template stops and names a statement it cannot carry; it writes nothing."""
    from rdflib import BNode, Graph, Literal

    graph = Graph()
    graph += second.graph
    node = BNode()
    graph.add(
        (URIRef("https://example.org/cimo-study/blended-review/BL"), URIRef("urn:x:has"), node)
    )
    graph.add((node, URIRef("urn:x:note"), Literal("anonymous")))
    with pytest.raises(cg.CimoGraphError, match=r"cannot carry .*blank-node statement"):
        cg.CimoGraph(graph).export_template(tmp_path / "template.yaml")
    assert not (tmp_path / "template.yaml").exists()


def test_a_malformed_extra_row_is_named(tmp_path):
    """A row of 'extra' that is not Turtle's notation: its sheet, line and column."""
    path = new_study(tmp_path / "study.yaml", languages=["en"])
    text = path.read_text(encoding="utf-8").replace(
        "- subject: <https://example.org/cimo-study/example/PC-I1>", "- subject: PC-I1"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(cg.TemplateError) as caught:
        cg.load(path)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.column, problem.value) == ("extra", "subject", "PC-I1")
    assert "is not an IRI in angle brackets" in problem.message


def test_the_help_sheet_describes_every_column(tmp_path):
    """The workbook's help sheet lists every column of every sheet: required or optional,
    what it holds, which sheet a link points at, and what it means."""
    from cimo_graph.authoring.schema import SHEETS

    path = new_study(tmp_path / "study.xlsx", languages=["en"])
    workbook = load_workbook(path)
    rows = list(workbook["help"].iter_rows(values_only=True))
    assert rows[0] == ("sheet", "column", "required", "holds", "links to", "meaning", "example")
    described = {(r[0], r[1]) for r in rows[1:] if r[1]}
    for sheet in SHEETS:
        for column in workbook[sheet.name][1]:
            assert (sheet.name, column.value) in described, (sheet.name, column.value)
    by_column = {(r[0], r[1]): r for r in rows[1:]}
    assert by_column[("interventions", "proposition")][2:5] == (
        "required",
        "ids, separated by ';'",
        "propositions",
    )
    assert "several, separated by ';'" in by_column[("interventions", "proposition")][5]
    assert by_column[("outcomes", "kind")][3] == "one of: intended, unintended"
    assert by_column[("propositions", "theory_stage")][3] == "one of: initial, refined, tested"
    assert by_column[("interventions", "label_en")][2] == "required"
    assert by_column[("interventions", "sources")][4] == "sources"
    assert by_column[("interventions", "proposition")][6] == "PC"
    assert by_column[("interventions", "label_en")][6] == "bring in cases"
    sheets = {r[0]: r[5] for r in rows[1:] if not r[1]}
    assert "Not the literature it cites" in sheets["sources"]


def test_sentences_in_a_language_the_study_lacks_are_refused(second):
    """An English-only study asked for Dutch sentences: a clear error, never mixed text."""
    assert second.sentences(lang="en")["sentence"].str.len().min() > 20
    with pytest.raises(cg.CimoGraphError, match=r"has no labels in 'nl' \(its languages: en\)"):
        second.sentences(lang="nl")


def test_a_pillar_figure_of_a_study_without_pillars_is_refused(second):
    """figure(pillars=True) without pillars says so, instead of drawing an empty figure."""
    with pytest.raises(cg.CimoGraphError, match="has no pillars"):
        second.figure(pillars=True)


@pytest.mark.parametrize("command", ["info", "validate", "report"])
def test_every_command_reading_a_study_takes_study(command, capsys):
    """`cimo-graph info --study X` as the question commands take it."""
    assert main([command, "--study", str(SECOND)]) == 0
    assert "blended" in capsys.readouterr().out.lower()


@pytest.mark.parametrize(
    "listing", ["propositions", "pillars", "roles", "recommendations", "themes", "sentences"]
)
def test_every_listing_of_several_studies_says_whose_each_row_is(second, listing):
    """With two studies in one graph each listing carries a study column; with one, not."""
    both = cg.load().merge(second)
    frame = getattr(both, listing)(lang="en")
    assert list(frame.columns)[:3] == ["id", "label", "study"]
    assert set(frame["study"]) <= {"leernetwerken", "blended-review"} and frame["study"].all()
    assert "study" not in getattr(second, listing)(lang="en").columns


def test_the_same_role_in_two_studies_is_told_apart(second):
    """Both studies have a role 'student': two rows, each naming its study."""
    roles = cg.load().merge(second).roles()
    students = roles[roles["id"] == "student"]
    assert sorted(students["study"]) == ["blended-review", "leernetwerken"]


def test_the_workbook_offers_ids_to_link_to(tmp_path):
    """Link columns offer the ids of the sheet they point at; headers stay in view."""
    path = new_study(tmp_path / "study.xlsx", languages=["en"])
    workbook = load_workbook(path)
    sheet = workbook["interventions"]
    header = [c.value for c in sheet[1]]
    offers = {}
    for rule in sheet.data_validations.dataValidation:
        first = str(rule.sqref).split(":")[0]
        offers[header[sheet[first].column - 1]] = rule.formula1
    assert offers["proposition"] == "'propositions'!$A$2:$A$10000"
    assert offers["sources"] == "'sources'!$A$2:$A$10000"
    assert workbook["means"].data_validations.dataValidation
    assert all(workbook[name].freeze_panes == "A2" for name in workbook.sheetnames)
    assert cg.load(path).validate().conforms


def test_stated_links_make_routes_specific(second):
    """Where a study states that an intervention activates a mechanism that leads to an
    outcome, the routes to that outcome's theme go through them alone, marked 'stated'."""
    answer = second.interventions_for("self-regulation")
    routes = answer[answer["match"] == "route"]
    assert routes[["id", "via", "mechanisms", "link"]].values.tolist() == [
        ["BL-I1", "BL-O1", "BL-M1", "stated"]
    ]
    mechanisms = second.mechanisms_for("BL-O1")
    assert mechanisms[["id", "link"]].values.tolist() == [["BL-M1", "stated"]]
    assert second.outcomes_of("BL-I1")[["id", "link"]].values.tolist() == [["BL-O1", "stated"]]


def test_without_stated_links_the_proposition_links_its_parts(second, kg):
    """An intervention the study links to nothing itself, and the whole bundled study
    (which states no such links), fall back to the proposition as a whole."""
    assert second.outcomes_of("BL-I2")[["id", "link"]].values.tolist() == [["BL-O1", "proposition"]]
    assert len(list(kg.graph.triples((None, cg.CIMO.activates, None)))) == 0
    answer = kg.interventions_for("zelfsturing")
    routes = answer[answer["match"] == "route"]
    assert set(routes.loc[routes["route"] == "proposition", "link"]) == {"proposition"}
    assert set(routes.loc[routes["route"] == "pillar", "link"]) == {""}
    assert set(answer.loc[answer["match"] == "mention", "link"]) == {""}
