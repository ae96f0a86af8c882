"""REFI-QDA projects written the way coding tools write them, for the tests and the
benchmark: ``project.qde`` with the tools' quirks (a ``sources/`` folder in lower case as
MAXQDA writes it, ``internal://`` paths, text files with a byte order mark, GUIDs in upper
case, memos as notes, PDF areas and audio segments with no text)."""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

NS = "urn:QDA-XML:project:1.0"
INTERVIEW = (
    "Interviewer: Hoe ervaar je de begeleiding?\r\n"
    "Student: De wekelijkse feedback van mijn schoolopleider helpt me enorm. "
    "Ik voel me veilig 😊 in de groep en durf vragen te stellen.\r\n"
    "Student: Door de intervisie leer ik van medestudenten."
)


def _guid() -> str:
    return str(uuid.uuid4()).upper()


@dataclass
class _Code:
    guid: str
    name: str
    description: str
    codable: bool
    memo: str | None
    children: list[_Code] = field(default_factory=list)


@dataclass
class _Text:
    guid: str
    name: str
    text: str
    bom: bool
    inline: bool
    segments: list[str] = field(default_factory=list)


class ToolProject:
    """A project being coded: codes, documents and coded segments, written as a tool would."""

    def __init__(self, name: str = "Interviews", description: str = "") -> None:
        self.name = name
        self.description = description
        self.users: dict[str, str] = {}
        self.roots: list[_Code] = []
        self.codes: dict[str, _Code] = {}
        self.texts: dict[str, _Text] = {}
        self.others: list[str] = []
        self.memos: list[str] = []  # the notes of segments' memos
        self.notes: list[str] = []

    def user(self, name: str) -> str:
        guid = _guid()
        self.users[guid] = name
        return guid

    def code(
        self,
        name: str,
        parent: str | None = None,
        *,
        description: str = "",
        codable: bool = True,
        memo: str | None = None,
    ) -> str:
        code = _Code(_guid(), name, description, codable, memo)
        (self.codes[parent].children if parent else self.roots).append(code)
        self.codes[code.guid] = code
        return code.guid

    def text(self, name: str, text: str, *, bom: bool = True, inline: bool = False) -> str:
        document = _Text(_guid(), name, text, bom, inline)
        self.texts[document.guid] = document
        return document.guid

    def note(self, guid: str, name: str, text: str, into: list[str] | None = None) -> None:
        (self.notes if into is None else into).append(
            f'<Note guid="{guid}" name={quoteattr(name)}>'
            f"<PlainTextContent>{escape(text)}</PlainTextContent></Note>"
        )

    def segment(
        self,
        document: str,
        start: int,
        end: int,
        *codes: str,
        user: str | None = None,
        memo: str | None = None,
    ) -> None:
        note = ""
        if memo:
            note_guid = _guid()
            self.note(note_guid, "memo", memo, self.memos)
            note = f'<NoteRef targetGUID="{note_guid}"/>'
        who = f' creatingUser="{user}"' if user else ""
        codings = "".join(
            f'<Coding guid="{_guid()}"{who}><CodeRef targetGUID="{code}"/></Coding>'
            for code in codes
        )
        self.texts[document].segments.append(
            f'<PlainTextSelection guid="{_guid()}" name="" startPosition="{start}" '
            f'endPosition="{end}"{who}>{codings}{note}</PlainTextSelection>'
        )

    def phrase(self, document: str, phrase: str, *codes: str, **options: str) -> tuple[int, int]:
        """Code the first place ``phrase`` stands in ``document``; its offsets."""
        start = self.texts[document].text.index(phrase)
        self.segment(document, start, start + len(phrase), *codes, **options)
        return start, start + len(phrase)

    def pdf_area(self, name: str, page: int, *codes: str) -> None:
        codings = "".join(
            f'<Coding guid="{_guid()}"><CodeRef targetGUID="{c}"/></Coding>' for c in codes
        )
        self.others.append(
            f'<PDFSource guid="{_guid()}" name={quoteattr(name)} path="internal://{_guid()}.pdf">'
            f'<PDFSelection guid="{_guid()}" page="{page}" firstX="10" firstY="10" '
            f'secondX="200" secondY="80">{codings}</PDFSelection></PDFSource>'
        )

    def audio(self, name: str, *codes: str) -> None:
        codings = "".join(
            f'<Coding guid="{_guid()}"><CodeRef targetGUID="{c}"/></Coding>' for c in codes
        )
        self.others.append(
            f'<AudioSource guid="{_guid()}" name={quoteattr(name)} path="relative:///a.m4a">'
            f'<AudioSelection guid="{_guid()}" begin="1000" end="5000">{codings}'
            "</AudioSelection></AudioSource>"
        )

    def _code_xml(self, code: _Code) -> str:
        inner = f"<Description>{escape(code.description)}</Description>" if code.description else ""
        if code.memo:
            note_guid = _guid()
            self.note(note_guid, f"memo on {code.name}", code.memo)
            inner += f'<NoteRef targetGUID="{note_guid}"/>'
        inner += "".join(self._code_xml(child) for child in code.children)
        codable = "true" if code.codable else "false"
        return f'<Code guid="{code.guid}" name={quoteattr(code.name)} isCodable="{codable}">{inner}</Code>'

    def qde(self, folder: str = "sources") -> tuple[str, dict[str, bytes]]:
        """The project's XML and the files of its sources folder."""
        files: dict[str, bytes] = {}
        self.notes = list(self.memos)
        codes = "".join(self._code_xml(code) for code in self.roots)
        sources = []
        for document in self.texts.values():
            if document.inline:
                # a line end kept as a character reference: XML would read CR LF as LF
                text = escape(document.text).replace("\r", "&#13;")
                body = f"<PlainTextContent>{text}</PlainTextContent>"
                path = ""
            else:
                data = document.text.encode("utf-8")
                files[f"{folder}/{document.guid}.txt"] = (
                    b"\xef\xbb\xbf" if document.bom else b""
                ) + data
                body = ""
                path = f' plainTextPath="internal://{document.guid}.txt"'
            sources.append(
                f'<TextSource guid="{document.guid}" name={quoteattr(document.name)}{path}>'
                f"{body}{''.join(document.segments)}</TextSource>"
            )
        sources += self.others
        users = "".join(
            f'<User guid="{guid}" name={quoteattr(name)}/>' for guid, name in self.users.items()
        )
        description = (
            f"<Description>{escape(self.description)}</Description>" if self.description else ""
        )
        xml = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<Project xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'name={quoteattr(self.name)} origin="MAXQDA 2022 (Release 22.7.0)">'
            + (f"<Users>{users}</Users>" if users else "")
            + f"<CodeBook><Codes>{codes}</Codes></CodeBook>"
            + (f"<Sources>{''.join(sources)}</Sources>" if sources else "")
            + (f"<Notes>{''.join(self.notes)}</Notes>" if self.notes else "")
            + description
            + "</Project>"
        )
        return xml, files

    def write(self, path: Path, *, folder: str = "sources", bom: bool = False) -> Path:
        xml, files = self.qde(folder)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", (b"\xef\xbb\xbf" if bom else b"") + xml.encode())
            for name, data in files.items():
                archive.writestr(name, data)
        return path


def large_project(documents: int = 100, segments: int = 5_000) -> ToolProject:
    """A project of ``documents`` interviews and ``segments`` coded segments over 10
    propositions' interventions, mechanisms and outcomes, with themes co-coded."""
    project = ToolProject("Large", "namespace: https://example.org/large/\nlanguages: en")
    kinds = {
        name: project.code(name, codable=False) for name in ("context", "proposition", "themes")
    }
    note = "Read from the interviews as a whole."
    project.code("[CX] the setting", kinds["context"], description=note)
    themes = [project.code(f"[t{n}] theme {n}", kinds["themes"]) for n in range(20)]
    elements = []
    for p in range(10):
        proposition = project.code(
            f"[P{p}] proposition {p}", kinds["proposition"], description=note
        )
        for kind, letter in (("intervention", "I"), ("mechanism", "M"), ("outcome", "O")):
            holder = project.code(kind, proposition, codable=False)
            elements += [
                project.code(f"[P{p}-{letter}{n}] {kind} {n} of {p}", holder) for n in range(5)
            ]
    sentence = "The students said the feedback helped them to take charge of their learning. "
    per_document = segments // documents
    for d in range(documents):
        document = project.text(f"interview-{d:03}.txt", sentence * per_document)
        for s in range(per_document):
            start = s * len(sentence)
            element = elements[(d * per_document + s) % len(elements)]
            theme = themes[s % len(themes)]
            project.segment(document, start + 4, start + 40, element, theme)
    return project


def coded_interview() -> tuple[ToolProject, dict[str, str]]:
    """A small study coded as a researcher would with the CIMO codebook: a proposition
    with its kind codes, elements beneath them, themes co-coded, memos and two coders."""
    project = ToolProject(
        "Intervisie",
        "namespace: https://example.org/intervisie/\nlanguages: nl; en\n"
        "title_en: Peer consultation in teacher education",
    )
    ana, bo = project.user("Ana Jansen"), project.user("Bo de Vries")
    codes = {}
    codes["context"] = project.code("context", codable=False)
    codes["CX"] = project.code(
        "[CX] opleidingsschool", codes["context"], description="label_en: partner school"
    )
    propositions = project.code("ontwerpprincipe", codable=False)
    codes["W"] = project.code(
        "[W] welbevinden",
        propositions,
        description="label_en: well-being\nThe proposition is read from the interviews as a whole.",
    )
    for kind, name, label_nl, label_en in (
        ("interventie", "I", "wekelijkse feedback", "weekly feedback"),
        ("mechanisme", "M", "zich veilig voelen", "feeling safe"),
        ("opbrengst", "O", "vragen durven stellen", "daring to ask"),
    ):
        holder = project.code(kind, codes["W"], codable=False)
        codes[name] = project.code(
            f"[W-{name}1] {label_nl}",
            holder,
            description=f"label_en: {label_en}",
            memo=f"Memo on {label_en}." if name == "M" else None,
        )
    themes = project.code("thema's", codable=False)
    codes["feedback"] = project.code(
        "[feedback] feedback", themes, description="label_en: feedback"
    )
    codes["safety"] = project.code("[safety] veiligheid", themes, description="label_en: safety")
    document = project.text("interview-01.txt", INTERVIEW)
    codes["doc"] = document
    project.phrase(
        document,
        "De wekelijkse feedback van mijn schoolopleider",
        codes["I"],
        codes["feedback"],
        user=ana,
    )
    project.phrase(
        document, "Ik voel me veilig 😊 in de groep", codes["M"], codes["safety"], user=bo
    )
    project.phrase(
        document, "durf vragen te stellen", codes["O"], user=bo, memo="Read as an outcome."
    )
    project.phrase(document, "Hoe ervaar je de begeleiding?", codes["CX"], user=ana)
    return project, codes
