"""A drawing of one view with every shape, frame and trigger point labelled: a tool for figure authors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import resvg_py

from app.loader.build import read_atlas, trigger_point_at
from app.maps.fonts import resvg_font_options


def draw_view(data_dir: Path, figure_dir: Path, view: str, what: str, crop: str | None,
              scale: float, suffix: str, grid: bool = False, only: frozenset[str] = frozenset()) -> bytes:
    """``grid``: a 10-unit grid labelled every 50, to read coordinates off while drawing;
    ``only``: draw just these muscles and zones (ids), to see one shape against the body."""
    atlas = read_atlas(data_dir, figure_dir)
    fig_problems = [str(p) for p in atlas.problems if p.file.startswith(figure_dir.name) or "outside" in p.message]
    if view not in atlas.views:
        raise ValueError("\n".join(fig_problems) or f"no view '{view}'")
    cv = atlas.views[view]
    x, y, w, h = (float(v) for v in crop.split(",")) if crop else (0.0, 0.0, cv.width, cv.height)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x} {y} {w} {h}" width="{w * scale:.0f}" '
           f'height="{h * scale:.0f}"><rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#fff"/>',
           f'<path d="{cv.silhouette.d}" fill="#f6e9dd" stroke="#6d5a4d" stroke-width="1"/>']
    out += [f'<path d="{d}" fill="#ece2cc" stroke="#a08c6c" stroke-width=".5"/>' for _, d, _w in cv.bones]
    out += [f'<path d="{d}" fill="none" stroke="#999" stroke-width=".6"/>' for d in cv.details]
    if only:
        cv = replace(cv, muscles={k: v for k, v in cv.muscles.items() if k[0] in only},
                     zones={k: v for k, v in cv.zones.items() if k[0] in only})
    fs = max(2.5, 6 / scale * 2)
    if what in ("zones", "both"):
        for i, ((slug, side), z) in enumerate(cv.zones.items()):
            hue = (i * 47) % 360
            out.append(f'<path d="{z.d}" fill="hsl({hue},70%,55%)" fill-opacity=".35" stroke="hsl({hue},70%,35%)" '
                       f'stroke-width=".4"/>')
            c = z.polygon.representative_point()
            if side != "left":
                out.append(f'<text x="{c.x:.1f}" y="{c.y:.1f}" font-size="{fs}" text-anchor="middle" '
                           f'font-family="sans-serif">{slug}</text>')
    if what in ("muscles", "both"):
        for (slug, side), m in cv.muscles.items():
            dash = ' stroke-dasharray="2 1"' if atlas.content.muscles.get(slug) and \
                atlas.content.muscles[slug].depth.value == "deep" else ""
            out.append(f'<path d="{m.d}" fill="#e8b4a8" fill-opacity=".5" stroke="#8d4a3c" stroke-width=".6"{dash}/>'
                       f'<path d="{m.fibres}" stroke="#8d4a3c" stroke-width=".3" fill="none"/>')
            f = m.frame
            out.append(f'<path d="M{f.o0[0]:.1f} {f.o0[1]:.1f}L{f.o1[0]:.1f} {f.o1[1]:.1f}" stroke="#07a" '
                       f'stroke-width=".8"/><path d="M{f.i0[0]:.1f} {f.i0[1]:.1f}L{f.i1[0]:.1f} {f.i1[1]:.1f}" '
                       f'stroke="#a70" stroke-width=".8"/>')
            mus = atlas.content.muscles.get(slug)
            if mus and side == cv.sides[0]:
                for tp in mus.trigger_points:
                    uv = trigger_point_at(tp, view, atlas)
                    if uv is None:
                        continue
                    px, py = f.at(*uv)
                    out.append(f'<path d="M{px - 2:.1f} {py - 2:.1f}l4 4m0 -4l-4 4" stroke="#000" stroke-width=".8"/>')
                c = m.polygon.representative_point()
                out.append(f'<text x="{c.x:.1f}" y="{c.y:.1f}" font-size="{fs}" text-anchor="middle" '
                           f'font-family="sans-serif" fill="#400">{slug}</text>')
    if grid:
        fs_g = max(2.5, 6 / scale * 2)
        for gx in range(int(x // 10) * 10, int(x + w) + 1, 10):
            out.append(f'<path d="M{gx} {y}V{y + h}" stroke="#4a7fd0" stroke-opacity="{.45 if gx % 50 == 0 else .15}" '
                       'stroke-width=".3"/>')
            if gx % 50 == 0:
                out.append(f'<text x="{gx + .5}" y="{y + fs_g}" font-size="{fs_g}" fill="#4a7fd0">{gx}</text>')
        for gy in range(int(y // 10) * 10, int(y + h) + 1, 10):
            out.append(f'<path d="M{x} {gy}H{x + w}" stroke="#4a7fd0" stroke-opacity="{.45 if gy % 50 == 0 else .15}" '
                       'stroke-width=".3"/>')
            if gy % 50 == 0:
                out.append(f'<text x="{x + .5}" y="{gy - .5}" font-size="{fs_g}" fill="#4a7fd0">{gy}</text>')
    out.append("</svg>")
    svg = "".join(out)
    if suffix == ".svg":
        return svg.encode()
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, **cast(dict[str, Any], resvg_font_options())))


def body_svg(figure_dir: Path, view: str) -> str:
    """The mesh body of one view as a plain SVG in the view's units, for an illustrator to trace under
    ``svg/<view>.svg`` (Inkscape: File > Import, or link it as an image in a locked layer)."""
    import yaml

    from app.figure.base import projection
    from app.figure.compile import polygon_path
    from app.schemas.figure import FigureView

    fig = FigureView.model_validate(yaml.safe_load((figure_dir / f"{view}.yaml").read_text(encoding="utf-8")))
    if fig.mesh is None:
        raise ValueError(f"{view}: this view draws its body in svg/{view}.svg (layer 'body')")
    pr = projection(fig.mesh, fig.width, fig.height)
    lines = "".join(f'<path d="M{"L".join(f"{x} {y}" for x, y in ln)}"/>' for ln in pr.lines)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {fig.width} {fig.height}" width="{fig.width}" '
            f'height="{fig.height}"><path d="{polygon_path(pr.outline)}" fill="#f6e9dd" stroke="#6d5a4d"/>'
            f'<g fill="none" stroke="#6d5a4d" stroke-width=".6">{lines}</g></svg>\n')
