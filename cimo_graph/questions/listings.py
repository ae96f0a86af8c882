"""The listings of one study or a collection: propositions, pillars, roles,
recommendations, themes and the propositions stated as sentences."""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from ..errors import CimoGraphError
from ..labels import choose_text, preferred_languages
from ..lookup import local_name, local_names
from ..namespace import CIMO
from ..sentences import proposition_sentence
from ..sparql import named_query
from .base import (
    _ID_SEPARATOR,
    _TEXT_SEPARATOR,
    Base,
    _frame,
    cimo_kind,
    in_id_order,
    mapped_groups,
    natural_key,
    one_lookup,
    per_study,
)
from .collection import (
    Parts,
    Shown,
    Text,
    id_of,
    in_language_order,
    joined_ids,
    listing_parts,
    shown_nodes,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Listings"]


class Listings(Base):
    """One row per proposition, pillar, role, recommendation, theme."""

    @one_lookup
    def propositions(self, *, lang: str = "en", min_confidence: str | None = None) -> pd.DataFrame:
        """The design propositions with their contexts, interventions, mechanisms, outcomes,
        added value, theory stage (a realist configuration's: initial, refined, tested) and
        themes. ``min_confidence="moderate"`` keeps those assessed (GRADE-CERQual, see
        :meth:`confidence`) at that level or higher.

        >>> cg.load().propositions()[["id", "interventions"]].values.tolist()
        [['C', 'C-I1; C-I2; C-I3; C-I4; C-I5; C-I6'], ['W', 'W-I1; W-I2; W-I3; W-I4; W-I5; W-I6']]
        """
        shown = shown_nodes(self._strings, CIMO.DesignProposition)
        parts = listing_parts(
            self._strings, CIMO.DesignProposition, lang, labelled={"context", "added value"}
        )
        order = _in_order(shown)
        of = parts.of
        stages = self._theory_stages(lang)
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
            "theory_stage": [stages.get(p, "") for p in order],
            "themes": [shown[p].theme_ids() for p in order],
            "source_text": [shown[p].texts(shown[p].source_texts) for p in order],
            "notes": [shown[p].texts(shown[p].notes) for p in order],
            "iri": order,
        }
        return _confident_only(self._listing(columns, order, _studies(shown)), self, min_confidence)

    def _theory_stages(self, lang: str) -> dict[str, str]:
        """Each proposition's theory stage (initial, refined, tested), in ``lang``."""
        from .._resources import ontology_graph
        from ..labels import choose_label

        stages: dict[str, str] = {}
        ontology = None
        for node, prop, value in self._strings(named_query("realist-fields"), {}):
            if prop != str(CIMO.theoryStage) or value is None:
                continue
            ontology = ontology or ontology_graph()
            label = choose_label(ontology.objects(URIRef(value), RDFS.label), lang)
            stages[node] = str(label) if label is not None else local_name(value)
        return stages

    @one_lookup
    def pillars(self, *, lang: str = "en") -> pd.DataFrame:
        """The pillars with their aim, the means in their phrase and the practices that
        shape them (``shaping``), their themes and source text.

        >>> cg.load().pillars()[["id", "aim", "means", "shaping"]].values.tolist()[2]
        ['P3', 'P3-aim', 'P3-means-1', 'P3-means-2; P3-means-3']
        """
        shown = shown_nodes(self._strings, CIMO.Pillar)
        parts = listing_parts(
            self._strings,
            CIMO.Pillar,
            lang,
            labelled={"aim", "means", "shaping"},
            labels_with_parts=True,
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
        return self._listing(columns, order, _studies(shown))

    def _listing(
        self, columns: dict[str, list[Any]], order: list[str], studies: Callable[[str], str]
    ) -> pd.DataFrame:
        """The listing's frame, built column by column, with a ``study`` column after
        ``label`` (the ``studies`` of each node) when the graph holds several studies (as
        :func:`.base.per_study` adds)."""
        import pandas as pd

        if self._several_studies():
            study = [studies(node) for node in order]
            at = list(columns).index("label") + 1
            items = list(columns.items())
            columns = dict([*items[:at], ("study", study), *items[at:]])
        if not order:
            return _frame([], list(columns))
        return pd.DataFrame(columns, columns=list(columns))

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
        shown = shown_nodes(self._strings, CIMO.Role)
        query = named_query("listing-roles")
        sets = ("broader", "intervention", "statement", "stated_for")
        grouped: dict[str, dict[str, set[str]]] = {
            role: {name: set() for name in sets} for role in shown
        }
        item_ids: dict[str, list[str]] = defaultdict(list)
        labels: dict[str, set[Text]] = defaultdict(set)
        for role, broader, item, kind, stated_for, item_id, label in self._strings(
            query, {"language": Literal(lang)}
        ):
            entry = grouped[role]
            if broader is not None:
                entry["broader"].add(broader)
            if item is not None and kind is not None and stated_for is not None:
                entry[kind].add(item)
                entry["stated_for"].add(stated_for)
                known = item_ids[item]
                if item_id is not None:
                    known.append(item_id)
                if label is not None:
                    labels[item].add((label, lang))
        lacking = item_ids.keys() - labels.keys()
        if lacking:  # some have no label in lang: read every label of those
            for item, label, tag in self._strings(named_query("listing-role-labels"), {}):
                if item in lacking and label is not None:
                    labels[item].add((label, tag or ""))
        # each node's id, found once: the roles', the items', any other's (a broader role
        # not typed as one) by its name
        ids = {node: first for node, known in item_ids.items() if known and (first := min(known))}
        ids.update(local_names(item_ids.keys() - ids.keys()))
        ids.update((role, entry.id) for role, entry in shown.items())
        names = self._names()
        for entry in grouped.values():
            for node in (*entry["broader"], *entry["stated_for"]):
                if node not in ids:
                    ids[node] = names.display(URIRef(node))
        shown_labels = {
            node: next(iter(found))[0] if len(found) == 1 else choose_text(found, lang)
            for node, found in labels.items()
        }

        def ids_of(nodes: set[str]) -> str:
            return joined_ids({ids[node] for node in nodes})

        order = sorted(shown, key=lambda role: (shown[role].id, role))
        # what each carries out and each statement on it, in the order of their ids (the
        # ids' order with nodes of the same id together, so the ids show in it once each)
        carried = [in_id_order(grouped[r]["intervention"], ids.__getitem__) for r in order]
        stated = [in_id_order(grouped[r]["statement"], ids.__getitem__) for r in order]

        def ids_in(nodes: list[str]) -> str:
            return _ID_SEPARATOR.join(dict.fromkeys([ids[node] for node in nodes]))

        def labels_in(nodes: list[str]) -> str:
            return _TEXT_SEPARATOR.join([shown_labels.get(node) or ids[node] for node in nodes])

        columns = {
            "id": [shown[r].id for r in order],
            "label": [shown[r].label(lang) for r in order],
            "broader": [ids_of(grouped[r]["broader"]) for r in order],
            "carries_out": [ids_in(nodes) for nodes in carried],
            "carries_out_labels": [labels_in(nodes) for nodes in carried],
            "statements": [ids_in(nodes) for nodes in stated],
            "statement_labels": [labels_in(nodes) for nodes in stated],
            "stated_for": [ids_of(grouped[r]["stated_for"]) for r in order],
            "source_text": [shown[r].texts(shown[r].source_texts) for r in order],
            "iri": order,
        }
        return self._listing(columns, order, _studies(shown))

    @per_study
    @one_lookup
    def recommendations(self, *, lang: str = "en") -> pd.DataFrame:
        """The recommendations, one row per element each strengthens (a pillar, a role,
        an intervention, a mechanism, any element; ``strengthens_kind`` says which), with
        the works they reference and the note that explains the link.

        >>> for row in cg.load().recommendations().itertuples():
        ...     print(row.id, row.strengthens, row.strengthens_kind)
        A1 P3 pillar
        A1 educator role
        A2 older-year-student role
        A3 P5 pillar
        """
        rows = self._select(named_query("recommendations"), {})
        classes: dict[tuple[Node, Node | None], set[Node]] = defaultdict(set)
        citations: dict[Node, set[str]] = defaultdict(set)
        for row in rows:
            pair = (row["recommendation"], row.get("target"))
            classes[pair]  # a target without a CIMO class is listed all the same
            if row.get("targetClass") is not None:
                classes[pair].add(row["targetClass"])
            if row.get("citation") is not None:
                citations[row["recommendation"]].add(str(row["citation"]))
        targets: dict[Node, set[tuple[Node | None, str]]] = defaultdict(set)
        for (recommendation, target), types in classes.items():
            kind = _kind_words(cimo_kind(types)) if target is not None else ""
            targets[recommendation].add((target, kind))
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

    @one_lookup
    def themes(self, *, lang: str = "en", mappings: str = "exact") -> pd.DataFrame:
        """The theme vocabulary: id, label in ``lang``, the label in the other language,
        synonyms, definition and how many elements carry each theme; ``matches`` names the
        themes of other studies the graph's mappings make one with it (exact matches for
        ``mappings="exact"``, close ones too for ``"close"``, as ``skos:exactMatch
        belonging; verbondenheid``).

        >>> themes = cg.load().themes(lang="nl").set_index("id")
        >>> themes.loc["self-direction", "label"], int(themes.loc["self-direction", "elements"])
        ('zelfsturing', 7)
        """
        other = "nl" if lang == "en" else "en"
        bindings = {"language": Literal(lang.lower()), "other": Literal(other)}
        found = self._strings(named_query("listing-themes"), bindings)
        # a theme read in one row (nearly every theme) is shown as read, its label lacking
        # in one language that of the other where that is the next preferred language; the
        # others are gathered from their rows
        rows_of = Counter(row[0] for row in found)
        as_read = lang == lang.lower()
        lang_falls_back = as_read and preferred_languages(lang)[1:2] == (other,)
        other_falls_back = as_read and preferred_languages(other)[1:2] == (lang,)
        scheme_ids: dict[str, set[str]] = defaultdict(set)
        shown: dict[str, tuple[str, str, str, str, str]] = {}
        gathered: dict[str, _Theme] = {}
        # one row per theme, scheme and definition, in the order first read
        table: dict[tuple[str, str | None, str | None], int] = {}
        for row in found:
            theme, id_, label, other_label, synonym, _, definition, scheme, scheme_id = row[:9]
            if scheme_id is not None:
                scheme_ids[scheme].add(scheme_id)
            elements = int(row[11]) if row[11] else 0
            if rows_of[theme] == 1 and as_read:
                if label is None and lang_falls_back:
                    label = other_label
                elif other_label is None and other_falls_back:
                    other_label = label
            if rows_of[theme] == 1 and label is not None and other_label is not None:
                study = row[9]
                shown[theme] = (
                    id_ or local_name(theme),
                    label,
                    other_label,
                    synonym or "",
                    (row[10] or local_name(study)) if study is not None else "",
                )
                table[theme, scheme, definition] = elements
                continue
            entry = gathered.get(theme)
            if entry is None:
                entry = gathered[theme] = _Theme(theme)
            entry.add(row, lang, other)
            key = (theme, scheme, definition)
            table[key] = max(table.get(key, 0), elements)
        self._label_lacking(gathered.values(), lang, other)
        for theme, entry in gathered.items():
            synonyms = in_language_order(entry.synonyms)
            shown[theme] = (
                entry.id,
                entry.label(lang),
                entry.label(other),
                _ID_SEPARATOR.join(synonyms),
                entry.study_ids(),
            )
        rows = [
            (*shown[theme][:4], definition or "", elements, scheme, theme)
            for (theme, scheme, definition), elements in table.items()
        ]
        # in the order of id, then IRI (as one string: "\0" sorts before any character)
        rows.sort(key=lambda row: row[0] + "\0" + row[7])
        names = [
            "id",
            "label",
            "other_label",
            "synonyms",
            "definition",
            "elements",
            "scheme",
            "iri",
        ]
        transposed = list(zip(*rows, strict=True)) or [()] * len(names)
        columns = {name: list(column) for name, column in zip(names, transposed, strict=True)}
        columns["scheme"] = [
            id_of(scheme, scheme_ids[scheme]) if scheme else "" for scheme in columns["scheme"]
        ]
        clusters = self._theme_clusters(mappings)
        groups = mapped_groups(clusters)

        def matches(theme: str) -> str:
            if theme not in clusters:
                return ""
            group, joined = clusters[theme]
            others = {
                shown[m][0] if m in shown else local_name(m) for m in groups[group] if m != theme
            }
            return f"{joined} {_ID_SEPARATOR.join(sorted(others, key=natural_key))}"

        iris = columns.pop("iri")
        columns["matches"] = [matches(theme) for theme in iris]
        columns["iri"] = iris
        studies = {theme: value[4] for theme, value in shown.items()}
        return self._listing(columns, columns["iri"], studies.__getitem__)

    def _label_lacking(self, themes: Iterable[_Theme], lang: str, other: str) -> None:
        """A theme without a label in ``lang`` or ``other`` shows the next preferred one
        read, else the one chosen among all its labels (read only for such themes)."""
        read = {lang.lower(), other}
        lacking = [
            (entry, language)
            for entry in themes
            for language in (lang, other)
            if not entry.labels[language] and not entry.fall_back(language, read)
        ]
        if not lacking:
            return
        every: dict[str, list[Text]] = defaultdict(list)
        for theme, label, tag in self._strings(named_query("listing-theme-labels"), {}):
            every[theme].append((label, tag or ""))
        for entry, language in lacking:
            chosen = choose_text(every[entry.iri], language)
            if chosen is not None:
                entry.labels[language].add(chosen)

    @one_lookup
    def sentences(self, *, lang: str = "en", min_confidence: str | None = None) -> pd.DataFrame:
        """Each design proposition stated in the CIMO template, in Dutch or English;
        ``min_confidence=`` keeps those assessed at that level or higher.

        >>> s = cg.load().sentences(lang="nl").set_index("id")
        >>> s.loc["W", "sentence"][:75]
        'Als je in een leernetwerk wilt bereiken dat studenten verbondenheid en soci'
        """
        languages: dict[Any, set[str]] = defaultdict(set)
        for row in self._select(named_query("study-languages"), {}):
            languages[row["study"]].add(str(row["lang"]))
        lacking = sorted((s for s, tags in languages.items() if lang not in tags), key=str)
        if lacking:
            theirs = sorted(set().union(*(languages[s] for s in lacking)))
            common = sorted(set.intersection(*languages.values()))
            ask = f"Ask in {' or '.join(common)}." if common else "No language is common to all."
            raise CimoGraphError(
                f"sentences(lang={lang!r}): {', '.join(map(str, lacking))} has no labels in "
                f"{lang!r} "
                f"(its languages: {', '.join(theirs)}); a sentence would mix languages. {ask}"
            )
        return _confident_only(self._sentence_frame(lang), self, min_confidence)

    def _sentence_frame(self, lang: str) -> pd.DataFrame:
        """:meth:`sentences` without the check that every study speaks ``lang``."""
        shown = shown_nodes(self._strings, CIMO.DesignProposition, "listing-heads")
        labelled = ("context", "intervention", "mechanism", "outcome")
        parts = listing_parts(
            self._strings, CIMO.DesignProposition, lang, labelled=labelled, labels_with_parts=True
        )
        order = _in_order(shown)
        plurals = self._plurals(parts, lang)
        # contexts that are outcomes of a proposition: said as a clause in a chain
        outcomes = {o for p in order for o in parts.of(p, "outcome")}
        unwanted: dict[str, set[str]] = defaultdict(set)
        for outcome, reason in self._strings(named_query("unwanted-outcomes"), {}):
            unwanted[reason].add(outcome)
        sentences = []
        for proposition in order:
            labels = functools.partial(_kind_labels, parts, proposition)
            contexts = parts.of(proposition, "context")
            sentences.append(
                proposition_sentence(
                    lang,
                    context=parts.label_list([c for c in contexts if c not in outcomes]),
                    context_clauses=parts.label_list([c for c in contexts if c in outcomes]),
                    outcomes=labels("outcome"),
                    interventions=labels("intervention"),
                    mechanisms=labels("mechanism"),
                    actors=_actors(parts, proposition, plurals),
                    unwanted=_unwanted(parts.of(proposition, "outcome"), unwanted),
                )
            )
        columns = {
            "id": [shown[p].id for p in order],
            "label": [shown[p].label(lang) for p in order],
            "lang": [lang] * len(order),
            "sentence": sentences,
            "iri": order,
        }
        return self._listing(columns, order, _studies(shown))

    def _plurals(self, parts: Parts, lang: str) -> dict[str, str]:
        """What each role carrying out interventions is called in a sentence: its plural
        label in ``lang`` (with fallbacks), else its label."""
        roles = shown_nodes(self._strings, CIMO.Role, "listing-names")
        called = {}
        for role in {role for carried in parts.roles.values() for role in carried}:
            entry = roles.get(role) or Shown(role)
            called[role] = choose_text(entry.plurals, lang) or entry.label(lang)
        return called


@dataclass(slots=True)
class _Theme:
    """What ``themes`` shows of one theme, as strings."""

    iri: str
    ids: set[str] = field(default_factory=set)
    #: its labels in the asked and the other language
    labels: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    synonyms: set[Text] = field(default_factory=set)
    #: each study's IRI and its ids
    studies: dict[str, set[str]] = field(default_factory=dict)

    _id: str | None = None

    def add(self, row: list[str | None], lang: str, other: str) -> None:
        """What a row of ``listing-themes`` says of it (labels in ``lang`` and ``other``)."""
        _, id_, label, other_label, synonym, synonym_lang = row[:6]
        if id_ is not None:
            self.ids.add(id_)
        if label is not None:
            self.labels[lang].add(label)
        if other_label is not None:
            self.labels[other].add(other_label)
        if synonym is not None:
            self.synonyms.add((synonym, synonym_lang or ""))
        study, study_id = row[9], row[10]
        if study is not None:
            known = self.studies.setdefault(study, set())
            if study_id is not None:
                known.add(study_id)

    @property
    def id(self) -> str:
        if self._id is None:
            self._id = id_of(self.iri, self.ids)
        return self._id

    def label(self, lang: str) -> str:
        found = self.labels.get(lang)
        return min(found) if found else self.id

    def fall_back(self, lang: str, read: set[str]) -> bool:
        """Give it a label in ``lang`` from the next preferred language among those
        ``read``, as :func:`~cimo_graph.labels.choose_text` would; ``False`` when a
        language not read comes first, or none has a label."""
        for tag in preferred_languages(lang)[1:]:
            if tag not in read:
                return False
            found = self.labels.get(tag)
            if found:
                self.labels[lang].add(min(found))
                return True
        return False

    def study_ids(self) -> str:
        if len(self.studies) < 2:  # as nearly always: one study, or none
            return next((id_of(s, ids) for s, ids in self.studies.items()), "")
        return joined_ids(id_of(study, ids) for study, ids in self.studies.items())


def _studies(shown: Mapping[str, Shown]) -> Callable[[str], str]:
    return lambda node: shown[node].study_ids()


def _in_order(shown: Mapping[str, Shown]) -> list[str]:
    """The nodes in the natural order of their ids (an id may repeat across studies)."""
    return sorted(shown, key=lambda node: (natural_key(shown[node].id), node))


def _unwanted(outcomes: Collection[str], unwanted: Mapping[str, set[str]]) -> str | None:
    """``"unintended"`` when every one of ``outcomes`` is, else ``"negative"`` when every
    one is, else ``None``: the sentence then says what happens, not what to provide."""
    for reason in ("unintended", "negative"):
        if outcomes and all(o in unwanted.get(reason, ()) for o in outcomes):
            return reason
    return None


def _kind_labels(parts: Parts, whole: str, kind: str) -> list[str]:
    return parts.label_list(parts.of(whole, kind))


def _actors(parts: Parts, whole: str, plurals: Mapping[str, str]) -> str | None:
    """The plural of the one role that carries out every intervention of a proposition
    ("opleiders"), or ``None`` when there is no such single role."""
    roles = parts.roles.get(whole, [])
    if len(set(roles)) != 1 or len(roles) != len(parts.of(whole, "intervention")):
        return None
    return plurals.get(roles[0])


def _kind_words(name: str) -> str:
    """A CIMO class name in words, as the listings say a kind: ``Pillar`` is
    ``"pillar"``, ``AddedValue`` ``"added value"``, ``DesignProposition``
    ``"design proposition"``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def _confident_only(frame: pd.DataFrame, kg: Base, min_confidence: str | None) -> pd.DataFrame:
    """The rows of ``frame`` (with an ``iri`` column) whose finding is assessed at
    ``min_confidence`` or higher; all of them where it is ``None``."""
    kept = kg._confident(min_confidence)
    if kept is None:
        return frame
    return frame[frame["iri"].isin({iri for iri, _, _ in kept})].reset_index(drop=True)
