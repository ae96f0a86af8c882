"""Real SPARQL servers for the tests: Virtuoso Open Source and `cimo-graph serve`."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import URLError
from urllib.parse import quote
from urllib.request import urlopen

VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float, process: subprocess.Popen | None = None) -> float:
    """Wait until ``url`` answers ASK {} with 200; return how long that took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit {process.returncode})")
        try:
            with urlopen(f"{url}?query={quote('ASK {}')}", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except (URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} within {seconds} s")


class Virtuoso:
    """A private Virtuoso: own database folder, own ports, SPARQL at /sparql and, with
    digest authentication (dba/dba), updates at /sparql-auth."""

    def __init__(self, folder: Path, *, max_rows: int | None = None) -> None:
        self.folder = folder
        self.max_rows = max_rows  # its cap on every answer; None: the packaged 10,000
        self.http_port = free_port()
        self.sql_port = free_port()
        self.url = f"http://127.0.0.1:{self.http_port}/sparql"
        self.update_url = f"http://127.0.0.1:{self.http_port}/sparql-auth"
        self.graph_store_url = f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"
        self.process: subprocess.Popen | None = None
        self.start_seconds: float | None = None
        self._configure()

    def _configure(self) -> None:
        text = VIRTUOSO_INI.read_text(encoding="utf-8")
        text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{self.folder}/")
        text = re.sub(r"(?m)^ServerPort\s*=\s*1111\b", f"ServerPort = {self.sql_port}", text)
        text = re.sub(r"(?m)^ServerPort\s*=\s*8890\b", f"ServerPort = {self.http_port}", text)
        text = re.sub(
            r"(?m)^DirsAllowed\s*=.*$",
            f"DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad, {self.folder}",
            text,
        )
        # Virtuoso refuses a query whose cost it estimates above this, and its estimate
        # of the themes listing came out at 657 to 2,747 s on a loaded machine (the query
        # takes milliseconds); OpenLink advises leaving the setting out except to debug
        text = re.sub(r"(?m)^MaxQueryCostEstimationTime\s*=", ";MaxQueryCostEstimationTime =", text)
        if self.max_rows is not None:
            text = re.sub(
                r"(?m)^ResultSetMaxRows\s*=.*$", f"ResultSetMaxRows = {self.max_rows}", text
            )
        (self.folder / "virtuoso.ini").write_text(text, encoding="utf-8")

    def start(self) -> float:
        started = time.monotonic()
        self.process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.url, 90, self.process)
        self.start_seconds = time.monotonic() - started
        return self.start_seconds

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class Served:
    """`cimo-graph serve` on a free port, in its own process."""

    def __init__(self, study: str | None = None, options: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        command = [sys.executable, "-m", "cimo_graph", "serve", "--port", str(self.port)]
        command += options
        if study:
            command.insert(4, study)
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.start_seconds = wait_for(self.url, 60, self.process)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Oxigraph:
    """A private read-write Oxigraph server (the `oxigraph` command of the `oxigraph`
    package): SPARQL at /query, updates at /update, a store in ``folder``."""

    def __init__(self, folder: Path) -> None:
        from cimo_graph.serve import oxigraph_command

        port = free_port()
        self.url = f"http://127.0.0.1:{port}/query"
        self.update_url = f"http://127.0.0.1:{port}/update"
        self.graph_store_url = f"http://127.0.0.1:{port}/store"
        self.process = subprocess.Popen(
            [oxigraph_command(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.url, 30, self.process)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class StubEndpoint:
    """A misbehaving SPARQL endpoint for the fault tests, answering by path:

    ``/ok`` a valid ASK answer; ``/html`` a 200 HTML page; ``/flaky`` 503 (Retry-After: 0)
    twice, then a valid answer; ``/busy`` always 429; ``/broken`` always 500; ``/slow``
    after 3 s. The attacks: ``/drip`` one byte a second; ``/later`` 503 with Retry-After:
    3600; ``/huge`` 8 MiB with its length, ``/huge-unsized`` without; ``/cut`` closes the
    connection part-way; ``/bad-iri`` answers an IRI holding ``>``; ``/redirect?to=URL``
    redirects (302) to URL. ``requests`` records (method, path, user agent) of every
    request, ``authorizations`` (path, Authorization header or None).
    """

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        stub = self
        self.requests: list[tuple[str, str, str]] = []
        self.authorizations: list[tuple[str, str | None]] = []
        self.flaky_left = 2

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def _answer(self):
                path = self.path.split("?", 1)[0]
                stub.requests.append((self.command, path, self.headers.get("User-Agent", "")))
                stub.authorizations.append((path, self.headers.get("Authorization")))
                if self.command == "POST":
                    self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ok = b'{"head": {}, "boolean": true}'
                if path == "/ok":
                    return self._send(200, ok, "application/sparql-results+json")
                if path == "/redirect":
                    from urllib.parse import parse_qs, urlsplit

                    to = parse_qs(urlsplit(self.path).query)["to"][0]
                    return self._send(302, b"moved", "text/plain", {"Location": to})
                if path == "/html":
                    return self._send(200, b"<html><body>Maintenance</body></html>", "text/html")
                if path == "/flaky":
                    if stub.flaky_left > 0:
                        stub.flaky_left -= 1
                        return self._send(503, b"busy", "text/plain", {"Retry-After": "0"})
                    return self._send(200, ok, "application/sparql-results+json")
                if path == "/busy":
                    return self._send(429, b"slow down", "text/plain", {"Retry-After": "0"})
                if path == "/broken":
                    return self._send(500, b"internal error", "text/plain")
                if path == "/estimate":  # Virtuoso's refusal by its cost estimate
                    return self._send(
                        500,
                        b"Virtuoso 42000 Error The estimated execution time 2747 (sec) "
                        b"exceeds the limit of 400 (sec).",
                        "text/plain",
                    )
                if path == "/slow":
                    time.sleep(3)
                    return self._send(200, ok, "application/sparql-results+json")
                if path == "/drip":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/sparql-results+json")
                    self.end_headers()
                    try:
                        for byte in ok * 100:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(1)
                    except OSError:
                        pass
                    return None
                if path == "/later":
                    return self._send(503, b"busy", "text/plain", {"Retry-After": "3600"})
                if path in ("/huge", "/huge-unsized"):
                    self.send_response(200)
                    self.send_header("Content-Type", "application/sparql-results+json")
                    if path == "/huge":
                        self.send_header("Content-Length", str(8 * 2**20))
                    self.end_headers()
                    try:
                        for _ in range(128):
                            self.wfile.write(b" " * 2**16)
                    except OSError:
                        pass
                    return None
                if path == "/cut":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/sparql-results+json")
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    self.wfile.write(b'{"head": {"vars": ["s"]}, "res')
                    self.wfile.flush()
                    self.close_connection = True
                    return None
                if path == "/bad-iri":
                    body = (
                        b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": '
                        b'{"type": "uri", "value": "http://x/> ; DROP ALL ; <urn:z"}}]}}'
                    )
                    return self._send(200, body, "application/sparql-results+json")
                return self._send(404, b"no such endpoint", "text/plain")

            def _send(self, status, body, kind, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = _answer
            do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def remote_copy(kg, kind: str, folder: Path, graph: str):
    """Yield ``kg`` behind a real endpoint, connected: ``"serve"`` (`cimo-graph serve` on
    a Turtle copy) or ``"virtuoso"`` (published to a Virtuoso of its own, in ``graph``).
    Skips, saying why, where the server is missing (never under CI: the suite's setup
    installs both)."""
    import pytest

    import cimo_graph as cg

    if kind == "virtuoso":
        if VIRTUOSO is None or not VIRTUOSO_INI.exists():
            pytest.skip(
                "Virtuoso is not installed: `apt-get install virtuoso-opensource` "
                "(scripts/test.sh does, as root)"
            )
        # a Virtuoso of its own: the suite's shared one holds the bundled study, and the
        # plans its optimiser makes for the other tests' queries change with what it holds
        server = Virtuoso(folder)
        server.start()
        try:
            kg.publish(server.update_url, graph, auth=("dba", "dba"))
            yield cg.connect(server.url, graph=graph)
        finally:
            server.stop()
        return
    try:
        import cimo_graph.serve as serve_module

        serve_module.oxigraph_command()
    except cg.ServeError as error:
        pytest.skip(str(error))
    path = folder / "copy.ttl"
    kg.serialize(path)
    served = Served(str(path))
    try:
        yield cg.connect(served.url)
    finally:
        served.stop()
