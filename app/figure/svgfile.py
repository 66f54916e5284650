"""The figure's drawings as one SVG per view, in layers an illustrator edits in Inkscape.

``svg/<view>.svg`` holds, in layers (``<g inkscape:groupmode="layer" id=...>``):

- ``bones``: the skeleton a plate shows under its muscles (scapula, ribs, pelvis, femur...), one
  closed path per bone or bony region, ``id`` = ``<bone>-bone``; drawn under the muscles of the
  deep plate, never on the superficial plate or a referral map;
- ``details``: light anatomical lines (clavicle, scapular spine, kneecap...), open or closed paths;
- ``muscles-deep`` and ``muscles``: one closed path per muscle, ``id`` = the muscle's slug, drawn in
  document order (later lies on top). ``data-origin`` and ``data-insertion`` (two points each,
  ``"x1,y1 x2,y2"``) span the frame trigger points are placed in; ``data-fibres`` counts fibre
  lines. An optional closed path ``id="<slug>.tendon"`` marks the tendinous part of the shape (drawn
  in tendon white over the muscle, as anatomy plates colour tendon and aponeurosis). An optional
  open path ``id="<slug>.lines"`` adds lines inside the muscle (tendinous
  intersections, digitations);
- ``zones``: one closed path per referral zone, ``id`` = the zone's slug; ``data-midline="true"``
  for a zone that spans the midline and is drawn once;
- ``body`` (close-ups without the mesh only): ``<path id="silhouette">``.

Only the body's right side (and the midline) is drawn where a view shows both: the left is the
mirror image. Any transform Inkscape puts on a layer or path is applied. Problems are reported as
``file#id: what is wrong``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from svgelements import Arc, Close, CubicBezier, Line, Matrix, Move, QuadraticBezier
from svgelements import Path as SvgPath

Point = tuple[float, float]
SVG_NS = "http://www.w3.org/2000/svg"
INK_NS = "http://www.inkscape.org/namespaces/inkscape"
LAYERS = ("body", "bones", "details", "muscles-deep", "muscles", "zones")
SAMPLES = 8


class SvgFigureError(ValueError):
    pass


@dataclass(frozen=True)
class Drawn:
    id: str
    layer: str
    d: str  # absolute path data, transforms applied
    rings: list[list[Point]]  # closed subpaths, sampled
    lines: list[list[Point]]  # open subpaths, sampled
    attrs: dict[str, str]


@dataclass
class SvgFigure:
    file: str
    items: dict[str, Drawn] = field(default_factory=dict)  # in document order

    def layer(self, name: str) -> list[Drawn]:
        return [d for d in self.items.values() if d.layer == name]


def _tag(el: ET.Element) -> str:
    return el.tag.rsplit("}", 1)[-1]


def _sample(path: SvgPath) -> tuple[list[list[Point]], list[list[Point]]]:
    rings: list[list[Point]] = []
    lines: list[list[Point]] = []
    for sub in path.as_subpaths():
        pts: list[Point] = []
        closed = False
        for seg in sub:
            if isinstance(seg, Move):
                pts.append((float(seg.end.x), float(seg.end.y)))
            elif isinstance(seg, Close):
                closed = True
            elif isinstance(seg, Line):
                pts.append((float(seg.end.x), float(seg.end.y)))
            elif isinstance(seg, CubicBezier | QuadraticBezier) or hasattr(seg, "point"):
                for k in range(1, SAMPLES + 1):
                    p = seg.point(k / SAMPLES)
                    pts.append((float(p.x), float(p.y)))
        if len(pts) >= 2:
            (rings if closed and len(pts) >= 3 else lines).append(pts)
    return rings, lines


def _n(v: float) -> str:
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def path_data(path: SvgPath) -> str:
    """Compact absolute path data (M, L, C, Q, Z; arcs as curves) whatever Inkscape wrote."""
    out: list[str] = []
    for seg in path.segments():
        if isinstance(seg, Move):
            out.append(f"M{_n(seg.end.x)} {_n(seg.end.y)}")
        elif isinstance(seg, Close):
            out.append("Z")
        elif isinstance(seg, Line):
            out.append(f"L{_n(seg.end.x)} {_n(seg.end.y)}")
        elif isinstance(seg, CubicBezier):
            out.append(f"C{_n(seg.control1.x)} {_n(seg.control1.y)} {_n(seg.control2.x)} {_n(seg.control2.y)} "
                       f"{_n(seg.end.x)} {_n(seg.end.y)}")
        elif isinstance(seg, QuadraticBezier):
            out.append(f"Q{_n(seg.control.x)} {_n(seg.control.y)} {_n(seg.end.x)} {_n(seg.end.y)}")
        elif isinstance(seg, Arc):
            for cub in seg.as_cubic_curves():
                out.append(f"C{_n(cub.control1.x)} {_n(cub.control1.y)} {_n(cub.control2.x)} {_n(cub.control2.y)} "
                           f"{_n(cub.end.x)} {_n(cub.end.y)}")
    return "".join(out)


def read(path: Path, rel: str) -> SvgFigure:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise SvgFigureError(f"{rel}: not readable SVG: {exc}") from exc
    fig = SvgFigure(file=rel)

    def walk(el: ET.Element, layer: str | None, matrix: Matrix) -> None:
        for child in el:
            tag = _tag(child)
            m = Matrix(matrix)
            if child.get("transform"):
                m = Matrix(child.get("transform")) * m
            if tag == "g":
                name = child.get("id") if child.get(f"{{{INK_NS}}}groupmode") == "layer" else None
                if name is not None and name not in LAYERS:
                    raise SvgFigureError(f"{rel}#{name}: unknown layer (expected one of {', '.join(LAYERS)})")
                walk(child, name or layer, m)
            elif tag == "path":
                ident = child.get("id")
                if layer is None:
                    continue  # paths outside our layers are the illustrator's own guides
                if not ident:
                    raise SvgFigureError(f"{rel}: a path in layer '{layer}' has no id")
                if ident in fig.items:
                    raise SvgFigureError(f"{rel}#{ident}: the id is used twice")
                try:
                    p = SvgPath(child.get("d", "")) * m
                    p.reify()  # the transform into the points themselves (sampling reads the raw points)
                    rings, lines = _sample(p)
                    d = path_data(p)
                except Exception as exc:  # svgelements raises plain errors on bad path data
                    raise SvgFigureError(f"{rel}#{ident}: cannot read the path data ({exc})") from exc
                if not rings and not lines:
                    raise SvgFigureError(f"{rel}#{ident}: the path is empty")
                attrs = {k: v for k, v in child.attrib.items() if k.startswith("data-")}
                for key in ("data-origin", "data-insertion"):
                    # a frame moves with its path when Inkscape (or an illustrator) transforms a layer
                    if key in attrs and not m.is_identity():
                        attrs[key] = _moved(attrs[key], m)
                fig.items[ident] = Drawn(id=ident, layer=layer, d=d, rings=rings, lines=lines, attrs=attrs)

    walk(root, None, Matrix())
    return fig


def _moved(raw: str, m: Matrix) -> str:
    try:
        pts = [tuple(float(t) for t in pair.split(",")) for pair in raw.split()]
    except ValueError:
        return raw  # left for frame_points to report
    out = []
    for x, y in pts:
        q = m.point_in_matrix_space((x, y))
        out.append(f"{_n(q.x)},{_n(q.y)}")
    return " ".join(out)


def frame_points(drawn: Drawn, key: str, rel: str) -> tuple[Point, Point]:
    raw = drawn.attrs.get(f"data-{key}")
    try:
        a, b = raw.split() if raw else ("", "")
        (x1, y1), (x2, y2) = (tuple(float(t) for t in a.split(",")), tuple(float(t) for t in b.split(",")))
    except ValueError:
        raise SvgFigureError(f"{rel}#{drawn.id}: data-{key} must be two points 'x1,y1 x2,y2'") from None
    return (x1, y1), (x2, y2)


def _f(v: float) -> str:
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def write(view: str, width: float, height: float, layers: dict[str, list[tuple[str, str, dict[str, str]]]],
          note: str = "") -> str:
    """An Inkscape-ready SVG: the layers in order, each a list of (id, path data, data-attributes)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="{SVG_NS}" xmlns:inkscape="{INK_NS}" viewBox="0 0 {_f(width)} {_f(height)}" '
        f'width="{_f(width)}" height="{_f(height)}" data-view="{view}">',
    ]
    if note:
        out.append(f"<!-- {note} -->")
    style = {"body": "fill:#f6e9dd;stroke:#6d5a4d", "bones": "fill:#efe6d2;stroke:#9c8b73;stroke-width:.5",
             "details": "fill:none;stroke:#6d5a4d;stroke-width:.6",
             "muscles-deep": "fill:#e8b4a8;fill-opacity:.3;stroke:#8d4a3c;stroke-dasharray:3 2",
             "muscles": "fill:#e8b4a8;fill-opacity:.6;stroke:#8d4a3c;stroke-width:.7",
             "zones": "fill:#c62828;fill-opacity:.25;stroke:#c62828;stroke-width:.4"}
    for name in LAYERS:
        items = layers.get(name)
        if not items:
            continue
        out.append(f'<g inkscape:groupmode="layer" inkscape:label="{name}" id="{name}" style="{style[name]}">')
        for ident, d, attrs in items:
            extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
            out.append(f'  <path id="{ident}" d="{d}"{extra}/>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
