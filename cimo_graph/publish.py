"""Publishing a study into a named graph of a triple store, whole and verified.

The triples go by SPARQL Update into a fresh staging graph in bounded chunks (a blank
node and everything that mentions it travel in one chunk, so it stays one node); the
staging graph is counted, moved onto the target graph in one MOVE (which replaces what
was there), and the target is read back (in pages below servers' row caps, for a large
graph) and compared with the local graph. A failure before the MOVE drops the staging
graph and leaves the target as it was.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

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
        check = "verified: the graph read back is isomorphic" if self.verified else "not verified"
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
    SPARQL can carry; the first that is not is named before anything is sent."""
    for triple in graph:
        for term in triple:
            iri = term if isinstance(term, URIRef) else getattr(term, "datatype", None)
            if iri is not None and iri_problem(str(iri)) is not None:
                try:
                    checked_iri(iri, "the study holds the IRI")
                except InvalidIRIError as error:
                    raise PublishError(endpoint, f"{error}; nothing was sent") from error


def _count(endpoint: Endpoint, graph: URIRef) -> int:
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph.n3()} {{ ?s ?p ?o }} }}"
    result = endpoint.query(text)
    try:
        return int(result["results"]["bindings"][0]["n"]["value"])
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise MalformedResponseError(
            endpoint.url, f"the count of the staging graph is not a number ({result!r:.200})"
        ) from error


def _read_back(reader: Endpoint, target: URIRef, expected: int, page_size: int | None) -> Graph:
    """The graph ``target`` as the server holds it, read whole whatever its row cap.

    A graph the server answers whole (below its row cap, :meth:`Endpoint.may_be_cut`), or
    of up to ``page_size`` triples where given, comes in one CONSTRUCT; a larger one (or
    one whose CONSTRUCT came back short) in pages of ``page_size`` or of the server's cap
    (:func:`~cimo_graph.remote.read_in_pages`).
    """
    whole = not reader.may_be_cut(expected) if page_size is None else expected <= page_size
    if whole:
        back = reader.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {target.n3()} {{ ?s ?p ?o }} }}",
            accept="turtle",
        )
        if len(back) >= expected:
            answered: Graph = back
            return answered
    back = Graph()
    text = f"SELECT ?s ?p ?o WHERE {{ GRAPH {target.n3()} {{ ?s ?p ?o }} }}"
    pages = page_size or reader.page_size()
    with bar(expected, "verifying", "triple") as shown:
        for row in read_in_pages(reader, text, ["s", "p", "o"], page_size=pages):
            back.add((row["s"], row["p"], row["o"]))
            shown.update()
    return back


def publish_graph(
    graph: Graph,
    endpoint: Endpoint,
    graph_uri: str,
    *,
    chunk_size: int = 500,
    verify: bool = True,
    reader: Endpoint | None = None,
    page_size: int | None = None,
) -> PublishReport:
    """Replace the named graph ``graph_uri`` at ``endpoint`` with ``graph`` (see module).

    ``reader`` answers the queries (the count and the read-back) where a server takes
    them at another address than its updates (Oxigraph: ``/query`` and ``/update``).
    The read-back of a graph larger than the server answers whole goes in pages of its
    row cap (:meth:`Endpoint.row_cap`), or of ``page_size`` triples where given.

    The graph name and every IRI of ``graph`` are checked before anything is sent: a
    name like ``http://x/> ; DROP ALL ; ...`` raises :class:`PublishError` and touches
    nothing. On every failure after the first request, the staging graph is dropped.
    """
    try:
        target = checked_iri(graph_uri, "the graph name")
    except InvalidIRIError as error:
        raise PublishError(endpoint.url, f"{error}; nothing was sent") from error
    _check_terms(graph, endpoint.url)
    # RDF 1.1 makes "a" and "a"^^xsd:string one literal; Virtuoso keeps them apart, and a
    # name typed by a researcher is plain: the study goes as plain strings (as rdflib's
    # parser reads them), whichever store held it (Oxigraph's types them)
    graph = plain_strings(graph)
    reader = reader or endpoint
    start = time.perf_counter()
    staging = checked_iri(f"urn:cimo-graph:staging:{uuid.uuid4().hex}")
    total = len(graph)
    written = chunks = 0
    step = "writing the staging graph"
    try:
        endpoint.update(f"DROP SILENT GRAPH {staging.n3()}")
        with bar(total, "publishing", "triple") as shown:
            for chunk in _chunks(graph, chunk_size):
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
        back = _read_back(reader, target, total, page_size)
        local, remote = comparable(graph), comparable(back)
        if not isomorphic(local, remote):
            _, only_local, only_remote = graph_diff(local, remote)
            raise PublishError(
                endpoint.url,
                f"<{target}> read back differs from the study: {len(only_local)} triple(s) "
                f"missing, {len(only_remote)} unexpected (for example "
                f"{next(iter(only_local), next(iter(only_remote), None))})",
            )
        verified = True
    return PublishReport(
        endpoint.url, str(target), total, chunks, time.perf_counter() - start, verified
    )
