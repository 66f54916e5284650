"""One context dict per page, rendered as HTML by a template or returned as its JSON twin.

Keys starting with ``_`` are HTML-only extras (inline SVG maps) and are dropped from the JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from app import queries
from app.atlas import Atlas
from app.maps import figures
from app.maps.render import Options
from app.schemas.content import REGION_ORDER
from app.urls import urls

Ctx = dict[str, Any]
INLINE = Options(width=None, labels=False, legend=False)
HOME_VIEWS = ("anterior", "posterior", "lateral")
REGION_LABELS = {r: r.replace("-", " ").capitalize() for r in REGION_ORDER}


class NotFound(Exception):
    pass


class BadRequest(Exception):
    pass


def crumbs(*items: tuple[str, str | None]) -> list[dict[str, str | None]]:
    home: dict[str, str | None] = {"name": "Atlas", "url": urls.home()}
    return [home] + [{"name": n, "url": u} for n, u in items]


PLATES = {"superficial": "Superficial", "deep": "Deep"}
WHOLE = "whole"
# short tab labels; a view not named here is labelled with its own title
VIEW_LABELS = {"head-lateral": "Head, side", "head-anterior": "Head, front", "hand-palmar": "Hand, palm",
               "hand-dorsal": "Hand, back", "foot-plantar": "Foot, sole", "foot-dorsal": "Foot, top",
               "foot-lateral": "Foot, outer side", "foot-medial": "Foot, inner side"}


def home_url(plate: str = "superficial", view: str = WHOLE) -> str:
    """The home page in one state: which plate (layer of muscles) and which view (whole body or a close-up)."""
    q = {k: v for k, v in (("view", view), ("plate", plate)) if v not in (WHOLE, "superficial")}
    return urls.home() + (f"?{urlencode(q)}" if q else "")


def home(atlas: Atlas, plate: str = "superficial", view: str = WHOLE) -> Ctx:
    if plate not in PLATES:
        raise BadRequest(f"unknown plate '{plate}': superficial or deep")
    with atlas.lock:
        geos = queries.views(atlas.conn)
        maps = {v.view: figures.view_map(atlas.conn, v.view, INLINE, map_id=f"map-{v.view}") for v in geos}
        regions = _regions(queries.muscles(atlas.conn))
    closeups = [g for g in geos if g.view not in HOME_VIEWS and maps.get(g.view)]
    if view != WHOLE and view not in {g.view for g in closeups}:
        raise BadRequest(f"unknown view '{view}': " + ", ".join([WHOLE] + [g.view for g in closeups]))
    counts = json.loads(atlas.meta.get("counts", "{}"))
    tabs = [{"view": WHOLE, "label": "Whole body"}] + [
        {"view": g.view, "label": VIEW_LABELS.get(g.view, g.title)} for g in closeups]
    return {
        "page": "home", "title": "Trigger-point atlas", "breadcrumbs": crumbs(),
        "counts": counts, "plate": plate, "view": view,
        "views": [{"view": g.view, "title": g.title, "svg": urls.view_svg(g.view), "closeup": g.view not in HOME_VIEWS}
                  for g in geos],
        "plates": [{"plate": p, "label": label, "url": home_url(p, view), "current": p == plate}
                   for p, label in PLATES.items()],
        "tabs": [{**t, "url": home_url(plate, t["view"]), "current": t["view"] == view} for t in tabs],
        "regions": [{"region": r, "muscles": [{"slug": m["slug"], "name": m["name"], "url": m["url"]} for m in ms]}
                    for r, ms in regions.items()],
        "_whole": {v: maps[v] for v in HOME_VIEWS if maps.get(v)},
        "_aspects": {v: _aspect(svg) or 0.5 for v, svg in maps.items()},
        "_closeups": [{"view": g.view, "title": g.title, "svg": maps[g.view]} for g in closeups],
    }


def _regions(ms: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {r: [] for r in REGION_ORDER}
    for m in ms:
        out[m["region"]].append({**m, "url": urls.muscle(m["slug"])})
    return {r: v for r, v in out.items() if v}


def muscle_list(atlas: Atlas) -> Ctx:
    with atlas.lock:
        ms = queries.muscles(atlas.conn)
    return {"page": "muscles", "title": "Muscles by region", "breadcrumbs": crumbs(("Muscles", None)),
            "count": len(ms), "regions": [{"region": r, "muscles": v} for r, v in _regions(ms).items()]}


def muscle(atlas: Atlas, slug: str) -> Ctx:
    with atlas.lock:
        m = queries.muscle(atlas.conn, slug)
        if m is None:
            raise NotFound(f"no muscle '{slug}'")
        svg = figures.muscle_map(atlas.conn, slug, Options(width=None), map_id="muscle-map")
        groups = queries.muscle_groups(atlas.conn, slug)
    for g in groups:
        g["url"] = urls.group(g["slug"])
    many = len(m["trigger_points"]) > 1
    for i, tp in enumerate(m["trigger_points"], start=1):
        # the manual draws each trigger point's pattern in its own figure: so can the atlas
        tp["map"] = {"svg": f"{urls.muscle_svg(slug)}?tp={i}", "png": f"{urls.muscle_png(slug)}?tp={i}&width=1200"} \
            if many else None
        for kind in ("essential", "spillover"):
            for z in tp["referral"][kind]:
                z["url"] = urls.zone(z["slug"])
    for c in m["conditions"]:
        c["url"] = urls.condition(c["slug"])
    m.pop("file")
    return {
        "page": "muscle", "title": m["name"], "breadcrumbs": crumbs(("Muscles", urls.muscles()), (m["name"], None)),
        "muscle": m, "groups": groups, "map": {"svg": urls.muscle_svg(slug), "png": urls.muscle_png(slug),
                             "large": f"{urls.muscle_svg(slug)}?width=1600"},
        "share": share(atlas.base_url, "muscle", slug, f"{m['name']}: trigger points and referral pattern"),
        "api": urls.api_muscle(slug), "_map": svg, "_map_aspect": _aspect(svg),
    }


def _aspect(svg: str | None) -> float | None:
    """Width over height of a map, from its viewBox: lets the page size the map to the screen."""
    vb = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg or "")
    if not vb or not float(vb[2]):
        return None
    return round(float(vb[1]) / float(vb[2]), 4)


def condition_list(atlas: Atlas) -> Ctx:
    with atlas.lock:
        cs = queries.conditions(atlas.conn)
    for c in cs:
        c["url"] = urls.condition(c["slug"])
    return {"page": "conditions", "title": "Conditions", "breadcrumbs": crumbs(("Conditions", None)),
            "conditions": cs}


def condition(atlas: Atlas, slug: str) -> Ctx:
    with atlas.lock:
        c = queries.condition(atlas.conn, slug)
        if c is None:
            raise NotFound(f"no condition '{slug}'")
        heat = queries.condition_heat(atlas.conn, slug)
        svg = figures.heat_map(atlas.conn, heat, f"{c['name']} — where its muscles refer pain",
                               "Heat map: the more of the related muscles refer to an area, the denser it is drawn.",
                               Options(width=None), map_id="condition-map",
                               counted=[m["name"] for m in c["muscles"]])
    for m in c["muscles"]:
        m["url"] = urls.muscle(m["slug"])
    zobj = atlas.zone_objects
    hot = [{"zone": z, "name": zobj[z]["name"], "muscles": n, "url": urls.zone(z)}
           for z, n in sorted(heat.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {"page": "condition", "title": c["name"],
            "breadcrumbs": crumbs(("Conditions", urls.conditions()), (c["name"], None)),
            "condition": c, "zones": hot, "map": {"svg": urls.condition_svg(slug)}, "_map": svg,
            "share": share(atlas.base_url, "condition", slug, f"{c['name']}: referral heat map")}


GROUP_KINDS = {"group": "Muscle groups", "divisions": "Muscles described in divisions"}


def group_list(atlas: Atlas) -> Ctx:
    with atlas.lock:
        gs = queries.groups(atlas.conn)
    for g in gs:
        g["url"] = urls.group(g["slug"])
        for m in g["members"]:
            m["url"] = urls.muscle(m["slug"])
    return {"page": "groups", "title": "Muscle groups", "breadcrumbs": crumbs(("Groups", None)),
            "kinds": [{"kind": k, "title": t, "groups": [g for g in gs if g["kind"] == k]}
                      for k, t in GROUP_KINDS.items()]}


def group(atlas: Atlas, slug: str) -> Ctx:
    with atlas.lock:
        g = queries.group(atlas.conn, slug)
        if g is None:
            raise NotFound(f"no group '{slug}'")
        heat = queries.group_heat(atlas.conn, slug)
        by_zone = {z["zone"]: z["muscles"] for z in queries.group_zones(atlas.conn, slug)}
        svg = figures.heat_map(atlas.conn, heat, f"{g['name']} — combined referral pattern",
                               "Heat map: the more of the group's muscles refer to an area, the denser it is drawn.",
                               Options(width=None), map_id="group-map", counted=[m["name"] for m in g["members"]])
    names = {m["slug"]: m["name"] for m in g["members"]}
    for m in g["members"]:
        m["url"] = urls.muscle(m["slug"])
    zobj = atlas.zone_objects
    # the combined pattern: zones most of the members refer to first, essential before spillover
    pattern = [{"zone": z, "name": zobj[z]["name"], "url": urls.zone(z), "muscles": n,
                "referred_by": [{**r, "name": names[r["slug"]], "url": urls.muscle(r["slug"])} for r in by_zone[z]]}
               for z, n in sorted(heat.items(), key=lambda kv: (-kv[1], -sum(r["kind"] == "essential"
                                                                                  for r in by_zone[kv[0]]), kv[0]))]
    return {"page": "group", "title": g["name"], "breadcrumbs": crumbs(("Groups", urls.groups()), (g["name"], None)),
            "group": g, "pattern": pattern,
            "api": urls.api_group(slug), "_map": svg}


def zone_list(atlas: Atlas) -> Ctx:
    with atlas.lock:
        zs = queries.zones(atlas.conn)
    regions: dict[str, list[dict[str, Any]]] = {r: [] for r in REGION_ORDER}
    for z in zs:
        regions[z["region"]].append({**z, "url": urls.zone(z["slug"])})
    return {"page": "zones", "title": "Body zones", "breadcrumbs": crumbs(("Zones", None)),
            "regions": [{"region": r, "zones": v} for r, v in regions.items() if v]}


def zone(atlas: Atlas, slug: str) -> Ctx:
    z = atlas.zone_objects.get(slug)
    if z is None:
        raise NotFound(f"no zone '{slug}'")
    with atlas.lock:
        ms = queries.zone_muscles(atlas.conn, slug)
        svg = figures.selection_map(atlas.conn, [slug], f"{z['name']}", Options(width=None, legend=False),
                                    map_id="zone-map")
    for m in ms:
        m["url"] = urls.muscle(m["slug"])
    return {"page": "zone", "title": z["name"], "breadcrumbs": crumbs(("Zones", urls.zones()), (z["name"], None)),
            "zone": z, "muscles": ms, "lookup": urls.lookup([slug]), "_map": svg}


def split_zones(values: list[str]) -> list[str]:
    """Zone slugs from ``zones`` values, comma-separated or repeated, each once, in order."""
    return list(dict.fromkeys(z.strip() for v in values for z in v.split(",") if z.strip()))


def parse_zones(values: list[str], known: dict[str, Any]) -> list[str]:
    zs = split_zones(values)
    unknown = [z for z in zs if z not in known]
    if unknown:
        raise BadRequest("unknown zone(s): " + ", ".join(unknown[:20]))
    if len(zs) > 60:
        raise BadRequest("too many zones: at most 60")
    return zs


def referring_selection(referer: str, host: str, known: dict[str, Any]) -> list[str]:
    """The zones selected on the lookup page a link was followed from (none from anywhere else);
    zones the atlas does not know are dropped, since the page they came from could not show them."""
    parts = urlsplit(referer)
    if parts.netloc != host or parts.path != "/lookup":
        return []
    return [z for z in split_zones([v for k, v in parse_qsl(parts.query) if k == "zones"]) if z in known][:59]


def lookup_results(atlas: Atlas, zone_values: list[str], limit: int = 25) -> Ctx:
    """The ranked muscles for a selection of zones, with the reason for each."""
    zobj = atlas.zone_objects
    selected = parse_zones(zone_values, zobj)
    ranked = queries.lookup(atlas.referrals, selected)[:limit]
    results = []
    for i, c in enumerate(ranked):
        results.append({
            "rank": i + 1, "slug": c.muscle, "side": c.side, "name": c.name, "latin": c.latin, "region": c.region,
            "score": c.score, "url": urls.muscle(c.muscle), "map": urls.muscle_svg(c.muscle),
            "explains": [{"zone": e["zone"], "name": zobj[e["zone"]]["name"], "kind": e["kind"],
                          "trigger_points": e["trigger_points"]} for e in c.explained],
            "does_not_explain": [{"zone": z, "name": zobj[z]["name"]} for z in c.unexplained],
            "reason": _reason(c, zobj),
            "guide": None if c.guide is None else {
                "slug": c.guide.guide, "name": c.guide.name, "position": c.guide.position,
                "essential": c.guide.essential, "source": c.guide.source},
        })
    return {"zones": selected, "results": results,
            "scoring": "more of the selected zones explained first; then the order of the manual's pain guide "
                       "for the area; then the score (essential match 1.0, spillover match 0.5, summed over the "
                       "selected zones); then the more specific pattern; one entry a muscle, with the side or "
                       "sides that explain"}


def lookup(atlas: Atlas, zone_values: list[str], limit: int = 25) -> Ctx:
    data = lookup_results(atlas, zone_values, limit)
    selected = data["zones"]
    zobj = atlas.zone_objects
    # the pain maps and the candidates' thumbnails do not depend on the selection: drawn once, they
    # make a page for a new selection cost the ranking alone (the page marks its zones with a style rule)
    with atlas.lock:
        views = [v.view for v in queries.views(atlas.conn)]
    zs = atlas.drawn(("zones",), partial(queries.zones, atlas.conn))
    maps = {view: atlas.drawn(("picker", view), partial(_picker, atlas, view)) for view in views}
    regions: dict[str, list[dict[str, Any]]] = {}
    for z in zs:
        if z["views"]:
            regions.setdefault(z["region"], []).append({"slug": z["slug"], "name": z["name"],
                                                        "checked": z["slug"] in selected})
    return {
        "page": "lookup", "title": "Where does it hurt?", "breadcrumbs": crumbs(("Pain lookup", None)),
        "selected": [{"slug": z, "name": zobj[z]["name"], "remove": urls.lookup([x for x in selected if x != z])}
                     for z in selected],
        **data, "_regions": regions, "_maps": maps, "_clear": urls.lookup(),
        "_aspects": {v: _aspect(svg) or 0.5 for v, svg in maps.items()},
        "_marked_css": marked_css(selected),
    }


def _picker(atlas: Atlas, view: str) -> str | None:
    return figures.view_map(atlas.conn, view, INLINE, zone_links=True, map_id=f"pain-{view}")


def marked_css(selected: list[str]) -> str:
    """The style rule that marks a page's selected zones on its (shared) pain maps; zone slugs only
    reach here checked against the atlas. atlas.js writes the same rule when it swaps the page."""
    if not selected:
        return ""
    links = ",".join(f'#lookup-maps a.z[data-zone-link="{z}"] path' for z in selected)
    return f"{links}{{fill:#8dafd6;fill-opacity:1;stroke:#2f6db5;stroke-width:1.4;stroke-opacity:1}}"


def _reason(c: queries.Candidate, zobj: dict[str, Any]) -> str:
    ess = [zobj[e["zone"]]["name"] for e in c.explained if e["kind"] == "essential"]
    spill = [zobj[e["zone"]]["name"] for e in c.explained if e["kind"] == "spillover"]
    parts = []
    if ess:
        parts.append("essential zone for " + ", ".join(ess))
    if spill:
        parts.append("spillover to " + ", ".join(spill))
    if c.unexplained:
        parts.append("does not explain " + ", ".join(zobj[z]["name"] for z in c.unexplained))
    if c.guide is not None:
        parts.append(f"{_ordinal(c.guide.position)} in the pain guide for {c.guide.name.lower()}"
                     + (" (essential)" if c.guide.essential else ""))
    who = {"both": f"{c.name} (both sides)", "either": f"{c.name} (either side)"}.get(c.side,
                                                                                 f"{c.side.capitalize()} {c.name}")
    return f"{who}: " + "; ".join(parts)


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def search(atlas: Atlas, q: str) -> Ctx:
    q = q.strip()
    if len(q) > 200:
        raise BadRequest("the search text is too long (at most 200 characters)")
    with atlas.lock:
        ft = queries.fulltext(atlas.conn, q) if q else []
    hits = atlas.search_index.search(q, ft) if q else []
    route = {"muscle": urls.muscle, "group": urls.group, "condition": urls.condition, "zone": urls.zone}
    return {"page": "search", "title": f"Search: {q}" if q else "Search",
            "breadcrumbs": crumbs(("Search", None)), "q": q,
            "results": [{"kind": h.kind, "slug": h.slug, "name": h.name, "score": h.score, "url": route[h.kind](h.slug)}
                        for h in hits]}


def public(ctx: Ctx) -> Ctx:
    """The JSON twin: the same context less the HTML-only extras."""
    return {k: v for k, v in ctx.items() if not k.startswith("_")}


def coverage(atlas: Atlas) -> Ctx:
    meta = atlas.meta
    about = json.loads(meta["about"]) if meta.get("about") else {}
    with atlas.lock:
        ms = queries.muscles(atlas.conn)
        cs = queries.conditions(atlas.conn)
        srcs = queries.sources(atlas.conn)
        reviews = queries.review_counts(atlas.conn)
    by_region = {r: len(v) for r, v in _regions(ms).items()}
    views: dict[str, int] = {}
    for m in ms:
        for v in m["views"]:
            views[v] = views.get(v, 0) + 1
    return {
        "page": "coverage", "title": "Coverage", "breadcrumbs": crumbs(("Coverage", None)),
        "counts": json.loads(meta.get("counts", "{}")), "built_at": meta.get("built_at"),
        "version": about.get("version"), "licence": about.get("licence"),
        "figure_origin": meta.get("figure_origin", ""),
        "muscles_by_region": by_region, "muscles_by_view": views,
        "undrawn": [m["slug"] for m in ms if not m["views"]],
        "conditions_without_muscles": [c["slug"] for c in cs if not c["muscle_count"]],
        "muscles_with_second_review": sum(1 for n in reviews.values() if n >= 2),
        "not_yet_covered": about.get("not_yet_covered", []), "changelog": about.get("changelog", []),
        "sources": list(srcs.values()),
    }


def primer(atlas: Atlas) -> Ctx:
    raw = atlas.meta.get("primer")
    if not raw:
        raise NotFound("the primer is not in this build")
    data = json.loads(raw)
    with atlas.lock:
        srcs = queries.sources(atlas.conn)
    for sec in data["sections"]:
        sec["sources"] = queries.resolve_refs(sec["sources"], srcs)
    for ev in data["adverse_events"]:
        ev["source"] = queries.resolve_refs([ev["source"]], srcs)[0]
    data["contraindication_sources"] = queries.resolve_refs(data["contraindication_sources"], srcs)
    return {"page": "primer", "title": data["title"], "breadcrumbs": crumbs(("Dry-needling primer", None)),
            "primer": data}


EMBED = Options(width=None, labels=True, legend=True, target="_top")


def embed_muscle(atlas: Atlas, slug: str) -> Ctx:
    with atlas.lock:
        name = queries.name_of(atlas.conn, "muscle", slug)
        if name is None:
            raise NotFound(f"no muscle '{slug}'")
        svg = figures.muscle_map(atlas.conn, slug, replace(EMBED, source_url=atlas.base_url + urls.muscle(slug)),
                                 map_id="embed-map", links=True)
    return {"page": "embed", "title": f"{name}: trigger points and referral pattern", "kind": "muscle",
            "slug": slug, "url": urls.muscle(slug), "svg_url": urls.muscle_svg(slug), "_map": svg}


def embed_condition(atlas: Atlas, slug: str) -> Ctx:
    with atlas.lock:
        cname = queries.name_of(atlas.conn, "condition", slug)
        if cname is None:
            raise NotFound(f"no condition '{slug}'")
        svg = figures.heat_map(atlas.conn, queries.condition_heat(atlas.conn, slug),
                               f"{cname}: where its muscles refer pain",
                               "Denser hatching: more of the related muscles refer there.",
                               replace(EMBED, source_url=atlas.base_url + urls.condition(slug)),
                               map_id="embed-map", links=True)
    return {"page": "embed", "title": f"{cname}: referral heat map", "kind": "condition", "slug": slug,
            "url": urls.condition(slug), "svg_url": urls.condition_svg(slug), "_map": svg}


def share(base_url: str, kind: str, slug: str, title: str) -> Ctx:
    """What the "Use this map" panel offers: embed snippet, image URLs, a citation line."""
    page = f"{base_url}/{'muscles' if kind == 'muscle' else 'conditions'}/{slug}"
    embed = f"{base_url}/embed/{'muscles' if kind == 'muscle' else 'conditions'}/{slug}"
    svg = f"{base_url}/maps/{'muscles' if kind == 'muscle' else 'conditions'}/{slug}.svg"
    return {
        "page_url": page, "embed_url": embed, "svg": svg, "png": svg[:-4] + ".png",
        "iframe": f'<iframe src="{embed}" title="{title}" width="640" height="520" style="border:0;max-width:100%" '
                  'loading="lazy"></iframe>',
        "citation": f"{title}. Trigger-Point Atlas, {page}. Licence CC BY-SA 4.0.",
        "oembed": f"{base_url}/oembed?url={page}&format=json",
    }
