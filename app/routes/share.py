"""Taking maps away: embeds (framable), oEmbed discovery, and the data downloads."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlparse

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from app import contexts, queries
from app.atlas import Atlas
from app.handout import handout
from app.maps import figures
from app.maps.render import Options
from app.routes.deps import AtlasDep, RasterDep
from app.routes.pages import render
from app.schemas.api import OEmbed, Problem
from app.urls import urls

router = APIRouter(tags=["share"])


def _built_at(atlas: Atlas) -> datetime | None:
    """When the database was built: the handout's creation date, so its bytes follow the data."""
    try:
        return datetime.fromisoformat(atlas.meta.get("built_at") or "")
    except ValueError:
        return None


@router.get("/muscles/{slug}.pdf", response_class=Response, summary="A printable handout of one muscle (PDF)",
            responses={200: {"content": {"application/pdf": {}}}, 503: {"description": "Renderers busy; retry"},
                       404: {"model": Problem, "description": "No such muscle"}})
def muscle_pdf(slug: str, atlas: AtlasDep, pool: RasterDep) -> Response:
    with atlas.lock:
        m = queries.muscle(atlas.conn, slug)
        source = atlas.base_url + urls.muscle(slug)
        # laid out as for an 800-px picture (its text half as large again, so labels print at about
        # 9 pt across the page) and rasterised at 1600 px, sharp on paper
        svg = figures.muscle_map(atlas.conn, slug, Options(width=800, source_url=source)) if m else None
    if m is None or svg is None:
        raise HTTPException(404, f"no muscle '{slug}'")
    pdf = handout(m, pool.png(svg, 1600), source, _built_at(atlas))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{slug}.pdf"', "Cache-Control": "public, max-age=86400"})


@router.get("/embed/muscles/{slug}", response_class=HTMLResponse, include_in_schema=False)
def embed_muscle(request: Request, slug: str, atlas: AtlasDep) -> Response:
    return render(request, "embed.html", contexts.embed_muscle(atlas, slug), False)


@router.get("/embed/conditions/{slug}", response_class=HTMLResponse, include_in_schema=False)
def embed_condition(request: Request, slug: str, atlas: AtlasDep) -> Response:
    return render(request, "embed.html", contexts.embed_condition(atlas, slug), False)


@router.get("/oembed", response_model=OEmbed, responses={404: {"model": Problem, "description": "Not an atlas page"}},
            summary="oEmbed for muscle and condition pages (type rich)")
def oembed(
    request: Request, atlas: AtlasDep,
    url: Annotated[str, Query(max_length=500, description="A muscle or condition page of this atlas")],
    maxwidth: Annotated[int | None, Query(ge=100, le=4000)] = None,
    maxheight: Annotated[int | None, Query(ge=100, le=4000)] = None,
    format: Annotated[str, Query(pattern="^json$", description="Only json is offered")] = "json",
) -> OEmbed:
    base = request.app.state.settings.base_url
    try:
        path = urlparse(url).path
    except ValueError as exc:  # "http://[" and the like: not a URL at all
        raise HTTPException(400, f"url is not a valid URL: {exc}") from exc
    parts = [p for p in path.split("/") if p]
    if len(parts) != 2 or parts[0] not in ("muscles", "conditions"):
        raise HTTPException(404, "not a muscle or condition page of this atlas")
    kind, slug = ("muscle" if parts[0] == "muscles" else "condition"), parts[1]
    with atlas.lock:
        found = (queries.muscle if kind == "muscle" else queries.condition)(atlas.conn, slug)
    if found is None:
        raise HTTPException(404, f"no {kind} '{slug}'")
    title = found["name"]
    width = min(maxwidth or 640, 640)
    height = min(maxheight or 520, 520)
    s = contexts.share(base, kind, slug, title)
    html = (f'<iframe src="{s["embed_url"]}" title="{title}" width="{width}" height="{height}" '
            'style="border:0;max-width:100%" loading="lazy"></iframe>')
    return OEmbed(version="1.0", type="rich", title=title, provider_name="Trigger-Point Atlas", provider_url=base,
                  author_name="Trigger-Point Atlas contributors", html=html, width=width, height=height,
                  thumbnail_url=s["png"] + "?width=480", thumbnail_width=480,
                  license="CC BY-SA 4.0", license_url="https://creativecommons.org/licenses/by-sa/4.0/")


def _dataset(atlas: Atlas) -> dict[str, Any]:
    with atlas.lock:
        ms = [queries.muscle(atlas.conn, m["slug"]) for m in queries.muscles(atlas.conn)]
        cs = [queries.condition(atlas.conn, c["slug"]) for c in queries.conditions(atlas.conn)]
        zs = queries.zones(atlas.conn)
        srcs = list(queries.sources(atlas.conn).values())
    for m in ms:
        if m:
            m.pop("file", None)
    return {"licence": "CC BY-SA 4.0 — credit \"Trigger-Point Atlas\"", "version": json.loads(
        atlas.meta.get("about") or "{}").get("version"), "muscles": ms, "conditions": cs, "zones": zs,
        "sources": srcs}


def _downloads(atlas: Atlas) -> dict[str, Any]:
    return {"page": "downloads", "title": "Download the data", "breadcrumbs": contexts.crumbs(("Downloads", None)),
            "counts": json.loads(atlas.meta.get("counts", "{}")), "licence": "CC BY-SA 4.0",
            "files": ["/downloads/atlas.json", "/downloads/trigger-points.csv", "/downloads/atlas.sqlite"]}


@router.get("/downloads.json", include_in_schema=False)
def downloads_json(request: Request, atlas: AtlasDep) -> Response:
    return render(request, "downloads.html", _downloads(atlas), True)


@router.get("/downloads", response_class=HTMLResponse, include_in_schema=False)
def downloads(request: Request, atlas: AtlasDep) -> Response:
    return render(request, "downloads.html", _downloads(atlas), False)


@router.get("/downloads/atlas.json", summary="The whole dataset as JSON (CC BY-SA 4.0)")
def download_json(atlas: AtlasDep) -> JSONResponse:
    return JSONResponse(_dataset(atlas), headers={"Content-Disposition": 'attachment; filename="atlas.json"'})


@router.get("/downloads/trigger-points.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}}, summary="One row per trigger point and referral zone (CC BY-SA 4.0)")
def download_csv(atlas: AtlasDep) -> Response:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["muscle", "muscle_name", "latin", "region", "trigger_point", "location", "zone", "zone_name", "kind"])
    for m in _dataset(atlas)["muscles"]:
        for tp in m["trigger_points"]:
            for kind in ("essential", "spillover"):
                for z in tp["referral"][kind]:
                    w.writerow([m["slug"], m["name"], m["latin"], m["region"], tp["label"], tp["location"], z["slug"],
                                z["name"], kind])
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="trigger-points.csv"'})


@router.get("/downloads/atlas.sqlite", response_class=FileResponse,
            responses={200: {"content": {"application/vnd.sqlite3": {}}}}, summary="The built SQLite database (CC BY-SA 4.0)")
def download_sqlite(atlas: AtlasDep) -> FileResponse:
    return FileResponse(atlas.db_path, media_type="application/vnd.sqlite3", filename="atlas.sqlite")
