"""`import cimo_graph` is light: heavy libraries load on first use, and it warns of nothing."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["pyshacl", "pandas", "matplotlib", "pyvis", "SPARQLWrapper", "networkx", "owlrl"]


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False
    )


def test_import_loads_no_heavy_library():
    """Importing the package imports none of pandas, pyvis, matplotlib, pySHACL, ..."""
    done = _run(f"import sys, cimo_graph; print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_import_is_warning_free():
    """`python -W error -c 'import cimo_graph'` succeeds."""
    done = _run("import cimo_graph")
    assert done.returncode == 0, done.stderr


def test_validation_loads_pyshacl_on_first_use():
    """pySHACL is imported when a study is first validated."""
    done = _run(
        "import sys, cimo_graph as cg; cg.load().validate(); print('pyshacl' in sys.modules)"
    )
    assert done.stdout.strip().endswith("True"), done.stderr
