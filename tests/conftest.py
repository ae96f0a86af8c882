"""Shared fixtures of the test suite (the CI rule and doctest set-up are in ../conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

import cimo_graph as cg
from cimo_graph._resources import ontology_path, shapes_path, study_path

TESTS = Path(__file__).parent
DATA = TESTS / "data"
REPO = TESTS.parent


@pytest.fixture(scope="session")
def kg() -> cg.CimoGraph:
    """The bundled study, loaded once per session (tests must not change it)."""
    return cg.load()


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return Graph().parse(ontology_path())


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return Graph().parse(shapes_path())


@pytest.fixture(scope="session")
def study_file() -> Path:
    return study_path()
