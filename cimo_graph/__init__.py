"""cimo-graph: qualitative studies analysed with CIMO logic as an RDF knowledge graph.

>>> import cimo_graph as cg
>>> kg = cg.load()          # the bundled study, Opleiden in Leernetwerken (HU)
>>> kg.validate().conforms
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import (
    AmbiguousNameError,
    AnswerCappedError,
    CimoGraphError,
    DrawingTooLargeError,
    EmptyStudyError,
    EndpointAuthError,
    EndpointClientError,
    EndpointServerError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    InvalidIRIError,
    LicenceWarning,
    MalformedResponseError,
    NoRouteError,
    OutputError,
    ProjectImportWarning,
    PublishError,
    QueryParameterError,
    QueryRefusedError,
    QueryTimeoutError,
    RemoteError,
    RemoteSyntaxError,
    ResponseTooLargeError,
    ServeError,
    SparqlSyntaxError,
    StudyNotFoundError,
    StudyParseError,
    StudyValidationError,
    TemplateWarning,
    UnknownNameError,
    UnknownNodeError,
    UnknownQueryError,
    UnknownThemeError,
    UnsupportedFormatError,
)
from .graph import CimoGraph, load
from .namespace import CIMO, LEERNETWERKEN, LEERNETWERKEN_THEME

if TYPE_CHECKING:  # loaded on first use (below); named here for type checkers and API docs
    from ._resources import resource_path
    from .authoring import TemplateError
    from .longform import tidy
    from .remote import RemoteGraph, connect
    from .summary import Summary
    from .validation import ValidationReport, Violation


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext cimo_graph`` in Jupyter: registers the ``%%sparql`` cell magic."""
    from .magics import load_ipython_extension as register

    register(ipython)


#: Names whose modules load on first use, so that ``import cimo_graph`` stays quick.
_LAZY = {
    "connect": "remote",
    "RemoteGraph": "remote",
    "TemplateError": "authoring",
    "Summary": "summary",
    "ValidationReport": "validation",
    "Violation": "validation",
    "resource_path": "_resources",
    "tidy": "longform",
}


def __dir__() -> list[str]:
    return sorted(__all__)


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    # importlib.metadata is slow to import: read the version only when asked for
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("cimo-graph")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'cimo_graph' has no attribute {name!r}")


__all__ = [
    "CIMO",
    "LEERNETWERKEN",
    "LEERNETWERKEN_THEME",
    "AmbiguousNameError",
    "AnswerCappedError",
    "CimoGraph",
    "CimoGraphError",
    "DrawingTooLargeError",
    "EmptyStudyError",
    "EndpointAuthError",
    "EndpointClientError",
    "EndpointServerError",
    "EndpointTimeoutError",
    "EndpointUnreachableError",
    "InvalidIRIError",
    "LicenceWarning",
    "MalformedResponseError",
    "NoRouteError",
    "OutputError",
    "ProjectImportWarning",
    "PublishError",
    "QueryParameterError",
    "QueryRefusedError",
    "QueryTimeoutError",
    "RemoteError",
    "RemoteGraph",
    "RemoteSyntaxError",
    "ResponseTooLargeError",
    "ServeError",
    "SparqlSyntaxError",
    "StudyNotFoundError",
    "StudyParseError",
    "StudyValidationError",
    "Summary",
    "TemplateError",
    "TemplateWarning",
    "UnknownNameError",
    "UnknownNodeError",
    "UnknownQueryError",
    "UnknownThemeError",
    "UnsupportedFormatError",
    "ValidationReport",
    "Violation",
    "__version__",
    "connect",
    "load",
    "resource_path",
    "tidy",
]
