"""Map images: whole views, one muscle, a condition's heat map, a lookup selection (SVG and PNG)."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from app import contexts, queries
from app.maps import figures
from app.maps.figures import Plate, Scheme
from app.maps.pool import RasterPool
from app.maps.render import Options
from app.routes.deps import AtlasDep, RasterDep
from app.schemas.content import View
from app.urls import urls

router = APIRouter(prefix="/maps", tags=["maps"])
SVG = "image/svg+xml"
IMAGE_CACHE = "public, max-age=86400"
BUSY: dict[int | str, dict[str, object]] = {
    503: {"description": "Every image renderer is busy: try again after Retry-After seconds"}}


class Width(IntEnum):
    w240 = 240
    w480 = 480
    w800 = 800
    w1200 = 1200
    w1600 = 1600




def _opts(width: Width | None, labels: bool, legend: bool, scheme: Scheme, fibres: bool = True,
          deep: bool = True, source: str = "", plate: Plate | None = None) -> Options:
    w = int(width) if width else None
    # fibre lines only blur a small picture
    return Options(width=w, labels=labels, legend=legend, scheme=scheme.value,
                   fibres=fibres and (w is None or w >= 480), deep=deep, source_url=source,
                   plate=plate.value if plate else None)


WidthQ = Annotated[Width | None, Query(description="Pixel width, one of 240, 480, 800, 1200, 1600")]
LabelsQ = Annotated[bool, Query(description="Show labels")]
LegendQ = Annotated[bool, Query(description="Show the legend")]
SchemeQ = Annotated[Scheme, Query(description="Colour scheme")]
PlateQ = Annotated[Plate, Query(description="Layer of muscles: superficial (the default), deep (deep muscles solid, "
                                            "the superficial layer as faint outlines) or all")]


class Sides(StrEnum):
    auto = "auto"
    right = "right"
    both = "both"


SidesQ = Annotated[Sides, Query(description="auto: both sides when most of the pain lies on the head, neck or "
                                            "trunk; right: the right-side patterns only; both")]


def _image(svg: str | None, fmt: str, what: str, width: Width | None, pool: RasterPool) -> Response:
    if svg is None:
        raise HTTPException(404, f"no {what}")
    if fmt == "png":
        return Response(pool.png(svg, int(width or Width.w1200)), media_type="image/png",
                        headers={"Cache-Control": IMAGE_CACHE})
    return Response(svg, media_type=SVG, headers={"Cache-Control": IMAGE_CACHE})


@router.get("/lookup.{fmt}", response_class=Response,
            responses={**BUSY, 200: {"content": {SVG: {}, "image/png": {}}}, 400: {"description": "Unknown zone or none"},
                       404: {"description": "No zone of the selection drawn"}},
            summary="A lookup selection, with the best-ranked muscle's pattern")
def lookup_map(fmt: Annotated[str, figures.FMT_PATH], atlas: AtlasDep, pool: RasterDep,
               zones: Annotated[str, Query(min_length=1, max_length=4000)], width: WidthQ = None,
               labels: LabelsQ = True, legend: LegendQ = True, scheme: SchemeQ = Scheme.clinical) -> Response:
    try:
        selected = contexts.parse_zones([zones], atlas.zone_objects)
    except contexts.BadRequest as exc:
        raise HTTPException(400, str(exc)) from exc
    if not selected:
        raise HTTPException(400, "zones: name at least one zone, e.g. zones=lateral-elbow")
    with atlas.lock:
        svg = figures.selection_map(atlas.conn, selected, "Selected painful areas",
                                    _opts(width, labels, legend, scheme, source=atlas.base_url + urls.lookup(selected)))
    return _image(svg, fmt, "zone drawn for this selection", width, pool)


@router.get("/{view}.{fmt}", response_class=Response,
            responses={**BUSY, 200: {"content": {SVG: {}, "image/png": {}}}, 404: {"description": "View not drawn"}},
            summary="A whole view, every muscle a link")
def view_map(view: View, fmt: Annotated[str, figures.FMT_PATH], atlas: AtlasDep, pool: RasterDep,
             width: WidthQ = None,
             labels: LabelsQ = True, legend: LegendQ = True, scheme: SchemeQ = Scheme.clinical,
             deep: Annotated[bool, Query(description="false: the superficial plate, whatever plate says")] = True,
             plate: PlateQ = Plate.superficial) -> Response:
    if not deep:
        plate = Plate.superficial
    with atlas.lock:
        svg = figures.view_map(atlas.conn, view.value, _opts(width, labels, legend, scheme, deep=deep,
                                                             source=atlas.base_url + "/", plate=plate))
    return _image(svg, fmt, f"view '{view.value}'", width, pool)


@router.get("/muscles/{slug}.{fmt}", response_class=Response,
            responses={**BUSY, 200: {"content": {SVG: {}, "image/png": {}}}, 404: {"description": "No such muscle"}},
            summary="One muscle: shape, trigger points, referral pattern")
def muscle_map(slug: str, fmt: Annotated[str, figures.FMT_PATH], atlas: AtlasDep, pool: RasterDep,
             width: WidthQ = None,
               labels: LabelsQ = True, legend: LegendQ = True, scheme: SchemeQ = Scheme.clinical,
               view: Annotated[View | None, Query(description="Only this view")] = None,
               tp: Annotated[int | None, Query(ge=1, le=20, description="Only this trigger point (1 is the first "
                                                                        "listed) and its own pattern")] = None
               ) -> Response:
    with atlas.lock:
        svg = figures.muscle_map(atlas.conn, slug, _opts(width, labels, legend, scheme,
                                                         source=atlas.base_url + urls.muscle(slug)),
                                 views=[view.value] if view else None, tp=tp)
    what = f"muscle '{slug}'" + (f" with a trigger point {tp}" if tp else "")
    return _image(svg, fmt, f"{what} (or it is not drawn on that view)", width, pool)


@router.get("/conditions/{slug}.{fmt}", response_class=Response,
            responses={**BUSY, 200: {"content": {SVG: {}, "image/png": {}}}, 404: {"description": "No such condition"}},
            summary="A condition's heat map of referral zones")
def condition_map(slug: str, fmt: Annotated[str, figures.FMT_PATH], atlas: AtlasDep, pool: RasterDep,
             width: WidthQ = None,
                  labels: LabelsQ = True, legend: LegendQ = True, scheme: SchemeQ = Scheme.clinical,
                  sides: SidesQ = Sides.auto) -> Response:
    with atlas.lock:
        c = queries.condition(atlas.conn, slug)
        svg = None
        if c is not None:
            svg = figures.heat_map(atlas.conn, queries.condition_heat(atlas.conn, slug),
                                   f"{c['name']}: where its muscles refer pain",
                                   "Denser hatching: more of the related muscles refer there.",
                                   _opts(width, labels, legend, scheme, source=atlas.base_url + urls.condition(slug)),
                                   both_sides=None if sides is Sides.auto else sides is Sides.both,
                                   counted=[m["name"] for m in c["muscles"]])
    return _image(svg, fmt, f"condition '{slug}'" + (" with muscles to map" if c is not None else ""), width, pool)
