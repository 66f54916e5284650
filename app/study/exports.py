"""A deck taken into other tools: an Anki package (.apkg) and Moodle XML quiz questions.

Both are built from the deck (app/study/decks.py) and the same pattern pictures the study page
shows, so a teacher's export and the atlas never disagree. The pictures travel as SVG files:
Anki and Moodle both show SVG, and no rasterising is needed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import genanki

from app.schemas import study as s

# fixed ids: a re-imported deck updates the notes it imported before instead of adding copies
MODEL_ID = 1_607_392_319
ANKI_CSS = (".card{font-family:system-ui,sans-serif;font-size:20px;text-align:center;color:#1d1d1f;background:#fff}"
            "img{max-width:100%;height:auto}.zones{text-align:left;font-size:16px}.source{font-size:12px;color:#5b5b61}")
PatternSvg = Callable[[str], str | None]


def _file(slug: str) -> str:
    return f"atlas-pattern-{slug}.svg"


def _id(*parts: str) -> int:
    """A stable 31-bit id (Anki's deck ids) from names."""
    return int(hashlib.sha1("\0".join(parts).encode()).hexdigest()[:8], 16) & 0x7FFFFFFF


def _zones(names: list[str]) -> str:
    return "; ".join(html.escape(n) for n in names) or "none"


MODEL = genanki.Model(
    MODEL_ID, "Trigger-point atlas: referral pattern",
    fields=[{"name": f} for f in ("Id", "Muscle", "Latin", "Pattern", "Essential", "Spillover", "Source", "Link")],
    templates=[
        {"name": "Pattern → muscle",
         "qfmt": "<p>Which muscle refers pain here?</p>{{Pattern}}",
         "afmt": "{{FrontSide}}<hr id=answer><p><b>{{Muscle}}</b><br><i>{{Latin}}</i></p>"
                 "<p class=source>{{Source}}<br>{{Link}}</p>"},
        {"name": "Muscle → pattern",
         "qfmt": "<p>Where does <b>{{Muscle}}</b> refer pain? (trigger points on the right side)</p>",
         "afmt": "{{FrontSide}}<hr id=answer>{{Pattern}}<div class=zones><p>Essential: {{Essential}}</p>"
                 "<p>Spillover: {{Spillover}}</p></div><p class=source>{{Source}}<br>{{Link}}</p>"},
    ],
    css=ANKI_CSS, sort_field_index=1)


def apkg(deck: s.Deck, latin: dict[str, str], pattern_svg: PatternSvg, base_url: str, built: float | None = None) -> bytes:
    """The deck as an Anki package: one note per muscle, a card each way, the pattern picture inside.

    ``built``: when the atlas was built (seconds since the epoch), stamped on the notes and cards as
    their modification time: a newer build's notes replace older ones when the deck is imported again."""
    out = genanki.Deck(_id("atlas-study", deck.slug, *deck.muscles), f"Trigger-point atlas::{deck.title}")
    with tempfile.TemporaryDirectory() as tmp:
        media = []
        for card in deck.cards:
            if not isinstance(card, s.PatternToMuscle):
                continue
            svg = pattern_svg(card.muscle)
            if svg is None:
                continue
            path = Path(tmp) / _file(card.muscle)
            path.write_text(svg, encoding="utf-8")
            media.append(str(path))
            link = f'<a href="{html.escape(base_url + card.answer_url)}">{html.escape(base_url + card.answer_url)}</a>'
            out.add_note(genanki.Note(
                model=MODEL, guid=genanki.guid_for("atlas-study", card.muscle),
                fields=[card.muscle, html.escape(card.muscle_name), html.escape(latin.get(card.muscle, "")),
                        f'<img src="{_file(card.muscle)}" alt="Referral pattern">', _zones(card.pattern.essential),
                        _zones(card.pattern.spillover), html.escape(card.source), link],
                tags=["trigger-point-atlas", card.region]))
        target = Path(tmp) / "deck.apkg"
        genanki.Package(out, media_files=media).write_to_file(str(target), timestamp=built)
        return target.read_bytes()


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = value
    return el


def moodle_xml(deck: s.Deck, pattern_svg: PatternSvg, base_url: str, group: int = 6) -> bytes:
    """Moodle XML: a multiple-choice question per muscle (the pattern picture, four muscles to choose
    from) and matching questions (muscles to their essential zones, ``group`` muscles a question)."""
    quiz = ET.Element("quiz")
    cat = ET.SubElement(quiz, "question", {"type": "category"})
    _text(cat, "category", f"$course$/Trigger-point atlas/{deck.title}")
    pm = [c for c in deck.cards if isinstance(c, s.PatternToMuscle)]
    for card in pm:
        svg = pattern_svg(card.muscle)
        if svg is None:
            continue
        q = ET.SubElement(quiz, "question", {"type": "multichoice"})
        _text(q, "name", f"Referral pattern: {card.muscle_name} ({card.id})")
        body = (f'<p>Which muscle refers pain here? (trigger points on the right side)</p>'
                f'<p><img src="@@PLUGINFILE@@/{_file(card.muscle)}" alt="A referral pattern; essential zones: '
                f'{html.escape(", ".join(card.pattern.essential))}"></p>')
        qt = _text(q, "questiontext", body, "html")
        f = ET.SubElement(qt, "file", {"name": _file(card.muscle), "path": "/", "encoding": "base64"})
        f.text = base64.b64encode(svg.encode()).decode()
        _text(q, "generalfeedback", f"<p>{html.escape(card.muscle_name)}: "
                                    f'<a href="{html.escape(base_url + card.answer_url)}">the atlas page</a>. '
                                    f"Source: {html.escape(card.source)}</p>", "html")
        for tag, value in (("defaultgrade", "1"), ("penalty", "0.3333333"), ("hidden", "0"), ("idnumber", card.id),
                           ("single", "true"), ("shuffleanswers", "true"), ("answernumbering", "abc")):
            ET.SubElement(q, tag).text = value
        for ch in card.choices:
            a = _text(q, "answer", html.escape(ch.name), "html")
            a.set("fraction", "100" if ch.slug == card.muscle else "0")
            _text(a, "feedback", "Right." if ch.slug == card.muscle else f"No: it is {html.escape(card.muscle_name)}.",
                  "html")
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for card in pm:
        answer = "; ".join(card.pattern.essential)
        if answer and answer not in seen:  # two muscles with one pattern cannot both be matched
            seen.add(answer)
            pairs.append((card.muscle_name, answer))
    chunks = [pairs[i:i + group] for i in range(0, len(pairs), group)]
    if len(chunks) > 1 and len(chunks[-1]) < 3:  # a matching question needs three pairs to mean anything
        chunks[-2].extend(chunks.pop())
    for n, chunk in enumerate(c for c in chunks if len(c) >= 3):
        q = ET.SubElement(quiz, "question", {"type": "matching"})
        _text(q, "name", f"{deck.title}: essential zones {n + 1}")
        _text(q, "questiontext", "<p>Match each muscle to the essential zones of its referral pattern "
                                 "(trigger points on the right side).</p>", "html")
        for tag, value in (("defaultgrade", "1"), ("penalty", "0.3333333"), ("hidden", "0"), ("shuffleanswers", "true")):
            ET.SubElement(q, tag).text = value
        for muscle, zones in chunk:
            sub = _text(q, "subquestion", html.escape(muscle), "html")
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = zones
    ET.indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(ET.tostring(quiz, encoding="utf-8"))
