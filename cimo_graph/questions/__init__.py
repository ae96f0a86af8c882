"""The questions researchers ask, answered as DataFrames with the evidence behind them.

:class:`Questions` holds every helper (``interventions_for``, ``mechanisms_for``, ...).
It runs the named queries of ``cimo_graph/queries/`` through three methods a backend
provides (``_select``, ``_select_each`` and ``_prefixes``), so the same helpers answer
from the in-memory graph and from a remote SPARQL endpoint.

The helpers come in families, one module each: :mod:`.routes`, :mod:`.listings`,
:mod:`.evidence`, :mod:`.studies`, :mod:`.search`, :mod:`.alignment` and
:mod:`.synthesis`, on the shared
part in :mod:`.base`.
"""

from __future__ import annotations

from .alignment import Alignment
from .base import Base, Info, Row, collector_paused, natural_key, one_lookup, per_study
from .confidence import Confidence
from .evidence import Evidence
from .history import History
from .listings import Listings
from .routes import ROUTE_COLUMNS, Routes
from .search import Search
from .studies import Studies
from .synthesis import Synthesis

__all__ = [
    "ROUTE_COLUMNS",
    "Base",
    "Info",
    "Questions",
    "Row",
    "collector_paused",
    "natural_key",
    "one_lookup",
    "per_study",
]


class Questions(
    Routes, Listings, Evidence, Studies, Search, Alignment, Synthesis, Confidence, History
):
    """The question helpers; a backend supplies ``_select``, ``_select_each``, ``_prefixes``
    and ``sparql``."""
