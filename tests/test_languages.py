"""A study in any language (issue 35): a German study's figures, page, report, sentences
and command line work; the report's own words exist in English and Dutch and fall back to
English; links are named by the ontology's labels, never by raw property names."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from rdflib import OWL, RDF

import cimo_graph as cg
from cimo_graph._resources import ontology_graph
from cimo_graph.cli import main
from cimo_graph.locales import LANGUAGES, words
from cimo_graph.sentences import proposition_sentence

from .conftest import DATA

GERMAN = DATA / "studies" / "lernnetzwerk-de.yaml"
LOCALES = Path(cg.__file__).parent / "locales"


@pytest.fixture(scope="module")
def german() -> cg.CimoGraph:
    return cg.load(GERMAN)


def visible_text(html: str) -> str:
    """What a reader sees of a report: no scripts, styles, figures or the page's frame."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>|<svg.*?</svg>", " ", html, flags=re.S)
    html = re.sub(r'srcdoc="[^"]*"', "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def property_names() -> set[str]:
    """The local names of the ontology's links (``hasPillar``), as code would write them."""
    ontology = ontology_graph()
    found = set()
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in ontology.subjects(RDF.type, kind):
            found.add(re.split(r"[#/]", str(prop))[-1])
    return {name for name in found if re.search(r"[a-z][A-Z]", name)}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_catalogue_has_the_english_words_and_placeholders(lang):
    """A translation holds every section and word English has, each with the same
    {placeholders}, and nothing English lacks (a word no view would ask for)."""
    english = json.loads((LOCALES / "en.json").read_text(encoding="utf-8"))
    other = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    assert other.keys() == english.keys()
    for section, said in english.items():
        assert other[section].keys() == said.keys(), section
        for key, text in said.items():
            assert placeholders(other[section][key]) == placeholders(text), (section, key)
            assert other[section][key].strip(), (section, key)


def test_a_language_without_a_catalogue_reads_in_english():
    assert words("report", "de") == words("report", "en")
    assert words("report", "nl")["themes"] == "Thema's"
    with pytest.raises(KeyError):
        words("no such section", "en")


def test_german_sentences_quote_the_labels_after_the_nouns_naming_them(german):
    (sentence,) = german.sentences(lang="de")["sentence"]
    assert sentence.startswith(
        "Wenn Sie im Kontext \u201eLernnetzwerk zwischen Hochschule und Schulen\u201c das "
        "Ergebnis \u201eStudierende fühlen sich zugehörig\u201c erreichen wollen, sorgen Sie für"
    )
    assert sentence.endswith(
        "denn damit setzen Sie den Mechanismus \u201eGefühl, ernst genommen zu werden\u201c in Gang."
    )
    assert not re.search(r"\b(If|provide|because|that)\b", sentence)


def test_german_actors_open_interventions_that_say_what_they_do():
    said = proposition_sentence(
        "de",
        context=["Praxissemester"],
        outcomes=["Studierende planen selbst", "Zugehörigkeit"],
        interventions=["Rückmeldung geben", "Gespräche führen"],
        mechanisms=["Vertrauen"],
        actors="Lehrende",
    )
    assert (
        "die Ergebnisse \u201eStudierende planen selbst\u201c und \u201eZugehörigkeit\u201c" in said
    )
    assert "sorgen Sie für Lehrende, die Rückmeldung geben und Gespräche führen, denn" in said
    unwanted = proposition_sentence(
        "de",
        context=["Praxissemester"],
        outcomes=["Studierende fühlen sich überfordert"],
        interventions=["Prüfungen"],
        mechanisms=["Druck"],
        unwanted="negative",
    )
    assert unwanted.startswith("Im Kontext \u201ePraxissemester\u201c setzt \u201ePrüfungen\u201c")
    assert unwanted.endswith("(ein negatives Ergebnis).")


def test_a_language_without_a_template_gets_cimo_notation():
    said = proposition_sentence(
        "fr",
        context=["réseau"],
        outcomes=["appartenance"],
        interventions=["tutorat", "retour"],
        mechanisms=["confiance"],
    )
    assert said == "C: réseau; I: tutorat; retour; M: confiance; O: appartenance"


def test_german_figures_page_and_network_figure(german):
    figure = german.figure("WB", lang="de")
    texts = " ".join(" ".join(t.get_text().split()) for t in figure.layout.texts)
    assert "Gefühl, ernst genommen zu werden" in texts and "Interventions" in texts
    german.network_figure("rueckmeldung", lang="de")
    page = german.to_html(lang="de").html
    assert json.dumps("regelmäßige Rückmeldung geben") in page
    assert not any(f'"{name}"' in page for name in property_names() if name != "theme")


def test_the_german_report_names_links_by_their_labels(german, tmp_path):
    html = german.report(tmp_path / "de.html", lang="de").read_text(encoding="utf-8")
    text = visible_text(html)
    assert "has intervention → WB-I1 regelmäßige Rückmeldung geben" in text
    assert "linked from WB Gestaltungsprinzip: Wohlbefinden (has context)" in text
    raw = [name for name in property_names() if re.search(rf"\b{name}\b", text)]
    assert raw == []
    assert "für \u201eregelmäßige Rückmeldung geben\u201c und" in text  # its sentence
    docx = pytest.importorskip("docx")
    document = docx.Document(str(german.report(tmp_path / "de.docx", lang="de")))
    cells = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert [name for name in property_names() if re.search(rf"\b{name}\b", cells)] == []
    assert "has intervention →" in cells


def test_the_dutch_report_has_dutch_words_throughout(kg, tmp_path):
    """`report --lang nl`: headings, field names, link names, kinds and the filter in
    Dutch (they were English: "Reference", "Location:", "hasPillar →")."""
    html = kg.report(tmp_path / "nl.html", lang="nl").read_text(encoding="utf-8")
    said = words("report", "nl")
    headings = re.findall(r"<h2>([^<]+)</h2>", html)
    assert headings == [
        said[k].replace("'", "&#39;")
        for k in ("studies", "propositions", "network", "elements", "themes")
    ]
    text = visible_text(html)
    for english in ("Reference", "Location:", "Source:", "Themes:", "Validation:", "Made by"):
        assert english not in text, english
    assert "heeft pijler → P1" in text and "Vindplaats:" in text and "Bronvermelding" in text
    assert "Ontwerpprincipe · leernetwerken" in text
    assert f'placeholder="{said["filter"]}"' in html
    assert [name for name in property_names() if re.search(rf"\b{name}\b", text)] == []


def test_the_command_line_takes_any_language_the_study_has(tmp_path, capsys):
    assert main(["sentences", "-s", str(GERMAN)]) == 0  # German: its only language
    assert "Wenn Sie im Kontext" in capsys.readouterr().out
    assert main(["sentences", "-s", str(GERMAN), "--lang", "DE"]) == 0  # tags ignore case
    out = tmp_path / "de.html"
    assert main(["report", str(GERMAN), "--lang", "de", "--html", str(out)]) == 0
    assert "regelmäßige Rückmeldung geben" in out.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["sentences", "-s", str(GERMAN), "--lang", "en"]) == 2
    error = capsys.readouterr().err
    assert "--lang en: the study gives its labels in de, not in en" in error
    assert main(["sentences", "--lang", "de"]) == 2
    assert "gives its labels in en, nl, not in de" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["sentences", "--lang", "e n"])
    assert "give a language tag, like en or de" in capsys.readouterr().err
