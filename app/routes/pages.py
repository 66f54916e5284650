"""HTML pages and their JSON twins (``<page>.json``), each from one context function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from app import contexts
from app.atlas import Atlas
from app.routes.deps import AtlasDep
from app.urls import urls

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, ctx: contexts.Ctx, as_json: bool, partial: tuple[str, str] | None = None,
           status: int = 200) -> Response:
    if as_json:
        return JSONResponse(contexts.public(ctx), status_code=status)
    path = request.url.path
    query = request.url.query
    ctx = {**ctx, "json_url": urls.json_twin(path, query), "path": path, "urls": urls,
           "static_export": request.headers.get("x-atlas-export") == "1"}
    # htmx asks for a fragment by naming its target; a boosted page load targets the body
    target = request.headers.get("hx-target")
    name = partial[1] if partial and request.headers.get("hx-request") == "true" and target == partial[0] \
        else template
    html = request.app.state.templates.get_template(name).render(ctx)
    return HTMLResponse(html, status_code=status, headers={"Vary": "HX-Request, HX-Target"})


def _page(path: str, template: str, build: Callable[..., contexts.Ctx],
          partial: tuple[str, str] | None = None) -> None:
    """Register ``path`` (HTML) and ``path.json`` (its JSON twin) for one context function."""

    def make(as_json: bool) -> Callable[..., Response]:
        if "{slug}" in path:
            def endpoint(request: Request, atlas: AtlasDep, slug: str) -> Response:
                return render(request, template, build(atlas, slug), as_json, partial)
            return endpoint

        # a page without a slug in its path takes no parameters: "?slug=x" is ignored, not passed on
        def plain(request: Request, atlas: AtlasDep) -> Response:
            return render(request, template, build(atlas), as_json, partial)
        return plain

    # the JSON twin first: "/muscles/{slug}" would otherwise swallow "/muscles/x.json"
    json_path = "/index.json" if path == "/" else f"{path}.json"
    router.add_api_route(json_path, make(True), methods=["GET"])
    router.add_api_route(path, make(False), methods=["GET"], response_class=HTMLResponse)




def _home(request: Request, atlas: Atlas, plate: str, view: str, as_json: bool) -> Response:
    try:
        ctx = contexts.home(atlas, plate, view)
    except contexts.BadRequest as exc:
        return error_page(request, 400, str(exc), as_json)
    return render(request, "home.html", ctx, as_json)


PlateQ = Annotated[str, Query(max_length=40, description="superficial or deep: which layer of muscles is drawn")]
ViewQ = Annotated[str, Query(max_length=40, description="whole (the whole-body views) or a close-up view")]


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request, atlas: AtlasDep, plate: PlateQ = "superficial", view: ViewQ = "whole") -> Response:
    return _home(request, atlas, plate, view, False)


@router.get("/index.json")
def home_json(request: Request, atlas: AtlasDep, plate: PlateQ = "superficial", view: ViewQ = "whole") -> Response:
    return _home(request, atlas, plate, view, True)


_page("/muscles", "muscles.html", contexts.muscle_list)
_page("/muscles/{slug}", "muscle.html", contexts.muscle, partial=("panel", "_muscle_summary.html"))
_page("/conditions", "conditions.html", contexts.condition_list)
_page("/conditions/{slug}", "condition.html", contexts.condition)
_page("/groups", "groups.html", contexts.group_list)
_page("/groups/{slug}", "group.html", contexts.group)
_page("/zones", "zones.html", contexts.zone_list)
_page("/zones/{slug}", "zone.html", contexts.zone)
_page("/coverage", "coverage.html", contexts.coverage)
_page("/primer", "primer.html", contexts.primer)


def _lookup(request: Request, atlas: Atlas, zones: list[str], as_json: bool) -> Response:
    try:
        ctx = contexts.lookup(atlas, zones)
    except contexts.BadRequest as exc:
        return error_page(request, 400, str(exc), as_json)
    return render(request, "lookup.html", ctx, as_json, partial=("lookup-results", "_lookup_results.html"))


ZonesQ = Annotated[list[str], Query(max_length=60, description="zone slugs; comma-separated or repeated")]


@router.get("/lookup", response_class=HTMLResponse)
def lookup_page(request: Request, atlas: AtlasDep, zones: ZonesQ = []) -> Response:  # noqa: B006
    return _lookup(request, atlas, zones, False)


@router.get("/lookup/toggle")
def lookup_toggle(request: Request, atlas: AtlasDep, zone: str = "") -> Response:
    """A pain map's zone link, followed without JavaScript: back to the lookup page the click came
    from (its Referer) with the zone added, or removed when it was selected. The maps on a lookup
    page are the same for every selection, so their links cannot carry it. With JavaScript the page
    toggles the zone itself and never comes here."""
    try:
        zs = contexts.parse_zones([zone], atlas.zone_objects)
    except contexts.BadRequest:
        zs = []
    if len(zs) != 1:
        return error_page(request, 400, "zone: give one known zone slug, e.g. ?zone=right-heel")
    z = zs[0]
    selected = contexts.referring_selection(request.headers.get("referer", ""), request.url.netloc,
                                            atlas.zone_objects)
    nxt = [x for x in selected if x != z] if z in selected else [*selected, z]
    return RedirectResponse(urls.lookup(nxt), status_code=303, headers={"Cache-Control": "no-store"})


@router.get("/lookup.json")
def lookup_json(request: Request, atlas: AtlasDep, zones: ZonesQ = []) -> Response:  # noqa: B006
    return _lookup(request, atlas, zones, True)


def _search(request: Request, atlas: Atlas, q: str, as_json: bool) -> Response:
    try:
        ctx = contexts.search(atlas, q)
    except contexts.BadRequest as exc:
        return error_page(request, 400, str(exc), as_json)
    return render(request, "search.html", ctx, as_json, partial=("results", "_search_results.html"))


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, atlas: AtlasDep, q: str = "") -> Response:
    return _search(request, atlas, q, False)


@router.get("/search.json")
def search_json(request: Request, atlas: AtlasDep, q: str = "") -> Response:
    return _search(request, atlas, q, True)


def error_page(request: Request, status: int, detail: str, as_json: bool | None = None,
               headers: dict[str, str] | None = None) -> Response:
    if as_json is None:
        as_json = request.url.path.startswith("/api/") or request.url.path.endswith(".json") or \
            "text/html" not in request.headers.get("accept", "")
    if as_json:
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    ctx = {"page": "error", "title": {404: "Not found", 400: "Bad request"}.get(status, "Error"), "detail": detail,
           "status": status, "breadcrumbs": [{"name": "Atlas", "url": "/"}, {"name": "Error", "url": None}]}
    response = render(request, "error.html", ctx, False, status=status)
    response.headers.update(headers or {})
    return response
