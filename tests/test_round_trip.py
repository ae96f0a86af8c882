"""Nothing lost: any valid study goes out as a template and comes back the same graph.

Hypothesis generates studies as a researcher would fill the template (any languages, one
to three propositions, optional pillars and roles, several sources, themes, notes, texts
with accents, quotes and leading '=' or '-'; realist configurations sharing their parts,
links scoped to some of them, several contexts and an outcome as another's context,
outcome kinds, theory stages, resources and reasoning, passages each at its own place),
builds each, and checks that export_template and import give back an isomorphic graph in
every format, with each passage still beside its own location.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

import cimo_graph as cg
from cimo_graph.authoring.build import build_graph, split_texts
from cimo_graph.authoring.tables import read_tables

FORMATS = ("template", "template.xlsx", "template.yaml")

# prose as researchers write it: accents, quotes, brackets, a leading '=' or '-' (which a
# spreadsheet would take for a formula); never '|' or ';', the template's separators
_WORD = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzëéïöüçñABCDEZ0123456789'\"()?!.,:"),
    min_size=1,
    max_size=8,
)
TEXT = st.builds(
    lambda first, words: (first + " ".join(words)).strip() or "x",
    st.sampled_from(["", "", "", "=", "-", "+", "@", "'"]),
    st.lists(_WORD, min_size=1, max_size=5),
)
LANGUAGES = st.sampled_from([["en"], ["nl", "en"], ["de"], ["en", "fr", "nl"]])


@st.composite
def studies(draw: st.DrawFn) -> dict:
    """A valid study as the template's sheets."""
    languages = draw(LANGUAGES)

    def labels(prefix: str = "label") -> dict[str, str]:
        return {f"{prefix}_{lang}": draw(TEXT) for lang in languages}

    def evidence() -> dict[str, str]:
        cell: dict[str, str] = {}
        texts = draw(st.lists(TEXT, min_size=1, max_size=3, unique=True))
        cell["source_text"] = " | ".join(texts)
        if len(texts) > 1 and draw(st.booleans()):
            # several passages at several places: each text with its own location
            places = draw(st.lists(TEXT, min_size=len(texts), max_size=len(texts)))
            cell["location"] = " | ".join(places)
        elif draw(st.booleans()):
            cell["location"] = draw(TEXT)
        return cell

    sources = [f"src{i}" for i in range(draw(st.integers(1, 3)))]
    themes = [f"theme{i}" for i in range(draw(st.integers(0, 3)))]

    def element(identifier: str, **links: str) -> dict[str, str]:
        row = {"id": identifier, **links, **labels(), **evidence()}
        chosen = draw(st.lists(st.sampled_from(sources), unique=True, max_size=2))
        if chosen:
            row["sources"] = "; ".join(chosen)
        if themes and draw(st.booleans()):
            row["themes"] = "; ".join(
                draw(st.lists(st.sampled_from(themes), min_size=1, unique=True))
            )
        return row

    study = {
        "id": "study",
        "identifier": "generated",
        "namespace": "https://example.org/generated/",
        "languages": "; ".join(languages),
        **labels("title"),
        "source_document": sources[0],
        **evidence(),
    }
    if draw(st.booleans()):
        study["authors"] = "; ".join(
            f"{draw(_WORD)}, {draw(st.sampled_from('ABC'))}."
            for _ in range(draw(st.integers(1, 3)))
        )
        study["year"] = str(draw(st.integers(1990, 2030)))
    tables: dict = {
        "study": study,
        "sources": [{"id": s, "title": draw(TEXT)} for s in sources],
        "context": [element("context")],
        "propositions": [],
        "interventions": [],
        "mechanisms": [],
        "outcomes": [],
        "roles": [],
        "pillars": [],
        "aims": [],
        "means": [],
        "recommendations": [],
        "notes": [],
        "themes": [{"id": t, **labels()} for t in themes],
    }
    roles = [f"role{i}" for i in range(draw(st.integers(0, 2)))]
    tables["roles"] = [element(r) for r in roles]
    if draw(st.booleans()):
        tables["context"].append(element("context2"))
    contexts = [row["id"] for row in tables["context"]]
    propositions = [f"P{p}" for p in range(draw(st.integers(1, 3)))]
    # realist configurations: each part belongs to one proposition or, sometimes, is
    # shared by several (one row, several ids in its 'proposition' cell)
    holders: dict[str, list[str]] = {}
    rows_of: dict[str, dict] = {}
    ids: dict[str, list[str]] = {"I": [], "M": [], "O": []}
    for proposition in propositions:
        row = element(
            proposition,
            context="; ".join(draw(st.lists(st.sampled_from(contexts), min_size=1, unique=True))),
        )
        if draw(st.booleans()):
            row["theory_stage"] = draw(st.sampled_from(["initial", "refined", "tested"]))
        if proposition != propositions[0] and draw(st.booleans()):
            row["refines"] = propositions[0]
        tables["propositions"].append(row)
        for kind in "IMO":
            for i in range(draw(st.integers(1, 3))):
                identifier = f"{proposition}-{kind}{i}"
                ids[kind].append(identifier)
                shared = draw(st.lists(st.sampled_from(propositions), unique=True, max_size=2))
                holders[identifier] = list(dict.fromkeys([proposition, *shared]))
    for kind, sheet in (("I", "interventions"), ("M", "mechanisms"), ("O", "outcomes")):
        for identifier in ids[kind]:
            row = element(identifier, proposition="; ".join(holders[identifier]))
            if kind == "I" and roles and draw(st.booleans()):
                row["carried_out_by"] = draw(st.sampled_from(roles))
            if kind == "O" and draw(st.booleans()):
                row["kind"] = draw(st.sampled_from(["intended", "unintended"]))
                row["direction"] = draw(st.sampled_from(["positive", "negative", "mixed"]))
            if kind == "M" and draw(st.booleans()):
                row.update({f"resource_{lang}": draw(TEXT) for lang in languages})
                row.update({f"reasoning_{lang}": draw(TEXT) for lang in languages})
            if draw(st.booleans()) and roles:
                row["supported_by"] = "; ".join(
                    draw(st.lists(st.sampled_from(roles + sources), min_size=1, unique=True))
                )
            rows_of[identifier] = row
            tables[sheet].append(row)
    # stated links between parts that share a proposition, some scoped to the
    # propositions that state them
    for kind, target, column in (("I", "M", "activates"), ("M", "O", "leads_to")):
        for identifier in ids[kind]:
            reachable = [t for t in ids[target] if set(holders[t]) & set(holders[identifier])]
            if not reachable or not draw(st.booleans()):
                continue
            cells = []
            for chosen in draw(st.lists(st.sampled_from(reachable), min_size=1, unique=True)):
                both = [p for p in holders[identifier] if p in holders[chosen]]
                scope = draw(st.lists(st.sampled_from(both), unique=True, max_size=len(both)))
                cells.append(f"{chosen} ({', '.join(scope)})" if scope else chosen)
            rows_of[identifier][column] = "; ".join(cells)
    # a chain of configurations: an outcome of one that is a context of another
    if len(propositions) > 1 and draw(st.booleans()):
        later = tables["propositions"][-1]
        earlier = [o for o in ids["O"] if propositions[-1] not in holders[o]]
        if earlier:
            later["context"] += "; " + draw(st.sampled_from(earlier))
    for p in range(draw(st.integers(0, 2))):
        pillar = f"pillar{p}"
        tables["pillars"].append(element(pillar, context="context"))
        tables["aims"].append(element(f"{pillar}-aim", pillar=pillar))
        tables["means"].append(element(f"{pillar}-means", pillar=pillar))
    elements = [
        row["id"] for sheet in ("interventions", "outcomes", "roles") for row in tables[sheet]
    ]
    if draw(st.booleans()):
        tables["recommendations"].append(
            element(
                "rec",
                strengthens="; ".join(
                    draw(st.lists(st.sampled_from(elements), min_size=1, max_size=2, unique=True))
                ),
            )
        )
    for _ in range(draw(st.integers(0, 2))):
        tables["notes"].append({"element": draw(st.sampled_from(elements)), "note": draw(TEXT)})
    return {name: rows for name, rows in tables.items() if rows}


def _write(tables: dict, folder: str) -> Path:
    """The generated study as the YAML template a researcher would have written."""
    source = Path(folder) / "generated.yaml"
    source.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return source


def _build(path: Path):
    """The graph a template holds, as an import builds it (checked once, below)."""
    tables, problems = read_tables(path)
    built = build_graph(tables)
    assert not problems and not built.problems, [str(p) for p in problems + built.problems]
    return built.graph


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(studies())
def test_any_valid_study_survives_export_and_import(tables):
    """export_template then import gives an isomorphic graph, in every format; and each
    passage stands beside its own location in the exported template, as written."""
    with tempfile.TemporaryDirectory() as folder:
        graph = _build(_write(tables, folder))
        kg = cg.CimoGraph(graph)
        for name in FORMATS:
            back = _build(kg.export_template(Path(folder) / name))
            assert isomorphic(back, graph), name
        exported, _ = read_tables(Path(folder) / "template.yaml")
        written = {
            row["id"]: row
            for rows in tables.values()
            if isinstance(rows, list)
            for row in rows
            if "id" in row
        }
        for rows in exported.values():
            for row in rows:
                before = written.get(row.cells.get("id"))
                if before is None or " | " not in str(before.get("location", "")):
                    continue
                assert _pairs(row.cells) == _pairs(before), row.cells.get("id")


def _pairs(cells: dict) -> set[tuple[str, str]]:
    """The (text, location) pairs of a row holding several of each."""
    texts, places = (split_texts(cells.get(name)) for name in ("source_text", "location"))
    return set(zip(texts, places, strict=True))


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(studies())
def test_generated_studies_are_valid(tables):
    """The generator makes studies the shapes accept (a few: validation is the slow part)."""
    with tempfile.TemporaryDirectory() as folder:
        assert cg.load(_write(tables, folder)).validate().conforms


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(studies())
def test_any_valid_study_survives_compact_json_ld(tables):
    """Written as compact JSON-LD with the ontology's context and read back: the same
    triples, whatever the texts hold (quotes, @-words, any script)."""
    from .test_jsonld import _plain

    with tempfile.TemporaryDirectory() as folder:
        graph = _build(_write(tables, folder))
        path = Path(folder) / "study.jsonld"
        cg.CimoGraph(graph).serialize(path)
        assert isomorphic(_plain(cg.load(path).graph), _plain(graph))
