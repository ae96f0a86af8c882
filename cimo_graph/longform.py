"""Listings in long (tidy) form, one value per row, for R's tidyverse and pandas.

A listing joins the several values of a cell: ids with ``"; "`` (``"W-I1; W-I2"``), texts
with ``" | "`` (labels, notes, passages). :func:`tidy` gives every value a row of its own:
the listing's row number, its key (``id``, or what the listing is keyed by), the column
(``field``), the value's place in its cell (``position``, so that the n-th context goes
with the n-th context label) and the ``value``. Empty cells give no row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ID_LISTS", "KEYS", "TEXT_LISTS", "tidy"]

#: Columns that join several ids (or short words such as kinds) with "; ".
ID_LISTS = frozenset(
    {
        "added_value",
        "assessed_by",
        "carried_out_by",
        "carries_out",
        "changed_by",
        "configurations",
        "context",
        "contexts",
        "contrasts",
        "evidence",
        "fields",
        "findings",
        "interventions",
        "link",
        "mapping",
        "matches",
        "mechanisms",
        "outcomes",
        "part_of",
        "refines",
        "related",
        "shaping",
        "stated_for",
        "statements",
        "studies",
        "study",
        "synonyms",
        "themes",
        "through",
        "via",
        "via_kind",
        "voiced_by",
    }
)

#: Columns that join several texts with " | " (a text may hold a semicolon).
TEXT_LISTS = frozenset(
    {
        "carries_out_labels",
        "context_label",
        "evidence_text",
        "means_labels",
        "notes",
        "references",
        "source_text",
        "statement_labels",
        "through_label",
        "via_label",
    }
)

#: The column a listing is keyed by, the first of these it has.
KEYS = ("id", "node", "finding", "version", "theme", "from_theme", "subject_id", "name")


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (any listing) in long form: ``row``, its key column, ``field``,
    ``position`` and ``value``, one value per row.

    >>> long = tidy(cg.load().propositions())
    >>> long[(long.id == "W") & (long.field == "mechanisms")][["position", "value"]]
    ... # doctest: +NORMALIZE_WHITESPACE
         position  value
    ...         1   W-M1
    ...         2   W-M2
    ...         3   W-M3
    ...         4   W-M4
    """
    import pandas as pd

    key = next((name for name in KEYS if name in frame.columns), None)
    rows: list[tuple[object, ...]] = []
    fields = [column for column in frame.columns if column != key]
    for number, record in enumerate(frame.itertuples(index=False), start=1):
        cells = dict(zip(frame.columns, record, strict=True))
        for field in fields:
            for position, value in enumerate(_values(field, cells[field]), start=1):
                rows.append((number, cells[key] if key else None, field, position, value))
    columns = ["row", key or "key", "field", "position", "value"]
    long = pd.DataFrame(rows, columns=columns)
    if key is None:
        long = long.drop(columns="key")
    return long


def _values(field: str, cell: object) -> list[object]:
    """The values a cell holds: split where its column joins several, else the one."""
    if cell is None or (isinstance(cell, float) and cell != cell) or cell == "":
        return []
    if isinstance(cell, str):
        separator = "; " if field in ID_LISTS else " | " if field in TEXT_LISTS else None
        if separator:
            return [part for part in cell.split(separator) if part]
    return [cell]
