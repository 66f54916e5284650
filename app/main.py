"""The application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from app import contexts
from app.atlas import Atlas
from app.cache import ResponseCache
from app.contexts import REGION_LABELS
from app.loader.build import BuildError, build, stored_hash
from app.maps.pool import RETRY_AFTER, Busy, RasterPool
from app.routes import api, maps, pages, share, study
from app.security import HTMX_CDN, HTMX_SRI, SecurityHeaders
from app.settings import Settings
from app.urls import urls

log = logging.getLogger("atlas")
DISCLAIMER = ("Educational reference for trained professionals. Not a diagnosis or a substitute for clinical "
              "assessment. Dry needling only by qualified, trained practitioners.")


def ensure_database(settings: Settings) -> None:
    """Build the database when it is missing, damaged or older than its inputs.

    Bad data never takes the atlas down: the problems are logged and the last good database is
    served. With no database at all there is nothing to serve, so the error propagates.
    """
    try:
        result = build(settings.data_dir, settings.figure_dir, settings.db_path)
    except BuildError as exc:
        if stored_hash(settings.db_path) is None:
            raise
        for problem in exc.problems:
            log.error("%s", problem)
        log.error("data has %d problem(s); serving the previous database", len(exc.problems))
        return
    if result.built:
        log.warning("built %s", settings.db_path)


def _templates(settings: Settings) -> Environment:
    env = Environment(loader=FileSystemLoader(settings.templates_dir), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(urls=urls, htmx_cdn=HTMX_CDN if settings.htmx_cdn else None, htmx_sri=HTMX_SRI, disclaimer=DISCLAIMER,
                       regions=REGION_LABELS, base_url=settings.base_url)
    return env


def create_app(settings: Settings | None = None) -> ASGIApp:
    """The ASGI app: FastAPI routes behind the response cache and the security headers."""
    settings = settings or Settings()
    ensure_database(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.raster.start()
        _ = app.state.atlas.referrals  # the lookup's index, read before the first request rather than in it
        yield
        app.state.atlas.close()
        app.state.raster.close()

    # Starlette's own slash redirects build an absolute URL from the Host header a client sends;
    # ours (below) answer with a relative Location, so no one is sent off-site
    app = FastAPI(title="Trigger-point atlas", version="0.1.0", lifespan=lifespan, redirect_slashes=False,
                  description="Myofascial trigger points, referral patterns, needling safety and conditions.")
    app.state.settings = settings
    app.state.atlas = Atlas(settings.db_path, settings.base_url)
    app.state.raster = RasterPool(settings.render_workers, settings.render_queue)
    app.state.templates = _templates(settings)
    app.include_router(api.router)
    app.include_router(maps.router)
    app.include_router(share.router)
    app.include_router(study.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")

    @app.get("/vendor/htmx.min.js", include_in_schema=False)
    def htmx() -> Response:
        if not settings.htmx_path.exists():
            return Response("/* htmx not installed: run npm ci */", media_type="application/javascript")
        return FileResponse(settings.htmx_path, media_type="application/javascript")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return pages.error_page(request, exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> Response:
        return pages.error_page(request, 503, str(exc), headers={"Retry-After": str(RETRY_AFTER)})

    @app.exception_handler(contexts.NotFound)
    async def not_found(request: Request, exc: contexts.NotFound) -> Response:
        return pages.error_page(request, 404, str(exc))

    @app.exception_handler(contexts.BadRequest)
    async def bad_param(request: Request, exc: contexts.BadRequest) -> Response:
        return pages.error_page(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        msgs = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return pages.error_page(request, 422, msgs or "invalid request")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            problem = {"$ref": "#/components/schemas/Problem"}
            schema["components"]["schemas"]["Problem"] = {
                "title": "Problem", "type": "object", "required": ["detail"],
                "properties": {"detail": {"type": "string", "title": "Detail"}}}
            for ops in schema["paths"].values():
                for op in ops.values():
                    # validation errors come back as one readable message, like every other 4xx
                    if "422" in op.get("responses", {}):
                        op["responses"]["422"] = {"description": "Bad parameter",
                                                  "content": {"application/json": {"schema": problem}}}
            for name in ("HTTPValidationError", "ValidationError"):
                schema["components"]["schemas"].pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return ResponseCache(SecurityHeaders(TrailingSlash(app), settings.htmx_cdn), enabled=settings.cache,
                         params=declared_params([*app.routes, *(r for m in (api, maps, share, study, pages)
                                                                for r in m.router.routes)]))


def declared_params(candidates: list[BaseRoute]) -> Callable[[Scope], frozenset[str] | None]:
    """The query parameters the route a request reaches declares (None: not one of our routes).
    The cache drops every other parameter before keying and rendering, so ``?r=1``, ``?r=2``… are
    one page, rendered once, and a junk parameter never reaches a link on it."""
    def names(d: Dependant) -> set[str]:
        return {p.alias for p in d.query_params}.union(*(names(sub) for sub in d.dependencies))

    # the routers' own routes (included without a prefix), matched in the order the app tries them
    routes = [(r, frozenset(names(r.dependant))) for r in candidates if isinstance(r, APIRoute)]

    def find(scope: Scope) -> frozenset[str] | None:
        probe = {**scope, "method": "GET"}
        for route, declared in routes:
            if route.matches(probe)[0] is Match.FULL:
                return declared
        return None

    return find


class TrailingSlash:
    """'/muscles/' → 308 to '/muscles' (query kept), as a path on this site: never the Host header's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 1 and path.endswith("/") and not path.startswith("/static/"):
            target = "/" + path.strip("/")
            query = scope.get("query_string", b"").decode("latin-1")
            location = target + (f"?{query}" if query else "")
            await send({"type": "http.response.start", "status": 308,
                        "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)
