"""The evidence report: a study (or a collection) as one self-contained HTML file.

Every element with its verbatim source text, place, source and notes, anchored by its id
(``report.html#W-I3``); each design proposition as its sentence and its figure (inline
SVG); the interactive network; the routes to each theme; a search that filters the
elements; print styles for a PDF. Everything is inlined, nothing is fetched (a
Content-Security-Policy forbids it), and every text of the study is set as text.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from ..errors import CimoGraphError, DrawingTooLargeError, NoRouteError
from ..labels import term_words
from ..locales import words
from ..lookup import local_name
from ..namespace import CIMO
from ..questions.base import cimo_kind, in_id_order
from ..sparql import named_query
from ..summary import CIMO_CLASSES

if TYPE_CHECKING:
    from rdflib.term import Node

__all__ = ["gather", "render_report"]

_TEMPLATES = Path(__file__).parent / "templates"

#: The order of the elements: by CIMO class, as a summary lists them.
_KIND_ORDER = {name: index for index, name in enumerate(CIMO_CLASSES)}

#: The ids of the page's own parts, which no element's anchor may take.
_RESERVED = (
    *("studies", "propositions", "network", "elements", "themes", "filter"),
    *("report-search", "report-found"),
)

#: The counts of ``studies()`` a study's facts show.
_COUNTED = ("propositions", "pillars", "interventions", "mechanisms", "outcomes", "elements")

#: Columns of the theme index's route tables.
_ROUTE_COLUMNS = ("id", "label", "kind", "route", "through", "via")
#: Those of them that hold ids, "; " between them.
_ID_COLUMNS = frozenset({"id", "through", "via"})


@dataclass
class Element:
    """What the report shows of one node."""

    iri: str
    anchor: str
    id: str
    kind: str
    #: the kind in words of the report's language (the ontology's label of the class)
    kind_label: str = ""
    study: str = ""
    labels: list[tuple[str, str]] = field(default_factory=list)  # (language, text)
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    source_texts: list[tuple[str, str]] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    themes: list[Element] = field(default_factory=list)
    #: what a realist study records of it: (field, value) in the report's language
    facts: list[tuple[str, str]] = field(default_factory=list)
    #: links as (the relation in words of the report's language, the other element)
    out: list[tuple[str, Element]] = field(default_factory=list)  # to a target
    into: list[tuple[str, Element]] = field(default_factory=list)  # from a source

    def search_texts(self) -> list[str]:
        """The texts kg.search looks in: labels, synonyms, source texts, notes, quotes."""
        pairs = [*self.labels, *self.synonyms, *self.source_texts, *self.notes]
        return [text for _, text in pairs] + self.quotes

    def label(self, lang: str) -> str:
        for tag, text in self.labels:
            if tag == lang:
                return text
        return self.labels[0][1] if self.labels else self.id


#: Propositions drawn and themes given their routes in a report, unless told otherwise:
#: a collection's report says what it leaves out beyond them (a figure takes about
#: 0.2 s, a theme's routes three questions).
LIMIT = 50


def gather(
    graph: Any,
    *,
    lang: str = "en",
    max_nodes: int | None = None,
    picture: Callable[[Any], Any] | None = None,
    interactive: bool = True,
    limit: int | None = LIMIT,
) -> dict[str, Any]:
    """What a report of ``graph`` shows, whatever it is written as: the studies, the
    design propositions (sentences, figures through ``picture``: inline SVG by default,
    and assessments), the network (its page where ``interactive``, its picture), every
    element, the routes to each theme and the validation. Figures are drawn for the
    first ``limit`` propositions and routes given for the first ``limit`` themes (by
    id; ``None``: all), and ``left_out`` says in words what is not."""
    from . import MAX_NODES

    picture = picture or _inline
    elements, themes, studies = _read(graph, lang)
    ordered = sorted(
        (e for e in elements.values() if e.kind != "Theme"),
        key=lambda e: _KIND_ORDER.get(e.kind, len(_KIND_ORDER)),
    )
    network, network_picture, network_note = _network(
        graph, lang, max_nodes or MAX_NODES, picture, interactive
    )
    said = words("report", lang)
    for study in studies:
        study["facts"] = _study_facts(study, said)
    propositions = _propositions(graph, elements, studies, lang, picture, limit)
    drawn = sum(1 for item in propositions if item["svg"] is not None)
    left_out = {"figures": "", "themes": ""}
    if drawn < len(propositions):
        left_out["figures"] = said["figures_left_out"].format(drawn=drawn, total=len(propositions))
    if limit is not None and len(themes) > limit:
        left_out["themes"] = said["themes_left_out"].format(shown=limit, total=len(themes))
        themes = themes[:limit]
    return {
        "lang": lang,
        "words": said,
        "title": " · ".join(s["title"] for s in studies) or said["title"],
        "studies": studies,
        "propositions": propositions,
        "left_out": left_out,
        "elements": ordered,
        "themes": _theme_index(graph, themes, elements, lang),
        "network": network,
        "network_note": network_note,
        "network_picture": network_picture,
        "validation": _validation(graph, said),
        "table_words": words("table", lang),
        "page_words": words("page", lang),
    }


def render_report(
    graph: Any, *, lang: str = "en", max_nodes: int | None = None, limit: int | None = LIMIT
) -> str:
    """The report of ``graph`` (a :class:`~cimo_graph.CimoGraph` or remote graph) as one
    HTML page, labels in ``lang`` first (``limit``: see :func:`gather`)."""
    import jinja2

    from .. import __version__
    from .interactive import _script_hash, _vis_assets

    content = gather(graph, lang=lang, max_nodes=max_nodes, limit=limit)
    page_js = (_TEMPLATES / "report.js").read_text(encoding="utf-8")
    search_js = (_TEMPLATES / "search.js").read_text(encoding="utf-8")
    scripts = [page_js, search_js]
    if content["network"]:
        vis_js, _ = _vis_assets()
        scripts += [vis_js, (_TEMPLATES / "network.js").read_text(encoding="utf-8")]
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, keep_trailing_newline=True
    )
    return environment.get_template("report.html.j2").render(
        **content,
        page_js=page_js,
        search_js=search_js,
        search_texts={e.anchor: e.search_texts() for e in content["elements"]},
        script_hashes=" ".join(_script_hash(s) for s in scripts),
        version=__version__,
    )


def _text(term: Any) -> str:
    return str(term) if term is not None else ""


def _tag(term: Any) -> str:
    return (term.language or "") if isinstance(term, Literal) else ""


def _read(graph: Any, lang: str) -> tuple[dict[Node, Element], list[Element], list[dict[str, Any]]]:
    """Every node's annotations, links and evidence, in three queries over everything."""
    fields: dict[Node, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for row in graph._select(named_query("annotations"), {}):
        fields[row["node"]][str(row["field"])].append(row["value"])
    studies_of = {node: f["study"] for node, f in fields.items() if f.get("study")}
    members = [
        node
        for node, f in fields.items()
        if isinstance(node, URIRef) and (node in studies_of or _is_theme(f))
    ]
    names = graph._names()
    names.prefetch(members)
    ids = {node: names.display(node) for node in members}
    counts: dict[str, int] = defaultdict(int)
    for node in members:
        counts[ids[node]] += 1
    elements: dict[Node, Element] = {}
    reserved = set(_RESERVED) | {
        f"study-{names.display(s)}" for ss in studies_of.values() for s in ss
    }
    used = set(reserved)
    numbered: dict[str, int] = {}  # the last number given after an anchor already used
    for node in in_id_order(members, ids.__getitem__):
        f = fields[node]
        kind = "Theme" if _is_theme(f) else cimo_kind(f.get("type", ()))
        study = ", ".join(sorted(names.display(s) for s in studies_of.get(node, ())))
        anchor = f"{study}-{ids[node]}" if counts[ids[node]] > 1 and study else ids[node]
        if kind == "Theme":
            anchor = f"theme-{anchor}"
        anchor = _anchor(anchor)
        if anchor in reserved:  # an id that names a section of the page
            anchor = f"{kind.lower() or 'node'}-{anchor}"
        if anchor in used:  # the same id in several studies (themes of one name): numbered
            base, number = anchor, numbered.get(anchor, 1)
            while anchor in used:
                number += 1
                anchor = f"{base}-{number}"
            numbered[base] = number
        used.add(anchor)
        elements[node] = Element(
            iri=str(node),
            anchor=anchor,
            id=ids[node],
            kind=kind,
            kind_label=_kind_words(kind, lang),
            study=study,
            labels=_tagged(f.get("label", ()), lang),
            synonyms=_tagged(f.get("synonym", ()), lang),
            source_texts=_tagged(f.get("source_text", ()), lang),
            locations=sorted({_text(v) for v in f.get("location", ())}),
            notes=_tagged(f.get("note", ()), lang),
        )
    for key, element in elements.items():
        element.themes = [elements[t] for t in fields[key].get("theme", ()) if t in elements]
    for row in graph._select(named_query("network"), {}):
        source, target = elements.get(row["source"]), elements.get(row["target"])
        relation = str(row["relation"])
        if source is not None and target is not None and local_name(relation) != "theme":
            said = term_words(relation, lang)
            source.out.append((said, target))
            target.into.append((said, source))
    for row in graph._select(named_query("evidence"), {}):
        shown = elements.get(row["node"])
        kind = str(row["kind"])
        if shown is None:
            continue
        if kind == "derived from":
            shown.sources.append(_text(row.get("text")) or _text(row.get("item")))
        elif kind == "quote":
            shown.quotes.append(_text(row.get("text")))
    _facts(graph, elements, lang)
    for element in elements.values():
        element.sources = sorted(set(element.sources))
        element.quotes = sorted(set(element.quotes))
        element.out.sort(key=lambda pair: (pair[0], pair[1].anchor))
        element.into.sort(key=lambda pair: (pair[0], pair[1].anchor))
    themes = [e for e in elements.values() if e.kind == "Theme"]
    return elements, themes, _studies(graph, lang)


def _facts(graph: Any, elements: dict[Node, Element], lang: str) -> None:
    """Each element's realist fields (outcome kind and direction, theory stage, resource
    and reasoning), named and valued by the ontology's labels in ``lang``."""

    def named(term: Any) -> str:
        return str(term) if isinstance(term, Literal) else term_words(str(term), lang)

    for row in graph._select(named_query("realist-fields"), {}):
        element = elements.get(row["node"])
        if element is not None:
            name = named(row["property"])
            element.facts.append((name[:1].upper() + name[1:], named(row["value"])))
    for element in elements.values():
        element.facts.sort()


def _is_theme(fields: dict[str, list[Any]]) -> bool:
    return any(str(t).endswith("core#Concept") for t in fields.get("type", ()))


def _anchor(text: str) -> str:
    """An id attribute: no white space (the rest is escaped by the template)."""
    return re.sub(r"\s+", "_", text) or "_"


def _tagged(values: Any, lang: str) -> list[tuple[str, str]]:
    """(language, text) pairs: the asked language first, then the others, then untagged."""
    pairs = {(_tag(v), _text(v)) for v in values}
    return sorted(pairs, key=lambda p: (p[0] != lang, p[0] == "", p[0], p[1]))


def _studies(graph: Any, lang: str) -> list[dict[str, Any]]:
    # every value (extra), and those in the asked language or none (details): a method or
    # institution is shown in the asked language where the study gives it, else in any
    details: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    extra: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in graph._select(named_query("study-details"), {}):
        study, name, value = str(row["study"]), str(row["field"]), row["value"]
        extra[study][name].add(_text(value))
        if _tag(value) in ("", lang):
            details[study][name].add(_text(value))
    studies = []
    for row in graph.studies(lang=lang).to_dict("records"):
        mine, every = details[row["iri"]], extra[row["iri"]]
        try:
            reference = graph.cite(URIRef(row["iri"]), lang=lang)  # by IRI: no name lookup
        except CimoGraphError:  # a study without a citable title: the report still stands
            reference = ""
        studies.append(
            {
                **row,
                "reference": reference,
                "method": sorted(mine.get("method") or every.get("method", set())),
                "institutions": sorted(mine.get("institution") or every.get("institution", set())),
                "languages": sorted(every.get("language", ())),
                "licence": sorted(every.get("licence", ())),
                "encoders": sorted(every.get("encoder", ())),
                "encoding_licence": sorted(every.get("encoding_licence", ())),
                "sources": sorted(every.get("source", ())),
                "counts": [(name, row[name]) for name in _COUNTED if name in row],
            }
        )
    return studies


def _propositions(
    graph: Any,
    elements: dict[Node, Element],
    studies: list[dict[str, Any]],
    lang: str,
    picture: Callable[[Any], Any],
    limit: int | None,
) -> list[dict[str, Any]]:
    """Each design proposition: its sentence in each study language and its figure (for
    the first ``limit``; ``None`` for the others)."""
    spoken = {s["id"]: set(s["languages"]) for s in studies}
    languages = sorted(set().union(*spoken.values())) or ["en"]
    sentences: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for tag in languages:  # each proposition in the languages its study gives labels in
        for row in graph._sentence_frame(tag).to_dict("records"):
            element = elements.get(URIRef(row["iri"]))
            study = element.study if element is not None else ""
            if tag in spoken.get(study, {tag}):
                sentences[row["iri"]].append((tag, row["sentence"]))
    from ..progress import bar

    assessed = _assessments(graph, lang)
    propositions = [(n, e) for n, e in elements.items() if e.kind == "DesignProposition"]
    out = []
    drawn = len(propositions) if limit is None else min(limit, len(propositions))
    with bar(drawn, "drawing the propositions", "figure") as shown:
        for index, (node, element) in enumerate(propositions):
            out.append(
                {
                    "element": element,
                    "sentences": sentences.get(str(node), []),
                    "svg": picture(graph.figure(node, lang=lang)) if index < drawn else None,
                    "confidence": assessed.get(str(node)),
                }
            )
            shown.update(1 if index < drawn else 0)
    return out


def _assessments(graph: Any, lang: str) -> dict[str, dict[str, Any]]:
    """Each assessed finding's GRADE-CERQual assessment as the report shows it, by the
    finding's IRI: its level and explanation, each component's, who assessed it and
    when, and what the graph counts behind it."""
    from ..questions.confidence import COMPONENTS
    from .soqf import table_words

    words = table_words(lang)
    found = {}
    for row in graph.confidence(lang=lang).to_dict("records"):
        if not row["assessment"]:
            continue
        found[row["iri"]] = {
            "level": row["confidence"],
            "explanation": row["confidence_explanation"],
            "statement": row["statement"],
            "components": [
                (words[c], row[c], row[f"{c}_explanation"]) for c in COMPONENTS if row[c]
            ],
            "assessed": words["assessed"].format(
                who=row["assessed_by"] or "?", when=row["assessed_on"] or "?"
            ),
            "data": f"{row['elements']} {words['elements']}, {row['passages']} "
            f"{words['passages']}, {row['quotes']} {words['quotes']}, {row['voices']} "
            f"{words['voices']}" + (f" ({row['voiced_by']})" if row["voiced_by"] else ""),
            "related": row["related"],
        }
    return found


def _inline(figure: Any) -> str:
    """A matplotlib figure as inline SVG, without the XML prologue; the figure closed."""
    import matplotlib.pyplot as plt

    try:
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg")
    finally:
        plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _network(
    graph: Any, lang: str, max_nodes: int, picture: Callable[[Any], Any], interactive: bool
) -> tuple[str, Any, str]:
    """The interactive network's page (for an iframe, where ``interactive``) and its
    static picture (for print and for readers without scripts), or why they are left
    out."""
    page = ""
    try:
        if interactive:
            page = graph.to_html(lang=lang, max_nodes=max_nodes).html
        drawn = picture(graph.network_figure(None, lang=lang))
    except DrawingTooLargeError as error:  # larger than a figure holds: the page alone
        return page, None, "" if page else str(error)
    return page, drawn, ""


def _theme_index(
    graph: Any, themes: list[Element], elements: dict[Node, Element], lang: str
) -> list[dict[str, Any]]:
    """For each theme, its routes: interventions, mechanisms and outcomes, as tables."""
    by_iri = {e.iri: e for e in elements.values()}
    index = []
    for theme in themes:
        tables = []
        headings = words("figure", lang)
        said = words("report", lang)
        columns = [said[f"column_{c}"] for c in _ROUTE_COLUMNS]
        for title, helper in (
            (headings["interventions"], graph.interventions_for),
            (headings["mechanisms"], graph.mechanisms_for),
            (headings["outcomes"], graph.outcomes_of),
        ):
            try:
                records = helper(URIRef(theme.iri), lang=lang).to_dict("records")
            except NoRouteError:
                records = []  # a theme no route reaches with this kind: no table
            rows = []
            for record in records:
                target = by_iri.get(record.get("iri", ""))
                rows.append(
                    {
                        "element": target,
                        # (text, whether it is ids: each kept whole on its line)
                        "cells": [
                            (
                                _cell(record.get(c))
                                if c != "kind"
                                else _kind_words(record.get(c), lang),
                                c in _ID_COLUMNS,
                            )
                            for c in _ROUTE_COLUMNS[1:]
                        ],
                    }
                )
            tables.append({"title": title, "columns": columns, "rows": rows})
        index.append({"theme": theme, "tables": tables})
    return index


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return ""
    return str(value)


def _validation(graph: Any, said: Mapping[str, str]) -> dict[str, Any]:
    """Whether the graph conforms to the shapes, with the sentence that says so; a
    remote graph is not checked here."""
    validate = getattr(graph, "validate", None)
    if validate is None:
        return {"checked": False, "text": f"{said['validation']}: {said['not_checked']}"}
    report = validate()
    severe = [v for v in report.violations if v.severity == "Violation"]
    results = len(report.violations) - len(severe)  # warnings and notes
    if not report.conforms:
        text = said["violations"].format(count=len(severe))
    elif results:
        text = said["conforms_with"].format(count=results)
    else:
        text = said["conforms"]
    return {
        "checked": True,
        "conforms": bool(report.conforms),
        "violations": len(severe),
        "results": results,
        "text": f"{said['validation']}: {text}",
    }


def _study_facts(study: dict[str, Any], said: Mapping[str, str]) -> list[tuple[str, str]]:
    """What the report lists of a study, as (name, value) rows in the report's words."""
    rows = [(said["reference"], study["reference"])] if study["reference"] else []
    rows += [(said["method"], text) for text in study["method"]]
    for key, field_key, joiner in (
        ("institutions", "institutions", "; "),
        ("languages", "languages", ", "),
        ("source", "sources", "; "),
        ("licence", "licence", "; "),
        ("encoders", "encoders", "; "),
        ("encoding_licence", "encoding_licence", "; "),
    ):
        if study[field_key]:
            rows.append((said[key], joiner.join(study[field_key])))
    counts = (f"{count} {said['count_' + name]}" for name, count in study["counts"])
    rows.append((said["elements"], ", ".join(counts)))
    rows.append((said["iri"], study["iri"]))
    return rows


def _kind_words(kind: Any, lang: str) -> str:
    """A kind of element (``"DesignProposition"``) in words of ``lang``: the ontology's
    label of its class, with a capital (``"Ontwerpprincipe"``)."""
    if not kind:
        return ""
    # a theme is a skos:Concept, which the ontology does not label
    said = words("drawing", lang)["theme"] if kind == "Theme" else term_words(f"{CIMO}{kind}", lang)
    return said[:1].upper() + said[1:]
