"""The cimo-graph command line: info, validate and the main report."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from cimo_graph.cli import main


def test_info_prints_counts_languages_and_source(capsys, kg):
    """`cimo-graph info` shows the study, its triples, languages and counts per class."""
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert (
        "Meerwaarde van Opleiden in Leernetwerken" in out
        or "added value of teacher education" in out
    )
    assert f"Triples:   {len(kg)}" in out
    assert "Languages: en, nl" in out
    assert re.search(r"DesignProposition\s+2\n", out)


def test_validate_conforming_study_exits_zero(capsys):
    """`cimo-graph validate` on the bundled study says it conforms."""
    assert main(["validate"]) == 0
    assert "conforms to the CIMO shapes" in capsys.readouterr().out


def test_validate_broken_study_exits_one_with_report(tmp_path, capsys, kg):
    """A non-conforming study prints the violations and exits 1."""
    path = tmp_path / "broken.ttl"
    path.write_text(
        kg.serialize().replace("cimo:hasContext lnw:context ;", "", 1), encoding="utf-8"
    )
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "lnw:" in out and "cimo:hasContext" in out and "does not conform" in out


def test_bad_input_exits_two_with_message(tmp_path, capsys):
    """A missing or broken file is reported on stderr with exit code 2, no traceback."""
    assert main(["info", str(tmp_path / "missing.ttl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cimo-graph: error: No study file at")
    assert "Traceback" not in err


def test_report_is_the_main_job(capsys):
    """`cimo-graph report` loads, summarises and validates the bundled study."""
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "Elements:" in out and "conforms to the CIMO shapes" in out


@pytest.mark.slow
def test_console_script_runs(tmp_path):
    """The installed `cimo-graph` entry point runs (and `python -m cimo_graph` too)."""
    script = shutil.which("cimo-graph") or str(
        __import__("pathlib").Path(sys.executable).parent / "cimo-graph"
    )
    for command in ([script, "--version"], [sys.executable, "-m", "cimo_graph", "info"]):
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()
