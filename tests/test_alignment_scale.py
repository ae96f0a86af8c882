"""Aligning a collection: names and meanings found without comparing every two concepts,
with the suggestions that comparing every two gives; names embedded once, kept with the
store."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pandas as pd
import pytest

import cimo_graph as cg
from cimo_graph.alignment import lexical, semantic
from cimo_graph.alignment.lexical import Concept
from cimo_graph.lookup import normalise

from .conftest import THREE_STUDIES

WORDS = [
    "peer",
    "feedback",
    "Feedback",
    "teacher",
    "teachers",
    "student",
    "learning",
    "network",
    "belonging",
    "sense of",
    "zelfsturing",
    "Zélfsturing",
    "self-direction",
    "community",
    "mentoring",
]


def collection(seed: int, studies: int, concepts: int, *, unique: bool = False) -> list[Concept]:
    """``concepts`` concepts (themes and mechanisms) spread over ``studies`` studies, each
    with one to three names of one to three words, some of them synonyms; with
    ``unique``, no two names alike."""
    rng = random.Random(seed)
    found = []
    for number in range(concepts):
        names = []
        for _ in range(rng.randint(1, 3)):
            name = " ".join(rng.sample(WORDS, rng.randint(1, 3)))
            names.append((f"{name} {number}-{len(names)}" if unique else name, "en"))
        names = list(dict.fromkeys(names))
        study = f"s{rng.randrange(studies)}"
        found.append(
            Concept(
                f"{study}:c{number}",
                rng.choice(["theme", "mechanism"]),
                study,
                names[0][0],
                names,
                {name for name, _ in names[1:] if rng.random() < 0.4},
            )
        )
    return found


def _key(row: dict) -> tuple:
    return (
        row["subject_id"],
        row["object_id"],
        row["predicate_id"],
        row["confidence"],
        row["match_string"],
    )


def every_pair_best(concepts: list[Concept], threshold: float) -> list[tuple]:
    """What comparing every name of every two concepts of a kind from two studies gives,
    as ``suggest`` says it compares them: the first pair of the same folded name that is
    a label of both (1.0), else the first best: a synonym's folded name 0.95, different
    names their similarity. Each as (a, b, (a label of both, score), a's name, b's)."""
    found = []
    for index, a in enumerate(concepts):
        for b in concepts[index + 1 :]:
            if a.kind != b.kind or a.study == b.study:
                continue
            best = None
            for name_a, _ in a.names:
                for name_b, _ in b.names:
                    folded_a, folded_b = normalise(name_a), normalise(name_b)
                    if not folded_a or not folded_b:
                        continue
                    if folded_a == folded_b:
                        labels = name_a not in a.synonyms and name_b not in b.synonyms
                        key = (labels, 1.0 if labels else 0.95)
                    else:
                        key = (False, lexical._score(folded_a, folded_b))
                    if best is None or key > best[0]:
                        best = (key, name_a, name_b)
            if best is not None and best[0][1] >= threshold:
                found.append((a, b, *best))
    return found


def every_pair_by_name(
    concepts: list[Concept], threshold: float, candidates: int | None = None
) -> list[tuple]:
    """The suggestions of :func:`every_pair_best`; with ``candidates``, those where one
    concept is among the other's ``candidates`` best: by (a label of both, score), then
    by the other's study and id."""
    found = every_pair_best(concepts, threshold)
    if candidates is not None:
        matches: dict[str, list] = {}
        for a, b, key, *_ in found:
            matches.setdefault(a.id, []).append((key, b))
            matches.setdefault(b.id, []).append((key, a))
        best = set()
        for concept, theirs in matches.items():
            theirs.sort(key=lambda m: (not m[0][0], -m[0][1], m[1].study, m[1].id))
            best |= {frozenset((concept, other.id)) for _, other in theirs[:candidates]}
        found = [f for f in found if frozenset((f[0].id, f[1].id)) in best]
    rows = [lexical._row(a, b, key[1], name_a, name_b) for a, b, key, name_a, name_b in found]
    return sorted(map(_key, rows))


@pytest.mark.parametrize("seed", range(6))
def test_names_compared_by_blocks_give_what_every_pair_gives(seed):
    concepts = collection(seed, studies=5, concepts=70)
    for threshold in (0.0, 0.6, 0.8, 0.95, 1.0):
        found = sorted(map(_key, lexical.suggest(concepts, threshold=threshold)))
        assert found == every_pair_by_name(concepts, threshold)


@pytest.mark.parametrize("seed", range(4))
def test_each_concept_keeps_its_best_matches_by_name(seed):
    concepts = collection(seed, studies=6, concepts=80)
    for threshold in (0.0, 0.6, 0.8):
        for candidates in (1, 2, 5):
            found = lexical.suggest(concepts, threshold=threshold, candidates=candidates)
            expected = every_pair_by_name(concepts, threshold, candidates)
            assert sorted(map(_key, found)) == expected
            assert len(expected) < len(every_pair_by_name(concepts, threshold))


def test_a_name_many_studies_share_brings_each_its_best_not_every_pair():
    studies = [
        Concept(f"s{n:02}:feedback", "theme", f"s{n:02}", "Feedback", [("Feedback", "en")])
        for n in range(30)
    ]
    assert len(lexical.suggest(studies)) == 30 * 29 // 2
    found = lexical.suggest(studies, candidates=3)
    # each keeps the first three others (all alike, so in the order of their studies):
    # the first three studies meet every other, no two later ones meet
    pairs = {(row["subject_source"], row["object_source"]) for row in found}
    assert pairs == {(f"s{a:02}", f"s{b:02}") for a in range(3) for b in range(a + 1, 30)}
    assert all(row["predicate_id"] == "skos:exactMatch" for row in found)


def test_align_bounds_a_collections_suggestions_by_candidates():
    from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

    cimo = Namespace("https://w3id.org/cimo-graph/ontology#")
    graph = Graph()
    for number in range(12):
        study = URIRef(f"https://example.org/study{number:02}/study")
        mechanism = URIRef(f"https://example.org/study{number:02}/M1")
        graph.add((study, RDF.type, cimo.Study))
        graph.add((mechanism, RDF.type, cimo.Mechanism))
        graph.add((mechanism, cimo.partOfStudy, study))
        graph.add((mechanism, RDFS.label, Literal("Peer feedback", lang="en")))
    kg = cg.CimoGraph(graph)
    assert len(kg.align(semantic=False, candidates=20)) == 12 * 11 // 2
    found = kg.align(semantic=False, candidates=2)
    assert len(found) == 11 + 10  # the first two studies meet every other
    assert found.equals(kg.align(semantic=False, candidates=2))


def test_a_collection_too_large_to_score_at_once_is_scored_in_blocks(monkeypatch):
    concepts = collection(1, studies=6, concepts=80)
    at_once = lexical.suggest(concepts)
    monkeypatch.setattr(lexical, "_ROWS", 3)
    monkeypatch.setattr(lexical, "_SHARED", 50)
    assert lexical.suggest(concepts) == at_once
    assert sorted(map(_key, at_once)) == every_pair_by_name(concepts, 0.8)


# --- meaning ---------------------------------------------------------------------------


class FakeModel:
    """Stands for the embedding model: a fixed vector for each text, near one shared
    direction (as a sentence model's vectors of short names are), and a count of the
    texts it was asked to embed."""

    def __init__(self) -> None:
        self.embedded = 0
        self.shared = np.random.default_rng(0).normal(size=384)

    def query(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.blake2b(text.encode()).digest()[:8], "little")
            vector = self.shared + 0.8 * np.random.default_rng(seed).normal(size=384)
            rows.append(vector / np.linalg.norm(vector))
        return np.array(rows, dtype=np.float32)


@pytest.fixture
def model(monkeypatch) -> FakeModel:
    fake = FakeModel()
    monkeypatch.setattr(semantic, "_model", lambda: fake)
    monkeypatch.setattr(semantic, "_CACHE", {})
    return fake


def every_pair_by_meaning(
    concepts: list[Concept], threshold: float, margin: float, *, compared: set | None = None
) -> list[tuple]:
    """What comparing every two studies gives (or those of each (kind, study, study) in
    ``compared``): each two concepts of a kind that are each other's nearest by CSLS."""
    vectors = dict(zip(*_texts_and_vectors(concepts), strict=True))
    rows = []
    for kind in {c.kind for c in concepts}:
        studies = sorted({c.study for c in concepts if c.kind == kind})
        for index, first in enumerate(studies):
            for second in studies[index + 1 :]:
                if compared is not None and (kind, first, second) not in compared:
                    continue
                left = [c for c in concepts if c.kind == kind and c.study == first]
                right = [c for c in concepts if c.kind == kind and c.study == second]
                cosine = np.array([[_cosine(a, b, vectors) for b in right] for a in left])
                k_left, k_right = min(3, len(right)), min(3, len(left))
                r_left = np.sort(cosine, axis=1)[:, -k_left:].mean(axis=1)
                r_right = np.sort(cosine, axis=0)[-k_right:, :].mean(axis=0)
                csls = 2 * cosine - r_left[:, None] - r_right[None, :]
                for i, a in enumerate(left):
                    j = int(csls[i].argmax())
                    if int(csls[:, j].argmax()) != i:
                        continue
                    if csls[i, j] >= margin and cosine[i, j] >= threshold:
                        rows.append((a.id, right[j].id, round(float(cosine[i, j]), 3)))
    return sorted(rows)


def _texts_and_vectors(concepts):
    texts = sorted({name for c in concepts for name, _ in c.names})
    return texts, semantic.embed(texts)


def _cosine(a: Concept, b: Concept, vectors) -> float:
    return max(float(vectors[x] @ vectors[y]) for x, _ in a.names for y, _ in b.names)


def _found(rows) -> list[tuple]:
    return sorted((r["subject_id"], r["object_id"], r["confidence"]) for r in rows)


def _same(found: list[tuple], expected: list[tuple]) -> bool:
    """The same pairs, their cosines the same to the third decimal (the last digit may
    round the other way: the cosines are sums of float32 products in another order)."""
    return [f[:2] for f in found] == [e[:2] for e in expected] and all(
        abs(f[2] - e[2]) <= 0.0011 for f, e in zip(found, expected, strict=True)
    )


def test_meanings_of_every_two_studies_give_what_comparing_each_pair_gives(model):
    concepts = collection(3, studies=4, concepts=60, unique=True)
    for threshold, margin in ((0.0, 0.0), (0.6, 0.025)):
        found = semantic.semantic_suggest(
            concepts, threshold=threshold, margin=margin, candidates=10_000
        )
        assert _same(_found(found), every_pair_by_meaning(concepts, threshold, margin))
        assert _found(found)  # the case is not empty
        # few concepts of a kind in other studies: every two studies are compared anyway
        assert semantic.semantic_suggest(concepts, threshold=threshold, margin=margin) == found


def test_a_collection_compares_the_studies_its_nearest_concepts_bring_together(model):
    """Forty studies: two are compared (for one kind) where a concept of one is among the
    4 nearest of a concept of the other (of its kind, in every other study); their
    suggestions are what comparing those two gives, and no others."""
    concepts = collection(5, studies=40, concepts=240, unique=True)
    texts, matrix = _texts_and_vectors(concepts)
    vectors = dict(zip(texts, matrix, strict=True))
    compared = set()
    for a in concepts:
        others = [b for b in concepts if b.kind == a.kind and b.study != a.study]
        others.sort(key=lambda b: -_cosine(a, b, vectors))
        for b in others[:4]:
            compared.add((a.kind, *sorted((a.study, b.study))))
    found = semantic.semantic_suggest(concepts, threshold=0.0, margin=0.0, candidates=4)
    expected = every_pair_by_meaning(concepts, 0.0, 0.0, compared=compared)
    assert _same(_found(found), expected)
    assert len(expected) < len(every_pair_by_meaning(concepts, 0.0, 0.0))


def test_a_collection_too_large_for_one_block_is_searched_in_blocks(model, monkeypatch):
    concepts = collection(7, studies=12, concepts=120, unique=True)
    whole = semantic.semantic_suggest(concepts, candidates=3)
    monkeypatch.setattr(semantic, "_BLOCK", 50)
    assert semantic.semantic_suggest(concepts, candidates=3) == whole


def test_the_embeddings_are_kept_with_the_store_and_computed_once(model, tmp_path):
    store = tmp_path / "store"
    kg = cg.load(THREE_STUDIES, location=store)
    assert kg.location == store
    first = kg.align(semantic=True)
    kept = store / semantic.CACHE_FILE
    assert kept.is_file() and model.embedded > 0
    embedded = model.embedded
    semantic._CACHE.clear()  # as in a new process
    pd.testing.assert_frame_equal(kg.align(semantic=True), first)
    assert model.embedded == embedded  # every name came from the store's folder
    del kg
    again = cg.load(THREE_STUDIES, location=store)  # the store reopened, the file kept
    semantic._CACHE.clear()
    pd.testing.assert_frame_equal(again.align(semantic=True), first)
    assert model.embedded == embedded
    kept.write_bytes(b"not what numpy writes")  # a damaged file is made again
    semantic._CACHE.clear()
    pd.testing.assert_frame_equal(again.align(semantic=True), first)
    assert model.embedded == 2 * embedded
    assert semantic._read_cache(kept).keys() == semantic._CACHE.keys()


def test_a_graph_in_memory_keeps_its_embeddings_for_the_process_only(model, tmp_path):
    kg = cg.load(THREE_STUDIES)
    assert kg.location is None
    kg.align(semantic=True)
    assert not list(tmp_path.iterdir())
    embedded = model.embedded
    kg.align(semantic=True)
    assert model.embedded == embedded


def test_candidates_must_be_one_or_more(model):
    with pytest.raises(ValueError, match="candidates must be 1 or more"):
        semantic.semantic_suggest(collection(1, studies=2, concepts=4), candidates=0)


def test_a_name_repeating_a_word_is_compared_by_its_distinct_words():
    """The names "Teacher teacher" and "teachers" share no word and differ as written;
    their distinct words ("teacher", "teachers") are close."""
    a = Concept("a:T1", "theme", "a", "Teacher teacher", [("Teacher teacher", "en")])
    b = Concept("b:T2", "theme", "b", "teachers", [("teachers", "en")])
    found = lexical.suggest([a, b])
    assert [(r["predicate_id"], r["confidence"]) for r in found] == [("skos:closeMatch", 0.84)]
    assert sorted(map(_key, found)) == every_pair_by_name([a, b], 0.8)


@pytest.mark.parametrize("planted", ["fifo", "link"])
def test_a_pipe_or_link_where_the_embeddings_go_is_left_alone(model, tmp_path, planted):
    """A named pipe (reading it would wait for ever) or a link leading out of the store's
    folder, where the embeddings are kept: align() says so, keeps them for the process
    and touches neither."""
    import os

    store = tmp_path / "store"
    kg = cg.load(THREE_STUDIES, location=store)
    kept = store / semantic.CACHE_FILE
    outside = tmp_path / "outside.txt"
    outside.write_text("not the store's", encoding="utf-8")
    if planted == "fifo":
        os.mkfifo(kept)
    else:
        kept.symlink_to(outside)
    with pytest.warns(UserWarning, match="cimo-graph-embeddings.npz: is (a link|not a regular)"):
        found = kg.align(semantic=True)
    assert len(found) and model.embedded > 0
    assert outside.read_text(encoding="utf-8") == "not the store's"
    assert kept.is_symlink() if planted == "link" else kept.is_fifo()
