"""Assemble the atlas's maps: pick panels and highlights from the database, then call the renderer."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from enum import StrEnum

from fastapi import Path

from app import queries
from app.maps.render import HEAT_LEVELS, Options, Panel, ViewGeometry, ZoneDrawing, render
from app.urls import urls

FULL_VIEWS = ("anterior", "posterior", "lateral")
FMT_PATH = Path(pattern="^(svg|png)$", description="svg or png")


class Scheme(StrEnum):
    clinical = "clinical"
    colour_blind = "colour-blind"
    greyscale = "greyscale"


def _views(conn: sqlite3.Connection) -> dict[str, ViewGeometry]:
    return {v.view: v for v in queries.views(conn)}


def view_map(conn: sqlite3.Connection, view: str, opts: Options, *, current: str | None = None,
             zone_links: bool = False, selected: frozenset[str] = frozenset(), map_id: str = "map") -> str | None:
    """A whole view: every drawn muscle a link to its page (or every zone a toggle, for the pain map)."""
    geo = _views(conn).get(view)
    if geo is None:
        return None
    if zone_links:
        zobj = queries.zone_objects(conn)
        shapes = queries.view_zones(conn, view)
        zones = []
        for z, d in shapes.items():
            on = z in selected
            nxt = sorted(selected - {z}) if on else sorted(selected | {z})
            zones.append(ZoneDrawing(slug=z, name=f"{zobj[z]['name']}{' (selected)' if on else ''}", d=d,
                                     kind="selected" if on else "plain", href=urls.lookup(nxt)))
        panel = Panel(geometry=geo, zones=zones)
        title = f"Where does it hurt? {geo.title}"
        desc = "Select the painful areas on the body; each area is a link that adds or removes it."
    else:
        muscles = [replace(m, href=urls.muscle(m.slug)) for m in queries.view_muscles(conn, view)]
        panel = Panel(geometry=geo, muscles=muscles)
        title = f"Muscles — {geo.title}"
        desc = (f"{len({m.slug for m in muscles})} muscles drawn; each is a link to its page. Deep muscles are "
                "dashed outlines. The body's right side is on the viewer's "
                f"{geo.right_on_viewer}.")
    return render([panel], title, desc, opts, map_id=map_id)


def muscle_map(conn: sqlite3.Connection, slug: str, opts: Options, views: list[str] | None = None,
               map_id: str = "map", links: bool = False) -> str | None:
    """One muscle: its shape, trigger points as X, essential zones solid and spillover stippled."""
    name = queries.name_of(conn, "muscle", slug)
    if name is None:
        return None
    allv = _views(conn)
    pattern = queries.muscle_pattern(conn, slug, "right")
    zobj = queries.zone_objects(conn)
    panels = []
    for view, geo in allv.items():
        if views and view not in views:
            continue
        shapes = queries.view_zones(conn, view)
        drawn = [d for d in queries.view_muscles(conn, view) if d.slug == slug and d.side == "right"]
        zones = queries.zone_drawings(shapes, pattern, zobj)
        if links:  # embeds: the muscle and each zone open their atlas page
            drawn = [replace(d, href=urls.muscle(d.slug)) for d in drawn]
            zones = [replace(z, href=urls.zone(z.slug)) for z in zones]
        if not drawn and not zones:
            continue
        if view not in FULL_VIEWS and not drawn and views is None:
            continue  # close-ups only where the muscle itself is drawn
        panels.append(Panel(geometry=geo, muscles=drawn, zones=zones,
                            marks=queries.muscle_marks(conn, slug, view, "right")))
    if not panels:
        return None
    panels = _limit(panels)
    desc = (f"Referral pattern of {name} trigger points on the right side: trigger points marked X, "
            "essential zones solid, spillover zones stippled. The pattern is the mirror image on the left.")
    return render(panels, f"{name} — trigger points and referral pattern", desc, opts, map_id=map_id)


def _limit(panels: list[Panel]) -> list[Panel]:
    # Wide strips of many panels shrink each figure; keep the most informative three.
    def weight(p: Panel) -> tuple[int, int, int]:
        return (len([z for z in p.zones if z.kind == "essential"]), len(p.marks), len(p.zones))

    if len(panels) <= 3:
        return panels
    keep = sorted(panels, key=weight, reverse=True)[:3]
    return [p for p in panels if p in keep]


def heat_map(conn: sqlite3.Connection, counts: dict[str, int], title: str, desc: str, opts: Options,
             map_id: str = "map", links: bool = False) -> str | None:
    if not counts:
        return None
    zobj = queries.zone_objects(conn)
    top = max(counts.values())
    panels = []
    for view, geo in _views(conn).items():
        if view not in FULL_VIEWS:
            continue
        shapes = queries.view_zones(conn, view)
        zones = [ZoneDrawing(slug=z, name=f"{zobj[z]['name']}: {n} muscle{'s' if n > 1 else ''}", d=shapes[z],
                             kind="heat", level=min(n, HEAT_LEVELS), href=urls.zone(z) if links else None)
                 for z, n in sorted(counts.items(), key=lambda kv: kv[1]) if z in shapes]
        if zones:
            panels.append(Panel(geometry=geo, zones=zones))
    if not panels:
        return None
    return render(panels, title, desc, Options(**{**opts.__dict__, "heat_max": top}), map_id=map_id)


def selection_map(conn: sqlite3.Connection, selected: list[str], title: str, opts: Options,
                  pattern: dict[str, str] | None = None, muscle: str | None = None, side: str = "right",
                  map_id: str = "map") -> str | None:
    """Selected zones (and optionally one candidate's pattern and trigger points) on the full views."""
    zobj = queries.zone_objects(conn)
    panels = []
    for view, geo in _views(conn).items():
        if view not in FULL_VIEWS:
            continue
        shapes = queries.view_zones(conn, view)
        zones = queries.zone_drawings(shapes, pattern or {}, zobj)
        zones += [ZoneDrawing(slug=z, name=f"{zobj[z]['name']}: selected", d=shapes[z], kind="selected")
                  for z in selected if z in shapes and not pattern]
        drawn = [d for d in queries.view_muscles(conn, view) if d.slug == muscle and d.side == side]
        marks = queries.muscle_marks(conn, muscle, view, side) if muscle else []
        if zones or drawn:
            panels.append(Panel(geometry=geo, zones=zones, muscles=drawn, marks=marks))
    if not panels:
        return None
    return render(_limit(panels), title, "Painful areas selected in the lookup.", opts, map_id=map_id)
