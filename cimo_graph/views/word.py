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
    graph: Any,
    path: Path | str,
    *,
    lang: str = "en",
    max_nodes: int | None = None,
    limit: int | None = 50,
) -> Path:
    """Write the report of ``graph`` to ``path`` as a Word document, whole or not at all."""
    from docx import Document
    from docx.shared import Cm

    from .. import __version__
    from .report import gather

    content = gather(
        graph, lang=lang, max_nodes=max_nodes, picture=_png, interactive=False, limit=limit
    )
    said = content["words"]
    document = Document()
    document.core_properties.title = content["title"]
    document.core_properties.comments = said["made_by"].format(version=__version__)
    width = Cm(16)
    document.add_heading(content["title"], level=0)

    document.add_heading(said["studies"], level=1)
    for study in content["studies"]:
        document.add_heading(study["title"], level=2)
        _facts(document, study["facts"])
    document.add_paragraph(content["validation"]["text"])

    document.add_heading(said["propositions"], level=1)
    if content["left_out"]["figures"]:
        document.add_paragraph(content["left_out"]["figures"])
    for item in content["propositions"]:
        element = item["element"]
        document.add_heading(f"{element.id} {element.label(lang)}", level=2)
        for tag, sentence in item["sentences"]:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{tag.upper()} ").bold = True
            paragraph.add_run(sentence)
        if item["svg"] is not None:
            document.add_picture(io.BytesIO(item["svg"]), width=width)
        assessed = item["confidence"]
        if assessed:
            document.add_heading(f"GRADE-CERQual: {assessed['level']}", level=3)
            document.add_paragraph(assessed["explanation"])
            rows = [(said["finding"], assessed["statement"])] if assessed["statement"] else []
            rows += [
                (name, f"{level}: {explanation}" if explanation else level)
                for name, level, explanation in assessed["components"]
            ]
            rows += [
                (said["assessment"], assessed["assessed"]),
                (content["table_words"]["data"], assessed["data"]),
            ]
            _facts(document, rows)
    if not content["propositions"]:
        document.add_paragraph(said["no_propositions"])

    document.add_heading(said["network"], level=1)
    if content["network_picture"]:
        document.add_picture(io.BytesIO(content["network_picture"]), width=width)
    else:
        document.add_paragraph(
            content["network_note"]
            or "The network is larger than one figure holds: draw a "
            "focus of it (kg.network_figure(focus))."
        )

    document.add_heading(said["elements"], level=1)
    for element in content["elements"]:
        _element(document, element, lang, content)

    document.add_heading(said["themes"], level=1)
    if content["left_out"]["themes"]:
        document.add_paragraph(content["left_out"]["themes"])
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


def _element(document: Any, element: Any, lang: str, content: dict[str, Any]) -> None:
    """One element as the HTML report shows it: its id and kind, labels, synonyms, source
    texts (as quotations), realist facts, place, source, quotes, notes, themes, links."""
    study = f" · {element.study}" if element.study else ""
    said = content["words"]
    document.add_heading(f"{element.id} — {element.kind_label}{study}", level=2)
    for tag, text in element.labels:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{(tag or '—').upper()} ").bold = True
        paragraph.add_run(text)
    if element.synonyms:
        document.add_paragraph(
            f"{said['also']}: " + "; ".join(text for _, text in element.synonyms)
        )
    for _, text in element.source_texts:
        document.add_paragraph(text, style="Quote")
    rows = list(element.facts)
    if element.locations:
        rows.append((said["location"], "; ".join(element.locations)))
    if element.sources:
        rows.append((said["source"], "; ".join(element.sources)))
    rows += [(said["quote"], text) for text in element.quotes]
    rows += [(said["note"], text) for _, text in element.notes]
    if element.themes:
        rows.append((said["themes"], ", ".join(t.label(lang) for t in element.themes)))
    rows += [(f"{relation} →", f"{t.id} {t.label(lang)}") for relation, t in element.out]
    linked_from = content["page_words"]["links_in"]
    rows += [
        (f"{linked_from} ({relation})", f"{s.id} {s.label(lang)}") for relation, s in element.into
    ]
    rows.append((said["iri"], element.iri))
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
