"""Put a view on the mesh: the posed body projected with the view's camera, cached on disk."""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
import shapely.errors
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from app.figure import mesh as meshmod
from app.figure.pose import anatomical, with_surface_points
from app.figure.project import Placement, Projection, project, smooth_outline
from app.schemas.figure import MeshBase


@lru_cache(maxsize=1)
def posed() -> meshmod.Mesh:
    return with_surface_points(anatomical(meshmod.load()))


def _cache_file(*key: object) -> Path:
    code = b"".join((Path(__file__).parent / f).read_bytes() for f in ("mesh.py", "pose.py", "project.py", "base.py"))
    digest = hashlib.sha256(code + repr((meshmod.WHEEL, *key)).encode()).hexdigest()[:20]
    return meshmod.default_cache() / "figure" / f"{digest}.json"


@lru_cache(maxsize=32)
def _projection(key: str, width: float, height: float, arms: bool = True) -> Projection:
    """Projecting takes a second or two per view; the result is kept on disk beside the mesh wheel,
    keyed by the figure code and the view's placement, so builds and test servers reuse it."""
    cfg = MeshBase.model_validate_json(key)
    cached = _cache_file(key, width, height, *(() if arms else ("armless",)))
    if cached.exists():
        try:
            raw = json.loads(cached.read_text())
            return Projection(outline=shapely.from_wkt(raw["outline"]),
                              lines=[[(x, y) for x, y in ln] for ln in raw["lines"]],
                              joints={k: (v[0], v[1]) for k, v in raw["joints"].items()},
                              front=shapely.from_wkt(raw["front"]) if raw.get("front") else None)
        except (ValueError, KeyError, TypeError, shapely.errors.GEOSException):
            pass  # a damaged cache file is recomputed
    pr = _compute(cfg, width, height, arms)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"outline": pr.outline.wkt, "lines": pr.lines, "joints": pr.joints,
                               "front": pr.front.wkt if pr.front is not None else None}))
    os.replace(tmp, cached)
    return pr


def _compute(cfg: MeshBase, width: float, height: float, arms: bool = True) -> Projection:
    m = posed()
    corners = m.verts[m.tris]  # (triangles, 3, xyz)
    heights = corners[:, :, 1]
    keep = np.ones(len(m.tris), dtype=bool)
    if cfg.above is not None:
        keep &= heights.max(axis=1) > cfg.above
    if cfg.below is not None:
        keep &= heights.min(axis=1) < cfg.below
    if cfg.part is not None:
        side, limb = cfg.part.split("-")
        if limb == "arm":
            keep &= m.arms[side][m.tris].all(axis=1)
        else:  # a leg: the body's right is at -x; the other leg and the hands beside the thigh go
            sign = -1.0 if side == "r" else 1.0
            keep &= (sign * corners[:, :, 0] > 0.05).all(axis=1) & ~m.arms[side][m.tris].any(axis=1)
    if not arms:
        # the trunk and legs alone, as the manual draws a buttock or a thigh pattern
        keep &= ~(m.arms["r"] | m.arms["l"])[m.tris].any(axis=1)
    far = {"right": "l", "left": "r"}.get(cfg.camera)
    if far is not None and cfg.part is None:
        # on a side view the far hand hangs behind the thigh and only its fingertips peek out past
        # the buttock, a comb of stubs no chart draws
        keep &= ~m.hands[far][m.tris].any(axis=1)
    closeup = cfg.above is not None or cfg.below is not None or cfg.part is not None
    pr = project(m, cfg.camera, Placement(cfg.scale, cfg.origin[0], cfg.origin[1]), keep=None if keep.all() else keep,
                 roll=cfg.roll)
    if not arms:
        # where the arms were cut off the skin line is torn: about each shoulder the skin is replaced by
        # its convex hull, a clean rounded stump as a chart's torso without arms has
        raw = pr.outline.buffer(1.0).buffer(-1.0)
        discs = [Point(*pr.joints[j]).buffer(55.0) for j in ("r-shoulder", "l-shoulder") if j in pr.joints]
        stumps = [raw.intersection(d).convex_hull.intersection(d) for d in discs]
        whole = raw.difference(shapely.union_all(discs)).union(shapely.union_all(stumps))
        outline = smooth_outline(whole.buffer(0.5).buffer(-0.5))
        inside = outline.buffer(-1.0)
        lines = [ln for ln in pr.lines if len(ln) > 1 and inside.contains(LineString(ln))]
        return Projection(outline=outline, lines=lines, joints=pr.joints, front=None)
    if closeup:
        # a close-up is cut straight across where the view ends
        frame = box(4, 4, width - 4, height - 4)
        # at close-up scale the mesh's facets show along the skin line: round them off further
        outline = _polygons(smooth_outline(pr.outline).intersection(frame))
        edge = outline.boundary
        lines = [ln for ln in pr.lines if all(4 < x < width - 4 and 4 < y < height - 4 for x, y in ln)
                 and not _redundant(ln, edge)]
        front = pr.front.intersection(frame) if pr.front is not None else None
        return Projection(outline=outline, lines=lines, joints=pr.joints, front=front)
    return pr


def _redundant(line: list[tuple[float, float]], edge: BaseGeometry) -> bool:
    """At close-up scale the mesh leaves scraps an illustrator would not draw: a contour that runs
    along the outline a hair inside it (a doubled edge), or a stub a few units long."""
    ls = LineString(line)
    if ls.length < 6:
        return True
    return bool(max(edge.distance(Point(p)) for p in line) < 1.5)


def _polygons(g: BaseGeometry) -> BaseGeometry:
    """What is left of the skin inside the frame, without the slivers the cut may leave."""
    parts = [p for p in getattr(g, "geoms", [g]) if isinstance(p, Polygon) and p.area > 4]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def projection(cfg: MeshBase, width: float, height: float, arms: bool = True) -> Projection:
    """The view's body; arms=False: without the arms (cut at the shoulder), for maps whose pattern
    lies on the trunk and legs, where a hanging arm would hide or crowd it."""
    return _projection(cfg.model_dump_json(), width, height, arms)
