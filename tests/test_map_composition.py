"""Maps composed around the pattern: every zone drawn, the contract attributes, text legible at slide
size, labels that do not collide, plates, both sides for axial conditions, oriented close-ups."""

from __future__ import annotations

import re
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from app import queries
from app.atlas import Atlas
from app.maps import figures, fonts, paths
from app.maps.render import CROSS, text_width
from app.settings import Settings

NS = "{http://www.w3.org/2000/svg}"
SLIDE = ["temporalis", "masseter", "gastrocnemius-medial", "tibialis-posterior", "scalenus-anterior", "infraspinatus",
         "gluteus-minimus", "quadratus-lumborum", "soleus", "extensor-carpi-radialis-longus", "adductor-pollicis"]


@pytest.fixture(scope="module")
def conn(settings: Settings, client: TestClient) -> Iterator[sqlite3.Connection]:
    atlas = Atlas(settings.db_path)  # the client fixture has built the database
    yield atlas.conn
    atlas.close()


def _root(client: TestClient, url: str) -> ET.Element:
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:200])
    return ET.fromstring(r.content)


def _font_sizes(root: ET.Element) -> dict[str, float]:
    style = "".join(s.text or "" for s in root.iter(f"{NS}style"))
    return {m[1]: float(m[2]) for m in re.finditer(r"\.([a-z]+)\{font-size:([\d.]+)px", style)}


def _viewbox_width(root: ET.Element) -> float:
    return float(root.get("viewBox", "").split()[2])


# --- every zone of the pattern is drawn ---------------------------------------------------------


def test_every_pattern_zone_is_drawn_on_its_muscle_map(client: TestClient, conn: sqlite3.Connection) -> None:
    """The build check: no essential or spillover zone of any trigger point is missing from its map."""
    muscles = client.get("/api/muscles").json()
    assert len(muscles) > 100
    for m in muscles:
        assert figures.missing_zones(conn, m["slug"]) == [], m["slug"]
        record = client.get(f"/api/muscles/{m['slug']}").json()
        wanted = {z["slug"]: kind for tp in record["trigger_points"] for kind in ("essential", "spillover")
                  for z in tp["referral"][kind]}
        root = _root(client, f"/maps/muscles/{m['slug']}.svg")
        drawn = {e.get("data-zone") for e in root.iter() if e.get("data-zone")}
        assert set(wanted) <= drawn, (m["slug"], set(wanted) - drawn)


def test_a_zone_without_its_shape_is_reported_missing(conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    slug = "gastrocnemius-medial"
    zone = "right-plantar-arch"  # the instep: drawn on the sole only
    assert zone in queries.muscle_pattern(conn, slug, "right") and figures.missing_zones(conn, slug) == []
    shapes = queries.view_zones

    def without(c: sqlite3.Connection, view: str) -> dict[str, str]:
        return {z: d for z, d in shapes(c, view).items() if z != zone}

    monkeypatch.setattr(queries, "view_zones", without)
    assert figures.missing_zones(conn, slug) == [zone]


def test_a_zone_cropped_away_is_reported_missing(conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """A zone drawn on a panel but outside the part of the view it shows does not count."""
    compose = figures.compose

    def cropped(*args, **kwargs):  # type: ignore[no-untyped-def]
        panels = compose(*args, **kwargs)
        return [p.__class__(**{**p.__dict__, "crop": (0.0, 0.0, 1.0, 1.0)}) for p in panels]

    monkeypatch.setattr(figures, "compose", cropped)
    assert figures.missing_zones(conn, "soleus") == sorted(queries.muscle_pattern(conn, "soleus", "right"))


# --- the contract other tools rely on ----------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/maps/muscles/temporalis.svg", "/maps/muscles/quadratus-lumborum.svg", "/maps/muscles/adductor-pollicis.svg",
    "/maps/muscles/extensor-carpi-radialis-longus.svg", "/embed/muscles/soleus",
])
def test_muscle_maps_keep_the_contract(client: TestClient, url: str) -> None:
    text = client.get(url).text
    svg = text[text.index("<svg"):text.index("</svg>") + 6]
    root = ET.fromstring(svg)
    zones = [e for e in root.iter() if e.get("data-zone")]
    assert zones
    for e in zones:
        assert set(e.get("class", "").split()) & {"ess", "spill"}, ET.tostring(e)[:120]
    # every zone shape drawn (not the merged outline under it) carries its slug
    for g in root.iter(f"{NS}g"):
        if "zones" in g.get("class", "").split():
            for e in g.iter(f"{NS}path"):
                cls = e.get("class", "").split()
                assert e.get("data-zone") or {"area", "hatch"} & set(cls), ET.tostring(e)[:120]
    marks = [e for e in root.iter(f"{NS}g") if "tpmark" in e.get("class", "").split()]
    assert marks and all(e.get("data-tp") for e in marks)


def test_view_maps_keep_the_contract(client: TestClient) -> None:
    for url in ("/maps/anterior.svg", "/maps/posterior.svg?plate=deep", "/maps/lateral.svg?plate=all&labels=false"):
        root = _root(client, url)
        links = [a for a in root.iter(f"{NS}a") if "m" in a.get("class", "").split()]
        assert links and all(a.get("data-muscle") and a.get("aria-label") for a in links), url
    root = _root(client, "/maps/conditions/low-back-pain.svg")
    zones = [e for e in root.iter() if e.get("data-zone")]
    assert zones and all("heat" in e.get("class", "") for e in zones)
    home = client.get("/").text
    assert 'data-muscle="' in home


# --- legible at slide size ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    *[f"/maps/muscles/{m}.svg?width=1200" for m in SLIDE],
    "/maps/conditions/low-back-pain.svg?width=1200", "/maps/anterior.svg?width=1200", "/maps/hand-palmar.svg?width=1200",
])
def test_title_and_legend_are_14px_at_slide_width(client: TestClient, url: str) -> None:
    root = _root(client, url)
    assert root.get("width") == "1200"
    px = 1200 / _viewbox_width(root)
    sizes = _font_sizes(root)
    for cls in ("ttl", "leg", "lbl", "head"):
        assert sizes[cls] * px >= 14, (url, cls, sizes[cls] * px)
    style = "".join(s.text or "" for s in root.iter(f"{NS}style"))
    assert f"font-family:{fonts.CSS_FONT_STACK}" in style


def _label_boxes(root: ET.Element, size: float) -> list[tuple[str, paths.Box]]:
    out = []
    for t in root.iter(f"{NS}text"):
        if "lbl" in t.get("class", "").split():
            x, y = float(t.get("x", "0")), float(t.get("y", "0"))
            w = text_width(t.text or "", size, "semibold")
            out.append((t.text or "", (x, y - size * 0.75, x + w, y)))
    return out


def _crosses(root: ET.Element) -> list[tuple[float, float]]:
    out = []
    for g in root.iter(f"{NS}g"):
        if "tpmark" in g.get("class", "").split():
            d = next(g.iter(f"{NS}path")).get("d", "")
            b = paths.bounds(d)
            out.append(((b[0] + b[2]) / 2, (b[1] + b[3]) / 2))
    return out


@pytest.mark.parametrize("slug", ["temporalis", "masseter", "quadratus-lumborum", "soleus", "infraspinatus"])
def test_trigger_point_labels_do_not_collide(client: TestClient, slug: str) -> None:
    root = _root(client, f"/maps/muscles/{slug}.svg?width=1200")
    size = _font_sizes(root)["lbl"]
    labels = _label_boxes(root, size)
    crosses = _crosses(root)
    assert labels and len(labels) == len(crosses)
    for i, (a, ba) in enumerate(labels):
        for b, bb in labels[i + 1:]:
            assert paths.overlap(ba, bb) == 0, (slug, a, b)
        for x, y in crosses:
            assert paths.overlap(ba, (x - CROSS, y - CROSS, x + CROSS, y + CROSS)) == 0, (slug, a, x, y)
    halo = "".join(s.text or "" for s in root.iter(f"{NS}style"))
    assert ".halo{paint-order:stroke" in halo


def test_every_panel_states_its_side(client: TestClient) -> None:
    for slug in SLIDE:
        root = _root(client, f"/maps/muscles/{slug}.svg")
        for g in root.iter(f"{NS}g"):
            if "map-panel" in g.get("class", "").split():
                texts = [t.text or "" for t in g.iter(f"{NS}text")]
                assert {"R", "L"} <= set(texts) or any(re.search(r"\b(right|left)\b", t, re.IGNORECASE) for t in texts), \
                    (slug, g.get("data-view"), texts)


def test_close_ups_carry_an_orientation_glyph(client: TestClient) -> None:
    root = _root(client, "/maps/muscles/adductor-pollicis.svg")
    panels = [g for g in root.iter(f"{NS}g") if g.get("data-view", "").startswith("hand-")]
    assert panels
    for g in panels:
        sub = " ".join(t.text or "" for t in g.iter(f"{NS}text"))
        assert re.search(r"fingers [↑↓←→]", sub) and re.search(r"thumb [↑↓←→]", sub), sub
    view = " ".join(t.text or "" for t in _root(client, "/maps/foot-plantar.svg").iter(f"{NS}text"))
    assert re.search(r"toes [↑↓←→]", view)


def test_a_hand_close_up_hangs_like_the_hand_of_the_whole_body_panel(client: TestClient) -> None:
    """ECRL: the back of the arm and a close-up of the back of the hand, turned the same way up."""
    root = _root(client, "/maps/muscles/extensor-carpi-radialis-longus.svg")
    views = [g.get("data-view") for g in root.iter(f"{NS}g") if "map-panel" in g.get("class", "").split()]
    assert "posterior" in views and "hand-dorsal" in views
    (hand,) = [g for g in root.iter(f"{NS}g") if g.get("data-view") == "hand-dorsal"]
    assert "fingers ↓" in " ".join(t.text or "" for t in hand.iter(f"{NS}text"))


# --- composition -------------------------------------------------------------------------------


def test_a_face_pattern_is_a_head_crop_not_a_stamp(conn: sqlite3.Connection) -> None:
    for slug in ("temporalis", "masseter"):
        panels = figures.muscle_panels(conn, slug)
        for p in panels:
            b = p.geometry.body
            assert p.crop is not None
            assert (p.crop[3] - p.crop[1]) < 0.8 * (b[3] - b[1]), (slug, p.geometry.view)


def test_close_ups_appear_where_only_they_draw_the_pattern(conn: sqlite3.Connection) -> None:
    views = {p.geometry.view for p in figures.muscle_panels(conn, "gastrocnemius-medial")}
    assert views & {"foot-plantar", "foot-medial"}  # the instep, its main teaching point
    views = {p.geometry.view for p in figures.muscle_panels(conn, "tibialis-posterior")}
    assert "foot-plantar" in views  # the sole spillover
    views = [p.geometry.view for p in figures.muscle_panels(conn, "adductor-pollicis")]
    assert views == ["hand-palmar"]  # the back of the hand would show nothing new


def test_maps_leave_no_blank_half(client: TestClient) -> None:
    """Panels (and a legend beside them) fill the canvas: none is a thin figure on a wide page."""
    for slug in SLIDE:
        root = _root(client, f"/maps/muscles/{slug}.svg")
        vw = _viewbox_width(root)
        size = _font_sizes(root)["leg"]
        right = max(float(t.get("x", "0")) + text_width(t.text or "", size)
                    for t in root.iter(f"{NS}text") if "leg" in t.get("class", "").split())
        clip = [r for c in root.iter(f"{NS}clipPath") if c.get("id", "").endswith("-crop") for r in c.iter(f"{NS}rect")]
        right = max([right] + [float(r.get("x", "0")) + float(r.get("width", "0")) for r in clip])
        assert right > 0.75 * vw, (slug, right, vw)


def test_condition_heat_maps_show_both_sides_when_axial(client: TestClient) -> None:
    def zones(url: str) -> set[str]:
        return {e.get("data-zone", "") for e in _root(client, url).iter() if e.get("data-zone")}

    back = zones("/maps/conditions/low-back-pain.svg")
    assert any(z.startswith("left-") for z in back) and any(z.startswith("right-") for z in back)
    elbow = zones("/maps/conditions/lateral-epicondylalgia.svg")
    assert elbow and not any(z.startswith("left-") for z in elbow)
    assert any(z.startswith("left-") for z in zones("/maps/conditions/lateral-epicondylalgia.svg?sides=both"))
    one_side = zones("/maps/conditions/low-back-pain.svg?sides=right")  # some patterns cross the midline
    assert len([z for z in one_side if z.startswith("left-")]) < len([z for z in back if z.startswith("left-")])
    assert client.get("/maps/conditions/low-back-pain.svg?sides=left").status_code == 422


def test_heat_levels_read_apart() -> None:
    from app.maps.render import HEAT_PALETTES, heat_bins

    for top in (1, 2, 3, 5, 9, 14, 36):
        bins = heat_bins(top)
        assert bins[0][0] == 1 and bins[-1][1] == top and len({lv for _, _, lv in bins}) == len(bins)
        widths = [hi - lo + 1 for lo, hi, _ in bins]
        assert len(set(widths[:-1])) <= 1 and widths[-1] <= widths[0], (top, bins)  # equal steps, the last may be short
    for palette in HEAT_PALETTES.values():
        lum = [sum(int(c[i:i + 2], 16) * w for i, w in ((1, .299), (3, .587), (5, .114))) for c in palette]
        assert all(a - b > 20 for a, b in zip(lum, lum[1:], strict=False)), palette  # lighter to darker, apart


# --- plates and the teaching chart ------------------------------------------------------------


def test_plates_layer_the_muscles(client: TestClient) -> None:
    def links(url: str) -> tuple[ET.Element, list[ET.Element]]:
        root = _root(client, url)
        return root, [a for a in root.iter(f"{NS}a") if "m" in a.get("class", "").split()]

    root, sup = links("/maps/posterior.svg")
    assert "plate-superficial" in root.get("class", "") and sup
    assert all("superficial" in a.get("class", "").split() for a in sup)
    root, deep = links("/maps/posterior.svg?plate=deep")
    assert "plate-deep" in root.get("class", "") and deep
    assert all("deep" in a.get("class", "").split() for a in deep)
    # the deep plate is the deep layer alone, over the skeleton: no ghosts of the superficial one
    assert not [g for g in root.iter() if "superficial" in (g.get("class") or "").split()]
    root, both = links("/maps/posterior.svg?plate=all&labels=false")
    classes = [a.get("class", "").split() for a in both]
    first_superficial = next(i for i, c in enumerate(classes) if "superficial" in c)
    assert all("deep" in c for c in classes[:first_superficial])  # superficial muscles drawn above deep ones
    assert not any("deep" in c for c in classes[first_superficial:])
    assert client.get("/maps/posterior.svg?plate=middle").status_code == 422
    assert client.get("/maps/posterior.png?plate=deep&width=240").status_code == 200


def test_labels_make_a_teaching_chart(client: TestClient) -> None:
    root = _root(client, "/maps/anterior.svg?labels=true")
    names = {t.text for t in root.iter(f"{NS}text") if "mname" in t.get("class", "").split()}
    right = {a.get("aria-label", "").rsplit(" (", 1)[0] for a in root.iter(f"{NS}a")
             if a.get("aria-label", "").endswith("(right)")}
    assert right and names == right
    plain = _root(client, "/maps/anterior.svg?labels=false")
    assert not [t for t in plain.iter(f"{NS}text") if "mname" in t.get("class", "").split()]


def test_paths_parse_bound_and_move() -> None:
    d = "M1 2l3 4h5v-1c1 1 2 2 3 3s1 1 2 2zM0 0L1 1"
    assert paths.bounds(d) == (0.0, 0.0, 14.0, 10.0)
    f = paths.Affine.fit((0, 0, 10, 10), (100, 100), 2, turned=True)
    assert paths.transform("M1 2L3 4Z", f) == "M118 116L114 112Z"
    assert paths.bounds(paths.transform(d, paths.Affine.fit(paths.bounds(d), (0, 0), 1))) == (0, 0, 14, 10)
    area = paths.smooth_area(["M0 0L10 0L10 10L0 10Z", "M10.4 0L20 0L20 10L10.4 10Z"], 1.0)
    assert area.count("M") == 1  # two neighbours with a hairline between them: one outline


def test_a_turned_panel_turns_its_marks_with_it() -> None:
    from app.maps.render import Options, Panel, TriggerPointMark, ViewGeometry, ZoneDrawing, render

    geo = ViewGeometry(view="hand-test", title="Right hand", width=100, height=100, right_on_viewer="left",
                       sides=("right",), silhouette="M0 0L100 0L100 100L0 100Z")
    zone = ZoneDrawing(slug="right-thumb", name="Thumb", d="M0 0L20 0L20 20L0 20Z", kind="essential")
    svg = {}
    for turned in (False, True):
        panel = Panel(geometry=geo, zones=[zone], marks=[TriggerPointMark(x=10, y=10, label="TP1")],
                      crop=(0, 0, 100, 100), turned=turned)
        svg[turned] = ET.fromstring(render([panel, panel], "t", "d", Options(width=1200)))
    for turned, root in svg.items():
        (clip,) = [r for c in root.iter(f"{NS}clipPath") if c.get("id", "").endswith("-0-crop") for r in c.iter(f"{NS}rect")]
        x0, w = float(clip.get("x", "0")), float(clip.get("width", "0"))
        cx, _ = _crosses(root)[0]
        zone_box = paths.bounds(next(e for e in root.iter() if e.get("data-zone")).get("d", ""))
        near_left = cx < x0 + w / 2 and zone_box[0] < x0 + w / 2
        assert near_left != turned  # the mark and the zone it sits in move together


# --- slide review: close-ups whole, zones whole, text 14 px, landscape canvases -------------------

REVIEW = [*[f"/maps/muscles/{m}.svg?width=1200" for m in SLIDE],
          "/maps/conditions/low-back-pain.svg?width=1200", "/maps/conditions/tension-type-headache.svg?width=1200"]


def _panels_of(root: ET.Element) -> list[tuple[ET.Element, paths.Box]]:
    """Each panel group with its crop rectangle (canvas units)."""
    clips = {c.get("id"): r for c in root.iter(f"{NS}clipPath") for r in c.iter(f"{NS}rect")}
    out = []
    for g in root.iter(f"{NS}g"):
        if "map-panel" in g.get("class", "").split():
            r = clips[f"{g.get('id')}-crop"]
            x, y, w, h = (float(r.get(k, "0")) for k in ("x", "y", "width", "height"))
            out.append((g, (x, y, x + w, y + h)))
    return out


@pytest.mark.parametrize("url", REVIEW)
def test_every_text_is_14px_at_slide_width(client: TestClient, url: str) -> None:
    root = _root(client, url)
    px = 1200 / _viewbox_width(root)
    sizes = _font_sizes(root)
    weights = {"ttl": "bold", "head": "semibold", "lbl": "semibold", "side": "bold"}
    for t in root.iter(f"{NS}text"):
        cls = next(c for c in t.get("class", "").split() if c in sizes)
        size = sizes[cls] * px
        if t.get("textLength"):  # squeezed to fit: its glyphs are that much smaller
            size *= float(t.get("textLength", "0")) / (text_width(t.text or "", sizes[cls], weights.get(cls, "regular")))
        assert size >= 14 - 0.05, (url, cls, t.text, round(size, 2))


@pytest.mark.parametrize("url", REVIEW)
def test_every_drawn_zone_lies_whole_inside_its_panel(client: TestClient, url: str) -> None:
    root = _root(client, url)
    for g, crop in _panels_of(root):
        for e in g.iter(f"{NS}path"):
            if e.get("data-zone"):
                b = paths.bounds(e.get("d", ""))
                assert crop[0] - 1 <= b[0] and crop[1] - 1 <= b[1] and b[2] <= crop[2] + 1 and b[3] <= crop[3] + 1, (
                    url, g.get("data-view"), e.get("data-zone"), b, crop)


@pytest.mark.parametrize("url", REVIEW)
def test_close_ups_are_whole_and_no_taller_than_the_body(client: TestClient, url: str) -> None:
    root = _root(client, url)
    vb = [float(v) for v in root.get("viewBox", "").split()]
    assert vb[3] <= 0.8 * vb[2] + 1, (url, "a slide-shaped canvas", vb)
    panels = _panels_of(root)
    whole = [c[3] - c[1] for g, c in panels if not figures.is_closeup(g.get("data-view", ""))]
    for g, c in panels:
        if figures.is_closeup(g.get("data-view", "")) and whole:
            assert c[3] - c[1] <= max(whole) + 1, (url, g.get("data-view"))


def test_hand_and_foot_close_ups_are_never_cut(conn: sqlite3.Connection) -> None:
    for slug in ("gastrocnemius-medial", "extensor-carpi-radialis-longus", "scalenus-anterior", "soleus",
                 "adductor-pollicis"):
        for p in figures.muscle_panels(conn, slug):
            if any(part in ("hand", "foot") for part in p.geometry.view.split("-")):
                b, c = p.geometry.body, p.crop
                assert c is not None and c[0] <= b[0] and c[1] <= b[1] and b[2] <= c[2] and b[3] <= c[3], (slug, p.geometry.view)
    views = [p.geometry.view for p in figures.muscle_panels(conn, "gastrocnemius-medial")]
    feet = [v for v in views if v.startswith("foot-")]
    assert len(feet) == 1 and "foot-dorsal" not in views, views  # the instep on one close-up; the ankle on the back view


def test_a_shoulder_crop_does_not_slice_the_chest(conn: sqlite3.Connection) -> None:
    for p in figures.muscle_panels(conn, "infraspinatus"):
        if p.geometry.view == "anterior":
            assert p.crop is not None
            for x in (p.crop[0], p.crop[2]):
                assert not figures._slices(p.geometry, x, p.crop[1], p.crop[3]), x


def test_trunk_and_leg_patterns_are_drawn_without_the_arms(client: TestClient, conn: sqlite3.Connection) -> None:
    """A hanging hand covers the hip on a side view and the arms crowd a front or back crop: maps
    whose pattern lies on the trunk and legs draw the body without them; a pattern on the arm keeps them."""
    def panels(url: str) -> dict[str, str]:
        root = ET.fromstring(client.get(url).content)
        return {g.get("data-view", ""): g.get("data-arms", "true")
                for g in root.iter(f"{NS}g") if g.get("class") == "map-panel"}

    back = panels("/maps/conditions/low-back-pain.svg")
    assert {"lateral", "posterior"} <= set(back) and set(back.values()) == {"false"}, back
    tfl = panels("/maps/muscles/tensor-fasciae-latae.svg")
    assert tfl.get("lateral") == "false", tfl
    arm = panels("/maps/muscles/infraspinatus.svg")
    assert "false" not in {v for k, v in arm.items() if k in ("anterior", "posterior")}, arm
    # the muscle the hand cut on the plate is drawn whole where the hand is gone
    cands = figures._candidates(conn, {}, "tensor-fasciae-latae", "right", ["lateral"])
    cut = next(m for m in queries.view_muscles(conn, "lateral") if m.slug == "tensor-fasciae-latae")
    assert cut.whole and cands[0].muscles[0].d == cut.whole


def test_side_view_deep_plate_is_a_dissection_of_the_flank(client: TestClient) -> None:
    """On the side view's deep plate the arm would lie over the intercostals and obliques and its
    own deep muscles would float on the chest: the plate is drawn without the arm, and those
    muscles stay reachable on the back view's deep plate."""
    def plate(url: str) -> tuple[set[str], set[str]]:
        root = ET.fromstring(client.get(url).content)
        arms = {g.get("data-arms", "true") for g in root.iter(f"{NS}g") if g.get("class") == "map-panel"}
        return arms, {a.get("data-muscle", "") for a in root.iter(f"{NS}a") if a.get("data-muscle")}

    arms, side = plate("/maps/lateral.svg?plate=deep")
    assert arms == {"false"}
    assert {"intercostals", "internal-oblique", "gluteus-minimus"} <= side, side
    assert not {"supinator", "extensor-indicis"} & side
    arms, back = plate("/maps/posterior.svg?plate=deep")
    assert arms == {"true"} and {"supinator", "extensor-indicis"} <= back


def test_a_whole_view_without_the_muscles_trigger_points_shows_its_zones_only(client: TestClient) -> None:
    """QL is drawn on the front deep plate, but its trigger points are placed from behind: its map's
    front panel carries the groin and abdominal zones without a cropped muscle seen from the wrong side."""
    root = _root(client, "/maps/muscles/quadratus-lumborum.svg")
    panels = {g.get("data-view"): g for g in root.iter() if g.get("class") == "map-panel"}
    assert {"anterior", "posterior"} <= set(panels)
    front, back = panels["anterior"], panels["posterior"]
    assert not [e for e in front.iter() if e.get("data-muscle")] and [e for e in front.iter() if e.get("data-zone")]
    assert [e for e in back.iter() if e.get("data-muscle")] and [e for e in back.iter() if e.get("data-tp")]
