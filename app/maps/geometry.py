"""Compile a view's figure data (landmarks and point expressions) into plain path geometry.

Pure functions: figure model in, coordinates, SVG path data and shapely polygons out. The loader
stores what this returns; the renderer only ever sees the compiled strings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from shapely import make_valid
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

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

    def at(self, u: float, v: float) -> Point:
        a = _lerp(self.o0, self.o1, v)
        b = _lerp(self.i0, self.i1, v)
        return _lerp(a, b, u)


@dataclass(frozen=True)
class CompiledShape:
    d: str  # SVG path data
    polygon: BaseGeometry


@dataclass(frozen=True)
class CompiledMuscle(CompiledShape):
    frame: Frame
    fibres: str  # SVG path data of the fibre lines, clipped to the shape


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
    """Resolves point expressions against one view's landmarks, optionally mirrored."""

    def __init__(self, fig: FigureView) -> None:
        self.fig = fig

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


def _polygon(ring: list[Point], what: str) -> BaseGeometry:
    poly = Polygon(ring)
    if not poly.is_valid:
        raise FigureError(f"{what}: the outline crosses itself")
    return poly


def compile_view(fig: FigureView) -> CompiledView:
    """Compile silhouette, muscles and zones of one view; raise FigureError naming what is wrong."""
    r = Resolver(fig)
    both = fig.shows == "both" and fig.midline is not None
    sides: tuple[str, ...] = ("right", "left") if both else ("right",)

    half_d, half_ring = closed_spline(r.points(fig.outline))
    body: BaseGeometry = _polygon(half_ring, "silhouette")
    if both:
        _, mirror_ring = closed_spline(r.points(fig.outline, mirror=True))
        body = body.union(_polygon(mirror_ring, "silhouette (left)")).buffer(0.01)
    silhouette = CompiledShape(d=polygon_path(body.simplify(0.05)) if both else half_d, polygon=body)

    cv = CompiledView(
        view=fig.view.value,
        title=fig.title,
        width=fig.width,
        height=fig.height,
        right_on_viewer=fig.right_on_viewer,
        sides=sides,
        silhouette=silhouette,
    )
    for name, exprs in fig.details.items():
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
                poly = _polygon(ring, f"muscles.{slug}")
                (o0, _), (o1, _) = r.points(shape.origin, mirror)
                (i0, _), (i1, _) = r.points(shape.insertion, mirror)
            except FigureError as exc:
                raise FigureError(f"muscles.{slug}: {exc}") from exc
            frame = Frame(o0, o1, i0, i1)
            if not body.contains(poly):
                # muscles along the edge of a limb are drawn to the skin line, never past it
                poly = make_valid(poly.intersection(body))
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
            poly = make_valid(Polygon(ring)).intersection(body)
            if poly.is_empty or poly.area < 1:
                raise FigureError(f"zones.{slug}: lies outside the body outline")
            cv.zones[(slug, side)] = CompiledShape(d=polygon_path(poly), polygon=poly)
    return cv


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
