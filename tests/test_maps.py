"""Maps: valid SVG for every view and muscle, the clinical legend, options from fixed choices."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import resvg_py
from starlette.testclient import TestClient

from app.main import create_app
from app.maps.pool import RasterPool
from app.settings import Settings

NS = "{http://www.w3.org/2000/svg}"


def _svg(client: TestClient, url: str) -> ET.Element:
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:200])
    assert r.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(r.content)
    assert root.tag == f"{NS}svg"
    assert root.find(f"{NS}title") is not None and root.find(f"{NS}desc") is not None
    return root


def test_every_view_map_is_valid_and_clickable(client: TestClient) -> None:
    views = {v for z in client.get("/api/zones").json() for v in z["views"]}
    views |= {v for m in client.get("/api/muscles").json() for v in client.get(f"/api/muscles/{m['slug']}").json()["views"]}
    assert {"anterior", "posterior"} <= views
    for view in sorted(views):
        root = _svg(client, f"/maps/{view}.svg")
        links = root.iter(f"{NS}a")
        for a in links:
            assert a.get("aria-label") and a.get("href", "").startswith("/muscles/")
        texts = [t.text or "" for t in root.iter(f"{NS}text")]
        assert {"R", "L"} & set(texts) or any(re.search(r"\b(right|left)\b", t, re.IGNORECASE) for t in texts), view


def test_every_drawn_muscle_map_is_valid(client: TestClient) -> None:
    drawn = 0
    for m in client.get("/api/muscles").json():
        r = client.get(f"/maps/muscles/{m['slug']}.svg")
        if r.status_code == 404:
            continue
        drawn += 1
        root = ET.fromstring(r.content)
        assert root.find(f"{NS}title") is not None
    assert drawn >= 20


def test_muscle_map_follows_the_clinical_convention(client: TestClient) -> None:
    svg = client.get("/maps/muscles/upper-trapezius.svg").text
    assert 'id="map-stipple"' in svg and 'class="ess"' in svg and 'class="tp"' in svg
    assert "Essential referral zone (solid)" in svg and "Spillover zone (stippled)" in svg
    assert "Trigger-Point Atlas" in svg  # attribution inside the picture


def test_png_decodes(client: TestClient) -> None:
    r = client.get("/maps/muscles/upper-trapezius.png", params={"width": 480})
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(r.content[16:20], "big") == 480


@pytest.mark.parametrize("query", ["scheme=red;fill:url(javascript:x)", "width=333", "labels=maybe", "view=sideways",
                                   "scheme=%3Cstyle%3E"])
def test_bad_options_are_4xx(client: TestClient, query: str) -> None:
    r = client.get(f"/maps/muscles/upper-trapezius.svg?{query}")
    assert r.status_code == 422 and "detail" in r.json()


def test_unknown_view_and_muscle_are_404_or_422(client: TestClient) -> None:
    assert client.get("/maps/sideways.svg").status_code == 422
    assert client.get("/maps/muscles/nope.svg").status_code == 404
    assert client.get("/maps/anterior.gif").status_code == 422


@pytest.mark.parametrize("zones", ["%1D", ",,", "%20", "nowhere"])
def test_lookup_map_without_a_known_zone_is_400(client: TestClient, zones: str) -> None:
    r = client.get(f"/maps/lookup.svg?zones={zones}")
    assert r.status_code == 400 and "zone" in r.json()["detail"]


@pytest.mark.parametrize("scheme", ["clinical", "colour-blind", "greyscale"])
def test_schemes_render(client: TestClient, scheme: str) -> None:
    svg = client.get(f"/maps/muscles/upper-trapezius.svg?scheme={scheme}").text
    png = resvg_py.svg_to_bytes(svg_string=svg)
    assert bytes(png).startswith(b"\x89PNG")


def _zones_of(root: ET.Element) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for el in root.iter():
        if el.get("data-zone"):
            kind = [c for c in el.get("class", "").split() if c != "tile"][-1]  # tile: the unpainted hit target
            out.setdefault(kind, set()).add(el.get("data-zone", ""))
    return out


def test_one_trigger_point_alone(client: TestClient) -> None:
    """?tp=N draws that trigger point and its own pattern only, as the manual's per-point figures do."""
    muscle = client.get("/api/muscles/temporalis").json()
    tps = muscle["trigger_points"]
    assert len(tps) >= 2
    whole = _svg(client, "/maps/muscles/temporalis.svg")
    assert len(list(whole.iter(f"{NS}use"))) + len(whole.findall(".//*[@data-tp]")) >= len(tps)
    for i, tp in enumerate(tps, start=1):
        root = _svg(client, f"/maps/muscles/temporalis.svg?tp={i}")
        marks = {el.get("data-tp") for el in root.iter() if el.get("data-tp")}
        assert marks == {tp["label"]}, (i, marks)
        drawn = _zones_of(root)
        ess = {z["slug"].removeprefix("right-") for z in tp["referral"]["essential"]}
        assert {z.removeprefix("right-") for z in drawn.get("ess", set())} == ess, i
    assert "trigger point 2" in client.get("/maps/muscles/temporalis.svg?tp=2").text
    assert client.get("/maps/muscles/temporalis.svg?tp=9").status_code == 404
    assert client.get("/maps/muscles/temporalis.svg?tp=0").status_code == 422
    page = client.get("/muscles/temporalis").text
    assert 'href="/maps/muscles/temporalis.svg?tp=1"' in page


def test_map_styles_stay_inside_their_map(client: TestClient) -> None:
    """An inline SVG's <style> applies to the whole page: every rule must name its map, or the
    map's '.tp{pointer-events:none}' disables the page's trigger-point cards."""
    page = client.get("/muscles/temporalis").text
    css = re.search(r'<svg[^>]*id="muscle-map".*?<style[^>]*>(.*?)</style>', page, re.S)
    assert css
    selectors = [one.strip() for sel in re.findall(r"([^{}]+)\{[^{}]*\}", css[1].replace("<![CDATA[", ""))
                 for one in sel.split(",")]
    assert len(selectors) > 30
    bad = [s for s in selectors if "#muscle-map" not in s]
    assert not bad, bad[:5]


def test_busy_renderers_answer_503_with_retry_after(settings: Settings) -> None:
    # every render slot held (as by slow renders in flight): the next PNG is turned away at once
    # with a message, while SVGs and pages, which need no renderer, still answer
    app = create_app(settings.model_copy(update={"render_workers": 1, "render_queue": 0, "cache": False}))
    with TestClient(app) as c:
        inner = app
        while not hasattr(inner, "state"):  # the FastAPI app inside the cache and header middleware
            inner = inner.app
        pool: RasterPool = inner.state.raster
        assert pool._slots.acquire(blocking=False)
        try:
            r = c.get("/maps/muscles/infraspinatus.png?width=480")
            assert r.status_code == 503 and r.headers["retry-after"] == "2"
            assert "busy" in r.text
            assert c.get("/maps/muscles/infraspinatus.svg?width=480").status_code == 200
            assert c.get("/muscles/infraspinatus").status_code == 200
        finally:
            pool._slots.release()
        r = c.get("/maps/muscles/infraspinatus.png?width=480")
        assert r.status_code == 200 and r.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_pool_renders_in_worker_processes() -> None:
    pool = RasterPool(workers=1, queue=0)
    try:
        svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
        png = pool.png(svg, 20)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == 20
        assert pool._executor is not None  # it went through the process pool, not the request thread
    finally:
        pool.close()


@pytest.mark.parametrize("view", ["anterior", "posterior", "lateral", "head-lateral"])
def test_the_deep_plate_lies_on_a_skeleton_the_superficial_plate_and_maps_do_not_show(client: TestClient,
                                                                                      view: str) -> None:
    deep = client.get(f"/maps/{view}.svg?plate=deep").text
    bones = set(re.findall(r'class="bone ([a-z0-9-]+-bone)"', deep))
    assert len(bones) >= 5, bones  # the skull, the scapula, the pelvis... each its own outline
    assert 'class="bone ' not in client.get(f"/maps/{view}.svg?plate=superficial").text
    assert 'class="bone ' not in client.get("/maps/muscles/gluteus-minimus.svg").text


def test_a_heat_map_names_the_muscles_it_counts_and_only_the_levels_it_draws(client: TestClient) -> None:
    svg = client.get("/maps/conditions/low-back-pain.svg").text
    condition = client.get("/conditions/low-back-pain.json").json()
    legend = svg[svg.index('class="legend"'):]
    assert "Muscles counted (essential and spillover zones):" in legend
    assert all(m["name"] in legend for m in condition["condition"]["muscles"])
    levels = {int(n) for n in re.findall(r'class="heat h(\d)', svg)}  # the areas drawn
    keyed = re.findall(r">(\d+(?:–\d+)?) muscles?<", legend)
    assert len(keyed) == len(levels)  # a step no area reaches is not in the legend


def test_a_referral_map_names_where_its_pattern_comes_from(client: TestClient) -> None:
    """On the slide itself: the chapter of the manual, or the study for a muscle the manual does not chart."""
    def legend(url: str) -> str:  # the legend's words, one <text> each (they wrap as running text)
        svg = client.get(url).text
        return " ".join(re.findall(r'class="leg"[^>]*>([^<]*)<', svg[svg.index('class="legend"'):]))

    assert "Pattern after Simons et al. 1999, ch. 22" in legend("/maps/muscles/infraspinatus.svg")
    assert "Pattern after Kim et al. 2009" in legend("/maps/muscles/abductor-pollicis-brevis.svg")
    assert "Pattern after Travell et al. 1992" in legend("/maps/muscles/soleus.svg?tp=1")


def test_every_condition_map_has_a_size_at_small_widths(client: TestClient) -> None:
    """Large text on a small picture once left the figures no room (a negative height: a 500 for the
    PNG). Every heat map keeps a positive size at the smallest width (240 and 480 px both draw text at
    its largest, so they share one layout)."""
    mapped = 0
    for c in client.get("/api/conditions").json():
        if c["muscle_count"] == 0:  # nothing refers there: a 404 that says so, never an empty picture
            r = client.get(f"/maps/conditions/{c['slug']}.svg?width=240")
            assert r.status_code == 404 and "with muscles to map" in r.json()["detail"]
            continue
        mapped += 1
        root = _svg(client, f"/maps/conditions/{c['slug']}.svg?width=240&legend=true")
        _, _, w, h = (float(v) for v in root.get("viewBox", "").split())
        assert w > 0 and h > 0 and int(root.get("height", "0")) > 0, (c["slug"], w, h)
    assert mapped >= 10


def _panels(root: ET.Element) -> list[tuple[str, set[str]]]:
    """(header text, trigger points marked) of every panel of a map."""
    out = []
    for g in root.iter(f"{NS}g"):
        if "map-panel" in (g.get("class") or "").split():
            head = " ".join(t.text or "" for t in g.iter(f"{NS}text") if t.get("class") == "head")
            tps = {m.get("data-tp", "") for m in g.iter(f"{NS}g") if m.get("data-tp")}
            out.append((head, tps))
    return out


def test_trigger_points_that_refer_to_different_places_get_a_panel_each(client: TestClient) -> None:
    """As the manual draws temporalis (four figures) and gluteus minimus (anterior and posterior
    points): one panel per trigger point, headed by it and marking it alone."""
    for slug, n in (("temporalis", 4), ("gluteus-minimus", 2)):
        panels = _panels(_svg(client, f"/maps/muscles/{slug}.svg"))
        assert [h.split(" · ")[0] for h, _ in panels] == [f"TP{k}" for k in range(1, n + 1)], panels
        assert all(len(tps) == 1 for _, tps in panels), panels
        assert len({next(iter(tps)) for _, tps in panels}) == n
    # infraspinatus' points share the front-of-shoulder pattern: one composite, every point on it
    panels = _panels(_svg(client, "/maps/muscles/infraspinatus.svg"))
    assert not any(h.startswith("TP") for h, _ in panels)
    assert max(len(tps) for _, tps in panels) == 3
