"""The studies a graph holds: their counts, their themes compared, their references."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.term import Node

from ..labels import choose_label
from ..lookup import local_name
from ..sparql import named_query
from .base import (
    Base,
    _frame,
    one_lookup,
)

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
        rows = self._select(named_query("studies"), {})
        counts: dict[Node, dict[str, int]] = defaultdict(dict)
        for row in rows:
            if row.get("class") is not None:
                counts[row["study"]][local_name(str(row["class"]))] = int(row["count"].toPython())
            else:
                counts.setdefault(row["study"], {})
        infos = self._annotate(counts, names_only=True)
        self._names().prefetch(counts)
        table = []
        for study, by_class in counts.items():
            table.append(
                {
                    "id": self._names().display(study),
                    "title": str(
                        choose_label(infos[study].titles, lang) or self._label(study, infos, lang)
                    ),
                    "propositions": by_class.get("DesignProposition", 0),
                    "pillars": by_class.get("Pillar", 0),
                    "interventions": by_class.get("Intervention", 0),
                    "mechanisms": by_class.get("Mechanism", 0),
                    "outcomes": by_class.get("Outcome", 0),
                    "elements": sum(by_class.values()),
                    "iri": str(study),
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
    def compare_studies(self, *, lang: str = "en") -> pd.DataFrame:
        """Themes across studies: for each theme (matched by id) and each study that has
        it, the interventions (and pillar means), mechanisms and outcomes (and added
        values and aims) carrying it. ``studies`` counts the studies sharing the theme:
        above 1 it recurs, 1 marks where studies differ.

        >>> cg.load().compare_studies().set_index("theme").loc["feedback", "mechanisms"]
        'C-M5; C-M6; W-M2'
        """
        rows = self._select(named_query("theme-mentions"), {})
        groups = {
            "intervention": "interventions",
            "means": "interventions",
            "mechanism": "mechanisms",
            "outcome": "outcomes",
            "added value": "outcomes",
            "aim": "outcomes",
        }
        infos = self._annotate(
            {r["node"] for r in rows} | {r["theme"] for r in rows}, names_only=True
        )
        for row in rows:  # theme-mentions says whose study each node is
            if row.get("study") is not None and row["study"] not in infos[row["node"]].studies:
                infos[row["node"]].studies.append(row["study"])
        self._names().prefetch(study for info in infos.values() for study in info.studies)
        cells: dict[tuple[str, str], dict[str, set[Node]]] = defaultdict(lambda: defaultdict(set))
        labels: dict[str, Node] = {}
        for row in rows:
            theme = self._id(row["theme"], infos)
            labels.setdefault(theme, row["theme"])
            for study in infos[row["node"]].studies:
                cells[(theme, self._names().display(study))][groups[str(row["kind"])]].add(
                    row["node"]
                )
        sharing = defaultdict(set)
        for theme, study in cells:
            sharing[theme].add(study)
        table = [
            {
                "theme": theme,
                "label": self._label(labels[theme], infos, lang),
                "study": study,
                "interventions": self._ids(found["interventions"], infos),
                "mechanisms": self._ids(found["mechanisms"], infos),
                "outcomes": self._ids(found["outcomes"], infos),
                "studies": len(sharing[theme]),
            }
            for (theme, study), found in cells.items()
        ]
        table.sort(key=lambda r: (-r["studies"], r["theme"], r["study"]))
        return _frame(
            table, ["theme", "label", "study", "interventions", "mechanisms", "outcomes", "studies"]
        )

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
        authors: list[tuple[float, str]] = []
        parts: dict[str, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            if str(row["field"]) == "author":
                authors.append((float(row["position"].toPython()), str(row["value"])))
            else:
                fields[str(row["field"])].append(row["value"])
                if row.get("part") is not None:
                    parts[str(row["field"])][row["part"]].append(row["value"])
        names = [name for _, name in sorted(authors)]
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
        if format == "bibtex":
            entry = {
                "author": " and ".join(names),
                "title": title,
                "year": year,
                "journal": str(fields["journal"][0]) if fields["journal"] else "",
                "volume": str(fields["volume"][0]) if fields["volume"] else "",
                "number": str(fields["issue"][0]) if fields["issue"] else "",
                "pages": "--".join(
                    str(fields[k][0]) for k in ("page_start", "page_end") if fields[k]
                ),
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
        who = _apa_authors(names) or "; ".join(institutions) or "Anonymous"
        translation = f" [{translated}]" if translated and translated != title else ""
        publisher = "; ".join(i for i in institutions if i != who)
        parts = [
            _sentence(who),
            f"({year or 'n.d.'}).",
            _sentence(f"{title}{translation}"),
            _sentence(publisher) if publisher else "",
            f"https://doi.org/{doi}" if doi else url,
        ]
        return " ".join(part for part in parts if part)


def _apa_authors(names: list[str]) -> str:
    """Authors as APA lists them: ``A, B, & C``; two: ``A, & B``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _sentence(text: str) -> str:
    """``text`` ending in a full stop (an initial's own stop counts)."""
    text = text.strip()
    return text if not text or text.endswith((".", "?", "!")) else f"{text}."
