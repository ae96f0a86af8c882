"""``cimo-graph serve``: a read-only SPARQL endpoint over a study, served by Oxigraph.

The study is loaded into a private Oxigraph store in a temporary folder, and Oxigraph's
own server answers SPARQL at ``http://HOST:PORT/query``; in read-only mode it refuses
updates.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import Graph

from .errors import ServeError

__all__ = ["oxigraph_command", "serving"]


def oxigraph_command() -> str:
    """The path of the ``oxigraph`` server (from the ``oxigraph`` package)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise ServeError("The Oxigraph server is not installed: pip install oxigraph")
    return found


@contextmanager
def serving(
    graph: Graph, *, host: str = "127.0.0.1", port: int = 7878, startup: float = 30.0
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve ``graph`` read-only; yield the query URL and the server process.

    The server stops, and its store is deleted, when the block ends.
    """
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
        process = subprocess.Popen(
            [command, "serve-read-only", "--location", str(store), "--bind", f"{host}:{port}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = f"http://{host}:{port}/query"
        try:
            _wait(url, process, startup)
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


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
