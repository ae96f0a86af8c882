"""A shared notebook in a real JupyterLab (a server started here, headless Chromium):
opened untrusted, as a colleague or a course gets it, JupyterLab's sanitiser strips the
network's iframe and the static picture shows in its place; trusted, the interactive
network draws over it. Every request beyond the server is blocked."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .servers import free_port
from .test_browser import _until, browser  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free port with a token, its settings in a temporary
    folder: yields (base URL, token, notebook folder, its data folder)."""
    pytest.importorskip("jupyterlab", reason="pip install jupyterlab (in the test extra)")
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    root.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    port, token = free_port(), secrets.token_hex(16)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: to ask the kernel
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab stopped: {server.stderr.read().decode()[-2000:]}")
                assert time.monotonic() < end, "JupyterLab did not answer in 120 s"
                time.sleep(0.3)
        yield base, token, root, Path(env["JUPYTER_DATA_DIR"])
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def shared_notebook(kg, path: Path, data_dir: Path, *, trusted: bool) -> None:
    """A notebook as it is shared: a network cell's saved output (what the kernel
    displayed), signed where ``trusted`` (as running it or `jupyter trust` does)."""
    import nbformat
    from nbformat.sign import NotebookNotary

    page = kg.to_html(focus="W")
    cell = nbformat.v4.new_code_cell('kg.to_html(focus="W")', execution_count=1)
    cell.outputs = [
        nbformat.v4.new_output("execute_result", data=page._repr_mimebundle_(), execution_count=1)
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# A shared network"), cell],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    if trusted:
        NotebookNotary(data_dir=str(data_dir)).sign(notebook)
    nbformat.write(notebook, path)


def open_in_lab(browser, base: str, token: str, name: str):  # noqa: F811
    """The notebook open in JupyterLab, with every request beyond the server blocked."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith((base, "data:", "about:", "blob:")):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    # a workspace of its own, so JupyterLab does not reopen the other test's notebook
    page.goto(f"{base}/lab/workspaces/{Path(name).stem}/tree/{name}?reset&token={token}")
    page.wait_for_selector(".jp-OutputArea-output", timeout=90_000)
    return page, outside


def test_an_untrusted_notebook_shows_the_picture(kg, lab, browser):  # noqa: F811
    base, token, root, data = lab
    shared_notebook(kg, root / "untrusted.ipynb", data, trusted=False)
    page, outside = open_in_lab(browser, base, token, "untrusted.ipynb")
    output = page.locator(".jp-OutputArea-output").first
    picture = output.locator("img")
    picture.wait_for(timeout=30_000)
    assert output.locator("iframe").count() == 0  # the sanitiser took the frame
    _until(lambda: picture.evaluate("i => i.complete && i.naturalWidth > 0"), 15)
    width = picture.evaluate("i => i.naturalWidth")
    assert width > 600 and picture.bounding_box()["height"] > 100
    assert "trust the notebook or run the cell" in picture.get_attribute("alt")
    assert outside == []
    page.close()


def test_a_trusted_notebook_draws_the_network_over_the_picture(kg, lab, browser):  # noqa: F811
    base, token, root, data = lab
    shared_notebook(kg, root / "trusted.ipynb", data, trusted=True)
    page, outside = open_in_lab(browser, base, token, "trusted.ipynb")
    output = page.locator(".jp-OutputArea-output").first
    output.locator("iframe").wait_for(timeout=30_000)
    frame = next(f for f in page.frames if f.url == "about:srcdoc")
    _until(lambda: frame.evaluate("window.cimoGraph !== undefined"), 30)
    assert frame.evaluate("cimoGraph.nodes.length") == 18
    # the interactive view covers the picture: no part of the picture shows beside it
    shown = output.locator("iframe").bounding_box()
    under = output.locator("img").bounding_box()
    assert shown["x"] <= under["x"] and shown["y"] <= under["y"]
    assert shown["x"] + shown["width"] >= under["x"] + under["width"] - 1
    assert shown["y"] + shown["height"] >= under["y"] + under["height"] - 1
    assert outside == []
    page.close()


#: Run Python in the open notebook's kernel (the one its widgets live in); its printed text.
_RUN_IN_KERNEL = """async (code) => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const printed = [];
    const future = kernel.requestExecute({code});
    future.onIOPub = (message) => {
        const content = message.content;
        if (message.header.msg_type === "stream") printed.push(content.text);
        if (message.header.msg_type === "error") printed.push(content.ename + ": " + content.evalue);
    };
    await future.done;
    return printed.join("");
}"""


def test_the_explorer_widget_works_both_ways(kg, lab, browser):  # noqa: F811
    """kg.explore() in a real JupyterLab: a click on an element puts its id and evidence in
    Python and its evidence beside the network; setting it from Python selects it in the
    view; the picker refocuses the network and fills the routes table, in Python too."""
    import nbformat

    base, token, root, _ = lab
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                'import cimo_graph as cg\nexplorer = cg.load().explore("self-direction")\nexplorer'
            )
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    nbformat.write(notebook, root / "explorer.ipynb")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []
    page.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith((base, "ws://127.0.0.1", "data:", "about:", "blob:"))
            else (outside.append(r.request.url), r.abort())
        ),
    )
    page.goto(f"{base}/lab/workspaces/explorer/tree/explorer.ipynb?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    _until(lambda: page.evaluate("() => !!window.jupyterapp"), 30)
    _until(
        lambda: page.evaluate(
            "() => { const w = window.jupyterapp.shell.currentWidget;"
            " return !!(w && w.sessionContext && w.sessionContext.session"
            " && w.sessionContext.session.kernel"
            " && w.sessionContext.session.kernel.connectionStatus === 'connected'); }"
        ),
        90,
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    view = page.locator(".cimo-explorer")
    view.locator("canvas").wait_for(timeout=90_000)
    _until(lambda: view.evaluate("el => !!el.cimoExplorer && !!el.cimoExplorer.network()"), 30)

    # view -> Python: click an element where the network draws it
    view.locator(".network").scroll_into_view_if_needed()
    x, y = view.evaluate(
        """el => {
            const network = el.cimoExplorer.network();
            const at = network.canvasToDOM(network.getPositions(["P3-means-2"])["P3-means-2"]);
            const box = el.querySelector(".network canvas").getBoundingClientRect();
            return [box.left + at.x, box.top + at.y];
        }"""
    )
    page.mouse.click(x, y)
    side = view.locator(".evidence")
    side.locator("h4").wait_for(timeout=30_000)
    assert side.locator("h4").inner_text() == "P3-means-2"
    assert "concerns van studenten" in side.inner_text()  # its verbatim source text
    said = page.evaluate(
        _RUN_IN_KERNEL,
        "print(explorer.selected, len(explorer.evidence), explorer.evidence['kind'].iloc[0])",
    )
    count = len(kg.evidence("P3-means-2"))
    assert said.split()[:3] == ["P3-means-2", str(count), "source"], said

    # Python -> view: select another element from Python
    page.evaluate(_RUN_IN_KERNEL, 'explorer.selected = "C-I1"')
    _until(lambda: view.evaluate("el => el.cimoExplorer.network().getSelectedNodes()") == ["C-I1"])
    _until(lambda: side.locator("h4").inner_text() == "C-I1", 15)

    # the picker: refocus on proposition W; Python gets the focus, the routes fill
    view.locator("select.picker").select_option("W")
    _until(lambda: view.evaluate("el => el.cimoExplorer.nodes().length") == 18, 30)
    said = page.evaluate(_RUN_IN_KERNEL, "print(explorer.focus, len(explorer.routes) > 0)")
    assert said.split() == ["W", "True"], said
    routes = view.locator(".routes")
    _until(lambda: routes.locator("tbody tr").count() > 0, 15)
    assert "W: Design proposition: well-being" in routes.inner_text()
    page.evaluate(_RUN_IN_KERNEL, 'explorer.focus = "self-direction"')  # Python -> picker
    _until(lambda: view.locator("select.picker").input_value() == "self-direction", 15)
    assert outside == []
    page.close()
