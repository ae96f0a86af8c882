"""What a study file must pass before a parser sees it: its size, its XML entities, its
JSON-LD contexts.

RDF/XML can declare entities that expand into each other (a few hundred bytes become
gigabytes: "billion laughs"), and JSON-LD can name contexts that a parser fetches from the
web or reads from the local disk. Both parsers cimo-graph uses (rdflib's and Oxigraph's)
would do so; these checks run first, for either store, and raise
:class:`~cimo_graph.StudyParseError` naming the file, the line and the limit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .errors import StudyParseError

__all__ = [
    "MAX_ENTITY_EXPANSION",
    "MAX_FILE_BYTES",
    "MAX_XML_DEPTH",
    "check_characters",
    "check_size",
    "check_xml",
    "json_ld_data",
    "refuse_unwritable",
    "unwritable_character",
]

#: The largest study file read, in bytes (``load(..., max_bytes=...)``).
MAX_FILE_BYTES = 2 * 2**30
#: The most characters that the entities of an RDF/XML file may expand into, all together.
MAX_ENTITY_EXPANSION = 16 * 2**20
#: The deepest nesting of elements read in RDF/XML (a study's is under 10).
MAX_XML_DEPTH = 1_000


def check_size(path: Path, max_bytes: int) -> None:
    """Refuse a file larger than ``max_bytes`` before reading it."""
    size = path.stat().st_size
    if size > max_bytes:
        raise StudyParseError(
            path,
            f"the file is {size:,} bytes, more than the limit of {max_bytes:,} "
            "(pass a larger max_bytes= to load it)",
        )


#: Characters no XML document can hold (C0 controls but tab, line feed and carriage return;
#: lone surrogates; U+FFFE, U+FFFF): a text holding one could not be exported to a
#: template, a coded project, GraphML, GEXF, SVG or HTML, nor printed.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# the same characters in a file's bytes, raw (a UTF-8 lone surrogate or non-character;
# bytes outside _TEXT_BYTES are where one may stand) or as a \\u escape of Turtle,
# N-Triples and JSON (a surrogate escape is allowed where JSON pairs it; the backslash
# must itself be unescaped: see _unwritable_escape)
_RAW = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]|\xed[\xa0-\xbf][\x80-\xbf]")
_TEXT_BYTES = bytes([*range(0x20, 0x7F), 0x09, 0x0A, 0x0D, *range(0x80, 0xED), 0xEE])
_TEXT_BYTES += bytes(range(0xF0, 0x100))
_ESCAPE = re.compile(
    rb"\\(?:u|U0000)(00[01][0-9A-Fa-f]|[Dd][89A-Fa-f][0-9A-Fa-f]{2}|[Ff]{3}[EeFf])"
)
_PAIR_HIGH = re.compile(rb"\\u[Dd][89ABab][0-9A-Fa-f]{2}$")
_PAIR_LOW = re.compile(rb"\\u[Dd][C-Fc-f][0-9A-Fa-f]{2}")
#: Bytes a file is scanned in, and the overlap of each piece with the next.
_PIECE, _OVERLAP = 1 << 24, 16


def _unwritable_escape(data: bytes, match: re.Match[bytes]) -> bool:
    """Whether the escape ``match`` stands for a character no XML document can hold:
    not a tab, line feed or return; not a surrogate that pairs with its neighbour; and
    its backslash not itself escaped (``\\\\u0000`` is a backslash and text)."""
    start, code = match.start(), int(match.group(1), 16)
    before = start
    while before > 0 and data[before - 1 : before] == b"\\":
        before -= 1
    if (start - before) % 2:
        return False
    if code in (0x09, 0x0A, 0x0D):
        return False
    if 0xD800 <= code <= 0xDBFF:
        return not _PAIR_LOW.match(data, match.end())
    if 0xDC00 <= code <= 0xDFFF:
        return not _PAIR_HIGH.search(data[max(0, start - 6) : start])
    return True


def _first_unwritable(data: bytes) -> tuple[int, bytes] | None:
    """The offset and bytes of the first character in ``data`` no XML document can hold,
    raw or escaped, or None. Plain text (the usual case) costs one pass of
    ``bytes.translate`` and one of a regular expression with a literal start."""
    found = []
    if data.translate(None, _TEXT_BYTES):  # a control byte, or a lead byte of U+D800..
        raw = _RAW.search(data)
        if raw is not None:
            found.append((raw.start(), raw.group()))
    for escape in _ESCAPE.finditer(data):
        if _unwritable_escape(data, escape):
            found.append((escape.start(), escape.group()))
            break
    return min(found) if found else None


def unwritable_character(text: str) -> str | None:
    """A description of the first character in ``text`` that no XML document can hold
    (``"U+0007 at character 2"``), or None.

    >>> unwritable_character("a" + chr(7) + "b"), unwritable_character("a tab" + chr(9))
    ('U+0007 at character 2', None)
    """
    match = _UNWRITABLE.search(text)
    return None if match is None else f"U+{ord(match.group()):04X} at character {match.start() + 1}"


def refuse_unwritable(texts: Iterable[object], target: Path | str) -> None:
    """Refuse to write ``target`` (:class:`~cimo_graph.OutputError`) where one of
    ``texts`` holds a character no XML document can hold: only a graph built in Python
    can hold one (loading refuses them), and the file would be written broken."""
    from .errors import OutputError

    for text in texts:
        if not isinstance(text, str):
            continue
        found = unwritable_character(text)
        if found:
            raise OutputError(
                f"{target}: the text {text[:60]!r} holds the character {found}, which no XML "
                "document can hold; remove it from the graph"
            )


def check_characters(path: Path, rdf_format: str) -> None:
    """Refuse a file whose text holds a character that no XML document can hold, raw or
    escaped (``\\u0000``, a lone ``\\uD800``): it would load, then break every export.
    RDF/XML needs no check: its parser refuses them itself."""
    if rdf_format == "xml" or path.stat().st_size == 0:
        return
    import mmap

    with path.open("rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for offset in range(0, len(data), _PIECE):
            piece = data[max(0, offset - _OVERLAP) : offset + _PIECE]
            first = _first_unwritable(piece)
            if first is not None:
                break
        else:
            return
        at = max(0, offset - _OVERLAP) + first[0]
        try:  # a file that is not UTF-8 before it (a binary file) is the parser's to name
            data[:at].decode("utf-8")
        except UnicodeDecodeError:
            return
        start = data.rfind(b"\n", 0, at) + 1
        line = data[:at].count(b"\n") + 1
        found = first[1].lstrip(b"\\")
    if found[:1] in (b"u", b"U"):  # an escape: its code point, as written
        shown = f"U+{found[-4:].decode().upper()} (written \\{found.decode()})"
    else:
        shown = f"U+{ord(found.decode('utf-8', 'surrogatepass')):04X}"
    raise StudyParseError(
        path,
        f"the text holds the character {shown}, which no XML document, spreadsheet or "
        "coding tool can hold (a control character, a lone surrogate or a non-character); "
        "remove it, or write a space, tab or line break instead",
        line=line,
        column=at - start + 1,
        format=rdf_format,
    )


class _Refused(Exception):
    def __init__(self, reason: str, line: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def check_xml(path: Path) -> None:
    """Refuse RDF/XML whose DTD could make a parser expand or fetch without bound, or
    whose elements nest deeper than :data:`MAX_XML_DEPTH`.

    Allowed: internal entities with plain text (``<!ENTITY rdf "http://...#">``, as
    ontology editors write them), expanding into at most :data:`MAX_ENTITY_EXPANSION`
    characters in all. Refused: entities that refer to other entities, parameter
    entities, and external or unparsed entities. The expansion is counted as expat, the
    XML parser, reports the document: every character of text and attribute values it
    hands on, beyond the file's own size, came from an entity (whatever its name).
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    allowed = path.stat().st_size + MAX_ENTITY_EXPANSION
    state = {"depth": 0, "characters": 0}

    def declared(
        name: str,
        is_parameter: int,
        value: str | None,
        base: str | None,
        system_id: str | None,
        public_id: str | None,
        notation: str | None,
    ) -> None:
        line = parser.CurrentLineNumber
        if is_parameter:
            raise _Refused(f"the parameter entity '%{name};' is refused", line)
        if value is None or system_id or public_id or notation:
            raise _Refused(
                f"the external entity '&{name};' is refused: cimo-graph reads no other file "
                "or address while loading",
                line,
            )
        if "&" in value or "%" in value:
            raise _Refused(
                f"the entity '&{name};' refers to other entities; nested entities are "
                "refused (a few bytes of them can expand into gigabytes)",
                line,
            )

    def counted(size: int) -> None:
        state["characters"] += size
        if state["characters"] > allowed:
            raise _Refused(
                f"the entities expand into more than {MAX_ENTITY_EXPANSION:,} characters; "
                "write the IRIs out instead",
                parser.CurrentLineNumber,
            )

    def started(name: str, attributes: dict[str, str]) -> None:
        state["depth"] += 1
        if state["depth"] > MAX_XML_DEPTH:
            raise _Refused(
                f"the elements nest more than {MAX_XML_DEPTH:,} deep; no RDF needs that",
                parser.CurrentLineNumber,
            )
        counted(sum(len(key) + len(value) for key, value in attributes.items()))

    def ended(name: str) -> None:
        state["depth"] -= 1

    parser.EntityDeclHandler = declared
    parser.StartElementHandler = started
    parser.EndElementHandler = ended
    parser.CharacterDataHandler = lambda text: counted(len(text))
    try:
        with path.open("rb") as stream:
            parser.ParseFile(stream)
    except _Refused as refused:
        raise StudyParseError(path, refused.reason, line=refused.line, format="xml") from None
    except expat.ExpatError as error:
        if "amplification" in str(error):  # expat's own bound on entities (expat >= 2.4)
            raise StudyParseError(
                path,
                f"the entities expand into more than {MAX_ENTITY_EXPANSION:,} characters "
                "(or too many times the document's size); write the IRIs out instead",
                line=error.lineno,
                format="xml",
            ) from None
        return  # not well-formed: the RDF/XML parser itself says where and why


def json_ld_data(path: Path, contexts: Mapping[str, Any] | None = None) -> str:
    """The JSON-LD text of ``path`` with every context it names replaced by its content.

    cimo-graph fetches no context from the web or the disk: each context a document names
    (``"@context": "https://schema.org/"``, a list holding names, or ``"@import"``) must be
    given in ``contexts``, as ``{name: a dict, a JSON string or the path of a file}``;
    a name it does not hold raises :class:`~cimo_graph.StudyParseError`.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
        document = json.loads(text)
    except UnicodeDecodeError as error:
        raise StudyParseError(
            path, f"not UTF-8 text (byte {error.start}); JSON-LD is UTF-8", format="json-ld"
        ) from None
    except json.JSONDecodeError as error:
        raise StudyParseError(
            path, error.msg, line=error.lineno, column=error.colno, format="json-ld"
        ) from None
    except RecursionError:
        raise StudyParseError(
            path, "the JSON is nested too deeply to read", format="json-ld"
        ) from None
    if not isinstance(document, dict | list):
        raise StudyParseError(
            path,
            f"a JSON-LD document is an object or a list of objects, not a "
            f"{type(document).__name__ if document is not None else 'null'}",
            line=1,
            format="json-ld",
        )
    named = list(_named_contexts(document, "$"))
    if not named:
        return text
    given = dict(contexts or {})
    missing = [(name, where) for name, where in named if name not in given]
    if missing:
        name, where = missing[0]
        line = _line_of(text, json.dumps(name))
        raise StudyParseError(
            path,
            f"the document names the JSON-LD context {name!r} (at {where}); cimo-graph "
            f"fetches nothing while loading: pass its content, "
            f"load(..., contexts={{{name!r}: 'context.jsonld'}})",
            line=line,
            format="json-ld",
        )
    resolved = {name: _context_content(value) for name, value in given.items()}
    for _ in range(8):  # a given context may itself name others that are given
        document = _substituted(document, resolved)
        named = list(_named_contexts(document, "$"))
        if not named:
            return json.dumps(document)
        if any(name not in resolved for name, _ in named):
            name = next(name for name, _ in named if name not in resolved)
            raise StudyParseError(
                path,
                f"a context given in contexts= names the context {name!r}, which is not "
                "given; pass it too",
                format="json-ld",
            )
    raise StudyParseError(path, "the contexts given name each other in a loop", format="json-ld")


def _named_contexts(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """(name, JSON path) of each context that ``node`` refers to by name."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}[{json.dumps(key)}]"
            if key == "@context":
                for index, item in enumerate(value if isinstance(value, list) else [value]):
                    if isinstance(item, str):
                        yield item, here if not isinstance(value, list) else f"{here}[{index}]"
            elif key == "@import" and isinstance(value, str):
                yield value, here
            yield from _named_contexts(value, here)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _named_contexts(item, f"{where}[{index}]")


def _substituted(node: Any, contexts: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        imported = node.get("@import")
        # an imported context's definitions come first: the local ones win over them
        out = dict(contexts[imported]) if isinstance(imported, str) else {}
        for key, value in node.items():
            if key == "@import" and isinstance(value, str):
                continue
            if key == "@context":
                if isinstance(value, list):
                    value = [contexts[v] if isinstance(v, str) else v for v in value]
                elif isinstance(value, str):
                    value = contexts[value]
            out[key] = _substituted(value, contexts)
        return out
    if isinstance(node, list):
        return [_substituted(item, contexts) for item in node]
    return node


def _context_content(value: Any) -> Any:
    """A context as a dict: given as one, as JSON text, or as the path of a file; a
    document ``{"@context": {...}}`` gives its context."""
    if isinstance(value, Path) or (isinstance(value, str) and not value.lstrip().startswith("{")):
        value = Path(value).read_text(encoding="utf-8-sig")
    if isinstance(value, str):
        value = json.loads(value)
    if isinstance(value, dict) and set(value) == {"@context"}:
        value = value["@context"]
    return value


def _line_of(text: str, needle: str) -> int | None:
    position = text.find(needle)
    return None if position < 0 else text.count("\n", 0, position) + 1
