"""Mapping tables in SSSOM's TSV form: a metadata block of ``#`` lines (YAML: the prefixes
the ids use, the mapping set's id, licence, date and creator), then one mapping a row.

A researcher reviews the table in a spreadsheet: keeps a row, changes its predicate
(``skos:exactMatch``, ``skos:closeMatch``, ``skos:broadMatch``, ``skos:narrowMatch``), marks
it wrong (``predicate_modifier`` ``Not``), or deletes it. :func:`read_sssom` reads it back
with every mistake reported at once, each with its line and column.
(https://mapping-commons.github.io/sssom/)
"""

from __future__ import annotations

import csv
import datetime
import difflib
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .slots import MAPPING_SLOTS, SET_SLOTS, Slot

__all__ = [
    "JUSTIFICATIONS",
    "PREDICATES",
    "SSSOM_PREFIXES",
    "MappingTable",
    "read_sssom",
    "write_sssom",
]

#: The prefixes every mapping table declares (SSSOM's built-ins and SEMAPV).
SSSOM_PREFIXES = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}
#: Prefixes SSSOM knows without a declaration.
_BUILT_IN = {
    **SSSOM_PREFIXES,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sssom": "https://w3id.org/sssom/",
    "pav": "http://purl.org/pav/",
    "dcterms": "http://purl.org/dc/terms/",
}

#: The mapping predicates a table may use (SKOS's mapping properties).
PREDICATES = (
    "skos:exactMatch",
    "skos:closeMatch",
    "skos:broadMatch",
    "skos:narrowMatch",
    "skos:relatedMatch",
)
#: SEMAPV's matching processes (and its review), the justifications a mapping may give
#: (semantic-mapping-vocabulary, semapv-terms.tsv, commit ce8462c of 2026-06-10).
JUSTIFICATIONS = tuple(
    f"semapv:{name}"
    for name in (
        "LexicalMatching",
        "LexicalSimilarityThresholdMatching",
        "SemanticSimilarityThresholdMatching",
        "ManualMappingCuration",
        "MappingReview",
        "UnspecifiedMatching",
        "CompositeMatching",
        "LogicalReasoning",
        "StructuralMatching",
        "BoundedPathMatching",
        "InstanceBasedMatching",
        "BackgroundKnowledgeBasedMatching",
        "MappingChaining",
        "MappingInversion",
        "MachineLearningBasedMatching",
        "EmbeddingBasedMatching",
        "TransformerBasedMatching",
        "GraphRepresentationLearningBasedMatching",
        "LLMBasedMatching",
        "AgentBasedMatching",
    )
)
#: The columns every mapping has.
REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification")
#: Slots whose numbers are a share between 0 and 1.
_SHARES = {"confidence", "reviewer_agreement", "mapping_set_confidence"}


@dataclass
class MappingTable:
    """An SSSOM table as read: its metadata (``curie_map`` apart), the prefixes its ids
    use, its columns, and each mapping as (line, {column: cell}) with the empty cells
    left out."""

    path: str
    metadata: dict[str, object]
    prefixes: dict[str, str]
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def expand(self, curie: str) -> str:
        """The IRI a prefixed name stands for."""
        prefix, local = curie.split(":", 1)
        return self.prefixes[prefix] + local


def write_sssom(
    rows: Sequence[Mapping[str, object]],
    path: Path | str,
    *,
    prefixes: Mapping[str, str],
    metadata: Mapping[str, object],
    columns: Sequence[str] | None = None,
    force: bool = False,
) -> Path:
    """Write ``rows`` as an SSSOM/TSV table at ``path`` (whole or not at all), with the
    ``metadata`` block (``mapping_set_id``, ``license``, ...) and those of ``prefixes`` its
    ids use; returns the path. A file already at ``path`` (a reviewed table, perhaps) is
    refused (:class:`~cimo_graph.OutputError`) unless ``force``.

    Columns and metadata keys come in the order of SSSOM's schema; a column empty in every
    row is left out (``columns`` names those kept even so); a cell of several values
    (a list) is written with ``|`` between them, sorted.
    """
    from .._files import refuse_overwrite, write_text

    refuse_overwrite(path, "the mapping table", force=force)
    write_text(Path(path), sssom_text(rows, prefixes=prefixes, metadata=metadata, columns=columns))
    return Path(path)


def sssom_text(
    rows: Sequence[Mapping[str, object]],
    *,
    prefixes: Mapping[str, str],
    metadata: Mapping[str, object],
    columns: Sequence[str] | None = None,
) -> str:
    """The text :func:`write_sssom` writes."""
    cells = [{c: _cell(row.get(c), MAPPING_SLOTS[c].kind) for c in MAPPING_SLOTS} for row in rows]
    kept = set(columns or ()) | set(REQUIRED)
    header = [c for c in MAPPING_SLOTS if c in kept or any(row[c] for row in cells)]
    used = {
        value.split(":", 1)[0]
        for row in cells
        for column in header
        if MAPPING_SLOTS[column].kind == "curie"
        for value in row[column].split("|")
        if ":" in value
    }
    used |= {
        str(value).split(":", 1)[0]
        for key, values in metadata.items()
        if key in SET_SLOTS and SET_SLOTS[key].kind == "curie"
        for value in (values if isinstance(values, list) else [values])
    }
    curie_map = {**{p: n for p, n in prefixes.items() if p in used}, **SSSOM_PREFIXES}
    block: dict[str, object] = {"curie_map": dict(sorted(curie_map.items()))}
    for key in SET_SLOTS:
        value = metadata.get(key)
        if value not in (None, "", []):
            block[key] = sorted(value) if isinstance(value, list) else _plain(key, value)
    head = yaml.safe_dump(block, sort_keys=False, allow_unicode=True, width=10_000)
    buffer = io.StringIO()
    for line in head.splitlines():
        buffer.write(f"#{line}\n")
    writer = csv.DictWriter(
        buffer, fieldnames=header, delimiter="\t", lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(cells)
    return buffer.getvalue()


def _plain(key: str, value: object) -> object:
    """A metadata value as YAML should hold it: a date as a date."""
    if SET_SLOTS[key].kind == "date" and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _cell(value: object, kind: str = "text") -> str:
    """A table cell: one line, no tab (SSSOM/TSV has no quoting of its own); a number as
    Python writes a float; several values sorted, with ``|`` between them. A text a
    spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@`` first) starts with
    ``'``, as the template's cells do; reading takes it off again."""
    from ..authoring.tables import spreadsheet_text

    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return "|".join(sorted(_cell(v, kind) for v in value if _cell(v, kind)))
    if isinstance(value, float | int) and not isinstance(value, bool):
        return repr(float(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = " ".join(str(value).split())
    return spreadsheet_text(text) if kind == "text" else text


def read_sssom(path: Path | str) -> MappingTable:
    """Read an SSSOM/TSV mapping table, checking what a table can be checked for alone:
    its metadata (a ``mapping_set_id`` and ``license``; known keys), its columns (known
    SSSOM slots; the four every mapping needs), and each cell: prefixed names with a
    declared prefix, a SKOS mapping predicate, a SEMAPV justification, numbers between 0
    and 1, ISO dates, no mapping twice. Every mistake is reported at once in one
    :class:`~cimo_graph.authoring.TemplateError`, each with its line and column.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "m.sssom.tsv"
    >>> _ = path.write_text(
    ...     "#curie_map:\\n#  a: https://example.org/a/\\n#  b: https://example.org/b/\\n"
    ...     "#mapping_set_id: https://example.org/m\\n"
    ...     "#license: https://creativecommons.org/publicdomain/zero/1.0/\\n"
    ...     "subject_id\\tpredicate_id\\tobject_id\\tmapping_justification\\tconfidence\\n"
    ...     "a:1\\tskos:exactMatch\\tb:9\\tsemapv:ManualMappingCuration\\t0.9\\n")
    >>> table = read_sssom(path)
    >>> table.rows
    [(7, {'subject_id': 'a:1', 'predicate_id': 'skos:exactMatch', 'object_id': 'b:9', \
'mapping_justification': 'semapv:ManualMappingCuration', 'confidence': '0.9'})]
    >>> table.expand("b:9")
    'https://example.org/b/9'
    """
    from ..authoring.tables import Problem, TemplateError
    from ..errors import StudyNotFoundError

    source = Path(path)
    name = str(source)
    if not source.is_file():
        raise StudyNotFoundError(source)
    problems: list[Problem] = []

    def problem(line: int | None, column: str | None, value: object, message: str) -> None:
        where = f"line {line}" if line else ""
        shown = None if value is None else str(value)
        problems.append(Problem(name, "", where, column, shown, message))

    from ..authoring.tables import _text

    # the template's reader: its size limit (64 MiB), UTF-8 or UTF-16/32 with a byte order
    # mark, anything else refused with its line and byte
    text = _text(source).removeprefix("\ufeff")
    lines = text.splitlines()
    head_lines = 0
    while head_lines < len(lines) and lines[head_lines].startswith("#"):
        head_lines += 1
    metadata = _metadata(lines[:head_lines], problem)
    curie_map = metadata.pop("curie_map", {})
    prefixes = {**_BUILT_IN, **curie_map} if isinstance(curie_map, dict) else dict(_BUILT_IN)
    table = MappingTable(name, metadata, prefixes, [])
    body = lines[head_lines:]
    if not body or not body[0].strip():
        problem(head_lines + 1, None, None, "no header row: a mapping table names its columns")
        raise TemplateError(name, problems, what="the mapping table")
    reader = csv.reader(io.StringIO("\n".join(body)), delimiter="\t")
    header = [cell.strip() for cell in next(reader)]
    table.columns = header
    _check_header(header, head_lines + 1, problem)
    seen: dict[tuple[str, ...], int] = {}
    for offset, cells in enumerate(reader, start=head_lines + 2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problem(offset, None, None, f"{len(cells)} cells where the header has {len(header)}")
            continue
        row = {c: _read(c, v.strip()) for c, v in zip(header, cells, strict=True) if v.strip()}
        for column, value in row.items():
            if column in MAPPING_SLOTS:
                message = _cell_problem(column, value, table.prefixes)
                if message:
                    problem(offset, column, value, message)
        for column in REQUIRED:
            if column in header and column not in row:
                problem(offset, column, None, "empty: every mapping needs one")
        key = tuple(row.get(c, "") for c in ("subject_id", "predicate_id", "object_id"))
        key += (row.get("predicate_modifier", ""),)
        if all(key[:3]) and key in seen:
            problem(offset, None, None, f"the same mapping as line {seen[key]}")
        seen.setdefault(key, offset)
        table.rows.append((offset, row))
    for field_name, given in metadata.items():
        if field_name in SET_SLOTS:
            for one in given if isinstance(given, list) else [given]:
                message = _cell_problem(field_name, str(one), table.prefixes, slots=SET_SLOTS)
                if message:
                    problem(None, None, one, f"metadata {field_name!r}: {message}")
    if problems:
        raise TemplateError(name, problems, what="the mapping table")
    return table


def _read(column: str, text: str) -> str:
    """A cell's value: a text cell without the ``'`` that keeps a spreadsheet from taking
    it for a formula (see :func:`_cell`)."""
    from ..authoring.tables import from_spreadsheet_text

    slot = MAPPING_SLOTS.get(column)
    if slot is not None and slot.kind == "text":
        return "|".join(from_spreadsheet_text(v) for v in text.split("|"))
    return text


def _metadata(lines: list[str], problem) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The metadata block's YAML, its keys checked."""
    from ..authoring.tables import _yaml_loader

    text = "\n".join(line[1:] for line in lines)
    try:
        # the template's loader: aliases counted, so a few bytes cannot stand for gigabytes
        metadata = yaml.load(text, Loader=_yaml_loader()) if text.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem(line, None, None, f"the metadata block is not YAML: {error}")
        return {}
    if not isinstance(metadata, dict):
        problem(1, None, None, "the metadata block must be YAML keys and values")
        return {}
    if "curie_map" in metadata:
        curie_map = metadata["curie_map"]
        if not isinstance(curie_map, dict) or not all(
            isinstance(p, str) and isinstance(n, str) and ":" in n for p, n in curie_map.items()
        ):
            problem(None, None, None, "curie_map must give each prefix its namespace IRI")
            metadata["curie_map"] = {}
    for key in metadata:
        if key != "curie_map" and key not in SET_SLOTS:
            close = difflib.get_close_matches(str(key), [*SET_SLOTS, "curie_map"], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problem(None, None, key, f"not a metadata key of SSSOM{hint}")
    for key in ("mapping_set_id", "license"):
        if not metadata.get(key):
            problem(None, None, None, f"the metadata block has no {key!r} (SSSOM needs one)")
    return {
        key: (
            value.isoformat()
            if isinstance(value, datetime.date)
            else [str(v) for v in value]
            if isinstance(value, list)
            else value
        )
        for key, value in metadata.items()
    }


def _check_header(header: list[str], line: int, problem) -> None:  # type: ignore[no-untyped-def]
    for index, column in enumerate(header):
        if column not in MAPPING_SLOTS:
            close = difflib.get_close_matches(column, list(MAPPING_SLOTS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problem(line, None, column, f"not a column of SSSOM{hint}")
        elif column in header[:index]:
            problem(line, column, None, "the column appears twice")
    for column in REQUIRED:
        if column not in header:
            problem(line, column, None, "missing: every mapping table has this column")


def _cell_problem(
    column: str,
    value: str,
    prefixes: Mapping[str, str],
    *,
    slots: Mapping[str, Slot] = MAPPING_SLOTS,
) -> str | None:
    """What is wrong with one cell, or ``None``."""
    slot = slots[column]
    values = value.split("|") if slot.multivalued else [value]
    for one in values:
        if slot.kind == "curie":
            prefix, colon, _ = one.partition(":")
            if not colon or not prefix or "://" in one:
                return "not a prefixed name (prefix:id)"
            if prefix not in prefixes:
                close = difflib.get_close_matches(prefix, list(prefixes), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                return f"the prefix {prefix!r} is not in the curie_map{hint}"
        elif slot.kind == "uri":
            if "://" not in one and not one.startswith(("urn:", "mailto:")):
                return "not a full IRI (https://...)"
        elif slot.kind == "double":
            try:
                number = float(one)
            except ValueError:
                return "not a number"
            if math.isnan(number) or (column in _SHARES and not 0 <= number <= 1):
                return "not a number between 0 and 1"
        elif slot.kind == "date":
            try:
                datetime.date.fromisoformat(one)
            except ValueError:
                return "not a date (YYYY-MM-DD)"
    if column == "predicate_id" and value not in PREDICATES:
        close = difflib.get_close_matches(value, PREDICATES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"not a mapping predicate (use {', '.join(PREDICATES[:4])}){hint}"
    if column == "mapping_justification" and value not in JUSTIFICATIONS:
        close = difflib.get_close_matches(value, JUSTIFICATIONS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"not a SEMAPV matching process{hint}"
    if column == "predicate_modifier" and value != "Not":
        return "the only predicate modifier is 'Not' (the mapping does not hold)"
    return None
