"""Study mode: decks and cards as JSON, their errors, the scoring, the question pictures and the pages."""

from __future__ import annotations

import base64
import html
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
import zipfile

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from app import queries
from app.db import connect_readonly
from app.handout import MARGIN
from app.maps import paths
from app.settings import Settings
from app.study import decks, scoring
from app.study.decks import STUDY_REGION_OF

CUSTOM = "/api/study/decks/custom?muscles=infraspinatus,upper-trapezius"


@pytest.fixture(scope="module")
def custom(client: TestClient) -> dict:  # type: ignore[type-arg]
    r = client.get(CUSTOM)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_deck_list_has_the_regions_of_the_issue_and_condition_decks(client: TestClient) -> None:
    listed = client.get("/api/study/decks").json()
    regions = [d["slug"] for d in listed if d["kind"] == "region"]
    assert regions == ["head-and-neck", "shoulder-and-arm", "forearm-and-hand", "trunk", "pelvis-and-hip", "thigh",
                       "leg-and-foot"]
    assert any(d["slug"] == "condition-tension-type-headache" for d in listed)
    for d in listed:
        assert set(d) == {"slug", "title", "kind", "description", "muscle_count", "card_count", "url", "api"}
        assert d["url"] == f"/study/{d['slug']}" and d["api"] == f"/api/study/decks/{d['slug']}"
        assert d["muscle_count"] >= 1 and d["card_count"] >= 1
    # every muscle with a trigger point is in exactly one region deck
    assert sum(d["muscle_count"] for d in listed if d["kind"] == "region") == len(client.get("/api/muscles").json())


def test_custom_deck_has_three_kinds_of_card_with_stable_ids(custom: dict) -> None:  # type: ignore[type-arg]
    assert custom["muscles"] == ["infraspinatus", "upper-trapezius"]
    ids = [c["id"] for c in custom["cards"]]
    assert ids == ["pm-infraspinatus", "pm-upper-trapezius", "mp-infraspinatus", "mp-upper-trapezius",
                   "tp-infraspinatus", "tp-upper-trapezius"]
    assert custom["card_count"] == 6 and custom["url"] == "/study/custom?muscles=infraspinatus,upper-trapezius"
    pm, mp, tp = custom["cards"][0], custom["cards"][2], custom["cards"][4]
    assert pm["kind"] == "pattern-muscle" and pm["muscle"] == "infraspinatus"
    assert pm["question_image"] == "/study/maps/pattern/infraspinatus.svg"
    assert pm["pattern"]["essential"] and pm["source"].startswith("Simons")
    assert mp["kind"] == "muscle-pattern" and mp["essential"] and set(mp["essential"][0]) == {"slug", "name", "region"}
    assert mp["views"] and set(mp["views"]) <= {v for z in mp["essential"] + mp["spillover"]
                                                for v in ["anterior", "posterior", "lateral", "head-lateral",
                                                          "head-anterior", "hand-palmar", "hand-dorsal"]}
    assert tp["kind"] == "where-tp" and tp["view"] == "posterior" and len(tp["trigger_points"]) >= 2
    assert tp["tolerance"][0] < tp["tolerance"][1] and len(tp["image_transform"]) == 4
    # the typed answers cover the whole atlas, aliases included
    assert any("QL" in a["names"] for a in custom["answers"])


def test_a_card_is_the_same_in_every_deck_and_every_request(client: TestClient, custom: dict) -> None:  # type: ignore[type-arg]
    region = client.get("/api/study/decks/shoulder-and-arm").json()
    again = client.get(CUSTOM).json()
    assert again == custom
    by_id = {c["id"]: c for c in region["cards"]}
    for c in custom["cards"]:
        if c["muscle"] == "infraspinatus":
            assert by_id[c["id"]] == c


def test_choices_are_four_distinct_muscles_of_one_region_with_the_answer(client: TestClient) -> None:
    region = client.get("/api/study/decks/shoulder-and-arm").json()
    muscles = {m["slug"]: m for m in client.get("/api/muscles").json()}
    pm = [c for c in region["cards"] if c["kind"] == "pattern-muscle"]
    assert len(pm) == region["muscle_count"]
    for c in pm:
        slugs = [ch["slug"] for ch in c["choices"]]
        assert len(slugs) == 4 and len(set(slugs)) == 4 and c["muscle"] in slugs, c["id"]
        assert {STUDY_REGION_OF[muscles[s]["region"]] for s in slugs} == {"shoulder-and-arm"}, c["id"]
        assert {ch["name"] for ch in c["choices"]} == {muscles[s]["name"] for s in slugs}
    # the answer is not always in the same place
    assert len({[ch["slug"] for ch in c["choices"]].index(c["muscle"]) for c in pm}) > 1


def test_choices_for_every_muscle_of_the_atlas(app, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    conn = connect_readonly(settings.db_path)  # the app fixture built it
    ms = queries.muscles(conn)
    builder = decks._Builder(conn, ms)
    for m in ms:
        slugs = [c.slug for c in builder.choices(m)]
        assert len(set(slugs)) == 4 and m["slug"] in slugs, m["slug"]
        regions = {STUDY_REGION_OF[x["region"]] for x in ms if x["slug"] in slugs}
        assert regions == {STUDY_REGION_OF[m["region"]]}, m["slug"]
    conn.close()


@pytest.mark.parametrize(("url", "status", "detail"), [
    ("/api/study/decks/nope", 404, "no deck 'nope'"),
    ("/api/study/decks/condition-nope", 404, "no deck 'condition-nope'"),
    ("/api/study/decks/custom", 400, "muscles: name at least one muscle"),
    ("/api/study/decks/custom?muscles=,,", 400, "muscles: name at least one muscle"),
    ("/api/study/decks/custom?muscles=infraspinatus,nope", 400, "unknown muscle(s): nope"),
    ("/api/study/decks/trunk?muscles=infraspinatus", 400, "only the custom deck"),
    ("/api/study/decks/custom?muscles=" + ",".join(["infraspinatus"] * 1500), 422, "muscles"),
])
def test_bad_requests_are_4xx_with_a_message(client: TestClient, url: str, status: int, detail: str) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert detail in r.json()["detail"]


def test_pages_answer_errors_in_html(client: TestClient) -> None:
    html = {"accept": "text/html"}
    assert client.get("/study/nope", headers=html).status_code == 404
    r = client.get("/study/custom?muscles=nope", headers=html)
    assert r.status_code == 400 and "unknown muscle(s): nope" in r.text and "<h1>" in r.text
    assert client.get("/study/custom.json?muscles=nope").json() == {"detail": "unknown muscle(s): nope"}
    assert client.get("/study/maps/pattern/nope.svg").status_code == 404
    assert client.get("/study/maps/where/nope.svg").status_code == 404


def test_pattern_scoring() -> None:
    ess, spill = ["a", "b"], ["c", "d"]
    assert scoring.score_pattern(["a", "b", "c", "d"], ess, spill).score == 1.0
    assert scoring.score_pattern(["a", "b"], ess, spill).score == pytest.approx(2 / 3, abs=1e-3)
    assert scoring.score_pattern(["c", "d"], ess, spill).score == pytest.approx(1 / 3, abs=1e-3)
    r = scoring.score_pattern(["a", "b", "c", "d", "x"], ess, spill)
    assert r.score == pytest.approx(2.5 / 3, abs=1e-3) and r.wrong == ["x"]
    assert scoring.score_pattern(["x", "y", "a"], ess, spill).score == 0.0
    assert scoring.score_pattern([], ess, spill).score == 0.0
    r = scoring.score_pattern(["a", "c"], ess, spill)
    assert (r.essential_found, r.spillover_found, r.essential_missed, r.spillover_missed) == (["a"], ["c"], ["b"], ["d"])
    # a zone both essential and spillover (two trigger points) counts as essential
    assert scoring.score_pattern(["a"], ["a"], ["a"]).score == 1.0


def test_where_scoring() -> None:
    full, zero = scoring.tolerance(440, 930)
    assert (full, zero) == (27.9, 83.7)
    tps = [(100.0, 100.0), (200.0, 300.0)]
    assert scoring.score_where((105, 100), tps, full, zero).score == 1.0
    far = scoring.score_where((200, 300 + zero + 1), tps, full, zero)
    assert far.score == 0.0 and far.nearest == 1
    mid = scoring.score_where((200 + (full + zero) / 2, 300), tps, full, zero)
    assert mid.score == pytest.approx(0.5) and mid.nearest == 1
    with pytest.raises(ValueError):
        scoring.score_where((0, 0), [], full, zero)


def test_typed_names_forgive_typos_but_not_another_muscle(custom: dict) -> None:  # type: ignore[type-arg]
    entries = [(a["slug"], a["names"]) for a in custom["answers"]]
    assert scoring.match_name("Infraspinatous", entries)[0] == "infraspinatus"
    assert scoring.match_name("upper trapezius muscle", entries)[0] == "upper-trapezius"
    assert scoring.match_name("Musculus infraspinatus", entries)[0] == "infraspinatus"
    assert scoring.match_name("ql", entries)[0] == "quadratus-lumborum"
    assert scoring.match_name("qk", entries)[0] is None  # too short to forgive: it could be any abbreviation
    assert scoring.match_name("sternal scm", entries)[0] == "sternocleidomastoid-sternal"
    assert scoring.match_name("tensor fasciae lata", entries)[0] == "tensor-fasciae-latae"
    assert scoring.match_name("supraspinatus", entries)[0] == "supraspinatus"
    assert scoring.match_name("teres minr", entries)[0] == "teres-minor"
    assert scoring.match_name("banana", entries)[0] is None


def test_quality_suggested_from_a_score() -> None:
    assert [scoring.quality(s) for s in (1.0, 0.9, 0.6, 0.3, 0.1, 0.0)] == [5, 4, 3, 2, 1, 0]


def test_pattern_question_does_not_name_the_muscle(client: TestClient) -> None:
    r = client.get("/study/maps/pattern/infraspinatus.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert "infraspinatus" not in r.text.lower()
    assert 'data-zone="' in r.text and "data-tp" in r.text  # the pattern and the X are there
    assert "Which muscle refers pain here?" in r.text


def test_where_picture_and_its_transform_agree(client: TestClient, custom: dict) -> None:  # type: ignore[type-arg]
    for card in (c for c in custom["cards"] if c["kind"] == "where-tp"):
        svg = client.get(card["question_image"]).text
        assert "data-tp" not in svg  # the trigger points are the answer
        shape = re.search(rf'data-muscle="{card["muscle"]}".*?<path[^>]*class="shape"[^>]*d="([^"]+)"', svg, re.S)
        assert shape, card["id"]
        x0, y0, x1, y1 = paths.bounds(shape[1])
        sx, sy, tx, ty = card["image_transform"]
        for t in card["trigger_points"]:
            x, y = sx * t["x"] + tx, sy * t["y"] + ty
            assert x0 <= x <= x1 and y0 <= y <= y1, (card["id"], t["label"])


def test_study_page_lists_decks_and_the_progress_index(client: TestClient) -> None:
    r = client.get("/study")
    assert r.status_code == 200
    assert '<link rel="alternate" type="application/json" href="/study.json">' in r.text
    assert 'href="/study/head-and-neck"' in r.text and "/study/condition-tension-type-headache" in r.text
    index = json.loads(re.search(r'<script type="application/json" id="study-index">(.*?)</script>', r.text, re.S)[1])
    assert "pm-upper-trapezius" in index["head-and-neck"]["cards"]
    assert client.get("/study.json").json()["regions"][0]["slug"] == "head-and-neck"


def _noscript(html: str) -> str:
    return "".join(re.findall(r"<noscript>(.*?)</noscript>", html, re.S))


def _js_string(text: str) -> str:
    """The HTML inside a fragment's single-quoted JavaScript string."""
    return re.sub(r"\\(u2028|u2029|n|r|'|\\)",
                  lambda m: {"u2028": "\u2028", "u2029": "\u2029", "n": "\n", "r": "\r"}.get(m[1], m[1]), text)


def test_deck_page_is_light_and_lists_its_cards_without_javascript(client: TestClient, custom: dict) -> None:  # type: ignore[type-arg]
    r = client.get("/study/custom?muscles=infraspinatus,upper-trapezius")
    assert r.status_code == 200
    html = r.text
    # without JavaScript: every card (six: one page) with its answer behind "Show answer", pictures as images
    listed = _noscript(html)
    assert listed.count('<li class="card ') == 6 and listed.count("<summary>Show answer</summary>") == 6
    assert "Describe the pattern in words" in listed and 'src="/study/maps/pattern/infraspinatus.svg"' in listed
    assert 'src="/study/maps/where/infraspinatus.svg"' in listed and 'rel="next"' not in html
    # with it: no picture inline, but where each card and marking board comes from
    assert "<svg" not in html
    fragments = dict(re.findall(r'data-fragment="([^"]+)" data-src="([^"]+)"', html))
    views = {v for c in custom["cards"] if c["kind"] == "muscle-pattern" for v in c["views"]}
    assert fragments == {**{f"card-{c['id']}": f"/study/fragments/card-{c['id']}.js" for c in custom["cards"]},
                         **{f"board-{v}": f"/study/fragments/board-{v}.js" for v in views}}
    assert 'href="/study/custom.json?muscles=infraspinatus,upper-trapezius"' in html
    assert 'href="/study/custom.worksheet.pdf?muscles=infraspinatus,upper-trapezius"' in html
    data = json.loads(re.search(r'<script type="application/json" id="deck-data">(.*?)</script>', html, re.S)[1])
    # the deck as the API has it, but for the where-cards' transforms: those come with their pictures
    assert [c["image_transform"] for c in data["cards"] if c["kind"] == "where-tp"] == [[], []]
    assert data == {**custom, "cards": [{**c, "image_transform": []} if c["kind"] == "where-tp" else c
                                        for c in custom["cards"]]}
    twin = client.get("/study/custom.json?muscles=infraspinatus,upper-trapezius").json()
    assert twin["deck"]["card_count"] == 6 and [c["id"] for c in twin["cards"]] == [c["id"] for c in custom["cards"]]


def test_a_region_deck_page_weighs_little(client: TestClient) -> None:
    html = client.get("/study/shoulder-and-arm").text
    assert len(html.encode()) < 250_000 and "<svg" not in html
    assert _noscript(html).count('<li class="card ') == 10


def test_fragments_are_scripts_holding_a_card_or_a_board(client: TestClient, custom: dict) -> None:  # type: ignore[type-arg]
    for card in custom["cards"]:
        r = client.get(f"/study/fragments/card-{card['id']}.js")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
        m = re.fullmatch(r"AtlasStudy\.fragment\('card-([a-z0-9-]+)', '(.*)'\);\n", r.text, re.S)
        assert m and m[1] == card["id"]
        html = _js_string(m[2])
        assert html.startswith(f'<li class="card card-{card["kind"]}" id="card-{card["id"]}"') and html.endswith("</li>")
        if card["kind"] == "where-tp":  # inline, to be clicked on, with its transform; the picture of the API's card
            svg = client.get(card["question_image"]).text
            transform = " ".join(str(v) for v in card["image_transform"])
            assert f'<figure class="where" data-where data-transform="{transform}">{svg}</figure>' in html
    r = client.get("/study/fragments/board-posterior.js")
    m = re.fullmatch(r"AtlasStudy\.fragment\('board-posterior', '(.*)'\);\n", r.text, re.S)
    assert m and _js_string(m[1]).startswith('<figure class="bodymap board" data-board="posterior"><svg')
    assert 'data-zone-link="right-' in m[1]
    for bad in ("card-pm-nope", "card-xx-infraspinatus", "board-nope", "card-pm-", "other", "card-PM-infraspinatus"):
        assert client.get(f"/study/fragments/{bad}.js").status_code == 404, bad


def test_a_long_deck_pages_its_cards_without_javascript(client: TestClient) -> None:
    deck = client.get("/api/study/decks/shoulder-and-arm").json()
    pages = -(-deck["card_count"] // 10)
    assert pages >= 2
    seen: list[str] = []
    for n in range(1, pages + 1):
        url = "/study/shoulder-and-arm" + (f"/{n}" if n > 1 else "")
        html = client.get(url).text
        ids = re.findall(r'<li class="card [^"]+" id="card-([^"]+)"', html)
        assert len(ids) == (10 if n < pages else deck["card_count"] - 10 * (pages - 1))
        seen += ids
        assert ('rel="prev"' in html) == (n > 1) and ('rel="next"' in html) == (n < pages)
        assert (f'href="/study/shoulder-and-arm/{n + 1}" rel="next"' in html) == (n < pages)
        # the study itself (the deck as JSON and the script) is on the first page only
        assert ('id="deck-data"' in html) == (n == 1) and ("study.js" in html) == (n == 1)
        if n > 1:
            assert client.get(url + ".json").json()["cards"][0]["id"] == ids[0]
    assert seen == [c["id"] for c in deck["cards"]]
    assert client.get(f"/study/shoulder-and-arm/{pages + 1}", headers={"accept": "text/html"}).status_code == 404
    assert client.get("/study/shoulder-and-arm/0").status_code == 404
    # a custom deck's pages carry its muscles
    custom = client.get("/study/custom?muscles=infraspinatus,upper-trapezius,masseter,levator-scapulae").text
    assert 'href="/study/custom/2?muscles=infraspinatus,upper-trapezius,masseter,levator-scapulae" rel="next"' in custom


def test_every_page_links_to_study_mode(client: TestClient) -> None:
    for url in ("/muscles", "/study"):
        assert '<a href="/study">Study</a>' in client.get(url).text


def test_openapi_documents_the_study_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/study/decks" in spec["paths"] and "/api/study/decks/{slug}" in spec["paths"]
    deck = spec["paths"]["/api/study/decks/{slug}"]["get"]
    assert {"200", "400", "404"} <= set(deck["responses"])
    assert "/study" not in spec["paths"]


EXPORT = "custom{}?muscles=infraspinatus,upper-trapezius,masseter"


def test_anki_package_is_a_collection_with_notes_and_media(client: TestClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/study/" + EXPORT.format(".apkg"))
    assert r.status_code == 200 and "trigger-point-atlas-custom.apkg" in r.headers["content-disposition"]
    path = tmp_path / "deck.apkg"
    path.write_bytes(r.content)
    with zipfile.ZipFile(path) as z:
        media = json.loads(z.read("media"))
        assert sorted(media.values()) == [f"atlas-pattern-{m}.svg" for m in ("infraspinatus", "masseter", "upper-trapezius")]
        for index, name in media.items():
            svg = z.read(index).decode()
            assert svg.startswith("<svg") and name.removeprefix("atlas-pattern-").removesuffix(".svg") not in svg
        (tmp_path / "collection.anki2").write_bytes(z.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "collection.anki2")
    notes = db.execute("SELECT guid, flds, tags FROM notes ORDER BY sfld").fetchall()
    fields = [n[1].split("\x1f") for n in notes]
    assert [f[1] for f in fields] == ["Infraspinatus", "Masseter", "Upper trapezius"]
    assert all(f[3].startswith('<img src="atlas-pattern-') and f[6] for f in fields)  # picture and source line
    assert "shoulder-and-arm" in notes[0][2]
    assert db.execute("SELECT count(*) FROM cards").fetchone()[0] == 6  # both directions
    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
    (model,) = models.values()
    assert [t["name"] for t in model["tmpls"]] == ["Pattern → muscle", "Muscle → pattern"]
    db.close()


def test_moodle_xml_round_trips_its_questions(client: TestClient, custom: dict) -> None:  # type: ignore[type-arg]
    r = client.get("/study/" + EXPORT.format(".moodle.xml"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(r.content)
    assert root.tag == "quiz"
    deck = client.get("/api/study/decks/" + EXPORT.format("")).json()
    expected = {c["id"]: c for c in deck["cards"] if c["kind"] == "pattern-muscle"}
    mc = root.findall("question[@type='multichoice']")
    assert len(mc) == 3
    for q in mc:
        card = expected[q.findtext("idnumber")]
        answers = {html.unescape(a.findtext("text")): a.get("fraction") for a in q.findall("answer")}
        assert answers == {ch["name"]: "100" if ch["slug"] == card["muscle"] else "0" for ch in card["choices"]}
        f = q.find("questiontext/file")
        assert f is not None and f.get("name") in q.findtext("questiontext/text")
        assert base64.b64decode(f.text).decode().startswith("<svg")
        assert card["source"] in html.unescape(q.findtext("generalfeedback/text"))
    (match,) = root.findall("question[@type='matching']")
    pairs = {html.unescape(sq.findtext("text")): sq.findtext("answer/text") for sq in match.findall("subquestion")}
    assert pairs == {c["muscle_name"]: "; ".join(c["pattern"]["essential"]) for c in expected.values()}


def test_exports_of_a_bad_deck_are_4xx(client: TestClient) -> None:
    assert client.get("/study/nope.apkg").status_code == 404
    assert client.get("/study/nope.moodle.xml").status_code == 404
    assert client.get("/study/custom.apkg?muscles=nope").status_code == 400


WORKSHEET = "/study/custom.worksheet.pdf?muscles=infraspinatus,upper-trapezius,masseter"


def test_worksheet_has_an_outline_per_half_page_then_the_answer_key(client: TestClient) -> None:
    r = client.get(WORKSHEET)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(r.content))
    # three muscles, two to a page: two pages of outlines, two of the answer key
    assert len(reader.pages) == 4
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    for t in texts[:2]:
        assert t.startswith("Worksheet: Custom deck. Draw each muscle's referral pattern") and "Essential zones" not in t
    for t in texts[2:]:
        assert t.startswith("Answer key: Custom deck.") and "Essential zones:" in t and "Source: Simons" in t
    assert "1. Infraspinatus" in texts[0] and "2. Upper trapezius" in texts[0] and "3. Masseter" in texts[1]
    assert "1. Infraspinatus" in texts[2] and "3. Masseter" in texts[3]
    deck = client.get("/api/study/decks/custom?muscles=infraspinatus,upper-trapezius,masseter").json()
    for card in (c for c in deck["cards"] if c["kind"] == "pattern-muscle"):
        assert card["pattern"]["essential"][0] in " ".join(texts[2:])
    for t in texts:
        assert "Educational reference for trained professionals" in t
        # the test server has no ATLAS_BASE_URL: the footer gives the deck's path, not a loopback address
        assert "Trigger-Point Atlas, /study/custom?muscles=infraspinatus,upper-trapezius,masseter" in t
    # every picture and every line of text lies on its page, the pictures inside the margins
    pw, ph = (float(v) for v in reader.pages[0].mediabox.upper_right)
    placed = []
    for n, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        assert contents is not None
        for w, h, x, y in re.findall(rb"q ([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm /I\d+ Do Q", contents.get_data()):
            w_, h_, x_, y_ = float(w), float(h), float(x), float(y)
            assert MARGIN - .01 <= x_ and x_ + w_ <= pw - MARGIN + .01 and MARGIN <= y_ and y_ + h_ <= ph - MARGIN, n
            assert w_ > 150 and h_ > 150, f"page {n}: a picture squeezed to {w_:.0f}×{h_:.0f}"
            placed.append((n, y_))
        lines: list[tuple[str, float, float]] = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size, into=lines:  # type: ignore[misc]
                          into.append((text, tm[4] + cm[4], tm[5] + cm[5])) if text.strip() else None)
        assert lines and all(MARGIN - 1 <= x <= pw - MARGIN and 10 <= y <= ph - MARGIN + 1 for _, x, y in lines), n
    # one picture per muscle on each half page: two, two, one on the pages of outlines and of the key
    assert [sum(1 for p, _ in placed if p == n) for n in (1, 2, 3, 4)] == [2, 1, 2, 1]


def test_worksheet_of_a_bad_deck_is_4xx(client: TestClient) -> None:
    assert client.get("/study/nope.worksheet.pdf").status_code == 404
    assert client.get("/study/custom.worksheet.pdf?muscles=nope").status_code == 400
