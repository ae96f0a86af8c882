"""Vocabularies aligned across studies: suggested mappings by name, as an SSSOM table."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

import cimo_graph as cg
from cimo_graph.alignment import SUGGESTION_COLUMNS

STUDIES = Path(__file__).parent / "data" / "studies"


@pytest.fixture(scope="module")
def three() -> cg.CimoGraph:
    """The bundled study (nl and en), the English review and the realist evaluation."""
    return (
        cg.load()
        .merge(cg.load(STUDIES / "blended-review.yaml"))
        .merge(cg.load(STUDIES / "widening-access.yaml"))
    )


def _pairs(frame):
    return {(r.subject_id, r.predicate_id, r.object_id, r.confidence) for r in frame.itertuples()}


def test_the_same_name_is_an_exact_match_a_synonym_a_close_one(three):
    """'feedback' in two studies is one concept; self-regulation meets self-direction
    through the bundled study's synonym 'self-regulated learning'."""
    found = three.align(kinds="theme")
    assert list(found.columns) == SUGGESTION_COLUMNS
    pairs = _pairs(found)
    assert ("blended-review:theme/feedback", "skos:exactMatch", "theme:feedback", 1.0) in pairs
    assert (
        "blended-review:theme/self-regulation",
        "skos:closeMatch",
        "theme:self-direction",
        0.95,
    ) in pairs
    row = found[found["object_id"] == "theme:self-direction"].iloc[0]
    assert row["match_string"] == "self-regulated learning ~ self-regulated learning"
    assert (row["subject_match_field"], row["object_match_field"]) == (
        "skos:altLabel",
        "skos:altLabel",
    )
    assert set(found["mapping_justification"]) == {"semapv:LexicalMatching"}
    assert found["confidence"].is_monotonic_decreasing


def test_only_concepts_of_one_kind_from_different_studies_are_paired(three):
    found = three.align(threshold=0.6)
    assert (found["subject_category"] == found["object_category"]).all()
    assert (found["subject_source"] != found["object_source"]).all()
    mechanisms = three.align(kinds="mechanism")
    assert ("lnw:C-M1", "skos:closeMatch", "widening-access:WA-M1", 0.9) in _pairs(mechanisms)


def test_the_suggestions_are_an_sssom_table(three, tmp_path):
    """Written with out=: a '#' metadata block in YAML (every prefix its ids use), then the
    suggestions, one a row, tab-separated, as a spreadsheet opens them."""
    found = three.align(out=tmp_path / "mappings.sssom.tsv")
    lines = (tmp_path / "mappings.sssom.tsv").read_text(encoding="utf-8").splitlines()
    head = [line[1:] for line in lines if line.startswith("#")]
    metadata = yaml.safe_load("\n".join(head))
    used = {
        value.split(":", 1)[0]
        for column in ("subject_id", "object_id", "predicate_id", "mapping_justification")
        for value in found[column]
    }
    assert used <= set(metadata["curie_map"])
    assert metadata["license"].startswith("https://creativecommons.org/")
    rows = list(
        csv.DictReader([line for line in lines if not line.startswith("#")], delimiter="\t")
    )
    assert [r["subject_id"] for r in rows] == found["subject_id"].tolist()
    assert [float(r["confidence"]) for r in rows] == found["confidence"].tolist()


def test_a_wrong_kind_or_threshold_is_refused(three):
    with pytest.raises(ValueError, match="unknown kind 'mechanisms'"):
        three.align(kinds="mechanisms")
    with pytest.raises(ValueError, match="threshold must lie between 0 and 1"):
        three.align(threshold=80)


def test_one_study_has_nothing_to_align(kg):
    assert len(kg.align()) == 0
