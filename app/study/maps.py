"""The study cards' own pictures, drawn by the atlas's renderer: a pattern without the muscle's name,
a muscle alone on one view (where is its trigger point?), and the board on which a pattern is marked."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace

from cachetools import LRUCache

from app import queries
from app.maps import figures, paths
from app.maps.paths import Box
from app.maps.render import MuscleDrawing, Options, Panel, ViewGeometry, ZoneDrawing, render
from app.urls import urls

QUESTION = Options(width=None, labels=False, legend=False)
WORKSHEET_WIDTH = 800  # the worksheet's pictures are laid out as for 800 px (text large enough on paper)
_SKIN = re.compile(r'<path\b[^>]*\bclass="skin"[^>]*>')
_D = re.compile(r'\bd="([^"]+)"')
Transform = tuple[float, float, float, float]  # [sx, sy, tx, ty]: view coordinates to a picture's


def pattern_question(conn: sqlite3.Connection, slug: str, map_id: str = "pattern-q") -> str | None:
    """The muscle's referral map with nothing that names it: no title, no labels, shapes called "the muscle"."""
    if queries.name_of(conn, "muscle", slug) is None:
        return None
    panels = figures.muscle_panels(conn, slug)
    if not panels:
        return None
    anon = [replace(p, muscles=[replace(m, slug="muscle", name="The muscle", href=None) for m in p.muscles],
                    marks=[replace(k, name=k.label, tp=k.label) for k in p.marks]) for p in panels]
    desc = ("A referral pattern on the right side: trigger points marked X, essential zones solid, "
            "spillover zones stippled. Which muscle refers pain here?")
    return render(anon, "Which muscle refers pain here?", desc, QUESTION, map_id=map_id)


@dataclass(frozen=True)
class WhereView:
    view: ViewGeometry
    drawings: list[MuscleDrawing]
    points: list[tuple[str, str, float, float]]  # label, location, x, y in view units


def where_view(conn: sqlite3.Connection, muscle: queries.Row, geos: dict[str, ViewGeometry],
               drawn: dict[str, list[MuscleDrawing]]) -> WhereView | None:
    """The view that shows the muscle largest among those that place its right-side trigger points on it."""
    best: tuple[float, WhereView] | None = None
    for view, geo in geos.items():
        mine = [m for m in drawn.get(view, []) if m.slug == muscle["slug"] and m.side in ("right", "midline")]
        pts = [(tp["label"], tp["location"], *tp["positions"][view]) for tp in muscle["trigger_points"]
               if view in tp["positions"]]
        if not mine or not pts:
            continue
        box = _union([m.box for m in mine])
        body = geo.body
        size = max(box[2] - box[0], box[3] - box[1]) / max(1.0, body[3] - body[1])
        if best is None or size > best[0]:
            best = (size, WhereView(geo, mine, pts))
    return best[1] if best else None


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _crop(w: WhereView) -> Box:
    """Around the muscle and its trigger points, with room to miss: never less than a fifth of the figure."""
    body = w.view.body
    box = _union([m.box for m in w.drawings] + [(x, y, x, y) for *_, x, y in w.points])
    side = max(box[2] - box[0], box[3] - box[1], 0.2 * (body[3] - body[1]))
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    half = side * 0.75
    x0, x1 = max(body[0], cx - half), min(body[2], cx + half)
    y0, y1 = max(body[1], cy - half), min(body[3], cy + half)
    return (x0, y0, x1, y1)


def where_question(w: WhereView, name: str, map_id: str = "where-q") -> tuple[str, Transform]:
    """The muscle alone on its view, without its trigger points; and the [sx, sy, tx, ty] that carries
    the view's coordinates into the picture's (what a click is scored in)."""
    panel = Panel(geometry=w.view, muscles=[replace(m, href=None) for m in w.drawings], crop=_crop(w))
    svg = render([panel], f"Where is the trigger point? {name}",
                 f"{name} on the {w.view.title.lower()}, right side; its trigger points are not shown.",
                 QUESTION, map_id=map_id)
    return svg, transform_of(svg, w.view)


class WherePictures:
    """Each muscle's where-is-the-trigger-point picture and its transform, drawn once per atlas: a deck needs
    the transforms of all its cards, and drawing them is what costs (about 0.1 s a muscle). The transforms
    are all kept (a few numbers a muscle); the pictures, about 60 kB each, up to ``keep``: with the default, one
    of each muscle of today's atlas, as the static export asks for each twice (the card, the image)."""

    def __init__(self, keep: int = 200) -> None:
        self._transforms: dict[str, Transform] = {}
        self._svgs: LRUCache[str, str] = LRUCache(maxsize=keep)

    def transform(self, slug: str, w: WhereView, name: str) -> Transform:
        if slug not in self._transforms:
            self.svg(slug, w, name)
        return self._transforms[slug]

    def svg(self, slug: str, w: WhereView, name: str) -> str:
        svg = self._svgs.get(slug)
        if svg is None:
            svg, self._transforms[slug] = where_question(w, name, map_id=f"where-{slug}")
            self._svgs[slug] = svg
        return svg


def transform_of(svg: str, geo: ViewGeometry) -> Transform:
    """Recover the renderer's view-to-picture mapping from the silhouette it drew: the renderer moves every
    path by one uniform scale and shift, so the bounds of the drawn silhouette against the view's give it.
    (The renderer does not expose the mapping itself; when it does, read it from there instead.)"""
    tag = _SKIN.search(svg)
    d = _D.search(tag[0]) if tag else None
    if d is None:
        raise ValueError("no silhouette drawn in the picture")
    drawn, own = paths.bounds(d[1]), geo.body
    scale = (drawn[2] - drawn[0]) / (own[2] - own[0])
    return (round(scale, 6), round(scale, 6), round(drawn[0] - scale * own[0], 4), round(drawn[1] - scale * own[1], 4))


def board(conn: sqlite3.Connection, view: str, map_id: str) -> str | None:
    """One view with every zone a focusable target, none marked: the student marks a pattern on it."""
    geo = {g.view: g for g in queries.views(conn)}.get(view)
    if geo is None:
        return None
    zobj = queries.zone_objects(conn)
    zones = [ZoneDrawing(slug=z, name=zobj[z]["name"], d=d, kind="plain", href=urls.zone(z))
             for z, d in queries.view_zones(conn, view).items()]
    panel = Panel(geometry=geo, zones=zones)
    return render([panel], f"Mark the pattern: {geo.title}",
                  "Each area of the body is a target: select it to mark it as part of the pattern, again to unmark it. "
                  f"The body's right side is on the viewer's {geo.right_on_viewer}.",
                  replace(QUESTION, plate=None), map_id=map_id)


def worksheet_pair(conn: sqlite3.Connection, slug: str) -> tuple[str, str] | None:
    """A muscle's frames blank (the body and the muscle in grey, no zone, no trigger point: what a student
    draws the pattern on) and the same frames with the pattern (the answer key), composed once."""
    name = queries.name_of(conn, "muscle", slug)
    panels = figures.muscle_panels(conn, slug) if name else []
    if not name or not panels:
        return None
    opts = Options(width=WORKSHEET_WIDTH, legend=False)
    blank = [replace(p, zones=[], marks=[]) for p in panels]
    outline = render(blank, name, f"{name} on the body, right side, with no pattern drawn: draw its referral pattern.",
                     replace(opts, labels=False, scheme="greyscale"), map_id=f"sheet-{slug}")
    key = render(panels, name, f"Referral pattern of {name} on the right side: trigger points marked X, essential "
                 "zones solid, spillover zones stippled.", opts, map_id=f"key-{slug}")
    return outline, key
