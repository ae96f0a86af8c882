"""The shapes' violations said in the template's words: which sheet, row and column to
fill, rather than which RDF property is missing."""

from __future__ import annotations

import re

from ..validation import Violation

__all__ = ["advice"]

#: For a violated path (as the report writes it): what to do in the template.
_ADVICE = {
    "(sourceText|interpretationNote)": (
        "has no evidence: fill 'source_text' with the source's words, or add a row to the "
        "'notes' sheet for this id saying how it was read"
    ),
    "hasContext": "fill 'context' with the id of a row of the 'context' sheet",
    "hasIntervention": (
        "has no intervention: add a row to 'interventions' with this id in its 'proposition' column"
    ),
    "hasMechanism": (
        "has no mechanism: add a row to 'mechanisms' with this id in its 'proposition' column"
    ),
    "hasOutcome": (
        "has no outcome: add a row to 'outcomes' with this id in its 'proposition' column"
    ),
    "hasAim": "needs one aim: a row of 'aims' with this id in its 'pillar' column",
    "(hasMeans|shapedBy)": ("needs a means: a row of 'means' with this id in its 'pillar' column"),
    "describesRole": "fill 'describes' with the id of a row of 'roles'",
    "supports": "fill 'supports' with the ids of the elements the quote is evidence for",
    "strengthens": "fill 'strengthens' with the ids of the elements it bears on",
    "title": "fill 'title' (one column per study language)",
}


#: The same, for a study coded in a REFI-QDA project: what to do in the coding tool.
_PROJECT_ADVICE = {
    "(sourceText|interpretationNote)": (
        "has no evidence: code the passage it comes from with this code, or write in the "
        "code's description or memo how it was read"
    ),
    "hasContext": "names no context: put its context code beneath it, or write "
    "'context: ID' in its description",
    "hasIntervention": "has no intervention: put an 'intervention' code beneath it, with "
    "the intervention codes beneath that",
    "hasMechanism": "has no mechanism: put a 'mechanism' code beneath it, with the "
    "mechanism codes beneath that",
    "hasOutcome": "has no outcome: put an 'outcome' code beneath it, with the outcome "
    "codes beneath that",
    "hasAim": "needs one aim: put an 'aim' code beneath the pillar, with its aim beneath that",
    "(hasMeans|shapedBy)": "needs a means: put a 'means' code beneath the pillar, with its "
    "means beneath that",
    "describesRole": "write 'describes: ROLE-ID' in its description",
    "supports": "write 'supports: ID; ID' in its description: the elements the quote is "
    "evidence for",
    "strengthens": "write 'strengthens: ID; ID' in its description: the elements it bears on",
    "title": "write 'title_<language>: ...' in the project's description",
}


def advice(violation: Violation, *, project: bool = False) -> str:
    """What to do about ``violation`` in the template (or, with ``project``, in the coding
    tool), or its own message where there are no better words."""
    table = _PROJECT_ADVICE if project else _ADVICE
    path = _local(violation.path or "")
    if path == "label" or "label in the study's language" in violation.message:
        match = re.search(r"language '([^']+)'", violation.message)
        column = f"label_{match.group(1)}" if match else "label"
        if project:
            return f"missing its label: write '{column}: ...' in the code's description"
        return f"missing its label: fill '{column}'"
    if (violation.shape or "").endswith("EvidenceShape"):
        return table["(sourceText|interpretationNote)"]
    if path in table:
        return table[path]
    return violation.message


def _local(path: str) -> str:
    """A property path with each IRI or prefixed name cut to its local name:
    ``(cimo:hasMeans|<https://...#shapedBy>)`` -> ``(hasMeans|shapedBy)``."""
    return re.sub(r"<[^>]*[#/]([^#/>]+)>|[A-Za-z][\w.-]*:([\w.-]+)", r"\1\2", path)
