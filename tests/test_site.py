"""The documentation site: built from docs/ and the docstrings with warnings as errors, it
names every public name, fetches nothing from elsewhere, and in a real browser every
internal link leads to a page and an anchor that exist, and its search works offline."""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest

import cimo_graph as cg

from .test_browser import _until, browser  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("mkdocs", reason="pip install 'cimo-graph[site]'")
    out = tmp_path_factory.mktemp("site") / "site"
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stderr[-4000:]
    return out


@pytest.fixture(scope="module")
def served(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # no line per request in the test's output
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_the_reference_names_every_public_name(site):
    page = (site / "reference" / "index.html").read_text(encoding="utf-8")
    missing = [n for n in cg.__all__ if n != "__version__" and f'id="cimo_graph.{n}"' not in page]
    assert missing == []
    # examples are code, not text; roles are gone
    assert page.count('<span class="gp">&gt;&gt;&gt;') > 50 and "<p>&gt;&gt;&gt;" not in page
    assert ":class:`" not in page and ":meth:`" not in page


def test_nothing_is_fetched_from_elsewhere(site):
    outside = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*?(?:src|href)=["']?(?:https?:)?//""")
    found = {
        str(path.relative_to(site)): outside.findall(path.read_text(encoding="utf-8"))
        for path in site.rglob("*.html")
    }
    assert {page: hits for page, hits in found.items() if hits} == {}


def test_every_internal_link_leads_somewhere(site, served, browser):  # noqa: F811
    page = browser.new_page()
    outside: list[str] = []
    page.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith((served, "data:", "blob:", "about:"))
            else (outside.append(r.request.url), r.abort())
        ),
    )
    seen: dict[str, set[str]] = {}  # page -> the ids on it
    wanted: list[tuple[str, str, str]] = []  # (from, page, anchor)
    queue = [served]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = page.goto(url)
        assert response is not None and response.ok, url
        seen[url] = set(
            page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
        )
        for href in page.evaluate(
            "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
        ):
            target, anchor = urldefrag(href)
            if not target.startswith(served) or not target.endswith("/"):
                continue  # another site, or a file (the ontology picture, a notebook)
            wanted.append((url, target, anchor))
            if target not in seen:
                queue.append(target)
    assert len(seen) == len(list(site.rglob("index.html")))  # every page reached
    broken = [(f, t, a) for f, t, a in wanted if a and a not in seen.get(t, set())]
    assert broken == []
    assert outside == []
    page.close()


def test_the_search_works_offline(served, browser):  # noqa: F811
    page = browser.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(served) else r.abort())
    page.goto(urljoin(served, "questions/"))
    page.locator("input.md-search__input").click()
    page.keyboard.type("self-direction")  # as a reader types: the search listens to keys
    results = page.locator(".md-search-result__item")
    _until(lambda: results.count() > 0, 30)
    assert "self-direction" in page.locator(".md-search-result").inner_text().lower()
    page.close()
