"""Study mode: decks as JSON under /api/study, the study pages, and the cards' own pictures."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from app import queries
from app.routes.deps import AtlasDep, RasterDep
from app.routes.pages import error_page, render
from app.schemas import study as s
from app.schemas.api import Problem
from app.study import decks, exports, maps, pages, worksheet
from app.urls import urls

router = APIRouter()
PAGE: dict[str, Any] = {"include_in_schema": False}
SVG = "image/svg+xml"
ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No such deck"},
                                           400: {"model": Problem, "description": "Bad muscle list"}}
MusclesQ = Annotated[str | None, Query(max_length=4000, description="The custom deck's muscles: comma-separated slugs",
                                       examples=["upper-trapezius,levator-scapulae"])]


@router.get("/api/study/decks", response_model=list[s.DeckSummary], tags=["study"],
            summary="Study decks: by region and by condition")
def list_decks(atlas: AtlasDep) -> list[s.DeckSummary]:
    with atlas.lock:
        return decks.summaries(atlas.conn)


@router.get("/api/study/decks/{slug}", response_model=s.Deck, responses=ERRORS, tags=["study"],
         summary="One deck and its cards (the custom deck from ?muscles=)")
def get_deck(slug: str, atlas: AtlasDep, muscles: MusclesQ = None) -> s.Deck:
    try:
        with atlas.lock:
            return decks.deck(atlas.conn, slug, muscles, atlas.study_pictures)
    except decks.DeckError as exc:
        raise HTTPException(404 if exc.missing else 400, str(exc)) from exc


def _svg(svg: str | None, what: str) -> Response:
    if svg is None:
        raise HTTPException(404, f"no {what}")
    return Response(svg, media_type=SVG, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/study/maps/pattern/{slug}.svg", **PAGE)
def pattern_svg(slug: str, atlas: AtlasDep) -> Response:
    with atlas.lock:
        return _svg(maps.pattern_question(atlas.conn, slug), f"pattern for '{slug}'")


@router.get("/study/maps/where/{slug}.svg", **PAGE)
def where_svg(slug: str, atlas: AtlasDep) -> Response:
    with atlas.lock:
        return _svg(decks.where_svg(atlas.conn, slug, atlas.study_pictures), f"trigger-point picture for '{slug}'")


_FRAGMENT = re.compile(r"(card-(pm|mp|tp)|board)-[a-z0-9][a-z0-9-]{0,80}")


@router.get("/study/fragments/{name}.js", **PAGE)
def fragment_js(request: Request, name: str, atlas: AtlasDep) -> Response:
    """A card or a marking board for the deck page's script (a script, so that it also loads from file://)."""
    try:
        if not _FRAGMENT.fullmatch(name):
            raise LookupError(f"no fragment '{name}'")
        template, ctx = pages.fragment(atlas, name)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    html = request.app.state.templates.get_template(template).render(ctx)
    return Response(pages.js_fragment(name, html), media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/study", response_class=HTMLResponse, **PAGE)
def study_page(request: Request, atlas: AtlasDep) -> Response:
    return render(request, "study.html", pages.home(atlas), False)


@router.get("/study.json", **PAGE)
def study_json(request: Request, atlas: AtlasDep) -> Response:
    return render(request, "study.html", pages.home(atlas), True)


def _deck(request: Request, atlas: AtlasDep, deck: str, muscles: str | None, as_json: bool, page: int = 1) -> Response:
    try:
        ctx = pages.deck(atlas, deck, muscles, page)
    except decks.DeckError as exc:
        return error_page(request, 404 if exc.missing else 400, str(exc), as_json)
    return render(request, "study_deck.html", ctx, as_json)


def _built(atlas: AtlasDep, deck: str, muscles: str | None) -> s.Deck:
    try:
        return decks.deck(atlas.conn, deck, muscles, transforms=False)  # the downloads draw no where-card
    except decks.DeckError as exc:
        raise HTTPException(404 if exc.missing else 400, str(exc)) from exc


def _download(body: bytes, media_type: str, name: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


# the suffixed paths first: "/study/{deck}" would otherwise take "x.json" for a deck's name
@router.get("/study/{deck}.apkg", **PAGE)
def deck_apkg(atlas: AtlasDep, deck: str, muscles: MusclesQ = None) -> Response:
    built = atlas.meta.get("built_at")  # outside the lock: the first read of meta takes it
    with atlas.lock:
        d = _built(atlas, deck, muscles)
        latin = {m["slug"]: m["latin"] for m in queries.muscles(atlas.conn)}
        body = exports.apkg(d, latin, lambda m: maps.pattern_question(atlas.conn, m), atlas.base_url,
                            datetime.fromisoformat(built).timestamp() if built else None)
    return _download(body, "application/apkg", f"trigger-point-atlas-{d.slug}.apkg")


@router.get("/study/{deck}.moodle.xml", **PAGE)
def deck_moodle(atlas: AtlasDep, deck: str, muscles: MusclesQ = None) -> Response:
    with atlas.lock:
        d = _built(atlas, deck, muscles)
        body = exports.moodle_xml(d, lambda m: maps.pattern_question(atlas.conn, m), atlas.base_url)
    return _download(body, "application/xml", f"trigger-point-atlas-{d.slug}.moodle.xml")


@router.get("/study/{deck}.worksheet.pdf", **PAGE)
def deck_worksheet(atlas: AtlasDep, pool: RasterDep, deck: str, muscles: MusclesQ = None) -> Response:
    """Blank outlines to draw each muscle's pattern on, then the answer key (rasterised in the render pool)."""
    with atlas.lock:
        d = _built(atlas, deck, muscles)
        found = {m: queries.muscle(atlas.conn, m) for m in d.muscles}
    built = atlas.meta.get("built_at")
    entries = []
    for slug, m in found.items():
        if not m or not m["trigger_points"]:
            continue
        with atlas.lock:  # one muscle at a time: a long deck does not hold up every other request
            pair = maps.worksheet_pair(atlas.conn, slug)
        if pair is not None:
            entries.append(worksheet.Entry.of(m, pool.png(pair[0], worksheet.PX), pool.png(pair[1], worksheet.PX)))
    url = atlas.base_url + urls.study_deck(d.slug, d.muscles if d.kind == "custom" else ())
    body = worksheet.worksheet(d.title, entries, url, datetime.fromisoformat(built) if built else None)
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="trigger-point-atlas-{d.slug}-worksheet.pdf"',
        "Cache-Control": "public, max-age=86400"})


@router.get("/study/{deck}.json", **PAGE)
def deck_json(request: Request, atlas: AtlasDep, deck: str, muscles: MusclesQ = None) -> Response:
    return _deck(request, atlas, deck, muscles, True)


@router.get("/study/{deck}", response_class=HTMLResponse, **PAGE)
def deck_page(request: Request, atlas: AtlasDep, deck: str, muscles: MusclesQ = None) -> Response:
    return _deck(request, atlas, deck, muscles, False)


# the deck's further pages of cards, for a browser without JavaScript
@router.get("/study/{deck}/{page:int}.json", **PAGE)
def deck_page_n_json(request: Request, atlas: AtlasDep, deck: str, page: int, muscles: MusclesQ = None) -> Response:
    return _deck(request, atlas, deck, muscles, True, page)


@router.get("/study/{deck}/{page:int}", response_class=HTMLResponse, **PAGE)
def deck_page_n(request: Request, atlas: AtlasDep, deck: str, page: int, muscles: MusclesQ = None) -> Response:
    return _deck(request, atlas, deck, muscles, False, page)
