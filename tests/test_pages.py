"""HTML pages: each has a title, breadcrumbs, the notice and a JSON twin built from the same context."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

PAGES = ["/", "/muscles", "/muscles/upper-trapezius", "/conditions", "/conditions/tension-type-headache",
         "/zones", "/zones/right-temple", "/lookup?zones=right-temple,right-heel", "/lookup", "/search?q=trapezius"]
HTML = {"accept": "text/html"}


@pytest.mark.parametrize("url", PAGES)
def test_page_has_the_common_parts(client: TestClient, url: str) -> None:
    r = client.get(url, headers=HTML)
    assert r.status_code == 200
    html = r.text
    assert "<title>" in html and 'aria-label="Breadcrumb"' in html
    assert "Educational reference for trained professionals" in html
    twin = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', html)
    assert twin
    j = client.get(twin.group(1).replace("&amp;", "&"))
    assert j.status_code == 200 and j.headers["content-type"].startswith("application/json")
    assert "title" in j.json() and not any(k.startswith("_") for k in j.json())


def test_muscle_page_shows_every_field(client: TestClient) -> None:
    m = client.get("/api/muscles/upper-trapezius").json()
    html = client.get("/muscles/upper-trapezius", headers=HTML).text
    for text in (m["latin"], m["origin"], m["insertion"], m["innervation"], m["action"], "Structures at risk",
                 "Apex of the lung", "Essential zone", "Spillover", "Sources", "Tension-type headache"):
        assert text.replace("&", "&amp;") in html or text in html, text
    assert 'class="risk risk-lung"' in html


def test_muscle_summary_fragment_for_htmx(client: TestClient) -> None:
    r = client.get("/muscles/upper-trapezius", headers={"HX-Request": "true", "HX-Target": "panel"})
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<article class="summary">')


def test_search_is_a_plain_form_and_a_fragment(client: TestClient) -> None:
    full = client.get("/search?q=sternocleidomastiod", headers=HTML).text
    assert '<form action="/search" method="get"' in full and "Sternocleidomastoid" in full
    frag = client.get("/search?q=sternocleidomastiod", headers={"HX-Request": "true", "HX-Target": "results"}).text
    assert "<html" not in frag and "Sternocleidomastoid" in frag


def test_unknown_pages_are_404_html(client: TestClient) -> None:
    for url in ("/muscles/nope", "/conditions/nope", "/zones/nope", "/muscles/..%2F..%2Fetc%2Fpasswd"):
        r = client.get(url, headers=HTML)
        assert r.status_code == 404, url
        assert "Not found" in r.text


def test_bad_lookup_is_a_400_page(client: TestClient) -> None:
    r = client.get("/lookup?zones=right-heel,<script>alert(1)</script>", headers=HTML)
    assert r.status_code == 400
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text


def test_search_escapes_what_it_echoes(client: TestClient) -> None:
    r = client.get("/search", params={"q": '"><img src=x onerror=alert(1)>'}, headers=HTML)
    assert r.status_code == 200 and "<img src=x" not in r.text


def test_pages_work_without_javascript_links(client: TestClient) -> None:
    html = client.get("/", headers=HTML).text
    # every muscle on the map is a real link to its page
    links = set(re.findall(r'<a [^>]*href="(/muscles/[a-z0-9-]+)"', html))
    assert links
    for href in sorted(links)[:10]:
        assert client.get(href, headers=HTML).status_code == 200


def test_cache_answers_repeats_with_etag_and_304(client: TestClient) -> None:
    r1 = client.get("/muscles/upper-trapezius", headers=HTML)
    etag = r1.headers["etag"]
    r2 = client.get("/muscles/upper-trapezius", headers={**HTML, "If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b""
    gz = client.get("/muscles/upper-trapezius", headers={**HTML, "Accept-Encoding": "gzip"})
    assert gz.headers.get("content-encoding") == "gzip" and gz.text == r1.text


def test_security_headers(client: TestClient) -> None:
    r = client.get("/", headers=HTML)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert "script-src 'self' https://unpkg.com" in r.headers["content-security-policy"]
