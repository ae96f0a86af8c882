"""The %%sparql cell magic, run in a real IPython shell."""

from __future__ import annotations

import pytest

pytest.importorskip("IPython", reason="the notebook magic needs IPython (pip install ipython)")


@pytest.fixture(scope="module")
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "cimo_graph")
    return shell


def test_sparql_magic_runs_on_the_bundled_study(shell):
    """%%sparql without a graph in the notebook queries the bundled study."""
    shell.user_ns.pop("kg", None)
    result = shell.run_cell_magic(
        "sparql",
        "",
        "SELECT ?id WHERE { lnw:W cimo:hasOutcome/dcterms:identifier ?id } ORDER BY ?id",
    )
    assert result["id"].tolist() == ["W-O1", "W-O2", "W-O3", "W-O4"]


def test_sparql_magic_uses_a_named_graph_param_and_out(shell):
    """%%sparql GRAPH --param var=name --out result: chosen graph, bound variable, stored."""
    import cimo_graph as cg

    shell.user_ns["study"] = cg.load()
    shell.user_ns["t"] = shell.user_ns["study"].theme("korte lijnen")
    result = shell.run_cell_magic(
        "sparql",
        "study --param theme=t --out answer",
        "SELECT ?id WHERE { ?m cimo:theme ?theme ; a cimo:Mechanism ; dcterms:identifier ?id } ORDER BY ?id",
    )
    assert result["id"].tolist() == ["C-M3", "W-M1"]
    assert shell.user_ns["answer"].equals(result)


def test_sparql_magic_reports_a_missing_variable(shell):
    """Naming a graph the notebook does not have is a clear NameError."""
    with pytest.raises(NameError, match="no variable 'nothing'"):
        shell.run_cell_magic("sparql", "nothing", "ASK {}")
