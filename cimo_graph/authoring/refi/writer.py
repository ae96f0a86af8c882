"""Writing REFI-QDA files: the CIMO codebook (``.qdc``) coders start from, and a study as
a project (``.qdpx``) whose codes are its elements and whose segments are their source
texts, coded at their place in the source documents."""

from __future__ import annotations

import re
import uuid
import zipfile
from collections.abc import Mapping, Sequence, Set
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

from rdflib import Graph, URIRef

from ..._files import atomic_path
from ...errors import CimoGraphError
from ...guards import refuse_unwritable
from ...texts import flattened
from ..build import join_texts, split_texts
from .archive import NS
from .convention import KEPT_NOTE, KIND_NAMES

__all__ = ["CODEBOOK_NS", "write_codebook", "write_project"]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_GUIDS = uuid.UUID("6f1d2c7e-0c55-4a8e-9d4b-3c1e6b0f2a91")
#: The kinds of the codebook, in the order coders meet them, with their ontology class.
_KINDS = (
    ("context", "Context"),
    ("propositions", "DesignProposition"),
    ("interventions", "Intervention"),
    ("mechanisms", "Mechanism"),
    ("outcomes", "Outcome"),
    ("added_values", "AddedValue"),
    ("pillars", "Pillar"),
    ("aims", "Aim"),
    ("means", "Means"),
    ("roles", "Role"),
    ("role_statements", "RoleStatement"),
    ("organisations", "Organisation"),
    ("recommendations", "Recommendation"),
    ("quotes", "Quote"),
)
#: Where a kind's element codes go: beneath an element of another kind, or at the top.
_UNDER = {
    "interventions": "propositions",
    "mechanisms": "propositions",
    "outcomes": "propositions",
    "added_values": "propositions",
    "aims": "pillars",
    "means": "pillars",
}
_COLOURS = {
    "context": "#bee6b6",
    "propositions": "#fc8f33",
    "interventions": "#68acd0",
    "mechanisms": "#b5b5d7",
    "outcomes": "#feece4",
    "added_values": "#fa5422",
    "pillars": "#fc8f33",
    "aims": "#fee0d2",
    "means": "#b8d2eb",
    "themes": "#dddddd",
}
_HOW = {
    "context": "Name the setting the propositions hold in; a proposition's description "
    "names its context ('context: ID') when the study has more than one.",
    "propositions": "One code beneath this one per design proposition, '[ID] label'. "
    "Beneath each, the kind codes intervention, mechanism, outcome and added value, "
    "and beneath those its elements.",
    "pillars": "One code beneath this one per pillar, '[ID] label'; beneath each, the "
    "kind codes aim and means with the pillar's aim and means.",
}


def _guid(*parts: str) -> str:
    """A GUID that the same study and element always get (the same file, byte for byte)."""
    return str(uuid.uuid5(_GUIDS, "\x1f".join(parts)))


def _kind_texts(languages: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Each kind's code name (in the first language) and description (its definition
    from the ontology, its labels, and how to code with it)."""
    from rdflib.namespace import RDFS, SKOS

    from ..._resources import ontology_graph
    from ...namespace import CIMO

    ontology = ontology_graph()
    texts = {}
    for sheet, cls in _KINDS:
        labels = {
            str(getattr(x, "language", None)): str(x)
            for x in ontology.objects(CIMO[cls], RDFS.label)
        }
        definition = " ".join(str(d) for d in ontology.objects(CIMO[cls], SKOS.definition))
        name = labels.get(languages[0], labels.get("en", KIND_NAMES[sheet][0]))
        named = " · ".join(f"{labels[lang]} ({lang})" for lang in languages if lang in labels)
        under = _UNDER.get(sheet)
        where = (
            f"Put these codes beneath a {under.rstrip('s')}'s own '{name}' code "
            f"({under.rstrip('s')} / [ID] label / {name} / [ID] label)."
            if under
            else _HOW.get(sheet, "One code beneath this one per element, '[ID] label'.")
        )
        texts[sheet] = (
            name,
            f"{named}\n{definition}\n\n{where} Code each passage that is evidence for an "
            "element with the element's code: the passage becomes its verbatim source "
            "text, with its place in the document. Code the passage with theme codes too "
            "to give the element those themes. Fields go in the element code's "
            "description, one per line (label_en: ..., themes: ..., proposition: ...); "
            "other text there and the code's memos become interpretation notes.",
        )
    texts["themes"] = (
        "themes" if languages[0] != "nl" else "thema's",
        "themes (en) · thema's (nl)\nThe study's theme vocabulary (SKOS concepts): one code "
        "beneath this one per theme, '[id] label'. A passage coded with a theme code and an "
        "element's code gives that element the theme; or name themes in the element code's "
        "description ('themes: feedback; guidance'). A theme code's description may give "
        "label_en:, synonyms_nl:, definition:.",
    )
    return texts


def _code(
    parent: Element,
    guid: str,
    name: str,
    description: str,
    codable: bool,
    colour: str | None = None,
) -> Element:
    code = SubElement(parent, "Code", guid=guid, name=name, isCodable=str(codable).lower())
    if colour:
        code.set("color", colour)
    if description:
        SubElement(code, "Description").text = description
    return code


def _xml(root: Element) -> bytes:
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="unicode").encode(
        "utf-8"
    )


def write_codebook(path: Path | str, *, languages: Sequence[str] = ("en",)) -> Path:
    """Write the CIMO codebook (REFI-QDA ``.qdc``) to import into a coding tool before
    coding: a code per kind, described by its ontology definition and the convention.

    >>> import tempfile, pathlib
    >>> path = write_codebook(pathlib.Path(tempfile.mkdtemp()) / "cimo.qdc")
    >>> b"intervention" in path.read_bytes()
    True
    """
    languages = [str(lang) for lang in languages] or ["en"]
    root = Element("CodeBook", xmlns=CODEBOOK_NS, origin="cimo-graph")
    codes = SubElement(root, "Codes")
    for sheet, (name, description) in _kind_texts(languages).items():
        _code(codes, _guid("codebook", sheet), name, description, False, _COLOURS.get(sheet))
    path = Path(path)
    with atomic_path(path) as temporary:
        temporary.write_bytes(_xml(root))
    return path


# --- a study as a project -----------------------------------------------------------------


class _Document:
    def __init__(self, source: str, name: str, text: str) -> None:
        self.source = source
        self.name = name
        self.text = text
        self.flat, self.index = flattened(text)
        self.guid = _guid("document", source)
        self.selections: list[tuple[int, int, str, str]] = []

    def place(self, wanted: str) -> tuple[int, int] | None:
        """Where ``wanted`` (white space aside) stands, preferring a whole-word match."""
        if not wanted or " ".join(wanted.split()) != wanted:
            return None  # its own line breaks or double spaces would not come back
        found = None
        for match in re.finditer(re.escape(wanted), self.flat):
            start, end = match.start(), match.end()
            before = self.flat[start - 1] if start else " "
            after = self.flat[end] if end < len(self.flat) else " "
            found = found or (start, end)
            if not before.isalnum() and not after.isalnum():
                found = (start, end)
                break
        if found is None:
            return None
        return self.index[found[0]], self.index[found[1] - 1] + 1


def _fields(cells: Mapping[str, str], order: Sequence[str], skip: set[str]) -> list[str]:
    lines = []
    for name in order:
        value = cells.get(name)
        if name in skip or value in (None, ""):
            continue
        values = split_texts(value) if name in ("source_text", "location") else [value]
        for item in values:
            if name in ("source_text", "location"):
                item = join_texts([item])
            head, *rest = str(item).split("\n")
            lines.append(f"{name}: {head}")
            lines += [f"  {line}" for line in rest]
    return lines


class _ProjectWriter:
    def __init__(
        self, graph: Graph, study: URIRef | None, documents: Mapping[str, Path | str]
    ) -> None:
        from ..export import graph_tables

        self.tables, self.columns = graph_tables(graph, study)
        self.study = self.tables["study"][0]
        self.languages = [x.strip() for x in self.study["languages"].split(";") if x.strip()]
        self.key = self.study.get("namespace", "")
        self.documents: dict[str, _Document] = {}
        known = {row["id"] for row in self.tables["sources"]}
        for source, given in documents.items():
            if source not in known:
                raise CimoGraphError(
                    f"documents: {source!r} is not one of the study's sources "
                    f"({', '.join(sorted(known)) or 'none'})"
                )
            path = Path(given)
            if not path.is_file():
                from ...errors import StudyNotFoundError

                raise StudyNotFoundError(path)
            from ..tables import _text

            self.documents[source] = _Document(source, path.name, _text(path))
        self.notes: dict[str, list[Mapping[str, str]]] = {}
        for row in self.tables["notes"]:
            self.notes.setdefault(row["element"], []).append(row)
        self.texts = _kind_texts(self.languages)

    def project(self, name: str) -> Element:
        root = Element(
            "Project",
            xmlns=NS,
            name=name,
            origin="cimo-graph",
        )
        codebook = SubElement(root, "CodeBook")
        codes = SubElement(codebook, "Codes")
        self.kind_codes: dict[tuple[str, str], Element] = {}
        self.element_codes: dict[str, Element] = {}
        by_sheet = {sheet: self.tables.get(sheet, []) for sheet, _ in _KINDS}
        for sheet, _ in _KINDS:
            if sheet in _UNDER or not by_sheet[sheet]:
                continue
            parent = self.kind_code(codes, sheet, "")
            for row in by_sheet[sheet]:
                self.element(parent, sheet, row)
        for sheet, whole in _UNDER.items():
            for row in by_sheet[sheet]:
                column = "proposition" if whole == "propositions" else "pillar"
                # a part shared by several propositions sits beneath each: in full beneath
                # the first, as a code of the same [ID] beneath the others
                owners = [o.strip() for o in (row.get(column) or "").split(";") if o.strip()]
                holders = [o for o in owners if o in self.element_codes]
                if not holders or len(holders) != len(owners):
                    self.element(self.kind_code(codes, sheet, ""), sheet, row)
                    continue
                first, *others = holders
                self.element(
                    self.kind_code(self.element_codes[first], sheet, first),
                    sheet,
                    row,
                    skip={column},
                )
                for owner in others:
                    holder = self.kind_code(self.element_codes[owner], sheet, owner)
                    _code(
                        holder,
                        _guid(self.key, "element", row["id"], owner),
                        f"[{row['id']}] {self.label(row)}",
                        "",
                        True,
                    )
        if self.tables.get("themes"):
            themes = self.kind_code(codes, "themes", "")
            for row in self.tables["themes"]:
                label = self.label(row)
                lines = _fields(row, self.columns["themes"], {"id", f"label_{self.languages[0]}"})
                _code(
                    themes,
                    _guid(self.key, "theme", row["id"]),
                    f"[{row['id']}] {label}",
                    "\n".join(lines),
                    True,
                )
        sources = SubElement(root, "Sources")
        for row in self.tables["sources"]:
            document = self.documents.get(row["id"])
            if document is None:
                continue
            lines = [f"id: {row['id']}", *_fields(row, self.columns["sources"], {"id"})]
            text_source = SubElement(
                sources,
                "TextSource",
                guid=document.guid,
                name=document.name,
                plainTextPath=f"internal://{document.guid}.txt",
            )
            SubElement(text_source, "Description").text = "\n".join(lines)
            for start, end, code, key in sorted(document.selections):
                selection = SubElement(
                    text_source,
                    "PlainTextSelection",
                    guid=_guid(self.key, "segment", key, str(start)),
                    startPosition=str(start),
                    endPosition=str(end),
                )
                coding = SubElement(
                    selection, "Coding", guid=_guid(self.key, "coding", key, str(start))
                )
                SubElement(coding, "CodeRef", targetGUID=code)
        if not len(sources):
            root.remove(sources)
        kept = {
            "sources": [r for r in self.tables["sources"] if r["id"] not in self.documents],
            "references": self.tables.get("references", []),
            "findings": self.tables.get("findings", []),
            "confidence": self.tables.get("confidence", []),
            "history": self.tables.get("history", []),
            "extra": self.tables.get("extra", []),
        }
        if any(kept.values()):
            import yaml

            notes = SubElement(root, "Notes")
            note = SubElement(notes, "Note", guid=_guid(self.key, "kept"), name=KEPT_NOTE)
            text = yaml.safe_dump(
                {k: v for k, v in kept.items() if v}, allow_unicode=True, sort_keys=False
            )
            SubElement(note, "PlainTextContent").text = text
        description = _fields(self.study, self.columns["study"], set())
        description += self.note_lines(self.study["id"])
        SubElement(root, "Description").text = "\n".join(description)
        return root

    def note_lines(self, identifier: str) -> list[str]:
        """The interpretation notes of an element as ``note_<lang>:`` fields."""
        lines = []
        for note in self.notes.get(identifier, []):
            head, *rest = note["note"].split("\n")
            lines.append(f"note_{note.get('lang') or 'en'}: {head}")
            lines += [f"  {line}" for line in rest]
        return lines

    def label(self, row: Mapping[str, str]) -> str:
        return row.get(f"label_{self.languages[0]}") or next(
            (row[f"label_{lang}"] for lang in self.languages if row.get(f"label_{lang}")), ""
        )

    def kind_code(self, parent: Element, sheet: str, owner: str) -> Element:
        key = (sheet, owner)
        if key not in self.kind_codes:
            name, description = self.texts[sheet]
            self.kind_codes[key] = _code(
                parent,
                _guid(self.key, "kind", sheet, owner),
                name,
                description if not owner else "",
                False,
                _COLOURS.get(sheet),
            )
        return self.kind_codes[key]

    def element(
        self, parent: Element, sheet: str, row: Mapping[str, str], skip: Set[str] = frozenset()
    ) -> None:
        identifier = row["id"]
        guid = _guid(self.key, "element", identifier)
        unplaced = self.place(row, guid)
        skip = {"id", f"label_{self.languages[0]}", "source_text", *skip}
        lines = _fields({"source_text": join_texts(unplaced)}, ["source_text"], set())
        lines = _fields(row, self.columns[sheet], skip) + lines + self.note_lines(identifier)
        code = _code(parent, guid, f"[{identifier}] {self.label(row)}", "\n".join(lines), True)
        self.element_codes[identifier] = code

    def place(self, row: Mapping[str, str], guid: str) -> list[str]:
        """Code the element's source texts where they stand; the texts found nowhere."""
        texts = [t for t in (row.get("source_text") or "").split(" | ") if t]
        sources = [s.strip() for s in (row.get("sources") or "").split(";") if s.strip()]
        sources = sources or [self.study.get("source_document") or ""]
        unplaced = []
        for text in texts:
            for source in sources:
                document = self.documents.get(source)
                found = document.place(text) if document is not None else None
                if document is not None and found is not None:
                    document.selections.append((*found, guid, row["id"]))
                    break
            else:
                unplaced.append(text)
        return unplaced


def write_project(
    graph: Graph,
    path: Path | str,
    *,
    documents: Mapping[str, Path | str] | None = None,
    study: URIRef | None = None,
    force: bool = False,
) -> Path:
    """Write the study in ``graph`` as a REFI-QDA project (``.qdpx``) that ATLAS.ti,
    NVivo, MAXQDA and QualCoder open: its elements as codes (under the kind codes of the
    CIMO codebook), its themes as codes, and for each source whose text ``documents``
    gives (``{source id: a UTF-8 text file}``) the document with every element's source text
    coded at its place. Texts found in no document stay in their code's description
    (``source_text: ...``), so that importing the project gives the study back.
    """
    from ..._files import refuse_overwrite

    refuse_overwrite(path, "the coded project", force=force)
    writer = _ProjectWriter(graph, study, documents or {})
    name = writer.study.get(f"title_{writer.languages[0]}") or writer.study.get("identifier", "")
    root = writer.project(name)
    path = Path(path)
    refuse_unwritable(
        [*(e.text for e in root.iter()), *(v for e in root.iter() for v in e.attrib.values())],
        path,
    )
    with (
        atomic_path(path) as temporary,
        zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr(_entry("project.qde"), _xml(root))
        for document in writer.documents.values():
            archive.writestr(_entry(f"Sources/{document.guid}.txt"), document.text.encode())
    return path


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip member with a fixed date, so the same study gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
