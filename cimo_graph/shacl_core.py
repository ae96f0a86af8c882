"""SHACL Core constraints written as SPARQL: one query per constraint over every focus node.

pySHACL walks a shapes graph focus node by focus node, in Python: about 12 ms a study, two
minutes for a collection of 10,000. Every SHACL Core constraint component the CIMO shapes
use (and most of the rest) means a query: "each value of the path that is not of this
class", "each focus node with fewer values than this". :func:`compile_shape` writes those
queries for one shape and its targets, and says which triples of the shapes graph they
stand for, so that pySHACL is given only what has no query here (``sh:closed``, property
pairs, ``sh:languageIn``, ranges, lengths, shapes reached from other shapes, ...).

Each query selects ``?this`` (the focus node) and, where SHACL's result names one,
``?value``; ``$this``'s target pattern is added by :func:`cimo_graph.shacl_sparql.answers`.
The results are the ones pySHACL gives (focus, path, value, component, shape, severity,
and the shape's ``sh:message`` or else pySHACL's own wording): tests/test_shapes.py checks
each case and a researcher's own shapes against pySHACL.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import BNode, Node

__all__ = ["Compiled", "compile_shape", "left_for_pyshacl", "sparql_path", "targeted", "term"]

#: Datatypes whose well-formed literals SPARQL can cast to themselves: an ill-typed literal
#: (``"2025-13-45"^^xsd:date``) fails ``sh:datatype`` as it does in pySHACL.
_CASTABLE = frozenset(
    XSD[name]
    for name in ("integer", "decimal", "float", "double", "boolean", "date", "dateTime", "time")
)

_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}

#: Parameters that say nothing to check: a shape holding only these has no constraint.
_STRUCTURE = frozenset(
    {
        SH.path,
        SH.property,
        SH.message,
        SH.severity,
        SH.deactivated,
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.defaultValue,
        SH.targetClass,
        SH.targetNode,
        SH.targetSubjectsOf,
        SH.targetObjectsOf,
        RDF.type,
        RDFS.label,
        RDFS.comment,
    }
)


@dataclass(frozen=True)
class Compiled:
    """One constraint as a query: the SELECT (``$this``, maybe ``?value``), the constraint
    component pySHACL would name and the parameter that set it (for its generic message)."""

    shape: Node
    select: str
    component: URIRef
    parameter: URIRef
    #: the triples of the shapes graph the query stands for
    taken: tuple[tuple[Node, Node, Node], ...]


def term(node: Node) -> str:
    """``node`` written in SPARQL (an IRI or a literal; blank nodes have no writing)."""
    if isinstance(node, URIRef):
        return "<" + str(node).replace(">", "%3E") + ">"
    if isinstance(node, Literal):
        text = _string(str(node))
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and node.datatype != XSD.string:
            return f"{text}^^{term(node.datatype)}"
        return text
    raise ValueError(f"{node!r} cannot be written in a query")


def _string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def sparql_path(shapes: Graph, path: Node) -> str | None:
    """A SHACL property path in SPARQL's syntax, or ``None`` where it has none."""
    if isinstance(path, URIRef):
        return term(path)
    if not isinstance(path, BNode):
        return None
    unary = {
        SH.inversePath: "^({})",
        SH.zeroOrMorePath: "({})*",
        SH.oneOrMorePath: "({})+",
        SH.zeroOrOnePath: "({})?",
    }
    for predicate, pattern in unary.items():
        inner = shapes.value(path, predicate)
        if inner is not None:
            written = sparql_path(shapes, inner)
            return pattern.format(written) if written is not None else None
    alternatives = shapes.value(path, SH.alternativePath)
    items = _items(shapes, alternatives if alternatives is not None else path)
    if items is None or len(items) < (1 if alternatives is not None else 2):
        return None
    parts = [sparql_path(shapes, item) for item in items]
    if any(part is None for part in parts):
        return None
    joined = ("|" if alternatives is not None else "/").join(f"({p})" for p in parts)
    return f"({joined})"


def _items(shapes: Graph, head: Node | None) -> list[Node] | None:
    if head is None or (head != RDF.nil and shapes.value(head, RDF.first) is None):
        return None
    try:
        return list(Collection(shapes, head))
    except Exception:  # a broken list: pySHACL reports it
        return None


class _Names:
    """Fresh variable names for the nested patterns of one query."""

    def __init__(self) -> None:
        self._counter = itertools.count()

    def __call__(self) -> str:
        return f"?shV{next(self._counter)}"


@dataclass(frozen=True)
class _Context:
    shapes: Graph
    #: each class with subclasses in the ontology, and those subclasses
    below: dict[URIRef, tuple[URIRef, ...]]
    names: _Names


def _class_test(context: _Context, cls: Node, v: str) -> str | None:
    if not isinstance(cls, URIRef):
        return None
    classes = " ".join(term(c) for c in (cls, *context.below.get(cls, ())))
    kind, wanted = context.names(), context.names()
    # the type bound before the subclass path is walked: a path starting from a variable
    # not yet bound visits every node of the graph (its zero-length step)
    return (
        f"EXISTS {{ {v} {term(RDF.type)} {kind} . FILTER EXISTS {{ "
        f"VALUES {wanted} {{ {classes} }} {kind} {term(RDFS.subClassOf)}* {wanted} }} }}"
    )


def _datatype_test(datatype: Node, v: str) -> str | None:
    if not isinstance(datatype, URIRef):
        return None
    if datatype == RDFS.Literal:
        return f"isLiteral({v})"
    if datatype == RDFS.Datatype:  # pySHACL: a literal that states its datatype
        return f'(isLiteral({v}) && lang({v}) = "" && !sameTerm(datatype({v}), {term(XSD.string)}))'
    test = f"(isLiteral({v}) && sameTerm(datatype({v}), {term(datatype)}))"
    if datatype in _CASTABLE:
        test = f"({test} && COALESCE(isLiteral({term(datatype)}(STR({v}))), false))"
    return test


def _pattern_test(pattern: Node, flags: Node | None, v: str) -> str | None:
    if not isinstance(pattern, Literal) or (flags is not None and not isinstance(flags, Literal)):
        return None
    # pySHACL reads the i and m flags and no other
    kept = "".join(f for f in "im" if flags is not None and f in str(flags).lower())
    return f"(!isBlank({v}) && REGEX(STR({v}), {_string(str(pattern))}, {_string(kept)}))"


def _in_test(context: _Context, head: Node, v: str) -> str | None:
    members = _items(context.shapes, head)
    if members is None or any(isinstance(m, BNode) for m in members):
        return None
    if not members:
        return "false"
    return "(" + " || ".join(f"sameTerm({v}, {term(m)})" for m in members) + ")"


def _one(shapes: Graph, shape: Node, parameter: URIRef) -> Node | None:
    """The one value of ``parameter`` on ``shape``; ``None`` when it has none or several
    (pySHACL's business to report)."""
    values = list(shapes.objects(shape, parameter))
    return values[0] if len(values) == 1 else None


def _conforms(context: _Context, shape: Node, v: str, seen: frozenset[Node]) -> str | None:
    """A SPARQL condition that holds when the node ``v`` conforms to ``shape`` (a shape
    reached through ``sh:or``, ``sh:node``, ``sh:qualifiedValueShape``, ...), or ``None``
    when a query cannot say it."""
    shapes = context.shapes
    if shape in seen or _deactivated(shapes, shape):
        return None if shape in seen else "true"
    seen = seen | {shape}
    said = {p for p, _ in shapes.predicate_objects(shape)} - _STRUCTURE
    path_node = shapes.value(shape, SH.path)
    if path_node is not None:
        path = sparql_path(shapes, path_node)
        if path is None:
            return None
        return _property_conforms(context, shape, path, said, v, seen)
    tests: list[str] = []
    for prop in shapes.objects(shape, SH.property):
        test = _conforms(context, prop, v, seen)
        if test is None:
            return None
        tests.append(test)
    for parameter in sorted(said, key=str):
        found = _value_test(context, shape, parameter, v, seen)
        if found is None:
            return None
        tests.extend(found)
    return "(" + " && ".join(tests) + ")" if tests else "true"


def _property_conforms(
    context: _Context, shape: Node, path: str, said: set[Node], v: str, seen: frozenset[Node]
) -> str | None:
    """The condition for a property shape reached from elsewhere: ``v``'s values along
    ``path`` meet each of its constraints."""
    shapes = context.shapes
    tests: list[str] = []
    for parameter in sorted(said, key=str):
        if parameter == SH.minCount:
            count = _count(shapes, shape, SH.minCount)
            if count is None or count > 1:
                return None
            if count == 1:
                tests.append(f"EXISTS {{ {v} {path} {context.names()} }}")
        elif parameter == SH.maxCount:
            count = _count(shapes, shape, SH.maxCount)
            if count != 0:
                return None  # a count above zero needs an aggregate
            tests.append(f"NOT EXISTS {{ {v} {path} {context.names()} }}")
        elif parameter == SH.hasValue:
            for wanted in shapes.objects(shape, SH.hasValue):
                if isinstance(wanted, BNode):
                    return None
                tests.append(f"EXISTS {{ {v} {path} {term(wanted)} }}")
        else:
            value = context.names()
            inner = _value_test(context, shape, parameter, value, seen)
            if inner is None:
                return None
            for test in inner:
                tests.append(f"NOT EXISTS {{ {v} {path} {value} FILTER (!({test})) }}")
    return "(" + " && ".join(tests) + ")" if tests else "true"


def _count(shapes: Graph, shape: Node, parameter: URIRef) -> int | None:
    value = _one(shapes, shape, parameter)
    if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
        return None
    return int(value.toPython())


def _value_test(
    context: _Context, shape: Node, parameter: Node, v: str, seen: frozenset[Node]
) -> list[str] | None:
    """The conditions ``parameter`` of ``shape`` puts on one value node ``v`` (one for
    each of its values), or ``None`` when it has no condition here."""
    shapes = context.shapes
    values = list(shapes.objects(shape, parameter))
    if parameter == SH["class"]:
        tests = [_class_test(context, cls, v) for cls in values]
    elif parameter == SH.datatype and len(values) == 1:
        tests = [_datatype_test(values[0], v)]
    elif parameter == SH.nodeKind and len(values) == 1 and isinstance(values[0], URIRef):
        kind = _NODE_KINDS.get(values[0])
        tests = [kind.format(v=v) if kind is not None else None]
    elif parameter == SH["in"] and len(values) == 1:
        tests = [_in_test(context, values[0], v)]
    elif parameter == SH.hasValue:
        tests = [None if isinstance(h, BNode) else f"sameTerm({v}, {term(h)})" for h in values]
    elif parameter == SH.pattern and len(values) == 1:
        tests = [_pattern_test(values[0], _one(shapes, shape, SH.flags), v)]
    elif parameter == SH.flags and shapes.value(shape, SH.pattern) is not None:
        return []  # read with sh:pattern
    elif parameter in (SH["or"], SH["and"], SH.xone):
        tests = [_logical(context, parameter, head, v, seen) for head in values]
    elif parameter == SH["not"]:
        inner = [_conforms(context, other, v, seen) for other in values]
        tests = [None if t is None else f"!({t})" for t in inner]
    elif parameter == SH.node:
        tests = [_conforms(context, other, v, seen) for other in values]
    else:
        return None
    if any(t is None for t in tests):
        return None
    return [t for t in tests if t is not None]


def _logical(
    context: _Context, parameter: Node, head: Node, v: str, seen: frozenset[Node]
) -> str | None:
    members = _items(context.shapes, head)
    if members is None:
        return None
    tests = [_conforms(context, member, v, seen) for member in members]
    if any(t is None for t in tests) or not tests:
        return None if tests else ("true" if parameter == SH["and"] else "false")
    written = [t for t in tests if t is not None]
    if parameter == SH["or"]:
        return "(" + " || ".join(written) + ")"
    if parameter == SH["and"]:
        return "(" + " && ".join(written) + ")"
    return "((" + " + ".join(f"IF({t}, 1, 0)" for t in written) + ") = 1)"


def _deactivated(shapes: Graph, shape: Node) -> bool:
    value = shapes.value(shape, SH.deactivated)
    return isinstance(value, Literal) and value.toPython() is True


#: The parameters checked one value node at a time, and the component each names.
_PER_VALUE = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    # sh:node is left to pySHACL, which gives each failing value the inner shape's
    # results as sh:detail; inside sh:or, sh:not, ... it has a query here
}


def compile_shape(
    shapes: Graph,
    shape: Node,
    below: dict[URIRef, tuple[URIRef, ...]],
) -> Iterator[Compiled]:
    """The queries for the constraints of ``shape`` that have one: a node shape's own
    (its focus node the value node) or a property shape's, along its path.

    Each query's WHERE starts with the focus nodes' pattern, to be written in by the
    caller; a constraint with no query here is simply not yielded, and stays in the
    shapes graph for pySHACL. ``below`` names the ontology's subclasses, so that
    ``sh:class cimo:StudyElement`` is met by a ``cimo:Intervention`` without the ontology
    in the data.
    """
    context = _Context(shapes, below, _Names())
    path_node = shapes.value(shape, SH.path)
    path = sparql_path(shapes, path_node) if path_node is not None else None
    if path_node is not None and path is None:
        return
    for parameter, component in _PER_VALUE.items():
        for value in sorted(shapes.objects(shape, parameter), key=str):
            yield from _per_value(context, shape, path, parameter, value, component)
    yield from _has_value(shapes, shape, path)
    if path is not None:
        yield from _counted(context, shape, path)


def _has_value(shapes: Graph, shape: Node, path: str | None) -> Iterator[Compiled]:
    """``sh:hasValue``: the focus node is the value (a node shape), or among the path's
    values (a property shape); one result per focus node without it, no value named."""
    for wanted in sorted(shapes.objects(shape, SH.hasValue), key=str):
        if isinstance(wanted, BNode):
            continue
        missing = (
            f"FILTER (!sameTerm($this, {term(wanted)}))"
            if path is None
            else f"FILTER NOT EXISTS {{ $this {path} {term(wanted)} }}"
        )
        yield Compiled(
            shape,
            f"SELECT $this WHERE {{ {missing} }}",
            SH.HasValueConstraintComponent,
            SH.hasValue,
            ((shape, SH.hasValue, wanted),),
        )


def _per_value(
    context: _Context,
    shape: Node,
    path: str | None,
    parameter: URIRef,
    value: Node,
    component: URIRef,
) -> Iterator[Compiled]:
    shapes = context.shapes
    taken: list[tuple[Node, Node, Node]] = [(shape, parameter, value)]
    if parameter == SH.pattern:
        flags = _one(shapes, shape, SH.flags)
        if len(list(shapes.objects(shape, SH.pattern))) != 1:
            return
        test = _pattern_test(value, flags, "?value")
        if flags is not None:
            taken.append((shape, SH.flags, flags))
    elif parameter in (SH.datatype, SH.nodeKind, SH["in"]):
        if len(list(shapes.objects(shape, parameter))) != 1:
            return
        tests = _value_test(context, shape, parameter, "?value", frozenset({shape}))
        test = tests[0] if tests else None
    elif parameter == SH["class"]:
        test = _class_test(context, value, "?value")
    elif parameter in (SH["or"], SH["and"], SH.xone):
        test = _logical(context, parameter, value, "?value", frozenset({shape}))
    else:  # sh:not
        inner = _conforms(context, value, "?value", frozenset({shape}))
        test = None if inner is None else f"!({inner})"
    if test is None:
        return
    if path is None:
        select = f"SELECT $this ?value WHERE {{ BIND ($this AS ?value) FILTER (!({test})) }}"
    else:
        select = (
            f"SELECT DISTINCT $this ?value WHERE {{ $this {path} ?value . FILTER (!({test})) }}"
        )
    yield Compiled(shape, select, component, parameter, tuple(taken))


def _counted(context: _Context, shape: Node, path: str) -> Iterator[Compiled]:
    """The constraints on how many values the path has: minimum and maximum counts,
    qualified counts, unique languages."""
    shapes = context.shapes
    low = _count(shapes, shape, SH.minCount)
    if low is not None and low > 0:
        taken = ((shape, SH.minCount, _one(shapes, shape, SH.minCount)),)
        if low == 1:
            select = f"SELECT $this WHERE {{ FILTER NOT EXISTS {{ $this {path} ?value }} }}"
        else:
            select = (
                f"SELECT $this WHERE {{ OPTIONAL {{ $this {path} ?value }} }} "
                f"GROUP BY $this HAVING (COUNT(DISTINCT ?value) < {low})"
            )
        yield Compiled(shape, select, SH.MinCountConstraintComponent, SH.minCount, _defined(taken))
    elif low == 0:  # never broken
        taken = ((shape, SH.minCount, _one(shapes, shape, SH.minCount)),)
        yield Compiled(shape, "", SH.MinCountConstraintComponent, SH.minCount, _defined(taken))
    high = _count(shapes, shape, SH.maxCount)
    if high is not None:
        taken = ((shape, SH.maxCount, _one(shapes, shape, SH.maxCount)),)
        select = (
            f"SELECT $this WHERE {{ $this {path} ?value }} "
            f"GROUP BY $this HAVING (COUNT(DISTINCT ?value) > {high})"
        )
        yield Compiled(shape, select, SH.MaxCountConstraintComponent, SH.maxCount, _defined(taken))
    unique = _one(shapes, shape, SH.uniqueLang)
    if isinstance(unique, Literal) and isinstance(unique.toPython(), bool):
        select = (
            "SELECT $this WHERE { "
            f'$this {path} ?value . FILTER (isLiteral(?value) && lang(?value) != "") '
            "BIND (LCASE(lang(?value)) AS ?shLang) } "
            "GROUP BY $this ?shLang HAVING (COUNT(DISTINCT ?value) > 1)"
        )
        yield Compiled(
            shape,
            select if unique.toPython() else "",
            SH.UniqueLangConstraintComponent,
            SH.uniqueLang,
            ((shape, SH.uniqueLang, unique),),
        )
    yield from _qualified(context, shape, path)


def _defined(
    taken: tuple[tuple[Node, Node, Node | None], ...],
) -> tuple[tuple[Node, Node, Node], ...]:
    return tuple((s, p, o) for s, p, o in taken if o is not None)


def _qualified(context: _Context, shape: Node, path: str) -> Iterator[Compiled]:
    shapes = context.shapes
    qualified = _one(shapes, shape, SH.qualifiedValueShape)
    disjoint = shapes.value(shape, SH.qualifiedValueShapesDisjoint)
    if qualified is None or (isinstance(disjoint, Literal) and disjoint.toPython() is True):
        return
    low = _count(shapes, shape, SH.qualifiedMinCount)
    high = _count(shapes, shape, SH.qualifiedMaxCount)
    test = _conforms(context, qualified, "?value", frozenset({shape}))
    if test is None or (low is None and high is None):
        return
    taken: list[tuple[Node, Node, Node]] = [(shape, SH.qualifiedValueShape, qualified)]
    if disjoint is not None:
        taken.append((shape, SH.qualifiedValueShapesDisjoint, disjoint))
    counts = [(low, "<", SH.qualifiedMinCount), (high, ">", SH.qualifiedMaxCount)]
    for number, compare, parameter in counts:
        if number is None:
            continue
        count = _one(shapes, shape, parameter)
        assert count is not None
        select = (
            f"SELECT $this WHERE {{ OPTIONAL {{ $this {path} ?value . FILTER ({test}) }} }} "
            f"GROUP BY $this HAVING (COUNT(DISTINCT ?value) {compare} {number})"
        )
        component = _QUALIFIED[parameter]
        yield Compiled(
            shape, select, component, SH.qualifiedValueShape, (*taken, (shape, parameter, count))
        )


_QUALIFIED = {
    SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
    SH.qualifiedMaxCount: SH.QualifiedMaxCountConstraintComponent,
}


def left_for_pyshacl(shapes: Graph) -> bool:
    """Whether ``shapes`` still hold a constraint for pySHACL to check: a parameter of a
    constraint component on a shape with targets or reached from one, a custom
    component, or a rule."""
    if next(iter(shapes.subjects(RDF.type, SH.ConstraintComponent)), None) is not None:
        return True
    todo = list(targeted(shapes))
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen or _deactivated(shapes, node):
            continue
        seen.add(node)
        for predicate, value in shapes.predicate_objects(node):
            if predicate in _REACH:
                todo.append(value)
            elif predicate in _REACH_LISTS:
                todo.extend(_items(shapes, value) or ())
            elif str(predicate).startswith(str(SH)) and predicate not in _STRUCTURE:
                return True
    return False


#: What leads from a shape to the shapes its value nodes are checked against.
_REACH = frozenset({SH.property, SH.node, SH.qualifiedValueShape, SH["not"]})
_REACH_LISTS = frozenset({SH["or"], SH["and"], SH.xone})
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def targeted(shapes: Graph) -> set[Node]:
    """The shapes with targets, a class that is its own shape included."""
    found = {shape for p in _TARGETS for shape in shapes.subjects(p, None)}
    for kind in (RDFS.Class, OWL.Class):
        for shape in shapes.subjects(RDF.type, kind):
            if any((shape, RDF.type, k) in shapes for k in (SH.NodeShape, SH.PropertyShape)):
                found.add(shape)
    return found
