"""The exceptions cimo-graph raises, all under one base class, :class:`CimoGraphError`.

Each exception also inherits the built-in it stands for, so code that catches
``FileNotFoundError`` or ``ValueError`` keeps working.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CimoGraphError",
    "EmptyStudyError",
    "StudyNotFoundError",
    "StudyParseError",
    "StudyValidationError",
    "UnsupportedFormatError",
]


class CimoGraphError(Exception):
    """Base class of every error raised by cimo-graph."""


def _did_you_mean(suggestions: list[str]) -> str:
    if not suggestions:
        return ""
    return " Did you mean: " + ", ".join(repr(s) for s in suggestions) + "?"


class StudyNotFoundError(CimoGraphError, FileNotFoundError):
    """Raised by :func:`cimo_graph.load` when the study file does not exist.

    The message names the path and, where the folder holds files with similar names,
    the closest of them.
    """

    def __init__(self, path: Path, suggestions: list[str] | None = None) -> None:
        self.path = path
        self.suggestions = suggestions or []
        super().__init__(f"No study file at '{path}'.{_did_you_mean(self.suggestions)}")

    def __str__(self) -> str:
        return str(self.args[0])


class UnsupportedFormatError(CimoGraphError, ValueError):
    """Raised when a study file's suffix (or the ``format`` asked for) is not a known RDF
    format; the message lists the supported ones."""


class StudyParseError(CimoGraphError, ValueError):
    """Raised when a study file is not valid in its format.

    ``path``, ``line`` and ``column`` (1-based, ``None`` where the parser does not say)
    locate the problem; ``reason`` is the parser's own explanation.
    """

    def __init__(
        self,
        path: Path | str,
        reason: str,
        *,
        line: int | None = None,
        column: int | None = None,
        format: str | None = None,
    ) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        self.column = column
        self.format = format
        where = str(path)
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        kind = f" {format}" if format else ""
        super().__init__(f"{where}: invalid{kind}: {reason}")


class EmptyStudyError(CimoGraphError, ValueError):
    """Raised by :func:`cimo_graph.load` when a file parses but holds no triples."""


class StudyValidationError(CimoGraphError, ValueError):
    """Raised by ``load(..., validate=True)`` when the study does not conform to the
    CIMO shapes; ``report`` is the full :class:`~cimo_graph.validation.ValidationReport`."""

    def __init__(self, report: object, source: str | None = None) -> None:
        self.report = report
        where = f"{source}: " if source else ""
        super().__init__(f"{where}the study does not conform to the CIMO shapes.\n{report}")


class UnknownNameError(CimoGraphError, KeyError):
    """Raised when a name matches nothing in the graph; ``suggestions`` holds the closest
    names, which the message offers ("Did you mean ...?")."""

    kind = "name"

    def __init__(self, name: str, suggestions: list[str] | None = None, *, hint: str = "") -> None:
        self.name = name
        self.suggestions = suggestions or []
        self.hint = hint
        message = f"Unknown {self.kind} {name!r}.{_did_you_mean(self.suggestions)}"
        super().__init__(f"{message} {hint}" if hint else message)

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class UnknownThemeError(UnknownNameError):
    """Raised when a theme name matches no theme's id, label or synonym."""

    kind = "theme"


class UnknownNodeError(UnknownNameError):
    """Raised when a name matches no element of the study (by id, IRI or label), nor a
    theme where a theme is accepted too."""

    kind = "node"


class UnknownQueryError(UnknownNameError):
    """Raised by ``kg.query(name)`` when no named query has that name."""

    kind = "query"


class NoRouteError(CimoGraphError, LookupError):
    """Raised by ``interventions_for``, ``mechanisms_for`` and ``outcomes_of`` for a theme
    that no route reaches with the kind asked for (carried only by a role, a quote or a
    recommendation, a pillar asked for its mechanisms, or by nothing): the message says
    what carries it, instead of an empty table."""


class AmbiguousNameError(CimoGraphError, KeyError):
    """Raised when a label names several different nodes; the message lists their ids."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name = name
        self.candidates = candidates
        super().__init__(
            f"{name!r} names several nodes: {', '.join(candidates)}. Use one of these ids."
        )

    def __str__(self) -> str:
        return str(self.args[0])


class QueryParameterError(CimoGraphError, TypeError):
    """Raised when a named query gets a parameter it does not declare, or misses one."""


class SparqlSyntaxError(CimoGraphError, ValueError):
    """Raised when a SPARQL query does not parse; ``line`` and ``column`` (1-based) point
    into the query text as the user wrote it."""

    heading = "SPARQL syntax error"

    def __init__(
        self,
        reason: str,
        *,
        line: int | None = None,
        column: int | None = None,
        query: str | None = None,
    ) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        where = f" at line {line}, column {column}" if line is not None else ""
        excerpt = ""
        if query is not None and line is not None:
            lines = query.splitlines()
            if 0 < line <= len(lines):
                excerpt = f"\n    {lines[line - 1]}\n    {' ' * max((column or 1) - 1, 0)}^"
        super().__init__(f"{self.heading}{where}: {reason}{excerpt}")


class QueryRefusedError(SparqlSyntaxError):
    """Raised for a query cimo-graph will not run: a SPARQL Update (the graph is never
    changed by a query) or a ``SERVICE`` clause (nothing is fetched from elsewhere)."""

    heading = "SPARQL query refused"


class QueryTimeoutError(CimoGraphError, TimeoutError):
    """Raised when a query runs past its ``timeout``; ``seconds`` holds the limit."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"the query ran past its timeout of {seconds:g} s and was stopped; narrow it "
            "(a LIMIT, fewer unbound patterns) or pass a larger timeout="
        )


class InvalidIRIError(CimoGraphError, ValueError):
    """Raised when a value that must be an absolute IRI is not one (a space, ``<``,
    ``>``, a quote, a brace or another character RFC 3987 forbids, or no scheme);
    ``value`` holds it. Nothing has been sent or written when it is raised."""

    def __init__(self, value: str, what: str, reason: str) -> None:
        self.value = value
        super().__init__(f"{what} {value!r} is not an IRI: {reason}")


class DrawingTooLargeError(CimoGraphError, ValueError):
    """Raised when an interactive network would hold more nodes than it stays usable with;
    the message says how to draw a focus instead."""


class RemoteError(CimoGraphError):
    """Base class of the errors of a remote SPARQL endpoint; ``endpoint`` is its URL."""

    def __init__(self, endpoint: str, message: str, *, status: int | None = None) -> None:
        self.endpoint = endpoint
        self.status = status
        super().__init__(f"{endpoint}: {message}")


class EndpointUnreachableError(RemoteError, ConnectionError):
    """Raised when the endpoint cannot be reached: a wrong host or port, a refused or
    dropped connection, a server that is not running."""


class EndpointTimeoutError(RemoteError, TimeoutError):
    """Raised when the endpoint does not answer within the timeout of :func:`connect`."""


class EndpointAuthError(RemoteError, PermissionError):
    """Raised on HTTP 401 or 403: missing or wrong credentials, or no right to do this."""


class EndpointClientError(RemoteError):
    """Raised on any other HTTP 4xx answer (``status`` holds the code), for example 404
    for a wrong endpoint path or 414 for a request too long."""


class EndpointServerError(RemoteError):
    """Raised on HTTP 5xx, after the retries for the transient ones (502, 503, 504) and
    for 429 are spent; ``status`` holds the code."""


class MalformedResponseError(RemoteError, ValueError):
    """Raised when the endpoint answers 200 with something that is not a SPARQL result
    of the kind asked for (an HTML page, truncated JSON, Turtle that does not parse, a
    connection closed part-way)."""


class ResponseTooLargeError(MalformedResponseError):
    """Raised when an answer is larger than the endpoint's ``max_bytes``; reading stops
    there, so a huge answer never fills the memory."""


class AnswerCappedError(RemoteError):
    """Raised when an answer came back with a round number of rows, which may be the
    server's row cap, and the query could not be read again in pages; rather than a
    part of the answer passed off as the whole."""


class RemoteSyntaxError(SparqlSyntaxError, RemoteError):
    """Raised when the endpoint rejects a query as malformed (HTTP 400); the message
    holds the server's own explanation."""

    def __init__(self, endpoint: str, reason: str) -> None:
        self.endpoint = endpoint
        self.status = 400
        self.reason = reason
        self.line = self.column = None
        CimoGraphError.__init__(self, f"{endpoint}: the endpoint rejected the query: {reason}")


class PublishError(RemoteError):
    """Raised when publishing a study fails; the message says what was written where, and
    that the graph published before is unchanged."""


class ServeError(CimoGraphError):
    """Raised when ``cimo-graph serve`` cannot start its SPARQL server."""


class OutputError(CimoGraphError, OSError):
    """Raised before anything is written where an output would destroy what is there: a
    target that is not a regular file (a device, a FIFO, a folder, a socket), the study
    being read, a filled template or a folder that is not empty (unless ``force=True``,
    ``--force`` on the command line)."""


class ProjectImportWarning(UserWarning):
    """Warned when a coded REFI-QDA project holds something a study cannot: a PDF area or
    an audio segment with no text, a source stored outside the project. The study is
    built without it; the command line prints it as a note."""


class LicenceWarning(UserWarning):
    """Warned when an archive (RO-Crate) is written for a study that states no licence:
    every repository asks for one. Give ``licence=`` (``--licence``) or state it in the
    study (``encoding_licence`` in the template, ``dcterms:license``). The command line
    prints it as a note."""


class TemplateWarning(UserWarning):
    """Warned when a template or coded project builds and conforms but holds what is
    likely a slip: a stated link between elements that share no design proposition (no
    route follows it). The command line prints it as a note."""
