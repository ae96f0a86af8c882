"""Reading RDF files: the format from the suffix, parser errors turned into ours."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException

from rdflib import Graph
from rdflib.term import Node
from rdflib.util import SUFFIX_FORMAT_MAP

from .errors import EmptyStudyError, StudyNotFoundError, StudyParseError, UnsupportedFormatError
from .guards import MAX_FILE_BYTES, check_characters, check_size, check_xml, json_ld_data

__all__ = [
    "FORMATS",
    "STORES",
    "format_for",
    "new_graph",
    "oxigraph_copy",
    "plain_strings",
    "read_graph",
]

#: The RDF formats a study can be read from, by rdflib format name, with their suffixes.
FORMATS: dict[str, tuple[str, ...]] = {
    "turtle": ("ttl", "turtle"),
    "json-ld": ("jsonld", "json-ld", "json"),
    "xml": ("rdf", "owl", "xml"),
    "nt": ("nt", "ntriples"),
    "n3": ("n3",),
}

_FORMAT_ALIASES = {
    "ttl": "turtle",
    "jsonld": "json-ld",
    "rdfxml": "xml",
    "rdf/xml": "xml",
    "ntriples": "nt",
    "n-triples": "nt",
}


def format_for(path: Path, format: str | None = None) -> str:
    """Return the rdflib format name for ``path``: ``format`` if given, else from its suffix.

    >>> format_for(Path("study.ttl"))
    'turtle'
    >>> format_for(Path("study.jsonld"))
    'json-ld'
    """
    supported = ", ".join(f"{name} (.{', .'.join(sfx)})" for name, sfx in FORMATS.items())
    if format is not None:
        name = _FORMAT_ALIASES.get(format.lower(), format.lower())
        if name not in FORMATS:
            raise UnsupportedFormatError(
                f"Unsupported RDF format {format!r}. Supported: {supported}."
            )
        return name
    suffix = path.suffix.lower().lstrip(".")
    for name, suffixes in FORMATS.items():
        if suffix in suffixes:
            return name
    known = SUFFIX_FORMAT_MAP.get(suffix)
    hint = f" (rdflib knows it as {known!r}, which cimo-graph does not read)" if known else ""
    raise UnsupportedFormatError(
        f"{path}: cannot tell the RDF format from the suffix {path.suffix or '(none)'!r}{hint}. "
        f"Supported: {supported}; or pass format=..."
    )


#: The stores a study can be held in: rdflib's own memory, or Oxigraph (through oxrdflib).
STORES = ("memory", "oxigraph")


def new_graph(store: str = "memory") -> Graph:
    """An empty rdflib ``Graph`` in the store named ``store``, counting its changes.

    The store's ``version`` grows with every triple added or removed (through rdflib:
    ``add``, ``remove``, ``+=``, ``parse``, SPARQL Update), so what is worked out from
    the data (the name index, the query engine's copy) is redone only when it changed.
    """
    if store not in STORES:
        raise UnsupportedFormatError(f"Unknown store {store!r}; use one of {', '.join(STORES)}.")
    if store == "oxigraph":
        from oxrdflib import OxigraphStore

        return Graph(store=_counting(OxigraphStore)())
    from rdflib.plugins.stores.memory import Memory

    return Graph(store=_counting(Memory)())


_COUNTING: dict[type, type] = {}


def _counting(base: type) -> type:
    """``base`` (an rdflib store class) with a ``version`` that every change increments."""
    if base not in _COUNTING:

        class Counting(base):  # type: ignore[misc]  # a class made from a class
            version = 0

            def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
                self.version += 1
                super().add(triple, context, quoted)

            def addN(self, quads: Any) -> None:  # rdflib's name
                self.version += 1
                super().addN(quads)

            def remove(self, triple: Any, context: Any = None) -> None:
                self.version += 1
                super().remove(triple, context)

            def update(self, *args: Any, **kwargs: Any) -> None:
                self.version += 1
                super().update(*args, **kwargs)

        Counting.__name__ = Counting.__qualname__ = f"Counting{base.__name__}"
        _COUNTING[base] = Counting
    return _COUNTING[base]


def oxigraph_copy(graphs: list[Graph]) -> Any:
    """A pyoxigraph store holding the triples of ``graphs`` in its default graph, for
    Oxigraph's engine to answer over (a few milliseconds where rdflib's takes tens)."""
    import pyoxigraph as ox
    from oxrdflib._converter import to_ox

    store = ox.Store()
    default = ox.DefaultGraph()
    store.extend(
        [
            ox.Quad(to_ox(s), to_ox(p), to_ox(o), default)  # type: ignore[arg-type]  # terms
            for g in graphs
            for s, p, o in g
        ]
    )
    return store


def ntriples(graph: Graph) -> bytes:
    """``graph`` in N-Triples, written by Oxigraph (strings plain, as RDF 1.1 writes
    them): from the Oxigraph store's own graph, else from a copy."""
    import pyoxigraph as ox
    from oxrdflib._converter import to_ox

    inner = getattr(graph.store, "_inner", None)
    if isinstance(inner, ox.Store):
        name: Any = to_ox(graph.identifier)  # the graph's name in the store
        written = inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)
    else:
        written = oxigraph_copy([graph]).dump(
            format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()
        )
    return written or b""


def plain_strings(graph: Graph) -> Graph:
    """A copy of ``graph`` with ``xsd:string`` literals written plain. RDF 1.1 makes the two
    the same; stores differ in which they return (Oxigraph and Virtuoso type them)."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def comparable(graph: Graph) -> Graph:
    """A copy of ``graph`` as two stores holding the same triples agree on it: strings
    plain (:func:`plain_strings`) and every ``xsd:double``, ``xsd:float`` or
    ``xsd:decimal`` as a double written as Python writes its value. (Virtuoso's Turtle
    writes ``"0.95"^^xsd:double`` as a bare ``0.95``, which Turtle reads as a decimal:
    the same number, another type and form.)"""
    out = Graph()
    for s, p, o in graph:
        out.add((s, p, comparable_term(o)))
    return out


def comparable_term(term: Node) -> Node:
    """``term`` as :func:`comparable` writes it: a string plain, a decimal, float or
    double a double written as Python writes its value."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    if not isinstance(term, Literal):
        return term
    if term.datatype == XSD.string:
        return Literal(str(term))
    if term.datatype in (XSD.double, XSD.float, XSD.decimal):
        with contextlib.suppress(ValueError):  # not a number: compared as written
            return Literal(repr(float(str(term))), datatype=XSD.double)
    return term


def read_graph(
    path: Path | str,
    format: str | None = None,
    store: str = "memory",
    *,
    max_bytes: int = MAX_FILE_BYTES,
    contexts: Mapping[str, Any] | None = None,
    into: Graph | None = None,
) -> Graph:
    """Parse the RDF file at ``path`` into a new rdflib ``Graph`` in ``store`` (or into
    the graph ``into``); the Oxigraph store parses with Oxigraph's own parsers.

    Nothing is fetched and nothing expands without bound (see :mod:`cimo_graph.guards`):
    a file over ``max_bytes``, RDF/XML with nested or external entities, or JSON-LD
    naming a context not given in ``contexts`` is refused before parsing.

    Raises :class:`StudyNotFoundError`, :class:`UnsupportedFormatError`,
    :class:`StudyParseError` (with file, line and column) or :class:`EmptyStudyError`.
    """
    path = Path(path)
    if not path.is_file():
        raise StudyNotFoundError(path, _similar_files(path))
    rdf_format = format_for(path, format)
    check_size(path, max_bytes)
    check_characters(path, rdf_format)
    data = None
    if rdf_format == "xml":
        check_xml(path)
    elif rdf_format == "json-ld":
        data = json_ld_data(path, contexts)
    graph = into if into is not None else new_graph(store)
    parser = f"ox-{rdf_format}" if store == "oxigraph" else rdf_format
    # into a store on disk Oxigraph loads in bulk (4x faster than its transactional
    # load; a failure part-way is cleared by the caller, cimo_graph.keep)
    options: dict[str, Any] = (
        {"transactional": False} if into is not None and store == "oxigraph" else {}
    )
    try:
        if data is None:
            graph.parse(path, format=parser, **options)
        else:
            graph.parse(data=data, format=parser, publicID=path.absolute().as_uri(), **options)
    except Exception as error:  # every parser raises its own kind; translate them all
        raise _parse_error(path, rdf_format, error) from error
    graph.store.version += 1  # type: ignore[attr-defined]  # the counting store's (above)
    if next(iter(graph.triples((None, None, None))), None) is None:  # len() counts all
        raise EmptyStudyError(f"{path}: the file holds no RDF triples.")
    return graph


def _similar_files(path: Path) -> list[str]:
    folder = path.parent if path.parent.is_dir() else None
    if folder is None:
        return []
    names = [p.name for p in folder.iterdir() if p.is_file()]
    import difflib  # for suggestions only: not loaded with the package

    return [str(folder / n) for n in difflib.get_close_matches(path.name, names, n=3, cutoff=0.6)]


def _parse_error(path: Path, rdf_format: str, error: Exception) -> StudyParseError:
    line: int | None = None
    column: int | None = None
    reason = str(error)
    undecodable = _first_undecodable(path) if rdf_format != "xml" else None
    if undecodable is not None:  # Turtle, N-Triples, N3 and JSON-LD are UTF-8 text
        line, column, byte = undecodable
        return StudyParseError(
            path,
            f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8",
            line=line,
            column=column,
            format=rdf_format,
        )
    if isinstance(error, RecursionError):
        reason = "the file nests brackets too deeply to read"
    elif isinstance(error, SAXParseException):
        line, column = error.getLineNumber(), (error.getColumnNumber() or 0) + 1
        reason = error.getMessage()
    elif isinstance(error, json.JSONDecodeError):
        line, column, reason = error.lineno, error.colno, error.msg
    elif hasattr(error, "lines") and hasattr(error, "_why"):  # notation3.BadSyntax
        line = error.lines + 1
        reason = error._why
    elif rdf_format == "nt":
        line = _first_bad_ntriples_line(path)
    match = re.search(r"line (\d+)", reason) if line is None else None
    if match:
        line = int(match.group(1))
    return StudyParseError(path, reason, line=line, column=column, format=rdf_format)


def _first_undecodable(path: Path) -> tuple[int, int, int] | None:
    """Line, column and value of the first byte that is not UTF-8, if there is one."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        start = data.rfind(b"\n", 0, error.start) + 1
        return data.count(b"\n", 0, error.start) + 1, error.start - start + 1, data[error.start]
    return None


def _first_bad_ntriples_line(path: Path) -> int | None:
    # N-Triples is one triple a line, so the failing line is the first that fails alone.
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            Graph().parse(data=text, format="nt")
        except Exception:
            return number
    return None
