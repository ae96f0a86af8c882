"""``confidence``: how much to trust each finding (GRADE-CERQual), beside what the graph
can count of the data behind it."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ..errors import QueryParameterError
from ..labels import value_words
from ..sparql import named_query
from .base import Base, column_frame, natural_key
from .collection import shown_each, term_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COMPONENTS",
    "CONFIDENCE_COLUMNS",
    "LEVELS",
    "Confidence",
    "confidence_rank",
    "level_rank",
]

_CIMO = "https://w3id.org/cimo-graph/ontology#"
#: The four GRADE-CERQual components: the column of each, and its term.
COMPONENTS = {
    "methodological_limitations": f"{_CIMO}methodologicalLimitations",
    "coherence": f"{_CIMO}coherence",
    "adequacy": f"{_CIMO}adequacyOfData",
    "relevance": f"{_CIMO}relevance",
}
#: The levels of overall confidence, highest first, and the words that name each.
LEVELS = {
    f"{_CIMO}highConfidence": ("high", "high confidence", "hoog", "hoog vertrouwen"),
    f"{_CIMO}moderateConfidence": ("moderate", "moderate confidence", "matig", "matig vertrouwen"),
    f"{_CIMO}lowConfidence": ("low", "low confidence", "laag", "laag vertrouwen"),
    f"{_CIMO}veryLowConfidence": (
        "very low",
        "very low confidence",
        "zeer laag",
        "zeer laag vertrouwen",
    ),
}
#: The columns of :meth:`Confidence.confidence`.
CONFIDENCE_COLUMNS = [
    "study",
    "finding",
    "label",
    "statement",
    *(f"{c}{suffix}" for c in COMPONENTS for suffix in ("", "_explanation")),
    "confidence",
    "confidence_explanation",
    "studies",
    "assessed_by",
    "assessed_on",
    "contributing_studies",
    "elements",
    "passages",
    "quotes",
    "voices",
    "voiced_by",
    "related",
    "assessment",
    "iri",
]


def confidence_rank(word: str) -> int:
    """How high a level of confidence is: 3 for high ... 0 for very low, from its word in
    English or Dutch (``"moderate"``, ``"matig vertrouwen"``); a word that names none
    raises :class:`~cimo_graph.QueryParameterError` naming the words it takes.

    >>> confidence_rank("moderate"), confidence_rank("zeer laag")
    (2, 0)
    """
    wanted = " ".join(str(word).lower().split())
    for rank, words in zip((3, 2, 1, 0), LEVELS.values(), strict=True):
        if wanted in words:
            return rank
    raise QueryParameterError(
        f"min_confidence={word!r}: give one of high, moderate, low, very low "
        "(hoog, matig, laag, zeer laag)"
    )


def level_rank(level: str | None) -> int:
    """How high a level of confidence (the ontology's term) is: 3 for high ... 0 for very
    low, -1 for none."""
    return _RANKS.get(level or "", -1)


class Confidence(Base):
    """``confidence``."""

    def confidence(self, *, lang: str = "en", min_confidence: str | None = None) -> pd.DataFrame:
        """Each finding (design proposition or configuration) with its GRADE-CERQual
        assessment where it has one, beside what the graph counts of the data behind it.

        The assessment (the template's ``confidence`` sheet): the finding as stated, each
        component's level of concern and its explanation, the overall ``confidence`` and
        its explanation, the contributing ``studies``, who assessed it and when. The
        counts, for judging adequacy and coherence (the judgement stays the assessors'):
        ``contributing_studies``, the finding's ``elements`` (itself and its parts), the
        distinct ``passages`` they cite, the ``quotes`` that support them, the ``voices``
        behind them (roles, organisations and sources that support them, roles quotes are
        attributed to; ``voiced_by`` names them) and the findings of other studies it is
        ``related`` to (``confirms CMO4``, ``qualified by EJ2``); ``assessment`` and
        ``iri`` are the assessment's and the finding's IRIs. A finding not assessed
        has empty assessment columns; ``min_confidence="moderate"`` keeps the findings
        assessed at that level or higher.

        >>> from cimo_graph.authoring import example_path
        >>> row = cg.load(example_path()).confidence().iloc[0]
        >>> row["finding"], row["adequacy"], row["confidence"], int(row["quotes"])
        ('PC', 'moderate concerns', 'moderate confidence', 1)
        """
        least = confidence_rank(min_confidence) if min_confidence is not None else None
        evidence = self._strings(named_query("finding-evidence"), {})
        assessed = self._strings(named_query("confidence-assessments"), {})
        judged = self._strings(named_query("confidence-components"), {})
        links = self._strings(named_query("finding-links"), {})
        nodes = {row[0] for row in evidence} | {row[1] for row in evidence}
        nodes |= {v for row in evidence if row[6] for v in row[6].split(" ")}
        nodes |= {row[1] for row in assessed} | {row[6] for row in assessed if row[5] == "study"}
        nodes |= {n for row in links for n in (row[1], row[3])}
        shown = shown_each(self._strings_each, [term_of(n) for n in nodes if n])
        words = value_words(("ConcernLevel", "ConfidenceLevel"), lang)

        def name(node: str | None) -> str:
            """A node's id where the graph holds it, else its IRI (another study's)."""
            if not node:
                return ""
            entry = shown.get(node)
            return entry.id if entry is not None and entry.ids else node

        rows: dict[str, dict[str, Any]] = {}
        for finding, study, elements, passages, quotes, voices, voiced in evidence:
            if finding is None:
                continue
            entry = shown.get(finding)
            rows[finding] = {
                "iri": finding,
                "study": name(study),
                "finding": name(finding),
                "label": entry.label(lang) if entry is not None else name(finding),
                "elements": int(elements or 0),
                "passages": int(passages or 0),
                "quotes": int(quotes or 0),
                "voices": int(voices or 0),
                "voiced_by": "; ".join(
                    sorted({name(v) for v in (voiced or "").split(" ") if v}, key=natural_key)
                ),
            }
        related: dict[str, set[str]] = defaultdict(set)
        passive = {
            "confirms": "confirmed by",
            "qualifies": "qualified by",
            "disputes": "disputed by",
        }
        for _, finding, relation, other, *_ in links:
            if finding is None or relation is None or other is None:
                continue
            verb = relation.rsplit("#", 1)[-1]
            related[finding].add(f"{verb} {name(other)}")
            related[other].add(f"{passive.get(verb, verb)} {name(finding)}")
        texts: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
        facts: dict[str, dict[str, Any]] = {}
        for assessment, finding, _, level, date, field, value, tag, given in assessed:
            if assessment is None:
                continue
            fact = facts.setdefault(
                assessment,
                {"finding": finding, "level": level, "date": date, "studies": set(), "by": set()},
            )
            if field == "study" and value:
                fact["studies"].add(value)
            elif field == "assessor" and value:
                fact["by"].add(f"{value}, {given}" if given else value)
            elif field in ("statement", "explanation") and value is not None:
                texts[assessment][field].append((value, tag or ""))
        for assessment, component, concern, explanation, tag in judged:
            if assessment is None or component is None:
                continue
            texts[assessment][f"{component} level"].append((concern or "", ""))
            if explanation is not None:
                texts[assessment][component].append((explanation, tag or ""))
        from ..labels import choose_text

        for assessment, fact in facts.items():
            finding = fact["finding"]
            row = rows.setdefault(
                finding or assessment, {"finding": name(finding), "iri": finding or ""}
            )
            said = texts[assessment]
            row.update(
                {
                    "statement": choose_text(said["statement"], lang) or "",
                    "confidence": words.get(fact["level"] or "", ""),
                    "confidence_explanation": choose_text(said["explanation"], lang) or "",
                    "studies": "; ".join(
                        sorted((name(s) for s in fact["studies"]), key=natural_key)
                    ),
                    "contributing_studies": len(fact["studies"]),
                    "assessed_by": "; ".join(sorted(fact["by"])),
                    "assessed_on": fact["date"] or "",
                    "assessment": assessment,
                    "rank": level_rank(fact["level"]),
                }
            )
            for column, term in COMPONENTS.items():
                levels = [level for level, _ in said[f"{term} level"] if level]
                row[column] = words.get(levels[0], "") if levels else ""
                row[f"{column}_explanation"] = choose_text(said[term], lang) or ""
        table = []
        for finding, row in rows.items():
            if least is not None and row.get("rank", -1) < least:
                continue
            row["related"] = "; ".join(sorted(related.get(finding, ())))
            table.append(row)
        table.sort(key=lambda r: (r.get("study", ""), natural_key(r.get("finding", ""))))
        counts = {"contributing_studies", "elements", "passages", "quotes", "voices"}
        return column_frame(
            {c: [r.get(c, 0 if c in counts else "") for r in table] for c in CONFIDENCE_COLUMNS}
        )


#: The rank of each level of confidence, by its term.
_RANKS = {term: rank for rank, term in zip((3, 2, 1, 0), LEVELS, strict=True)}
