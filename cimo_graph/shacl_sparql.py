"""SHACL-SPARQL constraints, each checked with one query for all its focus nodes.

pySHACL runs a ``sh:sparql`` constraint once per focus node and parses its query again
each time (about 80 ms a parse with rdflib's grammar: 2.4-4 s for the bundled study's 75
elements). The constraint means the same run once: ``$this`` becomes a variable bound by
the shape's class target (``?this rdf:type/rdfs:subClassOf* C``), and every solution is a
result, with the constraint's message filled in from it. :func:`split_shapes` takes such
constraints out of the shapes graph for pySHACL and hands them here; the shapes file stays
the one statement of every rule, readable by any SHACL tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import BNode, Node

__all__ = ["SparqlConstraint", "SparqlResult", "add_to_report", "check", "split_shapes"]


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a node shape with a class target."""

    shape: Node
    target: URIRef
    select: str
    message: str
    prefixes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SparqlResult:
    """One violation found by a constraint."""

    constraint: SparqlConstraint
    focus: Node
    path: Node | None
    value: Node | None
    message: str


def split_shapes(shapes: Graph) -> tuple[Graph, list[SparqlConstraint]]:
    """``shapes`` without the SPARQL constraints this module checks, and those constraints.

    Only constraints of node shapes targeting one class are taken; any other stays with
    pySHACL, which then checks it as before.
    """
    constraints: list[SparqlConstraint] = []
    taken: set[tuple[Node, Node]] = set()
    for shape, node in shapes.subject_objects(SH.sparql):
        targets = list(shapes.objects(shape, SH.targetClass))
        select = shapes.value(node, SH.select)
        other_targets = any(
            shapes.value(shape, p) is not None
            for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
        )
        if len(targets) != 1 or select is None or other_targets:
            continue
        prefixes = []
        for holder in shapes.objects(node, SH.prefixes):
            for declaration in shapes.objects(holder, SH.declare):
                prefix = shapes.value(declaration, SH.prefix)
                namespace = shapes.value(declaration, SH.namespace)
                if prefix is not None and namespace is not None:
                    prefixes.append((str(prefix), str(namespace)))
        constraints.append(
            SparqlConstraint(
                shape=shape,
                target=targets[0],
                select=str(select),
                message=str(shapes.value(node, SH.message) or ""),
                prefixes=tuple(sorted(prefixes)),
            )
        )
        taken.add((shape, node))
    if not taken:
        return shapes, constraints
    rest = Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    dropped = {node for _, node in taken}
    for triple in shapes:
        if (triple[0], triple[2]) in taken or triple[0] in dropped:
            continue  # the link to the constraint, and the constraint's own description
        rest.add(triple)
    return rest, constraints


_THIS = re.compile(r"\$this\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_SLOT = re.compile(r"\{[?$](\w+)\}")


def _query(constraint: SparqlConstraint) -> str:
    """The constraint's SELECT over every focus node at once."""
    text = _THIS.sub("?this", constraint.select)
    match = _WHERE.search(text)
    if match is None:
        raise ValueError(f"the SPARQL constraint of {constraint.shape} has no WHERE group")
    target = (
        f"?this <{RDF.type}>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
        f"<{constraint.target}> ."
    )
    body = f"{text[: match.end()]} {target}\n{text[match.end() :]}"
    head = "".join(f"PREFIX {p}: <{n}>\n" for p, n in constraint.prefixes)
    return head + body


def check(
    store: Any, default_graph: Any, constraints: list[SparqlConstraint]
) -> list[SparqlResult]:
    """Every violation of ``constraints`` in the pyoxigraph ``store`` over ``default_graph``
    (the study and the ontology, so that subclasses count), one query a constraint (a few
    milliseconds, where rdflib's engine takes tens)."""
    if not constraints:
        return []
    from oxrdflib._converter import from_ox

    results = []
    for constraint in constraints:
        solutions = store.query(_query(constraint), default_graph=default_graph)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            values = {
                name: from_ox(solution[i]) if solution[i] is not None else None
                for i, name in enumerate(names)
            }
            focus = values.get("this")
            if focus is None:
                continue
            message = _SLOT.sub(
                lambda m, values=values: _text(values.get(m.group(1))), constraint.message
            )
            results.append(
                SparqlResult(
                    constraint=constraint,
                    focus=focus,
                    path=values.get("path"),
                    value=values.get("value"),
                    message=message,
                )
            )
    return results


def _text(term: Node | None) -> str:
    return "" if term is None else str(term)


def add_to_report(report: Graph, results: list[SparqlResult]) -> None:
    """Write ``results`` into pySHACL's report graph as ``sh:ValidationResult`` nodes."""
    if not results:
        return
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    if top is not None:
        report.set((top, SH.conforms, Literal(False)))
    for found in results:
        node = BNode()
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, found.focus))
        report.add((node, SH.resultSeverity, SH.Violation))
        report.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        report.add((node, SH.sourceShape, found.constraint.shape))
        report.add((node, SH.resultMessage, Literal(found.message)))
        if found.path is not None:
            report.add((node, SH.resultPath, found.path))
        if found.value is not None:
            report.add((node, SH.value, found.value))
        if top is not None:
            report.add((top, SH.result, node))
