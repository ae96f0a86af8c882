"""The explorer widget's Python side (its view is tested in a real JupyterLab in
test_jupyterlab.py): what it sends the view follows focus and selection."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import cimo_graph as cg

pytest.importorskip("anywidget", reason="pip install 'cimo-graph[notebook]'")

VIEW = Path(cg.__file__).parent / "views" / "templates" / "explorer.js"


@pytest.fixture
def explorer(kg):
    return kg.explore("self-direction")


def test_it_draws_the_page_network_of_its_focus(kg, explorer):
    drawn = {n["id"] for n in explorer.network["nodes"]}
    page = kg.to_pyvis(focus="self-direction")
    assert drawn == {n["id"] for n in page.nodes}
    assert explorer.network["legend"] and explorer.network["options"]["physics"] == {
        "enabled": False
    }
    values = [value for value, _ in explorer.choices]
    assert values[0] == "" and "self-direction" in values and "W" in values


def test_selecting_an_element_sends_its_evidence(kg, explorer):
    assert explorer.evidence.empty and "hint" in explorer.evidence_shown
    seen = []
    explorer.observe(lambda change: seen.append(change.new), names="selected")
    explorer.selected = "P3-means-2"
    assert seen == ["P3-means-2"]
    expected = kg.evidence("P3-means-2")
    assert explorer.evidence["text"].tolist() == expected["text"].tolist()
    shown = explorer.evidence_shown
    assert shown["id"] == "P3-means-2" and len(shown["rows"]) == len(expected)
    assert shown["label"] == "putting students' concerns at the centre"


def test_a_new_focus_redraws_lists_routes_and_clears_the_selection(kg, explorer):
    explorer.selected = "P3-means-2"
    explorer.focus = "W"
    assert explorer.selected == "" and len(explorer.network["nodes"]) == 18
    assert set(explorer.routes["question"]) <= {
        "interventions_for",
        "mechanisms_for",
        "outcomes_of",
    }
    assert explorer.routes_shown["title"] == "W: Design proposition: well-being"
    explorer.focus = ""
    assert len(explorer.network["nodes"]) == 75 and explorer.routes.empty
    assert explorer.routes_shown == {}


def test_the_view_sets_text_as_text_and_fetches_nothing():
    view = VIEW.read_text(encoding="utf-8")
    assert "innerHTML" not in view and "insertAdjacentHTML" not in view
    assert "http" not in view and "import " not in view.split("export default")[0]


def test_without_anywidget_the_error_says_what_to_install(kg, monkeypatch):
    monkeypatch.setitem(sys.modules, "anywidget", None)
    monkeypatch.delitem(sys.modules, "cimo_graph.views.explorer", raising=False)
    with pytest.raises(cg.CimoGraphError, match=r"pip install 'cimo-graph\[notebook\]'"):
        kg.explore()
