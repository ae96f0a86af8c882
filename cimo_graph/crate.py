"""A study's archive: an RO-Crate 1.1 (made with the ``rocrate`` library) for a deposit.

The crate holds the study in Turtle and JSON-LD, the ontology and shapes it was checked
with, the validation report, the evidence report (and the GRADE-CERQual tables where
findings are assessed), the propositions' figures, the study as a template, any source
documents given, a README, and ``ro-crate-metadata.json``
describing each file (format, description), the study's authors, licence and citation,
and the software and version that made it (a CreateAction) with its date. Nothing is
fetched: the crate is written from what the graph holds.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ._files import UniqueNames, inside, safe_stem, write_text
from ._resources import ontology_path, shapes_path
from .errors import CimoGraphError, LicenceWarning
from .labels import choose_label
from .namespace import BIBO, CIMO, FOAF

if TYPE_CHECKING:
    from .graph import CimoGraph

__all__ = ["package"]

#: What each file of the crate is: (encoding format, description).
FORMATS: Mapping[str, tuple[str, str]] = {
    ".ttl": ("text/turtle", "RDF in Turtle"),
    ".jsonld": ("application/ld+json", "RDF in JSON-LD"),
    ".html": ("text/html", "an HTML page"),
    ".svg": ("image/svg+xml", "a figure (SVG, text as text)"),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "a spreadsheet",
    ),
    ".txt": ("text/plain", "plain text"),
    ".md": ("text/markdown", "Markdown"),
    ".pdf": ("application/pdf", "a PDF document"),
}


def package(
    kg: CimoGraph,
    out: Path | str,
    *,
    zip: bool = False,
    sources: Iterable[Path | str] = (),
    lang: str = "en",
    licence: str | None = None,
) -> Path:
    """Write ``kg`` as an RO-Crate into the folder ``out`` (or, with ``zip``, the file
    ``out``, a ``.zip``); return the path. ``sources`` are source documents to include
    (their licence is the researcher's to check: the crate records the study's).
    ``licence`` (an SPDX id such as ``CC-BY-4.0``, or a licence's URL) is the dataset's
    licence, before the one the study states; with neither, a :class:`LicenceWarning`
    says that repositories ask for one.

    Raises :class:`~cimo_graph.CimoGraphError` where ``out`` exists and is not an empty
    folder, or a source document is missing; nothing is left half-written.
    """
    from rocrate.rocrate import ROCrate

    from . import __version__

    target = Path(out)
    if target.exists() and (zip or not target.is_dir() or any(target.iterdir())):
        raise CimoGraphError(f"{target}: exists; the crate goes into a new or empty folder")
    documents = [Path(s) for s in sources]
    for source in documents:
        if not source.is_file():
            raise CimoGraphError(f"{source}: no such source document")
    chosen = licence_url(licence) if licence is not None else None
    report = kg.validate()
    with tempfile.TemporaryDirectory(prefix="cimo-crate-") as folder:
        staged = Path(folder) / "files"
        files = _write_files(kg, staged, report, documents, lang)
        facts = _study_facts(kg)
        crate = ROCrate(version="1.1")
        crate.name = facts["title"] or "A CIMO study"
        crate.description = (
            f"{facts['title']}: a qualitative study analysed with CIMO logic (Context, "
            "Intervention, Mechanism, Outcome), as an RDF knowledge graph made with "
            f"cimo-graph {__version__}, with its evidence report, figures and template."
        )
        crate.root_dataset["datePublished"] = datetime.date.today().isoformat()
        if chosen or facts["licence"]:
            # a contextual entity, as RO-Crate 1.1 asks of a licence, named by its SPDX id
            url = chosen or facts["licence"]
            crate.root_dataset["license"] = crate.add_jsonld(
                {"@id": url, "@type": "CreativeWork", "name": _licence_name(url)}
            )
        else:
            warnings.warn(
                f"{crate.name}: states no licence, and repositories ask for one; the crate "
                "is written without. Give licence='CC-BY-4.0' (--licence on the command "
                "line) or state it in the study (encoding_licence in the template, "
                "dcterms:license in RDF)",
                LicenceWarning,
                stacklevel=3,
            )
        if facts["citation"]:
            crate.root_dataset["citation"] = facts["citation"]
        if facts["keywords"]:
            crate.root_dataset["keywords"] = facts["keywords"]
        # the dataset's creators: who encoded the study, where the study says; else the
        # article's authors (or institutions), as before
        creators = facts["encoders"] or [(None, kind, name) for kind, name in facts["authors"]]
        authors = [
            crate.add_jsonld({"@id": iri or f"#author-{i}", "@type": kind, "name": name})
            for i, (iri, kind, name) in enumerate(creators, start=1)
        ]
        if authors:
            crate.root_dataset["author"] = authors
        entities = []
        for relative, description in files:
            encoding, _ = FORMATS.get(relative.suffix, ("application/octet-stream", ""))
            entities.append(
                crate.add_file(
                    staged / relative,
                    relative.as_posix(),
                    properties={
                        "name": relative.name,
                        "description": description,
                        "encodingFormat": encoding,
                    },
                )
            )
        software = crate.add_jsonld(
            {
                "@id": "https://w3id.org/cimo-graph",
                "@type": "SoftwareApplication",
                "name": "cimo-graph",
                "version": __version__,
                "url": "https://w3id.org/cimo-graph",
            }
        )
        crate.add_jsonld(
            {
                "@id": "#made-by-cimo-graph",
                "@type": "CreateAction",
                "name": f"Made with cimo-graph {__version__}",
                "instrument": {"@id": software.id},
                "endTime": datetime.datetime.now(datetime.timezone.utc).isoformat(
                    timespec="seconds"
                ),
                "result": [{"@id": entity.id} for entity in entities],
            }
        )
        written = Path(folder) / "crate"
        if zip:
            made = Path(crate.write_zip(written))
            shutil.move(made, target)
        else:
            crate.write(written)
            if target.exists():
                target.rmdir()
            shutil.move(written, target)
    return target


def _write_files(
    kg: CimoGraph, folder: Path, report: Any, sources: list[Path], lang: str
) -> list[tuple[Path, str]]:
    """The crate's files, written into ``folder``: (path in the crate, description)."""
    import matplotlib.pyplot as plt

    from .progress import bar

    folder.mkdir(parents=True)
    files: list[tuple[Path, str]] = []

    def add(relative: str, description: str) -> Path:
        path = inside(folder, relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        files.append((Path(relative), description))
        return path

    kg.serialize(add("study.ttl", "The study as an RDF graph (Turtle)."), format="turtle")
    kg.serialize(add("study.jsonld", "The study as an RDF graph (JSON-LD)."), format="json-ld")
    shutil.copy(ontology_path(), add("ontology/cimo.ttl", "The cimo-graph OWL ontology."))
    shutil.copy(
        shapes_path(), add("ontology/shapes.ttl", "The SHACL shapes the study was checked with.")
    )
    report.results.serialize(
        add("validation/report.ttl", "The SHACL validation report (Turtle)."), format="turtle"
    )
    write_text(
        add("validation/report.txt", "The SHACL validation report, as text."), str(report) + "\n"
    )
    kg.report(add("report.html", "The evidence report: one self-contained HTML page."), lang=lang)
    if (kg.confidence(lang=lang)["assessment"] != "").any():
        for suffix, what in (("html", "one page that prints"), ("xlsx", "a sheet each")):
            kg.summary_of_findings(
                add(
                    f"confidence/summary-of-findings.{suffix}",
                    "The GRADE-CERQual Summary of Qualitative Findings and its Evidence "
                    f"Profile ({what}).",
                ),
                lang=lang,
            )
    # file names come from the study's ids: made safe, and different from each other
    figure_names, source_names = UniqueNames(), UniqueNames()
    figure_names("pillars", ".svg")
    rows = kg.propositions(lang=lang).to_dict("records")
    with bar(len(rows), "drawing the propositions", "figure") as shown:
        for row in rows:
            figure = kg.figure(URIRef(row["iri"]), lang=lang)
            name = figure_names(row["id"], ".svg", fallback="proposition")
            try:
                figure.savefig(add(f"figures/{name}.svg", f"Figure: {row['label']}."))
            finally:
                plt.close(figure)
            shown.update()
    if not kg.pillars(lang=lang).empty:
        figure = kg.figure(pillars=True, lang=lang)
        try:
            figure.savefig(add("figures/pillars.svg", "Figure: the pillars, aims and means."))
        finally:
            plt.close(figure)
    kg.export_template(
        add("template.xlsx", "The study as a cimo-graph template (spreadsheet), to edit.")
    )
    for source in sources:
        suffix = safe_stem(source.suffix.lstrip("."), "")
        suffix = f".{suffix}" if suffix else ""
        stem = source_names(source.stem, suffix, fallback="source")
        shutil.copy(source, add(f"sources/{stem}{suffix}", "A source document of the study."))
    write_text(add("README.md", "What this archive holds."), _readme(files))
    return files


def _readme(files: list[tuple[Path, str]]) -> str:
    lines = [
        "# A CIMO study, archived by cimo-graph",
        "",
        "An RO-Crate 1.1: `ro-crate-metadata.json` describes every file. Open",
        "`report.html` in a browser (nothing is fetched), or load the study in Python:",
        "",
        "```python",
        "import cimo_graph as cg",
        'kg = cg.load("study.ttl")',
        "```",
        "",
        "| File | What it is |",
        "|---|---|",
    ]
    lines += [f"| `{path.as_posix()}` | {_cell(description)} |" for path, description in files]
    lines.append("| `README.md` | What this archive holds. |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """``text`` as the plain text of one Markdown table cell: on one line, with every
    character Markdown or HTML would read as markup escaped (a label is text, never
    markup, a link or a new row)."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|~])", r"\\\1", text)


#: Licences datasets are deposited under, by SPDX id (https://spdx.org/licenses/).
LICENCES = (
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
    "CC0-1.0",
    "ODbL-1.0",
    "ODC-By-1.0",
    "PDDL-1.0",
    "MIT",
    "Apache-2.0",
)


def licence_url(given: str) -> str:
    """The URL of the licence ``given``: an SPDX id of :data:`LICENCES` (any case) as its
    spdx.org page, or a licence's own http(s) URL as given.

    >>> licence_url("cc-by-4.0")
    'https://spdx.org/licenses/CC-BY-4.0'
    """
    text = given.strip()
    if re.fullmatch(r"https?://[^\s<>\"]+", text):
        return text
    known = {name.lower(): name for name in LICENCES}
    if text.lower() in known:
        return f"https://spdx.org/licenses/{known[text.lower()]}"
    import difflib

    close = difflib.get_close_matches(text, LICENCES, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise CimoGraphError(
        f"licence {given!r}: give an SPDX id ({', '.join(LICENCES[:7])}, ...) or the "
        f"licence's URL.{hint}"
    )


def _licence_name(url: str) -> str:
    """A licence's name: its SPDX id where ``url`` is an spdx.org page, else the URL."""
    prefix = "https://spdx.org/licenses/"
    return url[len(prefix) :] if url.startswith(prefix) else url


def _study_facts(kg: CimoGraph) -> dict[str, Any]:
    """Title, authors (in order), encoders, licence (the encoding's before the study's),
    citation and keywords of the graph's studies."""
    graph = kg.graph
    studies = sorted(graph.subjects(RDF.type, CIMO.Study), key=str)
    titles, authors, licences, encoders = [], [], [], []
    for study in studies:
        for person in sorted(graph.objects(study, CIMO.encodedBy), key=lambda p: _name(graph, p)):
            orcid = str(person) if str(person).startswith("https://orcid.org/") else None
            encoders.append((orcid, "Person", _name(graph, person)))
        licences += [str(v) for v in graph.objects(study, CIMO.encodingLicence)]
        titles.append(_pick(graph.objects(study, DCTERMS.title)))
        people = [
            ("Person", _name(graph, p)) for p in _list(graph, graph.value(study, BIBO.authorList))
        ]
        # a study without named authors is its institutions' (the bundled one: HU's)
        authors += people or [
            ("Organization", _pick(graph.objects(i, RDFS.label)))
            for i in graph.objects(study, CIMO.institution)
        ]
        licences += [str(v) for v in graph.objects(study, DCTERMS.license)]
    citations = []
    for study in studies:
        # a study without a citable title is archived all the same
        with contextlib.suppress(CimoGraphError):
            citations.append(kg.cite(str(study)))
    keywords = sorted(
        {_pick(graph.objects(theme, SKOS.prefLabel)) for theme in graph.objects(None, CIMO.theme)}
        - {""}
    )
    return {
        "title": " · ".join(t for t in titles if t),
        "authors": list(dict.fromkeys(a for a in authors if a[1])),
        "encoders": list(dict.fromkeys(e for e in encoders if e[2])),
        "licence": licences[0] if licences else "",
        "citation": "\n".join(citations),
        "keywords": keywords,
    }


def _pick(values: Iterable[Any]) -> str:
    """The English value, else the one :func:`~cimo_graph.labels.choose_label` prefers."""
    chosen = choose_label(values, "en")
    return str(chosen) if chosen is not None else ""


def _list(graph: Any, head: Any) -> list[Any]:
    """The members of the RDF list at ``head`` (none where there is no list)."""
    return list(Collection(graph, head)) if head is not None else []


def _name(graph: Any, person: Any) -> str:
    name = graph.value(person, FOAF.name)
    if name is not None:
        return str(name)
    family, given = graph.value(person, FOAF.familyName), graph.value(person, FOAF.givenName)
    return ", ".join(str(p) for p in (family, given) if p is not None)
