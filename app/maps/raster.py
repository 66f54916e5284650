"""SVG to PNG with resvg and the bundled font (a pure function: the pool in app.maps.pool runs it
in worker processes for the server; the exporter and the CLI call it directly)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

import resvg_py

from app.maps.fonts import resvg_font_options


def render(svg: str, width: int) -> bytes:
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=width, background="#ffffff",
                                       **cast(dict[str, Any], resvg_font_options())))


@lru_cache(maxsize=32)
def png(svg: str, width: int) -> bytes:
    """render(), the last few kept: the exporter asks for one map's PNG and its handout in a row."""
    return render(svg, width)
