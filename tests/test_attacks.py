"""The attack surface: hostile files, templates, queries and servers stay harmless.

Each case is an attack a hostile but fair reviewer made, with the outcome pinned: the
attack is inert, or it raises the documented error, within a bound of time (and, for the
bombs, of memory, in a process of its own).
"""

from __future__ import annotations

import csv
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

import cimo_graph as cg
from cimo_graph._resources import study_path
from cimo_graph.authoring import example_path, new_study
from cimo_graph.authoring.refi import read_project_study
from cimo_graph.cli import main
from cimo_graph.publish import publish_graph
from cimo_graph.remote import Endpoint

from .conftest import STUDY_GRAPH
from .projects import coded_interview
from .servers import Served, StubEndpoint, free_port

STORES = ["memory", "oxigraph"]
HOSTILE_GRAPH = (
    "http://x/> ; DROP ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> } ; DROP SILENT GRAPH <urn:z"
)


def load_bounded(
    path: Path, *, store: str = "memory", seconds: float = 60, megabytes: int = 600
) -> dict:
    """``cg.load(path)`` in a Python process of its own, with at most ``megabytes`` of
    memory and ``seconds`` of time: ``{"triples": n}`` or ``{"error": "Type: message"}``,
    with its peak memory (asserted below ``megabytes``)."""

    def limit() -> None:
        cap = megabytes * 2**20 * 3  # address space, generous beside the resident memory
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    script = textwrap.dedent(
        f"""
        import json, resource, cimo_graph as cg
        try:
            out = {{"triples": len(cg.load({str(path)!r}, store={store!r}))}}
        except cg.CimoGraphError as error:
            out = {{"error": f"{{type(error).__name__}}: {{error}}"}}
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=seconds,
        preexec_fn=limit,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["peak_mb"] < megabytes, out
    return out


# --- 1. update injection in publish -------------------------------------------------


def _graphs(url: str) -> set[str]:
    found = cg.connect(url).sparql("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return set(found["g"]) if len(found) else set()


def _other_graphs(update_url: str, auth=None, scheme="basic") -> set[str]:
    endpoint = Endpoint(update_url, auth=auth, auth_scheme=scheme)
    names = {"urn:test:other-group:a", "urn:test:other-group:b"}
    for name in names:
        endpoint.update(f"INSERT DATA {{ GRAPH <{name}> {{ <urn:s> <urn:p> 'kept' }} }}")
    return names


def test_publish_refuses_a_graph_name_that_closes_the_iri(kg, oxigraph):
    """A graph name holding '>' is refused before anything is sent; others' graphs stay."""
    others = _other_graphs(oxigraph.update_url)
    with pytest.raises(cg.PublishError, match=r"'>' at position 10 .*nothing was sent"):
        kg.publish(oxigraph.update_url, HOSTILE_GRAPH)
    assert others <= _graphs(oxigraph.url)
    assert not any("urn:a" in g or "staging" in g for g in _graphs(oxigraph.url))


def test_publish_refuses_a_graph_name_that_closes_the_iri_on_virtuoso(kg, virtuoso):
    """The same on Virtuoso: the study published before and the other graphs are intact."""
    auth = ("dba", "dba")
    others = _other_graphs(virtuoso.update_url, auth, "digest")
    with pytest.raises(cg.PublishError, match="is not an IRI"):
        kg.publish(virtuoso.update_url, HOSTILE_GRAPH, auth=auth)
    assert len(cg.connect(virtuoso.url, graph=STUDY_GRAPH)) == len(kg)
    for name in others:
        assert len(cg.connect(virtuoso.url, graph=name)) == 1


@pytest.mark.parametrize(
    "bad", ["urn:x y", 'http://x/"', "http://x/{a}", "no-scheme", "http://x/\n"]
)
def test_publish_refuses_every_character_an_iri_may_not_hold(kg, oxigraph, bad):
    """Spaces, quotes, braces, line breaks and a missing scheme: PublishError, nothing sent."""
    with pytest.raises(cg.PublishError, match="is not an IRI"):
        kg.publish(oxigraph.update_url, bad)


def test_publish_refuses_a_study_holding_a_hostile_iri(oxigraph):
    """An IRI inside the study that would break out of the update text is named first."""
    graph = Graph()
    graph.add((URIRef("urn:ok"), URIRef("urn:p"), URIRef("urn:x> } ; DROP ALL ; INSERT {")))
    others = _other_graphs(oxigraph.update_url)
    with pytest.raises(cg.PublishError, match=r"the study holds the IRI .*nothing was sent"):
        publish_graph(graph, Endpoint(oxigraph.update_url), "urn:test:target")
    assert others <= _graphs(oxigraph.url)


class _MoveFails(Endpoint):
    def update(self, text: str) -> None:
        if text.startswith("MOVE"):
            raise cg.EndpointServerError(self.url, "HTTP 500 (simulated)", status=500)
        super().update(text)


class _CountLies(Endpoint):
    def query(self, text: str, **kwargs):
        if "COUNT" in text:
            return {"head": {"vars": ["n"]}, "results": {"bindings": []}}
        return super().query(text, **kwargs)


@pytest.mark.parametrize(
    ("endpoint_class", "step"),
    [(_MoveFails, "moving the staging graph"), (_CountLies, "counting the staging graph")],
)
def test_publish_failures_drop_the_staging_graph(kg, oxigraph, endpoint_class, step):
    """A failed MOVE or a count that is no number: PublishError, and no staging graph left."""
    with pytest.raises(cg.PublishError, match=f"while {step}.*which was dropped"):
        publish_graph(
            kg.graph,
            endpoint_class(oxigraph.update_url),
            "urn:test:failing",
            reader=endpoint_class(oxigraph.url),
        )
    assert not any(g.startswith("urn:cimo-graph:staging") for g in _graphs(oxigraph.url))


def test_endpoint_iris_are_checked(stub):
    """A graph name, an endpoint URL or an IRI in an answer that is no IRI is refused."""
    with pytest.raises(cg.InvalidIRIError, match="the graph name"):
        cg.connect(f"{stub.base}/ok", graph=HOSTILE_GRAPH)
    with pytest.raises(cg.InvalidIRIError, match="not an http"):
        cg.connect("file:///etc/passwd")
    with pytest.raises(cg.MalformedResponseError, match="'>' at position"):
        cg.connect(f"{stub.base}/bad-iri").sparql("SELECT ?s WHERE { ?s ?p ?o }")
    with pytest.raises(cg.InvalidIRIError):
        cg.connect(f"{stub.base}/ok").sparql("ASK { ?s ?p ?o }", s=URIRef("urn:x> } #"))


# --- 2. entity expansion in RDF/XML ---------------------------------------------------

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">
 <rdf:Description rdf:about="http://e/s"><ex:p>&e;&e;&e;&e;</ex:p></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("store", STORES)
def test_billion_laughs_is_refused_at_once(tmp_path, store):
    """Nested entities: StudyParseError naming the line, in little time and memory."""
    path = tmp_path / "laughs.rdf"
    path.write_text(LAUGHS, encoding="utf-8")
    out = load_bounded(path, store=store)
    assert (
        out["error"].startswith("StudyParseError")
        and "laughs.rdf:4:" in out["error"]
        and "nested entities are refused" in out["error"]
    )


@pytest.mark.parametrize("store", STORES)
def test_one_large_entity_used_often_is_refused(tmp_path, store):
    """A flat entity used past the expansion limit (quadratic growth) is refused too."""
    big = "x" * 100_000
    path = tmp_path / "quadratic.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY big "{big}"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">'
        f'<rdf:Description rdf:about="http://e/s"><ex:p>{"&big;" * 200}</ex:p>'
        "</rdf:Description></rdf:RDF>\n",
        encoding="utf-8",
    )
    with pytest.raises(cg.StudyParseError, match="expand into more than"):
        cg.load(path, store=store)


@pytest.mark.parametrize(
    "declaration",
    ['<!ENTITY ext SYSTEM "file:///etc/passwd">', '<!ENTITY % p "x">'],
)
def test_external_and_parameter_entities_are_refused(tmp_path, declaration):
    """External and parameter entities are refused with the line of their declaration."""
    path = tmp_path / "external.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{declaration}\n]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
        encoding="utf-8",
    )
    with pytest.raises(cg.StudyParseError, match=r"external\.rdf:3: .*entity .* refused"):
        cg.load(path)


@pytest.mark.parametrize("store", STORES)
def test_namespace_entities_as_ontology_editors_write_them_still_load(tmp_path, store):
    """Plain entities abbreviating namespaces (Protégé writes them) load as before."""
    path = tmp_path / "editor.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://e/"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">'
        '<rdf:Description rdf:about="&ex;s"><ex:p>x</ex:p></rdf:Description></rdf:RDF>\n',
        encoding="utf-8",
    )
    assert (URIRef("http://e/s"), URIRef("http://e/p"), Literal("x")) in cg.load(
        path, store=store
    ).graph


# --- 3. JSON-LD contexts ---------------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_json_ld_contexts_are_never_fetched(tmp_path, stub, store):
    """A context by URL or file path: refused before any request, naming it and the fix."""
    before = len(stub.requests)
    remote = tmp_path / "remote.jsonld"
    remote.write_text(
        json.dumps({"@context": f"{stub.base}/context.jsonld", "@id": "http://e/s", "p": "x"})
    )
    with pytest.raises(cg.StudyParseError, match=r"remote\.jsonld:1: .*names the JSON-LD context"):
        cg.load(remote, store=store)
    local = tmp_path / "local.jsonld"
    local.write_text(
        json.dumps(
            {"@context": {"@import": "file:///etc/passwd", "p": "http://e/p"}, "@id": "http://e/s"}
        )
    )
    with pytest.raises(cg.StudyParseError, match="file:///etc/passwd"):
        cg.load(local, store=store)
    assert len(stub.requests) == before


@pytest.mark.parametrize("store", STORES)
def test_json_ld_contexts_given_by_the_caller(tmp_path, store):
    """contexts= gives a named context's content (a dict or a file): the study loads."""
    name = "https://example.org/context.jsonld"
    study = tmp_path / "study.jsonld"
    study.write_text(json.dumps({"@context": name, "@id": "http://e/s", "p": "x"}))
    context = tmp_path / "context.jsonld"
    context.write_text(json.dumps({"@context": {"p": "http://e/p"}}))
    for given in ({"p": "http://e/p"}, context, str(context)):
        graph = cg.load(study, store=store, contexts={name: given}).graph
        assert (URIRef("http://e/s"), URIRef("http://e/p"), Literal("x")) in graph


def test_files_over_the_size_limit_are_refused_unread(tmp_path):
    """max_bytes: a larger file is refused before it is parsed."""
    path = tmp_path / "big.ttl"
    path.write_text("<urn:s> <urn:p> 'x' .\n" * 1000, encoding="utf-8")
    with pytest.raises(cg.StudyParseError, match="more than the limit of 1,000"):
        cg.load(path, max_bytes=1000)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.ttl", "<urn:s> <urn:p> " + "(" * 50_000 + ")" * 50_000 + " ."),
        ("blank.ttl", "<urn:s> <urn:p> " + "[ <urn:p> " * 50_000 + "]" * 50_000 + " ."),
        ("deep.jsonld", "[" * 100_000 + "]" * 100_000),
        (
            "deep.rdf",
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            + "<a>" * 50_000
            + "</a>" * 50_000
            + "</rdf:RDF>",
        ),
    ],
)
@pytest.mark.parametrize("store", STORES)
def test_deep_nesting_loads_or_is_a_parse_error(tmp_path, name, text, store):
    """Brackets nested 50,000 deep: read, or StudyParseError; never a crash or a hang."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = load_bounded(path, store=store, megabytes=1000)
    assert out.get("triples", 0) > 0 or out["error"].startswith(
        ("StudyParseError", "EmptyStudyError")
    )


# --- 4. SERVICE --------------------------------------------------------------------------

FEDERATED = "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"


@pytest.mark.parametrize("store", STORES)
def test_service_is_refused_locally(stub, store):
    """kg.sparql refuses SERVICE (QueryRefusedError, line and column); nothing is sent."""
    before = len(stub.requests)
    kg = cg.load(store=store)
    query = "PREFIX ex: <http://e/>\nSELECT * WHERE {\n  sErViCe SILENT <%s/ok> { ?s ?p ?o }\n}"
    with pytest.raises(cg.QueryRefusedError, match="line 3, column 3: SERVICE is refused"):
        kg.sparql(query % stub.base)
    # SPARQL decodes \\u escapes before parsing, and rdflib's engine would run this one
    escaped = FEDERATED.format(url=f"{stub.base}/ok").replace("SERVICE", "\\u0053ERVICE")
    with pytest.raises(cg.QueryRefusedError, match="SERVICE is refused"):
        kg.sparql(escaped)
    assert len(stub.requests) == before
    # the word elsewhere is no clause: a variable, a prefixed name, a string, an IRI
    assert len(kg.sparql("SELECT ?service WHERE { ?service a <urn:service> } LIMIT 1")) == 0
    assert kg.sparql("ASK { FILTER ('SERVICE' != 'x') }") is True


def test_service_is_refused_by_the_command_line(stub, tmp_path, capsys):
    """`cimo-graph query` exits 2 with the refusal; nothing is sent."""
    before = len(stub.requests)
    query = tmp_path / "federated.rq"
    query.write_text(FEDERATED.format(url=f"{stub.base}/ok"), encoding="utf-8")
    assert main(["query", str(query)]) == 2
    assert "SERVICE is refused" in capsys.readouterr().err
    assert len(stub.requests) == before


def test_service_is_refused_by_serve(served, stub):
    """`cimo-graph serve` answers 400 to a federated query, by GET and by POST."""
    from urllib.error import HTTPError
    from urllib.parse import quote
    from urllib.request import Request, urlopen

    before = len(stub.requests)
    query = FEDERATED.format(url=f"{stub.base}/ok").replace("SERVICE", "\\u0053ERVICE")
    requests = [
        Request(f"{served.url}?query={quote(query)}"),
        Request(
            served.url, data=query.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
        Request(
            served.url,
            data=f"query={quote(query)}".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
    ]
    for request in requests:
        with pytest.raises(HTTPError) as caught:
            urlopen(request, timeout=10)
        assert caught.value.code == 400
        assert b"SERVICE is refused" in caught.value.read()
    assert len(stub.requests) == before
    assert cg.connect(served.url).sparql("ASK { ?s ?p ?o }") is True


# --- 5. runaway queries ------------------------------------------------------------------

RUNAWAY = [
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
]


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("query", RUNAWAY)
def test_runaway_query_stops_at_its_timeout(store, query):
    """A cross join of the study with itself thrice: QueryTimeoutError at the timeout."""
    kg = cg.load(store=store)
    start = time.monotonic()
    with pytest.raises(cg.QueryTimeoutError, match="timeout of 1 s") as caught:
        kg.sparql(query, timeout=1)
    assert time.monotonic() - start < 10
    assert isinstance(caught.value, TimeoutError)


@pytest.mark.slow
@pytest.mark.parametrize("store", STORES)
def test_ctrl_c_stops_a_runaway_query(store):
    """SIGINT during a query without a timeout: KeyboardInterrupt within seconds."""
    script = textwrap.dedent(
        f"""
        import sys, cimo_graph as cg
        kg = cg.load(store={store!r})
        print("ready", flush=True)
        try:
            kg.sparql({RUNAWAY[1]!r}, timeout=None)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(3)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        time.sleep(1.5)
        process.send_signal(signal.SIGINT)
        start = time.monotonic()
        assert process.wait(timeout=15) == 3
        assert time.monotonic() - start < 10
        assert "interrupted" in process.stdout.read()
    finally:
        process.kill()


def test_runaway_query_on_the_command_line(capsys, tmp_path):
    """`cimo-graph query --timeout 1`: exit 2 with the timeout named."""
    query = tmp_path / "runaway.rq"
    query.write_text(RUNAWAY[0], encoding="utf-8")
    assert main(["query", str(query), "--timeout", "1"]) == 2
    assert "timeout of 1 s" in capsys.readouterr().err


# --- 6. template bombs ---------------------------------------------------------------------


def _yaml_with(tmp_path: Path, replace: str, by: str) -> Path:
    text = example_path().read_text(encoding="utf-8")
    assert replace in text
    path = tmp_path / "study.yaml"
    path.write_text(text.replace(replace, by, 1), encoding="utf-8")
    return path


def test_yaml_alias_bomb_in_one_cell(tmp_path):
    """Nested aliases in a cell: TemplateError naming the line, in little time and memory."""
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for level in "bcdefghijklm":  # 12 levels of 9: a few hundred bytes, 9**12 cells
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{', '.join(['*' + previous] * 9)}]\n"
    text = example_path().read_text(encoding="utf-8")
    text = text.replace("  title_en: Example study", "  title_en: *m\n  x_en: Example study", 1)
    path = tmp_path / "bomb.yaml"
    path.write_text("aliases:\n" + textwrap.indent(bomb, "  ") + text, encoding="utf-8")
    out = load_bounded(path)
    # refused by what the aliases expand to (line 9), before their count reaches 100
    assert out["error"].startswith("TemplateError") and "line 9:" in out["error"]
    assert "aliases (*name) stand for more than" in out["error"]


def test_yaml_tags_are_refused(tmp_path):
    """A !!python/object tag in a cell: TemplateError naming the line and the tag."""
    path = _yaml_with(
        tmp_path,
        "  title_en: Example study of peer consultation in teacher education",
        "  title_en: !!python/object/apply:os.system ['echo owned']",
    )
    with pytest.raises(cg.TemplateError, match=r"line \d+, column 'title_en'.*python/object"):
        cg.load(path)


def _workbook_bomb(path: Path, *, cells: int, sheet_bytes: int = 0) -> None:
    """An .xlsx whose one sheet holds ``cells`` cells and ``sheet_bytes`` of padding,
    packed small: a few megabytes that unpack to far more."""
    kg = cg.load(example_path())
    kg.export_template(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    row = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(100))
    rows = "".join(f'<row r="{r}">{row}</row>' for r in range(2, cells // 100 + 2))
    padding = "<!--" + "x" * sheet_bytes + "-->" if sheet_bytes else ""
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{padding}<sheetData>{rows}</sheetData></worksheet>"
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_xlsx_that_unpacks_to_too_much_is_refused_unread(tmp_path):
    """A workbook unpacking past the limit: TemplateError before anything is unpacked."""
    path = tmp_path / "bomb.xlsx"
    _workbook_bomb(path, cells=100, sheet_bytes=200 * 2**20)
    assert path.stat().st_size < 2 * 2**20
    start = time.monotonic()
    with pytest.raises(cg.TemplateError, match=r"unpacks to .* more than a template may be"):
        cg.load(path)
    assert time.monotonic() - start < 5


def test_xlsx_with_too_many_cells_is_refused(tmp_path):
    """A workbook of more cells than the limit: TemplateError, without reading them all."""
    path = tmp_path / "cells.xlsx"
    _workbook_bomb(path, cells=1_100_000)
    out = load_bounded(path, seconds=120, megabytes=1000)
    assert out["error"].startswith("TemplateError") and "more than 1,000,000 cells" in out["error"]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_csv_and_yaml_not_in_utf8_name_the_file_line_and_fix(tmp_path, encoding):
    """A template saved in Latin-1: TemplateError with file, line and how to save it."""
    yaml_path = _yaml_with(tmp_path, "Thema's van het voorbeeld", "Thema's van het voorbeëld")
    yaml_path.write_bytes(yaml_path.read_text(encoding="utf-8").encode(encoding))
    with pytest.raises(
        cg.TemplateError, match=r"study\.yaml, line \d+: byte 0xeb .* save the file as UTF-8"
    ):
        cg.load(yaml_path)
    folder = tmp_path / "csv"
    cg.load(example_path()).export_template(folder)
    study = folder / "study.csv"
    study.write_bytes(
        study.read_text(encoding="utf-8").replace("Thema's", "Thëma's").encode(encoding)
    )
    with pytest.raises(cg.TemplateError, match=r"study\.csv, line 2: byte 0xeb"):
        cg.load(folder)


def test_utf16_csv_with_a_byte_order_mark_loads(tmp_path):
    """A CSV saved as UTF-16 (Excel's 'Unicode text') is read by its byte order mark."""
    folder = tmp_path / "csv"
    kg = cg.load(example_path())
    kg.export_template(folder)
    for path in folder.glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert isomorphic(cg.load(folder).graph, kg.graph)


# --- 7. formula injection --------------------------------------------------------------------

FORMULAS = [
    '=cmd|"/C calc"!A0',
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "@SUM(1)",
    "-2+3",
    "'=already quoted",
    "'s-Hertogenbosch",
]


def _hostile_study() -> cg.CimoGraph:
    kg = cg.load(example_path())
    labels = sorted(
        (s, o)
        for s, o in kg.graph.subject_objects(URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        if isinstance(o, Literal) and o.language == "en"
    )
    for (subject, old), formula in zip(labels, FORMULAS, strict=False):
        kg.graph.remove((subject, None, old))
        kg.graph.add(
            (
                subject,
                URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
                Literal(formula, lang="en"),
            )
        )
    return kg


def test_formula_like_text_stays_text_in_xlsx(tmp_path):
    """Cells starting with '=' are written as text, not formulas, and import back the same."""
    kg = _hostile_study()
    path = kg.export_template(tmp_path / "hostile.xlsx")
    workbook = load_workbook(path)
    texts = [
        c
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert len(texts) >= 2 and all(c.data_type == "s" for c in texts)
    assert isomorphic(cg.load(path).graph, kg.graph)


def test_formula_like_text_is_escaped_in_csv(tmp_path):
    """CSV cells that a spreadsheet would run get a leading ', and import back the same."""
    kg = _hostile_study()
    folder = kg.export_template(tmp_path / "hostile")
    text = "\n".join(p.read_text(encoding="utf-8") for p in folder.glob("*.csv"))
    assert "'=cmd|" in text and "'=HYPERLINK" in text and "''=already" in text
    assert "'s-Hertogenbosch" in text and "''s-Hertogenbosch" not in text
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@", '"=')), line
    assert isomorphic(cg.load(folder).graph, kg.graph)


# --- 8. every failure is a documented error; no traceback on the command line -----------------


def test_binary_ntriples_is_a_parse_error(tmp_path, capsys):
    """A binary .nt: StudyParseError with line and byte; the command line exits 2."""
    path = tmp_path / "binary.nt"
    path.write_bytes(b'<urn:s> <urn:p> "ok" .\n<urn:s> <urn:p> "\xff\xfe\x00" .\n')
    for store in STORES:
        with pytest.raises(cg.StudyParseError, match=r"binary\.nt:2:\d+: .*not UTF-8 .*0xff"):
            cg.load(path, store=store)
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8" in err and "Traceback" not in err


def test_query_file_not_in_utf8(tmp_path, capsys):
    """A query file in Latin-1: exit 2 naming the file."""
    path = tmp_path / "latin.rq"
    path.write_bytes("SELECT * WHERE { ?s ?p 'café' }".encode("latin-1"))
    assert main(["query", str(path)]) == 2
    assert "latin.rq: byte" in capsys.readouterr().err


def test_connection_closed_part_way(stub):
    """An answer cut off before its announced length: MalformedResponseError."""
    with pytest.raises(cg.MalformedResponseError, match="broke off part-way"):
        cg.connect(f"{stub.base}/cut").sparql("SELECT ?s WHERE { ?s ?p ?o }")


def test_command_line_failures_exit_2_without_traceback(stub, capsys, tmp_path):
    """Endpoint faults, template faults and unwritable outputs: exit 2 and one message."""
    bad_yaml = _yaml_with(
        tmp_path,
        "  title_en: Example study of peer consultation in teacher education",
        "  title_en: !!python/name:os.system",
    )
    runs = [
        ["interventions", "feedback", "--endpoint", f"{stub.base}/cut"],
        ["interventions", "feedback", "--endpoint", f"{stub.base}/bad-iri"],
        ["info", str(bad_yaml)],
        [
            "render",
            "--format",
            "svg",
            "--focus",
            "W",
            "--out",
            str(bad_yaml / "w.svg"),  # a file where a folder should be
        ],
    ]
    for argv in runs:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("cimo-graph: error:") and "Traceback" not in err, err


# --- 9. validation of what is no study --------------------------------------------------------


def test_a_graph_without_cimo_terms_does_not_conform(tmp_path, capsys):
    """No cimo:Study, no CIMO element: not conforming, with what is missing; exit 1."""
    path = tmp_path / "other.ttl"
    path.write_text("<http://e/s> <http://e/p> 'x' .\n", encoding="utf-8")
    report = cg.load(path).validate()
    assert not report
    text = str(report)
    assert "holds no cimo:Study" in text and "holds no CIMO element" in text
    assert main(["validate", str(path)]) == 1


def test_a_misspelt_cimo_namespace_is_named(tmp_path):
    """A study written with a misspelt cimo: namespace is told which namespace looks wrong."""
    text = (
        cg.load()
        .serialize(format="turtle")
        .replace("https://w3id.org/cimo-graph/ontology#", "https://w3id.org/cimo-graph/ontologie#")
    )
    path = tmp_path / "misspelt.ttl"
    path.write_text(text, encoding="utf-8")
    report = cg.load(path).validate()
    assert not report
    assert "<https://w3id.org/cimo-graph/ontologie#>, which looks like a misspelt cimo:" in str(
        report
    )


# --- 10. serve cleans up on every signal and when its parent dies -------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _gone(pids: list[int], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_serve_stops_its_server_and_removes_its_store_on_signal(tmp_path, signum):
    """SIGINT, SIGTERM, SIGHUP: the Oxigraph server ends and the temporary store is gone."""
    os.environ["TMPDIR"] = str(tmp_path)
    try:
        served = Served()
    finally:
        del os.environ["TMPDIR"]
    oxigraph = _children(served.process.pid)
    assert oxigraph and list(tmp_path.glob("cimo-graph-serve-*"))
    served.process.send_signal(signum)
    served.process.wait(timeout=20)
    assert _gone(oxigraph)
    assert not list(tmp_path.glob("cimo-graph-serve-*"))


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")
def test_serve_stops_when_its_parent_dies(tmp_path):
    """The process that started `cimo-graph serve` is killed: the server and store go too."""
    port = free_port()
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import subprocess, sys, time
            subprocess.Popen([sys.executable, "-m", "cimo_graph", "serve", "--port", "{port}"])
            time.sleep(600)
        """),
        ],
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    try:
        from .servers import wait_for

        wait_for(f"http://127.0.0.1:{port}/query", 60)
        (serve,) = _children(parent.pid)
        oxigraph = _children(serve)
        parent.kill()
        parent.wait()
        assert _gone([serve, *oxigraph], 20)
        assert not list(tmp_path.glob("cimo-graph-serve-*"))
    finally:
        parent.kill()


# --- 11. endpoints: a deadline per call, a cap on the answer ----------------------------------


@pytest.fixture(scope="module")
def stub():
    server = StubEndpoint()
    yield server
    server.stop()


def test_a_trickling_answer_is_cut_at_the_deadline(stub):
    """One byte a second with timeout=2: EndpointTimeoutError after about 2 s, not 54."""
    start = time.monotonic()
    with pytest.raises(cg.EndpointTimeoutError, match="within 2 s"):
        cg.connect(f"{stub.base}/drip", timeout=2).sparql("ASK {}")
    assert time.monotonic() - start < 5


def test_a_retry_after_beyond_the_deadline_fails_at_once(stub):
    """Retry-After: 3600 is not waited for: EndpointTimeoutError at once."""
    start = time.monotonic()
    with pytest.raises(cg.EndpointTimeoutError, match="retry after 3600 s"):
        cg.connect(f"{stub.base}/later", timeout=10).sparql("ASK {}")
    assert time.monotonic() - start < 3


@pytest.mark.parametrize("path", ["/huge", "/huge-unsized"])
def test_an_answer_over_max_bytes_is_refused_unread(stub, path):
    """An 8 MiB answer with max_bytes of 1 MiB: ResponseTooLargeError, with or without a
    Content-Length."""
    with pytest.raises(cg.ResponseTooLargeError, match="max_bytes"):
        cg.connect(f"{stub.base}{path}", max_bytes=2**20).sparql("ASK {}")


@pytest.mark.parametrize("path", ["/huge", "/html", "/broken"])
def test_a_hostile_answer_to_the_row_cap_probe_teaches_no_cap(stub, path):
    """The probe of the server's row cap answered with 8 MiB, an HTML page or a 500: no
    cap is learnt and nothing fills the memory; round numbers are then taken for caps."""
    endpoint = cg.connect(f"{stub.base}{path}", max_bytes=2**20, retries=0).endpoint
    assert endpoint.row_cap() is None
    assert endpoint.may_be_cut(10_000) and not endpoint.may_be_cut(1_234)


def test_served_study_still_answers(served, kg):
    """The guard in front of `cimo-graph serve` passes ordinary questions unchanged."""
    remote = cg.connect(served.url)
    assert len(remote) == len(kg)
    assert (
        remote.interventions_for("zelfsturing")["id"].tolist()
        == kg.interventions_for("zelfsturing")["id"].tolist()
    )


class EndlessPages(Endpoint):
    """A server that answers every page with 1,000 rows never seen before."""

    served = 0

    def query(self, text: str, *, accept: str = "json", **options):
        start, self.served = self.served, self.served + 1000
        rows = [{"n": {"type": "literal", "value": str(i)}} for i in range(start, start + 1000)]
        return {"head": {"vars": ["n"]}, "results": {"bindings": rows}}


def test_a_server_sending_pages_without_end_is_left():
    """Read in pages, an answer stops where its rows could not fit in max_bytes, as one
    answer does: a server that keeps sending new rows cannot fill the memory."""
    from cimo_graph.remote import RemoteGraph

    endpoint = EndlessPages("http://127.0.0.1:9/sparql", max_bytes=1_000_000)
    remote = RemoteGraph(endpoint, check_syntax=False)
    with pytest.raises(cg.ResponseTooLargeError, match="read in pages, it passed"):
        remote.sparql("SELECT ?n WHERE { ?s ?p ?n }")
    assert endpoint.served <= 1_000_000 // 32 + 3_000  # a page or two past the limit


@pytest.mark.parametrize(
    "origin", ["https://a.org https://b.org", "https://a.org/path", "x\r\nSet-Cookie: a"]
)
def test_serve_refuses_an_origin_that_is_not_one(origin, capsys):
    """--cors takes one origin as browsers send it; anything else (two origins, a path, a
    header break that would add a header to every answer) exits 2 naming it, before any
    server starts."""
    from cimo_graph.cli import main

    assert main(["serve", "--cors", origin]) == 2
    assert f"--cors {origin!r}" in capsys.readouterr().err


# --- coded projects (REFI-QDA .qdpx) ------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_member_that_climbs_out_is_refused(tmp_path):
    xml, _ = coded_interview()[0].qde()
    path = _zip(tmp_path / "climb.qdpx", {"project.qde": xml.encode(), "../../evil.txt": b"x"})
    with pytest.raises(cg.TemplateError, match="points outside the project"):
        cg.load(path)


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path):
    xml, _ = coded_interview()[0].qde()
    path = _zip(
        tmp_path / "bomb.qdpx", {"project.qde": xml.encode(), "sources/a.txt": b"a" * 2**26}
    )
    with pytest.raises(cg.TemplateError, match="zip bomb"):
        cg.load(path)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE Project SYSTEM "http://example.org/evil.dtd">',
    ],
)
def test_xml_entities_and_dtds_are_refused(tmp_path, doctype):
    xml, files = coded_interview()[0].qde()
    xml = xml.replace("?>\n", f"?>\n{doctype}\n", 1)
    path = _zip(tmp_path / "dtd.qdpx", {"project.qde": xml.encode(), **files})
    with pytest.raises(cg.TemplateError, match=r"refused: project\.qde declares a DTD"):
        cg.load(path)


def test_sources_outside_the_project_are_not_read(tmp_path):
    """A plainTextPath that is absolute or climbs out is never opened: the document is
    left out with a note."""
    secret = tmp_path / "secret.txt"
    secret.write_text("Dit mag niet gelezen worden.", encoding="utf-8")
    project, codes = coded_interview()
    xml, files = project.qde()
    xml = xml.replace(
        "</Sources>",
        f'<TextSource guid="{"A" * 8}-AAAA-AAAA-AAAA-{"A" * 12}" name="secret" '
        f'plainTextPath="absolute://{secret}"><PlainTextSelection guid="{"B" * 8}-BBBB-BBBB-'
        f'BBBB-{"B" * 12}" startPosition="0" endPosition="3"><Coding guid="{"C" * 8}-CCCC-CCCC-'
        f'CCCC-{"C" * 12}"><CodeRef targetGUID="{codes["M"]}"/></Coding></PlainTextSelection>'
        "</TextSource></Sources>",
    )
    path = _zip(tmp_path / "outside.qdpx", {"project.qde": xml.encode(), **files})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = read_project_study(path)
    assert "Dit mag" not in graph.serialize(format="nt")
    assert any("outside the project" in str(w.message) for w in caught)


def test_hostile_text_in_codes_is_ordinary_text(tmp_path):
    project, codes = coded_interview()
    project.codes[codes["I"]].description += "\n<script>alert(1)</script> } DROP ALL ; #"
    kg = cg.load(project.write(tmp_path / "p.qdpx"))
    evidence = kg.evidence("W-I1")
    notes = evidence[evidence["kind"] == "note"]["text"].tolist()
    assert "<script>alert(1)</script> } DROP ALL ; #" in notes


# --- round two (issue 37) -------------------------------------------------------------------
# --- 12. files written only where they belong -----------------------------------------------


def _with_proposition_ids(tmp_path: Path, *ids: str) -> Path:
    """The bundled study with its propositions (W, then C) given the ``ids``."""
    text = study_path().read_text(encoding="utf-8")
    for old, new in zip(("W", "C"), ids, strict=True):
        escaped = json.dumps(new)  # a Turtle string: quotes, backslashes and controls escaped
        text = text.replace(f'dcterms:identifier "{old}" ;', f"dcterms:identifier {escaped} ;")
    path = tmp_path / "study.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def _files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_package_keeps_a_climbing_proposition_id_inside_the_crate(tmp_path):
    """A proposition id ``../../../../x/W`` names a figure inside the crate, in the folder
    and in the zip; nothing is written beside it."""
    study = _with_proposition_ids(tmp_path, "../../../../x/W", "../W")
    work = tmp_path / "a" / "b" / "c" / "d"
    work.mkdir(parents=True)
    kg = cg.load(study)
    crate = kg.package(work / "crate")
    figures = sorted(p for p in _files_under(crate) if p.startswith("figures/"))
    assert figures == ["figures/W.svg", "figures/pillars.svg", "figures/x-W.svg"]
    assert not (tmp_path / "x").exists() and not (tmp_path / "a" / "x").exists()
    assert {p.name for p in (work).iterdir()} == {"crate"}
    archive = kg.package(work / "crate.zip", zip=True)
    names = zipfile.ZipFile(archive).namelist()
    assert names and all(not n.startswith(("/", "..")) and "/../" not in n for n in names)
    assert {p.name for p in work.iterdir()} == {"crate", "crate.zip"}


@pytest.mark.slow
@pytest.mark.parametrize("bad", ["", " ", "W", "w", "W/", ".."])
def test_package_names_empty_and_twin_ids_apart(tmp_path, bad):
    """An empty, blank, dot or repeated proposition id still gives each proposition its
    own figure, under a safe name, without a traceback (NUL and control characters do
    not load: see below)."""
    study = _with_proposition_ids(tmp_path, "W", bad)
    crate = cg.load(study).package(tmp_path / "crate")
    figures = [p for p in _files_under(crate) if p.startswith("figures/")]
    assert len(figures) == 3  # both propositions and the pillars
    assert all(n.isprintable() and "\x00" not in n for n in figures)


@pytest.mark.slow
def test_package_keeps_two_sources_with_one_name_and_escapes_labels(tmp_path):
    """Two ``--source`` files with the same name are both kept; a label with Markdown and
    HTML is plain text in the crate's README."""
    text = study_path().read_text(encoding="utf-8")
    hostile = "W | <script>alert(1)</script> [x](http://evil) `code`\\n| row |"
    text = text.replace(
        '"Design proposition: well-being"@en', json.dumps(hostile).replace("\\\\n", "\\n") + "@en"
    )
    study = tmp_path / "study.ttl"
    study.write_text(text, encoding="utf-8")
    one, two = tmp_path / "one" / "notes.txt", tmp_path / "two" / "notes.txt"
    for path, body in ((one, "first"), (two, "second")):
        path.parent.mkdir()
        path.write_text(body, encoding="utf-8")
    crate = cg.load(study).package(
        tmp_path / "crate", sources=[one, two, tmp_path / "one/../two/notes.txt"]
    )
    kept = sorted((crate / "sources").iterdir())
    assert sorted(p.read_text() for p in kept) == ["first", "second", "second"]
    readme = (crate / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `figures/W"))
    assert "<script>" not in readme and "\\[x\\](http://evil)" in row  # text, not a link
    assert row.count(" | ") == 1 and row.count("|") - row.count("\\|") == 3


# --- 13. a target that is not a regular file is never replaced --------------------------------


def _not_regular_files(tmp_path: Path) -> dict[str, Path]:
    """A private FIFO, a private character device node (root only: /dev/null's numbers,
    never /dev/null itself), a folder and a symbolic link to the FIFO, in ``tmp_path``."""
    made = {"fifo": tmp_path / "fifo.ttl", "folder": tmp_path / "folder.ttl"}
    os.mkfifo(made["fifo"])
    made["folder"].mkdir()
    if os.geteuid() == 0:
        made["device"] = tmp_path / "device.ttl"
        os.mknod(made["device"], 0o600 | __import__("stat").S_IFCHR, os.makedev(1, 3))
    made["link"] = tmp_path / "link.ttl"
    made["link"].symlink_to(made["fifo"])
    return made


def _identity(path: Path) -> tuple:
    status = os.lstat(path)
    return status.st_mode, status.st_ino, status.st_rdev


@pytest.mark.parametrize(
    "write",
    [
        lambda kg, p: kg.serialize(p),
        lambda kg, p: kg.report(p),
        lambda kg, p: kg.export(p, format="graphml"),
        lambda kg, p: kg.export(p, format="svg", focus="W"),
        lambda kg, p: kg.export_template(p, format="yaml"),
    ],
    ids=["serialize", "report", "graphml", "figure", "template"],
)
def test_an_output_onto_a_device_fifo_folder_or_link_is_refused(kg, tmp_path, write):
    """``--out`` onto a device node, a FIFO, a folder or a link to one is refused with
    OutputError, and the node stays what it was."""
    for kind, target in _not_regular_files(tmp_path).items():
        before = _identity(target)
        with pytest.raises(cg.OutputError, match="not a regular file"):
            write(kg, target)
        assert _identity(target) == before, kind
        assert not list(tmp_path.glob(".*.tmp*")), kind


def test_an_output_through_a_symlink_writes_the_file_it_points_to(kg, tmp_path):
    """A symbolic link to a regular file is written through: the file changes, the link
    stays a link."""
    real = tmp_path / "real.ttl"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    kg.serialize(link)
    assert link.is_symlink() and len(cg.load(real)) == len(kg)


def test_the_command_line_refuses_a_device_as_out(tmp_path, capsys):
    """``cimo-graph render --out FIFO`` exits 2 with one line; the FIFO stays."""
    fifo = _not_regular_files(tmp_path)["fifo"]
    assert main(["render", "--format", "graphml", "--out", str(fifo)]) == 2
    err = capsys.readouterr().err
    assert "not a regular file" in err and "Traceback" not in err
    assert __import__("stat").S_ISFIFO(os.lstat(fifo).st_mode)


# --- 14. text that no export can carry is refused where it enters ------------------------------

UNWRITABLE = {
    "NUL": "\\u0000",
    "bell": "\x07",
    "escape": "W\\u001b[31m",
    "lone surrogate": "\\uD800",
    "non-character": "\\uFFFE",
}


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("written", UNWRITABLE.values(), ids=UNWRITABLE.keys())
def test_a_character_no_export_can_carry_is_refused_at_load(tmp_path, store, written):
    """A control character or lone surrogate in a literal, raw or escaped, is refused at
    load on both stores with file, line and column, not loaded to crash every export."""
    text = (
        study_path()
        .read_text(encoding="utf-8")
        .replace('"Design proposition: well-being"@en', f'"Design {written} proposition"@en')
    )
    study = tmp_path / "study.ttl"
    study.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "Design " + written in t)
    with pytest.raises(cg.StudyParseError, match=rf"study.ttl:{line}:\d+: .*character U\+"):
        cg.load(study, store=store)


def test_paired_surrogates_in_json_and_escaped_backslashes_still_load(tmp_path):
    """JSON's surrogate pairs (an emoji) and a backslash written before ``u0000`` are text."""
    study = tmp_path / "s.jsonld"
    study.write_text(
        '{"@id": "http://x/a", "http://x/p": "a \\ud83d\\ude00 b \\\\u0000"}',
        encoding="utf-8",
    )
    value = str(next(iter(cg.load(study).graph.objects())))
    assert value == "a \U0001f600 b \\u0000"


@pytest.mark.parametrize("fmt", ["csv", "yaml"])
def test_a_template_cell_with_a_control_character_is_a_template_error(tmp_path, fmt):
    """A template cell holding a control character is a TemplateError naming the sheet, the
    row and the column; the other cells are not blamed."""
    if fmt == "csv":
        path = new_study(tmp_path / "t", languages=["en"])
        sheet = path / "interventions.csv"
        header, row, *rest = sheet.read_text(encoding="utf-8").splitlines()
        column = header.split(",").index("label_en")
        cells = row.split(",")
        cells[column] = "bad\x01label"
        sheet.write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8")
    else:
        path = new_study(tmp_path / "t.yaml", languages=["en"])
        text = path.read_text(encoding="utf-8")
        start = text.index("interventions:")
        at = text.index("label_en: ", start) + len("label_en: ")
        end = text.index("\n", at)
        path.write_text(text[:at] + '"bad\\x01label"' + text[end:], encoding="utf-8")
    with pytest.raises(cg.TemplateError, match=r"column 'label_en'.*U\+0001") as caught:
        cg.load(path)
    assert len([p for p in caught.value.problems if "U+0001" in p.message]) == 1


def test_a_template_export_of_a_control_character_is_refused_unwritten(tmp_path):
    """A graph built in Python with a control character in a label is refused by the
    template export, naming sheet, row and column; nothing is written."""
    graph = Graph()
    graph += cg.load(example_path()).graph
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    subject = next(s for s, o in graph.subject_objects(label) if o.language == "en")
    graph.set((subject, label, Literal("bad\x01label", lang="en")))
    from cimo_graph.authoring.export import write_template

    for name in ("t.xlsx", "t.yaml", "t"):
        with pytest.raises(cg.OutputError, match=r"sheet '\w+', row \d+, column 'label_en'"):
            write_template(graph, tmp_path / name)
    assert not list(tmp_path.iterdir())


# --- 15. a researcher's work is never overwritten -----------------------------------------------


@pytest.mark.parametrize("name", ["filled.xlsx", "filled.yaml", "filled"])
def test_new_study_refuses_a_filled_template_without_force(tmp_path, capsys, name):
    """``new-study`` onto an existing template (file or CSV folder) is refused with one line
    and exit 2, and the template is unchanged; ``--force`` replaces it."""
    target = tmp_path / name
    assert main(["new-study", str(target), "--languages", "en"]) == 0
    before = {p: p.read_bytes() for p in [target, *target.glob("*")] if p.is_file()}
    capsys.readouterr()
    assert main(["new-study", str(target)]) == 2
    err = capsys.readouterr().err
    assert "--force" in err and len(err.strip().splitlines()) == 1
    assert {p: p.read_bytes() for p in [target, *target.glob("*")] if p.is_file()} == before
    assert main(["new-study", str(target), "--force"]) == 0


def test_export_refuses_a_folder_with_files_of_its_own(tmp_path, capsys):
    """``export --out DIR`` into a folder holding a researcher's ``notes.csv`` is refused;
    the file is unchanged."""
    (tmp_path / "notes.csv").write_text("mine\n", encoding="utf-8")
    assert main(["export", "--out", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "notes.csv").read_text(encoding="utf-8") == "mine\n"
    assert main(["export", "--out", str(tmp_path / "new")]) == 0


@pytest.mark.parametrize(
    "command",
    [
        ["import", "{study}", "--out", "{study}"],
        ["render", "--study", "{study}", "--out", "{study}"],
        ["export", "{study}", "--out", "{study}"],
        ["report", "{study}", "--html", "{link}"],
        ["align", "{study}", "{study}", "--out", "{link}", "--force"],
        ["render", "--study", "{study}", "--study", "{study}", "--out", "{link}"],
    ],
    ids=["import", "render", "export", "report", "align", "render-several"],
)
def test_no_command_writes_over_the_study_it_reads(tmp_path, capsys, command):
    """An output that is the study being read (or a link to it) is refused; the study
    stays as it was."""
    study = tmp_path / "my.ttl"
    study.write_bytes(study_path().read_bytes())
    link = tmp_path / "link.ttl"
    link.symlink_to(study)
    args = [a.format(study=study, link=link) for a in command]
    assert main(args) == 2
    assert "is the study being read" in capsys.readouterr().err
    assert study.read_bytes() == study_path().read_bytes()


# --- 16. SERVICE as the grammar reads it; serve reads requests strictly ------------------------

# spellings a token scan missed: a variable cannot hold '.', and a PN_LOCAL escape is no quote
SLIPPERY = [
    "SELECT * WHERE {{ ?s ?p ?o.SERVICE <{url}> {{ ?a ?b ?c }} }}",
    "PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ex:a\\' ?o . SERVICE <{url}> {{ ?a ?b ?c }} }}",
]


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("query", SLIPPERY, ids=["dot", "escaped-name"])
def test_service_spelt_to_slip_past_a_token_scan_is_refused(
    stub, store, query, capsys, monkeypatch
):
    """Both spellings are refused by kg.sparql on both stores and by `cimo-graph query`;
    nothing reaches the server they name."""
    import io

    before = len(stub.requests)
    text = query.format(url=f"{stub.base}/ok")
    with pytest.raises(cg.QueryRefusedError, match="SERVICE is refused"):
        cg.load(store=store).sparql(text)
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert main(["query", "-"]) == 2
    assert "SERVICE is refused" in capsys.readouterr().err
    assert len(stub.requests) == before


@pytest.mark.parametrize("query", SLIPPERY, ids=["dot", "escaped-name"])
def test_serve_refuses_service_spelt_to_slip_past_a_token_scan(served, stub, query):
    """`cimo-graph serve` reads SERVICE as the grammar does too: 400, nothing sent."""
    from urllib.error import HTTPError
    from urllib.parse import quote
    from urllib.request import urlopen

    before = len(stub.requests)
    text = query.format(url=f"{stub.base}/ok")
    with pytest.raises(HTTPError) as caught:
        urlopen(f"{served.url}?query={quote(text)}", timeout=30)
    assert caught.value.code == 400 and b"SERVICE is refused" in caught.value.read()
    assert len(stub.requests) == before


def _raw(url: str, request: bytes, *, seconds: float = 30) -> tuple[int, bytes]:
    """Send ``request`` as written to the server at ``url``: (status, body)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=seconds) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def _post(path_host: str, headers: list[str], body: bytes) -> bytes:
    lines = ["POST /query HTTP/1.1", f"Host: {path_host}", *headers, "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        # the first Content-Type read by one reader, the last by another
        (["Content-Type: text/plain", "Content-Type: application/sparql-query"], None, 400),
        (["Content-Type: application/sparql-query", "Content-Encoding: gzip"], "gzip", 415),
        (["Content-Type: application/sparql-query", "Content-Length: -1"], b"", 400),
        (["Content-Type: application/sparql-query", "Content-Length: 1e3"], b"", 400),
        (
            ["Content-Type: application/sparql-query", "Content-Length: 5", "Content-Length: 9"],
            b"",
            400,
        ),
        (["Content-Type: application/sparql-query", "Transfer-Encoding: chunked"], b"", 411),
        (["Content-Type: text/plain"], None, 415),  # what a page's no-cors fetch can send
    ],
    ids=["two-types", "gzip", "negative", "not-a-number", "two-lengths", "chunked", "text-plain"],
)
def test_serve_refuses_a_request_its_readers_could_read_two_ways(
    served, stub, headers, body, status
):
    """A request with two Content-Types or Content-Lengths, a compressed or chunked body,
    a length that is no number, or a body of another type is refused, and nothing reaches
    the server its SERVICE names."""
    import gzip

    before = len(stub.requests)
    query = FEDERATED.format(url=f"{stub.base}/ok").encode()
    data = gzip.compress(query) if body == "gzip" else query if body is None else body
    if not any(h.startswith("Content-Length") for h in headers):
        headers = [*headers, f"Content-Length: {len(data)}"]
    host = served.url.split("/")[2]
    code, _ = _raw(served.url, _post(host, headers, data))
    assert code == status
    assert len(stub.requests) == before


def test_serve_refuses_a_host_that_is_not_its_own(served):
    """DNS rebinding: a request naming another host is refused (421), by GET and POST."""
    port = served.url.split(":")[2].split("/")[0]
    request = f"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: attacker.example:{port}\r\n\r\n"
    assert _raw(served.url, request.encode())[0] == 421
    for own in (f"127.0.0.1:{port}", f"localhost:{port}"):
        request = f"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: {own}\r\nConnection: close\r\n\r\n"
        assert _raw(served.url, request.encode())[0] == 200


def test_serve_refuses_a_large_body_unread(served):
    """A body over MAX_REQUEST_BYTES is refused (413) from its Content-Length, before a
    byte of it is read."""
    from cimo_graph.serve import MAX_REQUEST_BYTES

    host = served.url.split("/")[2]
    headers = ["Content-Type: application/sparql-query", f"Content-Length: {300 * 2**20}"]
    assert _raw(served.url, _post(host, headers, b"ASK {}"))[0] == 413
    assert MAX_REQUEST_BYTES <= 2**20


@pytest.mark.slow
def test_serve_drops_half_sent_requests_quietly():
    """Slowloris: requests whose head or body never ends are closed after REQUEST_SECONDS,
    never forwarded, and print nothing; the endpoint answers meanwhile."""
    import socket

    from cimo_graph.serve import REQUEST_SECONDS

    served = Served()
    try:
        host = served.url.split("/")[2]
        address = (host.split(":")[0], int(host.split(":")[1]))
        halves = [
            f"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: {host}\r\n".encode(),
            _post(host, ["Content-Type: application/sparql-query", "Content-Length: 100"], b"AS"),
        ]
        connections = []
        for half in halves * 20:
            connection = socket.create_connection(address, timeout=60)
            connection.sendall(half)
            connections.append(connection)
        assert cg.connect(served.url).sparql("ASK { ?s ?p ?o }") is True
        started = time.monotonic()
        for connection in connections:
            data = connection.recv(65536)  # the server's 408, or its close
            assert not data or b" 408 " in data.split(b"\r\n")[0]
            connection.close()
        assert time.monotonic() - started < REQUEST_SECONDS + 15
    finally:
        served.stop()
    output = served.process.stdout.read()
    assert "Traceback" not in output and output.count("\n") <= 3


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads sockets from /proc (Linux)")
def test_serve_opens_no_port_but_its_own(served):
    """The store is reachable only through the guard: no process that `serve` started
    listens on any port (another local program could send it SERVICE)."""

    def listening() -> set[str]:
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            if Path(table).exists():
                for line in Path(table).read_text().splitlines()[1:]:
                    fields = line.split()
                    if fields[3] == "0A":  # LISTEN
                        inodes.add(fields[9])
        return inodes

    def sockets(pid: int) -> set[str]:
        found = set()
        for fd in (Path("/proc") / str(pid) / "fd").iterdir():
            target = os.readlink(fd) if fd.is_symlink() else ""
            if target.startswith("socket:["):
                found.add(target[8:-1])
        return found

    ports = listening()
    children = _children(served.process.pid)
    assert children  # the workers
    assert len(sockets(served.process.pid) & ports) == 1  # the guard
    for child in children:
        assert not sockets(child) & ports


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")
def test_a_store_left_by_a_killed_serve_is_swept_at_the_next_start(tmp_path, monkeypatch):
    """SIGKILL leaves the temporary store behind; the next `serve` deletes it, and keeps
    the store of a server still running."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    killed = Served()
    (left,) = tmp_path.glob("cimo-graph-serve-*")
    killed.process.kill()
    killed.process.wait()
    assert left.exists()
    running = Served()
    try:
        after = Served()
        try:
            assert not left.exists()
            assert len(list(tmp_path.glob("cimo-graph-serve-*"))) == 2
        finally:
            after.stop()
    finally:
        running.stop()


# --- 17. limits that count what costs memory ---------------------------------------------------


def test_xlsx_with_one_cell_a_billion_rows_down_is_refused(tmp_path):
    """A 20 KB workbook with one cell at row 1,000,000,000: the empty rows before it count,
    so it is refused at the cell limit, in bounded memory, not grown to gigabytes."""
    path = tmp_path / "far.xlsx"
    _workbook_bomb(path, cells=100)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    far = '<row r="1000000000"><c r="A1000000000" t="inlineStr"><is><t>x</t></is></c></row>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", far + "</sheetData>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert path.stat().st_size < 100_000
    out = load_bounded(path, seconds=120, megabytes=400)
    assert out["error"].startswith("TemplateError") and "more than 1,000,000 cells" in out["error"]


def test_yaml_aliases_of_a_long_string_are_counted_by_what_they_expand_to(tmp_path):
    """99 aliases (under the alias limit) of one 12 MB string stand for 1.2 GB: refused
    from their expanded size, in bounded memory."""
    path = new_study(tmp_path / "t.yaml", languages=["en"])
    text = path.read_text(encoding="utf-8").replace(
        "study:\n", 'study:\n  description_en: &big "' + "x" * (12 * 2**20) + '"\n', 1
    )
    aliases = "notes: [" + ", ".join(["*big"] * 99) + "]\n    label_en: "
    start = text.index("interventions:")
    text = text[:start] + text[start:].replace("label_en: ", aliases, 1)
    path.write_text(text, encoding="utf-8")
    out = load_bounded(path, seconds=120, megabytes=600)
    assert out["error"].startswith("TemplateError") and "aliases (*name) stand for" in out["error"]


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("name", ["éntité", "ex:big", "_.big-1"])
def test_an_entity_of_any_name_is_counted(tmp_path, store, name):
    """Entities whose names start with a non-ASCII letter or hold ':' are counted by the
    parser's own accounting: 120 KB that would expand to 500 million characters is
    refused in bounded memory on both stores."""
    big = "x" * 100_000
    path = tmp_path / "named.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY {name} "{big}"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">'
        f'<rdf:Description rdf:about="http://e/s"><ex:p>{f"&{name};" * 5000}</ex:p>'
        "</rdf:Description></rdf:RDF>\n",
        encoding="utf-8",
    )
    out = load_bounded(path, store=store, seconds=60, megabytes=500)
    assert out["error"].startswith("StudyParseError") and "expand into more than" in out["error"]


@pytest.mark.parametrize("store", STORES)
def test_rdf_xml_nested_past_its_depth_is_refused_at_once(tmp_path, store):
    """RDF/XML nested 100,000 deep is refused from its depth, in seconds, not parsed for
    minutes."""
    depth = 100_000
    path = tmp_path / "deep.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:ex="http://e/"><rdf:Description rdf:about="http://e/s">'
        + "<ex:p><rdf:Description>" * depth
        + "</rdf:Description></ex:p>" * depth
        + "</rdf:Description></rdf:RDF>\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    with pytest.raises(cg.StudyParseError, match="nest more than 1,000 deep"):
        cg.load(path, store=store)
    assert time.monotonic() - started < 10


# --- 18. coded projects: linear work, bounded nesting, plain digits, no link out -------------


def _run_bounded(script: str, seconds: float, megabytes: int = 800) -> subprocess.CompletedProcess:
    """``script`` in a Python process of its own under a memory cap and a time limit."""

    def limit() -> None:
        cap = megabytes * 2**20 * 3
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=seconds,
        preexec_fn=limit,
        cwd=Path(__file__).parent.parent,
    )


@pytest.mark.slow
def test_a_passage_coded_thirty_thousand_times_reads_in_linear_time(tmp_path):
    """One passage coded 30,000 times (same place, same code) is read in a few seconds,
    not in minutes, and counts as one passage of evidence."""
    project, codes = coded_interview()
    document = codes["doc"]
    start = project.texts[document].text.index("durf vragen")
    for _ in range(30_000):
        project.segment(document, start, start + 11, codes["O"], codes["safety"])
    path = project.write(tmp_path / "many.qdpx")
    started = time.monotonic()
    kg = cg.load(path)
    assert time.monotonic() - started < 20
    passages = kg.evidence("W-O1")
    assert (passages["text"] == "durf vragen").sum() == 1


def test_codes_nested_deeper_than_any_codebook_are_a_template_error(tmp_path):
    """Codes nested 500 deep: a TemplateError naming the limit, not a RecursionError."""
    project, codes = coded_interview()
    xml, files = project.qde()
    opening = f'<Code guid="{codes["O"]}"'
    deep = "".join(
        f'<Code guid="{n:08}-0000-0000-0000-000000000000" name="d{n}">' for n in range(500)
    )
    xml = xml.replace(opening, deep + opening, 1)
    at = xml.index(opening)
    end = xml.index("</Code>", at) + len("</Code>")
    xml = xml[:end] + "</Code>" * 500 + xml[end:]
    path = _zip(tmp_path / "deep.qdpx", {"project.qde": xml.encode(), **files})
    with pytest.raises(cg.TemplateError, match="nest more than"):
        cg.load(path)


def test_offsets_in_other_digits_are_not_positions(tmp_path):
    """Arabic-Indic digits are no offset: the segment is left out with a note."""
    project, codes = coded_interview()
    project.texts[codes["doc"]].segments.append(
        f'<PlainTextSelection guid="{"D" * 8}-DDDD-DDDD-DDDD-{"D" * 12}" name="" '
        'startPosition="\u0660" endPosition="\u0663"><Coding guid="'
        f'{"E" * 8}-EEEE-EEEE-EEEE-{"E" * 12}"><CodeRef targetGUID="{codes["M"]}"/></Coding>'
        "</PlainTextSelection>"
    )
    path = project.write(tmp_path / "digits.qdpx")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_project_study(path)
    assert any("positions are not a range" in str(w.message) for w in caught)


def test_a_bare_project_follows_no_link_out_of_its_folder(tmp_path):
    """A bare project.qde whose Sources/ holds a symbolic link to a file elsewhere (here a
    private secret; /etc/passwd in the audit) does not read it."""
    secret = tmp_path / "secret.txt"
    secret.write_text("Dit mag niet gelezen worden.", encoding="utf-8")
    project, _ = coded_interview()
    xml, files = project.qde(folder="Sources")
    folder = tmp_path / "project"
    (folder / "Sources").mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "project.qde").write_text(xml, encoding="utf-8")
    linked = next((folder / "Sources").iterdir())
    linked.unlink()
    linked.symlink_to(secret)
    from cimo_graph.authoring.refi.archive import read_project

    project_read = read_project(folder / "project.qde")
    assert [d.text for d in project_read.documents] == [None]
    assert any("is not in the project" in note for note in project_read.skipped)
    with pytest.raises(cg.TemplateError) as caught:  # without its document: no evidence
        read_project_study(folder / "project.qde")
    assert "Dit mag" not in str(caught.value)


# --- 19. endpoints: values counted as read, one deadline for a paged read, heads checked --------


class Answering(Endpoint):
    """An endpoint whose every answer is ``body`` (the bytes a server sent)."""

    body = b""

    def _send(self, text: str, **options) -> bytes:
        return self.body


def test_an_answer_of_many_tiny_values_is_refused_as_it_is_read():
    """An answer under max_bytes whose values are tiny (``{}`` rows: 3 bytes in JSON, 60
    in Python) is refused at max_bytes / 64 values, before it fills the memory."""
    import tracemalloc

    endpoint = Answering("http://127.0.0.1:9/sparql", max_bytes=8_000_000)
    endpoint.body = (
        b'{"head": {"vars": ["x"]}, "results": {"bindings": ['
        + b",".join([b"{}"] * 2_500_000)
        + b"]}}"
    )
    assert len(endpoint.body) < endpoint.max_bytes
    tracemalloc.start()
    try:
        with pytest.raises(cg.ResponseTooLargeError, match="more than 125,000 values"):
            endpoint.query("SELECT ?x WHERE { ?x ?p ?o }")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * len(endpoint.body)  # unbounded, json.loads alone takes 20 times it


class SlowEndlessPages(EndlessPages):
    """Endless pages, each a tenth of a second in coming."""

    def query(self, text: str, *, accept: str = "json", **options):
        time.sleep(0.1)
        return super().query(text, accept=accept, **options)


def test_timeout_is_a_deadline_for_the_whole_paged_read():
    """A server sending new rows on every page keeps a paged read busy no longer than the
    endpoint's timeout in all (it kept one call for 99 s in the audit)."""
    from cimo_graph.remote import RemoteGraph

    endpoint = SlowEndlessPages("http://127.0.0.1:9/sparql", max_bytes=2**40, timeout=1.5)
    started = time.monotonic()
    with pytest.raises(cg.EndpointTimeoutError):
        RemoteGraph(endpoint, check_syntax=False).sparql("SELECT ?n WHERE { ?s ?p ?n }")
    assert time.monotonic() - started < 4
    assert endpoint.served <= 30_000


@pytest.mark.parametrize(
    "answer",
    [
        {"head": {"vars": "id"}, "results": {"bindings": []}},
        {"head": {"vars": [1, 2]}, "results": {"bindings": []}},
        {"head": [], "results": {"bindings": []}},
        {"head": {"vars": ["x"]}, "results": {"bindings": "x"}},
        {"head": {"vars": ["x"]}, "results": {"bindings": [["x"]]}},
        {"head": {}, "boolean": "yes"},
    ],
    ids=[
        "vars-a-string",
        "vars-not-names",
        "head-a-list",
        "bindings-a-string",
        "row-a-list",
        "boolean",
    ],
)
def test_a_malformed_head_or_bindings_is_refused(answer):
    """``"vars": "id"`` once became columns ``i`` and ``d``: a head, bindings or boolean
    not as the SPARQL JSON format says is a MalformedResponseError."""
    endpoint = Answering("http://127.0.0.1:9/sparql")
    endpoint.body = json.dumps(answer).encode()
    with pytest.raises(cg.MalformedResponseError):
        endpoint.query("SELECT ?x {}")


# --- 20. credentials stay with their origin; redirects elsewhere are refused --------------------


def _redirecting(stub: StubEndpoint, to: str) -> str:
    from urllib.parse import quote

    return f"{stub.base}/redirect?to={quote(to, safe='')}"


def test_a_redirect_to_another_origin_is_refused_and_sends_nothing_there(stub):
    """A redirect to another server (an internal address, say) is refused, naming it;
    the other server gets no request, and no credentials."""
    elsewhere = StubEndpoint()
    try:
        url = _redirecting(stub, f"{elsewhere.base}/ok")
        remote = cg.connect(url, auth=("ana", "secret"), check_syntax=False)
        with pytest.raises(cg.EndpointClientError, match=r"redirects .* another origin"):
            remote.sparql("ASK {}")
        assert elsewhere.requests == []
    finally:
        elsewhere.stop()


def test_credentials_never_follow_a_redirect_to_another_origin(stub):
    """With allow_redirects the redirect is followed, without the Authorization header;
    to the same origin the header stays."""
    elsewhere = StubEndpoint()
    try:
        url = _redirecting(stub, f"{elsewhere.base}/ok")
        remote = cg.connect(url, auth=("ana", "secret"), check_syntax=False, allow_redirects=True)
        assert remote.sparql("ASK {}") is True
        assert elsewhere.authorizations == [("/ok", None)]
        assert stub.authorizations[-1][1].startswith("Basic ")
        same = cg.connect(
            _redirecting(stub, f"{stub.base}/ok"), auth=("ana", "secret"), check_syntax=False
        )
        assert same.sparql("ASK {}") is True
        assert stub.authorizations[-1][0] == "/ok" and stub.authorizations[-1][1].startswith(
            "Basic "
        )
    finally:
        elsewhere.stop()


def test_publish_sends_no_credentials_to_another_origin(kg, stub):
    """publish(auth_scheme="basic") to a server that redirects elsewhere: PublishError,
    and the other server sees no request and no password."""
    elsewhere = StubEndpoint()
    try:
        url = _redirecting(stub, f"{elsewhere.base}/ok")
        with pytest.raises(cg.RemoteError, match="another origin"):
            kg.publish(url, "https://example.org/g", auth=("ana", "secret"), auth_scheme="basic")
        assert elsewhere.requests == []
    finally:
        elsewhere.stop()


# --- 21. one line and exit 2, never a traceback; counts that cannot be negative -----------------


def _study_text(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _one_line_error(capsys, args: list[str]) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("cimo-graph") and err.count("\n") <= 12
    return err


def test_a_yaml_sheet_that_is_null_or_one_value_is_a_template_error(tmp_path, capsys):
    """``study: null`` or ``interventions: 5`` is named, not an AttributeError."""
    path = new_study(tmp_path / "t.yaml", languages=["en"])
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("study:\n", "study: null\nold_study:\n", 1), encoding="utf-8")
    assert "no study sheet" in _one_line_error(capsys, ["validate", str(path)])
    path.write_text(
        text.replace("interventions:\n", "interventions: 5\nold:\n", 1), encoding="utf-8"
    )
    assert "not one value" in _one_line_error(capsys, ["validate", str(path)])


def test_a_csv_cell_over_the_csv_modules_limit_is_a_template_error(tmp_path, capsys):
    """A CSV cell of 140,000 characters: a TemplateError naming the file, not _csv.Error."""
    import csv

    folder = new_study(tmp_path / "t", languages=["en"])
    sheet = folder / "interventions.csv"
    with sheet.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    rows[1][rows[0].index("label_en")] = "x" * 140_000
    with sheet.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    err = _one_line_error(capsys, ["validate", str(folder)])
    assert "interventions.csv" in err and "field larger than field limit" in err


def test_graph_on_the_memory_store_is_an_error_not_a_traceback(capsys, monkeypatch):
    """``GRAPH ?g`` on the memory store: an error that says to leave GRAPH out."""
    import io

    with pytest.raises(cg.CimoGraphError, match="leave GRAPH out"):
        cg.load().sparql("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"))
    assert "leave GRAPH out" in _one_line_error(capsys, ["query", "-"])


def test_words_that_are_not_utf8_are_refused_in_one_line(capsys):
    """Search words from bytes that are no UTF-8 (a Latin-1 terminal): one line, exit 2."""
    words = b"\xff\xfe".decode("utf-8", "surrogateescape")
    assert "is not UTF-8 text" in _one_line_error(capsys, ["search", words])


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("document", ['"just a string"', "42", "null", "true"])
def test_a_json_ld_document_that_is_no_object_is_a_parse_error(tmp_path, store, document):
    """A JSON-LD file holding a bare value: StudyParseError saying what it must be, not
    rdflib's internal 'cannot access local variable'."""
    path = _study_text(tmp_path, "bare.jsonld", document)
    with pytest.raises(cg.StudyParseError, match="an object or a list of objects"):
        cg.load(path, store=store)


def test_literals_that_do_not_fit_their_datatype_print_one_note_each(tmp_path, capsys):
    """``"abc"^^xsd:integer``: one note line on the command line, no rdflib traceback."""
    path = _study_text(
        tmp_path,
        "typed.ttl",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<http://x/a> <http://x/p> "abc"^^xsd:integer ; <http://x/q> "2020-13-45"^^xsd:date .\n',
    )
    main(["info", str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    notes = [line for line in err.splitlines() if line.startswith("cimo-graph: note:")]
    assert len(notes) == 2 and "'abc'" in notes[0]


@pytest.mark.parametrize(
    "args",
    [
        ["search", "feedback", "--limit", "-5"],
        ["render", "--depth", "-1", "--focus", "W"],
        ["render", "--dpi", "0"],
        ["serve", "--port", "70000"],
        ["publish", "http://127.0.0.1:9/x", "http://x/g", "--chunk-size", "-1"],
    ],
)
def test_negative_counts_are_refused(capsys, args):
    """Counts that cannot be negative (or zero, or past a port's range) exit 2 naming them."""
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == 2
    assert "give" in capsys.readouterr().err


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("typed", ["İstanbul", "ﬁnal", "Straße"])
def test_search_finds_words_typed_exactly_as_stored(tmp_path, store, typed):
    """A word holding a letter that folds into several (a dotted capital I, a ligature,
    ß) is found when typed exactly as stored; the dotted capital I also without its dot."""
    text = (
        study_path()
        .read_text(encoding="utf-8")
        .replace(
            '"Design proposition: well-being"@en', f'"Design proposition in {typed} well-being"@en'
        )
    )
    kg = cg.load(_study_text(tmp_path, "s.ttl", text), store=store)
    assert kg.search(typed)["id"].tolist() == ["W"]
    if typed == "İstanbul":
        assert kg.search("istanbul")["id"].tolist() == ["W"]


@pytest.mark.parametrize("written", ["\\u0000", "\\uD800", "\x07", "\ufffe"])
def test_the_character_scan_finds_what_straddles_its_pieces(tmp_path, monkeypatch, written):
    """The file is scanned in pieces: a character at any offset around a piece's end is
    found all the same (here pieces of 64 bytes)."""
    import cimo_graph.guards as guards

    monkeypatch.setattr(guards, "_PIECE", 64)
    for at in range(40, 90):
        head = '<http://x/a> <http://x/p> "' + "a" * at
        path = _study_text(tmp_path, "s.nt", f'{head}{written}b" .\n')
        with pytest.raises(cg.StudyParseError, match=rf"s\.nt:1:{at + 28}: .*U\+"):
            guards.check_characters(path, "nt")


@pytest.mark.parametrize("name", ["s.graphml", "s.gexf", "s.qdpx"])
def test_an_export_of_a_control_character_built_in_python_is_refused_unwritten(tmp_path, name):
    """A graph built in Python with a control character in a label: the GraphML, GEXF and
    REFI-QDA exports name the text and write nothing (they would be broken XML that
    cimo-graph itself could not read back)."""
    kg = cg.load()
    graph = Graph()
    graph += kg.graph
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    subject = URIRef(str(next(kg.graph.subjects(URIRef(str(cg.CIMO.hasContext)), None))))
    graph.set((subject, label, Literal("bad\x01label", lang="en")))
    hostile = cg.CimoGraph(graph)
    with pytest.raises(cg.OutputError, match="no XML document can hold"):
        if name.endswith(".qdpx"):
            hostile.export_project(tmp_path / name)
        else:
            hostile.export(tmp_path / name)
    assert not list(tmp_path.iterdir())


# --- 22. labels drawn as written: no formula, no command -----------------------------------


@pytest.mark.parametrize(
    "text", ["costs $5 a $week", "a \\frac $x^{ formula", "$\\alpha$ and $$", "100% \\n $"]
)
def test_a_label_with_mathtext_signs_is_drawn_as_written(tmp_path, text):
    """Matplotlib reads '$...$' as a formula: a label with dollars or backslashes broke the
    figure (a ParseSyntaxException) or drew a formula. It is drawn as written, in every
    format, and the SVG holds the text itself."""
    from cimo_graph.namespace import LEERNETWERKEN as LNW

    graph = Graph()
    graph += cg.load().graph
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    graph.remove((LNW["W-I1"], label, None))
    graph.add((LNW["W-I1"], label, Literal(text, lang="en")))
    graph.add((LNW["W-I1"], label, Literal(text, lang="nl")))
    figure = cg.CimoGraph(graph).figure("W")
    for suffix in ("svg", "png", "pdf"):
        figure.savefig(tmp_path / f"w.{suffix}")
    drawn = " ".join(" ".join(t.get_text().split()) for t in figure.layout.texts)
    assert " ".join(text.split()) in drawn
    import html

    assert html.escape(text.split()[0], quote=False) in (tmp_path / "w.svg").read_text()


def test_no_command_writes_over_the_mapping_table_it_reads(tmp_path, capsys):
    from .conftest import REVIEWED, THREE_STUDIES

    table = tmp_path / "m.sssom.tsv"
    table.write_bytes(REVIEWED.read_bytes())
    studies = [f"--study={path}" for path in THREE_STUDIES]
    args = ["render", *studies, "--mappings", str(table), "--format", "dot", "--out", str(table)]
    assert main(args) == 2
    assert "is a mapping table being read" in capsys.readouterr().err
    assert table.read_bytes() == REVIEWED.read_bytes()


def test_a_mapping_table_holds_no_formula_a_spreadsheet_would_run(tmp_path):
    """A label that a spreadsheet reads as a formula (a researcher's, or planted) goes
    into the SSSOM table with a ' before it, comes back as written, and the table
    round-trips byte for byte."""
    from .conftest import DATA

    planted = '=HYPERLINK("https://example.org/x","feedback")'
    text = (DATA / "studies" / "blended-review.yaml").read_text(encoding="utf-8")
    study = tmp_path / "planted.yaml"
    study.write_text(
        text.replace(
            "- id: feedback\n  label_en: feedback", f"- id: feedback\n  label_en: '{planted}'"
        ),
        encoding="utf-8",
    )
    kg = cg.load([cg.resource_path("data", "leernetwerken.ttl"), study])
    table = tmp_path / "m.sssom.tsv"
    kg.align(out=table, kinds="theme", semantic=False)
    lines = table.read_text(encoding="utf-8").splitlines()
    cells = list(csv.reader([x for x in lines if not x.startswith("#")], delimiter="\t"))
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in cells for cell in row)
    assert any(cell == "'" + planted for row in cells for cell in row)
    kg.add_mappings(table)
    assert planted in set(kg.mappings()["subject_label"])
    kg.mappings(out=tmp_path / "again.sssom.tsv")
    assert (tmp_path / "again.sssom.tsv").read_bytes() == table.read_bytes()


def test_a_mapping_table_bomb_or_wrong_encoding_is_refused_with_where(tmp_path):
    """Nested YAML aliases in the metadata block (a billion laughs), bytes that are no
    text, and a table beyond the template's size are refused, naming the problem."""
    bomb = tmp_path / "bomb.sssom.tsv"
    head = ["#a: &a [x, x, x, x, x, x, x, x, x, x]"]
    head += [
        f"#{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(9)
    ]
    head += ["#mapping_set_id: https://example.org/m", "#license: https://example.org/l"]
    bomb.write_text(
        "\n".join([*head, "subject_id\tpredicate_id\tobject_id\tmapping_justification"]) + "\n"
    )
    with pytest.raises(cg.TemplateError, match="aliases"):
        cg.load().add_mappings(bomb)
    latin = tmp_path / "latin.sssom.tsv"
    latin.write_bytes("#mapping_set_id: https://example.org/caf\xe9\n".encode("latin-1"))
    with pytest.raises(cg.TemplateError, match="line 1"):
        cg.load().add_mappings(latin)
