"""Pure SVG rendering: plain geometry and what to highlight in, an SVG string out.

Nothing here knows about the database or the web framework; svgwrite stays behind these few
functions (it is no longer developed, so its use is kept small and replaceable).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import svgwrite
from svgwrite.container import Group

ATTRIBUTION = "Trigger-Point Atlas contributors · CC BY-SA 4.0"

SCHEMES: dict[str, dict[str, str]] = {
    # essential / spillover / trigger point / muscle fill / muscle stroke / skin / outline
    "clinical": {"ess": "#c62828", "spill": "#c62828", "tp": "#111111", "mfill": "#e8b4a8", "mline": "#8d4a3c",
                 "skin": "#f6e9dd", "edge": "#6d5a4d", "hi": "#2f6db5", "text": "#222222"},
    # Okabe-Ito vermillion and blue: distinguishable with the common colour-vision deficiencies
    "colour-blind": {"ess": "#d55e00", "spill": "#d55e00", "tp": "#000000", "mfill": "#a6cee3", "mline": "#0072b2",
                     "skin": "#f4f1ea", "edge": "#555555", "hi": "#009e73", "text": "#222222"},
    "greyscale": {"ess": "#333333", "spill": "#333333", "tp": "#000000", "mfill": "#d9d9d9", "mline": "#555555",
                  "skin": "#ffffff", "edge": "#444444", "hi": "#000000", "text": "#000000"},
}
HEAT_LEVELS = 5


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


@dataclass(frozen=True)
class MuscleDrawing:
    slug: str
    name: str
    side: str
    depth: str
    d: str
    fibres: str
    href: str | None = None


@dataclass(frozen=True)
class ZoneDrawing:
    slug: str
    name: str
    d: str
    kind: str  # "essential", "spillover", "selected", "heat", "plain"
    level: int = 0  # heat level 1..HEAT_LEVELS
    href: str | None = None


@dataclass(frozen=True)
class TriggerPointMark:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Panel:
    geometry: ViewGeometry
    muscles: Sequence[MuscleDrawing] = ()
    zones: Sequence[ZoneDrawing] = ()
    marks: Sequence[TriggerPointMark] = ()


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


def _fmt(v: float) -> str:
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _style(c: dict[str, str]) -> str:
    # Interaction styles live in the SVG so a standalone file behaves like the inline map.
    return (
        f".skin{{fill:{c['skin']};stroke:{c['edge']};stroke-width:1.2}}"
        f".detail{{fill:none;stroke:{c['edge']};stroke-width:.6;opacity:.55}}"
        f".m path.shape{{fill:{c['mfill']};fill-opacity:.55;stroke:{c['mline']};stroke-width:.7}}"
        f".m.deep path.shape{{fill-opacity:.18;stroke-dasharray:3 2}}"
        f".fib{{fill:none;stroke:{c['mline']};stroke-width:.35;opacity:.6;pointer-events:none}}"
        f"a.m:hover path.shape,a.m:focus path.shape,a.m.current path.shape{{fill:{c['hi']};fill-opacity:.6;"
        f"stroke:{c['hi']};stroke-width:1.4}}"
        f"a.m:focus{{outline:none}}a.m:focus path.shape{{stroke-width:2.2}}"
        f".ess{{fill:{c['ess']};fill-opacity:.85}}"
        f".zone-plain{{fill:{c['hi']};fill-opacity:.08;stroke:{c['hi']};stroke-width:.4;stroke-opacity:.4}}"
        f"a.z:hover .zone-plain,a.z:focus .zone-plain{{fill-opacity:.35}}"
        f".sel{{fill:{c['hi']};fill-opacity:.55;stroke:{c['hi']};stroke-width:.8}}"
        f".tp{{stroke:{c['tp']};stroke-width:1.8;stroke-linecap:round;pointer-events:none}}"
        f".tpbg{{stroke:#ffffff;stroke-width:3.6;stroke-linecap:round;pointer-events:none}}"
        f"text{{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;fill:{c['text']};pointer-events:none}}"
        f".lbl{{font-size:7px}}.side{{font-size:11px;font-weight:700;opacity:.55}}"
        f".ttl{{font-size:13px;font-weight:700}}.sub{{font-size:9px}}.attr{{font-size:7px;opacity:.8}}"
        f".deep-off .m.deep{{display:none}}"
    )


def _defs(dwg: svgwrite.Drawing, c: dict[str, str], heat_max: int) -> None:
    pat = dwg.pattern(id="stipple", size=(4, 4), patternUnits="userSpaceOnUse")
    pat.add(dwg.circle(center=(1, 1), r=0.75, fill=c["spill"]))
    pat.add(dwg.circle(center=(3, 3), r=0.75, fill=c["spill"]))
    dwg.defs.add(pat)
    # Heat levels use hatching density as well as tone, so they read in greyscale too.
    for level in range(1, HEAT_LEVELS + 1):
        p = dwg.pattern(id=f"heat{level}", size=(6, 6), patternUnits="userSpaceOnUse")
        for k in range(level):
            p.add(dwg.line(start=(0, k * 6 / level + 0.5), end=(6, k * 6 / level + 0.5), stroke=c["ess"],
                           stroke_width=0.5))
        dwg.defs.add(p)


def _heat(dwg: svgwrite.Drawing, d: str, level: int, opts: Options) -> Group:
    """A tone that deepens with the level, and hatching that gets denser: readable without colour."""
    level = max(1, min(HEAT_LEVELS, level))
    g = dwg.g()
    g.add(dwg.path(d=d, fill=SCHEMES[opts.scheme]["ess"], fill_opacity=round(0.1 + 0.13 * level, 2)))
    g.add(dwg.path(d=d, fill=f"url(#heat{level})"))
    return g


def _fit(text: object, chars: int, px_per_char: float, room: float) -> None:
    # long titles on narrow close-ups are squeezed to fit rather than cut off
    if chars * px_per_char > room:
        text.attribs["textLength"] = _fmt(room)  # type: ignore[attr-defined]
        text.attribs["lengthAdjust"] = "spacingAndGlyphs"  # type: ignore[attr-defined]


def _link(dwg: svgwrite.Drawing, href: str, cls: str, target: str | None = None) -> Group:
    # svgwrite writes xlink:href and target="_blank"; plain SVG 2 href opens in place, like any link
    link = dwg.a(href=href, class_=cls)
    del link.attribs["xlink:href"], link.attribs["target"]
    link.attribs["href"] = href
    if target:
        link.attribs["target"] = target
    return link


def _cross(g: Group, dwg: svgwrite.Drawing, x: float, y: float, r: float = 3.2) -> None:
    for cls in ("tpbg", "tp"):
        g.add(dwg.path(d=f"M{_fmt(x - r)} {_fmt(y - r)}L{_fmt(x + r)} {_fmt(y + r)}M{_fmt(x - r)} {_fmt(y + r)}"
                         f"L{_fmt(x + r)} {_fmt(y - r)}", class_=cls))


def _panel(dwg: svgwrite.Drawing, panel: Panel, opts: Options, dx: float, dy: float, pid: str,
           single: bool = False) -> Group:
    geo = panel.geometry
    g = dwg.g(transform=f"translate({_fmt(dx)} {_fmt(dy)})", id=pid)
    g.add(dwg.path(d=geo.silhouette, class_="skin"))
    for d in geo.details:
        g.add(dwg.path(d=d, class_="detail"))
    for z in panel.zones:
        if z.kind == "heat":
            shape = _heat(dwg, z.d, z.level, opts)
        else:
            cls = {"essential": "ess", "spillover": "spill", "selected": "sel"}.get(z.kind, "zone-plain")
            shape = dwg.path(d=z.d, class_=cls)
            if cls == "spill":
                shape.attribs["fill"] = "url(#stipple)"
        shape.set_desc(title=z.name)
        if z.href:
            link = _link(dwg, z.href, "z", opts.target)
            link.attribs["aria-label"] = z.name
            link.add(shape)
            g.add(link)
        else:
            g.add(shape)
    # deep muscles first, so superficial ones stay on top and catch clicks where they overlap
    for m in sorted(panel.muscles, key=lambda m: m.depth != "deep"):
        if m.depth == "deep" and not opts.deep:
            continue
        cls = f"m {m.depth}"
        side_name = f"{m.name} ({m.side})" if m.side in ("right", "left") else m.name
        shape = dwg.path(d=m.d, class_="shape")
        if m.href:
            holder = _link(dwg, m.href, cls, opts.target)
            holder.attribs["aria-label"] = side_name
            holder.attribs["data-muscle"] = m.slug
        else:
            holder = dwg.g(class_=cls)
        shape.set_desc(title=side_name)
        holder.add(shape)
        if opts.fibres and m.fibres:
            holder.add(dwg.path(d=m.fibres, class_="fib"))
        g.add(holder)
    for mark in panel.marks:
        _cross(g, dwg, mark.x, mark.y)
        if opts.labels:
            g.add(dwg.text(mark.label, insert=(mark.x + 5, mark.y - 4), class_="lbl"))
    if opts.labels and not single:
        sub = dwg.text(geo.title, insert=(geo.width / 2, 12), text_anchor="middle", class_="sub")
        _fit(sub, len(geo.title), 4.9, geo.width - 10)
        g.add(sub)
    if len(geo.sides) == 2:
        left_x, right_x = 48, geo.width - 48  # inset, so neighbouring panels do not read "L L"
        r_at, l_at = (left_x, right_x) if geo.right_on_viewer == "left" else (right_x, left_x)
        g.add(dwg.text("R", insert=(r_at, 40), text_anchor="middle", class_="side"))
        g.add(dwg.text("L", insert=(l_at, 40), text_anchor="middle", class_="side"))
    else:
        g.add(dwg.text("Right side", insert=(8, 26), class_="sub"))
    return g


def _legend(dwg: svgwrite.Drawing, opts: Options, has_tp: bool, has_zones: bool, has_heat: bool, y: float) -> Group:
    g = dwg.g(id="legend")
    x = 10.0
    items: list[tuple[str, str]] = []
    if has_tp:
        items.append(("tp", "Trigger point (X)"))
    if has_zones:
        items += [("ess", "Essential referral zone (solid)"), ("spill", "Spillover zone (stippled)")]
    if has_heat:
        items += [(f"heat{lvl}", f"{lvl}{'+' if lvl == HEAT_LEVELS else ''} muscle{'s' if lvl > 1 else ''}")
                  for lvl in range(1, HEAT_LEVELS + 1)]
    for kind, label in items:
        if kind == "tp":
            _cross(g, dwg, x + 5, y + 5)
        elif kind.startswith("heat"):
            g.add(_heat(dwg, f"M{_fmt(x)} {_fmt(y)}h10v10h-10Z", int(kind[4:]), opts))
            g.add(dwg.rect(insert=(x, y), size=(10, 10), fill="none", stroke="#666", stroke_width=0.4))
        else:
            rect = dwg.rect(insert=(x, y), size=(10, 10), class_=kind, stroke="#666", stroke_width=0.4)
            if kind == "spill":
                rect.attribs["fill"] = "url(#stipple)"
            g.add(rect)
        g.add(dwg.text(label, insert=(x + 14, y + 8.5), class_="lbl"))
        x += 18 + 4.2 * len(label)
    for extra in opts.extra_legend:
        g.add(dwg.text(extra, insert=(x, y + 8.5), class_="lbl"))
        x += 10 + 4.2 * len(extra)
    return g


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
    """Draw panels side by side with a title, an optional legend and the attribution line."""
    c = SCHEMES[opts.scheme]
    gap = 10.0
    top = 22.0
    total_w = sum(p.geometry.width for p in panels) + gap * (len(panels) - 1)
    body_h = max(p.geometry.height for p in panels)
    has_tp = any(p.marks for p in panels)
    has_zones = any(z.kind in ("essential", "spillover") for p in panels for z in p.zones)
    has_heat = any(z.kind == "heat" for p in panels for z in p.zones)
    legend_h = 22.0 if opts.legend and (has_tp or has_zones or has_heat or opts.extra_legend) else 0.0
    total_h = top + body_h + legend_h + 14
    size = {"width": opts.width, "height": round(opts.width * total_h / total_w)} if opts.width else {}
    dwg = svgwrite.Drawing(size=("100%", "100%"), viewBox=f"0 0 {_fmt(total_w)} {_fmt(total_h)}", debug=debug,
                           profile="full", id=map_id, class_="atlas-map")
    if size:
        dwg.attribs["width"], dwg.attribs["height"] = size["width"], size["height"]
    else:
        del dwg.attribs["width"], dwg.attribs["height"]
    dwg.attribs["aria-labelledby"] = f"{map_id}-title {map_id}-desc"
    dwg.defs.add(dwg.style(_style(c)))
    _defs(dwg, c, opts.heat_max)
    dwg.add(dwg.rect(insert=(0, 0), size=(total_w, total_h), fill="#ffffff"))
    ttl = dwg.text(title, insert=(10, 16), class_="ttl")
    _fit(ttl, len(title), 7.4, total_w - 20)
    dwg.add(ttl)
    x = 0.0
    for i, panel in enumerate(panels):
        dwg.add(_panel(dwg, panel, opts, x, top, f"{map_id}-{panel.geometry.view}-{i}", single=len(panels) == 1))
        x += panel.geometry.width + gap
    if legend_h:
        dwg.add(_legend(dwg, opts, has_tp, has_zones, has_heat, top + body_h + 2))
    line = f"{attribution} · {opts.source_url}" if opts.source_url else attribution
    attr = dwg.text(line, insert=(total_w - 6, total_h - 4), text_anchor="end", class_="attr")
    _fit(attr, len(line), 3.6, total_w - 12)
    dwg.add(attr)
    out = str(dwg.tostring()).replace(' xmlns:ev="http://www.w3.org/2001/xml-events"', "")
    # pattern ids carry the map's id, so several maps inline in one page never share an id
    out = re.sub(r'(id="|url\(#)(stipple|heat\d)', lambda m: f"{m[1]}{map_id}-{m[2]}", out)
    # svgwrite's <title>/<desc> take no id, and aria-labelledby needs one: add them as the first children
    head = out.index(">") + 1
    return (f'{out[:head]}<title id="{map_id}-title">{escape(title)}</title>'
            f'<desc id="{map_id}-desc">{escape(desc)}</desc>{out[head:]}')
