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


def test_validation_loads_pyshacl_only_for_what_no_query_checks():
    """The bundled shapes are all checked by query: validating leaves pySHACL unloaded.
    Shapes with a rule no query says (a closed shape) load it on first use."""
    done = _run(
        "import sys, cimo_graph as cg; cg.load().validate(); print('pyshacl' in sys.modules)"
    )
    assert done.stdout.strip().endswith("False"), done.stderr
    closed = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . "
        "<https://example.org/C> a sh:NodeShape ; sh:targetNode <https://example.org/x> ; "
        "sh:closed true ."
    )
    done = _run(
        "import sys, rdflib, cimo_graph as cg; "
        f"shapes = rdflib.Graph().parse(data={closed!r}, format='turtle'); "
        "cg.load().validate(shapes=shapes); print('pyshacl' in sys.modules)"
    )
    assert done.stdout.strip().endswith("True"), done.stderr
