"""Benchmark: cimo-graph at 1 to 10,000 synthetic studies, rdflib's store against Oxigraph.

    .venv/bin/python bench/run.py                      # 1, 100, 1000, 10000 studies
    .venv/bin/python bench/run.py --sizes 1 100 --runs 5 --json bench/results.json

Each size and store runs in a fresh process (so peak memory is its own). For each it
measures loading, every question helper, a free SPARQL query, ``to_networkx`` and the
interactive render of a focused subgraph, cold (first call) and warm (min and median of
``--runs`` calls), and prints ratios against plain rdflib measured in the same run, and
against the limit: pyoxigraph alone answering each question with one raw query
(bench/raw.py), whose peak memory is also the limit of the Oxigraph store's; the raw
queries are also asked of the Oxigraph store in the helpers' own process, in turn with
each helper ("raw here"), so that the machine's load weighs on both alike. On every
local store it also runs ``kg.validate()`` (beside the shapes' own queries asked raw)
and writes the evidence report; on Virtuoso it publishes the studies through the Graph
Store and by SPARQL Update, verified, beside Virtuoso's own bulk loader. It also
times ``import cimo_graph`` against ``import rdflib``, ``cg.load()`` and ``kg.validate()``
of the bundled study, loading the example template and a coded REFI-QDA project of 100
documents and 5,000 segments (against the same study as a template). Nothing here is a
test: machines are shared and noisy, so read ratios.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import gc
import json
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

THEMES = [
    "feedback",
    "self-direction",
    "well-being",
    "collaboration",
    "peer-learning",
    "guidance",
    "connectedness",
    "self-confidence",
    "research-capacity",
    "learning-culture",
    "accessibility",
    "group",
    "theory-practice",
    "reflection",
    "motivation",
    "autonomy",
    "belonging",
    "trust",
    "workload",
    "innovation",
]
CIMO = "https://w3id.org/cimo-graph/ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
IDENT = "<http://purl.org/dc/terms/identifier>"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def synthetic(studies: int, seed: int = 7, *, evidence: bool = False) -> str:
    """N-Triples of ``studies`` CIMO studies with the ontology's real terms.

    Each study: a context, one design proposition of 6 interventions, 5 mechanisms,
    4 outcomes and an added value, the role carrying out the interventions, a pillar with
    its aim, and three themes of its own; every element typed, labelled in nl and en and
    tied to its study. About 110 triples a study (the issue's ~80 plus the role and pillar
    that ``roles()`` and ``pillars()`` answer about). Their elements carry no evidence and
    their pillars no means: 24 problems a study for ``kg.validate()``. With ``evidence``,
    every element has its source text and the pillar a means: the studies conform.
    """
    rng = random.Random(seed)
    lines: list[str] = []
    add = lines.append

    def node(ns: str, local: str, cls: str, study: str, label: str) -> str:
        iri = f"<{ns}{local}>"
        add(f"{iri} {RDF_TYPE} <{CIMO}{cls}> .")
        add(f"{iri} <{CIMO}partOfStudy> {study} .")
        add(f'{iri} {LABEL} "{label} (nl)"@nl .')
        add(f'{iri} {LABEL} "{label}"@en .')
        if evidence:
            add(f'{iri} <{CIMO}sourceText> "the text of {label}"@en .')
        return iri

    for index in range(studies):
        ns = f"https://example.org/bench/s{index}/"
        study = f"<{ns}study>"
        add(f"{study} {RDF_TYPE} <{CIMO}Study> .")
        add(f'{study} {IDENT} "s{index}" .')
        add(f'{study} <http://purl.org/dc/terms/title> "Study {index}"@en .')
        themes = []
        if evidence:
            add(f"<{ns}themes> {RDF_TYPE} <{SKOS}ConceptScheme> .")
        # every study has feedback (the theme the benchmark asks about) and two others
        for name in ["feedback", *rng.sample(THEMES[1:], 2)]:
            theme = f"<{ns}theme/{name}>"
            themes.append(theme)
            add(f"{theme} {RDF_TYPE} <{SKOS}Concept> .")
            add(f'{theme} <{SKOS}notation> "{name}" .')
            add(f'{theme} <{SKOS}prefLabel> "{name}"@en .')
            if evidence:
                add(f"{theme} <{SKOS}inScheme> <{ns}themes> .")
        context = node(ns, f"s{index}-context", "Context", study, f"context {index}")
        role = node(ns, f"s{index}-educator", "Role", study, "educator")
        p = node(ns, f"s{index}-W", "DesignProposition", study, f"proposition {index}")
        add(f"{p} <{CIMO}hasContext> {context} .")
        for kind, link, count in (
            ("Intervention", "hasIntervention", 6),
            ("Mechanism", "hasMechanism", 5),
            ("Outcome", "hasOutcome", 4),
        ):
            for k in range(1, count + 1):
                label = f"{kind.lower()} {k} of study {index}"
                part = node(ns, f"s{index}-W-{kind[0]}{k}", kind, study, label)
                add(f"{p} <{CIMO}{link}> {part} .")
                if rng.random() < 0.3:
                    add(f"{part} <{CIMO}theme> {rng.choice(themes)} .")
                if kind == "Intervention":
                    add(f"{part} <{CIMO}carriedOutBy> {role} .")
        value = node(ns, f"s{index}-W-AV", "AddedValue", study, f"added value {index}")
        add(f"{p} <{CIMO}hasAddedValue> {value} .")
        add(f"{value} <{CIMO}theme> {rng.choice(themes)} .")
        pillar = node(ns, f"s{index}-P1", "Pillar", study, f"pillar of study {index}")
        add(f"{context} <{CIMO}hasPillar> {pillar} .")
        aim = node(ns, f"s{index}-P1-aim", "Aim", study, f"aim of study {index}")
        add(f"{pillar} <{CIMO}hasAim> {aim} .")
        add(f"{aim} <{CIMO}theme> {rng.choice(themes)} .")
        if evidence:
            means = node(ns, f"s{index}-P1-means", "Means", study, f"means of study {index}")
            add(f"{pillar} <{CIMO}hasMeans> {means} .")
    return "\n".join(lines) + "\n"


#: The stores measured: cimo-graph's local ones, their baseline and limit, and servers.
STORES = ["rdflib", "memory", "oxigraph", "raw", "virtuoso", "serve"]
#: The columns of the tables: the stores, and the raw queries asked of the Oxigraph store
#: in the helpers' own process, in turn with them (``timed_pair``).
SHOWN = [*STORES[:4], "raw here", *STORES[4:]]
#: The ratios printed beside the figures: (heading, the slower store, the faster store).
RATIOS = [
    ("vs rdflib", "rdflib", "oxigraph"),
    ("vs raw", "oxigraph", "raw"),
    ("vs raw here", "oxigraph", "raw here"),
    ("virtuoso/ox", "virtuoso", "oxigraph"),
    ("serve/ox", "serve", "oxigraph"),
]


class TooSlow(Exception):
    """A call that ran past the benchmark's cap (``--cap``)."""


def timed(call, runs: int, cap: float | None = None, *, collect: bool = False) -> dict:
    """Cold (first call) and warm (min, median of ``runs`` calls) seconds. With ``cap``,
    a call stopped after ``cap`` seconds is reported as ``{"over": cap}``; warm runs are
    cut to one when the cold call took more than a tenth of the cap. With ``collect``,
    what a call left is collected after it, untimed: an rdflib graph is a cycle of
    objects, so a loaded graph dropped would otherwise stay until Python's collector next
    runs, and the peak memory would count two or three graphs."""

    def once() -> float:
        return _once(call, cap, collect=collect)

    try:
        cold = once()
        if cap is not None and cold > cap / 10:
            runs = 1
        warm = [once() for _ in range(runs)]
    except TooSlow:
        return {"over": cap}
    return _figures(cold, warm)


def timed_pair(call, limit, runs: int, cap: float) -> tuple[dict, dict]:
    """``call`` and ``limit`` (its raw queries) timed in turn in one process: cold each,
    then ``runs`` rounds of one and then the other, so that whatever else the machine is
    doing at the time weighs on both alike and their ratio holds. Every round is run
    whatever the cold call took (a listing over 10,000 studies takes seconds): the ratio is
    what these figures are for, and one round's moved by a third between runs."""
    try:
        cold = _once(call, cap)
    except TooSlow:
        return {"over": cap}, timed(limit, runs, cap)
    try:
        limit_cold = _once(limit, cap)
    except TooSlow:
        return timed(call, runs, cap), {"over": cap}
    warm: list[float] = []
    limit_warm: list[float] = []
    for _ in range(runs):
        warm.append(_once(call, cap))
        limit_warm.append(_once(limit, cap))
    return _figures(cold, warm), _figures(limit_cold, limit_warm)


def _once(call, cap: float | None, *, collect: bool = False) -> float:
    """Seconds ``call`` took (``TooSlow`` past ``cap``); with ``collect``, what it left is
    collected after it, untimed."""
    if cap is not None:
        signal.setitimer(signal.ITIMER_REAL, cap)
    start = time.perf_counter()
    try:
        call()
    finally:
        if cap is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
    took = time.perf_counter() - start
    if collect:
        gc.collect()
    return took


def _figures(cold: float, warm: list[float]) -> dict:
    if not warm:
        return {"cold": cold}
    return {"cold": cold, "min": min(warm), "median": statistics.median(warm)}


def _raise_too_slow(signum, frame):
    raise TooSlow


def measure(path: str, store: str, runs: int, cap: float) -> dict:
    """Run in a child process: everything for one size and store.

    ``store`` is ``rdflib`` (plain rdflib: ``Graph().parse``, and the helpers answered by
    rdflib's own SPARQL engine: the baseline), ``memory`` or ``oxigraph``; or a server,
    asked with ``cg.connect``: ``virtuoso`` (a private Virtuoso with its packaged ini,
    which cuts every answer at 10,000 rows; the studies published to it, verified) or
    ``serve`` (``cimo-graph serve`` on the file)."""
    if store in ("virtuoso", "serve"):
        with _server(path, store) as (kg, figures):
            return _questions(kg, path, runs, cap, figures)
    import rdflib

    import cimo_graph as cg

    out: dict = {}
    if store == "rdflib":
        out["load"] = timed(
            lambda: rdflib.Graph().parse(path, format="nt"), max(1, runs // 2), collect=True
        )
        kg = cg.CimoGraph(rdflib.Graph().parse(path, format="nt"), engine="rdflib")
    else:
        out["load"] = timed(lambda: cg.load(path, store=store), max(1, runs // 2), collect=True)
        kg = cg.load(path, store=store)
    # the graphs loaded for timing go now, not inside the first timed question (freeing a
    # 1.3M-triple store takes most of a second)
    gc.collect()
    # the report of a large collection on the Oxigraph store runs to its end (15 caps)
    return _questions(kg, path, runs, cap, out, report_cap=cap * 15 if store == "oxigraph" else cap)


@contextlib.contextmanager
def _server(path: str, store: str):
    """A server holding the studies of ``path``, connected: (the remote graph, the time
    it took to have it there: publishing, verified, or the server's start)."""
    import cimo_graph as cg

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.servers import Served, Virtuoso

    if store == "serve":
        served = Served(path)
        try:
            yield cg.connect(served.url, timeout=600), {"load": {"cold": served.start_seconds}}
        finally:
            served.stop()
        return
    with tempfile.TemporaryDirectory() as folder:
        server = Virtuoso(Path(folder))
        server.start()
        try:
            graph = "https://example.org/bench/collection"
            local = cg.load(path, store="oxigraph")
            report = local.publish(
                server.update_url,
                graph,
                auth=("dba", "dba"),
                timeout=600,
                graph_store=server.graph_store_url,
            )
            assert report.verified
            figures = {"publish (Graph Store, verified)": {"cold": report.seconds}}
            if len(local) <= 200_000:  # SPARQL Update: a minute a thousand studies
                other = f"{graph}/update"
                update = local.publish(server.update_url, other, auth=("dba", "dba"), timeout=600)
                assert update.verified
                figures["publish (SPARQL Update, verified)"] = {"cold": update.seconds}
                _drop(server, other)
            figures["bulk load (Virtuoso's loader)"] = {
                "cold": _bulk_load(server, path, len(local))
            }
            del local
            gc.collect()
            remote = cg.connect(server.url, graph=graph, timeout=600)
            yield remote, {"load": {"cold": report.seconds}, **figures}
        finally:
            server.stop()


def _bulk_load(server, path: str, triples: int) -> float:
    """Seconds Virtuoso's own bulk loader takes to load ``path`` into a graph of its own
    (``ld_dir``, ``rdf_loader_run``, ``checkpoint`` through ``isql``: the limit of any
    publishing), its count checked; the graph dropped after."""
    import urllib.parse
    import urllib.request

    folder = Path(server.folder)
    shutil.copy(path, folder / "bulk.nt")
    graph = "https://example.org/bench/bulk"
    statement = f"ld_dir('{folder}', 'bulk.nt', '{graph}'); rdf_loader_run(); checkpoint;"
    start = time.perf_counter()
    subprocess.run(
        ["isql-vt", str(server.sql_port), "dba", "dba", f"exec={statement}"],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    url = f"{server.url}?{urllib.parse.urlencode({'query': query, 'format': 'json'})}"
    with urllib.request.urlopen(url) as answer:
        count = int(json.load(answer)["results"]["bindings"][0]["n"]["value"])
    assert count == triples, (count, triples)
    _drop(server, graph)
    return seconds


def _drop(server, graph: str) -> None:
    from cimo_graph.remote import Endpoint

    Endpoint(server.update_url, auth=("dba", "dba"), auth_scheme="digest", timeout=600).update(
        f"DROP SILENT GRAPH <{graph}>"
    )


def _questions(
    kg, path: str, runs: int, cap: float, out: dict, *, report_cap: float | None = None
) -> dict:
    """The questions' figures on ``kg``, added to ``out`` (the report's with ``report_cap``
    where given)."""
    import rdflib

    signal.signal(signal.SIGALRM, _raise_too_slow)
    last = f"s{int(Path(path).stem.rsplit('-', 1)[1]) - 1}-W"  # studies-<size>.nt
    # the first question resolves a name by query (and, for the memory store, makes
    # Oxigraph's copy of the graph); it is timed on its own so the helpers below compare
    # like for like
    first = timed(lambda: kg.node("s0-W"), 0, cap * 20)
    out["first question (index)"] = first if "over" in first else {"cold": first["cold"]}
    calls = {
        "interventions_for": lambda: kg.interventions_for("feedback"),
        # one study's own theme, by IRI: the question scoped to a study
        "interventions_for (1 study)": lambda: kg.interventions_for(
            rdflib.URIRef("https://example.org/bench/s0/theme/feedback")
        ),
        "mechanisms_for": lambda: kg.mechanisms_for("s0-W"),
        "outcomes_of": lambda: kg.outcomes_of("s0-W-I1"),
        "evidence": lambda: kg.evidence("s0-W-I1"),
        "shared_elements": lambda: kg.shared_elements("s0-W", last),
        "describe": lambda: kg.describe("s0-W"),
        "propositions": kg.propositions,
        "pillars": kg.pillars,
        "roles": kg.roles,
        "themes": kg.themes,
        "sentences": kg.sentences,
        "studies": kg.studies,
        "compare_studies": kg.compare_studies,
        # words: one study's (a phrase), and a word of every study's mechanisms
        "search (1 study)": lambda: kg.search(f'"of study {last[1:-2]}"'),
        "search (all studies)": lambda: kg.search("mechanism"),
        "sparql": lambda: kg.sparql(
            "SELECT ?i WHERE { ?p cimo:hasIntervention ?i . ?i cimo:theme ?t . "
            "?t skos:notation 'feedback' }"
        ),
        "to_networkx (focus W)": lambda: kg.to_networkx(focus="s0-W"),
        "render html (focus W)": lambda: kg.to_html(focus="s0-W"),
    }
    if hasattr(kg, "validate"):  # a local store: the shapes' queries over the collection
        calls["validate"] = kg.validate
    # the evidence report: every element, the first 50 figures and themes' routes
    report_folder = tempfile.mkdtemp()
    atexit.register(shutil.rmtree, report_folder, True)
    calls["report (HTML)"] = lambda: kg.report(Path(report_folder) / "report.html")
    # on the local Oxigraph store, each question's raw queries (bench/raw.py) are also
    # asked of the same store in the same process, in turn with the helper
    limits = _limits(kg, path)
    here: dict = {}
    for name, call in calls.items():
        if name == "validate":  # the questions' peak, beside the raw queries' (theirs alone)
            out["peak_rss_questions_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if name in limits:
            out[name], here[name] = timed_pair(call, limits[name], runs, cap)
        elif name == "report (HTML)":
            out[name] = timed(call, runs, report_cap or cap)
        else:
            out[name] = timed(call, runs, cap)
    if here:
        out["raw here"] = here
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _limits(kg, path: str) -> dict:
    """The raw queries of each question, asked of ``kg``'s own pyoxigraph store: for the
    local Oxigraph store only (the memory store answers with a copy; servers, remotely)."""
    own = getattr(getattr(kg, "graph", None), "store", None)
    if getattr(kg, "engine", None) != "oxigraph" or not hasattr(own, "_inner"):
        return {}
    import raw

    store, default_graph = kg._engine()
    if store is not own._inner:
        return {}
    last = int(Path(path).stem.rsplit("-", 1)[1]) - 1
    return {
        name: functools.partial(raw.answer, store, texts, default_graph)
        for name, texts in raw.queries(last).items()
    }


def measure_raw(path: str, runs: int, cap: float) -> dict:
    """Run in a child process: pyoxigraph alone, the limit the helpers are measured
    against. Its ``bulk_load`` of the file, each helper's raw queries (bench/raw.py) with
    every value read as a string, and the peak memory of a process holding the store."""
    import pyoxigraph as ox
    import raw

    signal.signal(signal.SIGALRM, _raise_too_slow)
    last = int(Path(path).stem.rsplit("-", 1)[1]) - 1
    stores: list = []

    def load() -> None:
        stores.clear()  # one store at a time, as the helpers' process holds one graph
        store = ox.Store()
        store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
        stores.append(store)

    out: dict = {"load": timed(load, max(1, runs // 2))}
    store = stores[0]
    for name, texts in raw.queries(last).items():
        out[name] = timed(lambda texts=texts: raw.answer(store, texts), runs, cap)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measure_align(
    path: str, runs: int, cap: float, every_pair: bool, meaning: bool, kept: bool
) -> dict:
    """Run in a child process: ``kg.align()`` of a collection whose names are drawn from an
    education vocabulary (bench/align.py's studies: 25 elements, every other study in
    Dutch), kept in an Oxigraph store on disk. Names alone, beside what scoring every
    pair of names of a kind does with nothing around it (rapidfuzz's ``cdist`` of the
    names read raw, both scorers: the limit of comparing all pairs, with
    ``every_pair``); with ``meaning``, the first ``align()`` (every name embedded and
    kept in the store's folder), then ``align()`` as a new process would run it (the
    embeddings read from that file), beside the same every-pair scoring and one matrix
    product of every name's vector with every other's, kind by kind. With ``kept``
    instead, the embeddings come from the file beside ``path`` (``.npz``: made once by
    ``bench/align.py --keep-embeddings``) and only the new session's ``align()`` is timed.
    A call past ``cap`` seconds is reported as over; one past a tenth of it runs once
    more, not ``runs`` times."""
    import cimo_graph as cg
    from cimo_graph.alignment import semantic

    signal.signal(signal.SIGALRM, _raise_too_slow)
    folder = Path(tempfile.mkdtemp())
    atexit.register(shutil.rmtree, folder, True)
    kg = cg.load(path, location=folder / "store")
    names = _names_by_kind(kg)
    out: dict = {"names": sum(len(n) for n in names.values())}
    found: dict = {}

    def by_name() -> None:
        found["suggestions by name"] = len(kg.align(semantic=False))

    if every_pair:
        out["align (names)"], out["every pair (names)"] = timed_pair(
            by_name, lambda: _every_pair_by_name(_names_by_kind(kg)), runs, cap
        )
    else:
        out["align (names)"] = timed(by_name, runs, cap)
        out["every pair (names), estimated"] = {
            "cold": _every_pair_by_name(_names_by_kind(kg), rows=1000)
        }
    if not (meaning or kept) or not semantic.available():
        return {**out, **found}
    embeddings = folder / "store" / semantic.CACHE_FILE

    def again() -> None:
        semantic._CACHE.clear()  # as a new process: the embeddings come from the file
        found["suggestions with meaning"] = len(kg.align())

    if kept:
        shutil.copyfile(Path(path).with_suffix(".npz"), embeddings)
        out["align (names and meaning)"] = timed(again, runs, cap)
        return {**out, **found}

    def first() -> None:
        found["suggestions with meaning"] = len(kg.align())

    try:
        out["align (embedding every name, kept)"] = {"cold": _once(first, cap * 4)}
    except TooSlow:
        out["align (embedding every name, kept)"] = {"over": cap * 4}
        return {**out, **found}

    def limit() -> None:
        by_kind = _names_by_kind(kg)
        if every_pair:
            _every_pair_by_name(by_kind)
        _every_pair_by_meaning(by_kind, semantic._read_cache(embeddings))

    out["align (names and meaning)"], out["every pair (meaning)"] = timed_pair(
        again, limit, runs, cap
    )
    return {**out, **found}


def _names_by_kind(kg) -> dict:
    """The names of the concepts ``align`` compares, by kind: the query asked raw of the
    store, every value read as a string."""
    import cimo_graph as cg

    store, default_graph = kg._engine()
    by_kind: dict = {}
    for solution in store.query(
        cg.sparql.named_query("align-concepts").text, default_graph=default_graph
    ):
        by_kind.setdefault(solution[2].value, []).append(solution[3].value)
    return by_kind


def _every_pair_by_name(by_kind: dict, rows: int | None = None) -> float:
    """Every folded name of a kind scored against every other (both scorers); with
    ``rows``, only the first ``rows`` names of each kind against every other, and the
    seconds that every name would take at that pace (an estimate, for collections where
    scoring every pair would take hours): the seconds taken, or estimated."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from cimo_graph.lookup import normalise

    seconds = 0.0
    for names in by_kind.values():
        folded = sorted({normalise(name) for name in names})
        chosen = folded if rows is None else folded[:rows]
        start = time.perf_counter()
        for scorer, cutoff in ((fuzz.token_sort_ratio, 79), (fuzz.token_set_ratio, 87)):
            process.cdist(
                chosen, folded, scorer=scorer, score_cutoff=cutoff, dtype=np.uint8, workers=-1
            )
        seconds += (time.perf_counter() - start) * len(folded) / max(1, len(chosen))
    return seconds


def _every_pair_by_meaning(by_kind: dict, vectors: dict) -> float:
    """Every name's vector of a kind multiplied with every other's (by blocks)."""
    import numpy as np

    best = 0.0
    for names in by_kind.values():
        matrix = np.stack([vectors[name] for name in sorted(set(names))])
        for start in range(0, len(matrix), 2000):
            best = max(best, float((matrix[start : start + 2000] @ matrix.T).max()))
    return best


def validation_times(runs: int) -> dict:
    """``kg.validate()`` of the bundled study (warm), and loading the example template
    (built from YAML and checked with the shapes)."""
    import cimo_graph as cg
    from cimo_graph.authoring import example_path

    kg = cg.load()
    template = example_path()
    return {
        "validate": timed(kg.validate, runs),
        "template": timed(lambda: cg.load(template), runs),
        "template_triples": len(cg.load(template)),
    }


def project_times(runs: int) -> dict:
    """Loading a coded REFI-QDA project of 100 documents and 5,000 segments (read, built,
    checked), against loading the same study from a YAML template (the baseline)."""
    import cimo_graph as cg

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.projects import large_project

    with tempfile.TemporaryDirectory() as folder:
        project = large_project().write(Path(folder) / "large.qdpx")
        kg = cg.load(project)
        template = kg.export_template(Path(folder) / "large.yaml")
        return {
            "project": timed(lambda: cg.load(project), runs),
            "template": timed(lambda: cg.load(template), runs),
            "triples": len(kg),
        }


def import_times(runs: int) -> dict:
    # pip compiles a package's bytecode when it installs it; an editable install (and a
    # machine with PYTHONDONTWRITEBYTECODE) would otherwise compile cimo_graph at every import
    import compileall

    import cimo_graph

    compileall.compile_dir(Path(cimo_graph.__file__).parent, quiet=1)

    def once(module: str) -> float:
        command = [
            sys.executable,
            "-c",
            f"import time; s=time.perf_counter(); import {module}; print(time.perf_counter()-s)",
        ]
        return float(subprocess.check_output(command, text=True))

    results = {}
    for module in ("rdflib", "cimo_graph"):
        values = [once(module) for _ in range(runs)]
        results[module] = {"min": min(values), "median": statistics.median(values)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000, 10000])
    parser.add_argument(
        "--stores",
        nargs="+",
        default=None,
        choices=STORES,
        help="rdflib (the baseline), memory, oxigraph (cimo-graph's stores) and raw "
        "(pyoxigraph alone answering each question with one query: the limit); default: "
        "those four. virtuoso and serve: the same questions asked of a server",
    )
    parser.add_argument(
        "--remote",
        action="store_true",
        help="ask the questions of servers too: a private Virtuoso (packaged ini: a "
        "10,000-row cap) and `cimo-graph serve`, beside the local Oxigraph store "
        "(stores oxigraph virtuoso serve, unless --stores says otherwise)",
    )
    parser.add_argument(
        "--memory-up-to",
        type=int,
        default=1000,
        help="run the memory store only up to this many studies (rdflib's parser takes "
        "most of a minute beyond; the rdflib baseline still runs)",
    )
    parser.add_argument(
        "--align-up-to",
        type=int,
        default=10_000,
        help="align a collection of vocabulary-named studies (bench/align.py) of each size "
        "up to this many studies (0: never)",
    )
    parser.add_argument(
        "--align-cap",
        type=float,
        default=600.0,
        help="stop an align() call after this many seconds and report it as over (one past "
        "a tenth of it runs once more, not --runs times; default 600)",
    )
    parser.add_argument(
        "--embeddings",
        metavar="FILE",
        help="the names' embeddings of the largest collection, made once by bench/align.py "
        "--keep-embeddings: the collections beyond --embed-up-to are aligned by meaning with "
        "them, as a new session of a store whose first align() kept them",
    )
    parser.add_argument(
        "--every-pair-up-to",
        type=int,
        default=1000,
        help="score every pair of names beside align() only up to this many studies",
    )
    parser.add_argument(
        "--embed-up-to",
        type=int,
        default=1000,
        help="align by meaning, every name embedded once (at about 165 names a second on "
        "this machine's two cores) and then kept, only up to this many studies (beyond, "
        "with --embeddings)",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", default="bench/results.json")
    parser.add_argument(
        "--cap",
        type=float,
        default=30.0,
        help="stop a helper call after this many seconds and report it as over (default 30)",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--report", metavar="JSON", help="print the tables of a results file")
    args = parser.parse_args()
    if args.stores is None:
        args.stores = ["oxigraph", "virtuoso", "serve"] if args.remote else STORES[:4]
    if args.report:
        report = json.loads(Path(args.report).read_text(encoding="utf-8"))
        for size, entry in report["sizes"].items():
            _print_size(int(size), entry["triples"], entry["results"])
            if "align" in entry:
                _print_align(int(size), entry["align"])
        return
    if args.child:
        path, store, runs, cap = args.child
        if store.startswith("align"):
            parts = store.split("+")
            measured = measure_align(
                path, int(runs), float(cap), "pairs" in parts, "meaning" in parts, "kept" in parts
            )
        elif store == "raw":
            measured = measure_raw(path, int(runs), float(cap))
        else:
            measured = measure(path, store, int(runs), float(cap))
        print(json.dumps(measured))
        return

    import cimo_graph as cg

    report: dict = {"imports": import_times(max(args.runs, 5)), "sizes": {}}
    report["bundled_load"] = timed(cg.load, 10)
    imports = report["imports"]
    print(
        f"import rdflib      min {imports['rdflib']['min'] * 1000:7.1f} ms  "
        f"median {imports['rdflib']['median'] * 1000:7.1f} ms"
    )
    print(
        f"import cimo_graph  min {imports['cimo_graph']['min'] * 1000:7.1f} ms  "
        f"median {imports['cimo_graph']['median'] * 1000:7.1f} ms  ratio "
        f"{imports['cimo_graph']['median'] / imports['rdflib']['median']:.2f}x"
    )
    bundled = report["bundled_load"]
    print(
        f"cg.load() bundled  cold {bundled['cold'] * 1000:6.1f} ms  warm min "
        f"{bundled['min'] * 1000:6.1f} ms  median {bundled['median'] * 1000:6.1f} ms"
    )
    report["validation"] = checks = validation_times(max(args.runs, 5))
    print(
        f"kg.validate()      cold {checks['validate']['cold'] * 1000:6.1f} ms  warm min "
        f"{checks['validate']['min'] * 1000:6.1f} ms  median "
        f"{checks['validate']['median'] * 1000:6.1f} ms  (bundled study)"
    )
    print(
        f"load template      cold {checks['template']['cold'] * 1000:6.1f} ms  warm min "
        f"{checks['template']['min'] * 1000:6.1f} ms  median "
        f"{checks['template']['median'] * 1000:6.1f} ms  "
        f"(example.yaml, {checks['template_triples']} triples, built and checked)"
    )
    report["project"] = coded = project_times(max(args.runs, 3))
    print(
        f"load .qdpx project cold {coded['project']['cold']:6.2f} s   warm min "
        f"{coded['project']['min']:6.2f} s   median {coded['project']['median']:6.2f} s   "
        f"(100 documents, 5,000 segments, {coded['triples']} triples; the same study as a "
        f"YAML template {coded['template']['median']:.2f} s: "
        f"{coded['project']['median'] / coded['template']['median']:.2f}x)"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"studies-{size}.nt"
            path.write_text(synthetic(size), encoding="utf-8")
            triples = sum(1 for _ in path.open(encoding="utf-8"))
            results = {}
            for store in args.stores:
                if store == "memory" and size > args.memory_up_to:
                    results[store] = {"skipped": f"more than --memory-up-to={args.memory_up_to}"}
                    continue
                done = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        str(path),
                        store,
                        str(args.runs),
                        str(args.cap),
                    ],
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    results[store] = {"error": done.stderr.strip().splitlines()[-1]}
                    continue
                results[store] = json.loads(done.stdout.strip().splitlines()[-1])
                if "raw here" in results[store]:
                    results["raw here"] = results[store].pop("raw here")
            report["sizes"][size] = {"triples": triples, "results": results}
            _print_size(size, triples, results)
            if size <= args.align_up_to:
                report["sizes"][size]["align"] = aligned = _align_child(Path(folder), size, args)
                _print_align(size, aligned)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"\nFigures written to {args.json}")


def _align_child(folder: Path, size: int, args) -> dict:
    """``measure_align`` in a process of its own, for ``size`` studies."""
    import align

    path = folder / f"align-{size}.nt"
    path.write_text(align.collection(size), encoding="utf-8")
    parts = ["align"]
    if size <= args.every_pair_up_to:
        parts.append("pairs")
    if size <= args.embed_up_to:
        parts.append("meaning")
    elif args.embeddings:
        shutil.copyfile(args.embeddings, path.with_suffix(".npz"))
        parts.append("kept")
    child = [str(path), "+".join(parts), str(args.runs), str(args.align_cap)]
    done = subprocess.run(
        [sys.executable, __file__, "--child", *child],
        capture_output=True,
        text=True,
    )
    path.unlink()
    path.with_suffix(".npz").unlink(missing_ok=True)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print_align(size: int, entry: dict) -> None:
    if "error" in entry:
        print(f"align: failed: {entry['error']}")
        return
    print(
        f"\n== align: {size} studies of 25 elements named from an education vocabulary "
        f"(bench/align.py; every other one in Dutch), {entry['names']} names, kept in an "
        "Oxigraph store on disk. Seconds: cold | warm min | warm median; every pair = "
        "rapidfuzz scoring every two names of a kind (and, with meaning, every two names' "
        "vectors multiplied), the names read raw; estimated: 1,000 names of each kind "
        "scored against all, at that pace for all; ratio: align's warm median over it"
    )
    for name, limit in (
        ("align (names)", "every pair (names)"),
        ("every pair (names), estimated", None),
        ("align (embedding every name, kept)", None),
        ("align (names and meaning)", "every pair (meaning)"),
    ):
        if name not in entry:
            continue
        ratio = ""
        if limit is not None and limit in entry and "median" in entry.get(name, {}):
            base = entry[limit]
            ratio = f"{entry[name]['median'] / base['median']:.2f}x" if "median" in base else ""
        beside = f"  every pair {_cells(entry.get(limit))}" if limit in entry else ""
        print(f"{name:36s} {_cells(entry[name])}{beside}  {ratio}")
    counts = ("suggestions by name", "suggestions with meaning")
    print("  " + ", ".join(f"{entry[k]} {k}" for k in counts if k in entry))


def _print_size(size: int, triples: int, results: dict) -> None:
    stores = [store for store in SHOWN if store in results]
    ratios = [r for r in RATIOS if r[1] in results and r[2] in results]
    print(
        f"\n== {size} studies, {triples} triples. Seconds: cold | warm min | warm median. "
        "rdflib = plain rdflib (Graph().parse; helpers answered by rdflib's SPARQL engine); "
        "raw = pyoxigraph alone, one query per question (bench/raw.py), in its own process; "
        "raw here = the same queries asked of the Oxigraph store in the helpers' process, "
        "in turn with each helper; virtuoso, serve = "
        "asked of a server with cg.connect (load: publishing, verified; serve's start). "
        "Ratios: the first store's time over the second's, warm medians (cold for the "
        "first question)"
    )
    print(
        f"{'':28s} "
        + " ".join(f"{store:^26s}" for store in stores)
        + "".join(f" {heading:>11s}" for heading, _, _ in ratios)
    )
    names = [n for store in stores for n, v in results[store].items() if isinstance(v, dict)]
    for name in dict.fromkeys(names):
        cells = [results[store].get(name) for store in stores]
        print(
            f"{name:28s} "
            + " ".join(_cells(c) for c in cells)
            + "".join(f" {_ratio(results, name, slow, fast):>11s}" for _, slow, fast in ratios)
        )
    for store in stores:
        entry = results[store]
        if "peak_rss_mb" in entry and store not in ("virtuoso", "serve"):
            share = ""
            raw_mb = results.get("raw", {}).get("peak_rss_mb")
            if store == "oxigraph" and raw_mb:
                share = f"  ({entry['peak_rss_mb'] / raw_mb:.2f}x raw)"
                if "peak_rss_questions_mb" in entry:
                    questions = entry["peak_rss_questions_mb"]
                    share += f"; questions alone {questions:.0f} MB ({questions / raw_mb:.2f}x raw)"
            print(f"peak memory {store:9s} {entry['peak_rss_mb']:8.0f} MB{share}")
        elif "error" in entry:
            print(f"{store}: failed: {entry['error']}")
        elif "skipped" in entry:
            print(f"{store}: not measured ({entry['skipped']})")


def _ratio(results: dict, name: str, slow: str, fast: str) -> str:
    """``slow``'s time over ``fast``'s, warm medians (cold where only that was taken)."""
    base = results.get(slow, {}).get(name)
    quick = results.get(fast, {}).get(name)
    if not isinstance(base, dict) or not isinstance(quick, dict) or "over" in quick:
        return ""
    key = "median" if "median" in quick and "median" in base else "cold"
    if "over" in base:
        return f">{base['over'] / quick[key]:.0f}x"
    if key not in base or quick[key] <= 0:
        return ""
    return f"{base[key] / quick[key]:.1f}x"


def _cells(figures: dict | None) -> str:
    if not isinstance(figures, dict):
        return f"{'-':^26s}"
    if "over" in figures:
        return f"{'over ' + format(figures['over'], 'g') + ' s (stopped)':^26s}"
    if "median" not in figures:
        return f"{_seconds(figures['cold']):>8s} |{'':8s} |{'':8s}"
    return (
        f"{_seconds(figures['cold']):>8s} |{_seconds(figures['min']):>8s} |"
        f"{_seconds(figures['median']):>8s}"
    )


def _seconds(value: float) -> str:
    return f"{value:.4f}" if value < 1 else f"{value:.2f}"


if __name__ == "__main__":
    main()
