"""The ``cimo-graph`` command line: what is loaded, whether it is valid, the main report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .errors import CimoGraphError
from .graph import CimoGraph, load

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Exit codes: 0 success, 1 the study does not conform to the shapes, 2 bad input.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except CimoGraphError as error:
        print(f"cimo-graph: error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cimo-graph",
        description="Query and validate qualitative studies encoded with CIMO logic.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    def command(name: str, help: str, run) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument(
            "study",
            nargs="?",
            default=None,
            help="study file (Turtle, JSON-LD, RDF/XML, N-Triples); default: the bundled study",
        )
        sub.add_argument(
            "--format",
            dest="rdf_format",
            default=None,
            help="RDF format of the study file, when its suffix does not tell",
        )
        sub.set_defaults(run=run)
        return sub

    command("info", "Show what is loaded: the study, counts per class, languages.", _info)
    command(
        "validate",
        "Check the study against the CIMO shapes; exit 1 if it does not conform.",
        _validate,
    )
    command("report", "The main job: load the study, validate it and summarise it.", _report)
    return parser


def _load(args: argparse.Namespace) -> CimoGraph:
    return load(args.study, format=args.rdf_format)


def _info(args: argparse.Namespace) -> int:
    print(_load(args).summary())
    return 0


def _validate(args: argparse.Namespace) -> int:
    report = _load(args).validate()
    print(report)
    return 0 if report.conforms else 1


def _report(args: argparse.Namespace) -> int:
    kg = _load(args)
    print(kg.summary())
    print()
    report = kg.validate()
    print(report)
    return 0 if report.conforms else 1
