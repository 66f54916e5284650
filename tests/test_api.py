"""The JSON API contract of DESIGN.md, its errors, the lookup ranking and typo-tolerant search."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient


def test_every_muscle_has_the_contract_shape(client: TestClient) -> None:
    listing = client.get("/api/muscles").json()
    assert len(listing) >= 20
    for item in listing:
        assert set(item) == {"slug", "name", "latin", "region", "url"}
        m = client.get(f"/api/muscles/{item['slug']}").json()
        assert m["slug"] == item["slug"]
        assert m["trigger_points"], m["slug"]
        assert m["views"], f"{m['slug']} is not drawn on any view"
        for tp in m["trigger_points"]:
            assert tp["referral"]["essential"], (m["slug"], tp["label"])
            for z in tp["referral"]["essential"] + tp["referral"]["spillover"]:
                assert set(z) == {"slug", "name", "region"}
        assert m["needling"]["sources"] and m["sources"]
        for c in m["conditions"]:
            assert c["source"]["citation"]


def test_unknown_slugs_are_json_404s(client: TestClient) -> None:
    for url in ("/api/muscles/nope", "/api/conditions/nope"):
        r = client.get(url)
        assert r.status_code == 404
        assert r.json() == {"detail": f"no {url.split('/')[2][:-1]} 'nope'"}


def test_zones_and_conditions(client: TestClient) -> None:
    zones = client.get("/api/zones").json()
    assert {"right-temple", "left-temple", "sacrum"} <= {z["slug"] for z in zones}
    conds = client.get("/api/conditions").json()
    assert len(conds) >= 8 and all(c["icd10"] and c["icd11"] for c in conds)
    c = client.get("/api/conditions/tension-type-headache").json()
    assert any(m["slug"] == "upper-trapezius" for m in c["muscles"])


@pytest.mark.parametrize("q", ["", "x" * 201])
def test_bad_search_is_a_4xx(client: TestClient, q: str) -> None:
    r = client.get("/api/search", params={"q": q} if q else {})
    assert 400 <= r.status_code < 500 and "detail" in r.json()


@pytest.mark.parametrize(("q", "slug"), [
    ("sternocleidomastiod", "sternocleidomastoid"),
    ("infraspinatous", "infraspinatus"),
    ("SCM", "sternocleidomastoid"),
    ("QL", "quadratus-lumborum"),
    ("TFL", "tensor-fasciae-latae"),
    ("ECRL", "extensor-carpi-radialis-longus"),
    ("trapezius upper", "upper-trapezius"),
    ("lumborum quadratus", "quadratus-lumborum"),
    ("gluteus medus", "gluteus-medius"),
])
def test_typo_tolerant_search_finds_the_muscle_first(client: TestClient, q: str, slug: str) -> None:
    hits = client.get("/api/search", params={"q": q}).json()["results"]
    assert hits and hits[0]["slug"].startswith(slug), (q, hits[:3])


def test_search_finds_conditions_and_zones(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "tension headache"}).json()["results"]
    assert hits[0]["slug"] == "tension-type-headache"
    hits = client.get("/api/search", params={"q": "lateral epicondyle"}).json()["results"]
    assert any(h["kind"] == "zone" and h["slug"].endswith("lateral-epicondyle") for h in hits[:3])


def _ranked(client: TestClient, zones: str) -> list[str]:
    r = client.get("/api/lookup", params={"zones": zones})
    assert r.status_code == 200, r.text
    return [h["slug"] for h in r.json()["results"]]


def test_lookup_heel_pain_ranks_soleus_high(client: TestClient) -> None:
    assert "soleus" in _ranked(client, "right-heel")[:3]


def test_lookup_lateral_epicondyle_finds_extensors_and_supinator(client: TestClient) -> None:
    top = _ranked(client, "right-lateral-epicondyle")[:8]
    assert "supinator" in top
    assert {"extensor-carpi-radialis-longus", "brachioradialis", "extensor-digitorum"} & set(top)


def test_lookup_temple_and_neck_is_upper_trapezius(client: TestClient) -> None:
    r = client.get("/api/lookup", params={"zones": "right-temple,right-posterolateral-neck,right-mastoid"}).json()
    first = r["results"][0]
    assert first["slug"] == "upper-trapezius" and first["side"] == "right"
    assert {e["zone"] for e in first["explains"]} == {"right-temple", "right-posterolateral-neck", "right-mastoid"}
    assert "essential" in first["reason"]


def test_lookup_scores_essential_above_spillover(client: TestClient) -> None:
    """Where no pain guide orders the muscles of an area, essential referrers come first; where one
    does (the temple), its muscles come first, in its order."""
    mixed = 0
    for z in client.get("/api/zones").json():
        res = client.get("/api/lookup", params={"zones": z["slug"]}).json()["results"]
        if any(h["guide"] for h in res):
            continue
        kinds = [h["explains"][0]["kind"] for h in res]
        assert kinds == sorted(kinds), z  # all "essential" before any "spillover"
        assert all(a["score"] >= b["score"] for a, b in zip(res, res[1:], strict=False))
        mixed += len(set(kinds)) == 2
    assert mixed >= 3
    res = client.get("/api/lookup", params={"zones": "right-temple"}).json()["results"]
    listed = [h["guide"]["position"] for h in res if h["guide"] is not None]
    assert listed == sorted(listed) and res[0]["guide"] is not None


def test_lookup_keeps_trigger_point_labels_whole(client: TestClient) -> None:
    """Labels hold commas ("TP1 (radial part, middle-finger fibres)"): never split into fragments."""
    res = client.get("/api/lookup", params={"zones": "right-palm"}).json()["results"]
    fds = next(h for h in res if h["slug"] == "flexor-digitorum-superficialis")
    assert fds["explains"][0]["trigger_points"] == ["TP1 (radial part, middle-finger fibres)",
                                                    "TP2 (humeral part, ring- and little-finger fibres)"]


def test_lookup_rejects_unknown_zones_by_name(client: TestClient) -> None:
    r = client.get("/api/lookup", params={"zones": "right-heel,nowhere,elsewhere"})
    assert r.status_code == 400
    assert "nowhere" in r.json()["detail"] and "elsewhere" in r.json()["detail"]
    assert client.get("/api/lookup").status_code == 422
