"""The CIMO coding convention: how a REFI-QDA project's codes, segments and memos become
the template's rows (and so the study's RDF, with every mistake reported at once).

The convention, in short (the README and every code of ``cimo.qdc`` say it in full):

- a **kind code** is named after a CIMO kind (``intervention``, ``interventie``,
  ``interventions`` ...; any case); every code directly beneath it is an **element** of
  that kind, named ``[ID] label`` or just ``label`` (an id is then made);
- an element's **parts** sit beneath it under kind codes of their own: a proposition's
  ``intervention``, ``mechanism``, ``outcome``, ``added value`` and ``context`` codes, a
  pillar's ``aim`` and ``means``; two codes with the same ``[ID]`` are one element;
- every **segment** coded with an element code is that element's verbatim source text,
  with its place (document, characters or page) and its document as its source; a
  segment also coded with a theme code gives the element that theme;
- an element code's **description** holds fields, one per line (``label_en: ...``,
  ``themes: feedback; guidance``, ``proposition: W``: any column of the element's sheet
  in the template); its other text, the code's memos and the segments' memos are
  interpretation notes;
- the project's description holds the study's fields (``namespace:``, ``languages:``,
  ``title_nl:`` ...), a mapping file may give them too, and may name the kind of codes
  called otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Literal
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF

from ...lookup import normalise
from ..build import _LANG, GENERATED, split_texts
from ..schema import SHEETS, Column, sheet_named
from ..tables import Problem, Row, TemplateError
from .archive import Code, Document, Project, Selection

__all__ = ["KEPT_NOTE", "KIND_NAMES", "parse_fields", "project_tables"]

#: The names a kind code may have (any case, accents ignored), per template sheet.
KIND_NAMES: dict[str, tuple[str, ...]] = {
    "context": ("context", "contexts", "contexten"),
    "propositions": (
        "design proposition",
        "design propositions",
        "proposition",
        "propositions",
        "ontwerpprincipe",
        "ontwerpprincipes",
        "ontwerppropositie",
        "ontwerpproposities",
        "propositie",
        "proposities",
    ),
    "interventions": ("intervention", "interventions", "interventie", "interventies"),
    "mechanisms": ("mechanism", "mechanisms", "mechanisme", "mechanismen"),
    "outcomes": ("outcome", "outcomes", "opbrengst", "opbrengsten", "uitkomst", "uitkomsten"),
    "added_values": ("added value", "added values", "meerwaarde", "meerwaarden"),
    "pillars": ("pillar", "pillars", "pijler", "pijlers"),
    "aims": ("aim", "aims", "doel", "doelen"),
    "means": ("means", "middel", "middelen"),
    "roles": ("role", "roles", "rol", "rollen"),
    "role_statements": ("role statement", "role statements", "roluitspraak", "roluitspraken"),
    "organisations": (
        "organisation",
        "organisations",
        "organization",
        "organizations",
        "organisatie",
        "organisaties",
    ),
    "recommendations": ("recommendation", "recommendations", "aanbeveling", "aanbevelingen"),
    "quotes": ("quote", "quotes", "citaat", "citaten"),
    "themes": ("theme", "themes", "thema", "themas", "thema's"),
}
_KIND_OF = {normalise(name): sheet for sheet, names in KIND_NAMES.items() for name in names}
#: The prefix of the ids made for elements without one.
_ABBREVIATION = {
    "context": "CX",
    "propositions": "DP",
    "interventions": "I",
    "mechanisms": "M",
    "outcomes": "O",
    "added_values": "AV",
    "pillars": "P",
    "aims": "aim",
    "means": "means",
    "roles": "R",
    "role_statements": "RS",
    "organisations": "ORG",
    "recommendations": "REC",
    "quotes": "Q",
}
#: A project note with this name holds the sheets no code carries (sources without their
#: text, references, links between findings, confidence assessments, the findings'
#: history, extra statements), as YAML.
KEPT_NOTE = "cimo-graph: sources, references and other statements"
_NAMED = re.compile(r"^\[\s*([^\]]+?)\s*\]\s*(.*)$", re.S)
_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)[ \t]*:[ \t]?(.*)$")
_LINKS = ("sources", "themes", "involves")
#: The kinds of document whose coded passages are evidence (a PDF's areas give a page).
_TEXTUAL = ("text", "pdf")


class _Fields:
    """The field names of a sheet's descriptions: its columns, each per-language column
    with any language tag (``label_sv``: the build says if the study lacks the language),
    and ``note`` / ``note_<lang>``."""

    def __init__(self, sheet: str, extra: tuple[str, ...] = ()) -> None:
        columns = _columns(sheet)
        self.plain = {c.name for c in columns if not c.per_language} | {"note", *extra}
        self.per_language = {c.name for c in columns if c.per_language} | {"note"}

    def __contains__(self, name: str) -> bool:
        base, _, lang = name.rpartition("_")
        return name in self.plain or (base in self.per_language and bool(_LANG.match(lang)))


def parse_fields(text: str, known: set[str] | _Fields) -> tuple[dict[str, list[str]], list[str]]:
    """The ``name: value`` lines of a description whose name is in ``known``, and its
    other text as paragraphs. A line indented under a field continues it.

    >>> text = "label_en: feedback\\nthemes: a; b\\n\\nA note.\\nStill it."
    >>> parse_fields(text, {"label_en", "themes"})
    ({'label_en': ['feedback'], 'themes': ['a; b']}, ['A note.\\nStill it.'])
    """
    fields: dict[str, list[str]] = {}
    paragraphs: list[list[str]] = [[]]
    current: list[str] | None = None
    for line in text.replace("\r\n", "\n").split("\n"):
        match = _FIELD.match(line)
        if match and match.group(1) in known:
            fields.setdefault(match.group(1), []).append(match.group(2).strip())
            current = fields[match.group(1)]
            paragraphs.append([])
        elif current is not None and line[:1] in (" ", "\t") and line.strip():
            current[-1] += "\n" + line.strip()
        elif not line.strip():
            current = None
            paragraphs.append([])
        else:
            current = None
            paragraphs[-1].append(line.rstrip())
    return fields, ["\n".join(p).strip() for p in paragraphs if "".join(p).strip()]


@dataclass
class _Element:
    """An element gathered from one or more codes with the same id."""

    sheet: str
    id: str
    codes: list[Code]
    row: Row
    texts: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)


class _Importer:
    def __init__(self, project: Project, mapping: Mapping[str, Any] | None) -> None:
        self.project = project
        self.file = project.file
        self.mapping = dict(mapping or {})
        self.problems: list[Problem] = []
        self.tables: dict[str, list[Row]] = {sheet.name: [] for sheet in SHEETS}
        self.elements: dict[str, _Element] = {}
        self.by_code: dict[str, _Element] = {}
        self.theme_codes: dict[str, str] = {}
        self.kind_codes: dict[str, str] = {}
        self.code_kinds = self._mapped_codes()
        self.numbers: dict[str, int] = {}
        self.encoders: set[str] = set()

    # --- the study ----------------------------------------------------------------------

    def problem(self, where: str, message: str, value: str | None = None) -> None:
        self.problems.append(Problem(self.file, "", where, None, value, message))

    def study(self) -> None:
        fields, _ = parse_fields(self.project.description, _Fields("study", ("title", "label")))
        notes = [name for name in fields if name == "note" or name.startswith("note_")]
        self.study_notes = [(name[5:], value) for name in notes for value in fields.pop(name)]
        cells: dict[str, Any] = {
            k: "; ".join(v) if k not in ("source_text", "location") else v
            for k, v in fields.items()
        }
        for key, value in (self.mapping.get("study") or {}).items():
            cells[str(key)] = None if value is None else str(value)
        if not cells.get("languages"):
            self.project.skipped.append(
                "the project names no languages: its code names are taken as English labels "
                "(give 'languages: nl' or 'languages: nl; en' in the project's description or "
                "the mapping file's study section)"
            )
        languages = [
            lang.strip() for lang in str(cells.get("languages") or "en").split(";") if lang.strip()
        ]
        cells["languages"] = "; ".join(languages)
        self.languages = languages
        slug = re.sub(r"[^a-z0-9]+", "-", normalise(self.project.name or "study")).strip("-")
        cells.setdefault("id", "study")
        cells.setdefault("identifier", slug or "study")
        if not cells.get("namespace"):
            cells["namespace"] = f"https://example.org/{slug or 'study'}/"
            self.project.skipped.append(
                f"the project names no namespace: the study's IRIs begin with "
                f"{cells['namespace']} (give 'namespace: https://...' in the project's "
                "description or the mapping file's study section)"
            )
        for plain in ("title", "label"):
            if cells.get(plain):
                cells.setdefault(f"{plain}_{languages[0]}", cells.pop(plain))
        for lang in languages:  # the project's name is the study's, in any language
            cells.setdefault(f"title_{lang}", self.project.name or slug or "study")
        self.study_row = Row(self.file, "", "the project's description", cells)
        self.tables["study"] = [self.study_row]

    def _mapped_codes(self) -> dict[str, Any]:
        """The mapping file's ``codes``: normalised code path -> kind, or element fields."""
        mapped = {}
        self.mapping_paths: dict[str, str] = {}
        for path, value in (self.mapping.get("codes") or {}).items():
            key = self._key(str(path).split("/"))
            mapped[key] = value
            self.mapping_paths[key] = str(path)
        self.matched: set[str] = set()
        return mapped

    @staticmethod
    def _key(names: list[str]) -> str:
        return " / ".join(normalise(name) for name in names)

    def mapped(self, code: Code) -> Any:
        key = self._key(code.path.split(" / "))
        if key in self.code_kinds:
            self.matched.add(key)
        return self.code_kinds.get(key)

    def unmatched(self) -> None:
        """A mapping entry that names no code of the project, with the closest paths."""
        import difflib

        paths = {self._key(c.path.split(" / ")): c.path for c in self.project.all_codes()}
        for key, path in self.mapping_paths.items():
            if key in self.matched:
                continue
            close = difflib.get_close_matches(key, list(paths), n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(repr(paths[c]) for c in close)}?" if close else ""
            self.problem(
                "mapping file, codes",
                f"names a code the project does not have (a path joins names with '/').{hint}",
                path,
            )

    # --- codes --------------------------------------------------------------------------

    def kind_of(self, code: Code) -> str | None:
        """The sheet a kind code stands for, or None for any other code."""
        mapped = self.mapped(code)
        if isinstance(mapped, str):
            sheet = _KIND_OF.get(normalise(mapped))
            if sheet is None:
                self.problem(
                    f"mapping file, code {code.path!r}",
                    f"unknown kind {mapped!r}: one of {', '.join(sorted(_ABBREVIATION))}, themes",
                )
            return sheet
        if mapped is not None:
            return None
        return _KIND_OF.get(normalise(code.name))

    def codes(self) -> None:
        self.named = {m.group(1) for c in self.project.all_codes() if (m := _NAMED.match(c.name))}
        self.named |= {
            str(v["id"]) for v in self.code_kinds.values() if isinstance(v, Mapping) and v.get("id")
        }
        for root in self.project.codes:
            self.visit(root, None)

    def visit(self, code: Code, parent: _Element | None, kind: str | None = None) -> None:
        """Walk the tree: ``kind`` is the sheet of the kind code right above ``code``."""
        mapped = self.mapped(code)
        if isinstance(mapped, Mapping):
            kind = _KIND_OF.get(normalise(str(mapped.get("kind", ""))))
            if kind is None:
                self.problem(
                    f"mapping file, code {code.path!r}",
                    "gives no known kind: add 'kind: intervention' (or mechanism, outcome, ...)",
                    str(mapped.get("kind")),
                )
                return
        sheet = self.kind_of(code)
        if sheet is not None and not isinstance(mapped, Mapping):
            self.kind_codes[code.guid] = sheet
            for child in code.children:
                self.visit(child, parent, sheet)
            return
        if kind is None:
            if parent is not None:
                self.problem(
                    f"code {code.path!r}",
                    f"sits under the element {parent.id!r} with no kind code between: put "
                    "it under a code named after its kind (intervention, mechanism, ...)",
                )
            for child in code.children:  # a folder of kind codes, or codes of another study
                self.visit(child, parent)
            return
        if kind == "themes":
            self.theme(code)
            return
        element = self.element(code, kind, parent, mapped if isinstance(mapped, Mapping) else {})
        for child in code.children:
            self.visit(child, element)

    def split_name(self, code: Code) -> tuple[str | None, str]:
        match = _NAMED.match(code.name)
        if match:
            return match.group(1), match.group(2).strip()
        return None, code.name

    def new_id(self, sheet: str, parent: _Element | None) -> str:
        """``W-I3``: the next free number for this kind beneath ``parent`` (or at the top)."""
        stem = f"{parent.id}-{_ABBREVIATION[sheet]}" if parent else _ABBREVIATION[sheet]
        number = self.numbers.get(stem, 0) + 1
        while f"{stem}{number}" in self.elements or f"{stem}{number}" in self.named:
            number += 1
        self.numbers[stem] = number
        return f"{stem}{number}"

    def fields_of(self, sheet: str, code: Code) -> tuple[dict[str, list[str]], list[str]]:
        return parse_fields(code.description, _Fields(sheet))

    def element(
        self, code: Code, sheet: str, parent: _Element | None, mapped: Mapping[str, Any]
    ) -> _Element:
        identifier, label = self.split_name(code)
        identifier = str(mapped.get("id") or identifier or "") or None
        where = f"code {code.path!r}"
        if identifier is not None and identifier in self.elements:
            element = self.elements[identifier]
            if element.sheet != sheet:
                self.problem(
                    where,
                    f"the id {identifier!r} is also the {element.sheet.rstrip('s')} code "
                    f"{element.codes[0].path!r}: one id, one element",
                )
            element.codes.append(code)
        else:
            identifier = identifier or self.new_id(sheet, parent)
            row = Row(self.file, "", where, {"id": identifier})
            element = _Element(sheet, identifier, [code], row)
            self.elements[identifier] = element
            self.tables[sheet].append(row)
        self.by_code[code.guid] = element
        row = element.row
        if label and not row.cells.get(f"label_{self.languages[0]}"):
            row.cells[f"label_{self.languages[0]}"] = label
            row.places[f"label_{self.languages[0]}"] = f"{where}, its name"
        fields, paragraphs = self.fields_of(sheet, code)
        for name, values in fields.items():
            place = f"{where}, field '{name}:'"
            if name == "note" or name.startswith("note_"):
                lang = name[5:] or self.languages[0]
                element.notes += [f"{lang}\t{value}" for value in values]
                continue
            if name in ("source_text", "location"):
                values = [v for value in values for v in split_texts(value)]
                row.cells[name] = [*row.cells.get(name, []), *values]
            elif name in row.cells and name != "id":
                row.cells[name] = f"{row.cells[name]}; " + "; ".join(values)
            else:
                row.cells[name] = "; ".join(values)
            row.places[name] = place
        for key in ("proposition", "pillar", "context", *_LINKS):
            if mapped.get(key):
                row.cells[key] = str(mapped[key])
                row.places[key] = f"mapping file, code {code.path!r}"
        element.notes += [f"{self.languages[0]}\t{p}" for p in [*paragraphs, *code.memos]]
        if parent is not None:
            self.link(parent, element, where)
        return element

    def link(self, parent: _Element, child: _Element, where: str) -> None:
        """Record that ``child`` sits under ``parent``: the link between their sheets."""
        links = [c for c in _columns(child.sheet) if c.kind in ("ref", "refs")]
        for column in links:
            if column.name not in _LINKS and parent.sheet in column.targets:
                cell = child.row.cells.get(column.name)
                placed = ", under " in child.row.places.get(column.name, "")
                if not cell:  # its description's comes first
                    child.row.cells[column.name] = parent.id
                    child.row.places[column.name] = f"{where}, under {parent.codes[0].path!r}"
                elif placed and column.kind == "refs" and parent.id not in cell.split("; "):
                    # one [ID] beneath several propositions: shared by all of them
                    child.row.cells[column.name] = f"{cell}; {parent.id}"
                return
        links = [c for c in _columns(parent.sheet) if c.kind in ("ref", "refs")]
        for column in links:
            if column.name not in _LINKS and child.sheet in column.targets:
                cell = parent.row.cells.get(column.name)
                if not cell or column.kind == "refs":
                    parent.row.cells[column.name] = f"{cell}; {child.id}" if cell else child.id
                    parent.row.places[column.name] = where
                return
        self.problem(
            where,
            f"a {child.sheet.rstrip('s').replace('_', ' ')} cannot be part of the "
            f"{parent.sheet.rstrip('s').replace('_', ' ')} {parent.id!r}: move it to its own "
            "kind code at the top",
        )

    def theme(self, code: Code) -> None:
        identifier, label = self.split_name(code)
        if identifier is None:
            identifier = re.sub(r"[^a-z0-9]+", "-", normalise(label)).strip("-") or "theme"
        where = f"code {code.path!r}"
        self.theme_codes[code.guid] = identifier
        fields, _ = parse_fields(code.description, _Fields("themes"))
        cells: dict[str, Any] = {"id": identifier, f"label_{self.languages[0]}": label}
        cells.update({k: "; ".join(v) for k, v in fields.items()})
        self.tables["themes"].append(Row(self.file, "", where, cells))
        for child in code.children:  # sub-themes are themes of their own
            self.theme(child)

    # --- segments -----------------------------------------------------------------------

    def segments(self) -> None:
        documents = {d.guid: self.source(d) for d in self.project.documents if d.kind in _TEXTUAL}
        spans: dict[_Span, list[str]] = {}  # a passage coded twice is one passage
        for selection in self.project.selections:
            spans.setdefault(self.span(selection), []).extend(selection.codes)
        known = {c.guid: c for c in self.project.all_codes()}
        # each passage's themes once, and each element's evidence once per passage: a
        # passage coded many times is read in time linear in its codings
        themes_of = {
            span: list(dict.fromkeys(self.theme_codes[g] for g in codes if g in self.theme_codes))
            for span, codes in spans.items()
        }
        evidenced: set[tuple[_Span, int]] = set()
        unknown, other = 0, set()
        for selection in self.project.selections:
            span = self.span(selection)
            themes = themes_of[span]
            elements = [
                self.by_code[g] for g in dict.fromkeys(selection.codes) if g in self.by_code
            ]
            for guid in selection.codes:
                if guid in self.kind_codes:
                    self.problem(
                        f"passage {selection.place}",
                        f"is coded with the kind code {known[guid].path!r} itself: code it "
                        "with the code of the element it is evidence for, beneath that one",
                    )
                elif guid not in known:
                    unknown += 1
                elif guid not in self.by_code and guid not in self.theme_codes:
                    other.add(known[guid].path)
            for element in elements:
                again = (span, id(element)) in evidenced
                evidenced.add((span, id(element)))
                self.evidence(element, selection, documents[selection.document.guid], again)
                if not again:
                    element.themes += themes
        if unknown:
            self.project.skipped.append(
                f"{unknown} coding(s) name a code the codebook does not hold; left out"
            )
        if other:
            names = ", ".join(repr(path) for path in sorted(other)[:5])
            more = f" and {len(other) - 5} more" if len(other) > 5 else ""
            self.project.skipped.append(
                f"passages coded with codes outside the CIMO convention ({names}{more}) are "
                "not evidence of any element; a mapping file can give these codes a kind"
            )

    @staticmethod
    def span(selection: Selection) -> _Span:
        return (selection.document.guid, selection.start, selection.end, selection.page)

    def evidence(
        self, element: _Element, selection: Selection, source: str, again: bool = False
    ) -> None:
        """The passage as evidence of ``element``; ``again`` where the element has it
        already (the passage coded twice): only its notes and coder are added."""
        where = f"passage {selection.place}"
        if not again:
            if selection.text is not None:
                text = " ".join(selection.text.split())
                if not text:
                    self.problem(where, f"the segment coded {element.id!r} holds only white space")
                    return
                element.texts.append(text)
            else:
                self.project.skipped.append(
                    f"{where}: coded {element.id!r}, but a {selection.document.kind} area "
                    "carries no text: its place is kept, its text is not"
                )
            element.places.append(selection.place)
            element.documents.append(source)
        element.notes += [
            f"{self.languages[0]}\t{n}" for n in (selection.description, *selection.memos) if n
        ]
        if selection.user and self.project.users.get(selection.user):
            element.users.append(self.project.users[selection.user])

    def source(self, document: Document) -> str:
        """The sources row of a document of the project: its id (from its description's
        ``id:`` field, else its name), title and description."""
        fields, paragraphs = parse_fields(document.description, _Fields("sources"))
        stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", document.name)
        identifier = next(iter(fields.pop("id", [])), None) or (
            re.sub(r"[^a-z0-9]+", "-", normalise(stem)).strip("-") or "document"
        )
        taken = {row.cells.get("id") for row in self.tables["sources"]} | set(self.elements)
        base, number = identifier, 2
        while identifier in taken:
            identifier, number = f"{base}-{number}", number + 1
        cells: dict[str, Any] = {"id": identifier, "title": document.name}
        cells.update({k: "; ".join(v) for k, v in fields.items()})
        if paragraphs and not cells.get("description"):
            cells["description"] = "\n\n".join(paragraphs)
        self.tables["sources"].append(
            Row(self.file, "", f"document {document.name!r}, its description", cells)
        )
        return identifier

    # --- into rows ------------------------------------------------------------------------

    def finish(self) -> None:
        lang = self.study_row.cells.get("source_language") or self.languages[0]
        for element in self.elements.values():
            cells = element.row.cells
            texts = [*cells.get("source_text", []), *element.texts]
            cells["source_text"] = list(dict.fromkeys(texts)) or None
            places = [*cells.get("location", []), *element.places]
            cells["location"] = list(dict.fromkeys(places)) or None
            generated = all(p in element.places for p in places)
            if element.places and generated and not cells.get("location_lang") and lang != "en":
                cells["location_lang"] = "en"  # "..., characters 10-42" is English
                element.row.places["location_lang"] = GENERATED
            sources = [s for s in str(cells.get("sources") or "").split(";") if s.strip()]
            cells["sources"] = "; ".join(dict.fromkeys([*sources, *element.documents])) or None
            themes = [t for t in str(cells.get("themes") or "").split(";") if t.strip()]
            cells["themes"] = "; ".join(dict.fromkeys([*map(str.strip, themes), *element.themes]))
            for note in dict.fromkeys(element.notes):
                note_lang, _, text = note.partition("\t")
                self.tables["notes"].append(
                    Row(
                        self.file,
                        "",
                        f"code {element.codes[0].path!r}, its description or memo",
                        {"element": element.id, "note": text, "lang": note_lang},
                    )
                )
            for user in dict.fromkeys(element.users):
                self.encoder(element.id, user)
        for note_lang, text in self.study_notes:
            self.tables["notes"].append(
                Row(
                    self.file,
                    "",
                    "the project's description",
                    {
                        "element": self.study_row.cells["id"],
                        "note": text,
                        "lang": note_lang or lang,
                    },
                )
            )
        documents = {row.cells["id"] for row in self.tables["sources"]}
        if len(documents) == 1 and not self.study_row.cells.get("source_document"):
            self.study_row.cells["source_document"] = next(iter(documents))
        contexts = [row.cells["id"] for row in self.tables["context"]]
        for row in self.tables["propositions"]:
            if not row.cells.get("context") and len(contexts) == 1:
                row.cells["context"] = contexts[0]  # the study's one context
        self.kept_sheets()

    def encoder(self, element: str, name: str) -> None:
        """The person whose coding made ``element`` (a ``prov:Agent`` and ``foaf:Person``
        with ``foaf:name``), as the element's ``dcterms:contributor``."""
        namespace = str(self.study_row.cells.get("namespace"))
        slug = re.sub(r"[^a-z0-9]+", "-", normalise(name)).strip("-") or "encoder"
        person = f"<{namespace}encoder-{slug}>"
        statements = [(f"<{namespace}{element}>", f"<{DCTERMS.contributor}>", person)]
        if person not in self.encoders:
            self.encoders.add(person)
            statements += [
                (person, f"<{RDF.type}>", f"<{PROV.Agent}>"),
                (person, f"<{RDF.type}>", f"<{FOAF.Person}>"),
                (person, f"<{FOAF.name}>", Literal(name).n3()),
            ]
        for subject, predicate, value in statements:
            cells = {"subject": subject, "predicate": predicate, "object": value}
            self.tables["extra"].append(Row(self.file, "", f"user {name!r}", cells))

    def kept_sheets(self) -> None:
        """The sheets no code carries (sources without their text, references, links
        between findings, confidence assessments, the findings' history, extra statements),
        from the project note cimo-graph writes them to."""
        text = self.project.notes_named.get(KEPT_NOTE)
        if not text:
            return
        from ..tables import _read_yaml_text

        tables, problems = _read_yaml_text(text, f"{self.file}, note {KEPT_NOTE!r}")
        self.problems += problems
        for name, rows in tables.items():
            self.tables.setdefault(name, []).extend(rows)


def project_tables(
    project: Project, mapping: Mapping[str, Any] | None = None
) -> tuple[dict[str, list[Row]], list[Problem]]:
    """The template's rows for the study coded in ``project``, and the problems found."""
    importer = _Importer(project, mapping)
    importer.study()
    importer.codes()
    importer.unmatched()
    if not importer.elements:
        found = ", ".join(repr(c.path) for c in project.all_codes()[:12]) or "no codes at all"
        more = len(project.all_codes()) - 12
        raise TemplateError(
            project.file,
            [
                Problem(
                    project.file,
                    "",
                    "",
                    None,
                    None,
                    f"no code follows the CIMO convention: the project has {found}"
                    + (f" and {more} more" if more > 0 else "")
                    + ". Name the codes of each kind after it (intervention, mechanism, "
                    "outcome, ...) with the elements beneath them, or give a mapping file "
                    "(code path -> kind and proposition): see `cimo-graph codebook` and "
                    "the README's section on ATLAS.ti, NVivo, MAXQDA and QualCoder",
                )
            ],
            what="the coded project",
        )
    importer.segments()
    importer.finish()
    return importer.tables, importer.problems


def read_mapping(path: Path) -> dict[str, Any]:
    """A mapping file: YAML with ``study:`` (the study's fields) and ``codes:`` (a code
    path, its names joined by ``/``, to a kind, or to ``{kind, proposition, id, ...}``)."""
    from ..tables import _read_yaml_mapping

    return _read_yaml_mapping(path)


#: Where a passage stands: its document, first and last character, and page.
_Span = tuple[Any, ...]


def _columns(sheet: str) -> list[Column]:
    """The template's columns of ``sheet`` (one of its own sheets: always there)."""
    found = sheet_named(sheet)
    if found is None:
        raise KeyError(sheet)
    return list(found.columns)
