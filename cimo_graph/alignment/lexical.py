"""Suggested mappings between the concepts of different studies, found by their names.

Two concepts of the same kind (theme with theme, mechanism with mechanism, ...) from two
different studies are compared name by name, each name folded as the name index folds it
(:func:`~cimo_graph.lookup.normalise`: no accents, no case, punctuation as spaces). The
same folded name is an exact match (``skos:exactMatch``, confidence 1.0); otherwise the
names' similarity (rapidfuzz's token-sort ratio, and nine tenths of its token-set ratio,
which forgives a name held inside the other: "belonging" in "sense of belonging") is a
close match (``skos:closeMatch``) where it reaches the threshold. Each suggestion keeps
the two names that matched and how (SEMAPV's ``semapv:LexicalMatching`` for the same name or a
synonym, ``semapv:LexicalSimilarityThresholdMatching`` for similar names).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..lookup import normalise

if TYPE_CHECKING:
    import numpy as np

__all__ = ["SUGGESTION_COLUMNS", "Concept", "suggest"]

#: The columns of a suggestion table: SSSOM's names for the mapping and how it was found,
#: in the order of SSSOM's schema.
SUGGESTION_COLUMNS = [
    "subject_id",
    "subject_label",
    "subject_category",
    "predicate_id",
    "object_id",
    "object_label",
    "object_category",
    "mapping_justification",
    "subject_source",
    "object_source",
    "confidence",
    "subject_match_field",
    "object_match_field",
    "match_string",
    "similarity_score",
    "similarity_measure",
    "comment",
]

#: The kinds a vocabulary alignment compares, in the order a table lists them.
KINDS = ("theme", "context", "intervention", "mechanism", "outcome")


@dataclass
class Concept:
    """A concept of one study: its id (a prefixed name), kind, study, preferred label,
    every name it has as (name, language), and which of them are synonyms."""

    id: str
    kind: str
    study: str
    label: str = ""
    names: list[tuple[str, str]] = field(default_factory=list)
    synonyms: set[str] = field(default_factory=set)


def _score(folded_a: str, folded_b: str) -> float:
    """The similarity of two different folded names: the better of rapidfuzz's token-sort
    ratio and nine tenths of its token-set ratio, from 0 to 1."""
    from rapidfuzz import fuzz

    score = max(
        fuzz.token_sort_ratio(folded_a, folded_b),
        0.9 * fuzz.token_set_ratio(folded_a, folded_b),
    )
    return round(score / 100, 3)


#: Up to this many names, rapidfuzz scores every pair at once (``cdist`` of the names
#: with themselves computes one half of the matrix: 1 byte a pair, 256 MB at most);
#: beyond it, blocks of _ROWS names against all.
_AT_ONCE = 16_000
_ROWS = 1_000
#: Pairs of names weighed at once by the words they share (4 bytes each).
_SHARED = 16_000_000


def _close_names(names: list[str], threshold: float) -> Iterator[tuple[int, int]]:
    """The pairs (u, v), u < v, of ``names`` (folded, each once) whose similarity may
    reach ``threshold``; each is scored again exactly by :func:`_score`.

    Nothing here compares two names in Python. The token-sort ratio is the plain ratio of
    the names with their words sorted beforehand (rapidfuzz's ``cdist``: compiled, on
    every core, with a cut-off). The token-set ratio of two names that share no word is
    the plain ratio of their distinct words sorted (the same strings, unless a name
    repeats a word); of two that share words, it is bounded by the lengths of the words
    shared and not (:func:`_may_share`), and only the pairs within the bound are scored
    (rapidfuzz's ``cpdist``). A margin is kept for rounding.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    cut = 100 * threshold - 1  # scores come as whole numbers: a margin for rounding
    words = [name.split() for name in names]
    sorted_words = [" ".join(sorted(w)) for w in words]
    candidates = _scored_pairs(sorted_words, None, fuzz.ratio, cut)
    cut_set = cut / 0.9
    if cut_set <= 100:
        repeating = [u for u, w in enumerate(words) if len(set(w)) < len(w)]
        if repeating:  # their distinct words differ from their words
            distinct = [" ".join(sorted(set(w))) for w in words]
            candidates |= _scored_pairs(distinct, repeating, fuzz.ratio, cut_set)
        first, second = _may_share(words, cut_set)
        if len(first):
            scores = process.cpdist(
                [names[u] for u in first],
                [names[v] for v in second],
                scorer=fuzz.token_set_ratio,
                score_cutoff=max(cut_set, 0),
                dtype=np.float32,
                workers=-1,
            )
            close = scores >= max(cut_set, 0) - 0.001
            candidates.update(zip(first[close].tolist(), second[close].tolist(), strict=True))
    yield from sorted(candidates)


def _scored_pairs(
    texts: list[str], rows: list[int] | None, scorer: Any, cutoff: float
) -> set[tuple[int, int]]:
    """The pairs (u, v), u < v, of ``texts`` that ``scorer`` rates at ``cutoff`` or
    above, of every text (``rows`` None) or of those at ``rows`` against all."""
    import numpy as np
    from rapidfuzz import process

    found: set[tuple[int, int]] = set()
    if cutoff > 100:
        return found
    every = rows is None and len(texts) <= _AT_ONCE
    chosen = list(range(len(texts))) if rows is None else rows
    step = len(chosen) if every else _ROWS
    for start in range(0, len(chosen), step):
        part = chosen[start : start + step]
        scores = process.cdist(
            texts if every else [texts[u] for u in part],
            texts,
            scorer=scorer,
            score_cutoff=max(cutoff, 0),
            dtype=np.uint8,
            workers=-1,
        )
        for row, column in zip(*np.nonzero(scores >= max(cutoff, 0)), strict=True):
            u, v = part[int(row)], int(column)
            if u != v:
                found.add((min(u, v), max(u, v)))
    return found


def _may_share(words: list[list[str]], cutoff: float) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (u, v), u < v, of names (as their words) that share a word and whose
    token-set ratio may reach ``cutoff``, by rapidfuzz's own terms: where one's words are
    all the other's (100), or where the words shared are long against the rest of one
    name (the ratio of the shared words to the shared and the rest), or the two rests are
    alike in length (the ratio of the shared words and each rest to each other, which is
    at most that which the rests' difference in length leaves). Lengths are weighed as
    rapidfuzz joins words: each word and a space.

    The words shared by every pair are summed block by block from an index of who holds
    each word: numpy's work, never a pair at a time in Python."""
    import numpy as np

    count = len(words)
    weight = np.array([sum(len(w) + 1 for w in set(ws)) for ws in words], dtype=np.int32)
    holders: dict[str, list[int]] = defaultdict(list)
    for u, ws in enumerate(words):
        for word in set(ws):
            holders[word].append(u)
    index = [(len(word) + 1, np.array(held)) for word, held in holders.items() if len(held) > 1]
    # a difference may take this share of the lengths (in thousandths, rounded up)
    share = int(np.ceil(10 * (100 - cutoff))) + 1
    rows = max(1, _SHARED // max(1, count))
    firsts, seconds = [], []
    for start in range(0, count, rows):
        end = min(count, start + rows)
        shared = np.zeros((end - start, count - start), dtype=np.int32)
        for length, held in index:
            low, high = np.searchsorted(held, [start, end])
            if low < high:
                later = held[np.searchsorted(held, start) :] - start
                shared[np.ix_(held[low:high] - start, later)] += length
        mine = weight[start:end, None]
        theirs = weight[None, start:]
        rest_mine = mine - shared
        rest_theirs = theirs - shared
        close = (rest_mine == 0) | (rest_theirs == 0)
        close |= 1000 * rest_mine <= share * (shared + mine - 2)
        close |= 1000 * rest_theirs <= share * (shared + theirs - 2)
        close |= 1000 * np.abs(mine - theirs) <= share * (mine + theirs - 2)
        close &= shared > 0
        row, column = np.nonzero(np.triu(close, 1))
        firsts.append(row + start)
        seconds.append(column + start)
    if not firsts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(firsts), np.concatenate(seconds)


def _matches(
    found: list[Concept], threshold: float
) -> dict[tuple[int, int], tuple[float, str, str]]:
    """The best-matching names of every pair (i, j), i < j, of concepts of ``found`` from
    different studies whose names match at ``threshold`` or above: (score, i's name, j's
    name).

    Not every pair of concepts is compared: each name is folded once, concepts sharing a
    folded name are paired through it, and different names only where rapidfuzz finds them
    close (:func:`_close_names`). A pair's names are the first pair (in the order of
    each concept's names) with the same folded name that is a label of both (1.0), or
    else the first with the best score: the same folded name where one is a synonym scores
    0.95, different names their similarity (:func:`_score`).
    """
    holders: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, concept in enumerate(found):
        for position, (name, _) in enumerate(concept.names):
            folded = normalise(name)
            if folded:
                holders[folded].append((i, position))
    names = list(holders)
    # the best of each pair so far: (a label of both, score, -position in i, -position in j)
    best: dict[tuple[int, int], tuple[bool, float, int, int]] = {}

    def offer(first: str, second: str, score: float | None) -> None:
        if first == second:
            held = holders[first]
            pairs = ((held[k], other) for k in range(len(held)) for other in held[k + 1 :])
        else:
            pairs = ((x, y) for x in holders[first] for y in holders[second])
        for (i, p), (j, q) in pairs:
            if found[i].study == found[j].study:
                continue
            if i > j:
                i, p, j, q = j, q, i, p
            if score is None:
                a, b = found[i], found[j]
                same = a.names[p][0] not in a.synonyms and b.names[q][0] not in b.synonyms
                key = (same, 1.0 if same else 0.95, -p, -q)
            else:
                key = (False, score, -p, -q)
            if key[1] >= threshold and key > best.get((i, j), _NONE):
                best[i, j] = key

    for name in names:
        offer(name, name, None)
    for u, v in _close_names(names, threshold):
        score = _score(names[u], names[v])
        if score >= threshold:
            offer(names[u], names[v], score)
    return {
        (i, j): (score, found[i].names[-p][0], found[j].names[-q][0])
        for (i, j), (_, score, p, q) in best.items()
    }


_NONE = (False, -1.0, 0, 0)


def suggest(concepts: Iterable[Concept], *, threshold: float = 0.8) -> list[dict[str, object]]:
    """Suggested mappings between concepts of the same kind from different studies whose
    names match at ``threshold`` (0 to 1) or above, best first.

    >>> a = Concept("a:M1", "mechanism", "a", "sense of belonging",
    ...     [("sense of belonging", "en"), ("verbondenheid", "nl")])
    >>> b = Concept("b:M2", "mechanism", "b", "Belonging", [("Belonging", "en")])
    >>> [(s["predicate_id"], s["confidence"], s["match_string"]) for s in suggest([a, b])]
    [('skos:closeMatch', 0.9, 'sense of belonging ~ Belonging')]
    >>> c = Concept("c:T1", "theme", "c", "verbondenheid", [("Verbondenheid", "nl")])
    >>> d = Concept("d:T9", "theme", "d", "connectedness", [("verbondenheid", "nl")])
    >>> [(s["predicate_id"], s["confidence"]) for s in suggest([c, d])]
    [('skos:exactMatch', 1.0)]
    """
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must lie between 0 and 1, not {threshold!r}")
    by_kind: dict[str, list[Concept]] = defaultdict(list)
    for concept in concepts:
        if concept.names:
            by_kind[concept.kind].append(concept)
    rows = []
    for kind in sorted(by_kind, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS)):
        found = by_kind[kind]
        for (i, j), (score, name_a, name_b) in _matches(found, threshold).items():
            rows.append(_row(found[i], found[j], score, name_a, name_b))
    rows.sort(
        key=lambda r: (-float(str(r["confidence"])), str(r["subject_id"]), str(r["object_id"]))
    )
    return rows


def _row(a: Concept, b: Concept, score: float, name_a: str, name_b: str) -> dict[str, object]:
    exact = score >= 1.0
    return suggestion(
        a,
        b,
        name_a,
        name_b,
        predicate="skos:exactMatch" if exact else "skos:closeMatch",
        justification="semapv:LexicalMatching"
        if score >= 0.95
        else "semapv:LexicalSimilarityThresholdMatching",
        confidence=score,
        comment="the same name, accents and case folded"
        if exact
        else "a synonym of one is a name of the other"
        if score >= 0.95
        else "similar names (token sort and token set ratio)",
    )


def suggestion(
    a: Concept,
    b: Concept,
    name_a: str,
    name_b: str,
    *,
    predicate: str,
    justification: str,
    confidence: float,
    comment: str,
    **more: object,
) -> dict[str, object]:
    """A suggested mapping between ``a`` and ``b`` (matched by ``name_a`` and ``name_b``)
    as a row of :data:`SUGGESTION_COLUMNS`; the subject is the first of the two in a stable
    order, so that a table is the same whichever way it was asked."""
    if (a.study, a.id) > (b.study, b.id):
        a, b, name_a, name_b = b, a, name_b, name_a
    return {
        "subject_id": a.id,
        "subject_label": a.label,
        "subject_category": a.kind,
        "predicate_id": predicate,
        "object_id": b.id,
        "object_label": b.label,
        "object_category": b.kind,
        "mapping_justification": justification,
        "subject_source": a.study,
        "object_source": b.study,
        "confidence": confidence,
        "subject_match_field": _field(a, name_a),
        "object_match_field": _field(b, name_b),
        "match_string": f"{name_a} ~ {name_b}",
        **more,
        "comment": comment,
    }


def _field(concept: Concept, name: str) -> str:
    """Which of a concept's names matched: its label or a synonym (``rdfs:label``,
    ``skos:prefLabel``, ``skos:altLabel``), as SSSOM's match fields name them."""
    if concept.kind == "theme":
        return "skos:altLabel" if name in concept.synonyms else "skos:prefLabel"
    return "rdfs:label"


def concepts_from_rows(
    rows: Sequence[Sequence[str | None]], display: object, lang: str = "en"
) -> list[Concept]:
    """Concepts from the rows of ``align-concepts.rq`` (study, node, kind, name, field,
    lang); ``display`` names a node or study by its prefixed name (``lnw:W-M1``)."""
    from ..labels import choose_text

    gathered: dict[tuple[str, str], Concept] = {}
    names: dict[tuple[str, str], dict[tuple[str, str], None]] = defaultdict(dict)
    for study, node, kind, name, which, tag in rows:
        if study is None or node is None or kind is None or name is None:
            continue
        key = (study, node)
        concept = gathered.get(key)
        if concept is None:
            concept = gathered[key] = Concept(display(node), kind, display(study))  # type: ignore[operator]
        names[key][name, tag or ""] = None
        if which == "synonym":
            concept.synonyms.add(name)
    for key, concept in gathered.items():
        concept.names = list(names[key])
        labels = [(n, t) for n, t in concept.names if n not in concept.synonyms]
        concept.label = choose_text(labels or concept.names, lang) or concept.names[0][0]
    return list(gathered.values())
