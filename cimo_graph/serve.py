"""``cimo-graph serve``: a read-only SPARQL endpoint over a study, served by Oxigraph.

The study is loaded into a private Oxigraph store in a temporary folder, and Oxigraph's
own server answers SPARQL on a private port of 127.0.0.1. In front of it, at
``http://HOST:PORT/``, a small guard passes every request on except a query holding a
``SERVICE`` clause, which it refuses (HTTP 400): the server sends no query elsewhere.
Oxigraph runs read-only (it refuses updates) and stops any query after ``timeout``
seconds. The server stops and its store is deleted when the block ends, and the server
also stops if the Python process that started it dies.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rdflib import Graph

from .errors import QueryRefusedError, ServeError
from .sparql import refuse_service

__all__ = ["QUERY_TIMEOUT", "oxigraph_command", "serving", "stop_on_signals"]

#: Seconds Oxigraph spends on one query before it gives up (``serve --timeout``).
QUERY_TIMEOUT = 60
#: Headers that belong to one connection, not to the answer passed on.
_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host"}


def oxigraph_command() -> str:
    """The path of the ``oxigraph`` server (from the ``oxigraph`` package)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise ServeError("The Oxigraph server is not installed: pip install oxigraph")
    return found


@contextmanager
def serving(
    graph: Graph,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    startup: float = 30.0,
    timeout: float = QUERY_TIMEOUT,
    cors: str | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve ``graph`` read-only; yield the query URL and the Oxigraph server process.

    ``cors`` lets pages of that origin (``https://yasgui.example.org``, or ``*`` for any)
    query the endpoint from a browser; without it, browsers keep other sites' pages out.

    The server stops, and its store is deleted, when the block ends (also by an
    exception, Ctrl-C, or a signal the caller turned into one).
    """
    allowed = cors_origin(cors) if cors is not None else None
    command = oxigraph_command()
    with tempfile.TemporaryDirectory(prefix="cimo-graph-serve-") as folder:
        data = Path(folder) / "study.nt"
        data.write_text(graph.serialize(format="nt"), encoding="utf-8")
        store = Path(folder) / "store"
        loaded = subprocess.run(
            [command, "load", "--location", str(store), "--file", str(data)],
            capture_output=True,
            text=True,
            check=False,
        )
        if loaded.returncode != 0:
            raise ServeError(f"Oxigraph could not load the study: {loaded.stderr.strip()}")
        inner = f"127.0.0.1:{_free_port()}"
        process = subprocess.Popen(
            [
                command,
                "serve-read-only",
                "--location",
                str(store),
                "--bind",
                inner,
                "--timeout-s",
                str(max(1, round(timeout))),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=_die_with_parent,
        )
        try:
            _wait(f"http://{inner}/query", process, startup)
            guard = _guard(host, port, f"http://{inner}", timeout, allowed)
            try:
                yield f"http://{host}:{guard.server_address[1]}/query", process
            finally:
                guard.shutdown()
                guard.server_close()
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP (a closed terminal) stop the process as Ctrl-C
    does, so that ``serving`` cleans up; so does the death of the parent process.

    For the process that runs ``cimo-graph serve``; the handlers before are restored.
    """
    import os
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


def query_text(path: str, content_type: str | None, body: bytes | None) -> str | None:
    """The SPARQL query of a request to a SPARQL 1.1 Protocol endpoint, if it has one.

    >>> query_text("/query?query=ASK%20%7B%7D", None, None)
    'ASK {}'
    >>> query_text("/query", "application/sparql-query", b"SELECT * {}")
    'SELECT * {}'
    """
    texts = parse_qs(urlsplit(path).query).get("query", [])
    kind = (content_type or "").split(";")[0].strip().lower()
    if body:
        if kind == "application/sparql-query":
            texts.append(body.decode("utf-8", "replace"))
        elif kind == "application/x-www-form-urlencoded":
            texts += parse_qs(body.decode("utf-8", "replace")).get("query", [])
    return "\n".join(texts) if texts else None


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
    host: str, port: int, upstream: str, timeout: float, cors: str | None = None
) -> ThreadingHTTPServer:
    """The HTTP server in front of Oxigraph (see the module), serving in a thread; it
    answers cross-origin requests for ``cors`` only, whatever Oxigraph would say."""
    from urllib.error import HTTPError, URLError
    from urllib.request import Request, urlopen

    class Guard(BaseHTTPRequestHandler):
        server_version = "cimo-graph-serve"

        def log_message(self, *args: Any) -> None:  # quiet, as Oxigraph's own server
            pass

        def _cors_headers(self) -> None:
            if cors is not None:
                self.send_header("Access-Control-Allow-Origin", cors)
                if cors != "*":
                    self.send_header("Vary", "Origin")

        def _preflight(self) -> None:
            if cors is None or self.headers.get("Access-Control-Request-Method") is None:
                return self._forward()
            self.send_response(204)
            self._cors_headers()
            for key, value in _CORS.items():
                self.send_header(key, value)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            query = query_text(self.path, self.headers.get("Content-Type"), body)
            if query is not None:
                try:
                    refuse_service(query)
                except QueryRefusedError as error:
                    return self._answer(400, str(error).encode("utf-8"))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            request = Request(upstream + self.path, data=body, headers=headers)
            request.method = self.command
            try:
                response = urlopen(request, timeout=timeout + 5)
            except HTTPError as error:
                response = error
            except (URLError, OSError) as error:
                return self._answer(502, f"the SPARQL server did not answer: {error}".encode())
            with response:
                self.send_response(response.status)
                for key, value in response.headers.items():
                    name = key.lower()
                    if (
                        name not in _HOP
                        and name != "content-length"
                        and name != "vary"
                        and (not name.startswith("access-control-"))
                    ):
                        self.send_header(key, value)
                self._cors_headers()
                self.send_header("Connection", "close")
                self.end_headers()
                while piece := response.read(1 << 16):
                    self.wfile.write(piece)

        def _answer(self, status: int, text: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(text)))
            self._cors_headers()
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(text)

        do_GET = do_POST = do_HEAD = _forward
        do_OPTIONS = _preflight

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    try:
        server = Server((host, port), Guard)
    except OSError as error:
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    threading.Thread(target=server.serve_forever, name="cimo-graph-serve", daemon=True).start()
    return server


def _wait(url: str, process: subprocess.Popen, startup: float) -> None:
    from urllib.error import URLError
    from urllib.parse import quote
    from urllib.request import urlopen

    deadline = time.monotonic() + startup
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise ServeError(f"Oxigraph stopped at start: {output.strip()}")
        try:
            with urlopen(f"{url}?query={quote('ASK {}')}", timeout=2) as response:
                if response.status == 200:
                    return
        except (URLError, OSError):
            time.sleep(0.1)
    raise ServeError(f"Oxigraph did not answer at {url} within {startup:g} s")
