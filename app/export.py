"""A complete static copy of the atlas: the same bytes the server sends, written to disk.

Pages are saved as ``.html`` files and every link is rewritten relative to the file that holds it,
so the copy works from any static host, an LMS upload or straight from disk (``file://``). The
pages that need the server (pain lookup with a selection, search) are replaced by their static
counterparts: the zone pages answer "which muscles refer here" one zone at a time.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import unquote, urlsplit

from starlette.testclient import TestClient

from app.main import create_app
from app.settings import Settings

SEEDS = ["/", "/muscles", "/conditions", "/zones", "/coverage", "/primer", "/downloads", "/index.json",
         "/downloads/atlas.json", "/downloads/trigger-points.csv", "/downloads/atlas.sqlite", "/static/embed.css",
         "/vendor/htmx.min.js", "/openapi.json"]
_LINK = re.compile(r'''(?P<attr>\b(?:href|src|action))="(?P<url>/[^"#]*)(?P<frag>#[^"]*)?"''')
_CSS_URL = re.compile(r"url\((/[^)]+)\)")
# the study cards and boards the deck page loads as scripts: HTML inside, with links to rewrite and follow
FRAGMENTS = "/study/fragments/"


def file_for(url: str) -> str | None:
    """The file path (relative to the export root) that holds a site URL; None for server-only URLs."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.query:
        stem, ext = posixpath.splitext(path)
        if path == "/":
            # the home page's plates and close-ups are a handful of fixed states: each is a file
            return f"index__{re.sub(r'[^A-Za-z0-9]+', '-', parts.query).strip('-')}.html"
        if not ext:
            return None  # a page that needs the server: a lookup selection or a search
        return f"{stem.lstrip('/')}__{re.sub(r'[^A-Za-z0-9]+', '-', parts.query).strip('-')}{ext}"
    if path == "/":
        return "index.html"
    path = path.lstrip("/")
    if "." in posixpath.basename(path):
        return path
    return f"{path}.html"


def relative(from_file: str, to_file: str) -> str:
    return posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")


def rewrite(html: str, this_file: str) -> tuple[str, list[str]]:
    """Relative links in one HTML (or SVG) document, and the site URLs it refers to."""
    found: list[str] = []

    def sub(m: re.Match[str]) -> str:
        url = m["url"].replace("&amp;", "&")
        target = file_for(url)
        if m["attr"] == "action" or target is None:
            # a server-only URL: the search form and lookup selections; point at the static stand-in
            target = "zones.html"
        else:
            found.append(url)
        return f'{m["attr"]}="{relative(this_file, target)}{m["frag"] or ""}"'

    return _LINK.sub(sub, html), found


# images and handouts carry no links and cost most of the time: they are rendered in worker processes
HEAVY = (".png", ".pdf")
# and so do the study cards' own pictures, drawn like maps (a pattern takes most of a second to compose)
HEAVY_PATHS = ("/study/maps/",)
FEW = 16  # as many heavy files as are drawn in the exporter's own process rather than in workers
_worker: TestClient | None = None


def _start_worker(settings: Settings) -> None:
    global _worker
    _worker = TestClient(create_app(settings))


def _fetch(url: str) -> tuple[str, int, bytes]:
    assert _worker is not None
    r = _worker.get(url, headers={"x-atlas-export": "1"})
    return url, r.status_code, r.content


def export(out: Path, settings: Settings, progress: Callable[[int, int], None] | None = None,
           jobs: int | None = None, seeds: list[str] | None = None, follow: Callable[[str], bool] | None = None) -> int:
    """Write every page, map, image and JSON reachable from the seeds; returns the number of files.
    ``seeds`` and ``follow`` export a part only: what the given seeds reach through the links ``follow`` accepts
    (the other links are still rewritten, to files that are then not written)."""
    # the exporter renders in its own worker processes, each drawing in-process
    settings = settings.model_copy(update={"cache": False, "base_url": settings.base_url, "render_workers": 0})
    app = create_app(settings)
    out.mkdir(parents=True, exist_ok=True)
    queue = list(dict.fromkeys((SEEDS if seeds is None else seeds) + _static_files(settings)))
    seen = set(queue)
    heavy: list[str] = []
    written = 0
    with TestClient(app) as client:
        while queue:
            url = queue.pop(0)
            target = file_for(url)
            if target is None:
                continue
            if target.endswith(HEAVY) or url.startswith(HEAVY_PATHS):
                heavy.append(url)
                continue
            r = client.get(url, headers={"accept": "text/html", "x-atlas-export": "1"})
            if r.status_code != 200:
                raise RuntimeError(f"{url}: {r.status_code}")
            ctype = r.headers.get("content-type", "")
            body = r.content
            links: list[str] = []
            if ctype.startswith(("text/html", "image/svg+xml")) or url.startswith(FRAGMENTS):
                text, links = rewrite(r.text, target)
                body = text.encode()
            elif ctype.startswith("text/css"):
                body = _CSS_URL.sub(partial(_css_url, target), r.text).encode()
            _write(out, target, body)
            written += 1
            for link in links:
                if link not in seen and (follow is None or follow(link)):
                    seen.add(link)
                    queue.append(link)
            if progress:
                progress(written, written + len(queue) + len(heavy))
        if len(heavy) <= FEW:  # a part of the atlas: starting the workers would cost more than the drawing
            for url in heavy:
                r = client.get(url, headers={"x-atlas-export": "1"})
                if r.status_code != 200:
                    raise RuntimeError(f"{url}: {r.status_code}")
                _write(out, str(file_for(url)), r.content)
                written += 1
            heavy = []
    total = written + len(heavy)
    if not heavy:
        return written
    workers = max(1, jobs or os.cpu_count() or 1)
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start_worker,
                             initargs=(settings,)) as pool:
        for url, status, body in pool.map(_fetch, heavy, chunksize=8):
            if status != 200:
                raise RuntimeError(f"{url}: {status}")
            _write(out, str(file_for(url)), body)
            written += 1
            if progress:
                progress(written, total)
    return written


def _write(out: Path, target: str, body: bytes) -> None:
    dest = out / target
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(body)


def _css_url(target: str, m: re.Match[str]) -> str:
    return f"url({relative(target, m.group(1).lstrip('/'))})"


def _static_files(settings: Settings) -> list[str]:
    return [f"/static/{p.name}" for p in sorted(settings.static_dir.iterdir()) if p.is_file()]


def local_links(root: Path) -> Iterator[tuple[Path, str]]:
    """Every relative link in the exported HTML and SVG files and the study fragments (for checking the copy)."""
    fragments = root / FRAGMENTS.strip("/")
    for path in sorted([*root.rglob("*.html"), *root.rglob("*.svg"), *fragments.glob("*.js")]):
        for m in re.finditer(r'''\b(?:href|src)="([^"#:]+)(?:#[^"]*)?"''', path.read_text()):
            yield path, m.group(1)
