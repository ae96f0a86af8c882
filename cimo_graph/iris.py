"""IRIs that go into query or update text: checked first, then written by rdflib.

A graph name, an endpoint's answer or a template's namespace is text from outside. Pasted
between ``<`` and ``>`` it could close the IRI and go on as SPARQL (``http://x/> ; DROP
ALL ; ...``). Every IRI cimo-graph writes into SPARQL passes :func:`checked_iri` and is
written by rdflib (``URIRef.n3()``), so none can.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from .errors import InvalidIRIError

__all__ = ["checked_iri", "iri_problem"]

# RFC 3987 allows none of these anywhere in an IRI (SPARQL's IRIREF refuses them too)
_FORBIDDEN = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|^`\\]')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def iri_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute IRI, or ``None`` when it is one.

    >>> iri_problem("https://example.org/study")
    >>> iri_problem("http://x/> ; DROP ALL")
    "'>' at position 10 is not allowed in an IRI"
    """
    bad = _FORBIDDEN.search(value)
    if bad:
        char = bad.group()
        shown = repr(char) if char.isprintable() and char != " " else f"U+{ord(char):04X}"
        return f"{shown} at position {bad.start() + 1} is not allowed in an IRI"
    if not _SCHEME.match(value):
        return "it has no scheme (an absolute IRI starts like 'https:' or 'urn:')"
    return None


def checked_iri(value: object, what: str = "IRI") -> URIRef:
    """``value`` as a ``URIRef``, after checking it is an absolute IRI.

    Raises :class:`~cimo_graph.InvalidIRIError` (a ``ValueError``) naming ``what`` and
    the offending character.

    >>> checked_iri("urn:example:study").n3()
    '<urn:example:study>'
    >>> checked_iri("http://x/> ; DROP ALL", "the graph name")
    Traceback (most recent call last):
    ...
    cimo_graph.errors.InvalidIRIError: the graph name 'http://x/> ; DROP ALL' is not an IRI: ...
    """
    text = str(value)
    problem = iri_problem(text)
    if problem is not None:
        raise InvalidIRIError(text, what, problem)
    return URIRef(text)
