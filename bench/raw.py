"""The limit a helper is measured against: one raw pyoxigraph query (or a few) answering the
same question on the same data, values read as plain strings.

Each query returns the rows the helper shows, with the columns that cost something to
find (labels in the asked language, source texts, the parts of each proposition, the
study), so the ratio helper / raw is what cimo-graph adds to the store's own work. The
synthetic studies are those of ``run.synthetic``; ``{last}`` is the last study's number.

The listings' queries read every column their helper shows (tests/test_bench.py checks
that they answer for the same rows). The routes' queries do too: the first the element's
own columns, the second the name and mechanisms of each proposition or pillar (and the
name of each part) a route goes through or via; one query reading both took Oxigraph
1.8 s for one study's theme (an OPTIONAL on the whole inside the UNION).
"""

from __future__ import annotations

PREFIXES = """PREFIX cimo: <https://w3id.org/cimo-graph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX s0: <https://example.org/bench/s0/>
"""

_ROUTES = """SELECT ?node ?nodeId ?kind ?route ?through ?via ?label ?text ?note ?roleId
    ?studyId WHERE {
    {
        THEME ?via cimo:theme ?theme .
        { ?through cimo:hasAddedValue ?via } UNION { ?through cimo:hasOutcome ?via }
        UNION { ?through cimo:hasMechanism ?via } UNION { ?through cimo:hasContext ?via }
        ?through cimo:hasIntervention ?node . BIND ("proposition" AS ?route)
    } UNION {
        THEME ?via cimo:theme ?theme . ?through cimo:hasAim ?via .
        { ?through cimo:hasMeans ?node } UNION { ?through cimo:shapedBy ?node }
        BIND ("pillar" AS ?route)
    } UNION {
        THEME ?node cimo:theme ?theme . ?node a cimo:Intervention . BIND ("mention" AS ?route)
    }
    OPTIONAL { ?node dcterms:identifier ?identifier }
    BIND (COALESCE(?identifier, REPLACE(STR(?node), "^.*[/#]", "")) AS ?nodeId)
    OPTIONAL { ?node a ?kind }
    OPTIONAL { ?node rdfs:label ?label FILTER (LANG(?label) = "en") }
    OPTIONAL { ?node cimo:sourceText ?text }
    OPTIONAL { ?node cimo:interpretationNote ?note }
    OPTIONAL { ?node cimo:carriedOutBy ?role
        OPTIONAL { ?role dcterms:identifier ?roleIdentifier } }
    BIND (COALESCE(?roleIdentifier, REPLACE(STR(?role), "^.*[/#]", "")) AS ?roleId)
    OPTIONAL { ?node cimo:partOfStudy/dcterms:identifier ?studyId }
}"""

# the names of what the routes go through and via, and the mechanisms of each proposition
_WHOLES = """SELECT ?whole ?wholeId ?label
    (GROUP_CONCAT(?mechanismId; separator="; ") AS ?mechanisms) WHERE {
    { THEME ?via cimo:theme ?theme . ?whole cimo:hasAddedValue ?via }
    UNION { THEME ?via cimo:theme ?theme . ?whole cimo:hasOutcome ?via }
    UNION { THEME ?via cimo:theme ?theme . ?whole cimo:hasMechanism ?via }
    UNION { THEME ?via cimo:theme ?theme . ?whole cimo:hasContext ?via }
    UNION { THEME ?via cimo:theme ?theme . ?whole cimo:hasAim ?via }
    UNION { THEME ?whole cimo:theme ?theme }
    OPTIONAL { ?whole dcterms:identifier ?identifier }
    BIND (COALESCE(?identifier, REPLACE(STR(?whole), "^.*[/#]", "")) AS ?wholeId)
    OPTIONAL { ?whole rdfs:label ?label FILTER (LANG(?label) = "en") }
    OPTIONAL { ?whole cimo:hasMechanism ?mechanism
        OPTIONAL { ?mechanism dcterms:identifier ?mechanismIdentifier } }
    BIND (COALESCE(?mechanismIdentifier, REPLACE(STR(?mechanism), "^.*[/#]", "")) AS ?mechanismId)
} GROUP BY ?whole ?wholeId ?label"""


def _theme_routes(theme: str) -> list[str]:
    """The routes' two queries for the theme with notation ``feedback`` (every study's), or
    for the one theme IRI ``theme``."""
    if theme == "feedback":
        return [text.replace("THEME", '?theme skos:notation "feedback" .') for text in _TEXTS]
    return [text.replace("THEME ", "").replace("?theme", f"<{theme}>") for text in _TEXTS]


_TEXTS = (_ROUTES, _WHOLES)

_PARTS = """
    { ?whole cimo:hasContext ?part BIND ("context" AS ?kind) }
    UNION { ?whole cimo:hasIntervention ?part BIND ("intervention" AS ?kind) }
    UNION { ?whole cimo:hasMechanism ?part BIND ("mechanism" AS ?kind) }
    UNION { ?whole cimo:hasOutcome ?part BIND ("outcome" AS ?kind) }
    UNION { ?whole cimo:hasAddedValue ?part BIND ("added value" AS ?kind) }
    UNION { ?whole cimo:hasAim ?part BIND ("aim" AS ?kind) }
    UNION { ?whole cimo:hasMeans ?part BIND ("means" AS ?kind) }
    UNION { ?whole cimo:shapedBy ?part BIND ("shaping" AS ?kind) }
    OPTIONAL { ?part dcterms:identifier ?partId }
    BIND (COALESCE(?partId, REPLACE(STR(?part), "^.*[/#]", "")) AS ?id)
    OPTIONAL { ?part rdfs:label ?label FILTER (LANG(?label) = "en") }
"""

# each part's ids and labels in the asked language, by whole and kind
_PARTS_GROUPED = (
    "SELECT ?whole ?kind (GROUP_CONCAT(?id; separator='; ') AS ?ids)\n"
    "    (GROUP_CONCAT(?label; separator='; ') AS ?labels) WHERE {\n"
    "    ?whole a CLASS ." + _PARTS + "} GROUP BY ?whole ?kind"
)


def _wholes(cls: str, more: str = "", pattern: str = "") -> str:
    """What a listing shows of each whole of ``cls`` itself: id, label, source text,
    notes, study and themes (and ``more`` variables bound by ``pattern``)."""
    return f"""SELECT ?whole ?wholeId ?label ?text ?note ?study {more}
    (GROUP_CONCAT(DISTINCT ?theme; separator='; ') AS ?themes) WHERE {{
    ?whole a {cls} .
    OPTIONAL {{ ?whole dcterms:identifier ?wholeId }}
    OPTIONAL {{ ?whole rdfs:label ?label FILTER (LANG(?label) = "en") }}
    OPTIONAL {{ ?whole cimo:sourceText ?text }}
    OPTIONAL {{ ?whole cimo:interpretationNote ?note }}
    OPTIONAL {{ ?whole cimo:partOfStudy/dcterms:identifier ?study }}
    OPTIONAL {{ ?whole cimo:theme/skos:notation ?theme }}
    {pattern}
}} GROUP BY ?whole ?wholeId ?label ?text ?note ?study {more}"""


#: helper name (as bench/run.py names it) -> the raw queries answering the same question
RAW: dict[str, list[str]] = {
    "first question (index)": [
        # the element named s0-W: by identifier, or by local name in a study's namespace
        """SELECT ?node WHERE {
            { ?node dcterms:identifier "s0-W" } UNION { s0:s0-W cimo:partOfStudy ?study
              BIND (s0:s0-W AS ?node) } }"""
    ],
    "interventions_for": _theme_routes("feedback"),
    "interventions_for (1 study)": _theme_routes("https://example.org/bench/s0/theme/feedback"),
    "mechanisms_for": [
        """SELECT ?node ?label ?text WHERE { s0:s0-W cimo:hasMechanism ?node .
            OPTIONAL { ?node rdfs:label ?label FILTER (LANG(?label) = "en") }
            OPTIONAL { ?node cimo:sourceText ?text } }"""
    ],
    "outcomes_of": [
        """SELECT ?node ?through ?label ?text WHERE { ?through cimo:hasIntervention s0:s0-W-I1 ;
            cimo:hasOutcome ?node .
            OPTIONAL { ?node rdfs:label ?label FILTER (LANG(?label) = "en") }
            OPTIONAL { ?node cimo:sourceText ?text } }"""
    ],
    "evidence": [
        """SELECT ?kind ?text WHERE {
            { s0:s0-W-I1 cimo:sourceText ?text BIND ("source text" AS ?kind) }
            UNION { s0:s0-W-I1 cimo:sourceLocation ?text BIND ("location" AS ?kind) }
            UNION { s0:s0-W-I1 cimo:interpretationNote ?text BIND ("note" AS ?kind) } }"""
    ],
    "shared_elements": [
        """SELECT ?theme ?a ?b WHERE {
            s0:s0-W ?p ?a . ?a cimo:theme ?theme .
            <https://example.org/bench/s{last}/s{last}-W> ?q ?b . ?b cimo:theme ?theme }"""
    ],
    "describe": [
        """SELECT ?p ?o ?label WHERE { s0:s0-W ?p ?o .
            OPTIONAL { ?o rdfs:label ?label FILTER (LANG(?label) = "en") } }"""
    ],
    "propositions": [
        _PARTS_GROUPED.replace("CLASS", "cimo:DesignProposition"),
        _wholes("cimo:DesignProposition"),
    ],
    "pillars": [
        _PARTS_GROUPED.replace("CLASS", "cimo:Pillar"),
        _wholes(
            "cimo:Pillar",
            "?context ?contextId",
            "OPTIONAL { ?context cimo:hasPillar ?whole "
            "OPTIONAL { ?context dcterms:identifier ?contextId } }",
        ),
    ],
    "roles": [
        # what each role carries out or is said of it, also for a broader role
        """SELECT ?role ?kind (GROUP_CONCAT(DISTINCT ?id; separator='; ') AS ?ids)
            (GROUP_CONCAT(DISTINCT ?label; separator='; ') AS ?labels)
            (GROUP_CONCAT(DISTINCT STR(?statedFor); separator='; ') AS ?for) WHERE {
            ?role a cimo:Role ; cimo:broaderRole* ?statedFor .
            { ?item cimo:carriedOutBy ?statedFor BIND ("intervention" AS ?kind) }
            UNION { ?item cimo:describesRole ?statedFor BIND ("statement" AS ?kind) }
            OPTIONAL { ?item dcterms:identifier ?itemId }
            BIND (COALESCE(?itemId, REPLACE(STR(?item), "^.*[/#]", "")) AS ?id)
            OPTIONAL { ?item rdfs:label ?label FILTER (LANG(?label) = "en") }
        } GROUP BY ?role ?kind""",
        # each role's id, label, source text, study and broader roles
        """SELECT ?role ?roleId ?label ?text ?study
            (GROUP_CONCAT(DISTINCT STR(?broader); separator='; ') AS ?broaders) WHERE {
            ?role a cimo:Role .
            OPTIONAL { ?role dcterms:identifier ?roleId }
            OPTIONAL { ?role rdfs:label ?label FILTER (LANG(?label) = "en") }
            OPTIONAL { ?role cimo:sourceText ?text }
            OPTIONAL { ?role cimo:partOfStudy/dcterms:identifier ?study }
            OPTIONAL { ?role cimo:broaderRole ?broader }
        } GROUP BY ?role ?roleId ?label ?text ?study""",
    ],
    "themes": [
        # the scheme's id and the study (the column a collection's listing adds) too
        """SELECT ?theme ?notation ?label ?other ?definition ?scheme ?schemeId ?study
            (GROUP_CONCAT(DISTINCT ?synonym; separator='; ') AS ?synonyms)
            (COUNT(DISTINCT ?element) AS ?elements) WHERE {
            ?theme a skos:Concept ; skos:notation ?notation .
            OPTIONAL { ?theme skos:prefLabel ?label FILTER (LANG(?label) = "en") }
            OPTIONAL { ?theme skos:prefLabel ?other FILTER (LANG(?other) != "en") }
            OPTIONAL { ?theme skos:altLabel ?synonym }
            OPTIONAL { ?theme skos:definition ?definition }
            OPTIONAL { ?theme skos:inScheme ?scheme
                OPTIONAL { ?scheme dcterms:identifier ?schemeId }
                OPTIONAL { ?scheme dcterms:isPartOf/dcterms:identifier ?study } }
            OPTIONAL { ?element cimo:theme ?theme }
        } GROUP BY ?theme ?notation ?label ?other ?definition ?scheme ?schemeId ?study"""
    ],
    "sentences": [
        _PARTS_GROUPED.replace("CLASS", "cimo:DesignProposition"),
        """SELECT ?whole ?wholeId ?label ?study WHERE { ?whole a cimo:DesignProposition .
            OPTIONAL { ?whole dcterms:identifier ?wholeId }
            OPTIONAL { ?whole rdfs:label ?label FILTER (LANG(?label) = "en") }
            OPTIONAL { ?whole cimo:partOfStudy/dcterms:identifier ?study } }""",
        # who carries out each proposition's interventions, by their plural (or label):
        # a sentence names them when one role carries out every intervention
        """SELECT ?whole (COUNT(?part) AS ?interventions) (COUNT(DISTINCT ?role) AS ?roles)
            (SAMPLE(COALESCE(?plural, ?roleLabel)) AS ?actors) WHERE {
            ?whole a cimo:DesignProposition ; cimo:hasIntervention ?part .
            OPTIONAL { ?part cimo:carriedOutBy ?role
                OPTIONAL { ?role cimo:pluralLabel ?plural FILTER (LANG(?plural) = "en") }
                OPTIONAL { ?role rdfs:label ?roleLabel FILTER (LANG(?roleLabel) = "en") } }
        } GROUP BY ?whole""",
    ],
    "studies": [
        """SELECT ?study ?class (COUNT(?element) AS ?count) WHERE {
            ?study a cimo:Study . ?element cimo:partOfStudy ?study ; a ?class .
        } GROUP BY ?study ?class""",
        # each study's id and title (in one query with the counts: 1.5x slower)
        """SELECT ?study ?studyId ?title WHERE { ?study a cimo:Study .
            OPTIONAL { ?study dcterms:identifier ?studyId }
            OPTIONAL { ?study dcterms:title ?title FILTER (LANG(?title) = "en") } }""",
    ],
    "compare_studies": [
        # each theme's label, and by study (its id) and kind the ids of what carries it
        """SELECT ?notation ?label ?studyId ?kind
            (GROUP_CONCAT(?id; separator='; ') AS ?ids) WHERE {
            ?node cimo:theme ?theme . ?theme skos:notation ?notation .
            OPTIONAL { ?theme skos:prefLabel ?label FILTER (LANG(?label) = "en") }
            ?node a ?kind ; cimo:partOfStudy ?study .
            OPTIONAL { ?study dcterms:identifier ?studyId }
            OPTIONAL { ?node dcterms:identifier ?nodeId }
            BIND (COALESCE(?nodeId, REPLACE(STR(?node), "^.*[/#]", "")) AS ?id)
        } GROUP BY ?notation ?label ?studyId ?kind"""
    ],
    "sparql": [
        "SELECT ?i WHERE { ?p cimo:hasIntervention ?i . ?i cimo:theme ?t . "
        "?t skos:notation 'feedback' }"
    ],
}


def _search_text(words: str) -> str:
    """search.rq with its pattern written in: the store's filtering, as kg.search asks it,
    with every column a row shows (id, classes, label, study, proposition)."""
    from rdflib import Literal

    from cimo_graph.questions.search import _pattern, search_terms
    from cimo_graph.sparql import named_query

    text = named_query("search").text
    body = text[text.index("SELECT") :].replace("?labelLang", '"en"')
    return body.replace("?pattern", Literal(_pattern(search_terms(words))).n3())


def queries(last: int) -> dict[str, list[str]]:
    """The raw queries with the prefixes declared and ``{last}`` filled in."""
    found = {
        name: [PREFIXES + text.replace("{last}", str(last)) for text in texts]
        for name, texts in RAW.items()
    }
    # kg.search: search.rq, its pattern as kg.search builds it
    found["search (1 study)"] = [PREFIXES + _search_text(f'"of study {last}"')]
    found["search (all studies)"] = [PREFIXES + _search_text("mechanism")]
    found["validate"] = _validation_texts()
    return found


def _validation_texts() -> list[str]:
    """The queries ``kg.validate()`` asks, one per constraint of the CIMO shapes, as it
    writes them (cimo_graph.shacl_core): the store's own work, every result read."""
    from cimo_graph._resources import shapes_graph
    from cimo_graph.shacl_sparql import _query
    from cimo_graph.validation import _prepare

    prepared, _ = _prepare(shapes_graph())
    return [_query(constraint) for constraint in prepared.constraints]


def answer(store, texts: list[str], default_graph=None) -> int:
    """Run the queries on a pyoxigraph ``store`` (over its ``default_graph``: by default the
    store's own), reading every value as a string; the number of rows."""
    rows = 0
    for text in texts:
        for solution in store.query(text, default_graph=default_graph):
            [term.value if term is not None else None for term in solution]
            rows += 1
    return rows
