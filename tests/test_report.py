"""The evidence report: one self-contained HTML file of a study or a collection."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from rdflib import RDF

import cimo_graph as cg
from cimo_graph.cli import main

from .conftest import DATA
from .test_interactive import HOSTILE, hostile_study

SECOND = DATA / "studies" / "blended-review.yaml"


@pytest.fixture(scope="module")
def page(kg, tmp_path_factory):
    path = kg.report(tmp_path_factory.mktemp("report") / "report.html")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """The bundled study and the tests' second study (English only), in one report."""
    kg = cg.load([None, SECOND])
    path = kg.report(tmp_path_factory.mktemp("two") / "two.html")
    return kg, path.read_text(encoding="utf-8")


def shown(text: str) -> str:
    """``text`` as the page holds it: escaped as Jinja escapes (``'`` as ``&#39;``)."""
    return str(escape(text))


def anchors(text: str) -> list[str]:
    return re.findall(r'<article class="element" id="([^"]+)"', text)


def test_every_element_is_anchored_by_its_id_with_its_verbatim_source_text(kg, page):
    elements = set(kg.graph.subjects(cg.CIMO.partOfStudy, None))
    found = anchors(page)
    assert len(found) == len(set(found)) == len(elements)
    assert {"W-I3", "C", "P3-means-1", "W"} <= set(found)
    for element in elements:
        for text in kg.graph.objects(element, cg.CIMO.sourceText):
            assert shown(str(text)) in page, element


def test_every_proposition_is_stated_in_each_language_with_its_figure(kg, page):
    propositions = set(kg.graph.subjects(RDF.type, cg.CIMO.DesignProposition))
    for lang in ("en", "nl"):
        for sentence in kg.sentences(lang=lang)["sentence"]:
            assert shown(sentence) in page
    assert page.count('<figure class="chain"><svg') == len(propositions) == 2


def test_the_study_its_validation_and_the_routes_to_each_theme(kg, page):
    assert shown(kg.cite()) in page
    assert "Interviews with the founders" in page  # the method
    assert "the graph conforms to the cimo-graph shapes" in page
    assert len(re.findall(r'<article class="theme" id="theme-', page)) == len(kg.themes())
    assert '<a href="#P3-means-1">P3-means-1</a>' in page  # a route to self-direction


def test_links_in_and_out_lead_to_their_anchors(page):
    found = set(anchors(page)) | set(re.findall(r'<article class="theme" id="([^"]+)"', page))
    links = set(re.findall(r'<a href="#([^"]+)"', page))
    sections = {"studies", "propositions", "network", "elements", "themes"}
    assert links - sections <= found and len(links) > len(anchors(page))  # themes too


def test_the_network_is_embedded_and_a_large_one_is_left_out_with_a_note(kg, tmp_path):
    assert '<iframe class="network"' in kg.report(tmp_path / "a.html").read_text("utf-8")
    small = kg.report(tmp_path / "b.html", max_nodes=10).read_text("utf-8")
    assert '<iframe class="network"' not in small
    assert "focus" in small and 'id="W-I3"' in small  # the rest stays


def test_nothing_is_fetched(page):
    """Scripts and styles are inline; no element names an address to load."""
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "default-src 'none'" in page


def test_a_collection_of_two_studies(two):
    kg, text = two
    found = anchors(text)
    assert len(found) == len(set(found)) == len(set(kg.graph.subjects(cg.CIMO.partOfStudy)))
    assert {"leernetwerken-context", "blended-review-context"} <= set(found)  # the same id
    for title in kg.studies()["title"]:
        assert shown(title) in text
    assert text.count('<figure class="chain"><svg') == 3
    # the English-only study's proposition is stated in English only
    assert text.count('class="sentence"') == 5


def test_hostile_text_stays_text(kg, tmp_path):
    text = hostile_study(kg).report(tmp_path / "hostile.html").read_text(encoding="utf-8")
    assert HOSTILE not in text and "<img src=x" not in text
    assert shown(HOSTILE) in text
    assert "</script><script>window.__pwned=3" not in text


def test_the_report_of_a_remote_graph(kg, served, tmp_path):
    remote = cg.connect(served.url)
    text = remote.report(tmp_path / "remote.html").read_text(encoding="utf-8")
    assert anchors(text) == anchors(kg.report(tmp_path / "local.html").read_text("utf-8"))
    assert "not checked here" in text


def test_report_on_the_command_line(tmp_path, capsys):
    out = tmp_path / "study.html"
    assert main(["report", "--html", str(out), "--lang", "nl"]) == 0
    assert f"Evidence report: {out}" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert '<html lang="nl">' in text and 'id="W-I3"' in text


@pytest.mark.slow
def test_a_collection_of_a_thousand_elements(tmp_path):
    """50 synthetic studies (1,050 elements): every element is anchored and described;
    the network, past what stays readable, gives way to a note, and the rest stays."""
    import sys

    sys.path.insert(0, str(DATA.parents[1] / "bench"))
    try:
        import run
    finally:
        sys.path.pop(0)
    path = tmp_path / "studies-50.nt"
    path.write_text(run.synthetic(50), encoding="utf-8")
    kg = cg.load(path)
    text = kg.report(tmp_path / "many.html").read_text(encoding="utf-8")
    found = anchors(text)
    assert len(found) == len(set(found)) == len(set(kg.graph.subjects(cg.CIMO.partOfStudy)))
    assert len(found) == 1050
    assert '<iframe class="network"' not in text and "focus" in text
    assert text.count('<figure class="chain"><svg') == 50


def _synthetic_studies(tmp_path, count: int):
    import sys

    sys.path.insert(0, str(DATA.parents[1] / "bench"))
    try:
        import run
    finally:
        sys.path.pop(0)
    path = tmp_path / f"studies-{count}.nt"
    path.write_text(run.synthetic(count, evidence=True), encoding="utf-8")
    return path


def test_the_report_of_many_studies_says_what_it_leaves_out(tmp_path, capsys):
    """Beyond its limit, a report draws the first propositions and gives the routes of the
    first themes (by id), and says how many of how many, and how to get the others; the
    Word report alike, and --limit on the command line. Every element stays."""
    import docx

    path = _synthetic_studies(tmp_path, 8)
    kg = cg.load(path)
    themes = len(kg.themes())
    text = kg.report(tmp_path / "many.html", limit=3).read_text(encoding="utf-8")
    assert text.count('<figure class="chain">') == 3
    assert "Figures are drawn for 3 of the 8 design propositions (the first by id)" in text
    assert f"Routes are given for 3 of the {themes} themes (the first by id)" in text
    assert text.count('<article class="theme"') == 3
    assert len(anchors(text)) == len(set(kg.graph.subjects(cg.CIMO.partOfStudy)))
    whole = kg.report(tmp_path / "all.html", limit=None).read_text(encoding="utf-8")
    assert whole.count('<figure class="chain">') == 8 and "Figures are drawn for" not in whole
    document = docx.Document(str(kg.report(tmp_path / "many.docx", limit=2)))
    said = "\n".join(p.text for p in document.paragraphs)
    assert "Figures are drawn for 2 of the 8 design propositions" in said
    assert len(document.inline_shapes) == 2  # two propositions (the network: too large)
    out = tmp_path / "cli.html"
    main(["report", "-s", str(path), "--html", str(out), "--limit", "4", "--lang", "nl"])
    capsys.readouterr()
    assert "Figuren zijn getekend voor 4 van de 8 ontwerpprincipes" in out.read_text("utf-8")


def test_themes_of_one_name_in_many_studies_get_short_numbered_anchors(tmp_path):
    """Themes of one name in several studies: one anchor each, numbered, not a prefix
    repeated once for every theme before it (which grew with the square of the
    studies)."""
    path = _synthetic_studies(tmp_path, 30)
    kg = cg.load(path)
    same = int((kg.themes()["id"] == "accessibility").sum())
    text = kg.report(tmp_path / "many.html", limit=None).read_text(encoding="utf-8")
    found = set(re.findall(r'id="(theme-accessibility[^"]*)"', text))
    assert same > 1 and len(found) == same
    assert found == {"theme-accessibility"} | {
        f"theme-accessibility-{n}" for n in range(2, same + 1)
    }
    assert "theme-theme" not in text


@pytest.mark.parametrize("study", [None, "widening-access.yaml"], ids=["bundled", "realist"])
def test_the_word_report_holds_every_section_element_and_figure(tmp_path, study):
    """kg.report("x.docx"): a Word document python-docx opens, with the HTML report's
    sections, every element's id and verbatim source text, a picture per proposition and
    one of the network, and the routes to each theme as tables."""
    import docx

    kg = cg.load(DATA / "studies" / study) if study else cg.load()
    path = kg.report(tmp_path / "report.docx")
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Studies", "Design propositions", "Network", "Elements", "Themes"]
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    everything = text + "\n" + cells
    elements = kg.to_networkx()
    for node, data in elements.nodes(data=True):
        assert node in everything, node
        for passage in filter(None, str(data["source_text"]).split(" | ")):
            assert passage in everything, (node, passage)
    assert len(document.inline_shapes) == len(kg.propositions()) + 1
    assert kg.studies()["title"].iloc[0] in text
    assert any(t.rows[0].cells[0].text == "id" for t in document.tables)  # a theme's routes


def test_the_command_line_writes_the_word_report(tmp_path, capsys):
    out = tmp_path / "report.docx"
    assert main(["report", "--docx", str(out)]) == 0
    assert out.read_bytes().startswith(b"PK")  # a Word document is a zip
    assert main(["report", "--docx", str(tmp_path / "report.html")]) == 2
    assert "--docx writes a Word document" in capsys.readouterr().err


def test_the_word_report_sets_hostile_text_as_text(kg, tmp_path):
    import docx

    path = hostile_study(kg).report(tmp_path / "hostile.docx")
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert any(HOSTILE in text for text in texts)
