"""A printable PDF handout for a muscle, laid out by fpdf2.

Pure: the muscle record and its map as PNG bytes in, PDF bytes out. Every word is set in the
bundled Source Sans Pro (``app.maps.fonts``), embedded as a Unicode TrueType subset, so the text is
the same on every host, selectable and searchable, and en dashes, accents and "×" survive.
The map is fitted inside the margins (both the width and the height left on the page); text is
wrapped to the margins and flows onto further pages, each with the educational notice and the
attribution line in its footer.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from fpdf import FPDF
from PIL import Image

from app.maps import fonts
from app.urls import is_loopback

PAGE = (595.28, 841.89)  # A4 in points
MARGIN = 48.0
FOOTER_BOTTOM = 24.0  # the footer's last line ends this far above the page edge
FOOTER_SIZE = 7.0
FOOTER_LINES = 3  # room kept for the footer (the notice and the attribution, wrapped if long)
FAMILY = "SourceSans"  # the name fpdf2 knows the bundled font by; the PDF names it SourceSansPro-*
NOTICE = ("Educational reference for trained professionals. Not a diagnosis. Dry needling only by qualified, "
          "trained practitioners.")
LICENCE = "CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
LEGEND = "Trigger point = X; essential zone solid; spillover stippled. Right side shown; mirror for the left."
INK = (20, 20, 20)
GREY = (85, 85, 85)


@dataclass
class Box:
    """Something drawn on a page, in points from the top-left corner of that page."""

    page: int
    kind: str
    x: float
    y: float
    w: float
    h: float


@dataclass
class Layout:
    """What :func:`handout_layout` placed: the boxes a test checks against the page."""

    pdf: bytes
    pages: int
    page_size: tuple[float, float] = PAGE
    boxes: list[Box] = field(default_factory=list)
    missing_glyphs: str = ""  # characters the bundled font could not draw (should stay empty)


class _Handout(FPDF):
    def __init__(self, url: str) -> None:
        super().__init__(orientation="P", unit="pt", format="A4")
        self.url = url
        self.boxes: list[Box] = []
        self.add_font(FAMILY, "", str(fonts.REGULAR))
        self.add_font(FAMILY, "B", str(fonts.BOLD))
        self.add_font(FAMILY, "I", str(fonts.ITALIC))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=FOOTER_BOTTOM + FOOTER_LINES * FOOTER_SIZE * 1.3 + 14)
        self.alias_nb_pages()

    def footer(self) -> None:
        line = FOOTER_SIZE * 1.3
        self.set_y(-(FOOTER_BOTTOM + FOOTER_LINES * line))
        self.set_font(FAMILY, "", FOOTER_SIZE)
        self.set_text_color(*GREY)
        self.multi_cell(0, line, NOTICE, new_x="LMARGIN", new_y="NEXT", align="L")
        if is_loopback(self.url):  # a local install's own address means nothing on paper: the page's path
            parts = urlsplit(self.url)
            self.write(line, f"Trigger-Point Atlas, {parts.path}{'?' + parts.query if parts.query else ''}")
        else:
            self.write(line, "Trigger-Point Atlas, ")
            self.write(line, self.url, link=self.url)
        self.write(line, f" - {LICENCE} ")
        self.write(line, f"({LICENCE_URL})", link=LICENCE_URL)
        self.write(line, f" - page {self.page_no()} of {self.str_alias_nb_pages}")
        self.ln(line)
        self.set_text_color(*INK)

    # -- text helpers ---------------------------------------------------------------------------
    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` points fit below the cursor (no orphaned heading)."""
        if self.y + height > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str, size: float = 12, space_before: float = 8) -> None:
        self.keep(space_before + size * 1.3 + 3 * 9 * 1.3)
        self.ln(space_before)
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 1.25, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(2)

    def para(self, text: str, size: float = 9, label: str = "", indent: float = 0, style: str = "") -> None:
        """A wrapped paragraph, optionally led by a bold label, optionally indented."""
        h = size * 1.35
        self.set_left_margin(MARGIN + indent)
        self.set_x(MARGIN + indent)
        if label:
            self.set_font(FAMILY, "B", size)
            self.write(h, label + " ")
        self.set_font(FAMILY, style, size)
        self.write(h, text)
        self.ln(h)
        self.set_left_margin(MARGIN)
        self.ln(1.5)


def _unsided(name: str) -> str:
    return re.sub(r"\s*\((right|left)\)$", "", name)


def _build(m: dict[str, Any], png: bytes, url: str, created: datetime | None) -> _Handout:
    pdf = _Handout(url)
    pdf.set_title(f"{m['name']} - Trigger-Point Atlas handout")
    pdf.set_author("Trigger-Point Atlas contributors")
    pdf.set_subject(f"Trigger points, referral and needling safety of {m['name']}")
    pdf.set_creator("Trigger-Point Atlas")
    pdf.set_lang("en")
    pdf.set_creation_date(created or datetime(2000, 1, 1, tzinfo=UTC))  # fixed: the same data give the same bytes
    pdf.set_text_color(*INK)
    pdf.add_page()

    pdf.set_font(FAMILY, "B", 20)
    pdf.multi_cell(0, 24, m["name"], new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font(FAMILY, "I", 10.5)
    pdf.write(14, m["latin"])
    pdf.set_font(FAMILY, "", 10.5)
    pdf.write(14, f" \u2013 {m['region']}, {m['group']}")
    pdf.ln(14)
    pdf.ln(8)

    # the map: as large as the text width and the rest of the page allow, centred
    with Image.open(io.BytesIO(png)) as img:
        iw, ih = img.size
    legend_h = 2 * 8 * 1.35 + 6
    avail_w = pdf.epw
    avail_h = pdf.page_break_trigger - pdf.y - legend_h
    scale = min(avail_w / iw, avail_h / ih)
    w, h = iw * scale, ih * scale
    x = MARGIN + (avail_w - w) / 2
    pdf.image(io.BytesIO(png), x=x, y=pdf.y, w=w, h=h)
    pdf.boxes.append(Box(pdf.page, "map", x, pdf.y, w, h))
    pdf.set_y(pdf.y + h + 4)
    pdf.set_text_color(*GREY)
    pdf.para(LEGEND, 8)
    pdf.set_text_color(*INK)

    pdf.heading("Anatomy")
    for key in ("origin", "insertion", "innervation", "action"):
        pdf.para(m[key], label=f"{key.capitalize()}:")

    pdf.heading("Trigger points and referral")
    said: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
    for tp in m["trigger_points"]:
        pdf.keep(3 * 9 * 1.35 + 10 * 1.35)
        pdf.para(tp["label"], 10, style="B")
        pdf.para(tp["location"], indent=10)
        # the side once, in the map's caption: "(right)" after every zone only repeated it
        ess, spill = (tuple(_unsided(z["name"]) for z in tp["referral"][k]) for k in ("essential", "spillover"))
        if (ess, spill) in said:  # a pattern the point shares with one above is named, not listed again
            pdf.para(f"the same as {said[ess, spill]}.", label="Referral:", indent=10)
            continue
        said[ess, spill] = re.split(r"\s*\(", tp["label"], maxsplit=1)[0]
        pdf.para(", ".join(ess), label="Essential:", indent=10)
        if spill:
            pdf.para(", ".join(spill), label="Spillover:", indent=10)

    n = m["needling"]
    pdf.heading("Dry needling" + ("" if n["needled"] else " \u2013 not needled in ordinary practice"))
    for label, key in (("Position", "position"), ("Palpation", "palpation"), ("Needle", "needle"),
                       ("Direction and depth" if n["needled"] else "Why not", "technique")):
        pdf.para(n[key], label=f"{label}:")
    if n["structures_at_risk"]:
        pdf.heading("Structures at risk", 10, space_before=4)
        for r in n["structures_at_risk"]:
            pdf.para(r["safety"], label=f"{r['structure']} ({r['kind']}):", indent=10)

    pdf.heading("Sources")
    for s in m["sources"]:
        pdf.para(s["citation"] + (f" \u2013 {s['locator']}" if s.get("locator") else ""), 8, indent=10)
    return pdf


def handout_layout(m: dict[str, Any], png: bytes, url: str, created: datetime | None = None) -> Layout:
    """The handout and where its map was placed (page, box in points), for checks."""
    pdf = _build(m, png, url, created)
    out = bytes(pdf.output())
    missing = "".join(sorted({chr(u) for f in pdf.fonts.values() for u in getattr(f, "missing_glyphs", [])}))
    return Layout(out, pdf.pages_count, (pdf.w, pdf.h), pdf.boxes, missing)


def handout(m: dict[str, Any], png: bytes, url: str, created: datetime | None = None) -> bytes:
    """The handout of one muscle: map, anatomy, trigger points and referral, needling safety, sources."""
    return handout_layout(m, png, url, created).pdf
