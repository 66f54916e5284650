"""Maps leave the atlas: every image kind, embeds, oEmbed and the data downloads."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import xml.etree.ElementTree as ET

import pytest
import resvg_py
from pypdf import PdfReader
from starlette.testclient import TestClient

from app.handout import handout

NS = "{http://www.w3.org/2000/svg}"
IMAGES = ["/maps/muscles/soleus", "/maps/anterior", "/maps/conditions/low-back-pain",
          "/maps/lookup.svg?zones=right-heel,right-calf"]


@pytest.mark.parametrize("base", IMAGES)
def test_each_image_kind_is_valid_with_title_and_attribution(client: TestClient, base: str) -> None:
    svg_url = base if ".svg" in base else base + ".svg"
    r = client.get(svg_url)
    assert r.status_code == 200 and r.headers["etag"] and "max-age" in r.headers["cache-control"]
    root = ET.fromstring(r.content)  # well-formed XML
    assert root.find(f"{NS}title").text  # type: ignore[union-attr]
    assert "CC BY-SA 4.0" in r.text and "Trigger-Point Atlas" in r.text
    # a strict renderer accepts it
    assert bytes(resvg_py.svg_to_bytes(svg_string=r.text)).startswith(b"\x89PNG")
    png = client.get(svg_url.replace(".svg", ".png"), params={"width": 800} if "?" not in svg_url else None)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_embeds_may_be_framed_and_pages_may_not(client: TestClient) -> None:
    for url in ("/embed/muscles/soleus", "/embed/conditions/low-back-pain"):
        r = client.get(url)
        assert r.status_code == 200
        assert "x-frame-options" not in r.headers
        assert "frame-ancestors *" in r.headers["content-security-policy"]
        assert 'target="_top"' in r.text and "Educational reference" in r.text
    page = client.get("/muscles/soleus", headers={"accept": "text/html"})
    assert page.headers["x-frame-options"] == "DENY"
    assert client.get("/embed/muscles/nope").status_code == 404


def test_oembed_discovery_and_answer(client: TestClient) -> None:
    html = client.get("/muscles/soleus", headers={"accept": "text/html"}).text
    assert 'type="application/json+oembed"' in html and 'property="og:image"' in html
    assert "Use this map" in html and "<iframe src=" in html.replace("&lt;", "<")
    r = client.get("/oembed", params={"url": "http://127.0.0.1:8000/muscles/soleus", "maxwidth": 400})
    o = r.json()
    assert o["type"] == "rich" and o["version"] == "1.0" and o["width"] == 400
    assert "/embed/muscles/soleus" in o["html"] and o["thumbnail_url"].endswith(".png?width=480")
    assert client.get("/oembed", params={"url": "http://x/etc/passwd"}).status_code == 404
    assert client.get("/oembed", params={"url": "http://127.0.0.1:8000/muscles/soleus", "format": "xml"}).status_code == 422


def test_data_downloads(client: TestClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/downloads/atlas.json").json()
    assert "CC BY-SA" in data["licence"] and len(data["muscles"]) == len(client.get("/api/muscles").json())
    rows = list(csv.DictReader(io.StringIO(client.get("/downloads/trigger-points.csv").text)))
    assert rows and {"muscle", "zone", "kind"} <= set(rows[0])
    db = tmp_path / "a.sqlite"
    db.write_bytes(client.get("/downloads/atlas.sqlite").content)
    assert sqlite3.connect(db).execute("SELECT count(*) FROM muscle").fetchone()[0] == len(data["muscles"])
    assert "CC BY-SA 4.0" in client.get("/downloads", headers={"accept": "text/html"}).text
    json.dumps(data)


def test_muscle_handout_pdf(client: TestClient) -> None:
    r = client.get("/muscles/upper-trapezius.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = r.content
    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf), strict=True)  # fails on a broken cross-reference table
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert text.startswith("Upper trapezius") and "Apex of the lung" in text
    assert "Educational reference for trained professionals" in text and "CC BY-SA 4.0" in text
    assert "0.25\u20130.30 mm \u00d7 30\u201340 mm" in text  # Unicode survives: en dashes and the times sign
    assert any(img for page in reader.pages for img in page.images)  # the map
    assert reader.metadata is not None and reader.metadata.title and "Upper trapezius" in reader.metadata.title
    m = client.get("/api/muscles/upper-trapezius").json()
    png = client.get("/maps/muscles/upper-trapezius.png", params={"width": 240}).content
    assert handout(m, png, "u") == handout(m, png, "u")  # pure: the same data give the same bytes
    assert client.get("/muscles/nope.pdf").status_code == 404
    html = client.get("/muscles/upper-trapezius", headers={"accept": "text/html"}).text
    assert 'href="/muscles/upper-trapezius.pdf"' in html


def test_a_handout_names_a_shared_pattern_once_and_the_side_once(client: TestClient) -> None:
    """Infraspinatus TP1 and TP2 refer to the same zones: the second says so instead of repeating
    the list, and no zone carries "(right)" (the caption says which side is drawn)."""
    reader = PdfReader(io.BytesIO(client.get("/muscles/infraspinatus.pdf").content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    m = client.get("/api/muscles/infraspinatus").json()
    tp1, tp2 = m["trigger_points"][:2]
    assert [z["slug"] for z in tp1["referral"]["spillover"]] == [z["slug"] for z in tp2["referral"]["spillover"]]
    assert "Referral: the same as TP1." in text
    assert text.count("Spillover:") == 1
    assert "(right)" not in text and "Right side shown" in text
