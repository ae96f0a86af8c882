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


def test_synthetic_studies_load_and_answer(tmp_path):
    """The generated studies load and answer as CIMO studies do: three studies, one
    proposition of six interventions each, routes to the feedback theme."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run
    finally:
        sys.path.pop(0)
    import cimo_graph as cg

    path = tmp_path / "studies-3.nt"
    path.write_text(run.synthetic(3), encoding="utf-8")
    kg = cg.load(path)
    assert kg.studies()["id"].tolist() == ["s0", "s1", "s2"]
    assert len(kg.propositions()) == 3
    assert kg.propositions()["interventions"].str.count(";").tolist() == [5, 5, 5]
    assert len(kg.interventions_for("feedback")) > 0
