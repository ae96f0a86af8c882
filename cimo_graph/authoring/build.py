"""From the template's tables to the study's RDF, collecting every mistake on the way."""

from __future__ import annotations

import difflib
import re
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD
from rdflib.term import Node

from ..iris import iri_problem
from ..lookup import normalise
from ..namespace import BIBO, CIMO, FOAF
from .schema import LINK_FIELDS, REFERENCE_FIELDS, SHEETS, Column, Sheet, the_sheet
from .tables import Problem, Row

__all__ = [
    "Built",
    "build_assessments",
    "build_graph",
    "expand_columns",
    "join_texts",
    "person_slug",
    "split_texts",
]

#: The place of a cell that a reader wrote itself, not the researcher (a coded project's
#: "characters 10-42" locations are English whatever the study's languages).
GENERATED = "written by the coding convention"

_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]+)*$")
_TRUE = {"yes", "y", "true", "1", "ja", "x"}
_ORCID = re.compile(r"(?:https?://orcid\.org/)?\b(\d{4}-\d{4}-\d{4}-\d{3}[\dX])\b")
_KIND_NAMES = {
    "context": "context",
    "pillars": "pillar",
    "aims": "aim",
    "means": "means",
    "role_statements": "role statement",
    "propositions": "proposition",
    "outcomes": "outcome",
    "interventions": "intervention",
    "mechanisms": "mechanism",
    "added_values": "added value",
    "quotes": "quote",
    "recommendations": "recommendation",
    "roles": "role",
    "organisations": "organisation",
    "themes": "theme",
    "references": "reference",
    "sources": "source",
    "study": "study",
}


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def person_slug(family: str) -> str:
    """The local name of an author: ``van Aken`` -> ``van-aken``."""
    return re.sub(r"[^a-z0-9]+", "-", normalise(family)).strip("-")


def expand_columns(sheet: Sheet, languages: list[str]) -> list[str]:
    """The column names of ``sheet`` for a study in ``languages`` (label_nl, label_en ...)."""
    names = []
    for column in sheet.columns:
        if column.per_language:
            names += [f"{column.name}_{lang}" for lang in languages]
        else:
            names.append(column.name)
    return names


def _split(value: Any, separator: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(separator) if part.strip()]


_SCOPED = re.compile(r"\s*([^;()\s]+)\s*(?:\(([^()]*)\))?\s*(?:;|$)")


def _scoped_entries(value: Any) -> list[tuple[str, list[str]]] | None:
    """The (id, propositions) of a scoped link cell, ``None`` where it cannot be read.

    >>> _scoped_entries("M1; M2 (CMO1, CMO3)")
    [('M1', []), ('M2', ['CMO1', 'CMO3'])]
    >>> _scoped_entries(["M1 (CMO2)", "M3"])
    [('M1', ['CMO2']), ('M3', [])]
    """
    if value in (None, "", []):
        return []
    text = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
    entries, at = [], 0
    text = text.strip()
    while at < len(text):
        found = _SCOPED.match(text, at)
        if found is None or found.end() == at:
            return None
        scope = re.split(r"[,;\s]+", found.group(2) or "")
        entries.append((found.group(1), [name for name in scope if name]))
        at = found.end()
    return entries


def split_texts(value: Any) -> list[str]:
    r"""The texts of a cell holding several, separated by ``|``; ``\|`` is a ``|`` inside
    a text (as :func:`join_texts` writes it).

    >>> split_texts(r"a | b \| c")
    ['a', 'b | c']
    """
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if value is None:
        return []
    parts = re.split(r"(?<!\\)\|", str(value))
    return [p.strip().replace("\\|", "|") for p in parts if p.strip()]


def join_texts(values: list[str]) -> str:
    r"""Several texts as one cell: :func:`split_texts` gives them back.

    >>> print(join_texts(["a", "b | c"]))
    a | b \| c
    """
    return " | ".join(str(v).replace("|", "\\|") for v in values)


class Built:
    """The graph built from a template, and where each element came from."""

    def __init__(self) -> None:
        self.graph = Graph()
        self.places: dict[URIRef, Row] = {}
        self.problems: list[Problem] = []
        #: likely slips that still build (a language tag the study does not declare)
        self.notices: list[Problem] = []


class _Builder:
    def __init__(self, tables: dict[str, list[Row]], built: Built) -> None:
        self.tables = tables
        self.built = built
        self.graph = built.graph
        self.ids: dict[str, tuple[str, Row]] = {}
        self.theme_names: dict[str, str] = {}
        #: the study's IRI, once :meth:`build` has read it
        self.study = URIRef("")

    def problem(self, row: Row, column: str | None, value: Any, message: str) -> None:
        self.built.problems.append(row.problem(column, value, message))

    def notice(self, row: Row, column: str | None, value: Any, message: str) -> None:
        """A likely slip that still builds: said as a warning, not refused."""
        problem = row.problem(column, value, message)
        if problem not in self.built.notices:
            self.built.notices.append(problem)

    # --- the study --------------------------------------------------------------------

    def check_study_row(self) -> bool:
        rows = self.tables.get("study", [])
        if len(rows) != 1:
            where = rows[1] if len(rows) > 1 else None
            message = (
                "the study sheet has more than one row"
                if where
                else "the template has no study sheet (or it is empty)"
            )
            self.built.problems.append(
                Problem(
                    where.file if where else "",
                    "study",
                    where.where if where else "",
                    None,
                    None,
                    message,
                )
            )
            return False
        row = self.study_row = rows[0]
        self.languages = _split(row.cells.get("languages"), ";")
        for lang in self.languages:
            if not _LANG.match(lang):
                self.problem(row, "languages", lang, "is not a language tag (like nl or en)")
        if not self.languages:
            self.problem(
                row,
                "languages",
                None,
                "is required: the study's languages, separated by ';' (for example: nl; en)",
            )
            self.languages = ["en"]
        self.source_language = row.cells.get("source_language") or self.languages[0]
        if row.cells.get("source_language") and self.source_language not in self.languages:
            self.notice(
                row,
                "source_language",
                self.source_language,
                f"is not one of the study's languages ({'; '.join(self.languages)}): every "
                f"source text is tagged @{self.source_language}. Right for a source in "
                "another language than the labels; else write the source's language",
            )
        namespace = row.cells.get("namespace") or ""
        if not re.match(r"^(https?|urn):\S*[/#:]$", namespace) or iri_problem(namespace):
            reason = iri_problem(namespace) if namespace else None
            self.problem(
                row,
                "namespace",
                namespace or None,
                "must be an absolute IRI ending in '/' or '#', such as "
                "https://example.org/my-study/" + (f" ({reason})" if reason else ""),
            )
            namespace = "https://example.org/study/"
        self.ns = namespace
        theme_namespace = row.cells.get("theme_namespace") or f"{namespace}theme/"
        if iri_problem(theme_namespace):
            self.problem(
                row,
                "theme_namespace",
                theme_namespace,
                f"must be an absolute IRI ({iri_problem(theme_namespace)})",
            )
            theme_namespace = f"{namespace}theme/"
        self.theme_ns = theme_namespace
        return True

    # --- ids --------------------------------------------------------------------------

    def collect_ids(self) -> None:
        study_id = self.study_row.cells.get("id")
        if study_id:
            self.ids[study_id] = ("study", self.study_row)
        for sheet in SHEETS:
            if sheet.name == "study" or sheet.column("id") is None:
                continue  # rows of a sheet without ids are named by no link
            for row in self.tables.get(sheet.name, []):
                identifier = row.cells.get("id")
                if identifier is None:
                    self.problem(row, "id", None, "is required")
                    continue
                identifier = str(identifier)
                if not _ID.match(identifier):
                    self.problem(
                        row,
                        "id",
                        identifier,
                        "an id may hold letters, digits and - _ . only (it becomes part of an IRI)",
                    )
                    continue
                if identifier in self.ids:
                    first_sheet, first = self.ids[identifier]
                    self.problem(
                        row,
                        "id",
                        identifier,
                        f"duplicate id: already used in sheet '{first_sheet}', {first.place('id')}",
                    )
                    continue
                self.ids[identifier] = (sheet.name, row)
                if sheet.name == "themes":
                    self.theme_names.setdefault(normalise(identifier), identifier)
        for row in self.tables.get("themes", []):
            identifier = row.cells.get("id")
            for lang in self.languages:
                for name in [
                    row.cells.get(f"label_{lang}"),
                    *_split(row.cells.get(f"synonyms_{lang}"), ";"),
                ]:
                    if name and identifier:
                        self.theme_names.setdefault(normalise(str(name)), str(identifier))

    def iri(self, identifier: str) -> URIRef:
        sheet, _ = self.ids[identifier]
        return URIRef((self.theme_ns if sheet == "themes" else self.ns) + identifier)

    def resolve(self, row: Row, column: Column, value: str, targets: tuple[str, ...]) -> str | None:
        """The id that ``value`` names in a column linking to ``targets``, or a problem."""
        if "themes" in targets:
            found = self.theme_names.get(normalise(value))
            if found:
                return found
        if value in self.ids:
            sheet, _ = self.ids[value]
            if "*" in targets or sheet in targets:
                return value
            wanted = " or ".join(_a(_KIND_NAMES.get(t, t)) for t in targets)
            self.problem(
                row,
                column.name,
                value,
                f"wrong kind of link: '{value}' is "
                f"{_a(_KIND_NAMES.get(sheet, sheet))} (sheet '{sheet}'); this column "
                f"takes {wanted}",
            )
            return None
        candidates = [i for i, (s, _) in self.ids.items() if "*" in targets or s in targets]
        if "themes" in targets:
            candidates += list(self.theme_names)
        close = difflib.get_close_matches(value, candidates, n=3, cutoff=0.6)
        if not close and "themes" in targets:
            close = difflib.get_close_matches(
                normalise(value), list(self.theme_names), n=3, cutoff=0.6
            )
        kind = "theme" if targets == ("themes",) else "id"
        # a theme's names are kept normalised: name the theme by its id
        close = list(dict.fromkeys(self.theme_names.get(c, c) for c in close))
        hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
        self.problem(row, column.name, value, f"unknown {kind}.{hint}")
        return None

    # --- cells to triples ---------------------------------------------------------------

    def check_columns(self, sheet: Sheet, row: Row) -> None:
        known = set(expand_columns(sheet, self.languages))
        per_language = {c.name for c in sheet.columns if c.per_language}
        for name, value in row.cells.items():
            if name in known or value in (None, "", []):
                continue  # an empty column is no mistake, whatever its name
            base, _, lang = name.rpartition("_")
            if base in per_language and _LANG.match(lang):
                self.problem(
                    row,
                    name,
                    value,
                    f"'{lang}' is not one of the study's languages "
                    f"({'; '.join(self.languages)}, in the study sheet's column 'languages'): "
                    f"add {lang} there, or leave this column empty",
                )
                continue
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            self.problem(row, name, None, f"unknown column in sheet '{sheet.name}'.{hint}")
        for column in sheet.columns:
            if not column.required:
                continue
            names = (
                [f"{column.name}_{lang}" for lang in self.languages]
                if column.per_language
                else [column.name]
            )
            for name in names:
                if row.cells.get(name) in (None, [], ""):
                    what = "label" if column.name == "label" else "value"
                    self.problem(row, name, None, f"missing required {what}")

    def language(self, row: Row, column: Column) -> str:
        if column.lang_column and row.cells.get(column.lang_column):
            lang = str(row.cells[column.lang_column])
            if not _LANG.match(lang):
                self.problem(row, column.lang_column, lang, "is not a language tag")
            elif (
                lang not in self.languages
                and lang != self.source_language
                and row.places.get(column.lang_column) != GENERATED
            ):
                self.notice(
                    row,
                    column.lang_column,
                    lang,
                    f"is neither one of the study's languages ({'; '.join(self.languages)}) "
                    f"nor its source language ({self.source_language}): is the tag right?",
                )
            return lang
        return self.source_language if column.lang == "source" else (column.lang or "en")

    def fill(self, subject: URIRef, sheet: Sheet, row: Row) -> None:
        """Add the triples of ``row``'s ordinary columns."""
        for column in sheet.columns:
            if column.predicate is None or column.kind in ("id", "lang"):
                continue
            if column.kind == "text":
                if column.per_language:
                    for lang in self.languages:
                        value = row.cells.get(f"{column.name}_{lang}")
                        if value:
                            self.graph.add((subject, column.link, Literal(str(value), lang=lang)))
                    continue
                value = row.cells.get(column.name)
                lang = self.language(row, column)
                for text in split_texts(value) if column.multi else [value] if value else []:
                    self.graph.add((subject, column.link, Literal(str(text), lang=lang)))
            elif column.kind == "choice":
                self.choose(subject, column, row)
            elif column.kind in ("ref", "refs"):
                if column.scoped:
                    self.scoped_links(subject, column, row)
                    continue
                values = _split(row.cells.get(column.name), ";")
                if column.kind == "ref" and len(values) > 1:
                    owner = _KIND_NAMES.get(sheet.name, sheet.name)
                    kind_name = _KIND_NAMES.get(column.targets[0], column.targets[0])
                    self.problem(
                        row,
                        column.name,
                        "; ".join(values),
                        f"takes one id only: {_a(owner)} has one {kind_name} here; write the "
                        f"one this row belongs to (for another {kind_name}, add a row of its "
                        "own)",
                    )
                    continue  # none kept: the first is not more likely meant than the others
                for value in values:
                    target = self.resolve(row, column, value, column.targets)
                    if target is None:
                        continue
                    predicate = column.predicate
                    if (
                        sheet.name == "means"
                        and column.name == "pillar"
                        and str(row.cells.get("shaping") or "").lower() in _TRUE
                    ):
                        predicate = CIMO.shapedBy
                    if column.inverse:
                        self.graph.add((self.iri(target), predicate, subject))
                    else:
                        self.graph.add((subject, predicate, self.iri(target)))
            elif column.kind == "value":
                value = row.cells.get(column.name)
                if value is not None:
                    self.graph.add((subject, column.link, Literal(str(value))))

    def choose(self, subject: URIRef, column: Column, row: Row) -> None:
        """The ontology's term for the word in a ``choice`` cell, or a problem naming the
        words it takes."""
        from .schema import choice_words

        value = row.cells.get(column.name)
        if value in (None, "", []):
            return
        word = str(value).strip()
        terms = {normalise(w): term for w, term in column.choices}
        term = terms.get(normalise(word))
        if term is None:
            words = choice_words(column)
            close = difflib.get_close_matches(normalise(word), words, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            self.problem(row, column.name, word, f"takes one of: {', '.join(words)}.{hint}")
            return
        self.graph.add((subject, column.link, term))

    def scoped_links(self, subject: URIRef, column: Column, row: Row) -> None:
        """The links of an ``activates`` or ``leads_to`` cell: ``M1; M2 (CMO1, CMO3)``. A
        link with propositions after it holds in those only (a cimo:StatedLink names
        them); without, in every proposition that holds both its ends."""
        text = row.cells.get(column.name)
        entries = _scoped_entries(text)
        if entries is None:
            self.problem(
                row,
                column.name,
                text,
                "cannot be read: write ids separated by ';', each followed, where the link "
                "holds in some propositions only, by those in brackets: M1; M2 (CMO1, CMO3)",
            )
            return
        verb = {CIMO.activates: "activates", CIMO.leadsTo: "leads-to"}[column.link]
        for value, scope in entries:
            target = self.resolve(row, column, value, column.targets)
            if target is None:
                continue
            self.graph.add((subject, column.link, self.iri(target)))
            if not scope:
                continue
            resolved = [self.resolve(row, column, name, ("propositions",)) for name in scope]
            propositions = [name for name in resolved if name is not None]
            if len(propositions) < len(resolved):
                continue
            local = f"{row.cells['id']}.{verb}.{target}"
            if local in self.ids:
                self.problem(
                    row,
                    column.name,
                    value,
                    f"the id '{local}' names this link's scope; rename the row that uses it",
                )
                continue
            link = URIRef(self.ns + local)
            self.graph.add((link, RDF.type, CIMO.StatedLink))
            self.graph.add((link, RDF.subject, subject))
            self.graph.add((link, RDF.predicate, column.link))
            self.graph.add((link, RDF.object, self.iri(target)))
            for proposition in propositions:
                self.graph.add((link, CIMO.statedIn, self.iri(proposition)))
            self.built.places[link] = row

    def build(self) -> None:
        row = self.study_row
        study = URIRef(self.ns + str(row.cells.get("id") or "study"))
        self.study = study
        self.built.places[study] = row
        self.graph.add((study, RDF.type, CIMO.Study))
        self.check_columns(the_sheet("study"), row)
        self.fill(study, the_sheet("study"), row)
        self.bibliographic(study, row)
        for lang in self.languages:
            self.graph.add((study, CIMO.labelLanguage, Literal(lang, datatype=XSD.language)))
        self.graph.add((study, DCTERMS.language, Literal(self.source_language)))
        source = row.cells.get("source_document")
        self.source = self.iri(source) if source in self.ids else None
        for sheet in SHEETS:
            if sheet.name == "study":
                continue
            for item in self.tables.get(sheet.name, []):
                self.check_columns(sheet, item)
                identifier = item.cells.get("id")
                if sheet.column("id") is not None and (
                    identifier is None or self.ids.get(str(identifier), (None, None))[1] is not item
                ):
                    continue
                getattr(self, f"_{sheet.name}", self._element)(sheet, item)

    def _element(self, sheet: Sheet, row: Row) -> None:
        subject = self.iri(str(row.cells["id"]))
        self.built.places[subject] = row
        if sheet.cls is not None:  # every element sheet names its class
            self.graph.add((subject, RDF.type, sheet.cls))
        self.graph.add((subject, DCTERMS.identifier, Literal(str(row.cells["id"]))))
        self.graph.add((subject, CIMO.partOfStudy, self.study))
        if self.source is not None and not row.cells.get("sources"):
            self.graph.add((subject, PROV.wasDerivedFrom, self.source))  # the study's default
        self.fill(subject, sheet, row)
        self.passages(subject, sheet, row)

    def passages(self, subject: URIRef, sheet: Sheet, row: Row) -> None:
        """Several source texts with as many locations: each text keeps its own location
        (a cimo:Passage each, numbered in the order given), which the element's unordered
        texts and locations cannot say."""
        texts = split_texts(row.cells.get("source_text"))
        places = split_texts(row.cells.get("location"))
        if len(texts) < 2 or len(places) != len(texts):
            return
        text_lang = self.language(row, sheet.column_named("source_text"))
        place_lang = self.language(row, sheet.column_named("location"))
        for number, (text, place) in enumerate(zip(texts, places, strict=True), start=1):
            passage = URIRef(f"{subject}/passage-{number}")
            self.graph.add((subject, CIMO.passage, passage))
            self.graph.add((passage, RDF.type, CIMO.Passage))
            self.graph.add((passage, CIMO.sourceText, Literal(text, lang=text_lang)))
            self.graph.add((passage, CIMO.sourceLocation, Literal(place, lang=place_lang)))

    def _sources(self, sheet: Sheet, row: Row) -> None:
        subject = self.iri(str(row.cells["id"]))
        for cls in (BIBO.Document, DCTERMS.BibliographicResource, PROV.Entity):
            self.graph.add((subject, RDF.type, cls))
        self.fill(subject, sheet, row)

    def _references(self, sheet: Sheet, row: Row) -> None:
        subject = self.iri(str(row.cells["id"]))
        self.graph.add((subject, RDF.type, BIBO.AcademicArticle))
        self.fill(subject, sheet, row)
        self.bibliographic(subject, row)

    def bibliographic(self, subject: URIRef, row: Row) -> None:
        """The year, authors (in order), DOI, URL, licence, volume and pages of a work
        (a cited reference, or the study itself)."""
        cells = row.cells
        if cells.get("year"):
            year = str(cells["year"])
            if not re.fullmatch(r"-?\d{4}", year):
                self.problem(row, "year", year, "is not a year (four digits, like 2024)")
            self.graph.add((subject, DCTERMS.date, Literal(year, datatype=XSD.gYear)))
        for column, predicate in REFERENCE_FIELDS:
            if cells.get(column):
                self.graph.add((subject, predicate, Literal(str(cells[column]))))
        for column, predicate in ((c, p) for c, p in LINK_FIELDS if cells.get(c)):
            value = str(cells[column])
            problem = iri_problem(value)
            if problem:
                self.problem(row, column, value, f"is not an address (IRI): {problem}")
            else:
                self.graph.add((subject, predicate, URIRef(value)))
        self.journal(subject, row)
        self.encoders(subject, row)
        authors = _split(cells.get("authors"), ";")
        if authors:
            people: list[Node] = []
            for author in authors:
                family, _, given = author.partition(",")
                person = URIRef(self.ns + person_slug(family))
                self.graph.add((person, RDF.type, FOAF.Person))
                self.graph.add((person, FOAF.familyName, Literal(family.strip())))
                if given.strip():
                    self.graph.add((person, FOAF.givenName, Literal(given.strip())))
                people.append(person)
            head = BNode()
            Collection(self.graph, head, people)
            self.graph.add((subject, BIBO.authorList, head))

    def journal(self, subject: URIRef, row: Row) -> None:
        """The journal a work (a cited article, or the study) is in."""
        if row.cells.get("journal"):
            journal = BNode()
            self.graph.add((subject, DCTERMS.isPartOf, journal))
            self.graph.add((journal, RDF.type, BIBO.Journal))
            self.graph.add((journal, DCTERMS.title, Literal(str(row.cells["journal"]))))

    def encoders(self, subject: URIRef, row: Row) -> None:
        """Who encoded the study: ``Family, G. 0000-0002-1825-0097; Family, G.``, each a
        person (their ORCID IRI where given)."""
        self.people(subject, CIMO.encodedBy, row, "encoded_by")

    def people(self, subject: URIRef, predicate: URIRef, row: Row, column: str) -> None:
        """The people a cell names (``Family, G. 0000-0002-1825-0097; Family, G.``), each
        a person (their ORCID IRI where given) that ``subject`` links to by ``predicate``."""
        for entry in _split(row.cells.get(column), ";"):
            found = _ORCID.search(entry)
            name = _ORCID.sub("", entry).strip(" ,")
            family, _, given = name.partition(",")
            if not family.strip():
                self.problem(row, column, entry, "names no one: write 'Family, G.'")
                continue
            if found:
                person = URIRef(f"https://orcid.org/{found.group(1)}")
            else:
                person = URIRef(self.ns + person_slug(family))
            self.graph.add((subject, predicate, person))
            self.graph.add((person, RDF.type, FOAF.Person))
            self.graph.add((person, FOAF.familyName, Literal(family.strip())))
            if given.strip():
                self.graph.add((person, FOAF.givenName, Literal(given.strip())))

    def _themes(self, sheet: Sheet, row: Row) -> None:
        study_row = self.study_row
        scheme = URIRef(self.ns + str(study_row.cells.get("scheme_id") or "themes"))
        if (scheme, RDF.type, SKOS.ConceptScheme) not in self.graph:
            self.graph.add((scheme, RDF.type, SKOS.ConceptScheme))
            self.graph.add((scheme, DCTERMS.isPartOf, self.study))
            for lang in self.languages:
                label = study_row.cells.get(f"scheme_label_{lang}")
                if label:
                    self.graph.add((scheme, SKOS.prefLabel, Literal(str(label), lang=lang)))
            note = study_row.cells.get("scheme_note")
            if note:
                lang = str(study_row.cells.get("scheme_note_lang") or "en")
                self.graph.add((scheme, SKOS.editorialNote, Literal(str(note), lang=lang)))
        subject = self.iri(str(row.cells["id"]))
        self.built.places[subject] = row
        self.graph.add((subject, RDF.type, SKOS.Concept))
        self.graph.add((subject, SKOS.inScheme, scheme))
        self.graph.add((subject, SKOS.topConceptOf, scheme))
        self.graph.add((scheme, SKOS.hasTopConcept, subject))
        self.graph.add((subject, SKOS.notation, Literal(str(row.cells["id"]))))
        for lang in self.languages:
            if row.cells.get(f"label_{lang}"):
                self.graph.add(
                    (subject, SKOS.prefLabel, Literal(str(row.cells[f"label_{lang}"]), lang=lang))
                )
            for synonym in _split(row.cells.get(f"synonyms_{lang}"), ";"):
                self.graph.add((subject, SKOS.altLabel, Literal(synonym, lang=lang)))
        if row.cells.get("definition"):
            lang = str(row.cells.get("definition_lang") or "en")
            self.graph.add(
                (subject, SKOS.definition, Literal(str(row.cells["definition"]), lang=lang))
            )

    def _extra(self, sheet: Sheet, row: Row) -> None:
        """A statement in Turtle's notation, as export_template writes what no other
        sheet can hold."""
        from rdflib.util import from_n3

        terms: list[Node] = []
        for column in ("subject", "predicate", "object"):
            text = str(row.cells.get(column) or "").strip()
            try:
                term = from_n3(text) if text else None
            except Exception:  # rdflib raises several kinds for a malformed term
                term = None
            wanted = "an IRI in angle brackets" if column != "object" else "an IRI or a literal"
            if not isinstance(term, URIRef | Literal) or (
                column != "object" and not isinstance(term, URIRef)
            ):
                self.problem(row, column, text or None, f"is not {wanted} in Turtle's notation")
                return
            if isinstance(term, URIRef) and iri_problem(str(term)):
                self.problem(row, column, text, f"is not an IRI: {iri_problem(str(term))}")
                return
            terms.append(term)
        subject, predicate, value = terms
        self.graph.add((subject, predicate, value))

    def _findings(self, sheet: Sheet, row: Row) -> None:
        """A finding link: this study's finding, how it bears on another study's (its
        IRI), the evidence and a note; stated plainly too (``P cimo:confirms Q``)."""
        finding, other = row.cells.get("finding"), row.cells.get("other")
        evidence = row.cells.get("evidence")
        if not finding or not other or not evidence:
            return  # a required cell left empty is reported by check_columns
        column = sheet.column_named("finding")
        target = self.resolve(row, column, str(finding), column.targets)
        text = str(other).strip().removeprefix("<").removesuffix(">")
        problem = iri_problem(text)
        if problem is None and ":" not in text.split("/", 1)[0]:
            problem = "a full IRI (https://...) is needed: the finding is another study's"
        if problem:
            self.problem(row, "other", str(other), f"is not an IRI: {problem}")
        lang = str(row.cells.get("lang") or "en")
        if not _LANG.match(lang):
            self.problem(row, "lang", lang, "is not a language tag")
            return
        link = URIRef(
            f"{self.ns}finding-link-{_digest(str(finding), str(row.cells.get('relation')), text)}"
        )
        before = len(self.built.problems)
        self.choose(link, sheet.column_named("relation"), row)  # checked whatever else is wrong
        if target is None or problem or len(self.built.problems) > before:
            self.graph.remove((link, None, None))
            return
        predicate = self.graph.value(link, RDF.predicate)
        if predicate is None:  # the relation was checked above: never
            return
        subject, obj = self.iri(target), URIRef(text)
        self.graph.add((link, RDF.type, CIMO.FindingLink))
        self.graph.add((link, RDF.subject, subject))
        self.graph.add((link, RDF.object, obj))
        self.graph.add((link, CIMO.sourceText, Literal(str(evidence), lang=lang)))
        note = row.cells.get("note")
        if note:
            self.graph.add((link, CIMO.interpretationNote, Literal(str(note), lang=lang)))
        self.graph.add((subject, predicate, obj))

    def _confidence(self, sheet: Sheet, row: Row) -> None:
        """A GRADE-CERQual assessment of one finding (a design proposition): its statement,
        the four components each a cimo:ComponentAssessment with its level of concern and
        explanation, the overall confidence and its explanation, the contributing studies
        (this one by default), who assessed it and when."""
        from .schema import CERQUAL_COMPONENTS

        # every cell is checked, whatever else is wrong: a row's mistakes are said at once
        # (and a row with any is not built: the import refuses the template whole)
        finding = str(row.cells.get("finding") or "").strip()
        found = self.assessed_finding(sheet, row, finding) if finding else None
        lang = str(row.cells.get("lang") or "en")
        if not _LANG.match(lang):
            self.problem(row, "lang", lang, "is not a language tag")
            lang = "en"
        if found is None:
            target, name, own = None, _digest(finding), self.study
        else:
            target, name, own = found
        assessment = URIRef(f"{self.ns}confidence-{name}")
        if target is not None and (assessment, RDF.type, CIMO.ConfidenceAssessment) in self.graph:
            first = self.built.places[assessment]
            self.problem(
                row,
                "finding",
                finding,
                f"is assessed twice (also {first.place('finding')}): one row per finding",
            )
            return
        self.built.places[assessment] = row
        graph = self.graph
        graph.add((assessment, RDF.type, CIMO.ConfidenceAssessment))
        if target is not None:
            graph.add((assessment, CIMO.assessesFinding, target))

        def text(name: str) -> Literal | None:
            value = row.cells.get(name)
            return Literal(str(value).strip(), lang=lang) if value not in (None, "") else None

        statement = text("statement")
        if statement is not None:
            graph.add((assessment, CIMO.findingStatement, statement))
        for name, component in CERQUAL_COMPONENTS:
            judged = URIRef(f"{assessment}-{name.replace('_', '-')}")
            self.built.places[judged] = row
            graph.add((assessment, CIMO.hasComponentAssessment, judged))
            graph.add((judged, RDF.type, CIMO.ComponentAssessment))
            graph.add((judged, CIMO.component, component))
            self.choose(judged, sheet.column_named(name), row)
            explanation = text(f"{name}_explanation")
            if explanation is not None:
                graph.add((judged, CIMO.explanation, explanation))
        self.choose(assessment, sheet.column_named("confidence"), row)
        explanation = text("confidence_explanation")
        if explanation is not None:
            graph.add((assessment, CIMO.explanation, explanation))
        studies = _split(row.cells.get("studies"), ";")
        if not studies:  # the finding's own study
            graph.add((assessment, CIMO.contributingStudy, own))
        for study in studies:
            node = self.contributing_study(row, str(study).strip())
            if node is not None:
                graph.add((assessment, CIMO.contributingStudy, node))
        self.people(assessment, CIMO.assessedBy, row, "assessed_by")
        day = _date(self, row, "assessed_on")
        if day:
            graph.add((assessment, DCTERMS.date, Literal(day, datatype=XSD.date)))

    def _history(self, sheet: Sheet, row: Row) -> None:
        """A step in a finding's trail: the finding, what the evidence did to it, the
        version a refinement gave (which then refines the finding), the evidence (element
        ids, a passage), who made the change and when, and a note."""
        finding = str(row.cells.get("finding") or "").strip()
        column = sheet.column_named("finding")
        target = self.resolve(row, column, finding, column.targets) if finding else None
        result = str(row.cells.get("result") or "").strip()
        made = None
        if result:
            made = self.resolve(row, sheet.column_named("result"), result, ("propositions",))
        lang = str(row.cells.get("lang") or "en")
        if not _LANG.match(lang):
            self.problem(row, "lang", lang, "is not a language tag")
            lang = "en"
        day = _date(self, row, "changed_on")
        change = URIRef(
            f"{self.ns}change-{_digest(finding, str(row.cells.get('change')), result, day)}"
        )
        graph = self.graph
        self.built.places[change] = row
        graph.add((change, RDF.type, CIMO.TheoryChange))
        if target is not None:
            graph.add((change, CIMO.changed, self.iri(target)))
        self.choose(change, sheet.column_named("change"), row)
        kind = graph.value(change, CIMO.changeKind)
        if kind == CIMO.refinement and not result:
            self.problem(row, "result", None, "a refinement names the version it gave (its id)")
        elif result and kind is not None and kind != CIMO.refinement:
            self.problem(
                row,
                "result",
                result,
                "only a refinement gives a version: the finding was confirmed or refuted "
                "as it stood",
            )
        if made is not None:
            graph.add((change, PROV.generated, self.iri(made)))
            if target is not None:
                graph.add((self.iri(made), CIMO.refines, self.iri(target)))
        evidence = _split(row.cells.get("evidence"), ";")
        for name in evidence:
            column = sheet.column_named("evidence")
            found = self.resolve(row, column, name, column.targets)
            if found is not None:
                graph.add((change, PROV.used, self.iri(found)))
        text = row.cells.get("evidence_text")
        if text not in (None, ""):
            graph.add((change, CIMO.sourceText, Literal(str(text).strip(), lang=lang)))
        elif not evidence:
            self.problem(
                row,
                "evidence",
                None,
                "a change names its evidence: the ids of the elements that led to it, or "
                "the passage (evidence_text)",
            )
        self.people(change, PROV.wasAssociatedWith, row, "changed_by")
        if day:
            graph.add((change, DCTERMS.date, Literal(day, datatype=XSD.date)))
        note = row.cells.get("note")
        if note not in (None, ""):
            graph.add((change, CIMO.interpretationNote, Literal(str(note).strip(), lang=lang)))

    def assessed_finding(
        self, sheet: Sheet, row: Row, finding: str
    ) -> tuple[URIRef, str, URIRef] | None:
        """The finding a confidence row assesses: its IRI, the name of its assessment and
        its study; or ``None``, the problem said."""
        if finding in {str(self.study_row.cells.get(n)) for n in ("id", "identifier")}:
            self.problem(row, "finding", finding, _A_STUDY_ASSESSED)
            return None
        column = sheet.column_named("finding")
        target = self.resolve(row, column, finding, column.targets)
        return None if target is None else (self.iri(target), target, self.study)

    def contributing_study(self, row: Row, study: str) -> URIRef | None:
        """A study a finding draws on: this study by its id, another by its full IRI."""
        study = study.removeprefix("<").removesuffix(">")
        if study in {str(self.study_row.cells.get(n)) for n in ("id", "identifier")}:
            return self.study
        problem = iri_problem(study)
        if problem is None and ":" not in study.split("/", 1)[0]:
            problem = (
                f"neither this study's id ({self.study_row.cells.get('id')}) nor another "
                "study's full IRI (https://...)"
            )
        if problem:
            self.problem(row, "studies", study, f"is not a study: {problem}")
            return None
        return URIRef(study)

    def _notes(self, sheet: Sheet, row: Row) -> None:
        element, note = row.cells.get("element"), row.cells.get("note")
        if not element or not note:
            return
        target = self.resolve(row, sheet.column_named("element"), str(element), ("*",))
        if target is None:
            return
        lang = str(row.cells.get("lang") or "en")
        if not _LANG.match(lang):
            self.problem(row, "lang", lang, "is not a language tag")
        self.graph.add((self.iri(target), CIMO.interpretationNote, Literal(str(note), lang=lang)))


#: What a confidence row that names a study is told.
_A_STUDY_ASSESSED = (
    "names the study: GRADE-CERQual assesses a finding, never a whole study; name the "
    "design proposition (configuration) whose finding this row assesses, and judge the "
    "study's limitations under methodological_limitations"
)


class _ReviewTable(_Builder):
    """A review's table of confidence assessments of findings already in a graph: the
    template's ``confidence`` sheet, its findings and studies named as the graph names
    them (an id, or an IRI), each assessment kept in the namespace of its finding's
    study."""

    def __init__(self, tables: dict[str, list[Row]], built: Built, kg: Any) -> None:
        super().__init__(tables, built)
        self.kg = kg
        self.findings: list[str] | None = None
        self.languages = ["en"]
        self.ns = ""
        self.study = URIRef("")

    def assessed_finding(
        self, sheet: Sheet, row: Row, finding: str
    ) -> tuple[URIRef, str, URIRef] | None:
        from ..errors import CimoGraphError
        from ..sparql import named_query

        try:
            node, _ = self.kg._names().node(finding)
        except CimoGraphError as error:
            if self.findings is None:
                self.findings = [str(i) for i in self.kg.propositions()["id"]]
            close = difflib.get_close_matches(finding, self.findings, n=3, cutoff=0.5)
            hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
            message = "unknown design proposition." + hint if close else str(error)
            self.problem(row, "finding", finding, message)
            return None
        infos = self.kg._annotate([node])
        kind = infos[node].kind
        if kind == "Study":
            self.problem(row, "finding", finding, _A_STUDY_ASSESSED)
            return None
        if kind != "DesignProposition":
            words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind or "node").lower()
            self.problem(
                row,
                "finding",
                finding,
                f"is {_a(words)}, not a design proposition: GRADE-CERQual assesses a "
                "finding, a proposition or configuration as a whole",
            )
            return None
        studies = [s for _, s in self.kg._strings_each(named_query("node-study"), "node", [node])]
        study = URIRef(studies[0]) if studies and studies[0] else URIRef(str(node))
        local = str(study).rsplit("/", 1)[-1] if "/" in str(study) else str(study)
        self.ns = str(study)[: len(str(study)) - len(local)]
        self.study = study
        return node, self.kg._id(node, infos), study

    def contributing_study(self, row: Row, study: str) -> URIRef | None:
        from ..errors import CimoGraphError

        if not re.match(r"^[a-z][a-z0-9+.-]*:", study):
            try:
                node, _ = self.kg._names().node(study)
            except CimoGraphError as error:
                self.problem(row, "studies", study, str(error))
                return None
            if self.kg._annotate([node])[node].kind != "Study":
                self.problem(row, "studies", study, "is no study of the graph")
                return None
            return URIRef(str(node))
        problem = iri_problem(study)
        if problem:
            self.problem(row, "studies", study, f"is not a study: {problem}")
            return None
        return URIRef(study)


def build_assessments(tables: dict[str, list[Row]], kg: Any) -> Built:
    """The confidence assessments of a review's table (the template's ``confidence``
    sheet alone) of findings that ``kg`` holds; ``problems`` lists every mistake found."""
    built = Built()
    built.problems += _unwritable_cells(tables)
    builder = _ReviewTable(tables, built, kg)
    sheet = the_sheet("confidence")
    for name, rows in tables.items():
        if name != "confidence":
            for row in rows[:1]:
                builder.problem(
                    row,
                    None,
                    None,
                    f"a table of confidence assessments holds the sheet 'confidence' only, "
                    f"not '{name}'",
                )
    for row in tables.get("confidence", []):
        builder.check_columns(sheet, row)
        builder._confidence(sheet, row)
    return built


def build_graph(tables: dict[str, list[Row]]) -> Built:
    """Build the study's graph from the tables; ``problems`` lists every mistake found."""
    built = Built()
    built.problems += _unwritable_cells(tables)
    builder = _Builder(tables, built)
    if builder.check_study_row():
        builder.collect_ids()
        builder.build()
        built.graph.bind(str(builder.study_row.cells.get("identifier") or "study"), builder.ns)
    return built


def _unwritable_cells(tables: dict[str, list[Row]]) -> list[Problem]:
    """A problem for each cell holding a character no XML document can hold (a control
    character, a lone surrogate): the study would build, then break every export."""
    from ..guards import unwritable_character

    problems = []
    for rows in tables.values():
        for row in rows:
            for column, value in row.cells.items():
                for text in value if isinstance(value, list) else [value]:
                    found = unwritable_character(text) if isinstance(text, str) else None
                    if found:
                        problems.append(
                            row.problem(
                                column,
                                None,
                                f"the character {found} cannot be held by XML, spreadsheets "
                                "or coding tools (a control character or a lone surrogate); "
                                "remove it, or write a space, tab or line break instead",
                            )
                        )
                        break
    return problems


def _date(builder: _Builder, row: Row, column: str) -> str:
    """The date in a cell as ``2026-12-02``, empty where there is none; a cell that holds
    no date is a problem."""
    from datetime import date

    value = row.cells.get(column)
    if value in (None, ""):
        return ""
    try:
        return date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError:
        builder.problem(row, column, value, "is not a date: write 2026-12-02")
        return ""


def _digest(*parts: str) -> str:
    """A short, stable name for a node made of ``parts`` (a finding link's)."""
    import hashlib

    return hashlib.sha256("\t".join(parts).encode("utf-8")).hexdigest()[:12]
