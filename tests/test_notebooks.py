"""The example notebooks run top to bottom, so they never go stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

#: the last line of a cell that shows a figure: ``figure``, a ``.figure(...)`` or
#: ``.network_figure(...)`` call
FIGURE_CELL = re.compile(r"^(figure|\w+\.(network_)?figure\(.*\))$")
NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def executed(path: Path, folder: Path):
    """The notebook at ``path`` executed top to bottom in a fresh kernel working in
    ``folder``."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    """Every cell of the notebook runs without error (executed in a fresh kernel)."""
    import nbformat

    assert all(
        not cell.get("outputs")
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
    )
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("cimo-*"))
    notebook = executed(path, tmp_path)
    # what a notebook writes for itself it removes (the tests' own folders aside)
    left = set(Path(tempfile.gettempdir()).glob("cimo-*")) - before
    assert not [p for p in left if p.name.startswith(("cimo-figures-", "cimo-study-"))]
    first, last = notebook.cells[0].source, notebook.cells[-1].source
    assert "What this notebook teaches" in first and "What to try next" in last
    # every network a cell shows carries its picture (for a notebook opened untrusted);
    # the notebook as saved stays small (the page stored once, figures in a palette)
    for cell in notebook.cells:
        for data in (output.get("data", {}) for output in cell.get("outputs", ())):
            if 'title="cimo-graph network"' in data.get("text/html", ""):
                assert '<img src="data:image/png;base64,' in data["text/html"], cell.source
                assert "trust the notebook" in data["text/plain"]
    saved = tmp_path / "executed.ipynb"
    nbformat.write(notebook, saved)
    assert saved.stat().st_size < 1_500_000, f"{path.name}: {saved.stat().st_size} bytes"
    # a cell ending in a figure shows the figure, with no %matplotlib magic
    for cell in notebook.cells:
        if cell.cell_type == "code" and FIGURE_CELL.search(cell.source.splitlines()[-1]):
            shown = [output.get("data", {}) for output in cell.outputs]
            assert any("image/png" in data for data in shown), cell.source
            assert not any("<CimoFigure" in data.get("text/html", "") for data in shown)


def test_figure_cells_are_checked():
    """The figure notebooks have cells ending in a figure, so the check above bites."""
    import nbformat

    cells = [
        cell
        for path in NOTEBOOKS
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code" and FIGURE_CELL.search(cell.source.splitlines()[-1])
    ]
    assert len(cells) >= 3


def test_five_notebooks():
    """Quickstart, SPARQL, figures, your own study and several studies together."""
    assert [p.stem for p in NOTEBOOKS] == [
        "01-quickstart",
        "02-sparql",
        "03-figures",
        "04-your-own-study",
        "05-synthesis",
    ]


@pytest.mark.slow
def test_progress_in_a_notebook_is_a_widget_not_saved_text(tmp_path):
    """In a Jupyter kernel a long step shows tqdm's widget (ipywidgets installed), and no
    text bar lands in the notebook's saved output; quiet shows none."""
    import nbformat

    studies = sorted(str(p) for p in (Path(__file__).parent / "data" / "studies").glob("*.yaml"))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(f"import cimo_graph as cg\nkg = cg.load({studies!r})"),
        nbformat.v4.new_code_cell(
            f"from cimo_graph.progress import set_quiet\nset_quiet()\nkg = cg.load({studies!r})"
        ),
    ]
    path = tmp_path / "progress.ipynb"
    nbformat.write(notebook, path)
    shown, quiet = executed(path, tmp_path).cells
    widgets = [
        o for o in shown.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widgets, shown.outputs
    assert not [o for o in shown.outputs if o.get("name") == "stderr"]
    assert quiet.outputs == []
