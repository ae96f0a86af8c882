"""Keeping a large graph: an Oxigraph store on disk, reopened instead of parsed again.

``cg.load(path, location=DIR)`` parses ``path`` once into an Oxigraph store in the folder
``DIR`` and writes beside it what it was made from (``cimo-graph-store.json``: each source
file's path, size and modification time, the triple count and the prefixes). The next
``cg.load(path, location=DIR)`` finds the same sources unchanged and opens the store as
it is: no parsing. A changed source (or a store whose triple count no longer matches)
is loaded again into the same folder. A folder that holds anything else is never touched.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from ._files import write_text
from .errors import CimoGraphError

__all__ = ["MANIFEST", "kept_graph"]

#: The graphs of the stores open in this process, by folder (Oxigraph lets one open a
#: store on disk at a time; a notebook cell run again shares the store instead)
_OPEN: dict[str, weakref.ref[Graph]] = {}

#: The file in a kept store's folder that says what the store was made from.
MANIFEST = "cimo-graph-store.json"
_FORMAT = 1


def fingerprint(sources: list[Path]) -> list[dict[str, Any]]:
    """Path, size and modification time of each source file (every file of a folder)."""
    files: list[Path] = []
    for source in sources:
        path = Path(source).absolute()
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file())
        else:
            files.append(path)
    out = []
    for path in files:
        stat = path.stat()
        out.append({"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    return out


def kept_graph(
    sources: list[Path], location: Path | str, build: Callable[[Graph], None]
) -> tuple[Graph, bool]:
    """The graph of ``sources`` in the Oxigraph store at ``location``, and whether it was
    reopened (``True``) or built now by ``build(graph)`` (``False``).

    Raises :class:`~cimo_graph.CimoGraphError` when ``location`` holds files that are no
    store cimo-graph kept, or when another process has the store open.
    """
    folder = Path(location)
    manifest_path = folder / MANIFEST
    expected = fingerprint(sources)
    manifest = _read_manifest(manifest_path) if manifest_path.is_file() else None
    if manifest is None and folder.exists() and any(folder.iterdir()):
        raise CimoGraphError(
            f"{folder} is not empty and holds no {MANIFEST}: cimo-graph keeps a store only "
            "in a new or empty folder, or in one it made before (nothing was changed)."
        )
    unchanged = manifest is not None and manifest.get("sources") == expected
    known: dict[str, Any] = manifest or {}
    earlier = _OPEN.get(str(folder.resolve()))
    earlier_graph = earlier() if earlier is not None else None
    if earlier_graph is not None:
        # open already in this process (a notebook cell run again): share its store
        if not unchanged:
            raise CimoGraphError(
                f"The store in {folder} is open in this process by an earlier graph, and "
                "its sources changed since: let go of the earlier graph first (del kg), "
                "then load again."
            )
        graph = _wrap(earlier_graph.store._inner)  # type: ignore[attr-defined]  # oxrdflib's
        for prefix, namespace in known.get("prefixes", {}).items():
            graph.bind(prefix, namespace, override=True, replace=True)
        return graph, True
    graph, store = _open(folder)
    _OPEN[str(folder.resolve())] = weakref.ref(graph)
    if unchanged and len(store) == known.get("triples"):
        for prefix, namespace in known.get("prefixes", {}).items():
            graph.bind(prefix, namespace, override=True, replace=True)
        return graph, True
    # new, changed, or changed since it was kept: (re)load into the same folder, marked
    # as cimo-graph's (with no sources, so never reopened as it is) until the load is done
    _write_manifest(manifest_path, None, 0, {})
    store.clear()
    try:
        build(graph)
    except BaseException:
        store.clear()
        raise
    store.flush()
    prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
    _write_manifest(manifest_path, expected, len(store), prefixes)
    return graph, False


def _write_manifest(
    path: Path, sources: list[dict[str, Any]] | None, triples: int, prefixes: dict[str, str]
) -> None:
    record = {"format": _FORMAT, "sources": sources, "triples": triples, "prefixes": prefixes}
    write_text(path, json.dumps(record, indent=1))


def _read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # unreadable: the store is loaded again
    return manifest if isinstance(manifest, dict) and manifest.get("format") == _FORMAT else None


def _open(folder: Path) -> tuple[Graph, Any]:
    import pyoxigraph as ox

    folder.mkdir(parents=True, exist_ok=True)
    try:
        store = ox.Store(str(folder))
    except OSError as error:
        raise CimoGraphError(
            f"Cannot open the store in {folder}: it is open already, in this process or "
            "another (Oxigraph lets one at a time open a store on disk). Close that graph "
            f"first (del kg), or pass another location. Oxigraph said: {error}"
        ) from None
    return _wrap(store), store


def _wrap(store: Any) -> Graph:
    """An rdflib graph over the default graph of the pyoxigraph ``store``."""
    from oxrdflib import OxigraphStore

    from .sources import _counting

    return Graph(store=_counting(OxigraphStore)(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)
