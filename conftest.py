"""Repository-wide pytest set-up: the doctest namespace, and no skips under CI."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skipped test fails: CI has every server and browser it needs."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which must run every test: {report.longrepr}"


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    """Examples in docstrings and the README use `cg` for the package."""
    import cimo_graph

    doctest_namespace["cg"] = cimo_graph
