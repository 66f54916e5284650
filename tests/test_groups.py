"""Group names as entries: validated members, a page with the combined pattern, found by search."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from starlette.testclient import TestClient

from app.loader.read import read_content
from app.schemas.content import GroupsFile
from app.settings import ROOT

HTML = {"accept": "text/html"}
# the groups the issue names, by slug
REQUIRED = {"iliopsoas", "quadriceps-femoris", "hamstrings", "erector-spinae", "thoracolumbar-paraspinals",
            "suboccipital-muscles", "rotator-cuff", "triceps-surae", "hip-adductors", "fibularis-muscles", "scalenes",
            "pelvic-floor", "muscles-of-mastication"}


def test_the_real_groups_are_valid() -> None:
    groups = GroupsFile.model_validate(yaml.safe_load((ROOT / "atlas_data" / "groups.yaml").read_text())).groups
    muscles = {p.stem for p in (ROOT / "atlas_data" / "muscles").rglob("*.yaml")}
    assert REQUIRED <= {g.slug for g in groups}
    for g in groups:
        assert set(g.members) <= muscles, g.slug
        assert any(s.source.startswith(("ts-", "standring", "fipat")) for s in g.sources), g.slug


@pytest.fixture(scope="module")
def problems(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every problem the loader finds in a copy of the data with bad group entries (one read: it is slow)."""
    data = tmp_path_factory.mktemp("groups") / "atlas_data"
    shutil.copytree(ROOT / "atlas_data", data)
    path = data / "groups.yaml"
    doc = yaml.safe_load(path.read_text())
    groups = doc["groups"]
    groups[0]["members"][1] = "temporalsi"  # a typo'd member
    groups[1]["aliases"] = ["Masseter"]  # a muscle's own name
    groups[2]["colour"] = "red"  # an unknown key
    del groups[3]["summary"]
    groups[4]["members"] = ["scalenus-anterior"]
    groups[5]["sources"] = [{"source": "nowhere"}]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return [str(p) for p in read_content(data).problems]


def test_an_unknown_member_is_named_with_a_suggestion(problems: list[str]) -> None:
    assert "atlas_data/groups.yaml: groups[0].members[1]: unknown muscle 'temporalsi'; did you mean 'temporalis'?" \
        in problems


def test_a_bad_entry_names_the_file_and_field(problems: list[str]) -> None:
    assert "atlas_data/groups.yaml: groups[2].colour: Extra inputs are not permitted" in problems
    assert "atlas_data/groups.yaml: groups[3].summary: Field required" in problems
    assert any(p.startswith("atlas_data/groups.yaml: groups[4].members: List should have at least 2 items")
               for p in problems)


def test_unknown_sources_and_shadowed_names_are_problems(problems: list[str]) -> None:
    assert "atlas_data/groups.yaml: groups[5].sources[0].source: unknown source 'nowhere'" in problems
    assert "atlas_data/groups.yaml: groups[1].aliases: 'Masseter' is also a name or alias of the muscle 'masseter'" \
        in problems


def test_group_pages_list_members_and_their_combined_pattern(client: TestClient) -> None:
    listing = client.get("/groups.json").json()
    slugs = {g["slug"] for k in listing["kinds"] for g in k["groups"]}
    assert REQUIRED | {"trapezius", "sternocleidomastoid"} <= slugs
    html = client.get("/groups/iliopsoas", headers=HTML).text
    assert '<link rel="alternate" type="application/json" href="/groups/iliopsoas.json">' in html
    assert 'href="/muscles/psoas-major"' in html and 'href="/muscles/iliacus"' in html
    assert 'id="group-map"' in html and re.search(r'data-zone="right-[a-z-]+"', html)
    page = client.get("/groups/iliopsoas.json").json()
    assert [m["slug"] for m in page["group"]["members"]] == ["psoas-major", "iliacus"]
    top = page["pattern"][0]
    assert top["muscles"] == 2 and {r["slug"] for r in top["referred_by"]} == {"psoas-major", "iliacus"}
    api = client.get("/api/groups/iliopsoas").json()
    assert api["pattern"] == page["pattern"] and api["url"] == "/groups/iliopsoas"
    assert len(client.get("/api/groups").json()) == len(slugs)


def test_a_muscle_page_links_its_groups(client: TestClient) -> None:
    assert {"slug": "rotator-cuff", "name": "Rotator cuff", "kind": "group", "url": "/groups/rotator-cuff"} in \
        client.get("/muscles/infraspinatus.json").json()["groups"]
    assert 'href="/groups/rotator-cuff"' in client.get("/muscles/infraspinatus", headers=HTML).text


def test_unknown_group_is_a_404(client: TestClient) -> None:
    assert client.get("/api/groups/nope").json() == {"detail": "no group 'nope'"}
    assert client.get("/groups/nope", headers=HTML).status_code == 404


def test_search_links_a_group_to_its_page(client: TestClient) -> None:
    hits = client.get("/search.json", params={"q": "rotator cuff"}).json()["results"]
    assert hits[0]["kind"] == "group" and hits[0]["url"] == "/groups/rotator-cuff"
