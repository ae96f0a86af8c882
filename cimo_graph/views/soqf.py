"""The tables a review publishes with GRADE-CERQual: the Summary of Qualitative Findings
(each finding, its overall confidence, the explanation, the contributing studies) and the
Evidence Profile behind it (each component's judgement and explanation), in the layout of
the CERQual papers (Lewin et al., Implementation Science 13, 2018), as an XLSX workbook or
one self-contained HTML page that prints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CimoGraphError
from ..locales import LANGUAGES, words

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SOQF_FORMATS",
    "TABLE_WORDS",
    "FindingsTables",
    "findings_tables",
    "table_words",
    "write_findings_tables",
]

#: What :func:`write_findings_tables` writes, by suffix.
SOQF_FORMATS = ("xlsx", "html")

#: The tables' own words (headings, counts, who assessed), by language the library has.
TABLE_WORDS = {lang: dict(words("table", lang)) for lang in LANGUAGES}
_COMPONENTS = ("methodological_limitations", "coherence", "adequacy", "relevance")


@dataclass
class FindingsTables:
    """The Summary of Qualitative Findings and the Evidence Profile, as rows of cells
    under their headings, in ``lang``."""

    summary_headings: list[str]
    summary: list[list[str]]
    profile_headings: list[str]
    profile: list[list[str]]
    lang: str
    words: Mapping[str, str]


def findings_tables(
    kg: Any, *, lang: str = "en", min_confidence: str | None = None
) -> FindingsTables:
    """The two tables of the findings ``kg`` holds a GRADE-CERQual assessment of (at
    ``min_confidence`` or higher), numbered in the order of :meth:`confidence`."""
    table: pd.DataFrame = kg.confidence(lang=lang, min_confidence=min_confidence)
    table = table[table["assessment"] != ""]
    if table.empty:
        raise CimoGraphError(
            "No finding has a GRADE-CERQual assessment"
            + (f" at {min_confidence!r} or higher" if min_confidence else "")
            + ": assess findings in the template's confidence sheet, or add a review's "
            "table with kg.add_assessments(path)."
        )
    words = table_words(lang)
    citations = _citations(kg, table, lang)
    summary, profile = [], []
    for number, (_, row) in enumerate(table.iterrows(), start=1):
        statement = row["statement"] or row["label"]
        studies = "\n".join(citations.get(s, s) for s in _split(row["studies"]))
        level = _capital(row["confidence"])
        summary.append([str(number), statement, level, row["confidence_explanation"], studies])
        judged = [
            f"{_capital(row[c])}: {row[f'{c}_explanation']}".rstrip(": ") if row[c] else ""
            for c in _COMPONENTS
        ]
        data = (
            f"{row['elements']} {words['elements']}, {row['passages']} {words['passages']}, "
            f"{row['quotes']} {words['quotes']}, {row['voices']} {words['voices']}"
            + (f" ({row['voiced_by']})" if row["voiced_by"] else "")
            + (f"; {row['related']}" if row["related"] else "")
        )
        assessed = words["assessed"].format(
            who=row["assessed_by"] or "?", when=row["assessed_on"] or "?"
        )
        profile.append(
            [
                str(number),
                f"{statement}\n({words['proposition']} {row['finding']}, {row['study']})",
                studies,
                *judged,
                f"{level}\n{assessed}",
                row["confidence_explanation"],
                data,
            ]
        )
    return FindingsTables(
        summary_headings=[
            words[k] for k in ("number", "finding", "confidence", "explanation", "studies")
        ],
        summary=summary,
        profile_headings=[
            words["number"],
            words["finding"],
            words["studies"],
            *(words[c] for c in _COMPONENTS),
            words["confidence"],
            words["explanation"],
            words["data"],
        ],
        profile=profile,
        lang=lang,
        words=words,
    )


def table_words(lang: str) -> Mapping[str, str]:
    """The tables' own words in ``lang`` (English for a language they lack)."""
    return words("table", lang)


def _capital(level: str) -> str:
    """A level as the CERQual tables write it: ``Moderate confidence``."""
    return level[:1].upper() + level[1:]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def _citations(kg: Any, table: pd.DataFrame, lang: str) -> dict[str, str]:
    """Each contributing study the graph holds, by its id, as its reference; another
    study's IRI stays as it is."""
    from ..errors import CimoGraphError as Unknown

    cited = {}
    for study in {s for cell in table["studies"] for s in _split(cell)}:
        if "://" in study:
            continue
        try:
            cited[study] = kg.cite(study, lang=lang)
        except Unknown:
            continue
    return cited


def write_findings_tables(tables: FindingsTables, path: Path | str) -> Path:
    """Write the two tables at ``path``: an ``.xlsx`` workbook (a sheet each) or one
    ``.html`` page (both tables; it prints). Written whole or not at all."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in SOQF_FORMATS:
        raise CimoGraphError(
            f"{path.name}: the summary of findings is written as "
            f"{' or '.join('.' + f for f in SOQF_FORMATS)}; give such a file name"
        )
    if fmt == "xlsx":
        _write_xlsx(tables, path)
    else:
        from .._files import write_text

        write_text(path, render_html(tables))
    return path


def _write_xlsx(tables: FindingsTables, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from .._files import atomic_path

    workbook = Workbook()
    workbook.remove(workbook.active)
    widths = {1: 5}
    for title, headings, rows in (
        ("Summary of findings", tables.summary_headings, tables.summary),
        ("Evidence profile", tables.profile_headings, tables.profile),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # text that looks like a formula stays text
                    cell.data_type = "s"
                    cell.quotePrefix = True
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for number in range(1, len(headings) + 1):
            sheet.column_dimensions[get_column_letter(number)].width = widths.get(number, 40)
        sheet.freeze_panes = "B2"
    with atomic_path(path) as temporary:
        workbook.save(temporary)


def render_html(tables: FindingsTables) -> str:
    """Both tables as one self-contained page: no script, nothing fetched, every text
    escaped; landscape A4 in print, the headings repeated on each page."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )
    return environment.get_template("findings.html.j2").render(tables=tables)
