"""A deck's printable worksheet, laid out by fpdf2: a blank outline per muscle to draw its pattern on, one
muscle to a half page, then the answer key with the referral maps in the same frames.

Pure: the muscles and their two pictures as PNG bytes in, PDF bytes out. It shares the handout's page
(app/handout.py): the bundled font, the margins, and the footer with the educational notice.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from PIL import Image

from app.handout import FAMILY, GREY, INK, MARGIN, Box, Layout, _Handout

PX = 1200  # the pictures' width in pixels: about 170 dpi across the text width
HEADER = 8.0  # size of the line heading every page
GAP = 10.0  # between the two halves of a page


@dataclass
class Entry:
    """One muscle of the worksheet."""

    name: str
    latin: str
    essential: list[str]
    spillover: list[str]
    source: str
    outline: bytes  # PNG: the frames without the pattern
    key: bytes  # PNG: the same frames with it

    @classmethod
    def of(cls, m: dict[str, Any], outline: bytes, key: bytes) -> Entry:
        ess: dict[str, None] = {}
        spill: dict[str, None] = {}
        for tp in m["trigger_points"]:
            ess.update(dict.fromkeys(z["name"] for z in tp["referral"]["essential"]))
            spill.update(dict.fromkeys(z["name"] for z in tp["referral"]["spillover"]))
        src = m["sources"][0] if m["sources"] else None
        source = (str(src["citation"]).rstrip(". ") + (f". {src['locator']}" if src.get("locator") else ".")) if src else ""
        return cls(m["name"], m["latin"], list(ess), [z for z in spill if z not in ess], source, outline, key)


@dataclass
class _Sheet:
    pdf: _Handout
    boxes: list[Box] = field(default_factory=list)


class _Worksheet(_Handout):
    def __init__(self, url: str, heading: str) -> None:
        super().__init__(url)
        self.heading_line = heading
        # pages are laid out by hand, two halves each: nothing may start a page of its own
        self.set_auto_page_break(False, margin=self.b_margin)

    def header(self) -> None:
        self.set_xy(MARGIN, MARGIN)
        self.set_font(FAMILY, "", HEADER)
        self.set_text_color(*GREY)
        self.multi_cell(0, HEADER * 1.3, self.heading_line, new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_text_color(*INK)
        self.ln(4)


def _fit(png: bytes, w: float, h: float) -> tuple[float, float]:
    with Image.open(io.BytesIO(png)) as img:
        iw, ih = img.size
    scale = min(w / iw, h / ih)
    return iw * scale, ih * scale


def _picture(pdf: _Handout, boxes: list[Box], kind: str, png: bytes, top: float, room: float) -> float:
    """The picture as large as the text width and ``room`` allow, centred; returns where it ends."""
    w, h = _fit(png, pdf.epw, room)
    x = MARGIN + (pdf.epw - w) / 2
    pdf.image(io.BytesIO(png), x=x, y=top, w=w, h=h)
    boxes.append(Box(pdf.page, kind, x, top, w, h))
    return top + h


def _lines(pdf: _Handout, text: str, size: float, style: str = "") -> float:
    """The height ``text`` takes wrapped to the text width."""
    pdf.set_font(FAMILY, style, size)
    lines = pdf.multi_cell(0, size * 1.3, text, dry_run=True, output="LINES")
    assert isinstance(lines, list)
    return len(lines) * size * 1.3


def _halves(pdf: _Handout) -> tuple[float, float]:
    """The top and height of each half of the page below its heading line."""
    top = pdf.get_y()
    return top, (pdf.page_break_trigger - top - GAP) / 2


def _title(pdf: _Handout, n: int, e: Entry, y: float) -> float:
    pdf.set_xy(MARGIN, y)
    pdf.set_font(FAMILY, "B", 13)
    pdf.write(16, f"{n}. {e.name}")
    pdf.set_font(FAMILY, "I", 9.5)
    pdf.write(16, f"  {e.latin}")
    pdf.ln(18)
    return pdf.get_y()


def _half_pages(pdf: _Handout, entries: list[Entry]) -> Iterator[tuple[Entry, float, float]]:
    """Each entry in its half of a page under its numbered title: (entry, y below the title, height left)."""
    top, half = 0.0, 0.0
    for i, e in enumerate(entries):
        if i % 2 == 0:
            pdf.add_page()
            top, half = _halves(pdf)
        y0 = top + (i % 2) * (half + GAP)
        y = _title(pdf, i + 1, e, y0)
        yield e, y, y0 + half - y


def _build(title: str, entries: list[Entry], url: str, created: datetime | None) -> _Sheet:
    what = (f"Worksheet: {title}. Draw each muscle's referral pattern on the outline (right side): essential zones "
            "solid, spillover zones stippled, trigger points as X. The answer key follows the last muscle.")
    pdf = _Worksheet(url, what)
    pdf.set_title(f"{title} - worksheet - Trigger-Point Atlas")
    pdf.set_author("Trigger-Point Atlas contributors")
    pdf.set_subject(f"Referral patterns to draw: {title}")
    pdf.set_creator("Trigger-Point Atlas")
    pdf.set_lang("en")
    pdf.set_creation_date(created or datetime(2000, 1, 1, tzinfo=UTC))
    sheet = _Sheet(pdf)

    for e, y, room in _half_pages(pdf, entries):
        _picture(pdf, sheet.boxes, "outline", e.outline, y, room)

    pdf.heading_line = f"Answer key: {title}. Trigger point = X; essential zone solid; spillover stippled. Right side shown."
    for e, y, room in _half_pages(pdf, entries):
        words = [("Essential zones: ", "; ".join(e.essential) or "none", 8.5),
                 ("Spillover zones: ", "; ".join(e.spillover) or "none", 8.5), ("Source: ", e.source, 7.5)]
        text_h = sum(_lines(pdf, label + text, size) + 1.5 for label, text, size in words)
        y = _picture(pdf, sheet.boxes, "key", e.key, y, room - text_h - 4) + 4
        pdf.set_xy(MARGIN, y)
        for label, text, size in words:
            pdf.set_font(FAMILY, "B", size)
            pdf.write(size * 1.3, label)
            pdf.set_font(FAMILY, "", size)
            pdf.write(size * 1.3, text)
            pdf.ln(size * 1.3 + 1.5)
    if not entries:
        pdf.add_page()
        pdf.multi_cell(0, 14, "This deck has no muscle with a referral pattern to draw.", new_x="LMARGIN", new_y="NEXT")
    return sheet


def worksheet_layout(title: str, entries: list[Entry], url: str, created: datetime | None = None) -> Layout:
    """The worksheet and where its pictures were placed (page, box in points), for checks."""
    sheet = _build(title, entries, url, created)
    pdf = sheet.pdf
    out = bytes(pdf.output())
    missing = "".join(sorted({chr(u) for f in pdf.fonts.values() for u in getattr(f, "missing_glyphs", [])}))
    return Layout(out, pdf.pages_count, (pdf.w, pdf.h), sheet.boxes, missing)


def worksheet(title: str, entries: list[Entry], url: str, created: datetime | None = None) -> bytes:
    """A deck's worksheet: each muscle's blank outline on half a page, then the answer key."""
    return worksheet_layout(title, entries, url, created).pdf
