"""Real-browser tests: Debian's Chromium driven by Playwright against a real server process."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.settings import ROOT

pytestmark = pytest.mark.browser
AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()


@pytest.fixture()
def page(browser: Browser) -> Page:
    # The CDN is unreachable here: answer it with a failure at once so the local fallback is what runs.
    # bypass_csp only so the test can inject axe-core; the page's own scripts obey the policy
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    ctx.route("https://unpkg.com/**", lambda route: route.abort())
    p = ctx.new_page()
    yield p  # type: ignore[misc]
    ctx.close()


def _axe(page: Page) -> list[dict]:  # type: ignore[type-arg]
    page.add_script_tag(content=AXE)
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]} for v in result]


def _first_muscle_link(page: Page, view: str = "anterior"):  # type: ignore[no-untyped-def]
    # the biceps lies on top, free of overlapping muscles, so a click lands on it
    return page.locator(f'#map-{view} a.m[data-muscle="biceps-brachii"]').first


def test_click_a_muscle_shows_its_summary(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.wait_for_function("() => window.htmx !== undefined")
    link = _first_muscle_link(page)
    name = link.get_attribute("aria-label").rsplit(" (", 1)[0]
    link.click()
    panel = page.locator("#panel")
    expect(panel.locator("h2")).to_have_text(name)
    assert "/muscles/" in page.url  # the URL was pushed
    expect(panel).to_contain_text("Full page")


def test_keyboard_alone_opens_a_muscle(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.wait_for_function("() => window.htmx !== undefined")
    first = _first_muscle_link(page)
    first.focus()
    before = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("ArrowDown")
    after = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert after and after != before  # the arrow key moved to another muscle
    # names reach assistive technology: the map links are in the accessibility tree by name
    expect(page.get_by_role("link", name="Biceps brachii (right)").first).to_be_attached()
    # one tab stop per map: only one link in it is tabbable
    assert page.locator("#map-anterior a.m[tabindex='0']").count() == 1
    page.keyboard.press("Enter")
    expect(page.locator("#panel h2")).to_have_text(after.rsplit(" (", 1)[0])


def test_without_javascript_a_map_click_opens_the_muscle_page(browser: Browser, server: str) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    p = ctx.new_page()
    p.goto(server + "/")
    link = p.locator('#map-anterior a.m[data-muscle="biceps-brachii"]').first
    name = link.get_attribute("aria-label").rsplit(" (", 1)[0]
    link.click()
    expect(p.locator("h1")).to_have_text(name)
    ctx.close()


@pytest.mark.parametrize("url", ["/", "/?plate=deep", "/?view=head-lateral&plate=deep", "/muscles/upper-trapezius",
                                 "/muscles", "/conditions/tension-type-headache",
                                 "/lookup?zones=right-heel", "/search?q=scm", "/zones/right-temple", "/groups",
                                 "/groups/iliopsoas"])
def test_axe_reports_no_violations(page: Page, server: str, url: str) -> None:
    page.goto(server + url)
    assert _axe(page) == []


def test_search_as_you_type(page: Page, server: str) -> None:
    page.goto(server + "/search")
    page.wait_for_function("() => window.htmx !== undefined")
    page.locator("#q").press_sequentially("infraspinatous", delay=20)
    expect(page.locator("#results li").first).to_contain_text("Infraspinatus")


def test_screenshots_for_review(page: Page, server: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    out = Path(tmp_path_factory.getbasetemp()) / "screens"
    out.mkdir(exist_ok=True)
    for name, url in {"home": "/", "muscle": "/muscles/upper-trapezius", "lookup": "/lookup?zones=right-heel"}.items():
        page.goto(server + url)
        page.screenshot(path=str(out / f"{name}.png"), full_page=True)
        assert (out / f"{name}.png").stat().st_size > 10_000


def _zone(page: Page, view: str, name: str):  # type: ignore[no-untyped-def]
    return page.locator(f'#pain-{view} a.z[aria-label^="{name}"]').first


def test_pain_map_ranks_muscles_and_survives_a_reload(page: Page, server: str) -> None:
    page.goto(server + "/lookup")
    page.wait_for_function("() => window.htmx !== undefined")
    _click_shape(page, _zone(page, "posterior", "Sole of the heel (right)"))
    expect(page.locator(".chips")).to_contain_text("Sole of the heel (right)")
    # the zones are marked on the shared maps by the page's style rule, kept in step by the script
    page.wait_for_function("""() => document.getElementById("marked").textContent
                           .includes('a.z[data-zone-link="right-heel"]')""")
    _click_shape(page, _zone(page, "posterior", "Calf (right)"))
    expect(page.locator(".chips")).to_contain_text("Calf (right)")
    assert "zones=" in page.url and "right-heel" in page.url and "right-calf" in page.url
    first = page.locator(".ranked > li h3 a").first
    expect(first).to_have_text("Soleus")
    page.reload()
    expect(page.locator(".ranked > li h3 a").first).to_have_text("Soleus")
    page.go_back()
    expect(page.locator(".chips li")).to_have_count(1)
    # clicking a selected zone again takes it out
    _ready(page)
    _click_shape(page, _zone(page, "posterior", "Sole of the heel (right)"))
    expect(page.locator(".chips")).to_have_count(0)
    assert page.url.endswith("/lookup") and page.locator("#marked").text_content() == ""


def test_pain_lookup_without_javascript(browser: Browser, server: str) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    p = ctx.new_page()
    p.goto(server + "/lookup")
    p.check('input[name="zones"][value="right-heel"]')
    p.check('input[name="zones"][value="right-calf"]')
    p.locator(".zoneform button[type=submit]").click()
    expect(p.locator(".ranked > li h3 a").first).to_have_text("Soleus")
    # a zone on the map is a plain link that adds it to the selection
    p.locator('#pain-anterior a.z[aria-label^="Temple (right)"]').first.click()
    expect(p.locator(".chips")).to_contain_text("Temple (right)")
    expect(p.locator(".chips li")).to_have_count(3)  # added to the selection the page had
    ctx.close()


def test_embed_displays_inside_a_frame_on_another_origin(page: Page, server: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import _free_port

    port = _free_port()
    (tmp_path / "host.html").write_text(
        f'<!DOCTYPE html><title>LMS</title><iframe id="e" src="{server}/embed/muscles/soleus" width="600" '
        f'height="500"></iframe><iframe id="p" src="{server}/muscles/soleus" width="600" height="300"></iframe>')
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
                             str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import time

        for _ in range(50):
            try:
                page.goto(f"http://127.0.0.1:{port}/host.html")
                break
            except Exception:
                time.sleep(0.1)
        embed = page.frame_locator("#e")
        expect(embed.locator("svg.atlas-map title").first).to_contain_text("Soleus")
        expect(embed.locator("a[target=_top]").first).to_be_attached()
        # the main page refuses to be framed: its frame never gets the atlas content
        page.wait_for_timeout(500)
        blocked = page.locator("#p").element_handle().content_frame()  # type: ignore[union-attr]
        assert blocked is not None
        # Chromium replaces a refused frame with its own error page: no atlas content gets in
        assert "Educational reference" not in blocked.content()
        assert "Educational reference" in page.locator("#e").element_handle().content_frame().content()  # type: ignore[union-attr]
    finally:
        proc.terminate()
        proc.wait(5)


_HIT_POINT = """a => {
  // a point of the link's shape where a click reaches the link (other shapes may cover parts of it)
  const shape = a.querySelector("path.shape") || a.querySelector("path");
  const box = shape.getBBox(), m = shape.getScreenCTM();
  for (let i = 0; i < 15; i++) for (let j = 0; j < 15; j++) {
    const p = new DOMPoint(box.x + box.width * (i + .5) / 15, box.y + box.height * (j + .5) / 15);
    if (!shape.isPointInFill(p)) continue;
    const s = p.matrixTransform(m), el = document.elementFromPoint(s.x, s.y);
    if (el && el.closest("a") === a) return [s.x, s.y];
  }
  return null;
}"""


def _click_shape(page: Page, link) -> None:  # type: ignore[no-untyped-def]
    """Click a map link where it is not covered, as a user would."""
    link.scroll_into_view_if_needed()
    point = link.evaluate(_HIT_POINT)
    assert point, "no uncovered point on " + (link.get_attribute("aria-label") or "")
    page.mouse.click(*point)


def _ready(page: Page) -> None:
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


def test_deep_plate_reveals_deep_muscles_that_click_through(page: Page, server: str) -> None:
    page.goto(server + "/")
    _ready(page)
    piriformis = page.locator('#map-posterior a.m[data-muscle="piriformis"]').first
    expect(piriformis).to_be_hidden()  # the superficial plate: gluteus maximus covers it
    expect(page.locator('#map-posterior a.m[data-muscle="gluteus-maximus"]').first).to_be_visible()
    page.locator('.mapbar a[data-plate="deep"]').click()
    assert page.url.endswith("/?plate=deep")
    expect(page.locator('.mapbar a[data-plate="deep"]')).to_have_attribute("aria-current", "true")
    expect(piriformis).to_be_visible()
    # the superficial layer is taken away, as on an atlas's deep plate: neither clicks nor a tab stop
    maximus = page.locator('#map-posterior a.m[data-muscle="gluteus-maximus"]').first
    expect(maximus).to_be_hidden()
    piriformis.click()  # Playwright refuses to click when another element would receive the click
    expect(page.locator("#panel h2")).to_have_text("Piriformis")
    # keyboard: the map's one tab stop is a deep muscle, and Enter opens what the arrows reach
    stop = page.locator("#map-posterior a.m[tabindex='0']")
    expect(stop).to_have_count(1)
    assert "deep" in (stop.get_attribute("class") or "")
    # going back returns to the deep plate, which is a link of its own
    page.go_back()
    expect(page).to_have_url(server + "/?plate=deep")
    expect(page.locator("section.atlas-maps")).to_have_class("atlas-maps plate-deep")


def test_deep_plate_without_javascript(browser: Browser, server: str) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    p = ctx.new_page()
    p.goto(server + "/")
    p.locator('.mapbar a[data-plate="deep"]').click()
    expect(p).to_have_url(server + "/?plate=deep")
    p.locator('#map-posterior a.m[data-muscle="piriformis"]').first.click()
    expect(p.locator("h1")).to_have_text("Piriformis")
    ctx.close()


def test_close_ups_are_reachable_from_home_by_clicking(page: Page, server: str) -> None:
    page.goto(server + "/")
    _ready(page)
    expect(page.locator("#map-hand-palmar")).to_be_hidden()
    page.locator('.mapbar a[data-view="hand-palmar"]').click()
    expect(page.locator("#map-hand-palmar")).to_be_visible()
    expect(page.locator("#map-anterior")).to_be_hidden()
    assert page.url.endswith("/?view=hand-palmar")
    link = page.locator("#map-hand-palmar a.m.superficial").first
    name = (link.get_attribute("aria-label") or "").rsplit(" (", 1)[0]
    _click_shape(page, link)
    expect(page.locator("#panel h2")).to_have_text(name)
    # the deep plate of a close-up, then back to the whole body on the same plate
    page.go_back()
    expect(page).to_have_url(server + "/?view=hand-palmar")
    _ready(page)
    page.locator('.mapbar a[data-plate="deep"]').click()
    expect(page.locator("#map-hand-palmar a.m.deep").first).to_be_visible()
    page.locator('.mapbar a[data-view="whole"]').click()
    assert page.url.endswith("/?plate=deep")
    expect(page.locator("#map-posterior")).to_be_visible()
    # the browser's back button walks back through the states
    page.go_back()
    expect(page).to_have_url(server + "/?view=hand-palmar&plate=deep")
    expect(page.locator("#map-hand-palmar")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(server + "/?view=hand-palmar")
    expect(page.locator("section.atlas-maps")).to_have_class("atlas-maps plate-superficial")


def test_close_up_without_javascript(browser: Browser, server: str) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    p = ctx.new_page()
    p.goto(server + "/")
    p.locator('.mapbar a[data-view="foot-plantar"]').click()
    expect(p.locator("#map-foot-plantar")).to_be_visible()
    expect(p.locator("#map-anterior")).to_be_hidden()
    link = p.locator("#map-foot-plantar a.m.superficial").first
    name = (link.get_attribute("aria-label") or "").rsplit(" (", 1)[0]
    _click_shape(p, link)
    expect(p.locator("h1")).to_have_text(name)
    ctx.close()


def test_on_a_phone_the_summary_of_a_tapped_muscle_is_in_view(browser: Browser, server: str) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    ctx.route("https://unpkg.com/**", lambda route: route.abort())
    p = ctx.new_page()
    p.goto(server + "/")
    _ready(p)
    link = _first_muscle_link(p)
    link.tap()
    expect(p.locator("#panel h2")).to_have_text("Biceps brachii")
    in_view = """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                          return r.top >= 0 && r.bottom <= window.innerHeight; }"""
    p.wait_for_function(in_view, arg="#panel h2")
    # and back to the map, to the muscle that was tapped
    p.locator("#panel a[data-back]").tap()
    p.wait_for_function(in_view, arg='#map-anterior a.m[data-muscle="biceps-brachii"]')
    ctx.close()


def test_muscle_map_enlarges_and_closes_with_the_keyboard(page: Page, server: str) -> None:
    page.goto(server + "/muscles/upper-trapezius")
    _ready(page)
    enlarge = page.locator("a[data-enlarge]")
    enlarge.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#map-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("svg")).to_be_visible()
    assert page.evaluate("() => document.activeElement.closest('dialog') !== null")  # focus moved into it
    width = dialog.locator("svg").bounding_box()["width"]  # type: ignore[index]
    page.keyboard.press("+")
    page.wait_for_function("w => document.querySelector('#map-dialog svg').getBoundingClientRect().width > w * 1.3",
                           arg=width)
    assert _axe(page) == []  # the open dialog too
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate("() => document.activeElement.matches('a[data-enlarge]')")  # focus came back
    # the visible close button
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_without_javascript_the_map_opens_at_1600_px(browser: Browser, server: str) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    p = ctx.new_page()
    p.goto(server + "/muscles/upper-trapezius")
    p.locator("a[data-enlarge]").click()
    expect(p).to_have_url(server + "/maps/muscles/upper-trapezius.svg?width=1600")
    assert p.evaluate("() => document.documentElement.getAttribute('width')") == "1600"
    ctx.close()


def test_lookup_candidate_maps_are_readable(page: Page, server: str) -> None:
    page.goto(server + "/lookup?zones=right-heel,right-calf")
    maps = page.locator(".ranked .candidate img")
    for i in range(2):  # each candidate's own referral map, loaded (lazily) as the page scrolls to it
        maps.nth(i).scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=maps.nth(i).element_handle())
    boxes = [maps.nth(i).bounding_box() for i in range(2)]
    assert all(b and b["width"] >= 300 for b in boxes)
    # two to a row on a desktop screen: side by side (their reasons above them may differ in length)
    a, b = boxes[0], boxes[1]
    assert a and b and b["x"] >= a["x"] + a["width"] and abs(a["y"] - b["y"]) < 0.5 * a["height"]


_HITS = """() => {
  // the muscles a pointer can reach: some point inside the shape where the link itself is hit
  const out = new Set();
  for (const a of document.querySelectorAll("#body-maps .mapset:not([hidden]) a.m")) {
    if (!a.getClientRects().length || getComputedStyle(a).pointerEvents === "none") continue;
    const shape = a.querySelector("path.shape") || a.querySelector("path");
    const box = shape.getBBox(), m = shape.getScreenCTM();
    let hit = false;
    for (let i = 0; i < 15 && !hit; i++) for (let j = 0; j < 15 && !hit; j++) {
      const p = new DOMPoint(box.x + box.width * (i + .5) / 15, box.y + box.height * (j + .5) / 15);
      if (!shape.isPointInFill(p)) continue;
      const s = p.matrixTransform(m);
      if (s.x < 0 || s.y < 0 || s.x >= innerWidth || s.y >= innerHeight) continue;
      const el = document.elementFromPoint(s.x, s.y);
      hit = !!(el && el.closest("a.m") === a);
    }
    if (hit) out.add(a.dataset.muscle);
  }
  return [...out];
}"""


def test_every_muscle_has_a_clickable_area_on_some_plate_or_close_up(browser: Browser, server: str) -> None:
    # a tall window, so every map is on screen at once
    ctx = browser.new_context(viewport={"width": 1280, "height": 2400})
    ctx.route("https://unpkg.com/**", lambda route: route.abort())
    p = ctx.new_page()
    p.goto(server + "/")
    _ready(p)
    everything = {m["slug"] for m in p.request.get(server + "/api/muscles").json()}
    views = p.locator(".mapbar a[data-view]").evaluate_all("els => els.map(e => e.dataset.view)")
    reached: set[str] = set()
    for plate in ("superficial", "deep"):
        p.locator(f'.mapbar a[data-plate="{plate}"]').click()
        for view in views:
            p.locator(f'.mapbar a[data-view="{view}"]').click()
            p.evaluate("() => document.getElementById('body-maps').scrollIntoView()")
            reached |= set(p.evaluate(_HITS))
    ctx.close()
    missing = sorted(everything - reached)
    assert not missing, f"{len(missing)} muscles have no clickable area reachable from /: {', '.join(missing)}"
