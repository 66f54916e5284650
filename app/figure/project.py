"""Project the posed mesh into a view: the skin outline and the visible contour lines.

Orthographic cameras; hidden lines removed with an item buffer (each front-facing triangle drawn in
its own colour, far to near, by Pillow) and a depth test against the triangle found under each
sample of an edge. What is drawn is what a line artist draws: the outline, the occluding contours
inside it (an arm over the flank, the ear, the fingers) and the rims of the eyes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from PIL import Image, ImageDraw
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from app.figure.mesh import Array, Mesh

Camera = Callable[[Array], Array]
CAMERAS: dict[str, Camera] = {
    # (x to the viewer's right, y up, depth towards the viewer)
    "front": lambda p: p,
    "back": lambda p: np.c_[-p[:, 0], p[:, 1], -p[:, 2]],
    "right": lambda p: np.c_[p[:, 2], p[:, 1], -p[:, 0]],  # the body's right side faces the viewer
    "left": lambda p: np.c_[-p[:, 2], p[:, 1], p[:, 0]],
    # from above, the front of the body at the top of the view: the back of the foot, toes up
    "top": lambda p: np.c_[-p[:, 0], p[:, 2], p[:, 1]],
    # from below, front at the top: the sole, the big toe of the right foot on the viewer's right
    "bottom": lambda p: np.c_[p[:, 0], p[:, 2], -p[:, 1]],
}


NEAR_HAND = {"right": "r", "left": "l"}


@dataclass(frozen=True)
class Placement:
    """Where the projected body lands in the view's units: scale and the offset of mesh (0, 0)."""

    scale: float
    x0: float
    y0: float


@dataclass(frozen=True)
class Projection:
    outline: BaseGeometry  # the skin as one (multi)polygon, in view units, y down
    lines: list[list[tuple[float, float]]]  # visible contour lines inside it
    joints: dict[str, tuple[float, float]]
    # on a side view, the near hand: it hangs in front of the hip, so muscles and zones behind it
    # are cut away where it covers them
    front: BaseGeometry | None = None


def _to_view(p: Array, at: Placement) -> Array:
    out: Array = np.c_[at.x0 + p[:, 0] * at.scale, at.y0 - p[:, 1] * at.scale, p[:, 2] * at.scale]
    return out


def project(mesh: Mesh, camera: str, at: Placement, *, px: float = 3.0, keep: npt.NDArray[np.bool_] | None = None,
            roll: int = 0) -> Projection:
    """``keep``: a boolean mask of triangles to draw (a close-up of one hand hides the other);
    ``roll``: 180 turns the view upside down (a hanging hand drawn fingers up)."""
    base = CAMERAS[camera]

    def cam(p: Array) -> Array:
        q = base(p)
        out: Array = np.c_[-q[:, 0], -q[:, 1], q[:, 2]] if roll == 180 else q
        return out

    pv = _to_view(cam(mesh.verts), at)
    tris = mesh.tris if keep is None else mesh.tris[keep]
    t = pv[tris]
    # y points down in view units, so a face turned to the viewer winds clockwise here
    cross_z = (t[:, 1, 0] - t[:, 0, 0]) * (t[:, 2, 1] - t[:, 0, 1]) - (t[:, 1, 1] - t[:, 0, 1]) * (t[:, 2, 0] - t[:, 0, 0])
    front = cross_z < 0
    near_hand = NEAR_HAND.get(camera)
    hand_area = None
    if near_hand and near_hand in mesh.hands:
        in_hand = mesh.hands[near_hand][tris].all(axis=1) & front
        if in_hand.any():
            hand_area = shapely.union_all(shapely.buffer(shapely.polygons(t[in_hand][:, :, :2]), 0.05, quad_segs=1))
            hand_area = smooth_outline(hand_area.buffer(0.3).buffer(-0.3))
    polys = shapely.polygons(t[front][:, :, :2])
    outline = shapely.union_all(shapely.buffer(polys, 0.02, quad_segs=1)).buffer(-0.02)
    outline = _largest_parts(outline)

    # item buffer: the nearest front-facing triangle under each pixel
    bx0, by0, bx1, by1 = outline.bounds
    x_min, y_min, x_max, y_max = bx0 - 2, by0 - 2, bx1 + 2, by1 + 2
    w, h = int((x_max - x_min) * px) + 1, int((y_max - y_min) * px) + 1
    buf = Image.new("I", (w, h), 0)
    draw = ImageDraw.Draw(buf)
    idx = np.nonzero(front)[0]
    order = idx[np.argsort(t[idx, :, 2].mean(axis=1))]
    for i in order:
        draw.polygon([((x - x_min) * px, (y - y_min) * px) for x, y, _ in t[i]], fill=int(i) + 1)
    ids = np.asarray(buf, dtype=np.int64)
    # plane of every triangle, to read its depth at any pixel
    a, b, c = t[:, 0], t[:, 1], t[:, 2]
    n = np.cross(b - a, c - a)
    nz = np.where(np.abs(n[:, 2]) < 1e-12, 1e-12, n[:, 2])

    def depth_at(tri: Array, x: Array, y: Array) -> Array:
        out: Array = a[tri, 2] - (n[tri, 0] * (x - a[tri, 0]) + n[tri, 1] * (y - a[tri, 1])) / nz[tri]
        return out

    # edges with the faces on either side; an edge the close-up's cut opened (one face kept, one
    # dropped) is no line of the body: the frame draws that cut
    faces_of: dict[tuple[int, int], list[int]] = defaultdict(list)
    for fi, tri in enumerate(tris):
        for k in range(3):
            e = (int(tri[k]), int(tri[(k + 1) % 3]))
            faces_of[(min(e), max(e))].append(fi)
    if keep is not None:
        for tri in mesh.tris[~keep]:
            for k in range(3):
                e = (int(tri[k]), int(tri[(k + 1) % 3]))
                if (min(e), max(e)) in faces_of:
                    faces_of[(min(e), max(e))].append(-1)
    chosen = []
    for e, fs in faces_of.items():
        if -1 in fs:
            continue
        if len(fs) == 1:
            if front[fs[0]]:
                chosen.append(e)  # a rim: eyelids around the eye
        elif len(fs) == 2 and front[fs[0]] != front[fs[1]]:
            chosen.append(e)  # an occluding contour
    if not chosen:
        return Projection(outline=outline, lines=[], joints={})
    edges = np.array(chosen)
    samples = np.array([0.2, 0.5, 0.8])
    p0, p1 = pv[edges[:, 0]], pv[edges[:, 1]]
    pts = p0[:, None, :] + (p1 - p0)[:, None, :] * samples[None, :, None]
    col = np.clip(((pts[..., 0] - x_min) * px).astype(int), 0, w - 1)
    row = np.clip(((pts[..., 1] - y_min) * px).astype(int), 0, h - 1)
    hit = ids[row, col] - 1
    tol = 0.012 * at.scale
    depth = np.where(hit >= 0, depth_at(np.maximum(hit, 0), pts[..., 0], pts[..., 1]), -np.inf)
    # on a cut close-up, a line seen through the cut (the inside of the heel through the open ankle)
    # lies over no kept face: only lines over the body's own surface count
    seen = (pts[..., 2] >= depth - tol) if keep is not None else ((hit < 0) | (pts[..., 2] >= depth - tol))
    visible = seen.sum(axis=1) >= 2
    lines = [_chaikin(ln, closed=False) for ln in _chains(edges[visible], pv)]
    outline = smooth_outline(outline)
    joints = {}
    for name, p in mesh.joints.items():
        q = _to_view(cam(p[None]), at)[0]
        joints[name] = (round(float(q[0]), 2), round(float(q[1]), 2))
    return Projection(outline=outline, lines=lines, joints=joints, front=hand_area)


def _chaikin(pts: list[tuple[float, float]], closed: bool, rounds: int = 2) -> list[tuple[float, float]]:
    """Corner cutting: the mesh's facets read as a polygon at close-up scale; an artist's line is smooth."""
    for _ in range(rounds):
        if len(pts) < 3:
            return pts
        seq = pts + [pts[0]] if closed else pts
        out = [] if closed else [pts[0]]
        for (x0, y0), (x1, y1) in zip(seq, seq[1:], strict=False):
            out += [(0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1), (0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1)]
        if not closed:
            out.append(pts[-1])
        pts = out
    return [(round(x, 2), round(y, 2)) for x, y in pts]


def smooth_outline(g: BaseGeometry) -> BaseGeometry:
    parts = [Polygon(_chaikin(list(p.exterior.coords)[:-1], closed=True)) for p in getattr(g, "geoms", [g])]
    parts = [p if p.is_valid else p.buffer(0) for p in parts]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _largest_parts(g: BaseGeometry) -> BaseGeometry:
    parts = list(getattr(g, "geoms", [g]))
    parts = [Polygon(p.exterior) for p in parts if p.area > 4]  # holes inside the skin are only gaps of the mesh
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _chains(edges: Array, pv: Array) -> list[list[tuple[float, float]]]:
    nbr: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        nbr[int(a)].append(int(b))
        nbr[int(b)].append(int(a))
    seen: set[tuple[int, int]] = set()
    out = []
    starts = [v for v, ns in nbr.items() if len(ns) != 2] + list(nbr)
    for s in starts:
        for first in nbr[s]:
            if (min(s, first), max(s, first)) in seen:
                continue
            chain = [s, first]
            seen.add((min(s, first), max(s, first)))
            while len(nbr[chain[-1]]) == 2:
                nxt = [x for x in nbr[chain[-1]] if (min(chain[-1], x), max(chain[-1], x)) not in seen]
                if not nxt:
                    break
                seen.add((min(chain[-1], nxt[0]), max(chain[-1], nxt[0])))
                chain.append(nxt[0])
            line = LineString(pv[chain][:, :2])
            if line.length < 4:
                continue
            simple = line.simplify(0.25)
            out.append([(round(x, 1), round(y, 1)) for x, y in simple.coords])
    return out
