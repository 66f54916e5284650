"""Compile a view (its header in ``svg/<view>.yaml``, its drawings in ``svg/<view>.svg``, its body
from the mesh) into plain path geometry the loader stores and the renderer draws.

Pure apart from the mesh projection (cached): figure data in, SVG path data and shapely polygons out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import shapely
from shapely import make_valid
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from svgelements import Matrix
from svgelements import Path as SvgPath

from app.figure.svgfile import Drawn, SvgFigure, SvgFigureError, frame_points, path_data
from app.schemas.figure import FigureView

Point = tuple[float, float]


class FigureError(ValueError):
    """A shape that cannot be compiled; the message names it as ``file#id``."""


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
    fibres: str  # SVG path data of the fibre lines (and any drawn lines), clipped to the shape
    layer: str = "muscles"
    tendon: str = ""  # SVG path data of the tendinous part, inside the shape
    # where the near hand cut the shape: the whole shape and its fibres, for a map drawn without the arms
    whole: str = ""
    whole_fibres: str = ""


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
    # the details a referral map draws: the skin's own lines, not the bones and teeth under it
    map_details: list[str] = field(default_factory=list)
    # the body without its arms (a whole view drawn from the mesh), for maps of the trunk and legs
    armless: CompiledShape | None = None
    armless_details: list[str] = field(default_factory=list)
    # the skeleton under the muscles, as (id, path data, uncut path data where the near hand cut
    # it, else ""): plates only
    bones: list[tuple[str, str, str]] = field(default_factory=list)
    # keyed by (slug, side); side is "right", "left" or "midline" (zones only); in drawing order
    muscles: dict[tuple[str, str], CompiledMuscle] = field(default_factory=dict)
    zones: dict[tuple[str, str], CompiledShape] = field(default_factory=dict)


# detail lines drawn for teaching (bones, cartilages, teeth, retinacula): a plate shows them, a
# referral map does not, since a pattern is pain felt on the skin and they read as drawn on it
UNDER_SKIN = re.compile(
    r"teeth|tooth|hyoid|thyroid|cricoid|trachea|infrahyoid|atlas|axis|nuchal|ramus|mental|mandible|zygomatic"
    r"|mastoid|occipital|talus|cuboid|sinus|sustentaculum|navicular|cuneiform|metatarsal|retinacul|rib\d|spinous"
    r"|ischial|sacrum|trochle|tuberosity|trochanter|sternum|^fibula-|^tibia-|^ulna-|calcane|condyle|costal|vertebra"
    r"|^eye-line")  # the mesh draws the eye already: a second one over it reads as a fish on a map


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _fmt(v: float) -> str:
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _pt(p: Point) -> str:
    return f"{_fmt(p[0])} {_fmt(p[1])}"


def polygon_path(geom: BaseGeometry) -> str:
    """SVG path data for a (multi)polygon, one decimal place."""
    # an intersection with the outline can come back as a collection (the area plus a sliver of edge
    # where the two touch): its polygons are the shape
    polys = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon)] + [
        q for p in shapely.get_parts(geom) if isinstance(p, MultiPolygon) for q in p.geoms]
    out = []
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            cs = list(ring.coords)[:-1]
            if len(cs) >= 3:
                out.append("M" + "L".join(_pt((x, y)) for x, y in cs) + "Z")
    return "".join(out)


def _mirror(pts: list[Point], midline: float | None) -> list[Point]:
    return pts if midline is None else [(2 * midline - x, y) for x, y in pts]


def _mirror_d(d: str, midline: float) -> str:
    return path_data(SvgPath(d) * Matrix(f"matrix(-1 0 0 1 {2 * midline} 0)"))


def _area(item: Drawn, where: str, mirror: float | None) -> BaseGeometry:
    if not item.rings:
        raise FigureError(f"{where}: the outline is not closed (end the path with Z)")
    polys = []
    for ring in item.rings:
        poly = Polygon(_mirror(ring, mirror))
        if not poly.is_valid:
            raise FigureError(f"{where}: the outline crosses itself")
        polys.append(poly)
    return polys[0] if len(polys) == 1 else unary_union(polys)


def compile_view(fig: FigureView, drawing: SvgFigure, mesh_outline: BaseGeometry | None = None,
                 mesh_lines: list[list[Point]] | None = None, front: BaseGeometry | None = None,
                 armless: tuple[BaseGeometry, list[list[Point]]] | None = None) -> CompiledView:
    """Compile one view; raise FigureError naming the file, the id and what is wrong.

    ``front``: skin in front of everything drawn (the near hand on a side view): muscles are cut there.
    ``armless``: the outline and contour lines of the same body without its arms."""
    rel = drawing.file
    both = fig.shows == "both" and fig.midline is not None
    sides: tuple[str, ...] = ("right", "left") if both else ("left",) if fig.shows == "left" else ("right",)
    mid = fig.midline if both or fig.shows == "left" else None
    if fig.shows == "left" and mid is None:
        raise FigureError(f"{rel}: a view of the left side is drawn as a mirror image and needs a midline")
    details: list[str] = []
    if mesh_outline is not None:
        body = mesh_outline
        silhouette = CompiledShape(d=polygon_path(body.simplify(0.15)), polygon=body)
        details += ["M" + "L".join(_pt(p) for p in line) for line in mesh_lines or []]
    else:
        sil = drawing.items.get("silhouette")
        if sil is None or sil.layer != "body":
            raise FigureError(f"{rel}#silhouette: a view without the mesh needs the body outline in layer 'body'")
        body = _area(sil, f"{rel}#silhouette", None)
        if fig.shows == "left" and mid is not None:
            body = _area(sil, f"{rel}#silhouette", mid)
        elif mid is not None:
            body = body.union(_area(sil, f"{rel}#silhouette", mid)).buffer(0.01)
        silhouette = CompiledShape(d=polygon_path(body.simplify(0.05)) if mid is not None else sil.d, polygon=body)
    cv = CompiledView(view=fig.view.value, title=fig.title, width=fig.width, height=fig.height,
                      right_on_viewer=fig.right_on_viewer, sides=sides, silhouette=silhouette, details=details)
    cv.map_details = list(cv.details)  # the mesh's contour lines so far
    for item in drawing.layer("details"):
        copies = ([item.d] if "right" in sides else []) + ([_mirror_d(item.d, mid)] if mid is not None else [])
        cv.details += copies
        if not UNDER_SKIN.search(item.id):
            cv.map_details += copies
    cv.bones = _bones(drawing, body, sides, mid, front)
    if armless is not None:
        a_body, a_lines = armless
        cv.armless = CompiledShape(d=polygon_path(a_body.simplify(0.15)), polygon=a_body)
        cv.armless_details = ["M" + "L".join(_pt(p) for p in line) for line in a_lines]
        # the drawn details (creases, bony edges) that lie on the body left; those on the arms go
        inner = a_body.buffer(0.5)
        for item in drawing.layer("details"):
            for d, m in ((item.d, None), *(((_mirror_d(item.d, mid), mid),) if mid is not None else ())):
                if m is None and "right" not in sides:
                    continue
                lines = [LineString(_mirror(ln, m)) for ln in item.lines + item.rings if len(ln) >= 2]
                if lines and all(inner.contains(ln) for ln in lines) and not UNDER_SKIN.search(item.id):
                    cv.armless_details.append(d)

    for item in drawing.items.values():
        if item.layer not in ("muscles", "muscles-deep") or item.id.endswith((".lines", ".tendon")):
            continue
        where = f"{rel}#{item.id}"
        extra = drawing.items.get(f"{item.id}.lines")
        tendon = drawing.items.get(f"{item.id}.tendon")
        try:
            (o0, o1), (i0, i1) = frame_points(item, "origin", rel), frame_points(item, "insertion", rel)
        except SvgFigureError as exc:
            raise FigureError(str(exc)) from exc
        try:
            count = int(item.attrs.get("data-fibres", "7"))
        except ValueError:
            raise FigureError(f"{where}: data-fibres must be a whole number") from None
        for side in sides:
            m = mid if side == "left" else None
            poly = _area(item, where, m)
            d = item.d if m is None else _mirror_d(item.d, m)
            if not body.contains(poly):
                # muscles along the edge of a limb are drawn to the skin line, never past it
                clipped = make_valid(poly.intersection(body))
                if clipped.area < 0.5 * poly.area:
                    raise FigureError(f"{where}: lies mostly outside the body outline")
                poly, d = clipped, polygon_path(clipped)
            # the near hand hides the superficial plate's muscles; a deep plate shows what lies under
            # the surface, the hand included, so its muscles are not cut
            cover = front if front is not None and not front.is_empty and item.layer == "muscles" else None
            frame = Frame(*(_mirror([p], m)[0] for p in (o0, o1, i0, i1)))
            whole, whole_fib = "", ""
            if cover is not None and poly.intersects(cover):
                cut = make_valid(poly.difference(cover))
                if cut.area > 0.3 * poly.area:
                    whole, whole_fib = d, _fibres(frame, poly, count)
                    poly, d = cut, polygon_path(cut)
            fib = _fibres(frame, poly, count)
            if extra is not None:
                fib += "".join("M" + "L".join(_pt(p) for p in _mirror(line, m)) for line in extra.lines + extra.rings)
            ten = ""
            if tendon is not None:
                parts = [make_valid(Polygon(_mirror(r, m))) for r in tendon.rings if len(r) >= 3]
                t_poly = make_valid(unary_union(parts).intersection(poly)) if parts else None
                if t_poly is None or t_poly.area < 0.5:
                    raise FigureError(f"{rel}#{item.id}.tendon: lies outside its muscle")
                ten = polygon_path(t_poly)
            cv.muscles[(item.id, side)] = CompiledMuscle(d=d, polygon=poly, frame=frame, fibres=fib, layer=item.layer,
                                                         tendon=ten, whole=whole, whole_fibres=whole_fib)

    for item in drawing.layer("zones"):
        where = f"{rel}#{item.id}"
        midline = item.attrs.get("data-midline") == "true"
        for side in ("midline",) if midline else sides:
            raw = make_valid(_area(item, where, mid if side == "left" or fig.shows == "left" else None))
            # a zone is pain felt on the skin: it is not cut where the near hand hangs in front of
            # the hip (a referral chart shows the whole pattern, not a hand-shaped hole in it)
            poly = raw.intersection(body)
            d = polygon_path(poly)
            if poly.is_empty or poly.area < 1 or not d:
                raise FigureError(f"{where}: lies outside the body outline")
            cv.zones[(item.id, side)] = CompiledShape(d=d, polygon=poly)
    return cv


def _bones(drawing: SvgFigure, body: BaseGeometry, sides: tuple[str, ...], mid: float | None,
           front: BaseGeometry | None) -> list[tuple[str, str, str]]:
    """The bones of a view, mirrored like the muscles, each kept to the body outline and cut where
    the near hand hangs in front of it (a rib does not show through the forearm)."""
    out: list[tuple[str, str, str]] = []
    for item in drawing.layer("bones"):
        where = f"{drawing.file}#{item.id}"
        if not item.id.endswith("-bone"):
            raise FigureError(f"{where}: a bone's id ends in '-bone' (e.g. scapula-bone)")
        if item.lines:
            raise FigureError(f"{where}: a bone is a closed outline (end each part of the path with Z)")
        midline = item.attrs.get("data-midline") == "true"  # the sacrum, the spine: drawn once
        for side in sides[:1] if midline else sides:
            m = mid if side == "left" else None
            poly = make_valid(_area(item, where, m))
            kept = make_valid(poly.intersection(body))
            if kept.area < 0.5 * poly.area:
                raise FigureError(f"{where}: lies mostly outside the body outline")
            own = item.d if m is None else _mirror_d(item.d, m)
            whole = own if kept.symmetric_difference(poly).area < 0.05 else polygon_path(kept)
            cut = whole
            if front is not None and not front.is_empty and kept.intersects(front):
                cut = polygon_path(make_valid(kept.difference(front)))
            if cut:
                out.append((item.id, cut, whole if cut != whole else ""))
    return out


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

