"""Mapping tables in SSSOM's TSV form: a metadata block of ``#`` lines (YAML: the prefixes
the ids use, the mapping set's id, licence, date and creator), then one mapping a row.

A researcher reviews the table in a spreadsheet: keeps a row, changes its predicate
(``skos:exactMatch``, ``skos:closeMatch``, ``skos:broadMatch``, ``skos:narrowMatch``), or
deletes it. (https://mapping-commons.github.io/sssom/)
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

__all__ = ["SSSOM_PREFIXES", "write_sssom"]

#: The prefixes every mapping table declares (SSSOM's built-ins and SEMAPV).
SSSOM_PREFIXES = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


def write_sssom(
    rows: Sequence[Mapping[str, object]],
    path: Path | str,
    *,
    prefixes: Mapping[str, str],
    columns: Sequence[str],
    mapping_set_id: str,
    creator: str | None = None,
    licence: str = "https://creativecommons.org/publicdomain/zero/1.0/",
    date: datetime.date | None = None,
) -> Path:
    """Write ``rows`` as an SSSOM/TSV table at ``path`` (whole or not at all), declaring
    the ``prefixes`` its ids use; returns the path."""
    from .._files import write_text

    used = {
        str(row.get(column, "")).split(":", 1)[0]
        for row in rows
        for column in ("subject_id", "object_id", "predicate_id", "mapping_justification")
        if ":" in str(row.get(column, ""))
    }
    curie_map = {**{p: n for p, n in prefixes.items() if p in used}, **SSSOM_PREFIXES}
    metadata: dict[str, object] = {
        "curie_map": dict(sorted(curie_map.items())),
        "mapping_set_id": mapping_set_id,
        "license": licence,
        "mapping_date": (date or datetime.date.today()).isoformat(),
        "mapping_tool": "cimo-graph",
    }
    if creator:
        metadata["creator_label"] = [creator]
    head = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True)
    buffer = io.StringIO()
    for line in head.splitlines():
        buffer.write(f"#{line}\n")
    writer = csv.DictWriter(
        buffer, fieldnames=list(columns), delimiter="\t", lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({c: _cell(row.get(c, "")) for c in columns})
    write_text(Path(path), buffer.getvalue())
    return Path(path)


def _cell(value: object) -> str:
    """A table cell: one line, no tab (SSSOM/TSV has no quoting of its own)."""
    return " ".join(str(value).split()) if value is not None else ""
