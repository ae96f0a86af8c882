"""The study's archive: an RO-Crate 1.1 that the rocrate library reads back whole."""

from __future__ import annotations

import json
import zipfile

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import cimo_graph as cg
from cimo_graph.cli import main

from .conftest import DATA


@pytest.fixture(scope="module")
def crate(kg, tmp_path_factory):
    return kg.package(tmp_path_factory.mktemp("crate") / "crate", licence="CC-BY-4.0")


def entities(folder):
    metadata = json.loads((folder / "ro-crate-metadata.json").read_text(encoding="utf-8"))
    return {entity["@id"]: entity for entity in metadata["@graph"]}


def test_the_crate_reads_back_with_every_file_described(crate):
    """The rocrate library reads it; RO-Crate 1.1's required properties are there, and
    every file is a data entity with its format and description."""
    from rocrate.rocrate import ROCrate

    read = ROCrate(crate)
    root = read.root_dataset
    assert entities(crate)["ro-crate-metadata.json"]["conformsTo"] == {
        "@id": "https://w3id.org/ro/crate/1.1"
    }
    assert root["name"] and root["description"] and root["datePublished"]
    files = {p.relative_to(crate).as_posix() for p in crate.rglob("*") if p.is_file()}
    files.discard("ro-crate-metadata.json")
    described = {e.id: e for e in read.data_entities}
    assert files == set(described)
    for entity in described.values():
        assert entity["encodingFormat"] and entity["description"], entity.id
    assert {
        "study.ttl",
        "study.jsonld",
        "ontology/cimo.ttl",
        "ontology/shapes.ttl",
        "validation/report.ttl",
        "validation/report.txt",
        "report.html",
        "figures/W.svg",
        "figures/C.svg",
        "figures/pillars.svg",
        "template.xlsx",
        "README.md",
    } <= files


def test_the_crate_names_its_authors_citation_and_the_software_that_made_it(kg, crate):
    graph = entities(crate)
    root = graph["./"]
    authors = [graph[a["@id"]] for a in root["author"]]
    assert [(a["@type"], a["name"]) for a in authors] == [
        ("Organization", "HU University of Applied Sciences Utrecht")
    ]
    assert root["citation"] == kg.cite()
    action = next(e for e in graph.values() if e["@type"] == "CreateAction")
    software = graph[action["instrument"]["@id"]]
    assert software["name"] == "cimo-graph" and software["version"] == cg.__version__
    assert {r["@id"] for r in action["result"]} >= {"study.ttl", "report.html"}
    assert "self-direction" in root["keywords"]


def test_the_study_in_the_crate_is_the_study(kg, crate):
    assert isomorphic(Graph().parse(crate / "study.ttl"), kg.graph)
    assert isomorphic(Graph().parse(crate / "study.jsonld", format="json-ld"), kg.graph)
    assert cg.load(crate / "template.xlsx").propositions().equals(kg.propositions())


def test_a_zip_a_source_document_and_a_named_author(tmp_path):
    study = cg.load(DATA / "studies" / "blended-review.yaml")
    source = tmp_path / "paper.txt"
    source.write_text("The paper's text.", encoding="utf-8")
    path = study.package(tmp_path / "crate.zip", zip=True, sources=[source])
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        metadata = json.loads(archive.read("ro-crate-metadata.json"))
    assert {"sources/paper.txt", "study.ttl", "report.html"} <= names
    graph = {e["@id"]: e for e in metadata["@graph"]}
    people = [graph[a["@id"]] for a in graph["./"]["author"]]
    assert people and all(p["@type"] == "Person" for p in people)


def test_the_crate_goes_into_a_new_or_empty_folder(kg, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x", encoding="utf-8")
    with pytest.raises(cg.CimoGraphError, match="exists; the crate goes into a new or empty"):
        kg.package(tmp_path / "full")
    with pytest.raises(cg.CimoGraphError, match="no such source document"):
        kg.package(tmp_path / "new", sources=[tmp_path / "missing.pdf"])
    assert not (tmp_path / "new").exists()


def test_package_on_the_command_line(tmp_path, capsys):
    out = tmp_path / "crate"
    assert main(["package", "--out", str(out)]) == 0
    assert f"RO-Crate written: {out}" in capsys.readouterr().out
    assert (out / "ro-crate-metadata.json").is_file()


def test_a_study_without_a_licence_is_archived_with_a_warning(kg, tmp_path):
    """Repositories ask for a licence: a study that states none is archived all the
    same, without one, and the warning says how to give it."""
    with pytest.warns(cg.LicenceWarning, match=r"states no licence.*--licence"):
        crate = kg.package(tmp_path / "crate")
    assert "license" not in entities(crate)["./"]


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("CC-BY-4.0", "https://spdx.org/licenses/CC-BY-4.0"),
        ("cc0-1.0", "https://spdx.org/licenses/CC0-1.0"),
        ("https://example.org/our-licence", "https://example.org/our-licence"),
    ],
)
def test_a_licence_given_is_the_datasets(kg, tmp_path, given, url, recwarn):
    crate = kg.package(tmp_path / "crate", licence=given)
    assert entities(crate)["./"]["license"] == {"@id": url}
    assert not [w for w in recwarn if issubclass(w.category, cg.LicenceWarning)]


def test_a_licence_the_study_states_needs_none_given(tmp_path, recwarn):
    crate = cg.load(DATA / "studies" / "widening-access.yaml").package(tmp_path / "crate")
    license = entities(crate)["./"]["license"]
    assert license == {"@id": "https://creativecommons.org/publicdomain/zero/1.0/"}
    assert not [w for w in recwarn if issubclass(w.category, cg.LicenceWarning)]


def test_a_licence_that_is_no_licence_is_named_with_close_ones(kg, tmp_path):
    with pytest.raises(cg.CimoGraphError, match=r"'CC-BY4\.0'.*Did you mean CC-BY-4\.0"):
        kg.package(tmp_path / "crate", licence="CC-BY4.0")
    assert not (tmp_path / "crate").exists()


def test_the_command_line_takes_a_licence_and_notes_its_absence(tmp_path, capsys):
    assert main(["package", "--out", str(tmp_path / "a")]) == 0
    assert "note: " in capsys.readouterr().err
    assert main(["package", "--out", str(tmp_path / "b"), "--licence", "CC-BY-4.0"]) == 0
    assert "note: " not in capsys.readouterr().err
    assert entities(tmp_path / "b")["./"]["license"] == {
        "@id": "https://spdx.org/licenses/CC-BY-4.0"
    }
