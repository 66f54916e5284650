"""SVG to PNG with resvg and the bundled font; the last renders are kept, since one map is often
asked for twice in a row (its PNG and the PDF handout that embeds it, the export and the page)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

import resvg_py

from app.maps.fonts import resvg_font_options


@lru_cache(maxsize=32)
def png(svg: str, width: int) -> bytes:
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=width, background="#ffffff",
                                       **cast(dict[str, Any], resvg_font_options())))
