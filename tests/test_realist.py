"""A realist evaluation as its authors write it: six context-mechanism-outcome
configurations sharing their mechanisms and outcomes, links stated item to item and scoped
to the configurations that state them, every theme a route."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.compare import isomorphic

import cimo_graph as cg
from cimo_graph.namespace import CIMO

REALIST = Path(__file__).parent / "data" / "studies" / "widening-access.yaml"
WA = "https://example.org/cimo-study/widening-access/"
ROUTE = ["id", "match", "through", "via", "via_kind", "mechanisms", "link"]


@pytest.fixture(scope="module")
def realist() -> cg.CimoGraph:
    return cg.load(REALIST)


def _rows(frame, columns=ROUTE):
    return frame[columns].values.tolist()


@pytest.fixture(scope="module")
def written(tmp_path_factory, realist):
    """The realist study written as each template format, by export_template."""
    folder = tmp_path_factory.mktemp("realist")
    paths = {
        "yaml": folder / "study.yaml",
        "xlsx": folder / "study.xlsx",
        "csv": folder / "study-csv",
    }
    for path in paths.values():
        realist.export_template(path)
    return paths


def test_the_cmo_table_conforms_on_the_first_try(realist):
    """Written as a realist researcher writes it (one row per mechanism, every
    configuration it belongs to in its `proposition` cell), it conforms without a
    warning, and nothing is copied: six mechanisms and four outcomes, no more."""
    report = realist.validate()
    assert report.conforms and report.violations == ()
    graph = realist.graph
    assert len(set(graph.subjects(RDF.type, CIMO.Mechanism))) == 6
    assert len(set(graph.subjects(RDF.type, CIMO.Outcome))) == 4
    holders = {
        str(p).rsplit("/", 1)[1] for p in graph.subjects(CIMO.hasMechanism, URIRef(WA + "WA-M1"))
    }
    assert holders == {"CMO1", "CMO2", "CMO4", "CMO6"}


@pytest.mark.parametrize("fmt", ["yaml", "xlsx", "csv"])
def test_every_format_holds_the_table_as_written(written, realist, fmt):
    """In YAML, XLSX and CSV the shared mechanism is one row whose proposition cell names
    its four configurations, the scoped link its configuration; read back, the same graph."""
    path = written[fmt]
    if fmt == "xlsx":
        sheet = load_workbook(path)["mechanisms"]
        header = [c.value for c in sheet[1]]
        rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(2)]
        interventions = load_workbook(path)["interventions"]
        header_i = [c.value for c in interventions[1]]
        rows_i = [
            dict(zip(header_i, (c.value for c in r), strict=True))
            for r in interventions.iter_rows(2)
        ]
    elif fmt == "csv":
        with open(path / "mechanisms.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        with open(path / "interventions.csv", encoding="utf-8") as handle:
            rows_i = list(csv.DictReader(handle))
    else:
        import yaml

        tables = yaml.safe_load(path.read_text(encoding="utf-8"))
        rows, rows_i = tables["mechanisms"], tables["interventions"]
    m1 = next(r for r in rows if r["id"] == "WA-M1")
    assert m1["proposition"] == "CMO1; CMO2; CMO4; CMO6"
    assert len(rows) == 6
    i2 = next(r for r in rows_i if r["id"] == "WA-I2")
    assert i2["activates"] == "WA-M1 (CMO4); WA-M3"
    again = cg.load(path)
    assert again.validate().conforms
    assert isomorphic(again.graph, realist.graph)


def test_a_mechanisms_theme_gives_the_interventions_that_activate_it(realist):
    """'Which interventions lead to a sense of belonging?' (a theme on two mechanisms): the
    interventions stated to activate them, and the propositions' interventions where a
    proposition states nothing for the mechanism, each row saying which."""
    assert _rows(realist.interventions_for("sense of belonging")) == [
        ["WA-I1", "route", "CMO1", "WA-M1", "mechanism", "WA-M1", "stated"],
        ["WA-I3", "route", "CMO2", "WA-M1", "mechanism", "WA-M1; WA-M4", "proposition"],
        ["WA-I2", "route", "CMO4", "WA-M1", "mechanism", "WA-M1", "stated"],
        # the study states WA-I2 activates WA-M1 in CMO4 only: in CMO6 it is the
        # proposition as a whole that links them
        ["WA-I2", "route", "CMO6", "WA-M1", "mechanism", "WA-M1; WA-M5", "proposition"],
        ["WA-I6", "route", "CMO6", "WA-M1", "mechanism", "WA-M1; WA-M5", "proposition"],
        ["WA-I6", "route", "CMO6", "WA-M5", "mechanism", "WA-M5", "stated"],
    ]


def test_a_mechanisms_theme_gives_the_outcomes_it_leads_to(realist):
    """The outcomes the belonging mechanisms lead to, in the configurations that say so."""
    assert _rows(realist.outcomes_of("belonging"), ["id", "through", "via", "link"]) == [
        ["WA-O1", "CMO1", "WA-M1", "stated"],
        ["WA-O1", "CMO2", "WA-M1", "stated"],
        ["WA-O2", "CMO4", "WA-M1", "stated"],
        ["WA-O4", "CMO6", "WA-M1", "proposition"],
        ["WA-O4", "CMO6", "WA-M5", "stated"],
    ]
    mechanisms = realist.mechanisms_for("belonging")
    assert _rows(mechanisms, ["id", "match", "through"]) == [
        ["WA-M1", "mention", "CMO1"],
        ["WA-M1", "mention", "CMO2"],
        ["WA-M1", "mention", "CMO4"],
        ["WA-M1", "mention", "CMO6"],
        ["WA-M5", "mention", "CMO6"],
    ]


def test_no_route_chains_links_of_different_configurations(realist):
    """WA-I1 activates WA-M1 in CMO1, and WA-M1 leads to WA-O2 in CMO4: no configuration
    states WA-I1 -> WA-O2, so no answer does."""
    assert _rows(realist.outcomes_of("WA-I1"), ["id", "through", "via", "link"]) == [
        ["WA-O1", "CMO1", "WA-I1", "stated"]
    ]
    assert _rows(realist.mechanisms_for("WA-O2"), ["id", "through", "link"]) == [
        ["WA-M2", "CMO3", "stated"],
        ["WA-M6", "CMO3", "stated"],
        ["WA-M1", "CMO4", "stated"],
        ["WA-M3", "CMO4", "stated"],
        ["WA-M3", "CMO5", "stated"],
    ]
    assert "WA-I1" not in set(realist.interventions_for("attainment")["id"])


def test_themes_on_contexts_and_outcomes_give_routes(realist):
    """A context's theme ('widening participation'): what works in that setting, through
    the proposition as a whole; an unintended outcome's theme: its stated route."""
    assert _rows(
        realist.interventions_for("widening access"), ["id", "through", "via_kind", "link"]
    ) == [
        ["WA-I1", "CMO1", "context", "proposition"],
        ["WA-I3", "CMO2", "context", "proposition"],
    ]
    assert _rows(realist.interventions_for("stigma"), ["id", "via", "mechanisms", "link"]) == [
        ["WA-I6", "WA-O4", "WA-M5", "stated"]
    ]
    assert _rows(realist.outcomes_of("stigma"), ["id", "via", "mechanisms", "link"]) == [
        ["WA-O4", "WA-O4", "WA-M5", "stated"]
    ]


@pytest.mark.parametrize("helper", ["interventions_for", "mechanisms_for", "outcomes_of"])
def test_a_theme_no_route_reaches_is_an_error_not_an_empty_table(realist, helper):
    """'mentoring' is carried by a role only: each helper says so, never an empty table."""
    with pytest.raises(cg.NoRouteError, match=r"carried only by the role mentor") as caught:
        getattr(realist, helper)("mentoring")
    assert "kg.evidence('mentoring')" in str(caught.value)


def test_a_pillars_theme_has_no_mechanisms(kg):
    """The bundled study: 'research capacity' is carried by a pillar, its aim and means and a
    recommendation; pillars have no mechanisms, which the error says."""
    with pytest.raises(
        cg.NoRouteError, match=r"the aim P5-aim.*no route from those leads to mechanisms"
    ):
        kg.mechanisms_for("research capacity")
    assert len(kg.interventions_for("research capacity")) == 1


def test_several_contexts_and_an_outcome_as_context(realist):
    """CMO5 holds in two contexts, one of them CMO3's outcome (a chain of configurations)."""
    propositions = realist.propositions().set_index("id")
    assert propositions.loc["CMO5", "context"] == "WA-C3; WA-O3"
    graph = realist.graph
    assert (URIRef(WA + "CMO5"), CIMO.hasContext, URIRef(WA + "WA-O3")) in graph
    assert (URIRef(WA + "WA-O3"), RDF.type, CIMO.Context) not in graph


def test_the_recommendation_bears_on_six_kinds_of_element(realist):
    """Its six targets, each with its kind, none dropped."""
    answer = realist.recommendations()
    assert _rows(answer, ["strengthens", "strengthens_kind"]) == [
        ["CMO4", "design proposition"],
        ["WA-C2", "context"],
        ["WA-I2", "intervention"],
        ["WA-M1", "mechanism"],
        ["WA-O4", "outcome"],
        ["student", "role"],
    ]


def test_realist_fields_are_terms_of_the_ontology(realist):
    """Outcome kind and direction, mechanism resource and reasoning, theory stage and what
    it refines, who supports an element: each its own property, shown by describe."""
    graph = realist.graph
    o4, m1, cmo2 = (URIRef(WA + name) for name in ("WA-O4", "WA-M1", "CMO2"))
    assert graph.value(o4, CIMO.outcomeKind) == CIMO.unintendedOutcome
    assert graph.value(o4, CIMO.outcomeDirection) == CIMO.negativeOutcome
    assert graph.value(m1, CIMO.mechanismResource) == Literal(
        "a group of peers from similar backgrounds", lang="en"
    )
    assert graph.value(m1, CIMO.mechanismReasoning) == Literal("I fit in here", lang="en")
    assert graph.value(cmo2, CIMO.theoryStage) == CIMO.refinedTheory
    assert graph.value(cmo2, CIMO.refines) == URIRef(WA + "CMO1")
    assert set(graph.objects(URIRef(WA + "CMO4"), CIMO.supportedBy)) == {
        URIRef(WA + "student"),
        URIRef(WA + "mentor"),
    }
    described = realist.describe("WA-O4")
    shown = dict(zip(described["predicate"], described["value_label"], strict=True))
    assert shown["cimo:outcomeKind"] == "unintended"
    assert shown["cimo:outcomeDirection"] == "negative"


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = REALIST.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "study.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_link_across_propositions_is_a_warning_naming_both(tmp_path):
    """WA-I1 (in CMO1) stated to activate WA-M6 (in CMO3): it loads and conforms, with a
    warning naming where each stands; no route follows the link."""
    path = _edited(tmp_path, "activates: WA-M1; WA-M2\n", "activates: WA-M1; WA-M2; WA-M6\n")
    with pytest.warns(cg.TemplateWarning, match=r"interventions.*'WA-I1'.*CMO1, WA-M6 in CMO3"):
        study = cg.load(path)
    report = study.validate()
    assert report.conforms
    assert [v.severity for v in report.violations] == ["Warning"]
    assert "with 1 warning(s)" in str(report)
    assert "WA-M6" not in set(study.mechanisms_for("WA-I1")["id"])


def test_a_scope_naming_a_proposition_without_both_ends_is_refused(tmp_path):
    """The link is scoped to CMO1, which does not hold WA-I2: the row is named."""
    path = _edited(tmp_path, "activates: WA-M1 (CMO4); WA-M3", "activates: WA-M1 (CMO1); WA-M3")
    with pytest.raises(cg.TemplateError, match=r"interventions.*WA-I2.*CMO1") as caught:
        cg.load(path)
    assert "does not hold both its ends" in str(caught.value)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("WA-M1 (CMO4", "cannot be read: write ids separated by ';'"),
        ("WA-M1 (CMO9)", "unknown id. Did you mean"),
    ],
)
def test_a_scoped_link_cell_is_read_or_refused_by_name(tmp_path, cell, message):
    path = _edited(tmp_path, "activates: WA-M1 (CMO4); WA-M3", f"activates: {cell}")
    with pytest.raises(cg.TemplateError, match=r"column 'activates'") as caught:
        cg.load(path)
    assert message in str(caught.value)


def test_a_choice_outside_its_words_names_them(tmp_path):
    path = _edited(tmp_path, "kind: unintended", "kind: unintented")
    with pytest.raises(cg.TemplateError) as caught:
        cg.load(path)
    assert "takes one of: intended, unintended. Did you mean 'unintended'?" in str(caught.value)


def test_dutch_words_of_a_choice_are_read(tmp_path):
    path = _edited(tmp_path, "kind: unintended", "kind: onbedoeld")
    study = cg.load(path)
    assert study.graph.value(URIRef(WA + "WA-O4"), CIMO.outcomeKind) == CIMO.unintendedOutcome


def test_one_id_only_says_what_to_write_and_keeps_none(tmp_path):
    """An aim in two pillars: the message says an aim has one pillar, and neither is kept
    (the first is not more likely meant)."""
    from cimo_graph.authoring import new_study

    path = new_study(tmp_path / "study.yaml", languages=["en"])
    text = path.read_text(encoding="utf-8").replace("  pillar: P1\n", "  pillar: P1; P2\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(cg.TemplateError) as caught:
        cg.load(path)
    message = str(caught.value)
    assert "takes one id only: an aim has one pillar here" in message
    assert "'P1; P2'" in message


def test_chains_of_configurations_are_followed_on_request(realist):
    """WA-O3 (an outcome of CMO3) is a context of CMO5: on request, the tutor's outcomes
    go on to CMO5's, and CMO5's mechanisms go back to CMO3's mechanism that leads there."""
    columns = ["id", "match", "through", "via", "via_kind", "link"]
    assert _rows(realist.outcomes_of("WA-I4"), columns) == [
        ["WA-O2", "route", "CMO3", "WA-I4", "intervention", "stated"],
        ["WA-O3", "route", "CMO3", "WA-I4", "intervention", "stated"],
    ]
    assert _rows(realist.outcomes_of("WA-I4", chains=True), columns)[2:] == [
        ["WA-O2", "chain", "CMO5", "WA-O3", "context", "proposition"]
    ]
    assert _rows(realist.mechanisms_for("CMO5", chains=True), columns) == [
        ["WA-M3", "part", "CMO5", "", "", "proposition"],
        ["WA-M6", "chain", "CMO3", "WA-O3", "outcome", "stated"],
    ]
    assert realist.outcomes_of("WA-I4", chains=True).attrs == {}


def test_the_command_line_shows_link_and_follows_chains(capsys):
    """`cimo-graph outcomes ... --chains`: the link column by default, the chain's row."""
    from cimo_graph.cli import main

    assert main(["outcomes", "WA-I4", "--chains", "--study", str(REALIST)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "id",
        "label",
        "match",
        "route",
        "through",
        "via",
        "via_kind",
        "link",
    ]
    assert lines[-1].split()[0] == "WA-O2"
    assert lines[-1].split()[-5:] == ["proposition", "CMO5", "WA-O3", "context", "proposition"]
    assert lines[-1].split()[-6] == "chain"
    assert main(["interventions", "mentoring", "--study", str(REALIST)]) == 2
    assert "carried only by the role mentor" in capsys.readouterr().err


def test_sentences_read_well_from_the_researchers_labels(realist):
    """Articles chosen from the labels (none doubled, none before a plural), no actors
    before interventions that are not what they do, a chain's context as a clause, and an
    unintended outcome said as what happens."""
    sentences = realist.sentences().set_index("id")["sentence"]
    assert sentences["CMO1"] == (
        "If you want to achieve for students in the Gateway year that students progress to "
        "the next year, provide small-group teaching in the Gateway year, because that sets "
        "in motion sense of belonging and academic self-confidence."
    )
    assert sentences["CMO5"].startswith(
        "If you want to achieve for students on their first clinical placement, where "
        "students seek support early, that students attain as well as their peers, provide "
    )
    assert sentences["CMO6"] == (
        "For students in the standard programme after the Gateway year, peer mentoring by "
        "senior widening-access students and contextual admission offers set in motion sense "
        "of belonging and feeling an impostor, so that students feel stigmatised (an "
        "unintended outcome)."
    )
    for sentence in sentences:
        assert not re.search(r"\b(a|an|the) (a|an|the)\b", sentence), sentence
        assert " who " not in sentence, sentence


_FIRST = {
    "en": "a an the students student learning network Gateway hour university first placements "
    "their offer feedback",
    "nl": "een de het studenten student leernetwerk Gateway uur opleiders eerste stages hun "
    "feedback",
}
_TAIL = {
    "en": ["", "in the first year", "of their network", "for feedback"],
    "nl": ["", "in het eerste jaar", "van hun netwerk", "voor feedback"],
}


@settings(max_examples=200, deadline=None)
@given(st.data(), st.sampled_from(["en", "nl"]))
def test_no_label_doubles_an_article(data, lang):
    """Whatever a context's label opens with, the sentence adds no article before one of
    the label's own, nor 'a'/'een' before a plural."""
    from cimo_graph.sentences import proposition_sentence

    first = data.draw(st.sampled_from(_FIRST[lang].split()))
    label = " ".join(w for w in (first, data.draw(st.sampled_from(_TAIL[lang]))) if w)
    sentence = proposition_sentence(
        lang, context=[label], outcomes=["O"], interventions=["I"], mechanisms=["M"]
    )
    opening = "If you want to achieve " if lang == "en" else "Als je "
    added = sentence[len(opening) : sentence.index(label, len(opening))].split()
    assert added[0] in {"in", "for", "bij"}
    own = {"en": {"a", "an", "the"}, "nl": {"een", "de", "het"}}[lang]
    if first in own or first[:1].isupper():
        assert added == ["in"], sentence
    if (
        first
        in {"en": {"students", "placements"}, "nl": {"studenten", "opleiders", "stages"}}[lang]
    ):
        assert added[-1] not in {"a", "an", "een"}, sentence


def _svg_arrows(svg: str) -> tuple[set[tuple[str, str]], int]:
    """The arrows of a chain figure's SVG read back: those drawn box to box as (label of
    the box they leave, label of the box they enter), and how many join two columns."""
    import xml.etree.ElementTree as ET

    ns = {"svg": "http://www.w3.org/2000/svg"}
    root = ET.fromstring(svg)
    boxes, texts, lines = [], [], []
    for path in root.iter(f"{{{ns['svg']}}}path"):
        style, numbers = path.get("style", ""), re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))
        points = [(float(x), float(y)) for x, y in zip(numbers[::2], numbers[1::2], strict=True)]
        if "fill: none" in style and "stroke: #333333" in style:
            lines.append((points[0], points[-1]))
        elif "fill: #333333" not in style and "fill: #ffffff" not in style and len(points) > 5:
            xs, ys = [x for x, _ in points], [y for _, y in points]
            boxes.append([min(xs), max(xs), min(ys), max(ys), []])
    for text in root.iter(f"{{{ns['svg']}}}text"):
        found = re.search(r"translate\(([\d.]+) ([\d.]+)\)", text.get("transform", ""))
        x, y = (
            (float(found[1]), float(found[2]))
            if found
            else (float(text.get("x", 0)), float(text.get("y", 0)))
        )
        texts.append((x, y, text.text or ""))
    for x, y, content in texts:
        for box in boxes:
            if box[0] <= x <= box[1] and box[2] <= y <= box[3]:
                box[4].append(content)
    gap = 0.04 * 72  # an item arrow starts and ends this far from its boxes

    def box_at(x: float, y: float, edge: int, within: float) -> str | None:
        for box in boxes:
            if abs(box[edge] - x) < within and box[2] <= y <= box[3]:
                return " ".join(box[4]).replace("- ", "-")  # a line wrapped at a hyphen
        return None

    drawn, joining = set(), 0
    for (x0, y0), (x1, y1) in lines:
        # an arrow starts exactly there; its tip stops short by a little of its head
        source, target = box_at(x0 - gap, y0, 1, 0.3), box_at(x1 + gap, y1, 0, 1.5)
        if source and target:
            drawn.add((source, target))
        else:
            joining += 1
    return drawn, joining


def test_the_figure_draws_stated_links_box_to_box(realist, tmp_path):
    """CMO6's figure, read from its SVG: the links the study states in CMO6, box to box,
    and one arrow from the context (no links are stated there); the figure of all six
    configurations draws every stated link once, and the bundled study's only joins
    columns. The interventions are headed by the role that carries out each."""
    realist.figure("CMO6").savefig(tmp_path / "cmo6.svg")
    drawn, joining = _svg_arrows((tmp_path / "cmo6.svg").read_text(encoding="utf-8"))
    assert drawn == {
        ("contextual admission offers", "feeling an impostor"),
        ("feeling an impostor", "students feel stigmatised"),
    }
    assert joining == 1
    realist.figure([f"CMO{i}" for i in range(1, 7)]).savefig(tmp_path / "all.svg")
    drawn, joining = _svg_arrows((tmp_path / "all.svg").read_text(encoding="utf-8"))
    label = {s: str(o) for s, o in realist.graph.subject_objects(RDFS.label)}
    stated = {
        (label[a], label[b]) for a, p, b in realist.graph if p in (CIMO.activates, CIMO.leadsTo)
    }
    assert drawn == stated and len(drawn) == 17 and joining == 1
    assert ("small-group teaching in the Gateway year", "sense of belonging") in drawn
    assert ("sense of belonging", "students attain as well as their peers") in drawn
    figure = realist.figure("CMO6")
    captions = [" ".join(t.get_text().split()) for t in figure.layout.texts]
    assert "carried out by peer mentors" in captions
    assert not any("programme staff" in c for c in captions)


def test_the_bundled_figure_joins_columns_only(kg, tmp_path):
    kg.figure("W").savefig(tmp_path / "w.svg")
    drawn, joining = _svg_arrows((tmp_path / "w.svg").read_text(encoding="utf-8"))
    assert drawn == set() and joining == 3


def test_the_network_draws_stated_links(realist):
    """The interactive network and its exports carry the stated links as edges."""
    graph = realist.to_networkx()
    relations = {data["relation"] for *_, data in graph.edges(data=True)}
    assert {"cimo:activates", "cimo:leadsTo"} <= relations


def test_evidence_and_report_show_what_realist_studies_record(realist, tmp_path):
    """Who supports a configuration is its evidence; the report shows each element's
    theory stage, outcome kind and direction, resource and reasoning."""
    evidence = realist.evidence("CMO4")
    assert _rows(evidence[evidence["kind"] == "supported by"], ["item", "text"]) == [
        ["mentor", "peer mentor"],
        ["student", "widening-access student"],
    ]
    page = realist.report(tmp_path / "report.html").read_text(encoding="utf-8")
    o4 = page[page.index('id="WA-O4"') :]
    o4 = o4[: o4.index("</article>")]
    assert '<div class="fact">Outcome direction: negative</div>' in o4
    assert '<div class="fact">Outcome kind: unintended</div>' in o4
    m1 = page[page.index('id="WA-M1"') :]
    assert '<div class="fact">Resource: a group of peers from similar backgrounds</div>' in m1


def test_each_passage_keeps_its_own_location(tmp_path):
    """Three passages at three places: each text stays beside its own location through
    every format, though they sort differently (a cimo:Passage each)."""
    path = _edited(
        tmp_path,
        "  source_text: they felt they belonged\n  location: Table 2\n",
        "  source_text: zz they felt they belonged | aa a place among peers | mm one of us\n"
        "  location: Table 2 | p. 4 | p. 11\n",
    )
    study = cg.load(path)
    assert study.validate().conforms
    m1 = URIRef(WA + "WA-M1")
    pairs = {
        (str(study.graph.value(p, CIMO.sourceText)), str(study.graph.value(p, CIMO.sourceLocation)))
        for p in study.graph.objects(m1, CIMO.passage)
    }
    assert pairs == {
        ("zz they felt they belonged", "Table 2"),
        ("aa a place among peers", "p. 4"),
        ("mm one of us", "p. 11"),
    }
    for name in ("again.yaml", "again.xlsx", "again-csv"):
        study.export_template(tmp_path / name)
        again = cg.load(tmp_path / name)
        assert isomorphic(again.graph, study.graph), name
    import yaml

    row = next(
        r
        for r in yaml.safe_load((tmp_path / "again.yaml").read_text(encoding="utf-8"))["mechanisms"]
        if r["id"] == "WA-M1"
    )
    texts, places = row["source_text"].split(" | "), row["location"].split(" | ")
    assert dict(zip(texts, places, strict=True)) == {
        "zz they felt they belonged": "Table 2",
        "aa a place among peers": "p. 4",
        "mm one of us": "p. 11",
    }


def test_a_coded_project_holds_shared_parts_beneath_each_configuration(realist, tmp_path):
    """In a REFI-QDA project a mechanism shared by four configurations is one [ID] code
    beneath each of them; read back, the same study (scoped links and all)."""
    from cimo_graph.authoring.refi.archive import read_project

    path = realist.export_project(tmp_path / "realist.qdpx")
    project = read_project(path)
    shared = [c.path for c in project.all_codes() if c.name.startswith("[WA-M1] ")]
    assert sorted(p.split(" / ")[1].split("]")[0].lstrip("[") for p in shared) == [
        "CMO1",
        "CMO2",
        "CMO4",
        "CMO6",
    ]
    assert isomorphic(cg.load(path).graph, realist.graph)


def test_a_source_language_the_study_does_not_declare_is_said(tmp_path):
    """An English-only study whose source_language says nl (the slip of a template typed
    over): it builds (a Dutch source coded in English is a real case) and the warning
    names both languages and what it does to the texts."""
    path = _edited(tmp_path, "  languages: en\n", "  languages: en\n  source_language: nl\n")
    with pytest.warns(
        cg.TemplateWarning, match=r"'nl': is not one of the study's languages \(en\)"
    ):
        study = cg.load(path)
    text = study.graph.value(URIRef(WA + "WA-M1"), CIMO.sourceText)
    assert text.language == "nl"
    summary = study.summary()
    assert "nl" in summary.source_languages
    assert "Languages: en (labels); nl (source texts)" in str(summary)


def test_info_names_one_language_when_labels_and_sources_share_it(realist):
    assert realist.summary().source_languages == ("en",)
    assert "Languages: en\n" in str(realist.summary())


def test_a_text_language_outside_the_study_is_said(tmp_path):
    path = _edited(
        tmp_path, "  location: Table 2, CMO1\n", "  location: Table 2, CMO1\n  location_lang: fr\n"
    )
    with pytest.warns(cg.TemplateWarning, match=r"column 'location_lang'.*'fr': is neither"):
        cg.load(path)


def test_the_study_is_cited_as_the_journal_article_it_is(realist):
    """APA and BibTeX @article from the journal, volume, issue and pages, authors in order."""
    assert realist.cite() == (
        "Okafor, N., Lindqvist, E., & Brennan, P. (2025). What works for widening-access "
        "students in medical school, for whom and why. Medical Education Research, 59(4), "
        "412\u2013425. https://doi.org/10.5555/mer.2025.0412"
    )
    bibtex = realist.cite(format="bibtex")
    assert bibtex.startswith("@article{widening-access,\n")
    assert "  author = {Okafor, N. and Lindqvist, E. and Brennan, P.},\n" in bibtex
    assert "  pages = {412--425},\n" in bibtex and "  number = {4},\n" in bibtex


def test_an_article_number_stands_where_pages_would(tmp_path):
    path = _edited(
        tmp_path, "  page_start: '412'\n  page_end: '425'\n", "  article_number: e0412\n"
    )
    study = cg.load(path)
    assert "Medical Education Research, 59(4), Article e0412. https://doi" in study.cite()
    assert "  eid = {e0412},\n" in study.cite(format="bibtex")


def test_the_encoders_are_the_crates_creators_not_the_articles_authors(realist, tmp_path):
    """Who encoded the study (an ORCID where given) creates the dataset under the
    encoding's licence; the article is its citation; the report names both."""
    import json

    folder = realist.package(tmp_path / "crate")
    entities = {
        e["@id"]: e for e in json.loads((folder / "ro-crate-metadata.json").read_text())["@graph"]
    }
    root = entities["./"]
    creators = [entities[a["@id"]] for a in root["author"]]
    assert [(c["@id"], c["name"]) for c in creators] == [
        ("https://orcid.org/0000-0002-1825-0097", "Visser, J."),
        ("#author-2", "de Boer, M."),
    ]
    assert root["license"] == {"@id": "https://creativecommons.org/publicdomain/zero/1.0/"} or (
        root["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    )
    assert root["citation"].startswith("Okafor, N., Lindqvist, E., & Brennan, P. (2025).")
    page = realist.report(tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<dt>Encoded by</dt><dd>Visser, J.; de Boer, M.</dd>" in page
    assert "<dt>Licence</dt><dd>https://creativecommons.org/licenses/by/4.0/</dd>" in page


def test_propositions_list_their_theory_stage(realist, kg):
    stages = realist.propositions().set_index("id")["theory_stage"].to_dict()
    assert stages == {
        "CMO1": "refined",
        "CMO2": "refined",
        "CMO3": "refined",
        "CMO4": "tested",
        "CMO5": "initial",
        "CMO6": "refined",
    }
    assert set(kg.propositions()["theory_stage"]) == {""}


def _typed_in(path: Path, fmt: str) -> None:
    """The realist study typed into a fresh template as a researcher would: the example
    rows replaced, row by row, cell by cell (the workbook's sheets and columns kept)."""
    import yaml

    tables = yaml.safe_load(REALIST.read_text(encoding="utf-8"))
    if fmt == "xlsx":
        workbook = load_workbook(path)
        for name in workbook.sheetnames:
            if name == "help":
                continue
            sheet = workbook[name]
            header = [c.value for c in sheet[1]]
            sheet.delete_rows(2, sheet.max_row)
            rows = tables.get(name, [])
            for row in [rows] if isinstance(rows, dict) else rows:
                missing = set(row) - set(header)
                assert not missing, (name, missing)  # every column is in the template
                sheet.append([row.get(column) for column in header])
        workbook.save(path)
    else:
        for file in path.glob("*.csv"):
            with open(file, encoding="utf-8", newline="") as handle:
                header = next(csv.reader(handle))
            rows = tables.get(file.stem, [])
            with open(file, "w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, header)
                writer.writeheader()
                for row in [rows] if isinstance(rows, dict) else rows:
                    writer.writerow(row)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_typed_into_a_fresh_template_it_conforms_first_time(tmp_path, realist, fmt):
    """`new-study --languages en`, its example rows replaced by the CMO table: it loads
    and conforms on the first try, the same study as the YAML."""
    from cimo_graph.authoring import new_study

    path = new_study(tmp_path / ("study.xlsx" if fmt == "xlsx" else "study"), languages=["en"])
    _typed_in(path, fmt)
    study = cg.load(path)
    report = study.validate()
    assert report.conforms and report.violations == ()
    assert isomorphic(study.graph, realist.graph)
