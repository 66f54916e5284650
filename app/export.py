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
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
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
# and so are the maps and the study cards' pictures (a pattern takes a good part of a second to compose):
# their links are rewritten and followed here when the worker sends them back
HEAVY_PATHS = ("/study/maps/", "/maps/")
FEW = 16  # a part of the atlas with no more heavy files than this is drawn in the exporter's own process
_worker: TestClient | None = None


def _start_worker(settings: Settings) -> None:
    global _worker
    _worker = TestClient(create_app(settings))


def _fetch(url: str) -> tuple[str, int, bytes, str]:
    assert _worker is not None
    return _fetch_with(_worker, url)


def export(out: Path, settings: Settings, progress: Callable[[int, int], None] | None = None,
           jobs: int | None = None, seeds: list[str] | None = None, follow: Callable[[str], bool] | None = None) -> int:
    """Write every page, map, image and JSON reachable from the seeds; returns the number of files.
    ``seeds`` and ``follow`` export a part only: what the given seeds reach through the links ``follow`` accepts
    (the other links are still rewritten, to files that are then not written).

    Pages are fetched here, in crawl order; maps, images and handouts go to worker processes as soon as
    a page links them, so drawing runs on every core while the crawl goes on."""
    # the exporter renders in its own worker processes, each drawing in-process
    settings = settings.model_copy(update={"cache": False, "base_url": settings.base_url, "render_workers": 0})
    app = create_app(settings)
    out.mkdir(parents=True, exist_ok=True)
    queue = list(dict.fromkeys((SEEDS if seeds is None else seeds) + _static_files(settings)))
    seen = set(queue)
    written = 0
    heavy: list[str] = []
    pending: set[Future[tuple[str, int, bytes, str]]] = set()
    pool: ProcessPoolExecutor | None = None

    def save(url: str, status: int, body: bytes, ctype: str) -> None:
        nonlocal written
        if status != 200:
            raise RuntimeError(f"{url}: {status}")
        target = str(file_for(url))
        if ctype.startswith(("text/html", "image/svg+xml")) or url.startswith(FRAGMENTS):
            text, links = rewrite(body.decode(), target)
            body = text.encode()
            for link in links:
                if link not in seen and (follow is None or follow(link)):
                    seen.add(link)
                    queue.append(link)
        elif ctype.startswith("text/css"):
            body = _CSS_URL.sub(partial(_css_url, target), body.decode()).encode()
        _write(out, target, body)
        written += 1
        if progress:
            progress(written, written + len(queue) + len(heavy) + len(pending))

    def draw() -> None:
        """Send the heavy URLs met so far to the worker processes (started on first use)."""
        nonlocal pool, heavy, pending
        pool = pool or ProcessPoolExecutor(max(1, jobs or os.cpu_count() or 1), mp_context=get_context("spawn"),
                                           initializer=_start_worker, initargs=(settings,))
        pending |= {pool.submit(_fetch, u) for u in heavy}
        heavy = []

    def collect(block: bool) -> None:
        nonlocal pending
        if not pending:
            return
        done, pending = wait(pending, timeout=None if block else 0, return_when=FIRST_COMPLETED)
        for f in done:
            save(*f.result())

    try:
        with TestClient(app) as client:
            while queue or heavy or pending:
                if not queue:
                    if heavy and (pool is not None or len(heavy) > FEW):
                        draw()
                    elif heavy:  # a part of the atlas: starting the workers would cost more than the drawing
                        for url in heavy:
                            save(*_fetch_with(client, url))
                        heavy = []
                    collect(block=True)
                    continue
                url = queue.pop(0)
                target = file_for(url)
                if target is None:
                    continue
                if target.endswith(HEAVY) or url.startswith(HEAVY_PATHS):
                    heavy.append(url)
                    if pool is not None or len(heavy) > FEW:  # enough to be worth the workers: start drawing now
                        draw()
                    continue
                save(*_fetch_with(client, url))
                collect(block=False)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return written


def _fetch_with(client: TestClient, url: str) -> tuple[str, int, bytes, str]:
    r = client.get(url, headers={"accept": "text/html", "x-atlas-export": "1"})
    return url, r.status_code, r.content, r.headers.get("content-type", "")


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
