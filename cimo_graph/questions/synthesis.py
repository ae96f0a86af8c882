"""``patterns``: what recurs across studies, and where the same cause meets different ends;
``matrix``: the coded elements by theme, study and kind, with the passages behind each
count."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import QueryParameterError
from ..sparql import named_query
from .base import Base, check_mappings, column_frame, mapped_groups, natural_key
from .collection import joined_ids, shown_each, term_of

if TYPE_CHECKING:
    import pandas as pd

    from ..views.figures import CimoFigure

__all__ = ["AXES", "PATTERN_COLUMNS", "STEPS", "Matrix", "Synthesis"]

#: The steps a pattern may take: (kind it starts from, kind it leads to).
STEPS = {
    "mechanism-outcome": ("mechanism", "outcome"),
    "intervention-mechanism": ("intervention", "mechanism"),
    "intervention-outcome": ("intervention", "outcome"),
}
#: The columns of :meth:`Synthesis.patterns`.
PATTERN_COLUMNS = [
    "from_theme",
    "from_label",
    "to_theme",
    "to_label",
    "studies",
    "study",
    "configurations",
    "contexts",
    "evidence",
    "passages",
    "contrasts",
    "findings",
    "mapping",
]


@dataclass
class _Pattern:
    """What the configurations of one pattern hold, gathered row by row."""

    studies: set[str] = field(default_factory=set)
    configurations: set[tuple[str, str, str, str, str]] = field(default_factory=set)
    contexts: set[str] = field(default_factory=set)
    elements: set[str] = field(default_factory=set)
    themes: set[str] = field(default_factory=set)


class Synthesis(Base):
    """``patterns``, ``findings``, ``matrix``."""

    def patterns(
        self,
        of: str = "mechanism-outcome",
        *,
        mappings: str = "exact",
        least: int = 2,
        lang: str = "en",
        min_confidence: str | None = None,
    ) -> pd.DataFrame:
        """Patterns that recur across studies: a mechanism carrying one theme that leads to
        an outcome carrying another (``of="mechanism-outcome"``; also
        ``"intervention-mechanism"`` and ``"intervention-outcome"``), in ``least`` studies
        or more, with the themes the graph's mappings make one counted as one
        (``mappings=`` as :meth:`compare_studies` takes it).

        A configuration leads from one element to the other where it states the link
        (``activates``, ``leads_to``; for interventions to outcomes, through a mechanism),
        or, where it states no link of that step, as a whole (every element of the one
        kind to every element of the other). Each row: the two themes, the studies and
        configurations (``study: proposition (from → to, stated|proposition)``) in which
        the pattern holds, their contexts, the number of elements behind it
        (``evidence``) with their source texts (``passages``), the other themes the same
        starting theme leads to in those studies (``contrasts``: the same cause meeting
        different ends), the links the studies state between its findings and others
        (``findings``: ``EJ1 confirms CMO4``, see :meth:`findings`), and the mappings that
        joined the themes. ``min_confidence="moderate"`` counts only the configurations
        assessed (GRADE-CERQual, see :meth:`confidence`) at that level or higher.

        >>> studies = "tests/data/studies/"
        >>> kg = cg.load(["data/leernetwerken.ttl", studies + "blended-review.yaml",
        ...     studies + "widening-access.yaml", studies + "eerstejaars-nl.yaml"],
        ...     mappings=["tests/data/mappings/three-studies.sssom.tsv",
        ...               "tests/data/mappings/eerstejaars.sssom.tsv"])
        >>> found = kg.patterns()
        >>> found[["from_theme", "to_theme", "studies", "study"]].values.tolist()[0]
        ['belonging', 'retention', 2, 'eerstejaars; widening-access']
        """
        if of not in STEPS:
            raise QueryParameterError(
                f"patterns(of={of!r}): use {', '.join(repr(step) for step in STEPS)}"
            )
        check_mappings(mappings)
        start, end = STEPS[of]
        clusters = self._theme_clusters(mappings)
        concept = {theme: group for theme, (group, _) in clusters.items()}
        themes: dict[str, set[str]] = defaultdict(set)
        ids: dict[str, str] = {}
        for theme, theme_id, node, node_id, _, study, study_id in self._strings(
            named_query("listing-mentions"), {}
        ):
            themes[node].add(theme)
            for iri, known in ((theme, theme_id), (node, node_id), (study, study_id)):
                if known is not None and (iri not in ids or known < ids[iri]):
                    ids[iri] = known
        parts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for whole, whole_kind, part, kind, *_ in self._strings(named_query("parts"), {}):
            if whole_kind == "proposition" and kind is not None:
                parts[whole][kind].add(part)
        links: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for whole, source, target in self._strings(named_query("stated-links"), {}):
            links[whole].add((source, target))
        studies = {
            node: study
            for study, node, *_ in self._strings(named_query("align-concepts"), {})
            if study is not None
        }
        found: dict[tuple[str, str], _Pattern] = defaultdict(_Pattern)
        confident = self._confident(min_confidence)
        if confident is not None:  # only configurations assessed at that level or higher
            kept = {iri for iri, _, _ in confident}
            parts = {whole: held for whole, held in parts.items() if whole in kept}
        for whole, held in parts.items():
            for source, target, link in _steps(held, links[whole], start, end):
                study = studies.get(source) or studies.get(target)
                if study is None:
                    continue
                for from_theme in themes.get(source, ()):
                    for to_theme in themes.get(target, ()):
                        key = (concept.get(from_theme, from_theme), concept.get(to_theme, to_theme))
                        pattern = found[key]
                        pattern.studies.add(study)
                        pattern.configurations.add((study, whole, source, target, link))
                        pattern.contexts |= held.get("context", set())
                        pattern.elements |= {source, target}
                        pattern.themes |= {from_theme, to_theme}
        patterns = {key: p for key, p in found.items() if len(p.studies) >= least}
        stated = [
            (finding, relation.rsplit("#", 1)[-1], other)
            for _, finding, relation, other, *_ in self._strings(named_query("finding-links"), {})
            if finding is not None and relation is not None and other is not None
        ]
        return self._pattern_frame(patterns, found, ids, clusters, lang, stated)

    def findings(self, *, lang: str = "en") -> pd.DataFrame:
        """The links the studies state between their findings and those of other studies
        (the template's ``findings`` sheet): which finding (a proposition or one of its
        elements) confirms, qualifies or disputes which, with the evidence and a note.
        ``other`` is the other finding's id where the graph holds its study, else its
        IRI.

        >>> kg = cg.load("tests/data/studies/eerstejaars-nl.yaml")
        >>> kg.findings()[["finding", "relation", "other"]].values.tolist()[0]
        ['EJ1', 'confirms', 'https://example.org/cimo-study/widening-access/CMO4']
        """
        from ..labels import choose_text

        rows = self._strings(named_query("finding-links"), {})
        nodes = {n for row in rows for n in (row[1], row[3], row[6], row[7]) if n}
        shown = shown_each(self._strings_each, [term_of(node) for node in nodes])
        gathered: dict[str, dict[str, Any]] = {}
        texts: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(
            lambda: {"evidence": [], "note": []}
        )
        for link, finding, relation, other, evidence, note, study, other_study in rows:
            if link is None or finding is None or relation is None or other is None:
                continue
            gathered[link] = {
                "study": _shown_id(shown, study) if study else "",
                "finding": _shown_id(shown, finding),
                "relation": relation.rsplit("#", 1)[-1],
                "other": _shown_id(shown, other) if other_study else other,
                "other_study": _shown_id(shown, other_study) if other_study else "",
                "iri": link,
            }
            for name, text in (("evidence", evidence), ("note", note)):
                if text is not None and text not in [t for t, _ in texts[link][name]]:
                    texts[link][name].append((text, ""))
        table = []
        for link, row in gathered.items():
            table.append(
                {
                    **row,
                    "evidence": choose_text(texts[link]["evidence"], lang) or "",
                    "note": choose_text(texts[link]["note"], lang) or "",
                }
            )
        table.sort(key=lambda r: (r["study"], natural_key(r["finding"]), r["relation"], r["other"]))
        columns = [
            "study",
            "finding",
            "relation",
            "other",
            "other_study",
            "evidence",
            "note",
            "iri",
        ]
        return column_frame({c: [row[c] for row in table] for c in columns})

    def matrix(
        self,
        rows: str = "theme",
        columns: str = "study",
        *,
        kinds: str | Iterable[str] | None = None,
        mappings: str = "exact",
        lang: str = "en",
    ) -> Matrix:
        """A matrix of the coded elements (those carrying a theme) by two of ``"theme"``,
        ``"study"`` and ``"kind"``: how many of them each cell holds, and which, with
        their source texts (:meth:`Matrix.passages`), as NVivo's matrix coding query and
        MAXQDA's code matrix have it; :meth:`Matrix.figure` draws it as a heatmap.
        ``kinds`` keeps some kinds of element (``"mechanism"``, ...); themes a mapping
        makes one are one row (``mappings=`` as :meth:`compare_studies` takes it), shown
        by the id of one labelled in ``lang``.

        >>> m = cg.load().matrix(rows="theme", columns="kind")
        >>> int(m.counts.loc["feedback", "mechanism"])
        3
        """
        import pandas as pd

        for axis in (rows, columns):
            if axis not in AXES:
                raise QueryParameterError(
                    f"matrix: {axis!r} is not an axis; use {', '.join(map(repr, AXES))}"
                )
        if rows == columns:
            raise QueryParameterError(f"matrix: rows and columns are both {rows!r}")
        check_mappings(mappings)
        wanted = {kinds} if isinstance(kinds, str) else set(kinds) if kinds else None
        clusters = self._theme_clusters(mappings)
        mentions = [
            row
            for row in self._strings(named_query("listing-mentions"), {})
            if wanted is None or row[4] in wanted
        ]
        in_group = mapped_groups(clusters)
        themes = {row[0] for row in mentions}
        nodes = themes | {m for t in themes for m in in_group.get(clusters.get(t, (t,))[0], [])}
        nodes |= {row[2] for row in mentions} | {row[5] for row in mentions}
        shown = shown_each(self._strings_each, [term_of(node) for node in nodes])

        def ident(node: str) -> str:
            info = shown.get(node)
            if info is not None and info.ids:
                return sorted(info.ids, key=natural_key)[0]
            return node.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

        def theme_of(theme: str) -> str:
            group = clusters.get(theme, (theme,))[0]
            return ident(_labelled_first(in_group.get(group, [theme]), shown, lang))

        def value(axis: str, row: list[str | None]) -> str:
            theme, _, _, _, kind, study, _ = row
            if axis == "theme":
                return theme_of(str(theme))
            return ident(str(study)) if axis == "study" else str(kind)

        from ..labels import choose_text

        cells = []
        for row in mentions:
            node = str(row[2])
            info = shown.get(node)
            cells.append(
                {
                    "row": value(rows, row),
                    "column": value(columns, row),
                    "id": ident(node),
                    "label": (choose_text(info.labels, lang) or "") if info else "",
                    "kind": row[4],
                    "study": ident(str(row[5])),
                    "source_text": " | ".join(sorted({t for t, _ in info.source_texts}))
                    if info
                    else "",
                    "iri": node,
                }
            )
        frame = pd.DataFrame(
            cells,
            columns=["row", "column", "id", "label", "kind", "study", "source_text", "iri"],
        ).drop_duplicates(["row", "column", "iri"])
        frame = frame.sort_values(
            ["row", "column", "id"], key=lambda c: c.map(natural_key)
        ).reset_index(drop=True)
        counts = pd.crosstab(frame["row"], frame["column"]) if len(frame) else pd.DataFrame()
        counts = counts.rename_axis(index=rows, columns=columns)
        return Matrix(counts, frame, rows, columns)

    def _pattern_frame(
        self,
        kept: dict[tuple[str, str], _Pattern],
        found: dict[tuple[str, str], _Pattern],
        ids: dict[str, str],
        clusters: dict[str, tuple[str, str]],
        lang: str,
        links: list[tuple[str, str, str]],
    ) -> pd.DataFrame:
        """The rows of :meth:`patterns`, surest (most studies, most evidence) first."""
        from ..labels import choose_text

        in_group = mapped_groups(clusters)
        nodes = {n for p in kept.values() for n in p.elements | p.contexts}
        nodes |= {m for key in found for group in key for m in in_group.get(group, [group])}
        nodes |= {t for key in kept for t in key} | {t for p in kept.values() for t in p.themes}
        nodes |= {c[1] for p in kept.values() for c in p.configurations}
        nodes |= {n for finding, _, other in links for n in (finding, other)}
        shown = shown_each(self._strings_each, [term_of(node) for node in nodes])

        def ident(node: str) -> str:
            info = shown.get(node)
            if info is not None and info.ids:
                return sorted(info.ids, key=natural_key)[0]
            return ids.get(node) or node.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

        def label(node: str) -> str:
            info = shown.get(node)
            return (choose_text(info.labels, lang) or "") if info is not None else ""

        def shown_theme(group: str) -> str:
            return _labelled_first(in_group.get(group, [group]), shown, lang)

        rows: list[dict[str, Any]] = []
        for (start, end), pattern in kept.items():
            from_theme, to_theme = shown_theme(start), shown_theme(end)
            others = {
                key[1]
                for key, other in found.items()
                if key[0] == start and key[1] != end and other.studies & pattern.studies
            }
            joined = sorted(
                t for t in pattern.themes if t not in (from_theme, to_theme) and t in clusters
            )
            held = pattern.elements | {c[1] for c in pattern.configurations}
            stated = sorted(
                {
                    f"{ident(finding)} {relation} {ident(other)}"
                    for finding, relation, other in links
                    if finding in held or other in held
                },
                key=natural_key,
            )
            texts = []
            for node in sorted(pattern.elements, key=lambda n: natural_key(ident(n))):
                info = shown.get(node)
                for text in sorted({t for t, _ in info.source_texts}) if info else ():
                    texts.append(f"{ident(node)}: {text}")
            rows.append(
                {
                    "from_theme": ident(from_theme),
                    "from_label": label(from_theme),
                    "to_theme": ident(to_theme),
                    "to_label": label(to_theme),
                    "studies": len(pattern.studies),
                    "study": joined_ids({ident(s) for s in pattern.studies}),
                    "configurations": "; ".join(
                        sorted(
                            f"{ident(study)}: {ident(whole)} ({ident(a)} → {ident(b)}, {link})"
                            for study, whole, a, b, link in pattern.configurations
                        )
                    ),
                    "contexts": joined_ids({ident(c) for c in pattern.contexts}),
                    "evidence": len(pattern.elements),
                    "passages": " | ".join(texts),
                    "contrasts": joined_ids({ident(shown_theme(o)) for o in others}),
                    "findings": "; ".join(stated),
                    "mapping": (
                        f"{_how(joined, clusters)} {joined_ids({ident(t) for t in joined})}"
                        if joined
                        else ""
                    ),
                }
            )
        rows.sort(key=lambda r: (-r["studies"], -r["evidence"], r["from_theme"], r["to_theme"]))
        return column_frame({c: [row[c] for row in rows] for c in PATTERN_COLUMNS})


def _shown_id(shown: dict[str, Any], node: str) -> str:
    """A node's id as shown (its first identifier, else its local name)."""
    info = shown.get(node)
    return info.id if info is not None else node.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _labelled_first(members: list[str], shown: dict[str, Any], lang: str) -> str:
    """The theme a group is shown by: one labelled in ``lang``, the first such by IRI."""
    return min(members, key=lambda m: (not _has_label(shown.get(m), lang), m))


def _has_label(info: object, lang: str) -> bool:
    """Whether a node's labels (as :class:`.collection.Shown` holds them) include ``lang``."""
    labels = getattr(info, "labels", None) or []
    return any(tag.split("-")[0] == lang for _, tag in labels)


def _how(themes: list[str], clusters: dict[str, tuple[str, str]]) -> str:
    how = {clusters[theme][1] for theme in themes}
    return "skos:closeMatch" if "skos:closeMatch" in how else "skos:exactMatch"


def _steps(
    held: dict[str, set[str]], links: set[tuple[str, str]], start: str, end: str
) -> list[tuple[str, str, str]]:
    """The (from, to, link) pairs one configuration leads along from ``start`` to ``end``
    elements: its stated links where it states any of that step, else every pair."""
    froms, tos = held.get(start, set()), held.get(end, set())
    if start == "intervention" and end == "outcome":
        mechanisms = held.get("mechanism", set())
        first = {(a, m) for a, m in links if a in froms and m in mechanisms}
        second = {(m, o) for m, o in links if m in mechanisms and o in tos}
        if first and second:
            return sorted({(a, o, "stated") for a, m in first for n, o in second if m == n})
        return [(a, o, "proposition") for a in sorted(froms) for o in sorted(tos)]
    stated = {(a, b) for a, b in links if a in froms and b in tos}
    if stated:
        return [(a, b, "stated") for a, b in sorted(stated)]
    return [(a, b, "proposition") for a in sorted(froms) for b in sorted(tos)]


#: What a matrix's rows and columns may be.
AXES = ("theme", "study", "kind")


@dataclass
class Matrix:
    """A matrix of counts, as coding tools have it (NVivo's matrix coding query, MAXQDA's
    code matrix): ``counts`` (rows by columns: how many elements carry the theme, belong
    to the study, are of the kind), and ``cells``, the elements behind every count, one a
    row with its source text. :meth:`passages` gives one cell's; :meth:`figure` draws the
    counts as a heatmap."""

    counts: pd.DataFrame
    cells: pd.DataFrame
    rows: str
    columns: str

    def passages(self, row: str, column: str) -> pd.DataFrame:
        """The elements behind one cell, with their source texts.

        >>> m = cg.load().matrix(rows="theme", columns="kind")
        >>> m.passages("feedback", "mechanism")["id"].tolist()
        ['C-M5', 'C-M6', 'W-M2']
        """
        if row not in self.counts.index or column not in self.counts.columns:
            from ..errors import UnknownNameError

            missing, known = (
                (row, list(self.counts.index))
                if row not in self.counts.index
                else (column, list(self.counts.columns))
            )
            import difflib

            raise UnknownNameError(
                missing, difflib.get_close_matches(missing, known, n=3, cutoff=0.5)
            )
        chosen = (self.cells["row"] == row) & (self.cells["column"] == column)
        return self.cells[chosen].reset_index(drop=True)

    def figure(self, *, title: str | None = None, width: float | None = None) -> CimoFigure:
        """The counts as a heatmap for a paper (greys that print; counts in the cells)."""
        from ..views.matrix import heatmap

        return heatmap(
            self.counts,
            title=title,
            row_title=self.rows,
            column_title=self.columns,
            width=width,
        )

    def _repr_html_(self) -> str:
        return self.counts._repr_html_()  # type: ignore[operator,no-any-return]  # no stub

    def __repr__(self) -> str:
        return f"<Matrix {self.rows} by {self.columns}:\n{self.counts.to_string()}>"
