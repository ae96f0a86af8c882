"""Documentation: the ontology page and picture name every term; citations of the study."""

from __future__ import annotations

import re

import pytest
from rdflib.namespace import OWL, RDF

from cimo_graph.cli import main
from cimo_graph.namespace import CIMO


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    assert main(["docs", "--out", str(folder)]) == 0
    return folder


def _terms(ontology):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted(
        str(t)[len(str(CIMO._NS)) :]
        for k in kinds
        for t in ontology.subjects(RDF.type, k)
        if str(t).startswith(str(CIMO._NS))
    )


def test_ontology_page_names_every_term(docs, ontology):
    """ontology.html (pyLODE) has a section for every class and property."""
    page = (docs / "ontology.html").read_text(encoding="utf-8")
    missing = [t for t in _terms(ontology) if f"{CIMO._NS}{t}" not in page]
    assert missing == []
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page)


def test_ontology_picture_names_every_class_and_object_property(docs, ontology):
    """ontology.svg shows every class and every object property as text."""
    svg = (docs / "ontology.svg").read_text(encoding="utf-8")
    shown = [t for t in _terms(ontology) if f"cimo:{t}" in svg]
    expected = sorted(
        str(t)[len(str(CIMO._NS)) :]
        for k in (OWL.Class, OWL.ObjectProperty)
        for t in ontology.subjects(RDF.type, k)
        if str(t).startswith(str(CIMO._NS))
    )
    assert set(expected) <= set(shown)
    assert (docs / "ontology.png").stat().st_size > 10_000


def test_cite_the_study(kg):
    """The study's reference as a formatted citation and as BibTeX, from the graph."""
    assert kg.cite() == (
        "Hogeschool Utrecht. (n.d.). Meerwaarde van Opleiden in Leernetwerken "
        "voor aanstaande leraren [The added value of teacher education in "
        "learning networks for student teachers]."
    )
    bibtex = kg.cite(format="bibtex")
    assert (
        bibtex.startswith("@techreport{leernetwerken,")
        and "institution = {Hogeschool Utrecht}" in bibtex
    )


def test_cite_a_referenced_work(kg, capsys):
    """Cited works by id: their formatted citation, and BibTeX with authors in order."""
    assert kg.cite("denyer-2008").startswith("Denyer, D., Tranfield, D., & van Aken, J. E. (2008)")
    assert main(["cite", "struyven-2010", "--bibtex"]) == 0
    out = capsys.readouterr().out
    assert "author = {Struyven, K. and Dochy, F. and Janssens, S.}" in out
    assert "pages = {43--64}" in out and out.startswith("@article{struyven-2010,")


def test_citation_file_names_the_library():
    """CITATION.cff is valid YAML naming the library and its version."""
    from pathlib import Path

    import yaml

    import cimo_graph

    data = yaml.safe_load((Path(__file__).parents[1] / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0" and data["version"] == cimo_graph.__version__


def test_ontology_picture_box_text_fits(ontology):
    """Every class's name and prefixed name lie inside its box (measured as drawn), and no
    two texts overlap."""
    import itertools

    from cimo_graph.docs import ontology_figure

    figure = ontology_figure()
    renderer = figure.canvas.get_renderer()
    texts = {id(t): t.get_window_extent(renderer) for t in figure.layout.texts}
    assert len(figure.layout.boxes) >= 10
    for text, box in figure.layout.boxes:
        inner, outer = texts[id(text)], box.get_window_extent(renderer)
        assert outer.x0 < inner.x0 and inner.x1 < outer.x1, text.get_text()
        assert outer.y0 < inner.y0 and inner.y1 < outer.y1, text.get_text()
    for a, b in itertools.combinations(texts.values(), 2):
        assert not a.overlaps(b)


def test_docs_have_an_index_with_tagged_labels_and_the_picture(docs):
    """index.html is the ontology's page: names in several languages are each tagged and
    separated, and the picture is shown and linked as SVG and PNG."""
    page = (docs / "index.html").read_text(encoding="utf-8")
    assert page == (docs / "ontology.html").read_text(encoding="utf-8")
    assert "<h1>CIMO ontology (en) · CIMO-ontologie (nl)</h1>" in page
    assert "intervention (en) · interventie (nl)" in page
    assert "interventioninterventie" not in page
    assert '<img src="ontology.svg"' in page and 'href="ontology.png"' in page
