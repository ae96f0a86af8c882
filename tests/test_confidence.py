"""How much to trust each finding: GRADE-CERQual assessments authored, kept and checked."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

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


# --- a review's assessments, and what the graph counts ------------------------------------

ASSESSMENTS = Path(__file__).parent / "data" / "confidence" / "leernetwerken.yaml"
LEVEL_WORDS = {
    "no or very minor concerns": "no or very minor concerns",
    "minor concerns": "minor concerns",
    "moderate concerns": "moderate concerns",
    "serious concerns": "serious concerns",
    "high": "high confidence",
    "moderate": "moderate confidence",
    "low": "low confidence",
    "very low": "very low confidence",
}
TEXT_COLUMNS = [
    "statement",
    *(f"{c}_explanation" for c in ("methodological_limitations", "coherence", "adequacy")),
    "relevance_explanation",
    "confidence_explanation",
]


@pytest.fixture(params=["memory", "oxigraph"])
def assessed(request):
    kg = cg.load(store=request.param)
    assert kg.add_assessments(ASSESSMENTS) == 2
    return kg


def test_confidence_gives_each_assessment_cell_by_cell(assessed):
    """Every cell of the review's table comes back in its column: the statement, each
    component's level (in the ontology's words) and explanation, the overall confidence
    and its explanation, who assessed it and when, and the finding's own study."""
    written = yaml.safe_load(ASSESSMENTS.read_text(encoding="utf-8"))["confidence"]
    table = assessed.confidence().set_index("finding")
    assert list(table.index) == ["C", "W"]
    for row in written:
        got = table.loc[row["finding"]]
        for column in TEXT_COLUMNS:
            assert got[column] == " ".join(row[column].split()), column
        for column in ("methodological_limitations", "coherence", "adequacy", "relevance"):
            assert got[column] == LEVEL_WORDS[row[column]], column
        assert got["confidence"] == LEVEL_WORDS[row["confidence"]]
        assert (got["study"], got["studies"], got["contributing_studies"]) == (
            "leernetwerken",
            "leernetwerken",
            1,
        )
        assert (got["assessed_by"], got["assessed_on"]) == ("Tester, T.", "2026-12-02")
    assert assessed.validate().conforms


def _counted(graph, finding):
    """What stands behind a finding, counted from the triples themselves."""
    from rdflib.namespace import PROV

    parts = {CIMO.hasContext, CIMO.hasIntervention, CIMO.hasMechanism, CIMO.hasOutcome}
    parts.add(CIMO.hasAddedValue)
    elements = {finding} | {o for p in parts for o in graph.objects(finding, p)}
    texts = {t for e in elements for t in graph.objects(e, CIMO.sourceText)}
    quotes = {q for e in elements for q in graph.subjects(CIMO.supports, e)}
    voices = {v for e in elements for v in graph.objects(e, CIMO.supportedBy)}
    voices |= {v for q in quotes for v in graph.objects(q, PROV.wasAttributedTo)}
    return len(elements), len(texts), len(quotes), len(voices)


@pytest.mark.parametrize(
    "path",
    [None, example_path(), Path(__file__).parent / "data" / "studies" / "widening-access.yaml"],
    ids=["bundled", "example", "widening-access"],
)
def test_the_counts_are_what_the_graph_holds(path):
    """Elements, distinct passages, quotes and voices behind each finding, as the triples
    count them (the assessors judge adequacy; the graph counts)."""
    kg = cg.load(path) if path else cg.load()
    table = kg.confidence()
    assert len(table) == len(kg.propositions())
    for _, row in table.iterrows():
        counted = _counted(kg.graph, kg.node(row["finding"]))
        assert (row["elements"], row["passages"], row["quotes"], row["voices"]) == counted


def test_the_example_names_its_voices_and_the_finding_it_confirms():
    row = cg.load(example_path()).confidence().iloc[0]
    assert (row["quotes"], row["voices"], row["voiced_by"]) == (1, 1, "student")
    assert row["related"] == "confirms https://example.org/cimo-study/another-study/P1"


def test_a_finding_another_study_qualifies_says_so():
    """EJ2 (the Dutch study) qualifies BL (the blended-learning review): each names the
    other."""
    from .conftest import EERSTEJAARS

    kg = cg.load([Path(__file__).parent / "data" / "studies" / "blended-review.yaml", EERSTEJAARS])
    related = dict(kg.confidence()[["finding", "related"]].values.tolist())
    assert related["BL"] == "qualified by EJ2"
    assert "qualifies BL" in related["EJ2"]


def test_findings_filtered_by_their_confidence(assessed):
    assert assessed.confidence(min_confidence="moderate")["finding"].tolist() == ["C"]
    assert assessed.confidence(min_confidence="matig vertrouwen")["finding"].tolist() == ["C"]
    assert assessed.confidence(min_confidence="low")["finding"].tolist() == ["C", "W"]
    assert assessed.confidence(min_confidence="high").empty
    with pytest.raises(cg.QueryParameterError, match="give one of high, moderate, low, very low"):
        assessed.confidence(min_confidence="medium")


def test_levels_in_dutch():
    kg = cg.load()
    kg.add_assessments(ASSESSMENTS)
    row = kg.confidence(lang="nl").set_index("finding").loc["W"]
    assert (row["adequacy"], row["coherence"], row["confidence"]) == (
        "ernstige zorgen",
        "kleine zorgen",
        "laag vertrouwen",
    )


def test_a_finding_assessed_again_is_replaced(tmp_path):
    kg = cg.load()
    kg.add_assessments(ASSESSMENTS)
    tables = yaml.safe_load(ASSESSMENTS.read_text(encoding="utf-8"))
    tables["confidence"] = tables["confidence"][1:]
    tables["confidence"][0]["confidence"] = "very low"
    again = tmp_path / "again.yaml"
    again.write_text(yaml.safe_dump(tables, allow_unicode=True), encoding="utf-8")
    assert kg.add_assessments(again) == 1
    assert kg.confidence()["confidence"].tolist() == ["moderate confidence", "very low confidence"]
    assert len(set(kg.graph.subjects(RDF.type, CIMO.ComponentAssessment))) == 8
    assert kg.validate().conforms


def test_a_review_table_s_mistakes_are_named_and_nothing_is_added(tmp_path):
    """An assessment of the study, of an intervention, of an unknown finding, with another
    sheet beside it: each named at its row, all at once, and the graph unchanged."""
    kg = cg.load()
    size = len(kg)
    tables = yaml.safe_load(ASSESSMENTS.read_text(encoding="utf-8"))
    first = tables["confidence"][0]
    tables["confidence"] = [
        {**first, "finding": "leernetwerken"},
        {**first, "finding": "W-I3"},
        {**first, "finding": "Wx"},
        {**first, "finding": "C", "studies": "leernetwerken; nowhere"},
    ]
    tables["themes"] = [{"id": "x"}]
    path = tmp_path / "review.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True), encoding="utf-8")
    with pytest.raises(cg.TemplateError) as caught:
        kg.add_assessments(path)
    messages = [(p.column, p.value, p.message) for p in caught.value.problems]
    assert any(
        m[1] == "leernetwerken"
        and m[2].startswith(
            "names the study: GRADE-CERQual assesses a finding, never a whole study"
        )
        for m in messages
    ), messages
    assert ("finding", "W-I3") in {m[:2] for m in messages}
    assert any(
        m[1] == "W-I3" and "is an intervention, not a design proposition" in m[2] for m in messages
    )
    assert any(m[1] == "Wx" and "'W'" in m[2] for m in messages), messages
    assert any(m[0] == "studies" and m[1] == "nowhere" for m in messages), messages
    assert any("holds the sheet 'confidence' only, not 'themes'" in m[2] for m in messages)
    assert len(kg) == size


@pytest.fixture(scope="module", params=["serve", "virtuoso"])
def remote_assessed(request, tmp_path_factory):
    """The bundled study with the review's assessments, behind `cimo-graph serve` (from a
    Turtle file) and published to a Virtuoso of its own."""
    from .servers import remote_copy

    kg = cg.load(assessments=ASSESSMENTS)
    folder = tmp_path_factory.mktemp(f"assessed-{request.param}")
    for remote in remote_copy(kg, request.param, folder, "https://example.org/tests/assessed"):
        yield kg, remote


def test_a_remote_store_gives_the_same_confidence_table(remote_assessed):
    local, remote = remote_assessed
    for ask in (
        lambda kg: kg.confidence(),
        lambda kg: kg.confidence(lang="nl", min_confidence="moderate"),
    ):
        assert ask(remote).values.tolist() == ask(local).values.tolist()


# --- the tables a review publishes ------------------------------------------------------

SUMMARY_HEADINGS = [
    "#",
    "Summary of review finding",
    "GRADE-CERQual assessment of confidence",
    "Explanation of GRADE-CERQual assessment",
    "Studies contributing to the review finding",
]
PROFILE_HEADINGS = [
    "#",
    "Summary of review finding",
    "Studies contributing to the review finding",
    "Methodological limitations",
    "Coherence",
    "Adequacy of data",
    "Relevance",
    "GRADE-CERQual assessment of confidence",
    "Explanation of GRADE-CERQual assessment",
    "Data in the graph",
]
REFERENCE = (
    "Hogeschool Utrecht. (n.d.). Meerwaarde van Opleiden in Leernetwerken voor aanstaande "
    "leraren [The added value of teacher education in learning networks for student "
    "teachers]."
)


def _written():
    return yaml.safe_load(ASSESSMENTS.read_text(encoding="utf-8"))["confidence"]


def _text(value: str) -> str:
    return " ".join(value.split())


def _expected_summary():
    rows = []
    for number, row in enumerate(_written(), start=1):
        level = LEVEL_WORDS[row["confidence"]]
        rows.append(
            [
                str(number),
                _text(row["statement"]),
                level[0].upper() + level[1:],
                _text(row["confidence_explanation"]),
                REFERENCE,
            ]
        )
    return rows


def _expected_profile_components(row):
    return [
        f"{LEVEL_WORDS[row[c]][0].upper()}{LEVEL_WORDS[row[c]][1:]}: {_text(row[c + '_explanation'])}"
        for c in ("methodological_limitations", "coherence", "adequacy", "relevance")
    ]


def test_the_summary_of_findings_workbook_cell_by_cell(tmp_path):
    """Two sheets in the layout of the CERQual papers; every cell as assessed."""
    from openpyxl import load_workbook

    kg = cg.load(assessments=ASSESSMENTS)
    path = kg.summary_of_findings(tmp_path / "soqf.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Summary of findings", "Evidence profile"]
    summary = [[c.value for c in row] for row in book["Summary of findings"].iter_rows()]
    assert summary[0] == SUMMARY_HEADINGS
    assert summary[1:] == _expected_summary()
    profile = [[c.value for c in row] for row in book["Evidence profile"].iter_rows()]
    assert profile[0] == PROFILE_HEADINGS
    for written, got in zip(_written(), profile[1:], strict=True):
        assert got[1] == (
            f"{_text(written['statement'])}\n(Design proposition {written['finding']}, "
            "leernetwerken)"
        )
        assert got[2] == REFERENCE
        assert got[3:7] == _expected_profile_components(written)
        level = LEVEL_WORDS[written["confidence"]]
        assert got[7] == f"{level[0].upper()}{level[1:]}\nAssessed by Tester, T. on 2026-12-02"
        assert got[8] == _text(written["confidence_explanation"])
    elements = {r["finding"]: r for _, r in kg.confidence().iterrows()}
    assert profile[1][9] == (
        f"{elements['C']['elements']} elements, {elements['C']['passages']} passages, "
        "0 quotes, 0 voices"
    )


def test_the_summary_of_findings_page_holds_the_same_cells(tmp_path):
    """The HTML page: both tables with the workbook's cells, a policy that forbids every
    fetch and script, and no script at all."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tables, self.cell, self.scripts = {}, None, 0

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.current = self.tables.setdefault(dict(attrs)["id"], [])
            elif tag == "tr":
                self.current.append([])
            elif tag in ("td", "th"):
                self.cell = ""
            elif tag == "script":
                self.scripts += 1

        def handle_endtag(self, tag):
            if tag in ("td", "th"):
                self.current[-1].append(self.cell)
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

    kg = cg.load(assessments=ASSESSMENTS)
    page = kg.summary_of_findings(tmp_path / "soqf.html").read_text(encoding="utf-8")
    assert "default-src 'none'" in page
    parsed = Cells()
    parsed.feed(page)
    assert parsed.scripts == 0
    assert parsed.tables["summary"][0] == SUMMARY_HEADINGS
    assert parsed.tables["summary"][1:] == _expected_summary()
    assert parsed.tables["profile"][0] == PROFILE_HEADINGS
    assert [row[3:7] for row in parsed.tables["profile"][1:]] == [
        _expected_profile_components(row) for row in _written()
    ]


def test_the_tables_in_dutch_and_filtered(tmp_path):
    from openpyxl import load_workbook

    kg = cg.load(assessments=ASSESSMENTS)
    path = kg.summary_of_findings(tmp_path / "soqf.xlsx", lang="nl", min_confidence="moderate")
    rows = [
        [c.value for c in row] for row in load_workbook(path)["Summary of findings"].iter_rows()
    ]
    assert rows[0][1:3] == [
        "Samenvatting van de bevinding",
        "GRADE-CERQual-oordeel over het vertrouwen",
    ]
    assert [row[2] for row in rows[1:]] == ["Matig vertrouwen"]


def test_hostile_text_stays_text_in_both_tables(tmp_path):
    """A statement that is a formula or markup stays the text it is."""
    from openpyxl import load_workbook

    tables = yaml.safe_load(ASSESSMENTS.read_text(encoding="utf-8"))
    tables["confidence"][0]["statement"] = '=HYPERLINK("http://x", "<script>alert(1)</script>")'
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True), encoding="utf-8")
    kg = cg.load(assessments=path)
    book = load_workbook(kg.summary_of_findings(tmp_path / "soqf.xlsx"))
    cell = book["Summary of findings"]["B2"]
    assert (cell.data_type, cell.value) == ("s", tables["confidence"][0]["statement"])
    page = kg.summary_of_findings(tmp_path / "soqf.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_nothing_assessed_or_another_format_says_what_to_do(tmp_path):
    with pytest.raises(cg.CimoGraphError, match="No finding has a GRADE-CERQual assessment"):
        cg.load().summary_of_findings(tmp_path / "soqf.html")
    with pytest.raises(cg.CimoGraphError, match=r"written as \.xlsx or \.html"):
        cg.load(assessments=ASSESSMENTS).summary_of_findings(tmp_path / "soqf.docx")
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_lists_and_writes_the_tables(tmp_path, capsys):
    from cimo_graph.cli import main

    assert main(["confidence", "--assessments", str(ASSESSMENTS), "--min-confidence", "low"]) == 0
    out = capsys.readouterr().out
    assert "moderate confidence" in out and "low confidence" in out
    target = tmp_path / "soqf.xlsx"
    assert main(["confidence", "--assessments", str(ASSESSMENTS), "--out", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    assert target.exists()
    assert main(["confidence", "--out", str(tmp_path / "none.html")]) == 2
    assert "No finding has a GRADE-CERQual assessment" in capsys.readouterr().err


# --- shown where a study is shown --------------------------------------------------------


def test_the_evidence_report_shows_each_finding_s_confidence(tmp_path):
    """A table of the assessed findings at the head of the propositions, and under each
    proposition its assessment: level, explanation, every component, who and when, and
    what the graph counts."""
    import html

    kg = cg.load(assessments=ASSESSMENTS)
    page = html.unescape(kg.report(tmp_path / "report.html").read_text(encoding="utf-8"))
    assert "Confidence in the findings (GRADE-CERQual)" in page
    for row in _written():
        box = page.split(f'id="confidence-{row["finding"]}"', 1)[1].split("</div>", 1)[0]
        assert f"GRADE-CERQual: {LEVEL_WORDS[row['confidence']]}" in box
        assert _text(row["confidence_explanation"]) in " ".join(box.split())
        for column in ("methodological_limitations", "coherence", "adequacy", "relevance"):
            assert _text(row[f"{column}_explanation"]) in " ".join(box.split())
        assert "Assessed by Tester, T. on 2026-12-02" in box
    assert "GRADE-CERQual" not in cg.load().report(tmp_path / "plain.html").read_text("utf-8")


def test_the_archive_holds_the_tables_where_findings_are_assessed(tmp_path):
    import json

    kg = cg.load(assessments=ASSESSMENTS)
    folder = kg.package(tmp_path / "crate")
    for name in ("summary-of-findings.html", "summary-of-findings.xlsx"):
        assert (folder / "confidence" / name).is_file()
    metadata = json.loads((folder / "ro-crate-metadata.json").read_text(encoding="utf-8"))
    described = {e["@id"]: e for e in metadata["@graph"]}
    assert "Evidence Profile" in described["confidence/summary-of-findings.xlsx"]["description"]
    # the template in the archive carries the assessments, which come back from it
    again = cg.load(folder / "template.xlsx")
    assert again.confidence()["confidence"].tolist() == ["moderate confidence", "low confidence"]
    plain = cg.load().package(tmp_path / "plain")
    assert not (plain / "confidence").exists()


# --- every listing, filtered by confidence ------------------------------------------------


def test_the_route_questions_keep_the_routes_through_confident_findings(assessed):
    """interventions_for, mechanisms_for and outcomes_of keep the rows through findings
    assessed at the level asked or higher (a pillar, not a finding, has none)."""
    everything = assessed.interventions_for("zelfsturing")
    moderate = assessed.interventions_for("zelfsturing", min_confidence="moderate")
    assert set(moderate["through"]) == {"C"}
    assert moderate["id"].tolist() == everything[everything["through"] == "C"]["id"].tolist()
    assert assessed.mechanisms_for("W", min_confidence="low")["id"].tolist() == [
        "W-M1",
        "W-M2",
        "W-M3",
        "W-M4",
    ]
    assert assessed.mechanisms_for("W", min_confidence="moderate").empty
    assert assessed.outcomes_of("W-I3", min_confidence="high").empty
    assert list(assessed.outcomes_of("W-I3", min_confidence="high").columns) == list(
        everything.columns
    )


def test_propositions_sentences_and_patterns_keep_the_confident_ones(assessed):
    assert assessed.propositions(min_confidence="moderate")["id"].tolist() == ["C"]
    assert assessed.sentences(min_confidence="very low")["id"].tolist() == ["C", "W"]
    assert assessed.propositions(min_confidence="hoog").empty
    every = assessed.patterns(least=1)
    confident = assessed.patterns(least=1, min_confidence="moderate")
    assert 0 < len(confident) < len(every)
    assert all("W (" not in cell for cell in confident["configurations"])
    with pytest.raises(cg.QueryParameterError, match="min_confidence='best'"):
        assessed.propositions(min_confidence="best")


def test_a_route_question_on_the_command_line_takes_a_level(capsys):
    from cimo_graph.cli import main

    assert (
        main(
            [
                "interventions",
                "zelfsturing",
                "--assessments",
                str(ASSESSMENTS),
                "--min-confidence",
                "moderate",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "C-I1" in out and "P3-means-1" not in out


# --- the trail of a finding ---------------------------------------------------------------

WIDENING = Path(__file__).parent / "data" / "studies" / "widening-access.yaml"


def test_a_finding_s_trail_holds_every_version_and_step():
    """CMO1 was refined into CMO2 (which refines it), which was then confirmed: either
    version gives the whole trail, earliest first, with the evidence, who and when."""
    kg = cg.load(WIDENING)
    trail = kg.history("CMO2")
    assert trail.equals(kg.history("CMO1"))
    assert trail[["version", "stage", "refines", "change", "result"]].values.tolist() == [
        ["CMO1", "refined", "", "refined", "CMO2"],
        ["CMO2", "refined", "CMO1", "confirmed", ""],
    ]
    first = trail.iloc[0]
    assert first["evidence_text"] == (
        "Students who left in the Gateway year named money, not the teaching, as the reason."
    )
    assert (first["changed_by"], first["changed_on"], first["study"]) == (
        "Tester, T.",
        "2026-03-01",
        "widening-access",
    )
    assert first["note"] == "The first programme theory left money out; the interviews put it in."
    confirmed = kg.history("CMO4").iloc[0]
    assert (confirmed["change"], confirmed["evidence"]) == ("confirmed", "WA-Q1")
    untouched = kg.history("CMO5")
    assert untouched[["version", "stage", "change"]].values.tolist() == [["CMO5", "initial", ""]]
    assert kg.history("CMO1", lang="nl")["change"].tolist() == ["verfijnd", "bevestigd"]
    with pytest.raises(cg.CimoGraphError, match="WA-I1 is an intervention; a trail is a finding's"):
        kg.history("WA-I1")


def test_the_trail_is_kept_in_the_graph_as_prov_says():
    """Each step is a cimo:TheoryChange (a prov:Activity): the finding it changed, the
    evidence it used, the version it generated, who it was associated with; a refinement
    also states the new version cimo:refines the old."""
    from rdflib.namespace import PROV

    kg = cg.load(WIDENING)
    graph = kg.graph
    (step,) = graph.subjects(CIMO.changeKind, CIMO.refinement)
    assert graph.value(step, CIMO.changed) == kg.node("CMO1")
    assert graph.value(step, PROV.generated) == kg.node("CMO2")
    assert (kg.node("CMO2"), CIMO.refines, kg.node("CMO1")) in graph
    assert graph.value(step, PROV.wasAssociatedWith) is not None
    (used,) = graph.subjects(PROV.used, kg.node("WA-Q1"))
    assert graph.value(used, CIMO.changeKind) == CIMO.confirmation


@pytest.mark.parametrize("fmt", [*sorted(TARGETS), "qdpx"])
def test_the_trail_round_trips(tmp_path, fmt):
    kg = cg.load(WIDENING)
    path = (
        kg.export_project(tmp_path / "study.qdpx")
        if fmt == "qdpx"
        else kg.export_template(tmp_path / TARGETS[fmt])
    )
    assert isomorphic(cg.load(path).graph, kg.graph)


def test_a_history_row_s_mistakes_are_named(tmp_path):
    tables = yaml.safe_load(WIDENING.read_text(encoding="utf-8"))
    tables["history"] = [
        {"finding": "CMO1", "change": "refined", "evidence_text": "x"},
        {"finding": "CMO4", "change": "confirmed", "result": "CMO2", "evidence": "WA-Q1"},
        {"finding": "CMO5", "change": "refuted"},
        {"finding": "CMO6", "change": "improved", "evidence": "WA-Q9", "changed_on": "soon"},
    ]
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    messages = {(c, m) for c, m in _problems(path)}
    assert ("result", "a refinement names the version it gave (its id)") in messages
    assert (
        "result",
        "only a refinement gives a version: the finding was confirmed or refuted as it stood",
    ) in messages
    assert (
        "evidence",
        "a change names its evidence: the ids of the elements that led to it, or the passage "
        "(evidence_text)",
    ) in messages
    assert any(
        c == "change" and m.startswith("takes one of: confirmed, refuted, refined.")
        for c, m in messages
    )
    assert any(c == "evidence" and m.startswith("unknown id.") for c, m in messages)
    assert ("changed_on", "is not a date: write 2026-12-02") in messages


def test_the_trail_on_the_command_line(capsys):
    from cimo_graph.cli import main

    assert main(["history", "CMO1", "--study", str(WIDENING), "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("version,label,stage,refines,change,result")
    assert [line.split(",")[0] for line in out[1:]] == ["CMO1", "CMO2"]


def test_one_pair_of_tables_for_several_studies(tmp_path):
    """The bundled study with the review's table and the blended-learning review with its
    own sheet: three findings in one summary, each citing its own study."""
    from openpyxl import load_workbook

    blended = Path(__file__).parent / "data" / "studies" / "blended-review.yaml"
    kg = cg.load([cg.resource_path("data", "leernetwerken.ttl"), blended], assessments=ASSESSMENTS)
    book = load_workbook(kg.summary_of_findings(tmp_path / "soqf.xlsx"))
    rows = [[c.value for c in row] for row in book["Summary of findings"].iter_rows()][1:]
    assert [row[2] for row in rows] == ["Low confidence", "Moderate confidence", "Low confidence"]
    assert rows[0][4].startswith("Jansen, A., de Vries, B., & O'Neill, C. (2024). A realist review")
    assert rows[1][4] == rows[2][4] == REFERENCE
