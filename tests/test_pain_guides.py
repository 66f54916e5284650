"""The manual's pain guides as data: validated, and the lookup's clinical order within a score."""

from __future__ import annotations

import shutil

import pytest
import yaml
from starlette.testclient import TestClient

from app.loader.read import read_content
from app.schemas.content import PainGuidesFile
from app.settings import ROOT

GUIDES = PainGuidesFile.model_validate(yaml.safe_load((ROOT / "atlas_data" / "pain_guides.yaml").read_text())).guides
MUSCLES = {p.stem: yaml.safe_load(p.read_text()) for p in (ROOT / "atlas_data" / "muscles").rglob("*.yaml")}
SIDED = {z["slug"]: z.get("sided", True) for z in yaml.safe_load((ROOT / "atlas_data" / "zones.yaml").read_text())["zones"]}


def _zones(muscle: str, kinds: tuple[str, ...] = ("essential", "spillover")) -> set[str]:
    refs = [r for tp in MUSCLES[muscle]["trigger_points"] for k in kinds for r in tp["referral"].get(k) or []]
    return {r if isinstance(r, str) else r["zone"] for r in refs}  # a zone, or {zone, side}


def test_the_guides_cover_the_body_and_cite_the_manual() -> None:
    assert len(GUIDES) >= 20
    regions = {yaml_zone for g in GUIDES for yaml_zone in g.zones}
    # head, arm, hand, trunk, back, buttock, thigh, leg and foot all have a guide
    assert len(regions) >= 30
    assert all(g.source.source.startswith("ts-") for g in GUIDES)


@pytest.mark.parametrize("guide", GUIDES, ids=[g.slug for g in GUIDES])
def test_a_lookup_of_a_guide_area_puts_its_first_muscle_first(client: TestClient, guide: object) -> None:
    """One zone of the area that the guide's first muscle refers to (its essential zone where it has
    one there: the textbook case of a patient pointing at one place): that muscle heads the list."""
    first = guide.muscles[0].muscle  # type: ignore[attr-defined]
    area = list(guide.zones)  # type: ignore[attr-defined]
    zones = [z for z in area if z in _zones(first, ("essential",))] or [z for z in area if z in _zones(first)]
    zone = zones[0] if not SIDED[zones[0]] else f"right-{zones[0]}"
    body = client.get("/api/lookup", params={"zones": zone}).json()
    top = body["results"][0]
    assert top["slug"] == first, (guide.slug, zone, [r["slug"] for r in body["results"][:5]])  # type: ignore[attr-defined]
    assert top["guide"] and top["guide"]["position"] == 1 and "pain guide" in top["reason"]


def test_a_bilateral_selection_lists_each_muscle_once(client: TestClient) -> None:
    body = client.get("/api/lookup", params={"zones": "right-temple,left-temple"}).json()
    slugs = [r["slug"] for r in body["results"]]
    assert len(slugs) == len(set(slugs))
    both = [r for r in body["results"] if r["side"] == "both"]
    assert both and all({e["zone"] for e in r["explains"]} == {"right-temple", "left-temple"} for r in both)
    assert "(both sides)" in both[0]["reason"]
    one = client.get("/api/lookup", params={"zones": "right-temple"}).json()["results"]
    assert all(r["side"] == "right" for r in one)


@pytest.fixture(scope="module")
def problems(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    data = tmp_path_factory.mktemp("guides") / "atlas_data"
    shutil.copytree(ROOT / "atlas_data", data)
    path = data / "pain_guides.yaml"
    doc = yaml.safe_load(path.read_text())
    g = doc["guides"]
    g[0]["muscles"][0]["muscle"] = "temporalsi"  # a typo
    g[1]["zones"] = ["tempel"]
    # a muscle whose pattern misses the area entirely: the first muscle of a foot guide on a head area
    g[2]["muscles"].append({"muscle": "abductor-hallucis", "essential": False})
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return [str(p) for p in read_content(data).problems]


def test_a_broken_guide_is_named_with_the_field(problems: list[str]) -> None:
    assert any("pain_guides.yaml: guides[0].muscles[0]: unknown muscle 'temporalsi'; did you mean 'temporalis'?" in p
               for p in problems), problems
    assert any("pain_guides.yaml: guides[1].zones[0]: unknown zone 'tempel'; did you mean 'temple'?" in p
               for p in problems), problems
    assert any("pain_guides.yaml: guides[2].muscles[" in p and "'abductor-hallucis' refers to none of the area's zones" in p
               for p in problems), problems
