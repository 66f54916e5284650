"""Assemble the atlas's maps: pick panels and highlights from the database, then call the renderer.

A referral map is composed around its pattern: each view that can show some of it is a candidate,
views are chosen greedily until every zone, the muscle and its trigger points are shown, and each
chosen view is cropped to what it has to show (never less than a region of the body). Nothing here
depends on particular coordinates: crops come from the bounds of the shapes, orientation from
where named zones lie.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

import shapely
from fastapi import Path
from shapely.geometry.base import BaseGeometry

from app import queries
from app.maps import paths
from app.maps.paths import Box
from app.maps.render import (
    MuscleDrawing,
    Options,
    Panel,
    TriggerPointMark,
    ViewGeometry,
    ZoneDrawing,
    heat_level,
    key_name,
    render,
)
from app.urls import urls

FULL_VIEWS = ("anterior", "posterior", "lateral")
FMT_PATH = Path(pattern="^(svg|png)$", description="svg or png")
# a view whose name holds one of these parts is a close-up of that part (head-lateral, hand-palmar...)
CLOSEUP_PARTS = frozenset({"head", "neck", "face", "hand", "foot", "arm", "forearm", "leg", "knee", "shoulder"})
# body regions grouped as a lecturer names a crop
REGION_GROUPS = {
    "head": "head and face", "neck": "neck and shoulder", "shoulder": "neck and shoulder",
    "arm": "upper limb", "elbow": "upper limb", "forearm": "upper limb", "wrist": "upper limb", "hand": "upper limb",
    "chest": "trunk", "abdomen": "trunk", "upper-back": "trunk", "low-back": "trunk",
    "pelvis": "hip and thigh", "hip": "hip and thigh", "buttock": "hip and thigh", "thigh": "hip and thigh",
    # a panel that stops at mid-calf says "knee and leg", not "leg and foot" (TFL's lateral knee)
    "knee": "knee and leg", "leg": "knee and leg", "ankle": "ankle and foot", "foot": "ankle and foot",
}
GROUP_ORDER = ["head and face", "neck and shoulder", "upper limb", "trunk", "hip and thigh", "knee and leg",
               "ankle and foot"]
AXIAL = frozenset({"head", "neck", "chest", "abdomen", "upper-back", "low-back", "pelvis", "buttock"})
WEIGHT = {"essential": 3.0, "spillover": 1.0, "selected": 3.0}
MAX_PANELS = 4  # beyond this only zones no other panel shows add a panel


class Scheme(StrEnum):
    clinical = "clinical"
    colour_blind = "colour-blind"
    greyscale = "greyscale"


class Plate(StrEnum):
    superficial = "superficial"
    deep = "deep"
    all = "all"


EDGE = 16.0  # view units: how near a close-up's frame a trigger point counts as cut off


def is_closeup(view: str) -> bool:
    return any(part in CLOSEUP_PARTS for part in view.split("-"))


def _views(conn: sqlite3.Connection) -> dict[str, ViewGeometry]:
    return {v.view: v for v in queries.views(conn)}


def view_map(conn: sqlite3.Connection, view: str, opts: Options, *, current: str | None = None,
             zone_links: bool = False, map_id: str = "map") -> str | None:
    """A whole view: every drawn muscle a link to its page (or every zone a toggle, for the pain map).

    The pain map is the same for every selection, so it is drawn once: each zone links to
    ``/lookup/toggle?zone=…`` (the server adds it to, or removes it from, the selection of the lookup
    page the click came from), and the page marks the selected zones with a style rule of its own.
    With labels it is a teaching chart: each right-side muscle of the plate named in the margin.
    """
    geo = _views(conn).get(view)
    if geo is None:
        return None
    compass = ""
    if is_closeup(view):  # which way the fingers, toes or face point
        compass, _ = _orientation(_Candidate(geo=geo, ordinal=0, all_zones=queries.view_zones(conn, view)), False)
    if zone_links:
        zobj = queries.zone_objects(conn)
        shapes = queries.view_zones(conn, view)
        zones = [ZoneDrawing(slug=z, name=zobj[z]["name"], d=d, kind="plain", href=urls.lookup_toggle(z))
                 for z, d in shapes.items()]
        panel = Panel(geometry=geo, zones=zones, compass=compass)
        title = f"Where does it hurt? {geo.title}"
        desc = "Select the painful areas on the body; each area is a link that adds or removes it."
        opts = replace(opts, labels=False)
    else:
        muscles = [replace(m, href=urls.muscle(m.slug)) for m in queries.view_muscles(conn, view)]
        plate = opts.plate or ("all" if opts.deep else "superficial")
        if plate == "deep" and geo.armless and view.startswith("lateral"):
            geo, muscles = _armless_plate(geo, muscles)
        panel = Panel(geometry=geo, muscles=muscles, chart=opts.labels, compass=compass)
        layer = {"superficial": "Superficial muscles", "deep": "Deep muscles", "all": "Muscles"}[plate]
        title = f"{layer} — {geo.title}"
        desc = (f"{len({m.slug for m in muscles})} muscles drawn; each is a link to its page. "
                + {"superficial": "Only the superficial layer is shown. ",
                   "deep": "Deep muscles solid; the superficial layer as faint outlines. ",
                   "all": "Deep muscles are dashed outlines under the superficial ones. "}[plate]
                + f"The body's right side is on the viewer's {geo.right_on_viewer}.")
        opts = replace(opts, plate=plate)
    return render([panel], title, desc, opts, map_id=map_id)


# --- composition ------------------------------------------------------------------------------


@dataclass
class _Candidate:
    """What one view can show of a map's content."""

    geo: ViewGeometry
    ordinal: int
    zones: dict[str, ZoneDrawing] = field(default_factory=dict)
    muscles: list[MuscleDrawing] = field(default_factory=list)
    marks: list[TriggerPointMark] = field(default_factory=list)
    all_zones: dict[str, str] = field(default_factory=dict)  # every zone drawn on the view: slug → path
    parts: list[Box] = field(default_factory=list)  # the hands, feet and head drawn on the view, one box each
    neck: Box | None = None  # the neck's zones on the view, one box

    @property
    def closeup(self) -> bool:
        return is_closeup(self.geo.view)

    @property
    def height(self) -> float:
        b = self.geo.body
        return b[3] - b[1]

    def legible(self, z: ZoneDrawing) -> bool:
        """Whether a zone is big enough on this view to be read at slide size."""
        if self.closeup:
            return True
        b = z.box
        return max(b[2] - b[0], b[3] - b[1]) >= 0.03 * self.height


@dataclass
class _Pick:
    cand: _Candidate
    zones: set[str] = field(default_factory=set)  # the zones this panel is there to show
    muscle: bool = False  # it is there to show the muscle and its trigger points too
    crop: Box | None = None


def _candidates(conn: sqlite3.Connection, zones: dict[str, ZoneDrawing], muscle: str | None, side: str,
                views: list[str] | None, tp: int | frozenset[int] | None = None) -> list[_Candidate]:
    """Every view that draws some of the zones or the muscle, zones re-shaped for that view."""
    out = []
    zobj = queries.zone_objects(conn)
    for i, (view, geo) in enumerate(_views(conn).items()):
        if views and view not in views:
            continue
        shapes = queries.view_zones(conn, view)
        # a map draws the skin's lines only: the plate's bones and teeth would read as drawn on the skin
        geo = replace(geo, details=geo.map_details)
        c = _Candidate(geo=geo, ordinal=i, all_zones=shapes, parts=_parts(shapes, zobj),
                       neck=paths.union([paths.bounds(d) for z, d in shapes.items()
                                         if z in zobj and zobj[z]["region"] == "neck"]))
        c.zones = {z: replace(zd, d=shapes[z], bounds=None) for z, zd in zones.items() if z in shapes}
        if muscle:
            c.muscles = [m for m in queries.view_muscles(conn, view) if m.slug == muscle and m.side == side]
            c.marks = queries.muscle_marks(conn, muscle, view, side, tp) if c.muscles else []
            if is_closeup(view):
                # a close-up cuts the limb where its frame ends: a trigger point that lies above the
                # cut (tibialis anterior's, seen on the foot) is parked on the edge and is not shown
                # there; a whole view shows it where it is
                c.marks = [m for m in c.marks
                           if EDGE <= m.x <= geo.width - EDGE and EDGE <= m.y <= geo.height - EDGE]
        if c.zones or c.muscles:
            out.append(_without_arms(c, zobj))
    return out


ARM_REGIONS = frozenset({"shoulder", "arm", "elbow", "forearm", "wrist", "hand"})


def _without_arms(c: _Candidate, zobj: dict[str, queries.Row]) -> _Candidate:
    """A whole view whose pattern and muscle lie on the trunk and legs is drawn without the arms, as
    the manual draws a buttock, back or thigh pattern: on a side view the hanging hand would cover
    the hip, on a front or back view the arms crowd the crop."""
    geo = c.geo
    if not geo.armless or any(zobj[z]["region"] in ARM_REGIONS for z in c.zones if z in zobj) \
            or any(m.region in ARM_REGIONS for m in c.muscles):
        return c
    body = paths.geometry(geo.armless).buffer(1.0)
    if not all(_on_body(d, body, 0.9) for d in [z.d for z in c.zones.values()] + [m.whole or m.d for m in c.muscles]):
        return c  # part of it lies on an arm after all (a chest muscle reaching the humerus)
    c.geo = _armless_geo(geo)
    c.muscles = [_whole(m) for m in c.muscles]
    c.parts = _parts({z: d for z, d in c.all_zones.items() if z in zobj and zobj[z]["region"] != "hand"}, zobj)
    return c


ARM_BONES = re.compile(r"(humerus|radius|ulna|carpal|metacarpal|phalan|hand|finger|thumb|pisiform|scaphoid|lunate"
                       r"|trapezi|capitate|hamate)")


def _armless_plate(geo: ViewGeometry, muscles: list[MuscleDrawing]) -> tuple[ViewGeometry, list[MuscleDrawing]]:
    """The side view's deep plate on the body without its arm, as a dissection of the flank is drawn:
    the hanging arm would lie over the intercostals, the obliques and the hip rotators, and its own
    deep muscles (supinator, extensor indicis) would float on the chest. Those are on the back view's
    deep plate and the hand close-up, so nothing becomes unreachable; only shapes that lie on the
    trunk, head and legs are kept, drawn whole where the near hand had cut them."""
    body = paths.geometry(geo.armless).buffer(1.0)
    kept = [_whole(m) for m in muscles
            if m.region not in ARM_REGIONS - {"shoulder"} and _on_body(m.whole or m.d, body, 0.9)]
    return _armless_geo(geo), kept


def _on_body(d: str, body: BaseGeometry, share: float) -> bool:
    """Whether at least ``share`` of a shape lies on the armless body: nine tenths for a muscle or
    zone (the rest would lie on an arm), half for a bone (the scapula and clavicle reach under the
    shoulder's cut: kept, trimmed to it)."""
    g = paths.geometry(d)
    return bool(g.area == 0 or g.intersection(body).area >= share * g.area)


def _clipped(d: str, body: BaseGeometry) -> str:
    g = paths.geometry(d)
    if body.contains(g):
        return d
    return paths.geometry_d(g.intersection(body))


def _whole(m: MuscleDrawing) -> MuscleDrawing:
    """The muscle as drawn without the arms: uncut where the near hand had cut it."""
    return replace(m, d=m.whole, fibres=m.whole_fibres, bounds=paths.bounds(m.whole)) if m.whole else m


def _armless_geo(geo: ViewGeometry) -> ViewGeometry:
    body = paths.geometry(geo.armless).buffer(1.0)
    # the arm's bones go with the arm (by name: on a side view the arm lies within the trunk's
    # outline); the others are drawn whole where the near hand had cut them
    bones = tuple((ident, _clipped(whole or d, body), "") for ident, d, whole in geo.bones
                  if not ARM_BONES.search(ident) and _on_body(whole or d, body, 0.5))
    return replace(geo, silhouette=geo.armless, details=geo.armless_details, bounds=paths.bounds(geo.armless),
                   bones=bones)


def _parts(shapes: dict[str, str], zobj: dict[str, queries.Row]) -> list[Box]:
    """One box per hand, foot and head drawn on a view (per side), from the zones of that region."""
    groups: dict[tuple[str, str], list[Box]] = {}
    for z, d in shapes.items():
        o = zobj.get(z)
        if o and o["region"] in ("hand", "foot", "head"):
            groups.setdefault((o["region"], o["side"] if o["region"] != "head" else ""), []).append(paths.bounds(d))
    return [u for boxes in groups.values() if (u := paths.union(boxes)) is not None]


def _inside(box: Box, crop: Box) -> bool:
    """Most of the box lies in the crop."""
    a = paths.area(box)
    return paths.overlap(box, crop) >= 0.6 * a if a > 0 else crop[0] <= box[0] <= crop[2] and crop[1] <= box[1] <= crop[3]


def _crop(c: _Candidate, boxes: Iterable[Box], min_aspect: float = 0.4) -> Box:
    """The part of a view to show: the content plus a margin, at least a region of the body around it,
    snapped to the body's ends, neither a sliver nor a band, never cutting a hand or a foot in two."""
    b = c.geo.body
    w_body, h = b[2] - b[0], b[3] - b[1]
    pad = 0.025 * max(w_body, h)
    whole = (b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad)
    boxes = list(boxes)
    u = paths.union(boxes)
    if u is None:
        return whole
    if c.closeup and any(part in ("hand", "foot") for part in c.geo.view.split("-")):
        # a hand or a foot is recognisable only whole: its close-up is never cut, fingers and toes included
        return whole
    if c.closeup:  # a close-up is a region already: crop it little, keep most of it
        size = max(w_body, h)
        m, min_w, min_h, snap_y, snap_x = 0.06 * size, 0.7 * w_body, 0.65 * h, 0.18 * h, 0.15 * w_body
    else:
        m, min_w, min_h, snap_y, snap_x = 0.045 * h, 0.17 * h, 0.21 * h, 0.08 * h, 0.1 * h
    x0, y0, x1, y1 = u[0] - m, u[1] - m, u[2] + m, u[3] + m
    # never a stamp: at least a head-and-neck's worth of body around the pattern
    x0, x1 = _grow(x0, x1, min_w)
    y0, y1 = _grow(y0, y1, min_h)
    if c.closeup:  # across a close-up nothing is cut: the back of the head, the edge of the hand
        x0, x1 = whole[0], whole[2]
    else:  # a hand, a foot or a head the crop would cut: taken in whole, or left out when barely in
        for zb in c.parts:
            share = paths.overlap(zb, (x0, y0, x1, y1)) / max(1e-6, paths.area(zb))
            if not 0 < share < 0.98:
                continue
            reached = _reaches(zb, boxes, h)
            if not reached and share < 0.3:
                x0, y0, x1, y1 = _trim((x0, y0, x1, y1), zb, u, 0.005 * h)
            if paths.overlap(zb, (x0, y0, x1, y1)) > 0:
                x0, y0 = min(x0, zb[0] - 0.015 * h), min(y0, zb[1] - 0.015 * h)
                x1, y1 = max(x1, zb[2] + 0.015 * h), max(y1, zb[3] + 0.015 * h)
    # snap to the crown and the soles when the crop nearly reaches them
    if y0 - b[1] < snap_y:
        y0 = whole[1]
    if b[3] - y1 < snap_y:
        y1 = whole[3]
    if (y1 - y0) < 0.55 * (x1 - x0):  # not a flat band
        y0, y1 = _grow(y0, y1, 0.55 * (x1 - x0))
    y0, y1 = _clamp(y0, y1, whole[1], whole[3])
    # across, the body as wide as it is at these heights: snap to its sides, never beyond them
    band = _band(c.geo, y0, y1)
    left, right = band[0] - pad, band[1] + pad
    if x0 - band[0] < snap_x:
        x0 = left
    if band[1] - x1 < snap_x:
        x1 = right
    if (x1 - x0) < min_aspect * (y1 - y0):  # not a tall sliver
        x0, x1 = _grow(x0, x1, min_aspect * (y1 - y0))
    x0, x1 = _clamp(x0, x1, left, right)
    if not c.closeup:
        every = paths.union([u] + [z.box for z in c.zones.values()])  # a map with zones on both sides stays whole
        x0, x1 = _one_side(c, every or u, x0, x1, y0, y1)
        # a hand hanging beside the pattern that the pattern does not reach adds nothing: left out
        for zb in c.parts:
            if paths.overlap(zb, (x0, y0, x1, y1)) > 0 and not _reaches(zb, boxes, h):
                x0, y0, x1, y1 = _trim_beside((x0, y0, x1, y1), zb, u, 0.02 * h)
                if paths.overlap(zb, (x0, y0, x1, y1)) > 0:  # still in part: taken in whole, never cut
                    x0, y0 = min(x0, zb[0] - 0.015 * h), min(y0, zb[1] - 0.015 * h)
                    x1, y1 = max(x1, zb[2] + 0.015 * h), max(y1, zb[3] + 0.015 * h)
        x0, y0, x1, y1 = _no_slice(c, (x0, y0, x1, y1), pad)
    return (x0, y0, x1, y1)


def _no_slice(c: _Candidate, crop: Box, pad: float) -> Box:
    """A whole-view crop never slices the trunk with a straight edge: an edge that would is moved out
    to the body's side, and a crop whose top cuts through the neck takes the neck in, so a shoulder
    pattern shows the neck, the shoulder girdle and the limb."""
    x0, y0, x1, y1 = crop
    b = c.geo.body
    h = b[3] - b[1]
    n = c.neck
    if n and x0 < n[2] and x1 > n[0] and n[1] < y0 < n[3] + 0.06 * h:
        y0 = n[1] - 0.03 * h
        if y0 - b[1] < 0.08 * h:
            y0 = b[1] - pad
    for _ in range(2 if _upper(c, y0) else 0):
        band = _band(c.geo, y0, y1)
        if band[0] < x0 and _slices(c.geo, x0, y0, y1):
            x0 = band[0] - pad
        if x1 < band[1] and _slices(c.geo, x1, y0, y1):
            x1 = band[1] + pad
    for zb in c.parts:  # a hand the wider crop reaches is taken in whole
        if 0 < paths.overlap(zb, (x0, y0, x1, y1)) < paths.area(zb):
            x0, y0 = min(x0, zb[0] - 0.015 * h), min(y0, zb[1] - 0.015 * h)
            x1, y1 = max(x1, zb[2] + 0.015 * h), max(y1, zb[3] + 0.015 * h)
    return (x0, y0, x1, y1)


def _reaches(part: Box, boxes: list[Box], h: float) -> bool:
    """Whether the content reaches into a hand, foot or head: more than a sliver of it overlaps
    (a thigh zone grazing the fingertips of the hanging hand does not)."""
    a = max(1e-6, paths.area(part))
    return any(paths.overlap(part, cb) > 0.1 * a or _inside(cb, part) for cb in boxes)


def _trim_beside(crop: Box, part: Box, content: Box, m: float) -> Box:
    """The crop pulled back off a part lying mostly beyond the content on one side, keeping the
    content and a margin m around it (unchanged when the part lies over the content)."""
    x0, y0, x1, y1 = crop
    cx, cy = (part[0] + part[2]) / 2, (part[1] + part[3]) / 2
    gap = m
    if cx > content[2]:
        return (x0, y0, max(content[2] + m, min(x1, part[0] - gap)), y1)
    if cx < content[0]:
        return (min(content[0] - m, max(x0, part[2] + gap)), y0, x1, y1)
    if cy > content[3]:
        return (x0, y0, x1, max(content[3] + m, min(y1, part[1] - gap)))
    if cy < content[1]:
        return (x0, min(content[1] - m, max(y0, part[3] + gap)), x1, y1)
    return crop


def _one_side(c: _Candidate, content: Box, x0: float, x1: float, y0: float, y1: float) -> tuple[float, float]:
    """A pattern wholly on one side of a front or back view: the crop stops just past the midline,
    showing it as a landmark but not the other side's leg or flank."""
    if len(c.geo.sides) != 2:
        return x0, x1
    b = c.geo.body
    mid, lim = (b[0] + b[2]) / 2, 0.025 * (b[3] - b[1])
    if content[0] >= mid:
        cut = mid - lim
    elif content[2] <= mid:
        cut = mid + lim
    else:
        return x0, x1
    if _upper(c, y0) and _slices(c.geo, cut, y0, y1):  # a straight edge down the chest: the body stays whole
        return x0, x1
    return (max(x0, cut), x1) if content[0] >= mid else (x0, min(x1, cut))


def _upper(c: _Candidate, y0: float) -> bool:
    """Whether a crop reaches up to the shoulder girdle (where a straight edge would slice the chest
    or the upper back; lower down, an edge at the midline between the legs is a landmark)."""
    return c.neck is not None and y0 < c.neck[3] + 0.05 * c.height


def _slices(geo: ViewGeometry, x: float, y0: float, y1: float) -> bool:
    """Whether a vertical cut at x would run through the trunk over much of the crop's height
    (between the legs it crosses only the pelvis, and is a fair edge)."""
    line = shapely.LineString([(x, y0), (x, y1)])
    cut = paths.geometry(geo.silhouette).intersection(line)
    runs = [float(g.length) for g in getattr(cut, "geoms", [cut])]  # the longest stretch of body it runs through
    return max(runs, default=0.0) > 0.35 * (y1 - y0)


def _trim(crop: Box, part: Box, content: Box, gap: float) -> Box:
    """The crop pulled back off a part that lies beyond the content on one side (unchanged if none does)."""
    x0, y0, x1, y1 = crop
    if part[1] >= content[3]:
        return (x0, y0, x1, min(y1, part[1] - gap))
    if part[3] <= content[1]:
        return (x0, max(y0, part[3] + gap), x1, y1)
    if part[0] >= content[2]:
        return (x0, y0, min(x1, part[0] - gap), y1)
    if part[2] <= content[0]:
        return (max(x0, part[2] + gap), y0, x1, y1)
    return crop


def _band(geo: ViewGeometry, y0: float, y1: float) -> tuple[float, float]:
    """How far the body reaches left and right between two heights."""
    b = geo.body
    part = paths.geometry(geo.silhouette).intersection(shapely.box(b[0] - 1, y0, b[2] + 1, y1))
    if part.is_empty:
        return (b[0], b[2])
    x0, _, x1, _ = part.bounds
    return (float(x0), float(x1))


def _grown(b: Box, m: float) -> Box:
    return (b[0] - m, b[1] - m, b[2] + m, b[3] + m)


def _grow(a: float, b: float, size: float) -> tuple[float, float]:
    if b - a >= size:
        return a, b
    mid = (a + b) / 2
    return mid - size / 2, mid + size / 2


def _clamp(a: float, b: float, lo: float, hi: float) -> tuple[float, float]:
    """Shift [a, b] inside [lo, hi] (keeping its size where it fits)."""
    size = min(b - a, hi - lo)
    a = min(max(a, lo), hi - size)
    return a, a + size


def _choose(cands: list[_Candidate], weight: dict[str, float], want_muscle: bool,
            closeups: bool = True) -> list[_Pick]:
    """Greedy cover: the view that adds most, until every zone, the muscle and its trigger points show.

    A zone counts as shown once it lies in a chosen crop, or is drawn large enough on a chosen view;
    close-ups win ties, because there the zone is drawn largest.
    """
    uncovered = {z for c in cands for z in c.zones}
    tps = {m.tp or m.label for c in cands for m in c.marks}
    # how much of its view the muscle fills: temporalis fills the side of the head and is an edge
    # on from the front; between views that add as much, the one showing the muscle face-on wins
    seen = {c.ordinal: sum(paths.area(m.box) for m in c.muscles) / max(paths.area(c.geo.body), 1.0) for c in cands}
    most = max(seen.values(), default=0.0) or 1.0

    def face_on(c: _Candidate) -> float:
        return seen[c.ordinal] / most if want_muscle and c.muscles else 0.0

    picks: list[_Pick] = []
    picked: set[int] = set()
    while uncovered or want_muscle or tps:
        best: tuple[tuple[float, float, float, int], _Candidate, set[str]] | None = None
        for c in cands:
            if c.ordinal in picked:
                continue
            new = {z for z in c.zones if z in uncovered and c.legible(c.zones[z])}
            new_tps = {m.tp or m.label for m in c.marks} & tps
            gain = sum(weight.get(z, 1.0) for z in new) + (4 if want_muscle and c.muscles else 0) + 2 * len(new_tps)
            if gain <= 0:
                continue
            prominence = sum(max(c.zones[z].box[2] - c.zones[z].box[0], c.zones[z].box[3] - c.zones[z].box[1])
                             for z in new) / c.height
            key = (gain, face_on(c), prominence, -c.ordinal)
            if best is None or key > best[0]:
                best = (key, c, new)
        if best is None:
            break
        _, c, new = best
        show_muscle = bool(c.muscles) and (want_muscle or bool({m.tp or m.label for m in c.marks} & tps))
        pick = _Pick(cand=c, zones=new, muscle=show_muscle)
        pick.crop = _crop(c, _content_boxes(pick))
        picks.append(pick)
        picked.add(c.ordinal)
        if show_muscle:
            want_muscle = False
            tps -= {m.tp or m.label for m in c.marks}
        # zones the crop happens to take in count as shown; the crop then takes them in whole
        extra = {z for z in uncovered - new if z in c.zones and _inside(c.zones[z].box, pick.crop)}
        if extra:
            pick.zones |= extra
            pick.crop = _crop(c, _content_boxes(pick))
        uncovered -= pick.zones
    # zones drawn only too small to count: show them where they are drawn, on a chosen view if possible
    for z in sorted(uncovered):
        where = [p for p in picks if z in p.cand.zones] or []
        if where:
            p = max(where, key=lambda p: paths.overlap(p.cand.zones[z].box, p.crop or (0, 0, 0, 0)))
            p.zones.add(z)
            p.crop = _crop(p.cand, _content_boxes(p))
            continue
        c = max((c for c in cands if z in c.zones), key=lambda c: (c.closeup, -c.ordinal))
        p = _Pick(cand=c, zones={z})
        p.crop = _crop(c, _content_boxes(p))
        picks.append(p)
        picked.add(c.ordinal)
    if closeups:
        # a close-up also earns its place by drawing large an essential zone no close-up shows yet
        # (the back of the hand for the wrist extensors, the temple for the upper trapezius)
        shown = {z for p in picks if p.cand.closeup for z in p.cand.zones}

        def merit(c: _Candidate) -> tuple[float, bool, int]:
            # the close-up with most of the pattern, then the one the muscle is drawn on (the back
            # of the fingers for the finger extensors, not the palm)
            return (sum(weight.get(z, 1.0) for z in c.zones), bool(c.muscles), -c.ordinal)

        for c in sorted(cands, key=merit, reverse=True):
            ess = {z for z in c.zones if weight.get(z, 1.0) >= WEIGHT["essential"]} - shown
            if c.closeup and c.ordinal not in picked and ess and len(picks) < MAX_PANELS:
                p = _Pick(cand=c, zones=ess)
                p.crop = _crop(c, _content_boxes(p))
                picks.append(p)
                picked.add(c.ordinal)
                shown |= set(c.zones)
    return sorted(picks, key=lambda p: p.cand.ordinal)


def _content_boxes(p: _Pick) -> list[Box]:
    boxes = [p.cand.zones[z].box for z in p.zones]
    if p.muscle:
        boxes += [m.box for m in p.cand.muscles]
        boxes += [(m.x, m.y, m.x, m.y) for m in p.cand.marks]
    return boxes


def _region_phrase(c: _Candidate, crop: Box, zobj: dict[str, queries.Row]) -> str:
    """The regions a panel is there to show, named as a lecturer would ("hip and thigh, knee and leg")."""
    share: dict[str, float] = {}
    for z, zd in c.zones.items():
        inside = paths.overlap(zd.box, crop)
        g = REGION_GROUPS.get(zobj[z]["region"]) if z in zobj else None
        if inside > 0 and g:
            share[g] = share.get(g, 0.0) + inside
    total = sum(share.values()) or 1.0
    return ", ".join(g for g in GROUP_ORDER if share.get(g, 0.0) >= 0.1 * total)


def _centre(c: _Candidate, words: tuple[str, ...]) -> tuple[float, float] | None:
    boxes = [paths.bounds(d) for z, d in c.all_zones.items() if any(w in z for w in words)]
    u = paths.union(boxes)
    return ((u[0] + u[2]) / 2, (u[1] + u[3]) / 2) if u else None


# per close-up part: (far end, near end, its name) along the limb, then (one side, other side, its name)
_ORIENT = {
    "hand": ((("finger", "thumb"), ("wrist", "forearm"), "fingers"), (("thumb",), ("little-finger", "ulnar"), "thumb")),
    "foot": ((("toe",), ("heel", "ankle", "malleol"), "toes"), (("big-toe", "medial"), ("lesser", "lateral"), "big toe")),
    "head": ((("vertex", "forehead"), ("throat", "neck"), "crown"), (("nose", "cheek", "maxilla", "orbit"),
                                                                     ("occiput", "suboccipital"), "face")),
}


def _direction(a: tuple[float, float] | None, b: tuple[float, float] | None) -> tuple[float, float] | None:
    if a is None or b is None:
        return None
    return (a[0] - b[0], a[1] - b[1])


def _arrow(v: tuple[float, float]) -> str:
    if abs(v[0]) >= abs(v[1]):
        return "→" if v[0] > 0 else "←"
    return "↓" if v[1] > 0 else "↑"


def _orientation(c: _Candidate, turned: bool) -> tuple[str, tuple[float, float] | None]:
    """The compass of a close-up ("↓ fingers · thumb ←") and its limb axis, from where named zones lie."""
    part = next((p for p in c.geo.view.split("-") if p in _ORIENT), None)
    if part is None:
        return "", None
    (far, near, far_name), (one, other, one_name) = _ORIENT[part]
    axis = _direction(_centre(c, far), _centre(c, near))
    across = _direction(_centre(c, one), _centre(c, other))
    sign = -1 if turned else 1
    bits = []
    if part == "head":  # a head is upright: only which way the face looks needs saying
        if across:
            bits.append(f"{one_name} {_arrow((sign * across[0], 0.0))}")
    else:
        if axis:
            bits.append(f"{far_name} {_arrow((sign * axis[0], sign * axis[1]))}")
        # a foot seen from its side points its toes across the panel: which toe is nearer says nothing
        side_on = part == "foot" and axis is not None and abs(axis[0]) > abs(axis[1])
        if across and not side_on:
            bits.append(f"{one_name} {_arrow((sign * across[0], sign * across[1] * 0))}")
    return " · ".join(bits), axis


def _turns(picks: list[_Pick], zobj: dict[str, queries.Row]) -> set[str]:
    """Close-ups to turn by 180 degrees, so every panel shows the hand (or foot) the same way up.

    Hands hang fingers down when a whole-body panel shows the hand too; otherwise, like feet,
    close-ups keep the fingers or toes up.
    """
    hand_in_whole = any(
        not p.cand.closeup and p.crop and any(
            zobj.get(z, {}).get("region") == "hand" and _inside(paths.bounds(d), p.crop) for z, d in p.cand.all_zones.items())
        for p in picks)
    out = set()
    for p in picks:
        part = next((x for x in p.cand.geo.view.split("-") if x in ("hand", "foot")), None)
        if not part:
            continue
        _, axis = _orientation(p.cand, False)
        if axis is None or abs(axis[1]) < abs(axis[0]):
            continue
        down = part == "hand" and hand_in_whole
        if (axis[1] > 0) != down:
            out.add(p.cand.geo.view)
    return out


def _second_view(only: _Pick, cands: list[_Candidate], weight: dict[str, float]) -> list[_Pick]:
    """A tall pattern alone on a picture: shown from a second side when another view draws most of its
    essential zones (the lateral thigh of gluteus minimus); else with more of the body beside it,
    rather than beside a blank half."""
    crop = only.crop or only.cand.geo.body
    if (crop[2] - crop[0]) < 0.75 * (crop[3] - crop[1]):
        ess = {z for z in only.cand.zones if weight.get(z, 1.0) >= WEIGHT["essential"]}
        best: tuple[int, _Candidate] | None = None
        for c in cands:
            if c is only.cand or c.closeup:
                continue
            shown = {z for z in ess if z in c.zones and c.legible(c.zones[z])}
            if ess and len(shown) * 2 >= len(ess) and (best is None or len(shown) > best[0]):
                best = (len(shown), c)
        if best is not None:
            c = best[1]
            other = _Pick(cand=c, zones={z for z in only.zones if z in c.zones},
                          muscle=bool(c.muscles))
            other.crop = _crop(c, _content_boxes(other))
            return sorted([only, other], key=lambda p: p.cand.ordinal)
    only.crop = _crop(only.cand, _content_boxes(only), min_aspect=0.8)
    return [only]


def _detach(picks: list[_Pick], cands: list[_Candidate], zobj: dict[str, queries.Row]) -> list[_Pick]:
    """A muscle that would be a stamp on its panel, because zones on a hand or a foot stretch the
    crop down the whole limb (the scalenes' fingers), gets a regional crop; the hand or foot zones
    go to a close-up of that hand or foot instead."""
    for p in list(picks):
        if p.cand.closeup or not p.muscle or p.crop is None:
            continue
        h = p.crop[3] - p.crop[1]
        mb = paths.union([m.box for m in p.cand.muscles] + [(m.x, m.y, m.x, m.y) for m in p.cand.marks])
        if mb is None or max(mb[2] - mb[0], mb[3] - mb[1]) >= 0.12 * h:
            continue
        far = {z for z in p.zones if z in zobj and zobj[z]["region"] in ("hand", "foot")}
        if not far:
            continue
        where = [c for c in cands if c.closeup and far <= set(c.zones)]
        if not where:
            continue
        rest = _Pick(cand=p.cand, zones=p.zones - far, muscle=True)
        crop = _crop(p.cand, _content_boxes(rest))
        if crop[3] - crop[1] > 0.8 * h:
            continue
        p.zones, p.crop = rest.zones, crop
        chosen = {q.cand.ordinal: q for q in picks}
        c = min(where, key=lambda c: (c.ordinal not in chosen, c.ordinal))
        q = chosen.get(c.ordinal)
        if q is None:
            q = _Pick(cand=c)
            picks.append(q)
        q.zones |= far
        q.crop = _crop(c, _content_boxes(q))
    return sorted(picks, key=lambda p: p.cand.ordinal)


def _within(box: Box, crop: Box) -> bool:
    return crop[0] <= box[0] and crop[1] <= box[1] and box[2] <= crop[2] and box[3] <= crop[3]


def _settle(picks: list[_Pick]) -> dict[int, list[ZoneDrawing]]:
    """The zones each panel draws, every one of them whole inside its panel: a zone the crop would
    clip at its edge is left to another panel that shows it whole, else the crop grows to take it in."""
    out: dict[int, list[ZoneDrawing]] = {}
    for p in picks:
        assert p.crop is not None
        c = p.cand
        m = 0.01 * c.height
        for _ in range(6):
            crop = p.crop
            cut = [z for z in c.zones.values() if paths.overlap(z.box, crop) > 0 and not _within(z.box, crop)]
            grow = [z.box for z in cut if not any(q is not p and q.crop and z.slug in q.cand.zones
                                                  and _within(q.cand.zones[z.slug].box, q.crop) for q in picks)]
            if not grow:
                break
            u = paths.union([crop, *[_grown(b, m) for b in grow]])
            assert u is not None
            b = c.geo.body
            p.crop = (max(u[0], b[0] - 0.03 * c.height), max(u[1], b[1] - 0.03 * c.height),
                      min(u[2], b[2] + 0.03 * c.height), min(u[3], b[3] + 0.03 * c.height))
        out[id(p)] = [z for z in c.zones.values() if _within(z.box, p.crop)]
    return out


def _panels(picks: list[_Pick], zobj: dict[str, queries.Row], links: bool) -> list[Panel]:
    turned = _turns(picks, zobj)
    settled = _settle(picks)
    panels = []
    for p in picks:
        c = p.cand
        assert p.crop is not None
        zones = settled[id(p)]
        # a whole view that shows none of the muscle's trigger points draws its zones only: the
        # muscle seen from the wrong side (QL from the front) taught nothing and its crop cut it
        muscles = c.muscles if c.marks or c.closeup or not zones else []
        if links:  # embeds: the muscle and each zone open their atlas page
            muscles = [replace(m, href=urls.muscle(m.slug)) for m in muscles]
            zones = [replace(z, href=urls.zone(z.slug)) for z in zones]
        turn = c.geo.view in turned
        compass, _ = _orientation(c, turn) if c.closeup else ("", None)
        sub = "" if c.closeup else _region_phrase(c, p.crop, zobj)
        if turn:
            compass = f"as it hangs: {compass}" if compass else "turned to hang as in the whole-body views"
        panels.append(Panel(geometry=c.geo, muscles=muscles, zones=zones, marks=c.marks, crop=p.crop,
                            subheading=sub, compass=compass, turned=turn, closeup=c.closeup))
    return panels


def compose(conn: sqlite3.Connection, zones: dict[str, ZoneDrawing], muscle: str | None = None, side: str = "right",
            views: list[str] | None = None, links: bool = False, weight: dict[str, float] | None = None,
            closeups: bool = True, align: bool = False, tp: int | frozenset[int] | None = None) -> list[Panel]:
    """Panels that show every given zone (drawn on some view), the muscle and its trigger points
    (``tp``: only that one, or those).

    With align, whole-body panels show the same stretch of the body, so they sit side by side at one scale."""
    cands = _candidates(conn, zones, muscle, side, views, tp)
    if not cands:
        return []
    w = weight or {z: WEIGHT.get(zd.kind, 1.0) for z, zd in zones.items()}
    picks = _choose(cands, w, want_muscle=any(c.muscles for c in cands), closeups=closeups)
    if closeups:
        picks = _detach(picks, cands, queries.zone_objects(conn))
    if len(picks) == 1 and not picks[0].cand.closeup:
        picks = _second_view(picks[0], cands, w)
    picks = _drop_repeats(picks)
    whole = [p for p in picks if p.crop and not p.cand.closeup]
    _no_fragments(whole)
    if align and len(whole) > 1:
        y0, y1 = min(p.crop[1] for p in whole if p.crop), max(p.crop[3] for p in whole if p.crop)
        for p in whole:
            assert p.crop is not None
            p.crop = (p.crop[0], y0, p.crop[2], y1)
    return _panels(picks, queries.zone_objects(conn), links)


def _no_fragments(whole: list[_Pick]) -> None:
    """A second whole view that only had to add the zones the first cannot show (the back of the
    thigh and calf for gluteus minimus, seen from the side) would be a fragment of a knee: it shows
    the whole pattern as seen from its side instead, as the manual's second figure does."""
    tallest = max((p.crop[3] - p.crop[1] for p in whole if p.crop), default=0.0)
    for p in whole:
        assert p.crop is not None
        if not p.muscle and p.crop[3] - p.crop[1] < 0.5 * tallest:
            p.zones = {z for z, d in p.cand.zones.items() if p.cand.legible(d)}
            p.crop = _crop(p.cand, _content_boxes(p))


def _drop_repeats(picks: list[_Pick]) -> list[_Pick]:
    """A second close-up of a part already shown close up stays only for a zone no other chosen view
    draws: the top of the foot, whose ankle spillover the back view draws too, goes, and the back
    view's crop takes that zone in instead."""
    out = list(picks)
    seen: set[str] = set()
    for p in picks:
        part = next((x for x in p.cand.geo.view.split("-") if x in CLOSEUP_PARTS), None) if p.cand.closeup else None
        if part is None:
            continue
        if part in seen and not (p.muscle and p.cand.muscles):
            own = set(p.zones) | {z for z in p.cand.zones if p.crop and _inside(p.cand.zones[z].box, p.crop)}
            others = [q for q in out if q is not p]
            home = {z: min((q for q in others if z in q.cand.zones), key=lambda q: (q.cand.closeup, q.cand.ordinal),
                           default=None) for z in own}
            if all(home.values()):
                for z, q in home.items():
                    assert q is not None
                    if not (q.crop and _inside(q.cand.zones[z].box, q.crop)):
                        q.zones.add(z)
                        q.crop = _crop(q.cand, _content_boxes(q))
                out.remove(p)
                continue
        seen.add(part)
    return out


def drawn_zones(panels: Iterable[Panel]) -> set[str]:
    """Zones a map shows: drawn on a panel, and mostly inside its crop."""
    return {z.slug for p in panels for z in p.zones if p.crop is None or _inside(z.box, p.crop)}


def _pattern_zones(conn: sqlite3.Connection, slug: str, side: str = "right", tp: int | frozenset[int] | None = None
                   ) -> dict[str, ZoneDrawing]:
    zobj = queries.zone_objects(conn)
    pattern = queries.muscle_pattern(conn, slug, side, tp)
    return {z: ZoneDrawing(slug=z, name=f"{zobj[z]['name']}: {k}", d="", kind=k)
            for z, k in sorted(pattern.items(), key=lambda zk: zk[1] == "essential")}


def muscle_panels(conn: sqlite3.Connection, slug: str, views: list[str] | None = None,
                  links: bool = False, tp: int | frozenset[int] | None = None) -> list[Panel]:
    return compose(conn, _pattern_zones(conn, slug, tp=tp), muscle=slug, views=views, links=links, tp=tp)


def missing_zones(conn: sqlite3.Connection, slug: str) -> list[str]:
    """Essential and spillover zones of the muscle's trigger points that its map does not draw."""
    pattern = queries.muscle_pattern(conn, slug, "right")
    return sorted(set(pattern) - drawn_zones(muscle_panels(conn, slug)))


def muscle_map(conn: sqlite3.Connection, slug: str, opts: Options, views: list[str] | None = None,
               map_id: str = "map", links: bool = False, tp: int | None = None) -> str | None:
    """One muscle: its shape, trigger points as X, essential zones solid and spillover stippled.
    ``tp``: one trigger point and its own pattern, as the manual draws each in its own figure
    (None when the muscle has no trigger point of that number)."""
    name = queries.name_of(conn, "muscle", slug)
    if name is None or (tp is not None and not 1 <= tp <= queries.trigger_point_count(conn, slug)):
        return None
    panels = (tp is None and views is None and per_trigger_point(conn, slug, links)) or \
        muscle_panels(conn, slug, views, links, tp)
    if not panels:
        return None
    which = f"trigger point {tp}" if tp is not None else "trigger points"
    desc = (f"Referral pattern of {name} {which} on the right side: trigger points marked X, "
            "essential zones solid, spillover zones stippled. The pattern is the mirror image on the left.")
    title = f"{name} — trigger point {tp} and its referral pattern" if tp is not None else \
        f"{name} — trigger points and referral pattern"
    cited = [short_citation(src) for src in queries.pattern_sources(conn, slug, tp)]
    # as running words, so a long chapter title wraps onto the next line instead of being squeezed
    words = f"Pattern after {'; '.join(cited)}".split() if cited else []
    extra = (*opts.extra_legend, *(f"\t{w}" for w in words))
    return render(panels, title, desc, replace(opts, plate=None, extra_legend=extra), map_id=map_id)


def _clusters(patterns: list[dict[str, str]]) -> list[list[int]]:
    """Trigger points (numbered from 1) grouped by where they refer: a point joins the first group whose
    essential zones share at least half of its own and the group's (infraspinatus's two upper points,
    soleus's two calf points), or starts a group of its own."""
    groups: list[tuple[list[int], set[str]]] = []
    for k, p in enumerate(patterns, 1):
        ess = {z for z, kind in p.items() if kind == "essential"}
        for members, zones in groups:
            if ess and len(ess & zones) >= 0.5 * len(ess | zones):
                members.append(k)
                zones |= ess
                break
        else:
            groups.append(([k], set(ess)))
    return [members for members, _ in groups]


def _tp_words(numbers: list[int]) -> str:
    return "TP" + " and TP".join(str(k) for k in numbers) if len(numbers) < 3 else \
        "TP" + ", TP".join(str(k) for k in numbers[:-1]) + f" and TP{numbers[-1]}"


def per_trigger_point(conn: sqlite3.Connection, slug: str, links: bool = False) -> list[Panel]:
    """One panel a trigger point (or a group of points that refer to the same place), headed by it,
    when the muscle's points refer to two to four different places (temporalis, masseter, gluteus
    minimus): the manual draws each pattern in its own figure,
    and one union of them all hides which point sends pain where. Panels of one view show the same
    stretch of it, so they read as a set. Empty when the muscle is better drawn as one pattern (one
    point, points that all refer to the same place, or more than four panels)."""
    n = queries.trigger_point_count(conn, slug)
    if n < 2:
        return []
    patterns = [queries.muscle_pattern(conn, slug, "right", k) for k in range(1, n + 1)]
    clusters = _clusters(patterns)
    if not 2 <= len(clusters) <= 4:
        return []
    panels: list[tuple[Panel, str]] = []
    for members in clusters:
        ps = muscle_panels(conn, slug, links=links, tp=frozenset(members))
        marked = [p for p in ps if p.marks]
        if not marked:
            return []
        # the view that shows the point and most of its pattern; a second only for zones it cannot show
        best = max(marked, key=lambda p: (len({m.tp for m in p.marks}), len(drawn_zones([p]))))
        if len(members) == 1:
            words = key_name(best.marks[0])
            heading = f"{best.marks[0].label} · {words}" if words else best.marks[0].label
        else:
            heading = _tp_words(members)
        panels += [(p, heading) for p in ps if p is best or drawn_zones([p]) - drawn_zones([best])]
    # four whole-body crops in a row draw each too small to read: four only as one close-up a point
    if len(panels) > 4 or (len(panels) == 4 and len(clusters) < 4 and not all(p.closeup for p, _ in panels)):
        return []
    by_view: dict[str, list[Box]] = {}
    for pn, _ in panels:
        if pn.crop is not None:
            by_view.setdefault(pn.geometry.view, []).append(pn.crop)
    out = []
    for pn, heading in panels:
        crops = by_view.get(pn.geometry.view, [])
        crop = (min(c[0] for c in crops), min(c[1] for c in crops), max(c[2] for c in crops),
                max(c[3] for c in crops)) if crops else None
        # a close-up's header names the part by its compass ("face →"); a whole view's, the region
        out.append(replace(pn, crop=crop, heading=heading, subheading="" if pn.closeup else pn.subheading))
    return out


def short_citation(src: queries.Row) -> str:
    """"Simons et al. 1999, ch. 22" from a source's Vancouver-style citation and the locator: on the
    slide, so a lecturer can say where the pattern comes from (T&S or a later study)."""
    authors = src["citation"].split(". ", 1)[0]
    first = authors.split(",")[0].split()[0] if authors else src["slug"]
    years = re.findall(r"\b(?:19|20)\d\d\b", src["citation"])
    out = f"{first}{' et al.' if ',' in authors else ''}{' ' + years[-1] if years else ''}"
    locator = (src.get("locator") or "").split(",")[0].strip()
    return f"{out}, {locator}" if locator else out


def bilateral(counts: dict[str, int], zobj: dict[str, queries.Row]) -> bool:
    """Whether a condition's pain is drawn on both sides: when most of it lies on the head, neck or trunk.

    Limb conditions (an elbow, a heel) are one-sided; axial ones (headache, low back pain) are not.
    """
    axial = sum(n for z, n in counts.items() if zobj[z]["region"] in AXIAL)
    return axial * 2 >= sum(counts.values())


def _mirror(counts: dict[str, int], zobj: dict[str, queries.Row]) -> dict[str, int]:
    """The counts on both sides: each sided zone's count also on its twin of the other side."""
    twin = {(o["base"], o["side"]): z for z, o in zobj.items()}
    out = dict(counts)
    for z, n in counts.items():
        o = zobj[z]
        other = {"right": "left", "left": "right"}.get(o["side"])
        t = twin.get((o["base"], other)) if other else None
        if t:
            out[t] = max(out.get(t, 0), n)
    return out


def heat_map(conn: sqlite3.Connection, counts: dict[str, int], title: str, desc: str, opts: Options,
             map_id: str = "map", links: bool = False, both_sides: bool | None = None,
             counted: Iterable[str] = ()) -> str | None:
    """How many of a condition's muscles refer to each zone: on both sides when the pain is axial.
    ``counted``: the muscles' names, listed under the legend so the map can be read and checked
    (a legend line starting with a tab is a word of running text)."""
    if not counts:
        return None
    zobj = queries.zone_objects(conn)
    if both_sides if both_sides is not None else bilateral(counts, zobj):
        counts = _mirror(counts, zobj)
        desc += " Both sides are shown: the patterns are mirror images."
    top = max(counts.values())
    zones = {z: ZoneDrawing(slug=z, name=f"{zobj[z]['name']}: {n} muscle{'s' if n > 1 else ''}", d="", kind="heat",
                            level=heat_level(n, top), href=urls.zone(z) if links else None)
             for z, n in sorted(counts.items(), key=lambda kv: kv[1])}
    # front and back over the same stretch of the body, so they sit side by side at one scale
    panels = compose(conn, zones, weight={z: 1.0 + zd.level / 10 for z, zd in zones.items()}, closeups=False,
                     align=True)
    if not panels:
        return None
    names = sorted(counted, key=str.lower)  # one alphabetical run: two (primary, then contributing) read as a slip
    extra = opts.extra_legend
    if names:
        extra = (*extra, "Muscles counted (essential and spillover zones):",
                 *(f"\t{n}{',' if i < len(names) - 1 else '.'}" for i, n in enumerate(names)))
    return render(panels, title, desc, replace(opts, heat_max=top, plate=None, extra_legend=extra), map_id=map_id)


def selection_map(conn: sqlite3.Connection, selected: list[str], title: str, opts: Options,
                  pattern: dict[str, str] | None = None, muscle: str | None = None, side: str = "right",
                  map_id: str = "map") -> str | None:
    """Selected zones (or one candidate's pattern and trigger points) composed like a referral map."""
    zobj = queries.zone_objects(conn)
    if pattern:
        zones = {z: ZoneDrawing(slug=z, name=f"{zobj[z]['name']}: {k}", d="", kind=k)
                 for z, k in sorted(pattern.items(), key=lambda zk: zk[1] == "essential")}
    else:
        zones = {z: ZoneDrawing(slug=z, name=f"{zobj[z]['name']}: selected", d="", kind="selected")
                 for z in selected if z in zobj}
    panels = compose(conn, zones, muscle=muscle, side=side)
    if not panels:
        return None
    return render(panels, title, "Painful areas selected in the lookup.", replace(opts, plate=None), map_id=map_id)
