"""Checking a study against the CIMO shapes with pySHACL, and reporting it readably."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.term import Node, URIRef

from ._resources import ontology_graph, shapes_graph
from .display import Readable

__all__ = ["ValidationReport", "Violation", "validate_graph"]


@dataclass(frozen=True)
class Violation:
    """One result of a SHACL validation: which node broke which rule, and where it stands.

    ``focus``, ``path`` and ``value`` are prefixed names (``lnw:W``, ``cimo:hasContext``);
    ``line`` is the line of the study file where ``focus`` is described, when known.
    """

    focus: str
    path: str | None
    message: str
    severity: str = "Violation"
    value: str | None = None
    shape: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {self.focus}{path}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport(Readable):
    """The result of :meth:`CimoGraph.validate`: whether the study conforms, and why not.

    It is true when the study conforms, so ``if kg.validate(): ...`` reads naturally.
    ``violations`` lists the results in the order of the study file; ``results`` is the
    SHACL validation report as a graph and ``text`` pySHACL's text form of it, for those
    who want them: both written when first asked (``written`` makes them), since a
    collection of thousands of studies can have hundreds of thousands of results.
    """

    conforms: bool
    violations: tuple[Violation, ...]
    source: str | None = None
    written: Callable[[], tuple[Graph, str]] | None = field(default=None, repr=False, compare=False)

    _repr_pretty_ = Readable._repr_pretty_  # before the dataclass's __repr__

    @functools.cached_property
    def _written(self) -> tuple[Graph, str]:
        return self.written() if self.written is not None else (Graph(), "")

    @property
    def results(self) -> Graph:
        """The validation report graph (``sh:ValidationReport``, a ``sh:ValidationResult``
        for each result)."""
        return self._written[0]

    @property
    def text(self) -> str:
        """The report in pySHACL's text form."""
        return self._written[1]

    def __bool__(self) -> bool:
        return self.conforms

    def __str__(self) -> str:
        name = self.source or "the study"
        if self.conforms and not self.violations:
            return f"{name} conforms to the CIMO shapes."
        count = len(self.violations)
        if self.conforms:  # warnings only
            lines = [f"{name} conforms to the CIMO shapes, with {count} warning(s)."]
        else:
            lines = [f"{name} does not conform to the CIMO shapes: {count} problem(s)."]
        prefix = f"{self.source}:" if self.source else ""
        for violation in self.violations:
            where = f"{prefix}{violation.line}: " if violation.line is not None else ""
            lines.append(f"  {where}{violation}")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"

    def __repr__(self) -> str:
        state = "conforms" if self.conforms else "does not conform"
        return f"<ValidationReport: {state}, {len(self.violations)} result(s); print() it>"


def validate_graph(
    graph: Graph,
    *,
    shapes: Graph | None = None,
    source: Path | str | None = None,
    engine: Callable[[], tuple[Any, Any]] | None = None,
) -> ValidationReport:
    """Validate ``graph`` against the CIMO shapes (or ``shapes``), the ontology's subclass
    links counting (a cimo:Pillar is a cimo:StudyElement).

    ``engine()``, when given, returns a pyoxigraph store holding ``graph`` and its default
    graph: the rules checked by query are asked there instead of in a copy made for them.
    """
    from .questions.base import collector_paused
    from .shacl_core import left_for_pyshacl
    from .shacl_sparql import add_to_report, answers

    shapes = shapes if shapes is not None else shapes_graph()
    # the ontology's subclasses written into the shapes; every constraint a query can say
    # taken out, to be checked with one query over all its focus nodes
    prepared, advanced = _prepare(shapes)
    names = graph.namespace_manager
    shape_names = _shape_names(shapes)
    lines = _subject_lines(Path(source)) if source is not None else {}
    violations: list[Violation] = []
    if advanced or left_for_pyshacl(prepared.core):
        import pyshacl  # heavy: imported only for what no query here says

        # pySHACL makes tens of thousands of small objects: the cycle collector would walk
        # every live object of the session again and again meanwhile
        with collector_paused():
            conforms, results, text = pyshacl.validate(
                _data_graph(graph, ontology=prepared.needs_ontology or advanced),
                shacl_graph=prepared.core,
                inplace=True,
                advanced=advanced,
                allow_warnings=True,
            )
        violations.extend(
            _violation(results, result, names, lines, shape_names)
            for result in results.subjects(SH.resultSeverity, None)
        )
    else:
        conforms, results, text = True, _empty_report(), "Validation Report\nConforms: True\n"
    store = default_graph = None
    if prepared.constraints or engine is not None:
        store, default_graph = _store(graph, engine)
    kept: list[Any] = []
    generic = _generic(shapes, graph)
    if prepared.constraints:
        found = _Found(shapes, names, lines, shape_names, generic)
        # each query's rows read while the next queries run; a collection's hundreds of
        # thousands of violations hold no cycles for the collector to look for
        with collector_paused():
            for answer in answers(store, default_graph, list(prepared.constraints)):
                kept.append(answer)
                violations.extend(found(answer))
        conforms = conforms and not found.broken
    missing = _missing_study(graph, store, default_graph)
    if missing:
        conforms = False
        violations.extend(missing)
    violations.sort(
        key=lambda v: (v.line if v.line is not None else 1 << 30, v.focus, v.path or "", v.message)
    )

    def written() -> tuple[Graph, str]:
        results_found = [r for answer in kept for r in answer.results(generic)]
        if results_found:
            add_to_report(results, results_found, shapes)
            return results, _text_with(text, results_found, bool(conforms))
        return results, text

    return ValidationReport(
        conforms=bool(conforms),
        violations=tuple(violations),
        source=str(source) if source is not None else None,
        written=written,
    )


def _store(graph: Graph, engine: Callable[[], tuple[Any, Any]] | None) -> tuple[Any, Any]:
    """The pyoxigraph store the queries ask, and its graph holding ``graph``."""
    if engine is not None:
        return engine()
    import pyoxigraph as ox

    from .sources import oxigraph_copy

    return oxigraph_copy([graph]), ox.DefaultGraph()


def _empty_report() -> Graph:
    """A SHACL validation report with no result yet (pySHACL had nothing to check)."""
    from rdflib import BNode

    report = Graph()
    report.bind("sh", SH)
    top = BNode()
    report.add((top, RDF.type, SH.ValidationReport))
    report.add((top, SH.conforms, Literal(True)))
    return report


def _text_with(text: str, found: list[Any], conforms: bool) -> str:
    """pySHACL's text report with the results found by query added."""
    head, _, rest = text.partition("\n")
    if head == "Validation Report" and rest.startswith("Conforms: "):
        rest = rest.partition("\n")[2]
        text = f"Validation Report\nConforms: {conforms}\n{rest}"
    return text + "".join(f"\n{f.message} ({f.focus})" for f in found)


def _generic(shapes: Graph, data: Graph) -> Callable[[Any, Node, Node | None], tuple[Literal, ...]]:
    """pySHACL's own wording of a result whose shape has no ``sh:message`` (pySHACL is
    imported only when such a result is found)."""
    components: dict[tuple[Node, Node], Any] = {}
    held: list[Any] = []

    def generic(constraint: Any, focus: Node, value: Node | None) -> tuple[Literal, ...]:
        from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
        from pyshacl.shapes_graph import ShapesGraph

        if not held:
            graph = ShapesGraph(shapes)
            graph.shapes  # noqa: B018  # builds its table of shapes
            held.append(graph)
        key = (constraint.shape, constraint.parameter)
        component = components.get(key)
        if component is None:
            shape = held[0].lookup_shape_from_node(constraint.shape)
            component = CONSTRAINT_PARAMETERS_MAP[constraint.parameter](shape)
            components[key] = component
        return tuple(component.make_generic_messages(data, focus, value))

    return generic


class _Found:
    """The violations of each :class:`~cimo_graph.shacl_sparql.Answer`, read from its
    rows' pyoxigraph terms: an IRI in no bound namespace (a collection's studies each have
    their own) is written whole without an rdflib term or rdflib's namespace trie, which
    files each new namespace; :attr:`broken` tells whether any was a violation."""

    def __init__(
        self,
        shapes: Graph,
        names: NamespaceManager,
        lines: dict[str, int],
        shape_names: dict[Node, str],
        generic: Any,
    ) -> None:
        import pyoxigraph

        from .oxterms import plain_from_oxigraph

        self.shapes, self.names, self.lines, self.shape_names = shapes, names, lines, shape_names
        self.generic = generic
        self.bound = tuple(str(namespace) for _, namespace in names.namespaces())
        self.paths: dict[Node, str] = {}
        self.broken = False
        self.named_node, self.plain = pyoxigraph.NamedNode, plain_from_oxigraph

    def __call__(self, answer: Any) -> list[Violation]:
        from .shacl_sparql import joined

        constraint = answer.constraint
        severity = str(constraint.severity).rsplit("#", 1)[-1]
        shape = self.shape_names.get(constraint.shape)
        own = joined(constraint.messages) or "(no message)"  # most rows' message
        name, path_name, lines = self.name, self.path, self.lines
        found = []
        for focus, value, path, messages in answer.found(self.generic):
            mine = messages is constraint.messages
            message = own if mine else joined(messages) or "(no message)"
            found.append(
                Violation(
                    focus=name(focus) or "(unknown node)",
                    path=path_name(path) if path is not None else None,
                    message=message,
                    severity=severity,
                    value=name(value) if value is not None and value != focus else None,
                    shape=shape,
                    line=lines.get(focus.value),
                )
            )
        if found and constraint.severity == SH.Violation:
            self.broken = True
        return found

    def name(self, term: Any) -> str | None:
        """:func:`_name` of a pyoxigraph term."""
        if type(term) is self.named_node:
            iri = term.value
            if not iri.startswith(self.bound):
                return f"<{iri}>"
        return _name(self.plain(term), self.names)

    def path(self, node: Node) -> str:
        written = self.paths.get(node)
        if written is None:
            written = self.paths[node] = _path(self.shapes, node, self.names)
        return written


_PREPARED: dict[int, tuple[Graph, Any, bool]] = {}


def _prepare(shapes: Graph) -> tuple[Any, bool]:
    """The shapes made ready (:func:`~cimo_graph.shacl_sparql.prepare`) and whether they
    use SHACL Advanced Features, worked out once per shapes graph (the bundled shapes are
    one graph, loaded once)."""
    from .shacl_sparql import prepare

    key = id(shapes)
    cached = _PREPARED.get(key)
    if cached is None or cached[0] is not shapes:
        prepared = prepare(shapes, ontology_graph())
        cached = _PREPARED[key] = (shapes, prepared, _uses_advanced_features(prepared.core))
    return cached[1], cached[2]


def _data_graph(graph: Graph, ontology: bool) -> Graph:
    """What pySHACL checks: ``graph`` itself where it is safe and fast to, else a copy in
    rdflib's memory store, with the ontology mixed in when the shapes still need it.

    pySHACL in place neither adds nor removes a triple when no rule or inference runs, so
    shapes without SHACL-AF (whose rules write) check rdflib's memory store in place; a
    store answering through another engine (Oxigraph) answers pySHACL's thousands of small
    lookups slowly (2.5x), so it is copied (15 ms for the bundled study).
    """
    from rdflib.plugins.stores.memory import Memory

    if not ontology and type(graph) is Graph and isinstance(graph.store, Memory):
        return graph
    mixed = Graph()
    mixed += graph
    if ontology:
        mixed += ontology_graph()
    return mixed


#: What marks shapes that need pySHACL's SHACL-AF mode (rules, custom targets, functions,
#: node expressions); without them it is left off (13 ms of the bundled study's 60).
_AF = "http://www.w3.org/ns/shacl#"
_ADVANCED_PREDICATES = tuple(
    URIRef(_AF + name) for name in ("rule", "target", "condition", "expression", "values")
)
_ADVANCED_TYPES = tuple(
    URIRef(_AF + name)
    for name in (
        "SPARQLTarget",
        "SPARQLTargetType",
        "SPARQLFunction",
        "Function",
        "TripleRule",
        "SPARQLRule",
        "JSTarget",
        "JSTargetType",
        "JSFunction",
        "JSRule",
    )
)


def _uses_advanced_features(shapes: Graph) -> bool:
    return any(
        next(iter(shapes.triples((None, predicate, None))), None) is not None
        for predicate in _ADVANCED_PREDICATES
    ) or any(
        next(iter(shapes.triples((None, RDF.type, kind))), None) is not None
        for kind in _ADVANCED_TYPES
    )


def _missing_study(graph: Graph, store: Any = None, default_graph: Any = None) -> list[Violation]:
    """What makes ``graph`` no study at all: no ``cimo:Study``, no CIMO element. Shapes
    check the nodes there are, so a graph without any would pass them all. The classes
    are asked of ``store`` where given (one query, not a walk over every type triple)."""
    from .namespace import CIMO

    namespace = str(CIMO)
    if store is not None:
        solutions = store.query(
            f"SELECT DISTINCT ?c WHERE {{ ?s <{RDF.type}> ?c FILTER (isIRI(?c)) }}",
            default_graph=default_graph,
        )
        classes = {URIRef(solution[0].value) for solution in solutions}
    else:
        classes = {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
    problems: list[Violation] = []
    has_study = CIMO.Study in classes
    has_element = any(str(c).startswith(namespace) and c != CIMO.Study for c in classes)
    if has_study and has_element:
        return problems
    hint = _misspelt_namespace(graph, namespace)
    if not has_study:
        problems.append(
            Violation(
                focus="(the graph)",
                path="rdf:type",
                message="the graph holds no cimo:Study: a study file describes its study "
                "(title, method, languages) as a cimo:Study" + hint,
                shape="cimo:Study",
            )
        )
    if not has_element:
        problems.append(
            Violation(
                focus="(the graph)",
                path="rdf:type",
                message="the graph holds no CIMO element (a cimo:DesignProposition, "
                "cimo:Context, cimo:Intervention, cimo:Mechanism, cimo:Outcome, ...)" + hint,
                shape="cimo:StudyElement",
            )
        )
    return problems


def _misspelt_namespace(graph: Graph, namespace: str) -> str:
    """A note naming a namespace of ``graph`` that looks like a misspelt ``cimo:``."""
    import difflib

    used = {str(o) for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
    used |= {str(p) for p in graph.predicates() if isinstance(p, URIRef)}
    spaces = {re.sub(r"[^#/]*$", "", iri) for iri in used} - {namespace}
    close = [
        space
        for space in sorted(spaces)
        if difflib.SequenceMatcher(None, space.lower(), namespace.lower()).ratio() >= 0.85
    ]
    if not close:
        return ""
    return (
        f"; it uses the namespace <{close[0]}>, which looks like a misspelt cimo: "
        f"namespace <{namespace}>"
    )


def _violation(
    results: Graph,
    result: Node,
    names: NamespaceManager,
    lines: dict[str, int],
    shape_names: dict[Node, str],
) -> Violation:
    def one(predicate: URIRef) -> Node | None:
        return results.value(result, predicate)

    focus = one(SH.focusNode)
    value = one(SH.value)
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    severity = one(SH.resultSeverity)
    path = one(SH.resultPath)
    return Violation(
        focus=_name(focus, names) or "(unknown node)",
        path=_path(results, path, names) if path is not None else None,
        message="; ".join(messages) or "(no message)",
        severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        value=_name(value, names) if value != focus else None,
        shape=shape_names.get(shape) if (shape := one(SH.sourceShape)) is not None else None,
        line=lines.get(str(focus)) if focus is not None else None,
    )


def _shape_names(shapes: Graph) -> dict[Node, str]:
    """Name every shape, property shapes by the node shape that holds them."""
    names: dict[Node, str] = {}
    for node in set(shapes.subjects(RDF.type, SH.NodeShape)):
        name = _name(node, shapes.namespace_manager) or str(node)
        names[node] = name
        for prop in shapes.objects(node, SH.property):
            names[prop] = name
    return names


def _name(node: Node | None, names: NamespaceManager) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        try:
            return names.normalizeUri(node)
        except Exception:
            return f"<{node}>"
    if isinstance(node, Literal):
        return repr(str(node))
    return "(a blank node)"


def _path(results: Graph, path: Node, names: NamespaceManager) -> str:
    """Write a SHACL property path in SPARQL's syntax: ``(cimo:hasMeans|cimo:shapedBy)``."""
    if isinstance(path, URIRef):
        return _name(path, names) or str(path)
    unary = {
        SH.inversePath: "^{}",
        SH.zeroOrMorePath: "{}*",
        SH.oneOrMorePath: "{}+",
        SH.zeroOrOnePath: "{}?",
    }
    for predicate, pattern in unary.items():
        inner = results.value(path, predicate)
        if inner is not None:
            return pattern.format(_path(results, inner, names))
    alternatives = results.value(path, SH.alternativePath)
    if alternatives is not None:
        items = Collection(results, alternatives)
        return "(" + "|".join(_path(results, item, names) for item in items) + ")"
    if results.value(path, RDF.first) is not None:
        return "/".join(_path(results, item, names) for item in Collection(results, path))
    return "(a path)"


_PREFIX_RE = re.compile(r"^\s*@prefix\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE)


def _subject_lines(path: Path) -> dict[str, int]:
    """Map each subject IRI to the line of a Turtle file where its description starts.

    Best effort: a subject written at the start of a line, as a prefixed name or in angle
    brackets. Other formats give no lines.
    """
    if path.suffix.lower() not in (".ttl", ".turtle") or not path.is_file():
        return {}
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    subject = re.compile(r"^(?:<([^>]+)>|([\w-]*):((?:[\w.-]|\\.)*))")
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        prefix = _PREFIX_RE.match(text)
        if prefix:
            prefixes[prefix.group(1)] = prefix.group(2)
            continue
        match = subject.match(text)
        if not match:
            continue
        if match.group(1):
            iri = match.group(1)
        elif match.group(2) in prefixes:
            iri = prefixes[match.group(2)] + match.group(3).replace("\\", "")
        else:
            continue
        found.setdefault(iri, number)
    return found
