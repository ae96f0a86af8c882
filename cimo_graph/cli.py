"""The ``cimo-graph`` command line: load, validate, ask the questions, run SPARQL."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from . import __version__
from .authoring import TEMPLATE_FORMATS
from .errors import CimoGraphError, QueryParameterError
from .graph import CimoGraph, load
from .iris import checked_iri
from .questions.routes import MAPPINGS
from .questions.synthesis import AXES, STEPS
from .sparql import _parse_header, named_queries, named_query
from .views import RENDER_FORMATS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["main"]

FORMATS = ("table", "csv", "json")
#: Columns the table format shows for the route answers; csv and json show all.
ROUTE_TABLE = ["id", "label", "match", "route", "through", "via", "via_kind", "link"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Exit codes: 0 success, 1 the study does not conform to the shapes, 2 bad input or a
    failure (the message says what and where), 130 interrupted (Ctrl-C, SIGTERM, SIGHUP).
    """
    parser = _parser()
    if "_ARGCOMPLETE" in os.environ:  # the shell asks what may follow (TAB): say and exit
        import argcomplete

        argcomplete.autocomplete(parser)
    argv = sys.argv[1:] if argv is None else list(argv)
    for number, given in enumerate(argv, start=1):
        if any("\ud800" <= char <= "\udfff" for char in given):  # bytes that were no UTF-8
            shown = given.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            print(
                f"cimo-graph: error: argument {number} ({shown!r}) is not UTF-8 text; "
                "type it again, or set the terminal's encoding to UTF-8",
                file=sys.stderr,
            )
            return 2
    args = parser.parse_args(argv)
    _studies_given(args)
    from .progress import set_quiet

    set_quiet(args.quiet)
    try:
        return _run(args)
    except BrokenPipeError:
        # the reader stopped reading (`cimo-graph themes | head -1`): quiet, as Unix tools
        # are; what is left in the buffer goes nowhere, so that exiting writes no error
        with contextlib.suppress(AttributeError, OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (CimoGraphError, KeyError, OSError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"cimo-graph: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cimo-graph: interrupted", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    """Run the command; what a coded project's import left out, and what a template holds
    that is likely a slip, is said as a note. Other warnings go on as they would (none is
    kept: a library warning in a loop would fill the memory)."""
    import logging
    import warnings

    from .errors import LicenceWarning, ProjectImportWarning, TemplateWarning

    noted = (LicenceWarning, ProjectImportWarning, TemplateWarning)

    with warnings.catch_warnings(), _rdflib_notes(logging.getLogger("rdflib.term")):
        for category in noted:
            warnings.simplefilter("always", category)
        shown = warnings.showwarning

        def show(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: Any = None,
            line: str | None = None,
        ) -> None:
            if issubclass(category, noted):
                print(f"cimo-graph: note: {message}", file=sys.stderr)
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        code: int = args.run(args)
        return code


@contextlib.contextmanager
def _rdflib_notes(logger: Any) -> Any:
    """Within the block, rdflib's complaints about a literal that does not fit its
    datatype (``"abc"^^xsd:integer``) print as one note each, without rdflib's traceback."""
    import logging

    class Notes(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage().split(", Converter=")[0]
            reason = f": {record.exc_info[1]}" if record.exc_info and record.exc_info[1] else ""
            print(f"cimo-graph: note: {message}{reason}", file=sys.stderr)

    handler, propagate = Notes(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _count(least: int) -> Callable[[str], int]:
    """An argument type: a whole number of at least ``least``."""

    def count(text: str) -> int:
        if not (text.strip().isascii() and text.strip().isdigit()) or int(text) < least:
            raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of {least} or more")
        return int(text)

    return count


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cimo-graph",
        description="Validate, query and summarise qualitative studies encoded with CIMO logic.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="show no progress bars (they show only on a terminal anyway)",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    def command(
        name: str, help: str, run: Callable[[argparse.Namespace], int], *, study_arg: bool = False
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        if study_arg:
            sub.add_argument(
                "study_operand",
                nargs="?",
                default=None,
                metavar="STUDY",
                help="the study, as --study gives it (the short form this command has always "
                "taken; --study is the one every command takes)",
            )
        studies(sub)
        sub.add_argument(
            "--rdf-format",
            default=None,
            help="RDF format of the study file, when its suffix does not tell; of a study "
            "piped in (study '-'): turtle (default), json-ld, xml, nt, n3 or yaml (a template)",
        )
        sub.add_argument(
            "--location",
            default=None,
            metavar="DIR",
            help="keep the study in an Oxigraph store in DIR, and next time open it from "
            "there without parsing (while the study file is unchanged)",
        )
        sub.set_defaults(run=run)
        return sub

    def studies(sub: argparse.ArgumentParser, *, tables: bool = True) -> None:
        """The one rule for the study in every command: -s/--study FILE, repeatable."""
        sub.add_argument(
            "-s",
            "--study",
            action="append",
            default=None,
            metavar="FILE",
            help="study file (Turtle, JSON-LD, RDF/XML, N-Triples, N3), template or .qdpx, "
            "or - for standard input; default: the bundled study. Repeat it to read several "
            "studies together",
        )
        if not tables:
            return
        sub.add_argument(
            "--mappings",
            action="append",
            default=None,
            metavar="FILE",
            help="a reviewed SSSOM mapping table between the studies (from `align`); repeatable",
        )
        sub.add_argument(
            "--assessments",
            action="append",
            default=None,
            metavar="FILE",
            help="a review's table of GRADE-CERQual assessments of the studies' findings "
            "(the template's confidence sheet); repeatable",
        )

    def chains(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--chains",
            action="store_true",
            help="also follow chains of configurations (an outcome that is the context of "
            "another proposition)",
        )
        following(sub)
        confident(sub)

    def confident(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--min-confidence",
            default=None,
            metavar="LEVEL",
            help="only through findings assessed (GRADE-CERQual) at this level or higher: "
            "high, moderate, low, very low",
        )

    def following(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--follow",
            choices=MAPPINGS,
            default="exact",
            help="which mappings between studies to follow: exact (default), close (close "
            "matches too) or none",
        )

    def lang_option(sub: argparse.ArgumentParser, what: str) -> None:
        sub.add_argument(
            "--lang",
            type=_language_tag,
            default=None,
            metavar="TAG",
            help=f"{what}: any language the study gives labels in (default: en where it "
            "has it, else its first)",
        )
        sub.set_defaults(study_language=True)

    def answers(sub: argparse.ArgumentParser, *, lang: bool = True) -> None:
        sub.add_argument(
            "--endpoint",
            default=None,
            metavar="URL",
            help="ask a SPARQL endpoint instead of a study file",
        )
        sub.add_argument(
            "--graph",
            default=None,
            metavar="IRI",
            help="the endpoint's named graph holding the study",
        )
        sub.add_argument(
            "--row-cap",
            type=_row_cap,
            default=None,
            metavar="N",
            help="the number of rows at which the endpoint cuts every answer (learnt by "
            "itself when left out); answers at it are read again whole, in pages",
        )
        if lang:
            lang_option(sub, "language of the labels")
        sub.add_argument(
            "--format",
            choices=FORMATS,
            default="table",
            help="table (readable, key columns), csv or json (all columns)",
        )
        tidy_option(sub)

    def tidy_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--tidy",
            action="store_true",
            help="with csv or json: long form, one value per row (row, key, field, "
            "position, value), for R's tidyverse and pandas",
        )

    command(
        "info",
        "Show what is loaded: the study, counts per class, languages.",
        _info,
        study_arg=True,
    )
    command(
        "validate",
        "Check the study against the CIMO shapes; exit 1 if it does not conform.",
        _validate,
        study_arg=True,
    )
    sub = command(
        "report",
        "The main job: summarise and validate the study, answer the researcher questions "
        "with their routes, and (with --out) draw it.",
        _report,
        study_arg=True,
    )
    sub.add_argument(
        "-o",
        "--out",
        default=None,
        metavar="DIR",
        help="also write the interactive network, the figures, a GraphML export and the "
        "evidence report (report.html) into DIR",
    )
    sub.add_argument(
        "--html",
        default=None,
        metavar="FILE",
        help="also write the evidence report: one self-contained HTML file with every "
        "element's source text, the propositions' sentences and figures, the network and "
        "the routes to each theme (print it to PDF from the browser)",
    )
    sub.add_argument(
        "--docx",
        default=None,
        metavar="FILE",
        help="also write the evidence report as a Word document: the same sections, tables "
        "and figures, the network as a picture",
    )
    sub.add_argument(
        "--limit",
        type=_count(1),
        default=50,
        metavar="N",
        help="in the evidence report and the pictures (--out), draw the first N "
        "propositions and give the routes of the first N themes, and say what is left out "
        "(default 50)",
    )
    lang_option(sub, "language of the report's labels and words")
    sub = command("render", "Draw the study: an interactive page, a figure or an export.", _render)
    sub.add_argument(
        "--format",
        choices=RENDER_FORMATS,
        default=None,
        help="default: the suffix of --out, else html. html (interactive), svg/pdf/png "
        "(figure: a proposition's chain, 'pillars', or the network of any other focus), "
        "graphml, gexf, cyjs (Cytoscape), dot",
    )
    sub.add_argument(
        "--focus", default=None, help="a proposition or pillar, a theme, or a node (with --depth)"
    )
    sub.add_argument(
        "--depth",
        type=_count(0),
        default=None,
        help="draw the focus node's neighbourhood this many links deep",
    )
    sub.add_argument("--themes", action="store_true", help="add the theme nodes")
    lang_option(sub, "language of labels")
    following(sub)
    sub.add_argument("--dpi", type=_count(1), default=300, help="resolution of PNG figures")
    sub.add_argument(
        "--width",
        type=_positive_inches,
        default=7.0,
        help="figure width in inches (7 fits two journal columns, 3.5 one)",
    )
    sub.add_argument("--grayscale", action="store_true", help="figures in greys only")
    sub.add_argument(
        "--no-title",
        dest="title",
        action="store_false",
        help="figures without their title (for a journal's own caption)",
    )
    sub.add_argument(
        "-o",
        "--out",
        default=None,
        metavar="FILE",
        help="where to write (default: <focus or study>.<format> here)",
    )

    sub = command(
        "interventions", "Which interventions lead to a theme, by which route.", _interventions
    )
    sub.add_argument("theme", help="a theme's id, label or synonym, in Dutch or English")
    answers(sub)
    chains(sub)
    sub = command("mechanisms", "The mechanisms of a proposition, outcome or theme.", _mechanisms)
    sub.add_argument("target", help="a proposition, an element of one, or a theme")
    answers(sub)
    chains(sub)
    sub = command("outcomes", "The outcomes of an intervention, proposition or pillar.", _outcomes)
    sub.add_argument("source", help="an intervention, proposition, pillar or theme")
    answers(sub)
    chains(sub)
    sub = commands.add_parser(
        "align",
        help="Suggest which themes, contexts, interventions, mechanisms and outcomes of "
        "several studies mean the same, as an SSSOM mapping table to review.",
        description="Suggest mappings between the concepts of several studies by their "
        "names (every label and synonym, every language; accents and case folded), best "
        "first. With --out, write them as an SSSOM mapping table (TSV) to review in a "
        "spreadsheet: keep a row, change its predicate, mark it Not, or delete it; then "
        "ask the studies together with --mappings FILE.",
    )
    sub.add_argument(
        "study_operand",
        nargs="*",
        metavar="STUDY",
        help="the studies, as --study gives them (the short form this command has always taken)",
    )
    studies(sub, tables=False)
    sub.add_argument(
        "--kinds",
        default=None,
        help="comma-separated kinds to compare: theme, context, intervention, mechanism, "
        "outcome (default: all)",
    )
    sub.add_argument(
        "--threshold",
        type=_share,
        default=0.8,
        help="the least similarity of two names suggested (0 to 1; default 0.8)",
    )
    sub.add_argument("-o", "--out", default=None, metavar="FILE", help="write an SSSOM table (TSV)")
    sub.add_argument("--force", action="store_true", help="replace a file at --out")
    lang_option(sub, "language of the labels shown")
    sub.add_argument("--format", choices=FORMATS, default="table", help="table, csv or json")
    tidy_option(sub)
    sub.set_defaults(run=_align)
    sub = command(
        "patterns",
        "Patterns that recur across studies: a mechanism's theme leading to an outcome's "
        "theme in two studies or more, through the mappings between them.",
        _patterns,
    )
    sub.add_argument("--of", choices=list(STEPS), default="mechanism-outcome", help="which step")
    sub.add_argument("--least", type=_count(1), default=2, help="in at least N studies (default 2)")
    answers(sub)
    following(sub)
    confident(sub)
    sub = command(
        "confidence",
        "Each finding with its GRADE-CERQual assessment and what the graph counts behind "
        "it; --out writes the Summary of Qualitative Findings and its Evidence Profile.",
        _confidence,
    )
    confident(sub)
    sub.add_argument(
        "-o",
        "--out",
        default=None,
        metavar="FILE",
        help="write the Summary of Qualitative Findings and the Evidence Profile: "
        ".xlsx (a sheet each) or .html (one page that prints)",
    )
    answers(sub)
    sub = command(
        "history",
        "The trail of a finding: its versions, earliest first, and what the evidence did to "
        "each (confirmed, refuted, refined), who made the change and when.",
        _history,
    )
    sub.add_argument("finding", help="a design proposition's (configuration's) id")
    answers(sub)
    sub = command(
        "matrix",
        "The coded elements counted by theme, study or kind (a matrix coding query).",
        _matrix,
    )
    sub.add_argument("--rows", choices=AXES, default="theme")
    sub.add_argument("--columns", choices=AXES, default="study")
    sub.add_argument("--kinds", default=None, help="comma-separated kinds of element to count")
    sub.add_argument(
        "--figure",
        default=None,
        metavar="FILE",
        help="also draw it as a heatmap (.png, .svg, .pdf)",
    )
    answers(sub)
    following(sub)
    sub = command(
        "evidence", "The evidence behind an element: source text, quotes, notes.", _evidence
    )
    sub.add_argument("node", help="an element's id or label")
    answers(sub)
    sub = command(
        "search",
        "Find elements by their words: labels, synonyms, source texts, notes and quotes, "
        "in any case and with or without accents.",
        _search,
    )
    sub.add_argument(
        "words", nargs="+", help='words that must all occur; "a phrase" in quotes as written'
    )
    sub.add_argument(
        "--kind", action="append", default=None, help="keep this kind (intervention, ...)"
    )
    sub.add_argument(
        "--field",
        action="append",
        default=None,
        help="look in this field only: label, synonym, source text, note, quote",
    )
    sub.add_argument(
        "--lang", default=None, help="look in texts of this language only (and show labels in it)"
    )
    sub.add_argument("--limit", type=_count(1), default=None, help="keep the first rows")
    answers(sub, lang=False)
    sub = command("sentences", "The design propositions as CIMO sentences.", _sentences)
    answers(sub)
    sub = command("themes", "The theme vocabulary.", _themes)
    answers(sub)
    sub = command(
        "list",
        "A listing of the study: its propositions, pillars, roles, recommendations, "
        "studies, links between findings, or a comparison of its studies by theme.",
        _list,
    )
    sub.add_argument("what", choices=sorted(LISTINGS), help="what to list")
    answers(sub)
    sub = command("queries", "The named queries and what each answers.", _queries)
    answers(sub, lang=False)
    sub = command(
        "query",
        "Run a SPARQL query: a .rq file, - for standard input, or the name of a named query.",
        _query,
    )
    sub.add_argument("source", help="FILE.rq, - (standard input) or a named query's name")
    sub.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind ?NAME to VALUE: <iri>, prefix:name, or text (repeatable); "
        "a named query resolves themes and ids by name",
    )
    sub.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop the query after this many seconds (default 60; an endpoint's own)",
    )
    answers(sub, lang=False)

    sub = command(
        "serve",
        "Serve the study as a read-only SPARQL endpoint (Oxigraph) until interrupted.",
        _serve,
        study_arg=True,
    )
    sub.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sub.add_argument("--port", type=_port, default=7878, help="port to listen on (default 7878)")
    sub.add_argument(
        "--timeout",
        type=float,
        default=60,
        metavar="SECONDS",
        help="stop any query after this many seconds (default 60)",
    )
    sub.add_argument(
        "--cors",
        default=None,
        metavar="ORIGIN",
        help="let web pages of ORIGIN (e.g. https://yasgui.example.org, or *) query the "
        "endpoint from a browser (off by default)",
    )
    sub = command(
        "publish",
        "Publish the study into a named graph of a SPARQL Update "
        "endpoint, replacing what was there, and verify it.",
        _publish,
    )
    sub.add_argument(
        "update_endpoint",
        metavar="endpoint",
        help="the SPARQL Update endpoint, e.g. http://localhost:8890/sparql-auth",
    )
    sub.add_argument("graph_uri", help="the named graph to replace")
    sub.add_argument(
        "--query-endpoint",
        default=None,
        metavar="URL",
        help="where the server takes queries, if not at the update endpoint "
        "(Oxigraph: .../query beside .../update)",
    )
    sub.add_argument(
        "--graph-store",
        default=None,
        metavar="URL",
        help="the server's Graph Store Protocol endpoint, to send the triples in bulk "
        "(Virtuoso: .../sparql-graph-crud-auth, Oxigraph: .../store)",
    )
    sub.add_argument("--user", default=None, help="user name for the endpoint")
    sub.add_argument(
        "--password-env",
        default="CIMO_GRAPH_PASSWORD",
        metavar="NAME",
        help="environment variable holding the password (default CIMO_GRAPH_PASSWORD)",
    )
    sub.add_argument("--auth-scheme", choices=("basic", "digest"), default="digest")
    sub.add_argument("--chunk-size", type=_count(1), default=500, help="triples per request")
    sub = commands.add_parser(
        "docs",
        help="Write the ontology's documentation (HTML by pyLODE) "
        "and a picture of its classes and properties.",
    )
    sub.add_argument("-o", "--out", required=True, metavar="DIR")
    sub.set_defaults(run=_docs)
    sub = command(
        "package",
        "Archive the study as an RO-Crate for a repository deposit: the study, ontology, "
        "shapes, validation, evidence report, figures, template and a README, each described.",
        _package,
        study_arg=True,
    )
    sub.add_argument("-o", "--out", required=True, metavar="DIR", help="a new or empty folder")
    sub.add_argument("--zip", action="store_true", help="write one .zip file at --out instead")
    sub.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="FILE",
        help="a source document to include (yours to check its licence allows); repeatable",
    )
    sub.add_argument(
        "--licence",
        "--license",
        default=None,
        metavar="ID",
        help="the dataset's licence: an SPDX id (CC-BY-4.0, CC0-1.0, ...) or its URL; "
        "default: the one the study states (a note says when there is none)",
    )
    lang_option(sub, "language of labels")
    sub = command("cite", "The study's reference (or a cited work's) as text or BibTeX.", _cite)
    sub.add_argument("work", nargs="?", default=None, help="a cited work's id (default: the study)")
    sub.add_argument("--bibtex", action="store_true", help="BibTeX instead of text")
    sub = commands.add_parser(
        "new-study",
        help="Write an empty study template with one worked example row per sheet.",
        description="Write an empty study template with one worked example row "
        "per sheet: a folder of CSV files (default), an XLSX workbook or a YAML file.",
    )
    sub.add_argument("target", help="a folder (CSV), or a file ending in .xlsx or .yaml")
    sub.add_argument(
        "--format",
        choices=TEMPLATE_FORMATS,
        default=None,
        help="csv, xlsx or yaml (default: from the target's suffix, else csv)",
    )
    sub.add_argument(
        "--languages",
        default="nl,en",
        metavar="TAGS",
        help="the study's languages, separated by commas: one label column for each "
        "(default: nl,en; an English-only study: en)",
    )
    _force(sub, "replace a file or write into a folder that is not empty (a filled template)")
    sub.set_defaults(run=_new_study)
    sub = command(
        "import",
        "Build a study template (CSV folder, .xlsx, .yaml) or a coded REFI-QDA project "
        "(.qdpx) into Turtle, with the validation report; nothing is written if it has "
        "mistakes.",
        _import,
        study_arg=True,
    )
    sub.add_argument(
        "-o", "--out", required=True, metavar="FILE", help="the Turtle (or other RDF) file to write"
    )
    sub.add_argument(
        "--mapping",
        default=None,
        metavar="YAML",
        help="for a .qdpx project coded with code names of its own: the study's fields and "
        "each code's kind and proposition",
    )
    sub = command(
        "export",
        "Write a study as a template (a CSV folder, .xlsx or .yaml) or as a REFI-QDA "
        "project (.qdpx) for ATLAS.ti, NVivo, MAXQDA or QualCoder.",
        _export,
        study_arg=True,
    )
    sub.add_argument(
        "-o",
        "--out",
        required=True,
        metavar="TARGET",
        help="a folder (CSV), or a file ending in .xlsx, .yaml or .qdpx",
    )
    sub.add_argument("--format", dest="template_format", choices=TEMPLATE_FORMATS, default=None)
    sub.add_argument(
        "--document",
        action="append",
        default=[],
        metavar="SOURCE=FILE",
        help="for .qdpx: the text of a source document (a source id of the study and a "
        "UTF-8 text file); its elements' source texts are coded where they stand. "
        "Repeat for several sources",
    )
    _force(sub, "replace a file or write into a folder that is not empty")
    sub = commands.add_parser(
        "codebook",
        help="Write the CIMO codebook (REFI-QDA .qdc) to import into a coding tool.",
        description="Write the CIMO codebook (REFI-QDA .qdc) to import into ATLAS.ti, NVivo, "
        "MAXQDA or QualCoder before coding: a code per CIMO kind, with its definition and "
        "the coding convention.",
    )
    sub.add_argument("-o", "--out", required=True, metavar="FILE", help="the .qdc file to write")
    sub.add_argument(
        "--languages",
        default="en",
        metavar="TAGS",
        help="the study's languages, separated by commas; the codes are named in the first "
        "(default: en)",
    )
    sub.set_defaults(run=_codebook)
    sub = commands.add_parser(
        "completion",
        help="Print the shell completion script (bash, zsh or fish).",
        description="Print the script that completes cimo-graph's commands, options and "
        'choices as you type (TAB). Add it to your shell: bash `eval "$(cimo-graph '
        'completion bash)"` in ~/.bashrc; zsh the same line in ~/.zshrc; fish '
        "`cimo-graph completion fish | source` in ~/.config/fish/config.fish.",
    )
    sub.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell to complete in")
    sub.set_defaults(run=_completion)
    return parser


def _completion(args: argparse.Namespace) -> int:
    import argcomplete

    print(argcomplete.shellcode(["cimo-graph"], shell=args.shell), end="")  # type: ignore[attr-defined]
    return 0


def _force(sub: argparse.ArgumentParser, what: str) -> None:
    sub.add_argument("--force", action="store_true", help=f"{what} (refused without it)")


def _not_the_study(args: argparse.Namespace, out: Path | str | None) -> None:
    """Refuse an output that would replace the study being read (``import s.ttl --out
    s.ttl``, ``render --study s.ttl --out s.ttl``)."""
    from .errors import OutputError

    study = getattr(args, "study", None)
    studies = study if isinstance(study, list) else [study] if study else []
    read = [
        *studies,
        *(getattr(args, "mappings", None) or []),
        *(getattr(args, "assessments", None) or []),
    ]
    if out is None:
        return
    target = Path(out)
    for name in read:
        source = Path(name)
        same = target.exists() and source.exists() and target.samefile(source)
        if same or target.resolve() == source.resolve():
            what = "the study" if name in studies else "a mapping table"
            raise OutputError(
                f"{out}: is {what} being read; writing there would replace it: give another "
                "file name"
            )


def _codebook(args: argparse.Namespace) -> int:
    from .authoring.refi import write_codebook

    languages = [lang.strip() for lang in args.languages.replace(";", ",").split(",")]
    path = write_codebook(args.out, languages=[lang for lang in languages if lang])
    print(f"Wrote the CIMO codebook: {path}")
    print("Import it into your coding tool, code, export the project (.qdpx), then:")
    print("cimo-graph import project.qdpx --out my-study.ttl")
    return 0


def _docs(args: argparse.Namespace) -> int:
    from .docs import build_docs

    for path in build_docs(args.out):
        print(path)
    return 0


def _package(args: argparse.Namespace) -> int:
    kg = _load(args)
    _not_the_study(args, args.out)
    crate = kg.package(
        args.out, zip=args.zip, sources=args.source, lang=args.lang, licence=args.licence
    )
    print(f"RO-Crate written: {crate}")
    return 0


def _cite(args: argparse.Namespace) -> int:
    print(_load(args).cite(args.work, format="bibtex" if args.bibtex else "text"))
    return 0


def _new_study(args: argparse.Namespace) -> int:
    from .authoring import new_study

    languages = [lang.strip() for lang in args.languages.replace(";", ",").split(",")]
    target = new_study(args.target, languages=languages, format=args.format, force=args.force)
    print(f"Wrote a study template with one worked example row per sheet: {target}")
    print(f"Fill it in, then: cimo-graph import {target} --out my-study.ttl")
    return 0


def _import(args: argparse.Namespace) -> int:
    kg = _load(args)
    _not_the_study(args, args.out)
    print(kg.validate())
    kg.serialize(args.out)
    print(f"Wrote {len(kg)} triples to {args.out}")
    return 0


def _export(args: argparse.Namespace) -> int:
    kg = _load(args)
    _not_the_study(args, args.out)
    if str(args.out).lower().endswith(".qdpx"):
        documents = {}
        for given in args.document:
            source, sep, file = given.partition("=")
            if not sep or not source or not file:
                raise CimoGraphError(f"--document {given!r}: give SOURCE=FILE")
            documents[source.strip()] = Path(file)
        target = kg.export_project(args.out, documents=documents, force=args.force)
    else:
        if args.document:
            raise CimoGraphError("--document is for a REFI-QDA project (--out ending in .qdpx)")
        target = kg.export_template(args.out, format=args.template_format, force=args.force)
    print(target)
    return 0


def _studies_given(args: argparse.Namespace) -> None:
    """One list of the studies named, whether as the operand (``validate s.ttl``) or by
    ``--study`` (``validate --study s.ttl``); None for the bundled study."""
    if not hasattr(args, "study"):
        return
    operand = getattr(args, "study_operand", None) or []
    given = [*([operand] if isinstance(operand, str) else operand), *(args.study or [])]
    args.study = given or None


def _load(args: argparse.Namespace) -> Any:
    """The graph the command asks (a study file, several, stdin or an endpoint), with
    ``--lang`` settled against its languages."""
    kg = _load_graph(args)
    _settle_language(args, kg)
    return kg


def _load_graph(args: argparse.Namespace) -> Any:
    if getattr(args, "endpoint", None):
        for option, how in (("mappings", "add_mappings"), ("assessments", "add_assessments")):
            if getattr(args, option, None):
                raise CimoGraphError(
                    f"--{option} adds to a study file's graph; an endpoint's graph takes "
                    f"them when it is published (kg.{how}, then publish)"
                )
        from .remote import connect

        return connect(args.endpoint, graph=args.graph, cap=args.row_cap)
    study = args.study
    if isinstance(study, list):
        study = study[0] if len(study) == 1 else study
    if isinstance(study, list) and getattr(args, "location", None):
        raise CimoGraphError("--location keeps one study file; give one --study with it")
    given = study if isinstance(study, list) else [study]
    if "-" not in given:
        return load(
            study,
            format=args.rdf_format,
            location=getattr(args, "location", None),
            mapping=getattr(args, "mapping", None),
            mappings=getattr(args, "mappings", None),
            assessments=getattr(args, "assessments", None),
        )
    if given.count("-") > 1 or (getattr(args, "run", None) is _query and args.source == "-"):
        raise CimoGraphError("standard input holds one thing: give '-' once")
    if getattr(args, "location", None):
        raise CimoGraphError("--location keeps a study file; a study piped in is read anew")
    import shutil

    piped = _stdin_study(args.rdf_format)
    try:
        sources = [piped if name == "-" else name for name in given]
        kg = load(
            sources if isinstance(study, list) else sources[0],
            format=None if piped.suffix == ".yaml" else args.rdf_format,
            mappings=getattr(args, "mappings", None),
            assessments=getattr(args, "assessments", None),
        )
    except CimoGraphError as error:  # named as the reader knows it, not by the copy
        raise CimoGraphError(str(error).replace(str(piped), "<stdin>")) from None
    finally:
        shutil.rmtree(piped.parent, ignore_errors=True)
    if kg.source == piped:
        kg.source = Path("<stdin>")
    return kg


#: The file suffix a study piped in is read by, for each --rdf-format.
_PIPED = {
    None: ".ttl",
    "turtle": ".ttl",
    "ttl": ".ttl",
    "json-ld": ".jsonld",
    "xml": ".rdf",
    "nt": ".nt",
    "n3": ".n3",
    "yaml": ".yaml",
}


def _stdin_study(fmt: str | None) -> Path:
    """The study piped in (``cimo-graph info -``): Turtle, or the format --rdf-format
    names (``yaml`` for a template), in a private temporary file named ``stdin.<suffix>``
    that error messages name."""
    import tempfile

    from .guards import MAX_FILE_BYTES

    suffix = _PIPED.get(fmt)
    if suffix is None:
        known = ", ".join(str(name) for name in _PIPED if name)
        raise CimoGraphError(f"--rdf-format {fmt!r} for a study piped in: give one of {known}")
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise CimoGraphError(
            f"the study piped in is larger than {MAX_FILE_BYTES} bytes; save it as a file "
            "and name it instead"
        )
    if not data.strip():
        raise CimoGraphError("nothing was piped in: give a study on standard input, or a file")
    folder = Path(tempfile.mkdtemp(prefix="cimo-graph-stdin-"))
    path = folder / f"stdin{suffix}"
    path.write_bytes(data)
    return path


def _shown(args: argparse.Namespace) -> str:
    """The format the answer is printed in: ``args.format``, ``+tidy`` for --tidy."""
    if getattr(args, "tidy", False):
        if args.format == "table":
            raise CimoGraphError("--tidy is for --format csv or json (one value per row)")
        return f"{args.format}+tidy"
    return str(args.format)


def emit(frame: pd.DataFrame, fmt: str, columns: Sequence[str] | None = None) -> None:
    """Print a DataFrame as a readable table (``columns`` only), CSV or JSON records
    (``csv+tidy``, ``json+tidy``: in long form, one value per row; see :func:`tidy`)."""
    fmt, _, long = fmt.partition("+")
    if long:
        from .longform import tidy

        frame = tidy(frame)
    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif fmt == "json":
        print(
            json.dumps(frame.to_dict(orient="records"), ensure_ascii=False, indent=2, default=str)
        )
    else:
        shown = frame[list(columns)] if columns else frame
        if shown.empty:
            print("(no rows)")
            return
        print(shown.to_string(index=False, max_colwidth=60))


def _info(args: argparse.Namespace) -> int:
    print(_load(args).summary())
    return 0


def _validate(args: argparse.Namespace) -> int:
    report = _load(args).validate()
    print(report)
    return 0 if report.conforms else 1


def _share(text: str) -> float:
    """An argument type: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number from 0 to 1")
    return value


def _align(args: argparse.Namespace) -> int:
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()] if args.kinds else None
    if not args.study or len(args.study) < 2:
        raise CimoGraphError("align compares studies: name two or more (STUDY STUDY...)")
    _not_the_study(args, args.out)
    kg = load(list(args.study))
    _settle_language(args, kg)
    found = kg.align(
        kinds=kinds, threshold=args.threshold, out=args.out, lang=args.lang, force=args.force
    )
    emit(
        found,
        _shown(args),
        ["subject_id", "predicate_id", "object_id", "confidence", "match_string"],
    )
    if args.out:
        print(
            f"{len(found)} suggested mapping(s) written to {args.out}: review them (keep a "
            "row, change its predicate, mark it Not or delete it), then ask the studies "
            f"together with --mappings {args.out}",
            file=sys.stderr,
        )
    return 0


def _patterns(args: argparse.Namespace) -> int:
    found = _load(args).patterns(
        args.of,
        mappings=args.follow,
        least=args.least,
        lang=args.lang,
        min_confidence=args.min_confidence,
    )
    emit(
        found, _shown(args), ["from_theme", "to_theme", "studies", "study", "contexts", "contrasts"]
    )
    return 0


def _confidence(args: argparse.Namespace) -> int:
    kg = _load(args)
    if args.out:
        _not_the_study(args, args.out)
        print(kg.summary_of_findings(args.out, lang=args.lang, min_confidence=args.min_confidence))
        return 0
    found = kg.confidence(lang=args.lang, min_confidence=args.min_confidence)
    emit(
        found,
        _shown(args),
        ["study", "finding", "confidence", "contributing_studies", "passages", "quotes", "voices"],
    )
    return 0


def _history(args: argparse.Namespace) -> int:
    trail = _load(args).history(args.finding, lang=args.lang)
    emit(trail, _shown(args), ["version", "stage", "change", "result", "evidence", "changed_on"])
    return 0


def _matrix(args: argparse.Namespace) -> int:
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()] if args.kinds else None
    if args.figure:
        _not_the_study(args, args.figure)
    matrix = _load(args).matrix(
        args.rows, args.columns, kinds=kinds, mappings=args.follow, lang=args.lang
    )
    if args.figure:
        matrix.figure().savefig(args.figure)
        print(f"Wrote the heatmap: {args.figure}", file=sys.stderr)
    emit(matrix.counts.reset_index(), _shown(args))
    return 0


def _route_table(answer: pd.DataFrame) -> list[str]:
    """The columns a route answer shows as a table: with its study and the mapping that
    reached a row where the answer spans several studies."""
    columns = list(ROUTE_TABLE)
    if answer["study"].nunique() > 1:
        columns.append("study")
    if (answer["mapping"] != "").any():
        columns.append("mapping")
    return columns


def _interventions(args: argparse.Namespace) -> int:
    answer = _load(args).interventions_for(
        args.theme,
        lang=args.lang,
        chains=args.chains,
        mappings=args.follow,
        min_confidence=args.min_confidence,
    )
    emit(answer, _shown(args), _route_table(answer))
    return 0


def _mechanisms(args: argparse.Namespace) -> int:
    answer = _load(args).mechanisms_for(
        args.target,
        lang=args.lang,
        chains=args.chains,
        mappings=args.follow,
        min_confidence=args.min_confidence,
    )
    emit(answer, _shown(args), _route_table(answer))
    return 0


def _outcomes(args: argparse.Namespace) -> int:
    answer = _load(args).outcomes_of(
        args.source,
        lang=args.lang,
        chains=args.chains,
        mappings=args.follow,
        min_confidence=args.min_confidence,
    )
    emit(answer, _shown(args), _route_table(answer))
    return 0


def _search(args: argparse.Namespace) -> int:
    words = " ".join(f'"{w}"' if " " in w else w for w in args.words)
    frame = _load(args).search(
        words, kinds=args.kind, fields=args.field, lang=args.lang, limit=args.limit
    )
    emit(frame, _shown(args), ["id", "kind", "fields", "snippet"])
    return 0


def _evidence(args: argparse.Namespace) -> int:
    emit(
        _load(args).evidence(args.node, lang=args.lang),
        _shown(args),
        ["kind", "text", "lang", "item"],
    )
    return 0


def _sentences(args: argparse.Namespace) -> int:
    frame = _load(args).sentences(lang=args.lang)
    if args.format == "table" and not args.tidy:
        for row in frame.itertuples():
            print(f"{row.id}: {row.sentence}\n")
    else:
        emit(frame, _shown(args))
    return 0


def _themes(args: argparse.Namespace) -> int:
    emit(
        _load(args).themes(lang=args.lang),
        _shown(args),
        ["id", "label", "other_label", "elements", "synonyms"],
    )
    return 0


#: What `cimo-graph list` lists: the library's listing, and the columns a table shows.
LISTINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "propositions": ("propositions", ("id", "label", "context", "theory_stage", "themes")),
    "pillars": ("pillars", ("id", "label", "aim", "means", "themes")),
    "roles": ("roles", ("id", "label", "broader", "carries_out", "statements")),
    "recommendations": ("recommendations", ("id", "label", "strengthens", "strengthens_kind")),
    "studies": ("studies", ()),
    "findings": ("findings", ("finding", "relation", "other", "other_study")),
    "compare": ("compare_studies", ("theme", "label", "study", "interventions", "outcomes")),
}


def _list(args: argparse.Namespace) -> int:
    method, columns = LISTINGS[args.what]
    frame = getattr(_load(args), method)(lang=args.lang)
    emit(frame, _shown(args), [c for c in columns if c in frame.columns] or None)
    return 0


def _queries(args: argparse.Namespace) -> int:
    emit(_load(args).queries(), _shown(args), ["name", "parameters", "summary"])
    return 0


def _query(args: argparse.Namespace) -> int:
    kg = _load(args)
    params = dict(_split_param(p) for p in args.param)
    limit = {"timeout": args.timeout} if args.timeout is not None else {}
    if args.source in named_queries():
        result = kg.query(args.source, **limit, **params)
    else:
        text = sys.stdin.read() if args.source == "-" else _read_query(args.source)
        declared = {p.name: p.kind for p in _header_parameters(text)}
        bindings = {name: _term(kg, value, declared.get(name)) for name, value in params.items()}
        result = kg.sparql(text, **limit, **bindings)
    if isinstance(result, bool):
        print("true" if result else "false")
    elif isinstance(result, CimoGraph):
        sys.stdout.write(result.serialize(format="turtle") or "")
    else:
        emit(result, _shown(args))
    return 0


def _read_query(source: str) -> str:
    path = Path(source)
    if not path.is_file():
        import difflib

        close = difflib.get_close_matches(source, list(named_queries()), n=3)
        hint = f" Named queries like it: {', '.join(close)}." if close else ""
        raise CimoGraphError(
            f"No query file at '{source}' and no named query of that name."
            f"{hint} See `cimo-graph queries`."
        )
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CimoGraphError(
            f"{source}: byte {error.start} is not UTF-8 text; save the query as UTF-8"
        ) from None


def _header_parameters(text: str) -> tuple[Any, ...]:
    try:
        return _parse_header("query", text).parameters
    except ValueError:  # no header comment: nothing declared
        return ()


def _split_param(text: str) -> tuple[str, str]:
    name, separator, value = text.partition("=")
    if not separator or not name:
        raise QueryParameterError(f"--param takes NAME=VALUE, got {text!r}.")
    return name.lstrip("?$"), value


def _term(kg: CimoGraph, value: str, kind: str | None) -> Any:
    """A command-line value as an RDF term: declared kinds resolve names, ``<...>`` is an
    IRI, ``prefix:name`` with a known prefix is an IRI, anything else a string literal."""
    if kind is not None:
        return kg._parameter(kind, value)
    if value.startswith("<") and value.endswith(">"):
        return checked_iri(value[1:-1], "--param")
    prefix, separator, rest = value.partition(":")
    namespaces = dict(kg.graph.namespaces())
    if separator and prefix in namespaces and not rest.startswith("//"):
        return URIRef(str(namespaces[prefix]) + rest)
    return Literal(value)


def _serve(args: argparse.Namespace) -> int:
    from .serve import serving, stop_on_signals

    kg = _load(args)
    with (
        stop_on_signals(),
        serving(kg.graph, host=args.host, port=args.port, timeout=args.timeout, cors=args.cors) as (
            url,
            stopped,
        ),
    ):
        print(f"SPARQL endpoint (read-only): {url}", flush=True)
        print(
            "Ask it with cimo-graph's --endpoint option, cg.connect(url), YASGUI or any "
            "SPARQL client. Stop with Ctrl-C.",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            while not stopped.wait(1.0):  # a short wait: signals arrive between waits
                pass
    return 0


def _publish(args: argparse.Namespace) -> int:
    import os

    auth = None
    if args.user:
        password = os.environ.get(args.password_env)
        if password is None:
            import getpass

            password = getpass.getpass(f"Password for {args.user} at {args.update_endpoint}: ")
        auth = (args.user, password)
    report = _load(args).publish(
        args.update_endpoint,
        args.graph_uri,
        auth=auth,
        auth_scheme=args.auth_scheme,
        chunk_size=args.chunk_size,
        query_endpoint=args.query_endpoint,
        graph_store=args.graph_store,
    )
    print(report)
    return 0


def _file_name(text: str) -> str:
    from ._files import safe_stem

    return safe_stem(text, "study")


def _positive_inches(text: str) -> float:
    """A figure width: a number of inches from 1 to 40."""
    try:
        inches = float(text)
    except ValueError:
        inches = float("nan")
    if not 1.0 <= inches <= 40.0:  # also false for nan
        raise argparse.ArgumentTypeError(f"width {text!r}: give inches from 1 to 40, like 3.5")
    return inches


def _port(text: str) -> int:
    """A TCP port: 0 (any free one) to 65535."""
    port = _count(0)(text)
    if port > 65535:
        raise argparse.ArgumentTypeError(f"port {text!r}: give 0 to 65535")
    return port


def _language_tag(text: str) -> str:
    """A language tag as a study declares it (``en``, ``nl``, ``de``, ``pt-BR``)."""
    if not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", text):
        raise argparse.ArgumentTypeError(f"language {text!r}: give a language tag, like en or de")
    return text


def _settle_language(args: argparse.Namespace, kg: Any) -> None:
    """``--lang`` checked against the languages the loaded studies give labels in (one of
    them, the error naming them), or chosen: English where they have it, else the first."""
    if not getattr(args, "study_language", False):
        return
    spoken = sorted({str(row["lang"]) for row in kg._select(named_query("study-languages"), {})})
    if args.lang is None:
        args.lang = "en" if "en" in spoken or not spoken else spoken[0]
    elif spoken and args.lang not in spoken:
        same = [tag for tag in spoken if tag.lower() == args.lang.lower()]  # tags ignore case
        if same:
            args.lang = same[0]
            return
        raise CimoGraphError(
            f"--lang {args.lang}: the study gives its labels in {', '.join(spoken)}, not in "
            f"{args.lang}; ask in one of them"
        )


def _row_cap(text: str) -> int:
    """A server's row cap: a whole number of rows, at least 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"row cap {text!r}: give a number of rows, like 10000")
    return int(text)


def _render(args: argparse.Namespace) -> int:
    kg = _load(args)
    study = args.study[0] if isinstance(args.study, list) else args.study
    name = args.focus or (Path(study).stem if study else "leernetwerken")
    suffix = Path(args.out).suffix.lstrip(".").lower() if args.out else ""
    fmt = args.format or (suffix if suffix in RENDER_FORMATS else "html")
    out = Path(args.out) if args.out else Path(f"{_file_name(name)}.{fmt}")
    _not_the_study(args, out)
    kg.export(
        out,
        format=fmt,
        focus=args.focus,
        depth=args.depth,
        themes=args.themes or None,
        lang=args.lang,
        mappings=args.follow,
        dpi=args.dpi,
        width=args.width,
        grayscale=args.grayscale,
        title=args.title,
    )
    print(out)
    return 0


def _report(args: argparse.Namespace) -> int:
    kg = _load(args)
    print(kg.summary())
    print()
    report = kg.validate()
    print(report)
    if not kg.propositions().empty:
        _answer_questions(kg, args.limit)
    if args.out:
        _draw(kg, Path(args.out), args.limit)
    for given, word in ((args.html, False), (args.docx, True)):
        if given:
            _not_the_study(args, given)
            if (Path(given).suffix.lower() == ".docx") != word:
                raise CimoGraphError(
                    f"{given}: --docx writes a Word document (FILE.docx), --html a page"
                )
            print(f"Evidence report: {kg.report(given, lang=args.lang, limit=args.limit)}")
    return 0 if report.conforms else 1


def _draw(kg: CimoGraph, folder: Path, limit: int) -> None:
    """Write the pictures of the main job and print their paths: the figures of the first
    ``limit`` propositions (by id), and the interactive network where it stays readable;
    what is left out is said after them."""
    from .errors import DrawingTooLargeError

    print(f"\n== Pictures in {folder}/\n")
    written, left_out = [], []
    try:
        written.append(kg.export(folder / "network.html"))
    except DrawingTooLargeError as error:
        left_out.append(f"network.html is left out: {error}")
    propositions = list(kg.propositions()["id"])
    for proposition in propositions[:limit]:
        for suffix in ("svg", "pdf", "png"):
            written.append(
                kg.export(
                    folder / f"proposition-{_file_name(proposition)}.{suffix}", focus=proposition
                )
            )
    if len(propositions) > limit:
        left_out.append(
            f"Figures are drawn for {limit} of the {len(propositions)} design propositions "
            "(the first by id): draw another with cimo-graph render --focus <id> --out FILE, "
            "or raise --limit."
        )
    if not kg.pillars().empty:
        for suffix in ("svg", "pdf", "png"):
            written.append(kg.export(folder / f"pillars.{suffix}", focus="pillars"))
    written.append(kg.export(folder / "network.graphml"))
    written.append(kg.report(folder / "report.html", limit=limit))
    for path in written:
        print(path)
    for note in left_out:
        print(note)


def _answer_questions(kg: CimoGraph, limit: int) -> None:
    """The example questions of the study reading, each answered with its route (of the
    first ``limit`` propositions, by id, where a collection has more)."""

    def heading(text: str) -> None:
        print(f"\n== {text}\n")

    themes = set(kg.themes()["id"])
    if "self-direction" in themes:
        heading(
            "Which interventions lead to student self-direction?  "
            "kg.interventions_for('self-direction')"
        )
        emit(kg.interventions_for("self-direction"), "table", ROUTE_TABLE)
    propositions = kg.propositions()
    for row in propositions.head(limit).itertuples():
        heading(
            f"Through which mechanisms does proposition {row.id} work, and which outcomes "
            f"follow?  kg.mechanisms_for({row.id!r}), kg.outcomes_of({row.id!r})"
        )
        emit(kg.mechanisms_for(row.id), "table", ["id", "label"])
        print()
        emit(kg.outcomes_of(row.id), "table", ["id", "label"])
    if len(propositions) > limit:
        print(
            f"\n(Mechanisms and outcomes shown for {limit} of the {len(propositions)} design "
            "propositions, the first by id: ask of another with kg.mechanisms_for('<id>'), "
            "or raise --limit.)"
        )
    if len(propositions) >= 2:
        a, b = propositions["id"].iloc[0], propositions["id"].iloc[1]
        heading(f"What do propositions {a} and {b} share?  kg.shared_elements({a!r}, {b!r})")
        emit(kg.shared_elements(a, b), "table", ["theme", "a", "b"])
    heading(
        "Which interventions do the roles carry out, and what is said of each role?  kg.roles()"
    )
    emit(kg.roles(), "table", ["id", "broader", "carries_out", "statements", "stated_for"])
    heading("Which elements does each recommendation strengthen?  kg.recommendations()")
    emit(
        kg.recommendations(),
        "table",
        ["id", "strengthens", "strengthens_kind", "strengthens_label"],
    )
    for lang in kg.summary().languages or ("en",):
        heading(f"The design propositions as sentences ({lang})  kg.sentences(lang={lang!r})")
        try:
            sentences = kg.sentences(lang=lang)
        except CimoGraphError as error:  # a collection's studies speak different languages
            print(f"(Not in {lang}: {error})")
            continue
        for row in sentences.head(limit).itertuples():
            print(f"{row.id}: {row.sentence}\n")
        if len(sentences) > limit:
            print(f"(The first {limit} of {len(sentences)} sentences, by id; raise --limit.)")
