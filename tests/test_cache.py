"""The response cache: bounded by bytes, least recently used evicted, keys a client cannot multiply."""

from __future__ import annotations

from starlette.testclient import TestClient

from app.cache import ResponseCache, accepts_gzip, etag_matches


def _cached(app, client: TestClient, max_bytes: int = 64_000_000) -> tuple[ResponseCache, TestClient]:  # type: ignore[no-untyped-def]
    """A fresh cache around the running app (the session client has started it; no second lifespan)."""
    cache = ResponseCache(app.app, max_bytes=max_bytes)
    return cache, TestClient(cache)


def test_junk_parameters_cannot_grow_the_cache_past_its_bytes(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    cache, c = _cached(app, client, 2_000_000)
    hot = "/muscles/temporalis"
    assert c.get(hot).status_code == 200
    for n in range(300):
        assert c.get(f"/coverage?r={n}").status_code == 200
        if n % 20 == 0:
            c.get(hot)  # used often: least recently used eviction keeps it
    assert 0 < cache.size <= 2_000_000
    assert any(k.startswith(b"/muscles/temporalis?") for k in cache.entries)
    assert not any(k.startswith(b"/coverage?r=0&") or k == b"/coverage?r=0|" for k in cache.entries)


def test_one_key_for_reordered_parameters_and_unknown_htmx_targets(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    cache, c = _cached(app, client)
    c.get("/maps/muscles/temporalis.svg?labels=true&legend=true")
    c.get("/maps/muscles/temporalis.svg?legend=true&labels=true")
    for n in range(50):
        c.get("/muscles/temporalis", headers={"HX-Request": "true", "HX-Target": f"junk{n}"})
    c.get("/muscles/temporalis", headers={"HX-Request": "true", "HX-Target": "panel"})
    keys = [k for k in cache.entries if b"temporalis" in k]
    assert len(keys) == 3, keys  # the map, the page, the page's summary fragment


def test_export_requests_are_neither_read_nor_kept(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    cache, c = _cached(app, client)
    exported = c.get("/muscles/temporalis", headers={"X-Atlas-Export": "1"}).text
    assert not cache.entries
    served = c.get("/muscles/temporalis").text
    assert cache.entries and served != exported  # later visitors get the live page, with htmx


def test_downloads_are_not_cached(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    cache, c = _cached(app, client)
    for n in range(3):
        assert c.get(f"/downloads/atlas.sqlite?r={n}").status_code == 200
    assert not cache.entries


def test_conditional_requests_and_encodings(client: TestClient) -> None:
    r = client.get("/muscles/temporalis", headers={"Accept-Encoding": "gzip"})
    tag = r.headers["etag"]
    assert r.headers.get("content-encoding") == "gzip" and tag.endswith('-gz"')
    plain = client.get("/muscles/temporalis", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in plain.headers and plain.headers["etag"] != tag
    assert client.get("/muscles/temporalis", headers={"Accept-Encoding": "gzip", "If-None-Match": f"W/{tag}"}
                      ).status_code == 304
    assert client.get("/muscles/temporalis", headers={"If-None-Match": "*"}).status_code == 304
    assert client.get("/muscles/temporalis", headers={"Accept-Encoding": "identity", "If-None-Match": tag}
                      ).status_code == 200  # the gzip tag does not validate the plain bytes


def test_header_parsing() -> None:
    assert accepts_gzip(b"gzip, deflate, br") and accepts_gzip(b"br;q=1, gzip;q=0.5") and accepts_gzip(b"*")
    assert not accepts_gzip(b"gzip;q=0") and not accepts_gzip(b"identity") and not accepts_gzip(b"gzip;q=x")
    assert etag_matches(b'"a", W/"b"', b'"b"', False) and not etag_matches(b'"a"', b'"b"', False)


def test_unknown_parameters_are_dropped_before_the_key_and_the_page(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    """?r=1, ?r=2… are one page, rendered once; the junk never reaches a link on it; the parameters
    a route declares still count."""
    cache = ResponseCache(app.app, params=app.params)  # the running app's routes and their parameters
    c = TestClient(cache)
    pages = {c.get(f"/muscles/temporalis?r={n}&utm_source=x{n}").text for n in range(30)}
    assert len(pages) == 1 and "r=1" not in pages.pop()
    assert [k for k in cache.entries if b"temporalis" in k] == [b"/muscles/temporalis?|"]
    one, two = c.get("/lookup?zones=right-heel&r=1"), c.get("/lookup?zones=right-calf&r=2")
    assert "Sole of the heel (right)" in one.text and "Calf (right)" in two.text
    assert b"/lookup?zones=right-heel|" in cache.entries
