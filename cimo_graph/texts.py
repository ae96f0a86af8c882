"""Texts compared as people read them: white space runs as one space, and (``fold``) case
and accents aside, with where each character of the result came from in the text, so
that a match found in the compared form can be marked in the original."""

from __future__ import annotations

import unicodedata

__all__ = ["flattened"]


def flattened(text: str, *, fold: bool = False) -> tuple[str, list[int]]:
    """``text`` with each run of white space as one space (none at either end) and, with
    ``fold``, without case or accents; and for each character of that the index of the
    character of ``text`` it comes from.

    >>> flattened("Ervaringen \\n délen", fold=True)[0]
    'ervaringen delen'
    >>> flattened(" a  b ")
    ('a b', [1, 2, 4])
    """
    if text.isascii():
        flat = " ".join(text.split())
        if len(flat) == len(text):  # no white space to join: each character stays put
            return (flat.lower() if fold else flat), range(len(text))  # type: ignore[return-value]
    chars: list[str] = []
    index: list[int] = []
    space = False
    for position, char in enumerate(text):
        if char.isspace():
            if not space and chars:
                chars.append(" ")
                index.append(position)
            space = True
            continue
        space = False
        if not fold:
            chars.append(char)
            index.append(position)
            continue
        plain = char if char.isascii() else unicodedata.normalize("NFKD", char)
        for part in plain.casefold():
            if not unicodedata.combining(part):
                chars.append(part)
                index.append(position)
    if chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return "".join(chars), index
