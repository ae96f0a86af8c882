"""Reading a REFI-QDA project (``.qdpx``: a zip of ``project.qde`` and its sources; or a
bare ``project.qde``) into plain Python objects, refusing hostile archives.

The reader follows the REFI-QDA Project schema (``urn:QDA-XML:project:1.0``) and the
ways real exports differ from it: the sources folder written ``sources/`` (MAXQDA) as well
as ``Sources/``; ``internal://`` paths; text files in UTF-8 with or without a byte order
mark, or UTF-16 with one; a PDF's text as its ``Representation``. Offsets count Unicode
code points of a source's text, its byte order mark left out.

Nothing is unpacked to disk: members are read by name, after checking every member's
name (no ``..``, no absolute path) and the sizes the archive declares (zip bombs); the
XML is parsed with DTDs and entities refused (``defusedxml``).
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..tables import Problem, TemplateError, text_encoding

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = [
    "MAX_PROJECT_BYTES",
    "Code",
    "Document",
    "Project",
    "Selection",
    "read_project",
]

NS = "urn:QDA-XML:project:1.0"
_Q = f"{{{NS}}}"

#: The most bytes a project's files may unpack to (the sizes the archive declares).
MAX_PROJECT_BYTES = 512 * 2**20
#: The most files an archive may pack.
MAX_MEMBERS = 100_000
#: A member may not unpack to more than this many times its packed size (a zip bomb).
MAX_RATIO = 200
#: The deepest nesting of codes read (a CIMO codebook nests four deep).
MAX_CODE_DEPTH = 100


@dataclass
class Code:
    """A code of the codebook, with its place in the tree."""

    guid: str
    name: str
    description: str = ""
    memos: list[str] = field(default_factory=list)
    children: list[Code] = field(default_factory=list)
    parent: Code | None = None

    @property
    def path(self) -> str:
        """The names from the top of the tree down to this code: ``a / b / c``."""
        names = []
        code: Code | None = self
        while code is not None:
            names.append(code.name)
            code = code.parent
        return " / ".join(reversed(names))

    def walk(self) -> list[Code]:
        """This code and every code beneath it, in the tree's order."""
        found, stack = [], [self]
        while stack:
            code = stack.pop()
            found.append(code)
            stack.extend(reversed(code.children))
        return found


@dataclass
class Document:
    """A source of the project: its name, kind and (for text) its plain text."""

    guid: str
    name: str
    kind: str  # text, pdf, picture, audio, video
    text: str | None = None
    description: str = ""


@dataclass
class Selection:
    """A coded segment: where it is, what it says, and the codes applied to it."""

    guid: str
    document: Document
    codes: list[str]
    start: int | None = None
    end: int | None = None
    page: int | None = None
    text: str | None = None
    description: str = ""
    memos: list[str] = field(default_factory=list)
    user: str | None = None

    @property
    def place(self) -> str:
        """Where the segment stands, in words: ``interview.txt, characters 10-42``."""
        if self.page is not None:
            return f"{self.document.name}, page {self.page + 1}"
        return f"{self.document.name}, characters {self.start}-{self.end}"


@dataclass
class Project:
    """What a REFI-QDA project holds that a study can be built from."""

    file: str
    name: str = ""
    description: str = ""
    users: dict[str, str] = field(default_factory=dict)
    codes: list[Code] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    selections: list[Selection] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes_named: dict[str, str] = field(default_factory=dict)

    def all_codes(self) -> list[Code]:
        return [code for root in self.codes for code in root.walk()]


def _refuse(file: str, message: str) -> TemplateError:
    return TemplateError(file, [Problem(file, "", "", None, None, message)], what="the project")


class _Archive:
    """The members of a ``.qdpx`` file, checked before anything is read."""

    def __init__(self, path: Path) -> None:
        self.file = path.name
        try:
            self.zip = zipfile.ZipFile(path)
            members = self.zip.infolist()
        except (zipfile.BadZipFile, OSError) as error:
            raise _refuse(self.file, f"not a REFI-QDA project (.qdpx zip): {error}") from error
        if len(members) > MAX_MEMBERS:
            raise _refuse(self.file, f"refused: it packs {len(members):,} files")
        total = 0
        self.names: dict[str, zipfile.ZipInfo] = {}
        for member in members:
            name = member.filename.replace("\\", "/")
            parts = name.split("/")
            if name.startswith("/") or ".." in parts or ":" in parts[0]:
                raise _refuse(
                    self.file,
                    f"refused: the archive member {member.filename!r} points outside the project",
                )
            total += member.file_size
            if member.file_size > MAX_RATIO * max(member.compress_size, 1024):
                raise _refuse(
                    self.file,
                    f"refused: {member.filename!r} unpacks to {member.file_size:,} bytes "
                    f"from {member.compress_size:,} (a zip bomb)",
                )
            self.names[name.lower()] = member
        if total > MAX_PROJECT_BYTES:
            raise _refuse(
                self.file,
                f"refused: it unpacks to {total:,} bytes, more than a project may "
                f"({MAX_PROJECT_BYTES:,})",
            )

    def read(self, name: str) -> bytes | None:
        """The member called ``name`` (any case: ``sources/`` is ``Sources/``), or None."""
        member = self.names.get(posixpath.normpath(name.replace("\\", "/")).lower())
        if member is None:
            return None
        try:
            return self.zip.read(member)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise _refuse(self.file, f"the archive member {name!r} is damaged: {error}") from error


def _decode(data: bytes, file: str, what: str) -> str:
    """Text in UTF-8 (with or without a byte order mark) or UTF-16/32 with one."""
    encoding = text_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _refuse(
            file,
            f"{what} is not UTF-8 text (byte {error.start}): save it as UTF-8 in the "
            "coding software, or export the project again",
        ) from error


def _parse_xml(data: bytes, file: str, what: str) -> Element:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root: Element = fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        return root
    except DefusedXmlException as error:
        raise _refuse(
            file, f"refused: {what} declares a DTD or entities ({type(error).__name__})"
        ) from error
    except ParseError as error:
        line, column = error.position
        raise _refuse(
            file, f"{what} is not well-formed XML (line {line}, column {column})"
        ) from error


def read_project(path: Path) -> Project:
    """The project in ``path``: a ``.qdpx`` archive, or a bare ``.qde`` file whose
    sources carry their text inline or lie beside it in ``Sources/``."""
    path = Path(path)
    file = path.name
    if path.suffix.lower() == ".qdpx":
        opened = _Archive(path)
        archive: _Archive | None = opened
        data = opened.read("project.qde")
        if data is None:
            members = ", ".join(sorted(opened.names)[:5]) or "nothing"
            raise _refuse(file, f"the archive holds no project.qde (it holds {members})")
    else:
        archive = None
        data = path.read_bytes()
        if len(data) > MAX_PROJECT_BYTES:
            raise _refuse(file, f"refused: {len(data):,} bytes is more than a project may be")
    root = _parse_xml(data, file, "project.qde")
    if root.tag != f"{_Q}Project":
        raise _refuse(
            file,
            f"project.qde is not a REFI-QDA project: its root is {root.tag!r}, "
            f"not Project in the namespace {NS}",
        )
    return _Reader(file, archive, path.parent).project(root)


class _Reader:
    def __init__(self, file: str, archive: _Archive | None, folder: Path) -> None:
        self.file = file
        self.archive = archive
        self.folder = folder
        self.notes: dict[str, str] = {}

    def project(self, root: Element) -> Project:
        project = Project(self.file, root.get("name") or "", _text_of(root, "Description"))
        for user in root.iterfind(f"{_Q}Users/{_Q}User"):
            project.users[user.get("guid", "")] = user.get("name") or user.get("id") or ""
        for note in root.iterfind(f"{_Q}Notes/{_Q}Note"):
            text = self.plain_text(note, project, f"note {note.get('name')!r}")
            if text:
                self.notes[note.get("guid", "")] = text
                project.notes_named[note.get("name") or ""] = text
        codes = root.find(f"{_Q}CodeBook/{_Q}Codes")
        if codes is not None:
            project.codes = [self.code(element, None) for element in codes.iterfind(f"{_Q}Code")]
        for element in root.iterfind(f"{_Q}Sources/*"):
            self.source(element, project)
        return project

    def memos(self, element: Element) -> list[str]:
        return [
            self.notes[ref.get("targetGUID", "")]
            for ref in element.iterfind(f"{_Q}NoteRef")
            if ref.get("targetGUID", "") in self.notes
        ]

    def code(self, element: Element, parent: Code | None, depth: int = 1) -> Code:
        if depth > MAX_CODE_DEPTH:
            raise _refuse(
                self.file,
                f"its codes nest more than {MAX_CODE_DEPTH} deep (under "
                f"{parent.path[:200] if parent else ''!r}); no codebook needs that",
            )
        code = Code(
            element.get("guid", ""),
            (element.get("name") or "").strip(),
            _text_of(element, "Description"),
            self.memos(element),
            parent=parent,
        )
        code.children = [
            self.code(child, code, depth + 1) for child in element.iterfind(f"{_Q}Code")
        ]
        return code

    def plain_text(self, element: Element, project: Project, what: str) -> str | None:
        """The text of a TextSource (or a note, or a PDF's Representation)."""
        inline = element.find(f"{_Q}PlainTextContent")
        if inline is not None:
            return inline.text or ""
        target = element.get("plainTextPath")
        if not target:
            return None
        scheme, _, rest = target.partition("://")
        if scheme == "internal":
            name = rest.lstrip("/")
            data = None
            if self.archive is not None:
                data = self.archive.read(f"sources/{name}")
            else:
                candidate = self.folder / "Sources" / name
                if not candidate.exists():
                    candidate = self.folder / "sources" / name
                if _inside(self.folder, candidate) and candidate.is_file():
                    data = candidate.read_bytes()
            if data is None:
                project.skipped.append(f"{what}: its text file {target!r} is not in the project")
                return None
            return _decode(data, self.file, f"the text of {what} ({target})")
        project.skipped.append(
            f"{what}: its text lies outside the project ({target!r}); nothing is read from "
            "outside a project: export it with its sources embedded"
        )
        return None

    def source(self, element: Element, project: Project) -> None:
        kind = element.tag.removeprefix(_Q).removesuffix("Source").lower()
        name = element.get("name") or element.get("guid") or ""
        what = f"document {name!r}"
        document = Document(element.get("guid", ""), name, kind)
        document.description = _text_of(element, "Description")
        project.documents.append(document)
        if kind == "text":
            document.text = self.plain_text(element, project, what)
            self.text_selections(element, document, project)
        elif kind == "pdf":
            representation = element.find(f"{_Q}Representation")
            if representation is not None:
                document.text = self.plain_text(representation, project, what)
                self.text_selections(representation, document, project)
            for selection in element.iterfind(f"{_Q}PDFSelection"):
                self.add(selection, document, project, page=_int(selection.get("page")))
        else:
            selections = [
                s
                for tag in ("PictureSelection", "AudioSelection", "VideoSelection")
                for s in element.iterfind(f"{_Q}{tag}")
            ]
            for transcript in element.iterfind(f"{_Q}Transcript"):
                selections += list(transcript.iterfind(f"{_Q}TranscriptSelection"))
            coded = [s for s in selections if s.find(f"{_Q}Coding") is not None]
            if coded:
                project.skipped.append(
                    f"{what} is {kind}: its {len(coded)} coded segment(s) carry no text "
                    "and are left out (code its transcript as text instead)"
                )
        whole = [c for c in element.iterfind(f"{_Q}Coding")]
        if whole:
            project.skipped.append(
                f"{what}: {len(whole)} coding(s) of the whole document are left out "
                "(code the passages that are the evidence)"
            )

    def text_selections(self, element: Element, document: Document, project: Project) -> None:
        for selection in element.iterfind(f"{_Q}PlainTextSelection"):
            start, end = _int(selection.get("startPosition")), _int(selection.get("endPosition"))
            where = f"document {document.name!r}, segment {selection.get('startPosition')}-" + (
                f"{selection.get('endPosition')}"
            )
            if start is None or end is None or not 0 <= start <= end:
                project.skipped.append(f"{where}: its positions are not a range; left out")
                continue
            if document.text is None:
                text = None
            elif end > len(document.text):
                project.skipped.append(
                    f"{where}: it ends after the document's {len(document.text)} characters; "
                    "left out"
                )
                continue
            else:
                text = document.text[start:end]
            self.add(selection, document, project, start=start, end=end, text=text)

    def add(self, selection: Element, document: Document, project: Project, **where: Any) -> None:
        codings = list(selection.iterfind(f"{_Q}Coding"))
        codes = [
            ref.get("targetGUID", "")
            for coding in codings
            for ref in coding.iterfind(f"{_Q}CodeRef")
        ]
        if not codes:
            return
        user = selection.get("creatingUser") or next(
            (c.get("creatingUser") for c in codings if c.get("creatingUser")), None
        )
        memos = self.memos(selection) + [m for c in codings for m in self.memos(c)]
        project.selections.append(
            Selection(
                selection.get("guid", ""),
                document,
                codes,
                description=_text_of(selection, "Description"),
                memos=memos,
                user=user,
                **where,
            )
        )


def _text_of(element: Element, tag: str) -> str:
    child = element.find(f"{_Q}{tag}")
    return (child.text or "").strip() if child is not None else ""


def _inside(folder: Path, path: Path) -> bool:
    """Whether ``path``, its links followed, lies inside ``folder`` (its links followed)."""
    root = folder.resolve()
    return root in path.resolve().parents


def _int(value: str | None) -> int | None:
    """A position written in ASCII digits (``int`` would also take other scripts' digits,
    signs, spaces and underscores), or None."""
    if value is None or not (value.isascii() and value.isdigit()):
        return None
    return int(value)
