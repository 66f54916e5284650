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
    "map-head-lateral": "/maps/head-lateral.png?width=480",
    "map-hand-palmar": "/maps/hand-palmar.png?width=480",
    "map-foot-plantar": "/maps/foot-plantar.png?width=480",
    "muscle-soleus": "/maps/muscles/soleus.png?width=800",
    "muscle-upper-trapezius": "/maps/muscles/upper-trapezius.png?width=800",
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
    diff = ImageChops.difference(new, old).convert("L").point(lambda v: 255 if v > 40 else 0)
    changed = sum(diff.histogram()[255:]) / (new.size[0] * new.size[1])
    assert changed <= TOLERANCE, f"{name}: {changed:.2%} of pixels differ from the reviewed image"
