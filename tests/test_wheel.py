"""A built wheel, installed outside the repository, carries the ontology and the study."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel of this checkout installed (no sources)."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(root / "dist"),
            str(REPO),
        ],
        check=True,
    )
    wheel = next((root / "dist").glob("cimo_graph-*.whl"))
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    # The dependencies come from this environment's site-packages as a plain path (no .pth
    # processing there), so the checkout that an editable install points at stays invisible.
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python


def printed(python: Path, code: str, folder: Path) -> str:
    """What ``code`` prints, run by the installed wheel's Python in ``folder``."""
    done = subprocess.run(
        [python, "-c", code], cwd=folder, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.slow
def test_wheel_loads_the_bundled_study_from_elsewhere(installed, tmp_path):
    """From another folder, the installed wheel loads and validates the study."""
    code = (
        "import cimo_graph as cg; kg = cg.load(); r = kg.validate(); "
        "print(cg.__file__); print(kg.source); print(len(kg), r.conforms)"
    )
    package_file, source, result = printed(installed, code, tmp_path).splitlines()
    assert not package_file.startswith(str(REPO)), package_file
    assert not source.startswith(str(REPO)) and source.endswith("cimo_graph/data/leernetwerken.ttl")
    assert result.endswith("True") and int(result.split()[0]) > 1000


@pytest.mark.slow
def test_wheel_installs_the_console_script(installed, tmp_path):
    """The wheel's `cimo-graph` command runs from another folder."""
    done = subprocess.run(
        [installed.parent / "cimo-graph", "info"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Triples:" in done.stdout


@pytest.mark.slow
def test_the_wheel_says_its_types_and_carries_the_words(installed, tmp_path):
    """py.typed (PEP 561: type checkers read the package's annotations) and the word
    catalogues are in the installed wheel."""
    code = (
        "import cimo_graph, pathlib; p = pathlib.Path(cimo_graph.__file__).parent; "
        "print((p / 'py.typed').is_file(), sorted(f.name for f in (p / 'locales').glob('*.json')))"
    )
    assert printed(installed, code, tmp_path) == "True ['en.json', 'nl.json']"
