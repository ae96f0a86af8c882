"""SPARQL: the named query library, bound parameters, results as Python values.

Every question the library answers is a ``.rq`` file in ``cimo_graph/queries/``. Its
header says what it answers and which parameters it takes::

    # What serves a theme: the propositions and pillars on a route to it.
    #
    # Parameters:
    #   ?theme  theme  the theme (a skos:Concept)

Parameters are bound as RDF terms (``initBindings`` locally, a ``VALUES`` block built
from rdflib terms remotely), never pasted into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import BNode, Node, Variable

from .errors import QueryRefusedError, SparqlSyntaxError, UnknownQueryError
from .iris import checked_iri
from .namespace import PREFIXES

if TYPE_CHECKING:
    import pandas as pd

#: A solution of a SELECT query: each projected variable's term, ``None`` where unbound.
#: Which variables are always bound is the query text's to say, not Python's, so a row's
#: values are typed as JSON's are (``Any``): the code that asks a query knows its shape.
Row = dict[str, Any]
#: The same solution read as plain strings (``None`` unbound), in the projection's order.
StringRow = list[Any]

__all__ = [
    "NamedQuery",
    "Parameter",
    "Row",
    "StringRow",
    "json_term",
    "named_queries",
    "named_query",
    "prepare",
    "query_form",
    "refuse_service",
    "to_python",
]

QUERY_DIR = Path(__file__).parent / "queries"
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_UPDATE = re.compile(
    r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Parameter:
    """A parameter of a named query: its variable name, kind and meaning.

    ``kind`` is ``theme`` (a theme's IRI; helpers accept any of its names), ``node`` (an
    element's IRI; its id or label is accepted) or ``literal`` (a plain string).
    """

    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A ``.rq`` file of the query library."""

    name: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str = field(repr=False)

    @property
    def form(self) -> str:
        """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``."""
        return query_form(self.text)

    @property
    def projection(self) -> tuple[str, ...]:
        """The names a SELECT answers with, in order (``()`` for ``SELECT *``)."""
        return projection(self.text)

    def fixing(self, bindings: Mapping[str, Node]) -> NamedQuery:
        """This query with ``bindings`` written in as constants: variables it does not
        answer with (a language), fixed so that it can still be asked for many terms of
        another variable in ``VALUES`` blocks.

        >>> from rdflib import Literal
        >>> fixed = named_query("route-wholes").fixing({"language": Literal("nl")})
        >>> '= "nl"' in fixed.text, fixed.projection == named_query("route-wholes").projection
        (True, True)
        """
        text = with_constants(self.text, bindings)
        if text is None or set(bindings) & set(self.projection):
            raise ValueError(f"{self.name}: cannot fix {', '.join(sorted(bindings))}")
        return replace(self, text=text)


@lru_cache(maxsize=256)
def projection(text: str) -> tuple[str, ...]:
    """The variables a SELECT query projects, in order: each plain variable and each
    expression's ``AS`` name (``()`` for ``SELECT *`` and other forms).

    >>> projection("SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a")
    ('a', 'n')
    """
    names: list[str] = []
    nesting, previous = 0, ""
    for _, token in _tokens(text, with_variables=True):
        if token == "{" or token == "WHERE":
            break
        if token in "()":
            nesting += 1 if token == "(" else -1
        elif token[0] in "?$" and (nesting == 0 or previous == "AS"):
            names.append(token[1:])
        previous = token
    return tuple(names)


def _parse_header(name: str, text: str) -> NamedQuery:
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line[1:].strip())
    parameters: list[Parameter] = []
    prose: list[str] = []
    in_parameters = False
    for line in comments:
        if line.rstrip(":").lower() == "parameters":
            in_parameters = True
            continue
        if in_parameters and line.startswith("?"):
            variable, kind, *rest = line.split(maxsplit=2)
            parameters.append(Parameter(variable[1:], kind, rest[0] if rest else ""))
            continue
        in_parameters = False
        prose.append(line)
    description = "\n".join(prose).strip()
    if not description:
        raise ValueError(f"{name}.rq has no header comment saying what it answers")
    return NamedQuery(
        name=name,
        summary=description.splitlines()[0],
        description=description,
        parameters=tuple(parameters),
        text=text,
    )


@lru_cache(maxsize=1)
def named_queries() -> dict[str, NamedQuery]:
    """Every named query of the library, by name (the ``.rq`` file's stem)."""
    return {
        path.stem: _parse_header(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(QUERY_DIR.glob("*.rq"), key=lambda path: path.stem)
    }


def named_query(name: str) -> NamedQuery:
    """The named query ``name``; an unknown name raises with the closest names."""
    queries = named_queries()
    if name in queries:
        return queries[name]
    import difflib

    raise UnknownQueryError(name, difflib.get_close_matches(name, list(queries), n=3))


def query_form(text: str) -> str:
    """The form of a query: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``.

    >>> query_form("PREFIX ex: <http://e/> ASK { ?s ?p ?o }")
    'ASK'
    """
    body = re.sub(r"#[^\n]*", "", text)  # comments may name any keyword
    body = re.sub(r"<[^>]*>", "<>", body)  # and so may IRIs
    match = _FORM.search(body)
    return match.group(1).upper() if match else "SELECT"


@lru_cache(maxsize=256)
def prepare(text: str) -> Any:
    """Parse ``text`` once (with the library's prefixes declared) and keep it.

    A syntax error raises :class:`SparqlSyntaxError` with line and column in ``text``.
    """
    from pyparsing import ParseBaseException

    if _UPDATE.match(re.sub(r"(?m)^\s*(#.*|PREFIX\s+\S+\s*<[^>]*>|BASE\s*<[^>]*>)\s*$", "", text)):
        raise QueryRefusedError(
            "this is a SPARQL Update; cimo-graph runs queries (SELECT, ASK, CONSTRUCT, "
            "DESCRIBE) and never changes the graph",
            line=1,
            column=1,
            query=text,
        )
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
        refuse_service(text, tree)
        prepared = translateQuery(tree, initNs=PREFIXES)
        prepared._original_args = (text, PREFIXES, None)  # as rdflib's prepareQuery keeps
        return prepared
    except ParseBaseException as error:
        raise SparqlSyntaxError(
            error.msg, line=error.lineno, column=error.col, query=text
        ) from error
    except Exception as error:  # rdflib raises a bare Exception for an unknown prefix
        message = str(error)
        match = re.search(r"Unknown namespace prefix : (\S+)", message)
        if not match:
            raise
        line, column = _locate(text, f"{match.group(1)}:")
        raise SparqlSyntaxError(
            f"unknown prefix '{match.group(1)}:'; declared: {', '.join(sorted(PREFIXES))}",
            line=line,
            column=column,
            query=text,
        ) from error


def _locate(text: str, needle: str) -> tuple[int | None, int | None]:
    for number, line in enumerate(text.splitlines(), start=1):
        position = line.find(needle)
        if position >= 0 and not line.lstrip().startswith("#"):
            return number, position + 1
    return None, None


def to_python(term: Node | None, names: NamespaceManager) -> Any:
    """A result term as a plain Python value: IRIs as prefixed names (or full IRIs),
    language-tagged and plain literals as ``str``, typed literals as their Python value."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        try:
            prefix, _namespace, name = names.compute_qname(term, generate=False)
        except (KeyError, ValueError):
            return str(term)
        return f"{prefix}:{name}" if prefix else str(term)
    if isinstance(term, Literal):
        if term.language is not None or term.datatype is None:
            return str(term)
        value = term.toPython()
        return str(value) if isinstance(value, Literal) else value
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def json_term(value: Mapping[str, str]) -> Node:
    """A term of a SPARQL JSON result as an rdflib term; its IRIs are checked, so a
    malformed one from a server raises :class:`~cimo_graph.InvalidIRIError`."""
    kind = value.get("type")
    if kind == "uri":
        return checked_iri(value["value"], "the answer holds")
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        language = value.get("xml:lang")
        datatype = value.get("datatype")
        if language:
            return Literal(value["value"], lang=language)
        if datatype:
            return Literal(value["value"], datatype=checked_iri(datatype, "the answer's datatype"))
        return Literal(value["value"])
    raise ValueError(f"unknown term type {kind!r}")


def json_rows(result: Mapping[str, Any]) -> tuple[list[str], list[Row]]:
    """The columns and rows of a SPARQL JSON SELECT result, terms as rdflib terms.

    Raises ``KeyError``, ``TypeError`` or ``ValueError`` (an
    :class:`~cimo_graph.InvalidIRIError` among them) for a malformed result.
    """
    columns = list(result["head"].get("vars", []))
    rows = [
        {name: json_term(binding[name]) if name in binding else None for name in columns}
        for binding in result["results"]["bindings"]
    ]
    return columns, rows


def to_frame(
    columns: list[str], rows: list[list[Node | None]], names: NamespaceManager, *, raw: bool
) -> pd.DataFrame:
    """A SELECT result as a pandas DataFrame (terms converted by :func:`to_python`, or
    kept as rdflib terms with ``raw``)."""
    import pandas as pd

    if not raw:
        rows = [[to_python(term, names) for term in row] for row in rows]
    return pd.DataFrame(rows, columns=columns)


def variables(result: Any) -> list[str]:
    """The projected variable names of an rdflib SELECT result."""
    return [str(v) for v in (result.vars or []) if isinstance(v, Variable | str)]


_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_WORD = re.compile(r"[A-Za-z_][\w\-.]*\w|[A-Za-z_]")


def _tokens(text: str, *, with_variables: bool = False) -> Iterator[tuple[int, str]]:
    """The keywords and braces of a query with their index, skipping comments, strings,
    IRIs, variables and prefixed names (so ``?service`` or ``ex:service`` is no keyword).
    Keywords come upper-cased; with ``with_variables``, variables come too, as written
    (``?theme``, ``$theme``), and parentheses."""
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "#":
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        if char in "\"'":
            quote = char * 3 if text.startswith(char * 3, index) else char
            index += len(quote)
            while index < length and not text.startswith(quote, index):
                index += 2 if text[index] == "\\" else 1
            index += len(quote)
            continue
        if char == "<":
            match = _IRI.match(text, index)
            if match:
                index = match.end()
                continue
        if char in "?$:" or char.isalpha() or char == "_":
            match = _WORD.match(text, index + (char in "?$:"))
            if match is None:
                index += 1
                continue
            follows = text[match.end() : match.end() + 1]
            if char not in "?$:" and follows != ":":
                yield index, match.group(0).upper()
            elif with_variables and char in "?$":
                yield index, text[index : match.end()]
            index = match.end()
            continue
        if char in "{}" or (with_variables and char in "()"):
            yield index, char
        index += 1


def _where_brace(text: str) -> int | None:
    """The index of the ``{`` that opens the query's outermost WHERE group; ``None``
    where no group can take a VALUES block (the short form ``CONSTRUCT WHERE { ... }``)."""
    depth = 0
    form = None
    seen_where = template = False
    for index, token in _tokens(text):
        if depth == 0 and token in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and form is None:
            form = token
        elif depth == 0 and token == "WHERE":
            seen_where = True
        elif token == "{":
            if depth == 0 and (seen_where or form in ("SELECT", "ASK", "DESCRIBE")):
                return None if form == "CONSTRUCT" and not template else index
            if depth == 0 and form == "CONSTRUCT":
                template = True
            depth += 1
        elif token == "}":
            depth -= 1
    return None


def refuse_service(text: str, tree: Any = None) -> None:
    """Raise :class:`QueryRefusedError` when ``text`` holds a ``SERVICE`` clause.

    A federated query would make this machine (or the server behind ``cimo-graph
    serve``) send requests elsewhere; cimo-graph answers from the data it holds. The
    check reads the query as SPARQL's grammar does (rdflib's parser, the one that runs
    local queries; ``tree`` is its parse, where the caller has it), so no spelling of
    the clause (``?o.SERVICE``, an escaped name before it, ``\\u`` escapes) passes. A
    query that parser cannot read (an endpoint's own extensions) is refused where the
    word ``SERVICE`` stands anywhere in it outside a comment.

    >>> refuse_service("SELECT ?service WHERE { ?s <urn:service> ?service }")
    >>> refuse_service("SELECT * WHERE { ?s ?p ?o.SERVICE <http://example.org/> { ?a ?b ?c } }")
    Traceback (most recent call last):
    ...
    cimo_graph.errors.QueryRefusedError: SPARQL query refused at line 1, column 27: ...
    """
    # SPARQL decodes \\uXXXX escapes before parsing (rdflib does): a clause needs the word
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    if _SERVICE_WORD.search(decoded) is None:
        return  # no clause can be spelt without it: nothing to parse (a parse costs ms)
    if tree is None:
        from pyparsing import ParseBaseException
        from rdflib.plugins.sparql.parser import parseQuery

        try:
            tree = parseQuery(text)
        except (ParseBaseException, RecursionError, ValueError):
            tree = None
    if tree is not None and not any(part.name == "ServiceGraphPattern" for part in _parts(tree)):
        return
    uncommented = re.sub(r"#[^\n]*", lambda m: " " * len(m.group()), decoded)
    match = re.search(r"(?i)(?<![\w:?$])service(?![\w:])", uncommented)
    if match is None:  # unreadable, but no SERVICE anywhere: the endpoint may read it
        if tree is None:
            return
        match = re.search(r"(?i)service", uncommented)
    index = match.start() if match else 0
    raise QueryRefusedError(
        "SERVICE is refused: cimo-graph answers from the data it holds and sends "
        "no query elsewhere (load the other data, or ask its endpoint directly)",
        line=decoded.count("\n", 0, index) + 1,
        column=index - (decoded.rfind("\n", 0, index) + 1) + 1,
        query=decoded,
    )


_SERVICE_WORD = re.compile("(?i)service")


def _parts(tree: Any) -> Iterator[Any]:
    """Every part (``CompValue``) of a parsed query, however deep, without recursion."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def with_values(text: str, columns: list[str], rows: list[list[Node]]) -> str:
    """``text`` with a ``VALUES`` block binding ``columns`` to ``rows`` of RDF terms.

    The block opens the outermost WHERE group, so the values hold throughout the query
    as rdflib's ``initBindings`` do; each term is written by rdflib (``n3()``), which
    escapes literals and refuses malformed IRIs, so no value can change the query.

    >>> from rdflib import Literal
    >>> print(with_values("SELECT ?s WHERE { ?s ?p ?o }", ["o"], [[Literal('x" } #')]]))
    SELECT ?s WHERE { VALUES (?o) { ("x\\" } #") }
     ?s ?p ?o }
    """
    if not columns:
        return text
    block = (
        "VALUES ("
        + " ".join(f"?{c}" for c in columns)
        + ") { "
        + " ".join("(" + " ".join(_n3(term) for term in row) + ")" for row in rows)
        + " }"
    )
    brace = _where_brace(text)
    if brace is None:
        return f"{text.rstrip()}\n{block}\n"
    return f"{text[: brace + 1]} {block}\n{text[brace + 1 :]}"


def with_constants(text: str, bindings: Mapping[str, Node]) -> str | None:
    """``text`` with each bound variable of a SELECT query's pattern written as the
    constant term, and dropped from the projection (the caller adds the known value back).

    A constant lets the engine start from its index: Oxigraph does not push a ``VALUES``
    block into a ``UNION`` (a single-theme question over 10,000 studies: 286 ms with
    ``VALUES``, 0.3 ms with the constant, bench/run.py). Terms are written by rdflib
    (:func:`_n3`), as for ``VALUES``. Returns ``None`` where a constant cannot stand for
    the variable (it is assigned, grouped, ordered by, or used in a subquery or in an
    expression of the projection): the caller then binds with ``VALUES``.

    >>> from rdflib import URIRef
    >>> print(with_constants("SELECT ?s ?o WHERE { ?s ?p ?o }", {"o": URIRef("http://x/a")}))
    SELECT ?s  WHERE { ?s ?p <http://x/a> }
    >>> with_constants("SELECT ?o WHERE { ?s ?p ?x BIND (?x AS ?o) }", {"o": URIRef("http://x/a")})
    """
    if not bindings:
        return None
    plan = _constant_plan(text, tuple(sorted(bindings)))
    if plan is None:
        return None
    written = {name: _n3(term) for name, term in bindings.items()}
    pieces: list[str] = []
    done = 0
    for start, end, name in plan:
        pieces += [text[done:start], written[name] if name else ""]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def bound_text(text: str, bindings: Mapping[str, Node]) -> tuple[str, dict[str, Node]]:
    """``text`` with ``bindings`` written in, and the bound values the answer will lack.

    Each term is written into the pattern as a constant, so that the store's index does
    the work (and dropped from the answer: the caller adds it back), or else, where a
    constant cannot stand for it, travels in a VALUES block (see :func:`with_constants`).

    >>> from rdflib import URIRef
    >>> bound_text("SELECT ?s ?o WHERE { ?s ?p ?o }", {"o": URIRef("http://x/a")})
    ('SELECT ?s  WHERE { ?s ?p <http://x/a> }', {'o': rdflib.term.URIRef('http://x/a')})
    """
    constant = with_constants(text, bindings)
    if constant is None:
        return with_values(text, list(bindings), [list(bindings.values())]), {}
    return constant, dict(bindings)


@lru_cache(maxsize=256)
def _constant_plan(text: str, names: tuple[str, ...]) -> tuple[tuple[int, int, str], ...] | None:
    """Where :func:`with_constants` writes each variable of ``names`` in ``text``: spans
    with the variable's name (its constant goes there) or ``""`` (dropped from the
    projection); ``None`` where a constant cannot stand for it. Parsed once per query."""
    if query_form(text) != "SELECT":
        return None
    wanted = set(names)
    edits: list[tuple[int, int, str]] = []
    depth, nesting, region, previous, projected = 0, 0, "head", "", 0
    for index, token in _tokens(text, with_variables=True):
        if region == "head" and token[0] in "?$(" and token[1:] not in wanted:
            projected += 1
        if token in "()":
            nesting += 1 if token == "(" else -1
        elif token == "{":
            if depth == 0 and region == "head":
                region = "body"
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0 and region == "body":
                region = "tail"
        elif token == "SELECT" and depth > 0:
            return None  # a subquery: its own projection and scope
        elif token[0] in "?$" and token[1:] in wanted:
            if region == "tail" or previous == "AS" or (region == "body" and previous == "VALUES"):
                return None
            if region == "head":
                if nesting:
                    return None  # inside an expression of the projection
                edits.append((index, index + len(token), ""))
            else:
                edits.append((index, index + len(token), token[1:]))
        previous = token
    if not any(name for _, _, name in edits):
        return None  # the pattern never uses the variable: nothing to gain
    if not projected and any(not name for _, _, name in edits):
        return None  # the projection would be left empty
    return tuple(edits)


def construct_pattern(text: str) -> tuple[str, list[tuple[Node, Node, Node]]] | None:
    """A CONSTRUCT query as a ``SELECT *`` of its pattern (with its prologue and solution
    modifiers) and its template's triples, for reading its solutions in pages; ``None``
    when the query is no CONSTRUCT rdflib can read.

    >>> select, template = construct_pattern("CONSTRUCT { ?s a ?o } WHERE { ?s ?p ?o }")
    >>> select
    'SELECT * WHERE { ?s ?p ?o }'
    >>> len(template)
    1
    """
    short = _short_construct(text)
    if short is not None:  # CONSTRUCT WHERE { P } is CONSTRUCT { P } WHERE { P }
        return construct_pattern(short)
    try:
        algebra = prepare(text).algebra
    except SparqlSyntaxError:
        return None
    if algebra.name != "ConstructQuery" or algebra.template is None:
        return None
    template = [tuple(triple) for triple in algebra.template]
    depth, start, opened = 0, None, None
    for index, token in _tokens(text):
        if token == "CONSTRUCT" and depth == 0:
            start = index
        elif token == "{":
            if depth == 0 and start is not None and opened is None:
                opened = index
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0 and opened is not None:
                head = text[:start]
                rest = text[index + 1 :].lstrip()
                if not rest.upper().startswith("WHERE"):
                    rest = f"WHERE {rest}"
                return f"{head}SELECT * {rest}", template
    return None


def _short_construct(text: str) -> str | None:
    """``CONSTRUCT WHERE { P } ...`` written as ``CONSTRUCT { P } WHERE { P } ...``;
    ``None`` for any other query."""
    tokens = list(_tokens(text))
    for position, (index, token) in enumerate(tokens[:-2]):
        if token == "CONSTRUCT":
            if tokens[position + 1][1] != "WHERE" or tokens[position + 2][1] != "{":
                return None
            opened, depth = tokens[position + 2][0], 0
            for close, brace in tokens[position + 2 :]:
                depth += 1 if brace == "{" else -1 if brace == "}" else 0
                if depth == 0:
                    group = text[opened : close + 1]
                    return f"{text[:index]}CONSTRUCT {group} WHERE {group}{text[close + 1 :]}"
            return None
    return None


def split_prologue(text: str) -> tuple[str, str]:
    """``text`` cut before its query form: the prologue (BASE, PREFIX, comments) and the
    query itself, which can then stand as a subquery.

    >>> split_prologue("PREFIX ex: <http://x/> SELECT ?s WHERE { ?s ?p ?o }")
    ('PREFIX ex: <http://x/> ', 'SELECT ?s WHERE { ?s ?p ?o }')
    """
    for index, token in _tokens(text):
        if token in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return text[:index], text[index:]
    return "", text


def _n3(term: Node) -> str:
    """``term`` as SPARQL writes it. rdflib refuses an IRI holding any character that could
    end it (``<>"{}|^`\\`` or a space), which is checked here for every bound value at
    no extra cost; the refusal becomes :class:`~cimo_graph.InvalidIRIError`."""
    if isinstance(term, BNode):
        raise ValueError("a blank node cannot be bound in a query sent to an endpoint")
    try:
        return term.n3()
    except Exception as error:  # rdflib raises a bare Exception for a malformed IRI
        if isinstance(term, URIRef):
            checked_iri(term, "the bound value")  # names the character
        raise ValueError(f"cannot write {term!r} into a query: {error}") from None


def prefix_lines(text: str) -> str:
    """PREFIX lines for the library's prefixes that ``text`` does not declare itself."""
    declared = {m.lower() for m in re.findall(r"(?i)PREFIX\s+([\w-]*):", text)}
    return "".join(
        f"PREFIX {prefix}: <{iri}>\n"
        for prefix, iri in PREFIXES.items()
        if prefix.lower() not in declared
    )
