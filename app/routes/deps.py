"""Request dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.atlas import Atlas
from app.maps.pool import RasterPool


# async: a plain def would send every request through the thread pool just to read app.state
async def get_atlas(request: Request) -> Atlas:
    atlas: Atlas = request.app.state.atlas
    return atlas


AtlasDep = Annotated[Atlas, Depends(get_atlas)]


async def get_raster(request: Request) -> RasterPool:
    pool: RasterPool = request.app.state.raster
    return pool


RasterDep = Annotated[RasterPool, Depends(get_raster)]
