"""Every file cimo-graph writes is whole, and readable by whoever the umask lets read it."""

from __future__ import annotations

import os
import stat

import pytest

WRITERS = {
    "study.ttl": lambda kg, path: kg.serialize(path),
    "study.jsonld": lambda kg, path: kg.serialize(path),
    "template.xlsx": lambda kg, path: kg.export_template(path),
    "template.yaml": lambda kg, path: kg.export_template(path),
    "template": lambda kg, path: kg.export_template(path),
    "network.html": lambda kg, path: kg.export(path, focus="W"),
    "w.svg": lambda kg, path: kg.export(path, focus="W"),
    "w.pdf": lambda kg, path: kg.export(path, focus="W"),
    "study.graphml": lambda kg, path: kg.export(path),
    "study.gexf": lambda kg, path: kg.export(path),
    "study.cyjs": lambda kg, path: kg.export(path),
    "study.dot": lambda kg, path: kg.export(path),
}


@pytest.fixture
def umask():
    """Run the test under a given umask, the one before restored after."""
    before = os.umask(0o022)
    os.umask(before)

    def set_to(value: int) -> None:
        os.umask(value)

    yield set_to
    os.umask(before)


@pytest.mark.parametrize("name", sorted(WRITERS))
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_get_the_mode_of_the_umask(kg, tmp_path, umask, name, mask, mode):
    """Under umask 022 every file written is 0644 (002: 0664; 077: 0600), not 0600."""
    umask(mask)
    path = tmp_path / name
    WRITERS[name](kg, path)
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    assert files
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == mode, file


def test_a_replaced_file_keeps_its_mode(kg, tmp_path, umask):
    """Writing over a file keeps the mode its owner gave it."""
    umask(0o022)
    path = tmp_path / "study.ttl"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    kg.serialize(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert "cimo:Study" in path.read_text(encoding="utf-8")


def test_documentation_files_get_the_mode_of_the_umask(tmp_path, umask):
    """`cimo-graph docs` writes its page and pictures readable to the group and others."""
    pytest.importorskip("pylode")
    from cimo_graph.cli import main

    umask(0o022)
    assert main(["docs", "--out", str(tmp_path)]) == 0
    files = [p for p in tmp_path.iterdir() if p.is_file()]
    assert files
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o644, file
