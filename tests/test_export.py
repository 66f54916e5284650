"""The static export: served by a plain static file server, a link crawl finds nothing broken."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest
from conftest import _free_port

from app.export import export, local_links
from app.settings import Settings


@pytest.fixture(scope="session")
def exported(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    export(out, settings)
    return out


def test_every_local_link_points_at_a_file(exported: Path) -> None:
    broken = [(str(p.relative_to(exported)), link) for p, link in local_links(exported)
              if not (p.parent / link.split("?")[0]).resolve().is_file()]
    assert broken == []
    assert (exported / "index.html").is_file() and (exported / "muscles" / "soleus.html").is_file()
    assert (exported / "maps" / "muscles" / "soleus.svg").is_file()
    assert (exported / "muscles" / "soleus.json").is_file()


def test_crawl_over_a_static_server(exported: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", str(exported)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                httpx.get(base)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        urls = {urljoin(base + str(page.relative_to(exported)), link): page for page, link in local_links(exported)}
        with httpx.Client() as c:
            bad = [(str(page), url) for url, page in urls.items() if c.head(url).status_code != 200]
        assert bad == []
        assert len(urls) > 500
    finally:
        proc.terminate()
        proc.wait(5)


def test_study_mode_is_in_the_copy(exported: Path) -> None:
    study = exported / "study"
    regions = json.loads((exported / "study.json").read_text())["regions"]
    deck = (study / "trunk.html").read_text()
    # what the deck page loads is there, each card once however many decks hold it
    sources = re.findall(r'data-src="([^"]+)"', deck)
    assert sources and all((study / s).is_file() for s in sources)
    assert len(list((study / "fragments").glob("card-*.js"))) == sum(d["card_count"] for d in regions)
    assert (study / "trunk" / "2.html").is_file() and (study / "trunk" / "2.json").is_file()
    # the downloads made on request are left out, and the page says where to find them
    assert not [p for p in study.rglob("*") if p.name.endswith((".apkg", ".moodle.xml", ".pdf"))]
    assert "This offline copy leaves out" in deck and 'href="http://127.0.0.1:8000/study/trunk.apkg"' in deck
    assert '<a href="study.html">Study</a>' in (exported / "index.html").read_text()
