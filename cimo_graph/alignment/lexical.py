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


#: Names the repeated-word pass scores at once against all (1 byte a pair).
_ROWS = 1_000
#: Pairs of names screened at once (a few bytes each, in several arrays).
_SHARED = 16_000_000


def _close_names(names: list[str], threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (u, v), u < v, of ``names`` (folded, each once) whose similarity may
    reach ``threshold``, as two arrays; each is scored again exactly (:func:`_scores`).

    Nothing here compares two names in Python: the pairs are screened block by block
    (:func:`_screened`) and the survivors scored by rapidfuzz's ``cpdist`` (compiled, on
    every core, with a cut-off): the token-sort ratio as the plain ratio of the names'
    words sorted beforehand, the token-set ratio as it is. Two names that share no word
    have for token-set ratio the plain ratio of their distinct words sorted: the
    token-sort ratio's strings, unless a name repeats a word (scored apart). A margin
    is kept for rounding.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    cut = 100 * threshold - 1  # scores come as whole numbers: a margin for rounding
    cut_set = cut / 0.9
    words = [name.split() for name in names]
    ordered = [" ".join(sorted(w)) for w in words]
    found = []
    repeating = [u for u, w in enumerate(words) if len(set(w)) < len(w)]
    if repeating and cut_set <= 100:  # their distinct words differ from their words
        distinct = [" ".join(sorted(set(w))) for w in words]
        found.append(_scored_pairs(distinct, repeating, fuzz.ratio, cut_set))
    # the texts as arrays: a block's pairs are taken by index at once, not one by one
    ordered_texts, name_texts = np.array(ordered, dtype=object), np.array(names, dtype=object)
    for texts, scorer, cutoff, (first, second) in (
        (pair, scorer, cutoff, candidates)
        for sort, token_set in _screened(words, ordered, cut, cut_set)
        for pair, scorer, cutoff, candidates in (
            (ordered_texts, fuzz.ratio, cut, sort),
            (name_texts, fuzz.token_set_ratio, cut_set, token_set),
        )
    ):
        if not len(first):
            continue
        scores = process.cpdist(
            texts[first].tolist(),
            texts[second].tolist(),
            scorer=scorer,
            score_cutoff=max(cutoff, 0),
            dtype=np.float32,
            workers=-1,
        )
        close = scores >= max(cutoff, 0) - 0.001
        found.append((first[close], second[close]))
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = np.unique(np.concatenate([u * len(names) + v for u, v in found]))
    return codes // max(1, len(names)), codes % max(1, len(names))


def _scored_pairs(
    texts: list[str], rows: list[int], scorer: Any, cutoff: float
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (u, v), u < v, of ``texts`` that ``scorer`` rates at ``cutoff`` or
    above, of the texts at ``rows`` against all."""
    import numpy as np
    from rapidfuzz import process

    firsts, seconds = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    chosen = np.array(rows, dtype=np.int64)
    for start in range(0, len(chosen), _ROWS):
        part = chosen[start : start + _ROWS]
        scores = process.cdist(
            [texts[u] for u in part],
            texts,
            scorer=scorer,
            score_cutoff=max(cutoff, 0),
            dtype=np.uint8,
            workers=-1,
        )
        row, column = np.nonzero(scores >= max(cutoff, 0))
        u, v = part[row], column.astype(np.int64)
        firsts.append(np.minimum(u, v)[u != v])
        seconds.append(np.maximum(u, v)[u != v])
    return np.concatenate(firsts), np.concatenate(seconds)


def _screened(
    words: list[list[str]], ordered: list[str], cut: float, cut_set: float
) -> Iterator[tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]]:
    """Block by block, the pairs (u, v), u < v, of names (as their words, and their
    words sorted) whose token-sort ratio may reach ``cut``, and those that share a word
    and whose token-set ratio may reach ``cut_set``, by bounds on rapidfuzz's own terms.

    A ratio's distance between two strings is at least the difference of their counts of
    each character (the distance of their characters sorted, which rapidfuzz's ``cdist``
    finds for every pair of a block at once): far apart, a pair cannot reach ``cut``.
    The token-set ratio is the best of three: where one's words are all the other's
    (100), where the words shared are long against the rest of one name (the ratio of the
    shared words to the shared and the rest), or where the two rests are alike (the
    ratio of the shared words and each rest to each other; the shared words have the
    same characters, so the two names' differences are the rests'). Lengths are weighed
    as rapidfuzz joins words: each word and a space. The words shared by every pair are
    summed from an index of who holds each word: numpy's work, never a pair at a time in
    Python."""
    import numpy as np
    from rapidfuzz import process
    from rapidfuzz.distance import Indel

    count = len(words)
    distinct = [sorted(set(ws)) for ws in words]
    weight = np.array([sum(len(w) + 1 for w in ws) for ws in distinct], dtype=np.int64)
    length = np.array([len(text) for text in ordered], dtype=np.int64)
    characters = ["".join(sorted(text)) for text in ordered]
    # a name repeating a word: the token-set ratio sees its distinct words' characters
    repeats = any(len(ws) < len(w) for ws, w in zip(distinct, words, strict=True))
    characters_set = [
        "".join(sorted(" ".join(ws))) if len(ws) < len(w) else text
        for ws, w, text in zip(distinct, words, characters, strict=True)
    ]
    holders: dict[str, list[int]] = defaultdict(list)
    for u, ws in enumerate(distinct):
        for word in ws:
            holders[word].append(u)
    index = [(len(word) + 1, np.array(held)) for word, held in holders.items() if len(held) > 1]
    # a difference may take this share of the lengths (in thousandths, rounded up): the
    # shared words s against a name of weight w and its rest reach the cut-off where
    # 1000 (w - s) <= share (s + w - 2), that is where s is at least `enough` (whole
    # numbers: the ceiling); where one name's words are all the other's, s = w is enough
    share = int(np.ceil(10 * (100 - cut_set))) + 1
    enough = -((-(1000 - share) * weight - 2 * share) // (1000 + share))
    # the greatest distance of characters a pair may have, by the sum of their lengths
    # (or weights): within it, a ratio may reach its cut-off
    sums = np.arange(2 * int(max(length.max(initial=1), weight.max(initial=1))) + 1)
    near_sort = np.floor((100 - cut) * sums / 100 + 1e-9).astype(np.int64)
    near_set = share * (sums - 2) // 1000
    furthest = int(max(near_sort.max(), near_set.max(), 0)) + 1
    distance = np.uint8 if furthest < 255 else np.int32
    near_sort = np.minimum(near_sort, furthest).astype(distance)
    small = np.int16 if len(sums) < 2**15 else np.int64
    near_set = np.clip(near_set, -1, furthest).astype(small)
    length, weight, enough = length.astype(small), weight.astype(small), enough.astype(small)

    def distances(texts: list[str], start: int, end: int) -> np.ndarray:
        """The Indel distances of rows ``start:end`` against every name from ``start`` on
        (capped at ``furthest``: beyond it a pair is out of reach anyway)."""
        return process.cdist(
            texts[start:end],
            texts[start:],
            scorer=Indel.distance,
            score_cutoff=furthest,
            dtype=distance,
            workers=-1,
        )

    rows = max(1, _SHARED // max(1, count))
    for start in range(0, count, rows):
        end = min(count, start + rows)
        apart = distances(characters, start, end)
        sort = apart <= near_sort[length[start:end, None] + length[None, start:]]
        sort_pairs = _upper(sort, start)
        if cut_set > 100:
            yield sort_pairs, (sort_pairs[0][:0], sort_pairs[1][:0])
            continue
        if repeats:
            apart = distances(characters_set, start, end)
        shared = np.zeros((end - start, count - start), dtype=small)
        for size, held in index:
            low, high = np.searchsorted(held, [start, end])
            if low < high:
                later = held[np.searchsorted(held, start) :] - start
                shared[np.ix_(held[low:high] - start, later)] += size
        close = shared >= np.minimum(enough[start:end, None], enough[None, start:])
        close |= apart <= near_set[weight[start:end, None] + weight[None, start:]]
        close &= shared > 0
        yield sort_pairs, _upper(close, start)


def _upper(chosen: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (u, v), u < v, a block of rows from ``start`` against the names from
    ``start`` on has ``chosen``."""
    import numpy as np

    rows = chosen.shape[0]
    chosen[:, :rows] &= np.triu(np.ones((rows, rows), dtype=bool), 1)
    row, column = np.nonzero(chosen)
    return row + start, column + start


def _matches(
    found: list[Concept], threshold: float, candidates: int | None = None
) -> dict[tuple[int, int], tuple[float, str, str]]:
    """The best-matching names of every pair (i, j), i < j, of concepts of ``found`` from
    different studies whose names match at ``threshold`` or above: (score, i's name, j's
    name); with ``candidates``, only the pairs where one is among the other's
    ``candidates`` best (:func:`_best_of_each`).

    Not every pair of concepts is compared: each name is folded once, concepts sharing a
    folded name are paired through it, and different names only where rapidfuzz finds them
    close (:func:`_close_names`). A pair's names are the first pair (in the order of
    each concept's names) with the same folded name that is a label of both (1.0), or
    else the first with the best score: the same folded name where one is a synonym scores
    0.95, different names their similarity (:func:`_score`). Pairs are held in numpy
    arrays, never one at a time in Python, until the chosen ones are returned.
    """
    import numpy as np

    index: dict[str, int] = {}
    held_name, held_concept, held_position, held_label = [], [], [], []
    for i, concept in enumerate(found):
        for position, (name, _) in enumerate(concept.names):
            folded = normalise(name)
            if folded:
                held_name.append(index.setdefault(folded, len(index)))
                held_concept.append(i)
                held_position.append(position)
                held_label.append(name not in concept.synonyms)
    if not index:
        return {}
    # the holders of each name, side by side: name u's are slots starts[u] to starts[u+1]
    by_name = np.argsort(np.array(held_name), kind="stable")
    concept_of = np.array(held_concept, dtype=np.int64)[by_name]
    position_of = np.array(held_position, dtype=np.int64)[by_name]
    label_of = np.array(held_label, dtype=bool)[by_name]
    counts = np.bincount(np.array(held_name), minlength=len(index))
    starts = np.concatenate([[0], np.cumsum(counts)])

    # the same folded name: every two of its holders
    a, b = _within(starts[:-1], counts)
    both = label_of[a] & label_of[b]
    slot_a, slot_b = [a], [b]
    flags, scores = [both], [np.where(both, 1.0, 0.95)]
    # different names: every holder of one with every holder of the other
    names = list(index)
    u, v = _close_names(names, threshold)
    score = _scores(names, u, v)
    u, v, score = u[score >= threshold], v[score >= threshold], score[score >= threshold]
    pair, offset = _every(counts[u] * counts[v])
    slot_a.append(starts[u][pair] + offset // counts[v][pair])
    slot_b.append(starts[v][pair] + offset % counts[v][pair])
    flags.append(np.zeros(len(pair), dtype=bool))
    scores.append(score[pair])

    a, b = np.concatenate(slot_a), np.concatenate(slot_b)
    flag, score = np.concatenate(flags), np.concatenate(scores)
    study = np.unique([concept.study for concept in found], return_inverse=True)[1]
    i, j = concept_of[a], concept_of[b]
    keep = (study[i] != study[j]) & (score >= threshold)
    i, j, p, q = i[keep], j[keep], position_of[a][keep], position_of[b][keep]
    flag, score = flag[keep], score[keep]
    turn = i > j
    i, j = np.where(turn, j, i), np.where(turn, i, j)
    p, q = np.where(turn, q, p), np.where(turn, p, q)
    # each pair's best: a label of both, then the score, then the first names
    order = np.lexsort((q, p, -score, ~flag, j, i))
    first = order[_starts(i[order] * len(found) + j[order])]
    i, j, p, q, flag, score = i[first], j[first], p[first], q[first], flag[first], score[first]
    if candidates is not None:
        chosen = _best_of_each(found, i, j, flag, score, candidates)
        i, j, p, q, score = i[chosen], j[chosen], p[chosen], q[chosen], score[chosen]
    return {
        (x, y): (s, found[x].names[m][0], found[y].names[n][0])
        for x, y, m, n, s in zip(
            i.tolist(), j.tolist(), p.tolist(), q.tolist(), score.tolist(), strict=True
        )
    }


def _scores(names: list[str], first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """:func:`_score` of the names at ``first`` and ``second``, pair by pair, by
    rapidfuzz's ``cpdist`` (the token-sort ratio as the ratio of the words sorted), each
    distinct value rounded as Python rounds it."""
    import numpy as np
    from rapidfuzz import fuzz, process

    if not len(first):
        return np.zeros(0)

    def paired(texts: list[str], scorer: Any) -> np.ndarray:
        return process.cpdist(
            [texts[u] for u in first],
            [texts[v] for v in second],
            scorer=scorer,
            dtype=np.float64,
            workers=-1,
        )

    sort = paired([" ".join(sorted(name.split())) for name in names], fuzz.ratio)
    token_set = paired(names, fuzz.token_set_ratio)
    values, inverse = np.unique(np.maximum(sort, 0.9 * token_set), return_inverse=True)
    return np.array([round(value / 100, 3) for value in values.tolist()])[inverse.ravel()]


def _every(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of ``counts`` members: each member's group and place in it (0 to
    count - 1), every member of every group in turn."""
    import numpy as np

    group = np.repeat(np.arange(len(counts)), counts)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return group, np.arange(len(group)) - first[group]


def _within(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every two slots (a, b), a < b, of each group of ``counts`` slots from ``starts``."""
    group, place = _every(counts)
    slot = starts[group] + place
    later = counts[group] - 1 - place
    member, offset = _every(later)
    return slot[member], slot[member] + 1 + offset


def _starts(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal ``keys`` (sorted) begins."""
    import numpy as np

    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))


def _best_of_each(
    found: list[Concept],
    i: np.ndarray,
    j: np.ndarray,
    flag: np.ndarray,
    score: np.ndarray,
    candidates: int,
) -> np.ndarray:
    """Which of the pairs (i, j) to keep: those where j is among i's ``candidates`` best
    matches or i among j's; a concept's best are those whose names are labels of both
    and the same (1.0), then by score, then in the order of their study and id."""
    import numpy as np

    rank = np.empty(len(found), dtype=np.int64)
    rank[sorted(range(len(found)), key=lambda x: (found[x].study, found[x].id))] = np.arange(
        len(found)
    )
    pair = np.arange(len(i))
    source, target = np.concatenate([i, j]), np.concatenate([j, i])
    order = np.lexsort(
        (rank[target], -np.concatenate([score, score]), ~np.concatenate([flag, flag]), source)
    )
    starts = _starts(source[order])
    place = np.arange(len(order)) - np.repeat(starts, np.diff(np.append(starts, len(order))))
    kept = np.zeros(len(i), dtype=bool)
    kept[np.concatenate([pair, pair])[order[place < candidates]]] = True
    return np.flatnonzero(kept)


def suggest(
    concepts: Iterable[Concept], *, threshold: float = 0.8, candidates: int | None = None
) -> list[dict[str, object]]:
    """Suggested mappings between concepts of the same kind from different studies whose
    names match at ``threshold`` (0 to 1) or above, best first.

    With ``candidates``, a collection's suggestions stay in proportion to its concepts
    (a name shared by a thousand studies would otherwise bring half a million pairs):
    a pair is suggested where one is among the other's ``candidates`` best matches (the
    same name, a label of both, first; then by score; then in the order of their study
    and id). A concept with that many matches or fewer keeps them all.

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
    if candidates is not None and candidates < 1:
        raise ValueError(f"candidates must be 1 or more, not {candidates!r}")
    by_kind: dict[str, list[Concept]] = defaultdict(list)
    for concept in concepts:
        if concept.names:
            by_kind[concept.kind].append(concept)
    rows = []
    for kind in sorted(by_kind, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS)):
        found = by_kind[kind]
        for (i, j), (score, name_a, name_b) in _matches(found, threshold, candidates).items():
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
    lang); ``display`` names a node or study by its prefixed name (``lnw:W-M1``). The
    concepts come in the order of their studies' and their own IRIs, each one's names
    labels first, then in the order of their text, whatever order the store answers in
    (so that ``display`` makes up the same prefixes, and a tie is broken the same way,
    every time)."""
    from ..labels import choose_text

    kinds: dict[tuple[str, str], str] = {}
    names: dict[tuple[str, str], dict[tuple[str, str], None]] = defaultdict(dict)
    synonyms: dict[tuple[str, str], set[str]] = defaultdict(set)
    for study, node, kind, name, which, tag in rows:
        if study is None or node is None or kind is None or name is None:
            continue
        key = (study, node)
        kinds.setdefault(key, kind)
        names[key][name, tag or ""] = None
        if which == "synonym":
            synonyms[key].add(name)
    found = []
    for key in sorted(kinds):
        study, node = key
        kept = synonyms.get(key, set())
        concept = Concept(display(node), kinds[key], display(study), synonyms=kept)  # type: ignore[operator]
        concept.names = sorted(names[key], key=lambda n: (n[0] in kept, n[0], n[1]))
        labels = [(n, t) for n, t in concept.names if n not in kept]
        concept.label = choose_text(labels or concept.names, lang) or concept.names[0][0]
        found.append(concept)
    return found
