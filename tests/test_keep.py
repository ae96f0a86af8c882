"""A large graph kept on disk: parsed once into an Oxigraph store, reopened later without
parsing, loaded again when its source changed, and never written over anything else."""

from __future__ import annotations

import gc
import json

import pytest

import cimo_graph as cg
from cimo_graph.authoring import example_path


def test_load_keeps_the_graph_and_reopens_it_without_parsing(tmp_path, monkeypatch):
    folder = tmp_path / "kept"
    w_i3 = cg.load().node("W-I3")
    first = cg.load(location=folder)
    assert first.store == "oxigraph"
    expected = first.interventions_for("zelfsturing")
    size = len(first)
    del first
    gc.collect()

    def no_parsing(*args, **kwargs):
        raise AssertionError("the kept store was parsed again")

    monkeypatch.setattr("cimo_graph.graph.read_graph", no_parsing)
    again = cg.load(location=folder)
    assert len(again) == size
    assert again.interventions_for("zelfsturing").equals(expected)
    assert again.node("lnw:W-I3") == w_i3  # prefixes kept too


def test_a_changed_source_is_loaded_again(tmp_path):
    source = tmp_path / "study.ttl"
    source.write_text(cg.load().serialize(format="turtle"), encoding="utf-8")
    folder = tmp_path / "kept"
    kg = cg.load(source, location=folder)
    assert "zelfregie" not in kg.themes()["synonyms"].str.cat()
    del kg
    gc.collect()
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text + '\ntheme:self-direction skos:altLabel "zelfregie"@nl .\n', encoding="utf-8"
    )
    kg = cg.load(source, location=folder)
    assert kg.theme("zelfregie") == kg.theme("self-direction")


def test_templates_and_several_studies_can_be_kept(tmp_path):
    kg = cg.load([None, example_path()], location=tmp_path / "kept")
    assert kg.studies()["id"].tolist() == ["example", "leernetwerken"]


def test_a_folder_holding_other_files_is_never_touched(tmp_path):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.docx").write_bytes(b"precious")
    with pytest.raises(cg.CimoGraphError, match=r"not empty and holds no cimo-graph-store\.json"):
        cg.load(location=folder)
    assert [p.name for p in folder.iterdir()] == ["chapter1.docx"]


def test_a_failed_load_leaves_no_partial_store(tmp_path):
    broken = tmp_path / "study.ttl"
    broken.write_text(cg.load().serialize(format="turtle") + "\nthis is not turtle\n")
    folder = tmp_path / "kept"
    with pytest.raises(cg.StudyParseError):
        cg.load(broken, location=folder)
    gc.collect()
    manifest = json.loads((folder / "cimo-graph-store.json").read_text(encoding="utf-8"))
    assert manifest["sources"] is None  # marked as never to be reopened as it is
    broken.write_text(cg.load().serialize(format="turtle"), encoding="utf-8")
    assert len(cg.load(broken, location=folder)) == len(cg.load())


def test_a_cell_run_again_shares_the_open_store(tmp_path):
    """Loading again while an earlier graph holds the store (a notebook cell run twice)
    shares it; a store open in another process is refused with a clear message."""
    import subprocess
    import sys

    folder = tmp_path / "kept"
    first = cg.load(location=folder)
    second = cg.load(location=folder)
    assert len(second) == len(first)
    assert second.interventions_for("zelfsturing").equals(first.interventions_for("zelfsturing"))
    other = subprocess.run(
        [sys.executable, "-c", f"import cimo_graph as cg; cg.load(location={str(folder)!r})"],
        capture_output=True,
        text=True,
    )
    assert other.returncode != 0
    assert "open already, in this process or another" in other.stderr


def test_a_changed_source_waits_for_the_earlier_graph(tmp_path):
    source = tmp_path / "study.ttl"
    source.write_text(cg.load().serialize(format="turtle"), encoding="utf-8")
    earlier = cg.load(source, location=tmp_path / "kept")
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(cg.CimoGraphError, match="let go of the earlier graph first"):
        cg.load(source, location=tmp_path / "kept")
    assert len(earlier) > 0


def test_only_oxigraph_is_kept(tmp_path):
    with pytest.raises(cg.UnsupportedFormatError, match="location= keeps an Oxigraph store"):
        cg.load(store="memory", location=tmp_path / "kept")


def test_the_command_line_keeps_a_study_too(tmp_path, capsys):
    from cimo_graph.cli import main

    folder = tmp_path / "kept"
    assert main(["interventions", "zelfsturing", "--location", str(folder)]) == 0
    first = capsys.readouterr().out
    gc.collect()
    assert (folder / "cimo-graph-store.json").is_file()
    assert main(["interventions", "zelfsturing", "--location", str(folder)]) == 0
    assert capsys.readouterr().out == first
