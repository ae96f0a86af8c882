"""From the coding software researchers use: the CIMO codebook, a coded REFI-QDA project
read into a study, and a study written as a project, read back whole.

Projects are written here the way the tools write them (`tests/projects.py`), and every
file cimo-graph writes is checked against the REFI-QDA consortium's published schemas
(`tests/data/refi-qda/`) with an independent validator (xmlschema)."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS

import cimo_graph as cg
from cimo_graph import CIMO
from cimo_graph.authoring.refi import read_project_study, write_codebook
from cimo_graph.cli import main

from .projects import INTERVIEW, ToolProject, coded_interview, large_project

SCHEMAS = Path(__file__).parent / "data" / "refi-qda"
SUMMARY = Path(__file__).parent.parent / "data" / "source" / "leernetwerken-samenvatting.txt"
QDA = "{urn:QDA-XML:project:1.0}"


@pytest.fixture(scope="module")
def project_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / "Project-mrt2019.xsd")


@pytest.fixture(scope="module")
def codebook_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / "Codebook.xsd")


def qde(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde").decode("utf-8")


# --- the codebook ----------------------------------------------------------------------------


def test_codebook_has_a_code_per_kind_with_its_definition_and_is_valid(tmp_path, codebook_schema):
    """`cimo-graph codebook` writes a .qdc that the published Codebook schema accepts: a
    code per CIMO kind (named in the first language) whose description is the ontology's
    definition and the convention, and a themes code."""
    path = tmp_path / "cimo.qdc"
    assert main(["codebook", "--out", str(path), "--languages", "nl,en"]) == 0
    text = path.read_text(encoding="utf-8")
    codebook_schema.validate(text)
    root = ElementTree.fromstring(text)
    codes = {
        c.get("name"): c.findtext("{urn:QDA-XML:codebook:1.0}Description")
        for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")
    }
    expected = ["context", "interventie", "mechanisme", "opbrengst", "meerwaarde", "pijler"]
    expected += ["doel", "middel", "rol", "aanbeveling", "citaat", "thema's", "ontwerpprincipe"]
    assert set(expected) <= set(codes)
    assert codes["interventie"].startswith("interventie (nl) · intervention (en)\n")
    for description in codes.values():
        assert "Code each passage" in description or "one code" in description.lower()
    english = write_codebook(tmp_path / "en.qdc")
    codebook_schema.validate(english.read_text(encoding="utf-8"))
    assert 'name="intervention"' in english.read_text(encoding="utf-8")


def test_codebook_descriptions_are_the_ontology_definitions(tmp_path, ontology):
    """Each kind code's description carries the class's skos:definition verbatim."""
    path = write_codebook(tmp_path / "cimo.qdc", languages=["en"])
    root = ElementTree.fromstring(path.read_bytes())
    codes = {
        c.get("name"): c.findtext("{urn:QDA-XML:codebook:1.0}Description")
        for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")
    }
    for name, cls in (("intervention", "Intervention"), ("mechanism", "Mechanism")):
        definition = str(ontology.value(CIMO[cls], SKOS.definition))
        assert definition in codes[name]


# --- a coded project into a study --------------------------------------------------------------


def test_a_coded_project_becomes_a_study_with_exact_evidence(tmp_path):
    """The project as MAXQDA writes it (sources/ in lower case, text files with a byte
    order mark, CRLF line ends, an emoji beyond the BMP) gives a valid study: each element
    with its labels, kind and proposition, its source text exactly the coded characters
    (offsets in code points), its place, its document, themes from co-coding, memos as
    notes and the coders as contributors."""
    project, _ = coded_interview()
    path = project.write(tmp_path / "intervisie.qdpx")
    kg = cg.load(path)
    assert kg.validate().conforms
    g, ns = kg.graph, "https://example.org/intervisie/"
    mechanism = URIRef(ns + "W-M1")
    start = INTERVIEW.index("Ik voel me veilig")
    end = start + len("Ik voel me veilig 😊 in de groep")
    assert (mechanism, RDF.type, CIMO.Mechanism) in g
    assert (URIRef(ns + "W"), CIMO.hasMechanism, mechanism) in g
    assert set(g.objects(mechanism, CIMO.sourceText)) == {Literal(INTERVIEW[start:end], lang="nl")}
    assert set(g.objects(mechanism, CIMO.sourceLocation)) == {
        Literal(f"interview-01.txt, characters {start}-{end}", lang="en")
    }
    document = g.value(mechanism, PROV.wasDerivedFrom)
    assert str(g.value(document, DCTERMS.title)) == "interview-01.txt"
    assert {str(x) for x in g.objects(mechanism, RDFS.label)} == {
        "zich veilig voelen",
        "feeling safe",
    }
    assert set(g.objects(mechanism, CIMO.theme)) == {URIRef(ns + "theme/safety")}
    assert Literal("Memo on feeling safe.", lang="nl") in set(
        g.objects(mechanism, CIMO.interpretationNote)
    )
    outcome = URIRef(ns + "W-O1")
    assert Literal("Read as an outcome.", lang="nl") in set(
        g.objects(outcome, CIMO.interpretationNote)
    )
    coders = {str(g.value(p, FOAF.name)) for p in g.objects(outcome, DCTERMS.contributor)}
    assert coders == {"Bo de Vries"}
    answer = kg.interventions_for("feedback")
    assert answer["id"].tolist() == ["W-I1"]
    assert answer["source_text"].tolist() == ["De wekelijkse feedback van mijn schoolopleider"]


@pytest.mark.parametrize("folder", ["sources", "Sources"])
@pytest.mark.parametrize("bom", [True, False])
def test_tool_quirks_read_the_same(tmp_path, folder, bom):
    """`sources/` or `Sources/`, a project.qde and text files with or without a byte order
    mark, or the text inline: the same study."""
    project, _ = coded_interview()
    for document in project.texts.values():
        document.bom = bom
    path = project.write(tmp_path / "p.qdpx", folder=folder, bom=bom)
    inline, _ = coded_interview()
    for document in inline.texts.values():
        document.inline = True
    other = inline.write(tmp_path / "inline.qdpx")
    first, second = read_project_study(path), read_project_study(other)
    assert len(first) == len(second)
    texts = sorted(str(o) for o in first.objects(None, CIMO.sourceText))
    assert texts == sorted(str(o) for o in second.objects(None, CIMO.sourceText))


def test_pdf_areas_and_audio_carry_no_text_and_are_said(tmp_path):
    """A PDF area and an audio segment coded for an element: no crash; the study keeps the
    PDF area's page as a place, and a warning says what had no text."""
    project, codes = coded_interview()
    project.pdf_area("report.pdf", 2, codes["O"])
    project.audio("interview-02.m4a", codes["M"])
    path = project.write(tmp_path / "p.qdpx")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = read_project_study(path)
    said = [str(w.message) for w in caught if w.category is cg.ProjectImportWarning]
    assert any("report.pdf" in s and "carries no text" in s for s in said)
    assert any("interview-02.m4a" in s and "audio" in s for s in said)
    outcome = URIRef("https://example.org/intervisie/W-O1")
    assert Literal("report.pdf, page 3", lang="en") in set(
        graph.objects(outcome, CIMO.sourceLocation)
    )


def test_a_large_project_imports(tmp_path):
    """100 documents and 5,000 coded segments import (the benchmark times it)."""
    path = large_project().write(tmp_path / "large.qdpx")
    kg = cg.load(path)
    assert kg.summary().counts["Intervention"] == 50
    assert len(set(kg.graph.objects(None, CIMO.sourceLocation))) == 5000


# --- mistakes, each named -----------------------------------------------------------------------


def test_every_mistake_names_its_code_document_or_line(tmp_path):
    project, codes = coded_interview()
    holder = project.code("interventie", codes["W"], codable=False)
    project.code("[W-I2] zonder bewijs", holder, description="themes: feedbak\nlabel_en: x")
    project.code("[W-I3] los", codes["I"])  # beneath an element, no kind code between
    project.code("[W-M9] geen engels", project.code("mechanisme", codes["W"], codable=False))
    path = project.write(tmp_path / "broken.qdpx")
    with pytest.raises(cg.TemplateError) as raised:
        cg.load(path)
    message = str(raised.value)
    assert "code 'ontwerpprincipe / [W] welbevinden / interventie / [W-I2] zonder bewijs', " in (
        message
    )
    assert "'feedbak': unknown theme. Did you mean: 'feedback'?" in message
    assert "has no evidence: code the passage it comes from with this code" in message
    assert "sits under the element 'W-I1' with no kind code between" in message
    assert (
        "[W-M9] geen engels', field 'label_en:': missing its label: write 'label_en: ...' in "
        "the code's description"
    ) in message
    assert "5 problem(s) in the coded project" in message
    assert "sheet" not in message and "column" not in message
    assert main(["import", str(path), "--out", str(tmp_path / "x.ttl")]) == 2
    assert not (tmp_path / "x.ttl").exists()


def test_a_project_without_the_convention_is_refused_with_its_codes_and_a_mapping_reads_it(
    tmp_path,
):
    """Codes of the researcher's own naming: refused with the codes named and how to map
    them; a mapping file (code path -> kind, proposition) imports it."""
    project = ToolProject("Eigen codes")
    aanpak = project.code("Aanpak")
    feedback = project.code("Feedback geven", aanpak)
    effect = project.code("Effecten")
    groei = project.code("Groei", effect)
    werking = project.code("Werking")
    vertrouwen = project.code("Vertrouwen", werking)
    document = project.text("focusgroep.txt", "Feedback geven bouwt vertrouwen en groei op.")
    project.phrase(document, "Feedback geven", feedback)
    project.phrase(document, "vertrouwen", vertrouwen)
    project.phrase(document, "groei", groei)
    path = project.write(tmp_path / "eigen.qdpx")
    with pytest.raises(cg.TemplateError) as raised:
        cg.load(path)
    message = str(raised.value)
    assert "no code follows the CIMO convention" in message
    assert "'Aanpak / Feedback geven'" in message and "mapping file" in message
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "study:\n  namespace: https://example.org/eigen/\n  languages: nl\n"
        "codes:\n"
        "  Aanpak: intervention\n"
        "  Werking: mechanism\n"
        "  Effecten/Groei: {kind: outcome, proposition: P, id: groei}\n"
        "  Extra: {kind: proposition, id: P}\n",
        encoding="utf-8",
    )
    project.code("Extra", description="Propositie gelezen uit de focusgroep.\ncontext: CX")
    project.code("context", codable=False)
    context = project.code("[CX] focusgroep", project.roots[-1].guid)
    project.phrase(document, "Feedback geven bouwt", context)
    for code in (feedback, vertrouwen):
        project.codes[code].description = "proposition: P"
    path = project.write(tmp_path / "eigen.qdpx")
    kg = cg.load(path, mapping=mapping)
    assert kg.validate().conforms
    assert kg.outcomes_of("P")["id"].tolist() == ["groei"]
    assert (
        main(["import", str(path), "--mapping", str(mapping), "--out", str(tmp_path / "e.ttl")])
        == 0
    )


# --- a study as a project, and back ------------------------------------------------------------


def test_the_bundled_study_goes_out_as_a_valid_project_and_comes_back_whole(
    tmp_path, kg, project_schema
):
    """Export with the summary's text, then import: no statement lost; what is gained is
    exactly the place of each coded segment; every coded segment is the document's own
    text at its offsets; the project is valid against the published Project schema."""
    path = tmp_path / "leernetwerken.qdpx"
    assert main(["export", "--out", str(path), "--document", f"summary={SUMMARY}"]) == 0
    project_schema.validate(qde(path))
    back = cg.load(path).graph
    original = kg.graph

    def plain(graph):
        return {t for t in graph if not any(isinstance(x, BNode) for x in t)}

    assert plain(original) <= plain(back)
    gained = plain(back) - plain(original)
    assert {p for _, p, _ in gained} == {CIMO.sourceLocation}
    root = ElementTree.fromstring(qde(path))
    selections = list(root.iter(f"{QDA}PlainTextSelection"))
    assert len(gained) == len(selections) > 60
    text = SUMMARY.read_text(encoding="utf-8")
    for selection in selections:
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        code = selection.find(f"{QDA}Coding/{QDA}CodeRef").get("targetGUID")
        name = next(c.get("name") for c in root.iter(f"{QDA}Code") if c.get("guid") == code)
        element = URIRef(
            "https://w3id.org/cimo-graph/study/leernetwerken/" + name[1:].split("]")[0]
        )
        assert Literal(" ".join(text[start:end].split()), lang="nl") in set(
            original.objects(element, CIMO.sourceText)
        )
    # the bnode statements (author lists, the journal) come back too
    assert isomorphic(
        original.__class__().__iadd__([t for t in original if t not in plain(original)]),
        back.__class__().__iadd__([t for t in back if t not in plain(back)]),
    )


def test_a_study_without_documents_round_trips_isomorphic(tmp_path, kg, project_schema):
    """Without any document's text, the source texts stay in the codes' descriptions and
    the project gives the very same graph back."""
    path = kg.export_project(tmp_path / "plain.qdpx")
    project_schema.validate(qde(path))
    assert isomorphic(cg.load(path).graph, kg.graph)


def test_the_second_study_round_trips_through_a_project(tmp_path, project_schema):
    """The tests' second study (English only, two papers, authors): out and back in."""
    second = cg.load(Path(__file__).parent / "data" / "studies" / "blended-review.yaml")
    path = second.export_project(tmp_path / "second.qdpx")
    project_schema.validate(qde(path))
    assert isomorphic(cg.load(path).graph, second.graph)


def test_the_same_study_gives_the_same_bytes(tmp_path, kg):
    first = kg.export_project(tmp_path / "a.qdpx", documents={"summary": SUMMARY})
    second = kg.export_project(tmp_path / "b.qdpx", documents={"summary": SUMMARY})
    assert first.read_bytes() == second.read_bytes()


def test_a_project_written_by_a_tool_is_valid_too(tmp_path, project_schema):
    """The tests' tool-like projects follow the published schema (so the reader is
    tested on what the tools write, not on a looser dialect)."""
    project, _ = coded_interview()
    xml, _ = project.qde()
    project_schema.validate(xml)


def test_unknown_document_and_bad_document_option(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "x.qdpx"), "--document", "nope=x.txt"]) == 2
    assert "'nope' is not one of the study's sources (summary)" in capsys.readouterr().err
    assert main(["export", "--out", str(tmp_path / "x.qdpx"), "--document", "summary"]) == 2
    missing = ["--document", f"summary={tmp_path / 'samenvatting.txt'}"]
    assert main(["export", "--out", str(tmp_path / "x.qdpx"), *missing]) == 2
    assert "samenvatting.txt" in capsys.readouterr().err
    assert not (tmp_path / "x.qdpx").exists()
    assert main(["export", "--out", str(tmp_path / "x.yaml"), "--document", "a=b"]) == 2


def test_notes_are_printed_on_the_command_line(tmp_path, capsys):
    project, codes = coded_interview()
    project.audio("interview-02.m4a", codes["M"])
    path = project.write(tmp_path / "p.qdpx")
    assert main(["import", str(path), "--out", str(tmp_path / "p.ttl")]) == 0
    err = capsys.readouterr().err
    assert "cimo-graph: note: p.qdpx: document 'interview-02.m4a' is audio" in err


def test_codes_with_the_same_id_are_one_element(tmp_path):
    """A context coded under two propositions with the same [ID]: one element, linked to both."""
    project, _ = coded_interview()
    propositions = project.roots[1].guid
    other = project.code("[C] competentie", propositions, description="label_en: competence\nNote.")
    project.code("[CX] opleidingsschool", project.code("context", other, codable=False))
    for kind, name in (("interventie", "I"), ("mechanisme", "M"), ("opbrengst", "O")):
        holder = project.code(kind, other, codable=False)
        project.code(f"[C-{name}1] x", holder, description="label_en: x\nRead so.")
    kg = cg.load(project.write(tmp_path / "p.qdpx"))
    g = kg.graph
    context = URIRef("https://example.org/intervisie/CX")
    assert set(g.subjects(CIMO.hasContext, context)) == {
        URIRef("https://example.org/intervisie/W"),
        URIRef("https://example.org/intervisie/C"),
    }


def test_reading_offsets_as_characters_not_bytes(tmp_path):
    """Offsets count code points: text after an emoji (4 bytes in UTF-8, 2 UTF-16 units)
    and accented letters is read at the right place."""
    project = ToolProject("Tekens", "namespace: https://example.org/t/\nlanguages: nl")
    text = "Één 😊 café: de ideeën werken."
    document = project.text("t.txt", text)
    kinds = {k: project.code(k, codable=False) for k in ("context", "propositie")}
    context = project.code("[CX] c", kinds["context"], description="Gelezen.")
    proposition = project.code("[P] p", kinds["propositie"], description="Gelezen.")
    parts = {}
    for kind in ("interventie", "mechanisme", "opbrengst"):
        parts[kind] = project.code(f"[{kind}] x", project.code(kind, proposition, codable=False))
    project.phrase(document, "ideeën", parts["interventie"])
    project.phrase(document, "werken", parts["mechanisme"])
    project.phrase(document, "café", parts["opbrengst"])
    project.phrase(document, "Één", context)
    graph = read_project_study(project.write(tmp_path / "t.qdpx"))
    texts = {str(o) for o in graph.objects(None, CIMO.sourceText)}
    assert texts == {"ideeën", "werken", "café", "Één"}
    assert re.search(r"characters 22-28", graph.serialize(format="nt"))


def test_from_the_codebook_to_a_study(tmp_path):
    """The whole way a researcher goes: import cimo.qdc into the tool (its codes become
    the project's kind codes, as the tools copy a codebook), create the elements beneath
    them, code an interview, export the project, import it: a conforming study."""
    codebook = ElementTree.parse(write_codebook(tmp_path / "cimo.qdc", languages=["en"]))
    project = ToolProject("From the codebook", "namespace: https://example.org/c/\nlanguages: en")
    kinds = {
        code.get("name"): project.code(code.get("name"), codable=False)
        for code in codebook.getroot().iter("{urn:QDA-XML:codebook:1.0}Code")
    }
    text = "We meet weekly. Feedback from peers makes students feel safe, so they ask more."
    document = project.text("meeting-notes.txt", text)
    context = project.code("the partner school", kinds["context"])
    proposition = project.code("safe learning", kinds["design proposition"])
    project.phrase(document, "We meet weekly.", context, proposition)
    parts = {}
    for kind, phrase in (
        ("intervention", "Feedback from peers"),
        ("mechanism", "feel safe"),
        ("outcome", "they ask more"),
    ):
        parts[kind] = project.code(phrase.lower(), project.code(kind, proposition, codable=False))
        project.phrase(document, phrase, parts[kind])
    asking = project.code("asking questions", kinds["themes"])
    project.phrase(document, "they ask more", asking)  # the same passage, coded again
    kg = cg.load(project.write(tmp_path / "coded.qdpx"))
    assert kg.validate().conforms
    answer = kg.interventions_for("asking questions")
    assert answer["source_text"].tolist() == ["Feedback from peers"]
    assert answer["via"].tolist() == ["DP1-O1"]
    assert kg.propositions()["id"].tolist() == ["DP1"]
    assert kg.mechanisms_for("DP1")["id"].tolist() == ["DP1-M1"]


def test_a_bare_project_file_reads_its_sources_beside_it(tmp_path):
    """A project.qde unpacked by hand, with its Sources folder beside it."""
    project, _ = coded_interview()
    xml, files = project.qde(folder="Sources")
    (tmp_path / "project.qde").write_text(xml, encoding="utf-8")
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    kg = cg.load(tmp_path / "project.qde")
    assert kg.validate().conforms
    assert len(kg.interventions_for("feedback")) == 1


def test_made_ids_never_take_an_id_a_code_names(tmp_path):
    """An element code without an id gets the next free one, never an id that a code
    named further down the tree carries."""
    project, _ = coded_interview()
    holder = project.roots[1].children[0].children[0].guid  # W's intervention code
    project.code("zonder id", holder, description="label_en: no id\nRead so.")
    project.code("[W-I2] met id", holder, description="label_en: with id\nRead so.")
    graph = read_project_study(project.write(tmp_path / "p.qdpx"))
    labels = {
        str(graph.value(s, DCTERMS.identifier)): str(o)
        for s, o in graph.subject_objects(RDFS.label)
        if o.language == "nl" and (s, RDF.type, CIMO.Intervention) in graph
    }
    assert labels == {"W-I1": "wekelijkse feedback", "W-I2": "met id", "W-I3": "zonder id"}


def test_mapping_mistakes_and_codes_left_out_are_said(tmp_path):
    """A mapping entry naming no code gets the closest paths; a passage coded with a kind
    code itself is a mistake; codes outside the convention and codes the codebook lacks
    are said in notes."""
    project, codes = coded_interview()
    document = codes["doc"]
    interesting = project.code("Interessant")
    project.phrase(document, "Door de intervisie", interesting)
    project.phrase(document, "leer ik van medestudenten", codes["context"])
    project.segment(document, 0, 5, "DEADBEEF-0000-0000-0000-000000000000")
    path = project.write(tmp_path / "p.qdpx")
    with pytest.raises(cg.TemplateError) as raised:
        cg.load(path, mapping={"codes": {"Interesant": "intervention", "Werking": "outcome"}})
    message = str(raised.value)
    assert "mapping file, codes: 'Interesant': names a code the project does not have" in message
    assert "Did you mean: 'Interessant'?" in message
    assert "'Werking': names a code" in message
    assert "is coded with the kind code 'context' itself" in message
    project.texts[document].segments.pop(-2)  # the passage coded with a kind code
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cg.load(project.write(tmp_path / "q.qdpx"))
    said = " ".join(str(w.message) for w in caught)
    assert "codes outside the CIMO convention ('Interessant')" in said
    assert "1 coding(s) name a code the codebook does not hold" in said


def test_a_language_the_study_lacks_is_named(tmp_path):
    """A label in a language the project does not declare is reported, not taken as a note."""
    project, codes = coded_interview()
    project.codes[codes["I"]].description += "\nlabel_sv: veckovis återkoppling"
    with pytest.raises(cg.TemplateError) as raised:
        cg.load(project.write(tmp_path / "p.qdpx"))
    message = str(raised.value)
    assert "[W-I1] wekelijkse feedback', field 'label_sv:'" in message
    assert "'sv' is not one of the study's languages" in message
