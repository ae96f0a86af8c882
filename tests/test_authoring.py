"""Encoding a study without Turtle: templates in three formats, precise errors, round trips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from rdflib.compare import isomorphic

import cimo_graph as cg
from cimo_graph.authoring import example_path
from cimo_graph.authoring.schema import SHEETS
from cimo_graph.cli import main

STUDIES = Path(__file__).parent / "data" / "studies"
TARGETS = {"csv": "template", "xlsx": "template.xlsx", "yaml": "template.yaml"}


@pytest.mark.parametrize("fmt", sorted(TARGETS))
def test_bundled_study_round_trips(kg, tmp_path, fmt):
    """export_template then load gives a graph isomorphic to data/leernetwerken.ttl."""
    target = kg.export_template(tmp_path / TARGETS[fmt])
    again = cg.load(target)
    assert isomorphic(again.graph, kg.graph)


@pytest.mark.parametrize("fmt", sorted(TARGETS))
def test_new_study_template_has_a_worked_example_per_sheet(tmp_path, capsys, fmt):
    """`cimo-graph new-study` writes every sheet with one example row; it loads and conforms."""
    target = tmp_path / TARGETS[fmt]
    assert main(["new-study", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    study = cg.load(target)
    assert study.validate().conforms
    if fmt == "csv":
        assert {p.stem for p in target.glob("*.csv")} == {s.name for s in SHEETS}
        for sheet in SHEETS:
            rows = (target / f"{sheet.name}.csv").read_text(encoding="utf-8").strip().splitlines()
            assert len(rows) >= 2, sheet.name


def test_template_study_answers_questions(tmp_path):
    """A study from a template answers the same questions as the bundled one."""
    study = cg.load(example_path())
    answer = study.interventions_for("leren van elkaar")
    assert set(answer["id"]) == {"P1-means-1", "PC-I1"}
    assert study.sentences(lang="nl")["sentence"].item().startswith("Als je in een intervisiegroep")
    figure = study.figure("PC")
    assert figure.layout.boxes


# A YAML template with seven mistakes, each to be reported with its line.
BROKEN_YAML = """\
study:
  id: study
  identifier: broken
  namespace: https://example.org/broken/
  languages: nl; en
  title_nl: Kapot
  title_en: Broken
context:
- id: context
  label_nl: context
  label_en: context
  source_text: een context
propositions:
- id: P
  context: context
  label_nl: voorstel
  label_en: proposal
  source_text: een voorstel
outcomes:
- id: O1
  proposition: P
  label_nl: opbrengst
  label_en: outcome
  source_text: een opbrengst
  themes: feedbak
interventions:
- id: I1
  proposition: Q
  label_nl: interventie
  label_en: intervention
  source_text: een interventie
- id: I1
  proposition: P
  label_nl: nog een
  label_en: another
  source_text: nog een
mechanisms:
- id: M1
  proposition: O1
  label_nl: mechanisme
  source_text: een mechanisme
  lable_en: mechanism
themes:
- id: feedback
  label_nl: feedback
  label_en: feedback
"""

EXPECTED = [
    ("outcomes", "line 25", "themes", "feedbak", "unknown theme. Did you mean: 'feedback'?"),
    ("interventions", "line 28", "proposition", "Q", "unknown id."),
    (
        "interventions",
        "line 32",
        "id",
        "I1",
        "duplicate id: already used in sheet 'interventions', line 27",
    ),
    (
        "mechanisms",
        "line 42",
        "lable_en",
        None,
        "unknown column in sheet 'mechanisms'. Did you mean 'label_en'?",
    ),
    ("mechanisms", "line 38", "label_en", None, "missing required label"),
    (
        "mechanisms",
        "line 39",
        "proposition",
        "O1",
        "wrong kind of link: 'O1' is an outcome (sheet 'outcomes'); this column takes a proposition",
    ),
    # the shapes' findings, in the same list and in the template's words
    (
        "propositions",
        "line 14",
        None,
        "P",
        "has no intervention: add a row to 'interventions' with this id in its 'proposition' "
        "column",
    ),
    (
        "propositions",
        "line 14",
        None,
        "P",
        "has no mechanism: add a row to 'mechanisms' with this id in its 'proposition' column",
    ),
]


def test_all_mistakes_reported_at_once_with_their_lines(tmp_path):
    """Every mistake: file, sheet, YAML line, column, value and what is wrong, in one error."""
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_YAML, encoding="utf-8")
    with pytest.raises(cg.TemplateError) as caught:
        cg.load(path)
    found = {(p.sheet, p.where, p.column, p.value, p.message) for p in caught.value.problems}
    assert found == set(EXPECTED)
    assert (
        "broken.yaml, sheet 'outcomes', line 25, column 'themes': 'feedbak': unknown theme"
        in str(caught.value)
    )


def test_spreadsheet_mistakes_name_sheet_row_and_column(kg, tmp_path):
    """In a workbook, problems name the sheet, the row number and the column."""
    from openpyxl import load_workbook

    path = kg.export_template(tmp_path / "study.xlsx")
    book = load_workbook(path)
    interventions = book["interventions"]
    header = [c.value for c in interventions[1]]
    interventions.cell(row=3, column=header.index("proposition") + 1, value="WW")
    interventions.cell(row=4, column=header.index("label_nl") + 1).value = None
    interventions.cell(row=5, column=header.index("carried_out_by") + 1, value="W-M1")
    book.save(path)
    with pytest.raises(cg.TemplateError) as caught:
        cg.load(path)
    problems = {(p.sheet, p.where, p.column): p for p in caught.value.problems}
    assert (
        problems[("interventions", "row 3", "proposition")].message
        == "unknown id. Did you mean: 'W'?"
    )
    assert problems[("interventions", "row 4", "label_nl")].message == "missing required label"
    assert problems[("interventions", "row 5", "carried_out_by")].message.startswith(
        "wrong kind of link: 'W-M1' is a mechanism"
    )
    assert len(caught.value.problems) == 3


def test_csv_folder_mistakes_and_unknown_sheets(kg, tmp_path):
    """A misnamed CSV file is an unknown sheet with a suggestion; problems name the file."""
    folder = kg.export_template(tmp_path / "study")
    shutil.move(folder / "roles.csv", folder / "role.csv")
    with pytest.raises(cg.TemplateError) as caught:
        cg.load(folder)
    text = str(caught.value)
    assert "role.csv: 'role': unknown sheet. Did you mean 'roles'?" in text
    assert (
        "interventions.csv, sheet 'interventions', row 8, column 'carried_out_by': 'educator': unknown id."
        in text
    )


def test_shape_violations_are_traced_to_their_row(tmp_path):
    """A proposition with no intervention breaks a shape; the report names its row."""
    data = yaml.safe_load(example_path().read_text(encoding="utf-8"))
    data["interventions"] = []
    data["notes"] = []
    path = tmp_path / "no-interventions.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(
        cg.TemplateError,
        match=r"sheet 'propositions', line \d+: 'PC': has no intervention: add a row",
    ):
        cg.load(path)


def test_import_writes_nothing_on_failure(tmp_path, capsys):
    """`cimo-graph import` with mistakes exits 2, lists them, and writes no file."""
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_YAML, encoding="utf-8")
    out = tmp_path / "broken.ttl"
    assert main(["import", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "problem(s) in the study template" in err and "feedbak" in err
    assert not out.exists()


def test_import_and_export_commands(tmp_path, capsys):
    """`cimo-graph import` writes Turtle with the report; `export` writes a template back."""
    out = tmp_path / "mentoring.ttl"
    assert main(["import", str(STUDIES / "mentoring.yaml"), "--out", str(out)]) == 0
    assert "conforms to the CIMO shapes" in capsys.readouterr().out
    assert main(["export", str(out), "--out", str(tmp_path / "back.xlsx")]) == 0
    assert isomorphic(cg.load(tmp_path / "back.xlsx").graph, cg.load(out).graph)


@pytest.fixture(scope="module")
def both(kg):
    return cg.load([kg.source, STUDIES / "mentoring.yaml"])


def test_several_studies_in_one_graph(both):
    """Two studies load into one graph, each with its own IRIs, and both validate."""
    studies = both.studies()
    assert studies["id"].tolist() == ["leernetwerken", "mentoring"]
    assert studies.set_index("id").loc["mentoring", "interventions"] == 2
    assert both.validate().conforms


def test_interventions_for_a_theme_in_every_study(both):
    """A theme name finds its routes in every study, with the study as a column."""
    answer = both.interventions_for("zelfsturing")
    by_study = {study: set(group["id"]) for study, group in answer.groupby("study")}
    assert by_study == {
        "leernetwerken": {
            "P3-means-1",
            "P3-means-2",
            "P3-means-3",
            "W-I3",
            *(f"C-I{i}" for i in range(1, 7)),
        },
        "mentoring": {"P1-means-1", "M-I1", "M-I2"},
    }
    routes = answer[answer["study"] == "mentoring"].set_index("id")
    assert routes.loc["M-I1", "via"] == "M-O2"


def test_recurring_and_differing_themes(both):
    """compare_studies: feedback, peer learning and self-direction recur; others differ."""
    table = both.compare_studies()
    recurring = set(table.loc[table["studies"] == 2, "theme"])
    assert recurring == {"feedback", "peer-learning", "self-direction"}
    feedback = table[table["theme"] == "feedback"].set_index("study")
    assert feedback.loc["mentoring", "mechanisms"] == "M-M1"
    assert feedback.loc["leernetwerken", "mechanisms"] == "C-M5; C-M6; W-M2"
    assert set(table.loc[table["studies"] == 1, "study"]) == {"leernetwerken"}


def test_same_id_in_two_studies_is_ambiguous(both):
    """An id both studies use asks which one is meant, showing the IRIs."""
    with pytest.raises(cg.AmbiguousNameError, match=r"example\.org/cimo-graph-tests/mentoring/P1"):
        both.node("P1")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "yaml"])
@pytest.mark.parametrize(("languages", "marked"), [("en", ""), ("de", "[de] ")])
def test_a_template_without_dutch_is_in_its_languages_throughout(tmp_path, fmt, languages, marked):
    """`new-study --languages en` writes no Dutch example text and no Dutch source language:
    typed over, its passages load in English (they loaded as Dutch); another language's
    template marks the English texts for translation."""
    target = tmp_path / {"csv": "t", "xlsx": "t.xlsx", "yaml": "t.yaml"}[fmt]
    assert main(["new-study", str(target), "--languages", languages]) == 0
    kg = cg.load(target)
    assert kg.validate().conforms
    graph = kg.graph
    texts = list(graph.objects(None, cg.CIMO.sourceText))
    assert texts and {t.language for t in texts} == {languages}
    assert all(str(t).startswith(marked) for t in texts)
    assert "This is a made-up example." in {str(t).removeprefix(marked) for t in texts}
    dutch = {"Dit is een verzonnen voorbeeld.", "studenten", "Voorbeeldinstituut", "Inleiding"}
    assert not dutch & {str(o) for o in graph.objects()}
    languages_said = {str(o) for o in graph.objects(None, cg.namespace.DCTERMS.language)}
    assert languages_said == {languages}


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_csv_template_separated_by_semicolons_or_tabs_is_read(tmp_path, separator):
    """A CSV folder as Excel writes it in Dutch and German locales (``;``), or separated by
    tabs, gives the same study as the comma-separated one, not dozens of errors."""
    import csv

    folder = tmp_path / "t"
    assert main(["new-study", str(folder), "--languages", "en"]) == 0
    expected = cg.load(folder).graph
    for sheet in folder.glob("*.csv"):
        with sheet.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.reader(stream))
        with sheet.open("w", encoding="utf-8", newline="") as stream:
            csv.writer(stream, delimiter=separator).writerows(rows)
    assert ";" in (folder / "study.csv").read_text() or separator == "\t"
    kg = cg.load(folder)
    assert kg.validate().conforms
    assert isomorphic(kg.graph, expected)
