"""Aligning the vocabularies of several studies: which themes, contexts, interventions,
mechanisms and outcomes of different studies mean the same or nearly the same.

:func:`suggest` finds candidate mappings by their names (every label and synonym, in every
language, accents and case folded), :mod:`.semantic` by what the names mean (a small
multilingual sentence-embedding model, an optional extra); :mod:`.sssom` writes them as an
SSSOM mapping table that a researcher reviews in a spreadsheet and reads the reviewed
table back, checked; :mod:`.store` keeps it in a graph and reads it out again; the table's
slots come from SSSOM's schema (:mod:`.slots`).
"""

from __future__ import annotations

from .lexical import SUGGESTION_COLUMNS, Concept, suggest
from .sssom import read_sssom, write_sssom

__all__ = ["SUGGESTION_COLUMNS", "Concept", "read_sssom", "suggest", "write_sssom"]
