"""Contexts of the study pages: the deck list with the index the browser sums progress over, and one deck."""

from __future__ import annotations

import json
from typing import Any

from app.atlas import Atlas
from app.contexts import Ctx, crumbs
from app.study import decks, maps
from app.urls import urls


def _script_json(data: Any) -> str:
    """JSON to sit inside <script type="application/json">: nothing in it can close the element."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


def home(atlas: Atlas) -> Ctx:
    with atlas.lock:
        ids = decks.card_ids(atlas.conn)
        listed = decks.summaries(atlas.conn, ids)
        members = {d.slug: decks.deck_muscles(atlas.conn, d) for d in listed}
    index = {d.slug: {"title": d.title, "kind": d.kind, "url": d.url,
                      "cards": [i for m in members[d.slug] for i in ids.get(m, [])]} for d in listed}
    return {
        "page": "study", "title": "Study", "breadcrumbs": crumbs(("Study", None)),
        "regions": [d.model_dump() for d in listed if d.kind == "region"],
        "conditions": [d.model_dump() for d in listed if d.kind == "condition"],
        "custom_example": urls.study_deck(decks.CUSTOM, ["upper-trapezius", "levator-scapulae", "splenius-capitis"]),
        "_index": _script_json(index),
    }


def deck(atlas: Atlas, slug: str, muscles: str | None = None) -> Ctx:
    """Raises decks.DeckError for an unknown deck or a bad muscle list."""
    with atlas.lock:
        d, where = decks.deck_with_pictures(atlas.conn, slug, muscles)
        views = list(dict.fromkeys(v for c in d.cards if c.kind == "muscle-pattern" for v in c.views))
        boards = {v: maps.board(atlas.conn, v, f"board-{v}") for v in views}
    data = d.model_dump()
    return {
        "page": "study-deck", "title": f"Study: {d.title}",
        "breadcrumbs": crumbs(("Study", urls.study()), (d.title, None)),
        "deck": data,
        "exports": {"apkg": urls.study_deck(d.slug, d.muscles if d.kind == "custom" else (), ".apkg"),
                    "moodle": urls.study_deck(d.slug, d.muscles if d.kind == "custom" else (), ".moodle.xml")},
        "_where": where, "_boards": {v: svg for v, svg in boards.items() if svg},
        "_deck_json": _script_json(data),
    }
