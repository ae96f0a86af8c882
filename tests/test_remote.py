"""Remote endpoints: the same answers as in memory, publishing, serving, and every fault."""

from __future__ import annotations

import time

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import cimo_graph as cg
from cimo_graph.publish import publish_graph
from cimo_graph.remote import Endpoint

from .conftest import STUDY_GRAPH
from .servers import StubEndpoint, Virtuoso, free_port

HELPERS = [
    ("interventions_for", ("self-direction",)),
    ("interventions_for", ("well-being",)),
    ("mechanisms_for", ("W",)),
    ("mechanisms_for", ("feedback",)),
    ("outcomes_of", ("W-I3",)),
    ("outcomes_of", ("P3",)),
    ("propositions", ()),
    ("pillars", ()),
    ("roles", ()),
    ("recommendations", ()),
    ("evidence", ("P2",)),
    ("shared_elements", ("W", "C")),
    ("describe", ("W-I3",)),
    ("themes", ()),
    ("sentences", ()),
    ("studies", ()),
    ("compare_studies", ()),
]


@pytest.fixture(scope="module", params=["oxigraph", "serve", "virtuoso"])
def remote(request):
    """The other backends, each compared answer by answer with rdflib's memory store."""
    if request.param == "oxigraph":
        return cg.load(store="oxigraph")
    if request.param == "serve":
        return cg.connect(request.getfixturevalue("served").url)
    return cg.connect(request.getfixturevalue("virtuoso").url, graph=STUDY_GRAPH)


@pytest.mark.parametrize(("helper", "arguments"), HELPERS)
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_helper_answers_equal_the_local_ones(kg, remote, helper, arguments, lang):
    """Every helper gives the very same DataFrame remotely as in memory."""
    local = getattr(kg, helper)(*arguments, lang=lang)
    answer = getattr(remote, helper)(*arguments, lang=lang)
    assert answer.equals(local), answer.compare(local) if answer.shape == local.shape else answer


@pytest.mark.parametrize("name", ["theme-routes", "parts", "themes", "roles", "evidence"])
def test_named_queries_run_unchanged(kg, remote, name):
    """The named .rq files give the same rows remotely as locally."""
    assert remote.query(name).equals(kg.query(name))


def test_citations_remotely(kg, remote):
    """The study's and a cited work's citations are the same from every backend."""
    for work in (None, "struyven-2010"):
        for fmt in ("text", "bibtex"):
            assert remote.cite(work, format=fmt) == kg.cite(work, format=fmt)


def test_sparql_forms_remotely(remote):
    """SELECT gives a DataFrame, ASK a bool, CONSTRUCT and DESCRIBE a CimoGraph."""
    frame = remote.sparql(
        "SELECT ?id WHERE { lnw:W cimo:hasMechanism/dcterms:identifier ?id } ORDER BY ?id"
    )
    assert frame["id"].tolist() == ["W-M1", "W-M2", "W-M3", "W-M4"]
    assert remote.sparql("ASK { lnw:W cimo:hasContext lnw:context }") is True
    built = remote.sparql("CONSTRUCT { ?p cimo:hasMechanism ?m } WHERE { ?p cimo:hasMechanism ?m }")
    assert isinstance(built, cg.CimoGraph) and len(built) == 10
    assert len(remote.sparql("DESCRIBE lnw:W-I3")) > 5


@pytest.mark.parametrize(
    "value", ['zelfsturing" } ; DROP ALL #', "x' } UNION { ?s ?p ?o } #", "}}}}", "DROP ALL"]
)
def test_bound_values_stay_values_remotely(remote, value):
    """A hostile binding matches nothing and changes nothing at the endpoint."""
    size = len(remote)
    assert remote.sparql("SELECT ?n WHERE { ?n rdfs:label ?label }", label=value).empty
    with pytest.raises(cg.UnknownNameError):
        remote.interventions_for(value)
    assert len(remote) == size


def test_local_syntax_check_names_line_and_column(remote):
    """A syntax error is caught before sending, with line and column of the user's text."""
    with pytest.raises(cg.SparqlSyntaxError, match="line 2"):
        remote.sparql("SELECT ?s WHERE {\n  ?s ?p FILTER }")


def test_publish_round_trip_is_isomorphic_and_idempotent(kg, virtuoso):
    """Publishing twice leaves one copy; read back, it is the study, Dutch text and tags intact."""
    graph = "https://example.org/test/round-trip"
    first = kg.publish(virtuoso.update_url, graph, auth=("dba", "dba"), chunk_size=97)
    second = kg.publish(virtuoso.update_url, graph, auth=("dba", "dba"), chunk_size=97)
    assert first.verified and second.verified and second.chunks >= len(kg) // 97
    remote = cg.connect(virtuoso.url, graph=graph)
    assert len(remote) == len(kg)
    back = remote.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph
    assert isomorphic(back, kg.graph)
    assert Literal(
        "Leeromgeving creëren waar groei en ontwikkeling centraal staan", lang="nl"
    ) in set(back.objects())


class FailingEndpoint(Endpoint):
    """An endpoint whose n-th update fails, as a server going down part-way would."""

    fail_at = 3

    def update(self, text: str) -> None:
        if text.startswith("INSERT"):
            self.fail_at -= 1
            if self.fail_at == 0:
                raise cg.EndpointServerError(self.url, "HTTP 503 (simulated)", status=503)
        super().update(text)


def test_failed_publish_leaves_the_previous_graph(kg, virtuoso):
    """A failure part-way reports what was written and keeps the graph published before."""
    graph = "https://example.org/test/failing"
    kg.publish(virtuoso.update_url, graph, auth=("dba", "dba"))
    smaller = Graph()
    for triple in list(kg.graph)[:300]:
        smaller.add(triple)
    endpoint = FailingEndpoint(virtuoso.update_url, auth=("dba", "dba"), auth_scheme="digest")
    with pytest.raises(
        cg.PublishError,
        match=r": 2 chunk\(s\), 200 of \d+ triples .* which was dropped; .* is unchanged",
    ):
        publish_graph(smaller, endpoint, graph, chunk_size=100)
    assert len(cg.connect(virtuoso.url, graph=graph)) == len(kg)
    leftovers = cg.connect(virtuoso.url).sparql(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (STRSTARTS(STR(?g), 'urn:cimo-graph:staging')) }"
    )
    assert leftovers.empty


def test_publish_reads_a_large_graph_back_in_pages(kg, virtuoso):
    """Beyond a page, the graph is read back in ordered pages (blank nodes included) and
    still compared whole."""
    graph = "https://example.org/test/paged"
    endpoint = Endpoint(virtuoso.update_url, auth=("dba", "dba"), auth_scheme="digest")
    report = publish_graph(kg.graph, endpoint, graph, page_size=97)
    assert report.verified
    assert len(cg.connect(virtuoso.url, graph=graph)) == len(kg)


class TamperingReader(Endpoint):
    """A reader whose answer to one page of the verification (the page asking for
    ``subject``) loses a triple or has one changed, as a server that dropped or mangled
    it would answer."""

    subject = ""
    change = "drop"

    def solutions(self, text: str):
        import pyoxigraph as ox

        rows = super().solutions(text)
        if f"VALUES ?s {{ {self.subject} " in text:
            at, row = next((i, r) for i, r in enumerate(rows) if isinstance(r["o"], ox.Literal))
            if self.change == "drop":
                del rows[at]
            else:
                changed = ox.Literal(row["o"].value + " (changed)", language=row["o"].language)
                rows[at] = {"s": row["s"], "p": row["p"], "o": changed}
        return rows


@pytest.mark.parametrize("change", ["drop", "change"])
@pytest.mark.parametrize("page", ["first", "middle", "last"])
def test_a_triple_lost_or_changed_in_any_page_fails_the_publish_and_is_named(
    kg, virtuoso, page, change
):
    """The verification compares each page's count and checksum with the study's: a
    triple dropped or changed in the first, a middle or the last page fails the publish,
    naming the page and the triple."""
    from cimo_graph.publish import _subject_pages

    named: dict = {}
    for s, _, o in kg.graph:
        if not isinstance(s, BNode) and not isinstance(o, BNode):
            named.setdefault(f"<{s}>", []).append(o)
    pages = list(_subject_pages(named, 97))
    number = {"first": 1, "middle": len(pages) // 2, "last": len(pages)}[page]
    endpoint = Endpoint(virtuoso.update_url, auth=("dba", "dba"), auth_scheme="digest")
    reader = TamperingReader(virtuoso.url)
    reader.subject, reader.change = pages[number - 1][0], change
    said = r"1 triple\(s\) missing, 0 unexpected" if change == "drop" else "1 unexpected"
    with pytest.raises(cg.PublishError, match=rf"in page {number} of {len(pages)} .*{said}") as e:
        publish_graph(
            kg.graph, endpoint, "https://example.org/test/cut", reader=reader, page_size=97
        )
    assert "(for example <" in str(e.value)


class Recording(Endpoint):
    """An endpoint that keeps the text of every query it is sent."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.sent: list[str] = []
        self.rows: list[int] = []

    def query(self, text: str, *, accept: str = "json", **options):
        self.sent.append(text)
        answer = super().query(text, accept=accept, **options)
        self.rows.append(len(answer["results"]["bindings"]) if "results" in answer else 0)
        return answer


NAME_SCAN = "Every name a study element"  # lookup-index.rq: the lookup's last resort


def test_a_study_from_the_oxigraph_store_is_published_as_plain_strings(virtuoso):
    """Oxigraph types every string (xsd:string) and Virtuoso, against RDF 1.1, keeps a
    typed string apart from a plain one: published as plain strings, the study's names
    are found by their index (not by the lookup's scan) and answers equal the local ones."""
    from cimo_graph.remote import RemoteGraph

    local = cg.load(store="oxigraph")
    graph = "https://example.org/test/from-oxigraph"
    assert local.publish(virtuoso.update_url, graph, auth=("dba", "dba")).verified
    remote = RemoteGraph(Recording(virtuoso.url, graph=graph))
    assert remote.theme("self-direction") == local.theme("self-direction")
    assert remote.node("W-I3") == local.node("W-I3")
    assert not [text for text in remote.endpoint.sent if NAME_SCAN in text]
    assert remote.interventions_for("self-direction").equals(
        local.interventions_for("self-direction")
    )


def test_names_stored_as_typed_strings_are_found_by_their_index(virtuoso):
    """Data another tool put on the server with ^^xsd:string: a name is still found by
    the index, not by the lookup's scan."""
    from cimo_graph.remote import RemoteGraph

    graph = "https://example.org/test/typed-strings"
    Endpoint(virtuoso.update_url, auth=("dba", "dba"), auth_scheme="digest").update(
        f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:theme> a "
        "<http://www.w3.org/2004/02/skos/core#Concept> ; "
        '<http://www.w3.org/2004/02/skos/core#notation> "typed-theme"^^'
        "<http://www.w3.org/2001/XMLSchema#string> } }"
    )
    remote = RemoteGraph(Recording(virtuoso.url, graph=graph))
    assert remote.theme("Typed-Theme") == URIRef("urn:x:theme")
    assert not [text for text in remote.endpoint.sent if NAME_SCAN in text]


def test_the_servers_row_cap_is_learnt_once(virtuoso, served):
    """Virtuoso's packaged ini cuts every answer at 10,000 rows: one request learns it.
    Oxigraph's server has no cap, so its answers of any size are taken whole."""
    from cimo_graph.remote import PROBE_ROWS, RemoteGraph

    capped = RemoteGraph(Recording(virtuoso.url, graph=STUDY_GRAPH))
    assert capped.endpoint.row_cap() == 10_000
    assert capped.endpoint.row_cap() == 10_000 and len(capped.endpoint.sent) == 1
    assert capped.endpoint.may_be_cut(10_000) and not capped.endpoint.may_be_cut(9_999)
    uncapped = RemoteGraph(Recording(served.url))
    assert uncapped.endpoint.row_cap() is None
    assert not uncapped.endpoint.may_be_cut(10_000)
    assert uncapped.endpoint.may_be_cut(PROBE_ROWS + 499)  # beyond the probe: round numbers
    uncapped.sparql("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")  # 1,111 rows: asked once
    assert len(uncapped.endpoint.sent) == 2


def test_a_row_cap_given_is_used_without_a_probe(virtuoso):
    from cimo_graph.remote import RemoteGraph

    remote = RemoteGraph(Recording(virtuoso.url, graph=STUDY_GRAPH, cap=500))
    every = remote.sparql("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert len(every) == len(cg.load())
    assert not [text for text in remote.endpoint.sent if "LIMIT 100001" in text]
    assert [text for text in remote.endpoint.sent if "OFFSET" in text]  # read in pages
    assert cg.connect(virtuoso.url, cap=500).endpoint.cap == 500


@pytest.mark.parametrize("cap", [0, -5, 2.5])
def test_a_row_cap_is_a_number_of_rows(cap):
    with pytest.raises(ValueError, match=f"cap={cap!r}: give the server's row cap"):
        cg.connect("http://127.0.0.1:9/sparql", cap=cap)


class Small(Endpoint):
    """A server that cuts every answer at 100 rows, and a probe that fails: without a
    cap it could learn, round numbers are taken for caps."""

    def query(self, text: str, *, accept: str = "json", **options):
        if "LIMIT 100001" in text:
            raise cg.EndpointServerError(self.url, "HTTP 500 (no VALUES here)", status=500)
        return super().query(text, accept=accept, **options)


class Empty(Endpoint):
    """A server that answers the probe with no rows (it ignores VALUES, say)."""

    def query(self, text: str, *, accept: str = "json", **options):
        return {"head": {"vars": ["none"]}, "results": {"bindings": []}}


@pytest.mark.parametrize("endpoint", [Small, Empty])
def test_without_a_probe_round_numbers_are_taken_for_caps(endpoint):
    endpoint = endpoint("http://127.0.0.1:9/sparql")
    assert endpoint.row_cap() is None
    assert endpoint.may_be_cut(1_000) and endpoint.may_be_cut(10_001, triples=True)
    assert not endpoint.may_be_cut(1_234) and not endpoint.may_be_cut(99)


COLLECTION_GRAPH = "https://example.org/test/collection"


@pytest.fixture(scope="module")
def collection(virtuoso, tmp_path_factory):
    """100 synthetic studies (12,700 triples: more than Virtuoso's 10,000-row cap),
    published to the tests' Virtuoso; the local graph."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    try:
        import run
    finally:
        sys.path.pop(0)
    path = tmp_path_factory.mktemp("collection") / "studies-100.nt"
    path.write_text(run.synthetic(100), encoding="utf-8")
    local = cg.load(path)
    assert len(local) > 10_000
    report = local.publish(virtuoso.update_url, COLLECTION_GRAPH, auth=("dba", "dba"))
    assert report.verified and report.triples == len(local)
    return local


@pytest.mark.slow
def test_publish_verifies_past_the_servers_row_cap(collection, virtuoso):
    """Virtuoso cuts every answer at 10,000 rows without saying so (its packaged ini); the
    collection still publishes verified, and is there whole."""
    assert len(cg.connect(virtuoso.url, graph=COLLECTION_GRAPH)) == len(collection)


@pytest.mark.slow
def test_an_answer_past_the_row_cap_is_read_whole(collection, virtuoso):
    """A SELECT whose answer Virtuoso would cut at 10,000 rows comes back whole, read in
    pages; helpers over the collection answer as the local graph does."""
    remote = cg.connect(virtuoso.url, graph=COLLECTION_GRAPH)
    every = remote.sparql("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", raw=True)
    assert len(every) == len(collection)
    assert {tuple(row) for row in every.itertuples(index=False)} == set(collection.graph)
    assert remote.query("annotations").equals(collection.query("annotations"))
    assert remote.propositions().equals(collection.propositions())


@pytest.mark.slow
def test_a_scoped_remote_question_asks_a_few_bound_queries(collection, virtuoso):
    """One study's proposition, named by its local name (no identifier: the lookup tries
    it in each of the 100 studies' namespaces), costs a few bound queries: the local name
    is found by how IRIs end, in one query, and no answer but the list of studies and
    the cap's probe holds more than a few dozen rows. (One of them asks whether any
    mapping makes the proposition one with another study's.)"""
    from cimo_graph.remote import _PROBE, RemoteGraph

    remote = RemoteGraph(Recording(virtuoso.url, graph=COLLECTION_GRAPH))
    assert remote.mechanisms_for("s99-W").equals(collection.mechanisms_for("s99-W"))
    sent, rows = remote.endpoint.sent, remote.endpoint.rows
    assert len(sent) <= 13, len(sent)
    assert not [text for text in sent if NAME_SCAN in text]
    assert max(text.count("<https://example.org/bench/") for text in sent) < 40
    large = {text.split("\n", 1)[0] for text, n in zip(sent, rows, strict=True) if n > 40}
    studies = "# The studies the graph holds, one row each (cheap: no counting)."
    assert large <= {studies, _PROBE}, large


@pytest.fixture(scope="module")
def capped(collection, tmp_path_factory):
    """A second private Virtuoso that cuts every answer at 1,234 rows (a number no rule
    of round numbers would take for a cap: it is learnt), with the collection published
    to it."""
    from .servers import VIRTUOSO, VIRTUOSO_INI

    if VIRTUOSO is None or not VIRTUOSO_INI.exists():
        pytest.skip("Virtuoso is not installed (scripts/test.sh installs it, as root)")
    server = Virtuoso(tmp_path_factory.mktemp("capped"), max_rows=1234)
    try:  # stopped whatever fails while it is set up
        server.start()
        collection.publish(server.update_url, COLLECTION_GRAPH, auth=("dba", "dba"))
        yield cg.connect(server.url, graph=COLLECTION_GRAPH, timeout=120)
    finally:
        server.stop()


EVERY_HELPER = {
    "interventions_for": lambda g: g.interventions_for("feedback"),
    "interventions_for (1 study)": lambda g: g.interventions_for(
        "https://example.org/bench/s7/theme/feedback"
    ),
    "mechanisms_for": lambda g: g.mechanisms_for("s7-W"),
    "outcomes_of": lambda g: g.outcomes_of("s7-W-I1"),
    "evidence": lambda g: g.evidence("s7-W-I1"),
    "shared_elements": lambda g: g.shared_elements("s7-W", "s99-W"),
    "describe": lambda g: g.describe("s7-W"),
    "propositions": lambda g: g.propositions(),
    "pillars": lambda g: g.pillars(),
    "roles": lambda g: g.roles(),
    "themes": lambda g: g.themes(),
    "sentences": lambda g: g.sentences(),
    "studies": lambda g: g.studies(),
    "compare_studies": lambda g: g.compare_studies(),
    "recommendations": lambda g: g.recommendations(),
    "query": lambda g: g.query("annotations"),
    "sparql": lambda g: g.sparql("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"),
}


@pytest.mark.slow
@pytest.mark.parametrize("helper", list(EVERY_HELPER))
def test_every_helper_answers_whole_past_a_row_cap(collection, capped, helper):
    """Against a Virtuoso that cuts every answer at 1,234 rows, each helper over the
    100-study collection answers exactly as the local graph does."""
    expected = EVERY_HELPER[helper](collection)
    assert EVERY_HELPER[helper](capped).equals(expected)


@pytest.mark.slow
def test_a_construct_past_a_row_cap_is_read_whole(collection, capped):
    """A CONSTRUCT whose graph the server cuts at its cap is made again from its pattern's
    solutions, read in pages: the whole graph, blank nodes as SPARQL makes them."""
    from cimo_graph.sources import plain_strings

    whole = capped.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph
    assert len(whole) == len(collection)
    assert isomorphic(plain_strings(whole), plain_strings(collection.graph))
    short = capped.sparql("CONSTRUCT WHERE { ?s a ?type }").graph
    assert len(short) == len(set(collection.graph.subject_objects(RDF.type)))


class Describing(Endpoint):
    """An endpoint whose DESCRIBE answers 1,000 triples: maybe its cap."""

    def query(self, text: str, *, accept: str = "json", **options):
        graph = Graph()
        for i in range(1000):
            graph.add((URIRef(f"urn:x:{i}"), RDF.value, Literal(i)))
        return graph


def test_a_possibly_capped_describe_is_refused():
    from cimo_graph.remote import RemoteGraph

    remote = RemoteGraph(Describing("http://127.0.0.1:9/sparql"), check_syntax=False)
    with pytest.raises(cg.AnswerCappedError, match="DESCRIBE answer came back with 1000"):
        remote.sparql("DESCRIBE <urn:x:1>")


class Unpageable(Endpoint):
    """An endpoint that answers 1,000 rows to every query (its probe too: its cap) and
    rejects the ordered subquery that would read the answer in pages."""

    def query(self, text: str, *, accept: str = "json", **options):
        if "OFFSET" in text:
            raise cg.RemoteSyntaxError(self.url, "subqueries are not supported here")
        rows = [{"n": {"type": "literal", "value": str(i)}} for i in range(1000)]
        return {"head": {"vars": ["n"]}, "results": {"bindings": rows}}


def test_a_possibly_capped_answer_that_cannot_be_paged_is_refused():
    """Rather than pass off a part as the whole, an answer at the cap that cannot be
    read again in pages raises AnswerCappedError saying so."""
    from cimo_graph.remote import RemoteGraph

    remote = RemoteGraph(Unpageable("http://127.0.0.1:9/sparql"), check_syntax=False)
    with pytest.raises(cg.AnswerCappedError, match="1000 rows, the server's row cap"):
        remote.sparql("SELECT ?n WHERE { ?s ?p ?n }")


class Unpaging(Endpoint):
    """An endpoint that ignores LIMIT and OFFSET: the same 1,000 rows for every query."""

    def query(self, text: str, *, accept: str = "json", **options):
        rows = [{"n": {"type": "literal", "value": str(i)}} for i in range(1000)]
        return {"head": {"vars": ["n"]}, "results": {"bindings": rows}}


def test_a_server_that_does_not_page_is_caught():
    """Read in pages, a server sending the first page again for every OFFSET would make
    the answer endless; it is refused instead."""
    from cimo_graph.remote import RemoteGraph

    remote = RemoteGraph(Unpaging("http://127.0.0.1:9/sparql"), check_syntax=False)
    with pytest.raises(cg.AnswerCappedError, match="sent the same page again"):
        remote.sparql("SELECT ?n WHERE { ?s ?p ?n }")


def test_publish_refuses_a_relative_graph_name(kg, virtuoso):
    """The graph name must be an absolute IRI."""
    with pytest.raises(cg.PublishError, match="'my-graph' is not an IRI: it has no scheme"):
        kg.publish(virtuoso.update_url, "my-graph", auth=("dba", "dba"))


def test_serve_refuses_updates(served):
    """`cimo-graph serve` is read-only: an update is refused and changes nothing."""
    base = served.url.rsplit("/", 1)[0]
    with pytest.raises(cg.RemoteError) as caught:
        Endpoint(f"{base}/update").update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert 400 <= (caught.value.status or 400) < 500
    assert len(cg.connect(served.url)) == len(cg.load())


def _headers(url: str, method: str = "GET", **headers: str) -> dict[str, str]:
    from urllib.parse import quote
    from urllib.request import Request, urlopen

    request = Request(
        f"{url}?query={quote('ASK {}')}",
        method=method,
        headers={"Accept": "application/sparql-results+json", **headers},
    )
    with urlopen(request, timeout=30) as response:
        return {key.lower(): value for key, value in response.headers.items()}


def test_serve_keeps_other_sites_out_by_default(served):
    """Without --cors, a page of another origin gets no Access-Control-Allow-Origin: the
    browser keeps it from reading answers."""
    answer = _headers(served.url, Origin="https://yasgui.example.org")
    assert not any(name.startswith("access-control-") for name in answer)


def test_serve_cors_lets_one_origin_ask(tmp_path):
    """`serve --cors ORIGIN`: the preflight is answered for that origin with the methods
    and headers a SPARQL client sends, and answers carry the origin (YASGUI elsewhere
    can query it)."""
    from .servers import Served

    try:
        import cimo_graph.serve as serve_module

        serve_module.oxigraph_command()
    except cg.ServeError as error:
        pytest.skip(str(error))
    server = Served(options=("--cors", "https://yasgui.example.org"))
    try:
        origin = {"Origin": "https://yasgui.example.org"}
        answer = _headers(server.url, **origin)
        assert answer["access-control-allow-origin"] == "https://yasgui.example.org"
        assert answer["vary"] == "Origin"
        preflight = _headers(
            server.url,
            "OPTIONS",
            **origin,
            **{"Access-Control-Request-Method": "POST"},
            **{"Access-Control-Request-Headers": "content-type"},
        )
        assert preflight["access-control-allow-origin"] == "https://yasgui.example.org"
        assert "POST" in preflight["access-control-allow-methods"]
        assert "Content-Type" in preflight["access-control-allow-headers"]
    finally:
        server.stop()


def test_unreachable_endpoint():
    """Nothing listening: EndpointUnreachableError naming the endpoint, quickly."""
    url = f"http://127.0.0.1:{free_port()}/sparql"
    start = time.monotonic()
    with pytest.raises(cg.EndpointUnreachableError, match=url):
        cg.connect(url).sparql("ASK {}")
    assert time.monotonic() - start < 10


def test_wrong_password(kg, virtuoso):
    """A wrong password: EndpointAuthError (a PermissionError)."""
    with pytest.raises(cg.EndpointAuthError, match="401") as caught:
        kg.publish(virtuoso.update_url, "https://example.org/test/auth", auth=("dba", "wrong"))
    assert isinstance(caught.value, PermissionError)


def test_wrong_path(virtuoso):
    """A URL that is no SPARQL endpoint: EndpointClientError with status 404."""
    url = virtuoso.url.replace("/sparql", "/no-such-endpoint")
    with pytest.raises(cg.EndpointClientError) as caught:
        cg.connect(url).sparql("ASK {}")
    assert caught.value.status == 404


def test_server_side_syntax_error(virtuoso):
    """A query the server rejects: RemoteSyntaxError with the server's message."""
    remote = cg.connect(virtuoso.url)
    with pytest.raises(cg.RemoteSyntaxError, match="SPARQL") as caught:
        remote.endpoint.query("SELECT ?s WHERE { ?s ?p }")
    assert isinstance(caught.value, cg.SparqlSyntaxError) and caught.value.status == 400


def test_server_stopped_mid_session(tmp_path):
    """A server that goes away between two questions: EndpointUnreachableError."""
    from .servers import VIRTUOSO

    if VIRTUOSO is None:
        pytest.skip("Virtuoso is not installed: `apt-get install virtuoso-opensource`")
    server = Virtuoso(tmp_path)
    server.start()
    try:
        remote = cg.connect(server.url)
        assert remote.sparql("ASK {}") is False or True
        server.stop()
        with pytest.raises(cg.EndpointUnreachableError, match=server.url):
            remote.sparql("ASK { ?s ?p ?o }")
    finally:
        server.stop()


@pytest.fixture(scope="module")
def stub():
    server = StubEndpoint()
    yield server
    server.stop()


def test_transient_failures_are_retried(stub):
    """503 with Retry-After is retried, and the third attempt succeeds."""
    stub.flaky_left = 2
    before = len(stub.requests)
    assert cg.connect(f"{stub.base}/flaky", retries=3).sparql("ASK {}") is True
    assert len(stub.requests) - before == 3


def test_retries_are_bounded(stub):
    """429 every time: three retries, then EndpointClientError with status 429."""
    before = len(stub.requests)
    with pytest.raises(cg.EndpointClientError) as caught:
        cg.connect(f"{stub.base}/busy", retries=3).sparql("ASK {}")
    assert caught.value.status == 429 and len(stub.requests) - before == 4


def test_server_error_is_not_retried(stub):
    """500 is not transient: one request, EndpointServerError."""
    before = len(stub.requests)
    with pytest.raises(cg.EndpointServerError) as caught:
        cg.connect(f"{stub.base}/broken").sparql("ASK {}")
    assert caught.value.status == 500 and len(stub.requests) - before == 1


def test_virtuosos_refusal_by_its_estimate_says_what_to_do(stub):
    """Virtuoso's refusal of a query by its own cost estimate (often far off) names the
    setting to leave out, as OpenLink advises."""
    with pytest.raises(cg.EndpointServerError, match="MaxQueryCostEstimationTime") as caught:
        cg.connect(f"{stub.base}/estimate").sparql("ASK {}")
    assert "estimated execution time 2747" in str(caught.value)


def test_a_200_that_is_not_sparql_is_malformed(stub):
    """An HTML page with status 200 is a MalformedResponseError, never an empty answer."""
    with pytest.raises(cg.MalformedResponseError, match="Maintenance"):
        cg.connect(f"{stub.base}/html").sparql("SELECT ?s WHERE { ?s ?p ?o }")


def test_timeout(stub):
    """No answer within the timeout: EndpointTimeoutError (a TimeoutError)."""
    with pytest.raises(cg.EndpointTimeoutError, match="within 1 s") as caught:
        cg.connect(f"{stub.base}/slow", timeout=1).sparql("ASK {}")
    assert isinstance(caught.value, TimeoutError)


def test_user_agent_and_post_for_long_queries(stub):
    """Requests say who sends them; short queries go by GET, long ones by POST."""
    remote = cg.connect(f"{stub.base}/ok")
    remote.sparql("ASK {}")
    method, _, agent = stub.requests[-1]
    assert method == "GET" and agent.startswith("cimo-graph/")
    remote.sparql("ASK { ?s ?p ?o FILTER (?o != '" + "x" * 3000 + "') }")
    assert stub.requests[-1][0] == "POST"


@pytest.mark.parametrize("server", ["virtuoso", "oxigraph"])
def test_publish_through_the_graph_store_protocol(kg, server, request):
    """Through the server's Graph Store endpoint the study goes in N-Triples bodies
    (here of 300 triples, its blank nodes together in one), replaces what was there,
    and reads back the same graph, blank nodes and Dutch text intact."""
    running = request.getfixturevalue(server)
    graph = f"https://example.org/test/graph-store-{server}"
    auth = ("dba", "dba") if server == "virtuoso" else None
    endpoint = Endpoint(running.update_url, auth=auth, auth_scheme="digest")
    reader = Endpoint(running.url)
    store = Endpoint(running.graph_store_url, auth=auth, auth_scheme="digest")
    for _ in range(2):
        report = publish_graph(
            kg.graph, endpoint, graph, reader=reader, graph_store=store, body_triples=300
        )
        assert report.verified and report.triples == len(kg)
        assert report.chunks == -(-(len(kg) - 20) // 300) + 1  # 20 triples with blank nodes
    remote = cg.connect(running.url, graph=graph)
    assert len(remote) == len(kg)
    back = remote.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph
    assert isomorphic(back, kg.graph)
