"""The same questions against a SPARQL endpoint: a triple store shared by a research group.

``cg.connect(url)`` gives a :class:`RemoteGraph` with every helper of a local graph. The
named queries go to the endpoint unchanged but for a ``VALUES`` block that binds their
parameters (see :func:`cimo_graph.sparql.with_values`).
"""

from __future__ import annotations

import json
import math
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote, urlsplit

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from .errors import (
    AnswerCappedError,
    EndpointAuthError,
    EndpointClientError,
    EndpointServerError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    InvalidIRIError,
    MalformedResponseError,
    RemoteError,
    RemoteSyntaxError,
    ResponseTooLargeError,
)
from .iris import checked_iri
from .namespace import PREFIXES
from .questions import Questions, Row
from .sparql import (
    NamedQuery,
    bound_text,
    construct_pattern,
    json_rows,
    named_query,
    prefix_lines,
    prepare,
    query_form,
    refuse_service,
    split_prologue,
    to_frame,
    with_values,
)
from .views import Drawings

if TYPE_CHECKING:
    import pandas as pd

    from .graph import CimoGraph

__all__ = ["Endpoint", "RemoteGraph", "connect"]

#: Answers worth asking again, after a pause (Retry-After where the server gives one).
TRANSIENT = frozenset({429, 502, 503, 504})
#: Queries longer than this (URL-encoded) go by POST; shorter ones by GET.
POST_THRESHOLD = 2000
_CHUNK = 100
#: Rows asked for a page, when an answer has to be read in pages.
PAGE_SIZE = 5_000
#: What one value of an answer (a JSON object: a row or a term) is counted as, in bytes,
#: against ``max_bytes``: its text takes from 2 bytes (``{}``) but Python holds each in
#: 60 to 250, so an answer of many tiny values is refused at ``max_bytes / 64`` values
#: (and one read in pages at as many cells), before they fill the memory
VALUE_BYTES = 64


def answer_rows(url: str, result: Mapping[str, Any]) -> tuple[list[str], list[Row]]:
    """The columns and rows of a SPARQL JSON ``result`` from the endpoint at ``url``;
    :class:`~cimo_graph.MalformedResponseError` for bindings that are no RDF terms."""
    try:
        return json_rows(result)
    except (KeyError, TypeError, ValueError) as error:  # InvalidIRIError too
        raise MalformedResponseError(url, f"malformed bindings ({error})") from error


def read_in_pages(
    endpoint: Endpoint,
    text: str,
    columns: list[str],
    *,
    page_size: int = PAGE_SIZE,
    came_back: int | None = None,
) -> list[Row]:
    """The rows of the SELECT ``text``, read whole in ordered pages whatever the server's
    row cap: ordered by ``columns`` in a subquery (Virtuoso refuses to sort for an OFFSET
    past 10,000 rows, SR353, but pages an ordered subquery), each page starting where the
    rows read so far end (so a page cut at a cap is re-read by the next), until a page
    comes back empty.

    Raises :class:`~cimo_graph.AnswerCappedError` where the query cannot be paged so, or
    the server sends the same page again (it ignores OFFSET); ``came_back`` is how many
    rows the query's own answer held, for that message. Raises
    :class:`~cimo_graph.ResponseTooLargeError` once the rows read could not have fit in
    the endpoint's ``max_bytes``, so a server sending new rows without end is left.
    """
    cap = endpoint.row_cap(probe=False)
    cut = (
        "the answer may have been cut at the server's row cap"
        if came_back is None
        else f"the answer came back with {came_back} rows, the server's row cap"
        if came_back == cap
        else f"the answer came back with {came_back} rows, which may be the server's row cap"
    )
    prologue, select = split_prologue(text)
    order = " ".join(f"?{column}" for column in columns)
    rows: list[Row] = []
    first: Row | None = None
    deadline = time.monotonic() + endpoint.timeout  # for the whole read, not each page
    while True:
        if time.monotonic() >= deadline:
            raise EndpointTimeoutError(
                endpoint.url,
                f"{cut}; read in pages, {len(rows):,} rows had come within the timeout "
                f"({endpoint.timeout:g} s), which bounds the whole read; ask for less "
                "(LIMIT) or pass a longer timeout",
            )
        page = (
            f"{prologue}SELECT * WHERE {{ {{ SELECT * WHERE {{ {{ {select} }} }} "
            f"ORDER BY {order} }} }} LIMIT {page_size} OFFSET {len(rows)}"
        )
        try:
            found = answer_rows(endpoint.url, endpoint.query(page, deadline=deadline))[1]
        except RemoteSyntaxError as error:  # e.g. FROM, which no subquery may hold
            raise AnswerCappedError(
                endpoint.url,
                f"{cut}, and the query cannot be read in pages (as a subquery ordered by "
                "its columns); ask for less (LIMIT, a narrower pattern) or raise the "
                f"server's cap. Server: {error}",
            ) from error
        if not found:
            return rows
        cells = (len(rows) + len(found)) * max(1, len(columns))
        if cells * VALUE_BYTES > endpoint.max_bytes:
            raise ResponseTooLargeError(
                endpoint.url,
                f"{cut}; read in pages, it passed {len(rows) + len(found):,} rows "
                f"({cells:,} values), more than max_bytes ({endpoint.max_bytes:,}) can hold "
                f"at {VALUE_BYTES} bytes a value; ask for less (LIMIT) or pass a larger "
                "max_bytes",
            )
        if rows and found[0] == first:
            raise AnswerCappedError(
                endpoint.url,
                f"{cut}, and the server sent the same page again for a later OFFSET: it "
                "does not page, so the answer cannot be read whole; ask for less.",
            )
        first = found[0]
        rows.extend(found)


def _round_number(rows: int) -> bool:
    """Whether ``rows`` looks like a row cap: caps are round numbers (Virtuoso's packaged
    10,000; public endpoints 1,000 to 100,000)."""
    return rows >= 500 and rows % 500 == 0


#: Rows the probe of a server's row cap asks for (:meth:`Endpoint.row_cap`).
PROBE_ROWS = 100_001
#: Answers shorter than this are never taken for cut: no server caps so low.
MIN_CAP = 100
#: Generated rows with nothing bound (``{}`` in SPARQL JSON: 3 bytes a row), by VALUES
#: blocks every SPARQL 1.1 server evaluates: 10**6 rows, asked up to PROBE_ROWS.
_PROBE = (
    "SELECT ?none WHERE { "
    + " ".join(f"VALUES ?d{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(6))
    + f" }} LIMIT {PROBE_ROWS}"
)


#: The largest answer read from an endpoint, in bytes (``connect(max_bytes=...)``).
MAX_BYTES = 256 * 2**20


def _user_agent() -> str:
    from . import __version__

    return f"cimo-graph/{__version__} (+https://w3id.org/cimo-graph; SPARQLWrapper)"


@dataclass
class Endpoint:
    """One SPARQL endpoint, spoken to through SPARQLWrapper, with errors made ours.

    ``auth`` is ``(user, password)``; ``auth_scheme`` ``"basic"`` or ``"digest"``.
    ``timeout`` bounds a whole call: connecting, reading the answer, retries and the
    pauses between them; past it comes :class:`EndpointTimeoutError`, however slowly the
    server trickles its answer. Transient failures (HTTP 429, 502, 503, 504) are retried
    up to ``retries`` times, after ``backoff`` seconds doubling each time, or after the
    server's Retry-After; a Retry-After longer than ``max_wait`` or than the time left
    fails at once. An answer larger than ``max_bytes`` is refused as soon as it is seen
    to be (:class:`ResponseTooLargeError`), so it never fills the memory. ``cap`` is the
    number of rows at which the server cuts every answer without saying so, where known
    (:meth:`row_cap` learns it otherwise). A redirect to another origin (scheme, host or
    port: another server, or ``http`` after ``https``) is refused
    (:class:`EndpointClientError`) unless ``allow_redirects``, and credentials are never
    sent to another origin either way.
    """

    url: str
    graph: str | None = None
    auth: tuple[str, str] | None = None
    auth_scheme: str = "basic"
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    max_wait: float = 30.0
    max_bytes: int = MAX_BYTES
    cap: int | None = None
    allow_redirects: bool = False
    #: what the probe found: (the cap or None, rows it was checked up to); None: not yet
    _probed: tuple[int | None, int] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        checked_iri(self.url, "the endpoint URL")
        if not self.url.lower().startswith(("http://", "https://")):
            raise InvalidIRIError(self.url, "the endpoint URL", "it is not an http(s) URL")
        if self.graph is not None:
            self.graph = str(checked_iri(self.graph, "the graph name"))
        if self.cap is not None and (not isinstance(self.cap, int) or self.cap < 1):
            raise ValueError(f"cap={self.cap!r}: give the server's row cap, a number of rows")

    def solutions(self, text: str) -> Any:
        """Send a SELECT; its solutions as pyoxigraph reads SPARQL JSON results (terms of
        pyoxigraph, read in Rust: for answers of thousands of rows). (Virtuoso's TSV,
        three times faster to write, is no SPARQL TSV: IRIs and literals alike quoted.)

        Raises :class:`MalformedResponseError` for an answer that is not SPARQL JSON
        results (and what :meth:`query` raises for the request).
        """
        import pyoxigraph as ox

        body = self._send(text, update=False, accept="json")
        try:
            answer: Any = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            return list(answer)
        except (SyntaxError, ValueError) as error:
            raise MalformedResponseError(
                self.url, f"the answer is not SPARQL JSON results ({_excerpt(body)})"
            ) from error

    def query(self, text: str, *, accept: str = "json", deadline: float | None = None) -> Any:
        """Send a query; return the parsed JSON result, or a Graph for ``accept="turtle"``.
        ``deadline`` (``time.monotonic()`` seconds) ends the call sooner than ``timeout``
        would (a read in pages shares one).

        Raises :class:`ResponseTooLargeError` for an answer of more than
        ``max_bytes / VALUE_BYTES`` values (JSON objects), counted as they are read, and
        :class:`MalformedResponseError` for one that is not SPARQL JSON results.
        """
        body = self._send(text, update=False, accept=accept, deadline=deadline)
        if accept == "turtle":
            try:
                return Graph().parse(data=body, format="turtle")
            except Exception as error:
                raise MalformedResponseError(
                    self.url, f"the answer is not Turtle ({_excerpt(body)})"
                ) from error
        values, most = 0, self.max_bytes // VALUE_BYTES

        def counted(value: dict[str, Any]) -> dict[str, Any]:
            nonlocal values
            values += 1
            if values > most:
                raise ResponseTooLargeError(
                    self.url,
                    f"the answer holds more than {most:,} values, more than max_bytes "
                    f"({self.max_bytes:,}) can hold at {VALUE_BYTES} bytes a value; ask for "
                    "less (LIMIT) or pass a larger max_bytes",
                )
            return value

        try:
            result = json.loads(body, object_hook=counted)
        except ResponseTooLargeError:
            raise
        except (ValueError, RecursionError) as error:
            raise MalformedResponseError(
                self.url, f"the answer is not SPARQL JSON results ({_excerpt(body)})"
            ) from error
        problem = _results_problem(result)
        if problem:
            raise MalformedResponseError(self.url, f"{problem} ({_excerpt(body)})")
        return result

    def row_cap(self, *, probe: bool = True) -> int | None:
        """The number of rows at which the server cuts every answer, without saying so:
        ``cap`` where given, else learnt once by asking for :data:`PROBE_ROWS` generated
        rows (one request, about 0.3 MB; Virtuoso's packaged ini answers 10,000).
        ``None``: no cap below :data:`PROBE_ROWS`, or the probe failed (or, without
        ``probe``, was not made yet)."""
        if self.cap is not None:
            return self.cap
        if self._probed is None and probe:
            try:
                rows = len(self.query(_PROBE)["results"]["bindings"])
            except (RemoteError, KeyError, TypeError, AttributeError):  # not learnt
                self._probed = (None, 0)
            else:
                if rows < MIN_CAP:  # no cap, but a server that cannot answer the probe
                    self._probed = (None, 0)
                else:
                    self._probed = (rows, rows) if rows < PROBE_ROWS else (None, rows)
        return self._probed[0] if self._probed else None

    def may_be_cut(self, rows: int, *, triples: bool = False) -> bool:
        """Whether an answer of ``rows`` rows (``triples``: of a CONSTRUCT or DESCRIBE)
        may have been cut at the server's row cap: one at the cap (:meth:`row_cap`);
        where the cap is unknown, and past what the probe checked, one of a round number
        of rows (a CONSTRUCT one more: Virtuoso cuts it at its cap plus one triple)."""
        if rows < MIN_CAP:
            return False
        cap = self.row_cap()
        if cap is not None:
            return rows >= cap
        if self._probed is not None and rows < self._probed[1]:
            return False
        return _round_number(rows) or (triples and _round_number(rows - 1))

    def page_size(self) -> int:
        """Rows asked for a page, when an answer is read in pages: the server's cap where
        known (fewer pages), else :data:`PAGE_SIZE`."""
        cap = self.row_cap(probe=False)
        return min(cap, 50_000) if cap else PAGE_SIZE

    def update(self, text: str) -> None:
        """Send a SPARQL Update."""
        self._send(text, update=True, accept="json")

    def _send(
        self, text: str, *, update: bool, accept: str, deadline: float | None = None
    ) -> bytes:
        own = time.monotonic() + self.timeout
        deadline = own if deadline is None else min(deadline, own)
        if deadline <= time.monotonic():
            raise EndpointTimeoutError(self.url, f"no answer within {self.timeout:g} s")
        return self._retried(
            lambda until: self._once(text, until, update=update, accept=accept), deadline
        )

    def _retried(self, once: Callable[[float], bytes], deadline: float) -> bytes:
        """``once(deadline)``, retried after a transient failure (see the class)."""
        attempt = 0
        while True:
            try:
                return self._within(deadline, once)
            except _Transient as transient:
                attempt += 1
                if attempt > self.retries:
                    raise transient.final from None
                wait = transient.retry_after
                if wait is None:
                    wait = min(self.backoff * 2 ** (attempt - 1), self.max_wait)
                elif wait > self.max_wait or time.monotonic() + wait >= deadline:
                    raise EndpointTimeoutError(
                        self.url,
                        f"the server asks to retry after {wait:g} s, longer than max_wait "
                        f"({self.max_wait:g} s) or the time left of the timeout "
                        f"({self.timeout:g} s); {transient.final}",
                    ) from None
                if time.monotonic() + wait >= deadline:
                    raise EndpointTimeoutError(
                        self.url, f"no answer within {self.timeout:g} s ({transient.final})"
                    ) from None
                time.sleep(wait)

    def _within(self, deadline: float, once: Callable[[float], bytes]) -> bytes:
        """One request, given up at ``deadline`` whatever the server does meanwhile."""
        outcome: list[Any] = []

        def run() -> None:
            try:
                outcome.append((True, once(deadline)))
            except BaseException as error:  # handed to the caller's thread
                outcome.append((False, error))

        worker = threading.Thread(target=run, name="cimo-graph-endpoint", daemon=True)
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()))
        if not outcome:  # the worker ends at its socket's timeout; nobody waits for it
            raise EndpointTimeoutError(self.url, f"no answer within {self.timeout:g} s")
        done, value = outcome[0]
        if done:
            return cast(bytes, value)
        raise value

    def send_graph(self, graph: str, body: bytes, *, replace: bool = False) -> None:
        """Send N-Triples to this SPARQL 1.1 Graph Store HTTP Protocol endpoint (Virtuoso's
        ``/sparql-graph-crud-auth``, Oxigraph's ``/store``): added to the named graph
        ``graph`` (POST), or replacing it (PUT). Retried, timed and refused as a query is.
        """
        from urllib.parse import urlencode
        from urllib.request import Request

        name = str(checked_iri(graph, "the graph name"))
        address = f"{self.url}{'&' if '?' in self.url else '?'}{urlencode({'graph': name})}"
        request = Request(
            address,
            data=body,
            method="PUT" if replace else "POST",
            headers={"Content-Type": "application/n-triples", "User-Agent": _user_agent()},
        )
        if self.auth and self.auth_scheme.lower() != "digest":
            request.add_header("Authorization", _basic(self.auth))
        deadline = time.monotonic() + self.timeout
        self._retried(lambda until: self._stored(request, until), deadline)

    def _stored(self, request: Any, deadline: float) -> bytes:
        from http.client import HTTPException
        from urllib.error import HTTPError, URLError

        try:
            response = _open(self, request, max(1, math.ceil(deadline - time.monotonic())))
            try:
                return self._read(response, deadline)
            finally:
                response.close()
        except HTTPError as error:
            final = _http_error(self.url, error)
            said = _excerpt(error.read() or b"")  # the server's reason, for the reader
            if said and isinstance(final, EndpointServerError):
                final = EndpointServerError(
                    self.url, f"HTTP {error.code}: {said}", status=error.code
                )
            elif said and type(final) is EndpointClientError:
                final = EndpointClientError(
                    self.url, f"HTTP {error.code}: {said}", status=error.code
                )
            raise final from error
        except (TimeoutError, URLError, HTTPException, OSError) as error:
            raise self._transport_error(error) from error

    def _once(self, text: str, deadline: float, *, update: bool, accept: str) -> bytes:
        from http.client import HTTPException
        from urllib.error import HTTPError, URLError

        from SPARQLWrapper import GET, JSON, POST, TURTLE
        from SPARQLWrapper.SPARQLExceptions import (
            EndPointInternalError,
            EndPointNotFound,
            QueryBadFormed,
            Unauthorized,
            URITooLong,
        )

        wrapper = _wrapper_class()(self.url, agent=_user_agent())
        wrapper.origin_endpoint = self
        wrapper.setTimeout(max(1, math.ceil(deadline - time.monotonic())))
        if self.graph and not update:
            wrapper.addDefaultGraph(self.graph)
        wrapper.setQuery(text)
        if not update:  # SPARQLWrapper guesses the form by regex, and comments fool it
            wrapper.queryType = query_form(text)
        long = len(quote(text)) > POST_THRESHOLD
        wrapper.setMethod(POST if update or long else GET)
        wrapper.setReturnFormat(TURTLE if accept == "turtle" else JSON)
        try:
            response = wrapper.query().response
            try:
                return self._read(response, deadline)
            finally:
                response.close()
        except QueryBadFormed as error:
            raise RemoteSyntaxError(self.url, _server_message(error)) from error
        except Unauthorized as error:
            raise EndpointAuthError(
                self.url,
                "authentication failed (HTTP 401): check the user, password and auth_scheme",
                status=401,
            ) from error
        except EndPointNotFound as error:
            raise EndpointClientError(
                self.url, "not found (HTTP 404): is this the SPARQL endpoint's address?", status=404
            ) from error
        except URITooLong as error:
            raise EndpointClientError(
                self.url, "request too long (HTTP 414)", status=414
            ) from error
        except EndPointInternalError as error:
            message = _server_message(error)
            if "estimated execution time" in message and "exceeds the limit" in message:
                message = (
                    "Virtuoso refused the query by its own estimate of the time it would take, "
                    "which is often far off (OpenLink advises leaving MaxQueryCostEstimationTime "
                    f"out of virtuoso.ini: it is meant for debugging). {message}"
                )
            raise EndpointServerError(
                self.url, f"server error (HTTP 500): {message}", status=500
            ) from error
        except HTTPError as error:
            raise _http_error(self.url, error) from error
        except (TimeoutError, URLError, HTTPException, OSError) as error:
            raise self._transport_error(error) from error

    def _transport_error(self, error: Exception) -> RemoteError:
        """What failed on the way to the server or back, as one of our errors: a timeout,
        no connection, or a connection broken off part-way (IncompleteRead, a bad status
        line, ...)."""
        from http.client import HTTPException
        from urllib.error import URLError

        late = EndpointTimeoutError(self.url, f"no answer within {self.timeout:g} s")
        if isinstance(error, TimeoutError):
            return late
        if isinstance(error, URLError):
            if isinstance(error.reason, TimeoutError | socket.timeout):
                return late
            return EndpointUnreachableError(self.url, f"cannot connect ({error.reason})")
        if isinstance(error, HTTPException):
            return MalformedResponseError(
                self.url, f"the connection broke off part-way ({type(error).__name__}: {error})"
            )
        return EndpointUnreachableError(self.url, f"connection failed ({error})")

    def _read(self, response: Any, deadline: float) -> bytes:
        """The body of ``response``, read in pieces: stopped at ``max_bytes`` or at the
        deadline, so a huge or trickling answer costs neither memory nor time."""
        length = response.headers.get("Content-Length") if response.headers else None
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            raise ResponseTooLargeError(
                self.url,
                f"the answer is {int(length):,} bytes, more than max_bytes "
                f"({self.max_bytes:,}); ask for less (LIMIT) or pass a larger max_bytes",
            )
        pieces: list[bytes] = []
        size = 0
        read = getattr(response, "read1", response.read)
        while True:
            if time.monotonic() > deadline:
                raise EndpointTimeoutError(
                    self.url, f"the answer did not arrive within {self.timeout:g} s"
                )
            piece = read(1 << 16)
            if not piece:
                if length is not None and length.isdigit() and size < int(length):
                    raise MalformedResponseError(
                        self.url,
                        f"the connection broke off part-way: {size:,} of {int(length):,} "
                        "bytes arrived",
                    )
                return b"".join(pieces)
            size += len(piece)
            if size > self.max_bytes:
                raise ResponseTooLargeError(
                    self.url,
                    f"the answer is more than max_bytes ({self.max_bytes:,} bytes); "
                    "ask for less (LIMIT) or pass a larger max_bytes",
                )
            pieces.append(piece)


def _results_problem(result: Any) -> str | None:
    """What makes ``result`` no SPARQL JSON results (SPARQL 1.1 Query Results JSON
    Format: a head with a list of variable names, and bindings that are a list of
    objects, or a boolean), or None."""
    if not isinstance(result, dict) or not isinstance(result.get("head"), dict):
        return "the answer lacks its 'head'"
    names = result["head"].get("vars", [])
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return "the answer's head.vars is not a list of variable names"
    if "boolean" in result:
        answer = result["boolean"]  # true or false; 1 or 0 from some servers
        return (
            None
            if answer in (True, False) and not isinstance(answer, float)
            else ("its 'boolean' is not true or false")
        )
    results = result.get("results")
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(bindings, list) or not all(isinstance(row, dict) for row in bindings):
        return "the answer lacks 'results' with a list of 'bindings'"
    return None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _basic(auth: tuple[str, str]) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()


def _open(endpoint: Endpoint, request: Any, timeout: float) -> Any:
    """Open ``request`` through an opener of ``endpoint``'s own (see
    :func:`_wrapper_class`): digest credentials answered for its origin only, a redirect
    to another origin refused unless it allows redirects."""
    from urllib.request import (
        HTTPDigestAuthHandler,
        HTTPPasswordMgrWithDefaultRealm,
        build_opener,
    )

    handlers: list[Any] = [_redirects_class()(endpoint)]
    if endpoint.auth and endpoint.auth_scheme.lower() == "digest":
        passwords = HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, endpoint.url, *endpoint.auth)
        handlers.append(HTTPDigestAuthHandler(passwords))
    return build_opener(*handlers).open(request, timeout=timeout)


@lru_cache(maxsize=1)
def _redirects_class() -> type:
    """The redirect handler of an endpoint's opener."""
    from urllib.request import HTTPRedirectHandler

    class Redirects(HTTPRedirectHandler):
        def __init__(self, endpoint: Endpoint) -> None:
            self.endpoint = endpoint

        def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
            elsewhere = _origin(newurl) != _origin(self.endpoint.url)
            if elsewhere and not self.endpoint.allow_redirects:
                raise EndpointClientError(
                    self.endpoint.url,
                    f"the server redirects (HTTP {code}) to {newurl}, another origin; a "
                    "redirect is not followed there (it could send the query, or your "
                    "credentials, elsewhere): connect to that address, or pass "
                    "allow_redirects=True",
                    status=code,
                )
            new = super().redirect_request(req, fp, code, msg, headers, newurl)
            if new is not None and elsewhere:
                new.remove_header("Authorization")
            return new

    return Redirects


@lru_cache(maxsize=1)
def _wrapper_class() -> type:
    """SPARQLWrapper, sending its requests through an opener of the endpoint's own: the
    credentials go to the endpoint's origin only (basic as a header that no redirect to
    another origin keeps, digest answered for that origin only), and a redirect to
    another origin is refused unless the endpoint allows redirects. (SPARQLWrapper's own
    opener keeps the header on every redirect and installs a digest opener for the
    whole process.)"""
    from urllib.error import HTTPError

    from SPARQLWrapper import SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import (
        EndPointInternalError,
        EndPointNotFound,
        QueryBadFormed,
        Unauthorized,
        URITooLong,
    )

    class Wrapper(SPARQLWrapper):
        origin_endpoint: Endpoint  # (SPARQLWrapper's own `endpoint` is the URL)

        def _createRequest(self) -> Any:
            request = super()._createRequest()
            auth = self.origin_endpoint.auth
            if auth and self.origin_endpoint.auth_scheme.lower() != "digest":
                request.add_header("Authorization", _basic(auth))
            return request

        def _query(self) -> Any:
            request = self._createRequest()
            try:
                response = _open(self.origin_endpoint, request, self.timeout or 30)
            except HTTPError as error:
                known = {
                    400: QueryBadFormed,
                    401: Unauthorized,
                    404: EndPointNotFound,
                    414: URITooLong,
                    500: EndPointInternalError,
                }
                if error.code in known:
                    raise known[error.code](error.read()) from error
                raise
            return response, self.returnFormat

    return Wrapper


class _Transient(Exception):
    def __init__(self, final: Exception, retry_after: float | None) -> None:
        self.final = final
        self.retry_after = retry_after


def _http_error(url: str, error: Any) -> Exception:
    status = int(error.code)
    message = f"HTTP {status} {getattr(error, 'reason', '')}".strip()
    if status in (401, 403):
        return EndpointAuthError(
            url, f"{message}: not allowed with these credentials", status=status
        )
    final: Exception = (
        EndpointServerError(url, message, status=status)
        if status >= 500
        else EndpointClientError(url, message, status=status)
    )
    if status in TRANSIENT:
        retry_after = None
        header = error.headers.get("Retry-After") if error.headers else None
        if header is not None:
            try:
                retry_after = max(0.0, float(header))
            except ValueError:
                retry_after = None
        return _Transient(final, retry_after)
    return final


def _server_message(error: Exception) -> str:
    text = str(error)
    for marker in ("Response:\n", "Response:"):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = text.strip().replace("\\n", "\n")
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return " ".join(text.split())[:500]


def _excerpt(body: bytes | str) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    text = " ".join(text.split())
    return repr(text[:80] + ("..." if len(text) > 80 else ""))


class RemoteGraph(Drawings, Questions):
    """A study (or several) in a SPARQL endpoint, with the helpers of a local graph.

    Make one with :func:`connect`. The helpers, :meth:`query` and :meth:`sparql` answer
    as they do on a :class:`~cimo_graph.CimoGraph`; ``refresh()`` forgets the cached
    names after the data changed.
    """

    _typed_strings = True

    def __init__(self, endpoint: Endpoint, *, check_syntax: bool = True) -> None:
        self.endpoint = endpoint
        self.check_syntax = check_syntax
        self._names_manager = NamespaceManager(Graph(bind_namespaces="none"))
        for prefix, namespace in PREFIXES.items():
            self._names_manager.bind(prefix, namespace, override=True)

    def __repr__(self) -> str:
        graph = f" graph <{self.endpoint.graph}>" if self.endpoint.graph else ""
        return f"<RemoteGraph {self.endpoint.url}{graph}>"

    def __len__(self) -> int:
        result = self.endpoint.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(result["results"]["bindings"][0]["n"]["value"])

    def refresh(self) -> None:
        """Forget the cached name lookup, after the endpoint's data changed."""
        self.__dict__.pop("_name_cache", None)

    def _rows(self, result: Mapping[str, Any]) -> tuple[list[str], list[Row]]:
        return answer_rows(self.endpoint.url, result)

    def _select(self, query: NamedQuery, bindings: Mapping[str, Node]) -> list[Row]:
        # each term written in as a constant where it can stand (Oxigraph's server scans
        # where a VALUES block meets a UNION), and put back into the rows
        text, known = bound_text(query.text, bindings)
        rows = self._whole(text)[1]
        for row in rows:
            row.update(known)
        return rows

    def _whole(self, text: str, answer: Any = None) -> tuple[list[str], list[Row]]:
        """A SELECT's answer, read whole whatever the server's row cap.

        Asked once; an answer that may have been cut (:meth:`Endpoint.may_be_cut`: at the
        server's row cap; Virtuoso cuts at 10,000 without saying so) is read again in
        ordered pages, each starting
        where the rows read so far end, until a page comes back empty. ``answer``: the
        query's answer where already asked.
        """
        columns, rows = self._rows(self.endpoint.query(text) if answer is None else answer)
        if not self.endpoint.may_be_cut(len(rows)):
            return columns, rows
        return columns, read_in_pages(
            self.endpoint,
            text,
            columns,
            page_size=self.endpoint.page_size(),
            came_back=len(rows),
        )

    def _select_each(self, query: NamedQuery, variable: str, terms: Iterable[Node]) -> list[Row]:
        terms = list(dict.fromkeys(terms))
        if len(terms) == 1:
            return self._select(query, {variable: terms[0]})
        rows: list[Row] = []
        for start in range(0, len(terms), _CHUNK):
            chunk = terms[start : start + _CHUNK]
            text = with_values(query.text, [variable], [[term] for term in chunk])
            rows.extend(self._whole(text)[1])
        return rows

    def _prefixes(self) -> dict[str, str]:
        return dict(PREFIXES)

    def _present(self, iris: list[URIRef]) -> list[URIRef]:
        """The IRIs among ``iris`` that name a node: beyond a chunk (a local name tried in
        each study's namespace: 2,000 IRIs at 1,000 studies), found by how they end, one
        query for each ending (``nodes-ending``), rather than sent to the server."""
        if len(iris) <= _CHUNK:
            return iris
        wanted = set(iris)
        ends = dict.fromkeys(iri[max(iri.rfind("/"), iri.rfind("#")) :] for iri in iris)
        found: set[Node] = set()
        for end in ends:
            rows = self._select(named_query("nodes-ending"), {"end": Literal(end)})
            found.update(row["node"] for row in rows if row["node"] in wanted)
        return [iri for iri in iris if iri in found]

    def _constructed_whole(self, text: str, form: str, triples: int) -> Graph:
        """A CONSTRUCT's graph when its answer may have been cut at a cap: its pattern's
        solutions read whole (:meth:`_whole`), the template filled in here, as SPARQL
        fills it (a fresh blank node per solution, no triple with an unbound term)."""
        pattern = construct_pattern(text) if form == "CONSTRUCT" else None
        if pattern is None:
            raise AnswerCappedError(
                self.endpoint.url,
                f"the {form} answer came back with {triples} triples, which may be the "
                "server's cap, and cannot be read again in pages; ask for less, or SELECT "
                "the triples (a SELECT is read in pages).",
            )
        select, template = pattern
        _, rows = self._whole(select)
        graph = Graph()
        for row in rows:
            fresh: dict[BNode, BNode] = {}
            for triple in template:
                made: list[Node | None] = []
                for term in triple:
                    if isinstance(term, Variable):
                        made.append(row.get(str(term)))
                    elif isinstance(term, BNode):
                        made.append(fresh.setdefault(term, BNode()))
                    else:
                        made.append(term)
                subject, predicate, value = made
                if (
                    subject is not None
                    and not isinstance(subject, Literal)
                    and isinstance(predicate, URIRef)
                    and value is not None
                ):
                    graph.add((subject, predicate, value))
        return graph

    def sparql(
        self,
        text: str,
        *,
        raw: bool = False,
        timeout: float | None = None,
        **bindings: Any,
    ) -> pd.DataFrame | bool | CimoGraph:
        """Run a SPARQL query at the endpoint, as :meth:`CimoGraph.sparql` does locally.

        The library's prefixes are declared for you; bindings become a ``VALUES`` block of
        RDF terms. With ``check_syntax`` (the default) the query is parsed here first, so
        a syntax error names the line and column of ``text`` without a round trip.
        Updates and ``SERVICE`` clauses are refused. ``timeout`` (seconds) replaces the
        endpoint's own for this query.
        """
        from .graph import CimoGraph

        if self.check_syntax:
            prepare(text)  # the syntax check, which refuses SERVICE from the same parse
        else:
            refuse_service(text)
        if timeout is not None:
            endpoint = replace(self.endpoint, timeout=timeout)
            endpoint._probed = self.endpoint._probed
            return RemoteGraph(endpoint, check_syntax=False).sparql(text, raw=raw, **bindings)
        terms = {
            name: value if isinstance(value, Node) else Literal(value)
            for name, value in bindings.items()
        }
        full = prefix_lines(text) + with_values(text, list(terms), [list(terms.values())])
        form = query_form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            graph = self.endpoint.query(full, accept="turtle")
            # Virtuoso cuts a CONSTRUCT at its cap plus one triple (10,001)
            if self.endpoint.may_be_cut(len(graph), triples=True):
                graph = self._constructed_whole(full, form, len(graph))
            return CimoGraph(graph)
        result = self.endpoint.query(full)
        if form == "ASK":
            if "boolean" not in result:
                raise MalformedResponseError(self.endpoint.url, "an ASK answer without 'boolean'")
            return bool(result["boolean"])
        columns, rows = self._rows(result)
        if self.endpoint.may_be_cut(len(rows)):
            columns, rows = self._whole(full, result)
        return to_frame(
            columns, [[row[c] for c in columns] for row in rows], self._names_manager, raw=raw
        )


def connect(
    endpoint_url: str,
    graph: str | None = None,
    auth: tuple[str, str] | None = None,
    timeout: float = 30.0,
    *,
    auth_scheme: str = "basic",
    retries: int = 3,
    check_syntax: bool = True,
    max_bytes: int = MAX_BYTES,
    cap: int | None = None,
    allow_redirects: bool = False,
) -> RemoteGraph:
    """Connect to a SPARQL endpoint holding CIMO studies.

    Parameters
    ----------
    endpoint_url
        The SPARQL endpoint, for example ``http://localhost:8890/sparql``.
    graph
        The named graph to query (sent as ``default-graph-uri``); ``None`` for the
        endpoint's default graph.
    auth
        ``(user, password)``, with ``auth_scheme`` ``"basic"`` or ``"digest"``.
    timeout
        Seconds one question may take in all: connecting, reading the answer, and any
        retries with their pauses (a server trickling its answer is cut off here too).
    retries
        How often to retry transient failures (HTTP 429, 502, 503, 504).
    max_bytes
        The largest answer read, in bytes (256 MiB by default); a larger one raises
        :class:`~cimo_graph.ResponseTooLargeError` without being read whole.
    cap
        The number of rows at which the server cuts every answer without saying so
        (Virtuoso's ``ResultSetMaxRows``). Left out, it is learnt the first time an
        answer reaches 100 rows, with one request for 100,001 generated rows. Either way,
        an answer at the cap is read again whole, in ordered pages.
    allow_redirects
        Follow the server's redirects to another origin (another host, port or scheme);
        refused by default. Credentials never follow a redirect to another origin.

    Returns
    -------
    RemoteGraph
        With the helpers of a local graph: ``interventions_for``, ``query``, ``sparql``...

    Raises
    ------
    InvalidIRIError
        ``endpoint_url`` is not an http(s) URL, or ``graph`` is not an IRI.
    RemoteError
        On use, as the endpoint fails: EndpointUnreachableError, EndpointTimeoutError,
        EndpointAuthError, EndpointClientError, EndpointServerError,
        MalformedResponseError, ResponseTooLargeError, RemoteSyntaxError.
    """
    endpoint = Endpoint(
        endpoint_url,
        graph=graph,
        auth=auth,
        auth_scheme=auth_scheme,
        timeout=timeout,
        retries=retries,
        max_bytes=max_bytes,
        cap=cap,
        allow_redirects=allow_redirects,
    )
    return RemoteGraph(endpoint, check_syntax=check_syntax)
