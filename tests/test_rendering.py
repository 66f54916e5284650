"""Rendering regression: maps compared pixel by pixel with reviewed PNGs in tests/snapshots/.

After a deliberate change to the figure, look at the new images and refresh the references with
``ATLAS_UPDATE_SNAPSHOTS=1 pytest tests/test_rendering.py``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from starlette.testclient import TestClient

SNAPSHOTS = Path(__file__).parent / "snapshots"
CASES = {
    "map-anterior": "/maps/anterior.png?width=480",
    "map-posterior": "/maps/posterior.png?width=480",
    "map-lateral": "/maps/lateral.png?width=480",
    "map-lateral-left": "/maps/lateral-left.png?width=480",
    "map-anterior-deep": "/maps/anterior.png?width=480&plate=deep",
    "map-posterior-deep": "/maps/posterior.png?width=480&plate=deep",
    "map-lateral-deep": "/maps/lateral.png?width=480&plate=deep",
    "map-head-lateral": "/maps/head-lateral.png?width=480",
    "map-hand-palmar": "/maps/hand-palmar.png?width=480",
    "map-foot-plantar": "/maps/foot-plantar.png?width=480",
    "map-head-anterior": "/maps/head-anterior.png?width=480",
    "map-hand-dorsal": "/maps/hand-dorsal.png?width=480",
    "map-foot-dorsal": "/maps/foot-dorsal.png?width=480",
    "map-foot-lateral": "/maps/foot-lateral.png?width=480",
    "map-foot-medial": "/maps/foot-medial.png?width=480",
    "muscle-temporalis": "/maps/muscles/temporalis.png?width=800",
    "muscle-masseter": "/maps/muscles/masseter.png?width=800",
    "muscle-gastrocnemius-medial": "/maps/muscles/gastrocnemius-medial.png?width=800",
    "muscle-tibialis-posterior": "/maps/muscles/tibialis-posterior.png?width=800",
    "muscle-scalenus-anterior": "/maps/muscles/scalenus-anterior.png?width=800",
    "muscle-infraspinatus": "/maps/muscles/infraspinatus.png?width=800",
    "muscle-gluteus-minimus": "/maps/muscles/gluteus-minimus.png?width=800",
    "muscle-quadratus-lumborum": "/maps/muscles/quadratus-lumborum.png?width=800",
    "muscle-soleus": "/maps/muscles/soleus.png?width=800",
    "muscle-temporalis-tp1": "/maps/muscles/temporalis.png?width=800&tp=1",
    "condition-low-back-pain": "/maps/conditions/low-back-pain.png?width=800",
}
TOLERANCE = 0.01  # share of pixels allowed to differ noticeably (font hinting, anti-aliasing)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rendering_matches_the_reviewed_image(client: TestClient, name: str) -> None:
    r = client.get(CASES[name])
    assert r.status_code == 200
    ref = SNAPSHOTS / f"{name}.png"
    if os.environ.get("ATLAS_UPDATE_SNAPSHOTS"):
        ref.write_bytes(r.content)
    new = Image.open(io.BytesIO(r.content)).convert("RGB")
    old = Image.open(ref).convert("RGB")
    assert new.size == old.size, f"{name}: size {new.size} != reviewed {old.size}"
    # words are a small share of a big picture: check the title band on its own, so a host that lost
    # the font (resvg then drops every word) fails here whatever the pixel tolerance below
    band = (0, 0, new.size[0], max(30, new.size[0] // 20))  # the title line, whatever the picture's height
    ink_new, ink_old = _ink(new.crop(band)), _ink(old.crop(band))
    assert ink_old > 50, f"{name}: the reviewed image has no title"
    assert ink_new >= 0.8 * ink_old, f"{name}: the title band has {ink_new} dark pixels, the reviewed image {ink_old}"
    diff = ImageChops.difference(new, old).convert("L").point(lambda v: 255 if v > 40 else 0)
    changed = sum(diff.histogram()[255:]) / (new.size[0] * new.size[1])
    assert changed <= TOLERANCE, f"{name}: {changed:.2%} of pixels differ from the reviewed image"


def _ink(img: Image.Image) -> int:
    """Dark pixels: text, not the pale skin or the white ground."""
    return sum(img.convert("L").point(lambda v: 255 if v < 110 else 0).histogram()[255:])
