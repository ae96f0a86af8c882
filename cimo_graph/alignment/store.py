"""Reviewed mapping tables kept in a graph, and read out of it again.

A mapping set is a ``sssom:MappingSet`` named by its ``mapping_set_id``, with its metadata
as properties and its prefixes as SHACL prefix declarations (``sh:declare``). Each mapping
is an ``owl:Axiom`` about the triple it states (``owl:annotatedSource``,
``owl:annotatedProperty``, ``owl:annotatedTarget``, as SSSOM's RDF form has it) with every
other cell under its SSSOM property; a mapping that holds (no ``predicate_modifier``
``Not``) is also stated plainly (``S skos:exactMatch O``), so that any SPARQL query can
follow it. Every node is an IRI: a server that takes no blank nodes keeps them too.
"""

from __future__ import annotations

import hashlib
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH, XSD
from rdflib.term import Node

from .slots import MAPPING_SLOTS, SET_SLOTS, SSSOM, Slot
from .sssom import MappingTable

__all__ = ["MAPPING_SET", "mapping_triples", "remove_mapping_set", "rows_from_values"]

#: The class of a mapping set.
MAPPING_SET = URIRef(SSSOM + "MappingSet")
_MAPPINGS = URIRef(SSSOM + "mappings")
_MAPPING = URIRef(SSSOM + "Mapping")
_DATATYPES = {"double": XSD.double, "date": XSD.date}


def mapping_triples(
    table: MappingTable, known: Mapping[str, tuple[str, str]]
) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The triples that keep ``table`` in a graph whose concepts are ``known`` (IRI:
    (kind, study)). An id the graph does not hold raises
    :class:`~cimo_graph.authoring.TemplateError` (every one named, with its line and the
    closest ids); a mapping between two kinds of element (a theme and an outcome) is
    kept and warned about (:class:`~cimo_graph.TemplateWarning`)."""
    import difflib

    from ..authoring.tables import Problem, TemplateError
    from ..errors import TemplateWarning

    problems = []
    curies = _curies_of(known, table.prefixes)
    for line, row in table.rows:
        for column in ("subject_id", "object_id"):
            iri = table.expand(row[column])
            if iri not in known:
                close = difflib.get_close_matches(row[column], list(curies), n=3, cutoff=0.6)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                problems.append(
                    Problem(
                        table.path,
                        "",
                        f"line {line}",
                        column,
                        row[column],
                        f"no theme, context, intervention, mechanism or outcome of the graph "
                        f"has this id{hint}",
                    )
                )
    if problems:
        raise TemplateError(table.path, problems, what="the mapping table")
    for line, row in table.rows:
        kinds = {known[table.expand(row[c])][0] for c in ("subject_id", "object_id")}
        if len(kinds) > 1:
            warnings.warn(
                TemplateWarning(
                    f"{table.path}, line {line}: {row['subject_id']} ({sorted(kinds)[0]}) and "
                    f"{row['object_id']} ({sorted(kinds)[1]}) are different kinds of element; "
                    "kept as the table says"
                ),
                stacklevel=3,
            )
    mapping_set = URIRef(str(table.metadata["mapping_set_id"]))
    triples: list[tuple[URIRef, URIRef, URIRef | Literal]] = [(mapping_set, RDF.type, MAPPING_SET)]
    for key, value in table.metadata.items():
        if key in SET_SLOTS:
            triples += [
                (mapping_set, URIRef(SET_SLOTS[key].iri), v)
                for v in _terms(SET_SLOTS[key], value, table)
            ]
    for prefix, namespace in sorted(table.prefixes.items()):
        declaration = URIRef(f"{mapping_set}#prefix-{prefix}")
        triples += [
            (mapping_set, SH.declare, declaration),
            (declaration, SH.prefix, Literal(prefix)),
            (declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)),
        ]
    for _, row in table.rows:
        subject, predicate, target = (
            URIRef(table.expand(row[c])) for c in ("subject_id", "predicate_id", "object_id")
        )
        mapping = _mapping_iri(mapping_set, row, table)
        triples += [
            (mapping_set, _MAPPINGS, mapping),
            (mapping, RDF.type, OWL.Axiom),
            (mapping, RDF.type, _MAPPING),
        ]
        for column, value in row.items():
            slot = MAPPING_SLOTS[column]
            triples += [(mapping, URIRef(slot.iri), term) for term in _terms(slot, value, table)]
        if row.get("predicate_modifier") != "Not":
            triples.append((subject, predicate, target))
    return triples


def _mapping_iri(mapping_set: URIRef, row: Mapping[str, str], table: MappingTable) -> URIRef:
    if row.get("record_id"):
        return URIRef(table.expand(row["record_id"]))
    key = "\t".join(
        row.get(c, "") for c in ("subject_id", "predicate_id", "object_id", "predicate_modifier")
    )
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return URIRef(f"{mapping_set}#mapping-{digest}")


def _terms(slot: Slot, value: object, table: MappingTable) -> list[URIRef | Literal]:
    values = (
        value if isinstance(value, list) else str(value).split("|") if slot.multivalued else [value]
    )
    terms: list[URIRef | Literal] = []
    for one in values:
        text = str(one)
        if slot.kind == "curie":
            terms.append(URIRef(table.expand(text)))
        elif slot.kind == "uri":
            terms.append(URIRef(text))
        elif slot.kind in _DATATYPES:
            terms.append(Literal(text, datatype=_DATATYPES[slot.kind]))
        else:
            terms.append(Literal(text))
    return terms


def _curies_of(known: Iterable[str], prefixes: Mapping[str, str]) -> dict[str, str]:
    """The known IRIs by the prefixed names the table's prefixes give them."""
    by_length = sorted(prefixes.items(), key=lambda pn: -len(pn[1]))
    found = {}
    for iri in known:
        for prefix, namespace in by_length:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                found[f"{prefix}:{iri[len(namespace) :]}"] = iri
                break
    return found


def remove_mapping_set(graph: Graph, mapping_set: URIRef) -> int:
    """Remove a mapping set and its mappings from ``graph`` (a table read again replaces
    the one before it); a plain mapping triple stays while another set still states it.
    Returns the number of mappings removed."""
    mappings = list(graph.objects(mapping_set, _MAPPINGS))
    modifier = URIRef(MAPPING_SLOTS["predicate_modifier"].iri)
    still = {
        _stated(graph, mapping)
        for other in graph.subjects(RDF.type, MAPPING_SET)
        if other != mapping_set
        for mapping in graph.objects(other, _MAPPINGS)
        if graph.value(mapping, modifier) is None
    }
    for mapping in mappings:
        triple = _stated(graph, mapping)
        if triple not in still and None not in triple:
            graph.remove(triple)
        graph.remove((mapping, None, None))
    for declaration in list(graph.objects(mapping_set, SH.declare)):
        graph.remove((declaration, None, None))
    graph.remove((mapping_set, None, None))
    return len(mappings)


def _stated(graph: Graph, mapping: Node) -> tuple[Node | None, Node | None, Node | None]:
    return (
        graph.value(mapping, OWL.annotatedSource),
        graph.value(mapping, OWL.annotatedProperty),
        graph.value(mapping, OWL.annotatedTarget),
    )


_BY_IRI = {slot.iri: slot for slot in (*MAPPING_SLOTS.values(), *SET_SLOTS.values())}


def rows_from_values(
    mapping_rows: Sequence[Sequence[str | None]],
    set_rows: Sequence[Sequence[str | None]],
) -> tuple[dict[str, dict[str, object]], dict[str, dict[str, str]], list[dict[str, object]]]:
    """Mapping sets and mappings as tables hold them, from the long rows of
    ``mappings.rq`` (set, mapping, property, value) and ``mapping-sets.rq`` (set, property,
    value, prefix, namespace): each set's metadata and prefixes, and each mapping's cells
    (prefixed names by its set's prefixes; several values as a sorted list)."""
    prefixes: dict[str, dict[str, str]] = defaultdict(dict)
    raw_sets: dict[str, dict[Slot, list[str]]] = defaultdict(lambda: defaultdict(list))
    for mapping_set, prop, value, prefix, namespace in set_rows:
        if mapping_set is None:
            continue
        raw_sets[mapping_set]
        if prefix is not None and namespace is not None:
            prefixes[mapping_set][prefix] = namespace
        slot = _BY_IRI.get(prop or "")
        if slot is not None and "S" in slot.where and value is not None:
            raw_sets[mapping_set][slot].append(value)
    raw_mappings: dict[str, tuple[str, dict[Slot, list[str]]]] = {}
    for mapping_set, mapping, prop, value in mapping_rows:
        if mapping_set is None or mapping is None or value is None:
            continue
        _, cells = raw_mappings.setdefault(mapping, (mapping_set, defaultdict(list)))
        slot = _BY_IRI.get(prop or "")
        if slot is not None and "M" in slot.where:
            cells[slot].append(value)

    def shown(mapping_set: str, cells: Mapping[Slot, list[str]]) -> dict[str, object]:
        known = prefixes.get(mapping_set, {})
        table: dict[str, object] = {}
        for slot, values in cells.items():
            texts = sorted({_show(slot, value, known) for value in values})
            table[slot.name] = texts if slot.multivalued else texts[0]
        return table

    metadata = {
        name: {"mapping_set_id": name, **shown(name, cells)} for name, cells in raw_sets.items()
    }
    mappings = [
        {**shown(name, cells), "mapping_set_id": name} for name, cells in raw_mappings.values()
    ]
    return metadata, dict(prefixes), mappings


def _show(slot: Slot, value: str, prefixes: Mapping[str, str]) -> str:
    """A stored value as a table's cell shows it."""
    if slot.kind == "curie":
        for prefix, namespace in sorted(prefixes.items(), key=lambda pn: -len(pn[1])):
            if value.startswith(namespace) and len(value) > len(namespace):
                return f"{prefix}:{value[len(namespace) :]}"
        return value
    if slot.kind == "double":
        return repr(float(value))
    return value
