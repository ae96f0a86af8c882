"""Finding themes and nodes by any of their names, and helpful errors for unknown ones."""

from __future__ import annotations

import pytest

import cimo_graph as cg
from cimo_graph.namespace import LEERNETWERKEN as LNW
from cimo_graph.namespace import LEERNETWERKEN_THEME as THEME

THEME_NAMES = [
    ("self-direction", "self-direction"),
    ("zelfsturing", "self-direction"),
    ("eigen regie", "self-direction"),
    ("self-regulated learning", "self-direction"),
    ("Zelfsturing ", "self-direction"),
    ("Self-Directed Learning", "self-direction"),
    ("welbevinden", "well-being"),
    ("wellbeing", "well-being"),
    ("korte lijnen", "accessibility"),
    ("intervisie", "peer-learning"),
    ("leren van elkaar", "peer-learning"),
    ("theory\u2013practice link", "theory-practice"),
    ("Theorie en Praktijk", "theory-practice"),
    ("groepsgevoel", "group"),
    ("begeleiding", "guidance"),
]


@pytest.mark.parametrize(("name", "expected"), THEME_NAMES)
def test_theme_by_any_name(kg, name, expected):
    """A theme answers to its id, labels and synonyms in both languages, any case."""
    assert kg.theme(name) == THEME[expected]


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("self-directon", "self-direction"),
        ("zelfsturng", "self-direction"),
        ("feedbak", "feedback"),
        ("welbevinding", "well-being"),
    ],
)
def test_unknown_theme_suggests_the_closest(kg, typo, suggestion):
    """An unknown theme is a KeyError that names the closest themes."""
    with pytest.raises(
        cg.UnknownThemeError, match=f"Unknown theme '{typo}'. Did you mean: .*'{suggestion}'"
    ) as caught:
        kg.theme(typo)
    assert isinstance(caught.value, KeyError)
    assert suggestion in caught.value.suggestions


def test_unknown_theme_far_from_anything(kg):
    """A name close to nothing says so without suggestions."""
    with pytest.raises(cg.UnknownThemeError) as caught:
        kg.theme("quantum chromodynamics")
    assert str(caught.value) == "Unknown theme 'quantum chromodynamics'."


@pytest.mark.parametrize(
    "name",
    [
        "W-I3",
        "w-i3",
        "lnw:W-I3",
        str(LNW["W-I3"]),
        "eigen initiatief en zelfsturing verwachten",
        "Expect initiative and self-direction",
    ],
)
def test_node_by_id_prefixed_name_iri_or_label(kg, name):
    """An element answers to its id, prefixed name, IRI and its labels."""
    assert kg.node(name) == LNW["W-I3"]


def test_unknown_node_suggests_ids(kg):
    """An unknown node names close ids."""
    with pytest.raises(cg.UnknownNodeError, match="Did you mean: 'W-I3'"):
        kg.node("W-I33")


def test_helpers_take_themes_and_nodes_alike(kg):
    """mechanisms_for resolves a node id before a theme, and a theme by any name."""
    assert kg.mechanisms_for("W").equals(kg.mechanisms_for("lnw:W"))
    assert kg.mechanisms_for("welbevinden").equals(kg.mechanisms_for("well-being"))


def test_ambiguous_label(kg):
    """A label shared by two different nodes asks for an id instead of guessing."""
    from rdflib import Graph, Literal
    from rdflib.namespace import RDFS

    graph = Graph()
    for triple in kg.graph:
        graph.add(triple)
    graph.add((LNW["C-I5"], RDFS.label, Literal("veel contact en korte lijnen bieden", lang="nl")))
    with pytest.raises(cg.AmbiguousNameError, match="C-I5, W-I1"):
        cg.CimoGraph(graph).node("veel contact en korte lijnen bieden")


def test_lookup_follows_changes_to_the_graph(kg):
    """Names added to the graph after the first lookup are found."""
    from rdflib import Graph, Literal
    from rdflib.namespace import SKOS

    graph = Graph()
    for triple in kg.graph:
        graph.add(triple)
    study = cg.CimoGraph(graph)
    with pytest.raises(cg.UnknownThemeError):
        study.theme("zelfregie")
    graph.add((THEME["self-direction"], SKOS.altLabel, Literal("zelfregie", lang="nl")))
    assert study.theme("zelfregie") == THEME["self-direction"]


def test_local_names_are_each_iris_local_name():
    """The many-at-once form names each IRI as local_name does, with or without a "#" or
    a trailing "/" among them."""
    from cimo_graph.lookup import local_name, local_names

    plain = ["https://example.org/s/W-I1", "https://example.org/s/C", "b0", ""]
    for iris in (
        plain,
        [*plain, "https://example.org/o#Mechanism"],
        [*plain, "https://example.org/s/W/"],
        [*plain, "https://example.org/s#"],
    ):
        assert local_names(iris) == {iri: local_name(iri) for iri in iris}
