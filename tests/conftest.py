"""Shared fixtures of the test suite (the CI rule and doctest set-up are in ../conftest.py)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from hypothesis import settings
from rdflib import Graph

import cimo_graph as cg
from cimo_graph._resources import ontology_path, shapes_path, study_path

# Under CI the property tests try the same examples every run (a failure there is one to
# replay); locally they explore anew each time.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


def _give_children_default_signals() -> None:
    """A suite started in the background (``nohup``, ``&`` in a script) inherits SIGINT
    and SIGHUP ignored, and every process a test starts would inherit that too, so a test
    of what Ctrl-C or a closed terminal does to it would wait in vain. An ignored signal
    gets a handler that does nothing instead: this process stays deaf to it, and the
    processes it starts get the default back (a handler does not pass through exec)."""
    for name in ("SIGINT", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) == signal.SIG_IGN:
            signal.signal(signum, lambda *_: None)


_give_children_default_signals()

TESTS = Path(__file__).parent
DATA = TESTS / "data"
REPO = TESTS.parent
#: The three studies of the synthesis tests: the bundled one (Dutch and English), the
#: English blended-learning review and the English realist evaluation.
THREE_STUDIES = [
    study_path(),
    DATA / "studies" / "blended-review.yaml",
    DATA / "studies" / "widening-access.yaml",
]
#: A fourth, in Dutch only, whose concepts meet theirs in meaning rather than words, and
#: the pairs a reader makes between it and the three.
EERSTEJAARS = DATA / "studies" / "eerstejaars-nl.yaml"
EERSTEJAARS_REFERENCE = DATA / "mappings" / "eerstejaars-reference.tsv"
#: A second reviewed table: the Dutch study against the three (kept, re-predicated, one
#: marked Not, two pairs the matcher missed added by hand).
EERSTEJAARS_MAPPINGS = DATA / "mappings" / "eerstejaars.sssom.tsv"
#: A reviewed SSSOM table between them: suggestions kept, re-predicated and one marked Not.
REVIEWED = DATA / "mappings" / "three-studies.sssom.tsv"


def reviewed_studies(store: str = "memory") -> cg.CimoGraph:
    """The three studies with the reviewed mapping table between them."""
    return cg.load(THREE_STUDIES, mappings=REVIEWED, store=store)


def four_reviewed(store: str = "memory") -> cg.CimoGraph:
    """The four studies with both reviewed mapping tables."""
    return cg.load(
        [*THREE_STUDIES, EERSTEJAARS], mappings=[REVIEWED, EERSTEJAARS_MAPPINGS], store=store
    )


@pytest.fixture(scope="session")
def kg() -> cg.CimoGraph:
    """The bundled study, loaded once per session (tests must not change it)."""
    return cg.load()


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return Graph().parse(ontology_path())


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return Graph().parse(shapes_path())


@pytest.fixture(scope="session")
def study_file() -> Path:
    return study_path()


STUDY_GRAPH = "https://w3id.org/cimo-graph/study/leernetwerken"


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory):
    """A private read-write Oxigraph server."""
    from .servers import Oxigraph

    try:
        server = Oxigraph(tmp_path_factory.mktemp("oxigraph"))
    except cg.ServeError as error:
        pytest.skip(str(error))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A private Virtuoso with the bundled study published to its named graph."""
    from .servers import VIRTUOSO, VIRTUOSO_INI, Virtuoso

    if VIRTUOSO is None or not VIRTUOSO_INI.exists():
        pytest.skip(
            "Virtuoso is not installed: `apt-get install virtuoso-opensource` "
            "(scripts/test.sh does, as root)"
        )
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:  # stopped whatever fails while it is set up
        seconds = server.start()
        print(f"\nVirtuoso answered SPARQL {seconds:.1f} s after start")
        cg.load().publish(server.update_url, STUDY_GRAPH, auth=("dba", "dba"))
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def served():
    """`cimo-graph serve` over the bundled study."""
    from .servers import Served

    try:
        import cimo_graph.serve as serve_module

        serve_module.oxigraph_command()
    except cg.ServeError as error:
        pytest.skip(str(error))
    server = Served()
    print(f"\n`cimo-graph serve` answered SPARQL {server.start_seconds:.1f} s after start")
    yield server
    server.stop()


@pytest.fixture(
    scope="session", params=["memory", "oxigraph", "rdflib-engine", "serve", "virtuoso"]
)
def study(request):
    """The bundled study as each backend holds it: in rdflib's memory, in Oxigraph, in
    rdflib's memory answered by rdflib's own SPARQL engine, behind `cimo-graph serve`, and
    published to Virtuoso. The helper tests run over all five."""
    if request.param in ("memory", "oxigraph"):
        return cg.load(store=request.param)
    if request.param == "rdflib-engine":
        return cg.CimoGraph(cg.load().graph, engine="rdflib")
    if request.param == "serve":
        return cg.connect(request.getfixturevalue("served").url)
    server = request.getfixturevalue("virtuoso")
    return cg.connect(server.url, graph=STUDY_GRAPH)
