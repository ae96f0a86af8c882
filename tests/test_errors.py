"""Bad input gets a clear error that names the problem and where it is."""

from __future__ import annotations

import pytest

import cimo_graph as cg

BAD_FILES = [
    # (file name, content, expected line, words in the reason)
    (
        "bad.ttl",
        '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n',
        3,
        "newline",
    ),
    (
        "bad.nt",
        "<http://a> <http://b> <http://c> .\n<http://a> <http://b> <http://c> .\n<http://a> <http://b> .\n",
        3,
        "Invalid",
    ),
    (
        "bad.rdf",
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n  <rdf:Description>\n</rdf:RDF>\n",
        3,
        "mismatched tag",
    ),
    ("bad.jsonld", '{\n  "@id": "http://a",\n  "http://b": [\n}\n', 4, "Expecting value"),
]


@pytest.mark.parametrize(("name", "content", "line", "reason"), BAD_FILES)
def test_parse_error_names_file_and_line(tmp_path, name, content, line, reason):
    """A syntax error says which file and which line, and the parser's reason."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(cg.StudyParseError, match=reason) as caught:
        cg.load(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}")
    assert isinstance(caught.value, ValueError)


def test_missing_file_suggests_close_names(tmp_path):
    """A missing file is a FileNotFoundError that names similar files in the folder."""
    (tmp_path / "leernetwerken.ttl").write_text("", encoding="utf-8")
    with pytest.raises(
        cg.StudyNotFoundError, match=r"Did you mean: .*leernetwerken\.ttl"
    ) as caught:
        cg.load(tmp_path / "leernetwerk.ttl")
    assert isinstance(caught.value, FileNotFoundError)


def test_missing_folder(tmp_path):
    """A path in a folder that does not exist is reported without suggestions."""
    with pytest.raises(cg.StudyNotFoundError, match="No study file at"):
        cg.load(tmp_path / "nowhere" / "study.ttl")


def test_unsupported_suffix_lists_supported_formats(tmp_path):
    """An unknown suffix says which formats are supported."""
    path = tmp_path / "study.docx"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(cg.UnsupportedFormatError, match=r"'\.docx'.*Supported: turtle"):
        cg.load(path)


def test_unsupported_format_name(tmp_path, kg):
    """An unknown format= name is refused with the list of supported ones."""
    path = tmp_path / "study.ttl"
    path.write_text(kg.serialize(), encoding="utf-8")
    with pytest.raises(cg.UnsupportedFormatError, match="Unsupported RDF format 'yaml'"):
        cg.load(path, format="yaml")


def test_empty_file(tmp_path):
    """A file that parses but holds no triples is an error, not an empty study."""
    path = tmp_path / "empty.ttl"
    path.write_text("# nothing here\n", encoding="utf-8")
    with pytest.raises(cg.EmptyStudyError, match="holds no RDF triples"):
        cg.load(path)


def test_every_error_shares_one_base():
    """All errors derive from CimoGraphError and the built-in they stand for."""
    for error in (
        cg.StudyNotFoundError,
        cg.StudyParseError,
        cg.UnsupportedFormatError,
        cg.EmptyStudyError,
        cg.StudyValidationError,
    ):
        assert issubclass(error, cg.CimoGraphError)
    assert issubclass(cg.StudyNotFoundError, FileNotFoundError)
    assert issubclass(cg.StudyParseError, ValueError)
