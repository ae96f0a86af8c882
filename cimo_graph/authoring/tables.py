"""Reading and writing the template's tables: a folder of CSV files, an XLSX workbook or
one YAML file, each cell with the place it came from (file, sheet, row or line)."""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CimoGraphError, OutputError
from .schema import SHEETS, sheet_named

__all__ = ["TEMPLATE_FORMATS", "Problem", "Row", "TemplateError", "read_tables", "write_tables"]

TEMPLATE_FORMATS = ("csv", "xlsx", "yaml")
_HELP_SHEET = "help"

#: The largest template file (a CSV or YAML file, an XLSX workbook and the files packed
#: in it, counted unpacked), in bytes. A study's template is a few hundred kilobytes.
MAX_TEMPLATE_BYTES = 64 * 2**20
#: The most cells read from one workbook.
MAX_CELLS = 1_000_000
#: The most YAML aliases (``*name``) a template may use.
MAX_YAML_ALIASES = 100
#: The YAML tags a cell may carry: plain values only, never objects of a language.
_YAML_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}
#: A spreadsheet program reads a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Problem:
    """One mistake in a template, with where it is."""

    file: str
    sheet: str
    where: str
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        place = f"{self.file}, sheet '{self.sheet}'" if self.sheet else self.file
        if self.where:
            place += f", {self.where}"
        if self.column:
            place += f", column '{self.column}'"
        value = f" {self.value!r}:" if self.value not in (None, "") else ""
        return f"{place}:{value} {self.message}"


class TemplateError(CimoGraphError, ValueError):
    """Raised when a template has mistakes; ``problems`` lists them all, each with file,
    sheet, row (or YAML line), column and value. Nothing is written."""

    def __init__(
        self, source: str, problems: list[Problem], *, what: str = "the study template"
    ) -> None:
        self.source = source
        self.problems = problems
        lines = [f"{source}: {len(problems)} problem(s) in {what}:"]
        lines += [f"  {problem}" for problem in problems]
        super().__init__("\n".join(lines))


@dataclass
class Row:
    """One row of a sheet: its cells and where each came from."""

    file: str
    sheet: str
    where: str
    cells: dict[str, Any]
    places: dict[str, str] = field(default_factory=dict)

    def place(self, column: str | None) -> str:
        return self.places.get(column or "", self.where)

    def problem(self, column: str | None, value: Any, message: str) -> Problem:
        return Problem(
            self.file,
            self.sheet,
            self.place(column),
            column,
            None if value is None else str(value),
            message,
        )


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    text = str(value).strip()
    return text or None


def spreadsheet_text(value: str) -> str:
    """``value`` as a CSV cell that spreadsheet programs show as text, never run as a
    formula: a leading ``=``, ``+``, ``-``, ``@``, tab or return gets a ``'`` before it
    (as OWASP advises), and so does a leading ``'`` before one of those, so that
    :func:`from_spreadsheet_text` gives the value back exactly.

    >>> print(spreadsheet_text('=HYPERLINK("http://x")'))
    '=HYPERLINK("http://x")
    >>> from_spreadsheet_text(spreadsheet_text("'=x")), spreadsheet_text("'s-Hertogenbosch")
    ("'=x", "'s-Hertogenbosch")
    """
    if value.startswith(_FORMULA_START) or (
        value.startswith("'") and value[1:].startswith((*_FORMULA_START, "'"))
    ):
        return "'" + value
    return value


def from_spreadsheet_text(value: str) -> str:
    """The value of a CSV cell written by :func:`spreadsheet_text`."""
    if value.startswith("'") and value[1:].startswith((*_FORMULA_START, "'")):
        return value[1:]
    return value


def text_encoding(data: bytes) -> str:
    """The encoding of text in ``data``: UTF-8 (with or without a byte order mark), or
    UTF-16/32 with one."""
    import codecs

    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    return next((name for bom, name in boms if data.startswith(bom)), "utf-8")


def _text(path: Path) -> str:
    """The text of a CSV or YAML file: UTF-8 (with or without a byte order mark), or
    UTF-16/32 with one; anything else is refused with the line and byte."""
    size = path.stat().st_size
    if size > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            path.name,
            [
                Problem(
                    path.name,
                    "",
                    "",
                    None,
                    None,
                    f"the file is {size:,} bytes, more than "
                    f"a template may be ({MAX_TEMPLATE_BYTES:,})",
                )
            ],
        )
    data = path.read_bytes()
    encoding = text_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise TemplateError(
            path.name,
            [
                Problem(
                    path.name,
                    "",
                    f"line {line}",
                    None,
                    None,
                    f"byte 0x{data[error.start]:02x} is not {encoding.upper()} text; save "
                    "the file as UTF-8 (in Excel: 'CSV UTF-8'; in LibreOffice: character "
                    "set Unicode (UTF-8))",
                )
            ],
        ) from None


def read_tables(path: Path) -> tuple[dict[str, list[Row]], list[Problem]]:
    """The rows of every sheet in the template at ``path`` (folder, .xlsx, .yaml)."""
    if path.is_dir():
        return _read_csv_folder(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in (".yaml", ".yml"):
        return _read_yaml(path)
    raise CimoGraphError(f"{path}: not a study template (a folder of CSV files, .xlsx, .yaml)")


def _unknown_sheet(file: str, name: str) -> Problem:
    names = [s.name for s in SHEETS]
    close = difflib.get_close_matches(name, names, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else f" Sheets: {', '.join(names)}."
    return Problem(file, "", "", None, name, f"unknown sheet.{hint}")


def _read_csv_folder(folder: Path) -> tuple[dict[str, list[Row]], list[Problem]]:
    tables: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.csv")):
        name = path.stem
        if sheet_named(name) is None:
            problems.append(_unknown_sheet(path.name, name))
            continue
        text = _text(path)
        with io.StringIO(text, newline="") as stream:
            reader = csv.DictReader(stream, delimiter=_separator(text))
            rows = []
            try:
                records = list(reader)
            except csv.Error as error:  # a cell over the csv module's limit, a stray quote
                problems.append(
                    Problem(
                        path.name,
                        name,
                        f"after line {reader.line_num}",
                        None,
                        None,
                        f"the CSV cannot be read on: {error}",
                    )
                )
                continue
            for number, record in enumerate(records, start=2):
                cells = {
                    k.strip(): _cell(from_spreadsheet_text(v) if isinstance(v, str) else v)
                    for k, v in record.items()
                    if k and k.strip()
                }
                if any(v is not None for v in cells.values()):
                    rows.append(Row(path.name, name, f"row {number}", cells))
            tables[name] = rows
    if not tables and not problems:
        problems.append(
            Problem(
                str(folder),
                "",
                "",
                None,
                None,
                "no CSV files of the template (study.csv, ...) in this folder",
            )
        )
    return tables, problems


def _separator(text: str) -> str:
    """The separator of a CSV file's cells, from its header row: ``,``, or ``;`` as
    spreadsheet programs write CSV in Dutch, German and other locales, or a tab.

    >>> _separator("id;label_nl;label_en\\n"), _separator("id,label_en\\n")
    (';', ',')
    """
    header = text.split("\n", 1)[0]
    counts = {separator: header.count(separator) for separator in (",", ";", "\t")}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def _check_workbook(path: Path) -> None:
    """Refuse a workbook whose packed files unpack to more than the limit (a zip bomb),
    from the sizes the zip declares, before anything is unpacked."""
    import zipfile

    problem = None
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise CimoGraphError(f"{path}: not a readable XLSX workbook ({error})") from error
    unpacked = sum(member.file_size for member in members)
    if len(members) > 10_000:
        problem = f"it packs {len(members):,} files"
    elif unpacked > MAX_TEMPLATE_BYTES:
        problem = f"it unpacks to {unpacked:,} bytes, more than a template may be " + (
            f"({MAX_TEMPLATE_BYTES:,})"
        )
    if problem:
        raise TemplateError(
            path.name, [Problem(path.name, "", "", None, None, f"refused: {problem}")]
        )


def _read_xlsx(path: Path) -> tuple[dict[str, list[Row]], list[Problem]]:
    from openpyxl import load_workbook

    _check_workbook(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise CimoGraphError(f"{path}: not a readable XLSX workbook ({error})") from error
    tables: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    cells_read = 0
    for worksheet in workbook.worksheets:
        name = worksheet.title
        if name == _HELP_SHEET:
            continue
        if sheet_named(name) is None:
            problems.append(_unknown_sheet(path.name, name))
            continue
        rows = []
        values: list[tuple[Any, ...]] = []
        for record in worksheet.iter_rows(values_only=True):
            # an empty row costs as much as a cell: a cell far down gives a billion rows
            cells_read += max(len(record), 1)
            if cells_read > MAX_CELLS:
                workbook.close()
                raise TemplateError(
                    path.name,
                    [
                        Problem(
                            path.name,
                            name,
                            f"row {len(values) + 1}",
                            None,
                            None,
                            f"refused: the workbook holds more than {MAX_CELLS:,} cells",
                        )
                    ],
                )
            values.append(record)
        if not values:
            tables[name] = []
            continue
        header = [str(h).strip() if h is not None else "" for h in values[0]]
        for number, record in enumerate(values[1:], start=2):
            cells = {h: _cell(v) for h, v in zip(header, record, strict=False) if h}
            if any(v is not None for v in cells.values()):
                rows.append(Row(path.name, name, f"row {number}", cells))
        tables[name] = rows
    workbook.close()
    return tables, problems


def _yaml_loader() -> type:
    """PyYAML's safe loader, counting aliases: a few bytes of nested aliases would
    otherwise stand for gigabytes ("billion laughs")."""
    import yaml

    class Loader(yaml.SafeLoader):
        aliases = 0
        expanded = 0

        def __init__(self, stream: Any) -> None:
            super().__init__(stream)
            self.sizes: dict[int, int] = {}

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs
                problem = None
                if self.aliases > MAX_YAML_ALIASES:
                    problem = f"more than {MAX_YAML_ALIASES} aliases (*name)"
                elif event.anchor in self.anchors:
                    # what the alias stands for is read again in full wherever it is used
                    self.expanded += _node_size(self.anchors[event.anchor], self.sizes)
                    if self.expanded > MAX_TEMPLATE_BYTES:
                        problem = (
                            f"the aliases (*name) stand for more than {MAX_TEMPLATE_BYTES:,} "
                            "characters"
                        )
                if problem:
                    raise yaml.composer.ComposerError(
                        None, None, f"{problem}; write the values out", event.start_mark
                    )
            return super().compose_node(parent, index)

    return Loader


def _node_size(node: Any, sizes: dict[int, int]) -> int:
    """The characters of the values under a YAML node, each node counted as often as it
    stands in the tree (as an alias's values are read again wherever it is used);
    ``sizes`` keeps the nodes already counted (and ends a node that holds itself)."""
    if id(node) not in sizes:
        sizes[id(node)] = 0
        if isinstance(node.value, str):
            sizes[id(node)] = len(node.value) + 1
        else:
            items = [
                part
                for item in node.value
                for part in (item if isinstance(item, tuple) else (item,))
            ]
            sizes[id(node)] = sum(_node_size(item, sizes) for item in items)
    return sizes[id(node)]


def _read_yaml(path: Path) -> tuple[dict[str, list[Row]], list[Problem]]:
    return _read_yaml_text(_text(path), path.name)


def _compose_yaml(text: str, file: str) -> Any:
    """The YAML node tree of ``text`` (safe loader, aliases counted), or a TemplateError."""
    import yaml

    try:
        return yaml.compose(text, Loader=_yaml_loader())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise TemplateError(
            file, [Problem(file, "", where, None, None, f"not valid YAML: {error}")]
        ) from error


def _read_yaml_mapping(path: Path) -> dict[str, Any]:
    """A YAML file of plain values (a mapping file), read with the template's limits."""
    import yaml

    root = _compose_yaml(_text(path), path.name)
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise TemplateError(
            path.name, [Problem(path.name, "", "line 1", None, None, "must be a YAML mapping")]
        )

    def check(node: Any) -> None:
        if node.tag not in _YAML_TAGS:
            where = f"line {node.start_mark.line + 1}"
            raise TemplateError(
                path.name,
                [Problem(path.name, "", where, None, None, f"the tag {node.tag!r} is refused")],
            )
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                check(key)
                check(value)
        elif isinstance(node, yaml.SequenceNode):
            for value in node.value:
                check(value)

    check(root)
    document: dict[str, Any] = yaml.SafeLoader("").construct_document(root)
    return document


def _read_yaml_text(text: str, file: str) -> tuple[dict[str, list[Row]], list[Problem]]:
    """The template's rows in YAML ``text``; places name ``file``."""
    import yaml

    root = _compose_yaml(text, file)
    tables: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    if root is None or not isinstance(root, yaml.MappingNode):
        return tables, [
            Problem(file, "", "line 1", None, None, "the file must map sheet names to their rows")
        ]
    for key, value in root.value:
        name = key.value
        if sheet_named(name) is None:
            problems.append(_unknown_sheet(f"{file}, line {key.start_mark.line + 1}", name))
            continue
        if isinstance(value, yaml.ScalarNode):  # `sheet:` with nothing, or a bare value
            if value.value not in ("", "null", "~", "Null", "NULL"):
                problems.append(
                    Problem(
                        file,
                        name,
                        f"line {value.start_mark.line + 1}",
                        None,
                        value.value[:80],
                        "a sheet holds a row (a mapping) or a list of rows, not one value",
                    )
                )
            tables[name] = []
            continue
        items = [value] if isinstance(value, yaml.MappingNode) else list(value.value)
        rows = []
        for item in items:
            if not isinstance(item, yaml.MappingNode):
                problems.append(
                    Problem(
                        file,
                        name,
                        f"line {item.start_mark.line + 1}",
                        None,
                        None,
                        "each row must be a mapping of columns",
                    )
                )
                continue
            cells: dict[str, Any] = {}
            places: dict[str, str] = {}
            for cell_key, cell_value in item.value:
                column = str(cell_key.value)
                place = f"line {cell_key.start_mark.line + 1}"
                problem = _yaml_cell_problem(cell_value)
                if problem:
                    problems.append(Problem(file, name, place, column, None, problem))
                    continue
                cells[column] = _cell(yaml.SafeLoader("").construct_object(cell_value, deep=True))
                places[column] = place
            rows.append(Row(file, name, f"line {item.start_mark.line + 1}", cells, places))
        tables[name] = rows
    return tables, problems


def _yaml_cell_problem(node: Any) -> str | None:
    """Why a YAML cell is not a plain value or a list of plain values, if it is not."""
    import yaml

    values = node.value if isinstance(node, yaml.SequenceNode) else [node]
    for value in (node, *values):
        if value.tag not in _YAML_TAGS:
            return f"the tag {value.tag!r} is refused: a cell holds text, a number or a list"
        if value is not node and not isinstance(value, yaml.ScalarNode):
            return "a cell holds text, a number or a list of them, not a nested structure"
    if isinstance(node, yaml.MappingNode):
        return "a cell holds text, a number or a list of them, not a mapping"
    return None


def write_tables(
    tables: dict[str, list[dict[str, str]]],
    columns: dict[str, list[str]],
    path: Path,
    fmt: str,
    help_rows: Sequence[tuple[str, ...]] = (),
    dropdowns: dict[str, dict[str, str]] | None = None,
) -> None:
    """Write the tables as a CSV folder, an XLSX workbook or a YAML file (whole, or not).

    A cell holding a character no spreadsheet can hold (a control character, a lone
    surrogate: only a graph built in Python can hold one, loading refuses them) is
    refused, naming its sheet, row and column, before anything is written.
    """
    from .._files import atomic_path, write_text
    from ..guards import unwritable_character

    for name, rows in tables.items():
        for number, row in enumerate(rows, start=2):
            for column, value in row.items():
                found = unwritable_character(value) if isinstance(value, str) else None
                if found:
                    raise OutputError(
                        f"{path}: sheet '{name}', row {number}, column '{column}': the "
                        f"character {found} cannot be held by a spreadsheet or XML; "
                        "remove it from the graph"
                    )

    if fmt == "csv":
        path.mkdir(parents=True, exist_ok=True)
        for name, header in columns.items():
            stream = io.StringIO()
            writer = csv.DictWriter(stream, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            for row in tables.get(name, []):
                writer.writerow({k: spreadsheet_text(row.get(k, "") or "") for k in header})
            write_text(path / f"{name}.csv", stream.getvalue())
    elif fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        workbook = Workbook()
        workbook.remove(workbook.active)
        for name, header in columns.items():
            sheet = workbook.create_sheet(name)
            sheet.append(header)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in tables.get(name, []):
                sheet.append([row.get(k, "") or None for k in header])
                for cell in sheet[sheet.max_row]:
                    if cell.data_type == "f":  # text that looks like a formula stays text
                        cell.data_type = "s"
                        cell.quotePrefix = True
            sheet.freeze_panes = "A2"
            for column_name, formula in (dropdowns or {}).get(name, {}).items():
                if column_name not in header:
                    continue
                letter = get_column_letter(header.index(column_name) + 1)
                offer = DataValidation(
                    type="list", formula1=formula, allow_blank=True, showErrorMessage=False
                )
                offer.add(f"{letter}2:{letter}10000")
                sheet.add_data_validation(offer)
        if help_rows:
            sheet = workbook.create_sheet(_HELP_SHEET)
            sheet.append(["sheet", "column", "required", "holds", "links to", "meaning", "example"])
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for entry in help_rows:
                sheet.append(list(entry))
                if not entry[1]:  # a sheet's own row
                    for cell in sheet[sheet.max_row]:
                        cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
        with atomic_path(path) as temporary:
            workbook.save(temporary)
    elif fmt == "yaml":
        import yaml

        document: dict[str, Any] = {}
        for name, header in columns.items():
            rows = [{k: row[k] for k in header if row.get(k)} for row in tables.get(name, [])]
            if name == "study":
                document[name] = rows[0] if rows else {}
            else:
                document[name] = rows
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
        write_text(path, text)
    else:
        raise CimoGraphError(
            f"Unknown template format {fmt!r}; use one of {', '.join(TEMPLATE_FORMATS)}."
        )
