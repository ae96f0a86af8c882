"""Finding elements by the words of the study: labels, synonyms, verbatim source texts,
interpretation notes and supporting quotes, in any case and with or without accents.

The store does the filtering (``search.rq``: one regular expression built from the words,
each letter with its accented forms, bound as a parameter); Python then keeps the nodes
that have every word, ranks them and cuts a snippet around the match.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as _field
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from ..errors import CimoGraphError
from ..labels import choose_text
from ..lookup import local_name, normalise
from ..sparql import named_query
from ..summary import CIMO_CLASSES
from ..texts import flattened
from .base import (
    _ID_SEPARATOR,
    Base,
    _frame,
    check_mappings,
    cimo_kind,
    mapped_groups,
    natural_key,
    one_lookup,
)
from .collection import shown_each

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FIELDS", "SEARCH_COLUMNS", "Search", "folded", "search_terms"]

#: The fields a search looks in, with the weight of a match in each.
FIELDS = {"label": 4.0, "synonym": 3.0, "source text": 2.0, "quote": 1.5, "note": 1.0}
SEARCH_COLUMNS = ["id", "kind", "label", "fields", "snippet", "part_of", "score", "iri"]
#: The most characters a search may have.
MAX_SEARCH = 500
#: The blocks of letters whose folded forms the store's filter also looks for: Latin with
#: its accents and extensions, Greek, Cyrillic, and the ligatures (ﬁ, ﬂ, ...).
_FOLDED_BLOCKS = ((0x00C0, 0x024F), (0x0370, 0x04FF), (0x1E00, 0x1EFF), (0xFB00, 0xFB06))


@functools.lru_cache(maxsize=1)
def _folding_to() -> dict[str, tuple[str, ...]]:
    """Each folded form and the letters that fold to it (``"a"``: à, á, Â, ...; ``"ss"``:
    ß, ẞ; ``"fi"``: ﬁ), from the same folding as the search itself (:func:`folded`)."""
    forms: dict[str, list[str]] = defaultdict(list)
    for first, last in _FOLDED_BLOCKS:
        for code in range(first, last + 1):
            char = chr(code)
            fold = folded(char)[0]
            if fold and fold != char and len(fold) <= 3:
                forms[fold].append(char)
    return {fold: tuple(chars) for fold, chars in forms.items()}


_META = set(".\\?*+{}()[]|^$-")
_MARK = ("«", "»")
#: A word shorter than this matches at the start of a word only ("los" not in "close").
_INSIDE = 4


def folded(text: str) -> tuple[str, list[int]]:
    """``text`` without case or accents, white space runs as one space, and for each
    character of that the index of the character of ``text`` it comes from.

    >>> folded("Ervaringen  délen")[0]
    'ervaringen delen'
    """
    return flattened(text, fold=True)


def _as_typed(text: str) -> list[str]:
    """The words and phrases of a search as typed (white space flattened, case and
    accents kept) where they are not plain ASCII: the store's filter looks for these too,
    since a letter that folds into several (``İ``, a ligature such as ``ﬁ``) matches no
    folded pattern there, while the words folded match it here."""
    typed = (flattened(phrase or word.strip('"'))[0] for phrase, word in _WORDS.findall(text))
    return [term for term in dict.fromkeys(typed) if term and not term.isascii()]


_WORDS = re.compile(r'"([^"]*)"|(\S+)')


def search_terms(text: str) -> list[str]:
    """The terms of a search: each word, and each phrase in double quotes, folded.

    >>> search_terms('Feedback "leren van elkaar"  Ervaring')
    ['feedback', 'leren van elkaar', 'ervaring']
    """
    terms = []
    for phrase, word in _WORDS.findall(text):
        term = folded(phrase or word.strip('"'))[0]
        if term:
            terms.append(term)
    return list(dict.fromkeys(terms))


def _pattern(terms: Iterable[str]) -> str:
    """A regular expression (XPath's dialect, matched without case) that a text holding
    any of ``terms`` matches, accents or not."""
    folding = _folding_to()
    longest = max(map(len, folding))

    def one(char: str) -> str:
        if char == " ":
            return "\\s+"
        escaped = "\\" + char if char in _META else char
        forms = folding.get(char, ())
        return f"({'|'.join([escaped, *forms])})" if forms else escaped

    alternatives = []
    for term in terms:
        parts, at = [], 0
        while at < len(term):
            # letters that fold to several (ß to ss, ﬁ to fi) where the term has those
            joined = next(
                (
                    term[at : at + size]
                    for size in range(min(longest, len(term) - at), 1, -1)
                    if term[at : at + size] in folding
                ),
                None,
            )
            if joined:
                spelled = "".join(one(char) for char in joined)
                parts.append(f"({'|'.join([spelled, *folding[joined]])})")
                at += len(joined)
            else:
                parts.append(one(term[at]))
                at += 1
        alternatives.append("".join(parts))
    return "|".join(alternatives)


@dataclass(slots=True)
class _Hit:
    field: str
    text: str
    quality: float  # 1 a whole word, 0.8 the start of a word, 0.5 inside one
    start: int
    end: int
    language: str = ""

    def key(self, lang: str) -> tuple[float, bool, int, str]:
        """Which hit to show: the best field and match, then the asked language, the
        earliest place, and (for answers that repeat) the text."""
        weight = FIELDS[self.field] * self.quality
        return (weight, self.language == lang, -self.start, self.text)


@dataclass(slots=True)
class _Show:
    """What the search rows say of one node: its ids, classes, labels, studies, wholes."""

    ids: set[str] = _field(default_factory=set)
    types: set[str] = _field(default_factory=set)
    labels: set[str] = _field(default_factory=set)
    studies: set[str] = _field(default_factory=set)
    wholes: set[str] = _field(default_factory=set)

    def add(self, row: list[str | None]) -> None:
        """Take what a row of ``search.rq`` says of the node (its columns after the text's)."""
        identifier, kind, label, study_id, study, whole_id, whole = row[4:]
        if identifier:
            self.ids.add(identifier)
        if kind:
            self.types.add(kind)
        if label:
            self.labels.add(label)
        if study:
            self.studies.add(study_id or _local(study))
        if whole:
            self.wholes.add(whole_id or _local(whole))

    def kind(self) -> str:
        return _kind(frozenset(self.types))


@functools.lru_cache(maxsize=4096)
def _kind(types: frozenset[str]) -> str:
    """The kind shown for a node of ``types`` (few sets of classes recur)."""
    return cimo_kind(types) or ("Theme" if _CONCEPT in types else "")


@functools.lru_cache(maxsize=65_536)
def _local(iri: str) -> str:
    return local_name(iri)


_CONCEPT = str(SKOS.Concept)


def _hits(term: str, field: str, text: str, flat: str, index: list[int]) -> _Hit | None:
    """The best place ``term`` stands in ``text`` (folded as ``flat``), or None."""
    best = None
    start = flat.find(term)
    while start >= 0:
        end = start + len(term)
        before = start == 0 or not flat[start - 1].isalnum()
        after = end == len(flat) or not flat[end].isalnum()
        quality = 1.0 if before and after else 0.8 if before else 0.5
        if not before and len(term) < _INSIDE:
            start = flat.find(term, start + 1)
            continue  # a short word inside another ("los" in "close") is no match
        if best is None or quality > best.quality:
            best = _Hit(field, text, quality, index[start], index[end - 1] + 1)
            if quality == 1.0:
                break
        start = flat.find(term, start + 1)
    return best


def _snippet(hit: _Hit, terms: list[str], width: int = 60) -> str:
    """The text around a hit, every term in it marked «so»."""
    text = hit.text
    left = max(0, hit.start - width)
    right = min(len(text), hit.end + width)
    if left > 0:
        left = text.rfind(" ", 0, left) + 1 or left
    if right < len(text):
        found = text.find(" ", right)
        right = found if found >= 0 else len(text)
    window = text[left:right]
    flat, index = folded(window)
    spans = []
    for term in terms:
        start = flat.find(term)
        while start >= 0:
            if len(term) >= _INSIDE or start == 0 or not flat[start - 1].isalnum():
                spans.append((index[start], index[start + len(term) - 1] + 1))
            start = flat.find(term, start + len(term))
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out += [window[last:start], _MARK[0], window[start:end], _MARK[1]]
        last = end
    out.append(window[last:])
    return ("… " if left > 0 else "") + "".join(out).strip() + (" …" if right < len(text) else "")


def _wanted(values: str | Iterable[str] | None, known: Iterable[str], what: str) -> set[str] | None:
    """The normalised names asked for (``kinds=``, ``fields=``), or an error naming the
    closest ones."""
    if values is None:
        return None
    import difflib

    asked = [values] if isinstance(values, str) else list(values)
    names = {normalise(k).replace(" ", ""): k for k in known}
    chosen = set()
    for value in asked:
        key = normalise(str(value)).replace(" ", "").replace("_", "")
        key = key if key in names else key.rstrip("s") if key.rstrip("s") in names else key
        if key not in names:
            close = difflib.get_close_matches(key, list(names), n=3)
            hint = f" Did you mean: {', '.join(repr(names[c]) for c in close)}?" if close else ""
            raise CimoGraphError(
                f"search: no {what} {value!r}; the {what}s: {', '.join(sorted(known))}.{hint}"
            )
        chosen.add(names[key])
    return chosen


_KINDS = [*CIMO_CLASSES, "Study", "Theme"]


class Search(Base):
    """``search``."""

    @one_lookup
    def search(
        self,
        text: str,
        *,
        kinds: str | Iterable[str] | None = None,
        fields: str | Iterable[str] | None = None,
        lang: str | None = None,
        limit: int | None = None,
        mappings: str = "exact",
    ) -> pd.DataFrame:
        """The elements (and themes) whose words match ``text``, best first.

        Words match in any case and with or without accents, anywhere in a word
        (``"ervaring"`` finds ``"praktijkervaringen"``; whole words rank first; a word of
        one to three letters only where a word begins: ``"LOS"`` is not in "close"); several
        words must all occur in the element's texts; ``"a phrase"`` in double quotes must
        occur as written. Looks in labels, synonyms, verbatim source texts, interpretation
        notes and the quotes that support an element (``fields=`` picks some); ``kinds=``
        keeps some kinds (``"intervention"``, ``["mechanism", "outcome"]``); ``lang=``
        looks in texts of that language only (and shows labels in it); ``limit=`` keeps
        the first rows.

        One row per element: its id, kind, label (and study, when the graph holds
        several), the fields that matched, a snippet with the words marked «so», its
        proposition or pillar (``part_of``), a score. A theme found brings the themes of
        other studies the graph's mappings make one with it (``mappings=`` as
        :meth:`compare_studies` takes it): each a row of its own whose ``fields`` is
        ``mapping`` and whose snippet names the mapping and the theme found
        and the themes found that reached it (``skos:exactMatch connectedness;
        verbondenheid``), scored nine tenths of the best of theirs.

        >>> kg = cg.load()
        >>> hits = kg.search("LOS")
        >>> hits[["id", "part_of", "fields"]].values.tolist()
        [['P4', '', 'label; source text; note'], ['P4-means-1', 'P4', 'label; source text; note']]
        >>> print(hits.set_index("id").loc["P4-means-1", "snippet"])
        «LOS» meetings
        >>> kg.search('"feedback geven"')["id"].tolist()
        ['C-I2']
        """
        terms = search_terms(str(text))
        if not terms or len(str(text)) > MAX_SEARCH:
            raise CimoGraphError(
                f"search: give one or more words (at most {MAX_SEARCH} characters), "
                'or a "phrase" in double quotes'
            )
        shown = lang or "en"
        kinds_wanted = _wanted(kinds, _KINDS, "kind")
        fields_wanted = _wanted(fields, FIELDS, "field")
        pattern = _pattern([*terms, *_as_typed(str(text))])
        bindings = {"pattern": Literal(pattern), "labelLang": Literal(shown)}
        rows = self._strings(named_query("search"), bindings)
        found: dict[str, dict[str, _Hit]] = defaultdict(dict)
        fields_of: dict[str, set[str]] = defaultdict(set)
        shows: dict[str, _Show] = {}
        seen: set[tuple[str, str, str, str]] = set()
        for row in rows:
            node, field, value, language = row[:4]
            if node is None or value is None or field is None:
                continue
            show = shows.get(node)
            if show is None:
                show = shows[node] = _Show()
            show.add(row)
            key = (node, field, value, language)
            if key in seen:
                continue  # the same text again, with another class or part
            seen.add(key)
            if fields_wanted is not None and field not in fields_wanted:
                continue
            if lang is not None and language not in ("", None, lang):
                continue
            flat, index = folded(value)
            for term in terms:
                hit = _hits(term, field, value, flat, index)
                if hit is None:
                    continue
                hit.language = language or ""
                fields_of[node].add(field)
                best = found[node].get(term)
                if best is None or hit.key(shown) > best.key(shown):
                    found[node][term] = hit
        nodes = [n for n, hits in found.items() if len(hits) == len(terms)]
        missing = [URIRef(n) for n in nodes if not shows[n].labels]
        if missing:  # no label in the asked language: another, as every helper does
            self._other_labels(missing, shows, shown)
        table: list[dict[str, Any]] = []
        for node in nodes:
            show = shows[node]
            kind = show.kind()
            if kinds_wanted is not None and kind not in kinds_wanted:
                continue
            hits = found[node]
            identifier = min(show.ids) if show.ids else local_name(node)
            table.append(
                {
                    "id": identifier,
                    "kind": kind,
                    "label": min(show.labels) if show.labels else identifier,
                    "study": _ID_SEPARATOR.join(sorted(show.studies)),
                    "fields": "; ".join(f for f in FIELDS if f in fields_of[node]),
                    "hit": max(hits.values(), key=lambda h: h.key(shown)),
                    "part_of": _ID_SEPARATOR.join(sorted(show.wholes, key=natural_key)),
                    "score": round(sum(FIELDS[h.field] * h.quality for h in hits.values()), 2),
                    "iri": node,
                }
            )
        if kinds_wanted is None or "Theme" in kinds_wanted:
            table += self._mapped_hits(table, mappings, shown)
        table.sort(key=lambda r: (-r["score"], natural_key(r["id"]), r["iri"]))
        if limit is not None:
            table = table[: max(0, int(limit))]
        for entry in table:  # a snippet for the rows kept only
            hit = entry.pop("hit")
            entry["snippet"] = hit if isinstance(hit, str) else _snippet(hit, terms)
        columns = list(SEARCH_COLUMNS)
        if len({row["study"] for row in table}) > 1 or self._several_studies():
            columns.insert(columns.index("label") + 1, "study")
        return _frame(table, columns)

    def _mapped_hits(
        self, table: list[dict[str, Any]], mappings: str, lang: str
    ) -> list[dict[str, Any]]:
        """The themes the mappings make one with the themes found, not found themselves."""
        check_mappings(mappings)
        clusters = self._theme_clusters(mappings)
        if not clusters:
            return []
        found = {row["iri"] for row in table}
        groups = mapped_groups(clusters)
        reached: dict[str, dict[str, Any]] = {}
        for row in table:
            if row["kind"] != "Theme" or row["iri"] not in clusters:
                continue
            group, joined = clusters[row["iri"]]
            for member in groups[group]:
                if member in found:
                    continue
                score = round(row["score"] * 0.9, 2)
                entry = reached.setdefault(member, {"score": score, "joined": joined, "by": set()})
                entry["score"] = max(entry["score"], score)
                entry["by"].add(row["id"])
        if not reached:
            return []
        studies: dict[str, set[str]] = defaultdict(set)
        for node, study in self._strings_each(
            named_query("node-study"), "node", [URIRef(member) for member in reached]
        ):
            if node is not None and study is not None:
                studies[node].add(study)
        every_study = {study for found in studies.values() for study in found}
        shown = shown_each(self._strings_each, [URIRef(n) for n in {*reached, *every_study}])
        rows = []
        for member, how in reached.items():
            info = shown[member]
            identifier = info.id
            rows.append(
                {
                    "id": identifier,
                    "kind": "Theme",
                    "label": choose_text(info.labels, lang) or identifier,
                    "study": _ID_SEPARATOR.join(sorted(shown[s].id for s in studies[member])),
                    "fields": "mapping",
                    "hit": f"{how['joined']} "
                    + _ID_SEPARATOR.join(sorted(how["by"], key=natural_key)),
                    "part_of": "",
                    "score": how["score"],
                    "iri": member,
                }
            )
        return rows

    def _other_labels(self, nodes: list[URIRef], shows: dict[str, _Show], lang: str) -> None:
        """Labels in another language for the nodes that lack one in ``lang``."""
        labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for node, field, value, language in self._strings_each(
            named_query("search-nodes"), "node", nodes
        ):
            if field == "label" and node is not None and value is not None:
                labels[node].append((value, language or ""))
        for node, found in labels.items():
            label = choose_text(found, lang)
            if label:
                shows[node].labels.add(label)
