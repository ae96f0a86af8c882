"""What a study graph holds: its studies, the count of each CIMO class, its languages."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import URIRef

from .display import Readable
from .labels import choose_label
from .namespace import CIMO

__all__ = ["CIMO_CLASSES", "Summary", "summarise"]

#: The ontology's classes of study elements, in the order a summary lists them.
CIMO_CLASSES: tuple[str, ...] = (
    "Context",
    "DesignProposition",
    "Intervention",
    "Mechanism",
    "Outcome",
    "AddedValue",
    "Pillar",
    "Aim",
    "Means",
    "Role",
    "Organisation",
    "RoleStatement",
    "Recommendation",
    "Quote",
)


@dataclass(frozen=True)
class Summary(Readable):
    """Counts and facts about a loaded graph; ``str()`` gives the text ``cimo-graph info``
    prints."""

    source: str | None
    triples: int
    studies: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)
    themes: int = 0
    languages: tuple[str, ...] = ()
    #: the languages of the source texts (passages and quotes), which may differ from the
    #: labels' (an English analysis of Dutch interviews)
    source_languages: tuple[str, ...] = ()

    _repr_pretty_ = Readable._repr_pretty_  # before the dataclass's __repr__

    def __str__(self) -> str:
        lines = [f"Source:    {self.source or '(in memory)'}"]
        for title in self.studies or ("(no cimo:Study in the graph)",):
            lines.append(f"Study:     {title}")
        lines.append(f"Triples:   {self.triples}")
        languages = ", ".join(self.languages) or "(none)"
        others = [lang for lang in self.source_languages if lang not in self.languages]
        if others:
            languages += f" (labels); {', '.join(others)} (source texts)"
        lines.append(f"Languages: {languages}")
        lines.append("Elements:")
        rows = [*self.counts.items(), ("Theme (skos:Concept)", self.themes)]
        width = max(len(name) for name, _ in rows)
        lines.extend(f"  {name:<{width}}  {number:>4}" for name, number in rows)
        return "\n".join(lines)


def summarise(graph: Graph, *, source: Path | str | None = None) -> Summary:
    """Count what ``graph`` holds (see :class:`Summary`)."""
    counts = {name: _count(graph, CIMO[name]) for name in CIMO_CLASSES}
    titles = []
    for study in sorted(graph.subjects(RDF.type, CIMO.Study), key=str):
        titles.append(str(choose_label(graph.objects(study, DCTERMS.title), "en") or study))
    languages: Counter[str] = Counter()
    for predicate in (RDFS.label, SKOS.prefLabel):
        for label in graph.objects(None, predicate):
            if isinstance(label, Literal) and label.language:
                languages[label.language] += 1
    sources = {
        text.language
        for text in graph.objects(None, CIMO.sourceText)
        if isinstance(text, Literal) and text.language
    }
    return Summary(
        source=str(source) if source is not None else None,
        triples=len(graph),
        studies=tuple(titles),
        counts=counts,
        themes=_count(graph, SKOS.Concept),
        languages=tuple(sorted(languages)),
        source_languages=tuple(sorted(sources)),
    )


def _count(graph: Graph, cls: URIRef) -> int:
    return len(set(graph.subjects(RDF.type, cls)))
