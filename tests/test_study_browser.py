"""Study mode in a real browser: answer cards, grade them, and find the schedule kept after a reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.settings import ROOT

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
    return str(page.evaluate("() => window.atlasDeck.current && window.atlasDeck.current.card.id"))


def _progress(page: Page) -> dict:  # type: ignore[type-arg]
    return page.evaluate("() => JSON.parse(localStorage.getItem('atlas-study'))")  # type: ignore[no-any-return]


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
    where = page.locator("#card-tp-infraspinatus [data-where] svg")
    tp = deck["cards"][2]
    sx, sy, tx, ty = tp["image_transform"]
    x, y = sx * tp["trigger_points"][0]["x"] + tx, sy * tp["trigger_points"][0]["y"] + ty
    box = page.evaluate("""([x, y]) => {
        const svg = document.querySelector('#card-tp-infraspinatus [data-where] svg');
        const p = svg.createSVGPoint(); p.x = x; p.y = y;
        const s = p.matrixTransform(svg.getScreenCTM());
        const r = svg.getBoundingClientRect();
        return [s.x - r.left, s.y - r.top];
    }""", [x, y])
    where.click(position={"x": box[0], "y": box[1]})
    expect(page.locator("#card-tp-infraspinatus .feedback")).to_contain_text("score 100%")
    assert page.locator("#card-tp-infraspinatus path.study-tp").count() == len(tp["trigger_points"])


def test_where_card_with_the_keyboard_alone(page: Page, server: str) -> None:
    page.goto(server + "/study/custom?muscles=infraspinatus")
    page.wait_for_function("() => window.atlasDeck !== undefined")
    # the other two cards already learned, due in a week: the where card is the one due
    page.evaluate("""() => {
        const later = {n: 2, ef: 2.5, interval: 6, due: '2999-01-01', redo: null, last: '2000-01-01', q: 4};
        localStorage.setItem('atlas-study', JSON.stringify({version: 1, days: [],
            cards: {'pm-infraspinatus': later, 'mp-infraspinatus': later}}));
    }""")
    page.reload()
    page.wait_for_function("() => window.atlasDeck !== undefined")
    assert _current(page) == "tp-infraspinatus"
    page.keyboard.press("Tab")
    for _ in range(10):  # Tab from the heading reaches the picture
        if page.evaluate("() => document.activeElement.matches('[data-where]')"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Enter")
    expect(page.locator("#card-tp-infraspinatus .feedback")).to_contain_text("score")
    page.keyboard.press("e")
    assert _progress(page)["cards"]["tp-infraspinatus"]["q"] == 5


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
