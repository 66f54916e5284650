"""Compile a view's figure data (landmarks and point expressions) into plain path geometry.

Pure functions: figure model in, coordinates, SVG path data and shapely polygons out. The loader
stores what this returns; the renderer only ever sees the compiled strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from shapely import make_valid
from shapely.affinity import translate as shapely_translate
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from app.schemas.figure import FigureView

Point = tuple[float, float]

_NUM = r"-?\d+(?:\.\d+)?"
_REF = r"(?:L:)?[a-z][a-z0-9_]*"
_EXPR = re.compile(
    rf"^(?P<a>{_REF})(?:\.\.(?P<b>{_REF})@(?P<t>{_NUM}))?(?:\s*\+\s*(?P<dx>{_NUM})\s*,\s*(?P<dy>{_NUM}))?(?P<corner>!)?$"
)
SAMPLES_PER_SEGMENT = 8


class FigureError(ValueError):
    """A point expression or shape that cannot be compiled; the message names it."""


@dataclass(frozen=True)
class Frame:
    """The origin and insertion lines of a muscle shape: the (u, v) frame of its trigger points."""

    o0: Point
    o1: Point
    i0: Point
    i1: Point
    # the frame is authored on the landmark figure; a point in it is carried onto the mesh after
    warp: Callable[[Point], Point] | None = None

    def at(self, u: float, v: float) -> Point:
        a = _lerp(self.o0, self.o1, v)
        b = _lerp(self.i0, self.i1, v)
        p = _lerp(a, b, u)
        return self.warp(p) if self.warp else p


@dataclass(frozen=True)
class CompiledShape:
    d: str  # SVG path data
    polygon: BaseGeometry


@dataclass(frozen=True)
class CompiledMuscle(CompiledShape):
    frame: Frame
    fibres: str  # SVG path data of the fibre lines, clipped to the shape

    def place(self, u: float, v: float) -> Point:
        """A trigger point's position; on the mesh a point the spline pushed just out is pulled back in."""
        p = self.frame.at(u, v)
        if self.frame.warp is None or self.polygon.is_empty or self.polygon.buffer(0.5).contains(ShapelyPoint(p)):
            return p
        inner = self.polygon.buffer(-1.5)
        target = inner if not inner.is_empty else self.polygon
        _, q = nearest_points(ShapelyPoint(p), target)
        return (q.x, q.y)


@dataclass
class CompiledView:
    view: str
    title: str
    width: float
    height: float
    right_on_viewer: str
    sides: tuple[str, ...]
    silhouette: CompiledShape
    details: list[str] = field(default_factory=list)
    # keyed by (slug, side); side is "right", "left" or "midline" (zones only)
    muscles: dict[tuple[str, str], CompiledMuscle] = field(default_factory=dict)
    zones: dict[tuple[str, str], CompiledShape] = field(default_factory=dict)


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


class Resolver:
    """Resolves point expressions against one view's landmarks, optionally mirrored.

    With a ``warp`` the result is carried onto the mesh figure (see app/figure/warp.py)."""

    def __init__(self, fig: FigureView, warp: Callable[[Point], Point] | None = None) -> None:
        self.fig = fig
        self.warp = warp

    def _ref(self, ref: str, mirror: bool) -> Point:
        left = ref.startswith("L:")
        name = ref[2:] if left else ref
        if name not in self.fig.landmarks:
            raise FigureError(f"unknown landmark '{name}'")
        x, y = self.fig.landmarks[name]
        if left != mirror:  # drawing the left side flips which landmarks are mirrored
            if self.fig.midline is None:
                raise FigureError(f"'{ref}': this view has no midline to mirror across")
            x = 2 * self.fig.midline - x
        return (x, y)

    def point(self, expr: str, mirror: bool = False) -> tuple[Point, bool]:
        """The point an expression names, and whether it is marked as a sharp corner."""
        m = _EXPR.match(expr.strip())
        if not m:
            raise FigureError(f"cannot read point expression '{expr}'")
        p = self._ref(m["a"], mirror)
        if m["b"]:
            p = _lerp(p, self._ref(m["b"], mirror), float(m["t"]))
        if m["dx"]:
            dx = float(m["dx"])
            p = (p[0] + (-dx if mirror else dx), p[1] + float(m["dy"]))
        if self.warp is not None:
            p = self.warp(p)
        return p, bool(m["corner"])

    def points(self, exprs: list[str], mirror: bool = False) -> list[tuple[Point, bool]]:
        return [self.point(e, mirror) for e in exprs]


def _fmt(v: float) -> str:
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _pt(p: Point) -> str:
    return f"{_fmt(p[0])} {_fmt(p[1])}"


def closed_spline(pts: list[tuple[Point, bool]]) -> tuple[str, list[Point]]:
    """A closed Catmull-Rom spline through the points as cubic Bézier path data, and a sampled ring.

    Points flagged as corners get straight tangents, so the outline turns sharply there.
    """
    n = len(pts)
    coords = [p for p, _ in pts]
    d = [f"M{_pt(coords[0])}"]
    ring: list[Point] = []
    for i in range(n):
        p0, p1, p2, p3 = coords[i - 1], coords[i], coords[(i + 1) % n], coords[(i + 2) % n]
        c1 = p1 if pts[i][1] else (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = p2 if pts[(i + 1) % n][1] else (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        d.append(f"C{_pt(c1)} {_pt(c2)} {_pt(p2)}")
        for k in range(SAMPLES_PER_SEGMENT):
            t = k / SAMPLES_PER_SEGMENT
            mt = 1 - t
            ring.append(
                (
                    mt**3 * p1[0] + 3 * mt * mt * t * c1[0] + 3 * mt * t * t * c2[0] + t**3 * p2[0],
                    mt**3 * p1[1] + 3 * mt * mt * t * c1[1] + 3 * mt * t * t * c2[1] + t**3 * p2[1],
                )
            )
    d.append("Z")
    return "".join(d), ring


def polygon_path(geom: BaseGeometry) -> str:
    """SVG path data for a (multi)polygon, one decimal place."""
    polys = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom] if isinstance(geom, Polygon) else []
    out = []
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            cs = list(ring.coords)[:-1]
            if len(cs) >= 3:
                out.append("M" + "L".join(_pt((x, y)) for x, y in cs) + "Z")
    return "".join(out)


def _polygon(ring: list[Point], what: str, repair: bool = False) -> BaseGeometry:
    poly = Polygon(ring)
    if not poly.is_valid:
        if not repair:
            raise FigureError(f"{what}: the outline crosses itself")
        # a spline carried onto the mesh may fold where a limb bends: keep the shape, drop the fold
        poly = make_valid(poly).buffer(0)
    return poly


def compile_view(fig: FigureView) -> CompiledView:
    """Compile silhouette, muscles and zones of one view; raise FigureError naming what is wrong."""
    r = plain = Resolver(fig)
    both = fig.shows == "both" and fig.midline is not None
    sides: tuple[str, ...] = ("right", "left") if both else ("right",)

    half_d, half_ring = closed_spline(r.points(fig.outline))
    body: BaseGeometry = _polygon(half_ring, "silhouette")
    if both:
        _, mirror_ring = closed_spline(r.points(fig.outline, mirror=True))
        body = body.union(_polygon(mirror_ring, "silhouette (left)")).buffer(0.01)
    silhouette = CompiledShape(d=polygon_path(body.simplify(0.05)) if both else half_d, polygon=body)
    mesh_lines: list[str] = []
    if fig.mesh is not None:
        # the body comes from the mesh; every authored point is carried onto it
        from app.figure.base import BaseError, projection, spline

        try:
            pr = projection(fig.mesh, fig.width, fig.height)
            warp = spline(fig.mesh, pr, lambda e: r.point(e)[0], body, fig.midline)
        except BaseError as exc:
            raise FigureError(str(exc)) from exc
        r = Resolver(fig, warp)
        body = pr.outline
        silhouette = CompiledShape(d=polygon_path(body.simplify(0.15)), polygon=body)
        mesh_lines = ["M" + "L".join(_pt(p) for p in line) for line in pr.lines]

    cv = CompiledView(
        view=fig.view.value,
        title=fig.title,
        width=fig.width,
        height=fig.height,
        right_on_viewer=fig.right_on_viewer,
        sides=sides,
        silhouette=silhouette,
    )
    cv.details.extend(mesh_lines)
    for name, exprs in fig.details.items():
        if fig.mesh is not None and name not in fig.mesh.keep_details:
            continue
        for mirror in (False, True) if both else (False,):
            try:
                pts = r.points(exprs, mirror)
            except FigureError as exc:
                raise FigureError(f"details.{name}: {exc}") from exc
            cv.details.append("M" + "L".join(_pt(p) for p, _ in pts) if len(pts) < 3 else closed_spline(pts)[0])

    for slug, shape in fig.muscles.items():
        for side in sides:
            mirror = side == "left"
            try:
                d, ring = closed_spline(r.points(shape.outline, mirror))
                poly = _polygon(ring, f"muscles.{slug}", repair=r.warp is not None)
                (o0, _), (o1, _) = plain.points(shape.origin, mirror)
                (i0, _), (i1, _) = plain.points(shape.insertion, mirror)
            except FigureError as exc:
                raise FigureError(f"muscles.{slug}: {exc}") from exc
            frame = Frame(o0, o1, i0, i1, r.warp)
            if r.warp is not None and not poly.equals(Polygon(ring)):
                d = polygon_path(poly)
            if not body.contains(poly):
                # muscles along the edge of a limb are drawn to the skin line, never past it
                clipped = make_valid(poly.intersection(body))
                if r.warp is not None and clipped.area < 0.5 * poly.area:
                    # carried onto the mesh, a muscle on the skin line may land mostly outside it: pull it in
                    poly = _pull_inside(poly, body)
                    d = polygon_path(poly)
                else:
                    poly = clipped
                    d = polygon_path(poly)
            cv.muscles[(slug, side)] = CompiledMuscle(
                d=d, polygon=poly, frame=frame, fibres=_fibres(frame, poly, shape.fibres)
            )

    for slug, zshape in fig.zones.items():
        # a zone whose outline uses L: points spans the midline and is drawn once
        midline = any(e.strip().startswith("L:") or "..L:" in e for e in zshape.outline)
        for side in ("midline",) if midline else sides:
            try:
                pts = r.points(zshape.outline, side == "left")
            except FigureError as exc:
                raise FigureError(f"zones.{slug}: {exc}") from exc
            if zshape.smooth:
                _, ring = closed_spline(pts)
            else:
                ring = [p for p, _ in pts]
            raw = make_valid(Polygon(ring))
            poly = raw.intersection(body)
            if r.warp is not None and (poly.is_empty or poly.area < 1):
                # carried onto the mesh, a zone on the very edge (side of the foot) may land just outside
                for grow in (6, 12, 20):
                    poly = raw.buffer(grow).intersection(body)
                    if poly.area >= 1:
                        break
            if poly.is_empty or poly.area < 1:
                raise FigureError(f"zones.{slug}: lies outside the body outline")
            cv.zones[(slug, side)] = CompiledShape(d=polygon_path(poly), polygon=poly)
    return cv


def _pull_inside(poly: BaseGeometry, body: BaseGeometry) -> BaseGeometry:
    """Move a shape towards the body's inside until most of it lies under the skin."""
    c = poly.centroid
    _, q = nearest_points(c, body.buffer(-4) if not body.buffer(-4).is_empty else body)
    dx, dy = q.x - c.x, q.y - c.y
    for t in (0.25, 0.5, 0.75, 1.0, 1.25, 1.5):
        moved = shapely_translate(poly, dx * t, dy * t)
        inside = make_valid(moved.intersection(body))
        if inside.area >= 0.7 * poly.area:
            return inside
    return make_valid(shapely_translate(poly, dx * 1.5, dy * 1.5).intersection(body))


def _fibres(frame: Frame, poly: BaseGeometry, count: int) -> str:
    parts = []
    shrunk = poly.buffer(-0.8)
    for k in range(1, count + 1):
        v = k / (count + 1)
        a, b = frame.at(0, v), frame.at(1, v)
        # extend a little past both lines so the fibre reaches the clipped outline
        ext = 0.15
        a2 = (a[0] - (b[0] - a[0]) * ext, a[1] - (b[1] - a[1]) * ext)
        b2 = (b[0] + (b[0] - a[0]) * ext, b[1] + (b[1] - a[1]) * ext)
        seg = LineString([a2, b2]).intersection(shrunk)
        for line in getattr(seg, "geoms", [seg]):
            cs = list(getattr(line, "coords", []))
            if len(cs) >= 2 and math.dist(cs[0], cs[-1]) > 2:
                parts.append(f"M{_pt(cs[0])}L{_pt(cs[-1])}")
    return "".join(parts)
