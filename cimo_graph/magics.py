"""The ``%%sparql`` cell magic for Jupyter: ``%load_ext cimo_graph`` turns it on."""

from __future__ import annotations

from typing import Any

__all__ = ["load_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%%sparql`` in IPython (called by ``%load_ext cimo_graph``).

    In a cell::

        %%sparql
        SELECT ?id WHERE { ?i a cimo:Intervention ; dcterms:identifier ?id }

    runs the query on the notebook's ``kg`` (or the bundled study when there is none) and
    shows the result. ``%%sparql other_graph`` runs it on the variable ``other_graph``;
    ``%%sparql kg --out answer`` also stores the result in ``answer``. Names after
    ``--param`` bind variables to values from the notebook: ``--param theme=t`` binds
    ``?theme`` to the notebook's ``t``.
    """
    from IPython.core.magic import register_cell_magic

    @register_cell_magic("sparql")  # type: ignore[arg-type]  # IPython's decorator is untyped
    def sparql(line: str, cell: str) -> Any:
        return _run(ipython, line, cell)


def _run(ipython: Any, line: str, cell: str) -> Any:
    import shlex

    from .graph import CimoGraph, load

    words = shlex.split(line)
    target, out, bindings = None, None, {}
    while words:
        word = words.pop(0)
        if word == "--out" and words:
            out = words.pop(0)
        elif word == "--param" and words:
            name, _, variable = words.pop(0).partition("=")
            if variable not in ipython.user_ns:
                raise NameError(f"%%sparql --param {name}={variable}: no variable {variable!r}")
            bindings[name] = ipython.user_ns[variable]
        elif target is None:
            target = word
        else:
            raise ValueError(f"%%sparql: unexpected argument {word!r}")
    if target is not None:
        if target not in ipython.user_ns:
            raise NameError(f"%%sparql {target}: no variable {target!r} in the notebook")
        graph = ipython.user_ns[target]
    else:
        graph = ipython.user_ns.get("kg")
        if not isinstance(graph, CimoGraph):
            graph = load()
    result = graph.sparql(cell, **bindings)
    if out:
        ipython.user_ns[out] = result
    return result
