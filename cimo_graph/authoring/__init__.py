"""Encoding your own study without Turtle: a template as CSV files, an XLSX workbook or
one YAML file, read into the CIMO ontology's RDF and checked with its shapes.

``cg.load("study.xlsx")`` reads one; ``kg.export_template(path)`` writes one;
``cimo-graph new-study DIR`` starts one from a worked example.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDFS

from ..errors import TemplateWarning
from .tables import TEMPLATE_FORMATS, Problem, TemplateError

__all__ = [
    "TEMPLATE_FORMATS",
    "Problem",
    "TemplateError",
    "example_path",
    "example_study",
    "is_template",
    "new_study",
    "read_template",
]

_SUFFIXES = (".xlsx", ".yaml", ".yml", ".qdpx", ".qde")


def example_path() -> Path:
    """The worked example study that ``cimo-graph new-study`` starts from."""
    return Path(__file__).parent / "example.yaml"


def example_study(languages: Sequence[str] = ("nl", "en")) -> Graph:
    """The worked example as a study in ``languages``: labels, titles and the other texts
    that come once per language are kept for those languages only, and a language the
    example lacks gets the English text marked ``[xx]`` for you to translate, so the
    example stays a valid study in any languages. Its source texts, places, names and
    notes are Dutch; without Dutch among ``languages`` they are English (marked ``[xx]``
    where English is not among them either), and so is the source language.

    >>> graph = example_study(["en"])
    >>> sorted({str(o.language) for o in graph.objects(None, RDFS.label)})
    ['en']
    >>> sorted({str(o.language) for o in graph.objects(None, cg.CIMO.sourceText)})
    ['en']
    """
    from rdflib import Literal
    from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

    from ..namespace import CIMO
    from .build import _LANG
    from .tables import read_tables

    wanted = [str(lang).strip() for lang in languages if str(lang).strip()]
    bad = [lang for lang in wanted if not _LANG.match(lang)]
    if not wanted or bad:
        raise TemplateError(
            "--languages",
            [
                Problem(
                    "--languages",
                    "",
                    "",
                    None,
                    ", ".join(bad) or None,
                    "give language tags such as nl or en, separated by commas",
                )
            ],
        )
    from .build import build_graph

    tables, _ = read_tables(example_path())
    graph = build_graph(tables).graph
    study = next(graph.subjects(RDF.type, CIMO.Study))
    graph.remove((study, CIMO.labelLanguage, None))
    for lang in wanted:
        graph.add((study, CIMO.labelLanguage, Literal(lang, datatype=XSD.language)))
    per_language = {RDFS.label, CIMO.pluralLabel, CIMO.method, SKOS.prefLabel, SKOS.altLabel}
    for subject in set(graph.subjects()):
        predicates = per_language | ({DCTERMS.title} if subject == study else set())
        for predicate in predicates:
            texts = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
            by_lang = {o.language: o for o in texts if o.language}
            if not by_lang:
                continue
            for text in texts:
                if text.language not in wanted:
                    graph.remove((subject, predicate, text))
            if predicate == SKOS.altLabel:
                continue  # other names are optional: none is made up
            model = by_lang.get("en") or next(iter(by_lang.values()))
            for lang in wanted:
                if lang not in by_lang:
                    graph.add((subject, predicate, Literal(f"[{lang}] {model}", lang=lang)))
    if "nl" not in wanted:
        _texts_in(graph, "en" if "en" in wanted else wanted[0])
    return graph


def _texts_in(graph: Graph, lang: str) -> None:
    """The example's Dutch texts that come once (source texts, places, names, notes), and
    its source language, in ``lang``: English, marked ``[xx]`` for another language."""
    import yaml
    from rdflib import Literal
    from rdflib.namespace import DCTERMS

    english = yaml.safe_load((Path(__file__).parent / "example-texts-en.yaml").read_text("utf-8"))
    for subject, predicate, text in list(graph):
        if not isinstance(text, Literal) or text.datatype is not None:
            continue
        if predicate == DCTERMS.language and str(text) == "nl":
            graph.set((subject, predicate, Literal(lang)))
        elif str(text) in english and text.language in (None, "nl", "en"):
            written = english[str(text)] if lang == "en" else f"[{lang}] {english[str(text)]}"
            graph.remove((subject, predicate, text))
            graph.add((subject, predicate, Literal(written, lang=lang if text.language else None)))


def new_study(
    path: Path | str,
    *,
    languages: Sequence[str] = ("nl", "en"),
    format: str | None = None,
    force: bool = False,
) -> Path:
    """Write a study template at ``path`` (a folder of CSV files, ``.xlsx`` or ``.yaml``)
    holding the worked example in ``languages``: one example row per sheet, with the
    label columns for exactly those languages. As written it loads without a mistake.
    A file at ``path`` or a folder that is not empty (a filled template, perhaps) is
    refused with :class:`~cimo_graph.OutputError` unless ``force``.

    >>> import tempfile, cimo_graph as cg
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = new_study(folder / "my-study.yaml", languages=["en"])
    >>> cg.load(path).validate().conforms
    True
    """
    from .export import write_template

    return write_template(example_study(languages), path, fmt=format, force=force)


def is_template(path: Path) -> bool:
    """Whether ``path`` is a study template (or a REFI-QDA project) rather than RDF."""
    return path.is_dir() or path.suffix.lower() in _SUFFIXES


def _shape_problems(
    built: Any, path: Path, known: list[Problem], *, project: bool = False
) -> list[Problem]:
    """The shapes' violations of the built study, each at the row it comes from and in
    the template's (or the coding tool's) words; a missing label already reported for its
    row is not said twice."""
    from ..validation import validate_graph
    from .advice import advice

    seen = {(p.sheet, p.where) for p in known}
    report = validate_graph(built.graph)
    names = built.graph.namespace_manager
    by_name = {names.normalizeUri(node): row for node, row in built.places.items()}
    by_name.update({f"<{node}>": row for node, row in built.places.items()})
    problems: list[Problem] = []
    for violation in report.violations:
        row = by_name.get(violation.focus)
        if violation.severity != "Violation":
            # a likely slip that still conforms: said, not refused
            where = row.problem(None, row.cells.get("id"), "") if row is not None else None
            place = str(where).rstrip(": ") if where is not None else path.name
            warnings.warn(f"{place}: {violation.message}", TemplateWarning, stacklevel=3)
            continue
        if row is None:
            problems.append(
                Problem(path.name, "", "", None, None, advice(violation, project=project))
            )
            continue
        problem = row.problem(None, row.cells.get("id"), advice(violation, project=project))
        places = {row.where, *row.places.values()}
        if any((row.sheet, w) in seen for w in places) and (
            "label" in problem.message or row.sheet == "confidence"
        ):
            continue  # already said: a missing required label, a refused judgement
        if problem not in problems:
            problems.append(problem)
    return problems


def read_template(path: Path, *, mapping: Any = None) -> Graph:
    """Build and validate the study in the template at ``path``.

    Every problem (duplicate ids, unknown references with close matches, missing labels,
    unknown themes, wrong kinds of link, and the shapes' violations, each traced to its
    row) is reported at once in one :class:`TemplateError`. A REFI-QDA project
    (``.qdpx``) is read with the CIMO coding convention (and ``mapping``, if given).
    """
    from .build import build_graph
    from .tables import read_tables

    if path.suffix.lower() in (".qdpx", ".qde"):
        from .refi import read_project_study

        return read_project_study(path, mapping=mapping)
    if mapping is not None:
        raise TemplateError(
            str(path),
            [Problem(path.name, "", "", None, None, "mapping= is for REFI-QDA projects (.qdpx)")],
        )

    tables, problems = read_tables(path)
    built = build_graph(tables)
    problems += built.problems
    if built.places:  # the study row was read: the shapes speak of what was built
        problems += _shape_problems(built, path, problems)
    if problems:
        raise TemplateError(str(path), problems)
    for notice in built.notices:
        warnings.warn(str(notice), TemplateWarning, stacklevel=2)
    return built.graph
