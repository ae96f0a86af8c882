"""How much to trust each finding: GRADE-CERQual assessments authored, kept and checked."""

from __future__ import annotations

import pytest
import yaml
from rdflib.compare import isomorphic

import cimo_graph as cg
from cimo_graph.authoring import example_path
from cimo_graph.namespace import CIMO

TARGETS = {"csv": "template", "xlsx": "template.xlsx", "yaml": "template.yaml"}


def _example_with(tmp_path, **changes):
    """The worked example with its confidence row changed (``None`` removes a cell)."""
    tables = yaml.safe_load(example_path().read_text(encoding="utf-8"))
    row = tables["confidence"][0]
    for column, value in changes.items():
        if value is None:
            row.pop(column, None)
        else:
            row[column] = value
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _problems(path):
    with pytest.raises(cg.TemplateError) as caught:
        cg.load(path)
    return {(p.column, p.message) for p in caught.value.problems}


def test_the_example_assesses_its_proposition_and_conforms():
    """The worked example's confidence row: one assessment of PC, four components each
    judged with an explanation, an overall confidence with its explanation."""
    kg = cg.load(example_path())
    assert kg.validate().conforms
    graph = kg.graph
    (assessment,) = graph.subjects(CIMO.assessesFinding, kg.node("PC"))
    assert graph.value(assessment, CIMO.overallConfidence) == CIMO.moderateConfidence
    judged = {
        graph.value(j, CIMO.component): graph.value(j, CIMO.concern)
        for j in graph.objects(assessment, CIMO.hasComponentAssessment)
    }
    assert judged == {
        CIMO.methodologicalLimitations: CIMO.minorConcerns,
        CIMO.coherence: CIMO.noOrVeryMinorConcerns,
        CIMO.adequacyOfData: CIMO.moderateConcerns,
        CIMO.relevance: CIMO.minorConcerns,
    }
    for node in [assessment, *graph.objects(assessment, CIMO.hasComponentAssessment)]:
        assert graph.value(node, CIMO.explanation).language == "en"
    assert {str(s) for s in graph.objects(assessment, CIMO.contributingStudy)} == {
        "https://example.org/cimo-study/example/study"
    }


@pytest.mark.parametrize("fmt", sorted(TARGETS))
def test_an_assessment_round_trips_through_every_template_format(tmp_path, fmt):
    kg = cg.load(example_path())
    again = cg.load(kg.export_template(tmp_path / TARGETS[fmt]))
    assert isomorphic(again.graph, kg.graph)


def test_an_assessment_round_trips_through_a_coded_project(tmp_path):
    """Exported to REFI-QDA and read back, the assessment is whole (it travels in the
    project note that keeps the sheets no code carries)."""
    kg = cg.load(example_path())
    back = cg.load(kg.export_project(tmp_path / "example.qdpx"))
    assert isomorphic(back.graph, kg.graph)


def test_the_workbook_offers_the_levels_to_choose_from(tmp_path):
    from openpyxl import load_workbook

    path = cg.load(example_path()).export_template(tmp_path / "t.xlsx")
    sheet = load_workbook(path)["confidence"]
    header = [cell.value for cell in sheet[1]]
    offered = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            offered[header[cell_range.min_col - 1]] = validation.formula1
    assert offered["coherence"] == (
        '"no or very minor concerns,minor concerns,moderate concerns,serious concerns"'
    )
    assert offered["confidence"] == '"high,moderate,low,very low"'
    assert offered["finding"].startswith("'propositions'!")


def test_dutch_and_short_level_words_are_read(tmp_path):
    path = _example_with(
        tmp_path, coherence="Kleine zorgen", relevance="serious", confidence="zeer laag"
    )
    graph = cg.load(path).graph
    (assessment,) = graph.subjects(CIMO.overallConfidence, CIMO.veryLowConfidence)
    levels = {
        graph.value(j, CIMO.concern) for j in graph.objects(assessment, CIMO.hasComponentAssessment)
    }
    assert {CIMO.minorConcerns, CIMO.seriousConcerns} <= levels


def test_an_assessment_of_the_study_is_refused_as_the_guidance_asks(tmp_path):
    problems = _problems(_example_with(tmp_path, finding="study"))
    assert (
        "finding",
        "names the study: GRADE-CERQual assesses a finding, never a whole study; name the "
        "design proposition (configuration) whose finding this row assesses, and judge the "
        "study's limitations under methodological_limitations",
    ) in problems


def test_every_judgement_needs_its_explanation(tmp_path):
    problems = _problems(
        _example_with(tmp_path, coherence_explanation=None, confidence_explanation=None)
    )
    assert problems == {
        ("coherence_explanation", "missing required value"),
        ("confidence_explanation", "missing required value"),
    }


def test_mistakes_are_named_with_what_the_cell_takes(tmp_path):
    problems = _problems(
        _example_with(
            tmp_path,
            finding="PCC",
            adequacy="moderat concerns",
            confidence="medium",
            assessed_on="2 december",
            studies="study; another study",
        )
    )
    messages = dict(problems)
    assert messages["finding"] == "unknown id. Did you mean: 'PC'?"
    assert messages["assessed_on"] == "is not a date: write 2026-12-02"
    assert messages["studies"].startswith("is not a study: ")
    assert messages["adequacy"] == (
        "takes one of: no or very minor concerns, minor concerns, moderate concerns, serious "
        "concerns. Did you mean 'moderate concerns'?"
    )
    assert messages["confidence"].startswith("takes one of: high, moderate, low, very low.")


def test_a_finding_assessed_twice_is_named(tmp_path):
    tables = yaml.safe_load(example_path().read_text(encoding="utf-8"))
    tables["confidence"].append(dict(tables["confidence"][0]))
    path = tmp_path / "twice.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    ((column, message),) = _problems(path)
    assert column == "finding"
    assert message.startswith("is assessed twice (also ") and message.endswith(
        "): one row per finding"
    )


def test_other_contributing_studies_and_a_date_are_kept(tmp_path):
    other = "https://example.org/cimo-study/another-study/study"
    graph = cg.load(
        _example_with(tmp_path, studies=f"study; {other}", assessed_on="2026-11-30")
    ).graph
    (assessment,) = graph.subjects(CIMO.assessesFinding, None)
    assert {str(s) for s in graph.objects(assessment, CIMO.contributingStudy)} == {
        "https://example.org/cimo-study/example/study",
        other,
    }
    from rdflib.namespace import DCTERMS

    assert str(graph.value(assessment, DCTERMS.date)) == "2026-11-30"
