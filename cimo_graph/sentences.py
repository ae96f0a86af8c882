"""Design propositions as sentences in the CIMO template, in Dutch and English.

"Als je in [context] [opbrengst] wilt bereiken, zorg dan voor [interventie], want dan zet
je [mechanisme] in gang." (Denyer, Tranfield & van Aken, 2008; as the study phrases it.)
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["TEMPLATES", "join", "proposition_sentence"]

#: The template per language; {actors} is "<actors> die " / "<actors> who " or empty.
TEMPLATES = {
    "nl": (
        "Als je in een {context} wilt bereiken dat {outcomes}, zorg dan voor "
        "{actors}{interventions}, want dan zet je {mechanisms} in gang."
    ),
    "en": (
        "If you want to achieve in {article} {context} that {outcomes}, provide "
        "{actors}{interventions}, because that sets in motion {mechanisms}."
    ),
}
_AND = {"nl": "en", "en": "and"}
_WHO = {"nl": "die", "en": "who"}


def join(items: Sequence[str], lang: str) -> str:
    """Join items as a list in running text.

    >>> join(["a", "b", "c"], "nl")
    'a, b en c'
    >>> join(["a"], "en")
    'a'
    """
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_AND[lang]} {items[-1]}"


def proposition_sentence(
    lang: str,
    *,
    context: str,
    outcomes: Sequence[str],
    interventions: Sequence[str],
    mechanisms: Sequence[str],
    actors: str | None = None,
) -> str:
    """State a design proposition in the CIMO template.

    ``actors`` (a plural, such as "opleiders") opens the interventions when one role
    carries them all out, as the study's column "Zorg dan voor opleiders die ..." does.

    >>> print(proposition_sentence("nl", context="LN", outcomes=["O"], interventions=["I"],
    ...     mechanisms=["M"], actors="opleiders"))
    Als je in een LN wilt bereiken dat O, zorg dan voor opleiders die I, want dan zet je M in gang.
    """
    if lang not in TEMPLATES:
        raise ValueError(
            f"No sentence template for language {lang!r}; use one of {sorted(TEMPLATES)}."
        )
    return TEMPLATES[lang].format(
        context=context,
        article="an" if context[:1].lower() in "aeiou" else "a",
        outcomes=join(outcomes, lang),
        actors=f"{actors} {_WHO[lang]} " if actors else "",
        interventions=join(interventions, lang),
        mechanisms=join(mechanisms, lang),
    )
