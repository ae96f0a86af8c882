"""The public API is typed for its readers' type checkers (PEP 561): every public function
and method, the lazily loaded names included, annotates each parameter and its result."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import cimo_graph as cg
from cimo_graph.views.figures import CimoFigure
from cimo_graph.views.interactive import NetworkPage

PACKAGE = str(Path(cg.__file__).parent)


def public_callables():
    """(name, function) for every public name and every public method of a public class."""
    classes = [getattr(cg, n) for n in cg.__all__ if inspect.isclass(getattr(cg, n))]
    classes += [NetworkPage, CimoFigure]
    try:
        from cimo_graph.views.explorer import Explorer

        classes.append(Explorer)
    except ImportError:  # the explorer is an optional part
        pass
    for name in cg.__all__:
        value = getattr(cg, name)
        if inspect.isfunction(value):
            yield name, value
    for cls in classes:
        seen = set()
        for klass in cls.__mro__:  # what the library defines, not what a base brings
            if not klass.__module__.startswith("cimo_graph"):
                continue
            for name, value in vars(klass).items():
                written_here = inspect.isfunction(value) and value.__code__.co_filename.startswith(
                    PACKAGE
                )  # not one a base makes for its subclasses (matplotlib's Artist.set)
                if written_here and name not in seen:
                    seen.add(name)
                    if not name.startswith("_") or name == "__init__":
                        yield f"{cls.__name__}.{name}", value


def test_every_public_function_is_annotated():
    unannotated = []
    checked = 0
    for name, function in public_callables():
        signature = inspect.signature(function)
        checked += 1
        for parameter in signature.parameters.values():
            if parameter.name not in ("self", "cls") and parameter.annotation is parameter.empty:
                unannotated.append(f"{name}({parameter.name})")
        if signature.return_annotation is signature.empty and not name.endswith("__init__"):
            unannotated.append(f"{name} -> ?")
    assert checked > 100 and unannotated == []


def test_the_package_says_it_is_typed():
    assert (Path(cg.__file__).parent / "py.typed").is_file()


@pytest.mark.parametrize("name", ["connect", "RemoteGraph", "ValidationReport", "tidy"])
def test_lazily_loaded_names_are_visible_to_static_tools(name):
    """Named under TYPE_CHECKING in the package, so type checkers and API-doc generators
    see them, while `import cimo_graph` still loads them on first use."""
    source = (Path(cg.__file__).parent / "__init__.py").read_text(encoding="utf-8")
    block = source.split("if TYPE_CHECKING:", 1)[1].split("\n\n", 1)[0]
    assert f" {name}" in block
