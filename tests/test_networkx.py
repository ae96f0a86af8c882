"""The study as a networkx graph, and its exports read back by networkx."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import networkx as nx
import pytest

import cimo_graph as cg

W_NODES = {
    "W",
    "context",
    "educator",
    "W-AV",
    *(f"W-I{i}" for i in range(1, 7)),
    *(f"W-M{i}" for i in range(1, 5)),
    *(f"W-O{i}" for i in range(1, 5)),
}
SELF_DIRECTION_NODES = {
    "self-direction",
    "C",
    "P3",
    "context",
    "C-AV",
    "P3-aim",
    "W",
    "W-I3",
    *(f"C-I{i}" for i in range(1, 7)),
    *(f"C-M{i}" for i in range(1, 7)),
    *(f"C-O{i}" for i in range(1, 5)),
    "P3-means-1",
    "P3-means-2",
    "P3-means-3",
}


@pytest.fixture(scope="module")
def graph(kg):
    return kg.to_networkx()


def test_whole_study_as_a_multidigraph(kg, graph):
    """Every element is a node with its class and labels; links carry their relation."""
    assert isinstance(graph, nx.MultiDiGraph)
    elements = kg.sparql("SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n cimo:partOfStudy ?s }")[
        "c"
    ].item()
    assert graph.number_of_nodes() == elements
    links = kg.sparql("""SELECT (COUNT(*) AS ?c) WHERE { ?s ?p ?o . ?s cimo:partOfStudy ?x .
        ?o cimo:partOfStudy ?y . FILTER (?p != cimo:partOfStudy && ?p != rdf:type) }""")["c"].item()
    assert graph.number_of_edges() == links
    assert graph.nodes["W-M2"]["kind"] == "Mechanism"
    assert graph.nodes["W-M2"]["label_nl"] == "persoonlijke feedback en ondersteuning"
    assert graph.nodes["W-M2"]["source_text"] == "persoonlijke feedback en ondersteuning"
    relations = {data["relation"] for _, _, data in graph.edges(data=True)}
    assert {
        "cimo:hasIntervention",
        "cimo:carriedOutBy",
        "cimo:strengthens",
        "cimo:supports",
    } <= relations


def test_attribute_values_are_plain(graph):
    """No rdflib terms, None or lists: only str, int and float, as Gephi wants."""
    for _, data in graph.nodes(data=True):
        assert all(type(v) in (str, int, float) for v in data.values()), data
    for _, _, data in graph.edges(data=True):
        assert all(type(v) in (str, int, float) for v in data.values()), data
    ids = [data["id"] for _, _, data in graph.edges(data=True)]
    assert len(ids) == len(set(ids))


def test_networkx_algorithms_run(graph):
    """Which mechanisms are most central: a networkx algorithm on the graph."""
    centrality = nx.degree_centrality(graph)
    mechanisms = sorted(
        (n for n, k in graph.nodes(data="kind") if k == "Mechanism"),
        key=lambda n: (-centrality[n], n),
    )
    assert len(mechanisms) == 10 and centrality[mechanisms[0]] > 0


def test_focus_on_a_proposition(kg):
    """A proposition focus: its context, parts, added value and the role carrying it out."""
    assert set(kg.to_networkx(focus="W").nodes) == W_NODES


def test_focus_on_a_theme(kg):
    """A theme focus: the wholes on its routes with their parts, the mentions, the theme."""
    graph = kg.to_networkx(focus="zelfsturing")
    assert set(graph.nodes) == SELF_DIRECTION_NODES
    theme_links = {s for s, t, r in graph.edges(data="relation") if r == "cimo:theme"}
    assert theme_links == {"C-AV", "P3", "P3-aim", "P3-means-3", "W-I3"}


def test_focus_on_a_node_with_depth(kg):
    """A node's neighbourhood, one or two links deep."""
    one = set(kg.to_networkx(focus="W-I3", depth=1).nodes)
    assert one == {"W-I3", "W", "educator"}
    two = set(kg.to_networkx(focus="W-I3", depth=2).nodes)
    assert two >= W_NODES and {"R1", "school-based-educator", "A1"} <= two


def test_themes_as_nodes(kg):
    """themes=True adds the theme concepts and their links."""
    graph = kg.to_networkx(themes=True)
    assert graph.nodes["feedback"]["kind"] == "Theme"
    assert graph.in_degree("feedback") == 9


def test_same_graph_every_time(kg):
    """Two conversions give the same nodes, attributes, edges and positions, in order."""
    first, second = kg.to_networkx(), cg.load().to_networkx()
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(keys=True, data=True)) == list(second.edges(keys=True, data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cyjs", "dot"])
def test_exports_read_back(kg, graph, tmp_path, fmt):
    """Each export, read back by networkx, has every node and every (parallel) edge."""
    path = kg.export(tmp_path / f"study.{fmt}")
    if fmt == "graphml":
        back = nx.read_graphml(path, force_multigraph=True)
    elif fmt == "gexf":
        back = nx.read_gexf(path)
    elif fmt == "cyjs":
        back = nx.cytoscape_graph(json.loads(path.read_text(encoding="utf-8")))
    else:
        back = nx.nx_pydot.read_dot(path)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    node = next(n for n in back.nodes if str(n).strip('"') == "W-I3")
    assert (
        str(back.nodes[node]["label_nl"]).strip('"') == "eigen initiatief en zelfsturing verwachten"
    )


def test_cytoscape_export_opens_laid_out_and_styled(kg, graph, tmp_path):
    """Cytoscape's preset layout reads ``position``: the nodes stand apart, in the
    layered layout's places, and each class has its colour and shape."""
    data = json.loads(kg.export(tmp_path / "study.cyjs").read_text(encoding="utf-8"))
    nodes = data["elements"]["nodes"]
    places = {(n["position"]["x"], n["position"]["y"]) for n in nodes}
    assert len(places) == len(nodes) == graph.number_of_nodes()
    first = nodes[0]
    assert first["position"] == {"x": first["data"]["x"], "y": first["data"]["y"]}
    assert data["layout"] == {"name": "preset"}
    styles = {rule["selector"]: rule["style"] for rule in data["style"]}
    from cimo_graph.views.style import style_for

    intervention = styles["node[kind = 'Intervention']"]["background-color"]
    assert intervention == style_for("Intervention").color
    assert styles["node[kind = 'Role']"]["shape"] == "ellipse"
    assert {n["data"]["kind"] for n in nodes} <= {
        selector.split("'")[1] for selector in styles if selector.startswith("node[")
    }


def test_cytoscape_export_is_in_the_form_cytoscape_desktop_writes(kg, graph, tmp_path):
    """As Cytoscape Desktop writes .cyjs: the network's data an object naming it, each
    node named by its label (not its id), each edge 'source (relation) target' with the
    relation as its interaction; and beside it a style file in Desktop's form."""
    path = kg.export(tmp_path / "study.cyjs")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format_version"] == "1.0" and data["target_cytoscapejs_version"] == "~2.1"
    assert data["data"]["name"] == data["data"]["shared_name"] == graph.graph["name"]
    node = next(n["data"] for n in data["elements"]["nodes"] if n["data"]["id"] == "W-I3")
    assert node["name"] == node["shared_name"] == graph.nodes["W-I3"]["label"]
    edge = next(
        e["data"]
        for e in data["elements"]["edges"]
        if (e["data"]["source"], e["data"]["target"]) == ("W", "W-I3")
    )
    assert edge["interaction"] == "cimo:hasIntervention"
    assert edge["name"] == (
        f"{graph.nodes['W']['label']} (cimo:hasIntervention) {graph.nodes['W-I3']['label']}"
    )
    [style] = json.loads((tmp_path / "study.style.json").read_text(encoding="utf-8"))
    assert style["title"] == "cimo-graph" and style["format_version"] == "1.0"
    rules = {rule["selector"]: rule["css"] for rule in style["style"]}
    assert rules["node"]["content"] == "data(name)"
    kinds = {kind for _, kind in graph.nodes(data="kind")}
    assert {f"node[kind = '{kind}']" for kind in kinds} <= set(rules)
    # the network's own style is the same rules, as Cytoscape.js takes them
    assert [r["style"] for r in data["style"]] == [r["css"] for r in style["style"]]


def test_graphml_keeps_parallel_edges_apart(kg, tmp_path):
    """Two links between the same nodes stay two edges with their own ids."""
    graph = kg.to_networkx(focus="R1", depth=1)
    path = kg.export(tmp_path / "r1.graphml", focus="R1", depth=1)
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_edges() == graph.number_of_edges()
    text = path.read_text(encoding="utf-8")
    assert text.count("<edge ") == graph.number_of_edges()


def test_dot_quotes_hostile_text(tmp_path):
    """Quotes, braces and backslashes in labels stay inside their quoted DOT strings."""
    from cimo_graph.views.exports import to_dot

    graph = nx.MultiDiGraph(name="t")
    graph.add_node('a"b', label='x"; } digraph { evil')
    graph.add_node("c:d", label="back\\slash\nline")
    graph.add_edge('a"b', "c:d", key="e0", relation="cimo:x")
    text = to_dot(graph)
    path = tmp_path / "t.dot"
    path.write_text(text, encoding="utf-8")
    back = nx.nx_pydot.read_dot(path)
    assert back.number_of_nodes() == 2 and back.number_of_edges() == 1


def test_export_unknown_format(kg, tmp_path):
    """An unknown format names the ones there are and writes nothing."""
    with pytest.raises(cg.CimoGraphError, match="graphml"):
        kg.export(tmp_path / "study.xlsx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("lang", "attributed"), [("en", "attributed to"), ("nl", "toegeschreven aan")]
)
def test_every_edge_label_is_words_in_the_language(kg, lang, attributed):
    """Links of other vocabularies (prov:wasAttributedTo) read as words in the page's
    language, never as a raw camel-case name."""
    import re

    labels = {label for *_, label in kg.to_networkx(lang=lang).edges(data="label")}
    assert attributed in labels
    assert not [label for label in labels if re.search(r"[a-z][A-Z]|^$", label)]


GEXF_SCHEMA = Path(__file__).parent / "data" / "vendor" / "gexf-1.2draft" / "gexf.xsd"


@pytest.mark.parametrize(
    ("study", "options"),
    [(None, {}), (None, {"themes": True}), ("widening-access.yaml", {"focus": "CMO1"})],
    ids=["bundled", "themes", "realist"],
)
def test_gexf_is_valid_against_the_gexf_schema(tmp_path, study, options):
    """The GEXF export validates against the GEXF 1.2 XML Schema (its viz elements as the
    primer specifies them: tests/data/vendor/README.md): no graph name attribute, no
    element out of place."""
    import xmlschema

    from .conftest import DATA

    kg = cg.load(DATA / "studies" / study) if study else cg.load()
    path = kg.export(tmp_path / "study.gexf", **options)
    schema = xmlschema.XMLSchema(str(GEXF_SCHEMA))
    assert [f"{e.path}: {e.reason}" for e in schema.iter_errors(str(path))] == []


def test_the_published_gexf_schema_refuses_what_networkx_writes(kg, tmp_path):
    """The check bites: networkx's own GEXF of the same graph (a graph name attribute)
    does not validate."""
    import xmlschema

    path = tmp_path / "networkx.gexf"
    nx.write_gexf(kg.to_networkx(), path)
    reasons = [e.reason for e in xmlschema.XMLSchema(str(GEXF_SCHEMA)).iter_errors(str(path))]
    assert any("'name' attribute not allowed" in reason for reason in reasons)


def test_gexf_is_the_same_bytes_whatever_the_day(kg, tmp_path, monkeypatch):
    """The same study gives the same GEXF bytes on any day (networkx stamps the day of
    writing), with the graph's name kept as the meta's description."""
    import time

    first = kg.export(tmp_path / "today.gexf").read_bytes()
    monkeypatch.setattr(time, "strftime", lambda *_: "2031-07-04")
    second = kg.export(tmp_path / "another-day.gexf").read_bytes()
    assert first == second
    assert b"lastmodifieddate" not in first
    assert b"<description>all elements</description>" in first


def test_gexf_opens_laid_out_and_coloured_in_gephi(kg, graph, tmp_path):
    """GEXF read with a plain XML parser: every node has Gephi's viz position (the page's
    place, y up), its class's colour and a size."""
    import xml.etree.ElementTree as ET

    from cimo_graph.views.style import style_for

    root = ET.parse(kg.export(tmp_path / "study.gexf")).getroot()
    viz = next(ns for ns in {e.tag[1:].split("}")[0] for e in root.iter()} if "viz" in ns)
    nodes = [e for e in root.iter() if e.tag.endswith("}node")]
    assert len(nodes) == graph.number_of_nodes()
    for node in nodes:
        data = graph.nodes[node.get("id")]
        position = node.find(f"{{{viz}}}position")
        assert float(position.get("x")) == data["x"]
        assert float(position.get("y")) == -data["y"]
        colour = node.find(f"{{{viz}}}color")
        rgb = "#" + "".join(f"{int(colour.get(c)):02x}" for c in "rgb")
        assert rgb == style_for(data["kind"]).color
        assert float(node.find(f"{{{viz}}}size").get("value")) > 0


def test_dot_has_the_palette_shapes_and_a_rank_per_column(kg, graph, tmp_path):
    """DOT read by pydot: each node in its class's colour and shape, one rank per CIMO
    column."""
    import pydot

    from cimo_graph.views.style import style_for

    [dot] = pydot.graph_from_dot_file(str(kg.export(tmp_path / "study.dot")))
    node = dot.get_node('"W-I3"')[0]
    assert node.get("fillcolor").strip('"') == style_for("Intervention").color
    assert node.get("shape").strip('"') == "box"
    role = dot.get_node('"educator"')[0]
    assert role.get("shape").strip('"') == "ellipse"
    ranks = [s for s in dot.get_subgraphs() if s.get("rank") in ("source", "same")]
    assert len(ranks) == len({layer for _, layer in graph.nodes(data="layer")})


def _dot_columns(path) -> dict[int, list[float]]:
    """Where Graphviz's `dot` places each node of the DOT file at ``path``: the x of every
    node, by the layer (CIMO column) it carries (read from ``dot -Tjson``)."""
    import shutil
    import subprocess

    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("no Graphviz here: apt-get install graphviz (scripts/system-packages.sh)")
    laid = subprocess.run([dot, "-Tjson", str(path)], capture_output=True, text=True, check=True)
    columns: dict[int, list[float]] = {}
    for drawn in json.loads(laid.stdout)["objects"]:
        if "pos" in drawn and "layer" in drawn:
            columns.setdefault(int(drawn["layer"]), []).append(float(drawn["pos"].split(",")[0]))
    return columns


@pytest.mark.parametrize(
    ("study", "options"),
    [
        (None, {}),
        (None, {"themes": True}),
        (None, {"focus": "W"}),
        ("widening-access.yaml", {}),
        ("widening-access.yaml", {"focus": "sense of belonging"}),
    ],
    ids=["bundled", "themes", "proposition", "realist", "realist-theme"],
)
def test_graphviz_keeps_each_cimo_column_in_its_own_rank(tmp_path, study, options):
    """Laid out by Graphviz, each CIMO column stands apart, left to right in its order
    (mechanisms and outcomes, which no link of the bundled study joins to interventions,
    used to land in the interventions' rank)."""
    from .conftest import DATA

    kg = cg.load(DATA / "studies" / study) if study else cg.load()
    columns = _dot_columns(kg.export(tmp_path / "study.dot", **options))
    assert len(columns) >= 4
    order = sorted(columns)
    for left, right in itertools.pairwise(order):
        assert max(columns[left]) < min(columns[right]), (left, right, columns)


def test_dot_labels_wrap_as_the_page_wraps_them(kg, tmp_path):
    import pydot

    from cimo_graph.views.layout import wrap_label

    [dot] = pydot.graph_from_dot_file(str(kg.export(tmp_path / "study.dot")))
    node = dot.get_node('"W-I1"')[0]
    label = kg.to_networkx().nodes["W-I1"]["label"]
    assert node.get("label").strip('"') == "\\n".join(wrap_label(label))
    assert node.get("label_en").strip('"') == label


def test_graphviz_draws_the_dot_export_in_the_palette(kg, tmp_path):
    """Graphviz's `dot` lays out the DOT export without complaint: every node drawn, in
    its class's colour, columns left to right."""
    import re
    import shutil
    import subprocess

    from cimo_graph.views.style import style_for

    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("no Graphviz here: apt-get install graphviz (scripts/system-packages.sh)")
    path = kg.export(tmp_path / "study.dot", focus="W")
    drawn = subprocess.run([dot, "-Tsvg", str(path)], capture_output=True, text=True, check=False)
    assert drawn.returncode == 0 and "Warning: syntax" not in drawn.stderr, drawn.stderr
    svg = drawn.stdout
    titles = re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]*)</title>', svg)
    assert len(titles) == kg.to_networkx(focus="W").number_of_nodes()
    assert f'fill="{style_for("Intervention").color}"' in svg
    assert f'fill="{style_for("Mechanism").color}"' in svg
