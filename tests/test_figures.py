"""Figures for papers: labels as text, vector PDF, a real PNG, and no text under boxes or arrows."""

from __future__ import annotations

import itertools
import re

import pytest

import cimo_graph as cg

FIGURES = [("W", "en"), ("C", "nl"), ("pillars", "en"), ("pillars", "nl")]


def _figure(kg, what, lang, **options):
    return (
        kg.figure(pillars=True, lang=lang, **options)
        if what == "pillars"
        else kg.figure(what, lang=lang, **options)
    )


def _expected_words(kg, what, lang):
    """Every word of every label the figure must show."""
    if what == "pillars":
        pillars = kg.pillars(lang=lang)
        labels = list(pillars["label"]) + [
            t for cell in pillars["aim_label"] for t in cell.split(" | ")
        ]
        labels += [t for cell in pillars["means_labels"] for t in cell.split(" | ")]
    else:
        labels = [
            kg.outcomes_of(what, lang=lang)["label"],
            kg.mechanisms_for(what, lang=lang)["label"],
        ]
        labels = [x for column in labels for x in column]
        proposition = kg.propositions(lang=lang).set_index("id").loc[what]
        labels += [
            proposition["label"],
            proposition["context_label"],
            proposition["added_value_label"],
        ]
        labels += list(
            kg.interventions_for(
                kg.propositions().set_index("id").loc[what, "themes"], lang=lang
            ).query("through == @what")["label"]
        )
    return {w for label in labels for w in re.findall(r"[\w'\u2019]{3,}", label)}


@pytest.mark.parametrize(("what", "lang"), FIGURES)
def test_svg_holds_every_label_as_text(kg, tmp_path, what, lang):
    """The SVG keeps text as text, and every word of every label is in it."""
    path = tmp_path / "figure.svg"
    _figure(kg, what, lang).savefig(path)
    svg = path.read_text(encoding="utf-8")
    texts = " ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S))
    import html

    words = set(re.findall(r"[\w'\u2019]{3,}", html.unescape(texts)))
    missing = _expected_words(kg, what, lang) - words
    assert missing == set()


@pytest.mark.parametrize(("what", "lang"), FIGURES[:3])
def test_pdf_has_vector_text_and_embedded_fonts(kg, tmp_path, what, lang):
    """The PDF's text can be extracted (vector text) and its fonts are embedded TrueType."""
    from pypdf import PdfReader

    path = tmp_path / "figure.pdf"
    _figure(kg, what, lang).savefig(path)
    reader = PdfReader(path)
    text = reader.pages[0].extract_text()
    assert "Context" in text or "Aim" in text or "Doel" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for font in fonts.values():
        font = font.get_object()
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor


@pytest.mark.parametrize("dpi", [100, 300])
def test_png_is_not_blank_and_has_the_dpi(kg, tmp_path, dpi):
    """The PNG has ink on it and its size follows the dpi."""
    import matplotlib.image as mpimg

    figure = kg.figure("W")
    path = tmp_path / "figure.png"
    figure.savefig(path, dpi=dpi)
    image = mpimg.imread(path)
    assert image.shape[1] == round(figure.get_figwidth() * dpi)
    ink = (image[..., :3].mean(axis=2) < 0.5).mean()
    assert 0.005 < ink < 0.5


@pytest.mark.parametrize(("what", "lang"), FIGURES)
@pytest.mark.parametrize("width", [7.0, 3.5])
def test_text_never_under_a_box_edge_or_an_arrow(kg, what, lang, width):
    """Each box holds its text; no two texts overlap; no arrow crosses a text."""
    figure = _figure(kg, what, lang, width=width)
    renderer = figure.canvas.get_renderer()
    layout = figure.layout
    texts = {id(t): t.get_window_extent(renderer) for t in layout.texts}
    for text, box in layout.boxes:
        inner, outer = texts[id(text)], box.get_window_extent(renderer)
        assert (
            outer.x0 < inner.x0
            and inner.x1 < outer.x1
            and outer.y0 < inner.y0
            and inner.y1 < outer.y1
        ), text.get_text()
    for a, b in itertools.combinations(texts.values(), 2):
        assert not a.overlaps(b)
    for arrow in layout.arrows:
        extent = arrow.get_window_extent(renderer)
        for text in texts.values():
            assert not extent.overlaps(text)
    figure_extent = figure.bbox
    for extent in texts.values():
        assert figure_extent.x0 <= extent.x0 and extent.x1 <= figure_extent.x1
        assert figure_extent.y0 <= extent.y0 and extent.y1 <= figure_extent.y1


def test_chain_has_arrows_between_columns_only(kg):
    """Three arrows, column to column: the study links columns, not single items."""
    assert len(kg.figure("C").layout.arrows) == 3


def test_grayscale_figure_uses_grey_fills(kg):
    """grayscale=True fills boxes with greys only."""
    from matplotlib.colors import to_rgb

    for _, box in kg.figure("W", grayscale=True).layout.boxes:
        r, g, b = to_rgb(box.get_facecolor())
        assert r == g == b


def test_same_figure_same_bytes(kg, tmp_path):
    """The same figure saved twice gives the same SVG and PDF."""
    for suffix in ("svg", "pdf"):
        first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
        kg.figure("W").savefig(first)
        cg.load().figure("W").savefig(second)
        assert first.read_bytes() == second.read_bytes()


def test_failed_save_leaves_nothing(kg, tmp_path):
    """A save that fails leaves neither the file nor a temporary one."""
    with pytest.raises(ValueError):
        kg.figure("W").savefig(tmp_path / "figure.svg", format="no-such-format")
    assert list(tmp_path.iterdir()) == []


def test_figure_of_something_else(kg):
    """A figure of a pillar or of nothing says what it takes."""
    with pytest.raises(cg.CimoGraphError, match="not a design proposition"):
        kg.figure("P3")
    with pytest.raises(cg.CimoGraphError, match="pillars=True"):
        kg.figure()


@pytest.mark.parametrize("grayscale", [False, True], ids=["colour", "grayscale"])
@pytest.mark.parametrize("what", ["W", "pillars"])
def test_kinds_print_as_distinct_greys(kg, what, grayscale):
    """On the rendered image, converted to grey as a printer would (ITU-R 601 luma), the
    fills of any two kinds in one figure lie at least 25 grey levels apart."""
    import numpy as np
    from PIL import Image

    figure = _figure(kg, what, "en", grayscale=grayscale)
    figure.canvas.draw()
    grey = np.asarray(Image.fromarray(np.asarray(figure.canvas.buffer_rgba())).convert("L"))
    height = grey.shape[0]
    fills: dict[str, set[int]] = {}
    for (_, box), kind in zip(figure.layout.boxes, figure.layout.box_kinds, strict=True):
        extent = box.get_window_extent()
        inside = grey[
            height - int(extent.y1) + 3 : height - int(extent.y0) - 3,
            int(extent.x0) + 3 : int(extent.x1) - 3,
        ]
        values, counts = np.unique(inside, return_counts=True)
        fills.setdefault(kind, set()).add(int(values[counts.argmax()]))  # the fill, not text
    assert len(fills) >= 3
    for kind, levels in fills.items():
        assert len(levels) == 1, (kind, levels)
    for (a, [level_a]), (b, [level_b]) in itertools.combinations(fills.items(), 2):
        assert abs(level_a - level_b) >= 25, (a, level_a, b, level_b)


@pytest.mark.parametrize(
    ("lang", "headings"),
    [
        ("en", ["carried out by teacher educators", "carried out by student teachers"]),
        ("nl", ["uitgevoerd door opleiders", "uitgevoerd door studenten"]),
    ],
)
def test_each_role_heads_the_interventions_it_carries_out(tmp_path, lang, headings):
    """Interventions carried out by two roles: each role heads the interventions it
    carries out (never one heading claiming all of them); one role for all of them heads
    the column alone, as before."""
    from rdflib import Namespace

    from cimo_graph.namespace import CIMO

    data = cg.load().graph
    lnw = Namespace("https://w3id.org/cimo-graph/study/leernetwerken/")
    data.remove((lnw["W-I2"], CIMO.carriedOutBy, lnw.educator))
    data.add((lnw["W-I2"], CIMO.carriedOutBy, lnw.student))

    def texts(figure):  # as read, the wrapped lines joined
        return [" ".join(text.get_text().split()) for text in figure.layout.texts]

    mixed = texts(cg.CimoGraph(data).figure("W", lang=lang))
    assert [t for t in mixed if t in headings] == headings
    # the student teachers' heading stands over W-I2 alone, the last box of the column
    w_i2 = cg.CimoGraph(data).describe("W-I2", lang=lang)
    label = w_i2.loc[w_i2["predicate"] == "rdfs:label", "value"]
    assert mixed.index(headings[1]) + 1 == next(i for i, t in enumerate(mixed) if t in set(label))
    alone = texts(cg.load().figure("W", lang=lang))
    assert headings[0] in alone and headings[1] not in alone


# --- the network as a figure -------------------------------------------------------------


def _text_boxes(figure):
    """Each text's extent in the figure's inches: (x0, x1, y0, y1)."""
    renderer = figure.canvas.get_renderer()
    to_inches = figure.axes[0].transData.inverted()
    boxes = []
    for text in figure.layout.texts:
        extent = text.get_window_extent(renderer)
        (x0, y0), (x1, y1) = to_inches.transform([(extent.x0, extent.y0), (extent.x1, extent.y1)])
        boxes.append((x0, x1, y0, y1))
    return boxes


def assert_network_reads(figure):
    """No two boxes overlap, each holds its text, and no arrow runs over any text."""
    import numpy as np

    places = list(figure.layout.places.values())
    for (l0, r0, t0, b0), (l1, r1, t1, b1) in itertools.combinations(places, 2):
        assert r0 <= l1 or r1 <= l0 or t0 <= b1 or t1 <= b0, "boxes overlap"
    texts = _text_boxes(figure)
    renderer = figure.canvas.get_renderer()
    for text, box in figure.layout.boxes:
        inner, outer = text.get_window_extent(renderer), box.get_window_extent(renderer)
        assert outer.x0 < inner.x0 and inner.x1 < outer.x1, text.get_text()
        assert outer.y0 < inner.y0 and inner.y1 < outer.y1, text.get_text()
    assert len(figure.layout.routes) == len(figure.layout.arrows)
    for route in figure.layout.routes:
        for (xa, ya), (xb, yb) in itertools.pairwise(route):
            for t in np.linspace(0, 1, 60):
                x, y = xa + (xb - xa) * t, ya + (yb - ya) * t
                for x0, x1, y0, y1 in texts:
                    inside = x0 + 0.005 < x < x1 - 0.005 and y0 + 0.005 < y < y1 - 0.005
                    assert not inside, f"an arrow crosses text at ({x:.2f}, {y:.2f})"


def _ends_at(route, places, source, target):
    """Whether an arrow leaves the source's box and ends at the target's, level with each."""
    (x0, y0), (x1, y1) = route[0], route[-1]
    left0, right0, top0, bottom0 = places[source]
    left1, right1, top1, bottom1 = places[target]
    return (
        min(abs(x0 - left0), abs(x0 - right0)) < 0.01
        and bottom0 < y0 < top0
        and min(abs(x1 - left1), abs(x1 - right1)) < 0.05
        and bottom1 < y1 < top1
    )


@pytest.mark.parametrize(
    "focus",
    [None, "W", "W-I3", "self-direction"],
    ids=["whole-study", "proposition", "node", "theme"],
)
def test_the_network_figure_reads(kg, focus):
    """Every node a box in its column, every stated link an arrow from box to box, none
    over a text: the whole bundled study (75 nodes), a proposition, a node's
    neighbourhood and a theme's routes."""
    options = {"depth": 1} if focus == "W-I3" else {}
    figure = kg.network_figure(focus, **options)
    assert_network_reads(figure)
    drawing = kg.to_networkx(focus=focus, **options)
    iris = {data["iri"]: node for node, data in drawing.nodes(data=True)}
    assert {iris[str(node)] for node in figure.layout.places} == set(drawing)
    from cimo_graph.views.subgraph import WHOLE_LINKS as whole

    in_order = sorted(drawing.edges(data=True), key=lambda e: int(e[2]["id"][1:]))
    stated = [
        (a, b)
        for a, b, data in in_order
        if data["relation"].split(":")[-1] not in whole and drawing.nodes[a]["kind"] != "Theme"
    ]
    assert len(figure.layout.arrows) == len(stated) > 0
    places = {iris[str(node)]: place for node, place in figure.layout.places.items()}
    for (a, b), route in zip(stated, figure.layout.routes, strict=True):
        assert _ends_at(route, places, a, b), (a, b)


def test_a_network_figure_saves_as_the_other_figures_do(kg, tmp_path):
    """Text stays text in its SVG; the same figure gives the same bytes; export and the
    command line write it for a focus that is no proposition, the chain for one that is."""
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    kg.network_figure("self-direction").savefig(first)
    cg.load().export(second, focus="self-direction")
    assert first.read_bytes() == second.read_bytes()
    assert "<text" in first.read_text(encoding="utf-8")
    assert "self-direction" in first.read_text(encoding="utf-8")
    chain = tmp_path / "w.svg"
    kg.export(chain, focus="W")
    kg.figure("W").savefig(tmp_path / "w-chain.svg")
    assert chain.read_bytes() == (tmp_path / "w-chain.svg").read_bytes()


def test_a_network_figure_too_large_or_too_narrow_says_what_to_do(kg):
    with pytest.raises(cg.DrawingTooLargeError, match=r"max_nodes=20 a figure stays readable"):
        kg.network_figure(max_nodes=20)
    with pytest.raises(cg.CimoGraphError, match=r"give width=\d\.\d or more"):
        kg.network_figure("W", width=3.5)


def test_a_figure_shows_from_a_script(tmp_path):
    """fig.show() in a script (matplotlib raised 'Figure.show works only for figures
    managed by pyplot' for a figure cimo-graph made): under a backend without windows it
    returns as matplotlib does for any figure, and plt.show() knows the figure."""
    import subprocess
    import sys

    script = tmp_path / "show.py"
    script.write_text(
        "import warnings\n"
        "import matplotlib.pyplot as plt\n"
        "import cimo_graph as cg\n"
        "figure = cg.load().figure('W')\n"
        "with warnings.catch_warnings(record=True) as said:\n"
        "    warnings.simplefilter('always')\n"
        "    figure.show()\n"
        "print(plt.get_fignums(), [str(w.message)[:40] for w in said])\n"
        "plt.show()\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "MPLBACKEND": "Agg"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("[1] ")


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_a_language_the_words_are_not_in_falls_back_to_english(kg, tmp_path, lang):
    """A figure, the network figure, the page and the report in a language the library's
    own words are not in (a German study: issue 35) take English words and the study's
    labels in the asked language where it has them; they raised KeyError before."""
    figure = kg.figure("W", lang=lang)
    assert "Interventions" in [t.get_text() for t in figure.layout.texts]
    kg.figure(pillars=True, lang=lang)
    kg.network_figure("self-direction", lang=lang)
    assert "Zoom to read" in kg.to_html(focus="W", lang=lang).html
    assert kg.report(tmp_path / "report.html", lang=lang).stat().st_size > 0
