"""The benchmark runs from its README command and measures what it says (no timings
are checked: machines are shared and noisy)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELPERS = [
    "interventions_for",
    "interventions_for (1 study)",
    "mechanisms_for",
    "outcomes_of",
    "evidence",
    "shared_elements",
    "describe",
    "propositions",
    "pillars",
    "roles",
    "themes",
    "sentences",
    "studies",
    "compare_studies",
    "sparql",
    "to_networkx (focus W)",
    "render html (focus W)",
    "validate",
    "report (HTML)",
]


def test_benchmark_measures_every_helper_on_every_store(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--sizes", "2", "--runs", "1", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["imports"]) == {"rdflib", "cimo_graph"}
    assert report["bundled_load"]["median"] > 0
    size = report["sizes"]["2"]
    assert size["triples"] > 200
    for store in ("rdflib", "memory", "oxigraph"):
        figures = size["results"][store]
        assert "error" not in figures, figures
        for name in ["load", *HELPERS]:
            assert {"cold", "min", "median"} <= set(figures[name]), (store, name)
        assert figures["first question (index)"]["cold"] > 0
        assert figures["peak_rss_mb"] > 0
    assert "interventions_for (1 study)" in done.stdout and "ratio" in done.stdout
    # the raw queries, also asked of the Oxigraph store in the helpers' process
    here = size["results"]["raw here"]
    assert {"cold", "min", "median"} <= set(here["interventions_for"])
    assert set(here) >= {"propositions", "roles", "themes", "validate"}
    assert "vs raw here" in done.stdout


def test_raw_queries_in_the_helpers_process_read_the_studies(tmp_path):
    """The raw queries asked of cimo-graph's own Oxigraph store read its graph (not an
    empty default graph): as many rows as from pyoxigraph's store of the same file."""
    import pyoxigraph as ox

    import cimo_graph as cg

    path = _three_studies(tmp_path)
    raw = _bench("raw")
    limits = _bench("run")._limits(cg.load(path, store="oxigraph"), str(path))
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    queries = raw.queries(2)
    for name in ("interventions_for", "propositions", "themes"):
        assert limits[name]() == raw.answer(store, queries[name]) > 0, name
    assert _bench("run")._limits(cg.load(path), str(path)) == {}  # the memory store


def _bench(name: str):
    """A module of bench/ (``run``, ``raw``)."""
    import importlib

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


def _three_studies(folder):
    """Three synthetic studies of bench/run.py as an N-Triples file."""
    path = folder / "studies-3.nt"
    path.write_text(_bench("run").synthetic(3), encoding="utf-8")
    return path


def test_synthetic_studies_load_and_answer(tmp_path):
    """The generated studies load and answer as CIMO studies do: three studies, one
    proposition of six interventions each, routes to the feedback theme."""
    import cimo_graph as cg

    kg = cg.load(_three_studies(tmp_path))
    assert kg.studies()["id"].tolist() == ["s0", "s1", "s2"]
    assert len(kg.propositions()) == 3
    assert kg.propositions()["interventions"].str.count(";").tolist() == [5, 5, 5]
    assert len(kg.interventions_for("feedback")) > 0


def test_raw_queries_answer_what_the_listings_show(tmp_path):
    """The limit is honest: each listing's raw queries (bench/raw.py) return a row for
    every row the helper shows, and read the columns that cost something to find (the
    parts' labels, the wholes' source texts and themes, the roles' statements)."""
    import pyoxigraph as ox

    import cimo_graph as cg

    path = _three_studies(tmp_path)
    kg = cg.load(path)
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    queries = _bench("raw").queries(2)

    def first_column(name: str, index: int = 0) -> set[str]:
        return {solution[0].value for solution in store.query(queries[name][index])}

    for name, frame in [("propositions", kg.propositions()), ("pillars", kg.pillars())]:
        assert first_column(name) == first_column(name, 1) == set(frame["iri"]), name
    assert first_column("roles", 1) == set(kg.roles()["iri"])
    assert first_column("themes") == set(kg.themes()["iri"])
    assert first_column("sentences", 1) == set(kg.sentences()["iri"])
    routes = kg.interventions_for("feedback")
    assert first_column("interventions_for") == set(routes["iri"])
    # the second reads the name of every proposition, pillar and part a route names
    named = {solution[1].value for solution in store.query(queries["interventions_for"][1])}
    assert named >= set(routes["through"]) | set(routes["via"]) - {""}
    columns = {
        "propositions": ["?labels", "?text", "?note", "?themes", "?study"],
        "pillars": ["?labels", "?context", "?themes"],
        "roles": ["?labels", "?statedFor", "?broader", "?text"],
        "themes": ["?other", "?synonym", "?definition", "?schemeId", "?study"],
        "compare_studies": ["?label", "?studyId"],
        "studies": ["?studyId", "?title"],
        "sentences": ["?labels", "?actors"],
    }
    for name, variables in columns.items():
        text = " ".join(queries[name])
        for variable in variables:
            assert variable in text, (name, variable)
