"""HTML pages: each has a title, breadcrumbs, the notice and a JSON twin built from the same context."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

PAGES = ["/", "/?plate=deep", "/?view=hand-palmar&plate=deep", "/muscles", "/muscles/upper-trapezius", "/conditions",
         "/conditions/tension-type-headache", "/zones", "/zones/right-temple", "/lookup?zones=right-temple,right-heel",
         "/lookup", "/search?q=trapezius", "/groups", "/groups/hamstrings"]
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
    assert "script-src 'self';" in r.headers["content-security-policy"]  # htmx is served from here
    assert '<script src="/vendor/htmx.min.js" defer>' in r.text and "unpkg" not in r.text


class _Clickable(HTMLParser):
    """What one state of the home page shows: the muscles a user can click and the map-state links."""

    def __init__(self) -> None:
        super().__init__()
        self.plate = ""
        self.depth = 0
        self.open_set: int | None = None  # the depth of the shown map set we are inside
        self.in_bar = 0
        self.muscles: set[str] = set()
        self.states: set[str] = set()
        self.shown_sets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "section" and "atlas-maps" in cls:
            self.plate = next(c[len("plate-"):] for c in cls if c.startswith("plate-"))
        if tag in ("div", "nav"):
            self.depth += 1
            if "mapset" in cls and "hidden" not in a:
                self.open_set = self.depth
                self.shown_sets.append(a["data-view"] or "")
            if "mapbar" in cls:
                self.in_bar = self.depth
        if tag == "a" and self.open_set is not None and "m" in cls and self.plate in cls and a.get("data-muscle"):
            self.muscles.add(a["data-muscle"] or "")
        if tag == "a" and self.in_bar and a.get("href"):
            self.states.add((a["href"] or "").replace("&amp;", "&"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("div", "nav"):
            if self.open_set == self.depth:
                self.open_set = None
            if self.in_bar == self.depth:
                self.in_bar = 0
            self.depth -= 1


def _home_state(client: TestClient, url: str) -> _Clickable:
    r = client.get(url, headers=HTML)
    assert r.status_code == 200, url
    p = _Clickable()
    p.feed(r.text)
    return p


def test_every_muscle_is_clickable_on_a_plate_or_close_up_reachable_from_home(client: TestClient) -> None:
    """Follow the view and plate links from the home page; on each, the muscles of the shown plate count."""
    everything = {m["slug"] for m in client.get("/api/muscles").json()}
    seen: dict[str, set[str]] = {}
    queue = ["/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        state = _home_state(client, url)
        assert state.plate in ("superficial", "deep") and len(state.shown_sets) == 1, url
        seen[url] = state.muscles
        queue += [u for u in state.states if urlsplit(u).path == "/" and u not in seen]
    views = {v["view"] for v in client.get("/index.json").json()["views"]}
    # both plates of the whole body and of every close-up in the view table
    assert len(seen) == 2 * (len(views - {"anterior", "posterior", "lateral"}) + 1), sorted(seen)
    reachable = set().union(*seen.values())
    missing = sorted(everything - reachable)
    assert not missing, f"{len(missing)} muscles are on no plate or close-up reachable from /: {', '.join(missing)}"
    assert reachable == everything


def test_home_plate_and_view_are_links_and_bad_values_are_400(client: TestClient) -> None:
    home = client.get("/", headers=HTML).text
    assert 'href="/?plate=deep"' in home and 'href="/?view=head-lateral"' in home
    assert 'class="atlas-maps plate-superficial"' in home
    deep = client.get("/?view=foot-plantar&plate=deep", headers=HTML).text
    assert 'class="atlas-maps plate-deep"' in deep
    assert re.search(r'class="mapset closeup" data-view="foot-plantar">', deep)
    assert re.search(r'class="mapset maps eqh" data-view="whole" hidden>', deep)
    twin = client.get("/index.json?view=foot-plantar&plate=deep").json()
    assert twin["plate"] == "deep" and twin["view"] == "foot-plantar"
    assert [t["view"] for t in twin["tabs"] if t["current"]] == ["foot-plantar"]
    for bad in ("/?plate=middle", "/?view=nope", "/?view=anterior", "/index.json?plate=x"):
        r = client.get(bad, headers=HTML)
        assert r.status_code == 400, bad


def test_muscle_map_links_to_its_large_version(client: TestClient) -> None:
    html = client.get("/muscles/soleus", headers=HTML).text
    big = re.search(r'<a class="enlarge" href="([^"]+)"', html)
    assert big and big.group(1) == "/maps/muscles/soleus.svg?width=1600"
    r = client.get(big.group(1))
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert 'width="1600"' in r.text[:2000]
    assert '<dialog id="map-dialog"' in html


def test_lookup_candidates_are_cards_with_their_maps(client: TestClient) -> None:
    html = client.get("/lookup?zones=right-heel,right-calf", headers=HTML).text
    ranked = html[html.index('<ol class="ranked cards2">'):]
    assert ranked.count('<figure class="candidate">') == 8
    assert '<ol class="best">' in html and 'href="#ranked"' in html
    # each candidate's map is its own referral map, fetched (and cached) once for every page
    first = re.search(r'<figure class="candidate"><a href="(/muscles/[a-z0-9-]+)"><img src="([^"]+)"', ranked)
    # a PNG: drawn with the bundled font (an SVG as an image cannot use the page's font, and its text
    # in a fallback font ran past the canvas)
    assert first and first[2] == f"/maps{first[1]}.png?width=800"
    assert client.get(first[2]).headers["content-type"] == "image/png"


def test_lookup_pain_maps_are_the_same_for_every_selection(client: TestClient) -> None:
    """A new selection costs the ranking alone: the pain maps are shared, the page marks its zones."""
    def maps(html: str) -> str:
        return html[html.index('<section id="lookup-maps"'):html.index("</section>", html.index('id="lookup-maps"'))]

    one = client.get("/lookup?zones=right-heel", headers=HTML).text
    two = client.get("/lookup?zones=right-calf,left-temple", headers=HTML).text
    assert maps(one) == maps(two) and 'href="/lookup/toggle?zone=right-heel"' in maps(one)
    marked = re.search(r'<style id="marked">(.*?)</style>', two, re.S)
    assert marked and 'a.z[data-zone-link="right-calf"]' in marked[1] and 'data-zone-link="left-temple"' in marked[1]
    assert "right-heel" not in marked[1]


@pytest.mark.parametrize(("referer", "zone", "to"), [
    ("/lookup?zones=right-calf", "right-heel", "/lookup?zones=right-calf,right-heel"),  # added
    ("/lookup?zones=right-calf,right-heel", "right-heel", "/lookup?zones=right-calf"),  # removed
    ("/lookup?zones=right-calf&zones=left-temple", "right-heel", "/lookup?zones=right-calf,left-temple,right-heel"),
    ("/lookup?zones=right-heel", "right-heel", "/lookup"),  # the last one removed
    ("/muscles/soleus", "right-heel", "/lookup?zones=right-heel"),  # not from a lookup page: a new selection
    ("/lookup?zones=no-such-zone,right-calf", "right-heel", "/lookup?zones=right-calf,right-heel"),
    ("", "right-heel", "/lookup?zones=right-heel"),
])
def test_a_pain_map_zone_toggles_the_selection_it_was_clicked_on(client: TestClient, referer: str, zone: str,
                                                                  to: str) -> None:
    headers = {"referer": f"http://testserver{referer}"} if referer else {}
    r = client.get(f"/lookup/toggle?zone={zone}", headers=headers, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == to


def test_a_pain_map_zone_from_another_site_starts_afresh(client: TestClient) -> None:
    r = client.get("/lookup/toggle?zone=right-heel", headers={"referer": "http://evil.example/lookup?zones=right-calf"},
                   follow_redirects=False)
    assert r.headers["location"] == "/lookup?zones=right-heel"


@pytest.mark.parametrize("query", ["", "?zone=", "?zone=nope", "?zone=right-heel,right-calf"])
def test_a_bad_toggle_is_a_400(client: TestClient, query: str) -> None:
    r = client.get(f"/lookup/toggle{query}", headers=HTML, follow_redirects=False)
    assert r.status_code == 400 and "zone" in r.text


def test_coverage_states_where_the_figure_comes_from(client: TestClient) -> None:
    html = client.get("/coverage").text
    assert "MakeHuman base mesh hm08" in html and "CC0" in html and "Source Sans Pro" in html


@pytest.mark.parametrize("url", ["/coverage?slug=x", "/muscles?slug=y", "/index.json?slug=a", "/coverage.json?slug=a",
                                 "/conditions?slug=z", "/zones.json?slug=q"])
def test_a_slug_where_none_is_expected_is_ignored(client: TestClient, url: str) -> None:
    """Pages without a slug used to hand '?slug=' on to their context and answer 500."""
    r = client.get(url)
    assert r.status_code == 200, r.text[:200]


def test_oembed_with_an_unparsable_url_is_a_400(client: TestClient) -> None:
    r = client.get("/oembed", params={"url": "http://["})
    assert r.status_code == 400 and "not a valid URL" in r.json()["detail"]


def test_read_only_data_is_open_to_other_sites(client: TestClient) -> None:
    for url in ["/api/muscles", "/muscles/temporalis.json", "/index.json", "/maps/muscles/temporalis.svg",
                "/oembed?url=/muscles/temporalis"]:
        r = client.get(url, headers={"Origin": "https://course.example"})
        assert r.status_code == 200 and r.headers.get("access-control-allow-origin") == "*", url
        assert "access-control-allow-credentials" not in r.headers
    assert "access-control-allow-origin" not in client.get("/muscles/temporalis").headers  # pages are not data


def test_trailing_slash_redirects_stay_on_this_site(client: TestClient) -> None:
    r = client.get("/muscles/?q=1", headers={"Host": "evil.example"}, follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/muscles?q=1"
    r = client.get("/zones/", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/zones"


def test_each_trigger_point_shows_its_own_map_on_the_muscle_page(client: TestClient) -> None:
    """The manual gives each trigger point's pattern its own figure: the page shows each beside its card."""
    page = client.get("/muscles/gluteus-minimus").text
    srcs = re.findall(r'<figure class="tpmap">.*?<img src="([^"]+)"', page, re.S)
    assert len(srcs) == 2
    for src in srcs:
        r = client.get(src.replace("&amp;", "&"))
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert 'class="tpmap"' not in client.get("/muscles/pyramidalis").text  # one trigger point: the main map is its map
