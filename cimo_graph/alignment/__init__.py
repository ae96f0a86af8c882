"""Aligning the vocabularies of several studies: which themes, contexts, interventions,
mechanisms and outcomes of different studies mean the same or nearly the same.

:func:`suggest` finds candidate mappings by their names (every label and synonym, in every
language, accents and case folded); :mod:`.sssom` writes them as an SSSOM mapping table
that a researcher reviews in a spreadsheet.
"""

from __future__ import annotations

from .lexical import SUGGESTION_COLUMNS, Concept, suggest
from .sssom import write_sssom

__all__ = ["SUGGESTION_COLUMNS", "Concept", "suggest", "write_sssom"]
