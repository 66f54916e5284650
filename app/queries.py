"""Every SQL statement of the atlas. Functions take a read-only connection and return plain data."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.maps import paths
from app.maps.render import MuscleDrawing, TriggerPointMark, ViewGeometry, ZoneDrawing

Row = dict[str, Any]


def _j(value: str | None) -> Any:
    return json.loads(value) if value else None


def meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {r["key"]: r["value"] for r in conn.execute("SELECT key, value FROM meta")}


def sources(conn: sqlite3.Connection) -> dict[str, Row]:
    return {
        r["slug"]: {"slug": r["slug"], "kind": r["kind"], "citation": r["citation"], "doi": r["doi"], "url": r["url"]}
        for r in conn.execute("SELECT slug, kind, citation, doi, url FROM source ORDER BY slug")
    }


def pattern_sources(conn: sqlite3.Connection, muscle: str, tp: int | None = None) -> list[Row]:
    """The sources of a muscle's referral patterns (of its ``tp``-th trigger point only, when given),
    each once, in the order its trigger points cite them."""
    srcs = sources(conn)
    rows = conn.execute("SELECT sources FROM trigger_point WHERE muscle = ? ORDER BY id", (muscle,)).fetchall()
    if tp is not None:
        rows = rows[tp - 1:tp]
    out: dict[tuple[str, str], Row] = {}
    for r in rows:
        for ref in _j(r["sources"]):
            if ref["source"] in srcs:
                out.setdefault((ref["source"], ref.get("locator") or ""), {**srcs[ref["source"]],
                                                                            "locator": ref.get("locator")})
    return list(out.values())


def resolve_refs(refs: list[Row], srcs: dict[str, Row]) -> list[Row]:
    return [{**srcs[r["source"]], "locator": r.get("locator")} for r in refs if r["source"] in srcs]


def muscles(conn: sqlite3.Connection) -> list[Row]:
    sql = ("SELECT m.slug, m.name, m.latin, m.region, m.grp, m.depth, m.aliases, m.summary, "
           "(SELECT count(*) FROM trigger_point t WHERE t.muscle = m.slug) AS tps, "
           "(SELECT group_concat(DISTINCT s.view) FROM muscle_shape s WHERE s.muscle = m.slug) AS views "
           "FROM muscle m ORDER BY m.name")
    return [
        {"slug": r["slug"], "name": r["name"], "latin": r["latin"], "region": r["region"], "group": r["grp"],
         "depth": r["depth"], "aliases": _j(r["aliases"]), "summary": r["summary"], "trigger_point_count": r["tps"],
         "views": sorted((r["views"] or "").split(",")) if r["views"] else []}
        for r in conn.execute(sql)
    ]


def zone_objects(conn: sqlite3.Connection) -> dict[str, Row]:
    return {
        r["slug"]: {"slug": r["slug"], "name": r["name"], "region": r["region"], "side": r["side"],
                    "base": r["base"], "base_name": r["base_name"]}
        for r in conn.execute("SELECT slug, name, region, side, base, base_name FROM zone ORDER BY ordinal")
    }


def zones(conn: sqlite3.Connection) -> list[Row]:
    views: dict[str, list[str]] = defaultdict(list)
    for r in conn.execute("SELECT zone, view FROM zone_shape ORDER BY view"):
        views[r["zone"]].append(r["view"])
    refer = {r["zone"]: r["n"] for r in conn.execute(
        "SELECT zone, count(DISTINCT muscle) AS n FROM referral GROUP BY zone")}
    return [{**z, "views": views.get(slug, []), "muscle_count": refer.get(slug, 0)}
            for slug, z in zone_objects(conn).items()]


def muscle(conn: sqlite3.Connection, slug: str) -> Row | None:
    r = conn.execute("SELECT * FROM muscle WHERE slug = ?", (slug,)).fetchone()
    if r is None:
        return None
    srcs = sources(conn)
    zobj = zone_objects(conn)
    tps = []
    for t in conn.execute("SELECT * FROM trigger_point WHERE muscle = ? ORDER BY ordinal", (slug,)):
        ref: dict[str, list[Row]] = {"essential": [], "spillover": []}
        # the pattern as described: for a trigger point on the right side
        for z in conn.execute("SELECT zone, kind FROM referral WHERE tp = ? AND muscle_side = 'right' ORDER BY id",
                              (t["id"],)):
            o = zobj[z["zone"]]
            ref[z["kind"]].append({"slug": o["slug"], "name": o["name"], "region": o["region"]})
        pos = {p["view"]: [p["x"], p["y"]] for p in conn.execute(
            "SELECT view, x, y FROM tp_position WHERE tp = ? AND side = 'right'", (t["id"],))}
        tps.append({"label": t["label"], "location": t["location"], "notes": t["notes"], "referral": ref,
                    "positions": pos, "sources": resolve_refs(_j(t["sources"]), srcs)})
    needling = _j(r["needling"])
    needling["sources"] = resolve_refs(needling["sources"], srcs)
    conds = [
        {"slug": c["slug"], "name": c["name"], "strength": c["strength"],
         "source": resolve_refs([_j(c["source"])], srcs)[0]}
        for c in conn.execute(
            "SELECT c.slug, c.name, cm.strength, cm.source FROM condition_muscle cm JOIN condition c "
            "ON c.slug = cm.condition WHERE cm.muscle = ? ORDER BY cm.strength DESC, c.name", (slug,))
    ]
    views = [v["view"] for v in conn.execute(
        "SELECT DISTINCT s.view FROM muscle_shape s JOIN view v ON v.view = s.view WHERE s.muscle = ? "
        "ORDER BY v.ordinal", (slug,))]
    review = _j(r["review"])
    for rv in review:
        rv["against"] = resolve_refs(rv["against"], srcs)
    return {
        "slug": r["slug"], "name": r["name"], "latin": r["latin"], "aliases": _j(r["aliases"]),
        "region": r["region"], "group": r["grp"], "depth": r["depth"], "summary": r["summary"],
        "origin": r["origin"], "insertion": r["insertion"], "innervation": r["innervation"], "action": r["action"],
        "trigger_points": tps, "needling": needling, "conditions": conds,
        "sources": resolve_refs(_j(r["sources"]), srcs), "review": review, "views": views, "file": r["file"],
    }


def conditions(conn: sqlite3.Connection) -> list[Row]:
    sql = ("SELECT c.*, (SELECT count(*) FROM condition_muscle cm WHERE cm.condition = c.slug) AS n "
           "FROM condition c ORDER BY c.name")
    return [{"slug": r["slug"], "name": r["name"], "icd10": _j(r["icd10"]), "icd11": _j(r["icd11"]),
             "summary": r["summary"], "muscle_count": r["n"]} for r in conn.execute(sql)]


def condition(conn: sqlite3.Connection, slug: str) -> Row | None:
    r = conn.execute("SELECT * FROM condition WHERE slug = ?", (slug,)).fetchone()
    if r is None:
        return None
    srcs = sources(conn)
    ms = [
        {"slug": m["slug"], "name": m["name"], "latin": m["latin"], "region": m["region"], "strength": m["strength"],
         "source": resolve_refs([_j(m["source"])], srcs)[0]}
        for m in conn.execute(
            "SELECT m.slug, m.name, m.latin, m.region, cm.strength, cm.source FROM condition_muscle cm "
            "JOIN muscle m ON m.slug = cm.muscle WHERE cm.condition = ? "
            "ORDER BY cm.strength = 'primary' DESC, m.name", (slug,))
    ]
    return {"slug": r["slug"], "name": r["name"], "aliases": _j(r["aliases"]), "icd10": _j(r["icd10"]),
            "icd11": _j(r["icd11"]), "icd10_titles": _j(r["icd10_titles"]),
            "summary": r["summary"], "trigger_point_relevance": r["relevance"],
            "muscles": ms, "sources": resolve_refs(_j(r["sources"]), srcs)}


def condition_heat(conn: sqlite3.Connection, slug: str) -> dict[str, int]:
    """How many of the condition's muscles refer to each zone (right-side patterns)."""
    sql = ("SELECT r.zone, count(DISTINCT r.muscle) AS n FROM referral r JOIN condition_muscle cm "
           "ON cm.muscle = r.muscle WHERE cm.condition = ? AND r.muscle_side = 'right' GROUP BY r.zone")
    return {r["zone"]: r["n"] for r in conn.execute(sql, (slug,))}


def groups(conn: sqlite3.Connection) -> list[Row]:
    """Every group name with its members' names, in the data file's order (head to foot)."""
    members: dict[str, list[Row]] = defaultdict(list)
    for r in conn.execute("SELECT gm.grp, m.slug, m.name FROM group_member gm JOIN muscle m ON m.slug = gm.muscle "
                          "ORDER BY gm.grp, gm.ordinal"):
        members[r["grp"]].append({"slug": r["slug"], "name": r["name"]})
    return [{"slug": r["slug"], "name": r["name"], "kind": r["kind"], "latin": r["latin"], "aliases": _j(r["aliases"]),
             "members": members[r["slug"]]}
            for r in conn.execute("SELECT slug, name, kind, latin, aliases FROM muscle_group ORDER BY ordinal")]


def group(conn: sqlite3.Connection, slug: str) -> Row | None:
    r = conn.execute("SELECT * FROM muscle_group WHERE slug = ?", (slug,)).fetchone()
    if r is None:
        return None
    srcs = sources(conn)
    members = [
        {"slug": m["slug"], "name": m["name"], "latin": m["latin"], "region": m["region"], "depth": m["depth"],
         "trigger_point_count": m["tps"]}
        for m in conn.execute(
            "SELECT m.slug, m.name, m.latin, m.region, m.depth, "
            "(SELECT count(*) FROM trigger_point t WHERE t.muscle = m.slug) AS tps "
            "FROM group_member gm JOIN muscle m ON m.slug = gm.muscle WHERE gm.grp = ? ORDER BY gm.ordinal", (slug,))
    ]
    return {"slug": r["slug"], "name": r["name"], "kind": r["kind"], "latin": r["latin"], "aliases": _j(r["aliases"]),
            "summary": r["summary"], "notes": r["notes"], "members": members,
            "sources": resolve_refs(_j(r["sources"]), srcs)}


def group_heat(conn: sqlite3.Connection, slug: str) -> dict[str, int]:
    """How many of the group's muscles refer to each zone (right-side patterns): its combined pattern."""
    sql = ("SELECT r.zone, count(DISTINCT r.muscle) AS n FROM referral r JOIN group_member gm "
           "ON gm.muscle = r.muscle WHERE gm.grp = ? AND r.muscle_side = 'right' GROUP BY r.zone")
    return {r["zone"]: r["n"] for r in conn.execute(sql, (slug,))}


def group_zones(conn: sqlite3.Connection, slug: str) -> list[Row]:
    """Each zone of the combined pattern with the members that refer there, essential or spillover."""
    sql = ("SELECT r.zone, r.muscle, max(r.kind = 'essential') AS ess, min(gm.ordinal) AS o FROM referral r "
           "JOIN group_member gm ON gm.muscle = r.muscle WHERE gm.grp = ? AND r.muscle_side = 'right' "
           "GROUP BY r.zone, r.muscle ORDER BY o")
    zones: dict[str, list[Row]] = defaultdict(list)
    for r in conn.execute(sql, (slug,)):
        zones[r["zone"]].append({"slug": r["muscle"], "kind": "essential" if r["ess"] else "spillover"})
    return [{"zone": z, "muscles": ms} for z, ms in zones.items()]


def muscle_groups(conn: sqlite3.Connection, slug: str) -> list[Row]:
    """The groups a muscle belongs to."""
    return [{"slug": r["slug"], "name": r["name"], "kind": r["kind"]} for r in conn.execute(
        "SELECT g.slug, g.name, g.kind FROM group_member gm JOIN muscle_group g ON g.slug = gm.grp "
        "WHERE gm.muscle = ? ORDER BY g.ordinal", (slug,))]


def zone_muscles(conn: sqlite3.Connection, zone: str) -> list[Row]:
    """Muscles whose pattern reaches a zone, essential first, with the trigger points that do."""
    sql = ("SELECT r.muscle, r.muscle_side, m.name, m.latin, m.region, "
           "max(r.kind = 'essential') AS essential, group_concat(DISTINCT t.label) AS tps "
           "FROM referral r JOIN muscle m ON m.slug = r.muscle JOIN trigger_point t ON t.id = r.tp "
           "WHERE r.zone = ? GROUP BY r.muscle, r.muscle_side ORDER BY essential DESC, m.name, r.muscle_side DESC")
    return [{"slug": r["muscle"], "side": r["muscle_side"], "name": r["name"], "latin": r["latin"],
             "region": r["region"], "kind": "essential" if r["essential"] else "spillover",
             "trigger_points": r["tps"].split(",")} for r in conn.execute(sql, (zone,))]


# --- geometry --------------------------------------------------------------------------------


# The figure's geometry is fixed for the life of a database and parsing it is most of a map's cost
# before drawing: it is read once per build (keyed on the build's hash and time, so a test's or a
# rebuilt database is never served another's shapes). The drawings are frozen; callers get copies
# of the containers.
_GEOMETRY: dict[tuple[str, str, str], Any] = {}


def _build_id(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT group_concat(value, '|') FROM meta WHERE key IN ('input_hash', 'built_at')").fetchone()
    return str(row[0])


def _memo(conn: sqlite3.Connection, kind: str, view: str, load: Callable[[], Any]) -> Any:
    key = (_build_id(conn), kind, view)
    if key not in _GEOMETRY:
        if len(_GEOMETRY) > 256:  # another build's shapes (a rebuilt database, a test's fixture atlas)
            _GEOMETRY.clear()
        _GEOMETRY[key] = load()
    return _GEOMETRY[key]


def views(conn: sqlite3.Connection) -> list[ViewGeometry]:
    return list(_memo(conn, "views", "", lambda: [
        ViewGeometry(view=r["view"], title=r["title"], width=r["width"], height=r["height"],
                     right_on_viewer=r["right_on_viewer"], sides=tuple(_j(r["sides"])), silhouette=r["silhouette"],
                     details=tuple(_j(r["details"])), bounds=paths.bounds(r["silhouette"]),
                     armless=r["armless"], armless_details=tuple(_j(r["armless_details"])),
                     map_details=tuple(_j(r["map_details"])),
                     bones=tuple((b[0], b[1], b[2]) for b in _j(r["bones"])))
        for r in conn.execute("SELECT * FROM view ORDER BY ordinal")
    ]))


def view_muscles(conn: sqlite3.Connection, view: str) -> list[MuscleDrawing]:
    # the plate is the layer the figure draws it in: a muscle under another on this view is on the deep plate
    sql = ("SELECT s.muscle, s.side, s.d, s.fibres, s.tendon, s.whole, s.whole_fibres, m.name, m.region, s.plate "
           "FROM muscle_shape s JOIN muscle m ON m.slug = s.muscle WHERE s.view = ? ORDER BY s.ordinal")
    return list(_memo(conn, "muscles", view, lambda: [
        MuscleDrawing(slug=r["muscle"], name=r["name"], side=r["side"], depth=r["plate"], d=r["d"],
                      fibres=r["fibres"], tendon=r["tendon"], bounds=paths.bounds(r["d"]), region=r["region"],
                      whole=r["whole"], whole_fibres=r["whole_fibres"])
        for r in conn.execute(sql, (view,))]))


def view_zones(conn: sqlite3.Connection, view: str) -> dict[str, str]:
    return dict(_memo(conn, "zones", view, lambda: {
        r["zone"]: r["d"] for r in conn.execute("SELECT zone, d FROM zone_shape WHERE view = ?", (view,))}))


def short_label(label: str, number: int) -> str:
    """What is printed beside a trigger point's X: its own "TP2" when it has one, else TP and its number."""
    m = re.match(r"^\s*(?:TP|TrP)\s*(\d+)\b", label, re.IGNORECASE)
    return f"TP{m[1]}" if m else f"TP{number}"


def trigger_point_count(conn: sqlite3.Connection, slug: str) -> int:
    return int(conn.execute("SELECT count(*) FROM trigger_point WHERE muscle = ?", (slug,)).fetchone()[0])


def _numbers(tp: int | frozenset[int] | None) -> frozenset[int] | None:
    """Trigger-point numbers (1 is the first) as a set: one number, several, or None for all."""
    return None if tp is None else frozenset([tp]) if isinstance(tp, int) else tp


def muscle_marks(conn: sqlite3.Connection, slug: str, view: str, side: str,
                 tp: int | frozenset[int] | None = None) -> list[TriggerPointMark]:
    """The muscle's trigger points placed on one view: short label beside the X, full label in the legend.
    ``tp``: only the trigger point with this number (1 is the first), or those with these numbers."""
    wanted = _numbers(tp)
    numbers = {r["id"]: i + 1 for i, r in enumerate(conn.execute(
        "SELECT id FROM trigger_point WHERE muscle = ? ORDER BY ordinal", (slug,)))}
    sql = ("SELECT p.x, p.y, t.id, t.label FROM tp_position p JOIN trigger_point t ON t.id = p.tp "
           "WHERE t.muscle = ? AND p.view = ? AND p.side = ? ORDER BY t.ordinal")
    return [TriggerPointMark(x=r["x"], y=r["y"], label=short_label(r["label"], numbers[r["id"]]), name=r["label"],
                             tp=r["label"])
            for r in conn.execute(sql, (slug, view, side)) if wanted is None or numbers[r["id"]] in wanted]


def muscle_pattern(conn: sqlite3.Connection, slug: str, side: str,
                   tp: int | frozenset[int] | None = None) -> dict[str, str]:
    """Zone slug → 'essential' or 'spillover' over all the muscle's trigger points on one side
    (``tp``: over that one trigger point, numbered from 1 in the muscle's order, or over those)."""
    out: dict[str, str] = {}
    sql = ("SELECT r.zone, r.kind FROM referral r JOIN trigger_point t ON t.id = r.tp "
           "WHERE r.muscle = ? AND r.muscle_side = ?")
    args: tuple[object, ...] = (slug, side)
    wanted = _numbers(tp)
    if wanted is not None:
        ordinals = [r[0] for k, r in enumerate(conn.execute(
            "SELECT ordinal FROM trigger_point WHERE muscle = ? ORDER BY ordinal", (slug,)), 1) if k in wanted]
        sql += f" AND t.ordinal IN ({','.join('?' * len(ordinals))})"
        args += tuple(ordinals)
    for r in conn.execute(sql, args):
        if out.get(r["zone"]) != "essential":
            out[r["zone"]] = r["kind"]
    return out


def zone_drawings(shapes: dict[str, str], pattern: dict[str, str], names: dict[str, Row]) -> list[ZoneDrawing]:
    # spillover first so essential zones are drawn on top where they overlap
    items = sorted(((z, k) for z, k in pattern.items() if z in shapes), key=lambda zk: zk[1] == "essential")
    return [ZoneDrawing(slug=z, name=f"{names[z]['name']}: {k}", d=shapes[z], kind=k) for z, k in items]


# --- lookup ----------------------------------------------------------------------------------

ESSENTIAL_WEIGHT = 1.0
SPILLOVER_WEIGHT = 0.5


@dataclass(frozen=True)
class GuidePlace:
    """Where a pain guide puts a muscle for the selected area: the guide, the muscle's place in it (1 is
    the muscle the manual lists first) and whether the area is in its essential zone."""

    guide: str
    name: str
    position: int
    essential: bool
    source: Row
    overlap: int  # how many of the selected zones lie in the guide's area
    match: float  # that as a share of the area: a selection of one zone belongs to the smallest area holding it


@dataclass(frozen=True)
class Candidate:
    muscle: str
    side: str  # right, left, both (each side explains some of the selection) or either (midline zones only)
    name: str
    latin: str
    region: str
    score: float
    explained: list[Row]
    unexplained: list[str]
    pattern_size: int
    guide: GuidePlace | None = None


@dataclass(frozen=True)
class ReferralIndex:
    """Every referral by zone, read once: a lookup is then dictionary work, with no query per request.
    ``by_zone[zone]`` lists (muscle, side, essential?, trigger-point labels) for each pattern reaching it;
    ``guides[base zone][muscle]`` the pain guides that list the muscle for an area holding that zone."""

    by_zone: dict[str, list[tuple[str, str, bool, list[str]]]]
    info: dict[str, Row]  # muscle slug -> name, latin, region
    sizes: dict[tuple[str, str], int]
    guides: dict[str, dict[str, list[tuple[str, int]]]] = field(default_factory=dict)  # -> (guide, ordinal)
    guide_info: dict[str, Row] = field(default_factory=dict)  # guide slug -> name, zones, source, essential


def referral_index(conn: sqlite3.Connection) -> ReferralIndex:
    by_key: dict[tuple[str, str, str], tuple[bool, list[str]]] = {}
    for r in conn.execute("SELECT r.muscle, r.muscle_side, r.zone, r.kind, t.label FROM referral r "
                          "JOIN trigger_point t ON t.id = r.tp ORDER BY r.zone, r.muscle, r.muscle_side, t.id"):
        key = (r["zone"], r["muscle"], r["muscle_side"])
        ess, labels = by_key.get(key, (False, []))
        if r["label"] not in labels:  # a label may hold commas ("TP1 (short head, lower belly)"): kept whole
            labels = [*labels, r["label"]]
        by_key[key] = (ess or r["kind"] == "essential", labels)
    by_zone: dict[str, list[tuple[str, str, bool, list[str]]]] = defaultdict(list)
    for (zone, muscle, side), (ess, labels) in by_key.items():
        by_zone[zone].append((muscle, side, ess, labels))
    info = {r["slug"]: {"name": r["name"], "latin": r["latin"], "region": r["region"]}
            for r in conn.execute("SELECT slug, name, latin, region FROM muscle")}
    # how many zones each (muscle, side) refers to: the specificity tie-break of the lookup
    sizes = Counter((muscle, side) for _, muscle, side in by_key)
    guide_info: dict[str, Row] = {}
    for r in conn.execute("SELECT slug, name, zones, source FROM pain_guide ORDER BY ordinal"):
        guide_info[r["slug"]] = {"name": r["name"], "zones": _j(r["zones"]), "source": _j(r["source"]),
                                 "essential": set()}
    guides: dict[str, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    for r in conn.execute("SELECT guide, muscle, ordinal, essential FROM pain_guide_muscle ORDER BY guide, ordinal"):
        if r["essential"]:
            guide_info[r["guide"]]["essential"].add(r["muscle"])
        for z in guide_info[r["guide"]]["zones"]:
            guides[z][r["muscle"]].append((r["guide"], r["ordinal"]))
    return ReferralIndex(by_zone=dict(by_zone), info=info, sizes=dict(sizes),
                         guides={z: dict(ms) for z, ms in guides.items()}, guide_info=guide_info)


def base_zone(slug: str) -> str:
    """The zone's name without its side: 'right-temple' -> 'temple' (a midline zone is its own)."""
    side, _, rest = slug.partition("-")
    return rest if side in ("right", "left") and rest else slug


def _guide_place(index: ReferralIndex, muscle: str, bases: list[str]) -> GuidePlace | None:
    """The muscle's place in the guide that covers most of the selection (then the one the selection
    fills most, then the earliest place)."""
    overlap: Counter[str] = Counter()
    ordinal: dict[str, int] = {}
    for z in dict.fromkeys(bases):
        for guide, k in index.guides.get(z, {}).get(muscle, ()):
            overlap[guide] += 1
            ordinal[guide] = k
    if not overlap:
        return None
    def share(g: str) -> float:
        return overlap[g] / len(index.guide_info[g]["zones"])

    best = min(overlap, key=lambda g: (-overlap[g], -share(g), ordinal[g], g))
    g = index.guide_info[best]
    return GuidePlace(guide=best, name=g["name"], position=ordinal[best] + 1, essential=muscle in g["essential"],
                      source=g["source"], overlap=overlap[best], match=share(best))


def lookup(index: ReferralIndex, selected: list[str]) -> list[Candidate]:
    """Rank muscles by how well their referral patterns explain the selected zones, one entry a muscle
    with the side(s) that explain them.

    First the muscles that explain more of the selection; among those, the clinical order of the
    manual's pain guide for the area (the guide covering most of the selection: it lists the muscles
    most likely to cause pain there first, whether the area is their essential zone or spillover; a
    muscle no guide lists for the area comes after those it lists); then the score, the sum over
    selected zones of 1.0 (essential) or 0.5 (spillover only); then the more specific pattern.
    """
    hits: dict[str, dict[str, Row]] = defaultdict(dict)
    sides: dict[str, set[str]] = defaultdict(set)
    for z in selected:
        sided = base_zone(z) != z
        for muscle, side, ess, labels in index.by_zone.get(z, ()):
            if sided:
                sides[muscle].add(side)
            e = hits[muscle].get(z)
            if e is None:  # a midline zone is reached by the patterns of both sides: one entry
                hits[muscle][z] = {"zone": z, "kind": "essential" if ess else "spillover", "trigger_points": list(labels)}
            else:
                if ess:
                    e["kind"] = "essential"
                e["trigger_points"] += [x for x in labels if x not in e["trigger_points"]]
    bases = [base_zone(z) for z in selected]
    out = []
    for m, by_zone in hits.items():
        explained = [by_zone[z] for z in selected if z in by_zone]  # in the order of the selection
        score = sum(ESSENTIAL_WEIGHT if e["kind"] == "essential" else SPILLOVER_WEIGHT for e in explained)
        s = sides[m]
        side = "either" if not s else next(iter(s)) if len(s) == 1 else "both"
        size = max(index.sizes.get((m, x), 0) for x in ("right", "left"))
        info = index.info[m]
        out.append(Candidate(muscle=m, side=side, name=info["name"], latin=info["latin"], region=info["region"],
                             score=score, explained=explained, unexplained=[z for z in selected if z not in by_zone],
                             pattern_size=size, guide=_guide_place(index, m, bases)))

    def order(c: Candidate) -> tuple[int, int, float, int, float, int, str]:
        g = c.guide
        return (-len(c.explained), -(g.overlap if g else 0), -(g.match if g else 0.0), g.position if g else 10_000,
                -c.score, c.pattern_size, c.name)

    out.sort(key=order)
    return out


# --- search ----------------------------------------------------------------------------------


def search_names(conn: sqlite3.Connection) -> list[tuple[str, str, str, list[str]]]:
    """(kind, slug, name, other names) for every muscle, condition and zone: the fuzzy index."""
    out: list[tuple[str, str, str, list[str]]] = []
    for r in conn.execute("SELECT slug, name, latin, aliases FROM muscle"):
        out.append(("muscle", r["slug"], r["name"], [r["latin"], *_j(r["aliases"])]))
    for r in conn.execute("SELECT slug, name, aliases, icd10, icd11 FROM condition"):
        out.append(("condition", r["slug"], r["name"], [*_j(r["aliases"]), *_j(r["icd10"]), *_j(r["icd11"])]))
    for r in conn.execute("SELECT slug, name, latin, aliases FROM muscle_group"):
        out.append(("group", r["slug"], r["name"], [*([r["latin"]] if r["latin"] else []), *_j(r["aliases"])]))
    # one entry per zone kind, named "Temple" rather than once per side
    for r in conn.execute("SELECT slug, base_name, aliases FROM zone WHERE side != 'left'"):
        out.append(("zone", r["slug"], r["base_name"], _j(r["aliases"])))
    return out


def group_members(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Group slug → its member muscles' slugs."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in conn.execute("SELECT grp, muscle FROM group_member ORDER BY grp, ordinal"):
        out[r["grp"]].append(r["muscle"])
    return dict(out)


def fulltext(conn: sqlite3.Connection, q: str, limit: int = 30) -> list[tuple[str, str, float]]:
    terms = [t for t in "".join(ch if ch.isalnum() else " " for ch in q).split() if t]
    if not terms:
        return []
    match = " ".join(f'"{t}"*' for t in terms)
    try:
        rows = conn.execute("SELECT kind, slug, bm25(search_fts, 0, 0, 5.0, 1.0) AS rank FROM search_fts "
                            "WHERE search_fts MATCH ? ORDER BY rank LIMIT ?", (match, limit)).fetchall()
    except sqlite3.OperationalError:
        return []
    return [(r["kind"], r["slug"], -r["rank"]) for r in rows]


def review_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {r["slug"]: len(_j(r["review"])) for r in conn.execute("SELECT slug, review FROM muscle")}


def name_of(conn: sqlite3.Connection, kind: str, slug: str) -> str | None:
    """The display name of a muscle or condition; None when there is no such slug."""
    table = {"muscle": "muscle", "condition": "condition", "group": "muscle_group"}[kind]
    row = conn.execute(f"SELECT name FROM {table} WHERE slug = ?", (slug,)).fetchone()
    return str(row["name"]) if row else None
