"""Where the ontology, the shapes and the bundled study lie, installed or in a checkout."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Return the path of a bundled file, such as ``resource_path("ontology", "cimo.ttl")``.

    A built wheel holds ``ontology/`` and ``data/`` inside the package; a source checkout
    (and an editable install) keeps them at the repository's top level.

    >>> resource_path("data", "source", "leernetwerken-samenvatting.txt").name
    'leernetwerken-samenvatting.txt'
    """
    for base in (_PACKAGE_DIR, _PACKAGE_DIR.parent):
        candidate = base.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"cimo-graph's bundled file {'/'.join(parts)} is missing: the installation is "
        "incomplete; reinstall the package."
    )


def ontology_path() -> Path:
    """The OWL ontology, ``ontology/cimo.ttl``."""
    return resource_path("ontology", "cimo.ttl")


def shapes_path() -> Path:
    """The SHACL shapes, ``ontology/shapes.ttl``."""
    return resource_path("ontology", "shapes.ttl")


def study_path() -> Path:
    """The bundled study, ``data/leernetwerken.ttl``."""
    return resource_path("data", "leernetwerken.ttl")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology, parsed once. Callers must not change it."""
    return Graph().parse(ontology_path(), format="turtle")


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """The shapes, parsed once. Callers must not change it."""
    return Graph().parse(shapes_path(), format="turtle")
