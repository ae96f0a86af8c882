"""cimo-graph: qualitative studies analysed with CIMO logic as an RDF knowledge graph.

>>> import cimo_graph as cg
>>> kg = cg.load()          # the bundled study, Opleiden in Leernetwerken (HU)
>>> kg.validate().conforms
True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from .errors import (
    AmbiguousNameError,
    CimoGraphError,
    DrawingTooLargeError,
    EmptyStudyError,
    EndpointAuthError,
    EndpointClientError,
    EndpointServerError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    MalformedResponseError,
    PublishError,
    QueryParameterError,
    RemoteError,
    RemoteSyntaxError,
    ServeError,
    SparqlSyntaxError,
    StudyNotFoundError,
    StudyParseError,
    StudyValidationError,
    UnknownNameError,
    UnknownNodeError,
    UnknownQueryError,
    UnknownThemeError,
    UnsupportedFormatError,
)
from .graph import CimoGraph, load
from .namespace import CIMO, LEERNETWERKEN, LEERNETWERKEN_THEME
from .remote import RemoteGraph, connect
from .summary import Summary
from .validation import ValidationReport, Violation


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext cimo_graph`` in Jupyter: registers the ``%%sparql`` cell magic."""
    from .magics import load_ipython_extension as register

    register(ipython)


try:
    __version__ = _version("cimo-graph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "CIMO",
    "LEERNETWERKEN",
    "LEERNETWERKEN_THEME",
    "AmbiguousNameError",
    "CimoGraph",
    "CimoGraphError",
    "DrawingTooLargeError",
    "EmptyStudyError",
    "EndpointAuthError",
    "EndpointClientError",
    "EndpointServerError",
    "EndpointTimeoutError",
    "EndpointUnreachableError",
    "MalformedResponseError",
    "PublishError",
    "QueryParameterError",
    "RemoteError",
    "RemoteGraph",
    "RemoteSyntaxError",
    "ServeError",
    "SparqlSyntaxError",
    "StudyNotFoundError",
    "StudyParseError",
    "StudyValidationError",
    "Summary",
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
]
