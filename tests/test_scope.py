"""A question about one study pays for that study alone: the store returns the same rows
for it whether the graph holds one study or thirty, because the question's terms are bound
into its queries and names are found by index. No timings: rows are counted."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import URIRef

import cimo_graph as cg

ROOT = Path(__file__).resolve().parents[1]
BENCH = "https://example.org/bench/"


def _synthetic(studies: int) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run
    finally:
        sys.path.pop(0)
    return run.synthetic(studies)


@pytest.fixture(scope="module")
def collections(tmp_path_factory):
    """Studies-1, studies-30 and studies-300 files of the benchmark's synthetic studies."""
    folder = tmp_path_factory.mktemp("collections")
    paths = {}
    for size in (1, 30, 300):
        paths[size] = folder / f"studies-{size}.nt"
        paths[size].write_text(_synthetic(size), encoding="utf-8")
    return paths


class _CountingStore:
    """A pyoxigraph store that counts, per query, the solutions it hands out (and, in
    ``calls``, how often each query is asked)."""

    def __init__(self, store, counts: Counter, calls: Counter) -> None:
        self._store, self._counts, self._calls = store, counts, calls

    def query(self, text, **options):
        self._calls[_query_name(text)] += 1
        result = self._store.query(text, **options)
        if not hasattr(result, "variables"):
            return result
        rows = list(result)
        self._counts[_query_name(text)] += len(rows)
        return _Solutions(result.variables, rows)

    def quads_for_pattern(self, *pattern):
        """An index probe (the name lookup's check that an IRI names a subject): the
        quads taken from it count as rows."""
        for quad in self._store.quads_for_pattern(*pattern):
            self._counts["quads_for_pattern"] += 1
            yield quad


class _Solutions(list):
    def __init__(self, variables, rows) -> None:
        super().__init__(rows)
        self.variables = variables


def _counting(kg: cg.CimoGraph, calls: Counter | None = None) -> Counter:
    """Count, per query, the rows the store returns to ``kg`` from now on (every read
    of the helpers and of the name lookup goes through ``kg._engine()``), and in
    ``calls`` the queries asked."""
    counts: Counter = Counter()
    calls = Counter() if calls is None else calls
    engine = kg._engine

    def counted():
        store, default_graph = engine()
        return _CountingStore(store, counts, calls), default_graph

    kg._engine = counted
    return counts


def _query_name(text: str) -> str:
    """The named query ``text`` was made from (its header), else ``"?"``."""
    from cimo_graph.sparql import named_queries

    for query in named_queries().values():
        header = query.text.split("SELECT", 1)[0]
        if header and text.lstrip().startswith(header.lstrip()[:200]):
            return query.name
    return "?"


SCOPED = {
    "interventions_for(theme IRI)": lambda kg: kg.interventions_for(
        URIRef(f"{BENCH}s0/theme/feedback")
    ),
    "mechanisms_for(proposition IRI)": lambda kg: kg.mechanisms_for(URIRef(f"{BENCH}s0/s0-W")),
    "outcomes_of(intervention IRI)": lambda kg: kg.outcomes_of(URIRef(f"{BENCH}s0/s0-W-I1")),
    "evidence(IRI)": lambda kg: kg.evidence(URIRef(f"{BENCH}s0/s0-W-I1")),
    "describe(IRI)": lambda kg: kg.describe(URIRef(f"{BENCH}s0/s0-W")),
}


@pytest.mark.parametrize("question", list(SCOPED))
@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_a_scoped_question_reads_the_same_rows_in_any_collection(collections, store, question):
    answers, reads = [], []
    for size in (1, 30):
        kg = cg.load(collections[size], store=store)
        counts = _counting(kg)
        answers.append(SCOPED[question](kg).drop(columns=["study"], errors="ignore"))
        reads.append(counts)
    assert answers[0].equals(answers[1])
    assert reads[0] == reads[1], f"{question} read more rows in the larger collection"


LISTINGS = ["propositions", "pillars", "sentences", "roles", "themes", "studies"]


@pytest.mark.parametrize("listing", [*LISTINGS, "compare_studies"])
def test_a_listing_asks_as_many_queries_of_300_studies_as_of_one(collections, listing):
    """A listing over a collection is answered by a few queries over the whole class,
    each read in one go: not by batches of its rows, nor by queries per study."""
    asked = []
    for size in (1, 300):
        kg = cg.load(collections[size], store="oxigraph")
        calls: Counter = Counter()
        _counting(kg, calls)
        getattr(kg, listing)()
        asked.append(calls)
    assert asked[0] == asked[1], f"{listing} asked more queries of the larger collection"
    assert sum(asked[1].values()) <= 10, asked[1]


ACROSS = {
    "interventions_for": lambda kg: kg.interventions_for("feedback"),
    "mechanisms_for": lambda kg: kg.mechanisms_for("feedback"),
    "outcomes_of": lambda kg: kg.outcomes_of("feedback", lang="nl"),
}


@pytest.mark.parametrize("question", list(ACROSS))
def test_a_theme_across_a_collection_is_asked_in_a_few_queries(collections, question):
    """A theme every study has is answered by one query joining its routes, their parts
    and what each row shows, not by a query per route, part or node: of 300 studies, each
    query is asked at most twice (its terms in VALUES blocks of 500), and each study's
    rows are those it has alone."""
    asked, answers = [], []
    for size in (1, 300):
        kg = cg.load(collections[size], store="oxigraph")
        calls: Counter = Counter()
        _counting(kg, calls)
        answers.append(ACROSS[question](kg))
        asked.append(calls)
    assert max(asked[1].values()) <= 2, asked[1]
    assert sum(asked[1].values()) <= 12, asked[1]
    first = answers[1][answers[1]["study"] == "s0"].drop(columns="study")
    assert first.reset_index(drop=True).equals(answers[0].drop(columns="study", errors="ignore"))


def test_a_name_is_found_without_reading_every_name(collections):
    """Ids, labels and theme names of the bundled study are found by index, in the same
    number of rows beside one synthetic study as beside thirty."""
    reads = []
    for size in (1, 30):
        kg = cg.load([cg.load().source, collections[size]])
        counts = _counting(kg)
        assert kg.node("W-I3") == kg.node("w-i3") == kg.node("lnw:W-I3")
        assert kg.node("Expect initiative and self-direction") == kg.node("W-I3")
        assert kg.theme("Zelfsturing ") == kg.theme("eigen regie")
        reads.append(counts)
    assert reads[0] == reads[1]
    assert "lookup-index" not in reads[0], "a name found as typed needs no scan of names"


def test_local_names_and_misspellings_still_resolve(collections):
    """A node without an identifier answers to its local name (in its study's namespace);
    a name in another case, with accents or other punctuation, and a typo, fall back on
    the names beginning as it does."""
    kg = cg.load(collections[30])
    assert kg.node("s7-W-I2") == URIRef(f"{BENCH}s7/s7-W-I2")
    assert kg.node("intervention 2 of study 7") == URIRef(f"{BENCH}s7/s7-W-I2")
    assert kg.node("INTERVENTION 2 OF STUDY 7") == URIRef(f"{BENCH}s7/s7-W-I2")
    bundled = cg.load()
    assert bundled.theme("theory\u2013practice link") == bundled.theme("theory-practice")
    assert bundled.theme("GROEPSGEVOEL") == bundled.theme("group")
    with pytest.raises(cg.UnknownNodeError, match="Did you mean: 's7-W-I2'"):
        kg.node("s7-W-I2x")
