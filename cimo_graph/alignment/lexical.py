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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..lookup import normalise

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


def _best(a: Concept, b: Concept) -> tuple[float, str, str] | None:
    """The best-matching pair of names of ``a`` and ``b``: (score, a's name, b's name)."""
    from rapidfuzz import fuzz

    best: tuple[float, str, str] | None = None
    for name_a, _ in a.names:
        folded_a = normalise(name_a)
        for name_b, _ in b.names:
            folded_b = normalise(name_b)
            if not folded_a or not folded_b:
                continue
            if folded_a == folded_b:
                if name_a not in a.synonyms and name_b not in b.synonyms:
                    return 1.0, name_a, name_b  # the same label: the same concept
                score = 0.95  # a synonym of one is the other's name: near, not the same
            else:
                score = max(
                    fuzz.token_sort_ratio(folded_a, folded_b),
                    0.9 * fuzz.token_set_ratio(folded_a, folded_b),
                )
                score = round(score / 100, 3)
            if best is None or score > best[0]:
                best = (score, name_a, name_b)
    return best


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
        for index, a in enumerate(found):
            for b in found[index + 1 :]:
                if a.study == b.study:
                    continue  # an alignment is between studies
                match = _best(a, b)
                if match is None or match[0] < threshold:
                    continue
                score, name_a, name_b = match
                rows.append(_row(a, b, score, name_a, name_b))
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
