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


@pytest.mark.parametrize("url", ["/", "/muscles/upper-trapezius", "/muscles", "/conditions/tension-type-headache",
                                 "/lookup?zones=right-heel", "/search?q=scm", "/zones/right-temple"])
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
    _zone(page, "posterior", "Sole of the heel (right)").click()
    expect(page.locator(".chips")).to_contain_text("Sole of the heel (right)")
    _zone(page, "posterior", "Calf (right)").click()
    expect(page.locator(".chips")).to_contain_text("Calf (right)")
    assert "zones=" in page.url and "right-heel" in page.url and "right-calf" in page.url
    first = page.locator(".ranked > li h3 a").first
    expect(first).to_have_text("Soleus")
    page.reload()
    expect(page.locator(".ranked > li h3 a").first).to_have_text("Soleus")
    page.go_back()
    expect(page.locator(".chips li")).to_have_count(1)


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


def test_deep_muscles_are_a_layer_that_can_be_hidden(page: Page, server: str) -> None:
    page.goto(server + "/")
    deep = page.locator("#map-anterior a.m.deep").first
    expect(deep).to_be_visible()
    page.locator("button[data-toggle-deep]").click()
    expect(deep).to_be_hidden()
    expect(page.locator("#map-anterior a.m.superficial").first).to_be_visible()
