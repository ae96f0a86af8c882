"""The studies a graph holds: their counts, their themes compared, their references."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from ..labels import choose_label, choose_text
from ..lookup import local_names
from ..namespace import CIMO
from ..sparql import named_query
from .base import (
    Base,
    _frame,
    column_frame,
    one_lookup,
)
from .collection import Shown, Text, joined_ids, shown_nodes, term_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Studies"]


class Studies(Base):
    """``studies``, ``compare_studies``, ``cite``."""

    @one_lookup
    def studies(self, *, lang: str = "en") -> pd.DataFrame:
        """The studies in the graph: id, title, and how many propositions, pillars,
        interventions, mechanisms and outcomes each holds.

        >>> cg.load().studies()[["id", "propositions", "interventions"]].values.tolist()
        [['leernetwerken', 2, 12]]
        """
        shown = shown_nodes(self._strings, CIMO.Study, "listing-heads")
        counts: dict[str, dict[str, int]] = {study: {} for study in shown}
        rows = self._strings(named_query("studies"), {})
        # each class's name, found once
        classes = local_names({cls for _, cls, _ in rows if cls is not None})
        for study, cls, count in rows:
            if cls is not None:
                counts.setdefault(study, {})[classes[cls]] = int(count or 0)
        table = []
        for study, by_class in counts.items():
            entry = shown.get(study) or Shown(study)
            table.append(
                {
                    "id": entry.id,
                    "title": choose_text(entry.titles, lang) or entry.label(lang),
                    "propositions": by_class.get("DesignProposition", 0),
                    "pillars": by_class.get("Pillar", 0),
                    "interventions": by_class.get("Intervention", 0),
                    "mechanisms": by_class.get("Mechanism", 0),
                    "outcomes": by_class.get("Outcome", 0),
                    "elements": sum(by_class.values()),
                    "iri": study,
                }
            )
        table.sort(key=lambda r: (r["id"], r["iri"]))
        return _frame(
            table,
            [
                "id",
                "title",
                "propositions",
                "pillars",
                "interventions",
                "mechanisms",
                "outcomes",
                "elements",
                "iri",
            ],
        )

    @one_lookup
    def compare_studies(self, *, lang: str = "en", mappings: str = "exact") -> pd.DataFrame:
        """Themes across studies: for each theme (matched by id) and each study that has
        it, the interventions (and pillar means), mechanisms and outcomes (and added
        values and aims) carrying it. ``studies`` counts the studies sharing the theme:
        above 1 it recurs, 1 marks where studies differ.

        Themes that the graph's mappings make one concept
        (:meth:`~cimo_graph.CimoGraph.add_mappings`) are one theme here, shown by the id
        of the first of them: exact matches for ``mappings="exact"`` (the default), close
        ones too for ``"close"``, none for ``"none"``. ``mapping`` names, for a study's
        row, its own themes that a mapping joined to the one shown
        (``skos:exactMatch verbondenheid``).

        >>> cg.load().compare_studies().set_index("theme").loc["feedback", "mechanisms"]
        'C-M5; C-M6; W-M2'
        """
        groups = {
            "intervention": "interventions",
            "means": "interventions",
            "mechanism": "mechanisms",
            "outcome": "outcomes",
            "added value": "outcomes",
            "aim": "outcomes",
        }
        # each node's id (its first, as id_of chooses), found as the rows are read; the
        # local name of each that has none
        shown_id: dict[str, str] = {}
        rows = self._strings(named_query("listing-mentions"), {})
        for theme, theme_id, node, node_id, _, study, study_id in rows:
            for iri, known in ((theme, theme_id), (node, node_id), (study, study_id)):
                if known is not None and (iri not in shown_id or known < shown_id[iri]):
                    shown_id[iri] = known
        named = {iri for row in rows for iri in (row[0], row[2], row[5])}
        shown_id.update(local_names(iri for iri in named if not shown_id.get(iri)))
        # a theme joined to others by the mappings is shown as the first of them read here
        clusters = self._theme_clusters(mappings)
        shown_as: dict[str, str] = {}
        for theme in sorted({row[0] for row in rows}):
            group = clusters.get(theme, (theme, ""))[0]
            shown_as[theme] = shown_as.setdefault(group, theme)
        cells: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        themes: dict[str, set[str]] = defaultdict(set)
        joined: dict[tuple[str, str], set[str]] = defaultdict(set)
        for theme, _, node, _, kind, study, _ in rows:
            key = shown_id[shown_as[theme]]
            themes[key].add(theme)
            cells[key, shown_id[study]][groups[kind]].add(shown_id[node])
            if shown_as[theme] != theme and shown_id[theme] != key:
                joined[key, shown_id[study]].add(theme)
        # each theme id is labelled as its first concept (by IRI) is: only those are read
        first = {theme: min(iris) for theme, iris in themes.items()}
        found: dict[str, list[Text]] = defaultdict(list)
        query = named_query("listing-theme-labels")
        for concept, label, tag in self._strings_each(query, "theme", map(term_of, first.values())):
            found[concept].append((label, tag or ""))
        labels = {}
        for theme, iri in first.items():
            label = choose_text(found[iri], lang)
            labels[theme] = theme if label is None else label
        sharing = defaultdict(set)
        for theme, study in cells:
            sharing[theme].add(study)
        order = sorted(cells, key=lambda cell: (-len(sharing[cell[0]]), cell))

        def ids_of(cell: tuple[str, str], group: str) -> str:
            found = cells[cell].get(group)
            return joined_ids(found) if found else ""

        columns: dict[str, list[Any]] = {
            "theme": [theme for theme, _ in order],
            "label": [labels[theme] for theme, _ in order],
            "study": [study for _, study in order],
            "interventions": [ids_of(cell, "interventions") for cell in order],
            "mechanisms": [ids_of(cell, "mechanisms") for cell in order],
            "outcomes": [ids_of(cell, "outcomes") for cell in order],
            "mapping": [_joined(cell, joined, clusters, shown_id) for cell in order],
            "studies": [len(sharing[theme]) for theme, _ in order],
        }
        return column_frame(columns)

    @one_lookup
    def cite(
        self, work: str | URIRef | None = None, *, format: str = "text", lang: str = "en"
    ) -> str:
        """The study's reference (or that of a work it cites, by id), as a formatted
        citation (``format="text"``) or as BibTeX (``format="bibtex"``).

        >>> print(cg.load().cite("struyven-2010", format="bibtex").splitlines()[1])
          author = {Struyven, K. and Dochy, F. and Janssens, S.},
        """
        if work is None:
            studies = self._select(named_query("studies"), {})
            target = sorted({r["study"] for r in studies}, key=str)[0]
        else:
            target = self._names().node(work)[0]
        rows = self._select(named_query("citation"), {"work": target})
        fields: dict[str, list[Any]] = defaultdict(list)
        authors: dict[Any, str] = {}
        after: dict[Any, Any] = {}
        parts: dict[str, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            if str(row["field"]) == "author":
                authors[row["cell"]] = str(row["value"])
                after[row["cell"]] = row.get("next")
            else:
                fields[str(row["field"])].append(row["value"])
                if row.get("part") is not None:
                    parts[str(row["field"])][row["part"]].append(row["value"])
        names = _in_list_order(authors, after)
        original = str(fields["language"][0]) if fields["language"] else lang
        title = str(choose_label(fields["title"], original) or "")
        translated = str(choose_label(fields["title"], lang) or "")
        year = str(fields["year"][0]) if fields["year"] else ""
        # each institution once, by its name (foaf:name) or else its label in ``lang``
        by_part = parts["institution_name"] or parts["institution"]
        institutions = [
            str(choose_label(by_part[part], lang) or "") for part in sorted(by_part, key=str)
        ]
        doi = str(fields["doi"][0]) if fields["doi"] else ""
        url = str(fields["url"][0]) if fields["url"] else ""
        key = (
            str(fields["identifier"][0]) if fields["identifier"] else self._names().display(target)
        )

        def one(name: str) -> str:
            return str(fields[name][0]) if fields[name] else ""

        journal, volume, issue, number = (
            one(name) for name in ("journal", "volume", "issue", "article_number")
        )
        pages = [one(k) for k in ("page_start", "page_end") if fields[k]]
        if format == "bibtex":
            entry = {
                "author": " and ".join(names),
                "title": title,
                "year": year,
                "journal": journal,
                "volume": volume,
                "number": issue,
                "pages": "--".join(pages),
                "eid": number,
                "doi": doi,
                "url": url,
            }
            kind = "article" if entry["journal"] else "techreport"
            if kind == "techreport":
                entry["institution"] = " and ".join(institutions)
            body = ",\n".join(f"  {name} = {{{value}}}" for name, value in entry.items() if value)
            return f"@{kind}{{{key},\n{body}\n}}"
        if format != "text":
            raise ValueError(f"format must be 'text' or 'bibtex', not {format!r}")
        if fields["citation"]:
            return str(fields["citation"][0])
        # APA: Family, G., Family, G., & Family, G. (Year). Title [Translation]. Publisher. DOI
        # or, for an article: ... Title. Journal, Volume(Issue), pages (or Article N). DOI
        who = _apa_authors(names) or "; ".join(institutions) or "Anonymous"
        translation = f" [{translated}]" if translated and translated != title else ""
        publisher = "; ".join(i for i in institutions if i != who)
        if journal:
            where = journal + (f", {volume}" if volume else "") + (f"({issue})" if issue else "")
            located = "\u2013".join(pages) or (f"Article {number}" if number else "")
            publisher = f"{where}, {located}" if located else where
        pieces = [
            _sentence(who),
            f"({year or 'n.d.'}).",
            _sentence(f"{title}{translation}"),
            _sentence(publisher) if publisher else "",
            f"https://doi.org/{doi}" if doi else url,
        ]
        return " ".join(piece for piece in pieces if piece)


def _apa_authors(names: list[str]) -> str:
    """Authors as APA lists them: ``A, B, & C``; two: ``A, & B``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _sentence(text: str) -> str:
    """``text`` ending in a full stop (an initial's own stop counts)."""
    text = text.strip()
    return text if not text or text.endswith((".", "?", "!")) else f"{text}."


def _joined(
    cell: tuple[str, str],
    joined: dict[tuple[str, str], set[str]],
    clusters: dict[str, tuple[str, str]],
    shown_id: dict[str, str],
) -> str:
    """The mapping that joined a study's own themes to the theme a row shows, or ``""``."""
    themes = joined.get(cell)
    if not themes:
        return ""
    how = {clusters[theme][1] for theme in themes}
    predicate = "skos:closeMatch" if "skos:closeMatch" in how else "skos:exactMatch"
    return f"{predicate} {joined_ids({shown_id[theme] for theme in themes})}"


def _in_list_order(values: dict[Any, str], after: dict[Any, Any]) -> list[str]:
    """The values of an RDF list's cells in the list's order: from the cell no other
    cell is followed by, along each cell's next (a broken list: the rest by cell)."""
    followed = {cell for cell in after.values() if cell is not None}
    ordered: list[str] = []
    seen: set[Any] = set()
    for start in sorted((c for c in values if c not in followed), key=str):
        cell = start
        while cell is not None and cell in values and cell not in seen:
            seen.add(cell)
            ordered.append(values[cell])
            cell = after.get(cell)
    ordered += [values[c] for c in sorted(values, key=str) if c not in seen]  # a cycle
    return ordered
