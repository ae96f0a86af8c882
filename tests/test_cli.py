"""The cimo-graph command line: info, validate and the main report."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

import cimo_graph as cg
from cimo_graph.cli import main


def test_info_prints_counts_languages_and_source(capsys, kg):
    """`cimo-graph info` shows the study, its triples, languages and counts per class."""
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert (
        "Meerwaarde van Opleiden in Leernetwerken" in out
        or "added value of teacher education" in out
    )
    assert f"Triples:   {len(kg)}" in out
    assert "Languages: en, nl" in out
    assert re.search(r"DesignProposition\s+2\n", out)


def test_validate_conforming_study_exits_zero(capsys):
    """`cimo-graph validate` on the bundled study says it conforms."""
    assert main(["validate"]) == 0
    assert "conforms to the CIMO shapes" in capsys.readouterr().out


def test_validate_broken_study_exits_one_with_report(tmp_path, capsys, kg):
    """A non-conforming study prints the violations and exits 1."""
    path = tmp_path / "broken.ttl"
    path.write_text(
        kg.serialize().replace("cimo:hasContext lnw:context ;", "", 1), encoding="utf-8"
    )
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "lnw:" in out and "cimo:hasContext" in out and "does not conform" in out


def test_bad_input_exits_two_with_message(tmp_path, capsys):
    """A missing or broken file is reported on stderr with exit code 2, no traceback."""
    assert main(["info", str(tmp_path / "missing.ttl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cimo-graph: error: No study file at")
    assert "Traceback" not in err


def test_report_is_the_main_job(capsys):
    """`cimo-graph report` loads, summarises and validates the bundled study."""
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "Elements:" in out and "conforms to the CIMO shapes" in out


@pytest.mark.slow
def test_console_script_runs(tmp_path):
    """The installed `cimo-graph` entry point runs (and `python -m cimo_graph` too)."""
    script = shutil.which("cimo-graph") or str(
        __import__("pathlib").Path(sys.executable).parent / "cimo-graph"
    )
    for command in ([script, "--version"], [sys.executable, "-m", "cimo_graph", "info"]):
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()


def test_interventions_command_answers_with_routes(capsys):
    """`cimo-graph interventions self-direction` prints the routes as a table."""
    assert main(["interventions", "self-direction"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == [
        "id", "label", "match", "route", "through", "via", "via_kind", "link"
    ]  # fmt: skip
    assert len(lines) == 11
    assert any(line.split()[0] == "W-I3" and "mention" in line for line in lines)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_interventions_command_formats(capsys, fmt):
    """--format csv and json give every column for every row, in Dutch with --lang nl."""
    assert main(["interventions", "zelfsturing", "--lang", "nl", "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        rows = json.loads(out)
        assert len(rows) == 10 and "source_text" in rows[0]
        assert {r["id"]: r["label"] for r in rows}[
            "W-I3"
        ] == "eigen initiatief en zelfsturing verwachten"
    else:
        assert out.splitlines()[0].startswith("id,label,kind,match,route")
        assert len(out.strip().splitlines()) == 11


def test_unknown_theme_on_the_command_line(capsys):
    """A misspelt theme exits 2 with the suggestion."""
    assert main(["interventions", "self-directon"]) == 2
    assert "Did you mean: 'self-direction'?" in capsys.readouterr().err


def test_query_file_with_params(tmp_path, capsys):
    """`cimo-graph query FILE.rq --param` binds prefixed names as IRIs and text as literals."""
    path = tmp_path / "q.rq"
    path.write_text(
        "SELECT ?id WHERE { ?p cimo:hasMechanism ?m . ?m dcterms:identifier ?id } ORDER BY ?id",
        encoding="utf-8",
    )
    assert main(["query", str(path), "--param", "p=lnw:W", "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["id", "W-M1", "W-M2", "W-M3", "W-M4"]
    assert (
        main(
            ["query", str(path), "--param", "p=<https://w3id.org/cimo-graph/study/leernetwerken/C>"]
        )
        == 0
    )
    assert "C-M6" in capsys.readouterr().out
    assert main(["query", str(path), "--param", "p=lnw:W } ; DROP ALL #"]) == 0
    assert capsys.readouterr().out.strip() == "(no rows)"


def test_query_from_stdin_ask_and_construct(monkeypatch, capsys):
    """`cimo-graph query -` reads standard input; ASK prints true/false, CONSTRUCT Turtle."""
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("ASK { lnw:W cimo:hasContext lnw:context }"))
    assert main(["query", "-"]) == 0
    assert capsys.readouterr().out.strip() == "true"
    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO("CONSTRUCT { lnw:W cimo:hasContext ?c } WHERE { lnw:W cimo:hasContext ?c }"),
    )
    assert main(["query", "-"]) == 0
    assert "cimo:hasContext lnw:context" in capsys.readouterr().out


def test_named_query_on_the_command_line(capsys):
    """A named query runs by name, its parameters resolved by name."""
    assert main(["query", "theme-routes", "--param", "theme=eigen regie", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["through"] for r in rows} == {"lnw:C", "lnw:P3"}


def test_query_syntax_error_on_the_command_line(tmp_path, capsys):
    """A broken query file exits 2 with line and column."""
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?s WHERE {\n  ?s ?p \n", encoding="utf-8")
    assert main(["query", str(path)]) == 2
    assert "SPARQL syntax error at line" in capsys.readouterr().err


def test_sentences_command(capsys):
    """`cimo-graph sentences --lang en` prints both propositions as sentences."""
    assert main(["sentences", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.count("If you want to achieve in a learning network") == 2


def test_report_answers_the_reading_questions(capsys):
    """The main job answers the study's example questions with their routes."""
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    for text in [
        "Which interventions lead to student self-direction?",
        "W-I3",
        "P3-means-3",
        "What do propositions C and W share?",
        "accessibility",
        "older-year-student",
        "Als je in een leernetwerk",
        "If you want to achieve",
    ]:
        assert text in out


@pytest.mark.parametrize(
    ("fmt", "focus"),
    [
        ("html", None),
        ("html", "zelfsturing"),
        ("svg", "W"),
        ("pdf", "pillars"),
        ("png", "C"),
        ("graphml", None),
        ("gexf", "W"),
        ("cyjs", None),
        ("dot", "P3"),
    ],
)
def test_render_writes_each_format(tmp_path, capsys, fmt, focus):
    """`cimo-graph render --format F --focus X --out FILE` writes the file and prints its path."""
    out = tmp_path / f"picture.{fmt}"
    arguments = ["render", "--format", fmt, "--out", str(out), "--lang", "nl"]
    if focus:
        arguments += ["--focus", focus]
    assert main(arguments) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert out.stat().st_size > 500


def test_render_shapes_the_figure(tmp_path, capsys):
    """`render --width 3.5 --grayscale --no-title` draws a one-column figure in greys with
    no title: the SVG is 3.5 in wide, has no colour fill and no proposition title."""
    out = tmp_path / "w.svg"
    arguments = ["render", "--format", "svg", "--focus", "W", "--out", str(out)]
    assert main([*arguments, "--width", "3.5", "--grayscale", "--no-title"]) == 0
    svg = out.read_text(encoding="utf-8")
    assert 'width="252pt"' in svg  # 3.5 in at 72 pt
    assert "Design proposition: well-being" not in svg
    fills = set(re.findall(r"fill: ?(#[0-9a-f]{6})", svg))
    assert fills and all(f[1:3] == f[3:5] == f[5:7] for f in fills), fills
    assert main(arguments) == 0
    assert "Design proposition: well-being" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", ["0.2", "wide", "nan", "100"])
def test_render_refuses_a_width_that_cannot_be(tmp_path, capsys, width):
    """A width out of 1..40 inches exits 2 naming the width; nothing is written."""
    out = tmp_path / "w.svg"
    with pytest.raises(SystemExit) as exit:
        main(["render", "--format", "svg", "--focus", "W", "--out", str(out), "--width", width])
    assert exit.value.code == 2
    assert f"width {width!r}" in capsys.readouterr().err
    assert not out.exists()


def test_render_figure_of_a_whole_study_or_a_focus_when_too_large(tmp_path, capsys):
    """A figure without --focus draws the whole study as a network (its 75 nodes fit);
    several studies too large for a page exit 2 and say to draw a focus; nothing is
    written then."""
    from .conftest import THREE_STUDIES

    assert main(["render", "--out", str(tmp_path / "x.svg")]) == 0
    assert "<svg" in (tmp_path / "x.svg").read_text(encoding="utf-8")[:400]
    (tmp_path / "x.svg").unlink()
    studies = [arg for path in THREE_STUDIES for arg in ("--study", str(path))]
    assert main(["render", *studies, "--out", str(tmp_path / "x.svg")]) == 2
    assert "Draw a focus instead" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_report_draws_into_a_folder(tmp_path, capsys):
    """`cimo-graph report --out DIR` writes the page, the figures, an export and the
    evidence report, and lists them."""
    assert main(["report", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [
            "network.html",
            "network.graphml",
            "report.html",
            *(f"proposition-{p}.{s}" for p in "CW" for s in ("svg", "pdf", "png")),
            *(f"pillars.{s}" for s in ("svg", "pdf", "png")),
        ]
    )
    for name in names:
        assert str(tmp_path / name) in out


def test_report_of_a_collection_draws_what_stays_readable_and_says_what_it_leaves_out(
    tmp_path, capsys
):
    """`cimo-graph report COLLECTION --out DIR --limit N` (30 of the benchmark's studies):
    the figures and questions of the first N propositions, no interactive network too
    large to read, and a word on each of them."""
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    try:
        import run
    finally:
        sys.path.pop(0)
    path = tmp_path / "studies-30.nt"
    path.write_text(run.synthetic(30), encoding="utf-8")
    out_folder = tmp_path / "out"
    assert main(["report", str(path), "--out", str(out_folder), "--limit", "2"]) in (0, 1)
    out = capsys.readouterr().out
    names = {p.name for p in out_folder.iterdir()}
    drawn = {name.split(".")[0] for name in names if name.startswith("proposition-")}
    assert len(drawn) == 2
    assert {"network.graphml", "report.html"} <= names
    assert "network.html" not in names
    assert "network.html is left out: The network would have" in out
    assert "Figures are drawn for 2 of the 30 design propositions" in out
    assert "Mechanisms and outcomes shown for 2 of the 30 design propositions" in out
    assert out.count("kg.mechanisms_for('s") == 2


def test_publish_and_ask_an_endpoint_from_the_command_line(virtuoso, monkeypatch, capsys):
    """`cimo-graph publish` (password from the environment), then a question with --endpoint."""
    graph = "https://example.org/test/cli"
    monkeypatch.setenv("CIMO_GRAPH_PASSWORD", "dba")
    assert main(["publish", virtuoso.update_url, graph, "--user", "dba"]) == 0
    assert "verified: the graph read back holds the study" in capsys.readouterr().out
    assert (
        main(
            [
                "interventions",
                "zelfsturing",
                "--endpoint",
                virtuoso.url,
                "--graph",
                graph,
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} >= {"P3-means-1", "C-I1", "W-I3"}


def test_endpoint_errors_on_the_command_line(capsys):
    """An unreachable endpoint exits 2 with a one-line message."""
    from .servers import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql"
    assert main(["themes", "--endpoint", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"cimo-graph: error: {url}: cannot connect")


def test_a_row_cap_given_on_the_command_line(virtuoso, kg, capsys, monkeypatch):
    """--row-cap names the endpoint's cap: an answer at it is read whole, in pages."""
    import cimo_graph.remote as remote

    from .conftest import STUDY_GRAPH

    paged = []
    read_in_pages = remote.read_in_pages
    monkeypatch.setattr(
        remote, "read_in_pages", lambda *a, **k: paged.append(k) or read_in_pages(*a, **k)
    )
    arguments = ["query", "annotations", "--endpoint", virtuoso.url, "--graph", STUDY_GRAPH]
    assert main([*arguments, "--row-cap", "100", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(kg.query("annotations")) > 100
    assert [k["page_size"] for k in paged] == [100]


@pytest.mark.parametrize("cap", ["0", "-5", "ten"])
def test_a_row_cap_on_the_command_line_is_a_number_of_rows(cap, capsys):
    with pytest.raises(SystemExit):
        main(["themes", "--endpoint", "http://127.0.0.1:9/sparql", "--row-cap", cap])
    assert f"row cap {cap!r}: give a number of rows" in capsys.readouterr().err


def test_align_suggests_and_writes_a_table_then_questions_follow_it(tmp_path, capsys):
    """`align STUDY... --out` writes the suggestions to review; a second run keeps the
    reviewed table unless --force; the question commands take several --study and the
    reviewed table with --mappings, showing each row's study and mapping."""
    from .conftest import REVIEWED, THREE_STUDIES

    table = tmp_path / "m.sssom.tsv"
    studies = [str(path) for path in THREE_STUDIES]
    assert main(["align", *studies, "--out", str(table), "--kinds", "theme"]) == 0
    out, err = capsys.readouterr()
    assert "theme:connectedness" in out and "widening-access:theme/belonging" in out
    assert f"written to {table}" in err
    assert table.read_text(encoding="utf-8").startswith("#curie_map:")
    assert main(["align", *studies, "--out", str(table)]) == 2
    assert "exists; the mapping table would replace it" in capsys.readouterr().err
    assert main(["align", *studies, "--kinds", "themes"]) == 2
    assert "did you mean 'theme'?" in capsys.readouterr().err
    asked = ["interventions", "verbondenheid", *(f"--study={s}" for s in studies)]
    assert main([*asked, "--mappings", str(REVIEWED), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    reached = {row["mapping"] for row in rows if row["study"] == "widening-access"}
    assert reached == {"skos:exactMatch belonging"}
    assert main([*asked, "--mappings", str(REVIEWED), "--follow", "none"]) == 0
    assert "widening-access" not in capsys.readouterr().out


def test_patterns_and_matrix_across_studies(tmp_path, capsys):
    from .conftest import EERSTEJAARS, EERSTEJAARS_MAPPINGS, REVIEWED, THREE_STUDIES

    studies = [f"--study={path}" for path in [*THREE_STUDIES, EERSTEJAARS]]
    tables = ["--mappings", str(REVIEWED), "--mappings", str(EERSTEJAARS_MAPPINGS)]
    assert main(["patterns", *studies, *tables, "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert (found[0]["from_theme"], found[0]["to_theme"], found[0]["studies"]) == (
        "belonging",
        "retention",
        2,
    )
    assert main(["patterns", *studies, *tables, "--follow", "none"]) == 0
    assert "(no rows)" in capsys.readouterr().out
    figure = tmp_path / "matrix.svg"
    args = ["matrix", *studies, *tables, "--rows", "kind", "--kinds", "mechanism,outcome"]
    assert main([*args, "--figure", str(figure), "--format", "csv"]) == 0
    out = capsys.readouterr()
    assert (
        out.out.splitlines()[0] == "kind,blended-review,eerstejaars,leernetwerken,widening-access"
    )
    assert out.out.splitlines()[1] == "mechanism,1,2,10,4"
    assert figure.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_a_closed_pipe_ends_the_command_quietly(monkeypatch, capsys):
    """A reader that stops reading (`cimo-graph themes | head -1`) ends the command with
    exit 0 and nothing on stderr, as Unix tools do; any other failure still says what."""
    import cimo_graph.cli as cli

    def stopped(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "_run", stopped)
    assert main(["themes"]) == 0
    assert capsys.readouterr().err == ""

    def failed(args):
        raise PermissionError(13, "Permission denied", "out.csv")

    monkeypatch.setattr(cli, "_run", failed)
    assert main(["themes"]) == 2
    assert "Permission denied" in capsys.readouterr().err


def test_o_is_short_for_out(tmp_path, capsys):
    from .conftest import DATA

    assert main(["render", "--focus", "W", "-o", str(tmp_path / "w.svg")]) == 0
    assert (tmp_path / "w.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (
        main(
            [
                "confidence",
                "--study",
                str(DATA / "studies" / "blended-review.yaml"),
                "-o",
                str(tmp_path / "s.html"),
            ]
        )
        == 0
    )
    assert "Low confidence" in (tmp_path / "s.html").read_text(encoding="utf-8")


def _commands():
    """Each command's parser, by name."""
    import argparse

    from cimo_graph.cli import _parser

    parser = _parser()
    choices = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    return dict(choices)


#: The commands that read no study (they write the ontology's pages, a codebook, an
#: empty template or a completion script).
NO_STUDY = {"docs", "codebook", "new-study", "completion"}


def test_every_command_that_reads_a_study_takes_it_by_study():
    """One rule: -s/--study FILE, repeatable, in every command that reads a study; the
    operand some commands always took is the same thing."""
    import argparse

    commands = _commands()
    assert set(commands) > NO_STUDY
    for name, sub in commands.items():
        options = {o: a for a in sub._actions for o in a.option_strings}
        if name in NO_STUDY:
            assert "--study" not in options, name
            continue
        assert options["--study"] is options["-s"], name
        assert options["--study"].dest == "study", name
        assert isinstance(options["--study"], argparse._AppendAction), name


def test_the_study_as_operand_or_by_study_is_the_same(capsys):
    from .conftest import DATA

    study = str(DATA / "studies" / "widening-access.yaml")
    said = []
    for argv in (["info", study], ["info", "--study", study], ["info", "-s", study]):
        assert main(argv) == 0
        said.append(capsys.readouterr().out)
    assert said[0] == said[1] == said[2]
    assert "widening-access students" in said[0] and "learning networks" not in said[0]
    # both forms together read both studies, as two --study do
    assert main(["info", study, "-s", "data/leernetwerken.ttl"]) == 0
    both = capsys.readouterr().out
    assert "widening-access students" in both and "learning networks" in both


def test_align_takes_its_studies_either_way_and_needs_two(tmp_path, capsys):
    from .conftest import DATA

    a, b = str(DATA / "studies" / "widening-access.yaml"), "data/leernetwerken.ttl"
    assert main(["align", a, b, "--format", "csv"]) == 0
    operands = capsys.readouterr().out
    assert main(["align", "-s", a, "--study", b, "--format", "csv"]) == 0
    assert capsys.readouterr().out == operands
    assert main(["align", a]) == 2
    assert "name two or more" in capsys.readouterr().err


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_for_each_shell(shell, capsys):
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert "cimo-graph" in script and "_ARGCOMPLETE" in script


def test_completion_completes_commands_and_choices_in_bash(tmp_path):
    """The bash script, sourced in a real bash, completes a command from its first letters
    and an option's choices, asking the installed cimo-graph."""
    import os
    from pathlib import Path

    bash = shutil.which("bash")
    program = Path(sys.executable).parent / "cimo-graph"
    assert bash is not None and program.exists(), "bash and the installed cimo-graph"
    script = tmp_path / "complete.sh"
    script.write_text(
        'eval "$(cimo-graph completion bash)"\n'
        "ask() {\n"
        '  COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< "$1"\n'
        '  [[ "$1" == *" " ]] && COMP_WORDS+=("")\n'
        "  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
        '  _python_argcomplete cimo-graph "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"\n'
        "  printf '%s\\n' \"${COMPREPLY[@]}\"\n"
        "}\n"
        'ask "cimo-graph ren"\n'
        "echo --\n"
        'ask "cimo-graph render --format "\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PATH": f"{program.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [bash, str(script)], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    commands, formats = done.stdout.split("--\n")
    assert [c.strip() for c in commands.splitlines()] == ["render"]
    assert {"html", "svg", "pdf", "png", "gexf"} <= {f.strip() for f in formats.splitlines()}


def _piped(argv, data: bytes):
    """Run the installed command with ``data`` on its standard input."""
    import sys
    from pathlib import Path

    program = Path(sys.executable).parent / "cimo-graph"
    return subprocess.run(
        [str(program), *argv], input=data, capture_output=True, timeout=120, check=False
    )


def test_a_study_piped_in_is_read_where_a_study_is_read():
    """`-` reads the study from standard input: Turtle by default, a template with
    --rdf-format yaml; positional or --study alike; nothing is left behind."""
    import tempfile
    from pathlib import Path

    from cimo_graph import resource_path

    from .conftest import DATA

    turtle = Path(resource_path("data", "leernetwerken.ttl")).read_bytes()
    before = set(Path(tempfile.gettempdir()).glob("cimo-graph-stdin-*"))
    info = _piped(["info", "-"], turtle)
    assert info.returncode == 0, info.stderr
    assert info.stdout.decode().startswith("Source:    <stdin>\nStudy:     The added value")
    template = (DATA / "studies" / "blended-review.yaml").read_bytes()
    asked = _piped(
        ["interventions", "self-regulation", "--study", "-", "--rdf-format", "yaml"], template
    )
    assert asked.returncode == 0 and b"BL-I1" in asked.stdout
    broken = _piped(["validate", "-"], b"this is no turtle .\n")
    assert broken.returncode == 2
    assert broken.stderr.decode().startswith("cimo-graph: error: <stdin>:1: invalid turtle")
    twice = _piped(["query", "-", "--study", "-"], b"SELECT * WHERE { ?s ?p ?o }")
    assert b"standard input holds one thing" in twice.stderr
    empty = _piped(["info", "-"], b"")
    assert b"nothing was piped in" in empty.stderr
    assert set(Path(tempfile.gettempdir()).glob("cimo-graph-stdin-*")) == before


def _stderr_of(argv, *, terminal: bool) -> str:
    """What the installed command writes on standard error: to a pseudo-terminal (as in a
    shell) or to a pipe."""
    import os
    import pty
    import sys
    from pathlib import Path

    program = Path(sys.executable).parent / "cimo-graph"
    env = {k: v for k, v in os.environ.items() if k != "CIMO_GRAPH_QUIET"}
    if not terminal:
        done = subprocess.run(
            [str(program), *argv], capture_output=True, text=True, env=env, timeout=300
        )
        assert done.returncode in (0, 1), done.stderr  # 1: the made-up studies do not conform
        return done.stderr
    import fcntl
    import struct
    import termios

    main_end, other_end = pty.openpty()
    # a terminal of 24 rows and 100 columns, as a shell's window has (a new one has none)
    fcntl.ioctl(other_end, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [str(program), *argv], stdout=subprocess.DEVNULL, stderr=other_end, env=env
    )
    os.close(other_end)
    written = b""
    while True:
        try:
            chunk = os.read(main_end, 4096)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        written += chunk
    os.close(main_end)
    assert process.wait(timeout=300) in (0, 1)
    return written.decode("utf-8", "replace")


def test_progress_shows_on_a_terminal_only(tmp_path):
    """A report of many studies draws a bar on a terminal while it draws the figures; on a
    pipe, or with --quiet, nothing."""
    from .test_bench import _bench

    study = tmp_path / "studies.nt"
    study.write_text(_bench("run").synthetic(6), encoding="utf-8")
    argv = ["report", str(study), "--html", str(tmp_path / "report.html")]
    shown = _stderr_of(argv, terminal=True)
    assert "drawing the propositions" in shown and "%|" in shown
    assert "drawing the propositions" not in _stderr_of(argv, terminal=False)
    assert "drawing the propositions" not in _stderr_of(["--quiet", *argv], terminal=True)


def test_loading_several_studies_shows_progress_on_a_terminal():
    from .conftest import DATA

    studies = sorted(str(path) for path in (DATA / "studies").glob("*.yaml"))
    argv = ["info", *[arg for study in studies for arg in ("-s", study)]]
    assert "loading studies" in _stderr_of(argv, terminal=True)
    assert "loading studies" not in _stderr_of(argv, terminal=False)


def test_publish_through_the_graph_store_from_the_command_line(virtuoso, monkeypatch, capsys):
    """`cimo-graph publish --graph-store URL` sends the study in bulk, verified."""
    monkeypatch.setenv("CIMO_GRAPH_PASSWORD", "dba")
    graph = "https://example.org/test/graph-store-cli"
    code = main(
        [
            "publish",
            virtuoso.update_url,
            graph,
            "--user",
            "dba",
            "--graph-store",
            virtuoso.graph_store_url,
        ]
    )
    assert code == 0
    assert "verified" in capsys.readouterr().out
    assert len(cg.connect(virtuoso.url, graph=graph)) == len(cg.load())
