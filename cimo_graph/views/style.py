"""How each CIMO class looks and where it stands: the shared colours, shapes and columns."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LAYERS", "LAYER_TITLES", "MIN_DISTANCE", "STYLES", "Style", "layer_of", "style_for"]

#: The least colour difference (CAM02-UCS ΔE) between any two classes' colours, in normal
#: vision and in each colour-vision deficiency (the palette's measured floor: 5.88, set by
#: intervention and mechanism as deuteranomaly sees them; the former palette's was 0.7).
MIN_DISTANCE = 5.5


@dataclass(frozen=True)
class Style:
    """The look of one class: colour for screens, grey and hatch for print, vis shape."""

    color: str
    gray: str
    hatch: str
    shape: str
    title_en: str
    title_nl: str


# The CIMO columns' colours from ColorBrewer's Set2/Pastel (colour-blind safe), their
# lightness set so that the classes drawn together in a figure (context, intervention,
# mechanism, outcome, added value; pillar, aim, means) print at least 25 grey levels (of
# 255) apart, in colour printed grey and in the greys of ``grayscale=True`` alike; hatches
# and dashes add to that. The other classes' colours were chosen (light, of moderate
# chroma, dark text readable on them) so that any two classes lie at least MIN_DISTANCE
# apart in CAM02-UCS in normal vision and as deuteranomaly, protanomaly and tritanomaly
# (full severity) see them (tests/test_interactive.py measures it with colorspacious).
STYLES: dict[str, Style] = {
    "Context": Style("#bee6b6", "0.83", "", "box", "context", "context"),
    "DesignProposition": Style(
        "#e1d296", "0.80", "", "box", "design proposition", "ontwerpprincipe"
    ),
    "Pillar": Style("#fc8f33", "0.65", "", "box", "pillar", "pijler"),
    "Intervention": Style("#68acd0", "0.61", "", "box", "intervention", "interventie"),
    "Means": Style("#b8d2eb", "0.80", "///", "box", "means", "middel"),
    "Mechanism": Style("#b5b5d7", "0.72", "", "box", "mechanism", "mechanisme"),
    "Outcome": Style("#feece4", "0.94", "", "box", "outcome", "opbrengst"),
    "AddedValue": Style("#fa5422", "0.50", "...", "box", "added value", "meerwaarde"),
    "Aim": Style("#e1ffc3", "0.90", "...", "box", "aim", "doel"),
    "Role": Style("#c3a5b4", "0.70", "", "ellipse", "role", "rol"),
    "Organisation": Style("#ffb469", "0.65", "", "ellipse", "organisation", "organisatie"),
    "RoleStatement": Style("#a5b487", "0.96", "\\\\\\", "box", "role statement", "roluitspraak"),
    "Recommendation": Style("#69c3a5", "0.98", "xx", "box", "recommendation", "aanbeveling"),
    "Quote": Style("#d2c3d2", "1.00", "", "box", "quote", "citaat"),
    "Study": Style("#d2a569", "0.90", "", "database", "study", "onderzoek"),
    "Theme": Style("#ffffff", "1.00", "", "diamond", "theme", "thema"),
}
_FALLBACK = Style("#eeeeee", "0.90", "", "dot", "other", "overig")

#: The left-to-right columns of the CIMO layout.
LAYERS: dict[str, int] = {
    "Study": 0,
    "Context": 0,
    "Organisation": 0,
    "Role": 0,
    "DesignProposition": 1,
    "Pillar": 1,
    "RoleStatement": 1,
    "Recommendation": 1,
    "Quote": 1,
    "Intervention": 2,
    "Means": 2,
    "Mechanism": 3,
    "Outcome": 4,
    "AddedValue": 4,
    "Aim": 4,
    "Theme": 5,
}
LAYER_TITLES = {
    "en": [
        "Context",
        "Propositions & pillars",
        "Interventions",
        "Mechanisms",
        "Outcomes",
        "Themes",
    ],
    "nl": [
        "Context",
        "Ontwerpprincipes & pijlers",
        "Interventies",
        "Mechanismen",
        "Opbrengsten",
        "Thema's",
    ],
}


def style_for(kind: str) -> Style:
    """The style of a class name (``"Intervention"``); unknown classes get a neutral one."""
    return STYLES.get(kind, _FALLBACK)


def layer_of(kind: str) -> int:
    """The column a class stands in, left to right: context, ..., outcomes, themes."""
    return LAYERS.get(kind, 1)
