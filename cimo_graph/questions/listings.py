"""The listings of one study or a collection: propositions, pillars, roles,
recommendations, themes and the propositions stated as sentences."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.term import Node

from ..errors import CimoGraphError
from ..labels import choose_label
from ..namespace import CIMO
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
from .collection import Parts, Shown, id_of, listing_parts, shown_nodes

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
        shown = shown_nodes(self._strings, CIMO.DesignProposition)
        parts = listing_parts(
            self._strings, CIMO.DesignProposition, lang, labelled={"context", "added value"}
        )
        order = _in_order(shown)
        of = parts.of
        columns = {
            "id": [shown[p].id for p in order],
            "label": [shown[p].label(lang) for p in order],
            "context": [parts.joined_ids(of(p, "context")) for p in order],
            "context_label": [parts.joined_labels(of(p, "context")) for p in order],
            "interventions": [parts.joined_ids(of(p, "intervention")) for p in order],
            "mechanisms": [parts.joined_ids(of(p, "mechanism")) for p in order],
            "outcomes": [parts.joined_ids(of(p, "outcome")) for p in order],
            "added_value": [parts.joined_ids(of(p, "added value")) for p in order],
            "added_value_label": [parts.joined_labels(of(p, "added value")) for p in order],
            "themes": [shown[p].theme_ids() for p in order],
            "source_text": [shown[p].texts(shown[p].source_texts) for p in order],
            "notes": [shown[p].texts(shown[p].notes) for p in order],
            "iri": order,
        }
        return self._listing(columns, shown, order)

    @per_study
    @one_lookup
    def pillars(self, *, lang: str = "en") -> pd.DataFrame:
        """The pillars with their aim, the means in their phrase and the practices that
        shape them (``shaping``), their themes and source text.

        >>> cg.load().pillars()[["id", "aim", "means", "shaping"]].values.tolist()[2]
        ['P3', 'P3-aim', 'P3-means-1', 'P3-means-2; P3-means-3']
        """
        shown = shown_nodes(self._strings, CIMO.Pillar)
        parts = listing_parts(
            self._strings, CIMO.Pillar, lang, labelled={"aim", "means", "shaping"}
        )
        contexts: dict[str, set[str]] = defaultdict(set)
        context_ids: dict[str, list[str]] = defaultdict(list)
        for pillar, context, context_id in self._strings(named_query("pillar-contexts"), {}):
            contexts[pillar].add(context)
            if context_id is not None:
                context_ids[context].append(context_id)
        order = _in_order(shown)
        of = parts.of
        columns = {
            "id": [shown[p].id for p in order],
            "label": [shown[p].label(lang) for p in order],
            "aim": [parts.joined_ids(of(p, "aim")) for p in order],
            "aim_label": [parts.joined_labels(of(p, "aim")) for p in order],
            "means": [parts.joined_ids(of(p, "means")) for p in order],
            "shaping": [parts.joined_ids(of(p, "shaping")) for p in order],
            "means_labels": [
                _TEXT_SEPARATOR.join(
                    [*parts.label_list(of(p, "means")), *parts.label_list(of(p, "shaping"))]
                )
                for p in order
            ],
            "context": [
                min((id_of(c, context_ids[c]) for c in contexts[p]), default="") for p in order
            ],
            "themes": [shown[p].theme_ids() for p in order],
            "source_text": [shown[p].texts(shown[p].source_texts) for p in order],
            "notes": [shown[p].texts(shown[p].notes) for p in order],
            "iri": order,
        }
        return self._listing(columns, shown, order)

    def _listing(
        self, columns: dict[str, list[Any]], shown: Mapping[str, Shown], order: list[str]
    ) -> pd.DataFrame:
        """The listing's frame, built column by column, with a ``study`` column after
        ``label`` when the graph holds several studies."""
        import pandas as pd

        if not order:
            return _frame([], list(columns))  # per_study adds the study column
        if len(self._select(named_query("study-iris"), {})) > 1:
            study = [shown[node].study_ids() for node in order]
            at = list(columns).index("label") + 1
            items = list(columns.items())
            columns = dict([*items[:at], ("study", study), *items[at:]])
        return pd.DataFrame(columns, columns=list(columns))

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
        shown = shown_nodes(self._strings, CIMO.DesignProposition)
        labelled = ("context", "intervention", "mechanism", "outcome")
        parts = listing_parts(self._strings, CIMO.DesignProposition, lang, labelled=labelled)
        order = _in_order(shown)
        plurals = self._plurals(parts, lang)
        sentences = []
        for proposition in order:
            labels = functools.partial(_kind_labels, parts, proposition)
            sentences.append(
                proposition_sentence(
                    lang,
                    context=", ".join(labels("context")),
                    outcomes=labels("outcome"),
                    interventions=labels("intervention"),
                    mechanisms=labels("mechanism"),
                    actors=_actors(parts, proposition, plurals),
                )
            )
        columns = {
            "id": [shown[p].id for p in order],
            "label": [shown[p].label(lang) for p in order],
            "lang": [lang] * len(order),
            "sentence": sentences,
            "iri": order,
        }
        return self._listing(columns, shown, order)

    def _plurals(self, parts: Parts, lang: str) -> dict[str, str]:
        """What each role carrying out interventions is called in a sentence: its plural
        label in ``lang`` (with fallbacks), else its label."""
        roles = {role for carried in parts.roles.values() for role in carried}
        infos = self._annotate((URIRef(role) for role in roles), names_only=True)
        called = {}
        for node, info in infos.items():
            plural = choose_label(info.plurals, lang)
            called[str(node)] = (
                str(plural) if plural is not None else self._label(node, infos, lang)
            )
        return called


def _in_order(shown: Mapping[str, Shown]) -> list[str]:
    """The nodes in the natural order of their ids (an id may repeat across studies)."""
    return sorted(shown, key=lambda node: (natural_key(shown[node].id), node))


def _kind_labels(parts: Parts, whole: str, kind: str) -> list[str]:
    return parts.label_list(parts.of(whole, kind))


def _actors(parts: Parts, whole: str, plurals: Mapping[str, str]) -> str | None:
    """The plural of the one role that carries out every intervention of a proposition
    ("opleiders"), or ``None`` when there is no such single role."""
    roles = parts.roles.get(whole, [])
    if len(set(roles)) != 1 or len(roles) != len(parts.of(whole, "intervention")):
        return None
    return plurals.get(roles[0])
