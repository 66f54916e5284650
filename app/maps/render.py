"""Pure SVG rendering: plain geometry and what to highlight in, an SVG string out.

Nothing here knows about the database or the web framework; svgwrite stays behind these few
functions (it is no longer developed, so its use is kept small and replaceable).

Every map is laid out in canvas units that are pixels of a 1200-pixel-wide picture: panels (crops
of views) are scaled into rows, and all text, strokes, marks and patterns are drawn in canvas
units after the shapes are moved there, so text keeps its size however a panel is zoomed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape

import svgwrite
from PIL import ImageFont
from svgwrite.container import Group

from app.maps import fonts, paths
from app.maps.paths import Affine, Box, fmt
from app.urls import is_loopback

ATTRIBUTION = "Trigger-Point Atlas contributors · CC BY-SA 4.0"
_fmt = fmt

SCHEMES: dict[str, dict[str, str]] = {
    # essential (opaque: overlaps never darken) / spillover dots / trigger point / muscle fill / muscle
    # stroke / skin / outline / highlight / text / selected (opaque highlight)
    "clinical": {"ess": "#cc3d3a", "spill": "#c62828", "tp": "#111111", "mfill": "#e8b4a8", "mline": "#8d4a3c",
                 "skin": "#f6e9dd", "edge": "#6d5a4d", "hi": "#2f6db5", "text": "#222222", "sel": "#8dafd6",
                 "tendon": "#f4efe4", "bone": "#ece2cc", "boneline": "#a08c6c"},
    # Okabe-Ito vermillion and blue: distinguishable with the common colour-vision deficiencies
    "colour-blind": {"ess": "#d55e00", "spill": "#b34f00", "tp": "#000000", "mfill": "#a6cee3", "mline": "#0072b2",
                     "skin": "#f4f1ea", "edge": "#555555", "hi": "#009e73", "text": "#222222", "sel": "#7fcdb7",
                     "tendon": "#eef2f4", "bone": "#e6e2d6", "boneline": "#8a8270"},
    "greyscale": {"ess": "#4d4d4d", "spill": "#333333", "tp": "#000000", "mfill": "#d9d9d9", "mline": "#555555",
                  "skin": "#ffffff", "edge": "#444444", "hi": "#000000", "text": "#000000", "sel": "#9a9a9a",
                  "tendon": "#f2f2f2", "bone": "#ececec", "boneline": "#8c8c8c"},
}
# heat levels, light to dark: lightness alone orders them, so they read apart in greyscale too
HEAT_PALETTES: dict[str, tuple[str, ...]] = {
    # the lowest level a saturated yellow that stands off the skin on a projector; each level well
    # darker than the one below, the top a deep wine (the face drawn over it keeps a white halo)
    "clinical": ("#fad43e", "#f39a2b", "#e0502a", "#931a38", "#3f0725"),
    "colour-blind": ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"),
    "greyscale": ("#c4c4c4", "#9c9c9c", "#747474", "#4a4a4a", "#1a1a1a"),
}
HEAT_LEVELS = 5
THIN_SHEETS = ("platysma",)  # muscles a plate draws translucent, so what lies under them shows
SHEET_PLATES = ("plate-all", "plate-superficial")
PLATES = ("superficial", "deep", "all")

# sizes in canvas units, which are pixels when the picture is 1200 pixels wide
CANVAS_W = 1200.0
PAD = 16.0
GAP = 26.0
# every text is at least 14 px on a 1200-pixel picture (a lecturer's slide)
TITLE, HEAD, SUB, LEGEND, LABEL, SIDE, ATTR, CHART = 22.0, 16.0, 14.0, 14.0, 14.0, 15.0, 14.0, 14.0
MIN_PX = 10.0  # smallest text, in pixels of the delivered picture, when a narrower width is asked for
CROSS = 6.5  # half the size of a trigger point's X


@dataclass(frozen=True)
class ViewGeometry:
    view: str
    title: str
    width: float
    height: float
    right_on_viewer: str  # "left" or "right": where the body's right side appears
    sides: tuple[str, ...]
    silhouette: str
    details: tuple[str, ...] = ()
    bounds: Box | None = None  # of the silhouette; computed from it when not given
    armless: str = ""  # the body without its arms (whole views), for maps of the trunk and legs
    map_details: tuple[str, ...] = ()  # the details a referral map draws (no bones or teeth under the skin)
    armless_details: tuple[str, ...] = ()
    # (bone id, path data, uncut path data or ""): the skeleton a plate draws
    bones: tuple[tuple[str, str, str], ...] = ()

    @property
    def body(self) -> Box:
        return self.bounds or paths.bounds(self.silhouette)


@dataclass(frozen=True)
class MuscleDrawing:
    slug: str
    name: str
    side: str
    depth: str
    d: str
    fibres: str
    href: str | None = None
    bounds: Box | None = None
    tendon: str = ""  # the tendinous part, drawn in tendon white over the muscle
    region: str = ""  # the body region of the muscle (arm, thigh...)
    whole: str = ""  # the shape where the near hand cut it, uncut (for a map without the arms)
    whole_fibres: str = ""

    @property
    def box(self) -> Box:
        return self.bounds or paths.bounds(self.d)


@dataclass(frozen=True)
class ZoneDrawing:
    slug: str
    name: str
    d: str
    kind: str  # "essential", "spillover", "selected", "heat", "plain"
    level: int = 0  # heat level 1..HEAT_LEVELS
    href: str | None = None
    bounds: Box | None = None

    @property
    def box(self) -> Box:
        return self.bounds or paths.bounds(self.d)


@dataclass(frozen=True)
class TriggerPointMark:
    x: float
    y: float
    label: str  # short, printed beside the X ("TP1")
    name: str = ""  # the trigger point's full label, spelt out in the legend when it differs
    tp: str = ""  # its identifier in data-tp; the label when empty


@dataclass(frozen=True)
class Panel:
    geometry: ViewGeometry
    muscles: Sequence[MuscleDrawing] = ()
    zones: Sequence[ZoneDrawing] = ()
    marks: Sequence[TriggerPointMark] = ()
    crop: Box | None = None  # the part of the view shown, in view units; None: the whole figure
    heading: str = ""  # the panel's header; the view's title when empty
    subheading: str = ""  # a second header line (the part of the body shown)
    compass: str = ""  # orientation of a close-up, e.g. "↓ fingers · thumb ←"
    turned: bool = False  # drawn turned by 180 degrees (hands hang as in the whole-body views)
    chart: bool = False  # a teaching chart: every right-side muscle named in the margin
    closeup: bool = False  # a close-up (hand, foot, head): never drawn taller than the whole-body panels


@dataclass(frozen=True)
class Options:
    width: int | None = None  # pixel width; None: scales to its container
    labels: bool = True
    legend: bool = True
    scheme: str = "clinical"
    fibres: bool = True
    deep: bool = True
    heat_max: int = 0
    extra_legend: tuple[str, ...] = field(default_factory=tuple)
    target: str | None = None  # "_top" in embeds, so a click opens the atlas page outside the frame
    source_url: str = ""  # the atlas page the picture comes from, named in its attribution line
    plate: str | None = None  # whole views: "superficial", "deep" or "all" (None: all, for pages to switch)


# --- heat levels ------------------------------------------------------------------------------


def heat_bins(top: int) -> list[tuple[int, int, int]]:
    """(lowest count, highest count, level) per legend step: up to five steps spread over the palette."""
    top = max(1, top)
    if top <= HEAT_LEVELS:
        ranges = [(n, n) for n in range(1, top + 1)]
    else:  # steps of one width (1–2, 3–4, 5–6...), so a reader compares them without reading each
        step = -(-top // HEAT_LEVELS)
        ranges = [(lo, min(top, lo + step - 1)) for lo in range(1, top + 1, step)]
    n = len(ranges)
    return [(lo, hi, 1 + (round(k * (HEAT_LEVELS - 1) / (n - 1)) if n > 1 else HEAT_LEVELS - 1))
            for k, (lo, hi) in enumerate(ranges)]


def heat_level(count: int, top: int) -> int:
    for lo, hi, level in heat_bins(top):
        if lo <= count <= hi:
            return level
    return HEAT_LEVELS


# --- text -------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _face(weight: str) -> ImageFont.FreeTypeFont:
    path = {"bold": fonts.BOLD, "semibold": fonts.SEMIBOLD}.get(weight, fonts.REGULAR)
    return ImageFont.truetype(str(path), 100)


def text_width(text: str, size: float, weight: str = "regular") -> float:
    """Advance width of a line in the bundled font (the one every PNG is drawn with)."""
    return float(_face(weight).getlength(text)) * size / 100


def _fit(text: object, width: float, room: float) -> None:
    # a line wider than its room is squeezed to fit rather than cut off
    if width > room > 0:
        text.attribs["textLength"] = _fmt(room)  # type: ignore[attr-defined]
        text.attribs["lengthAdjust"] = "spacingAndGlyphs"  # type: ignore[attr-defined]


def _wrap(text: str, size: float, room: float, weight: str = "regular") -> list[str]:
    words = text.split(" ")
    lines: list[str] = []
    cur = ""
    for w in words:
        trial = f"{cur} {w}".strip()
        if cur and text_width(trial, size, weight) > room:
            lines.append(cur)
            cur = w
        else:
            cur = trial
    return [*lines, cur] if cur else lines


# --- style ------------------------------------------------------------------------------------


def _style(c: dict[str, str], t: float) -> str:
    # Interaction and plate styles live in the SVG so a standalone file behaves like the inline map;
    # .plate-* rules also follow a plate class on an ancestor in the page.
    return (
        f".skin{{fill:{c['skin']};stroke:{c['edge']};stroke-width:1.3}}"
        f".detail{{fill:none;stroke:{c['edge']};stroke-width:.8;opacity:.8}}"
        f".bone{{fill:{c['bone']};stroke:{c['boneline']};stroke-width:.8;pointer-events:none}}"
        f".m path.shape{{fill:{c['mfill']};fill-opacity:.6;stroke:{c['mline']};stroke-width:.9}}"
        f".fib{{fill:none;stroke:{c['mline']};stroke-width:.45;opacity:.55;pointer-events:none}}"
        # tendon and aponeurosis in the pearly white of anatomy plates, over the fibres
        f".tendon{{fill:{c['tendon']};stroke:{c['mline']};stroke-width:.5;stroke-opacity:.7;pointer-events:none}}"
        # on a referral map the muscle's pale body, fibres and tendon lie under its zones (.mbody)
        # and only its outline over them: a tint over a zone made two reds of one kind of zone
        # (the shape keeps a transparent fill to catch the pointer)
        f".subject .m .tendon{{fill-opacity:0}}"
        f".subject .m path.shape{{fill:{c['mfill']};fill-opacity:0;stroke-width:1.6}}"
        f".mbody{{fill:{c['mfill']};fill-opacity:.75;stroke:none;pointer-events:none}}"
        f".subject .m .fib,.under .fib{{stroke-width:.7;opacity:.8}}"
        f".subject .m.deep path.shape{{stroke-dasharray:5 3}}"
        f".over{{fill:none;stroke:{c['edge']};stroke-width:.9;opacity:.9;pointer-events:none}}"
        f".plate-all .m.deep path.shape{{fill-opacity:.22;stroke-dasharray:4 3}}"
        f".plate-superficial .m.deep,.deep-off .m.deep{{display:none}}"
        # the deep plate is the layer under the superficial muscles, over the skeleton, as an
        # atlas's deep plate: dashed ghosts of the removed layer only cluttered it (a page that
        # switches plates hides them; a map drawn for the deep plate leaves them out)
        f".plate-deep .m.superficial{{display:none}}"
        f".plate-deep .m.deep path.shape{{fill-opacity:.6;stroke-dasharray:none}}"
        # on a plate the muscles are painted opaque in their stacking order, so a muscle lying under
        # another is hidden by it, as in an ecorche, instead of showing through as a collage
        f".plate-all .m.superficial path.shape,.plate-superficial .m.superficial path.shape,"
        f".plate-deep .m.deep path.shape{{fill-opacity:1}}"
        # a skin-thin sheet (platysma) is drawn as atlases draw it, see-through over what lies under
        f"{','.join(f'.{p} .m.superficial[data-muscle={s}] path.shape' for s in THIN_SHEETS for p in SHEET_PLATES)}"
        f"{{fill-opacity:.45}}"
        f"a.m:hover path.shape,a.m:focus path.shape,a.m.current path.shape{{fill:{c['hi']};fill-opacity:.6;"
        f"stroke:{c['hi']};stroke-width:1.6}}"
        f"a.m:focus{{outline:none}}a.m:focus path.shape{{stroke-width:2.6}}"
        f".ess{{fill:{c['ess']}}}.area.ess{{stroke:{c['ess']};stroke-width:.6}}"
        f".area.spill{{stroke:{c['spill']};stroke-width:.9;stroke-opacity:.55;stroke-dasharray:2 2}}"
        f".sel{{fill:{c['sel']}}}.area.sel{{stroke:{c['hi']};stroke-width:.9}}"
        f".zone-plain{{fill:{c['hi']};fill-opacity:.08;stroke:{c['hi']};stroke-width:.6;stroke-opacity:.45}}"
        f"a.z:hover .zone-plain,a.z:focus .zone-plain{{fill-opacity:.35}}"
        f"a.z:hover path,a.z:focus path{{stroke:{c['hi']};stroke-width:1.6}}"
        f".hatch,.area{{pointer-events:none}}"
        f".tile{{fill-opacity:0}}"
        f".tp{{stroke:{c['tp']};stroke-width:2.6;stroke-linecap:round;fill:none}}"
        f".tpbg{{stroke:#ffffff;stroke-width:5.6;stroke-linecap:round;fill:none}}"
        f".tpmark{{pointer-events:none}}"
        f".leader{{stroke:{c['text']};stroke-width:.9;fill:none;opacity:.75}}"
        f".leaderbg{{stroke:#ffffff;stroke-width:2.6;fill:none;opacity:.8}}"
        f".anchor{{fill:{c['text']}}}"
        f"text{{font-family:{fonts.CSS_FONT_STACK};fill:{c['text']};pointer-events:none}}"
        f".halo{{paint-order:stroke;stroke:#ffffff;stroke-width:{_fmt(3.5 * t)}px;stroke-linejoin:round}}"
        f".lbl{{font-size:{_fmt(LABEL * t)}px;font-weight:600}}"
        f".leg{{font-size:{_fmt(LEGEND * t)}px}}"
        f".mname{{font-size:{_fmt(CHART * t)}px}}"
        f".side{{font-size:{_fmt(SIDE * t)}px;font-weight:700}}"
        f".head{{font-size:{_fmt(HEAD * t)}px;font-weight:600}}"
        f".sub{{font-size:{_fmt(SUB * t)}px;opacity:.85}}"
        f".ttl{{font-size:{_fmt(TITLE * t)}px;font-weight:700}}"
        f".attr{{font-size:{_fmt(ATTR * t)}px;opacity:.8}}"
    )


def scope_css(css: str, map_id: str) -> str:
    """Every rule limited to this map: an inline SVG's style sheet applies to the whole page, and
    '.tp{pointer-events:none}' once made the trigger-point cards of the muscle page unclickable.
    A plate rule works whether the plate class is on the SVG or on an element of the page above it."""
    out = []
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        scoped = []
        for one in (x.strip() for x in sel.split(",")):
            scoped.append(f"#{map_id} {one}")
            m = re.match(r"^(\.[\w-]+)(\s.*)$", one)
            if m:  # the class may be the map's own (class="atlas-map subject plate-deep")
                scoped.append(f"#{map_id}{m[1]}{m[2]}")
                if m[1].startswith((".plate-", ".deep-off")):
                    scoped.append(f"{m[1]} #{map_id}{m[2]}")
        out.append(f"{','.join(scoped)}{{{body}}}")
    return "".join(out)


def _defs(dwg: svgwrite.Drawing, c: dict[str, str], scheme: str) -> None:
    # patterns in canvas units (userSpaceOnUse): overlapping stippled zones share one dot grid, so
    # their overlap cannot show, and every panel has the same dot size however it is zoomed
    pat = dwg.pattern(id="stipple", size=(6, 6), patternUnits="userSpaceOnUse")
    pat.add(dwg.circle(center=(1.5, 1.5), r=1.15, fill=c["spill"]))
    pat.add(dwg.circle(center=(4.5, 4.5), r=1.15, fill=c["spill"]))
    dwg.defs.add(pat)
    for level in range(1, HEAT_LEVELS + 1):
        # diagonal hatching that gets denser with the level, crossed at the top level: the levels
        # read apart without colour too
        size = 16.0
        ink = "#ffffff" if level >= 4 else "#000000"
        p = dwg.pattern(id=f"heat{level}", size=(size, size), patternUnits="userSpaceOnUse")
        n = level - 1
        for k in range(n):
            off = (k + 0.5) * size / max(1, n)
            p.add(dwg.path(d=f"M{_fmt(off - size)} {_fmt(size)}L{_fmt(off)} 0M{_fmt(off)} {_fmt(size)}L{_fmt(off + size)} 0",
                           stroke=ink, stroke_width=1.1, stroke_opacity=0.45 if level >= 4 else 0.35, fill="none"))
            if level == HEAT_LEVELS:  # the other diagonal too
                p.add(dwg.path(d=f"M{_fmt(off - size)} 0L{_fmt(off)} {_fmt(size)}M{_fmt(off)} 0L{_fmt(off + size)} {_fmt(size)}",
                               stroke=ink, stroke_width=1.1, stroke_opacity=0.45, fill="none"))
        dwg.defs.add(p)


def _heat_fill(scheme: str, level: int) -> str:
    return HEAT_PALETTES[scheme][max(1, min(HEAT_LEVELS, level)) - 1]


def _link(dwg: svgwrite.Drawing, href: str, cls: str, target: str | None = None) -> Group:
    # svgwrite writes xlink:href and target="_blank"; plain SVG 2 href opens in place, like any link
    link = dwg.a(href=href, class_=cls)
    del link.attribs["xlink:href"], link.attribs["target"]
    link.attribs["href"] = href
    if target:
        link.attribs["target"] = target
    return link


def _cross(dwg: svgwrite.Drawing, x: float, y: float, r: float = CROSS, cls: str = "tpmark") -> Group:
    g = dwg.g(class_=cls)
    d = f"M{_fmt(x - r)} {_fmt(y - r)}L{_fmt(x + r)} {_fmt(y + r)}M{_fmt(x - r)} {_fmt(y + r)}L{_fmt(x + r)} {_fmt(y - r)}"
    for cls in ("tpbg", "tp"):
        g.add(dwg.path(d=d, class_=cls))
    return g


# --- layout -----------------------------------------------------------------------------------


@dataclass
class _Slot:
    panel: Panel
    crop: Box
    margin_l: float = 0.0  # teaching-chart label columns beside the figure
    margin_r: float = 0.0
    scale: float = 1.0
    x: float = 0.0  # top-left of the panel (header included)
    y: float = 0.0

    @property
    def aspect(self) -> float:
        return (self.crop[2] - self.crop[0]) / max(1e-6, self.crop[3] - self.crop[1])

    @property
    def fig_w(self) -> float:
        return (self.crop[2] - self.crop[0]) * self.scale

    @property
    def fig_h(self) -> float:
        return (self.crop[3] - self.crop[1]) * self.scale

    @property
    def width(self) -> float:
        return self.fig_w + self.margin_l + self.margin_r


def _rows(slots: list[_Slot], max_w: float, max_h: float, head_h: float, tall: bool = False) -> list[list[_Slot]]:
    """Split the panels (in order) into rows, each scaled to fill the width, all within max_h.

    Tries one to three rows and keeps the arrangement whose figures take the largest share of a
    picture of the delivered width; unless tall pictures are wanted, more rows may not make the
    picture taller than it is wide.
    """
    n = len(slots)
    best: tuple[float, list[list[_Slot]], list[float]] | None = None
    for nrows in range(1, min(3, n) + 1):
        for cuts in _partitions(n, nrows):
            rows = [slots[a:b] for a, b in zip((0, *cuts), (*cuts, n), strict=True)]
            rel = {id(s): r for row in rows for s, r in zip(row, _relative(row), strict=True)}
            heights = []
            for row in rows:
                room = max_w - GAP * (len(row) - 1) - sum(s.margin_l + s.margin_r for s in row)
                heights.append(room / sum(s.aspect * rel[id(s)] for s in row))
            total = sum(heights) + len(rows) * head_h + GAP * (len(rows) - 1)
            if total > max_h:
                room_h = max_h - len(rows) * head_h - GAP * (len(rows) - 1)
                if nrows > 1 and room_h < 0.3 * max_h:
                    continue  # the headers would take the height meant for the figures (large text, low canvas)
                f = max(room_h, 1.0) / sum(heights)
                heights = [h * f for h in heights]
                total = max_h
            width = max(sum(h * rel[id(s)] * s.aspect + s.margin_l + s.margin_r for s in row) + GAP * (len(row) - 1)
                        for row, h in zip(rows, heights, strict=True)) + 2 * PAD
            width = max(width, 640.0)
            if nrows > 1 and not tall and total + 150 > 1.15 * width:
                continue
            drawn = sum((h * rel[id(s)]) ** 2 * s.aspect for row, h in zip(rows, heights, strict=True) for s in row) / width ** 2
            if best is None or drawn > best[0] * 1.08:  # a further row must earn its place
                best = (drawn, rows, heights)
    assert best is not None
    _, rows, heights = best
    for row, h in zip(rows, heights, strict=True):
        for s, r in zip(row, _relative(row), strict=True):
            s.scale = h * r / (s.crop[3] - s.crop[1])
    _cap_closeups(rows)
    return rows


def _relative(row: list[_Slot]) -> list[float]:
    """Each panel's height as a share of the row's: crops of the whole-body views share one scale
    (measured as a share of each view's body height, since the front, back and side projections
    differ by a few units), so no panel draws the body larger than its neighbour; a close-up is
    shown whole, never taller than the tallest whole-body panel beside it."""
    def share(s: _Slot) -> float:
        b = s.panel.geometry.body
        return (s.crop[3] - s.crop[1]) / max(1e-6, b[3] - b[1])

    def family(s: _Slot) -> str:
        return s.panel.geometry.view if s.panel.closeup else "whole"

    tallest: dict[str, float] = {}
    for s in row:
        tallest[family(s)] = max(tallest.get(family(s), 0.0), share(s))
    return [min(1.0, share(s) / tallest[family(s)]) for s in row]


def _cap_closeups(rows: list[list[_Slot]]) -> None:
    """No close-up taller than the tallest whole-body panel of the map (in any row)."""
    whole = [s.fig_h for row in rows for s in row if not s.panel.closeup]
    if not whole:
        return
    top = max(whole)
    for row in rows:
        for s in row:
            if s.panel.closeup and s.fig_h > top:
                s.scale *= top / s.fig_h


def _partitions(n: int, k: int) -> list[tuple[int, ...]]:
    if k == 1:
        return [()]
    out: list[tuple[int, ...]] = []
    for first in range(1, n - k + 2):
        out += [(first, *(first + c for c in rest)) for rest in _partitions(n - first, k - 1)]
    return out


# --- label placement --------------------------------------------------------------------------

_DIRS = [(1, -1), (1, 1), (-1, -1), (-1, 1), (1, 0), (-1, 0), (0, -1), (0, 1)]


def _label_box(x: float, y: float, w: float, h: float, dx: int, dy: int, dist: float) -> Box:
    """The box of a label of size w x h placed in direction (dx, dy) at dist from (x, y)."""
    cx = x + dx * dist
    cy = y + dy * dist
    x0 = cx if dx > 0 else cx - w if dx < 0 else cx - w / 2
    y0 = cy - h if dy < 0 else cy if dy > 0 else cy - h / 2
    return (x0, y0, x0 + w, y0 + h)


def place_labels(points: Sequence[tuple[float, float, float, float]], room: Box,
                 obstacles: Sequence[Box] = ()) -> list[tuple[Box, bool]]:
    """Greedy placement of one label per point: (x, y, w, h) in, (label box, needs a leader) out.

    Candidates ring each point at growing distances; the first without overlap wins, else the
    least overlapping. Labels stay inside room and off every X and every label placed before.
    """
    taken: list[Box] = [*obstacles]
    crosses = [(x - CROSS - 2, y - CROSS - 2, x + CROSS + 2, y + CROSS + 2) for x, y, _, _ in points]
    out: list[tuple[Box, bool]] = []
    for i, (x, y, w, h) in enumerate(points):
        best: tuple[float, Box, bool] | None = None
        for ring, dist in enumerate((CROSS + 3, CROSS + 16, CROSS + 32, CROSS + 52, CROSS + 76)):
            for dx, dy in _DIRS:
                b = _label_box(x, y, w, h, dx, dy, dist if dx and dy else dist * 1.25)
                clash = sum(paths.overlap(b, o) for o in taken) + sum(
                    paths.overlap(b, cb) for k, cb in enumerate(crosses) if k != i)
                clash += 4 * (paths.area(b) - paths.overlap(b, room))
                # a label never nearer another X than its own, so none reads as its neighbour's
                own = _box_dist(b, x, y)
                if any(_box_dist(b, ox, oy) < own + 4 for k, (ox, oy, _, _) in enumerate(points) if k != i):
                    clash += 400
                if ring:  # its leader line passes no other X
                    lx, ly = min(max(x, b[0]), b[2]), min(max(y, b[1]), b[3])
                    if any(_seg_dist(ox, oy, x, y, lx, ly) < CROSS + 2 for k, (ox, oy, _, _) in enumerate(points) if k != i):
                        clash += 200
                cost = clash * 10 + ring
                if best is None or cost < best[0]:
                    best = (cost, b, ring > 0)
            if best is not None and best[0] < 1 + ring:
                break
        assert best is not None
        taken.append(best[1])
        out.append((best[1], best[2]))
    return out


def _box_dist(b: Box, x: float, y: float) -> float:
    """Distance from a point to a box (0 inside it)."""
    return math.hypot(max(b[0] - x, 0.0, x - b[2]), max(b[1] - y, 0.0, y - b[3]))


def _seg_dist(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    """Distance from a point to a segment."""
    vx, vy = bx - ax, by - ay
    u = max(0.0, min(1.0, ((px - ax) * vx + (py - ay) * vy) / max(1e-9, vx * vx + vy * vy)))
    return math.hypot(px - ax - u * vx, py - ay - u * vy)


def spread(wanted: Sequence[float], lo: float, hi: float, step: float) -> list[float]:
    """Positions as near the wanted ones (sorted) as possible, at least step apart, within [lo, hi]."""
    pos: list[float] = []
    for w in wanted:
        pos.append(max(w, lo, pos[-1] + step if pos else lo))
    over = pos[-1] - hi if pos else 0
    if over > 0:  # push back up from the bottom
        for k in range(len(pos) - 1, -1, -1):
            limit = hi if k == len(pos) - 1 else pos[k + 1] - step
            pos[k] = min(pos[k], limit)
    return pos


# --- drawing ----------------------------------------------------------------------------------


@dataclass
class _Ctx:
    dwg: svgwrite.Drawing
    opts: Options
    c: dict[str, str]
    t: float  # text scale
    map_id: str
    single: bool = False  # one panel: the map's title names it


def _sides(slot: _Slot) -> tuple[str, str, str]:
    """(left corner, right corner, words) of the header's side labels for what the crop shows:
    "R"/"L" corners when the crop spans the midline, else the one side in words."""
    geo, crop = slot.panel.geometry, slot.crop
    if len(geo.sides) != 2:
        return ("", "", f"{geo.sides[0].capitalize()} side" if geo.sides else "")
    b = geo.body
    mid = (b[0] + b[2]) / 2
    viewer_left = "R" if geo.right_on_viewer == "left" else "L"
    viewer_right = "L" if viewer_left == "R" else "R"
    if slot.panel.turned:
        viewer_left, viewer_right = viewer_right, viewer_left
    margin = 0.04 * (b[3] - b[1])
    if crop[0] < mid - margin and crop[2] > mid + margin:
        return (viewer_left, viewer_right, "")
    on_left = (crop[0] + crop[2]) / 2 < mid
    side = viewer_left if on_left != slot.panel.turned else viewer_right
    return ("", "", "Right side" if side == "R" else "Left side")


_SIDE_WORDS = {"R": ("Right side", "Right", "R"), "L": ("Left side", "Left", "L")}


def _header_lines(p: Panel, heading: str, words: str) -> tuple[str, list[str]]:
    """The header's first line and the bits of its second, with the side in words where it belongs:
    after the view's title, or on the second line of a panel named for its trigger point (kept short)."""
    bits = [p.subheading, p.compass]
    if words and p.heading:
        bits.insert(0, words.lower())
    elif words and words.split()[0].lower() not in heading.lower():
        heading = f"{heading} · {words}" if heading else words
    return heading, bits


def _header(ctx: _Ctx, slot: _Slot, g: Group, head_h: float) -> None:
    dwg, t = ctx.dwg, ctx.t
    p = slot.panel
    # a chart's header sits over its figure; any other panel's over the room its header was given
    x0, w = (slot.x + slot.margin_l, slot.fig_w) if p.chart else (slot.x, slot.width)
    cx = x0 + w / 2
    left, right, words = _sides(slot)
    heading, sub_bits = _header_lines(p, "" if ctx.single else (p.heading or p.geometry.title), words)
    y1 = slot.y + HEAD * t
    hw = text_width(heading, HEAD * t, "semibold") if heading else 0.0
    corner_l = corner_r = ""
    if left:  # the sides in words at the corners, as long as there is room for them beside the heading
        for k in range(3):
            corner_l, corner_r = _SIDE_WORDS[left][k], _SIDE_WORDS[right][k]
            need = max(text_width(corner_l, SIDE * t, "bold"), text_width(corner_r, SIDE * t, "bold")) + 10
            if (w - hw) / 2 - (0.0 if heading else 0.1 * w) >= need or k == 2:  # without a heading they sit inset
                break
    corner = max(text_width(corner_l, SIDE * t, "bold"), text_width(corner_r, SIDE * t, "bold")) + 8 if left else 0.0
    room = w - 2 * corner - 4
    if heading:
        txt = dwg.text(heading, insert=(cx, y1), text_anchor="middle", class_="head")
        _fit(txt, hw, room)
        g.add(txt)
    if left:  # inset from the panel's edges, so neighbouring panels never read "Left side Left side"
        inset = max(min(0.1 * w, (w - hw) / 2 - corner - 6), (w - hw) / 2 - corner - 40, 0.0) if heading else 0.1 * w
        g.add(dwg.text(corner_l, insert=(x0 + inset, y1), class_="side"))
        g.add(dwg.text(corner_r, insert=(x0 + w - inset, y1), text_anchor="end", class_="side"))
        if len(corner_l) == 1:  # no room for the words at the corners: spelt out on the second line
            key = (f"{c} = {_SIDE_WORDS[c][1].lower()}" for c in (corner_l, corner_r))
            sub_bits.insert(0, ", ".join(key))
    sub = " · ".join(s for s in sub_bits if s)
    if sub:
        st = dwg.text(sub, insert=(cx, y1 + SUB * t * 1.3), text_anchor="middle", class_="sub")
        _fit(st, text_width(sub, SUB * t), w - 4)
        g.add(st)


def _zones(ctx: _Ctx, g: Group, slot: _Slot, f: Affine, clip_id: str) -> None:
    dwg, opts = ctx.dwg, ctx.opts
    rect = (slot.x + slot.margin_l, slot.y, slot.x + slot.margin_l + slot.fig_w, slot.y + slot.fig_h)
    moved: list[tuple[ZoneDrawing, str]] = []
    for z in slot.panel.zones:
        if paths.overlap(f.box(z.box), rect) <= 0:
            continue
        moved.append((z, paths.transform(z.d, f)))
    if not moved:
        return
    zg = dwg.g(class_="zones", clip_path=f"url(#{clip_id})")
    radius = 2.5
    order = {"spillover": 0, "heat": 1, "essential": 2, "selected": 3, "plain": 4}
    groups: dict[tuple[int, int], list[tuple[ZoneDrawing, str]]] = {}
    for z, d in moved:
        groups.setdefault((order.get(z.kind, 4), z.level if z.kind == "heat" else 0), []).append((z, d))
    for (_, level), items in sorted(groups.items()):
        kind = items[0][0].kind
        cls = {"essential": "ess", "spillover": "spill", "selected": "sel", "heat": f"heat h{level}"}.get(
            kind, "zone-plain")
        fill = {"spill": "url(#stipple)"}.get(cls, _heat_fill(opts.scheme, level) if kind == "heat" else None)
        # a referral area is painted as one rounded outline, as a chart draws it; its tiles stay
        # on top, unpainted, as the links and data-zone targets (the heat map keeps its tiles)
        blob = min(16.0, max(4.0, 0.03 * slot.fig_w)) if kind in ("essential", "spillover", "selected") else 0.0
        area_d = smooth_cache(tuple(d for _, d in items), radius, blob) if kind != "plain" else ""
        if area_d:
            area = dwg.path(d=area_d, class_=f"area {cls.split()[0]}", fill_rule="evenodd")
            area.attribs["aria-hidden"] = "true"
            if fill:
                area.attribs["fill"] = fill
            zg.add(area)
        for z, d in items:
            shape = dwg.path(d=smooth_one(d, radius), class_=cls + (" tile" if blob and area_d else ""))
            shape.attribs["data-zone"] = z.slug
            if fill:
                shape.attribs["fill"] = fill
            shape.set_desc(title=z.name)
            if z.href:
                link = _link(dwg, z.href, "z", opts.target)
                link.attribs["aria-label"] = z.name
                link.attribs["data-zone-link"] = z.slug
                link.add(shape)
                zg.add(link)
            else:
                zg.add(shape)
        if kind == "heat" and area_d and opts.scheme == "greyscale":
            # hatching tells the greys apart; on a colour ramp it only shimmers on a projector
            hatch = dwg.path(d=area_d, class_="hatch", fill=f"url(#heat{level})", fill_rule="evenodd")
            hatch.attribs["aria-hidden"] = "true"
            zg.add(hatch)
    g.add(zg)


@lru_cache(maxsize=2048)
def smooth_cache(ds: tuple[str, ...], radius: float, blob: float = 0.0) -> str:
    return paths.smooth_area(ds, radius, blob)


@lru_cache(maxsize=8192)
def smooth_one(d: str, radius: float) -> str:
    return paths.smooth(d, radius)


def _muscles(ctx: _Ctx, g: Group, slot: _Slot, f: Affine, plate: str | None, outline_only: bool = False) -> None:
    dwg, opts = ctx.dwg, ctx.opts
    rect = (slot.x + slot.margin_l, slot.y, slot.x + slot.margin_l + slot.fig_w, slot.y + slot.fig_h)
    ms = _paint_order([m for m in slot.panel.muscles if paths.overlap(f.box(m.box), rect) > 0], plate, opts.deep)
    for m in ms:
        cls = f"m {m.depth}"
        side_name = f"{m.name} ({m.side})" if m.side in ("right", "left") else m.name
        shape = dwg.path(d=paths.transform(m.d, f), class_="shape")
        if m.href:
            holder = _link(dwg, m.href, cls, opts.target)
            holder.attribs["aria-label"] = side_name
            holder.attribs["data-muscle"] = m.slug
        else:
            holder = dwg.g(class_=cls)
            holder.attribs["data-muscle"] = m.slug
        shape.set_desc(title=side_name)
        holder.add(shape)
        if opts.fibres and m.fibres and not outline_only:
            holder.add(dwg.path(d=paths.transform(m.fibres, f), class_="fib"))
        if m.tendon and not outline_only:
            holder.add(dwg.path(d=paths.transform(m.tendon, f), class_="tendon"))
        g.add(holder)


def _paint_order(ms: list[MuscleDrawing], plate: str | None, deep: bool) -> list[MuscleDrawing]:
    """The muscles of a plate in the order they are painted: deep muscles first, so superficial ones
    lie over them and catch clicks where they overlap (the deep plate is the deep layer alone)."""
    if plate == "superficial" or (plate is None and not deep):
        ms = [m for m in ms if m.depth != "deep"]
    elif plate == "deep":
        ms = [m for m in ms if m.depth == "deep"]
    return _unburied(sorted(ms, key=lambda m: m.depth != "deep"))


def _unburied(ms: list[MuscleDrawing]) -> list[MuscleDrawing]:
    """The drawing order, except that a muscle lying wholly under a later one of its layer is lifted
    above it: every muscle keeps some area a pointer can reach."""
    out = list(ms)
    for m in ms:
        i = out.index(m)
        covers = [k for k in range(i + 1, len(out)) if out[k].depth == m.depth and _inside_box(m.box, out[k].box)
                  and paths.geometry(out[k].d).buffer(0.5).contains(paths.geometry(m.d))]
        if covers:
            out.insert(covers[-1], out.pop(i))
    return out


def _inside_box(a: Box, b: Box) -> bool:
    return b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]


def _marks(ctx: _Ctx, g: Group, slot: _Slot, f: Affine, head_h: float) -> None:
    dwg, t = ctx.dwg, ctx.t
    rect = (slot.x + slot.margin_l, slot.y + head_h, slot.x + slot.margin_l + slot.fig_w, slot.y + head_h + slot.fig_h)
    pts = []
    for mark in slot.panel.marks:
        x, y = f(mark.x, mark.y)
        if rect[0] <= x <= rect[2] and rect[1] <= y <= rect[3]:
            pts.append((mark, x, y))
    if not pts:
        return
    mg = dwg.g(class_="marks")
    for mark, x, y in pts:
        one = _cross(dwg, x, y)
        one.attribs["data-tp"] = mark.tp or mark.label
        one.set_desc(title=mark.name or mark.label)
        mg.add(one)
    g.add(mg)
    if not ctx.opts.labels:
        return
    size = LABEL * t
    asks = [(x, y, text_width(m.label, size, "semibold") + 2, size * 0.95) for m, x, y in pts]
    lg = dwg.g(class_="tplabels")
    for (mark, x, y), (b, leader) in zip(pts, place_labels(asks, rect), strict=True):
        if leader:
            # from the X to the nearest point of the label's box
            lx = min(max(x, b[0]), b[2])
            ly = min(max(y, b[1]), b[3])
            ang = math.atan2(ly - y, lx - x)
            sx, sy = x + math.cos(ang) * (CROSS + 2), y + math.sin(ang) * (CROSS + 2)
            d = f"M{_fmt(sx)} {_fmt(sy)}L{_fmt(lx)} {_fmt(ly)}"
            lg.add(dwg.path(d=d, class_="leaderbg"))
            lg.add(dwg.path(d=d, class_="leader"))
        lg.add(dwg.text(mark.label, insert=(b[0] + 1, b[3] - size * 0.2), class_="lbl halo"))
    g.add(lg)


def _chart(ctx: _Ctx, g: Group, slot: _Slot, f: Affine, plate: str | None, head_h: float) -> None:
    """Name every right-side muscle of the plate in the margins, with a leader line to its shape."""
    dwg, t = ctx.dwg, ctx.t
    side = _chart_side(slot.panel.geometry)
    ms = [m for m in slot.panel.muscles if m.side == side and m.href]
    if plate == "superficial" or (plate is None and not ctx.opts.deep):
        ms = [m for m in ms if m.depth != "deep"]
    elif plate == "deep":
        ms = [m for m in ms if m.depth == "deep"]
    # what lies over each muscle on this plate, in the order _muscles paints them
    painted = _paint_order(list(slot.panel.muscles), plate, ctx.opts.deep)
    order = {id(m): i for i, m in enumerate(painted)}
    fx0 = slot.x + slot.margin_l
    fx1 = fx0 + slot.fig_w

    placed: list[tuple[float, float]] = []  # anchors already given, in canvas units
    apart = 9.0 * t  # two dots nearer than this read as one, and their leaders as a tangle

    def anchor(m: MuscleDrawing, column: str | None) -> tuple[float, float]:
        i = order.get(id(m), len(painted))
        # a leader names the muscle, so it ends on the belly: the tendon counts as covered (the
        # Achilles is not "soleus", the aponeurosis not "palmaris longus") unless it is all there is
        above = [o.d for o in painted[i + 1:] if paths.overlap(o.box, m.box) > 0] + [m.tendon]
        # the label column's x in the drawing's own units
        toward = None if column is None else (f.inverse_x(fx0) if column == "l" else f.inverse_x(fx1))
        x, y = f(*paths.visible_anchor(m.d, above, toward))
        if column is not None:
            near = [(px, py) for px, py in placed if math.hypot(px - x, py - y) < apart]
            if near:
                # another muscle's dot is here already: look again with a disc round each kept clear
                r = apart / f.scale
                discs = [paths.circle((px - f.tx) / f.sx, (py - f.ty) / f.sy, r) for px, py in near]
                x, y = f(*paths.visible_anchor(m.d, above + discs, toward))
            placed.append((x, y))
        return x, y

    seen: set[str] = set()
    anchors = []
    for m in ms:
        if m.slug in seen:
            continue
        seen.add(m.slug)
        x, y = anchor(m, None)
        anchors.append((m, x, y))
    if not anchors:
        return
    size = CHART * t
    step = size * 1.22
    top, bottom = slot.y + head_h + size, slot.y + head_h + slot.fig_h
    mid = (fx0 + fx1) / 2
    cols: dict[str, list[tuple[MuscleDrawing, float, float]]] = {"l": [], "r": []}
    # on a view of both sides a muscle may be named at either of its two copies: each goes to the
    # margin with fewer names near its height, so one margin does not carry every leader line
    twin = {m.slug: m for m in slot.panel.muscles if m.side != side and m.href}
    for m, x, y in sorted(anchors, key=lambda a: a[2]):
        own = "l" if x < mid else "r"
        if not (slot.margin_l and slot.margin_r):
            column = "l" if slot.margin_l else "r"
            cols[column].append((m, *anchor(m, column)))
            continue
        other = "r" if own == "l" else "l"
        near = {c: sum(1 for _, _, yy in cols[c] if abs(yy - y) < step * 4) for c in cols}
        if m.slug in twin and near[other] < near[own]:
            cols[other].append((twin[m.slug], *anchor(twin[m.slug], other)))
        else:
            cols[own].append((m, *anchor(m, own)))
    cg = dwg.g(class_="chart")
    for side, items in cols.items():
        if not items:
            continue
        items.sort(key=lambda a: a[2])
        # a small picture of a crowded plate has less height than its names need at full size:
        # the column is set tighter and its names smaller, rather than run up over the title
        k = min(1.0, (bottom - top) / (step * max(1, len(items) - 1)))
        ys = spread([a[2] + size * 0.35 for a in items], top, bottom, step * k)
        if side == "l":
            tx, text_anchor, ex = fx0 - 10, "end", fx0 - 6
        else:
            tx, text_anchor, ex = fx1 + 10, "start", fx1 + 6
        _uncross(items, [y - size * 0.35 for y in ys], ex)
        for (m, ax, ay), ly in zip(items, ys, strict=True):
            yline = ly - size * 0.35
            d = f"M{_fmt(ex)} {_fmt(yline)}L{_fmt(ax)} {_fmt(ay)}"
            cg.add(dwg.path(d=d, class_="leaderbg"))
            cg.add(dwg.path(d=d, class_="leader"))
            cg.add(dwg.circle(center=(ax, ay), r=1.8, class_="anchor"))
            label = dwg.text(m.name, insert=(0, 0), text_anchor=text_anchor, class_="mname")
            label.attribs["transform"] = f"translate({_fmt(tx)} {_fmt(ly)})" + (f" scale({k:.3f})" if k < 1 else "")
            cg.add(label)
    g.add(cg)


def _segments_cross(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    def orient(px: float, py: float, qx: float, qy: float, rx: float, ry: float) -> float:
        return (qx - px) * (ry - py) - (qy - py) * (rx - px)

    d1 = orient(b[0], b[1], b[2], b[3], a[0], a[1])
    d2 = orient(b[0], b[1], b[2], b[3], a[2], a[3])
    d3 = orient(a[0], a[1], a[2], a[3], b[0], b[1])
    d4 = orient(a[0], a[1], a[2], a[3], b[2], b[3])
    return d1 * d2 < 0 and d3 * d4 < 0


def _uncross(items: list[tuple[MuscleDrawing, float, float]], ys: Sequence[float], ex: float) -> None:
    """Swap labels whose leader lines cross until none do: each swap shortens the lines, so it ends."""
    for _ in range(4 * len(items)):
        swapped = False
        for i in range(len(items)):
            for k in range(i + 1, len(items)):
                a = (ex, ys[i], items[i][1], items[i][2])
                b = (ex, ys[k], items[k][1], items[k][2])
                if _segments_cross(a, b):
                    items[i], items[k] = items[k], items[i]
                    swapped = True
        if not swapped:
            break


def _panel(ctx: _Ctx, slot: _Slot, pid: str, head_h: float, plate: str | None) -> Group:
    dwg = ctx.dwg
    p = slot.panel
    geo = p.geometry
    g = dwg.g(id=pid, class_="map-panel")
    g.attribs["data-view"] = geo.view
    if geo.armless and geo.silhouette == geo.armless:
        g.attribs["data-arms"] = "false"  # drawn without the arms: the pattern lies on the trunk and legs
    fx = slot.x + slot.margin_l
    fy = slot.y + head_h
    f = Affine.fit(slot.crop, (fx, fy), slot.scale, p.turned)
    crop_clip = dwg.defs.add(dwg.clipPath(id=f"{pid}-crop"))
    crop_clip.add(dwg.rect(insert=(fx, fy), size=(slot.fig_w, slot.fig_h)))
    skin_d = paths.transform(geo.silhouette, f)
    skin_clip = dwg.defs.add(dwg.clipPath(id=f"{pid}-skin"))
    skin_clip.add(dwg.path(d=skin_d))
    fig = dwg.g(class_="figure", clip_path=f"url(#{pid}-crop)")
    fig.add(dwg.path(d=skin_d, class_="skin"))
    # the deep plate's skeleton: on the superficial plate bone showed between the muscles where
    # fascia and fat lie (a skull face, a pelvis in the groin); a referral map is the skin alone
    if plate == "deep" and geo.bones:
        bones = dwg.g(class_="bones")
        bones.attribs["aria-hidden"] = "true"
        for ident, d, _ in geo.bones:
            bones.add(dwg.path(d=paths.transform(d, f), class_="bone " + ident))
        fig.add(bones)
    for d in geo.details:
        fig.add(dwg.path(d=paths.transform(d, f), class_="detail"))
    inner = _Slot(p, slot.crop, slot.margin_l, slot.margin_r, slot.scale, slot.x, fy)
    if plate is None and p.zones and p.muscles:
        # a referral map: the muscle's pale body under its zones, its outline and fibres over them,
        # so the pattern keeps its legend colours and the muscle still reads where the two meet
        under = dwg.g(class_="under")
        under.attribs["aria-hidden"] = "true"
        for m in p.muscles:
            under.add(dwg.path(d=paths.transform(m.d, f), class_="mbody"))
            # fibres and tendon under the zones too: laid over a solid zone they hatched it into
            # a colour the legend does not have (reviewers read it as a third kind of zone)
            if ctx.opts.fibres and m.fibres:
                under.add(dwg.path(d=paths.transform(m.fibres, f), class_="fib"))
            if m.tendon:
                under.add(dwg.path(d=paths.transform(m.tendon, f), class_="tendon"))
        fig.add(under)
    _zones(ctx, fig, inner, f, f"{pid}-skin")
    # the face, the clavicles... drawn again over the painted zones that cover them (a pain map's
    # zones are a faint tint: the lines show through, and drawing them twice doubled its size)
    if geo.details and any(z.kind != "plain" for z in p.zones):
        over = dwg.g(class_="details-over")
        over.attribs["aria-hidden"] = "true"
        moved = [paths.transform(d, f) for d in geo.details]
        for d in moved:  # no white halo: on bare skin it doubled every line into a ring ("0" glyphs)
            over.add(dwg.path(d=d, class_="over"))
        fig.add(over)
    _muscles(ctx, fig, inner, f, plate, outline_only=plate is None and bool(p.zones and p.muscles))
    g.add(fig)
    if p.chart and ctx.opts.labels:
        _chart(ctx, g, slot, f, plate, head_h)
    _marks(ctx, g, slot, f, head_h)
    _header(ctx, slot, g, head_h)
    return g


def _legend_items(opts: Options, panels: Sequence[Panel]) -> list[tuple[str, str]]:
    zones = [z for p in panels for z in p.zones]
    items: list[tuple[str, str]] = []
    if any(p.marks for p in panels):
        items.append(("tp", "Trigger point (X)"))
    kinds = {z.kind for z in zones}
    if "essential" in kinds:
        items.append(("ess", "Essential referral zone (solid)"))
    if "spillover" in kinds:
        items.append(("spill", "Spillover zone (stippled)"))
    if "selected" in kinds:
        items.append(("sel", "Selected area"))
    if "heat" in kinds:
        items.append(("text", "Muscles referring there:"))
        drawn = {z.level for z in zones if z.kind == "heat"}
        for lo, hi, level in heat_bins(opts.heat_max or max(z.level for z in zones)):
            if level not in drawn:  # a step no area reaches is not offered as one to look for
                continue
            n = f"{lo}" if lo == hi else f"{lo}–{hi}"
            items.append((f"heat{level}", f"{n} muscle{'' if hi == 1 else 's'}"))
    for extra in opts.extra_legend:
        items.append(("run", extra[1:]) if extra.startswith("\t") else ("text", extra))
    keyed: dict[str, str] = {}
    for p in panels if opts.labels else ():  # the key spells out the labels printed beside the X
        for m in p.marks:
            name = key_name(m)
            if name:
                keyed.setdefault(m.label, name)

    def number(label: str) -> tuple[int, str]:  # TP1 before TP2 whichever panel shows it first
        digits = re.sub(r"\D", "", label)
        return (int(digits) if digits else 0, label)

    headed = {p.heading.split(" · ")[0] for p in panels}  # a panel per trigger point names it in its header
    for label in sorted(set(keyed) - headed, key=number):
        items.append(("key", f"{label}: {keyed[label]}"))
    return items


_KEY = re.compile(r"^\s*(?:TP|TrP)\s*(\d*)(?:/(?:TP|TrP)?\d+)?(?:\s+region\b)?(?=[\s(:–-]|$)"
                  r"\s*(?:[:–-]\s*)?(?:\((?P<p>[^()]*)\)|(?P<r>.+))?$",
                  re.IGNORECASE)


def key_name(m: TriggerPointMark) -> str:
    """The trigger point's full label, less what its short label already says ("TP1 (medial belly)")."""
    name = m.name.strip()
    k = _KEY.match(name)
    if k and (not k[1] or f"TP{k[1]}" == m.label):
        name = (k["p"] or k["r"] or "").strip()
    return "" if name.lower() in ("", m.label.lower()) else name


def _legend(ctx: _Ctx, items: list[tuple[str, str]], x0: float, y0: float, room: float,
            column: bool = False) -> tuple[Group, float]:
    """Legend entries flowed into lines within room (one a line in a column); returns the group and its height."""
    dwg, t = ctx.dwg, ctx.t
    size = LEGEND * t
    sw = size * 1.1  # swatch size
    line_h = size * 1.75
    g = dwg.g(id=f"{ctx.map_id}-legend", class_="legend")
    x, y = x0, y0
    prev = ""
    for kind, label in items:
        has_swatch = kind not in ("text", "key", "run")
        # "run": words of one sentence (a list of names), set a space apart rather than as entries
        w = (sw + 6 if has_swatch else 0) + text_width(label, size) + (size * 0.3 if kind == "run" else 18)
        # in a column each entry takes its own line, but the words of one sentence run on
        running = kind == "run" and prev == "run"
        after_run = prev == "run" and kind != "run"  # the sentence ends its line: a key never runs on from it
        if x > x0 and ((column and not kind.startswith("heat") and not running) or after_run or x + w > x0 + room):
            x, y = x0, y + line_h
        prev = kind
        top = y + (line_h - sw) / 2
        if kind == "tp":
            g.add(_cross(dwg, x + sw / 2, top + sw / 2, CROSS * 0.9, cls="tpkey"))
        elif kind.startswith("heat"):
            level = int(kind[4:])
            g.add(dwg.rect(insert=(x, top), size=(sw, sw), fill=_heat_fill(ctx.opts.scheme, level), stroke="#666",
                           stroke_width=0.6))
            if ctx.opts.scheme == "greyscale":
                g.add(dwg.rect(insert=(x, top), size=(sw, sw), fill=f"url(#heat{level})"))
        elif has_swatch:
            rect = dwg.rect(insert=(x, top), size=(sw, sw), class_=kind, stroke="#666", stroke_width=0.6)
            if kind == "spill":
                rect.attribs["fill"] = "url(#stipple)"
            g.add(rect)
        tx = x + (sw + 6 if has_swatch else 0)
        txt = dwg.text(label, insert=(tx, y + line_h / 2 + size * 0.35), class_="leg")
        _fit(txt, text_width(label, size), x0 + room - tx)
        g.add(txt)
        x += w
    return g, (y - y0) + line_h


def _chart_side(geo: ViewGeometry) -> str:
    """The side a teaching chart names: the right, or the one side a one-sided view shows."""
    return geo.sides[0] if len(geo.sides) == 1 else "right"


def _crowded(p: Panel, side: str, plate: str | None) -> bool:
    """Whether one margin would fan too many leader lines into one stretch of the body (the deep
    hip rotators and pelvic floor): then both margins are used, each muscle named at either copy."""
    ys = sorted(paths.representative_point(m.d)[1] for m in p.muscles if m.side == side and
                (plate in (None, "all") or (m.depth == "deep") == (plate == "deep")))
    band = 0.12 * (p.geometry.body[3] - p.geometry.body[1])
    return any(sum(1 for y in ys[i:] if y - y0 <= band) > 12 for i, y0 in enumerate(ys))


def _slots(panels: Sequence[Panel], opts: Options, t: float) -> list[_Slot]:
    """One slot per panel: its crop (the whole figure when none) and the teaching chart's label column."""
    slots = []
    for p in panels:
        b = p.geometry.body
        pad = 0.02 * max(b[2] - b[0], b[3] - b[1])
        slot = _Slot(p, p.crop or (b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad))
        if p.chart and opts.labels:
            side = _chart_side(p.geometry)
            names = [m.name for m in p.muscles if m.side == side]
            col = max((text_width(n, CHART * t) for n in names), default=0.0) + 24
            # both plates of a view take the same margins, so the body keeps its size when a slide
            # flips from the superficial plate to the deep one
            plates = ("superficial", "deep") if opts.plate in ("superficial", "deep") else (opts.plate,)
            if len(p.geometry.sides) == 2 and not any(_crowded(p, side, x) for x in plates):  # the right margin only
                if p.geometry.right_on_viewer == "left":
                    slot.margin_l = col
                else:
                    slot.margin_r = col
            else:
                slot.margin_l = slot.margin_r = col
        slots.append(slot)
    return slots


def _header_need(slot: _Slot, t: float) -> float:
    """The width a panel's two header lines take at their full size."""
    p = slot.panel
    left, _, words = _sides(slot)
    heading, bits = _header_lines(p, p.heading or p.geometry.title, words)
    need = text_width(heading, HEAD * t, "semibold")
    if left:
        need += 2 * (text_width("Right", SIDE * t, "bold") + 12)
        bits.insert(0, "R = right, L = left")
    sub = " · ".join(b for b in bits if b)
    return max(need, text_width(sub, SUB * t) + 6) + 6


SLIDE_RATIO = 0.8  # a composed map's canvas at most this tall for its width: a slide, never a portrait page


def _legend_height(items: list[tuple[str, str]], opts: Options, t: float, room: float, column: bool) -> float:
    if not items:
        return 0.0
    ctx = _Ctx(svgwrite.Drawing(), opts, SCHEMES[opts.scheme], t, "m")
    return _legend(ctx, items, 0.0, 0.0, room, column=column)[1]


def _arrange(slots: list[_Slot], items: list[tuple[str, str]], title: str, opts: Options, t: float,
             head_h: float, legend_col: float) -> tuple[list[list[_Slot]], bool]:
    """Rows of panels and where the legend goes (beside a single row, or under the panels), chosen so
    the figures are drawn largest on a slide-shaped canvas of the delivered width: no taller than
    SLIDE_RATIO of its width, the legend under short panels when that lets them be wider."""
    best: tuple[bool, float, float, bool] | None = None
    for beside in ((False, True) if items else (False,)):
        side_w = legend_col + GAP if beside else 0.0
        for max_h in (860.0, 780.0, 700.0, 630.0, 560.0, 500.0, 440.0, 380.0, 330.0):
            rows = _rows(slots, CANVAS_W - 2 * PAD - side_w, max_h, head_h)
            if beside and len(rows) > 1:
                continue
            content_w = max(sum(s.width for s in row) + GAP * (len(row) - 1) for row in rows)
            content_h = sum(head_h + max(s.fig_h for s in row) for row in rows) + GAP * (len(rows) - 1)
            total_w = min(CANVAS_W, max(content_w + side_w + 2 * PAD, 640.0))
            lines = len(_wrap(title, TITLE * t, total_w - 2 * PAD, "bold"))
            top = PAD + TITLE * t * 1.25 * lines + 10
            if beside:
                body = max(content_h, head_h + _legend_height(items, opts, t, legend_col, True))
            else:
                body = content_h + (10 + _legend_height(items, opts, t, total_w - 2 * PAD, False) if items else 0.0)
            total_h = top + body + ATTR * t * 1.6 + PAD * 0.6
            fits = total_h <= SLIDE_RATIO * total_w
            drawn = sum(s.fig_w * s.fig_h for row in rows for s in row) * (CANVAS_W / total_w) ** 2
            score = drawn if fits else -total_h / total_w
            if best is None or (fits, score) > (best[0], best[1]):
                best = (fits, score, max_h, beside)
            if fits:
                break  # lower heights only draw the figures smaller
    assert best is not None
    _, _, max_h, beside = best
    side_w = legend_col + GAP if beside else 0.0
    return _rows(slots, CANVAS_W - 2 * PAD - side_w, max_h, head_h), beside


def render(
    panels: Sequence[Panel],
    title: str,
    desc: str,
    opts: Options,
    *,
    map_id: str = "map",
    attribution: str = ATTRIBUTION,
    debug: bool = False,
) -> str:
    """Lay panels out in rows under a title, with an optional legend and the attribution line.

    Whole figures (view maps) may be tall; composed maps stay within a slide's proportions, on a
    canvas no wider than their panels (and the legend beside them, when it fits there).
    """
    c = SCHEMES[opts.scheme]
    # text keeps at least MIN_PX pixels when a narrower picture is asked for
    t = min(2.2, max(1.0, MIN_PX / (LEGEND * (opts.width or CANVAS_W) / CANVAS_W)))
    plate = opts.plate if opts.plate in PLATES else None
    if not opts.deep and plate is None:
        plate = "superficial"
    whole = all(p.crop is None for p in panels)
    slots = _slots(panels, opts, t)
    head_h = HEAD * t * 1.25 + SUB * t * 1.35 + 8  # the second line: region, compass or side key
    items = _legend_items(opts, panels) if opts.legend else []
    legend_col = 330.0
    if whole:
        rows = _rows(slots, CANVAS_W - 2 * PAD, 1500.0, head_h, tall=True)
        beside = False
    else:
        rows, beside = _arrange(slots, items, title, opts, t, head_h, legend_col)
        for _ in range(4):  # a panel narrower than its header is given room beside its figure, never squeezed text
            short = [(s, need) for s in slots if not s.panel.chart
                     if (need := _header_need(s, t)) > s.fig_w + s.margin_l + s.margin_r + 0.5]
            if not short:
                break
            saved = [(s.margin_l, s.margin_r, s.fig_w) for s in slots]
            for s, need in short:
                s.margin_l = s.margin_r = (need - s.fig_w) / 2 + 1
            rows, beside = _arrange(slots, items, title, opts, t, head_h, legend_col)
            if any(s.scale <= 0 or s.fig_w < 0.5 * w for s, (_, _, w) in zip(slots, saved, strict=True)):
                # headers too long for any row (large text on a small picture): the margins would
                # leave the figures little or no room, so the headers are fitted to them instead
                for s, (ml, mr, _) in zip(slots, saved, strict=True):
                    s.margin_l, s.margin_r = ml, mr
                rows, beside = _arrange(slots, items, title, opts, t, head_h, legend_col)
                break
    content_w = max(sum(s.width for s in row) + GAP * (len(row) - 1) for row in rows)
    content_h = sum(head_h + max(s.fig_h for s in row) for row in rows) + GAP * (len(rows) - 1)
    side_w = legend_col + GAP if beside else 0.0
    total_w = content_w + 2 * PAD if whole else min(CANVAS_W, max(content_w + side_w + 2 * PAD, 640.0))
    title_lines = _wrap(title, TITLE * t, total_w - 2 * PAD, "bold")
    top = PAD + TITLE * t * 1.25 * len(title_lines) + 10

    dwg = svgwrite.Drawing(size=("100%", "100%"), debug=debug, profile="full", id=map_id)
    ctx = _Ctx(dwg, opts, c, t, map_id, single=len(panels) == 1 and whole)
    dwg.attribs["class"] = "atlas-map " + (f"plate-{plate}" if plate else "subject")
    dwg.attribs["aria-labelledby"] = f"{map_id}-title {map_id}-desc"
    dwg.defs.add(dwg.style(scope_css(_style(c, t), map_id)))
    _defs(dwg, c, opts.scheme)
    y = top
    for row in rows:  # each row centred in the room the legend leaves
        row_w = sum(s.width for s in row) + GAP * (len(row) - 1)
        x = PAD + max(0.0, (total_w - 2 * PAD - side_w - row_w) / 2)
        for s in row:
            s.x, s.y = x, y
            x += s.width + GAP
        y += head_h + max(s.fig_h for s in row) + GAP
    bottom = top + content_h
    legend = None
    if items and beside:
        legend, legend_h = _legend(ctx, items, total_w - PAD - legend_col, top + head_h, legend_col, column=True)
        bottom = max(bottom, top + head_h + legend_h)
    elif items:
        legend, legend_h = _legend(ctx, items, PAD, bottom + 10, total_w - 2 * PAD)
        bottom += 10 + legend_h
    total_h = bottom + ATTR * t * 1.6 + PAD * 0.6
    dwg.attribs["viewBox"] = f"0 0 {_fmt(total_w)} {_fmt(total_h)}"
    if opts.width:
        dwg.attribs["width"], dwg.attribs["height"] = opts.width, round(opts.width * total_h / total_w)
    else:
        del dwg.attribs["width"], dwg.attribs["height"]

    dwg.add(dwg.rect(insert=(0, 0), size=(total_w, total_h), fill="#ffffff"))
    for k, ln in enumerate(title_lines):
        ttl = dwg.text(ln, insert=(PAD, PAD + TITLE * t * (0.95 + 1.25 * k)), class_="ttl")
        _fit(ttl, text_width(ln, TITLE * t, "bold"), total_w - 2 * PAD)
        dwg.add(ttl)
    for i, s in enumerate(slots):
        dwg.add(_panel(ctx, s, f"{map_id}-{s.panel.geometry.view}-{i}", head_h, plate))
    if legend is not None:
        dwg.add(legend)
    # a loopback address (a local install without ATLAS_BASE_URL) means nothing on a slide
    shown = opts.source_url if opts.source_url and not is_loopback(opts.source_url) else ""
    line = f"{attribution} · {shown}" if shown else attribution
    attr = dwg.text(line, insert=(total_w - PAD * 0.6, total_h - PAD * 0.6), text_anchor="end", class_="attr")
    _fit(attr, text_width(line, ATTR * t), total_w - PAD * 1.2)
    dwg.add(attr)
    out = str(dwg.tostring()).replace(' xmlns:ev="http://www.w3.org/2001/xml-events"', "")
    # pattern ids carry the map's id, so several maps inline in one page never share an id
    out = re.sub(r'(id="|url\(#)(stipple|heat\d)', lambda m: f"{m[1]}{map_id}-{m[2]}", out)
    # svgwrite's <title>/<desc> take no id, and aria-labelledby needs one: add them as the first children
    head = out.index(">") + 1
    return (f'{out[:head]}<title id="{map_id}-title">{escape(title)}</title>'
            f'<desc id="{map_id}-desc">{escape(desc)}</desc>{out[head:]}')
