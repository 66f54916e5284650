"""The one font every map, PNG and PDF uses: Source Sans Pro (SIL OFL 1.1), from the PyPI package
``font-source-sans-pro``.

A fresh host may have no fonts at all (at most DejaVu), and resvg without a font silently drops
every word of a map. So the font files come from a registry package, are passed to resvg
explicitly with system fonts skipped, and the SVG names the same family first.
"""

from __future__ import annotations

from pathlib import Path

import font_source_sans_pro

FONT_FAMILY = "Source Sans Pro"
# the SVG stack: our font first; browsers without it fall back to their own sans-serif
CSS_FONT_STACK = f"'{FONT_FAMILY}',system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
_DIR = Path(font_source_sans_pro.font_directory)
REGULAR = _DIR / "SourceSansPro-Regular.ttf"
SEMIBOLD = _DIR / "SourceSansPro-Semibold.ttf"
BOLD = _DIR / "SourceSansPro-Bold.ttf"
ITALIC = _DIR / "SourceSansPro-It.ttf"
FONT_FILES: tuple[Path, ...] = (REGULAR, SEMIBOLD, BOLD, ITALIC)


def resvg_font_options() -> dict[str, object]:
    """Keyword arguments for ``resvg_py.svg_to_bytes``: our font files only, no system fonts."""
    return {
        "font_files": [str(p) for p in FONT_FILES],
        "skip_system_fonts": True,
        "font_family": FONT_FAMILY,
        "sans_serif_family": FONT_FAMILY,
    }
