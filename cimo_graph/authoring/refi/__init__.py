"""Studies coded in ATLAS.ti, NVivo, MAXQDA or QualCoder, through REFI-QDA: the CIMO
codebook to code with (``.qdc``), a coded project (``.qdpx``) read into a study, and a
study written as a project.

``cg.load("project.qdpx")`` reads one (``mapping=`` names the kinds of codes called
otherwise); ``kg.export_project(path, documents=...)`` writes one;
``cimo-graph codebook --out cimo.qdc`` starts one.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from rdflib import Graph

from ...errors import ProjectImportWarning, TemplateWarning
from ..tables import Problem, TemplateError
from .archive import MAX_PROJECT_BYTES, read_project
from .writer import write_codebook, write_project

__all__ = [
    "MAX_PROJECT_BYTES",
    "ProjectImportWarning",
    "is_project",
    "read_project_study",
    "write_codebook",
    "write_project",
]

_SUFFIXES = (".qdpx", ".qde")


def is_project(path: Path) -> bool:
    """Whether ``path`` is a REFI-QDA project (``.qdpx`` or ``.qde``)."""
    return path.suffix.lower() in _SUFFIXES


def _in_project_words(problem: Problem) -> Problem:
    """A template problem said of the project: the code, document or description line,
    never a sheet or column it does not have."""
    if problem.sheet or problem.column is None:
        return replace(problem, sheet="")
    column = problem.column
    where = problem.where
    message = problem.message.replace(
        "in the study sheet's column 'languages'", "in the project's field 'languages:'"
    ).replace("leave this column empty", "leave this field out")
    if "field '" not in where and "its name" not in where and "mapping" not in where:
        where = f"{where}, field '{column}:'"
    holder = "the project's" if where.startswith("the project") else "the code's"
    if message == "missing required label":
        message = f"missing its label: write '{column}: ...' in {holder} description"
    elif message == "missing required value":
        message = f"missing: write '{column}: ...' in {holder} description"
    return replace(problem, sheet="", where=where, column=None, message=message)


def read_project_study(
    path: Path | str, *, mapping: Mapping[str, Any] | Path | str | None = None
) -> Graph:
    """Build and validate the study coded in the REFI-QDA project at ``path``.

    Every problem (a code of no known kind, an unknown theme, a missing label, the
    shapes' violations) is reported at once in one :class:`TemplateError`, each naming
    its code, document or segment. What the study cannot hold (a PDF area's missing
    text) is said in a :class:`ProjectImportWarning`.
    """
    from .. import _shape_problems
    from ..build import build_graph
    from .convention import project_tables, read_mapping

    path = Path(path)
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = read_mapping(Path(mapping))
    from ...progress import bar

    with bar(3, f"importing {path.name}", "step") as shown:
        project = read_project(path)
        shown.update()
        tables, problems = project_tables(project, mapping)
        built = build_graph(tables)
        problems += built.problems
        shown.update()
        if built.places:
            problems += _shape_problems(built, path, problems, project=True)
        shown.update()
    if problems:
        problems = [_in_project_words(p) for p in problems]
        raise TemplateError(str(path), problems, what="the coded project")
    for note in project.skipped:
        warnings.warn(f"{path.name}: {note}", ProjectImportWarning, stacklevel=2)
    for notice in built.notices:
        warnings.warn(str(_in_project_words(notice)), TemplateWarning, stacklevel=2)
    return built.graph
