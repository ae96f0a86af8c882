"""From a study's graph back to the template's tables: the inverse of ``build``."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS
from rdflib.term import Node

from ..errors import CimoGraphError
from ..namespace import BIBO, CIMO, FOAF
from .build import expand_columns, join_texts
from .schema import LINK_FIELDS, REFERENCE_FIELDS, SHEETS, Sheet, dropdowns, help_rows
from .tables import write_tables

__all__ = ["graph_tables", "write_template"]


class _Exporter:
    def __init__(self, graph: Graph, study: URIRef) -> None:
        self.graph = graph
        self.study = study
        identifier = graph.value(study, DCTERMS.identifier)
        local = str(study).rsplit("/", 1)[-1] if "/" in str(study) else str(study)
        self.ns = str(study)[: len(str(study)) - len(local)]
        self.study_id = local
        self.identifier = str(identifier) if identifier is not None else local
        languages = [str(lang) for lang in graph.objects(study, CIMO.labelLanguage)]
        order = {"nl": 0, "en": 1}
        self.languages = sorted(languages, key=lambda lang: (order.get(lang, 2), lang)) or ["en"]
        self.default_source = graph.value(study, PROV.wasDerivedFrom)
        language = graph.value(study, DCTERMS.language)
        self.source_language = str(language) if language is not None else self.languages[0]
        themes = [t for t in graph.subjects(RDF.type, SKOS.Concept)]
        self.theme_ns = f"{self.ns}theme/"
        if themes:
            first = str(sorted(themes, key=str)[0])
            self.theme_ns = first[: first.rfind("/") + 1]

    def id_of(self, node: Node) -> str:
        text = str(node)
        for namespace in (self.theme_ns, self.ns):
            if text.startswith(namespace):
                return text[len(namespace) :]
        return text

    def _texts(self, subject: Node, predicate: URIRef) -> list[Literal]:
        return sorted(
            (o for o in self.graph.objects(subject, predicate) if isinstance(o, Literal)),
            key=lambda o: (o.language or "", str(o)),
        )

    def row(self, sheet: Sheet, subject: Node) -> dict[str, str]:
        row: dict[str, str] = {}
        for column in sheet.columns:
            if column.kind == "id":
                row[column.name] = self.study_id if sheet.name == "study" else self.id_of(subject)
            elif column.predicate is None or column.kind == "lang":
                continue
            elif column.kind == "text":
                values = self._texts(subject, column.predicate)
                if column.per_language:
                    for lang in self.languages:
                        chosen = [str(v) for v in values if v.language == lang]
                        if chosen:
                            row[f"{column.name}_{lang}"] = chosen[0]
                    continue
                if not values:
                    continue
                row[column.name] = (
                    join_texts([str(v) for v in values])
                    if column.multi
                    else (" | ".join(str(v) for v in values))
                )
                default = self.source_language if column.lang == "source" else (column.lang or "en")
                if column.lang_column and values[0].language != default:
                    row[column.lang_column] = values[0].language or ""
            elif column.kind == "choice":
                words: dict[Node, str] = {term: word for word, term in reversed(column.choices)}
                chosen = [
                    words[o] for o in self.graph.objects(subject, column.predicate) if o in words
                ]
                if chosen:
                    row[column.name] = chosen[0]
            elif column.scoped:
                cells = []
                for target in sorted(self.graph.objects(subject, column.predicate), key=str):
                    scope = sorted(
                        self.id_of(p)
                        for link in self.graph.subjects(RDF.subject, subject)
                        if (link, RDF.type, CIMO.StatedLink) in self.graph
                        and (link, RDF.predicate, column.predicate) in self.graph
                        and (link, RDF.object, target) in self.graph
                        for p in self.graph.objects(link, CIMO.statedIn)
                    )
                    shown = self.id_of(target)
                    cells.append(f"{shown} ({', '.join(scope)})" if scope else shown)
                if cells:
                    row[column.name] = "; ".join(sorted(cells))
            elif column.kind in ("ref", "refs"):
                if column.inverse:
                    found = list(self.graph.subjects(column.predicate, subject))
                    if sheet.name == "means":
                        shaping = list(self.graph.subjects(CIMO.shapedBy, subject))
                        if shaping:
                            row["shaping"] = "yes"
                        found += shaping
                else:
                    found = list(self.graph.objects(subject, column.predicate))
                if column.name == "sources" and set(found) <= {self.default_source}:
                    found = []  # the study's source_document, which the import adds anyway
                if found:
                    row[column.name] = "; ".join(sorted(self.id_of(f) for f in found))
            elif column.kind == "value":
                texts = [str(v) for v in self.graph.objects(subject, column.predicate)]
                if texts:
                    row[column.name] = texts[0]
        self._paired(subject, row)
        return row

    def _paired(self, subject: Node, row: dict[str, str]) -> None:
        """The source texts and locations of an element that cites several passages, in
        the passages' order, so that each text stands beside its own location."""
        passages = sorted(
            self.graph.objects(subject, CIMO.passage),
            key=lambda p: int(str(p).rsplit("-", 1)[-1]) if str(p)[-1:].isdigit() else 0,
        )
        pairs = [
            (self.graph.value(p, CIMO.sourceText), self.graph.value(p, CIMO.sourceLocation))
            for p in passages
        ]
        if len(pairs) < 2 or any(text is None or place is None for text, place in pairs):
            return
        row["source_text"] = join_texts([str(text) for text, _ in pairs])
        row["location"] = join_texts([str(place) for _, place in pairs])

    def tables(self) -> dict[str, list[dict[str, str]]]:
        tables: dict[str, list[dict[str, str]]] = {}
        for sheet in SHEETS:
            method = getattr(self, f"_{sheet.name}", None)
            rows = (
                method(sheet)
                if method
                else [
                    self.row(sheet, subject)
                    for subject in self.graph.subjects(RDF.type, sheet.cls)
                    if (subject, CIMO.partOfStudy, self.study) in self.graph
                ]
            )
            tables[sheet.name] = sorted(rows, key=lambda r: str(r.get("id", "")))
        return tables

    def _study(self, sheet: Sheet) -> list[dict[str, str]]:
        row = self.row(sheet, self.study)
        row.update(self.bibliographic(self.study))
        row["identifier"] = self.identifier
        row["namespace"] = self.ns
        if self.theme_ns != f"{self.ns}theme/":
            row["theme_namespace"] = self.theme_ns
        row["languages"] = "; ".join(self.languages)
        if self.source_language != self.languages[0]:
            row["source_language"] = self.source_language
        scheme = next(iter(self.graph.subjects(RDF.type, SKOS.ConceptScheme)), None)
        if scheme is not None:
            if self.id_of(scheme) != "themes":
                row["scheme_id"] = self.id_of(scheme)
            for label in self._texts(scheme, SKOS.prefLabel):
                row[f"scheme_label_{label.language}"] = str(label)
            notes = self._texts(scheme, SKOS.editorialNote)
            if notes:
                row["scheme_note"] = str(notes[0])
                if notes[0].language != "en":
                    row["scheme_note_lang"] = notes[0].language or ""
        return [row]

    def _sources(self, sheet: Sheet) -> list[dict[str, str]]:
        """The study's source documents: its own, its elements', and any other document
        the graph holds that no other study claims."""
        mine = {self.study, *self.graph.subjects(CIMO.partOfStudy, self.study)}
        sources = {o for s in mine for o in self.graph.objects(s, PROV.wasDerivedFrom)}
        claimed = {
            o
            for s, o in self.graph.subject_objects(PROV.wasDerivedFrom)
            if s not in mine and o not in sources
        }
        documents = set(self.graph.subjects(RDF.type, BIBO.Document)) - claimed
        return [self.row(sheet, s) for s in sources | documents]

    def _references(self, sheet: Sheet) -> list[dict[str, str]]:
        works = set(self.graph.objects(None, DCTERMS.references))
        rows = []
        for work in works:
            row = self.row(sheet, work)
            row.update(self.bibliographic(work))
            rows.append(row)
        return rows

    def bibliographic(self, work: Node) -> dict[str, str]:
        """The year, authors, DOI, URL, licence, volume and pages of a work, as cells."""
        row: dict[str, str] = {}
        for column, predicate in (("year", DCTERMS.date), *REFERENCE_FIELDS, *LINK_FIELDS):
            value = self.graph.value(work, predicate)
            if value is not None:
                row[column] = str(value)
        journal = self.graph.value(work, DCTERMS.isPartOf)
        if journal is not None and self.graph.value(journal, DCTERMS.title) is not None:
            row["journal"] = str(self.graph.value(journal, DCTERMS.title))
        encoders = self.people(work, CIMO.encodedBy)
        if encoders:
            row["encoded_by"] = encoders
        head = self.graph.value(work, BIBO.authorList)
        if head is not None:
            names = []
            for person in Collection(self.graph, head):
                family = self.graph.value(person, FOAF.familyName)
                given = self.graph.value(person, FOAF.givenName)
                names.append(f"{family}, {given}" if given is not None else str(family))
            row["authors"] = "; ".join(names)
        return row

    def own(self, cls: URIRef, link: URIRef) -> list[tuple[Node, Node]]:
        """The nodes of ``cls`` (finding links, assessments, theory changes) whose ``link``
        names an element of this study, each with that element."""
        found = []
        for node in self.graph.subjects(RDF.type, cls):
            target = self.graph.value(node, link)
            if target is not None and (target, CIMO.partOfStudy, self.study) in self.graph:
                found.append((node, target))
        return found

    def people(self, subject: Node, predicate: URIRef) -> str:
        """The people ``subject`` links to by ``predicate``, as a cell: ``Family, G.``
        with the ORCID where the person is one, separated by ``;``."""
        names = []
        for person in self.graph.objects(subject, predicate):
            family = self.graph.value(person, FOAF.familyName)
            given = self.graph.value(person, FOAF.givenName)
            name = f"{family}, {given}" if given is not None else str(family)
            if str(person).startswith("https://orcid.org/"):
                name += f" {str(person).rsplit('/', 1)[1]}"
            names.append(name)
        return "; ".join(sorted(names))

    def who_and_when(self, row: dict[str, str], node: Node, by: URIRef, done: str) -> None:
        """The ``<done>_by`` and ``<done>_on`` cells of ``row``: the people ``node`` links
        to by ``by``, and its date."""
        people = self.people(node, by)
        if people:
            row[f"{done}_by"] = people
        day = self.graph.value(node, DCTERMS.date)
        if day is not None:
            row[f"{done}_on"] = str(day)

    def _confidence(self, sheet: Sheet) -> list[dict[str, str]]:
        from .schema import CERQUAL_COMPONENTS

        def words(name: str) -> dict[Node, str]:
            return {term: word for word, term in reversed(sheet.column(name).choices)}  # type: ignore[union-attr]

        rows = []
        for assessment, finding in self.own(CIMO.ConfidenceAssessment, CIMO.assessesFinding):
            statements = self._texts(assessment, CIMO.findingStatement)
            row = {"finding": self.id_of(finding)}
            if statements:
                row["statement"] = str(statements[0])
            texts = list(statements)
            judged = {
                self.graph.value(j, CIMO.component): j
                for j in self.graph.objects(assessment, CIMO.hasComponentAssessment)
            }
            for name, component in CERQUAL_COMPONENTS:
                node = judged.get(component)
                if node is None:
                    continue
                row[name] = words(name).get(self.graph.value(node, CIMO.concern), "")  # type: ignore[arg-type]
                explanations = self._texts(node, CIMO.explanation)
                if explanations:
                    row[f"{name}_explanation"] = str(explanations[0])
                    texts += explanations
            level = self.graph.value(assessment, CIMO.overallConfidence)
            row["confidence"] = words("confidence").get(level, "")  # type: ignore[arg-type]
            explanations = self._texts(assessment, CIMO.explanation)
            if explanations:
                row["confidence_explanation"] = str(explanations[0])
                texts += explanations
            studies = sorted(self.graph.objects(assessment, CIMO.contributingStudy), key=str)
            if studies != [self.study]:
                row["studies"] = "; ".join(
                    self.study_id if s == self.study else str(s) for s in studies
                )
            self.who_and_when(row, assessment, CIMO.assessedBy, "assessed")
            language = texts[0].language if texts else None
            if language and language != "en":
                row["lang"] = language
            rows.append(row)
        return sorted(rows, key=lambda r: r["finding"])

    def _history(self, sheet: Sheet) -> list[dict[str, str]]:
        words: dict[Node | None, str] = {
            term: word
            for word, term in reversed(sheet.column("change").choices)  # type: ignore[union-attr]
        }
        rows = []
        for change, finding in self.own(CIMO.TheoryChange, CIMO.changed):
            row = {
                "finding": self.id_of(finding),
                "change": words.get(self.graph.value(change, CIMO.changeKind), ""),
            }
            made = self.graph.value(change, PROV.generated)
            if made is not None:
                row["result"] = self.id_of(made)
            used = sorted(self.id_of(u) for u in self.graph.objects(change, PROV.used))
            if used:
                row["evidence"] = "; ".join(used)
            texts = self._texts(change, CIMO.sourceText)
            notes = self._texts(change, CIMO.interpretationNote)
            if texts:
                row["evidence_text"] = str(texts[0])
            self.who_and_when(row, change, PROV.wasAssociatedWith, "changed")
            if notes:
                row["note"] = str(notes[0])
            language = (texts or notes)[0].language if texts or notes else None
            if language and language != "en":
                row["lang"] = language
            rows.append(row)
        return sorted(rows, key=lambda r: (r.get("changed_on", ""), r["finding"], r["change"]))

    def _themes(self, sheet: Sheet) -> list[dict[str, str]]:
        rows = []
        for theme in self.graph.subjects(RDF.type, SKOS.Concept):
            row = {"id": self.id_of(theme)}
            for lang in self.languages:
                labels = [v for v in self._texts(theme, SKOS.prefLabel) if v.language == lang]
                if labels:
                    row[f"label_{lang}"] = str(labels[0])
                synonyms = [str(v) for v in self._texts(theme, SKOS.altLabel) if v.language == lang]
                if synonyms:
                    row[f"synonyms_{lang}"] = "; ".join(synonyms)
            definitions = self._texts(theme, SKOS.definition)
            if definitions:
                row["definition"] = str(definitions[0])
                if definitions[0].language != "en":
                    row["definition_lang"] = definitions[0].language or ""
            rows.append(row)
        return rows

    def _extra(self, sheet: Sheet) -> list[dict[str, str]]:
        return []  # filled by graph_tables with what the other sheets could not hold

    def _findings(self, sheet: Sheet) -> list[dict[str, str]]:
        words: dict[Node | None, str] = {
            term: word
            for word, term in sheet.column("relation").choices  # type: ignore[union-attr]
        }
        rows = []
        for link, subject in self.own(CIMO.FindingLink, RDF.subject):
            evidence = self._texts(link, CIMO.sourceText)
            notes = self._texts(link, CIMO.interpretationNote)
            row = {
                "finding": self.id_of(subject),
                "relation": words.get(self.graph.value(link, RDF.predicate), ""),
                "other": str(self.graph.value(link, RDF.object) or ""),
                "evidence": str(evidence[0]) if evidence else "",
            }
            if notes:
                row["note"] = str(notes[0])
            language = evidence[0].language if evidence else None
            if language and language != "en":
                row["lang"] = language
            rows.append(row)
        return sorted(rows, key=lambda r: (r["finding"], r["relation"], r["other"]))

    def _notes(self, sheet: Sheet) -> list[dict[str, str]]:
        rows = []
        for subject, note in sorted(
            self.graph.subject_objects(CIMO.interpretationNote),
            key=lambda pair: (str(pair[0]), str(pair[1])),
        ):
            if (subject, RDF.type, CIMO.FindingLink) in self.graph:
                continue  # a finding link's note travels in the findings sheet
            if (subject, RDF.type, CIMO.TheoryChange) in self.graph:
                continue  # and a change's in the history sheet
            element = self.study_id if subject == self.study else self.id_of(subject)
            row = {"element": element, "note": str(note)}
            if isinstance(note, Literal) and note.language != "en":
                row["lang"] = note.language or ""
            rows.append(row)
        return rows


def graph_tables(
    graph: Graph, study: URIRef | None = None
) -> tuple[dict[str, list[dict[str, str]]], dict[str, list[str]]]:
    """The template's tables for the study in ``graph`` and each sheet's columns."""
    studies = sorted(graph.subjects(RDF.type, CIMO.Study), key=str)
    if study is None:
        if len(studies) != 1:
            raise CimoGraphError(
                f"export_template needs one study; the graph holds {len(studies)}. "
                "Pass study=<its IRI>."
            )
        study = cast(URIRef, studies[0])  # a study is named by an IRI (the shapes say so)
    exporter = _Exporter(graph, study)
    tables = exporter.tables()
    tables["notes"] = sorted(tables["notes"], key=lambda r: (r["element"], r["note"]))
    tables["extra"] = _left_out(graph, study, tables, len(studies) == 1)
    columns = {sheet.name: expand_columns(sheet, exporter.languages) for sheet in SHEETS}
    return tables, columns


def _left_out(
    graph: Graph, study: URIRef, tables: dict[str, list[dict[str, str]]], whole: bool
) -> list[dict[str, str]]:
    """The statements of the study that the sheets do not carry, as rows of 'extra'.

    The tables are built again, as an import would, and compared with the graph (all of
    it when it holds one study; else what concerns this study). A statement with a blank
    node that the sheets do not rebuild cannot be written as a row: it is refused by name.
    """
    from rdflib import BNode
    from rdflib.compare import isomorphic

    from .build import build_graph
    from .tables import Row

    rows = {
        name: [
            Row(
                "export", name, f"row {number}", {k: (str(v).strip() or None) for k, v in r.items()}
            )
            for number, r in enumerate(items, start=2)
        ]
        for name, items in tables.items()
    }
    rebuilt = build_graph(rows).graph
    if whole:
        scope = list(graph)
    else:
        mine = {study, *graph.subjects(CIMO.partOfStudy, study), *rebuilt.subjects()}
        scope = [t for t in graph if t[0] in mine]

    def blank(triple: tuple[Node, Node, Node]) -> bool:
        return any(isinstance(term, BNode) for term in triple)

    left = sorted((t for t in scope if not blank(t) and t not in rebuilt), key=str)
    original, again = Graph(), Graph()
    for triple in (t for t in scope if blank(t)):
        original.add(triple)
    for triple in (t for t in rebuilt if blank(t)):
        again.add(triple)
    if not isomorphic(original, again):
        # (graphs that differ hold a triple between them)
        example = ([t for t in original if t not in again] or list(original) or list(again))[0]
        raise CimoGraphError(
            "export_template cannot carry every statement of the study: the blank-node "
            f"statement {' '.join(term.n3() for term in example)} is not one the template "
            "writes (give the node an IRI, or keep the study as Turtle)"
        )
    extra = []
    for triple in left:
        try:
            subject, predicate, value = (term.n3() for term in triple)
            extra.append({"subject": subject, "predicate": predicate, "object": value})
        except Exception as error:  # rdflib refuses to write a malformed IRI
            raise CimoGraphError(
                f"export_template cannot write the statement {triple!r}: {error}"
            ) from error
    return extra


def _examples() -> dict[str, dict[str, str]]:
    """The first row of each sheet of the worked example, for the help sheet."""
    from . import example_path
    from .tables import read_tables

    tables, _ = read_tables(example_path())
    return {
        name: {k: "; ".join(v) if isinstance(v, list) else v for k, v in rows[0].cells.items()}
        for name, rows in tables.items()
        if rows
    }


def write_template(
    graph: Graph,
    path: Path | str,
    *,
    fmt: str | None = None,
    study: URIRef | None = None,
    force: bool = False,
) -> Path:
    """Write the study in ``graph`` as a template: a CSV folder, an .xlsx or a .yaml.

    A file already at ``path``, or a folder that is not empty, may be a researcher's
    filled template: it is refused (:class:`~cimo_graph.OutputError`) unless ``force``.
    """
    from .._files import refuse_overwrite

    path = Path(path)
    refuse_overwrite(path, "the template", force=force)
    if fmt is None:
        suffix = path.suffix.lower().lstrip(".")
        fmt = {"xlsx": "xlsx", "yaml": "yaml", "yml": "yaml"}.get(
            suffix, suffix if suffix else "csv"
        )
    tables, columns = graph_tables(graph, study)
    languages = [c[len("label_") :] for c in columns["interventions"] if c.startswith("label_")]
    write_tables(
        tables, columns, path, fmt, help_rows(languages, _examples()), dropdowns(languages)
    )
    return path
