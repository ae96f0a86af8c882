"""Publishing a study into a named graph of a triple store, whole and verified.

The triples go into a fresh staging graph: through the server's SPARQL 1.1 Graph Store
HTTP Protocol endpoint where given, as N-Triples bodies of tens of thousands of triples
(the bulk route: Virtuoso takes 200,000 triples in 1.5 s so), else by SPARQL Update in
bounded chunks. Blank nodes keep together: a node and everything that mentions it travel
in one request, so it stays one node. The staging graph is counted, moved onto the target
graph in one MOVE (which replaces what was there), and the target is verified: its count,
then page by page (the triples of a few thousand subjects, asked by name: no sorting, each
answer below the server's row cap) a count and a checksum against the study's own, and
the blank nodes' part compared whole. A page that differs is named with what differs. A
failure before the MOVE drops the staging graph and leaves the target as it was.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic
from rdflib.term import Node

from .errors import InvalidIRIError, MalformedResponseError, PublishError, RemoteError
from .iris import checked_iri, iri_problem
from .progress import bar
from .remote import Endpoint, read_in_pages
from .sources import comparable, plain_strings

#: A triple as rdflib's graphs hold them.
_Triple = tuple[Node, Node, Node]

__all__ = ["PublishReport", "publish_graph"]


@dataclass(frozen=True)
class PublishReport:
    """What :meth:`CimoGraph.publish` did."""

    endpoint: str
    graph_uri: str
    triples: int
    chunks: int
    seconds: float
    verified: bool

    def __str__(self) -> str:
        check = "verified: the graph read back holds the study" if self.verified else "not verified"
        return (
            f"Published {self.triples} triples to <{self.graph_uri}> at {self.endpoint} "
            f"in {self.chunks} chunk(s), {self.seconds:.2f} s; {check}."
        )


def _units(graph: Graph) -> list[list[_Triple]]:
    """Groups of triples that must travel together: those sharing blank nodes."""
    parent: dict[BNode, BNode] = {}

    def find(node: BNode) -> BNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for s, _, o in graph:
        if isinstance(s, BNode) and isinstance(o, BNode):
            parent[find(s)] = find(o)
    groups: dict[object, list[_Triple]] = {}
    singles: list[list[_Triple]] = []
    for triple in sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        s, _, o = triple
        node = s if isinstance(s, BNode) else o if isinstance(o, BNode) else None
        if node is None:
            singles.append([triple])
        else:
            groups.setdefault(find(node), []).append(triple)
    return singles + list(groups.values())


def _chunks(graph: Graph, size: int) -> Iterator[list[_Triple]]:
    chunk: list[_Triple] = []
    for unit in _units(graph):
        if chunk and len(chunk) + len(unit) > size:
            yield chunk
            chunk = []
        chunk.extend(unit)
    if chunk:
        yield chunk


def _insert(graph: URIRef, triples: list[_Triple]) -> str:
    # INSERT ... WHERE {} rather than INSERT DATA: some stores (Virtuoso) refuse blank
    # nodes in INSERT DATA; a template makes one fresh node per label, as wanted.
    lines = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples)
    return f"INSERT {{ GRAPH {graph.n3()} {{\n{lines}\n}} }} WHERE {{}}"


def _check_terms(graph: Graph, endpoint: str) -> None:
    """Every IRI of ``graph`` (subjects, predicates, objects, datatypes) must be one that
    SPARQL can carry; the first that is not is named before anything is sent. (Each
    distinct IRI checked once: a collection repeats its predicates and classes; the
    Oxigraph store's triples read from it as they are.)"""
    import pyoxigraph as ox

    native = isinstance(getattr(graph.store, "_inner", None), ox.Store)
    triples: Iterator[tuple[Any, Any, Any]] = _quads(graph) if native else iter(graph)
    seen: set[str] = set()
    for triple in triples:
        for term in triple:
            if isinstance(term, URIRef | ox.NamedNode):
                iri = str(term) if isinstance(term, URIRef) else term.value
            else:
                datatype = getattr(term, "datatype", None)
                if datatype is None:
                    continue
                iri = str(datatype) if isinstance(datatype, URIRef) else datatype.value
            if iri in seen:
                continue
            if iri_problem(iri) is not None:
                try:
                    checked_iri(URIRef(iri), "the study holds the IRI")
                except InvalidIRIError as error:
                    raise PublishError(endpoint, f"{error}; nothing was sent") from error
            seen.add(iri)


def _count(endpoint: Endpoint, graph: URIRef) -> int:
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph.n3()} {{ ?s ?p ?o }} }}"
    result = endpoint.query(text)
    try:
        return int(result["results"]["bindings"][0]["n"]["value"])
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise MalformedResponseError(
            endpoint.url, f"the count of the staging graph is not a number ({result!r:.200})"
        ) from error


#: Triples a page of the verification asks for at most (below every row cap met).
VERIFY_PAGE = 5_000
#: Pages of the verification asked at once.
READERS = 4


def _verify(
    endpoint: Endpoint, reader: Endpoint, target: URIRef, graph: Graph, page_size: int | None
) -> int:
    """Check that ``target`` holds ``graph``: the count, then each page of subjects by a
    count and a checksum of its triples (what differs named where one differs), then
    the triples with blank nodes compared whole. Both sides are written by Oxigraph
    (:func:`_line`), the server's answers read by it. Returns the number of pages."""
    from oxrdflib._converter import from_ox

    total = len(graph)
    count = _count(reader, target)
    if count != total:
        raise PublishError(
            endpoint.url, f"<{target}> read back holds {count} triples, not the study's {total}"
        )
    cap = reader.row_cap()  # learnt once (a probe), so that no page is cut at it
    limit = max(1, min(page_size or VERIFY_PAGE, cap or VERIFY_PAGE))
    named: dict[str, list[str]] = {}
    blank: list[_Triple] = []
    for s, p, o in _quads(graph):
        if _is_blank(s) or _is_blank(o):
            blank.append((from_ox(s), from_ox(p), from_ox(o)))  # type: ignore[arg-type]
        else:
            named.setdefault(str(s), []).append(_line(s, p, o))
    pages = list(_subject_pages(named, limit))
    # a few pages asked at once: each waits mostly on the server, which answers several
    # at a time (Virtuoso: 0.12 s for a page of 5,000 triples, most of it writing JSON)
    from concurrent.futures import ThreadPoolExecutor

    with bar(total, "verifying", "triple") as shown, ThreadPoolExecutor(READERS) as pool:
        answers = pool.map(lambda subjects: _read_page(reader, target, subjects, limit), pages)
        for number, (subjects, answer) in enumerate(zip(pages, answers, strict=True), start=1):
            mine = Counter(line for s in subjects for line in named[s])
            theirs = Counter(answer)
            if _checksum(mine) != _checksum(theirs):
                missing, unexpected = mine - theirs, theirs - mine
                example = next(iter(missing), next(iter(unexpected), ""))
                raise PublishError(
                    endpoint.url,
                    f"<{target}> read back differs from the study in page {number} of "
                    f"{len(pages)} ({len(subjects)} subjects from {subjects[0]}): "
                    f"{sum(missing.values())} triple(s) missing, "
                    f"{sum(unexpected.values())} unexpected (for example {example})",
                )
            shown.update(sum(mine.values()))
        if blank:
            _verify_blank(endpoint, reader, target, blank, limit)
            shown.update(len(blank))
    return len(pages)


def _quads(graph: Graph) -> Iterator[tuple[Any, Any, Any]]:
    """The triples of ``graph`` as pyoxigraph terms: from the Oxigraph store's own graph,
    else from a copy."""
    import pyoxigraph as ox
    from oxrdflib._converter import to_ox

    from .sources import oxigraph_copy

    inner = getattr(graph.store, "_inner", None)
    name: Any
    if isinstance(inner, ox.Store):
        store, name = inner, to_ox(graph.identifier)
    else:
        store, name = oxigraph_copy([graph]), ox.DefaultGraph()
    for quad in store.quads_for_pattern(None, None, None, name):
        yield quad.subject, quad.predicate, quad.object


def _is_blank(term: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.BlankNode)


def _subject_pages(named: dict[str, list[str]], limit: int) -> Iterator[list[str]]:
    """The subjects in pages of at most ``limit`` triples (a subject with more alone)."""
    page: list[str] = []
    size = 0
    for subject in sorted(named):
        triples = len(named[subject])
        if page and size + triples > limit:
            yield page
            page, size = [], 0
        page.append(subject)
        size += triples
    if page:
        yield page


def _read_page(reader: Endpoint, target: URIRef, subjects: list[str], limit: int) -> list[str]:
    """The triples of ``subjects`` (IRIs as N-Triples writes them) in ``target`` as the
    server holds them, as lines (a blank object left out: the blank part is compared
    apart); in ordered pages where one subject alone has more triples than a page."""
    text = (
        f"SELECT ?s ?p ?o WHERE {{ GRAPH {target.n3()} {{ VALUES ?s {{ {' '.join(subjects)} }} "
        "?s ?p ?o FILTER (!isBlank(?o)) } }"
    )
    if len(subjects) > 1:
        return [_line(row["s"], row["p"], row["o"]) for row in reader.solutions(text)]
    from oxrdflib._converter import to_ox

    rows = read_in_pages(reader, text, ["s", "p", "o"], page_size=limit)
    return [_line(to_ox(row["s"]), to_ox(row["p"]), to_ox(row["o"])) for row in rows]


_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
_NUMBERS = frozenset(
    "http://www.w3.org/2001/XMLSchema#" + name for name in ("double", "float", "decimal")
)


def _line(s: Any, p: Any, o: Any) -> str:
    """A triple of pyoxigraph terms as N-Triples writes it, as two stores holding it
    agree on it (:func:`~cimo_graph.sources.comparable_term`: strings plain, which
    Oxigraph writes them as; a decimal, float or double as a double)."""
    import pyoxigraph as ox

    if isinstance(o, ox.Literal) and o.datatype.value in _NUMBERS:
        with contextlib.suppress(ValueError):  # not a number: compared as written
            o = ox.Literal(repr(float(o.value)), datatype=ox.NamedNode(_DOUBLE))
    return f"{s} {p} {o}"


def _checksum(lines: Counter[str]) -> tuple[int, int]:
    """A page's count and checksum (a sum of hashes: the order of the triples is none of
    its business)."""
    import hashlib

    total = 0
    for line, times in lines.items():
        digest = hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest()
        total += times * int.from_bytes(digest, "big")
    return sum(lines.values()), total % (1 << 64)


def _verify_blank(
    endpoint: Endpoint, reader: Endpoint, target: URIRef, blank: list[_Triple], limit: int
) -> None:
    """The triples with a blank node, read in pages and compared whole (the server names
    its blank nodes its own way: compared as graphs, not as lines)."""
    text = (
        f"SELECT ?s ?p ?o WHERE {{ GRAPH {target.n3()} {{ ?s ?p ?o "
        "FILTER (isBlank(?s) || isBlank(?o)) } }"
    )
    back = Graph()
    for row in read_in_pages(reader, text, ["s", "p", "o"], page_size=limit):
        back.add((row["s"], row["p"], row["o"]))
    local = Graph()
    for triple in blank:
        local.add(triple)
    mine, theirs = comparable(local), comparable(back)
    if not isomorphic(mine, theirs):
        _, only_local, only_remote = graph_diff(mine, theirs)
        raise PublishError(
            endpoint.url,
            f"<{target}> read back differs from the study in its blank nodes: "
            f"{len(only_local)} triple(s) missing, {len(only_remote)} unexpected (for "
            f"example {next(iter(only_local), next(iter(only_remote), None))})",
        )


def publish_graph(
    graph: Graph,
    endpoint: Endpoint,
    graph_uri: str,
    *,
    chunk_size: int = 500,
    verify: bool = True,
    reader: Endpoint | None = None,
    page_size: int | None = None,
    graph_store: Endpoint | None = None,
    body_triples: int = 50_000,
) -> PublishReport:
    """Replace the named graph ``graph_uri`` at ``endpoint`` with ``graph`` (see module).

    ``reader`` answers the queries (the counts and the verification) where a server takes
    them at another address than its updates (Oxigraph: ``/query`` and ``/update``).
    ``graph_store``, a SPARQL 1.1 Graph Store HTTP Protocol endpoint of the same server,
    takes the triples in N-Triples bodies of ``body_triples``; without it they go by
    SPARQL Update in chunks of ``chunk_size``. The verification asks for pages of at most
    ``page_size`` triples (:data:`VERIFY_PAGE`, or the server's row cap if lower).

    The graph name and every IRI of ``graph`` are checked before anything is sent: a
    name like ``http://x/> ; DROP ALL ; ...`` raises :class:`PublishError` and touches
    nothing. On every failure after the first request, the staging graph is dropped.
    """
    try:
        target = checked_iri(graph_uri, "the graph name")
    except InvalidIRIError as error:
        raise PublishError(endpoint.url, f"{error}; nothing was sent") from error
    _check_terms(graph, endpoint.url)
    reader = reader or endpoint
    start = time.perf_counter()
    staging = checked_iri(f"urn:cimo-graph:staging:{uuid.uuid4().hex}")
    total = len(graph)
    written = chunks = 0
    step = "writing the staging graph"
    try:
        endpoint.update(f"DROP SILENT GRAPH {staging.n3()}")
        with bar(total, "publishing", "triple") as shown:
            if graph_store is not None:
                for body, size in _bodies(graph, body_triples):
                    graph_store.send_graph(str(staging), body)
                    written += size
                    chunks += 1
                    shown.update(size)
            else:
                # RDF 1.1 makes "a" and "a"^^xsd:string one literal; Virtuoso keeps them
                # apart, and a name typed by a researcher is plain: the study goes as plain
                # strings, whichever store held it (Oxigraph's types them)
                for chunk in _chunks(plain_strings(graph), chunk_size):
                    endpoint.update(_insert(staging, chunk))
                    written += len(chunk)
                    chunks += 1
                    shown.update(len(chunk))
        step = "counting the staging graph"
        count = _count(reader, staging)
        if count != total:
            raise PublishError(
                endpoint.url, f"the staging graph holds {count} triples, not {total}"
            )
        step = "moving the staging graph onto the target"
        endpoint.update(f"MOVE SILENT GRAPH {staging.n3()} TO GRAPH {target.n3()}")
    except (RemoteError, KeyboardInterrupt) as error:
        if chunks == 0 and isinstance(error, RemoteError) and step.startswith("writing"):
            raise  # nothing was written: the endpoint's own error says it best
        try:
            endpoint.update(f"DROP SILENT GRAPH {staging.n3()}")
            dropped = "which was dropped"
        except RemoteError:
            dropped = "which could not be dropped"
        if isinstance(error, KeyboardInterrupt):
            raise
        raise PublishError(
            endpoint.url,
            f"publishing failed while {step}: {chunks} chunk(s), {written} of {total} triples "
            f"were written to the staging graph <{staging}>, {dropped}; <{target}> is "
            f"unchanged. Cause: {error}",
        ) from error
    verified = False
    if verify:
        _verify(endpoint, reader, target, graph, page_size)
        verified = True
    return PublishReport(
        endpoint.url, str(target), total, chunks, time.perf_counter() - start, verified
    )


def _bodies(graph: Graph, size: int) -> Iterator[tuple[bytes, int]]:
    """``graph`` as N-Triples bodies of at most ``size`` triples each (strings plain), and
    how many each holds; the triples with blank nodes all in one (a body's blank node
    labels are its own: a node split between two would become two)."""
    from .sources import ntriples

    lines = ntriples(graph).splitlines(keepends=True)
    blank = [line for line in lines if _blank(line)]
    named = [line for line in lines if not _blank(line)] if blank else lines
    for at in range(0, len(named), max(1, size)):
        page = named[at : at + max(1, size)]
        yield b"".join(page), len(page)
    if blank:
        yield b"".join(blank), len(blank)


def _blank(line: bytes) -> bool:
    """Whether an N-Triples line has a blank node (or may have: a literal holding
    ``> _:`` is counted in too, which only moves it to the blank nodes' body)."""
    return line.startswith(b"_:") or b"> _:" in line
