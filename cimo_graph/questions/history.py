"""``history``: the trail of a finding across a study's iterations."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from ..errors import CimoGraphError
from ..labels import value_words
from ..sparql import named_query
from .base import Base, column_frame, natural_key
from .collection import shown_each, term_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["HISTORY_COLUMNS", "History"]

#: The columns of :meth:`History.history`.
HISTORY_COLUMNS = [
    "version",
    "label",
    "stage",
    "refines",
    "change",
    "result",
    "evidence",
    "evidence_text",
    "changed_by",
    "changed_on",
    "note",
    "study",
    "iri",
]


class History(Base):
    """``history``."""

    def history(self, finding: str | URIRef, *, lang: str = "en") -> pd.DataFrame:
        """The trail of a finding (a design proposition or configuration): every version
        of it, earliest first (the ones it refines and those that refine it,
        ``cimo:refines``), each with its theory stage and the steps recorded of it (the
        template's ``history`` sheet): what the evidence did (``confirmed``, ``refuted``,
        ``refined``, with the version a refinement gave as ``result``), the evidence (the
        elements' ids and the passage), who made the change, when, and a note. A version
        with no step recorded has one row with the change columns empty.

        >>> kg = cg.load("tests/data/studies/widening-access.yaml")
        >>> kg.history("CMO2")[["version", "change", "result", "changed_on"]].values.tolist()
        [['CMO1', 'refined', 'CMO2', '2026-03-01'], ['CMO2', 'confirmed', '', '2026-06-01']]
        """
        node, _ = self._names().node(finding)
        infos = self._annotate([node])
        if infos[node].kind != "DesignProposition":
            kind = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", infos[node].kind or "node").lower()
            article = "an" if kind[:1] in "aeiou" else "a"
            raise CimoGraphError(
                f"history({finding!r}): {self._id(node, infos)} is {article} {kind}; a trail "
                "is a finding's: a design proposition's or configuration's"
            )
        later: dict[str, set[str]] = defaultdict(set)
        earlier: dict[str, set[str]] = defaultdict(set)
        for after, before in self._strings(named_query("refinements"), {}):
            if after and before:
                later[before].add(after)
                earlier[after].add(before)
        versions = _trail(str(node), earlier, later)
        changes = self._changes(set(versions))
        nodes = set(versions) | {n for c in changes.values() for n in c["nodes"]}
        shown = shown_each(self._strings_each, [term_of(n) for n in nodes])
        studies = {s for v in versions if v in shown for s, _ in shown[v].studies}
        shown.update(shown_each(self._strings_each, [term_of(s) for s in studies]))
        stages = self._theory_stages(lang)  # type: ignore[attr-defined]
        from ..labels import choose_text

        def name(iri: str) -> str:
            entry = shown.get(iri)
            return entry.id if entry is not None and entry.ids else iri

        words = value_words(("ChangeKind",), lang)
        rows: list[dict[str, Any]] = []
        for version in versions:
            entry = shown.get(version)
            base = {
                "version": name(version),
                "label": entry.label(lang) if entry is not None else name(version),
                "stage": stages.get(version, ""),
                "refines": "; ".join(sorted((name(e) for e in earlier[version]), key=natural_key)),
                "study": name(entry.studies[0][0]) if entry is not None and entry.studies else "",
                "iri": version,
            }
            steps = sorted(
                (c for c in changes.values() if c["finding"] == version),
                key=lambda c: (c["date"] or "", c["kind"] or ""),
            )
            each: list[dict[str, Any] | None] = [*steps] or [None]
            for step in each:
                row = dict(base)
                if step is not None:
                    row.update(
                        {
                            "change": words.get(step["kind"] or "", ""),
                            "result": name(step["result"]) if step["result"] else "",
                            "evidence": "; ".join(
                                sorted((name(e) for e in step["evidence"]), key=natural_key)
                            ),
                            "evidence_text": choose_text(step["text"], lang) or "",
                            "changed_by": "; ".join(sorted(step["by"])),
                            "changed_on": step["date"] or "",
                            "note": choose_text(step["note"], lang) or "",
                        }
                    )
                rows.append(row)
        return column_frame({c: [r.get(c, "") for r in rows] for c in HISTORY_COLUMNS})

    def _changes(self, versions: set[str]) -> dict[str, dict[str, Any]]:
        """The steps recorded of ``versions``, by the change's IRI."""
        changes: dict[str, dict[str, Any]] = {}
        for change, finding, kind, result, date, field, value, tag, given in self._strings(
            named_query("theory-changes"), {}
        ):
            if change is None or finding not in versions:
                continue
            step = changes.setdefault(
                change,
                {
                    "finding": finding,
                    "kind": kind,
                    "result": result,
                    "date": date,
                    "evidence": set(),
                    "text": [],
                    "note": [],
                    "by": set(),
                    "nodes": {result} if result else set(),
                },
            )
            if value is None:
                continue
            if field == "evidence":
                step["evidence"].add(value)
                step["nodes"].add(value)
            elif field in ("text", "note"):
                if (value, tag or "") not in step[field]:
                    step[field].append((value, tag or ""))
            elif field == "by":
                step["by"].add(f"{value}, {given}" if given else value)
        return changes


def _trail(start: str, earlier: dict[str, set[str]], later: dict[str, set[str]]) -> list[str]:
    """Every version linked to ``start`` by refinements, earlier ones first (then by IRI)."""
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for other in earlier[node] | later[node]:
            if other not in seen:
                seen.add(other)
                frontier.append(other)
    depth: dict[str, int] = {}

    def level(node: str, path: frozenset[str] = frozenset()) -> int:
        if node not in depth:
            before = [e for e in earlier[node] if e in seen and e not in path]
            depth[node] = 1 + max((level(e, path | {node}) for e in before), default=-1)
        return depth[node]

    return sorted(seen, key=lambda n: (level(n), natural_key(n)))
