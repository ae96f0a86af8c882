"""The listings of one study or a collection: propositions, pillars, roles,
recommendations, themes and the propositions stated as sentences."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from rdflib.term import Node

from ..errors import CimoGraphError
from ..sentences import proposition_sentence
from ..sparql import named_query
from .base import (
    _ID_SEPARATOR,
    _TEXT_SEPARATOR,
    Base,
    _frame,
    natural_key,
    one_lookup,
    per_study,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Listings"]


class Listings(Base):
    """One row per proposition, pillar, role, recommendation, theme."""

    @per_study
    @one_lookup
    def propositions(self, *, lang: str = "en") -> pd.DataFrame:
        """The design propositions with their context, interventions, mechanisms, outcomes,
        added value and themes.

        >>> cg.load().propositions()[["id", "interventions"]].values.tolist()
        [['C', 'C-I1; C-I2; C-I3; C-I4; C-I5; C-I6'], ['W', 'W-I1; W-I2; W-I3; W-I4; W-I5; W-I6']]
        """
        rows = self._select(named_query("propositions"), {})
        propositions = sorted({r["proposition"] for r in rows}, key=str)
        grouped, infos = self._parts_by_kind(propositions, labelled={"context", "added value"})
        table = []
        for proposition in propositions:
            by_kind = grouped[proposition]
            info = infos[proposition]
            table.append(
                {
                    "id": self._id(proposition, infos),
                    "label": self._label(proposition, infos, lang),
                    "context": self._ids(by_kind["context"], infos),
                    "context_label": self._labels(by_kind["context"], infos, lang),
                    "interventions": self._ids(by_kind["intervention"], infos),
                    "mechanisms": self._ids(by_kind["mechanism"], infos),
                    "outcomes": self._ids(by_kind["outcome"], infos),
                    "added_value": self._ids(by_kind["added value"], infos),
                    "added_value_label": self._labels(by_kind["added value"], infos, lang),
                    "themes": self._ids(info.themes, infos),
                    "source_text": self._texts(info.source_texts),
                    "notes": self._texts(info.notes),
                    "iri": str(proposition),
                }
            )
        table.sort(key=lambda r: (natural_key(r["id"]), r["iri"]))  # ids repeat across studies
        return _frame(
            table,
            [
                "id",
                "label",
                "context",
                "context_label",
                "interventions",
                "mechanisms",
                "outcomes",
                "added_value",
                "added_value_label",
                "themes",
                "source_text",
                "notes",
                "iri",
            ],
        )

    @per_study
    @one_lookup
    def pillars(self, *, lang: str = "en") -> pd.DataFrame:
        """The pillars with their aim, the means in their phrase and the practices that
        shape them (``shaping``), their themes and source text.

        >>> cg.load().pillars()[["id", "aim", "means", "shaping"]].values.tolist()[2]
        ['P3', 'P3-aim', 'P3-means-1', 'P3-means-2; P3-means-3']
        """
        rows = self._select(named_query("pillars"), {})
        pillars = sorted({r["pillar"] for r in rows}, key=str)
        contexts = {r["pillar"]: r["context"] for r in rows if r.get("context") is not None}
        grouped, infos = self._parts_by_kind(pillars, labelled={"aim", "means", "shaping"})
        infos.update(self._annotate(contexts.values()))
        table = []
        for pillar in pillars:
            by_kind = grouped[pillar]
            info = infos[pillar]
            table.append(
                {
                    "id": self._id(pillar, infos),
                    "label": self._label(pillar, infos, lang),
                    "aim": self._ids(by_kind["aim"], infos),
                    "aim_label": self._labels(by_kind["aim"], infos, lang),
                    "means": self._ids(by_kind["means"], infos),
                    "shaping": self._ids(by_kind["shaping"], infos),
                    "means_labels": self._labels(
                        by_kind["means"] + by_kind["shaping"], infos, lang
                    ),
                    "context": self._id(contexts.get(pillar), infos),
                    "themes": self._ids(info.themes, infos),
                    "source_text": self._texts(info.source_texts),
                    "notes": self._texts(info.notes),
                    "iri": str(pillar),
                }
            )
        table.sort(key=lambda r: (natural_key(r["id"]), r["iri"]))  # ids repeat across studies
        return _frame(
            table,
            [
                "id",
                "label",
                "aim",
                "aim_label",
                "means",
                "shaping",
                "means_labels",
                "context",
                "themes",
                "source_text",
                "notes",
                "iri",
            ],
        )

    @per_study
    @one_lookup
    def roles(self, *, lang: str = "en") -> pd.DataFrame:
        """The roles (actors), what each carries out and the statements about its role,
        including those the source makes for a broader role (``stated_for``).

        >>> roles = cg.load().roles().set_index("id")
        >>> roles.loc["school-based-educator", ["broader", "statements", "stated_for"]].tolist()
        ['educator', 'R1; R2; R3; R4', 'educator; school-based-educator']
        >>> roles.loc["educator", "carries_out"]
        'W-I1; W-I2; W-I3; W-I4; W-I5; W-I6'
        """
        rows = self._select(named_query("roles"), {})
        grouped: dict[Node, dict[str, set]] = defaultdict(lambda: defaultdict(set))
        for row in rows:
            entry = grouped[row["role"]]
            if row.get("broader") is not None:
                entry["broader"].add(row["broader"])
            if row.get("item") is not None:
                entry[str(row["kind"])].add(row["item"])
                entry["stated_for"].add(row["statedFor"])
        named: set[Node] = set()
        for entry in grouped.values():
            for values in entry.values():
                named |= values
        infos = self._annotate(named - set(grouped), names_only=True)
        infos.update(self._annotate(grouped))
        table = []
        for role, entry in grouped.items():
            info = infos[role]
            table.append(
                {
                    "id": self._id(role, infos),
                    "label": self._label(role, infos, lang),
                    "broader": self._ids(entry["broader"], infos),
                    "carries_out": self._ids(entry["intervention"], infos),
                    "carries_out_labels": self._labels(entry["intervention"], infos, lang),
                    "statements": self._ids(entry["statement"], infos),
                    "statement_labels": self._labels(entry["statement"], infos, lang),
                    "stated_for": self._ids(entry["stated_for"], infos),
                    "source_text": self._texts(info.source_texts),
                    "iri": str(role),
                }
            )
        table.sort(key=lambda r: (r["id"], r["iri"]))
        return _frame(
            table,
            [
                "id",
                "label",
                "broader",
                "carries_out",
                "carries_out_labels",
                "statements",
                "statement_labels",
                "stated_for",
                "source_text",
                "iri",
            ],
        )

    @per_study
    @one_lookup
    def recommendations(self, *, lang: str = "en") -> pd.DataFrame:
        """The recommendations, one row per pillar or role each strengthens, with the works
        they reference and the note that explains the link.

        >>> for row in cg.load().recommendations().itertuples():
        ...     print(row.id, row.strengthens, row.strengthens_kind)
        A1 P3 pillar
        A1 educator role
        A2 older-year-student role
        A3 P5 pillar
        """
        rows = self._select(named_query("recommendations"), {})
        targets: dict[Node, set[tuple[Node | None, str]]] = defaultdict(set)
        citations: dict[Node, set[str]] = defaultdict(set)
        for row in rows:
            kind = str(row["targetKind"]) if row.get("targetKind") is not None else ""
            targets[row["recommendation"]].add((row.get("target"), kind))
            if row.get("citation") is not None:
                citations[row["recommendation"]].add(str(row["citation"]))
        nodes = set(targets) | {t for pairs in targets.values() for t, _ in pairs if t is not None}
        infos = self._annotate(nodes)
        table = []
        for recommendation, pairs in targets.items():
            info = infos[recommendation]
            for target, kind in pairs:
                table.append(
                    {
                        "id": self._id(recommendation, infos),
                        "label": self._label(recommendation, infos, lang),
                        "strengthens": self._id(target, infos),
                        "strengthens_label": self._label(target, infos, lang),
                        "strengthens_kind": kind,
                        "references": _TEXT_SEPARATOR.join(sorted(citations[recommendation])),
                        "source_text": self._texts(info.source_texts),
                        "notes": self._texts(info.notes),
                        "iri": str(recommendation),
                    }
                )
        table.sort(
            key=lambda r: (
                natural_key(r["id"]),
                r["iri"],
                r["strengthens_kind"] != "pillar",
                natural_key(r["strengthens"]),
            )
        )
        return _frame(
            table,
            [
                "id",
                "label",
                "strengthens",
                "strengthens_label",
                "strengthens_kind",
                "references",
                "source_text",
                "notes",
                "iri",
            ],
        )

    @per_study
    @one_lookup
    def themes(self, *, lang: str = "en") -> pd.DataFrame:
        """The theme vocabulary: id, label in ``lang``, the label in the other language,
        synonyms, definition and how many elements carry each theme.

        >>> themes = cg.load().themes(lang="nl").set_index("id")
        >>> themes.loc["self-direction", "label"], int(themes.loc["self-direction", "elements"])
        ('zelfsturing', 7)
        """
        rows = self._select(named_query("themes"), {})
        infos = self._annotate((r["theme"] for r in rows), names_only=True)
        other = "nl" if lang == "en" else "en"
        table = []
        for row in rows:
            info = infos[row["theme"]]
            table.append(
                {
                    "id": self._id(row["theme"], infos),
                    "label": self._label(row["theme"], infos, lang),
                    "other_label": self._label(row["theme"], infos, other),
                    "synonyms": _ID_SEPARATOR.join(str(s) for s in info.synonyms),
                    "definition": str(row["definition"]) if row.get("definition") else "",
                    "elements": int(row["elements"].toPython()) if row.get("elements") else 0,
                    "scheme": self._id(row.get("scheme"), infos),
                    "iri": str(row["theme"]),
                }
            )
        table.sort(key=lambda r: (r["id"], r["iri"]))
        return _frame(
            table,
            ["id", "label", "other_label", "synonyms", "definition", "elements", "scheme", "iri"],
        )

    @per_study
    @one_lookup
    def sentences(self, *, lang: str = "en") -> pd.DataFrame:
        """Each design proposition stated in the CIMO template, in Dutch or English.

        >>> s = cg.load().sentences(lang="nl").set_index("id")
        >>> s.loc["W", "sentence"][:75]
        'Als je in een leernetwerk wilt bereiken dat studenten verbondenheid en soci'
        """
        languages: dict[Any, set[str]] = defaultdict(set)
        for row in self._select(named_query("study-languages"), {}):
            languages[row["study"]].add(str(row["lang"]))
        lacking = sorted(str(study) for study, tags in languages.items() if lang not in tags)
        if lacking:
            known = sorted(set().union(*languages.values()))
            raise CimoGraphError(
                f"sentences(lang={lang!r}): {', '.join(lacking)} has no labels in {lang!r} "
                f"(its languages: {', '.join(known)}); a sentence would mix languages. "
                f"Ask in one of {', '.join(known)}."
            )
        propositions = sorted(
            {r["proposition"] for r in self._select(named_query("propositions"), {})}, key=str
        )
        grouped, infos = self._parts_by_kind(propositions, roles=True)
        table = []
        for proposition in propositions:
            by_kind = grouped[proposition]
            actors = self._actors(by_kind, infos, lang)
            table.append(
                {
                    "id": self._id(proposition, infos),
                    "label": self._label(proposition, infos, lang),
                    "lang": lang,
                    "sentence": proposition_sentence(
                        lang,
                        context=", ".join(self._label_list(by_kind["context"], infos, lang)),
                        outcomes=self._label_list(by_kind["outcome"], infos, lang),
                        interventions=self._label_list(by_kind["intervention"], infos, lang),
                        mechanisms=self._label_list(by_kind["mechanism"], infos, lang),
                        actors=actors,
                    ),
                    "iri": str(proposition),
                }
            )
        table.sort(key=lambda r: (natural_key(r["id"]), r["iri"]))  # ids repeat across studies
        return _frame(table, ["id", "label", "lang", "sentence", "iri"])
