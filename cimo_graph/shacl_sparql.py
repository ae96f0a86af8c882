"""Checking a study against SHACL shapes with pySHACL, without a copy of the study and with
one query for each rule pySHACL is slow at.

pySHACL follows ``rdfs:subClassOf`` in the data graph only, so the study used to be copied
with the CIMO ontology mixed in (a sixth of a validation's time). :func:`prepare` writes the
ontology's subclass links into the shapes instead: a class target also names the class's
subclasses, and a ``sh:class`` constraint on a class with subclasses is checked apart, as
one query. pySHACL then checks the study where it stands. A property shape of a targeted
node shape gets the node shape's targets (the same results; pySHACL checks it once for all
nodes instead of once per node), and an ``sh:or`` of "a value of this property or of that
one" is one query too (pySHACL builds a result for each failing alternative of each node).
Each result is written as pySHACL writes it: same focus, path, value, component, shape and
severity (tests/test_shapes.py compares them).

pySHACL runs a ``sh:sparql`` constraint once per focus node and parses its query again
each time (about 80 ms a parse with rdflib's grammar: 2.4-4 s for the bundled study's 75
elements). The constraint means the same run once: ``$this`` becomes a variable bound by
the shape's class target (``?this rdf:type/rdfs:subClassOf* C``, C one of the class and
its subclasses), and every solution is a result, with the constraint's message filled in
from it. The shapes file stays the one statement of every rule, readable by any SHACL tool.
"""

from __future__ import annotations

import functools
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import BNode, Node

from .oxterms import plain_from_oxigraph

__all__ = [
    "Answer",
    "Prepared",
    "SparqlConstraint",
    "SparqlResult",
    "add_to_report",
    "answers",
    "breaks",
    "joined",
    "prepare",
    "split_shapes",
]


@dataclass(frozen=True)
class SparqlConstraint:
    """One rule checked with one query over all its focus nodes: a ``sh:sparql``
    constraint of a node shape with class targets, or a ``sh:class`` constraint of one of
    its property shapes whose class has subclasses in the ontology."""

    shape: Node
    #: the classes the shape targets
    targets: tuple[URIRef, ...]
    select: str
    #: the constraint's ``sh:message`` values (a template: ``{?var}`` names an answer)
    messages: tuple[Literal, ...]
    prefixes: tuple[tuple[str, str], ...]
    #: every class whose instances are focus nodes: the targets and their subclasses
    classes: tuple[URIRef, ...] = ()
    severity: URIRef = SH.Violation
    component: URIRef = SH.SPARQLConstraintComponent
    #: the pattern binding ``?this`` to each focus node (when not the class targets')
    target: str = ""
    #: the SHACL Core parameter the query stands for (its generic message is pySHACL's)
    parameter: URIRef | None = None
    #: the property shape's path (a node of the shapes graph), for each result
    path: Node | None = None


@dataclass(frozen=True)
class SparqlResult:
    """One violation found by a constraint."""

    constraint: SparqlConstraint
    focus: Node
    path: Node | None
    value: Node | None
    messages: tuple[Literal, ...]

    @property
    def message(self) -> str:
        """The messages as one text (:func:`joined`)."""
        return joined(self.messages)


def joined(messages: tuple[Literal, ...]) -> str:
    """A result's messages as one text, in sorted order (most results have one).

    >>> joined((Literal("b"), Literal("a")))
    'a; b'
    """
    if len(messages) == 1:
        return str(messages[0])
    return "; ".join(sorted(str(m) for m in messages))


@dataclass(frozen=True)
class Prepared:
    """Shapes made ready for a study: what pySHACL checks, what is checked by query, and
    whether pySHACL still needs the ontology beside the study (a ``sh:class`` on a class
    with subclasses where no query can stand for it)."""

    core: Graph
    constraints: tuple[SparqlConstraint, ...]
    needs_ontology: bool


def subclasses(ontology: Graph) -> dict[URIRef, tuple[URIRef, ...]]:
    """Every class of ``ontology`` with subclasses, and all of them (any depth), in order."""
    found: dict[URIRef, tuple[URIRef, ...]] = {}
    for cls in set(ontology.objects(None, RDFS.subClassOf)):
        if not isinstance(cls, URIRef):
            continue
        below = [s for s in ontology.transitive_subjects(RDFS.subClassOf, cls) if s != cls]
        named = sorted({s for s in below if isinstance(s, URIRef)})
        if named:
            found[cls] = tuple(named)
    return found


def prepare(shapes: Graph, ontology: Graph) -> Prepared:
    """``shapes`` ready to check a study without ``ontology`` mixed into it.

    SPARQL constraints and ``sh:class`` constraints on a class with subclasses come out
    (:func:`split_shapes`), to be checked with one query each; class targets are widened
    to the subclasses. Anything else stays with pySHACL as written.
    """
    below = subclasses(ontology)
    core, constraints = split_shapes(shapes, below)
    for shape, cls in list(core.subject_objects(SH.targetClass)):
        for sub in below.get(cls, ()) if isinstance(cls, URIRef) else ():
            core.add((shape, SH.targetClass, sub))
    for kind in (RDFS.Class, OWL.Class):
        for shape in set(core.subjects(RDF.type, kind)):  # implicit class targets
            if (shape, RDF.type, SH.NodeShape) in core and isinstance(shape, URIRef):
                for sub in below.get(shape, ()):
                    core.add((shape, SH.targetClass, sub))
    _lift_property_shapes(core)
    needs_ontology = any(cls in below for cls in core.objects(None, SH["class"]))
    return Prepared(core, tuple(constraints), needs_ontology)


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _lift_property_shapes(core: Graph) -> None:
    """Give each property shape of a node shape with targets those targets itself.

    The results are the same (each names the property shape and the focus node), but
    pySHACL checks a property shape reached through ``sh:property`` once per focus node,
    building its constraints each time, and a targeted one once for all of them: 40% of
    the bundled study's validation.
    """
    for shape in set(core.subjects(SH.property, None)):
        targets = [(p, o) for p in _TARGETS for o in core.objects(shape, p)]
        if not targets or core.value(shape, SH.target) is not None or _deactivated(core, shape):
            continue
        if _reached(core, shape) or _closed(core, shape):
            continue  # its properties count where it is reached, or say what it allows
        if any((shape, RDF.type, kind) in core for kind in (RDFS.Class, OWL.Class)):
            continue  # its own instances are targets too
        for prop in set(core.objects(shape, SH.property)):
            if set(core.subjects(None, prop)) != {shape} or _deactivated(core, prop):
                continue  # used elsewhere too: it keeps its place
            if any(core.value(prop, p) is not None for p in (*_TARGETS, SH.target)):
                continue
            core.remove((shape, SH.property, prop))
            core.add((prop, RDF.type, SH.PropertyShape))
            for predicate, target in targets:
                core.add((prop, predicate, target))


def split_shapes(
    shapes: Graph, subclasses: dict[URIRef, tuple[URIRef, ...]] | None = None
) -> tuple[Graph, list[SparqlConstraint]]:
    """``shapes`` without the constraints checked here, and those constraints.

    Taken are, of shapes with targets that no other shape reaches (and not closed): the
    ``sh:sparql`` constraints, and every SHACL Core constraint of the shape and of its own
    property shapes that a query can say (:func:`cimo_graph.shacl_core.compile_shape`);
    ``subclasses`` names the ontology's, which a ``sh:class`` counts. Any other constraint
    stays with pySHACL, which then checks it as before.
    """
    from .shacl_core import compile_shape, targeted

    below = subclasses or {}
    constraints: list[SparqlConstraint] = []
    taken: set[tuple[Node, Node, Node]] = set()
    for shape in sorted(targeted(shapes), key=str):
        found = _targets(shapes, shape, below)
        if found is None or _deactivated(shapes, shape) or _reached(shapes, shape):
            continue
        if _closed(shapes, shape):
            continue
        pattern, targets, classes = found
        for node in sorted(shapes.objects(shape, SH.sparql), key=str):
            constraint = _sparql_constraint(shapes, shape, node, targets, classes, pattern)
            if constraint is not None:
                constraints.append(constraint)
                taken.add((shape, SH.sparql, node))
        units = [shape] + [
            prop
            for prop in sorted(shapes.objects(shape, SH.property), key=str)
            if set(shapes.subjects(None, prop)) == {shape}
            and not _deactivated(shapes, prop)
            and not any(shapes.value(prop, p) is not None for p in (*_TARGETS, SH.target))
        ]
        for unit in units:
            for compiled in compile_shape(shapes, unit, below):
                taken.update(compiled.taken)
                if not compiled.select:
                    continue  # a constraint nothing breaks (sh:minCount 0)
                constraints.append(
                    SparqlConstraint(
                        shape=unit,
                        targets=targets,
                        select=compiled.select,
                        messages=_messages(shapes, unit),
                        prefixes=(),
                        classes=classes,
                        severity=_severity(shapes, unit),
                        component=compiled.component,
                        target=pattern,
                        parameter=compiled.parameter,
                        path=shapes.value(unit, SH.path),
                    )
                )
    if not taken:
        return _copy(shapes), constraints
    rest = _copy(shapes, skip=lambda t: t in taken)
    return _without_loose_nodes(rest), constraints


def _without_loose_nodes(shapes: Graph) -> Graph:
    """``shapes`` without the blank nodes nothing leads to any more (the shapes and lists
    of the constraints taken out)."""
    reached: set[Node] = set()
    todo = [s for s in set(shapes.subjects()) if not isinstance(s, BNode)]
    while todo:
        node = todo.pop()
        if node in reached:
            continue
        reached.add(node)
        todo.extend(o for o in shapes.objects(node, None) if isinstance(o, BNode))
    loose = {s for s in set(shapes.subjects()) if isinstance(s, BNode)} - reached
    if not loose:
        return shapes
    return _copy(shapes, skip=lambda t: t[0] in loose)


def _targets(
    shapes: Graph, shape: Node, below: dict[URIRef, tuple[URIRef, ...]]
) -> tuple[str, tuple[URIRef, ...], tuple[URIRef, ...]] | None:
    """The pattern binding ``?this`` to each focus node of ``shape`` (each once), its class
    targets and those with their subclasses; ``None`` for a target no query here writes
    (``sh:target``: SHACL-AF)."""
    from .shacl_core import term

    if shapes.value(shape, SH.target) is not None:
        return None
    targets = {t for t in shapes.objects(shape, SH.targetClass) if isinstance(t, URIRef)}
    if isinstance(shape, URIRef) and any(
        (shape, RDF.type, kind) in shapes for kind in (RDFS.Class, OWL.Class)
    ):
        targets.add(shape)  # implicit class target
    classes = _with_subclasses(sorted(targets), below)
    parts: list[str] = []
    if classes:
        written = " ".join(term(c) for c in classes)
        path = f"{term(RDF.type)}/{term(RDFS.subClassOf)}*"
        parts.append(f"VALUES ?shTarget {{ {written} }} ?this {path} ?shTarget")
    for node in sorted(shapes.objects(shape, SH.targetNode), key=str):
        if isinstance(node, BNode):
            return None
        parts.append(f"BIND ({term(node)} AS ?this)")
    for predicate in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
        parts.append(f"?this {term(predicate)} ?shObject")
    for predicate in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str):
        parts.append(f"?shSubject {term(predicate)} ?this")
    if not parts:
        return None
    union = " UNION ".join(f"{{ {part} }}" for part in parts)
    pattern = f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"
    return pattern, tuple(sorted(targets)), classes


def _copy(
    shapes: Graph, skip: Callable[[tuple[Node, Node, Node]], bool] = lambda triple: False
) -> Graph:
    rest = Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    for triple in shapes:
        if not skip(triple):
            rest.add(triple)
    return rest


def _reached(shapes: Graph, shape: Node) -> bool:
    """Whether ``shape`` is also reached from another shape (``sh:node``, ``sh:or``, a
    list, ...): its constraints must then stay with it, for pySHACL to check there."""
    return next(shapes.subjects(None, shape), None) is not None


def _closed(shapes: Graph, shape: Node) -> bool:
    value = shapes.value(shape, SH.closed)
    return isinstance(value, Literal) and value.toPython() is True


def _deactivated(shapes: Graph, shape: Node) -> bool:
    value = shapes.value(shape, SH.deactivated)
    return isinstance(value, Literal) and value.toPython() is True


def _with_subclasses(
    classes: Iterable[URIRef], below: dict[URIRef, tuple[URIRef, ...]]
) -> tuple[URIRef, ...]:
    return tuple(dict.fromkeys(c for cls in classes for c in (cls, *below.get(cls, ()))))


def _severity(shapes: Graph, shape: Node) -> URIRef:
    value = shapes.value(shape, SH.severity)
    return value if isinstance(value, URIRef) else SH.Violation


def _sparql_constraint(
    shapes: Graph,
    shape: Node,
    node: Node,
    targets: tuple[URIRef, ...],
    classes: tuple[URIRef, ...],
    pattern: str,
) -> SparqlConstraint | None:
    select = shapes.value(node, SH.select)
    if select is None or _deactivated(shapes, node):
        return None
    prefixes = []
    for holder in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                prefixes.append((str(prefix), str(namespace)))
    messages = _messages(shapes, node) or _messages(shapes, shape)
    return SparqlConstraint(
        shape=shape,
        targets=targets,
        select=str(select),
        messages=messages,
        prefixes=tuple(sorted(prefixes)),
        classes=classes,
        severity=_severity(shapes, shape),
        target=pattern,
    )


def _messages(shapes: Graph, node: Node) -> tuple[Literal, ...]:
    return tuple(
        sorted((m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)), key=str)
    )


def _qname(graph: Graph, iri: Node) -> str:
    try:
        return graph.namespace_manager.normalizeUri(str(iri))
    except Exception:
        return f"<{iri}>"


_THIS = re.compile(r"\$this\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_SLOT = re.compile(r"\{[?$](\w+)\}")


def _query(constraint: SparqlConstraint) -> str:
    """The constraint's SELECT over every focus node at once."""
    text = _THIS.sub("?this", constraint.select)
    match = _WHERE.search(text)
    if match is None:
        raise ValueError(f"the SPARQL constraint of {constraint.shape} has no WHERE group")
    target = constraint.target
    if not target:
        classes = " ".join(f"<{c}>" for c in constraint.classes or constraint.targets)
        target = (
            f"VALUES ?shTarget {{ {classes} }} ?this <{RDF.type}>/<{RDFS.subClassOf}>* ?shTarget ."
        )
    body = f"{text[: match.end()]} {target}\n{text[match.end() :]}"
    head = "".join(f"PREFIX {p}: <{n}>\n" for p, n in constraint.prefixes)
    return head + body


#: The generic message of a result whose shape has no ``sh:message``:
#: (constraint, focus node, value node) -> messages.
Generic = Callable[[SparqlConstraint, Node, "Node | None"], tuple[Literal, ...]]


@dataclass(frozen=True)
class Answer:
    """The rows of one constraint's query as pyoxigraph gives them: each row a violation.

    :meth:`found` reads them without making rdflib terms of what a reader of the
    violations never asks for (the focus node and value: half a million terms at 10,000
    studies); :meth:`results` makes the :class:`SparqlResult` of each.
    """

    constraint: SparqlConstraint
    variables: tuple[str, ...]
    rows: list[Any]

    def found(self, generic: Generic | None = None) -> Iterator[Found]:
        """Each violation as (focus, value, path, messages): the focus and value as
        pyoxigraph terms, the path an rdflib node (of the shapes, or bound by the query)."""
        constraint = self.constraint
        at = {name: i for i, name in enumerate(self.variables)}
        this, value_at, path_at = at.get("this"), at.get("value"), at.get("path")
        if this is None:
            return
        core = constraint.component != SH.SPARQLConstraintComponent
        for row in self.rows:
            focus = row[this]
            if focus is None:
                continue
            value = row[value_at] if value_at is not None else None
            path = constraint.path
            if path_at is not None and row[path_at] is not None:
                path = plain_from_oxigraph(row[path_at]) or path
            if core:
                # SHACL Core: the shape's messages as written, else pySHACL's wording
                messages = constraint.messages
                if not messages and generic is not None:
                    messages = generic(
                        constraint, _node(focus), None if value is None else _node(value)
                    )
            else:
                slot = functools.partial(_slot_text, row, at)
                messages = tuple(
                    Literal(_SLOT.sub(slot, str(text)), lang=text.language)
                    for text in constraint.messages
                )
            yield focus, value, path, messages

    def results(self, generic: Generic | None = None) -> list[SparqlResult]:
        """Each violation as a :class:`SparqlResult` (rdflib's terms)."""
        return [
            SparqlResult(
                constraint=self.constraint,
                focus=_node(focus),
                path=path,
                value=None if value is None else _node(value),
                messages=messages,
            )
            for focus, value, path, messages in self.found(generic)
        ]


#: A violation as :meth:`Answer.found` reads it: focus and value (pyoxigraph terms), path
#: and messages.
Found = tuple[Any, Any, "Node | None", tuple[Literal, ...]]


def answers(
    store: Any, default_graph: Any, constraints: list[SparqlConstraint]
) -> Iterator[Answer]:
    """The :class:`Answer` of each of ``constraints`` in the pyoxigraph ``store`` over
    ``default_graph`` (the study), in order: one query a constraint, a few milliseconds
    where rdflib's engine takes tens (each query names the ontology's subclasses itself).
    A caller reads each answer while the next queries run."""
    if not constraints:
        return
    for constraint, (names, rows) in zip(
        constraints, _answers(store, default_graph, constraints), strict=True
    ):
        yield Answer(constraint, tuple(names), rows)


def _answers(
    store: Any, default_graph: Any, constraints: list[SparqlConstraint]
) -> Iterator[tuple[list[str], list[Any]]]:
    """Each constraint's variables and rows, in order. Oxigraph lets go of the GIL while it
    evaluates, so once the queries have taken :data:`_ALONE` seconds (a collection, not one
    study) the rest run side by side, one a core: half the time on two cores, the caller
    reading each one's rows meanwhile."""
    query = functools.partial(_solutions, store, default_graph)
    start = time.perf_counter()
    for at, constraint in enumerate(constraints):
        workers = _workers(len(constraints) - at)
        if workers > 1 and time.perf_counter() - start > _ALONE:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                yield from pool.map(query, constraints[at:])
            return
        yield query(constraint)


#: how long the queries run one after another before the rest run side by side: the
#: bundled study's take 16 ms here, and threads would only cost one study time
_ALONE = 0.1


def _solutions(
    store: Any, default_graph: Any, constraint: SparqlConstraint
) -> tuple[list[str], list[Any]]:
    """The variables and rows of ``constraint``'s query (pyoxigraph's terms, read whole)."""
    answer = store.query(_query(constraint), default_graph=default_graph)
    return [variable.value for variable in answer.variables], list(answer)


def _workers(queries: int) -> int:
    """How many queries run at once: one a core (Oxigraph evaluates in parallel), at most 4."""
    return max(1, min(queries, os.cpu_count() or 1, 4))


def _node(term: Any) -> Node:
    """An answer's term (never unbound) as rdflib's."""
    return cast(Node, plain_from_oxigraph(term))


def breaks(results: list[SparqlResult]) -> bool:
    """Whether ``results`` make a study not conform: a violation does, as in pySHACL with
    warnings and infos allowed."""
    return any(found.constraint.severity == SH.Violation for found in results)


def add_to_report(report: Graph, results: list[SparqlResult], shapes: Graph | None = None) -> None:
    """Write ``results`` into pySHACL's report graph as ``sh:ValidationResult`` nodes (a
    path that is a blank node of ``shapes`` copied with it, as pySHACL does)."""
    if not results:
        return
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    if top is not None and breaks(results):
        report.set((top, SH.conforms, Literal(False)))
    for found in results:
        node = BNode()
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, found.focus))
        report.add((node, SH.resultSeverity, found.constraint.severity))
        report.add((node, SH.sourceConstraintComponent, found.constraint.component))
        report.add((node, SH.sourceShape, found.constraint.shape))
        for message in found.messages:
            report.add((node, SH.resultMessage, message))
        if found.path is not None:
            report.add((node, SH.resultPath, found.path))
            if isinstance(found.path, BNode) and shapes is not None:
                _copy_path(shapes, found.path, report)
        if found.value is not None:
            report.add((node, SH.value, found.value))
        if top is not None:
            report.add((top, SH.result, node))


def _slot_text(row: Any, at: dict[str, int], match: re.Match[str]) -> str:
    """A ``{?name}`` slot of a message, filled with the row's value (as rdflib writes it)."""
    index = at.get(match.group(1))
    term = None if index is None else row[index]
    return "" if term is None else str(_node(term))


def _copy_path(shapes: Graph, path: Node, report: Graph) -> None:
    """The triples that describe the blank-node path ``path``, written into ``report``."""
    todo, seen = [path], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, value in shapes.predicate_objects(node):
            report.add((node, predicate, value))
            if isinstance(value, BNode):
                todo.append(value)
