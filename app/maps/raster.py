"""SVG to PNG with resvg and the bundled font: a pure function, which the pool in app.maps.pool runs in
worker processes (or in-process when it has none) and whose last results it keeps."""

from __future__ import annotations

from typing import Any, cast

import resvg_py

from app.maps.fonts import resvg_font_options


def render(svg: str, width: int) -> bytes:
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=width, background="#ffffff",
                                       **cast(dict[str, Any], resvg_font_options())))

