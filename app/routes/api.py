"""The JSON API under /api (contract: DESIGN.md "Contracts")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from app import contexts, queries
from app.routes.deps import AtlasDep
from app.schemas import api
from app.urls import urls

router = APIRouter(prefix="/api", tags=["api"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": api.Problem, "description": "No such item"}}
BAD: dict[int | str, dict[str, Any]] = {400: {"model": api.Problem, "description": "Bad parameter"}}


@router.get("/muscles", response_model=list[api.MuscleItem], summary="All muscles")
def list_muscles(atlas: AtlasDep) -> list[api.MuscleItem]:
    with atlas.lock:
        ms = queries.muscles(atlas.conn)
    return [api.MuscleItem(slug=m["slug"], name=m["name"], latin=m["latin"], region=m["region"],
                           url=urls.muscle(m["slug"])) for m in ms]


@router.get("/muscles/{slug}", response_model=api.MuscleDetail, responses=NOT_FOUND, summary="One muscle")
def get_muscle(slug: str, atlas: AtlasDep) -> api.MuscleDetail:
    with atlas.lock:
        m = queries.muscle(atlas.conn, slug)
    if m is None:
        raise HTTPException(404, f"no muscle '{slug}'")
    for c in m["conditions"]:
        c["url"] = urls.condition(c["slug"])
    return api.MuscleDetail(**m, url=urls.muscle(slug), map_svg=urls.muscle_svg(slug))


@router.get("/zones", response_model=list[api.ZoneItem], summary="All body-surface zones")
def list_zones(atlas: AtlasDep) -> list[api.ZoneItem]:
    with atlas.lock:
        zs = queries.zones(atlas.conn)
    return [api.ZoneItem(**{k: z[k] for k in ("slug", "name", "region", "side", "views", "muscle_count")},
                         url=urls.zone(z["slug"])) for z in zs]


@router.get("/conditions", response_model=list[api.ConditionItem], summary="All conditions")
def list_conditions(atlas: AtlasDep) -> list[api.ConditionItem]:
    with atlas.lock:
        cs = queries.conditions(atlas.conn)
    return [api.ConditionItem(**{k: c[k] for k in ("slug", "name", "icd10", "icd11", "muscle_count")},
                              url=urls.condition(c["slug"])) for c in cs]


@router.get("/conditions/{slug}", response_model=api.ConditionDetail, responses=NOT_FOUND, summary="One condition")
def get_condition(slug: str, atlas: AtlasDep) -> api.ConditionDetail:
    with atlas.lock:
        c = queries.condition(atlas.conn, slug)
    if c is None:
        raise HTTPException(404, f"no condition '{slug}'")
    for m in c["muscles"]:
        m["url"] = urls.muscle(m["slug"])
    return api.ConditionDetail(**c, url=urls.condition(slug))


@router.get("/groups", response_model=list[api.GroupItem], summary="Group names (iliopsoas, rotator cuff...)")
def list_groups(atlas: AtlasDep) -> list[api.GroupItem]:
    ctx = contexts.group_list(atlas)
    return [api.GroupItem(**g) for k in ctx["kinds"] for g in k["groups"]]


@router.get("/groups/{slug}", response_model=api.GroupDetail, responses=NOT_FOUND,
            summary="One group: its members and their combined referral pattern")
def get_group(slug: str, atlas: AtlasDep) -> api.GroupDetail:
    try:
        ctx = contexts.group(atlas, slug)
    except contexts.NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    return api.GroupDetail(**ctx["group"], pattern=ctx["pattern"], url=urls.group(slug))


@router.get("/search", response_model=api.SearchResults, responses=BAD, summary="Search muscles, conditions, zones")
def search(atlas: AtlasDep, q: Annotated[str, Query(max_length=200, description="Search text")]) -> api.SearchResults:
    ctx = contexts.search(atlas, q)
    return api.SearchResults(q=ctx["q"], results=[api.SearchHit(**h) for h in ctx["results"]])


@router.get("/lookup", response_model=api.LookupResults, responses=BAD,
            summary="Muscles ranked by how well their referral patterns explain the painful zones")
async def lookup(  # dictionary work on the prebuilt referral index (about 0.1 ms): no thread needed
    atlas: AtlasDep,
    zones: Annotated[str, Query(min_length=1, max_length=4000, description="Comma-separated zone slugs",
                                examples=["right-heel,right-calf"])],
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> api.LookupResults:
    try:
        ctx = contexts.lookup_results(atlas, [zones], limit)
    except contexts.BadRequest as exc:
        raise HTTPException(400, str(exc)) from exc
    return api.LookupResults(zones=ctx["zones"], scoring=ctx["scoring"],
                             results=[api.LookupHit(**r) for r in ctx["results"]])
