"""Publishing a study into a named graph of a triple store, whole and verified.

The triples go by SPARQL Update into a fresh staging graph in bounded chunks (a blank
node and everything that mentions it travel in one chunk, so it stays one node); the
staging graph is counted, moved onto the target graph in one MOVE (which replaces what
was there), and the target is read back and compared with the local graph. A failure
before the MOVE drops the staging graph and leaves the target as it was.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import BNode, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic

from .errors import PublishError, RemoteError
from .remote import Endpoint
from .sources import plain_strings

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


def _units(graph: Graph) -> list[list[tuple]]:
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
    groups: dict[object, list[tuple]] = {}
    singles: list[list[tuple]] = []
    for triple in sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        s, _, o = triple
        node = s if isinstance(s, BNode) else o if isinstance(o, BNode) else None
        if node is None:
            singles.append([triple])
        else:
            groups.setdefault(find(node), []).append(triple)
    return singles + list(groups.values())


def _chunks(graph: Graph, size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for unit in _units(graph):
        if chunk and len(chunk) + len(unit) > size:
            yield chunk
            chunk = []
        chunk.extend(unit)
    if chunk:
        yield chunk


def _insert(graph_uri: str, triples: list[tuple]) -> str:
    # INSERT ... WHERE {} rather than INSERT DATA: some stores (Virtuoso) refuse blank
    # nodes in INSERT DATA; a template makes one fresh node per label, as wanted.
    lines = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples)
    return f"INSERT {{ GRAPH <{graph_uri}> {{\n{lines}\n}} }} WHERE {{}}"


def publish_graph(
    graph: Graph,
    endpoint: Endpoint,
    graph_uri: str,
    *,
    chunk_size: int = 500,
    verify: bool = True,
) -> PublishReport:
    """Replace the named graph ``graph_uri`` at ``endpoint`` with ``graph`` (see module)."""
    target = str(URIRef(graph_uri))
    if not target.startswith(("http://", "https://", "urn:")):
        raise PublishError(endpoint.url, f"the graph name {graph_uri!r} is not an absolute IRI")
    start = time.perf_counter()
    staging = f"urn:cimo-graph:staging:{uuid.uuid4().hex}"
    total = len(graph)
    written = chunks = 0
    try:
        endpoint.update(f"DROP SILENT GRAPH <{staging}>")
        for chunk in _chunks(graph, chunk_size):
            endpoint.update(_insert(staging, chunk))
            written += len(chunk)
            chunks += 1
        counted = endpoint.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} }}"
        )
        count = int(counted["results"]["bindings"][0]["n"]["value"])
        if count != total:
            raise PublishError(
                endpoint.url, f"the staging graph holds {count} triples, not {total}"
            )
    except RemoteError as error:
        if chunks == 0 and not isinstance(error, PublishError):
            raise  # nothing was written: the endpoint's own error says it best
        try:
            endpoint.update(f"DROP SILENT GRAPH <{staging}>")
            dropped = "which was dropped"
        except RemoteError:
            dropped = "which could not be dropped"
        raise PublishError(
            endpoint.url,
            f"publishing stopped after {chunks} chunk(s), {written} of {total} triples written "
            f"to the staging graph <{staging}>, {dropped}; <{target}> is unchanged. Cause: {error}",
        ) from error
    endpoint.update(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{target}>")
    verified = False
    if verify:
        back = endpoint.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}", accept="turtle"
        )
        local, remote = plain_strings(graph), plain_strings(back)
        if not isomorphic(local, remote):
            _, only_local, only_remote = graph_diff(local, remote)
            raise PublishError(
                endpoint.url,
                f"<{target}> read back differs from the study: {len(only_local)} triple(s) "
                f"missing, {len(only_remote)} unexpected (for example "
                f"{next(iter(only_local), next(iter(only_remote), None))})",
            )
        verified = True
    return PublishReport(endpoint.url, target, total, chunks, time.perf_counter() - start, verified)
