"""``cimo-graph serve``: a read-only SPARQL endpoint over a study, answered by Oxigraph.

The study is loaded into a private Oxigraph store in a temporary folder, which worker
processes open read-only (``pyoxigraph``); they take queries over pipes from this
process only, so no other local program can reach the store by a port of its own. In
front of them, at ``http://HOST:PORT/query``, an HTTP server reads each request strictly
(one Host naming this server, one Content-Type and Content-Length, no Content-Encoding
or Transfer-Encoding, a body of at most :data:`MAX_REQUEST_BYTES` sent within
:data:`REQUEST_SECONDS`), refuses a query holding a ``SERVICE`` clause as SPARQL's grammar
reads it (HTTP 400), and answers the rest as the SPARQL 1.1 Protocol says (JSON, XML,
CSV or TSV results; Turtle, N-Triples, RDF/XML, JSON-LD, TriG or N-Quads graphs, by the
request's Accept). A query that runs past ``timeout`` seconds ends its worker (HTTP 503)
and a new one takes its place. Updates are refused (HTTP 403).

The workers end and the store is deleted when the block ends (also by an exception,
Ctrl-C, or a signal the caller turned into one), and the workers end when this process
dies; a store left behind by a process that was killed outright (SIGKILL) is deleted the
next time a server starts.
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rdflib import Graph

from .errors import QueryRefusedError, ServeError
from .sparql import refuse_service

__all__ = [
    "MAX_REQUEST_BYTES",
    "QUERY_TIMEOUT",
    "REQUEST_SECONDS",
    "WORKERS",
    "allowed_hosts",
    "oxigraph_command",
    "request_problem",
    "serving",
    "stop_on_signals",
]

#: Seconds Oxigraph spends on one query before it gives up (``serve --timeout``).
QUERY_TIMEOUT = 60
#: The largest request body read (a query, or a form holding one), in bytes.
MAX_REQUEST_BYTES = 2**20
#: Seconds a client has to send a request's head, and then its body.
REQUEST_SECONDS = 10
#: Worker processes answering queries side by side.
WORKERS = 2
_PREFIX = "cimo-graph-serve-"
#: Headers a request may carry once only: two of them are read differently by different
#: readers (the first by one, the last by another), so they are refused.
_SINGLE = ("host", "content-type", "content-length", "content-encoding", "transfer-encoding")
_RESULTS = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
_GRAPHS = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "text/plain": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
    "application/trig": "TRIG",
    "application/n-quads": "N_QUADS",
}


def oxigraph_command() -> str:
    """The path of the ``oxigraph`` command (from the ``oxigraph`` package), which loads
    the store in bulk."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise ServeError("The Oxigraph server is not installed: pip install oxigraph")
    return found


class _Answer(Exception):
    """An HTTP answer other than the query's own: (status, text)."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


@contextmanager
def serving(
    graph: Graph,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    startup: float = 30.0,
    timeout: float = QUERY_TIMEOUT,
    cors: str | None = None,
    workers: int = WORKERS,
) -> Iterator[tuple[str, threading.Event]]:
    """Serve ``graph`` read-only; yield the query URL and an event set once the server
    has stopped (``stopped.wait()`` blocks until then).

    ``cors`` lets pages of that origin (``https://yasgui.example.org``, or ``*`` for any)
    query the endpoint from a browser; without it, browsers keep other sites' pages out.

    The server stops, and its store is deleted, when the block ends (also by an
    exception, Ctrl-C, or a signal the caller turned into one).
    """
    allowed = cors_origin(cors) if cors is not None else None
    command = oxigraph_command()
    _sweep_stale_stores()
    with tempfile.TemporaryDirectory(prefix=f"{_PREFIX}{os.getpid()}-") as folder:
        data = Path(folder) / "study.nt"
        data.write_text(graph.serialize(format="nt"), encoding="utf-8")
        store = Path(folder) / "store"
        loaded = subprocess.run(
            [command, "load", "--location", str(store), "--file", str(data)],
            capture_output=True,
            text=True,
            check=False,
        )
        data.unlink()
        if loaded.returncode != 0:
            raise ServeError(f"Oxigraph could not load the study: {loaded.stderr.strip()}")
        engine = _Engine(store, timeout, workers, startup)
        stopped = threading.Event()
        try:
            guard = _guard(host, port, engine, allowed, stopped)
            try:
                yield f"http://{_url_host(host)}:{guard.server_address[1]}/query", stopped
            finally:
                guard.shutdown()
                guard.server_close()
                stopped.set()
        finally:
            engine.close()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP (a closed terminal) stop the process as Ctrl-C
    does, so that ``serving`` cleans up; so does the death of the parent process.

    For the process that runs ``cimo-graph serve``; the handlers before are restored.
    """
    import signal

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    wanted = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    before = {signum: signal.signal(signum, interrupt) for signum in wanted}
    _die_with_parent()  # Linux sends SIGTERM when the parent dies
    parent = os.getppid()
    watching = threading.Event()

    def watch() -> None:  # elsewhere: notice a new parent (the old one died)
        while not watching.wait(1.0):
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=watch, name="cimo-graph-parent", daemon=True).start()
    try:
        yield
    finally:
        watching.set()
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _die_with_parent() -> None:
    """In the child, before it runs: ask Linux to end it when its parent dies, so that no
    server outlives the process that started it, however that process ends."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the block's end still stops it
        pass


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _sweep_stale_stores() -> None:
    """Delete the stores that servers of processes now dead left in the temporary folder
    (a process killed outright cleans nothing up)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*-*"):
        pid = folder.name[len(_PREFIX) :].split("-", 1)[0]
        try:
            if not pid.isdigit() or folder.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # alive but another user's, or the folder went meanwhile
            continue


class _Engine:
    """Worker processes, each holding the store open read-only, answering one query at a
    time over its pipes; a worker past the time limit is killed and replaced."""

    def __init__(self, store: Path, timeout: float, count: int, startup: float) -> None:
        self.store = store
        self.timeout = timeout
        self.idle: queue.Queue[subprocess.Popen[bytes]] = queue.Queue()
        self.started: list[subprocess.Popen[bytes]] = []
        self.lock = threading.Lock()
        self.closed = False
        try:
            for _ in range(max(1, count)):
                self.idle.put(self._start(startup))
        except BaseException:
            self.close()
            raise

    def _start(self, startup: float) -> subprocess.Popen[bytes]:
        log = self.store.parent / f"worker-{len(self.started)}.log"
        with log.open("wb") as errors:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from cimo_graph.serve import _worker_main; _worker_main()",
                    str(self.store),
                    str(max(1, round(self.timeout)) + 5),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        with self.lock:
            self.started.append(worker)
        try:
            ready = _read_frame(worker.stdout, time.monotonic() + startup)
        except (TimeoutError, EOFError, OSError):
            ready = None
        if ready != b"ready":
            worker.kill()
            worker.wait()
            said = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            raise ServeError(
                "the query worker did not start"
                + (f": {said[-1]}" if said else f" within {startup:g} s")
            )
        return worker

    def answer(self, query: str, accept: str) -> tuple[int, str, bytes]:
        """The worker's (status, media type, body) for ``query``."""
        deadline = time.monotonic() + self.timeout
        try:
            worker = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            raise _Answer(503, "every query worker is busy; ask again later") from None
        try:
            if worker.stdin is None or worker.stdout is None:  # never: started with pipes
                raise _Answer(500, "a query worker has no pipes")
            worker.stdin.write(_frame(json.dumps({"query": query, "accept": accept}).encode()))
            worker.stdin.flush()
            head = json.loads(_read_frame(worker.stdout, deadline))
            body = _read_frame(worker.stdout, deadline)
        except (TimeoutError, EOFError, OSError, ValueError) as error:
            worker.kill()
            worker.wait()
            if not self.closed:
                worker = self._start(30.0)
            if isinstance(error, TimeoutError):
                reason = f"the query ran past the endpoint's limit of {self.timeout:g} s"
            else:
                reason = "the query's worker failed while answering (it has been replaced)"
            raise _Answer(503, reason) from None
        finally:
            self.idle.put(worker)
        return int(head["status"]), str(head["type"]), body

    def close(self) -> None:
        self.closed = True
        with self.lock:
            workers = list(self.started)
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait()
            for stream in (worker.stdin, worker.stdout):
                if stream is not None:
                    stream.close()


def _frame(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def _read_exactly(stream: Any, size: int, deadline: float | None) -> bytes:
    """``size`` bytes of ``stream`` (a pipe), by ``deadline`` (monotonic seconds)."""
    chunks, left = [], size
    descriptor = stream.fileno()
    while left:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([descriptor], [], [], remaining)[0]:
                raise TimeoutError
        chunk = os.read(descriptor, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(stream: Any, deadline: float | None = None) -> bytes:
    size = int.from_bytes(_read_exactly(stream, 8, deadline), "big")
    return _read_exactly(stream, size, deadline)


def _worker_main() -> None:
    """A query worker: open the store (``argv[1]``) read-only, say ``ready``, then answer
    each query framed on standard input, framed on standard output. An alarm of
    ``argv[2]`` seconds ends a query that would not end (Oxigraph's own work cannot be
    interrupted otherwise), also when the server that asked has died; the end of
    standard input (the server closed it, or died) ends the worker."""
    import signal

    import pyoxigraph as ox

    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # nothing printed can corrupt the replies
    requests = sys.stdin.buffer
    alarm = int(sys.argv[2])
    store = ox.Store.read_only(sys.argv[1])
    replies.write(_frame(b"ready"))
    replies.flush()
    while True:
        try:
            request = json.loads(_read_frame(requests))
        except EOFError:
            return
        signal.alarm(alarm)  # the default action of SIGALRM ends the process
        status, media, body = _evaluate(ox, store, request["query"], request["accept"])
        signal.alarm(0)
        replies.write(_frame(json.dumps({"status": status, "type": media}).encode()))
        replies.write(_frame(body))
        replies.flush()


def _evaluate(ox: Any, store: Any, query: str, accept: str) -> tuple[int, str, bytes]:
    """Run ``query`` on ``store``; its answer in the format ``accept`` prefers."""
    text = "text/plain; charset=utf-8"
    try:
        result = store.query(query)
    except SyntaxError as error:
        return 400, text, str(error).encode()
    except Exception as error:  # Oxigraph's evaluation errors
        return 500, text, str(error).encode()
    graph = isinstance(result, ox.QueryTriples)
    offered = _GRAPHS if graph else _RESULTS
    media = negotiate(accept, offered)
    if media is None:
        return 406, text, f"none of {accept!r} is offered: {', '.join(offered)}".encode()
    formats = ox.RdfFormat if graph else ox.QueryResultsFormat
    try:
        body = result.serialize(format=getattr(formats, offered[media]))
    except Exception as error:
        return 500, text, str(error).encode()
    return 200, media + ("; charset=utf-8" if media.startswith("text/") else ""), body


def negotiate(accept: str, offered: Mapping[str, str]) -> str | None:
    """The media type of ``offered`` that the Accept header ``accept`` prefers (the first
    offered for ``*/*`` or no header), or None where it accepts none of them.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", _RESULTS)
    'application/sparql-results+xml'
    >>> negotiate("", _GRAPHS), negotiate("image/png", _GRAPHS)
    ('text/turtle', None)
    """
    choices = []
    for position, item in enumerate((accept or "*/*").split(",")):
        media, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and media:
            choices.append((-quality, position, media.lower()))
    for _, _, media in sorted(choices):
        if media in offered:
            return media
        kind = media.split("/")[0]
        for candidate in offered:
            if media == "*/*" or (media.endswith("/*") and candidate.split("/")[0] == kind):
                return candidate
    return None


def allowed_hosts(host: str) -> frozenset[str] | None:
    """The names a request's Host header may give for a server bound to ``host``; None
    where any IP address may (a server on every address), names never but these.

    A web page that a browser loaded from another name, which its owner then points at
    this machine (DNS rebinding), sends that name as Host, and is refused.

    >>> sorted(allowed_hosts("127.0.0.1"))
    ['127.0.0.1', '::1', 'localhost']
    """
    loopback = {"localhost", "127.0.0.1", "::1"}
    if host in ("", "0.0.0.0", "::"):
        return None
    if host.lower() in loopback or host.startswith("127."):
        return frozenset(loopback | {host.lower()})
    return frozenset({host.lower(), *loopback})


def _host_name(value: str) -> str:
    """The name of a Host header, without its port: ``[::1]:7878`` gives ``::1``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _is_address(name: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in name else socket.AF_INET, name)
    except OSError:
        return False
    return True


def request_problem(
    command: str, headers: Message, hosts: frozenset[str] | None
) -> tuple[int, str] | None:
    """Why the request with ``headers`` is refused, as (HTTP status, reason), or None.

    >>> from email.message import Message
    >>> head = Message()
    >>> head["Host"] = "attacker.example:7878"
    >>> request_problem("GET", head, allowed_hosts("127.0.0.1"))
    (421, "the Host 'attacker.example:7878' does not name this server")
    """
    for name in _SINGLE:
        if len(headers.get_all(name) or []) > 1:
            return 400, f"the request holds {name.title()} twice"
    given = headers.get("Host")
    if given is not None:
        name = _host_name(given)
        if not (name in (hosts or ()) or (hosts is None and _is_address(name))):
            return 421, f"the Host {given!r} does not name this server"
    if headers.get("Transfer-Encoding") is not None:
        return 411, "send the body with a Content-Length, not a Transfer-Encoding"
    encoding = headers.get("Content-Encoding")
    if encoding is not None and encoding.strip().lower() != "identity":
        return 415, "bodies are taken as sent: no Content-Encoding"
    length = headers.get("Content-Length")
    if length is not None:
        if not (length.strip().isascii() and length.strip().isdigit()):
            return 400, f"the Content-Length {length!r} is not a number of bytes"
        if int(length) > MAX_REQUEST_BYTES:
            return 413, f"the body is over {MAX_REQUEST_BYTES:,} bytes"
    elif command == "POST":
        return 411, "a POST needs a Content-Length"
    if command == "POST":
        kind = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            return 415, (
                "POST a query as application/sparql-query, or as a form "
                "(application/x-www-form-urlencoded)"
            )
    return None


def query_text(path: str, content_type: str | None, body: bytes | None) -> str:
    """The SPARQL query of a request to a SPARQL 1.1 Protocol endpoint: in the URL (GET)
    or the body (POST), once. Raises ``_Answer`` (400) for none, two, or both.

    >>> query_text("/query?query=ASK%20%7B%7D", None, None)
    'ASK {}'
    >>> query_text("/query", "application/sparql-query", b"SELECT * {}")
    'SELECT * {}'
    """
    try:
        texts = parse_qs(urlsplit(path).query, keep_blank_values=True, errors="strict").get(
            "query", []
        )
        kind = (content_type or "").split(";")[0].strip().lower()
        if body:
            if kind == "application/sparql-query":
                texts.append(body.decode("utf-8"))
            elif kind == "application/x-www-form-urlencoded":
                form = parse_qs(body.decode("ascii"), keep_blank_values=True, errors="strict")
                texts += form.get("query", [])
    except UnicodeDecodeError:
        raise _Answer(400, "the query is not UTF-8 text") from None
    if len(texts) != 1:
        raise _Answer(400, "give one query: a query= parameter, or the body of a POST")
    return texts[0]


def cors_origin(text: str) -> str:
    """The origin ``serve --cors`` allows: ``*`` or ``scheme://host[:port]``, nothing else
    (no path, no spaces, no second origin).

    >>> cors_origin("https://yasgui.example.org/")
    'https://yasgui.example.org'
    >>> cors_origin("*")
    '*'
    """
    import re

    origin = text.strip().rstrip("/")
    if origin == "*" or re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
        return origin
    raise ServeError(
        f"--cors {text!r}: give one origin, as a browser sends it "
        "(https://yasgui.example.org, http://localhost:8080), or * for any."
    )


#: what a browser may send across origins to the endpoint (a read-only SPARQL protocol)
_CORS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "600",
}


def _guard(
    host: str,
    port: int,
    engine: _Engine,
    cors: str | None,
    stopped: threading.Event,
) -> ThreadingHTTPServer:
    """The HTTP server in front of the workers (see the module), serving in a thread; it
    answers cross-origin requests for ``cors`` only."""
    hosts = allowed_hosts(host)

    class Guard(BaseHTTPRequestHandler):
        server_version = "cimo-graph-serve"
        timeout = REQUEST_SECONDS  # for the request's head and body alike

        def log_message(self, *args: Any) -> None:  # quiet, as Oxigraph's own server
            pass

        def _cors_headers(self) -> None:
            if cors is not None:
                self.send_header("Access-Control-Allow-Origin", cors)
                if cors != "*":
                    self.send_header("Vary", "Origin")

        def do_OPTIONS(self) -> None:
            problem = request_problem(self.command, self.headers, hosts)
            if problem is not None:
                return self._answer(problem[0], problem[1].encode())
            self.send_response(204)
            if cors is not None and self.headers.get("Access-Control-Request-Method"):
                self._cors_headers()
                for key, value in _CORS.items():
                    self.send_header(key, value)
            self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()

        def _query(self) -> None:
            try:
                problem = request_problem(self.command, self.headers, hosts)
                if problem is not None:
                    raise _Answer(*problem)
                path = urlsplit(self.path).path
                if path in ("/update", "/store"):
                    raise _Answer(403, "this endpoint is read-only")
                if path not in ("/query", "/sparql"):
                    raise _Answer(404, "the SPARQL endpoint is at /query")
                body = self._body()
                query = query_text(self.path, self.headers.get("Content-Type"), body)
                try:
                    refuse_service(query)
                except QueryRefusedError as error:
                    raise _Answer(400, str(error)) from None
                status, media, answer = engine.answer(query, self.headers.get("Accept") or "")
            except _Answer as refused:
                return self._answer(refused.status, refused.text.encode("utf-8"))
            self._answer(status, answer, media)

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            if not length:
                return b""
            try:
                body = self.rfile.read(length)
            except TimeoutError:
                raise _Answer(408, f"the body was not sent within {REQUEST_SECONDS} s") from None
            if len(body) != length:
                raise _Answer(400, "the body is shorter than its Content-Length")
            return body

        def _answer(
            self, status: int, text: bytes, media: str = "text/plain; charset=utf-8"
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(text)))
            self._cors_headers()
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(text)

        do_GET = do_POST = do_HEAD = _query

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that went away or sent half a request: nothing to print

    try:
        server = Server((host, port), Guard)
    except OSError as error:
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None

    def serve() -> None:
        try:
            server.serve_forever()
        finally:
            stopped.set()

    threading.Thread(target=serve, name="cimo-graph-serve", daemon=True).start()
    return server
