"""SVG path data as geometry: parse, bound, move and smooth the shapes the renderer draws.

Pure functions on path strings. The renderer never trusts particular coordinates: panels are
cropped and scaled from the bounds computed here, so a redrawn figure composes the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Point = tuple[float, float]
Segment = tuple[str, tuple[float, ...]]  # absolute "M", "L", "C", "Q", "A" or "Z" with its numbers

_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}


def fmt(v: float) -> str:
    s = f"{v:.1f}"
    if s == "-0.0":
        return "0"
    return s[:-2] if s.endswith(".0") else s


@lru_cache(maxsize=8192)
def parse(d: str) -> tuple[Segment, ...]:
    """Path data as absolute segments: H/V become L, S/T become C/Q, relative commands absolute."""
    tokens = _TOKEN.findall(d)
    out: list[Segment] = []
    cmd = ""
    cx = cy = sx = sy = 0.0
    ctrl: Point | None = None  # last control point, for S and T
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd in "Zz":
                out.append(("Z", ()))
                cx, cy, ctrl = sx, sy, None
                continue
        elif not cmd or cmd in "Zz":
            raise ValueError(f"path data without a command at token {i}: {d[:40]!r}")
        up = cmd.upper()
        n = _ARITY[up]
        if i + n > len(tokens) or any(t.isalpha() for t in tokens[i:i + n]):
            raise ValueError(f"path data cut short at token {i}: {d[:40]!r}")
        a = [float(t) for t in tokens[i:i + n]]
        i += n
        rel = cmd.islower()
        ox, oy = (cx, cy) if rel else (0.0, 0.0)
        if up == "M":
            cx, cy = a[0] + ox, a[1] + oy
            sx, sy = cx, cy
            out.append(("M", (cx, cy)))
            cmd = "l" if rel else "L"  # further pairs are line-tos
            ctrl = None
        elif up in ("L", "H", "V"):
            if up == "L":
                cx, cy = a[0] + ox, a[1] + oy
            elif up == "H":
                cx = a[0] + (cx if rel else 0.0)
            else:
                cy = a[0] + (cy if rel else 0.0)
            out.append(("L", (cx, cy)))
            ctrl = None
        elif up in ("C", "S"):
            if up == "C":
                x1, y1, x2, y2, x, y = a[0] + ox, a[1] + oy, a[2] + ox, a[3] + oy, a[4] + ox, a[5] + oy
            else:
                x1, y1 = (2 * cx - ctrl[0], 2 * cy - ctrl[1]) if ctrl and out[-1][0] == "C" else (cx, cy)
                x2, y2, x, y = a[0] + ox, a[1] + oy, a[2] + ox, a[3] + oy
            out.append(("C", (x1, y1, x2, y2, x, y)))
            ctrl, cx, cy = (x2, y2), x, y
        elif up in ("Q", "T"):
            if up == "Q":
                x1, y1, x, y = a[0] + ox, a[1] + oy, a[2] + ox, a[3] + oy
            else:
                x1, y1 = (2 * cx - ctrl[0], 2 * cy - ctrl[1]) if ctrl and out[-1][0] == "Q" else (cx, cy)
                x, y = a[0] + ox, a[1] + oy
            out.append(("Q", (x1, y1, x, y)))
            ctrl, cx, cy = (x1, y1), x, y
        else:  # arc
            cx, cy = a[5] + ox, a[6] + oy
            out.append(("A", (a[0], a[1], a[2], a[3], a[4], cx, cy)))
            ctrl = None
    return tuple(out)


def _points(seg: Segment) -> list[Point]:
    kind, v = seg
    if kind == "A":
        return [(v[5], v[6])]
    return [(v[k], v[k + 1]) for k in range(0, len(v), 2)]


@lru_cache(maxsize=8192)
def bounds(d: str) -> Box:
    """Bounds of the path's points and control points (a curve never leaves its control hull)."""
    xs: list[float] = []
    ys: list[float] = []
    for seg in parse(d):
        if seg[0] == "A":  # an arc may bulge past its end points by up to its radius
            rx, ry, x, y = abs(seg[1][0]), abs(seg[1][1]), seg[1][5], seg[1][6]
            xs += [x - rx, x + rx]
            ys += [y - ry, y + ry]
            continue
        for x, y in _points(seg):
            xs.append(x)
            ys.append(y)
    if not xs:
        return (0.0, 0.0, 0.0, 0.0)
    return (min(xs), min(ys), max(xs), max(ys))


def union(boxes: Iterable[Box]) -> Box | None:
    bs = list(boxes)
    if not bs:
        return None
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def overlap(a: Box, b: Box) -> float:
    """Area shared by two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def polylines(d: str, samples: int = 8) -> list[list[Point]]:
    """Each subpath as a list of points, curves sampled (arcs drawn as chords)."""
    rings: list[list[Point]] = []
    cur: list[Point] = []
    for kind, v in parse(d):
        if kind == "M":
            if len(cur) > 1:
                rings.append(cur)
            cur = [(v[0], v[1])]
        elif kind == "Z":
            if len(cur) > 1:
                rings.append(cur)
            cur = [cur[0]] if cur else []
        elif not cur:
            continue
        elif kind == "C":
            (x0, y0), (x1, y1, x2, y2, x3, y3) = cur[-1], v
            for k in range(1, samples + 1):
                t = k / samples
                u = 1 - t
                cur.append((u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3,
                            u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3))
        elif kind == "Q":
            (x0, y0), (x1, y1, x2, y2) = cur[-1], v
            for k in range(1, samples + 1):
                t = k / samples
                u = 1 - t
                cur.append((u * u * x0 + 2 * u * t * x1 + t * t * x2, u * u * y0 + 2 * u * t * y1 + t * t * y2))
        else:
            cur.append(_points((kind, v))[-1])
    if len(cur) > 1:
        rings.append(cur)
    return rings


@lru_cache(maxsize=4096)
def geometry(d: str) -> BaseGeometry:
    """The area a path fills (subpaths combined even-odd), as a valid shapely geometry."""
    g: BaseGeometry | None = None
    for ring in polylines(d):
        if len(ring) < 3:
            continue
        p = shapely.make_valid(Polygon(ring))
        g = p if g is None else g.symmetric_difference(p)
    return g if g is not None else Polygon()


@dataclass(frozen=True)
class Affine:
    """x' = sx * x + tx, y' = sy * y + ty: a uniform scale, optionally turned by 180 degrees."""

    sx: float
    sy: float
    tx: float
    ty: float

    @staticmethod
    def fit(src: Box, dst: Point, scale: float, turned: bool = False) -> Affine:
        """Map the box src at this scale so that its top-left corner lands on dst (turned: about its centre)."""
        if turned:
            return Affine(-scale, -scale, dst[0] + scale * src[2], dst[1] + scale * src[3])
        return Affine(scale, scale, dst[0] - scale * src[0], dst[1] - scale * src[1])

    def __call__(self, x: float, y: float) -> Point:
        return (self.sx * x + self.tx, self.sy * y + self.ty)

    @property
    def scale(self) -> float:
        return abs(self.sx)

    def inverse_x(self, x: float) -> float:
        return (x - self.tx) / self.sx

    def box(self, b: Box) -> Box:
        x0, y0 = self(b[0], b[1])
        x1, y1 = self(b[2], b[3])
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def circle(cx: float, cy: float, r: float, n: int = 16) -> str:
    """A disc as a closed polygon path."""
    pts = [(cx + r * math.cos(2 * math.pi * k / n), cy + r * math.sin(2 * math.pi * k / n)) for k in range(n)]
    return "M" + "L".join(f"{fmt(x)} {fmt(y)}" for x, y in pts) + "Z"


def transform(d: str, f: Affine) -> str:
    """The same path moved and scaled (and turned) by f, written in absolute commands."""
    out: list[str] = []
    for kind, v in parse(d):
        if kind == "Z":
            out.append("Z")
        elif kind == "A":
            x, y = f(v[5], v[6])
            sweep = v[4] if f.sx * f.sy > 0 else 1 - v[4]
            out.append(f"A{fmt(v[0] * f.scale)} {fmt(v[1] * f.scale)} {fmt(v[2])} {int(v[3])} {int(sweep)} "
                       f"{fmt(x)} {fmt(y)}")
        else:
            pts = [f(x, y) for x, y in _points((kind, v))]
            out.append(kind + " ".join(f"{fmt(x)} {fmt(y)}" for x, y in pts))
    return "".join(out)


def _chaikin(ring: list[Point], rounds: int) -> list[Point]:
    """Corner cutting: every round replaces each corner by two points a quarter along its edges."""
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    for _ in range(rounds):
        if len(pts) < 3:
            break
        nxt: list[Point] = []
        for k, (x0, y0) in enumerate(pts):
            x1, y1 = pts[(k + 1) % len(pts)]
            nxt.append((0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1))
            nxt.append((0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1))
        pts = nxt
    return pts


def _ring_d(pts: Sequence[Point]) -> str:
    if len(pts) < 3:
        return ""
    return "M" + "L".join(f"{fmt(x)} {fmt(y)}" for x, y in pts) + "Z"


def _polygons(g: BaseGeometry) -> list[Polygon]:
    return [p for p in shapely.get_parts(g) if isinstance(p, Polygon)] + [
        q for p in shapely.get_parts(g) if isinstance(p, MultiPolygon) for q in p.geoms]


def geometry_d(g: BaseGeometry, rounds: int = 0) -> str:
    """Path data of polygons (holes included, so fill with evenodd), corners optionally rounded."""
    out: list[str] = []
    for p in _polygons(g):
        if not isinstance(p, Polygon) or p.is_empty:
            continue
        for ring in [p.exterior, *p.interiors]:
            out.append(_ring_d(_chaikin(list(ring.coords), rounds)))
    return "".join(out)


def smooth_area(ds: Sequence[str], radius: float, blob: float = 0.0) -> str:
    """One smooth outline around several shapes: neighbours merged (no seams), corners rounded.

    A morphological closing (grow by radius, shrink back most of the way) fills the hairline gaps
    between adjacent zones and rounds concave corners; simplifying and cutting corners rounds the
    convex ones. blob > 0 rounds the whole outline as a chart draws a referral area: a closing of
    that radius fills the steps where a wide tile meets a narrow one, an opening rounds the
    corners the tiles leave.
    """
    geoms = [geometry(d) for d in ds]
    g = shapely.union_all([x for x in geoms if not x.is_empty])
    if g.is_empty:
        return ""
    if blob > 0:
        # each touching group of tiles closed on its own, so two separate areas never merge
        touching = _polygons(g.buffer(0.5))
        g = shapely.union_all([_rounded(p.buffer(3.5 * blob, quad_segs=8).buffer(-3.5 * blob, quad_segs=8), 0.6 * blob)
                               for p in touching])
    # closing, then a little wider than the zones, so neighbours of another kind overlap too
    g = g.buffer(radius, quad_segs=4).buffer(-0.6 * radius, quad_segs=4)
    g = g.simplify(radius * 0.4)
    return geometry_d(g, rounds=2)


def _rounded(g: BaseGeometry, r: float) -> BaseGeometry:
    """Each part with its convex corners rounded at radius r (an opening); a part too thin for
    that (a finger, a strip along a border) at half the radius, or as it is."""
    parts = []
    for p in _polygons(g):
        for rr in (r, r / 2):
            q = p.buffer(-rr, quad_segs=8).buffer(rr, quad_segs=8)
            if q.area >= 0.8 * p.area:
                parts.append(q)
                break
        else:
            parts.append(p)
    return shapely.union_all(parts) if parts else g


def smooth(d: str, radius: float) -> str:
    """One shape with rounded corners (polylines only; curves are smooth already)."""
    if any(kind in "CQA" for kind, _ in parse(d)):
        return d
    return smooth_area([d], radius) or d


def representative_point(d: str) -> Point:
    """A point well inside the shape, for a leader line to end on."""
    g = geometry(d)
    if g.is_empty:
        b = bounds(d)
        return ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
    polys = _polygons(g)
    if polys:
        try:
            c = polylabel(max(polys, key=lambda p: p.area), tolerance=1.0)
            return (c.x, c.y)
        except Exception:  # noqa: BLE001 - polylabel rejects some degenerate shapes; any inside point will do
            pass
    c = g.representative_point()
    return (c.x, c.y)


@lru_cache(maxsize=4096)
def _visible_part(d: str, above: tuple[str, ...]) -> Polygon | None:
    """The largest piece of the shape not covered by the shapes over it (the whole shape when they
    hide nearly all of it). Cached: a chart asks for it once to place the label and once to aim it."""
    g = geometry(d)
    if g.is_empty:
        return None
    cover = [c for c in (geometry(o) for o in above) if not c.is_empty]
    vis = g.difference(shapely.union_all(cover)) if cover else g
    if vis.is_empty or vis.area < 0.04 * g.area:
        vis = g
    return max(_polygons(vis), key=lambda q: q.area, default=None)


def visible_anchor(d: str, above: Sequence[str], toward: float | None = None) -> Point:
    """Where a leader line should end on a muscle: on the part not hidden by the shapes drawn over
    it, and, given the x of the label column, in the half of that part nearer the column (the
    leader then stops at the muscle's edge instead of crossing the figure). Coordinates are the path's."""
    part = _visible_part(d, tuple(o for o in above if o))
    if part is None:
        return representative_point(d)
    if toward is not None:
        x0, y0, x1, y1 = part.bounds
        mid = (x0 + x1) / 2
        half = shapely.box(x0 - 1, y0 - 1, mid, y1 + 1) if toward < mid else shapely.box(mid, y0 - 1, x1 + 1, y1 + 1)
        near = part.intersection(half)
        parts = _polygons(near) if not near.is_empty else []
        if parts and max(q.area for q in parts) > 0.15 * part.area:
            part = max(parts, key=lambda q: q.area)
    try:
        c = polylabel(part, tolerance=0.5)
        return (c.x, c.y)
    except Exception:  # noqa: BLE001 - degenerate shapes: any inside point will do
        c = part.representative_point()
        return (c.x, c.y)
