"""Study mode in a real browser: answer cards, grade them, and find the schedule kept after a reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from starlette.testclient import TestClient

from app.export import export
from app.settings import ROOT, Settings

pytestmark = pytest.mark.browser
AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
DECK = "/study/custom?muscles=infraspinatus,upper-trapezius"


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    ctx.route("https://unpkg.com/**", lambda route: route.abort())
    p = ctx.new_page()
    yield p
    ctx.close()


def _current(page: Page) -> str:
    """The card on show, once it has loaded."""
    page.wait_for_function("() => window.atlasDeck && window.atlasDeck.current && !window.atlasDeck.pending")
    return str(page.evaluate("() => window.atlasDeck.current.card.id"))


def _tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element with focus matches ``selector``."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def _progress(page: Page) -> dict:  # type: ignore[type-arg]
    return page.evaluate("() => JSON.parse(localStorage.getItem('atlas-study'))")  # type: ignore[no-any-return]


def _click_trigger_point(page: Page, card: dict) -> None:  # type: ignore[type-arg]
    """Click the where-card's picture on its first trigger point."""
    sx, sy, tx, ty = card["image_transform"]
    x, y = sx * card["trigger_points"][0]["x"] + tx, sy * card["trigger_points"][0]["y"] + ty
    sel = f"#card-{card['id']} [data-where] svg"
    box = page.evaluate("""([sel, x, y]) => {
        const svg = document.querySelector(sel);
        const p = svg.createSVGPoint(); p.x = x; p.y = y;
        const s = p.matrixTransform(svg.getScreenCTM());
        const r = svg.getBoundingClientRect();
        return [s.x - r.left, s.y - r.top];
    }""", [sel, x, y])
    page.locator(sel).click(position={"x": box[0], "y": box[1]})


def test_study_a_deck_and_find_the_schedule_kept(page: Page, server: str) -> None:
    page.goto(server + DECK)
    page.wait_for_function("() => window.atlasDeck !== undefined")
    card = page.locator("#card-pm-infraspinatus")
    expect(card).to_be_visible()
    expect(page.locator("#card-pm-upper-trapezius")).to_be_hidden()
    # right: pick the answer among the four
    card.locator('button.choice[data-choice="infraspinatus"]').click()
    expect(card.locator(".feedback")).to_contain_text("Right: Infraspinatus")
    expect(card.locator("button.grade.suggested")).to_be_focused()
    card.locator("button.grade.suggested").click()
    # wrong: type another muscle's name (with a typo, still recognised as that muscle)
    card = page.locator("#card-pm-upper-trapezius")
    expect(card).to_be_visible()
    card.locator("input[list=muscle-names]").fill("levator scapule")
    card.locator("input[list=muscle-names]").press("Enter")
    expect(card.locator(".feedback")).to_contain_text("it is Upper trapezius (you answered Levator scapulae)")
    page.keyboard.press("a")  # "Again", from the keyboard
    assert _current(page) == "mp-infraspinatus"

    kept = _progress(page)["cards"]
    assert kept["pm-infraspinatus"]["n"] == 1 and kept["pm-infraspinatus"]["interval"] == 1
    assert kept["pm-infraspinatus"]["redo"] is None
    assert kept["pm-upper-trapezius"]["n"] == 0 and kept["pm-upper-trapezius"]["q"] == 1
    assert kept["pm-upper-trapezius"]["redo"] == kept["pm-upper-trapezius"]["last"]

    page.reload()
    page.wait_for_function("() => window.atlasDeck !== undefined")
    # the card answered wrongly is due again today and comes first; the one answered right waits a day
    assert _current(page) == "pm-upper-trapezius"
    queue = page.evaluate("() => window.atlasDeck.queue")
    assert "pm-infraspinatus" not in queue
    assert _progress(page)["cards"]["pm-infraspinatus"] == kept["pm-infraspinatus"]
    expect(page.locator("[data-status]")).to_contain_text("streak 1 day")


def test_mark_a_pattern_and_find_a_trigger_point(page: Page, server: str) -> None:
    page.goto(server + "/study/custom?muscles=infraspinatus")
    page.wait_for_function("() => window.atlasDeck !== undefined")
    page.locator("button.choice[data-choice=infraspinatus]").click()
    page.keyboard.press("g")
    assert _current(page) == "mp-infraspinatus"
    card = page.locator("#card-mp-infraspinatus")
    deck = page.evaluate("() => window.atlasDeck.deck")
    essential = [z["slug"] for z in deck["cards"][1]["essential"]]
    for z in essential:  # keyboard: focus the zone and press Enter
        link = card.locator(f'a.z[data-zone-link="{z}"]').first
        link.focus()
        page.keyboard.press("Enter")
    expect(card.locator("p.marked")).to_contain_text("Marked:")
    card.locator("button.check").click()
    fb = card.locator(".feedback")
    expect(fb).to_contain_text("Score")
    score = int(fb.inner_text().split("Score ")[1].split("%")[0])
    spill = len(deck["cards"][1]["spillover"])
    assert score == round(100 * len(essential) / (len(essential) + 0.5 * spill))
    assert card.locator("a.z.ans-ess").count() >= len(essential)
    page.keyboard.press("g")
    # where is the trigger point: a click on the first trigger point scores full marks
    assert _current(page) == "tp-infraspinatus"
    tp = httpx.get(server + "/api/study/decks/custom?muscles=infraspinatus").json()["cards"][2]
    _click_trigger_point(page, tp)
    expect(page.locator("#card-tp-infraspinatus .feedback")).to_contain_text("score 100%")
    assert page.locator("#card-tp-infraspinatus path.study-tp").count() == len(tp["trigger_points"])


def test_a_card_of_each_kind_with_the_keyboard_alone(page: Page, server: str) -> None:
    page.goto(server + "/study/custom?muscles=infraspinatus")
    assert _current(page) == "pm-infraspinatus"
    deck = page.evaluate("() => window.atlasDeck.deck")
    # pattern → muscle: the number key of the right choice
    right = [c["slug"] for c in deck["cards"][0]["choices"]].index("infraspinatus") + 1
    page.keyboard.press(str(right))
    expect(page.locator("#card-pm-infraspinatus .feedback")).to_contain_text("Right: Infraspinatus")
    page.keyboard.press("g")
    # muscle → pattern: Tab to the board, Enter marks the area in focus, the arrow keys move to another
    assert _current(page) == "mp-infraspinatus"
    card = page.locator("#card-mp-infraspinatus")
    _tab_to(page, "#card-mp-infraspinatus a.z")
    page.keyboard.press("Enter")
    first = page.evaluate("() => document.activeElement.dataset.zoneLink")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.dataset.zoneLink") != first
    assert card.locator("a.z.is-marked").count() == 2
    _tab_to(page, "#card-mp-infraspinatus button.check")
    page.keyboard.press("Enter")
    expect(card.locator(".feedback")).to_contain_text("Score")
    page.keyboard.press("h")
    # where is the trigger point: focus the picture, move the marker with the arrow keys, Enter
    assert _current(page) == "tp-infraspinatus"
    _tab_to(page, "#card-tp-infraspinatus [data-where]")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Enter")
    expect(page.locator("#card-tp-infraspinatus .feedback")).to_contain_text("score")
    page.keyboard.press("e")
    cards = _progress(page)["cards"]
    assert (cards["pm-infraspinatus"]["q"], cards["mp-infraspinatus"]["q"], cards["tp-infraspinatus"]["q"]) == (4, 3, 5)


def test_sm2_matches_the_published_rules(page: Page, server: str) -> None:
    page.goto(server + "/study")
    page.wait_for_function("() => window.AtlasStudy !== undefined")
    steps = page.evaluate("""() => {
        const out = []; let s = null;
        for (const q of [5, 5, 5, 3, 2, 4]) { s = AtlasStudy.sm2(s, q); out.push([s.n, s.ef, s.interval]); }
        return out;
    }""")
    # EF: 2.5 +0.1 per 5, -0.14 per 3, unchanged by a lapse (q < 3); intervals 1, 6, then I * EF rounded up
    assert steps == [[1, 2.6, 1], [2, 2.7, 6], [3, 2.8, 17], [4, 2.66, 46], [0, 2.66, 1], [1, 2.66, 1]]
    # the published change of EF for each grade: +0.10, 0, -0.14 (-0.32, -0.54, -0.80 would apply below 3)
    deltas = page.evaluate("() => [5, 4, 3].map(q => Math.round((AtlasStudy.sm2({n: 2, ef: 2.0, interval: 6}, q).ef - 2) * 100))")
    assert deltas == [10, 0, -14]
    assert page.evaluate("() => AtlasStudy.sm2(null, 0).interval") == 1
    assert page.evaluate("() => AtlasStudy.sm2({n: 5, ef: 1.3, interval: 30}, 3).ef") == 1.3
    assert page.evaluate("() => AtlasStudy.nameSimilarity('Infraspinatous', 'Infraspinatus')") > 85


def test_summary_page_shows_what_is_due_and_exports_progress(page: Page, server: str, tmp_path: Path) -> None:
    page.goto(server + "/study/custom?muscles=infraspinatus")
    page.wait_for_function("() => window.atlasDeck !== undefined")
    page.locator("button.choice[data-choice=teres-minor], button.choice:not([data-choice=infraspinatus])").first.click()
    page.keyboard.press("a")
    page.goto(server + "/study")
    summary = page.locator("[data-study-summary]")
    expect(summary).to_contain_text("1 card due today")
    expect(page.locator('[data-deck="shoulder-and-arm"] [data-deck-due]')).to_contain_text("1 due")
    with page.expect_download() as dl:
        summary.locator("button[data-export]").click()
    saved = tmp_path / "progress.json"
    dl.value.save_as(saved)
    assert "pm-infraspinatus" in saved.read_text()
    page.evaluate("() => localStorage.clear()")
    page.reload()
    expect(summary).to_contain_text("0 cards due today")
    summary.locator("input[data-import]").set_input_files(str(saved))
    expect(summary.locator("[data-file-status]")).to_contain_text("Imported 1 card record")
    expect(summary).to_contain_text("1 card due today")


def test_without_javascript_the_answer_is_behind_show_answer(browser: Browser, server: str) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    p = ctx.new_page()
    p.goto(server + DECK)
    card = p.locator("#card-pm-infraspinatus")
    expect(card.locator(".choices-text")).to_contain_text("Infraspinatus")
    expect(card.locator(".answer-name")).to_be_hidden()
    card.locator("details.reveal summary").click()
    expect(card.locator(".answer-name")).to_be_visible()
    ctx.close()


@pytest.mark.parametrize("url", ["/study", DECK])
def test_axe_reports_no_violations(page: Page, server: str, url: str) -> None:
    page.goto(server + url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(content=AXE)
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    assert [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"][:3]]} for v in result] == []


@pytest.fixture(scope="module")
def study_export(settings: Settings, client: TestClient, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    """The static export of one small deck holding a card of each kind, and what its page loads; not the
    rest of the atlas (tests/test_export.py checks the whole copy)."""
    listed = client.get("/api/study/decks").json()
    small = min((d for d in listed if d["kind"] == "condition" and d["card_count"] == 3 * d["muscle_count"]),
                key=lambda d: d["card_count"])
    deck = client.get(small["api"]).json()
    out = tmp_path_factory.mktemp("study-export")
    keep = (f"/study/{deck['slug']}", "/study/fragments/", "/study/maps/", "/maps/muscles/", "/static/", "/vendor/")
    export(out, settings, seeds=["/study", small["url"]],
           follow=lambda url: url.startswith(keep) and not url.split("?")[0].endswith((".png", ".pdf")))
    return out, deck


def test_study_the_static_export_from_file(page: Page, study_export: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    out, deck = study_export
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("request", lambda r: failed.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    page.goto((out / "study" / f"{deck['slug']}.html").as_uri())
    pm, mp, tp = deck["cards"][0], deck["cards"][deck["muscle_count"]], deck["cards"][2 * deck["muscle_count"]]
    assert (pm["kind"], mp["kind"], tp["kind"]) == ("pattern-muscle", "muscle-pattern", "where-tp")
    assert _current(page) == pm["id"]
    card = page.locator(f"#card-{pm['id']}")
    expect(card.locator(".qmap img")).to_have_js_property("complete", True)
    assert card.locator(".qmap img").evaluate("img => img.naturalWidth") > 0  # the pattern, from disk
    # right: the answer among the four
    card.locator(f'button.choice[data-choice="{pm["muscle"]}"]').click()
    expect(card.locator(".feedback")).to_contain_text("Right")
    # this session: the other two kinds of the same muscle next (a deck of one muscle has nothing else)
    page.evaluate("(ids) => { window.atlasDeck.queue = ids; }", [mp["id"], tp["id"]])
    page.keyboard.press("g")
    # wrong: nothing marked on the board (loaded from its own file), checked
    assert _current(page) == mp["id"]
    card = page.locator(f"#card-{mp['id']}")
    expect(card.locator(f'figure.board[data-board="{mp["views"][0]}"] a.z').first).to_be_attached()
    card.locator("button.check").click()
    expect(card.locator(".feedback")).to_contain_text("Score 0%")
    page.keyboard.press("a")
    assert _current(page) == tp["id"]
    _click_trigger_point(page, tp)
    expect(page.locator(f"#card-{tp['id']} .feedback")).to_contain_text("score 100%")
    page.keyboard.press("g")
    kept = _progress(page)["cards"]
    assert kept[pm["id"]]["n"] == 1 and kept[mp["id"]]["n"] == 0 and kept[tp["id"]]["n"] == 1

    page.reload()
    # the card answered wrongly is due again today and comes first; those answered right wait a day
    assert _current(page) == mp["id"]
    assert not {pm["id"], tp["id"]} & set(page.evaluate("() => window.atlasDeck.queue"))
    assert failed == []
    # the export says where the downloads it leaves out are
    expect(page.locator("main")).to_contain_text("This offline copy leaves out the Anki deck")
    # the summary's links lead to the exported pages
    page.goto((out / "study.html").as_uri())
    expect(page.locator("[data-study-summary]")).to_contain_text("1 card due today")
    assert page.locator("[data-mastery] a").first.evaluate("a => a.href") == (out / "study" / "head-and-neck.html").as_uri()


def test_a_card_on_a_phone_is_tapped_not_hovered(browser: Browser, server: str) -> None:
    """On a phone the card fits the screen (no sideways scrolling), every control is a touch target of
    at least 44 × 44 CSS px (WCAG 2.5.5), and a card is answered and graded by taps alone."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              device_scale_factor=2, bypass_csp=True)
    page = ctx.new_page()
    try:
        page.goto(server + DECK)
        page.wait_for_function("() => window.atlasDeck !== undefined")
        card = page.locator("#card-pm-infraspinatus")
        expect(card).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        small = page.evaluate("""() => [...document.querySelectorAll(
                'li.card:not([hidden]) button, li.card:not([hidden]) input, li.card:not([hidden]) summary')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim() || e.name || e.type, e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 44 || r.height < 44).map(([t, r]) => `${t}: ${r.width}x${r.height}`)""")
        assert small == [], small
        card.locator('button.choice[data-choice="infraspinatus"]').tap()
        expect(card.locator(".feedback")).to_contain_text("Right: Infraspinatus")
        grade = card.locator("button.grade.suggested")
        box = grade.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        grade.tap()
        expect(page.locator("#card-pm-upper-trapezius")).to_be_visible()
        page.screenshot(path=str(ROOT / "var" / "study-phone.png"))
    finally:
        ctx.close()
