"""The example notebooks run top to bottom, so they never go stale."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    """Every cell of the notebook runs without error (executed in a fresh kernel)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    first, last = notebook.cells[0].source, notebook.cells[-1].source
    assert "What this notebook teaches" in first and "What to try next" in last


def test_four_notebooks():
    """Quickstart, SPARQL, figures and your own study."""
    assert [p.stem for p in NOTEBOOKS] == [
        "01-quickstart",
        "02-sparql",
        "03-figures",
        "04-your-own-study",
    ]
