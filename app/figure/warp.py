"""Carry drawings made on the old hand-drawn mannequin onto the mesh figure: a thin-plate spline.

Pairs of points that mean the same place on both bodies (joint centres, and where a line across a
limb or the trunk meets the skin on either side) define a smooth map from the old view's units to
the new ones; every authored point of a muscle, zone or trigger-point frame goes through it, so the
shapes keep their place on the body while the body itself becomes realistic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from app.figure.mesh import Array

XY = tuple[float, float]


@dataclass(frozen=True)
class ThinPlate:
    src: Array
    coef: Array  # (n + 3, 2)

    def __call__(self, p: XY) -> XY:
        q = np.asarray(p, dtype=np.float64)
        r2 = ((self.src - q) ** 2).sum(axis=1)
        u = np.where(r2 > 1e-12, r2 * np.log(np.maximum(r2, 1e-12)) / 2, 0.0)
        x, y = (u @ self.coef[:-3]) + self.coef[-3] + q[0] * self.coef[-2] + q[1] * self.coef[-1]
        return float(x), float(y)


def fit(src: list[XY], dst: list[XY], smoothing: float = 2.0) -> ThinPlate:
    s, d = np.asarray(src, dtype=np.float64), np.asarray(dst, dtype=np.float64)
    n = len(s)
    r2 = ((s[:, None, :] - s[None, :, :]) ** 2).sum(axis=2)
    k = np.where(r2 > 1e-12, r2 * np.log(np.maximum(r2, 1e-12)) / 2, 0.0) + smoothing * np.eye(n)
    p = np.c_[np.ones(n), s]
    a = np.zeros((n + 3, n + 3))
    a[:n, :n], a[:n, n:], a[n:, :n] = k, p, p.T
    b = np.zeros((n + 3, 2))
    b[:n] = d
    return ThinPlate(src=s, coef=np.asarray(np.linalg.solve(a, b), dtype=np.float64))


def crossings(body: BaseGeometry, a: XY, b: XY, t: float, reach: float = 400.0) -> tuple[XY, XY] | None:
    """Where the line across the bone a→b at ``t`` first meets the skin on either side."""
    px, py = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
    length = math.dist(a, b) or 1.0
    nx, ny = -(b[1] - a[1]) / length, (b[0] - a[0]) / length
    edge = body.boundary
    out = []
    for sgn in (1, -1):
        ray = LineString([(px, py), (px + sgn * nx * reach, py + sgn * ny * reach)])
        hit = ray.intersection(edge)
        pts = [g for g in getattr(hit, "geoms", [hit]) if not g.is_empty]
        if not pts:
            return None
        near = min(pts, key=lambda g: Point(px, py).distance(g))
        out.append((near.x, near.y) if near.geom_type == "Point" else near.interpolate(0).coords[0])
    return (out[0][0], out[0][1]), (out[1][0], out[1][1])


def bone_pairs(old_body: BaseGeometry, new_body: BaseGeometry, bones: list[tuple[XY, XY, XY, XY]],
               ts: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0), across: bool = True) -> tuple[list[XY], list[XY]]:
    """Pairs along each bone (old a, old b, new a, new b): the bone point and both skin crossings."""
    src: list[XY] = []
    dst: list[XY] = []
    for oa, ob, na, nb in bones:
        for t in ts:
            src.append((oa[0] + (ob[0] - oa[0]) * t, oa[1] + (ob[1] - oa[1]) * t))
            dst.append((na[0] + (nb[0] - na[0]) * t, na[1] + (nb[1] - na[1]) * t))
            if not across:
                continue
            co, cn = crossings(old_body, oa, ob, t), crossings(new_body, na, nb, t)
            if not (co and cn):
                continue
            bo = (oa[0] + (ob[0] - oa[0]) * t, oa[1] + (ob[1] - oa[1]) * t)
            bn = (na[0] + (nb[0] - na[0]) * t, na[1] + (nb[1] - na[1]) * t)
            for k in (0, 1):
                # each side pairs only when the skin is about as far from the bone on both bodies
                do, dn = math.dist(bo, co[k]), math.dist(bn, cn[k])
                if do < 1.8 * dn + 6 and dn < 1.8 * do + 6:
                    src.append(co[k])
                    dst.append(cn[k])
    return src, dst
