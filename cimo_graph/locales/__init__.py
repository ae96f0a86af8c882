"""The library's own words (headings, field and link names, buttons, captions) in each
language it speaks: one JSON file per language beside this module, in sections by view
(``figure``, ``drawing``, ``page``, ``table``, ``report``, ``links``).

A study's own texts come in whatever languages the study has; these are only the words the
library adds around them. A language without a file, or a word its file lacks, reads in
English, so a German study's report has German labels and English headings.

>>> words("report", "nl")["themes"]
"Thema's"
>>> words("report", "de")["themes"]
'Themes'
>>> "en" in LANGUAGES and "nl" in LANGUAGES
True

To add a language, copy ``en.json`` to ``<tag>.json`` and translate its values (the
``{placeholders}`` stay as they are); the tests check every file against the English one.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = ["LANGUAGES", "words"]

_HERE = Path(__file__).parent

#: The languages the library's words are written in (English first).
LANGUAGES: tuple[str, ...] = ("en", *sorted(p.stem for p in _HERE.glob("*.json") if p.stem != "en"))


@cache
def _catalogue(lang: str) -> dict[str, Any]:
    path = _HERE / f"{lang}.json"
    if lang not in LANGUAGES:
        return {}
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return found


@cache
def words(section: str, lang: str) -> MappingProxyType[str, str]:
    """The words of ``section`` in ``lang``: each from the language's file where it has
    it, else English (a read-only mapping).

    Raises ``KeyError`` for a section the library does not have.
    """
    english = _catalogue("en")[section]
    own = _catalogue(lang.lower()).get(section, {}) if lang else {}
    return MappingProxyType({key: own.get(key, value) for key, value in english.items()})
