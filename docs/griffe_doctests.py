"""A griffe extension for the API reference: the docstrings are reStructuredText-flavoured
prose with doctests; shown as Markdown, their examples become code blocks and their roles
(:class:`~cimo_graph.CimoGraph`) code."""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|meth|func|attr|data|mod|exc|obj):`~?([^`]+)`")


def markdown(text: str) -> str:
    r"""``text`` with each doctest (a ``>>>`` line and what follows it up to a blank line)
    in a fenced block, and each Sphinx role as code.

    >>> markdown("Say :meth:`~a.B.c`.\n\n>>> 1 + 1\n2\n\nDone.").splitlines()
    ['Say `c`.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'Done.']
    """
    text = _ROLE.sub(lambda m: f"`{m.group(1).rsplit('.', 1)[-1]}`", text)
    out: list[str] = []
    inside = False
    for line in text.splitlines():
        if not inside and line.lstrip().startswith(">>>"):
            out.append("```pycon")
            inside = True
        elif inside and not line.strip():
            out.append("```")
            inside = False
        out.append(line.lstrip() if inside else line)
    if inside:
        out.append("```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Rewrite every docstring with :func:`markdown` as griffe loads it."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
