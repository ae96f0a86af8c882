"""Listings over a whole collection, read as plain strings.

A listing of every proposition or pillar of 10,000 studies reads hundreds of thousands
of values. It asks a few queries that return everything it shows (``listing-nodes``: the
labels, ids, themes, texts and studies of every node of a class; ``listing-parts``: the
parts of every whole with their ids and labels in one language) and reads the answers as
strings (``Base._strings``), without making a term object for any value, then builds its
table column by column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..labels import choose_text
from ..lookup import local_name, local_names
from ..namespace import CIMO
from ..sparql import NamedQuery, StringRow, named_query
from .base import cimo_kind, in_id_order, natural_sorted

__all__ = [
    "Parts",
    "Shown",
    "id_of",
    "in_language_order",
    "joined_ids",
    "listing_parts",
    "shown_each",
    "shown_nodes",
    "term_of",
]

_ID_SEPARATOR = "; "
_TEXT_SEPARATOR = " | "

#: A text value and its language tag ("" for none).
Text = tuple[str, str]
#: ``Base._strings``: a named query's answer, each row as strings in projection order.
Strings = Callable[[NamedQuery, Mapping[str, Node]], list[StringRow]]
#: ``Base._strings_each``: the same for each of many terms bound to one variable.
StringsEach = Callable[[NamedQuery, str, Iterable[Node]], list[StringRow]]


@dataclass(slots=True)
class Shown:
    """What a listing shows of one node, as strings."""

    iri: str
    ids: list[str] = field(default_factory=list)
    labels: list[Text] = field(default_factory=list)
    synonyms: list[Text] = field(default_factory=list)
    plurals: list[Text] = field(default_factory=list)
    source_texts: list[Text] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    titles: list[Text] = field(default_factory=list)
    #: its classes' IRIs
    types: list[str] = field(default_factory=list)
    #: (IRI, id) of each theme and study (``None``: it has no id; its local name shows)
    themes: list[tuple[str, str | None]] = field(default_factory=list)
    studies: list[tuple[str, str | None]] = field(default_factory=list)
    _id: str | None = field(default=None, repr=False, compare=False)

    @property
    def kind(self) -> str:
        """Its CIMO class name (``Intervention``), or ``""``."""
        return cimo_kind(self.types)

    @property
    def id(self) -> str:
        """Its identifier or notation (the first in order), else its local name (found
        once: a listing asks for it often)."""
        if self._id is None:
            self._id = min(self.ids) if self.ids else local_name(self.iri)
        return self._id

    def label(self, lang: str) -> str:
        """Its label in ``lang`` (with the fallbacks of :func:`~cimo_graph.labels.choose_label`),
        else its id."""
        label = choose_text(self.labels, lang)
        return self.id if label is None else label

    def texts(self, values: list[Text]) -> str:
        """``values`` (source texts, notes) joined in order of language, then text."""
        if len(values) < 2:  # as nearly always: one text, or none
            return values[0][0] if values else ""
        return _TEXT_SEPARATOR.join(in_language_order(values))

    def theme_ids(self) -> str:
        return joined_ids(id_of(iri, ids) for iri, ids in _grouped(self.themes).items())

    def study_ids(self) -> str:
        return joined_ids(id_of(iri, ids) for iri, ids in _grouped(self.studies).items())


def term_of(name: str) -> Node:
    """The node a name read as a string stands for: an IRI has a scheme, so a colon; a
    blank node's label never has one.

    >>> term_of("https://w3id.org/cimo-graph/study/leernetwerken#W")
    rdflib.term.URIRef('https://w3id.org/cimo-graph/study/leernetwerken#W')
    """
    return URIRef(name) if ":" in name else BNode(name)


def in_language_order(values: Iterable[Text]) -> list[str]:
    """The texts in order of their language, then of text (a fixed order to show)."""
    return [text for text, _ in sorted(values, key=lambda value: (value[1], value[0]))]


def _grouped(pairs: Iterable[tuple[str, str | None]]) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    for iri, value in pairs:
        known = ids.setdefault(iri, [])
        if value is not None:
            known.append(value)
    return ids


def shown_each(each: StringsEach, nodes: Iterable[Node]) -> dict[str, Shown]:
    """What to show of each of ``nodes`` (``shown-fields``), by the node's name (IRI)."""
    by_name = {str(node): node for node in nodes}
    shown = {name: Shown(name) for name in by_name}
    lists = {"label": "labels", "source_text": "source_texts", "note": "notes"}
    for name, field_, value, tag in each(named_query("shown-fields"), "node", by_name.values()):
        entry = shown.get(name)
        if entry is None or value is None:
            continue
        if field_ == "id":
            entry.ids.append(value)
        elif field_ == "type":
            entry.types.append(value)
        elif field_ == "study":
            entry.studies.append((value, None))
        elif field_ in lists:
            getattr(entry, lists[field_]).append((value, tag or ""))
    return shown


def id_of(iri: str, ids: Iterable[str]) -> str:
    """The id a node shows: its first identifier or notation, else its local name."""
    return min(ids, default=None) or local_name(iri)


def joined_ids(ids: Iterable[str]) -> str:
    """Distinct ids in natural order (``C-I2`` before ``C-I10``), joined."""
    unique = ids if isinstance(ids, set) else set(ids)
    if len(unique) == 1:
        return next(iter(unique))
    return _ID_SEPARATOR.join(natural_sorted(unique))


def shown_nodes(select: Strings, cls: URIRef, query: str = "listing-nodes") -> dict[str, Shown]:
    """What to show of every node of class ``cls``, by IRI; with ``query="listing-names"``,
    only their names (labels, plurals, ids); with ``"listing-heads"``, their names, titles
    and studies."""
    shown: dict[str, Shown] = {}
    lists = {
        "label": "labels",
        "synonym": "synonyms",
        "plural": "plurals",
        "source_text": "source_texts",
        "note": "notes",
        "title": "titles",
    }
    for node, name, value, value_id, tag in select(named_query(query), {"class": cls}):
        entry = shown.get(node)
        if entry is None:
            entry = shown[node] = Shown(node)
        if value is None:
            continue
        if name == "id":
            entry.ids.append(value)
        elif name == "theme":
            entry.themes.append((value, value_id))
        elif name == "study":
            entry.studies.append((value, value_id))
        elif name in lists:
            getattr(entry, lists[name]).append((value, tag or ""))
    return shown


@dataclass(slots=True)
class Parts:
    """The parts of every whole of a class by whole and kind (each once, in the order
    read), the roles carrying out each whole's interventions, each part's id and label."""

    by_whole: dict[str, dict[str, dict[str, None]]]
    roles: dict[str, list[str]]
    #: every part's id (its local name when it has none)
    ids: dict[str, str]
    labels: dict[str, str]

    def of(self, whole: str, kind: str) -> Collection[str]:
        return self.by_whole.get(whole, {}).get(kind, {}).keys()

    def id(self, part: str) -> str:
        return self.ids[part]

    def joined_ids(self, parts: Collection[str]) -> str:
        if len(parts) == 1:
            return self.ids[next(iter(parts))]
        ids = self.ids
        return joined_ids({ids[part] for part in parts})

    def label_list(self, parts: Collection[str]) -> list[str]:
        """The labels of distinct ``parts`` (as :meth:`of` gives them), in the natural
        order of their ids."""
        ids, labels = self.ids, self.labels
        by_id = {ids[part]: part for part in parts}
        if len(by_id) == len(parts):  # each its own id, as nearly always
            ordered = [by_id[key] for key in natural_sorted(by_id)]
        else:
            ordered = in_id_order(parts, self.id)
        return [ids[part] if (label := labels.get(part)) is None else label for part in ordered]

    def joined_labels(self, parts: Collection[str]) -> str:
        return _TEXT_SEPARATOR.join(self.label_list(parts))


#: The link from a whole to its parts of each kind.
LINKS = {
    "context": CIMO.hasContext,
    "intervention": CIMO.hasIntervention,
    "mechanism": CIMO.hasMechanism,
    "outcome": CIMO.hasOutcome,
    "added value": CIMO.hasAddedValue,
    "aim": CIMO.hasAim,
    "means": CIMO.hasMeans,
    "shaping": CIMO.shapedBy,
}


def listing_parts(
    select: Strings,
    cls: URIRef,
    lang: str,
    *,
    labelled: Iterable[str] = (),
    labels_with_parts: bool = False,
) -> Parts:
    """The parts of every whole of class ``cls`` with their ids, and the labels of the
    parts of the kinds in ``labelled`` in ``lang``; a part with no label in ``lang`` gets
    one in another language (:func:`~cimo_graph.labels.choose_label`).

    With ``labels_with_parts``, the labels in ``lang`` come in the parts' own query: a
    third faster where most parts are labelled (a sentence names them all), slower where
    few are (``propositions`` labels only the context and the added value).
    """
    # each kind's parts as the keys of a dict: a set that keeps the order read
    by_whole: dict[str, dict[str, dict[str, None]]] = {}
    roles: dict[str, list[str]] = defaultdict(list)
    ids: dict[str, str] = {}
    read: dict[str, str] = {}
    carrying: set[tuple[str, str, str]] = set()
    if labels_with_parts:
        bindings = {"class": cls, "language": Literal(lang.lower())}
        rows = select(named_query("listing-parts-labelled"), bindings)
    else:
        rows = [[*row, None] for row in select(named_query("listing-parts"), {"class": cls})]
    for whole, kind, part, part_id, role, label in rows:
        if part_id is not None and (part not in ids or part_id < ids[part]):
            ids[part] = part_id
        if label is not None and (part not in read or label < read[part]):
            read[part] = label
        kinds = by_whole.get(whole)
        if kinds is None:
            kinds = by_whole[whole] = {}
        members = kinds.get(kind)
        if members is None:
            members = kinds[kind] = {}
        members[part] = None
        if role is not None and (whole, part, role) not in carrying:
            carrying.add((whole, part, role))
            roles[whole].append(role)
    of_kind: dict[str, set[str]] = defaultdict(set)
    for kinds in by_whole.values():
        for kind, members in kinds.items():
            of_kind[kind].update(members)
    labels: dict[str, str] = {}
    for kind in labelled:
        if of_kind[kind]:
            if labels_with_parts:
                chosen = {part: read[part] for part in of_kind[kind] if part in read}
            else:
                chosen = _labels_in(select, cls, LINKS[kind], lang)
            labels.update(_fall_back(select, cls, LINKS[kind], lang, of_kind[kind], chosen))
    for group in of_kind.values():
        ids.update(local_names(group - ids.keys()))
    return Parts(by_whole, roles, ids, labels)


def _labels_in(select: Strings, cls: URIRef, link: URIRef, lang: str) -> dict[str, str]:
    """The label in ``lang`` of each part that ``link`` links a whole of ``cls`` to."""
    chosen: dict[str, str] = {}
    bindings = {"class": cls, "link": link, "language": Literal(lang)}
    for part, label, _ in select(named_query("listing-labels"), bindings):
        if label is not None and (part not in chosen or label < chosen[part]):
            chosen[part] = label
    return chosen


def _fall_back(
    select: Strings, cls: URIRef, link: URIRef, lang: str, parts: set[str], chosen: dict[str, str]
) -> dict[str, str]:
    """``chosen`` (labels in ``lang``), with a label in another language for each of
    ``parts`` that has none in ``lang``; every label is read only when some part lacks one."""
    if parts <= chosen.keys():
        return chosen
    every: dict[str, list[Text]] = defaultdict(list)
    for part, label, tag in select(named_query("listing-labels"), {"class": cls, "link": link}):
        if part not in chosen and label is not None:
            every[part].append((label, tag or ""))
    for part, found in every.items():
        label = choose_text(found, lang)
        if label is not None:
            chosen[part] = label
    return chosen
