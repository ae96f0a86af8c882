"""Encoding your own study without Turtle: a template as CSV files, an XLSX workbook or
one YAML file, read into the CIMO ontology's RDF and checked with its shapes.

``cg.load("study.xlsx")`` reads one; ``kg.export_template(path)`` writes one;
``cimo-graph new-study DIR`` starts one from a worked example.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .tables import TEMPLATE_FORMATS, Problem, TemplateError

__all__ = [
    "TEMPLATE_FORMATS",
    "Problem",
    "TemplateError",
    "example_path",
    "is_template",
    "read_template",
]

_SUFFIXES = (".xlsx", ".yaml", ".yml")


def example_path() -> Path:
    """The worked example study that ``cimo-graph new-study`` starts from."""
    return Path(__file__).parent / "example.yaml"


def is_template(path: Path) -> bool:
    """Whether ``path`` is a study template rather than an RDF file."""
    return path.is_dir() or path.suffix.lower() in _SUFFIXES


def read_template(path: Path) -> Graph:
    """Build and validate the study in the template at ``path``.

    Every problem (duplicate ids, unknown references with close matches, missing labels,
    unknown themes, wrong kinds of link, and the shapes' violations, each traced to its
    row) is reported at once in one :class:`TemplateError`.
    """
    from ..validation import validate_graph
    from .build import build_graph
    from .tables import read_tables

    tables, problems = read_tables(path)
    built = build_graph(tables)
    problems += built.problems
    if not problems:
        report = validate_graph(built.graph)
        for violation in report.violations:
            node = next(
                (
                    n
                    for n in built.places
                    if built.graph.namespace_manager.normalizeUri(n) == violation.focus
                    or str(n) == violation.focus.strip("<>")
                ),
                None,
            )
            row = built.places.get(node) if node is not None else None
            path_text = f" {violation.path}" if violation.path else ""
            message = f"{violation.message} ({violation.focus}{path_text})"
            if row is not None:
                problems.append(row.problem(None, None, message))
            else:
                problems.append(Problem(path.name, "", "", None, None, message))
    if problems:
        raise TemplateError(str(path), problems)
    return built.graph
