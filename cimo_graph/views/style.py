"""How each CIMO class looks and where it stands: the shared colours, shapes and columns."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LAYERS", "LAYER_TITLES", "MIN_DISTANCE", "STYLES", "Style", "layer_of", "style_for"]

#: The least colour difference (CAM02-UCS ΔE) between any two classes' colours, in normal
#: vision and in each colour-vision deficiency (the palette's measured floor: 6.25; the
#: former palette's was 0.7, recommendation and quote, outcome and study).
MIN_DISTANCE = 6.0


@dataclass(frozen=True)
class Style:
    """The look of one class: colour for screens, grey and hatch for print, vis shape."""

    color: str
    gray: str
    hatch: str
    shape: str
    title_en: str
    title_nl: str


# The colours: light, of moderate chroma, dark text readable on each (contrast at least
# 4.5), chosen (from ColorBrewer's pastels, then by search) so that any two classes lie at
# least MIN_DISTANCE apart in CAM02-UCS in normal vision and as deuteranomaly, protanomaly
# and tritanomaly see them (full severity); printed grey, the classes drawn together in a
# figure (context, intervention, mechanism, outcome, added value; pillar, aim, means) lie
# at least 25 grey levels (of 255) apart, in colour and in the greys of ``grayscale=True``
# alike (hatches and dashes add to that), and the classes the page draws in one column
# with one shape at least 12 (tests/test_interactive.py and test_figures.py measure it).
STYLES: dict[str, Style] = {
    "Context": Style("#c3e1d2", "0.83", "", "box", "context", "context"),
    "DesignProposition": Style(
        "#d2d296", "0.80", "", "box", "design proposition", "ontwerpprincipe"
    ),
    "Pillar": Style("#f0873c", "0.65", "", "box", "pillar", "pijler"),
    "Intervention": Style("#78a5d2", "0.61", "", "box", "intervention", "interventie"),
    "Means": Style("#a5d2f0", "0.80", "///", "box", "means", "middel"),
    "Mechanism": Style("#b4b4e1", "0.72", "", "box", "mechanism", "mechanisme"),
    "Outcome": Style("#fff0e1", "0.94", "", "box", "outcome", "opbrengst"),
    "AddedValue": Style("#00b478", "0.50", "...", "box", "added value", "meerwaarde"),
    "Aim": Style("#d2ff87", "0.90", "...", "box", "aim", "doel"),
    "Role": Style("#b496b4", "0.70", "", "ellipse", "role", "rol"),
    "Organisation": Style("#ffc369", "0.65", "", "ellipse", "organisation", "organisatie"),
    "RoleStatement": Style("#b4b469", "0.96", "\\\\\\", "box", "role statement", "roluitspraak"),
    "Recommendation": Style("#1ec3a5", "0.98", "xx", "box", "recommendation", "aanbeveling"),
    "Quote": Style("#d2b4c3", "1.00", "", "box", "quote", "citaat"),
    "Study": Style("#b4965a", "0.90", "", "database", "study", "onderzoek"),
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
