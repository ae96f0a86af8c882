"""JSON-LD as people read it: a study compacted with the ontology's context, so that a
proposition reads ``{"id": "lnw:W", "type": "DesignProposition", "hasIntervention":
[...], "label": {"en": ..., "nl": ...}}`` rather than as expanded IRIs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from .errors import CimoGraphError
from .namespace import CIMO

__all__ = ["compact", "context"]

#: Terms of other vocabularies a study uses for its texts, by their short names (each
#: language-tagged text a language map: ``"label": {"en": ..., "nl": ...}``).
_TEXTS = {
    "label": "rdfs:label",
    "comment": "rdfs:comment",
    "prefLabel": "skos:prefLabel",
    "altLabel": "skos:altLabel",
    "definition": "skos:definition",
}


def context(graph: Graph | None = None) -> dict[str, Any]:
    """The ontology's JSON-LD context: every class of the CIMO ontology by its name, every
    link by its name with IRIs as values, every language-tagged text a language map,
    ``id`` and ``type`` for ``@id`` and ``@type``; with ``graph``, also the prefixes it
    binds whose namespaces its IRIs use (``lnw:``, ``dcterms:``, ...).

    >>> ctx = context()
    >>> ctx["hasIntervention"], ctx["label"], ctx["DesignProposition"]
    ({'@id': 'cimo:hasIntervention', '@type': '@id'}, \
{'@id': 'rdfs:label', '@container': '@language'}, 'cimo:DesignProposition')
    """
    from ._resources import ontology_graph

    ontology = ontology_graph()
    terms: dict[str, Any] = {"id": "@id", "type": "@type", "cimo": str(CIMO)}
    terms.update({"rdfs": str(RDFS), "skos": str(SKOS), "xsd": "http://www.w3.org/2001/XMLSchema#"})

    def ours(term: object) -> str | None:
        text = str(term)
        return text[len(str(CIMO)) :] if text.startswith(str(CIMO)) else None

    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in sorted(ontology.subjects(RDF.type, kind), key=str):
            name = ours(term)
            if not name:
                continue
            if kind == OWL.Class:
                terms[name] = f"cimo:{name}"
            elif kind == OWL.ObjectProperty:
                terms[name] = {"@id": f"cimo:{name}", "@type": "@id"}
            elif ontology.value(term, RDFS.range) == RDF.langString:
                terms[name] = {"@id": f"cimo:{name}", "@container": "@language"}
            else:
                terms[name] = f"cimo:{name}"
    for name, curie in _TEXTS.items():
        terms[name] = {"@id": curie, "@container": "@language"}
    if graph is not None:
        terms.update(_prefixes(graph, terms))
    return terms


def _prefixes(graph: Graph, taken: Mapping[str, Any]) -> dict[str, str]:
    """The prefixes ``graph`` binds whose namespaces some IRI of it lies in (rdflib binds
    thirty by default, most unused), other than names the context already has."""
    namespaces = {
        str(namespace): prefix
        for prefix, namespace in graph.namespaces()
        if prefix and prefix not in taken and str(namespace) != str(CIMO)
    }
    used: dict[str, str] = {}
    if not namespaces:
        return used
    seen: set[str] = set()
    for triple in graph:
        for term in triple:
            if not isinstance(term, URIRef):
                continue
            text = str(term)
            cut = max(text.rfind("#"), text.rfind("/")) + 1
            base = text[:cut]
            if base in seen:
                continue
            seen.add(base)
            if base in namespaces:
                used[namespaces[base]] = base
    return dict(sorted(used.items()))


def compact(graph: Graph, given: Mapping[str, Any] | Path | str | None = None) -> str:
    """``graph`` as compact JSON-LD: with the ontology's :func:`context` (``None``), a
    context of your own (a mapping, or a ``.jsonld``/``.json`` file holding one, with or
    without its ``@context`` key), or expanded (``"expanded"``: no context)."""
    if isinstance(given, str) and given == "expanded":
        return graph.serialize(format="json-ld")
    if given is None:
        terms: Mapping[str, Any] = context(graph)
    elif isinstance(given, Mapping):
        terms = given.get("@context", given)
    else:
        path = Path(given)
        try:
            read = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CimoGraphError(f"{path}: no such JSON-LD context file") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CimoGraphError(f"{path}: not a JSON-LD context (JSON): {error}") from None
        terms = read.get("@context", read) if isinstance(read, dict) else read
        if not isinstance(terms, dict):
            raise CimoGraphError(f"{path}: a JSON-LD context is a JSON object of terms")
    return graph.serialize(format="json-ld", context=dict(terms), auto_compact=True)
