"""The authoring template: its sheets and columns, and what each column means in RDF.

One table drives reading (template to graph), writing (graph to template) and the
template's documentation, so the three never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from ..namespace import BIBO, CIMO, FOAF

__all__ = [
    "CERQUAL_COMPONENTS",
    "CHANGE_KINDS",
    "CONCERNS",
    "CONFIDENCE_LEVELS",
    "ELEMENT_SHEETS",
    "LINK_FIELDS",
    "OUTCOME_DIRECTIONS",
    "OUTCOME_KINDS",
    "REFERENCE_FIELDS",
    "SHEETS",
    "THEORY_STAGES",
    "Column",
    "Sheet",
    "choice_words",
    "dropdowns",
    "help_rows",
    "sheet_named",
    "the_sheet",
]


@dataclass(frozen=True)
class Column:
    """A column of a sheet.

    ``kind`` is ``text`` (language-tagged text; ``per_language`` columns come once per
    study language as ``name_<lang>``, others take their language from ``lang_column``
    or the default ``lang``), ``ref``/``refs`` (one or several ids of ``targets``
    sheets; ``inverse`` links point from the target to this row), ``choice`` (one word
    of ``choices``, each standing for a term of the ontology) or ``value`` (a plain
    literal). ``multi`` text holds several values separated by `` | ``. A ``scoped``
    link may name the propositions it is stated in after each id: ``M1 (CMO1, CMO3)``.
    """

    name: str
    kind: str
    predicate: URIRef | None = None
    targets: tuple[str, ...] = ()
    inverse: bool = False
    per_language: bool = False
    lang_column: str | None = None
    lang: str | None = None
    multi: bool = False
    required: bool = False
    help: str = ""
    choices: tuple[tuple[str, URIRef], ...] = ()
    scoped: bool = False

    @property
    def link(self) -> URIRef:
        """The column's predicate, for a column that has one (every kind but ``id``)."""
        if self.predicate is None:
            raise KeyError(f"the column {self.name!r} links nothing")
        return self.predicate


@dataclass(frozen=True)
class Sheet:
    """A sheet of the template: one row per element of ``cls``."""

    name: str
    cls: URIRef | None
    columns: tuple[Column, ...]
    help: str = ""
    element: bool = True
    example: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None

    def column_named(self, name: str) -> Column:
        """The column ``name``, one the sheet has (the code's own names)."""
        found = self.column(name)
        if found is None:
            raise KeyError(f"the sheet {self.name!r} has no column {name!r}")
        return found


#: Where in the source an element's (or the study's) text stands, and in which language.
_LOCATION = (
    Column(
        "location",
        "text",
        CIMO.sourceLocation,
        lang_column="location_lang",
        lang="source",
        multi=True,
        help="where in the source the text stands (a section, page or table); "
        "several separated by ' | '",
    ),
    Column("location_lang", "lang", help="language of the location (default: the source language)"),
)


def _element_columns(*extra: Column) -> tuple[Column, ...]:
    """The columns every element sheet has, around the sheet's own."""
    return (
        Column("id", "id", required=True, help="a short, stable id: letters, digits, - _ ."),
        *extra,
        Column(
            "label",
            "text",
            RDFS.label,
            per_language=True,
            required=True,
            help="the label, one column per study language (label_nl, label_en)",
        ),
        Column(
            "source_text",
            "text",
            CIMO.sourceText,
            lang="source",
            multi=True,
            help="the text verbatim from the source; several separated by ' | '",
        ),
        *_LOCATION,
        Column(
            "sources",
            "refs",
            PROV.wasDerivedFrom,
            targets=("sources",),
            help="ids of the sources this element comes from, separated by ';' (default: "
            "the study's source_document); for a synthesis of several papers or interviews",
        ),
        Column(
            "themes",
            "refs",
            CIMO.theme,
            targets=("themes",),
            help="ids, labels or synonyms of themes, separated by ';'",
        ),
        Column(
            "involves",
            "refs",
            CIMO.involves,
            targets=("roles", "organisations"),
            help="roles or organisations the element names, separated by ';'",
        ),
        Column(
            "supported_by",
            "refs",
            CIMO.supportedBy,
            targets=("roles", "organisations", "sources"),
            help="whose data support the element: roles (students; staff), organisations or "
            "sources, separated by ';'",
        ),
        Column(
            "comment",
            "text",
            RDFS.comment,
            lang_column="comment_lang",
            lang="en",
            help="a translation or explanation (default language: en)",
        ),
        Column("comment_lang", "lang", help="language of the comment (default: en)"),
    )


#: Every sheet of elements of the study (what a quote supports, a recommendation strengthens).
_ELEMENT_SHEET_NAMES = (
    "context",
    "pillars",
    "aims",
    "means",
    "role_statements",
    "propositions",
    "outcomes",
    "interventions",
    "mechanisms",
    "added_values",
    "recommendations",
    "roles",
    "organisations",
    "quotes",
)


def _in_proposition(link: URIRef) -> Column:
    """The column naming the design propositions a part belongs to (``link`` points from
    the proposition to the part): several where configurations share the part."""
    return Column(
        "proposition",
        "refs",
        link,
        targets=("propositions",),
        inverse=True,
        required=True,
        help="the id of the proposition (configuration) this row belongs to; several, "
        "separated by ';', where configurations share it (write it once, not a copy per "
        "configuration)",
    )


#: The words a ``choice`` column takes, each for a term of the ontology (Dutch too).
OUTCOME_KINDS = (
    ("intended", CIMO.intendedOutcome),
    ("unintended", CIMO.unintendedOutcome),
    ("beoogd", CIMO.intendedOutcome),
    ("onbedoeld", CIMO.unintendedOutcome),
)
OUTCOME_DIRECTIONS = (
    ("positive", CIMO.positiveOutcome),
    ("negative", CIMO.negativeOutcome),
    ("mixed", CIMO.mixedOutcome),
    ("positief", CIMO.positiveOutcome),
    ("negatief", CIMO.negativeOutcome),
    ("gemengd", CIMO.mixedOutcome),
)
THEORY_STAGES = (
    ("initial", CIMO.initialTheory),
    ("refined", CIMO.refinedTheory),
    ("tested", CIMO.testedTheory),
    ("initieel", CIMO.initialTheory),
    ("verfijnd", CIMO.refinedTheory),
    ("getoetst", CIMO.testedTheory),
)

#: What evidence did to a finding, in a step of its trail (the history sheet).
CHANGE_KINDS = (
    ("confirmed", CIMO.confirmation),
    ("refuted", CIMO.refutation),
    ("refined", CIMO.refinement),
    ("bevestigd", CIMO.confirmation),
    ("weerlegd", CIMO.refutation),
    ("verfijnd", CIMO.refinement),
)
#: GRADE-CERQual's levels of concern about a component, and of overall confidence.
CONCERNS = (
    ("no or very minor concerns", CIMO.noOrVeryMinorConcerns),
    ("minor concerns", CIMO.minorConcerns),
    ("moderate concerns", CIMO.moderateConcerns),
    ("serious concerns", CIMO.seriousConcerns),
    ("no or very minor", CIMO.noOrVeryMinorConcerns),
    ("minor", CIMO.minorConcerns),
    ("moderate", CIMO.moderateConcerns),
    ("serious", CIMO.seriousConcerns),
    ("geen of zeer kleine zorgen", CIMO.noOrVeryMinorConcerns),
    ("kleine zorgen", CIMO.minorConcerns),
    ("matige zorgen", CIMO.moderateConcerns),
    ("ernstige zorgen", CIMO.seriousConcerns),
)
CONFIDENCE_LEVELS = (
    ("high", CIMO.highConfidence),
    ("moderate", CIMO.moderateConfidence),
    ("low", CIMO.lowConfidence),
    ("very low", CIMO.veryLowConfidence),
    ("hoog", CIMO.highConfidence),
    ("matig", CIMO.moderateConfidence),
    ("laag", CIMO.lowConfidence),
    ("zeer laag", CIMO.veryLowConfidence),
)
#: The four components of GRADE-CERQual: the confidence sheet's column for each.
CERQUAL_COMPONENTS = (
    ("methodological_limitations", CIMO.methodologicalLimitations),
    ("coherence", CIMO.coherence),
    ("adequacy", CIMO.adequacyOfData),
    ("relevance", CIMO.relevance),
)
_COMPONENT_HELP = {
    "methodological_limitations": "concerns about the design or conduct of the studies "
    "that contribute to the finding",
    "coherence": "concerns about how well the data fit the finding",
    "adequacy": "concerns about the richness and quantity of the data behind the finding",
    "relevance": "concerns about how well the evidence applies to the review question's "
    "context (population, phenomenon, setting)",
}


def _component_columns() -> tuple[Column, ...]:
    """Each GRADE-CERQual component: its level of concern and the explanation of it."""
    columns: list[Column] = []
    for name, _ in CERQUAL_COMPONENTS:
        columns.append(
            Column(
                name,
                "choice",
                CIMO.concern,
                required=True,
                choices=CONCERNS,
                help=f"{_COMPONENT_HELP[name]}: no or very minor, minor, moderate or serious "
                "concerns",
            )
        )
        columns.append(
            Column(
                f"{name}_explanation",
                "value",
                required=True,
                help="why: the explanation GRADE-CERQual asks for with every judgement",
            )
        )
    return tuple(columns)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "study",
        CIMO.Study,
        element=False,
        help="one row: the study itself",
        columns=(
            Column("id", "id", required=True, help="local name of the study node, e.g. study"),
            Column(
                "identifier",
                "value",
                DCTERMS.identifier,
                required=True,
                help="a short name for the study, e.g. leernetwerken",
            ),
            Column(
                "namespace",
                "value",
                required=True,
                help="the IRI every id is appended to, ending in / or #",
            ),
            Column(
                "theme_namespace",
                "value",
                help="the IRI theme ids are appended to (default: <namespace>theme/)",
            ),
            Column(
                "languages",
                "value",
                required=True,
                help="the study's languages, separated by ';', e.g. nl; en",
            ),
            Column(
                "source_language",
                "value",
                help="language of the source texts (default: the first study language)",
            ),
            Column("title", "text", DCTERMS.title, per_language=True, required=True),
            Column("label", "text", RDFS.label, per_language=True),
            Column("method", "text", CIMO.method, per_language=True),
            Column(
                "institution",
                "refs",
                CIMO.institution,
                targets=("organisations",),
                help="ids of the institutions that carried out the study, separated by ';'",
            ),
            Column(
                "authors", "value", help="the study's authors in order: 'Family, G.; Family, G.'"
            ),
            Column("year", "value", help="the year of the study's publication, e.g. 2024"),
            Column(
                "doi", "value", help="the study's DOI, e.g. 10.1234/abcd (without https://doi.org/)"
            ),
            Column("url", "value", help="where the study can be read, e.g. https://..."),
            Column("journal", "value", help="the journal a study published as an article is in"),
            Column("volume", "value", help="the journal's volume"),
            Column("issue", "value", help="the journal's issue"),
            Column("page_start", "value", help="the article's first page"),
            Column("page_end", "value", help="the article's last page"),
            Column("article_number", "value", help="the article's number, where it has no pages"),
            Column(
                "licence",
                "value",
                help="the licence of the study (the article or report), as its IRI, e.g. "
                "https://creativecommons.org/licenses/by/4.0/",
            ),
            Column(
                "encoded_by",
                "value",
                help="who encoded the study as this graph, in order: 'Family, G.; Family, G.', "
                "each with an ORCID after it where there is one: 'Family, G. "
                "0000-0002-1825-0097' (the dataset's creators; not the article's authors)",
            ),
            Column(
                "encoding_licence",
                "value",
                help="the licence of this encoding (the dataset), as its IRI, where it differs "
                "from the study's: e.g. https://creativecommons.org/licenses/by/4.0/",
            ),
            Column(
                "source_document",
                "ref",
                PROV.wasDerivedFrom,
                targets=("sources",),
                help="the source every element is derived from",
            ),
            Column("references", "refs", DCTERMS.references, targets=("references",)),
            Column("source_text", "text", CIMO.sourceText, lang="source", multi=True),
            *_LOCATION,
            Column("scheme_id", "value", help="id of the theme vocabulary (default: themes)"),
            Column("scheme_label", "text", per_language=True, help="name of the theme vocabulary"),
            Column("scheme_note", "text", lang_column="scheme_note_lang", lang="en"),
            Column("scheme_note_lang", "lang"),
        ),
    ),
    Sheet(
        "sources",
        None,
        element=False,
        help="the documents the study's elements are taken from (a report, the papers of a "
        "synthesis, interview transcripts): the study's source_document and each element's "
        "'sources' column point here. Not the literature it cites: that is 'references'",
        columns=(
            Column("id", "id", required=True),
            Column("title", "text", DCTERMS.title, lang_column="title_lang", lang="source"),
            Column("title_lang", "lang"),
            Column(
                "description",
                "text",
                DCTERMS.description,
                lang_column="description_lang",
                lang="en",
            ),
            Column("description_lang", "lang"),
            Column("publisher", "ref", DCTERMS.publisher, targets=("organisations",)),
            Column("language", "value", DCTERMS.language),
        ),
    ),
    Sheet(
        "references",
        None,
        element=False,
        help="the works the study cites (its literature), each with its formatted citation; "
        "the study and recommendations point here with 'references'. Not the documents the "
        "elements are taken from: those are 'sources'",
        columns=(
            Column("id", "id", required=True),
            Column(
                "citation",
                "value",
                DCTERMS.bibliographicCitation,
                required=True,
                help="the formatted reference",
            ),
            Column("title", "value", DCTERMS.title),
            Column("year", "value"),
            Column("authors", "value", help="'Family, G.; Family, G.'"),
            Column("journal", "value"),
            Column("volume", "value"),
            Column("issue", "value"),
            Column("page_start", "value"),
            Column("page_end", "value"),
            Column("article_number", "value", help="the article's number, where it has no pages"),
            Column("doi", "value"),
            Column("url", "value", help="where the work can be read"),
        ),
    ),
    Sheet(
        "organisations",
        CIMO.Organisation,
        columns=_element_columns(
            Column("name", "value", FOAF.name, help="the organisation's name (foaf:name)"),
        ),
    ),
    Sheet(
        "roles",
        CIMO.Role,
        help="the actors: students, educators, founders ...",
        columns=_element_columns(
            Column(
                "broader",
                "refs",
                CIMO.broaderRole,
                targets=("roles",),
                help="a more general role this one is a kind of",
            ),
            Column(
                "plural",
                "text",
                CIMO.pluralLabel,
                per_language=True,
                help="the label in the plural, for sentences",
            ),
        ),
    ),
    Sheet(
        "context",
        CIMO.Context,
        help="the setting of the propositions. Labels that read well in sentences(): a noun "
        "phrase, 'learning network' or 'students in their first year' (the sentence adds "
        "'in a' or 'for' itself; write 'the ...' where it needs 'the')",
        columns=_element_columns(),
    ),
    Sheet(
        "pillars",
        CIMO.Pillar,
        help="design principles around which the context is shaped",
        columns=_element_columns(
            Column("context", "ref", CIMO.hasPillar, targets=("context",), inverse=True),
        ),
    ),
    Sheet(
        "aims",
        CIMO.Aim,
        help="what each pillar strives for",
        columns=_element_columns(
            Column("pillar", "ref", CIMO.hasAim, targets=("pillars",), inverse=True, required=True),
        ),
    ),
    Sheet(
        "means",
        CIMO.Means,
        help="how each pillar is realised",
        columns=_element_columns(
            Column(
                "pillar", "ref", CIMO.hasMeans, targets=("pillars",), inverse=True, required=True
            ),
            Column(
                "shaping",
                "value",
                help="yes when the source gives it as how the pillar is "
                "shaped ('Dit wordt vormgegeven door ...')",
            ),
        ),
    ),
    Sheet(
        "role_statements",
        CIMO.RoleStatement,
        help="what an actor in a role does",
        columns=_element_columns(
            Column("describes", "refs", CIMO.describesRole, targets=("roles",), required=True),
        ),
    ),
    Sheet(
        "propositions",
        CIMO.DesignProposition,
        help="the design propositions (in a realist study, its context-mechanism-outcome "
        "configurations, one row each)",
        columns=_element_columns(
            Column(
                "context",
                "refs",
                CIMO.hasContext,
                targets=("context", "outcomes"),
                required=True,
                help="the ids of its contexts, separated by ';'; an outcome of another "
                "proposition may be one (the configurations then form a chain)",
            ),
            Column(
                "theory_stage",
                "choice",
                CIMO.theoryStage,
                choices=THEORY_STAGES,
                help="how far the proposition has come: initial (stated before the data), "
                "refined (revised on it) or tested",
            ),
            Column(
                "refines",
                "refs",
                CIMO.refines,
                targets=("propositions",),
                help="ids of earlier propositions of the study it revises (an initial "
                "programme theory)",
            ),
        ),
    ),
    Sheet(
        "outcomes",
        CIMO.Outcome,
        help="what the propositions aim for, or bring about. Labels that read well: a "
        "clause, 'students progress to year 2' ('... achieve that students progress ...')",
        columns=_element_columns(
            _in_proposition(CIMO.hasOutcome),
            Column(
                "kind",
                "choice",
                CIMO.outcomeKind,
                choices=OUTCOME_KINDS,
                help="intended (the design aims for it) or unintended",
            ),
            Column(
                "direction",
                "choice",
                CIMO.outcomeDirection,
                choices=OUTCOME_DIRECTIONS,
                help="positive, negative or mixed, as the study judges it",
            ),
        ),
    ),
    Sheet(
        "interventions",
        CIMO.Intervention,
        help="what the propositions provide. Labels that read well: what is provided, 'a "
        "personal tutor for each student' ('provide a personal tutor ...'); where one role "
        "carries out all of a proposition's interventions, what they do, 'offer plenty of "
        "contact' ('provide teacher educators who offer plenty of contact')",
        columns=_element_columns(
            _in_proposition(CIMO.hasIntervention),
            Column("carried_out_by", "refs", CIMO.carriedOutBy, targets=("roles",)),
            Column(
                "activates",
                "refs",
                CIMO.activates,
                targets=("mechanisms",),
                scoped=True,
                help="ids of the mechanisms this intervention sets in motion, only where the "
                "study states it for this intervention (else leave empty: the proposition "
                "links them as a whole). The link holds in every proposition holding both; "
                "where the study states it in some of them only, name those after the id: "
                "M1 (CMO1, CMO3)",
            ),
        ),
    ),
    Sheet(
        "mechanisms",
        CIMO.Mechanism,
        help="what the interventions set in motion. Labels that read well: a noun phrase, "
        "'a sense of belonging' ('... sets in motion a sense of belonging')",
        columns=_element_columns(
            _in_proposition(CIMO.hasMechanism),
            Column(
                "resource",
                "text",
                CIMO.mechanismResource,
                per_language=True,
                help="what the intervention offers that the mechanism works through (a "
                "realist mechanism's resource), where the study separates it",
            ),
            Column(
                "reasoning",
                "text",
                CIMO.mechanismReasoning,
                per_language=True,
                help="how the people concerned respond to it (the mechanism's reasoning)",
            ),
            Column(
                "leads_to",
                "refs",
                CIMO.leadsTo,
                targets=("outcomes",),
                scoped=True,
                help="ids of the outcomes this mechanism brings about, only where the study "
                "states it for this mechanism; name the propositions after an id where it "
                "holds in some of those holding both only: O1 (CMO2)",
            ),
        ),
    ),
    Sheet(
        "added_values",
        CIMO.AddedValue,
        columns=_element_columns(
            _in_proposition(CIMO.hasAddedValue),
        ),
    ),
    Sheet(
        "quotes",
        CIMO.Quote,
        help="participants' words as evidence",
        columns=_element_columns(
            Column(
                "supports",
                "refs",
                CIMO.supports,
                targets=tuple(n for n in _ELEMENT_SHEET_NAMES if n != "quotes"),
                required=True,
            ),
            Column("attributed_to", "ref", PROV.wasAttributedTo, targets=("roles",)),
        ),
    ),
    Sheet(
        "recommendations",
        CIMO.Recommendation,
        columns=_element_columns(
            Column(
                "strengthens",
                "refs",
                CIMO.strengthens,
                targets=_ELEMENT_SHEET_NAMES,
                required=True,
                help="ids of the elements it bears on: propositions, interventions, "
                "mechanisms, outcomes, pillars, roles, ...",
            ),
            Column("references", "refs", DCTERMS.references, targets=("references",)),
        ),
    ),
    Sheet(
        "themes",
        None,
        element=False,
        help="the theme vocabulary (SKOS concepts)",
        columns=(
            Column("id", "id", required=True),
            Column("label", "text", per_language=True, required=True),
            Column("synonyms", "text", per_language=True, help="other names, separated by ';'"),
            Column("definition", "text", lang_column="definition_lang", lang="en"),
            Column("definition_lang", "lang"),
        ),
    ),
    Sheet(
        "findings",
        None,
        element=False,
        help="how a finding of this study bears on a finding of another study: confirms, "
        "qualifies or disputes it, with the evidence for the link",
        columns=(
            Column(
                "finding",
                "ref",
                targets=_ELEMENT_SHEET_NAMES,
                required=True,
                help="the id of this study's finding: a design proposition (configuration) "
                "or one of its elements",
            ),
            Column(
                "relation",
                "choice",
                RDF.predicate,
                required=True,
                choices=(
                    ("confirms", CIMO.confirms),
                    ("qualifies", CIMO.qualifies),
                    ("disputes", CIMO.disputes),
                ),
                help="confirms (the same cause leads to the same end there too), qualifies "
                "(it holds there in part) or disputes (it does not hold there)",
            ),
            Column(
                "other",
                "value",
                required=True,
                help="the other study's finding, by its IRI: https://example.org/other-study/CMO1",
            ),
            Column(
                "evidence",
                "value",
                required=True,
                help="the passage that says how the findings relate",
            ),
            Column("note", "value", help="the encoders' note on the link"),
            Column("lang", "lang", help="language of the evidence and note (default: en)"),
        ),
    ),
    Sheet(
        "confidence",
        None,
        element=False,
        help="how much to trust each finding: a GRADE-CERQual assessment of a design "
        "proposition (configuration), one row per finding, each component with its level of "
        "concern and explanation (Lewin et al., Implementation Science 13, 2018)",
        columns=(
            Column(
                "finding",
                "ref",
                CIMO.assessesFinding,
                targets=("propositions",),
                required=True,
                help="the id of the design proposition (configuration) assessed: GRADE-CERQual "
                "assesses a finding, never a whole study",
            ),
            Column(
                "statement",
                "value",
                CIMO.findingStatement,
                required=True,
                help="the finding as a sentence of what the data say, detailed enough to "
                "judge (not a theme's title)",
            ),
            *_component_columns(),
            Column(
                "confidence",
                "choice",
                CIMO.overallConfidence,
                required=True,
                choices=CONFIDENCE_LEVELS,
                help="the overall confidence that the finding is a reasonable representation "
                "of the phenomenon: high, moderate, low or very low (judged from the four "
                "components together, not scored)",
            ),
            Column(
                "confidence_explanation",
                "value",
                required=True,
                help="why this overall confidence: the components that lowered it",
            ),
            Column(
                "studies",
                "value",
                CIMO.contributingStudy,
                help="the studies whose data contribute to the finding: this study's id (the "
                "default), others by their IRI, separated by ';'",
            ),
            Column(
                "assessed_by",
                "value",
                CIMO.assessedBy,
                required=True,
                help="who assessed it: 'Family, G.' with an ORCID where there is one; several "
                "separated by ';'",
            ),
            Column("assessed_on", "value", help="the date of the assessment: 2026-12-02"),
            Column("lang", "lang", help="language of the statement and explanations (default: en)"),
        ),
    ),
    Sheet(
        "history",
        None,
        element=False,
        help="how each finding changed over the study's iterations: the evidence that "
        "confirmed, refuted or refined it, who made the change and when; a refinement "
        "names the version it gave",
        columns=(
            Column(
                "finding",
                "ref",
                CIMO.changed,
                targets=("propositions",),
                required=True,
                help="the id of the proposition (configuration) the evidence bore on",
            ),
            Column(
                "change",
                "choice",
                CIMO.changeKind,
                required=True,
                choices=CHANGE_KINDS,
                help="what the evidence did: confirmed, refuted or refined it",
            ),
            Column(
                "result",
                "ref",
                PROV.generated,
                targets=("propositions",),
                help="for a refinement: the id of the version it gave (which refines the finding)",
            ),
            Column(
                "evidence",
                "refs",
                PROV.used,
                targets=_ELEMENT_SHEET_NAMES,
                help="ids of the elements (quotes, outcomes, ...) whose evidence led to the "
                "change, separated by ';'",
            ),
            Column(
                "evidence_text",
                "value",
                CIMO.sourceText,
                help="the passage that led to the change, verbatim (evidence or this, or both)",
            ),
            Column(
                "changed_by",
                "value",
                PROV.wasAssociatedWith,
                help="who made the change: 'Family, G.' with an ORCID where there is one; "
                "several separated by ';'",
            ),
            Column("changed_on", "value", help="the date of the change: 2026-12-02"),
            Column("note", "value", help="the encoders' note on the change"),
            Column("lang", "lang", help="language of the passage and note (default: en)"),
        ),
    ),
    Sheet(
        "notes",
        None,
        element=False,
        help="the encoders' interpretation notes",
        columns=(
            Column(
                "element",
                "ref",
                targets=("*",),
                required=True,
                help="the id of the element the note concerns (or the study's id)",
            ),
            Column("note", "value", required=True),
            Column("lang", "lang", help="language of the note (default: en)"),
        ),
    ),
)

# what no other sheet can say, so that a study is never cut by its template
SHEETS += (
    Sheet(
        "extra",
        None,
        element=False,
        help="statements no other sheet has a column for, one a row, in Turtle's notation "
        "(written by export_template so that nothing is lost; rarely typed by hand)",
        columns=(
            Column(
                "subject",
                "value",
                required=True,
                help="an IRI in angle brackets: <https://example.org/study/I1>",
            ),
            Column(
                "predicate",
                "value",
                required=True,
                help="an IRI in angle brackets: <http://purl.org/dc/terms/created>",
            ),
            Column(
                "object",
                "value",
                required=True,
                help='an IRI in angle brackets, or a literal: "text"@en, "2024"^^<...#gYear>',
            ),
        ),
    ),
)

ELEMENT_SHEETS = tuple(sheet for sheet in SHEETS if sheet.element)

#: The reference sheet's columns that are plain BIBO values of the work.
REFERENCE_FIELDS: tuple[tuple[str, URIRef], ...] = (
    ("volume", BIBO.volume),
    ("issue", BIBO.issue),
    ("page_start", BIBO.pageStart),
    ("page_end", BIBO.pageEnd),
    ("article_number", BIBO.number),
    ("doi", BIBO.doi),
)


#: Columns of the study and reference sheets that hold an address (an IRI) of the work.
LINK_FIELDS: tuple[tuple[str, URIRef], ...] = (
    ("url", FOAF.page),
    ("licence", DCTERMS.license),
    ("encoding_licence", CIMO.encodingLicence),
)


_HOLDS = {
    "id": "an id: letters, digits, - _ .",
    "text": "text",
    "ref": "one id",
    "refs": "ids, separated by ';'",
    "value": "a value",
    "lang": "a language tag (nl, en, ...)",
}


def choice_words(column: Column) -> list[str]:
    """The words a ``choice`` column offers: one per term, in the template's (English)
    words; the Dutch words are read too."""
    seen: dict[URIRef, str] = {}
    for word, term in column.choices:
        seen.setdefault(term, word)
    return list(seen.values())


def help_rows(
    languages: list[str], examples: dict[str, dict[str, str]] | None = None
) -> list[tuple[str, str, str, str, str, str, str]]:
    """The help sheet: for every column of every sheet, whether it is required, what it
    holds, which sheet a link points at, what it means and an example (from the worked
    example's first row of that sheet, ``examples``); a sheet's own row first."""
    examples = examples or {}
    rows = []
    for sheet in SHEETS:
        rows.append((sheet.name, "", "", "", "", sheet.help or f"one row per {sheet.name}", ""))
        example = examples.get(sheet.name, {})
        for column in sheet.columns:
            names = (
                [f"{column.name}_{lang}" for lang in languages]
                if column.per_language
                else [column.name]
            )
            holds = _HOLDS.get(column.kind, column.kind)
            if column.kind == "text" and column.multi:
                holds = "text; several separated by ' | '"
            if column.kind == "text" and column.per_language:
                holds = "text in the language the column names"
            if column.kind == "choice":
                holds = "one of: " + ", ".join(choice_words(column))
            targets = (
                "any sheet's id (or the study's)"
                if "*" in column.targets
                else ", ".join(column.targets)
            )
            meaning = column.help or (
                f"the id of the row of '{column.targets[0]}' this row belongs to"
                if column.inverse and column.targets
                else ""
            )
            for name in names:
                shown = example.get(name) or (
                    example.get(f"{column.name}_en", "") if column.per_language else ""
                )
                rows.append(
                    (
                        sheet.name,
                        name,
                        "required" if column.required else "optional",
                        holds,
                        targets,
                        meaning,
                        str(shown or ""),
                    )
                )
    return rows


def dropdowns(languages: list[str]) -> dict[str, dict[str, str]]:
    """For the XLSX workbook: per sheet and column, the list a cell offers to choose from,
    as a spreadsheet formula (the ids of the sheet a link points at, yes/no, the study's
    languages). A cell may still hold something else, such as several ids."""
    offers: dict[str, dict[str, str]] = {}
    for sheet in SHEETS:
        for column in sheet.columns:
            formula = None
            targets = [t for t in column.targets if t != "*"]
            if column.kind in ("ref", "refs") and len(targets) == 1:
                formula = f"'{targets[0]}'!$A$2:$A$10000"
            elif column.kind == "lang":
                formula = '"' + ",".join(languages) + '"'
            elif column.name == "shaping":
                formula = '"yes,no"'
            elif column.kind == "choice":
                formula = '"' + ",".join(choice_words(column)) + '"'
            if formula:
                offers.setdefault(sheet.name, {})[column.name] = formula
    return offers


def sheet_named(name: str) -> Sheet | None:
    """The sheet called ``name``."""
    for sheet in SHEETS:
        if sheet.name == name:
            return sheet
    return None


def the_sheet(name: str) -> Sheet:
    """The sheet ``name``, one the template has (the code's own names)."""
    found = sheet_named(name)
    if found is None:
        raise KeyError(f"the template has no sheet {name!r}")
    return found
