"""Request dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.atlas import Atlas
from app.maps.pool import RasterPool


def get_atlas(request: Request) -> Atlas:
    atlas: Atlas = request.app.state.atlas
    return atlas


AtlasDep = Annotated[Atlas, Depends(get_atlas)]


def get_raster(request: Request) -> RasterPool:
    pool: RasterPool = request.app.state.raster
    return pool


RasterDep = Annotated[RasterPool, Depends(get_raster)]
