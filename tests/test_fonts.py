"""Fonts that travel: every PNG and the PDF handout carry their words in the bundled font.

A host may have no fonts at all; resvg then drops every word silently, and a pixel tolerance on a
large map does not notice. These tests look where the words are: the title band and the attribution
line of a PNG (against the same SVG rendered without any <text>), and the font and text of the PDF.
"""

from __future__ import annotations

import ast
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import resvg_py
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader
from starlette.testclient import TestClient

from app import queries
from app.atlas import Atlas
from app.handout import MARGIN, handout_layout
from app.maps import fonts
from app.settings import Settings

NS = "http://www.w3.org/2000/svg"
APP = Path(__file__).resolve().parents[1] / "app"


def _ink(img: Image.Image, box: tuple[int, int, int, int], below: int) -> int:
    """Pixels in ``box`` darker than ``below`` (0-255 luminance)."""
    return sum(img.convert("L").crop(box).histogram()[:below])


def _text_y(root: ET.Element, match: str) -> float:
    for t in root.iter(f"{{{NS}}}text"):
        if match in "".join(t.itertext()):
            return float(t.get("y", "0"))
    raise AssertionError(f"no <text> containing {match!r}")


def _without_text(root: ET.Element) -> str:
    parents = {child: parent for parent in root.iter() for child in parent}
    for t in list(root.iter(f"{{{NS}}}text")):
        parents[t].remove(t)
    ET.register_namespace("", NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    return ET.tostring(root, encoding="unicode")


def test_font_files_are_the_family_the_svg_names() -> None:
    assert fonts.CSS_FONT_STACK.startswith(f"'{fonts.FONT_FAMILY}'")
    for path in fonts.FONT_FILES:
        assert path.suffix == ".ttf" and path.stat().st_size > 10_000
        name = TTFont(path, lazy=True)["name"]
        assert (name.getDebugName(16) or name.getDebugName(1)) == fonts.FONT_FAMILY  # typographic family first
    options = fonts.resvg_font_options()
    assert options["skip_system_fonts"] is True and options["sans_serif_family"] == fonts.FONT_FAMILY


def _svg_to_bytes_calls() -> Iterator[tuple[str, ast.Call]]:
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "svg_to_bytes":
                yield f"{path.relative_to(APP.parent)}:{node.lineno}", node


def test_every_resvg_call_in_the_app_gets_the_bundled_font() -> None:
    calls = list(_svg_to_bytes_calls())
    assert len(calls) >= 2  # app/maps/raster.py (map PNGs and the handout map), the authoring drawing
    for where, call in calls:
        spread = [kw.value for kw in call.keywords if kw.arg is None]
        assert any("resvg_font_options" in ast.unparse(v) for v in spread), f"{where}: resvg without the bundled font"


def test_png_carries_title_and_attribution(client: TestClient) -> None:
    png = client.get("/maps/muscles/soleus.png", params={"width": 1200})
    assert png.status_code == 200
    with_text = Image.open(io.BytesIO(png.content))
    svg = client.get("/maps/muscles/soleus.svg", params={"width": 1200}).text
    root = ET.fromstring(svg)
    title_y = _text_y(root, root.findtext(f"{{{NS}}}title", "").split(" \u2014 ")[0])
    attr_y = _text_y(root, "CC BY-SA 4.0")
    bare = Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(
        svg_string=_without_text(root), width=1200, background="#ffffff", **fonts.resvg_font_options()))))
    assert bare.size == with_text.size
    width, height = with_text.size
    scale = width / float(root.get("viewBox", f"0 0 {width} 0").split()[2])
    title_band = (0, 0, width, min(height, round((title_y + 6) * scale)))
    attr_band = (0, max(0, round((attr_y - 14) * scale)), width, min(height, round((attr_y + 4) * scale)))
    # the title is set in the bundled font: hundreds of dark pixels, none once the <text> is gone
    assert _ink(with_text, title_band, 100) > 300, "the title band is empty: the map's text was not drawn"
    assert _ink(bare, title_band, 100) < 10
    # the attribution line (small and grey) is drawn too
    assert _ink(with_text, attr_band, 200) > 40, "the attribution line is missing"
    assert _ink(bare, attr_band, 200) < 10


# -- the PDF handout -----------------------------------------------------------------------------


def _fonts_of(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]))
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
    return names


@pytest.mark.parametrize("slug", ["upper-trapezius", "soleus", "temporalis"])
def test_handout_embeds_the_bundled_font_and_its_text_reads(client: TestClient, slug: str) -> None:
    r = client.get(f"/muscles/{slug}.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(r.content))
    names = _fonts_of(reader)
    assert names and all(re.fullmatch(r"/[A-Z]{6}\+SourceSansPro(Bold|Italic)?", n) for n in names), names
    m = client.get(f"/api/muscles/{slug}").json()
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert m["name"] in flat and "Trigger points and referral" in flat and "Dry needling" in flat
    assert m["trigger_points"][0]["label"] in flat
    for page in reader.pages:
        foot = " ".join(page.extract_text().split())
        assert "Educational reference for trained professionals" in foot
        # the test server has no ATLAS_BASE_URL: a loopback address means nothing on paper, so the
        # footer names the page's path
        assert f"Trigger-Point Atlas, /muscles/{slug}" in foot and "127.0.0.1" not in foot
        assert "CC BY-SA 4.0" in foot


@cache
def _advances(path: Path) -> tuple[dict[int, int], float]:
    font = TTFont(path, lazy=True)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    return {cp: hmtx[g][0] for cp, g in cmap.items()}, float(font["head"].unitsPerEm)


def _width(text: str, base_font: str, size: float) -> float:
    path = fonts.BOLD if base_font.endswith("Bold") else fonts.ITALIC if base_font.endswith("Italic") else fonts.REGULAR
    adv, upm = _advances(path)
    return sum(adv.get(ord(c), upm) for c in text) * size / upm


def test_every_handout_stays_on_its_pages(client: TestClient, settings: Settings) -> None:
    """For every muscle: the map fits inside the margins, every line of text inside the page, and
    the bundled font has a glyph for every character. The map comes as a small PNG of the same
    shape, which is all the layout depends on."""
    atlas = Atlas(settings.db_path)
    try:
        slugs = [m["slug"] for m in queries.muscles(atlas.conn)]
        assert len(slugs) > 100
        for slug in slugs:
            m = queries.muscle(atlas.conn, slug)
            assert m is not None
            png = client.get(f"/maps/muscles/{slug}.png", params={"width": 240}).content
            lay = handout_layout(m, png, f"http://127.0.0.1:8000/muscles/{slug}")
            pw, ph = lay.page_size
            assert lay.missing_glyphs == "", f"{slug}: no glyph for {lay.missing_glyphs!r}"
            (box,) = [b for b in lay.boxes if b.kind == "map"]
            assert box.page == 1 and box.w > 150 and box.h > 100, f"{slug}: map squeezed to {box}"
            assert MARGIN - .01 <= box.x and box.x + box.w <= pw - MARGIN + .01 and MARGIN - .01 <= box.y
            assert box.y + box.h <= ph - MARGIN, f"{slug}: the map runs into the footer"
            reader = PdfReader(io.BytesIO(lay.pdf))
            assert len(reader.pages) == lay.pages
            for n, page in enumerate(reader.pages, start=1):
                # the image placement matrices (q w 0 0 h x y cm /I Do Q) agree and lie inside the page
                for w, h, x, y in re.findall(rb"q ([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm /I\d+ Do Q",
                                             page.get_contents().get_data()):
                    assert 0 <= float(x) and float(x) + float(w) <= pw and 0 <= float(y) and float(y) + float(h) <= ph
                lines: list[tuple[str, float, float, float]] = []

                def seen(text: str, cm: list[float], tm: list[float], font: dict[str, object] | None, size: float,
                         into: list[tuple[str, float, float, float]] = lines) -> None:
                    if text.strip() and font is not None:
                        into.append((text, tm[4] + cm[4], tm[5] + cm[5], _width(text.rstrip("\n"), str(font["/BaseFont"]), size)))

                page.extract_text(visitor_text=seen)
                assert lines, f"{slug} page {n}: no text"
                for text, x, y, w in lines:
                    assert MARGIN - 1 <= x and x + w <= pw - MARGIN + 1, f"{slug} p{n}: {text!r} leaves the margins"
                    assert 10 <= y <= ph - MARGIN + 1, f"{slug} p{n}: {text!r} off the page (y={y:.0f})"
    finally:
        atlas.close()


def test_handout_footer_links_a_public_address(client: TestClient, settings: Settings) -> None:
    """With ATLAS_BASE_URL set the footer prints and links the page's public address."""
    atlas = Atlas(settings.db_path)
    try:
        m = queries.muscle(atlas.conn, "soleus")
        assert m is not None
        png = client.get("/maps/muscles/soleus.png", params={"width": 240}).content
        lay = handout_layout(m, png, "https://atlas.example.org/muscles/soleus")
    finally:
        atlas.close()
    foot = " ".join(PdfReader(io.BytesIO(lay.pdf)).pages[0].extract_text().split())
    assert "Trigger-Point Atlas, https://atlas.example.org/muscles/soleus" in foot
