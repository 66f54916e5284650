"""Put a view on the mesh: the posed body projected with the view's camera, cached on disk."""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import shapely
import shapely.errors
from shapely.geometry import box

from app.figure import mesh as meshmod
from app.figure.pose import anatomical, with_surface_points
from app.figure.project import Placement, Projection, project
from app.schemas.figure import MeshBase


@lru_cache(maxsize=1)
def posed() -> meshmod.Mesh:
    return with_surface_points(anatomical(meshmod.load()))


def _cache_file(*key: object) -> Path:
    code = b"".join((Path(__file__).parent / f).read_bytes() for f in ("mesh.py", "pose.py", "project.py", "base.py"))
    digest = hashlib.sha256(code + repr((meshmod.WHEEL, *key)).encode()).hexdigest()[:20]
    return meshmod.default_cache() / "figure" / f"{digest}.json"


@lru_cache(maxsize=32)
def _projection(camera: str, scale: float, ox: float, oy: float, above: float | None,
                width: float, height: float) -> Projection:
    """Projecting takes a second or two per view; the result is kept on disk beside the mesh wheel,
    keyed by the figure code and the view's placement, so builds and test servers reuse it."""
    cached = _cache_file(camera, scale, ox, oy, above, width, height)
    if cached.exists():
        try:
            raw = json.loads(cached.read_text())
            return Projection(outline=shapely.from_wkt(raw["outline"]),
                              lines=[[(x, y) for x, y in ln] for ln in raw["lines"]],
                              joints={k: (v[0], v[1]) for k, v in raw["joints"].items()},
                              front=shapely.from_wkt(raw["front"]) if raw.get("front") else None)
        except (ValueError, KeyError, TypeError, shapely.errors.GEOSException):
            pass  # a damaged cache file is recomputed
    pr = _compute(camera, scale, ox, oy, above, width, height)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"outline": pr.outline.wkt, "lines": pr.lines, "joints": pr.joints,
                               "front": pr.front.wkt if pr.front is not None else None}))
    os.replace(tmp, cached)
    return pr


def _compute(camera: str, scale: float, ox: float, oy: float, above: float | None,
             width: float, height: float) -> Projection:
    m = posed()
    keep = None
    if above is not None:
        keep = m.verts[m.tris][:, :, 1].max(axis=1) > above
    pr = project(m, camera, Placement(scale, ox, oy), keep=keep)
    if above is not None:
        # a close-up is cut straight across where the view ends
        frame = box(-10, -10, width + 10, height - 4)
        outline = pr.outline.intersection(frame)
        lines = [ln for ln in pr.lines if all(y < height - 4 for _, y in ln)]
        front = pr.front.intersection(frame) if pr.front is not None else None
        return Projection(outline=outline, lines=lines, joints=pr.joints, front=front)
    return pr


def projection(cfg: MeshBase, width: float, height: float) -> Projection:
    return _projection(cfg.camera, cfg.scale, cfg.origin[0], cfg.origin[1], cfg.above, width, height)
