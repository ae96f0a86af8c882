"""The evidence report as a Word document (``.docx``, written with python-docx), for
supervisors and journals that ask for one: the same sections, tables and figures as the
HTML report (:mod:`cimo_graph.views.report`), the figures as pictures, the network as
its static picture."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from .._files import atomic_path

__all__ = ["write_word_report"]

#: The resolution of the figures in the document (dots per inch).
DPI = 200


def _png(figure: Any) -> bytes:
    """A matplotlib figure as PNG bytes; the figure closed."""
    import matplotlib.pyplot as plt

    try:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    finally:
        plt.close(figure)
    return buffer.getvalue()


def write_word_report(
    graph: Any, path: Path | str, *, lang: str = "en", max_nodes: int | None = None
) -> Path:
    """Write the report of ``graph`` to ``path`` as a Word document, whole or not at all."""
    from docx import Document
    from docx.shared import Cm

    from .. import __version__
    from .report import gather

    content = gather(graph, lang=lang, max_nodes=max_nodes, picture=_png, interactive=False)
    document = Document()
    document.core_properties.title = content["title"]
    document.core_properties.comments = f"Made by cimo-graph {__version__}."
    width = Cm(16)
    document.add_heading(content["title"], level=0)

    document.add_heading("Studies", level=1)
    for study in content["studies"]:
        document.add_heading(study["title"], level=2)
        _facts(document, _study_facts(study))
    document.add_paragraph(_validation(content["validation"]))

    document.add_heading("Design propositions", level=1)
    for item in content["propositions"]:
        element = item["element"]
        document.add_heading(f"{element.id} {element.label(lang)}", level=2)
        for tag, sentence in item["sentences"]:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{tag.upper()} ").bold = True
            paragraph.add_run(sentence)
        document.add_picture(io.BytesIO(item["svg"]), width=width)
        assessed = item["confidence"]
        if assessed:
            document.add_heading(f"GRADE-CERQual: {assessed['level']}", level=3)
            document.add_paragraph(assessed["explanation"])
            rows = [("Finding", assessed["statement"])] if assessed["statement"] else []
            rows += [
                (name, f"{level}: {explanation}" if explanation else level)
                for name, level, explanation in assessed["components"]
            ]
            rows += [("Assessment", assessed["assessed"]), ("Data in the graph", assessed["data"])]
            _facts(document, rows)
    if not content["propositions"]:
        document.add_paragraph("The graph holds no design proposition.")

    document.add_heading("Network", level=1)
    if content["network_picture"]:
        document.add_picture(io.BytesIO(content["network_picture"]), width=width)
    else:
        document.add_paragraph(
            content["network_note"]
            or "The network is larger than one figure holds: draw a "
            "focus of it (kg.network_figure(focus))."
        )

    document.add_heading("Elements", level=1)
    for element in content["elements"]:
        _element(document, element, lang)

    document.add_heading("Themes", level=1)
    for item in content["themes"]:
        theme = item["theme"]
        document.add_heading(f"{theme.label(lang)} ({theme.id})", level=2)
        for table in item["tables"]:
            if table["rows"]:
                document.add_paragraph(table["title"], style="Caption")
                _table(
                    document,
                    list(table["columns"]),
                    [
                        [row["element"].id if row["element"] else "", *(c for c, _ in row["cells"])]
                        for row in table["rows"]
                    ],
                )
    with atomic_path(path) as temporary:
        document.save(str(temporary))
    return Path(path)


def _study_facts(study: dict[str, Any]) -> list[tuple[str, str]]:
    """The facts the HTML report lists of a study, as (name, value) rows."""
    rows = [("Reference", study["reference"])] if study["reference"] else []
    rows += [("Method", text) for text in study["method"]]
    for name, key, joiner in (
        ("Institutions", "institutions", "; "),
        ("Languages", "languages", ", "),
        ("Source", "sources", "; "),
        ("Licence", "licence", "; "),
        ("Encoded by", "encoders", "; "),
        ("Licence of the encoding", "encoding_licence", "; "),
    ):
        if study[key]:
            rows.append((name, joiner.join(study[key])))
    rows.append(("Elements", ", ".join(f"{count} {name}" for name, count in study["counts"])))
    rows.append(("IRI", study["iri"]))
    return rows


def _validation(validation: dict[str, Any]) -> str:
    if not validation["checked"]:
        return "Validation: not checked here (a remote graph: validate it where it was built)."
    if validation["conforms"]:
        more = f" ({validation['results']} warning(s) or note(s))" if validation["results"] else ""
        return f"Validation: the graph conforms to the cimo-graph shapes{more}."
    return (
        "Validation: the graph does not conform to the cimo-graph shapes: "
        f"{validation['violations']} violation(s)."
    )


def _element(document: Any, element: Any, lang: str) -> None:
    """One element as the HTML report shows it: its id and kind, labels, synonyms, source
    texts (as quotations), realist facts, place, source, quotes, notes, themes, links."""
    study = f" · {element.study}" if element.study else ""
    document.add_heading(f"{element.id} — {element.kind}{study}", level=2)
    for tag, text in element.labels:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{(tag or '—').upper()} ").bold = True
        paragraph.add_run(text)
    if element.synonyms:
        document.add_paragraph("Also: " + "; ".join(text for _, text in element.synonyms))
    for _, text in element.source_texts:
        document.add_paragraph(text, style="Quote")
    rows = list(element.facts)
    if element.locations:
        rows.append(("Location", "; ".join(element.locations)))
    if element.sources:
        rows.append(("Source", "; ".join(element.sources)))
    rows += [("Quote", text) for text in element.quotes]
    rows += [("Note", text) for _, text in element.notes]
    if element.themes:
        rows.append(("Themes", ", ".join(t.label(lang) for t in element.themes)))
    rows += [(f"{relation} →", f"{t.id} {t.label(lang)}") for relation, t in element.out]
    rows += [(f"← {relation} of", f"{s.id} {s.label(lang)}") for relation, s in element.into]
    rows.append(("IRI", element.iri))
    _facts(document, rows)


def _facts(document: Any, rows: list[tuple[str, str]]) -> None:
    """A two-column table of names and values."""
    if rows:
        _table(document, None, [list(row) for row in rows])


def _table(document: Any, columns: list[str] | None, rows: list[list[str]]) -> None:
    """A table with a heading row (``columns``, where given) and ``rows``, each cell as
    text."""
    table = document.add_table(rows=0, cols=len(columns or rows[0]))
    table.style = "Table Grid"
    if columns:
        cells = table.add_row().cells
        for cell, name in zip(cells, columns, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(name)).bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = "" if value is None else str(value)
