"""A printable one- or two-page PDF handout for a muscle, written without a PDF library.

Pure: the muscle record and its map as PNG bytes in, PDF bytes out. Text uses the standard
Helvetica fonts (WinAnsi encoding), so the PDF needs no embedded font and its text stays
selectable and searchable.
"""

from __future__ import annotations

import io
import textwrap
import zlib
from typing import Any

from PIL import Image

A4 = (595.0, 842.0)
MARGIN = 48.0
NOTICE = ("Educational reference for trained professionals. Not a diagnosis. Dry needling only by qualified, "
          "trained practitioners.")


def _esc(text: str) -> str:
    text = text.encode("cp1252", "replace").decode("cp1252")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


class _Page:
    def __init__(self) -> None:
        self.ops: list[str] = []
        self.y = A4[1] - MARGIN

    def text(self, s: str, size: float = 10, bold: bool = False, indent: float = 0, width: int = 95) -> None:
        for line in textwrap.wrap(s, width=int(width * 10 / size)) or [""]:
            self.ops.append(f"BT /{'F2' if bold else 'F1'} {size} Tf {MARGIN + indent:.1f} {self.y:.1f} Td "
                            f"({_esc(line)}) Tj ET")
            self.y -= size * 1.35

    def gap(self, h: float = 6) -> None:
        self.y -= h


def handout(m: dict[str, Any], png: bytes, url: str) -> bytes:
    """The handout of one muscle: map, trigger points, referral, needling safety, sources."""
    img = Image.open(io.BytesIO(png)).convert("RGB")
    pages = [_Page()]
    p = pages[0]
    p.text(m["name"], 18, bold=True)
    p.text(f"{m['latin']} - {m['region']}, {m['group']}", 10)
    p.gap()
    # the map, scaled to the text width
    w = A4[0] - 2 * MARGIN
    h = w * img.height / img.width
    p.ops.append(f"q {w:.1f} 0 0 {h:.1f} {MARGIN:.1f} {p.y - h:.1f} cm /Im1 Do Q")
    p.y -= h + 8
    p.text("Trigger point = X; essential zone solid; spillover stippled. Right side shown; mirror for the left.", 8)
    p.gap()

    def need(lines: float) -> _Page:
        nonlocal p
        if p.y - lines * 13 < MARGIN + 30:
            p = _Page()
            pages.append(p)
        return p

    need(4).text("Anatomy", 12, bold=True)
    for label in ("origin", "insertion", "innervation", "action"):
        need(2).text(f"{label.capitalize()}: {m[label]}", 9)
    p.gap()
    need(3).text("Trigger points and referral", 12, bold=True)
    for tp in m["trigger_points"]:
        need(4).text(tp["label"], 10, bold=True)
        need(3).text(tp["location"], 9, indent=8)
        need(2).text("Essential: " + ", ".join(z["name"] for z in tp["referral"]["essential"]), 9, indent=8)
        if tp["referral"]["spillover"]:
            need(2).text("Spillover: " + ", ".join(z["name"] for z in tp["referral"]["spillover"]), 9, indent=8)
    p.gap()
    n = m["needling"]
    need(4).text("Dry needling" + ("" if n["needled"] else " - not needled in ordinary practice"), 12, bold=True)
    for label, key in (("Position", "position"), ("Palpation", "palpation"), ("Needle", "needle"),
                       ("Direction and depth" if n["needled"] else "Why not", "technique")):
        need(3).text(f"{label}: {n[key]}", 9)
    if n["structures_at_risk"]:
        need(3).text("Structures at risk", 10, bold=True)
        for r in n["structures_at_risk"]:
            need(3).text(f"{r['structure']} ({r['kind']}): {r['safety']}", 9, indent=8)
    p.gap()
    need(3).text("Sources", 12, bold=True)
    for s in m["sources"]:
        need(2).text(s["citation"] + (f" - {s['locator']}" if s.get("locator") else ""), 8, indent=8)
    for i, page in enumerate(pages):
        page.ops.append(f"BT /F1 7 Tf {MARGIN} 30 Td ({_esc(NOTICE)}) Tj ET")
        foot = f"Trigger-Point Atlas, {url} - CC BY-SA 4.0 - page {i + 1} of {len(pages)}"
        page.ops.append(f"BT /F1 7 Tf {MARGIN} 20 Td ({_esc(foot)}) Tj ET")
    return _write(pages, img)


def _write(pages: list[_Page], img: Image.Image) -> bytes:
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    font1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    font2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    data = zlib.compress(img.tobytes(), 6)
    image = add(f"<< /Type /XObject /Subtype /Image /Width {img.width} /Height {img.height} /ColorSpace /DeviceRGB "
                f"/BitsPerComponent 8 /Filter /FlateDecode /Length {len(data)} >>\nstream\n".encode() + data
                + b"\nendstream")
    pages_id = len(objs) + 1 + 2 * len(pages)
    kids = []
    for page in pages:
        content = "\n".join(page.ops).encode("cp1252", "replace")
        c = add(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {A4[0]:.0f} {A4[1]:.0f}] "
                        f"/Resources << /Font << /F1 {font1} 0 R /F2 {font2} 0 R >> /XObject << /Im1 {image} 0 R >> >> "
                        f"/Contents {c} 0 R >>".encode()))
    assert add(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()) == pages_id
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
