"""Find anything by its words: `kg.search` on the bundled study, the same answers on every
store (rdflib's memory, Oxigraph, rdflib's own engine, `cimo-graph serve`, Virtuoso)."""

from __future__ import annotations

import pytest

import cimo_graph as cg
from cimo_graph.cli import main
from cimo_graph.questions.search import _pattern, folded, search_terms

#: A search and the ids it finds, best first (pinned from the bundled study's texts).
PINNED = {
    "observeren": ["C-I6"],
    "LOS": ["P4", "P4-means-1"],
    "intervisie": ["P3", "P3-means-1", "peer-learning"],
    '"feedback geven"': ["C-I2"],
    "Begeleiding": ["C-I5", "C-M5", "R1", "W-O3", "guidance"],  # best first, then by id
    "ervaring": ["W-M4", "C-I3", "C-M2", "P1-means-1"],
    "enthousiasme": [],
    "encoders' reading": ["P2", "P3", "P4"],  # in interpretation notes only
}


def ids(frame) -> list[str]:
    return frame["id"].tolist()


@pytest.mark.parametrize("text", sorted(PINNED))
def test_pinned_answers_on_every_store(study, text):
    assert ids(study.search(text)) == PINNED[text]


def test_the_same_frame_on_every_store(study):
    expected = cg.load().search("feedback")
    assert len(expected) > 10
    assert study.search("feedback").equals(expected)


def test_case_and_accents_do_not_matter(study):
    """`"ideeën"` and `"IDEEEN"` are the same word, and a word typed with an accent finds
    it written without one."""
    assert ids(study.search("zelfsturing")) == ids(study.search("ZELFSTURING"))
    assert ids(study.search("zélfstüring")) == ids(study.search("zelfsturing"))
    assert ids(study.search("creëren")) == ids(study.search("creeren")) != []


def test_a_word_is_a_prefix_and_several_words_all_count(study):
    hits = study.search("ervaring")
    assert "W-M4" in ids(hits)  # "ervaringen kunnen delen": the start of a word
    assert hits.set_index("id").loc["W-M4", "snippet"].endswith("«ervaring»en kunnen delen")
    assert ids(study.search("feedback fouten")) == ["C-I1", "C-I2"]
    assert ids(study.search("LOS feedback")) == []


def test_a_phrase_must_stand_as_written(study):
    assert ids(study.search('"feedback geven"')) == ["C-I2"]
    assert ids(study.search('"geven feedback"')) == []


def test_a_word_in_a_note_only_is_found_and_said(study):
    hits = study.search("encoders' reading")
    assert set(hits["fields"]) == {"note"}


def test_kinds_fields_lang_and_limit(study):
    assert ids(study.search("begeleiding", kinds="mechanism")) == ["C-M5"]
    assert ids(study.search("begeleiding", kinds=["Theme", "outcomes"])) == ["W-O3", "guidance"]
    assert ids(study.search("intervisie", fields="synonym")) == ["peer-learning"]
    assert ids(study.search("peer consultation", lang="nl")) == []
    assert "P3-means-1" in ids(study.search("peer consultation", lang="en"))
    assert len(study.search("feedback", limit=3)) == 3


def test_hostile_search_text_is_an_ordinary_string(study):
    for text in ['") } DROP ALL ; #', ".*", "(a+)+$", "\\", "[z", "<script>alert(1)</script>"]:
        assert study.search(text).empty


def test_unknown_kinds_and_empty_searches_are_refused():
    kg = cg.load()
    with pytest.raises(cg.CimoGraphError, match=r"no kind 'mechanim'.*Did you mean: 'Mechanism'"):
        kg.search("feedback", kinds="mechanim")
    with pytest.raises(cg.CimoGraphError, match=r"no field 'nota'"):
        kg.search("feedback", fields="nota")
    with pytest.raises(cg.CimoGraphError, match="give one or more words"):
        kg.search('  "" ')


def test_several_studies_say_whose(tmp_path):
    second = cg.load("tests/data/studies/blended-review.yaml")
    both = cg.load().merge(second)
    hits = both.search("feedback")
    assert "study" in hits.columns
    assert set(hits["study"]) == {"leernetwerken", "blended-review"}


def test_terms_and_pattern():
    assert search_terms('"Feedback  geven" Ervaring') == ["feedback geven", "ervaring"]
    assert folded("Ideeën") == ("ideeen", [0, 1, 2, 3, 4, 5])
    import re

    dotted = re.compile(_pattern(["a.b"]))
    assert all(dotted.fullmatch(text) for text in ("a.b", "à.b", "Ä.b", "ā.ḃ"))
    assert not dotted.fullmatch("axb")
    # letters that fold to several: ß to ss, the ligature ﬁ to fi, as the search folds
    street = re.compile(_pattern(["strasse", "finale"]), re.IGNORECASE)  # as the store
    assert all(street.fullmatch(text) for text in ("straße", "STRAẞE", "ﬁnale", "finále"))


def test_unknown_theme_points_to_search():
    """A word that is no theme but stands in the study's texts: the error says so."""
    kg = cg.load()
    with pytest.raises(cg.UnknownThemeError) as raised:
        kg.interventions_for("LOS")
    assert "2 elements mention it: kg.search('LOS')" in str(raised.value)
    with pytest.raises(cg.UnknownThemeError) as raised:
        kg.interventions_for("qwertyuiop")
    assert "kg.search" not in str(raised.value)


def test_search_on_the_command_line(capsys):
    assert main(["search", "LOS"]) == 0
    out = capsys.readouterr().out
    assert "P4-means-1" in out and "«LOS»" in out
    assert main(["search", "begeleiding", "--kind", "mechanism", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("C-M5,")
    assert main(["search", "feedback", "--kind", "mechanim"]) == 2
