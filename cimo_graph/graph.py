"""CimoGraph: a CIMO study as an rdflib graph, with loading, validation and serialisation."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rdflib import Graph, Literal, URIRef
from rdflib.term import BNode, Node

from ._files import write_text
from ._resources import study_path
from .errors import (
    CimoGraphError,
    SparqlSyntaxError,
    StudyNotFoundError,
    StudyValidationError,
    UnsupportedFormatError,
)
from .guards import MAX_FILE_BYTES
from .namespace import PREFIXES
from .oxterms import rows
from .questions import Questions, Row
from .sources import format_for, new_graph, oxigraph_copy, read_graph
from .sparql import (
    NamedQuery,
    StringRow,
    bound_text,
    json_rows,
    named_query,
    prepare,
    to_frame,
    variables,
    with_values,
)
from .timeouts import DEFAULT_TIMEOUT, ChildError, run_in_child, run_with_timeout
from .views import Drawings

if TYPE_CHECKING:
    import pandas as pd

    from .summary import Summary
    from .validation import ValidationReport

__all__ = ["ENGINES", "CimoGraph", "load"]

#: The SPARQL engines that can answer the helpers on the memory store.
ENGINES = ("oxigraph", "rdflib")


class CimoGraph(Drawings, Questions):
    """A CIMO study (or several) held as an rdflib ``Graph``.

    Make one with :func:`cimo_graph.load`, or around any rdflib ``Graph`` with
    ``CimoGraph(graph)``; the rdflib graph inside is ``kg.graph``. Oxigraph answers the
    helpers' queries: the Oxigraph store itself, or for the memory store a copy made at
    the first question and again after the graph changed. ``engine="rdflib"`` has
    rdflib's own SPARQL engine answer instead (slower; the benchmark's baseline). The
    question helpers (:meth:`interventions_for`, :meth:`evidence`, ...) come from
    :class:`~cimo_graph.questions.Questions`; :meth:`sparql` runs any query.

    Examples
    --------
    >>> kg = cg.load()
    >>> kg
    <CimoGraph leernetwerken.ttl: 1 study, 2 design propositions, 5 pillars, 1111 triples>
    >>> len(kg)
    1111
    """

    def __init__(
        self,
        graph: Graph | None = None,
        *,
        source: Path | str | None = None,
        engine: str = "oxigraph",
    ) -> None:
        if engine not in ENGINES:
            raise UnsupportedFormatError(
                f"Unknown query engine {engine!r}; use one of {', '.join(ENGINES)}."
            )
        self._graph = graph if graph is not None else Graph()
        for prefix, namespace in PREFIXES.items():
            self._graph.bind(prefix, namespace, override=False)
        self.source: Path | None = Path(source) if source is not None else None
        #: The folder of the Oxigraph store the graph is kept in (``load(...,
        #: location=DIR)``), where what is worked out from it once is kept too (the names'
        #: embeddings for :meth:`align`); ``None`` for a graph in memory.
        self.location: Path | None = None
        # A store with its own SPARQL engine (Oxigraph) takes query text, not rdflib's
        # parsed queries, and answers a VALUES block of many terms in one go.
        self._native = isinstance(self._graph.store, _oxigraph_store())
        self._copy: tuple[object, Any] | None = None
        # the store's own engine answers when it is Oxigraph; rdflib's only when asked
        self.engine = "oxigraph" if self._native else engine

    @property
    def store(self) -> str:
        """``"oxigraph"`` or ``"memory"``: where the triples are held."""
        return "oxigraph" if self._native else "memory"

    @property
    def graph(self) -> Graph:
        """The rdflib ``Graph`` holding the study's triples."""
        return self._graph

    def __len__(self) -> int:
        if self._native and isinstance(self._graph.store, _counting_oxigraph()):
            # a store cimo-graph made holds this graph alone: Oxigraph counts its quads
            # in a fraction of the time oxrdflib's len() takes (3 s at 1.3M triples)
            return len(self._graph.store._inner)  # type: ignore[attr-defined]  # oxrdflib's
        return len(self._graph)

    def __repr__(self) -> str:
        summary = self.summary()
        name = self.source.name if self.source is not None else "in memory"
        propositions = summary.counts["DesignProposition"]
        pillars = summary.counts["Pillar"]
        studies = len(summary.studies)
        return (
            f"<CimoGraph {name}: {studies} {'study' if studies == 1 else 'studies'}, "
            f"{propositions} design proposition{'' if propositions == 1 else 's'}, "
            f"{pillars} pillar{'' if pillars == 1 else 's'}, {len(self)} triples>"
        )

    # --- SPARQL ------------------------------------------------------------------------

    def sparql(
        self,
        text: str,
        *,
        raw: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        **bindings: Any,
    ) -> pd.DataFrame | bool | CimoGraph:
        """Run a SPARQL query with the library's prefixes declared and parameters bound.

        SELECT gives a pandas DataFrame (IRIs as prefixed names, literals as Python values;
        ``raw=True`` keeps rdflib terms), ASK a bool, CONSTRUCT and DESCRIBE a new
        :class:`CimoGraph`. Each keyword binds the variable of that name: rdflib terms as
        they are, other values as literals (``kg.node("W-I3")`` and ``kg.theme(...)`` give
        IRIs). Bound values never become query text, so quotes, braces or ``DROP ALL`` in
        them are ordinary strings.

        Declared prefixes: ``cimo lnw theme rdf rdfs owl xsd skos prov dcterms bibo foaf``.

        A query runs at most ``timeout`` seconds (60 by default; ``None`` for no limit)
        and Ctrl-C stops it; updates and ``SERVICE`` clauses are refused.

        Raises :class:`~cimo_graph.SparqlSyntaxError` with the line and column of ``text``,
        :class:`~cimo_graph.QueryRefusedError` for an update or ``SERVICE``, and
        :class:`~cimo_graph.QueryTimeoutError` past ``timeout``.

        >>> kg = cg.load()
        >>> kg.sparql("SELECT ?id WHERE { ?i cimo:theme ?t ; a cimo:Intervention ; "
        ...           "dcterms:identifier ?id } ORDER BY ?id", t=kg.theme("zelfsturing"))
             id
        0  W-I3
        >>> kg.sparql("ASK { lnw:W cimo:hasContext lnw:context }")
        True
        """
        prepared = prepare(text)  # also the syntax check, with line and column
        terms = {
            name: value if isinstance(value, Node) else Literal(value)
            for name, value in bindings.items()
        }
        if self._native:
            form, head, rows = self._oxigraph_answer(
                with_values(text, list(terms), [list(terms.values())]), timeout
            )
        else:

            def work(check: Any) -> tuple[str, Any, list[Any]]:
                try:
                    result = self._graph.query(prepared, initBindings=cast(Any, terms))
                    if result.type == "ASK":
                        return "ASK", bool(result.askAnswer), []
                    rows = []
                    for row in result:  # rdflib evaluates as the rows are read
                        check()
                        rows.append(row)
                except CimoGraphError:
                    raise
                except Exception as error:  # rdflib's engine raises bare Exceptions
                    raise _evaluation_error(error) from error
                return result.type, variables(result) if result.type == "SELECT" else None, rows

            form, head, rows = run_with_timeout(work, timeout)
        if form == "ASK":
            return bool(head)
        if form in ("CONSTRUCT", "DESCRIBE"):
            graph = Graph()
            for triple in rows:
                graph.add(triple)
            for prefix, namespace in self._graph.namespaces():
                graph.bind(prefix, namespace, override=False)
            return CimoGraph(graph)
        return to_frame(head, [list(row) for row in rows], self._graph.namespace_manager, raw=raw)

    def _oxigraph_answer(self, text: str, timeout: float | None) -> tuple[str, Any, list[Any]]:
        """Oxigraph's answer to ``text``, computed in a child process that is killed at
        the timeout or at Ctrl-C (see :mod:`cimo_graph.timeouts`)."""
        import pyoxigraph as ox

        store, default_graph = self._engine()

        def produce() -> bytes:
            result = store.query(text, default_graph=default_graph, prefixes=PREFIXES)
            if isinstance(result, ox.QueryBoolean):
                return b"A" + (b"1" if bool(result) else b"0")
            if isinstance(result, ox.QueryTriples):
                return b"G" + (result.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")
            return b"S" + (result.serialize(format=ox.QueryResultsFormat.JSON) or b"")

        try:
            answer = run_in_child(produce, timeout)
        except ChildError as error:
            if error.kind == "SyntaxError":
                raise SparqlSyntaxError(f"Oxigraph: {error}", query=text) from None
            raise CimoGraphError(f"Oxigraph could not answer the query: {error}") from None
        kind, body = answer[:1], answer[1:]
        if kind == b"A":
            return "ASK", body == b"1", []
        if kind == b"G":
            triples = Graph().parse(data=body.decode("utf-8"), format="nt")
            return "CONSTRUCT", None, list(triples)
        columns, rows = json_rows(json.loads(body))
        return "SELECT", columns, [[row[c] for c in columns] for row in rows]

    def _run(self, text: str, bindings: Mapping[str, Node]) -> list[Row]:
        if self.engine == "rdflib" or any(isinstance(v, BNode) for v in bindings.values()):
            # rdflib's own engine; it also binds blank nodes, which SPARQL cannot write
            result = self._graph.query(prepare(text), initBindings=cast(Any, dict(bindings)))
            names = variables(result)
            return [dict(zip(names, cast("Iterable[Node]", row), strict=True)) for row in result]
        # Oxigraph answers (the store itself, or its copy of the memory store); solutions
        # are read from pyoxigraph directly (cimo_graph.oxterms)
        store, default_graph = self._engine()
        text, known = bound_text(text, bindings)
        return rows(store.query(text, default_graph=default_graph), known)

    def _strings(self, query: NamedQuery, bindings: Mapping[str, Node]) -> list[StringRow]:
        if self.engine == "rdflib" or any(isinstance(v, BNode) for v in bindings.values()):
            return super()._strings(query, bindings)
        text, known = bound_text(query.text, bindings)
        strings = {name: str(value) for name, value in known.items()}
        return self._read_strings(text, query.projection, strings)

    def _strings_each(
        self, query: NamedQuery, variable: str, terms: Iterable[Node]
    ) -> list[StringRow]:
        terms = list(dict.fromkeys(terms))
        if query.name in _SCANNED and len(terms) > _BATCH and self.engine != "rdflib":
            # as _select_each: one run over everything, kept to the terms asked
            wanted = {str(term) for term in terms}
            at = query.projection.index(variable)
            rows = self._read_strings(query.text, query.projection, {})
            return [row for row in rows if row[at] in wanted]
        if len(terms) <= 1 or self.engine == "rdflib" or query.name in _SCANNED:
            return super()._strings_each(query, variable, terms)
        if any(isinstance(term, BNode) for term in terms):
            return super()._strings_each(query, variable, terms)
        return [
            row
            for text in _batched(query.text, variable, terms)
            for row in self._read_strings(text, query.projection, {})
        ]

    def _read_strings(
        self, text: str, columns: Sequence[str], known: Mapping[str, str]
    ) -> list[StringRow]:
        """Oxigraph's answer to ``text`` as rows of strings in the order of ``columns``,
        with the values of ``known`` (variables written as constants) in their places."""
        store, default_graph = self._engine()
        solutions = store.query(text, default_graph=default_graph)
        names = [variable.value for variable in solutions.variables]
        if names == list(columns):
            return [[t.value if t is not None else None for t in s] for s in solutions]
        where = {name: index for index, name in enumerate(names)}
        picks = [(where.get(column), known.get(column)) for column in columns]
        rows = []
        for solution in solutions:
            values = [t.value if t is not None else None for t in solution]
            rows.append([value if index is None else values[index] for index, value in picks])
        return rows

    def _present(self, iris: list[URIRef]) -> list[URIRef]:
        if self.engine == "rdflib":
            return iris
        import pyoxigraph as ox

        store, default_graph = self._engine()
        return [
            iri
            for iri in iris
            if next(store.quads_for_pattern(ox.NamedNode(iri), None, None, default_graph), None)
            is not None
        ]

    def _engine(self) -> tuple[Any, Any]:
        """The pyoxigraph store that answers the helpers' queries, and its default graph.

        For the Oxigraph store, the store itself. For the memory store, a copy made when
        first asked and again after the data changed: Oxigraph answers the helpers in a
        few milliseconds, rdflib's engine in tens (bench/run.py).
        """
        import pyoxigraph as ox
        from oxrdflib._converter import to_ox

        if self._native:
            return self._graph.store._inner, to_ox(self._graph.identifier)  # type: ignore[attr-defined]
        version = self._index_key()
        if self._copy is None or self._copy[0] != version:
            self._copy = (version, oxigraph_copy([self._graph]))
        return self._copy[1], ox.DefaultGraph()

    def _select(self, query: NamedQuery, bindings: Mapping[str, Node]) -> list[Row]:
        return self._run(query.text, bindings)

    def _select_each(self, query: NamedQuery, variable: str, terms: Iterable[Node]) -> list[Row]:
        terms = list(dict.fromkeys(terms))
        if not terms:
            return []
        if query.name in _SCANNED and len(terms) > _BATCH:
            # Oxigraph does not push a VALUES block into this query's UNION, so each batch
            # costs a whole run: one run over everything, kept to the terms asked, is cheaper
            wanted = set(terms)
            return [row for row in self._run(query.text, {}) if row.get(variable) in wanted]
        if len(terms) == 1 or any(isinstance(term, BNode) for term in terms):
            return [row for term in terms for row in self._run(query.text, {variable: term})]
        batches = _batched(query.text, variable, terms)
        return [row for text in batches for row in self._run(text, {})]

    def _prefixes(self) -> dict[str, str]:
        return {prefix: str(namespace) for prefix, namespace in self._graph.namespaces()}

    def _index_key(self) -> object:
        # a store made by cimo-graph counts its changes; any other store, its triples
        version = getattr(self._graph.store, "version", None)
        return version if version is not None else len(self._graph)

    # --- triple stores -----------------------------------------------------------------

    def publish(
        self,
        endpoint: str,
        graph_uri: str,
        *,
        auth: tuple[str, str] | None = None,
        auth_scheme: str = "digest",
        chunk_size: int = 500,
        timeout: float = 60.0,
        verify: bool = True,
        query_endpoint: str | None = None,
        graph_store: str | None = None,
    ) -> Any:
        """Publish the study into the named graph ``graph_uri`` of a SPARQL Update endpoint.

        Idempotent: a second publish replaces the graph, never adds to it. The triples go
        in chunks of at most ``chunk_size`` into a staging graph that replaces the target
        only once complete, and the target is read back and compared (``verify``). A
        failure part-way raises :class:`~cimo_graph.PublishError` saying what was written
        and leaves the graph published before unchanged. Returns a
        :class:`~cimo_graph.publish.PublishReport`.

        ``graph_uri`` and every IRI of the study are checked before anything is sent: a
        name that is no IRI raises :class:`~cimo_graph.PublishError`. ``query_endpoint``
        is where the server takes queries, when not at ``endpoint`` (Oxigraph's server:
        ``.../update`` and ``.../query``). ``graph_store`` is the server's SPARQL 1.1
        Graph Store HTTP Protocol endpoint (Virtuoso: ``.../sparql-graph-crud-auth``,
        Oxigraph: ``.../store``): given, the triples go there in N-Triples bodies of
        50,000 (the server's bulk pace: 1,280,000 triples to Virtuoso in seconds, where
        SPARQL Update takes minutes), and ``chunk_size`` is not used.
        """
        from .publish import publish_graph
        from .remote import Endpoint

        target = Endpoint(endpoint, auth=auth, auth_scheme=auth_scheme, timeout=timeout)
        reader = (
            Endpoint(query_endpoint, auth=auth, auth_scheme=auth_scheme, timeout=timeout)
            if query_endpoint
            else None
        )
        store = (
            Endpoint(graph_store, auth=auth, auth_scheme=auth_scheme, timeout=timeout)
            if graph_store
            else None
        )
        return publish_graph(
            self._graph,
            target,
            graph_uri,
            chunk_size=chunk_size,
            verify=verify,
            reader=reader,
            graph_store=store,
        )

    def merge(self, *others: CimoGraph) -> CimoGraph:
        """A new graph holding this study and ``others``: several studies in one graph,
        each under its own IRIs, asked questions together (answers gain a ``study``).
        Neither this graph nor ``others`` changes: keep the result (``both = kg.merge(b)``).

        >>> from cimo_graph.authoring import example_path
        >>> both = cg.load().merge(cg.load(example_path()))
        >>> both.studies()["id"].tolist()
        ['example', 'leernetwerken']
        """
        graph = new_graph(self.store)
        for source in (self, *others):
            for triple in source.graph:
                graph.add(triple)
            for prefix, namespace in source.graph.namespaces():
                graph.bind(prefix, namespace, override=False)
        return CimoGraph(graph, engine=self.engine)

    def add_mappings(self, table: Path | str) -> int:
        """Keep the mappings of a reviewed SSSOM table (written by :meth:`align`, edited
        in a spreadsheet) in the graph, with their provenance: who made each, when, how
        (its SEMAPV justification) and how sure. Returns the number of mappings kept.

        The table is checked whole before anything is added: an id the graph does not
        hold is named with its line and the closest ids; a mapping between two kinds of
        element (a theme and an outcome) is kept and warned about
        (:class:`~cimo_graph.TemplateWarning`). A table with the ``mapping_set_id`` of one
        added before replaces it. :meth:`mappings` lists what is kept; a mapping that
        holds is also stated plainly (``S skos:exactMatch O``) for SPARQL.
        """
        from .alignment.sssom import read_sssom
        from .alignment.store import mapping_triples, remove_mapping_set

        read = read_sssom(table)
        known: dict[str, tuple[str, str]] = {}
        for study, node, kind, *_ in self._strings(named_query("align-concepts"), {}):
            if node is not None and kind is not None:
                known.setdefault(node, (kind, study or ""))
        triples = mapping_triples(read, known)
        remove_mapping_set(self._graph, URIRef(str(read.metadata["mapping_set_id"])))
        self._graph.addN((s, p, o, self._graph) for s, p, o in triples)
        return len(read.rows)

    def add_assessments(self, table: Path | str) -> int:
        """Keep a review's GRADE-CERQual assessments of findings this graph holds: a table
        (YAML, an ``.xlsx`` workbook or a CSV folder) with the template's ``confidence``
        sheet alone, each row naming its finding (a proposition or configuration) and any
        contributing study as the graph names them (id or IRI). Returns the number of
        assessments kept; :meth:`confidence` lists them.

        The table is checked whole before anything is added, each mistake named at its
        row and column (:class:`~cimo_graph.TemplateError`): an assessment of a study
        rather than a finding, a judgement without its explanation, a level that is no
        GRADE-CERQual level, an unknown finding with the closest ids. A finding assessed
        before is assessed anew: its earlier assessment is replaced.

        >>> kg = cg.load()
        >>> kg.add_assessments("tests/data/confidence/leernetwerken.yaml")
        2
        >>> kg.confidence()[["finding", "confidence"]].values.tolist()
        [['C', 'moderate confidence'], ['W', 'low confidence']]
        """
        from rdflib.namespace import RDF

        from .authoring.build import build_assessments
        from .authoring.tables import TemplateError, read_tables
        from .namespace import CIMO

        path = Path(table)
        tables, problems = read_tables(path)
        built = build_assessments(tables, self)
        problems += built.problems
        if problems:
            raise TemplateError(str(path), problems)
        graph = self._graph
        assessments = set(built.graph.subjects(RDF.type, CIMO.ConfidenceAssessment))
        for assessment in assessments:
            finding = built.graph.value(assessment, CIMO.assessesFinding)
            for earlier in list(graph.subjects(CIMO.assessesFinding, finding)):
                for judged in list(graph.objects(earlier, CIMO.hasComponentAssessment)):
                    graph.remove((judged, None, None))
                graph.remove((earlier, None, None))
        graph.addN((s, p, o, graph) for s, p, o in built.graph)
        return len(assessments)

    def export_template(
        self, path: Path | str, *, format: str | None = None, force: bool = False
    ) -> Path:
        """Write the study as an authoring template: a folder of CSV files, an ``.xlsx``
        workbook or a ``.yaml`` file (from the suffix, or ``format``). Loading it again
        gives the same graph. A file at ``path`` or a folder that is not empty is refused
        (:class:`~cimo_graph.OutputError`: it may be a filled template) unless ``force``."""
        from .authoring.export import write_template

        return write_template(self._graph, path, fmt=format, force=force)

    def export_project(
        self,
        path: Path | str,
        *,
        documents: Mapping[str, Path | str] | None = None,
        study: URIRef | str | None = None,
        force: bool = False,
    ) -> Path:
        """Write the study as a REFI-QDA project (``.qdpx``) for ATLAS.ti, NVivo, MAXQDA
        or QualCoder: its elements as codes under the CIMO codebook's kind codes, and each
        source document whose text ``documents`` gives (``{source id: file}``) with every
        element's source text coded at its place. Loading the project gives the study back.
        A file at ``path`` (a coded project, perhaps) is refused
        (:class:`~cimo_graph.OutputError`) unless ``force``.

        >>> import tempfile, pathlib
        >>> kg = cg.load()
        >>> text = cg.resource_path("data", "source", "leernetwerken-samenvatting.txt")
        >>> path = kg.export_project(pathlib.Path(tempfile.mkdtemp()) / "lnw.qdpx",
        ...                          documents={"summary": text})
        >>> len(cg.load(path).interventions_for("zelfsturing"))
        10
        """
        from .authoring.refi import write_project

        node = URIRef(str(study)) if study is not None else None
        return write_project(self._graph, path, documents=documents, study=node, force=force)

    # --- what is loaded ----------------------------------------------------------------

    def summary(self) -> Summary:
        """What the graph holds: its studies, the count of each CIMO class, the languages.

        >>> kg = cg.load()
        >>> kg.summary().counts["Intervention"]
        12
        """
        from .summary import summarise

        return summarise(self._graph, source=self.source)

    def package(
        self,
        out: Path | str,
        *,
        zip: bool = False,
        sources: Iterable[Path | str] = (),
        lang: str = "en",
        licence: str | None = None,
    ) -> Path:
        """Archive the study as an RO-Crate 1.1 in the folder ``out`` (with ``zip``, the
        file ``out``) for a repository deposit: the study in Turtle and JSON-LD, the
        ontology and shapes, the validation report, the evidence report, the figures, the
        template, the ``sources`` given, a README, and ``ro-crate-metadata.json``
        describing each (see :mod:`cimo_graph.crate`). Returns the path. ``licence`` (an
        SPDX id such as ``"CC-BY-4.0"``, or a URL) is the dataset's licence; a study that
        states none and is given none is archived with a :class:`LicenceWarning`.

        >>> import tempfile
        >>> crate = cg.load().package(Path(tempfile.mkdtemp()) / "crate", licence="CC-BY-4.0")
        >>> (crate / "ro-crate-metadata.json").is_file(), (crate / "report.html").is_file()
        (True, True)
        """
        from .crate import package

        return package(self, out, zip=zip, sources=sources, lang=lang, licence=licence)

    def validate(self, *, shapes: Graph | None = None) -> ValidationReport:
        """Check the study against the CIMO SHACL shapes (``ontology/shapes.ttl``).

        Returns a :class:`ValidationReport` that is true when the study conforms and lists
        each violation with its focus node, path, message and line in the study file.

        >>> report = cg.load().validate()
        >>> report.conforms
        True
        """
        from .validation import validate_graph

        return validate_graph(self._graph, shapes=shapes, source=self.source, engine=self._engine)

    def serialize(
        self,
        destination: Path | str | None = None,
        *,
        format: str | None = None,
        context: Mapping[str, Any] | Path | str | None = None,
    ) -> str | None:
        """Write the graph as RDF: returns the text, or writes ``destination`` whole.

        The format comes from ``format`` or from the destination's suffix (Turtle when
        neither says). A file is written to a temporary name first and then renamed, so
        it is never left half-written. JSON-LD is compacted with the ontology's context
        (:func:`cimo_graph.jsonld.context`: ``"type": "DesignProposition"``,
        ``"label": {"en": ..., "nl": ...}``), or with ``context`` (a mapping or a context
        file of your own), or left expanded (``context="expanded"``); it reads back as the
        same triples.

        >>> text = cg.load().serialize(format="turtle")
        >>> "cimo:DesignProposition" in text
        True
        >>> '"type": "DesignProposition"' in cg.load().serialize(format="json-ld")
        True
        """
        path = Path(destination) if destination is not None else Path("x.ttl")
        rdf_format = format_for(path, format)
        if context is not None and rdf_format != "json-ld":
            raise CimoGraphError(f"context= is for JSON-LD, not {rdf_format}")
        if rdf_format == "json-ld":
            from .jsonld import compact

            text = compact(self._graph, context)
        else:
            text = self._graph.serialize(format=rdf_format)
        if destination is None:
            return text
        write_text(path, text)
        return None


def _paths(given: Path | str | Sequence[Path | str] | None) -> list[Path | str]:
    """One path or several, as a list (none for ``None``)."""
    if given is None:
        return []
    return [given] if isinstance(given, str | Path) else list(given)


def load(
    source: Path | str | list[Path | str] | None = None,
    *,
    format: str | None = None,
    validate: bool = False,
    store: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    contexts: Mapping[str, Any] | None = None,
    location: Path | str | None = None,
    mapping: Mapping[str, Any] | Path | str | None = None,
    mappings: Path | str | Sequence[Path | str] | None = None,
    assessments: Path | str | Sequence[Path | str] | None = None,
) -> CimoGraph:
    """Load a CIMO study: the bundled leernetwerken study, or the RDF file at ``source``.

    Parameters
    ----------
    source
        Path of a study in Turtle, JSON-LD, RDF/XML, N-Triples or N3 (the format comes
        from the suffix unless ``format`` names it), or a study template: a folder of CSV
        files, an ``.xlsx`` workbook or a ``.yaml`` file, built and checked with the
        shapes (all mistakes reported at once), or a project coded in ATLAS.ti, NVivo,
        MAXQDA or QualCoder (REFI-QDA ``.qdpx``) with the CIMO codebook's convention.
        ``None`` loads the bundled study; a list loads several studies into one graph.
    format
        An rdflib format name (``"turtle"``, ``"json-ld"``, ``"xml"``, ``"nt"``, ``"n3"``).
    validate
        Also check the study against the CIMO shapes, and raise if it does not conform.
    store
        Where the triples are held: ``"memory"`` (rdflib's own store, the default) or
        ``"oxigraph"`` (Oxigraph through oxrdflib: loads large graphs 5 to 10 times
        faster and holds no second copy). Either way Oxigraph's engine answers the
        helpers, with the same answers; on the memory store it works from a copy made at
        the first question and again after the graph changes through rdflib. Changes
        written past rdflib (into ``kg.graph.store._inner`` directly) are not noticed.
    max_bytes
        The largest file read (2 GiB by default); a larger one raises
        :class:`StudyParseError` before it is read.
    contexts
        For JSON-LD: the content of each context the file names, as ``{name: dict, JSON
        text or file path}``. Nothing is fetched while loading: a context the file names
        and ``contexts`` does not give raises :class:`StudyParseError`.
    location
        A folder to keep the graph in, as an Oxigraph store on disk (``store`` is then
        ``"oxigraph"``). The first load parses ``source`` into it; a later load of the
        same, unchanged ``source`` with the same ``location`` opens the store without
        parsing (a 1.3M-triple collection: under a second instead of seconds). A changed
        source is loaded again into it. The folder must be new, empty, or one cimo-graph
        kept before. Changes made through ``kg.graph`` go into the store on disk.
    mapping
        For a ``.qdpx`` project coded with code names of its own: a YAML file (or its
        content as a dict) giving the study's fields (``study:``) and, per code path, its
        kind and proposition (``codes:``); see the README.
    mappings
        Reviewed SSSOM mapping tables (one path or several) between the studies loaded:
        kept in the graph as :meth:`CimoGraph.add_mappings` keeps them.
    assessments
        Tables of a review's GRADE-CERQual assessments (one path or several) of findings
        of the studies loaded: kept as :meth:`CimoGraph.add_assessments` keeps them.

    Returns
    -------
    CimoGraph

    Raises
    ------
    StudyNotFoundError
        No file at ``source`` (the message names similar files).
    UnsupportedFormatError
        The format is not one cimo-graph reads.
    StudyParseError
        The file is not valid RDF; the message gives file, line and column.
    EmptyStudyError
        The file holds no triples.
    StudyValidationError
        With ``validate=True``, the study does not conform to the shapes.

    Examples
    --------
    >>> kg = cg.load()
    >>> len(kg) > 1000
    True
    """
    if mappings is not None or assessments is not None:
        kg = load(
            source,
            format=format,
            validate=validate,
            store=store,
            max_bytes=max_bytes,
            contexts=contexts,
            location=location,
            mapping=mapping,
        )
        for table in _paths(mappings):
            kg.add_mappings(table)
        for table in _paths(assessments):
            kg.add_assessments(table)
        return kg
    if location is not None:
        if store not in (None, "oxigraph"):
            raise UnsupportedFormatError(
                f"location= keeps an Oxigraph store on disk; store={store!r} cannot be kept "
                "(leave store out, or pass store='oxigraph')."
            )
        return _load_kept(
            source,
            Path(location),
            format=format,
            max_bytes=max_bytes,
            contexts=contexts,
            validate=validate,
        )
    store = store or "memory"
    if isinstance(source, list | tuple):
        if not source:
            raise StudyNotFoundError(Path("(an empty list of studies)"))
        from .progress import bar

        graphs = []
        with bar(len(source), "loading studies", "study") as shown:
            for item in source:
                graphs.append(
                    load(
                        item,
                        format=format,
                        validate=validate,
                        store=store,
                        max_bytes=max_bytes,
                        contexts=contexts,
                        mapping=mapping,
                    )
                )
                shown.update()
        return graphs[0].merge(*graphs[1:])
    path = Path(source) if source is not None else study_path()
    from .authoring import is_template

    if format is None and is_template(path):
        from .authoring import read_template

        graph = read_template(path, mapping=mapping)
        if store != "memory":
            graph = _copy(graph, new_graph(store))
        return CimoGraph(graph, source=path)
    graph = read_graph(path, format, store, max_bytes=max_bytes, contexts=contexts)
    kg = CimoGraph(graph, source=path)
    if validate:
        report = kg.validate()
        if not report:
            raise StudyValidationError(report, str(path))
    return kg


def _load_kept(
    source: Path | str | list[Path | str] | None,
    location: Path,
    *,
    format: str | None,
    max_bytes: int,
    contexts: Mapping[str, Any] | None,
    validate: bool,
) -> CimoGraph:
    """``load(..., location=...)``: the sources in the Oxigraph store kept at ``location``
    (see :mod:`cimo_graph.keep`)."""
    from .authoring import is_template, read_template
    from .keep import kept_graph

    items = list(source) if isinstance(source, list | tuple) else [source]
    if not items:
        raise StudyNotFoundError(Path("(an empty list of studies)"))
    paths = [Path(item) if item is not None else study_path() for item in items]
    for path in paths:
        if not path.exists():
            read_graph(path, format)  # raises StudyNotFoundError naming similar files

    def build(graph: Graph) -> None:
        from .progress import bar

        with bar(len(paths), "keeping studies", "study") as shown:
            for path in paths:
                if format is None and is_template(path):
                    _copy(read_template(path), graph)
                else:
                    read_graph(
                        path, format, "oxigraph", max_bytes=max_bytes, contexts=contexts, into=graph
                    )
                shown.update()

    graph, _ = kept_graph(paths, location, build)
    kg = CimoGraph(graph, source=paths[0] if len(paths) == 1 else None)
    kg.location = location
    if validate:
        report = kg.validate()
        if not report:
            raise StudyValidationError(report, ", ".join(map(str, paths)))
    return kg


def _copy(source: Graph, target: Graph) -> Graph:
    target += source
    for prefix, namespace in source.namespaces():
        target.bind(prefix, namespace, override=False)
    return target


#: Terms bound in one VALUES block.
_BATCH = 500


def _batched(text: str, variable: str, terms: list[Node]) -> Iterator[str]:
    """``text`` with ``variable`` bound to ``terms``, a VALUES block of at most _BATCH
    terms each."""
    for start in range(0, len(terms), _BATCH):
        yield with_values(text, [variable], [[term] for term in terms[start : start + _BATCH]])


#: Queries that for more than one batch of terms run once over everything instead.
_SCANNED = {"theme-routes"}


def _oxigraph_store() -> type:
    """oxrdflib's store class, imported only when the oxrdflib module already is."""
    import sys

    module = sys.modules.get("oxrdflib.store")
    return module.OxigraphStore if module is not None else type(None)


def _counting_oxigraph() -> type:
    from .sources import _counting

    return _counting(_oxigraph_store())


def _evaluation_error(error: Exception) -> CimoGraphError:
    """rdflib's engine's failure to answer a query, in words a user can act on."""
    message = str(error)
    if "requiring a dataset" in message:
        message = (
            "the query asks for named graphs (GRAPH, FROM NAMED), and this graph in memory "
            "has none: leave GRAPH out"
        )
    return CimoGraphError(f"the query could not be answered: {message}")
