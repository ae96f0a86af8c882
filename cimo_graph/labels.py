"""Choosing a label: the asked language first, then the study's other language, then any."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal
from rdflib.term import Node

__all__ = ["LANGUAGES", "choose_label"]

#: The languages labels are looked up in, in order of preference after the asked one.
LANGUAGES: tuple[str, ...] = ("en", "nl")


def choose_label(literals: Iterable[Node], lang: str = "en") -> Literal | None:
    """Return the literal to show in language ``lang``.

    The asked language comes first, then the other study languages (:data:`LANGUAGES`),
    then an untagged literal, then any other language; among equals, the first in sort
    order, so the choice is repeatable. A node is never left without a label because it
    lacks one in ``lang``.

    >>> from rdflib import Literal
    >>> labels = [Literal("leernetwerk", lang="nl"), Literal("learning network", lang="en")]
    >>> str(choose_label(labels, "nl"))
    'leernetwerk'
    >>> str(choose_label(labels[:1], "en"))
    'leernetwerk'
    """
    preference = (lang, *(other for other in LANGUAGES if other != lang))

    def rank(literal: Literal) -> tuple[int, str]:
        tag = (literal.language or "").lower()
        if tag in preference:
            return preference.index(tag), str(literal)
        return (len(preference), str(literal)) if not tag else (len(preference) + 1, str(literal))

    candidates = [node for node in literals if isinstance(node, Literal)]
    return min(candidates, key=rank) if candidates else None
