"""Listings in long (tidy) form: one value per row, nothing lost, pairs kept."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import cimo_graph as cg
from cimo_graph.cli import main
from cimo_graph.longform import ID_LISTS, TEXT_LISTS, tidy

from .conftest import DATA, reviewed_studies

REALIST = DATA / "studies" / "widening-access.yaml"


def _listings():
    three = reviewed_studies()
    realist = cg.load(REALIST)
    return {
        "propositions": three.propositions(),
        "themes": three.themes(),
        "recommendations": three.recommendations(),
        "roles": three.roles(),
        "pillars": three.pillars(),
        "sentences": three.sentences(),
        "interventions_for": three.interventions_for("sense of belonging"),
        "mechanisms_for": realist.mechanisms_for("WA-I1"),
        "outcomes_of": realist.outcomes_of("CMO1", chains=True),
        "compare_studies": three.compare_studies(),
        "search": three.search("feedback"),
        "evidence": three.evidence("W-I3"),
        "confidence": cg.load(DATA / "studies" / "blended-review.yaml").confidence(),
        "history": realist.history("CMO4"),
        "queries": three.queries(),
    }


LISTINGS = _listings()


@pytest.mark.parametrize("name", list(LISTINGS))
def test_tidy_keeps_every_value_of_every_cell(name):
    """Joined again by their column's separator, a row's values give back each cell as
    the listing shows it: nothing lost, nothing split that is one value."""
    frame = LISTINGS[name]
    long = tidy(frame)
    assert list(long.columns[-3:]) == ["field", "position", "value"]
    key = long.columns[1] if long.columns[1] != "field" else None
    for (row, field), values in long.groupby(["row", "field"], sort=False):
        cell = frame.iloc[row - 1][field]
        values = values.sort_values("position")
        assert list(values["position"]) == list(range(1, len(values) + 1))
        separator = "; " if field in ID_LISTS else " | " if field in TEXT_LISTS else None
        if separator and isinstance(cell, str):
            assert separator.join(map(str, values["value"])) == cell, (row, field)
        else:
            assert list(values["value"]) == [cell], (row, field)
        if key:
            assert set(values[key]) == {frame.iloc[row - 1][key]}
    shown = {
        (row, field)
        for row, record in enumerate(frame.to_dict("records"), start=1)
        for field, cell in record.items()
        if field != key and cell not in ("", None) and cell == cell
    }
    assert set(zip(long["row"], long["field"], strict=True)) == shown


def _label(kg: cg.CimoGraph, node: str) -> str:
    """The English label of the element whose identifier is ``node``."""
    from rdflib import RDFS, Literal
    from rdflib.namespace import DCTERMS

    [subject] = kg.graph.subjects(DCTERMS.identifier, Literal(node))
    [label] = [t for t in kg.graph.objects(subject, RDFS.label) if t.language == "en"]
    return str(label)


def test_the_nth_context_goes_with_the_nth_context_label():
    """Several contexts of a configuration (a realist study's CMO6: a context and an
    outcome of another) pair with their labels by position."""
    realist = cg.load(REALIST)
    long = tidy(realist.propositions())
    several = long[(long.field == "context") & (long.position == 2)]["id"]
    assert len(several) > 0
    labels = realist.propositions().set_index("id")
    for proposition in several:
        part = long[long.id == proposition]
        ids = part[part.field == "context"].sort_values("position")["value"]
        names = part[part.field == "context_label"].sort_values("position")["value"]
        for node, label in zip(ids, names, strict=True):
            assert _label(realist, node) == label, (proposition, node)
        assert " | ".join(names) == labels.loc[proposition, "context_label"]


def test_the_routes_via_and_their_labels_pair_up():
    frame = reviewed_studies().interventions_for("sense of belonging")
    long = tidy(frame)
    for row in set(long[(long.field == "via") & (long.position == 2)]["row"]):
        part = long[long.row == row]
        vias = list(part[part.field == "via"].sort_values("position")["value"])
        kinds = list(part[part.field == "via_kind"].sort_values("position")["value"])
        labels = list(part[part.field == "via_label"].sort_values("position")["value"])
        assert len(vias) == len(kinds) == len(labels)


def test_the_command_line_prints_the_same_long_form(capsys):
    assert main(["list", "propositions", "--format", "csv", "--tidy"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    expected = tidy(cg.load().propositions())
    assert list(printed.columns) == list(expected.columns)
    assert len(printed) == len(expected)
    assert list(printed["value"].astype(str)) == list(expected["value"].astype(str))
    assert main(["themes", "--tidy"]) == 2
    assert "--tidy is for --format csv or json" in capsys.readouterr().err


def test_every_command_with_a_format_takes_tidy():
    from .test_cli import _commands

    for name, sub in _commands().items():
        options = {o for a in sub._actions for o in a.option_strings}
        formats = next((a for a in sub._actions if "--format" in a.option_strings), None)
        if formats is not None and formats.choices == ("table", "csv", "json"):
            assert "--tidy" in options, name


@pytest.mark.parametrize(
    "what", ["propositions", "pillars", "roles", "recommendations", "studies", "compare"]
)
def test_list_prints_each_listing_of_the_library(what, capsys):
    """`cimo-graph list WHAT --format csv` prints the library's listing whole."""
    from cimo_graph.cli import LISTINGS

    assert main(["list", what, "--format", "csv"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    expected = getattr(cg.load(), LISTINGS[what][0])()
    assert list(printed.columns) == list(expected.columns)
    assert len(printed) == len(expected)
