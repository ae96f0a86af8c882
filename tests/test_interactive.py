"""The interactive page as HTML: self-contained, offline, escaped, repeatable."""

from __future__ import annotations

import base64
import html
import re

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

import cimo_graph as cg
from cimo_graph.namespace import LEERNETWERKEN as LNW

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def hostile_study(kg) -> cg.CimoGraph:
    """The study with a label and a source text that try to run script."""
    graph = Graph()
    for triple in kg.graph:
        graph.add(triple)
    graph.remove(
        (LNW["W-I3"], RDFS.label, Literal("expect initiative and self-direction", lang="en"))
    )
    graph.add((LNW["W-I3"], RDFS.label, Literal(HOSTILE, lang="en")))
    graph.add(
        (
            LNW["W-I3"],
            cg.CIMO.interpretationNote,
            Literal("</script><script>window.__pwned=3</script>", lang="en"),
        )
    )
    return cg.CimoGraph(graph)


@pytest.fixture(scope="module")
def page(kg) -> str:
    return kg.to_html().html


def test_page_embeds_everything_and_links_nothing(page):
    """No script, style, link, image or frame points at another address."""
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)\s*=""", page, flags=re.I)
    assert "cdn" not in page.lower().replace("cdnjs", "") or "cdnjs" not in page
    assert "new vis.Network" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_page_is_the_same_every_time(kg, page):
    """The same graph gives the same page, byte for byte."""
    assert cg.load().to_html().html == page


def test_hostile_text_is_escaped_in_the_page(kg):
    """Graph text reaches the page only inside the JSON data block, escaped."""
    text = hostile_study(kg).to_html(focus="W").html
    assert HOSTILE not in text
    assert "<img src=x" not in text
    assert text.count("<script") == kg.to_html(focus="W").html.count("<script")
    data = re.search(
        r'<script id="cimo-graph-data" type="application/json">(.*?)</script>', text, re.S
    ).group(1)
    assert "\\u003cimg src=x" in data


def test_notebook_display_is_an_isolated_iframe_over_a_picture(kg):
    """In Jupyter the page shows in a sandboxed iframe whose srcdoc is the whole page,
    over a static picture of the same network (for renderers that strip the iframe), with
    a line of plain text; the repr stays a line."""
    view = kg.to_html(focus="W")
    bundle = view._repr_mimebundle_()
    markup = bundle["text/html"]
    assert markup == view._repr_html_()
    srcdoc = re.search(r"<iframe srcdoc='(.*?)' sandbox=\"allow-scripts\"", markup, re.S).group(1)
    assert "'" not in srcdoc and html.unescape(srcdoc) == view.html
    picture = re.search(r'<img src="data:image/png;base64,([^"]+)"', markup).group(1)
    assert base64.b64decode(picture) == view.png() and view.png().startswith(b"\x89PNG")
    assert markup.index("<img") < markup.index("<iframe")  # the frame drawn over it
    assert bundle["text/plain"] == (
        "network 'W: Design proposition: well-being': 18 elements, 22 links; trust the "
        "notebook or run the cell for the interactive view"
    )
    assert len(repr(view)) < 200


def test_a_network_too_large_for_a_figure_shows_without_a_picture(kg):
    """Beyond what one figure holds, the display is the frame alone (no error)."""
    view = kg.to_html()
    view.picture = lambda: kg.network_figure(None, max_nodes=5)
    assert view.png() is None
    markup = view._repr_html_()
    assert "<img" not in markup and f"height: {view.height}px" in markup


def test_a_page_made_by_hand_has_no_picture(kg):
    view = kg.to_html(focus="W")
    bare = type(view)(view.html, title=view.title, nodes=view.nodes, links=view.links)
    assert bare.png() is None and bare._repr_html_().startswith("<iframe srcdoc='")


def test_show_writes_one_file(kg, tmp_path):
    """show() writes the page to the path it returns."""
    path = kg.show(tmp_path / "w.html", focus="W", lang="nl")
    assert path == tmp_path / "w.html"
    assert path.read_text(encoding="utf-8") == kg.to_html(focus="W", lang="nl").html
    assert [p.name for p in tmp_path.iterdir()] == ["w.html"]


def test_legend_and_labels_follow_the_language(kg):
    """Legend entries and node labels come in the chosen language."""
    net = kg.to_pyvis(focus="W", lang="nl")
    labels = {n["id"]: n["label"] for n in net.nodes}
    assert labels["W-I3"] == "eigen initiatief en\nzelfsturing verwachten"
    assert {"interventie", "mechanisme", "opbrengst"} <= {e["label"] for e in net.cimo_legend}


def test_layered_positions_put_cimo_in_columns(kg):
    """Context, interventions, mechanisms and outcomes stand in columns left to right."""
    net = kg.to_pyvis(focus="W")
    x = {n["id"]: n["x"] for n in net.nodes}
    assert x["context"] < x["W"] < x["W-I1"] < x["W-M1"] < x["W-O1"]
    assert len({x[f"W-I{i}"] for i in range(1, 7)}) == 1
    y = {n["id"]: n["y"] for n in net.nodes}
    assert [y[f"W-I{i}"] for i in range(1, 7)] == sorted(y[f"W-I{i}"] for i in range(1, 7))


def test_force_layout_stops_after_stabilising(kg):
    """layout='force' runs seeded physics that the page switches off once stable."""
    page = kg.to_html(focus="W", layout="force").html
    assert '"solver": "forceAtlas2Based"' in page and '"randomSeed": 7' in page
    assert "stabilizationIterationsDone" in page


def test_too_many_nodes_asks_for_a_focus(kg):
    """Beyond max_nodes the render refuses and says how to focus."""
    with pytest.raises(cg.DrawingTooLargeError, match="focus="):
        kg.to_pyvis(max_nodes=10)


@pytest.mark.parametrize(
    ("focus", "title"),
    [
        ("zelfsturing", "cimo-graph: thema: zelfsturing"),
        (None, "cimo-graph: alle elementen"),
        ("W", "cimo-graph: W: Ontwerpprincipe welbevinden"),
    ],
)
def test_dutch_page_is_titled_in_dutch(kg, focus, title):
    """The Dutch page's title and heading are Dutch words (and ids), never the English
    theme id ("self-direction") or English words."""
    import re

    page = kg.to_html(focus=focus, lang="nl").html
    assert re.search(r"<title>(.*?)</title>", page).group(1) == title
    assert re.search(r"<h1>(.*?)</h1>", page).group(1) == title


def test_every_class_has_a_colour_of_its_own_in_any_colour_vision():
    """Any two classes' colours lie at least MIN_DISTANCE apart (CAM02-UCS ΔE) in normal
    vision and as deuteranomaly, protanomaly and tritanomaly see them (full severity;
    recommendation and quote, outcome and aim lay under 4 apart before)."""
    import itertools

    import numpy as np
    from colorspacious import cspace_convert

    from cimo_graph.views.style import MIN_DISTANCE, STYLES

    kinds = list(STYLES)
    rgb = np.array([[int(STYLES[k].color[i : i + 2], 16) for i in (1, 3, 5)] for k in kinds])
    for vision in (None, "deuteranomaly", "protanomaly", "tritanomaly"):
        seen = rgb / 255
        if vision:
            cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
            seen = np.clip(cspace_convert(seen, cvd, "sRGB1"), 0, 1)
        ucs = cspace_convert(seen, "sRGB1", "CAM02-UCS")
        for (a, x), (b, y) in itertools.combinations(zip(kinds, ucs, strict=True), 2):
            assert np.linalg.norm(x - y) >= MIN_DISTANCE, (vision, a, b)


def test_dark_text_reads_on_every_class_colour():
    """Labels are dark text on the class's colour: a contrast of at least 4.5 (WCAG AA)."""
    from cimo_graph.views.style import STYLES

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    text = luminance("#222222")
    for kind, style in STYLES.items():
        assert (luminance(style.color) + 0.05) / (text + 0.05) >= 4.5, kind


def test_classes_drawn_in_one_column_with_one_shape_differ_in_grey():
    """Printed grey (ITU-R 601 luma), the classes the page draws in one column with one
    shape lie at least 12 grey levels apart (the classes of one figure: at least 25,
    test_figures.py)."""
    import itertools

    from cimo_graph.views.style import LAYERS, STYLES

    def grey(colour: str) -> float:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.299 * red + 0.587 * green + 0.114 * blue

    pairs = [
        (a, b)
        for a, b in itertools.combinations(STYLES, 2)
        if LAYERS.get(a) == LAYERS.get(b) and STYLES[a].shape == STYLES[b].shape
    ]
    assert len(pairs) >= 8
    for a, b in pairs:
        assert abs(grey(STYLES[a].color) - grey(STYLES[b].color)) >= 12, (a, b)


def test_a_page_prints_as_a_line_not_as_its_html(kg, tmp_path):
    """repr(page) (a terminal, a log, a notebook's plain-text form) is one short line, not
    the 700 KB page stored a second time."""
    page = kg.to_html()
    assert len(repr(page)) < 200 and "75 elements" in repr(page) and "<html" not in repr(page)
    page.save(tmp_path / "page.html")
    assert str(tmp_path / "page.html") in repr(page)
